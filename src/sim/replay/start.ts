/**
 * The running machine a replay starts on (issue #11): the freshly booted machine, or a real
 * kernel's /proc snapshot (zoneinfo, buddyinfo, pagetypeinfo, kpageflags, …) brought into it by
 * the snapshot importer (src/sim/snapshot): free blocks, pageblock types, per-cpu lists and the
 * kinds of allocated pages as the kernel had them. Its daemons are manual: the trace is the clock
 * (kswapd's reclaim is the trace's frees; the replay records where the simulator would wake it).
 */
import type { Machine } from '../machine/machine';
import type { RunningMachine } from '../run/running-machine';
import { importSnapshot, snapshotSummary, startImported, type SnapshotImport, type SnapshotInput } from '../snapshot/index';

export interface ReplayStart {
  run: RunningMachine;
  /** where the replay starts, in words (ReplayResult.start) */
  start: string;
  /** with a snapshot: one line per zone on how close the import is to the snapshot's files */
  notes: string[];
}

/** Start from `machine`, or from `state` imported into it, or from an import already made. */
export function startReplayRun(machine: Machine, state?: SnapshotInput | SnapshotImport): ReplayStart {
  if (!state) return { run: machine.start({ daemons: 'manual' }), start: 'fresh boot', notes: [] };
  const imp = 'rs' in state ? state : importSnapshot(machine, state, { daemons: 'manual' });
  const kinds = imp.report.source === 'kpageflags' ? 'kpageflags' : 'the counts (no kpageflags)';
  return { run: startImported(imp, { daemons: 'manual' }), start: `snapshot (page state from ${kinds})`, notes: snapshotSummary(imp.report) };
}
