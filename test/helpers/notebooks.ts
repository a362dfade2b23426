/**
 * The shipped notebooks (notebooks/*.html) run headless for tests: a jsdom document, the kernel,
 * and the builtins `mmbook run` gives a notebook (src/cli/run.ts cliBuiltins).
 */
import { beforeAll } from 'vitest';
import { resolve } from 'node:path';
import { cliBuiltins, installGlobalDom } from '../../src/cli/run';
import type { HeadlessNotebook } from '../../src/kernel/types';

const NOTEBOOKS = resolve(import.meta.dirname, '../../notebooks');

export type LoadNotebook = (file: string, params?: Record<string, unknown>) => Promise<HeadlessNotebook>;

/**
 * Registers a beforeAll in the calling test file that installs the DOM and loads the kernel and
 * the CLI's builtins (a builtin that cannot load fails the file); returns `load('watermarks.html',
 * params)`, usable inside its tests.
 */
export function useNotebooks(): LoadNotebook {
  let kernel: typeof import('../../src/kernel/index') | undefined;
  let builtins: Record<string, unknown> | undefined;
  beforeAll(async () => {
    await installGlobalDom();
    kernel = await import('../../src/kernel/index');
    builtins = await cliBuiltins((text) => { throw new Error(text); });
  });
  return (file, params) => {
    if (!kernel || !builtins) throw new Error('useNotebooks: load a notebook inside a test');
    return kernel.loadNotebook(resolve(NOTEBOOKS, file), { builtins, params });
  };
}
