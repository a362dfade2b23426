/**
 * Benchmark: the buddy hand-over of a 64 GiB two-node arm64-like machine (16.7M pages, DRAM at
 * 0x40000000, ZONE_DMA up to 4 GiB, Normal above, a few reserved and NOMAP holes), i.e. Buddy
 * construction + memmapInit + memblockFreeAll, against a same-run baseline that only allocates and
 * fills typed arrays of the same total size as the buddy's per-page and per-pageblock state.
 * Also reports bytes of state per page, and (informational) the order-0 alloc+free cost.
 * Called by bench/run.ts (the lead's), or run directly: `npx tsx bench/boot-fill.ts`.
 */
import { performance } from 'node:perf_hooks';
import { Buddy, type BuddyOptions, type PfnRange } from '../src/sim/buddy';
import { MIGRATE_MOVABLE } from '../src/sim/types';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target?: number;
}

const GiB = 2 ** 30;
const PAGE = 4096;
const pfn = (addr: number): number => Math.floor(addr / PAGE);

/** The layout: node 0 = [1 GiB, 33 GiB), node 1 = [33 GiB, 65 GiB). */
function layout(): { opts: BuddyOptions; memory: PfnRange[]; free: PfnRange[]; maxPfn: number } {
  const dramStart = pfn(0x40000000);
  const nodeSplit = dramStart + pfn(32 * GiB);
  const end = dramStart + pfn(64 * GiB);
  const dmaEnd = pfn(4 * GiB);
  const opts: BuddyOptions = {
    kernel: '6.1',
    basePfn: dramStart,
    endPfn: end,
    pageblockOrder: 9,
    maxOrder: 11,
    sectionShift: 15,
    zones: [
      { id: 0, nid: 0, zoneIdx: 0, startPfn: dramStart, endPfn: dmaEnd },
      { id: 1, nid: 0, zoneIdx: 1, startPfn: 0, endPfn: 0 },
      { id: 2, nid: 0, zoneIdx: 2, startPfn: dmaEnd, endPfn: nodeSplit },
      { id: 3, nid: 1, zoneIdx: 2, startPfn: nodeSplit, endPfn: end },
    ],
  };
  // memblock.memory: split at the node boundary; a NOMAP firmware hole counts as memory (present)
  const memory: PfnRange[] = [
    { start: dramStart, end: nodeSplit },
    { start: nodeSplit, end },
  ];
  // memblock.reserved and NOMAP, as [start, end) pfns (kernel image, initrd, firmware NOMAP,
  // default CMA below the DMA limit, per-node memmap at the top of each node, page tables, percpu)
  const reserved: PfnRange[] = [
    { start: pfn(0x40000000), end: pfn(0x40000000 + 0x10000) }, // firmware/DTB, 64 KiB
    { start: pfn(0x40200000), end: pfn(0x40200000 + 48 * 2 ** 20) }, // kernel image
    { start: pfn(0x48000000), end: pfn(0x48000000 + 23 * 2 ** 20 + 0x3000) }, // initrd, not page-rounded end
    { start: pfn(0x7e000000), end: pfn(0x7e000000 + 2 ** 20) }, // NOMAP firmware region
    { start: pfn(4 * GiB - 64 * 2 ** 20), end: pfn(4 * GiB) }, // default CMA, 64 MiB below 4 GiB
    { start: nodeSplit - pfn(512 * 2 ** 20), end: nodeSplit - pfn(512 * 2 ** 20) + pfn(512 * 2 ** 20) - 37 }, // node 0 memmap + odd tail
    { start: end - pfn(512 * 2 ** 20) - 3, end }, // node 1 memmap, percpu, page tables
  ];
  const free: PfnRange[] = [];
  for (const m of memory) {
    let s = m.start;
    for (const r of reserved) {
      if (r.end <= m.start || r.start >= m.end) continue;
      if (r.start > s) free.push({ start: s, end: r.start });
      s = Math.max(s, r.end);
    }
    if (s < m.end) free.push({ start: s, end: m.end });
  }
  return { opts, memory, free, maxPfn: end };
}

function timeIt(reps: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export async function benchBuddy(): Promise<BenchResult[]> {
  const { opts, memory, free, maxPfn } = layout();
  const pages = opts.endPfn - opts.basePfn;
  const pbCount = ((opts.endPfn - 1) >> opts.pageblockOrder) - (opts.basePfn >> opts.pageblockOrder) + 1;
  let sink = 0;

  const baseline = (): void => {
    const next = new Int32Array(pages).fill(-1);
    const prev = new Int32Array(pages).fill(-1);
    const tag = new Uint8Array(pages).fill(1);
    const pb = new Uint8Array(pbCount).fill(1);
    sink += next[pages >> 1] + prev[pages - 1] + tag[7] + pb[3];
  };
  let last: Buddy | null = null;
  const boot = (): void => {
    last = null;
    const b = new Buddy(opts);
    b.memmapInit(memory);
    b.memblockFreeAll(free, maxPfn);
    last = b;
  };
  // interleave, keep the best of several runs of each
  const reps = 5;
  baseline();
  boot();
  let baseMs = Infinity;
  let bootMs = Infinity;
  for (let i = 0; i < reps; i++) {
    baseMs = Math.min(baseMs, timeIt(1, baseline));
    bootMs = Math.min(bootMs, timeIt(1, boot));
  }
  const b = last as unknown as Buddy;
  // sanity: every free page was handed over and accounted
  const freePages = free.reduce((s, r) => s + (r.end - r.start), 0);
  const managed = [0, 2, 3].reduce((s, z) => s + b.managed(z), 0);
  if (managed !== freePages) throw new Error(`bench: managed ${managed} != free pages ${freePages}`);

  // order-0 alloc + free through the buddy (informational; no baseline)
  const ops = 1 << 20;
  const held = new Int32Array(4096);
  const allocFreeMs = timeIt(3, () => {
    for (let i = 0; i < ops; i += held.length) {
      for (let k = 0; k < held.length; k++) held[k] = b.rmqueueSmallest(2, 0, MIGRATE_MOVABLE);
      for (let k = held.length - 1; k >= 0; k--) b.freeOnePage(held[k], 0, MIGRATE_MOVABLE);
    }
  });
  if (sink === 42) console.log('');
  const round = (x: number, digits = 3) => Number(x.toFixed(digits));
  return [
    { name: 'buddy-handover-64g-ms', value: round(bootMs), unit: 'ms' },
    { name: 'buddy-handover-64g-vs-fill-ratio', value: round(bootMs / baseMs), unit: 'x', baseline: round(baseMs), ratio: round(bootMs / baseMs), target: 3 },
    { name: 'buddy-bytes-per-page', value: round(b.stateBytes() / pages), unit: 'B/page', target: 12 },
    { name: 'buddy-order0-alloc-free-ns', value: round((allocFreeMs * 1e6) / ops, 1), unit: 'ns/pair' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchBuddy().then((rows) => {
    for (const r of rows) console.log(JSON.stringify(r));
  });
}
