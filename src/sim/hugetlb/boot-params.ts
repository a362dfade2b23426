/**
 * The hugetlb command-line parameters (mm/hugetlb.c):
 * - `hugetlb_cma=` (early_param cmdline_parse_hugetlb_cma, CONFIG_CMA): a size, or in 6.1 also
 *   `<nid>:<size>[,<nid>:<size>…]`; read in setup_arch by hugetlb_cma_reserve;
 * - `hugepagesz=`, `hugepages=` (6.1 also `<nid>:<n>,…`) and `default_hugepagesz=` (__setup
 *   handlers, run in command-line order by parse_args in start_kernel): see boot-setup.ts.
 * Where the kernel silently reads garbage as 0, the parser here refuses it with CMDLINE_BAD_VALUE
 * naming the token, like the rest of mmbook's command line.
 */
import { MmError } from '../errors';
import { memparse } from '../input/memparse';
import type { CmdlineToken } from '../input/cmdline';

export interface HugetlbCmaParam {
  /** hugetlb_cma_size (bytes) */
  size: number;
  /** hugetlb_cma_size_in_node[] (6.1), bytes by node id */
  perNode: Map<number, number>;
}

function bad(t: CmdlineToken, why: string): MmError {
  return new MmError('CMDLINE_BAD_VALUE', `${t.param}=${t.value ?? ''}: ${why}`, `command-line token ${t.index}`);
}

/** sscanf("%lu%n"): leading decimal digits of s (no sign), or null. */
function scanUlong(s: string): { value: number; count: number } | null {
  const m = /^\d+/.exec(s);
  if (!m) return null;
  return { value: Number(m[0]), count: m[0].length };
}

/**
 * cmdline_parse_hugetlb_cma for every `hugetlb_cma=` token, as the kernel's globals accumulate
 * them: a plain size replaces hugetlb_cma_size; 6.1's node form adds to it and sets the node's size.
 */
export function parseHugetlbCma(tokens: readonly CmdlineToken[], perNodeForm: boolean, maxNumnodes: number): HugetlbCmaParam | undefined {
  let out: HugetlbCmaParam | undefined;
  const plain = (t: CmdlineToken, v: string): number => {
    const r = memparse(v);
    if (r.digits === 0) throw bad(t, `size "${v}" is not a number`);
    if (r.overflow) throw bad(t, 'size is too large');
    if (r.rest !== '') throw bad(t, `unexpected "${r.rest}" after the size`);
    return r.value;
  };
  for (const t of tokens) {
    if (t.param !== 'hugetlb_cma') continue;
    const v = t.value ?? '';
    if (v === '') throw bad(t, 'size not provided');
    out ??= { size: 0, perNode: new Map() };
    const first = scanUlong(v);
    if (!perNodeForm || !first || v[first.count] !== ':') {
      out.size = plain(t, v);
      continue;
    }
    // <nid>:<size>[,<nid>:<size>…]
    let s = v;
    while (s !== '') {
      const n = scanUlong(s);
      if (!n || s[n.count] !== ':') throw bad(t, `expected <node>:<size> at "${s}"`);
      if (n.value >= maxNumnodes) throw bad(t, `node ${n.value} is beyond MAX_NUMNODES (${maxNumnodes})`);
      const r = memparse(s.slice(n.count + 1));
      if (r.digits === 0) throw bad(t, `size "${s.slice(n.count + 1)}" of node ${n.value} is not a number`);
      if (r.overflow) throw bad(t, 'size is too large');
      out.perNode.set(n.value, r.value);
      out.size += r.value;
      s = r.rest;
      if (s.startsWith(',')) s = s.slice(1);
      else if (s !== '') throw bad(t, `unexpected "${s}" after node ${n.value}'s size`);
    }
  }
  return out;
}

/** A hugepages= value: a count, or (6.1) per-node counts. */
export type HugepagesValue = { kind: 'count'; count: number } | { kind: 'nodes'; perNode: Map<number, number> } | { kind: 'invalid'; at: string };

/** hugepages_setup's parse of its value (5.10: sscanf "%lu", garbage reads as 0). */
export function parseHugepagesValue(v: string, perNodeForm: boolean, onlineNid: (nid: number) => boolean): HugepagesValue {
  if (!perNodeForm) {
    const n = scanUlong(v);
    return { kind: 'count', count: n ? n.value : 0 };
  }
  let p = v;
  const perNode = new Map<number, number>();
  while (p !== '') {
    const n = scanUlong(p);
    if (!n) return { kind: 'invalid', at: p };
    if (p[n.count] === ':') {
      if (!onlineNid(n.value)) return { kind: 'invalid', at: p };
      p = p.slice(n.count + 1);
      const c = scanUlong(p);
      if (!c) return { kind: 'invalid', at: p };
      perNode.set(n.value, c.value);
      if (p[c.count] === ',') p = p.slice(c.count + 1);
      else return { kind: 'nodes', perNode };
    } else {
      if (p !== v) return { kind: 'invalid', at: p };
      return { kind: 'count', count: n.value };
    }
  }
  return perNode.size ? { kind: 'nodes', perNode } : { kind: 'invalid', at: p };
}

/** memparse of a hugepagesz= / default_hugepagesz= value (the kernel ignores what follows the size). */
export function parseHugepageSize(t: CmdlineToken): number {
  const v = t.value ?? '';
  const r = memparse(v);
  if (r.digits === 0) throw bad(t, `size "${v}" is not a number`);
  if (r.overflow) throw bad(t, 'size is too large');
  return r.value;
}
