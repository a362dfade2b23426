/**
 * The explanation's input after run-time sysctl writes, for a live "what if I had tuned it" re-check
 * of an explained failure: each write goes through writeSysctl (the kernel's handlers:
 * min_free_kbytes_sysctl_handler and watermark_scale_factor_sysctl_handler run
 * setup_per_zone_wmarks, which also clears the boost; lowmem_reserve_ratio_sysctl_handler runs
 * setup_per_zone_lowmem_reserve), and what it recomputed replaces the zones' watermarks, boost and
 * lowmem_reserve[]. Free pages and free lists stay as the snapshot had them. vm.extfrag_threshold
 * changes compaction_suitable's test for costly orders.
 */
import { MmError } from '../errors';
import { writeSysctl } from '../tunables';
import type { ExplainInput, ZoneSnapshot } from './explain';

export type SysctlWrites = Array<[string, string | number | readonly number[]]> | Record<string, string | number | readonly number[]>;

/** The input with `writes` applied in order; the zones keep their free pages. */
export function retuneExplainInput(input: ExplainInput, writes: SysctlWrites): ExplainInput {
  const list = Array.isArray(writes) ? writes : Object.entries(writes ?? {});
  if (!list.length) return input;
  let t = input.tunables;
  if (!t) throw new MmError('RETUNE_NO_TUNABLES', 'this explanation has no tunables to rewrite (a report with other than 4 KiB pages, or a check made without its machine)', 'sysctls');
  let wmarks = false;
  let reserves = false;
  let extfragThreshold = input.extfragThreshold;
  for (const [name, value] of list) {
    const full = name.startsWith('vm.') ? name : `vm.${name}`;
    if (full === 'vm.extfrag_threshold') {
      // compaction's sysctl (proc_dointvec_minmax, 0..1000): only compaction_suitable reads it
      const n = Number(String(value).trim());
      if (!Number.isInteger(n) || n < 0 || n > 1000) throw new MmError('SYSCTL_INVALID', `vm.extfrag_threshold must be an integer in 0..1000, got '${String(value)}'`, 'sysctls');
      extfragThreshold = n;
      continue;
    }
    t = writeSysctl(t, full, value);
    if (full === 'vm.min_free_kbytes' || full === 'vm.watermark_scale_factor') wmarks = true;
    if (full === 'vm.lowmem_reserve_ratio') reserves = true;
  }
  // only what the handlers recomputed replaces the snapshot's values (a report's tunables carry no watermarks of their own)
  const zones = input.zones.map((z): ZoneSnapshot => {
    const tz = t!.zones.find((x) => x.nid === z.nid && x.idx === z.idx);
    if (!tz) return z;
    return {
      ...z,
      ...(wmarks ? { wmark: [tz.wmark.min, tz.wmark.low, tz.wmark.high] as const, boost: tz.boost } : {}),
      ...(reserves ? { lowmemReserve: [...tz.lowmemReserve] } : {}),
    };
  });
  const said = list.map(([n, v]) => `${n.startsWith('vm.') ? n : `vm.${n}`}=${Array.isArray(v) ? v.join(' ') : String(v)}`).join(', ');
  return { ...input, zones, tunables: t, extfragThreshold, notes: [...(input.notes ?? []), `re-checked after writing ${said}: the watermarks, boost and lowmem_reserve the handlers recomputed; free pages and free lists as in the snapshot`] };
}
