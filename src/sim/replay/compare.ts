/**
 * How close a replay's state is to a real kernel's, per zone, from the two /proc files both print
 * (issue #11's fidelity measures):
 * - F_k: free pages in blocks of order ≥ k (buddyinfo), for every k; F0 is all free pages;
 * - shape = max_k |F_k(sim) − F_k(real)| / F0(real);
 * - mt = max over migratetypes of |free(sim) − free(real)| / F0(real) (pagetypeinfo, Σ count·2^order).
 */
import { parseBuddyinfo } from '../format/buddyinfo';
import { parsePagetypeinfo } from '../format/pagetypeinfo-parse';

export interface ZoneFree {
  nid: number;
  zone: string;
  /** F_k for k = 0 … MAX_ORDER−1 */
  fk: number[];
  /** free pages per migratetype name */
  byType: Record<string, number>;
}

export interface ZoneFidelity {
  nid: number;
  zone: string;
  /** the real kernel's free pages (the denominator) */
  f0: number;
  simFree: number;
  shape: number;
  /** the order k where the shape error is largest */
  shapeOrder: number;
  mt: number;
  /** the migratetype where the mt error is largest */
  mtType: string;
  fkSim: number[];
  fkReal: number[];
  byTypeSim: Record<string, number>;
  byTypeReal: Record<string, number>;
}

/** Free pages by order and by migratetype, per populated zone, from /proc/buddyinfo and /proc/pagetypeinfo text. */
export function zoneFree(buddyinfo: string, pagetypeinfo: string): ZoneFree[] {
  const bi = parseBuddyinfo(buddyinfo);
  const pt = parsePagetypeinfo(pagetypeinfo);
  return bi.map((r) => {
    const fk = r.counts.map(() => 0);
    for (let k = r.counts.length - 1, acc = 0; k >= 0; k--) {
      acc += r.counts[k]! * 2 ** k;
      fk[k] = acc;
    }
    const byType: Record<string, number> = {};
    for (const row of pt.free) {
      if (row.nid !== r.nid || row.zone !== r.zone) continue;
      byType[row.type] = row.counts.reduce((s, c, o) => s + c * 2 ** o, 0);
    }
    return { nid: r.nid, zone: r.zone, fk, byType };
  });
}

/** The shape and mt errors of each zone the real kernel lists. */
export function compareFree(sim: ZoneFree[], real: ZoneFree[]): ZoneFidelity[] {
  return real.map((rz) => {
    const sz = sim.find((z) => z.nid === rz.nid && z.zone === rz.zone) ?? { nid: rz.nid, zone: rz.zone, fk: rz.fk.map(() => 0), byType: {} };
    const f0 = rz.fk[0] ?? 0;
    const d = f0 > 0 ? f0 : 1;
    let shape = 0;
    let shapeOrder = 0;
    rz.fk.forEach((r, k) => {
      const e = Math.abs((sz.fk[k] ?? 0) - r) / d;
      if (e > shape) {
        shape = e;
        shapeOrder = k;
      }
    });
    let mt = 0;
    let mtType = '';
    for (const t of new Set([...Object.keys(rz.byType), ...Object.keys(sz.byType)])) {
      const e = Math.abs((sz.byType[t] ?? 0) - (rz.byType[t] ?? 0)) / d;
      if (e > mt) {
        mt = e;
        mtType = t;
      }
    }
    return { nid: rz.nid, zone: rz.zone, f0, simFree: sz.fk[0] ?? 0, shape, shapeOrder, mt, mtType, fkSim: sz.fk, fkReal: rz.fk, byTypeSim: sz.byType, byTypeReal: rz.byType };
  });
}
