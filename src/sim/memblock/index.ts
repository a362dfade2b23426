/** memblock (mm/memblock.c) for 5.10 and 6.1: public surface. */
export { Memblock, MEMBLOCK_ALLOC_ANYWHERE, MEMBLOCK_ALLOC_ACCESSIBLE, INIT_MEMBLOCK_REGIONS, DEFAULT_CALLER } from './memblock';
export type { MemblockOptions, AllocTryNidOptions } from './memblock';
export type { MemblockRegion, MemblockType } from './region-array';
export { MEMBLOCK_ALLOC_NOLEAKTRACE, MEMBLOCK_ALLOC_KASAN, MEMBLOCK_LOW_LIMIT } from './alloc';
export type { FreeRange, PfnRange } from './iterate';
export { PHYS_ADDR_MAX, fmtPa } from './format';
export { parseMemblockDebugfs } from './debugfs-parse';
export type { DebugfsRegion } from './debugfs-parse';
export { overlaps, findOverlaps } from './overlap';
