/**
 * The vm sysctls of mm/compaction.c (kernel/sysctl.c entries, the same in 5.10 and 6.1):
 * compact_memory (write-only: compact every node), extfrag_threshold (0..1000),
 * compaction_proactiveness (0..100; 6.1's handler also wakes kcompactd for a proactive run) and
 * compact_unevictable_allowed (0..1).
 */
import { MmError } from '../errors';
import type { RunState } from '../run/run-state';
import { compactNodes, type CompactMemoryResult } from './nodes';

export const COMPACTION_SYSCTLS = ['compact_memory', 'extfrag_threshold', 'compaction_proactiveness', 'compact_unevictable_allowed'] as const;

/** Is `name` (with or without "vm.") one of compaction's sysctls? */
export function isCompactionSysctl(name: string): boolean {
  const n = name.startsWith('vm.') ? name.slice(3) : name;
  return (COMPACTION_SYSCTLS as readonly string[]).includes(n);
}

/** proc_dointvec_minmax's parse: one decimal integer (leading blanks allowed), within [min, max], else −EINVAL. */
function parseIntMinmax(name: string, value: string | number, min: number, max: number): number {
  const raw = String(value).trim();
  if (!/^[+-]?\d+$/.test(raw)) throw new MmError('SYSCTL_INVALID', `vm.${name}: "${String(value)}" is not an integer`, `vm.${name}`);
  const v = Number(raw);
  if (v < min || v > max) throw new MmError('SYSCTL_INVALID', `vm.${name}: ${v} is outside ${min}..${max}`, `vm.${name}`);
  return v;
}

/** A write of one of compaction's sysctls. compact_memory returns what compact_nodes moved. */
export function compactionSysctl(rs: RunState, name: string, value: string | number): CompactMemoryResult | null {
  const n = name.startsWith('vm.') ? name.slice(3) : name;
  const c = rs.compaction;
  switch (n) {
    case 'compact_memory':
      // sysctl_compaction_handler: any write (the value is not parsed)
      return compactNodes(rs);
    case 'extfrag_threshold':
      c.extfragThreshold = parseIntMinmax(n, value, 0, 1000);
      return null;
    case 'compaction_proactiveness': {
      c.proactiveness = parseIntMinmax(n, value, 0, 100);
      // compaction_proactiveness_sysctl_handler (6.1): wake every node's kcompactd for a proactive run
      if (rs.rules.compaction.proactiveBackoff === 'timeout' && c.proactiveness) {
        for (let ni = 0; ni < rs.nodes.length; ni++) {
          if (c.proactiveTrigger[ni]) continue;
          c.proactiveTrigger[ni] = 1;
          c.kcompactdWoken[ni] = 1;
        }
      }
      return null;
    }
    case 'compact_unevictable_allowed':
      c.unevictableAllowed = parseIntMinmax(n, value, 0, 1);
      return null;
    default:
      throw new MmError('SYSCTL_UNKNOWN', `vm.${n} is not a compaction sysctl`, `vm.${n}`);
  }
}
