/**
 * Kernel benchmark (issue 3): a chain of 1,000 cells and a fan-out of one input to 1,000 cells.
 * Changes the input, measures the time until the session settles, and compares it with calling
 * the same 1,000 compiled cell functions directly in the same run (ratio target ≤ 20×).
 * Run: `npx tsx bench/kernel.ts [--json]`; the lead's bench/run.ts calls `benchKernel()`.
 */
import { compileCell } from '../src/kernel/compile';
import { NotebookSession } from '../src/kernel/index';
import type { CellSource, NotebookDoc } from '../src/kernel/index';

export interface BenchResult { name: string; value: number; unit: string; baseline?: number; ratio?: number; target?: number }

const N = 1000;
const ROUNDS = 9;
const WARMUP = 3;
/** Each cell does a little real work (a 64-element reduction), like a small derived-value cell. */
const WORK = 'Array.from({length: 64}, (_, j) => j * PREV).reduce((s, v) => s + (v % 7), 0)';

function chainDoc(): NotebookDoc {
  const cells: CellSource[] = [{ id: 1, mode: 'js', value: 'const input = 1;' }];
  for (let i = 1; i <= N; i++) {
    const prev = i === 1 ? 'input' : `c${i - 1}`;
    cells.push({ id: i + 1, mode: 'js', value: `const c${i} = ${prev} + ${WORK.replace('PREV', prev)};` });
  }
  return { title: 'bench chain', cells };
}

function fanoutDoc(): NotebookDoc {
  const cells: CellSource[] = [{ id: 1, mode: 'js', value: 'const input = 1;' }];
  for (let i = 1; i <= N; i++) cells.push({ id: i + 1, mode: 'js', value: `const f${i} = input + ${i} + ${WORK.replace('PREV', 'input')};` });
  return { title: 'bench fanout', cells };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Time to settle after changing `input`, per round. */
async function kernelTimes(doc: NotebookDoc): Promise<number[]> {
  const s = NotebookSession.open(doc);
  await s.settled();
  const times: number[] = [];
  try {
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      const t0 = performance.now();
      s.redefine(1, `const input = ${r + 2};`);
      await s.settled();
      if (r >= WARMUP) times.push(performance.now() - t0);
    }
    // sanity: the last cell saw the last input
    await s.value(doc.title === 'bench chain' ? `c${N}` : `f${N}`);
  } finally {
    s.dispose();
  }
  return times;
}

/** The same compiled cell functions called directly in dependency order. */
function directTimes(doc: NotebookDoc, chain: boolean): number[] {
  const fns = doc.cells.slice(1).map((c) => {
    const k = compileCell(c);
    if (!k.ok) throw new Error(k.message);
    return { body: k.body, out: k.outputs[0]! };
  });
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS * 5; r++) {
    const t0 = performance.now();
    let prev: unknown = r + 2;
    for (const f of fns) {
      const v = (f.body(chain ? prev : r + 2) as Record<string, number>)[f.out]!;
      if (chain) prev = v;
      sink += v;
    }
    times.push(performance.now() - t0);
  }
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return times.slice(ROUNDS); // drop warm-up
}

export async function benchKernel(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  for (const [label, doc, chain] of [['chain', chainDoc(), true], ['fanout', fanoutDoc(), false]] as const) {
    const k = median(await kernelTimes(doc));
    const d = median(directTimes(doc, chain));
    out.push({ name: `kernel-${label}-1000-settle-ms`, value: round(k), unit: 'ms' });
    out.push({ name: `kernel-${label}-1000-per-cell-us`, value: round((k / N) * 1000), unit: 'us' });
    out.push({ name: `kernel-${label}-1000-overhead-per-cell-us`, value: round(((k - d) / N) * 1000), unit: 'us' });
    out.push({ name: `kernel-${label}-1000-vs-direct-ratio`, value: round(k / d), unit: 'x', baseline: round(d), ratio: round(k / d), target: 20 });
  }
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

if (import.meta.url === `file://${process.argv[1]}`) {
  const json = process.argv.includes('--json');
  for (const r of await benchKernel()) {
    process.stdout.write(json ? JSON.stringify(r) + '\n'
      : `${r.name.padEnd(40)} ${String(r.value).padStart(10)} ${r.unit}${r.baseline !== undefined ? `  (direct ${r.baseline} ms, target ≤ ${r.target}×)` : ''}\n`);
  }
}
