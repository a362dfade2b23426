/**
 * The oracle-rt runs as snapshots: each folder's machine booted from its virt.dtb, cmdline.txt and
 * kernel-console.txt (the boot log), and its rt_before / rt_phase.* / rt_after files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bootMachine, type Machine, type SnapshotInput } from '../../src/sim/index';
import { ORACLE_RT } from '../helpers/oracle-dir';

export const RT_RUNS = ['rt-a64-1g-fill', 'rt-a64-1g-highorder', 'rt-a64-2g-hugetlb-cma'] as const;
export type RtRun = (typeof RT_RUNS)[number];

const machines = new Map<string, Machine>();

/** The run's machine, booted as the real one was (cached: a Machine is immutable). */
export function rtMachine(run: RtRun): Machine {
  let m = machines.get(run);
  if (!m) {
    const d = join(ORACLE_RT, run);
    m = bootMachine({
      arch: 'arm64',
      kernel: '6.1',
      dtb: new Uint8Array(readFileSync(join(d, 'virt.dtb'))),
      cmdline: readFileSync(join(d, 'cmdline.txt'), 'utf8').trim(),
      bootLog: readFileSync(join(d, 'kernel-console.txt'), 'utf8'),
    });
    machines.set(run, m);
  }
  return m;
}

export const rtText = (run: RtRun, prefix: string, file: string): string => readFileSync(join(ORACLE_RT, run, `${prefix}.${file}.txt`), 'utf8');

/** A snapshot of the run: `kpageflags` inflated with zlib (or 'gz': the file's bytes as they are, for src/sim to inflate). */
export function rtSnapshot(run: RtRun, prefix: string, kpageflags: 'raw' | 'gz' | 'none' = 'raw'): SnapshotInput {
  const kp = join(ORACLE_RT, run, `${prefix}.kpageflags.gz`);
  const bytes = kpageflags !== 'none' && existsSync(kp) ? readFileSync(kp) : undefined;
  return {
    zoneinfo: rtText(run, prefix, 'zoneinfo'),
    buddyinfo: rtText(run, prefix, 'buddyinfo'),
    pagetypeinfo: rtText(run, prefix, 'pagetypeinfo'),
    meminfo: rtText(run, prefix, 'meminfo'),
    vmstat: rtText(run, prefix, 'vmstat'),
    kpageflags: bytes === undefined ? undefined : new Uint8Array(kpageflags === 'gz' ? bytes : gunzipSync(bytes)),
  };
}

/** The snapshot prefixes of a run folder: rt_before, rt_phase.NN_NAME…, rt_after. */
export function rtPrefixes(run: RtRun): string[] {
  return [...new Set(readdirSync(join(ORACLE_RT, run)).filter((f) => /^rt_.*\.pagetypeinfo\.txt$/.test(f)).map((f) => f.replace('.pagetypeinfo.txt', '')))].sort();
}

/** Lines of `got` that differ from `want` ("line N: got … want …"). */
export function lineDiff(got: string, want: string): string[] {
  const a = got.split('\n');
  const b = want.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(`line ${i + 1}: got ${JSON.stringify(a[i])} want ${JSON.stringify(b[i])}`);
  return out;
}

/** pagetypeinfo's free table as [type][order] and block counts, by type name. */
export function ptiTables(text: string): { free: Record<string, number[]>; blocks: Record<string, number> } {
  const free: Record<string, number[]> = {};
  let blocks: Record<string, number> = {};
  let types: string[] = [];
  for (const l of text.split('\n')) {
    const m = /^Node\s+\d+, zone\s+\S+, type\s+(\S+)\s+(.*)$/.exec(l);
    if (m) free[m[1]!] = m[2]!.trim().split(/\s+/).map(Number);
    const h = /^Number of blocks type\s+(.*)$/.exec(l);
    if (h) types = h[1]!.trim().split(/\s+/);
    const bl = /^Node \d+, zone\s+\S+\s+([\d\s]+)$/.exec(l);
    if (bl && types.length) blocks = Object.fromEntries(bl[1]!.trim().split(/\s+/).map((v, i) => [types[i]!, Number(v)]));
  }
  return { free, blocks };
}

/** Σ over orders of |got − want| × 2^order per type name. */
export function freeErrorPages(got: string, want: string): Record<string, number> {
  const a = ptiTables(got).free;
  const b = ptiTables(want).free;
  return Object.fromEntries(Object.keys(b).map((t) => [t, b[t]!.reduce((s, c, o) => s + Math.abs((a[t]?.[o] ?? 0) - c) * 2 ** o, 0)]));
}
