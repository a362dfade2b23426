/**
 * The per-cpu first chunk (mm/percpu.c): pcpu_build_alloc_info sizes the units and groups them by
 * node, pcpu_embed_first_chunk allocates one area per group with memblock, gives back the unused
 * tail of every unit, runs pcpu_setup_first_chunk (its bookkeeping arrays and the two
 * pcpu_alloc_first_chunk chunks) and only then frees the alloc info and the areas array. Only the
 * static size of the image's per-cpu section is a build fact; the rest is the kernel's arithmetic.
 */
import { fls } from '../tunables/int-math';
import type { ArchBoot } from '../boot/context';
import { cpuNode } from './start-kernel';

const PAGE_SIZE = 4096;
const SMP_CACHE_BYTES = 64;
/** PERCPU_MODULE_RESERVE (CONFIG_MODULES) */
const PERCPU_MODULE_RESERVE = 8 << 10;
/** PCPU_MIN_UNIT_SIZE: PFN_ALIGN(32 << 10) */
const PCPU_MIN_UNIT_SIZE = 32 << 10;
const PCPU_SLOT_BASE_SHIFT = 5;
/** sizeof(struct pcpu_block_md): eight ints, 5.10 and 6.1 */
const PCPU_BLOCK_MD_SIZE = 32;
/** PCPU_MIN_ALLOC_SIZE: one bitmap bit per 4 bytes */
const PCPU_MIN_ALLOC_SIZE = 4;

const pfnAlign = (x: number) => Math.ceil(x / PAGE_SIZE) * PAGE_SIZE;

export interface PcpuGroup {
  nid: number;
  cpus: number;
  nrUnits: number;
}

export interface PcpuAllocInfo {
  staticSize: number;
  reservedSize: number;
  dynSize: number;
  unitSize: number;
  atomSize: number;
  /** static + reserved + dynamic, page aligned: the used part of each unit */
  sizeSum: number;
  groups: PcpuGroup[];
  /** nr_cpu_ids: the possible CPUs */
  nrCpuIds: number;
}

/** The possible CPUs' nodes in CPU order: the firmware's CPUs, at least the --cpus count. */
function possibleCpuNodes(b: ArchBoot): number[] {
  const possible = Math.max(b.fw.cpuNodes.length, b.cpus, 1);
  return Array.from({ length: possible }, (_, c) => cpuNode(b, c));
}

/** pcpu_build_alloc_info (mm/percpu.c): unit size, units per allocation and the node groups. */
export function pcpuBuildAllocInfo(b: ArchBoot): PcpuAllocInfo {
  const bits64 = b.profile.arch !== 'arm';
  // PERCPU_DYNAMIC_RESERVE (include/linux/percpu.h); PERCPU_DYNAMIC_EARLY_SIZE is never larger
  const dynReserve = bits64 ? 28 << 10 : 20 << 10;
  // x86_64 setup_per_cpu_areas embeds with atom_size PMD_SIZE; arm64 and arm use PAGE_SIZE
  const atomSize = b.profile.arch === 'x86_64' ? 2 << 20 : PAGE_SIZE;
  const staticSize = b.build.pcpuStaticSize;
  const reservedSize = PERCPU_MODULE_RESERVE;
  const sizeSum = pfnAlign(staticSize + reservedSize + dynReserve);
  const dynSize = sizeSum - staticSize - reservedSize;
  const minUnitSize = Math.max(sizeSum, PCPU_MIN_UNIT_SIZE);
  const allocSize = Math.ceil(minUnitSize / atomSize) * atomSize;
  let maxUpa = Math.floor(allocSize / minUnitSize);
  while (allocSize % maxUpa || (allocSize / maxUpa) % PAGE_SIZE) maxUpa--;

  // group CPUs by node (the distance function: LOCAL_DISTANCE only within a node), in CPU order;
  // 32-bit arm embeds without a distance function: one group
  const nodes = possibleCpuNodes(b);
  const numa = b.profile.config.numa;
  const order: number[] = [];
  const cnt = new Map<number, number>();
  for (const n of nodes) {
    const key = numa ? n : 0;
    if (!cnt.has(key)) order.push(key);
    cnt.set(key, (cnt.get(key) ?? 0) + 1);
  }
  // expand the unit size until at least 75% of the allocated units are used
  let lastAllocs = Infinity;
  let bestUpa = 0;
  for (let upa = maxUpa; upa; upa--) {
    if (allocSize % upa || (allocSize / upa) % PAGE_SIZE) continue;
    let allocs = 0;
    let wasted = 0;
    for (const k of order) {
      const n = cnt.get(k)!;
      const thisAllocs = Math.ceil(n / upa);
      allocs += thisAllocs;
      wasted += thisAllocs * upa - n;
    }
    if (wasted > Math.floor(nodes.length / 3)) continue;
    if (allocs > lastAllocs) break;
    lastAllocs = allocs;
    bestUpa = upa;
  }
  const upa = bestUpa || 1;
  const groups = order.map((k) => ({ nid: k, cpus: cnt.get(k)!, nrUnits: Math.ceil(cnt.get(k)! / upa) * upa }));
  return { staticSize, reservedSize, dynSize, unitSize: allocSize / upa, atomSize, sizeSum, groups, nrCpuIds: nodes.length };
}

/** pcpu_embed_first_chunk (mm/percpu.c) with its pcpu_fc_alloc/pcpu_fc_free, then pcpu_setup_first_chunk. */
export function pcpuEmbedFirstChunk(b: ArchBoot, dmaGoal: number): PcpuAllocInfo {
  const { mb } = b;
  const ai = pcpuBuildAllocInfo(b);
  const ptr = b.profile.arch === 'arm' ? 4 : 8;
  const res = (what: string, base: number, size: number) => {
    if (base) b.reservations.push({ what, base, size });
  };
  // pcpu_alloc_alloc_info: struct pcpu_alloc_info, its groups and one int per unit
  const nrUnits = ai.groups.reduce((s, g) => s + g.nrUnits, 0);
  const aiSize = pfnAlign(8 * ptr + ai.groups.length * 3 * ptr + nrUnits * 4);
  const info = mb.allocTryNid(aiSize, PAGE_SIZE, 0, 0, -1, { caller: 'pcpu_build_alloc_info+0x0/0x0' });
  const areasSize = pfnAlign(ai.groups.length * ptr);
  const areas = mb.allocTryNid(areasSize, SMP_CACHE_BYTES, 0, 0, -1, { caller: 'pcpu_embed_first_chunk+0x0/0x0' });
  // pcpu_fc_alloc: memblock_alloc_try_nid from __pa(MAX_DMA_ADDRESS) on the group's node
  // (memblock_alloc_from, any node, without NUMA)
  const bases = ai.groups.map((g) => {
    const size = g.nrUnits * ai.unitSize;
    const base = mb.allocTryNid(size, ai.atomSize, dmaGoal, 0, b.profile.config.numa ? g.nid : -1, { caller: 'pcpu_fc_alloc+0x0/0x0' });
    return base;
  });
  // copy the static data and return the unused part of every unit (a whole unit without a CPU)
  ai.groups.forEach((g, gi) => {
    for (let u = 0; u < g.nrUnits; u++) {
      const unit = bases[gi] + u * ai.unitSize;
      if (u >= g.cpus) mb.free(unit, ai.unitSize, 'pcpu_embed_first_chunk+0x0/0x0');
      else {
        mb.free(unit + ai.sizeSum, ai.unitSize - ai.sizeSum, 'pcpu_embed_first_chunk+0x0/0x0');
        res(`per-cpu area node ${g.nid}`, unit, ai.sizeSum);
      }
    }
  });
  pcpuSetupFirstChunk(b, ai, ptr);
  mb.free(info, aiSize, 'pcpu_free_alloc_info+0x0/0x0');
  mb.free(areas, areasSize, 'pcpu_embed_first_chunk+0x0/0x0');
  return ai;
}

/** __pcpu_size_to_slot (mm/percpu.c) */
function pcpuSizeToSlot(size: number): number {
  return Math.max(fls(size) - PCPU_SLOT_BASE_SHIFT + 2, 1);
}

/** pcpu_setup_first_chunk (mm/percpu.c): the group/unit maps, the chunk slot lists and the first chunks. */
function pcpuSetupFirstChunk(b: ArchBoot, ai: PcpuAllocInfo, ptr: number): void {
  const { mb } = b;
  const alloc = (what: string, size: number) => {
    const base = mb.allocTryNid(size, SMP_CACHE_BYTES, 0, 0, -1, { caller: 'pcpu_setup_first_chunk+0x0/0x0' });
    if (base) b.reservations.push({ what, base, size });
  };
  const ng = ai.groups.length;
  alloc('per-cpu group_offsets', ng * ptr);
  alloc('per-cpu group_sizes', ng * ptr);
  alloc('per-cpu unit_map', ai.nrCpuIds * 4);
  alloc('per-cpu unit_off', ai.nrCpuIds * ptr);
  // pcpu_chunk_lists: struct list_head per slot; 6.1 adds the sidelined, free and to-depopulate
  // slots, 5.10 the empty slot, times PCPU_NR_CHUNK_TYPES (2 with CONFIG_MEMCG_KMEM)
  const { extraSlots, chunkTypes } = b.profile.behaviour.percpuChunkLists;
  const slots = pcpuSizeToSlot(ai.unitSize) + extraSlots;
  alloc('per-cpu chunk lists', slots * 2 * ptr * chunkTypes);
  // < static | reserved | dynamic >: the reserved chunk, then the dynamic first chunk
  pcpuAllocFirstChunk(b, ai.staticSize, ai.reservedSize, ptr, alloc);
  pcpuAllocFirstChunk(b, ai.staticSize + ai.reservedSize, ai.dynSize, ptr, alloc);
}

/** pcpu_alloc_first_chunk (mm/percpu.c): the chunk with its populated bitmap, alloc/bound maps and md blocks. */
function pcpuAllocFirstChunk(b: ArchBoot, offset: number, mapSize: number, ptr: number, alloc: (what: string, size: number) => void): void {
  const bitsToLongs = (bits: number) => Math.ceil(bits / (ptr * 8));
  // the units are page aligned, so the region starts at the page holding base + offset
  const startOffset = offset % PAGE_SIZE;
  const regionSize = pfnAlign(startOffset + mapSize);
  const nrPages = regionSize / PAGE_SIZE;
  const regionBits = regionSize / PCPU_MIN_ALLOC_SIZE;
  alloc('per-cpu first chunk', b.build.pcpuChunkStructSize + bitsToLongs(nrPages) * ptr);
  alloc('per-cpu alloc_map', bitsToLongs(regionBits) * ptr);
  alloc('per-cpu bound_map', bitsToLongs(regionBits + 1) * ptr);
  alloc('per-cpu md_blocks', nrPages * PCPU_BLOCK_MD_SIZE);
}
