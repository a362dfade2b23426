/**
 * Notebook file format: notebook-kit's `deserialize`/`serialize`, wrapped so that attributes
 * notebook-kit does not know (on `<notebook>` and on each cell `<script>`) survive a round-trip.
 */
import { deserialize, serialize } from '@observablehq/notebook-kit';
import type { Cell, Notebook } from '@observablehq/notebook-kit';
import { domDocument, domParser } from './dom';
import { KernelError } from './errors';
import type { CellSource, NotebookDoc } from './types';

const KNOWN_CELL_ATTRS = new Set(['id', 'type', 'pinned', 'hidden', 'database', 'output', 'format']);
const KNOWN_NOTEBOOK_ATTRS = new Set(['theme', 'readonly']);

function extraAttrs(el: Element | null, known: Set<string>): Record<string, string> | undefined {
  if (!el) return undefined;
  let out: Record<string, string> | undefined;
  for (const a of Array.from(el.attributes)) {
    if (known.has(a.name)) continue;
    (out ??= {})[a.name] = a.value;
  }
  return out;
}

/** Parses a notebook-kit HTML file; keeps unknown attributes in `attrs`. */
export function parseNotebook(html: string): NotebookDoc {
  if (typeof html !== 'string') throw new KernelError('NOTEBOOK_PARSE', 'parseNotebook: expected HTML text');
  const parser = domParser('parseNotebook');
  const document = parser.parseFromString(html, 'text/html');
  const root = document.querySelector('notebook');
  if (!root) throw new KernelError('NOTEBOOK_PARSE', 'no <notebook> element found', 'notebook file');
  const nb = deserialize(html, { parser: { parseFromString: () => document } as unknown as DOMParser });
  const scripts = Array.from(document.querySelectorAll('notebook script'));
  const cells: CellSource[] = nb.cells.map((c, i) => {
    const cell: CellSource = { id: c.id, mode: c.mode, value: c.value, pinned: c.pinned, hidden: c.hidden };
    if (c.output !== undefined) cell.output = c.output;
    if (c.format !== undefined) cell.format = c.format;
    if (c.database !== undefined) cell.database = c.database;
    const attrs = extraAttrs(scripts[i] ?? null, KNOWN_CELL_ATTRS);
    if (attrs) cell.attrs = attrs;
    return cell;
  });
  const doc: NotebookDoc = { title: nb.title, cells };
  if (root.hasAttribute('theme')) doc.theme = root.getAttribute('theme')!;
  if (nb.readOnly) doc.readOnly = true;
  const attrs = extraAttrs(root, KNOWN_NOTEBOOK_ATTRS);
  if (attrs) doc.attrs = attrs;
  return doc;
}

function toKitCell(c: CellSource): Cell {
  return {
    id: c.id, mode: c.mode as Cell['mode'], value: c.value,
    pinned: c.pinned ?? (c.mode === 'js' || c.mode === 'ts'), hidden: c.hidden ?? false,
    output: c.output, format: c.format as Cell['format'], database: c.database,
  };
}

/**
 * Serialises with notebook-kit, through a document proxy that adds the extra attributes after
 * notebook-kit's own ones (so that serialize(parse(x)) === x for files mmbook wrote).
 */
export function serializeNotebook(doc: NotebookDoc): string {
  const real = domDocument('serializeNotebook');
  const byId = new Map(doc.cells.map((c) => [String(c.id), c]));
  let notebookAttrsDone = false;
  const proxy = {
    createTextNode: (text: string) => real.createTextNode(text),
    createElement: (tag: string) => {
      const el = real.createElement(tag);
      if (tag !== 'notebook') return el;
      const append = el.appendChild.bind(el);
      el.appendChild = <T extends Node>(child: T): T => {
        if (!notebookAttrsDone) {
          notebookAttrsDone = true;
          for (const [k, v] of Object.entries(doc.attrs ?? {})) el.setAttribute(k, v);
        }
        if ((child as unknown as Element).nodeType === 1 && (child as unknown as Element).tagName === "SCRIPT") {
          const cell = byId.get((child as unknown as Element).id);
          for (const [k, v] of Object.entries(cell?.attrs ?? {})) (child as unknown as Element).setAttribute(k, v);
        }
        return append(child);
      };
      return el;
    },
  } as unknown as Document;
  const nb: Notebook = {
    title: doc.title,
    theme: (doc.theme ?? 'air') as Notebook['theme'],
    readOnly: doc.readOnly ?? false,
    cells: doc.cells.map(toKitCell),
  };
  return serialize(nb, { document: proxy });
}
