/**
 * src/sim/tunables: watermarks, lowmem_reserve, per-cpu list sizing, min_free_kbytes and the vm
 * sysctls that drive them. Pure integer arithmetic over a TunableState (O(zones)); every exported
 * function returns a new state.
 *
 * BOOT ORDER (what the boot code must call, and with which `managed`):
 *
 *  1. makeTunableState({ kernel, pageblockOrder, zoneNames, zones, cpusPerNode, thpEnabled })
 *     with `managed` = the pages memblock_free_all handed to each zone (no CMA yet),
 *     `highmem` = is_highmem(zone), `thpEnabled` = THP built and always/madvise after the
 *     transparent_hugepage= option.
 *  2. 5.10 only: setupPerCpuPageset510(state, managedAfterFreeAll)   [start_kernel →
 *     setup_per_cpu_pageset; with DEFERRED_STRUCT_PAGE_INIT, page_alloc_init_late's zone_pcp_update
 *     uses the managed after deferred init, i.e. the complete memblock_free_all count plus any
 *     frees made in start_kernel (x86 "Freeing SMP alternatives memory")]. BEFORE CMA activation,
 *     so CMA pages never count in 5.10's batch. Unpopulated zones keep high 0 / batch 1.
 *     6.1: nothing needed here (its pcp high is rewritten by every setup_per_zone_wmarks).
 *  3. core_initcall: CMA activation adds the CMA pageblocks to managed (withManaged).
 *  4. postcore_initcall: initPerZoneWmarkMin(state) with managed = step 3's value. This is BEFORE
 *     the late frees (initrd, __init memory), so it uses the smaller managed.
 *     It does calculate_min_free_kbytes → setup_per_zone_wmarks (6.1: + pcp high via
 *     zone_pcp_update) → refresh_zone_stat_thresholds → setup_per_zone_lowmem_reserve.
 *  5. subsys_initcall: hugepageInit(state, totalramPages) (totalram at that moment). Below
 *     512 MiB it clears thpEnabled and changes nothing. Otherwise start_stop_khugepaged →
 *     set_recommended_min_free_kbytes: THP on → raise + setup_per_zone_wmarks (6.1: pcp high is
 *     recomputed from the raised low watermark; lowmem_reserve is NOT recomputed);
 *     THP off → 5.10 nothing, 6.1 calculate_min_free_kbytes again (now net of the high
 *     watermarks) + setup_per_zone_wmarks.
 *  6. Late frees ("Freeing initrd memory", "Freeing unused kernel memory", x86 "Freeing unused
 *     decrypted memory" and the kernel image gap frees): withManaged(state, finalManaged).
 *     Nothing is recomputed: watermarks, protection, pcp and stat thresholds keep the earlier
 *     managed, exactly as /proc/zoneinfo shows on a real boot.
 *  7. Run time: writeSysctl(state, 'vm.NAME', value) uses the managed of that moment;
 *     boostWatermark on pageblock-stealing fallbacks; setupPerZoneWmarks clears boost;
 *     startStopKhugepaged on a THP sysfs write; 6.1 zoneSetPagesetHighAndBatch(state, 1) on
 *     CPU online; initPerZoneWmarkMin(state, true) after memory hotplug.
 *
 * zoneTunableFields(zone) gives the ZoneView fields (src/sim/view.ts) these functions own.
 */
export * from './state';
export { intSqrt, multFrac, mulDivU64, fls, rounddownPowOfTwo } from './int-math';
export { calculateTotalreservePages, nodeTotalreservePages } from './totalreserve';
export {
  zoneBatchsize,
  pagesetSetHighAndBatch510,
  zoneHighsize61,
  zonePcpUpdate,
  setupPerCpuPageset510,
  zoneSetPagesetHighAndBatch,
  calculateNormalThreshold,
  refreshZoneStatThresholds,
} from './pcp';
export { setupPerZoneWmarks, boostWatermark } from './watermarks';
export {
  setupPerZoneLowmemReserve,
  lowmemReserveAlgorithm,
  type LowmemReserveAlgorithm,
} from './lowmem-reserve';
export {
  nrFreeBufferPages,
  calculateMinFreeKbytes,
  setRecommendedMinFreeKbytes,
  hugepageInit,
  startStopKhugepaged,
  initPerZoneWmarkMin,
  THP_MIN_TOTALRAM_PAGES,
} from './min-free-kbytes';
export { writeSysctl, readSysctl, tunableSysctlNames, watermarkScaleFactorMax, type TunableSysctl } from './sysctl';
export { zoneTunableFields } from './view-fields';
