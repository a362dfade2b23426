/**
 * Benchmark: the start-up cost of the `mmbook` command, which a shell sweep pays on every call.
 * `mmbook boot` of a 2 GiB arm64 machine (a --topology file, `--show meminfo`) through bin/mmbook.js
 * with the compiled CLI (scripts/build-cli.mjs, rebuilt first so the figure is the shipped path),
 * against `node -e 0` in the same run: the floor any Node command pays. Median wall time of
 * interleaved runs. Target: at most 3× `node -e 0`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchResult } from './boot-fill';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 15;

function wallMs(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, MMBOOK_TSX: '' } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function benchCli(): Promise<BenchResult[]> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const topo = join(mkdtempSync(join(tmpdir(), 'mmbook-bench-')), '2g.json');
  writeFileSync(topo, JSON.stringify({ ramMiB: 2048 }));
  const boot = [join(ROOT, 'bin/mmbook.js'), 'boot', '--arch', 'arm64', '--kernel', '6.1', '--topology', topo, '--show', 'meminfo'];
  const node = ['-e', '0'];
  wallMs(boot);
  wallMs(node);
  const b: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    n.push(wallMs(node));
    b.push(wallMs(boot));
  }
  const bootMs = median(b);
  const nodeMs = median(n);
  const ratio = Math.round((bootMs / nodeMs) * 100) / 100;
  return [
    { name: 'cli-boot-2g-ms', value: Math.round(bootMs), unit: 'ms', baseline: Math.round(nodeMs) },
    { name: 'cli-boot-vs-node-ratio', value: ratio, unit: 'x', baseline: Math.round(nodeMs), ratio, target: 3 },
  ];
}
