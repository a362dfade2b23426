/** The `plots` builtin notebooks get, identical in the browser and in Node (the CLI passes it too). */
import * as helpers from './index';
import { maxBoostRows } from './boost';
import { diffLines, diffView } from './zoneinfo-diff';
import { cmaMap, cmaMapCounts, cmaMapData } from './cma-map';
import { cmaSeries, cmaSeriesRows } from './cma-series';
import { cmaAllocOutcomes, cmaBorrow, cmaBorrowRows } from './cma-borrow';
import { cmaCost, cmaCostPlot, cmaCostRows } from './cma-cost';
import { CMA_COLORS, CMA_STATES, cmaColorScale } from './cma-states';

export const plots = {
  ...helpers, diffLines, diffView, maxBoostRows,
  cmaMap, cmaMapData, cmaMapCounts, cmaSeries, cmaSeriesRows, cmaBorrow, cmaBorrowRows, cmaAllocOutcomes, cmaCost, cmaCostPlot, cmaCostRows, CMA_COLORS, CMA_STATES, cmaColorScale,
};
