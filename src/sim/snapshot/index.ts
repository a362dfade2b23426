/**
 * Start a run from a running machine's /proc snapshot (issue #11, "Import a running machine's
 * state"): `machine.startFrom(snapshot)` or startFromSnapshot(machine, snapshot).
 */
import type { Machine } from '../machine/machine';
import type { RunOptions } from '../run/run-state';
import { RunningMachine } from '../run/running-machine';
import { importSnapshot, type SnapshotImport } from './import';
import type { SnapshotInput, SnapshotReport, ZoneImportReport } from './types';

export { importSnapshot, type SnapshotImport } from './import';
export type { SnapshotInput, SnapshotReport, ZoneImportReport, SnapshotFile } from './types';
export { SNAPSHOT_FILES } from './types';
export { decodeKpageflags, kpfNames } from './kpageflags';
export * as kpf from './kpageflags';

/** A RunningMachine at the snapshot (the report: RunningMachine-independent, see importSnapshot). */
export function startFromSnapshot(machine: Machine, snapshot: SnapshotInput, opts?: RunOptions): RunningMachine {
  return new RunningMachine(importSnapshot(machine, snapshot, opts).rs);
}

/** A new RunningMachine from an import (each start is independent: the import's state is cloned), with its own run options if given. */
export function startImported(imp: SnapshotImport, opts: RunOptions = {}): RunningMachine {
  return new RunningMachine(imp.rs.clone(opts));
}

const list = (r: Record<string, number>) => Object.entries(r).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';

/** One line per zone saying how close the import is to the snapshot's files (the CLI prints them as notes). */
export function snapshotSummary(report: SnapshotReport): string[] {
  return report.zones.map((z: ZoneImportReport) => {
    const src = report.source === 'kpageflags' ? 'kpageflags' : 'the counts (no kpageflags)';
    const bt = Object.values(z.blocksByType).join('/');
    const btFile = Object.values(z.blocksByTypeFile).join('/');
    const parts = [
      `node ${z.nid} zone ${z.zone}: page state from ${src}`,
      `free blocks ${z.buddyinfoDiffPages === 0 ? 'equal buddyinfo' : `${z.buddyinfoDiffPages} pages from buddyinfo (tolerance ${z.tolerancePages})`}`,
      `free pages off pagetypeinfo's lists: ${list(z.freeErrorByType)}${report.source === 'kpageflags' ? ` (with every block on its pageblock's list: ${list(z.freeErrorByTypePageblocksOnly)})` : ''}`,
      `pageblocks U/M/R/H/CMA/Iso ${bt}${bt === btFile ? ' as pagetypeinfo' : ` (pagetypeinfo ${btFile})`}`,
      `per-cpu pages ${z.pcp.join('+')}${z.pcp.join() === z.pcpFile.join() ? ' as zoneinfo' : ` (zoneinfo ${z.pcpFile.join('+')})`}${z.pcpByRule ? ` (${list(z.pcpByRule as Record<string, number>)})` : ''}`,
      `managed ${z.managed}${z.managed === z.managedFile ? '' : ` (zoneinfo ${z.managedFile})`}, fresh boot ${z.managedBoot}`,
    ];
    return parts.join('; ');
  });
}
