/**
 * Zone spans and per-zone counters of the buddy model. The zone of a pfn is found from the spans
 * (page_zone() in the kernel reads it from page->flags; here the spans stand in for that), so
 * spans must not overlap. Empty spans are allowed and hold no pages.
 */
import { MmError } from '../errors';

export interface BuddyZoneSpec {
  /** caller's zone id (unique, used in every per-zone API call) */
  id: number;
  nid: number;
  /** index in the profile's zone enum */
  zoneIdx: number;
  startPfn: number;
  /** exclusive */
  endPfn: number;
}

export class BuddyZones {
  readonly count: number;
  readonly ids: number[];
  readonly specs: BuddyZoneSpec[];
  /** spans by internal index */
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** zone->managed_pages */
  readonly managed: Float64Array;
  /** NR_FREE_PAGES */
  readonly free: Float64Array;
  /** NR_FREE_CMA_PAGES */
  readonly freeCma: Float64Array;
  /** zone->cma_pages */
  readonly cma: Float64Array;
  private readonly byId = new Map<number, number>();
  /** internal indexes of non-empty zones, sorted by start */
  private readonly sorted: Int32Array;

  constructor(specs: BuddyZoneSpec[], basePfn: number, endPfn: number) {
    if (!Array.isArray(specs) || specs.length === 0) {
      throw new MmError('BUDDY_BAD_OPTIONS', 'zones must be a non-empty array', 'BuddyOptions.zones');
    }
    this.count = specs.length;
    this.specs = specs.map((s) => ({ ...s }));
    this.ids = specs.map((s) => s.id);
    this.start = new Float64Array(this.count);
    this.end = new Float64Array(this.count);
    this.managed = new Float64Array(this.count);
    this.free = new Float64Array(this.count);
    this.freeCma = new Float64Array(this.count);
    this.cma = new Float64Array(this.count);
    specs.forEach((s, i) => {
      const where = `BuddyOptions.zones[${i}]`;
      if (!Number.isInteger(s.id) || s.id < 0) throw new MmError('BUDDY_BAD_OPTIONS', `zone id must be a non-negative integer, got ${s.id}`, where);
      if (this.byId.has(s.id)) throw new MmError('BUDDY_BAD_OPTIONS', `zone id ${s.id} is used twice`, where);
      if (!Number.isInteger(s.startPfn) || !Number.isInteger(s.endPfn) || s.startPfn > s.endPfn) {
        throw new MmError('BUDDY_BAD_OPTIONS', `zone span [${s.startPfn}, ${s.endPfn}) is not a pfn range`, where);
      }
      if (s.startPfn < s.endPfn && (s.startPfn < basePfn || s.endPfn > endPfn)) {
        throw new MmError('BUDDY_BAD_OPTIONS', `zone span [${s.startPfn}, ${s.endPfn}) is outside [${basePfn}, ${endPfn})`, where);
      }
      this.byId.set(s.id, i);
      this.start[i] = s.startPfn;
      this.end[i] = s.endPfn;
    });
    const nonEmpty = specs.map((_, i) => i).filter((i) => this.end[i] > this.start[i]);
    nonEmpty.sort((a, b) => this.start[a] - this.start[b]);
    for (let k = 1; k < nonEmpty.length; k++) {
      const a = nonEmpty[k - 1];
      const b = nonEmpty[k];
      if (this.start[b] < this.end[a]) {
        throw new MmError('BUDDY_ZONE_OVERLAP', `zone ${this.ids[b]} [${this.start[b]}, ${this.end[b]}) overlaps zone ${this.ids[a]} [${this.start[a]}, ${this.end[a]})`, `BuddyOptions.zones[${b}]`);
      }
    }
    this.sorted = Int32Array.from(nonEmpty);
  }

  /** Internal index of a zone id; throws MmError for an unknown id. */
  index(zoneId: number): number {
    const zi = this.byId.get(zoneId);
    if (zi === undefined) throw new MmError('BUDDY_UNKNOWN_ZONE', `no zone with id ${zoneId}`, `zone ${zoneId}`);
    return zi;
  }

  /** Internal index of the zone whose span holds pfn, or −1. */
  indexOfPfn(pfn: number): number {
    const s = this.sorted;
    for (let k = 0; k < s.length; k++) {
      const zi = s[k];
      if (pfn < this.start[zi]) return -1;
      if (pfn < this.end[zi]) return zi;
    }
    return -1;
  }

  copyCountersFrom(o: BuddyZones): void {
    this.managed.set(o.managed);
    this.free.set(o.free);
    this.freeCma.set(o.freeCma);
    this.cma.set(o.cma);
  }

  byteLength(): number {
    return this.start.byteLength * 6 + this.sorted.byteLength;
  }
}
