/**
 * For a test file that runs notebooks headless: the DOM `mmbook run` installs, the notebook kernel,
 * `mm`, and the builtins `mmbook run` passes, loaded before its tests (beforeAll); read them from
 * the returned object once the tests run.
 */
import { resolve } from 'node:path';
import { beforeAll } from 'vitest';
import type { HeadlessNotebook } from '../../src/kernel/types';

const NOTEBOOKS = resolve(import.meta.dirname, '../../notebooks');

export interface NotebookHost {
  readonly kernel: typeof import('../../src/kernel/index');
  readonly mm: typeof import('../../src/lib/mm').mm;
  readonly builtins: Record<string, unknown>;
  /** A shipped notebook (a file name in notebooks/, or a path) run with these builtins and `params`. */
  load(file: string, params?: Record<string, unknown>): Promise<HeadlessNotebook>;
}

export function notebookHost(): NotebookHost {
  const host = {
    load: (file, params) => host.kernel.loadNotebook(resolve(NOTEBOOKS, file), { builtins: host.builtins, params }),
  } as { -readonly [K in keyof NotebookHost]: NotebookHost[K] };
  beforeAll(async () => {
    const run = await import('../../src/cli/run');
    await run.installGlobalDom();
    host.kernel = await import('../../src/kernel/index');
    host.mm = (await import('../../src/lib/mm')).mm;
    host.builtins = await run.cliBuiltins();
  });
  return host;
}
