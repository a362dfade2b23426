/** The libraries notebooks get in the browser (the CLI passes the same names in Node). */
import * as Plot from '@observablehq/plot';
import * as Inputs from '@observablehq/inputs';
import * as htl from 'htl';
import * as plots from '../lib/plots/index';
import { diffView, diffLines } from '../lib/plots/zoneinfo-diff';
import { md } from './markdown';
import type { RemoteMm } from './mm-remote';

export function browserBuiltins(mm: RemoteMm): Record<string, unknown> {
  return {
    Plot, Inputs, htl, html: htl.html, svg: htl.svg, md, mm,
    plots: { ...plots, diffView, diffLines },
  };
}
