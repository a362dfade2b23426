/**
 * /proc/pagetypeinfo renderer: pagetypeinfo_show, pagetypeinfo_showfree_print and
 * pagetypeinfo_showblockcount_print (mm/vmstat.c). Printed once per node with memory.
 */
import type { MachineView, NodeView, ZoneView } from '../view';
import { padLeft, padNum, padRight } from './printf';
import { populatedZone } from './view-build';

/** pagetypeinfo_showfree_print stops walking a free list at this many entries */
export const FREE_LIST_WALK_CAP = 100000;

/** pagetypeinfo_showfree_print: one line per populated zone and migratetype. */
function showfreePrint(v: MachineView, z: ZoneView): string {
  let s = '';
  v.migratetypeNames.forEach((type, mt) => {
    s += `Node ${padNum(z.nid, 4)}, zone ${padLeft(z.name, 8)}, type ${padLeft(type, 12)} `;
    for (let order = 0; order < v.maxOrder; order++) {
      const n = z.freeArea[order]?.[mt] ?? 0;
      s += n >= FREE_LIST_WALK_CAP ? `>${padNum(FREE_LIST_WALK_CAP, 6)} ` : `${padNum(n, 6)} `;
    }
    s += '\n';
  });
  return s;
}

/** pagetypeinfo_showblockcount_print */
function showblockcountPrint(v: MachineView, z: ZoneView): string {
  let s = `Node ${z.nid}, zone ${padLeft(z.name, 8)} `;
  v.migratetypeNames.forEach((_, mt) => { s += `${padNum(z.blocksByType[mt] ?? 0, 12)} `; });
  return s + '\n';
}

/** pagetypeinfo_show for one node; '' for a memoryless node. */
export function pagetypeinfoShow(v: MachineView, node: NodeView): string {
  const zones = node.zones.filter(populatedZone);
  if (zones.length === 0) return '';
  let s = `Page block order: ${v.pageblockOrder}\nPages per block:  ${2 ** v.pageblockOrder}\n\n`;
  s += `${padRight('Free pages count per migrate type at order', 43)} `;
  for (let order = 0; order < v.maxOrder; order++) s += `${padNum(order, 6)} `;
  s += '\n';
  for (const z of zones) s += showfreePrint(v, z);
  s += `\n${padRight('Number of blocks type ', 23)}`;
  for (const type of v.migratetypeNames) s += `${padLeft(type, 12)} `;
  s += '\n';
  for (const z of zones) s += showblockcountPrint(v, z);
  return s;
}

export function renderPagetypeinfo(v: MachineView): string {
  return v.nodes.map((n) => pagetypeinfoShow(v, n)).join('');
}
