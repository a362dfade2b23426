/**
 * debugfs /sys/kernel/debug/extfrag/extfrag_index and unusable_index (mm/vmstat.c
 * extfrag_show_print, unusable_show_print; CONFIG_COMPACTION): one line per populated zone,
 * "Node %d, zone %8s ", then the index of every order as its thousandths: unusable_index with
 * "%d.%03d ", extfrag_index with "%d.%03d " in 5.10 and "%2d.%03d " in 6.1 (so −1.000 and 0.931
 * line up), then a newline. The indices come from the zone's nr_free per order
 * (compaction/frag-index.ts).
 */
import { versionRules } from '../kernel-behaviour';
import type { MachineView, ZoneView } from '../view';
import { fillContigPageInfo, fragmentationIndexOf, unusableFreeIndexOf } from '../compaction/frag-index';

function nrFreeByOrder(z: ZoneView, maxOrder: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < maxOrder; o++) out.push((z.freeArea[o] ?? []).reduce((a, b) => a + b, 0));
  return out;
}

/** "%Nd.%03d" of index/1000 and index%1000 with C's truncating division. */
function thousandths(index: number, width: number): string {
  const whole = Math.trunc(index / 1000);
  const frac = Math.abs(index % 1000);
  // C prints the sign with the integer part only; −1000 is the only negative value these indices take
  return `${String(whole).padStart(width)}.${String(frac).padStart(3, '0')}`;
}

function render(v: MachineView, index: (nrFree: number[], order: number) => number, width: number): string {
  let s = '';
  for (const n of v.nodes) {
    for (const z of n.zones) {
      if (z.present === 0) continue; // walk_zones_in_node(assert_populated)
      const nrFree = nrFreeByOrder(z, v.maxOrder);
      s += `Node ${n.nid}, zone ${z.name.padStart(8)} `;
      for (let o = 0; o < v.maxOrder; o++) s += `${thousandths(index(nrFree, o), width)} `;
      s += '\n';
    }
  }
  return s;
}

/** /sys/kernel/debug/extfrag/extfrag_index */
export function renderExtfragIndex(v: MachineView): string {
  return render(v, (nrFree, o) => fragmentationIndexOf(fillContigPageInfo(nrFree, o), o), versionRules(v.kernel).compaction.extfragIndexWidth);
}

/** /sys/kernel/debug/extfrag/unusable_index */
export function renderUnusableIndex(v: MachineView): string {
  return render(v, (nrFree, o) => unusableFreeIndexOf(fillContigPageInfo(nrFree, o), o), 0);
}
