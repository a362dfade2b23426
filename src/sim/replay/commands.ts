/**
 * `mmbook: do COMMAND` … `mmbook: done`: the simulator runs COMMAND itself at the `do` mark, and
 * the kmem events up to `done` (the kernel's own execution of it) are skipped. Commands:
 * `hugetlb SIZEkB N` (write nr_hugepages), `compact_memory`, `drop_caches N`,
 * `sysctl vm.NAME=VALUE`.
 */
import { MmError } from '../errors';
import { KIND_FILE, KIND_FILE_DIRTY } from '../run/page-flags';
import { afterSimAction } from './kswapd';
import type { ReplayCommand } from './result';
import { clip, type ReplayState } from './state';
import { spanEnd, validateTies } from './ties';

/** The structural type of the hugetlb API a RunningMachine may have (feature-detected). */
interface HugetlbLike {
  setNrHugepages(sizeKb: number, n: number): number;
}

/** Run `cmd` (the text after `mmbook: do `) and open its span. */
export function command(st: ReplayState, cmd: string): void {
  const rs = st.rs;
  const rec: ReplayCommand = { command: cmd, line: st.lineNo, requested: null, got: null };
  if (st.doSpan) st.warn(`line ${st.lineNo}: 'mmbook: do ${cmd}' inside another command's span: the first span now ends here`);
  if (st.compactPids.length || st.cmaPid >= 0) spanEnd(st);
  st.compactPids.length = 0;
  st.cmaPid = -1;
  st.doSpan = true;
  st.doLine = st.lineNo;
  let m: RegExpExecArray | null;
  if ((m = /^hugetlb\s+(\d+)\s*kB\s+(\d+)$/i.exec(cmd))) {
    const sizeKb = Number(m[1]);
    const want = Number(m[2]);
    rec.requested = want;
    const h = (st.run as unknown as { hugetlb?: HugetlbLike }).hugetlb;
    if (h && typeof h.setNrHugepages === 'function') rec.got = h.setNrHugepages(sizeKb, want);
    else {
      rec.note = 'this build has no run-time hugetlb pool (run.hugetlb): not run';
      st.warn(`line ${st.lineNo}: hugetlb commands are not run: this build has no run-time hugetlb pool`);
    }
  } else if (cmd === 'compact_memory') {
    rec.got = st.run.compactMemory().migrated;
    st.out.events.compactions.compactMemory++;
  } else if ((m = /^drop_caches\s+(\d+)$/.exec(cmd))) {
    const v = Number(m[1]);
    rec.requested = v;
    const filePages = (): number => rs.nodes.reduce((sum, nd) => sum + nd.kindPages[KIND_FILE]! + nd.kindPages[KIND_FILE_DIRTY]!, 0);
    const before = filePages();
    try {
      st.run.run([{ op: 'drop_caches', value: v } as never]);
      rec.got = before - filePages();
    } catch (e) {
      if (!(e instanceof MmError) || e.code !== 'RUN_BAD_OP') throw e;
      rec.note = 'this build has no drop_caches (the reclaim module): not run';
      st.warn(`line ${st.lineNo}: drop_caches is not run: this build has no reclaim module`);
    }
  } else if ((m = /^sysctl\s+((?:vm\.)?[a-z_]+)\s*=\s*(\S.*)$/.exec(cmd))) {
    const name = m[1]!.startsWith('vm.') ? m[1]! : `vm.${m[1]}`;
    rec.requested = m[2]!;
    st.run.sysctl(name, m[2]!);
    rec.got = m[2]!;
  } else {
    st.fail('TRACE_COMMAND', `unknown command 'mmbook: do ${clip(cmd)}'; commands: hugetlb SIZEkB N, compact_memory, drop_caches N, sysctl vm.NAME=VALUE`);
  }
  validateTies(st);
  afterSimAction(st);
  st.out.commands.push(rec);
}
