/**
 * The reclaim sysctls a running machine takes besides the watermark tunables: vm.swappiness
 * (proc_dointvec_minmax, 0..200) and vm.drop_caches (drop_caches_sysctl_handler, 1..4).
 */
import { parseScalar } from '../tunables/sysctl';
import type { RunState } from '../run/run-state';
import { dropCaches } from './drop-caches';

/** Handle `echo value > /proc/sys/vm/NAME` if NAME is a reclaim sysctl; false for any other name. */
export function reclaimSysctl(rs: RunState, name: string, value: string | number): boolean {
  const n = name.trim().replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
  const bare = n.startsWith('vm.') ? n.slice(3) : n;
  if (bare === 'swappiness') {
    rs.swappiness = parseScalar(String(value), bare, 0, 200, rs.profile.kernel);
    return true;
  }
  if (bare === 'drop_caches') {
    dropCaches(rs, parseScalar(String(value), bare, 1, 4, rs.profile.kernel));
    return true;
  }
  return false;
}
