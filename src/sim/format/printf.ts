/** Tiny helpers reproducing the kernel's printf conversions used by /proc. */

/** %Nlu / %Nd: right-aligned in `width` columns, never truncated. */
export function padNum(n: number | bigint, width: number): string {
  return String(n).padStart(width, ' ');
}

/** %Ns: right-aligned string. */
export function padLeft(s: string, width: number): string {
  return s.padStart(width, ' ');
}

/** %-Ns: left-aligned string. */
export function padRight(s: string, width: number): string {
  return s.padEnd(width, ' ');
}

/** %pa: "0x" + 2*bytes lowercase zero-padded hex digits (two's complement wrap for -1). */
export function formatPa(value: bigint, bytes: number): string {
  const bits = BigInt(bytes * 8);
  const mask = (1n << bits) - 1n;
  return '0x' + (value & mask).toString(16).padStart(bytes * 2, '0');
}
