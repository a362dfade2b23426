/**
 * hugetlb_cma_reserve(order) (mm/hugetlb.c): CMA areas for gigantic pages, one per online node,
 * named "hugetlb<nid>". arm64 calls it from bootmem_init right after NUMA init, before sparse_init
 * and before the default CMA area (dma_contiguous_reserve), with the PUD order (1 GiB with 4K
 * pages); x86 calls it after dma_contiguous_reserve, only on CPUs with GBPAGES (mmbook's x86 CPU
 * has none, like the oracle's QEMU); 32-bit arm never does.
 *
 * 5.10: a size below one gigantic page is warned about and nothing is reserved (the size stays set);
 * the areas are aligned to the gigantic size, order_per_bit 0. 6.1: per-node sizes
 * (hugetlb_cma=<nid>:<size>,…) are checked first; areas are aligned to 2 MiB (PAGE_SIZE <<
 * HUGETLB_PAGE_ORDER), order_per_bit HUGETLB_PAGE_ORDER (6.1.170+), and the size is reset to 0 if
 * nothing was reserved. The placement is cma_declare_contiguous_nid's on the node.
 */
import { MmError } from '../errors';
import type { ArchBoot } from '../boot/context';
import { SZ_1M } from '../sizes';
import { PAGE_SIZE } from '../types';
import { HUGETLB_PAGE_ORDER } from '../hugetlb/hstate';
import { cmaDeclareContiguousNid, type CmaContext } from './cma-reserve';

/** The errno cma_declare_contiguous_nid returns for the model's refusal codes. */
function errnoOf(e: MmError): number {
  if (e.code === 'CMA_TOO_MANY') return -28; // -ENOSPC: "Not enough slots for CMA reserved regions!"
  if (e.code === 'CMA_NO_SPACE' && /does not fit below limit/.test(e.message)) return -22; // base + size > limit: -EINVAL
  if (e.code === 'CMA_NO_SPACE') return -12; // no free range: -ENOMEM
  return -22;
}

export function hugetlbCmaReserve(b: ArchBoot, ctx: CmaContext, order: number): void {
  const h = b.hugetlb;
  if (!h) return;
  h.cmaReserveCalled = true;
  if (!h.cmaSize) return;
  const rules = b.profile.behaviour;
  const gig = PAGE_SIZE * 2 ** order;
  const online = [...b.nids].sort((x, y) => x - y);
  let nodeSpecific = false;
  if (rules.hugetlb.perNodeParams) {
    for (const nid of [...h.cmaPerNode.keys()].sort((x, y) => x - y)) {
      const size = h.cmaPerNode.get(nid)!;
      if (size === 0) continue;
      if (!online.includes(nid)) {
        b.dmesg.push(`hugetlb_cma: invalid node ${nid} specified`);
        h.cmaSize -= size;
        h.cmaPerNode.set(nid, 0);
        continue;
      }
      if (size < gig) {
        b.dmesg.push(`hugetlb_cma: cma area of node ${nid} should be at least ${Math.floor(gig / SZ_1M)} MiB`);
        h.cmaSize -= size;
        h.cmaPerNode.set(nid, 0);
      } else nodeSpecific = true;
    }
    if (!h.cmaSize) return;
  }
  if (h.cmaSize < gig) {
    b.dmesg.push(`hugetlb_cma: cma area should be at least ${Math.floor(gig / SZ_1M)} MiB`);
    // 6.1 resets hugetlb_cma_size; 5.10 leaves it set (boot-time gigantic pages stay disabled)
    if (rules.hugetlb.cmaSizeResetOnFailure) h.cmaSize = 0;
    return;
  }
  let perNode = 0;
  if (!nodeSpecific) {
    perNode = Math.ceil(h.cmaSize / online.length);
    b.dmesg.push(`hugetlb_cma: reserve ${Math.floor(h.cmaSize / SZ_1M)} MiB, up to ${Math.floor(perNode / SZ_1M)} MiB per node`);
  }
  const align = rules.hugetlb.cmaAlignGigantic ? gig : PAGE_SIZE * 2 ** HUGETLB_PAGE_ORDER;
  let reserved = 0;
  for (const nid of online) {
    let size: number;
    if (nodeSpecific) {
      size = h.cmaPerNode.get(nid) ?? 0;
      if (!size) continue;
    } else size = Math.min(perNode, h.cmaSize - reserved);
    size = Math.ceil(size / gig) * gig;
    const name = `hugetlb${nid}`;
    try {
      const area = cmaDeclareContiguousNid(ctx, 0, size, 0, align, false, name, `command line hugetlb_cma= (node ${nid})`, { nid, orderPerBit: rules.hugetlb.cmaOrderPerBit });
      b.reservations.push({ what: `hugetlb_cma area ${name}`, base: area.base, size: area.size });
    } catch (e) {
      if (!(e instanceof MmError)) throw e;
      b.dmesg.push(`hugetlb_cma: reservation failed: err ${errnoOf(e)}, node ${nid}`);
      continue;
    }
    reserved += size;
    h.cmaArea.set(nid, name);
    b.dmesg.push(`hugetlb_cma: reserved ${Math.floor(size / SZ_1M)} MiB on node ${nid}`);
    if (reserved >= h.cmaSize) break;
  }
  if (!reserved && rules.hugetlb.cmaSizeResetOnFailure) h.cmaSize = 0;
}
