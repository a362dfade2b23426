/**
 * /proc/sys/vm/nr_hugepages (hugetlb_sysctl_handler → __nr_hugepages_store_common for the default
 * hstate, every node with memory) and nr_hugepages_mempolicy (the same without a mempolicy), and
 * the sysfs hugepages-<kB>kB/nr_hugepages writes (nrHugepagesWrite).
 */
import { MmError } from '../errors';
import type { RunState } from '../run/run-state';
import { setMaxHugePages, type NrHugepagesResult } from './resize';

export const HUGETLB_SYSCTLS = ['nr_hugepages', 'nr_hugepages_mempolicy'] as const;

/** Is `name` (with or without "vm.") a hugetlb pool sysctl? */
export function isHugetlbSysctl(name: string): boolean {
  const n = name.startsWith('vm.') ? name.slice(3) : name;
  return (HUGETLB_SYSCTLS as readonly string[]).includes(n);
}

/** proc_doulongvec_minmax's parse: one unsigned decimal integer. */
function parseCount(where: string, value: string | number): number {
  const raw = String(value).trim();
  if (!/^\+?\d+$/.test(raw)) throw new MmError('SYSCTL_INVALID', `${where}: "${String(value)}" is not a non-negative integer`, where);
  const v = Number(raw);
  if (!Number.isSafeInteger(v)) throw new MmError('SYSCTL_INVALID', `${where}: ${raw} is too large`, where);
  return v;
}

/** A write of nr_hugepages for the pool of `sizeKb` (node: a per-node sysfs write). */
export function nrHugepagesWrite(rs: RunState, sizeKb: number, value: string | number, node = -1): NrHugepagesResult {
  const h = rs.hugetlb;
  const where = `hugepages-${sizeKb}kB/nr_hugepages`;
  if (!h.pools.length) throw new MmError('HUGETLB_UNSUPPORTED', 'this kernel has no hugetlb pools (CONFIG_HUGETLB_PAGE is off)', where);
  const k = h.poolOfKb(sizeKb);
  if (k < 0) throw new MmError('HUGETLB_BAD_SIZE', `no huge page size of ${sizeKb} kB on this machine; sizes: ${h.pools.map((p) => `${p.sizeKb} kB`).join(', ')}`, where);
  return setMaxHugePages(rs, k, parseCount(where, value), node);
}

/** vm.nr_hugepages: the default huge page size. */
export function hugetlbSysctl(rs: RunState, name: string, value: string | number): NrHugepagesResult {
  const h = rs.hugetlb;
  const d = h.pools[h.defaultIdx];
  if (!d) throw new MmError('HUGETLB_UNSUPPORTED', 'this kernel has no hugetlb pools (CONFIG_HUGETLB_PAGE is off)', `vm.${name}`);
  return nrHugepagesWrite(rs, d.sizeKb, value);
}
