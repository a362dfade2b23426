/**
 * What differs between scenario A and B, name by name: the A/B panel lists every named value
 * (inputs and outputs) that is plain data (numbers, strings, booleans, arrays, plain objects,
 * typed arrays) and is not equal in both, with both values. A structured value is shown by the
 * leaves that changed (`nodes[0].zones[1].low: 1234 → 2345`), a multi-line text by its changed
 * lines. Values that are not data (a machine handle, a DOM node, a function) are not compared.
 */

/** A changed leaf of a structured value (`path` is empty for the value itself). */
export interface LeafChange { path: string; a: unknown; b: unknown }

export interface NamedDiff {
  name: string;
  kind: 'input' | 'output';
  /** undefined: the name has no (plain-data) value in that scenario */
  a: unknown;
  b: unknown;
  /** the first changed leaves (or lines of a text), and how many there are in all */
  changes: LeafChange[];
  totalChanges: number;
}

const NODE_BUDGET = 500_000;

/** Whether `v` is plain data (bounded: a value of more than NODE_BUDGET parts counts as not). */
export function isPlainData(v: unknown): boolean {
  let budget = NODE_BUDGET;
  const seen = new Set<object>();
  const walk = (x: unknown): boolean => {
    if (--budget < 0) return false;
    if (x === null || x === undefined) return true;
    const t = typeof x;
    if (t === 'number' || t === 'string' || t === 'boolean' || t === 'bigint') return true;
    if (t !== 'object') return false;
    const o = x as object;
    if (seen.has(o)) return false;
    if (ArrayBuffer.isView(o) || o instanceof Date) return true;
    seen.add(o);
    try {
      if (Array.isArray(o)) return o.every(walk);
      const proto = Object.getPrototypeOf(o);
      if (proto !== Object.prototype && proto !== null) return false;
      return Object.values(o).every(walk);
    } finally {
      seen.delete(o);
    }
  };
  return walk(v);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !(v instanceof Date);

function sameLeaf(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

/** The changed leaves of `a` against `b` (the first `limit` of them) and their number. */
export function leafChanges(a: unknown, b: unknown, limit = 6): { changes: LeafChange[]; total: number } {
  const changes: LeafChange[] = [];
  let total = 0;
  const add = (path: string, x: unknown, y: unknown) => { total++; if (changes.length < limit) changes.push({ path, a: x, b: y }); };
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (typeof x === 'string' && typeof y === 'string' && (x.includes('\n') || y.includes('\n'))) {
      const xs = x.split('\n'), ys = y.split('\n');
      for (let i = 0; i < Math.max(xs.length, ys.length); i++) if (xs[i] !== ys[i]) add(`${path}${path ? ' ' : ''}line ${i + 1}`, xs[i], ys[i]);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], `${path}[${i}]`);
      return;
    }
    if (isObject(x) && isObject(y) && !Array.isArray(x) && !Array.isArray(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], path ? `${path}.${k}` : k);
      return;
    }
    if (!sameLeaf(x, y)) add(path, x, y);
  };
  walk(a, b, '');
  return { changes, total };
}

/**
 * The named values that differ, in `order` (document order; names missing from it come last).
 * `inputs` names the ones an input widget defines. A name plain in one scenario only is listed
 * with the other side undefined.
 */
export function diffNamed(a: Record<string, unknown>, b: Record<string, unknown>, opts: { order?: string[]; inputs?: ReadonlySet<string>; limit?: number } = {}): NamedDiff[] {
  const names = [...new Set([...(opts.order ?? []), ...Object.keys(a), ...Object.keys(b)])];
  const out: NamedDiff[] = [];
  for (const name of names) {
    const inA = name in a && isPlainData(a[name]);
    const inB = name in b && isPlainData(b[name]);
    if (!inA && !inB) continue;
    const x = inA ? a[name] : undefined, y = inB ? b[name] : undefined;
    const { changes, total } = inA && inB ? leafChanges(x, y, opts.limit) : { changes: [{ path: '', a: x, b: y }], total: 1 };
    if (!total) continue;
    out.push({ name, kind: opts.inputs?.has(name) ? 'input' : 'output', a: x, b: y, changes, totalChanges: total });
  }
  return out;
}

/** A value in a few words for the panel: JSON, cut at `max` characters. */
export function shortText(v: unknown, max = 80): string {
  if (v === undefined) return '—';
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (ArrayBuffer.isView(v)) s = `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength})`;
  else {
    try { s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : ArrayBuffer.isView(x) ? `${x.constructor.name}(${(x as unknown as ArrayLike<unknown>).length})` : x)) ?? String(v); } catch { s = String(v); }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
