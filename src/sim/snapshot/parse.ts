/**
 * Reading a snapshot's texts with the /proc parsers of src/sim/format; an error names the file.
 */
import { MmError } from '../errors';
import { parseBuddyinfo } from '../format/buddyinfo';
import { unframe } from '../format/free-lists-import';
import { parseMeminfo } from '../format/meminfo-parse';
import { parsePagetypeinfo } from '../format/pagetypeinfo-parse';
import { parseVmstat } from '../format/vmstat';
import { parseZoneinfo } from '../format/zoneinfo-parse';
import type { ParsedSnapshot, SnapshotFile, SnapshotInput } from './types';

/** The snapshot's MmError for one of its files: "zoneinfo: message". */
export function snapshotError(code: string, file: SnapshotFile, message: string): MmError {
  return new MmError(code, `snapshot ${file}: ${message}`, file);
}

function withFile<T>(file: SnapshotFile, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof MmError)) throw e;
    const loc = e.location ? ` (at ${e.location})` : '';
    const msg = loc && e.message.endsWith(loc) ? e.message.slice(0, -loc.length) : e.message;
    throw new MmError(e.code, `snapshot ${file}: ${msg}`, e.location ? `${file} ${e.location}` : file);
  }
}

export function parseSnapshot(input: SnapshotInput): ParsedSnapshot {
  for (const f of ['zoneinfo', 'buddyinfo', 'pagetypeinfo'] as const) {
    if (typeof input[f] !== 'string') throw snapshotError('SNAPSHOT_MISSING', f, `the snapshot has no ${f} (needed: zoneinfo, buddyinfo, pagetypeinfo; kpageflags, meminfo and vmstat are optional)`);
  }
  if (input.kpageflags !== undefined && !(input.kpageflags instanceof Uint8Array)) {
    throw snapshotError('SNAPSHOT_KPAGEFLAGS', 'kpageflags', 'kpageflags must be bytes (a Uint8Array of the binary file, or of its gzip)');
  }
  return {
    texts: input,
    zoneinfo: withFile('zoneinfo', () => parseZoneinfo(input.zoneinfo)),
    buddyinfo: withFile('buddyinfo', () => parseBuddyinfo(unframe(input.buddyinfo))),
    pagetypeinfo: withFile('pagetypeinfo', () => parsePagetypeinfo(unframe(input.pagetypeinfo))),
    meminfo: input.meminfo === undefined ? undefined : withFile('meminfo', () => parseMeminfo(input.meminfo!)),
    vmstat: input.vmstat === undefined ? undefined : withFile('vmstat', () => parseVmstat(input.vmstat!)),
  };
}
