/**
 * The vm sysctls of the tunables, read and written like /proc/sys/vm/*.
 * Each write recomputes exactly what the kernel's proc handler recomputes:
 * - vm.min_free_kbytes (min_free_kbytes_sysctl_handler): user_min_free_kbytes = value;
 *   setup_per_zone_wmarks (6.1: + zone_pcp_update). lowmem_reserve is NOT recomputed.
 * - vm.watermark_scale_factor (watermark_scale_factor_sysctl_handler): setup_per_zone_wmarks.
 * - vm.watermark_boost_factor (proc_dointvec_minmax): stored only.
 * - vm.lowmem_reserve_ratio (lowmem_reserve_ratio_sysctl_handler): values < 1 become 0;
 *   setup_per_zone_lowmem_reserve (+ calculate_totalreserve_pages).
 * - 5.10 vm.percpu_pagelist_fraction / 6.1 vm.percpu_pagelist_high_fraction: 0 or >= 8; when the
 *   value changes, every populated zone's pcp high/batch is recomputed from its current managed.
 */
import { versionRules } from '../kernel-behaviour';
import { otherVersionOf, vmSysctlNames } from './vm-sysctls';
import { MmError } from '../errors';
import { setupPerZoneLowmemReserveMut } from './lowmem-reserve';
import { zoneSetPagesetHighAndBatch61Mut, pagesetSetHighAndBatch510 } from './pcp';
import { cloneState, populatedZone, type TunableState } from './state';
import { setupPerZoneWmarksMut } from './watermarks';

const INT_MAX = 2147483647;
/** MIN_PERCPU_PAGELIST_FRACTION (5.10) / MIN_PERCPU_PAGELIST_HIGH_FRACTION (6.1) */
const MIN_PERCPU_PAGELIST_FRACTION = 8;

export type TunableSysctl =
  | 'min_free_kbytes'
  | 'watermark_scale_factor'
  | 'watermark_boost_factor'
  | 'lowmem_reserve_ratio'
  | 'percpu_pagelist_fraction'
  | 'percpu_pagelist_high_fraction';

/** The sysctls this kernel version has (names under vm.). */
export function tunableSysctlNames(kernel: TunableState['kernel']): TunableSysctl[] {
  return [
    'min_free_kbytes',
    'watermark_scale_factor',
    'watermark_boost_factor',
    'lowmem_reserve_ratio',
    versionRules(kernel).pcp.fractionSysctl,
  ];
}

/** Accepts `vm.NAME`, `vm/NAME`, `/proc/sys/vm/NAME` or bare `NAME`. */
function resolveName(s: TunableState, name: string): TunableSysctl {
  const n = name.trim().replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
  const bare = n.startsWith('vm.') ? n.slice(3) : n;
  const known = tunableSysctlNames(s.kernel) as string[];
  if (!known.includes(bare)) {
    const modelled = known.map((k) => 'vm.' + k).join(', ');
    if (vmSysctlNames(s.kernel).includes(bare)) {
      throw new MmError('SYSCTL_UNMODELED', `vm.${bare} is a real sysctl of Linux ${s.kernel}, but mmbook does not model it (it models ${modelled})`);
    }
    const other = otherVersionOf(bare, s.kernel);
    throw new MmError(
      'SYSCTL_UNKNOWN',
      other
        ? `vm.${bare} exists in Linux ${other}, not in ${s.kernel} (mmbook models ${modelled})`
        : `unknown sysctl "${name}": Linux ${s.kernel} has no vm.${bare} (mmbook models ${modelled})`,
    );
  }
  return bare as TunableSysctl;
}

/**
 * One integer as proc_get_long + do_proc_dointvec_conv parse it: optional '-', then
 * strtoul base 0 (0x… hex, 0… octal, else decimal); must fit in an int.
 */
function parseProcInt(tok: string, sysctl: string, raw: string): number {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(tok);
  if (!m) throw new MmError('SYSCTL_INVALID', `vm.${sysctl}: "${tok}" is not an integer (value "${raw}")`);
  const body = m[2]!;
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt(body);
  else if (body.length > 1 && body.startsWith('0')) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  if (m[1]) v = -v;
  if (v > BigInt(INT_MAX) || v < -BigInt(INT_MAX) - 1n) {
    throw new MmError('SYSCTL_INVALID', `vm.${sysctl}: ${tok} does not fit in an int (value "${raw}")`);
  }
  return Number(v);
}

/** proc_dointvec write: whitespace-separated integers, at least one, at most `max`. */
function parseVector(raw: string, sysctl: string, max: number): number[] {
  const toks = raw.split(/[ \t\n\r\f\v]+/).filter((t) => t.length > 0);
  if (toks.length === 0) throw new MmError('SYSCTL_INVALID', `vm.${sysctl}: empty value`);
  if (toks.length > max) {
    throw new MmError(
      'SYSCTL_INVALID',
      `vm.${sysctl}: ${toks.length} values given, the kernel has ${max} (value "${raw}")`,
    );
  }
  return toks.map((t) => parseProcInt(t, sysctl, raw));
}

/** One integer in min..max, as proc_dointvec_minmax takes it (SYSCTL_INVALID otherwise). */
export function parseScalar(raw: string, sysctl: string, min: number, max: number, kernel: string): number {
  const v = parseVector(raw, sysctl, 1)[0]!;
  if (v < min || v > max) {
    throw new MmError('SYSCTL_INVALID', `vm.${sysctl}: ${v} is out of range ${min}..${max} (kernel ${kernel})`);
  }
  return v;
}

/** watermark_scale_factor's upper bound: one_thousand (5.10), SYSCTL_THREE_THOUSAND (6.1). */
export function watermarkScaleFactorMax(kernel: TunableState['kernel']): number {
  return versionRules(kernel).watermarkScaleFactorMax;
}

/**
 * Write a vm sysctl (as `echo value > /proc/sys/vm/NAME`) and recompute what the kernel's
 * handler recomputes. Returns a new state; the input is not modified.
 * Errors: SYSCTL_UNKNOWN (no such vm sysctl), SYSCTL_UNMODELED (a real one mmbook does not model), SYSCTL_INVALID (malformed or out of range; nothing changes).
 */
export function writeSysctl(s: TunableState, name: string, value: string | number | readonly number[]): TunableState {
  const sysctl = resolveName(s, name);
  const raw = Array.isArray(value) ? value.join(' ') : String(value);
  const d = cloneState(s);
  switch (sysctl) {
    case 'min_free_kbytes': {
      // min_free_kbytes_sysctl_handler (mm/page_alloc.c): extra1 = SYSCTL_ZERO
      const v = parseScalar(raw, sysctl, 0, INT_MAX, s.kernel);
      d.minFreeKbytes = v;
      d.userMinFreeKbytes = v;
      setupPerZoneWmarksMut(d);
      return d;
    }
    case 'watermark_scale_factor': {
      // watermark_scale_factor_sysctl_handler (mm/page_alloc.c)
      d.watermarkScaleFactor = parseScalar(raw, sysctl, 1, watermarkScaleFactorMax(s.kernel), s.kernel);
      setupPerZoneWmarksMut(d);
      return d;
    }
    case 'watermark_boost_factor': {
      // proc_dointvec_minmax, extra1 = SYSCTL_ZERO: the next boost_watermark reads it
      d.watermarkBoostFactor = parseScalar(raw, sysctl, 0, INT_MAX, s.kernel);
      return d;
    }
    case 'lowmem_reserve_ratio': {
      // lowmem_reserve_ratio_sysctl_handler (mm/page_alloc.c): proc_dointvec_minmax without
      // bounds stores the first k entries; then every entry < 1 becomes 0
      const vals = parseVector(raw, sysctl, d.nrZoneTypes);
      vals.forEach((v, i) => (d.lowmemReserveRatio[i] = v));
      for (let i = 0; i < d.nrZoneTypes; i++) if ((d.lowmemReserveRatio[i] ?? 0) < 1) d.lowmemReserveRatio[i] = 0;
      setupPerZoneLowmemReserveMut(d);
      return d;
    }
    case 'percpu_pagelist_fraction':
    case 'percpu_pagelist_high_fraction': {
      // percpu_pagelist_fraction_sysctl_handler (5.10) / percpu_pagelist_high_fraction_sysctl_handler (6.1)
      const v = parseScalar(raw, sysctl, 0, INT_MAX, s.kernel);
      if (v && v < MIN_PERCPU_PAGELIST_FRACTION) {
        throw new MmError(
          'SYSCTL_INVALID',
          `vm.${sysctl}: ${v} is invalid; it must be 0 (automatic) or at least ${MIN_PERCPU_PAGELIST_FRACTION}`,
        );
      }
      if (v === s.percpuPagelistFraction) return d; // "No change?"
      d.percpuPagelistFraction = v;
      for (const z of d.zones) {
        if (!populatedZone(z)) continue;
        if (versionRules(d.kernel).pcp.high === 'low-wmark') zoneSetPagesetHighAndBatch61Mut(d, z);
        else {
          const { high, batch } = pagesetSetHighAndBatch510(z.managed, v);
          z.pcpHigh = high;
          z.pcpBatch = batch;
        }
      }
      return d;
    }
  }
}

/** Read a vm sysctl as `cat /proc/sys/vm/NAME` prints it (proc_dointvec: tab-separated, newline). */
export function readSysctl(s: TunableState, name: string): string {
  const sysctl = resolveName(s, name);
  switch (sysctl) {
    case 'min_free_kbytes':
      return `${s.minFreeKbytes}\n`;
    case 'watermark_scale_factor':
      return `${s.watermarkScaleFactor}\n`;
    case 'watermark_boost_factor':
      return `${s.watermarkBoostFactor}\n`;
    case 'lowmem_reserve_ratio':
      return `${s.lowmemReserveRatio.slice(0, s.nrZoneTypes).join('\t')}\n`;
    case 'percpu_pagelist_fraction':
    case 'percpu_pagelist_high_fraction':
      return `${s.percpuPagelistFraction}\n`;
  }
}
