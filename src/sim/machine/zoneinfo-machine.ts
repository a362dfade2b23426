/**
 * ImportedMachine: a Machine imported from a real /proc/zoneinfo. It prints the dump's own
 * derived values (the tunables are seeded with them, zoneinfo-seed.ts) and the dump's per-CPU
 * pagesets, until a sysctl write makes the kernel's handler recompute them:
 * - vm.min_free_kbytes, vm.watermark_scale_factor (setup_per_zone_wmarks): watermarks, boost = 0,
 *   and on 6.1 pcp high/batch of every CPU (zone_pcp_update); protection is kept.
 * - vm.lowmem_reserve_ratio (setup_per_zone_lowmem_reserve): protection.
 * - vm.percpu_pagelist_(high_)fraction, when the value changes: pcp high/batch.
 * - vm.watermark_boost_factor: nothing.
 * (src/sim/tunables/sysctl.ts does the recomputation; this file only tracks which printed
 * values are still the dump's.) Lines the dump did not have stay unprinted.
 */
import { versionRules } from '../kernel-behaviour';
import type { MachineViewExtra, PcpViewExtra, ZoneinfoLineKey, ZoneViewExtra } from '../format/extra';
import type { ParsedZoneinfo, ParsedZoneinfoZone } from '../format/zoneinfo-parse';
import { missingLines } from '../format/zoneinfo-view';
import { tunableSysctlNames, writeSysctl, type TunableState } from '../tunables';
import { Machine, type MachineParts } from './machine';
import type { Inferred } from './zoneinfo-infer';

export interface ImportInfo {
  /** the layout the dump was recognised as (e.g. "4.12–5.11") */
  layout: string;
  parsed: ParsedZoneinfo;
  /** vm.min_free_kbytes and vm.watermark_scale_factor as inferred from the dump (null: not inferable) */
  inferred: { minFreeKbytes: Inferred | null; watermarkScaleFactor: Inferred | null };
  /** mmbook's own tunables for this layout (with the same sysctl writes applied) */
  recomputed: TunableState;
  /** the printed pcp high/batch are still the dump's (no handler has recomputed them) */
  pcpFromDump: boolean;
  /** the boost is known: the dump printed it, or a watermark recomputation set it to 0 */
  boostKnown: boolean;
  /** the cma line is known: the dump printed it or a boot log placed the CMA areas */
  cmaKnown: boolean;
}

/** The sysctl name without "vm." / "/proc/sys/vm/" (as writeSysctl resolves it). */
function bareName(name: string): string {
  const n = name.trim().replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
  return n.startsWith('vm.') ? n.slice(3) : n;
}

export class ImportedMachine extends Machine {
  readonly imported: Readonly<ImportInfo>;
  private overlaid: MachineViewExtra | null = null;

  constructor(parts: MachineParts, info: ImportInfo) {
    super(parts);
    this.imported = Object.freeze({ ...info });
  }

  /** The dump's zone for (nid, zone name), if the dump printed that zone. */
  private dumpZone(nid: number, name: string): ParsedZoneinfoZone | undefined {
    return this.imported.parsed.zones.find((z) => z.nid === nid && z.zone === name);
  }

  override view(): MachineViewExtra {
    if (this.overlaid) return this.overlaid;
    const v = super.view();
    const info = this.imported;
    const base = this.parts.imported;
    for (const node of v.nodes) {
      const hasNodeStats = (info.parsed.nodes.find((n) => n.nid === node.nid)?.statNames.length ?? 0) > 0;
      for (const z of node.zones as ZoneViewExtra[]) {
        const dz = this.dumpZone(node.nid, z.name);
        if (!dz) continue; // a zone an old layout did not print: mmbook's own, printed in full
        const firstPopulated = node.zones.find((q) => q.present > 0) === z;
        // lines mmbook derives when the dump lacks them are printed: managed (present on <= 3.7),
        // protection and watermarks (recomputed), boost and cma once known
        const derived: ZoneinfoLineKey[] = ['managed', 'protection', 'watermarks'];
        if (info.boostKnown) derived.push('boost');
        if (info.cmaKnown) derived.push('cma');
        const miss = missingLines(dz, firstPopulated, hasNodeStats).filter((k) => !derived.includes(k));
        if (miss.length > 0) z.missing = miss;
        const real = base?.nodes.find((n) => n.nid === node.nid)?.zones.find((q) => q.name === z.name);
        if (real && dz.hasPagesets) {
          z.statThreshold = real.statThreshold;
          z.pcp = real.pcp.map((p): PcpViewExtra => {
            const q: PcpViewExtra = { ...p };
            if (!info.pcpFromDump) {
              const t = this.parts.tunables.zones.find((x) => x.nid === z.nid && x.idx === z.idx)!;
              q.high = t.pcpHigh;
              q.batch = t.pcpBatch;
              if (q.missing) q.missing = q.missing.filter((k) => k !== 'high' && k !== 'batch');
            }
            return q;
          });
        }
      }
    }
    // the dump's cma lines give totalcma_pages when no boot log placed the areas
    if (info.parsed.zones.some((z) => z.cma !== undefined) && this.parts.cmaAreas.length === 0) {
      v.totalcma = v.nodes.flatMap((n) => n.zones).reduce((s, z) => s + z.cma, 0);
    }
    if (base?.freeLists) {
      v.freeLists = base.freeLists;
      v.migratetypeNames = [...base.migratetypeNames];
    }
    this.overlaid = v;
    return v;
  }

  /** mmbook's own values for this layout (recomputed by the kernel's boot rules), for comparison. */
  recomputedView(): MachineViewExtra {
    return new Machine({ ...this.parts, tunables: this.imported.recomputed }).view();
  }

  override sysctl(name: string, value: string | number): ImportedMachine {
    const next = super.sysctl(name, value);
    const full = name.startsWith('vm.') ? name : `vm.${name}`;
    const bare = bareName(name);
    const before = this.parts.tunables;
    const info = { ...this.imported, recomputed: writeSysctl(this.imported.recomputed, full, value) };
    if (tunableSysctlNames(before.kernel).includes(bare as never)) {
      if (bare === 'min_free_kbytes' || bare === 'watermark_scale_factor') {
        info.boostKnown = true;
        if (versionRules(before.kernel).pcp.high === 'low-wmark') info.pcpFromDump = false;
      } else if (bare.startsWith('percpu_pagelist') && next.parts.tunables.percpuPagelistFraction !== before.percpuPagelistFraction) {
        info.pcpFromDump = false;
      }
    }
    return new ImportedMachine(next.parts, info);
  }
}
