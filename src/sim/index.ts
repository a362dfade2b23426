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
export {
  importSnapshot, startFromSnapshot, startImported, snapshotSummary, decodeKpageflags, SNAPSHOT_FILES,
  type SnapshotInput, type SnapshotReport, type ZoneImportReport, type SnapshotImport, type SnapshotFile,
} from './snapshot/index';
export { MAX_RAM_BYTES, machineLimits, COMMAND_LINE_SIZE } from './limits';
