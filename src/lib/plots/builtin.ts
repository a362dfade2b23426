/** The `plots` builtin notebooks get, identical in the browser and in Node (the CLI passes it too). */
import * as helpers from './index';
import { maxBoostRows } from './boost';
import { diffLines, diffView } from './zoneinfo-diff';
import { sweepPlot } from './sweep';

export const plots = { ...helpers, diffLines, diffView, maxBoostRows, sweepPlot };
