/**
 * Headless use (Node: CLI and tests). `loadNotebook` reads a file (or takes the HTML source),
 * parses it, opens a session and runs every cell with the kernel's own scheduler (no rAF).
 */
import { ensureDom } from './dom';
import { KernelError } from './errors';
import { parseNotebook } from './format';
import { NotebookSession } from './session';
import type { CellStatus, HeadlessNotebook, OpenOptions } from './types';

function looksLikeHtml(s: string): boolean {
  return /<notebook[\s>]/i.test(s);
}

/** Reads notebook HTML from a path (Node only) unless `pathOrSource` already is the HTML. */
export async function readNotebookSource(pathOrSource: string): Promise<string> {
  if (looksLikeHtml(pathOrSource)) return pathOrSource;
  const fsName = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  try {
    return await fs.readFile(pathOrSource, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new KernelError('NOTEBOOK_READ', `cannot read notebook: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, pathOrSource);
  }
}

export async function loadNotebook(pathOrSource: string, opts: OpenOptions = {}): Promise<HeadlessNotebook> {
  const html = await readNotebookSource(pathOrSource);
  await ensureDom();
  const doc = parseNotebook(html);
  const session = NotebookSession.open(doc, opts);
  return {
    session,
    value: (name) => session.value(name),
    async status() {
      await session.settled();
      return new Map<number, CellStatus>(session.cells().map((c) => [c.id, c.status]));
    },
    cells: () => session.cells(),
    async redefine(id, value, mode) {
      session.redefine(id, value, mode);
      await session.settled();
    },
    async setInput(name, value) {
      session.setInput(name, value);
      await new Promise((r) => setTimeout(r, 0));
      await session.settled();
    },
    settled: () => session.settled(),
    displays: (id) => session.displays(id),
    dispose: () => session.dispose(),
  };
}
