/**
 * importSnapshot: a run state that starts from a running machine's /proc snapshot instead of the
 * fresh boot. The machine must be the snapshot's, booted from its firmware inputs (a device tree,
 * an e820 map or a topology, with its command line and ideally its boot log): the zones, their
 * spans and CMA areas come from the boot; the page state, the counters and the run-time zone
 * fields from the snapshot. See match.ts (what is refused), kpf-state.ts (the page state from
 * kpageflags), synthesize.ts (without kpageflags), state-common.ts (the documented choices).
 *
 * The run state's view prints the snapshot's own counters for what the model does not move
 * (numa_*, nr_mapped, nr_kernel_stack, …): the machine it runs on carries the snapshot's files as
 * its imported view (format/proc-view.ts procToView).
 */
import { MmError } from '../errors';
import { procToView } from '../format/proc-view';
import { Machine } from '../machine/machine';
import { checkRunInvariants } from '../run/run-invariants';
import { KIND_SLAB, KIND_SLAB_RECLAIMABLE } from '../run/page-flags';
import { RunState, type RunOptions } from '../run/run-state';
import { decodeKpageflags } from './kpageflags';
import { buildFromKpageflags } from './kpf-state';
import { machineMaxPfn, matchSnapshot } from './match';
import { parseSnapshot } from './parse';
import { applyVmstat, applyZoneFields, finishAllocated, resetBuddy, slabTargets, splitSlab } from './state-common';
import { synthesizeFromCounts } from './synthesize';
import type { SnapshotInput, SnapshotReport } from './types';

export interface SnapshotImport {
  /** the run state at the snapshot (clone it to run: `new RunningMachine(imp.rs.clone())`) */
  rs: RunState;
  report: SnapshotReport;
}

export function importSnapshot(machine: Machine, input: SnapshotInput, opts: RunOptions = {}): SnapshotImport {
  if (!machine.parts.buddy) {
    throw new MmError('SNAPSHOT_MACHINE', 'a snapshot starts a machine booted from its firmware inputs (a device tree, an e820 map or a topology); a machine imported from /proc/zoneinfo has no page state to put it in', 'state');
  }
  const s = parseSnapshot(input);
  const warnings: string[] = [];
  const zones = matchSnapshot(machine, s, warnings);
  const p = machine.parts;
  let base;
  try {
    base = procToView({ zoneinfo: input.zoneinfo, meminfo: input.meminfo, vmstat: input.vmstat }, { arch: p.profile.arch, kernel: p.profile.kernel });
  } catch (e) {
    if (!(e instanceof MmError)) throw e;
    throw new MmError(e.code, `snapshot: ${e.message}`, e.location);
  }
  const runMachine = new Machine({ ...p, imported: base });
  const rs = new RunState(runMachine, opts);
  resetBuddy(rs);
  let report: SnapshotReport;
  if (input.kpageflags !== undefined) {
    const b = rs.buddy;
    const kpf = decodeKpageflags(input.kpageflags, b.basePfn, b.endPfn, machineMaxPfn(machine));
    const built = buildFromKpageflags(rs, machine, zones, kpf, warnings);
    splitSlab(rs, built.isSlab, slabTargets(rs, s).reclaimable);
    report = { source: 'kpageflags', zones: built.zones, kindPages: [], slab: [], warnings };
  } else {
    warnings.push('SNAPSHOT_NO_KPAGEFLAGS: no kpageflags: the free lists, pageblock types and per-cpu counts are the files\', but which pages are free, on the per-cpu lists or allocated (and as what) is synthesised from the counts');
    const syn = synthesizeFromCounts(rs, machine, s, zones, warnings);
    report = { source: 'counts', zones: syn.zones, kindPages: [], slab: [], warnings };
  }
  report.kindPages = finishAllocated(rs);
  report.slab = slabReport(rs, s);
  applyZoneFields(rs, zones, warnings);
  applyVmstat(rs, s);
  for (const z of report.zones) {
    const zi = zones.find((x) => x.nid === z.nid && x.name === z.zone)!.zi;
    z.pcp = Array.from({ length: rs.cpus }, (_, cpu) => rs.pcp.count[zi * rs.cpus + cpu]!);
    z.free = rs.buddy.z.free[zi]!;
  }
  try {
    checkRunInvariants(rs);
  } catch (e) {
    // not a user error: an mmbook bug (the CLI prints it as INTERNAL)
    throw new Error(`the imported state breaks an invariant: ${(e as Error).message}`);
  }
  return { rs, report };
}

/** slab pages per node: the imported state's (kmalloc_large pages included in unreclaimable) and the snapshot's counters */
function slabReport(rs: RunState, s: ReturnType<typeof parseSnapshot>): SnapshotReport['slab'] {
  const t = slabTargets(rs, s);
  return rs.nodes.map((nd, ni) => ({
    nid: nd.nid,
    reclaimable: nd.kindPages[KIND_SLAB_RECLAIMABLE]!,
    unreclaimable: nd.kindPages[KIND_SLAB]!,
    reclaimableFile: t.reclaimable[ni],
    unreclaimableFile: t.unreclaimable[ni],
  }));
}
