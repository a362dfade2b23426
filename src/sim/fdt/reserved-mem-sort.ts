/**
 * The kernel's `sort()` (`lib/sort.c`, `sort_r`), a bottom-up heapsort, as used by
 * `__rmem_check_for_overlap` (`drivers/of/of_reserved_mem.c`) with `__rmem_cmp`. It is not
 * stable, so the order of dynamic regions (all keyed (0, 0)) depends on this exact permutation
 * (lib/sort.c `sort`, used by fdt_init_reserved_mem in drivers/of/of_reserved_mem.c).
 */

/** `sort_r` over an array copy with the kernel's sift-down-to-leaf-then-backtrack loop. */
export function kernelHeapSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  const v = items.slice();
  const n0 = v.length;
  let a = Math.floor(n0 / 2);
  if (a === 0) return v; // num < 2
  let n = n0;
  const swap = (i: number, j: number): void => {
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
  };
  const parent = (i: number): number => (i - 1) >> 1;
  for (;;) {
    if (a > 0) a--; // building the heap: sift down --a
    else {
      n--;
      if (n === 0) break; // sort complete
      swap(0, n); // extract the root to --n
    }
    // Find the sift-down path to a leaf, taking the larger child (the left one on ties).
    let b = a;
    let c = 0;
    let d = 0;
    for (;;) {
      c = 2 * b + 1;
      d = c + 1;
      if (!(d < n)) break;
      b = cmp(v[c]!, v[d]!) >= 0 ? c : d;
    }
    if (d === n) b = c; // last leaf without a sibling
    // Backtrack to where element a belongs, then rotate it into place.
    while (b !== a && cmp(v[a]!, v[b]!) >= 0) b = parent(b);
    c = b;
    while (b !== a) {
      b = parent(b);
      swap(b, c);
    }
  }
  return v;
}

export interface RmemKey {
  base: number;
  size: number;
}

/** `__rmem_cmp` in 5.10 and 6.1.20: base, then size (dynamic (0, 0) entries sort first). */
export function rmemCmp(a: RmemKey, b: RmemKey): number {
  if (a.base !== b.base) return a.base < b.base ? -1 : 1;
  if (a.size !== b.size) return a.size < b.size ? -1 : 1;
  return 0;
}

/**
 * Sort saved reserved-memory entries as `fdt_init_reserved_mem` does (only when there are at
 * least 2). Returns a new array. Later kernels added a tie-break on the FDT node offset; it is
 * not in the 5.10/6.1 trees the reference read, so it is not applied here.
 */
export function sortReservedMem<T extends RmemKey>(entries: readonly T[]): T[] {
  if (entries.length < 2) return entries.slice();
  return kernelHeapSort(entries, rmemCmp);
}
