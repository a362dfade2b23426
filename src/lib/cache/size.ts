/**
 * How many bytes a value takes in the result cache, estimated from its structured-clone content:
 * typed arrays and ArrayBuffers by their bytes, strings two bytes a character, numbers eight, plus
 * a little per object and key. What the cache's size cap counts (IndexedDB does not say how much
 * one entry takes).
 */
export function sizeOf(value: unknown): number {
  const seen = new Set<object>();
  const walk = (v: unknown): number => {
    switch (typeof v) {
      case 'string': return 8 + 2 * v.length;
      case 'number': return 8;
      case 'bigint': return 8 + Math.ceil(v.toString(16).length / 2);
      case 'boolean': case 'undefined': return 2;
      case 'object': break;
      default: return 8;
    }
    if (v === null) return 2;
    if (seen.has(v)) return 8;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (seen.has(v.buffer)) return 32;
      seen.add(v.buffer);
      return 32 + v.byteLength;
    }
    if (v instanceof ArrayBuffer) return 32 + v.byteLength;
    if (typeof Blob !== 'undefined' && v instanceof Blob) return 32 + v.size;
    let n = 16;
    if (Array.isArray(v)) { for (const x of v) n += walk(x); return n; }
    if (v instanceof Map) { for (const [k, x] of v) n += walk(k) + walk(x); return n; }
    if (v instanceof Set) { for (const x of v) n += walk(x); return n; }
    for (const [k, x] of Object.entries(v)) n += 8 + 2 * k.length + walk(x);
    return n;
  };
  return walk(value);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
