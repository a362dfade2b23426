/**
 * The per-cpu page lists (struct per_cpu_pages, mm/page_alloc.c) of every zone and CPU, in typed
 * arrays. A list entry is a block head whose pages sit on the list; entries are linked through the
 * buddy's next/prev arrays (a block on a pcp list is on no free list), so the lists cost no memory
 * per page beyond what the buddy already has.
 *
 * List index (order_to_pindex): 5.10 has one list per pcp migratetype (order 0 only); 6.1 has
 * MIGRATE_PCPTYPES lists per order up to PAGE_ALLOC_COSTLY_ORDER, plus the THP order's lists:
 * one in 6.1.0, two in the 6.1.176 profile ("Separate THP PCP into movable and non-movable
 * categories": NR_LOWORDER_PCP_LISTS for the other types, + 1 for Movable).
 * `count` is in pages, as the kernel's pcp->count.
 */
import { MIGRATE_MOVABLE, MIGRATE_PCPTYPES } from '../types';
import type { KernelBehaviour } from '../kernel-behaviour';

export class PcpLists {
  /** NR_PCP_LISTS */
  readonly nrLists: number;
  readonly cpus: number;
  readonly zones: number;
  /** list heads and tails, index ((zi * cpus) + cpu) * nrLists + pindex; −1 = empty */
  readonly head: Int32Array;
  readonly tail: Int32Array;
  /** entries per list (blocks, not pages) */
  readonly len: Int32Array;
  /** pcp->count (pages), pcp->high, pcp->batch, 6.1 pcp->free_factor; index zi * cpus + cpu */
  readonly count: Int32Array;
  readonly high: Int32Array;
  readonly batch: Int32Array;
  readonly freeFactor: Int32Array;
  /** order → pindex base (order_to_pindex without the migratetype), −1 for orders that do not use pcp */
  readonly orderBase: Int8Array;
  /** pindex → order */
  readonly pindexOrder: Int8Array;
  /** per order: 1 when it has one list per pcp migratetype, 0 for the THP lists */
  readonly perMt: Uint8Array;
  /** lists for the THP order (rules.pcp.thpLists) */
  readonly thpLists: number;

  constructor(rules: KernelBehaviour, zones: number, cpus: number, from?: PcpLists) {
    this.cpus = cpus;
    this.zones = zones;
    this.orderBase = new Int8Array(rules.maxOrder).fill(-1);
    let n = 0;
    for (const o of rules.pcpOrders) {
      if (o <= rules.pcp.maxOrder) {
        this.orderBase[o] = o * MIGRATE_PCPTYPES;
        n = Math.max(n, (o + 1) * MIGRATE_PCPTYPES);
      }
    }
    // the THP lists at NR_LOWORDER_PCP_LISTS: one shared list, or non-Movable and Movable
    this.thpLists = rules.pcp.thpLists;
    for (const o of rules.pcpOrders) {
      if (o > rules.pcp.maxOrder) {
        this.orderBase[o] = n;
        n += Math.max(1, this.thpLists);
      }
    }
    this.nrLists = n;
    this.perMt = new Uint8Array(rules.maxOrder);
    for (const o of rules.pcpOrders) if (o <= rules.pcp.maxOrder) this.perMt[o] = 1;
    this.pindexOrder = new Int8Array(n);
    for (let o = 0; o < rules.maxOrder; o++) {
      const b = this.orderBase[o];
      if (b < 0) continue;
      const span = o > rules.pcp.maxOrder ? Math.max(1, this.thpLists) : MIGRATE_PCPTYPES;
      for (let k = 0; k < span; k++) this.pindexOrder[b + k] = o;
    }
    const lists = zones * cpus * n;
    const pcps = zones * cpus;
    if (from) {
      this.head = from.head.slice();
      this.tail = from.tail.slice();
      this.len = from.len.slice();
      this.count = from.count.slice();
      this.high = from.high.slice();
      this.batch = from.batch.slice();
      this.freeFactor = from.freeFactor.slice();
      return;
    }
    this.head = new Int32Array(lists).fill(-1);
    this.tail = new Int32Array(lists).fill(-1);
    this.len = new Int32Array(lists);
    this.count = new Int32Array(pcps);
    this.high = new Int32Array(pcps);
    this.batch = new Int32Array(pcps).fill(1);
    this.freeFactor = new Int32Array(pcps);
  }

  /** order_to_pindex (6.1; 5.10: the migratetype): the list of (order, mt), or −1 if the order does not use pcp. */
  pindex(order: number, mt: number): number {
    const b = this.orderBase[order];
    if (b < 0) return -1;
    if (this.perMt[order]) return b + mt;
    return this.thpLists > 1 && mt === MIGRATE_MOVABLE ? b + 1 : b;
  }

  byteLength(): number {
    return this.head.byteLength * 3 + this.count.byteLength * 4 + this.orderBase.byteLength + this.pindexOrder.byteLength + this.perMt.byteLength;
  }
}
