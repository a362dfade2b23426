/** Compaction and the fragmentation indices: the module's public functions. */
export * from './constants';
export { CompactionState } from './state';
export { newCompactControl, type CompactControl } from './control';
export { compactZone, compactFinished, compactScannersMet, resetCachedPositions, resetIsolationSuitableZone } from './compact-zone';
export { compactionSuitable, compactionSuitableFree, compactionZonelistSuitable } from './suitable';
export { compactionDeferred, deferCompaction, compactionDeferReset, compactionRestarting } from './defer';
export { tryToCompactPages, compactZoneOrder, directCompactSucceeded } from './direct';
export { compactNode, compactNodes, type CompactMemoryResult, type CompactZoneSummary } from './nodes';
export { wakeupKcompactd, kcompactdRun, kcompactdDoWork, kcompactdNodeSuitable, proactiveCompactNode, shouldProactiveCompactNode, resetIsolationSuitable, type KcompactdRun } from './kcompactd';
export { isolateMigratepages, isolateMigratepagesBlock, isolateMigratepagesRange, suitableMigrationSource } from './isolate-migrate';
export { isolateFreepages, isolateFreepagesBlock, isolateFreepagesRange, isolateFreePage, suitableMigrationTarget, compactionAlloc, compactionFree, releaseFreepages, splitMapPages } from './isolate-free';
export * from './frag-index';
export { compactionSysctl, isCompactionSysctl, COMPACTION_SYSCTLS } from './sysctl';
