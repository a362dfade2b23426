/** The `plots` builtin notebooks get, identical in the browser and in Node (the CLI passes it too). */
import * as helpers from './index';
import { maxBoostRows } from './boost';
import { diffLines, diffView } from './zoneinfo-diff';
import { checkRows, freeListRows, runBuddyRows, runCmaRows, runTypeRows, sampleAtStep } from './check-data';
import { cmaCheck, freeBlocks, zoneCheck, MIGRATETYPE_COLORS } from './check-plots';
import { buddyinfoAt, cmaSeries, pagetypeSeries } from './run-plots';
import { sweepPlot } from './sweep';

export const plots = {
  ...helpers, diffLines, diffView, maxBoostRows,
  // the watermark check (mm.explain, mm.check) and a workload's free lists over time
  zoneCheck, freeBlocks, cmaCheck, checkRows, freeListRows, MIGRATETYPE_COLORS,
  buddyinfoAt, pagetypeSeries, cmaSeries, runBuddyRows, runTypeRows, runCmaRows, sampleAtStep,
  sweepPlot,
};
