/**
 * Test helper: reads what the real kernels printed (/work/shared/oracle) into numbers the
 * tunables tests compare with. Parses only the zoneinfo fields the tunables produce.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZoneName } from '../../src/sim/types';

export const ORACLE_DIR = '/work/shared/oracle';

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
export function parseZoneinfo(text: string): OracleZone[] {
  const zones: OracleZone[] = [];
  let z: OracleZone | undefined;
  let cpu: { cpu: number; high: number; batch: number } | undefined;
  for (const line of text.split('\n')) {
    let m = /^Node (\d+), zone\s+(\S+)/.exec(line);
    if (m) {
      z = {
        nid: Number(m[1]),
        name: m[2] as ZoneName,
        boost: 0,
        min: 0,
        low: 0,
        high: 0,
        spanned: 0,
        present: 0,
        managed: 0,
        cma: 0,
        protection: [],
        pcp: [],
      };
      zones.push(z);
      cpu = undefined;
      continue;
    }
    if (!z) continue;
    if ((m = /^ {8}(boost|min|low|high|spanned|present|managed|cma)\s+(\d+)$/.exec(line))) {
      (z as unknown as Record<string, number>)[m[1]!] = Number(m[2]);
    } else if ((m = /^ {8}protection: \((.*)\)$/.exec(line))) {
      z.protection = m[1]!.split(',').map((x) => Number(x.trim()));
    } else if ((m = /^ {4}cpu: (\d+)$/.exec(line))) {
      cpu = { cpu: Number(m[1]), high: 0, batch: 0 };
      z.pcp.push(cpu);
    } else if (cpu && (m = /^ +high:\s+(\d+)$/.exec(line))) {
      cpu.high = Number(m[1]);
    } else if (cpu && (m = /^ +batch:\s+(\d+)$/.exec(line))) {
      cpu.batch = Number(m[1]);
    } else if ((m = /^ {2}vm stats threshold: (\d+)$/.exec(line))) {
      z.statThreshold = Number(m[1]);
    }
  }
  return zones;
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
