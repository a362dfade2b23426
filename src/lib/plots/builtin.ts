/** The `plots` builtin notebooks get, identical in the browser and in Node (the CLI passes it too). */
import * as helpers from './index';
import { maxBoostRows } from './boost';
import { diffLines, diffView } from './zoneinfo-diff';
import { checkRows, freeListRows, runBuddyRows, runCmaRows, runTypeRows, sampleAtStep } from './check-data';
import { cmaCheck, freeBlocks, zoneCheck, MIGRATETYPE_COLORS } from './check-plots';
import { buddyinfoAt, cmaWatermarkSeries, pagetypeSeries } from './run-plots';
import { sweepPlot } from './sweep';
import { cmaMap, cmaMapCounts, cmaMapData } from './cma-map';
import { cmaSeries, cmaSeriesRows } from './cma-series';
import { cmaAllocOutcomes, cmaBorrow, cmaBorrowRows } from './cma-borrow';
import { cmaCost, cmaCostPlot, cmaCostRows } from './cma-cost';
import { CMA_COLORS, CMA_STATES, cmaColorScale } from './cma-states';
import { replayOrderMap, replayOrders, replayTimeline, REPLAY_COLORS } from './replay-plots';
import { kernelKswapdRecords, kswapdRecords, markBefore, orderRows, realPoints, replayPoints, timelineRows, zonesAtMark } from './replay-data';

export const plots = {
  ...helpers, diffLines, diffView, maxBoostRows,
  // the watermark check (mm.explain, mm.check) and a workload's free lists over time
  zoneCheck, freeBlocks, cmaCheck, checkRows, freeListRows, MIGRATETYPE_COLORS,
  buddyinfoAt, pagetypeSeries, cmaWatermarkSeries, runBuddyRows, runTypeRows, runCmaRows, sampleAtStep,
  sweepPlot,
  // CMA occupancy under a workload (notebooks/cma.html)
  cmaMap, cmaMapData, cmaMapCounts, cmaSeries, cmaSeriesRows, cmaBorrow, cmaBorrowRows, cmaAllocOutcomes, cmaCost, cmaCostPlot, cmaCostRows, CMA_COLORS, CMA_STATES, cmaColorScale,
  // trace replays, recorded tuning against a changed one (notebooks/replay.html)
  replayTimeline, replayOrders, replayOrderMap, REPLAY_COLORS, replayPoints, realPoints, timelineRows, orderRows, zonesAtMark, kswapdRecords, kernelKswapdRecords, markBefore,
};
