/**
 * Test helper: reads what the real kernels printed (the oracle, test/helpers/oracle-dir.ts) into numbers the
 * tunables tests compare with. Parses only the zoneinfo fields the tunables produce.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZoneName } from '../../src/sim/types';
import { parseZoneinfo as parseProcZoneinfo } from '../../src/sim/format';
import { ORACLE } from '../helpers/oracle-dir';

export const ORACLE_DIR = ORACLE;

export interface OracleZone {
  nid: number;
  name: ZoneName;
  boost: number;
  min: number;
  low: number;
  high: number;
  spanned: number;
  present: number;
  managed: number;
  cma: number;
  protection: number[];
  /** per CPU; empty for unpopulated zones */
  pcp: { cpu: number; high: number; batch: number }[];
  statThreshold?: number;
}

export function oracleExists(folder: string): boolean {
  return existsSync(join(ORACLE_DIR, folder, 'zoneinfo.txt'));
}

export function readOracle(folder: string, file: string): string {
  return readFileSync(join(ORACLE_DIR, folder, file), 'utf8');
}

/** Parse /proc/zoneinfo into zones, in file order. */
/** The oracle zoneinfo through the product's own parser (src/sim/format), reduced to what the tunables compare. */
export function parseZoneinfo(text: string): OracleZone[] {
  return parseProcZoneinfo(text).zones.map((z) => ({
    nid: z.nid,
    name: z.zone,
    boost: z.boost ?? 0,
    min: z.min!,
    low: z.low!,
    high: z.high!,
    spanned: z.spanned!,
    present: z.present!,
    managed: z.managed!,
    cma: z.cma ?? 0,
    protection: z.protection!,
    pcp: z.pagesets.map((p) => ({ cpu: p.cpu, high: p.high!, batch: p.batch! })),
    statThreshold: z.pagesets.find((p) => p.statThreshold !== undefined)?.statThreshold,
  }));
}

export interface ConsoleFree {
  what: string;
  kib: number;
  /** seconds since boot, from the printk timestamp */
  at: number;
}

/** Every "Freeing <what> memory: <N>K" line of kernel-console.txt. */
export function consoleFrees(folder: string): ConsoleFree[] {
  const out: ConsoleFree[] = [];
  for (const line of readOracle(folder, 'kernel-console.txt').split('\n')) {
    const m = /^\[\s*([\d.]+)\] Freeing (.+?) memory: (\d+)K$/.exec(line.trimEnd());
    if (m) out.push({ at: Number(m[1]), what: m[2]!, kib: Number(m[3]) });
  }
  return out;
}

/** meminfo value in kB (0 when the line is absent). */
export function meminfoKb(folder: string, key: string, file = 'meminfo.txt'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(readOracle(folder, file));
  return m ? Number(m[1]) : 0;
}
