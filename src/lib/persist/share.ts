/**
 * Shareable links: input values ride in the URL hash query (#/watermarks?watermark_scale_factor=200).
 * Each value is JSON text. Before a value is applied it is checked against the input's spec
 * (the range, option list or type the input widget declares).
 */
export type InputSpec =
  | { kind: 'range'; min: number; max: number; step?: number }
  | { kind: 'select'; options: string[] }
  | { kind: 'checkbox' }
  | { kind: 'text' }
  | { kind: 'unknown' };

export function encodeShareQuery(values: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const name of Object.keys(values).sort()) q.set(name, JSON.stringify(values[name]));
  return q.toString();
}

/** Decode `a=1&b="x"`; a value that is not JSON is kept as the raw string. */
export function decodeShareQuery(query: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of new URLSearchParams(query)) {
    try { out[name] = JSON.parse(raw); } catch { out[name] = raw; }
  }
  return out;
}

/** A value whose JSON is longer than this rides in the link deflated (`z:` + base64url). */
export const PACK_MIN_CHARS = 512;
const PACKED = 'z:';

async function pipeBytes(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = await new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream)).arrayBuffer();
  return new Uint8Array(out);
}
function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function fromBase64Url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * Like encodeShareQuery, but a long value (a pasted /proc/zoneinfo or boot log) is deflated, so a
 * link that carries a whole machine stays a few KB instead of tens of KB of percent-escapes.
 */
export async function encodeShareQueryPacked(values: Record<string, unknown>): Promise<string> {
  const q = new URLSearchParams();
  for (const name of Object.keys(values).sort()) {
    const json = JSON.stringify(values[name]);
    if (json !== undefined && json.length > PACK_MIN_CHARS && typeof CompressionStream !== 'undefined') {
      q.set(name, PACKED + toBase64Url(await pipeBytes(new TextEncoder().encode(json), new CompressionStream('deflate-raw'))));
    } else q.set(name, json);
  }
  return q.toString();
}

/** decodeShareQuery that also unpacks `z:` values; a `z:` value that does not inflate to JSON stays a raw string. */
export async function decodeShareQueryPacked(query: string): Promise<Record<string, unknown>> {
  const out = decodeShareQuery(query);
  for (const [name, v] of Object.entries(out)) {
    if (typeof v !== 'string' || !v.startsWith(PACKED) || typeof DecompressionStream === 'undefined') continue;
    try {
      out[name] = JSON.parse(new TextDecoder().decode(await pipeBytes(fromBase64Url(v.slice(PACKED.length)), new DecompressionStream('deflate-raw'))));
    } catch { /* not a packed value: keep the text as it is */ }
  }
  return out;
}

/** null when `value` is acceptable for the input, else a message naming the input and the problem. */
export function validateInputValue(name: string, spec: InputSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'range': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return `${name}=${JSON.stringify(value)} is not a number`;
      if (n < spec.min || n > spec.max) return `${name}=${n} is outside the input's range ${spec.min}…${spec.max}`;
      if (spec.step && spec.step > 0) {
        const k = (n - spec.min) / spec.step;
        if (Math.abs(k - Math.round(k)) > 1e-9) return `${name}=${n} is not a multiple of the step ${spec.step} from ${spec.min}`;
      }
      return null;
    }
    case 'select':
      return spec.options.includes(String(value)) ? null : `${name}=${JSON.stringify(value)} is not one of ${spec.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'checkbox':
      return typeof value === 'boolean' ? null : `${name}=${JSON.stringify(value)} is not true or false`;
    case 'text':
      return typeof value === 'string' ? null : `${name}=${JSON.stringify(value)} is not text`;
    default:
      return null;
  }
}

/** Split `#/slug?query` into its parts. */
export function parseHash(hash: string): { slug: string; query: string } {
  const h = hash.replace(/^#\/?/, '');
  const i = h.indexOf('?');
  return i < 0 ? { slug: h, query: '' } : { slug: h.slice(0, i), query: h.slice(i + 1) };
}
