/**
 * Machine: one booted, immutable snapshot with every boot stage kept for notebooks, the
 * MachineView for the renderers, and sysctl writes that return a new Machine (O(zones):
 * the buddy state is shared, only the tunables are recomputed).
 */
import type { Buddy } from '../buddy/buddy';
import type { BootParams } from '../input/cmdline';
import type { Memblock } from '../memblock/memblock';
import { renderProc, type ProcName } from '../format/proc';
import type { MachineViewExtra } from '../format/extra';
import { readSysctl, writeSysctl, type TunableState } from '../tunables';
import type { Profile, ZoneName } from '../types';
import type { CmaArea } from '../mm-init/cma-reserve';
import type { FirmwareDesc, Reservation } from '../boot/context';
import type { ZoneLayoutResult } from '../mm-init/zone-layout';
import type { LateFree } from '../arch/kernel-build';
import { machineView } from './machine-view';
import { RunningMachine } from '../run/running-machine';
import type { RunOptions } from '../run/run-state';
import { hugetlbBootMeminfo, type HugetlbBoot } from '../hugetlb/boot-state';
import { startFromSnapshot, type SnapshotInput } from '../snapshot/index';

export interface MachineParts {
  profile: Profile;
  /** absent for a machine imported from /proc/zoneinfo */
  fw?: FirmwareDesc;
  params: BootParams;
  cmdline: string;
  cpus: number;
  memblock?: Memblock;
  memblockLog: string[];
  /** the model's own reserved set (before a --boot-log/--reserved replay), for the model-error report */
  modelReserved: Array<{ base: number; size: number }>;
  source: 'model' | 'boot-log' | 'reserved' | 'zoneinfo';
  names: readonly ZoneName[];
  layout: ZoneLayoutResult;
  buddy?: Buddy;
  /** the view parsed from an imported machine's text */
  imported?: MachineViewExtra;
  inBuddy: ReadonlySet<number>;
  tunables: TunableState;
  cmaAreas: CmaArea[];
  dmesg: string[];
  reservations: Reservation[];
  lateFrees: LateFree[];
  /** managed pages per zone id (zone-types.ts zoneId) when the watermarks were computed */
  managedAtWmark: ReadonlyMap<number, number>;
  sysctlLog?: Array<[string, string]>;
  /** warnings about the input ("CODE: message"), e.g. what an imported /proc/zoneinfo lacked */
  warnings?: string[];
  /** hugetlb's hstates, hugetlb_cma areas and boot-time pools (absent without CONFIG_HUGETLB_PAGE) */
  hugetlb?: HugetlbBoot;
}

export class Machine {
  readonly parts: Readonly<MachineParts>;
  private cachedView: MachineViewExtra | null = null;

  constructor(parts: MachineParts) {
    this.parts = Object.freeze({ ...parts, sysctlLog: parts.sysctlLog ?? [] });
  }

  get profile(): Profile {
    return this.parts.profile;
  }

  /** The plain-data view of this machine (cached; treat as read-only). */
  view(): MachineViewExtra {
    if (!this.cachedView) {
      const p = this.parts;
      this.cachedView = machineView({
        profile: p.profile,
        names: p.names,
        nodes: p.layout.nodes,
        buddy: p.buddy,
        inBuddy: p.inBuddy,
        tunables: p.tunables,
        memblock: p.memblock,
        cpus: p.cpus,
        // 6.1 takes a failed area out of totalcma_pages; 5.10 leaves it counted
        totalcma: p.cmaAreas.filter((a) => a.activated !== false || !p.profile.behaviour.cma.failedAreaToBuddy).reduce((s, a) => s + Math.floor(a.size / 4096), 0),
        base: p.imported,
      });
      if (p.hugetlb) this.cachedView = { ...this.cachedView, counters: { ...this.cachedView.counters, ...hugetlbBootMeminfo(p.hugetlb) } };
    }
    return this.cachedView;
  }

  render(file: ProcName): string {
    return renderProc(this.view(), file);
  }

  /** A run-time write of vm.NAME (the name may omit "vm."): recomputes what the kernel's handler does. */
  sysctl(name: string, value: string | number): Machine {
    const full = name.startsWith('vm.') ? name : `vm.${name}`;
    const tunables = writeSysctl(this.parts.tunables, full, value);
    return new Machine({ ...this.parts, tunables, sysctlLog: [...(this.parts.sysctlLog ?? []), [full, String(value)]] });
  }

  /**
   * Start running this machine: a RunningMachine whose run state owns a copy of the page arrays, so
   * this snapshot (and every cell that reads it) never changes.
   */
  start(opts?: RunOptions): RunningMachine {
    return RunningMachine.start(this, opts);
  }

  /**
   * Start running from a running machine's /proc snapshot instead of this fresh boot (its page
   * state, free lists, pageblock types, per-cpu lists and counters; src/sim/snapshot). Refused
   * (MmError SNAPSHOT_*) when the snapshot is not of this machine or disagrees with itself.
   */
  startFrom(snapshot: SnapshotInput, opts?: RunOptions): RunningMachine {
    return startFromSnapshot(this, snapshot, opts);
  }

  readSysctl(name: string): string {
    return readSysctl(this.parts.tunables, name.startsWith('vm.') ? name : `vm.${name}`);
  }
}
