/**
 * Number representation and printk formatting for memblock.
 *
 * Physical addresses are JS numbers. The kernel's all-ones phys_addr_t (PHYS_ADDR_MAX,
 * MEMBLOCK_ALLOC_ANYWHERE, ULLONG_MAX passed as a size) cannot be represented exactly
 * as a Number when phys_addr_t is 64-bit, so it is written as the sentinel
 * Number.MAX_SAFE_INTEGER (2^53-1). Every address below 2^53 compares the same against
 * the sentinel as against 2^64-1, so the arithmetic is exact; the printers map the
 * sentinel back to 0xffffffffffffffff. With a 4-byte phys_addr_t (arm32 without LPAE)
 * the all-ones value 0xffffffff is exact and the sentinel is translated to it on input.
 */
import { MmError } from '../errors';

/** ~(phys_addr_t)0 for 64-bit phys_addr_t, as a sentinel (printed as 0xffffffffffffffff). */
export const PHYS_ADDR_MAX = Number.MAX_SAFE_INTEGER;

export type PhysAddrBytes = 4 | 8;

/** The all-ones value used internally for a phys_addr_t of this width. */
export function physMaxFor(bytes: PhysAddrBytes): number {
  return bytes === 4 ? 0xffffffff : PHYS_ADDR_MAX;
}

/** The value as the kernel holds it in a phys_addr_t of `bytes` (the sentinel becomes all-ones). */
export function toPhysBig(v: number, bytes: PhysAddrBytes): bigint {
  const mask = bytes === 4 ? 0xffffffffn : 0xffffffffffffffffn;
  if (v === PHYS_ADDR_MAX || (bytes === 4 && v === 0xffffffff)) return mask;
  return BigInt(v) & mask;
}

/** `%pa`: "0x" plus 2*sizeof(phys_addr_t) lowercase, zero-padded hex digits. */
export function fmtPa(v: number | bigint, bytes: PhysAddrBytes): string {
  const mask = bytes === 4 ? 0xffffffffn : 0xffffffffffffffffn;
  const b = typeof v === 'bigint' ? v & mask : toPhysBig(v, bytes);
  return '0x' + b.toString(16).padStart(bytes * 2, '0');
}

/** base + size - 1 computed in phys_addr_t arithmetic (wraps, as the kernel's log lines do). */
export function physLast(base: number, size: number, bytes: PhysAddrBytes): bigint {
  const mask = bytes === 4 ? 0xffffffffn : 0xffffffffffffffffn;
  return (toPhysBig(base, bytes) + toPhysBig(size, bytes) - 1n) & mask;
}

/** `%#x` / `%#lx`: the kernel's vsprintf adds "0x" even for zero. */
export function fmtHashX(v: number): string {
  return '0x' + v.toString(16);
}

/** `0x%llx` of a u64 argument (align in the alloc lines); the sentinel prints as all-ones. */
export function fmtLlx(v: number): string {
  return v === PHYS_ADDR_MAX ? 'ffffffffffffffff' : v.toString(16);
}

/** `%llu` of a u64 argument; the sentinel prints as 2^64-1. */
export function fmtLlu(v: number): string {
  return v === PHYS_ADDR_MAX ? '18446744073709551615' : String(v);
}

/** Validates a phys_addr_t argument: a non-negative integer representable exactly. */
export function checkPhys(v: number, what: string, where: string, bytes: PhysAddrBytes): number {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new MmError('MEMBLOCK_BAD_ARG', `${what} must be a non-negative integer below 2^53, got ${v}`, where);
  }
  if (bytes === 4 && v > 0xffffffff) {
    if (v === PHYS_ADDR_MAX) return 0xffffffff;
    throw new MmError('MEMBLOCK_BAD_ARG', `${what} ${fmtHashX(v)} does not fit a 32-bit phys_addr_t`, where);
  }
  return v;
}

/** round_down(x, align) for a power-of-two align, as the kernel's mask macro computes it. */
export function roundDown(x: number, align: number): number {
  return x - (x % align);
}

/** round_up(x, align) for a power-of-two align. */
export function roundUp(x: number, align: number): number {
  const r = x % align;
  return r === 0 ? x : x + (align - r);
}

export function isPowerOfTwo(v: number): boolean {
  if (!Number.isSafeInteger(v) || v <= 0) return false;
  // exact for any safe integer: a power of two has a single 1 bit
  let x = v;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}
