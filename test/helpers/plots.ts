/** The `plots` builtin for tests, loaded once a DOM is installed (the plots render into it). */
import { installGlobalDom } from '../../src/cli/run';

export type Plots = typeof import('../../src/lib/plots/builtin').plots;

/** Installs the jsdom document (as `mmbook run` does) and returns the plots builtin. */
export async function loadPlots(): Promise<Plots> {
  await installGlobalDom();
  return (await import('../../src/lib/plots/builtin')).plots;
}
