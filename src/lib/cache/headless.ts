/**
 * `cached` where nothing is cached (mmbook run): the key must still be plain data, as in the
 * workbench, so a notebook that runs headless runs in the browser too.
 */
import { canonicalJSON } from './canonical-json';

export async function headlessCached<T>(parts: unknown, compute: () => T | Promise<T>): Promise<T> {
  canonicalJSON(parts, 'cached() key');
  if (typeof compute !== 'function') throw new TypeError('cached(key, compute): compute must be a function that computes the result (it runs only when the cache does not have it)');
  return compute();
}
