/**
 * `memparse` (`lib/cmdline.c`) on top of `simple_strtoull` with base 0 (`lib/vsprintf.c`,
 * `_parse_integer_fixup_radix`): "0x" + hex digit → hex, a leading "0" → octal, else decimal;
 * then an optional K/M/G/T/P/E suffix (either case, powers of 1024, falling through).
 *
 * Like the kernel, a suffix is taken even without digits ("K" parses as 0 and consumes one
 * character); `digits` tells callers whether a number was actually present. Difference from the
 * kernel, on purpose: the kernel silently wraps at 2^64; here a value that overflows u64, or that
 * exceeds 2^53 - 1 (not exactly representable), is reported via `overflow: true`.
 */

export interface MemparseResult {
  /** The parsed value (meaningless when overflow is set). */
  value: number;
  /** Characters consumed from the start of the string (number and suffix). */
  consumed: number;
  /** Characters of the number itself (0 when no digit was found). */
  digits: number;
  /** The rest of the string after the number and suffix (`*retptr`). */
  rest: string;
  overflow: boolean;
}

const U64_LIMIT = 1n << 64n;
const SHIFTS: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };

function digitValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 99;
}

/** `simple_strtoull(s, &end, 0)` with overflow detection. */
export function simpleStrtoull(s: string): { value: bigint; consumed: number; overflow: boolean } {
  let i = 0;
  let base = 10;
  if (s[0] === '0') {
    if ((s[1] === 'x' || s[1] === 'X') && s.length > 2 && digitValue(s[2]!) < 16) {
      base = 16;
      i = 2;
    } else base = 8;
  }
  let v = 0n;
  let overflow = false;
  const start = i;
  while (i < s.length) {
    const d = digitValue(s[i]!);
    if (d >= base) break;
    if (!overflow) {
      v = v * BigInt(base) + BigInt(d);
      if (v >= U64_LIMIT) overflow = true;
    }
    i++;
  }
  // "0" followed by a non-octal char: the leading 0 itself is the number.
  if (i === start && base !== 8) return { value: 0n, consumed: 0, overflow: false };
  return { value: v, consumed: i, overflow };
}

export function memparse(s: string): MemparseResult {
  const r = simpleStrtoull(s);
  let v = r.value;
  let i = r.consumed;
  let overflow = r.overflow;
  const digits = i;
  if (i < s.length) {
    const shift = SHIFTS[s[i]!.toLowerCase()];
    if (shift !== undefined) {
      v <<= shift;
      i++;
    }
  }
  if (v >= U64_LIMIT) overflow = true;
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) overflow = true;
  return { value: overflow ? 0 : Number(v), consumed: i, digits, rest: s.slice(i), overflow };
}
