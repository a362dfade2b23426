/**
 * Host-side value rendering: a one-line text form (for `mmbook run`) and a JSON-safe copy
 * (typed arrays → plain arrays, DOM nodes → outer HTML). No DOM globals are needed.
 */

interface NodeLike { nodeType: number; outerHTML?: string; textContent?: string | null; childNodes?: ArrayLike<NodeLike> }

function isNode(v: unknown): v is NodeLike {
  return !!v && typeof v === 'object' && typeof (v as NodeLike).nodeType === 'number' && 'textContent' in (v as object);
}

/** Outer HTML of an element, text of a text node, concatenation for a fragment. */
export function nodeHTML(n: NodeLike): string {
  if (typeof n.outerHTML === 'string') return n.outerHTML;
  if (n.nodeType === 11 && n.childNodes) return Array.from(n.childNodes, nodeHTML).join('');
  return n.textContent ?? '';
}

/** textContent without the contents of <style> and <script> elements. */
function visibleText(n: NodeLike): string {
  const tag = (n as { tagName?: string }).tagName?.toUpperCase();
  if (tag === 'STYLE' || tag === 'SCRIPT') return '';
  if (n.nodeType === 3) return n.textContent ?? '';
  if (!n.childNodes) return n.textContent ?? '';
  return Array.from(n.childNodes, visibleText).join('');
}

function isTypedArray(v: unknown): v is ArrayLike<number | bigint> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

const UNSERIALIZABLE = Symbol('unserializable');

/** A JSON-safe copy of `value`, or undefined when it cannot be serialised (functions, promises, cycles…). */
export function toJSONValue(value: unknown): unknown {
  const r = toJSON(value, new Set());
  return r === UNSERIALIZABLE ? undefined : r;
}

function toJSON(v: unknown, seen: Set<object>): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return UNSERIALIZABLE;
  if (isNode(v)) return nodeHTML(v);
  if (isTypedArray(v)) return Array.from(v as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? toJSON(x, seen) : x));
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Error) return { error: v.message };
  if (typeof (v as Promise<unknown>).then === 'function' || typeof (v as Iterator<unknown>).next === 'function') return UNSERIALIZABLE;
  if (seen.has(v as object)) return UNSERIALIZABLE;
  seen.add(v as object);
  try {
    if (Array.isArray(v) || v instanceof Set) {
      return Array.from(v as Iterable<unknown>, (x) => { const r = toJSON(x, seen); return r === UNSERIALIZABLE ? null : r; });
    }
    if (v instanceof Map) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v) { const r = toJSON(x, seen); if (r !== UNSERIALIZABLE) o[String(k)] = r; }
      return o;
    }
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return toJSON((v as { toJSON: () => unknown }).toJSON(), seen);
    // An instance of a class without toJSON (a simulator machine, a parser…) is behaviour plus
    // private state: its fields are not its value, and can be huge. Only plain data is written.
    if (!isPlainObject(v)) return UNSERIALIZABLE;
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as object)) { const r = toJSON(x, seen); if (r !== UNSERIALIZABLE) o[k] = r; }
    return o;
  } finally {
    seen.delete(v as object);
  }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

/** Elements that show a picture: rendered by their aria-label (what a plot says it shows). */
const GRAPHICS = new Set(['svg', 'figure', 'img', 'canvas']);

/** A one-line rendering of a value, at most `max` characters. */
export function renderValue(value: unknown, max = 100): string {
  const s = render(value, 0);
  const line = s.replace(/\s*\n\s*/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function render(v: unknown, depth: number): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return depth ? JSON.stringify(v) : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return `ƒ ${v.name || '(anonymous)'}()`;
  if (isNode(v)) {
    const html = nodeHTML(v);
    const tag = /^<([a-zA-Z][\w-]*)/.exec(html)?.[1];
    // a plot says what it shows in its aria-label; text (a <pre>, a paragraph) is its visible text (no <style>/<script> bodies)
    const label = tag && GRAPHICS.has(tag.toLowerCase()) ? (v as { getAttribute?: (n: string) => string | null }).getAttribute?.('aria-label') : null;
    const text = label ? `“${label}”` : visibleText(v).trim();
    return tag ? `<${tag}>${text ? ` ${text}` : ''}` : JSON.stringify(text);
  }
  if (isTypedArray(v)) {
    const a = Array.from(v as ArrayLike<number | bigint>).slice(0, 10).map((x) => String(x));
    return `${v.constructor.name}(${(v as ArrayLike<unknown>).length}) [${a.join(', ')}${(v as ArrayLike<unknown>).length > 10 ? ', …' : ''}]`;
  }
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  if (typeof (v as Promise<unknown>).then === 'function') return 'Promise';
  if (depth > 1) return Array.isArray(v) ? `Array(${v.length})` : v instanceof Map ? `Map(${v.size})` : 'Object';
  if (Array.isArray(v)) {
    const items = v.slice(0, 10).map((x) => render(x, depth + 1));
    return `Array(${v.length}) [${items.join(', ')}${v.length > 10 ? ', …' : ''}]`;
  }
  if (v instanceof Map) return `Map(${v.size}) {${[...v].slice(0, 5).map(([k, x]) => `${render(k, depth + 1)} => ${render(x, depth + 1)}`).join(', ')}${v.size > 5 ? ', …' : ''}}`;
  if (v instanceof Set) return `Set(${v.size}) {${[...v].slice(0, 10).map((x) => render(x, depth + 1)).join(', ')}${v.size > 10 ? ', …' : ''}}`;
  const entries = Object.entries(v as object);
  const name = (v as object).constructor?.name;
  const prefix = name && name !== 'Object' ? `${name} ` : '';
  return `${prefix}{${entries.slice(0, 8).map(([k, x]) => `${k}: ${render(x, depth + 1)}`).join(', ')}${entries.length > 8 ? ', …' : ''}}`;
}
