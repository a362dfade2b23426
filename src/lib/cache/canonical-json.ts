/**
 * Canonical JSON of a cache key's parts: the same data always gives the same text, whatever the
 * order its object keys were written in. Plain data only (what a workload or replay is made
 * from): null, booleans, numbers, strings, arrays, plain objects, typed arrays and ArrayBuffers
 * (their bytes, with their type), Dates, Maps, Sets and bigints. Anything else (a function, a
 * machine handle, a DOM node, a class instance) is refused with CACHE_KEY naming where it is,
 * because it has no stable identity to hash.
 */

export class CacheKeyError extends Error {
  readonly code = 'CACHE_KEY';
  constructor(message: string) { super(message); this.name = 'CacheKeyError'; }
}

const hex = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s;
};

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The canonical text of `value`; `where` names it in errors (`parts.spec.streams[2]`). */
export function canonicalJSON(value: unknown, where = 'key'): string {
  const stack = new Set<object>();
  const walk = (v: unknown, at: string): string => {
    switch (typeof v) {
      case 'string': return JSON.stringify(v);
      case 'boolean': return v ? 'true' : 'false';
      case 'number': return Number.isFinite(v) ? JSON.stringify(v === 0 ? 0 : v) : `{"$number":"${String(v)}"}`;
      case 'bigint': return `{"$bigint":"${v.toString()}"}`;
      case 'undefined': return 'null';
      case 'object': break;
      default: throw new CacheKeyError(`${at} is a ${typeof v}, not plain data: a cache key is made of the inputs' values (pass what made it, such as a boot request, not the object)`);
    }
    if (v === null) return 'null';
    if (stack.has(v)) throw new CacheKeyError(`${at} refers back to itself: a cache key cannot be cyclic`);
    stack.add(v);
    try {
      if (ArrayBuffer.isView(v)) return `{"$bytes":"${v.constructor.name}","hex":"${hex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))}"}`;
      if (v instanceof ArrayBuffer) return `{"$bytes":"ArrayBuffer","hex":"${hex(new Uint8Array(v))}"}`;
      if (Array.isArray(v)) return `[${v.map((x, i) => walk(x, `${at}[${i}]`)).join(',')}]`;
      if (v instanceof Date) return `{"$date":${JSON.stringify(Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString())}}`;
      if (v instanceof Map) {
        const entries = [...v].map(([k, x], i) => [walk(k, `${at} key ${i}`), walk(x, `${at}.get(${String(k)})`)] as const);
        entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        return `{"$map":[${entries.map(([k, x]) => `[${k},${x}]`).join(',')}]}`;
      }
      if (v instanceof Set) return `{"$set":[${[...v].map((x, i) => walk(x, `${at} element ${i}`)).sort().join(',')}]}`;
      if (!isPlainObject(v)) {
        const name = (v as { constructor?: { name?: string } }).constructor?.name || 'object';
        throw new CacheKeyError(`${at} is a ${name}, not plain data: a cache key is made of the inputs' values (pass what made it, such as a boot request, not the object)`);
      }
      const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${walk((v as Record<string, unknown>)[k], `${at}.${k}`)}`).join(',')}}`;
    } finally {
      stack.delete(v);
    }
  };
  return walk(value, where);
}
