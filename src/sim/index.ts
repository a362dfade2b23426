/**
 * The simulator's public API: boot a machine from firmware inputs, read its stages and /proc
 * files, apply sysctls. Pure: no DOM, no I/O (callers pass file contents). `src/lib` and `src/cli`
 * import the simulator only through this file.
 */
export { bootMachine, makeProfile, checkProfileName, BOOT_STAGES, type BootRequest, type BootStage } from './boot/boot';
export { bootFromZoneinfo, type ZoneinfoImportRequest } from './machine/zoneinfo-import';
export { Machine } from './machine/machine';
export type { Topology } from './machine/firmware';
export { MmError, isMmError } from './errors';
export type { MachineView, ZoneView, NodeView, MemblockRegionView, PcpView } from './view';
export type { Arch, KernelVersion, KernelConfig, Profile, ZoneName } from './types';
export { renderProc, PROC_NAMES, type ProcName } from './format/proc';
export { parseZoneinfo, parseBuddyinfo, parsePagetypeinfo, parseMeminfo, parseVmstat } from './format';
export { defaultKernelConfig } from './input/profiles';
export { kconfigArch, kconfigVersion, readKconfigValues } from './input/kconfig';
export type { CmdlineToken } from './input/cmdline';
export { tunableSysctlNames, defaultLowmemReserveRatio, watermarkScaleFactorMax } from './tunables';
export { zoneNames, zoneId, zoneOfId } from './zone-types';
export { versionRules, kernelBehaviour, isKernelVersion, KERNEL_VERSIONS, type VersionRules, type KernelBehaviour } from './kernel-behaviour';
export { RunningMachine, type AllocOptions, type AllocResult, type RunOp, type RunSummary } from './run/running-machine';
export { RunState, type RunOptions } from './run/run-state';
export { TraceRecorder, TraceCounter, type TraceSink, type TraceEventName, type TraceRecord } from './run/trace';
export { parseGfp, formatGfp, formatGfpMode } from './page_alloc/gfp';
export { KIND_NAMES, type PageKindName } from './run/page-flags';
export { MAX_RAM_BYTES, MAX_INPUT_BYTES, machineLimits, COMMAND_LINE_SIZE, fmtBytes } from './limits';
export { ImportedMachine, type ImportInfo } from './machine/zoneinfo-machine';
export { checkZoneinfoLayout } from './format/zoneinfo-layout';
export { bannerRelease, checkBootLogProfile, checkKconfigProfile } from './input/profile-check';
export { parseAllocFailureReports, stripLogPrefixes, type ParsedAllocFailure, type ParsedZone } from './input/alloc-failure-parse';
export { failureFields, type AllocFailure } from './page_alloc/warn-alloc';
export { explainReport, explanationJson, reportExplainInput, type ReportExplanation, type ReportInput, type ExplainReportOptions } from './page_alloc/explain-report';
export { explainFailure, renderExplanation, zonesPass, type ExplainInput, type ZoneSnapshot, type FailureExplanation, type ZoneExplanation, type TuningSuggestion } from './page_alloc/explain';
export { retuneExplainInput, type SysctlWrites } from './page_alloc/explain-retune';
export { viewExplainInput, viewZoneSnapshot, type CheckRequest, type ViewInputOptions } from './page_alloc/explain-view';
export { checkAllocation, type AllocationCheck } from './page_alloc/alloc-check';
export type { OomRecord, TaskMemory } from './oom/oom-kill';
export { runWorkload, startWorkload, validateWorkload, workloadJsonReplacer, WorkloadEngine, type WorkloadResult, type WorkloadSpec, type WorkloadPlan } from './workload/index';
export { SIM_VERSION } from './version';
export { CmaAreaHandle, type CmaAllocOptions, type CmaAllocOutcome } from './cma/api';
export type { CmaOccupancy, CmaPageblock, PageblockState } from './cma/occupancy';
export { HugetlbHandle, type HugetlbPoolInfo } from './hugetlb/api';
export type { NrHugepagesResult } from './hugetlb/resize';
export { renderCmaDebugfs, cmaDebugfsDir, CMA_DEBUGFS_FILES, type CmaDebugfsFile } from './format/cma-debugfs';
export { formatCmaTrace, type CmaTraceContext } from './format/cma-trace';
export {
  importSnapshot, startFromSnapshot, startImported, snapshotSummary, decodeKpageflags, SNAPSHOT_FILES,
  type SnapshotInput, type SnapshotReport, type ZoneImportReport, type SnapshotImport, type SnapshotFile,
} from './snapshot/index';
export { runView } from './run/run-view';
export { PAGEBLOCK_HOLE, type PageblockMap, type ZoneSeries, type NodeSeries } from './workload/index';
export { fillContigPageInfo, fragmentationIndexOf, unusableFreeIndexOf } from './compaction/frag-index';
export { renderExtfragIndex, renderUnusableIndex } from './format/extfrag';
export { MIGRATETYPE_NAMES } from './types';
