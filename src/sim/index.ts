/**
 * The simulator's public API: boot a machine from firmware inputs, read its stages and /proc
 * files, apply sysctls. Pure: no DOM, no I/O (callers pass file contents).
 */
export { bootMachine, makeProfile, type BootRequest } from './boot/boot';
export { bootFromZoneinfo, type ZoneinfoImportRequest } from './boot/zoneinfo-import';
export { Machine } from './boot/machine';
export type { Topology } from './boot/firmware';
export { MmError, isMmError } from './errors';
export type { MachineView, ZoneView, NodeView } from './view';
export type { Arch, KernelVersion, KernelConfig, Profile, ZoneName } from './types';
export { renderProc, PROC_NAMES, type ProcName } from './format/proc';
export { parseZoneinfo, parseBuddyinfo, parsePagetypeinfo, parseMeminfo, parseVmstat } from './format';
export { defaultKernelConfig } from './input/profiles';
export { tunableSysctlNames } from './tunables';
