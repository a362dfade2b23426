/**
 * The /proc and debugfs renderers and parsers.
 *
 * Renderers take a MachineView (src/sim/view.ts) and print the kernel's exact text for the
 * view's arch and version: renderZoneinfo, renderBuddyinfo, renderPagetypeinfo, renderMeminfo,
 * renderVmstat, renderMemblockDebugfs, and renderProc(v, name) for any of them ('memblock' is
 * memory then reserved, each under a "==> memblock/<type> <==" line; x86 has none).
 *
 * Conventions the simulator and the parsers share:
 * - node and zone `stats` hold the values as /proc prints them: THP node items in huge pages,
 *   nr_kernel_stack in kB, the rest in pages; zone `stats` also hold the numa_* events.
 * - `v.counters` holds what the simulator does not model, under the name the file prints:
 *   vmstat names (events, nr_dirty_threshold, ...) and meminfo labels (Buffers, VmallocTotal,
 *   HugePages_Total, ... as printed, kB or a count). A missing counter prints 0.
 * - config switches the view does not carry (NUMA balancing, swap, x86 direct map, ...) default
 *   to the Debian configs of the oracle kernels (extra.ts defaultFeatures) and can be set in
 *   `(v as MachineViewExtra).features`.
 *
 * Parsers read text pasted from a real machine (parseZoneinfo, parseBuddyinfo,
 * parsePagetypeinfo, parseMeminfo, parseVmstat, parseMemblockDebugfs) and raise MmError
 * (ZONEINFO_PARSE, BUDDYINFO_PARSE, PAGETYPEINFO_PARSE, MEMINFO_PARSE, VMSTAT_PARSE,
 * MEMBLOCK_PARSE) located at "line N". Kernel console lines interleaved in a serial-console
 * capture ("[    3.09] ...") are skipped. The *ToView functions rebuild a view from one parse
 * so that rendering it reproduces the text; procToView merges several files of one machine.
 */
export * from './extra';
export * from './item-lists';
export * from './view-build';
export * from './zoneinfo';
export * from './zoneinfo-parse';
export * from './zoneinfo-view';
export * from './zoneinfo-layout';
export * from './free-lists-import';
export * from './buddyinfo';
export * from './pagetypeinfo';
export * from './pagetypeinfo-parse';
export * from './meminfo-lines';
export * from './meminfo';
export * from './meminfo-derived';
export * from './meminfo-parse';
export * from './vmstat';
export * from './memblock';
export * from './proc';
export * from './proc-view';
export { parseError, stripConsoleNoise } from './lines';
export * from './zoneinfo-diff';
