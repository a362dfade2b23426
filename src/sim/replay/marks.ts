/**
 * Marks (`tracing_mark_write`): the rewrites, the window's start and end, `mmbook: do` … `done`
 * command spans, and the snapshot every mark in the window takes of the simulated machine's /proc
 * files, in the kernel's text.
 */
import { renderProc } from '../format/proc';
import { runView } from '../run/run-view';
import { command } from './commands';
import type { ReplayMark } from './result';
import type { ReplayState } from './state';
import { spanEnd } from './ties';

/** A mark's text as the trace wrote it. */
export function mark(st: ReplayState, raw: string): void {
  let texts: string[] = [raw];
  for (const r of st.rules) {
    const hit = typeof r.match === 'string' ? raw.includes(r.match) : (r.match.lastIndex = 0, r.match.test(raw));
    if (!hit) continue;
    const rep = Array.isArray(r.replace) ? r.replace : [r.replace];
    texts = rep.map((x) => (typeof r.match === 'string' ? x : raw.replace(r.match, x)));
    break;
  }
  for (const text of texts) {
    if (st.ended) return;
    if (!st.started) {
      if (st.opts.startMark !== undefined && text.includes(st.opts.startMark)) {
        st.started = true;
        st.out.window.startLine = st.lineNo;
        snapshotMark(st, text, raw);
      }
      continue;
    }
    if (st.opts.endMark !== undefined && text.includes(st.opts.endMark)) {
      snapshotMark(st, text, raw);
      st.ended = true;
      st.out.window.endLine = st.lineNo;
      return;
    }
    if (text.startsWith('mmbook: do ')) {
      snapshotMark(st, text, raw);
      command(st, text.slice('mmbook: do '.length).trim());
    } else if (text === 'mmbook: done' || text.startsWith('mmbook: done ')) {
      if (st.doSpan) {
        st.doSpan = false;
        if (!st.inAnySpan) spanEnd(st);
      } else st.warn(`line ${st.lineNo}: 'mmbook: done' without a 'mmbook: do'`);
      snapshotMark(st, text, raw);
    } else snapshotMark(st, text, raw);
  }
}

function snapshotMark(st: ReplayState, text: string, raw: string): void {
  const m: ReplayMark = { text, line: st.lineNo };
  if (raw !== text) m.original = raw;
  if (st.files.length) {
    const v = runView(st.rs);
    for (const f of st.files) m[f] = flat(renderProc(v, f));
  }
  st.out.marks.push(m);
}

/**
 * The text as one string. The renderers build theirs with `+=`, which V8 keeps as a tree of the
 * pieces until a character is read; a mark's texts stay until the replay ends, and every young
 * generation collection in between would copy each piece. Reading a character flattens the tree.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}
