/**
 * Word-at-a-time scan of the per-pfn state bytes, for the bulk checks of the boot hand-over.
 * Returns the first index i in [a, b) with (bytes[i] & mask) !== want, or −1.
 */
export function firstByteMismatch(bytes: Uint8Array, a: number, b: number, mask: number, want: number): number {
  let i = a;
  while (i < b && (i & 3) !== 0) {
    if ((bytes[i] & mask) !== want) return i;
    i++;
  }
  const wEnd = (b & ~3) >>> 2;
  if ((i >>> 2) < wEnd && bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    const m = (mask * 0x01010101) >>> 0;
    const w = (want * 0x01010101) >>> 0;
    let k = i >>> 2;
    for (; k < wEnd; k++) {
      if (((words[k] & m) >>> 0) !== w) break;
    }
    i = k << 2;
  }
  for (; i < b; i++) {
    if ((bytes[i] & mask) !== want) return i;
  }
  return -1;
}
