/**
 * renderProc: one entry point for every file the format module renders.
 * 'memblock' is the two debugfs files one after the other, each under a
 * "==> memblock/<type> <==" (the CLI's heading style) heading;
 * it raises FORMAT_UNAVAILABLE on x86, which does not keep memblock after boot, and for a view
 * without memblock regions (imported from /proc/zoneinfo).
 */
import { MmError } from '../errors';
import type { MachineView } from '../view';
import type { MachineViewExtra } from './extra';
import { renderBuddyinfo } from './buddyinfo';
import { renderMeminfo } from './meminfo';
import { renderMemblockDebugfs } from './memblock';
import { renderPagetypeinfo } from './pagetypeinfo';
import { renderVmstat } from './vmstat';
import { renderZoneinfo } from './zoneinfo';
import { renderExtfragIndex, renderUnusableIndex } from './extfrag';

export type ProcName = 'zoneinfo' | 'buddyinfo' | 'pagetypeinfo' | 'meminfo' | 'vmstat' | 'memblock' | 'extfrag_index' | 'unusable_index';
export const PROC_NAMES: readonly ProcName[] = ['zoneinfo', 'buddyinfo', 'pagetypeinfo', 'meminfo', 'vmstat', 'memblock', 'extfrag_index', 'unusable_index'];

export function renderProc(v: MachineView, name: ProcName): string {
  switch (name) {
    case 'zoneinfo': return renderZoneinfo(v);
    case 'buddyinfo': return renderBuddyinfo(requireFreeLists(v, name));
    case 'pagetypeinfo': return renderPagetypeinfo(requireFreeLists(v, name));
    case 'meminfo': return renderMeminfo(v);
    case 'vmstat': return renderVmstat(v);
    // debugfs extfrag/ (CONFIG_COMPACTION)
    case 'extfrag_index': return renderExtfragIndex(requireFreeLists(v, name));
    case 'unusable_index': return renderUnusableIndex(requireFreeLists(v, name));
    case 'memblock': {
      // CONFIG_ARCH_KEEP_MEMBLOCK: never on x86
      if (v.arch === 'x86_64') {
        throw new MmError('FORMAT_UNAVAILABLE', 'x86_64 kernels do not keep memblock after boot: no /sys/kernel/debug/memblock', 'memblock');
      }
      // a booted machine always has memory regions; none means the view never had memblock
      // (a machine imported from /proc/zoneinfo), whose debugfs text would be invented
      if (v.memblock.memory.length === 0) {
        throw new MmError('FORMAT_UNAVAILABLE', 'this machine has no memblock regions to list (a machine imported from /proc/zoneinfo keeps none): no /sys/kernel/debug/memblock', 'memblock');
      }
      return `==> memblock/memory <==\n${renderMemblockDebugfs(v, 'memory')}\n`
        + `==> memblock/reserved <==\n${renderMemblockDebugfs(v, 'reserved')}`;
    }
    default:
      throw new MmError('FORMAT_UNKNOWN', `unknown /proc file "${String(name)}"; known: ${PROC_NAMES.join(', ')}`, String(name));
  }
}

/**
 * A machine imported from /proc/zoneinfo knows each zone's free page count but not how the free
 * pages split into orders and migratetypes: printing zeros beside a non-zero "pages free" would be
 * invented text.
 */
function requireFreeLists(v: MachineView, name: ProcName): MachineView {
  // an import given only a buddyinfo knows the counts per order, not their migratetypes
  if (name === 'pagetypeinfo' && (v as MachineViewExtra).freeLists === 'orders') {
    throw new MmError('FORMAT_UNAVAILABLE', 'this machine\'s free lists come from a /proc/buddyinfo, which does not split them by migratetype: give its /proc/pagetypeinfo too', name);
  }
  const zones = v.nodes.flatMap((n) => n.zones);
  const listed = zones.some((z) => z.freeArea.some((row) => row.some((x) => x > 0)));
  if (!listed && zones.some((z) => z.free > 0)) {
    throw new MmError('FORMAT_UNAVAILABLE', `the free lists of this machine are unknown (it was imported from /proc/zoneinfo, which has only each zone's free page count; give the machine's /proc/buddyinfo or /proc/pagetypeinfo with it): no /proc/${name}`, name);
  }
  return v;
}
