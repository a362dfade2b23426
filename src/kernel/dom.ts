/**
 * Where the kernel gets an HTML parser and a document for notebook (de)serialisation.
 * Browsers have both globally. Node hosts call `ensureDom()` (headless.ts does), which builds
 * them with jsdom without installing any globals.
 */
import { KernelError } from './errors';

let parser: DOMParser | undefined;
let doc: Document | undefined;

/** Registers a DOMParser (and derives a document from it) for hosts without a global one. */
export function setDomParser(p: DOMParser): void {
  parser = p;
  doc = p.parseFromString('<!doctype html><html><body></body></html>', 'text/html');
}

export function domParser(where: string): DOMParser {
  if (parser) return parser;
  if (typeof DOMParser === 'function') return (parser = new DOMParser());
  throw new KernelError('KERNEL_NO_DOM', `${where}: no DOMParser available; call ensureDom() first in Node`);
}

export function domDocument(where: string): Document {
  if (doc) return doc;
  if (typeof document !== 'undefined') return document;
  setDomParser(domParser(where));
  return doc!;
}

/** In Node, loads jsdom (dynamically, so browser bundles never see it) and registers its parser. */
export async function ensureDom(): Promise<void> {
  if (parser || typeof DOMParser === 'function') return;
  const name = 'jsdom';
  const jsdom = (await import(/* @vite-ignore */ name)) as { JSDOM: new (html?: string) => { window: { DOMParser: typeof DOMParser } } };
  const { window } = new jsdom.JSDOM('<!doctype html><html><body></body></html>');
  setDomParser(new window.DOMParser());
}
