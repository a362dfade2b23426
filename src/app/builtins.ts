/** The libraries notebooks get in the browser: the kernel's standard library (Plot, Inputs, htl, html, svg, md, the same as in Node), `plots`, and the worker-backed `mm`. */
import { standardLibrary } from '../kernel/stdlib';
import { plots } from '../lib/plots/builtin';
import type { RemoteMm } from './mm-remote';

let std: Promise<Record<string, unknown>> | undefined;

export async function browserBuiltins(mm: RemoteMm): Promise<Record<string, unknown>> {
  std ??= standardLibrary();
  return { ...(await std), plots, mm };
}
