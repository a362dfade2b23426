/** Test helpers: build notebook HTML from cell sources, and open it headless with a log builtin. */
import { loadNotebook } from '../../src/kernel/index';
import type { HeadlessNotebook, OpenOptions } from '../../src/kernel/index';

export interface TestCell { id: number; value: string; type?: string }

export function notebookHtml(title: string, cells: TestCell[]): string {
  const body = cells.map((c) => `  <script id="${c.id}" type="${c.type ?? 'module'}" pinned="">\n${c.value.split('\n').map((l) => (l.trim() ? `    ${l}` : '')).join('\n')}\n  </script>`).join('\n');
  return `<!doctype html>\n<notebook theme="air">\n  <title>${title}</title>\n${body}\n</notebook>\n`;
}

export async function open(title: string, cells: TestCell[], opts: OpenOptions = {}, settle = true): Promise<{ nb: HeadlessNotebook; log: string[] }> {
  const log: string[] = [];
  const nb = await loadNotebook(notebookHtml(title, cells), { ...opts, builtins: { log, ...opts.builtins } });
  if (settle) await nb.settled();
  return { nb, log };
}

export function status(nb: HeadlessNotebook, id: number) {
  const c = nb.cells().find((x) => x.id === id);
  if (!c) throw new Error(`no cell ${id}`);
  return c.status;
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
