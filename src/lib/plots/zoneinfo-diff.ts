/**
 * Line diff of two /proc texts (zoneinfo against the kernel defaults), rendered as a <pre> with
 * changed lines marked. The diff is an LCS over lines, which is exact and fast for zoneinfo sizes.
 */
export type DiffOp = { op: ' ' | '-' | '+'; line: string };

export function diffLines(a: string, b: string): DiffOp[] {
  const x = a.split('\n'), y = b.split('\n');
  const n = x.length, m = y.length;
  // trim the common head and tail first: zoneinfo changes are few and local
  let head = 0;
  while (head < n && head < m && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < n - head && tail < m - head && x[n - 1 - tail] === y[m - 1 - tail]) tail++;
  const xs = x.slice(head, n - tail), ys = y.slice(head, m - tail);
  const W = ys.length + 1;
  const L = new Uint32Array((xs.length + 1) * W);
  for (let i = xs.length - 1; i >= 0; i--) for (let j = ys.length - 1; j >= 0; j--)
    L[i * W + j] = xs[i] === ys[j] ? L[(i + 1) * W + j + 1] + 1 : Math.max(L[(i + 1) * W + j], L[i * W + j + 1]);
  const out: DiffOp[] = x.slice(0, head).map((line) => ({ op: ' ', line }));
  let i = 0, j = 0;
  while (i < xs.length || j < ys.length) {
    if (i < xs.length && j < ys.length && xs[i] === ys[j]) { out.push({ op: ' ', line: xs[i] }); i++; j++; }
    else if (i < xs.length && (j >= ys.length || L[(i + 1) * W + j] >= L[i * W + j + 1])) out.push({ op: '-', line: xs[i++] });
    else out.push({ op: '+', line: ys[j++] });
  }
  for (const line of x.slice(n - tail)) out.push({ op: ' ', line });
  return out;
}

/** A <pre> of the diff; with `context`, unchanged runs longer than 2×context are folded. */
export function diffView(a: string, b: string, opts: { context?: number; label?: string } = {}): HTMLElement | { diff: DiffOp[] } {
  const ops = diffLines(a, b);
  if (typeof document === 'undefined') return { diff: ops.filter((o) => o.op !== ' ') };
  const pre = document.createElement('pre');
  pre.className = 'text-diff';
  pre.setAttribute('aria-label', opts.label ?? 'diff');
  const ctx = opts.context ?? 3;
  const changed = ops.map((o) => o.op !== ' ');
  const near = ops.map((_, k) => changed.slice(Math.max(0, k - ctx), k + ctx + 1).some(Boolean));
  let folded = 0;
  const flushFold = (): void => { if (folded) { const s = document.createElement('span'); s.className = 'diff-fold'; s.textContent = `  … ${folded} unchanged lines\n`; pre.append(s); folded = 0; } };
  ops.forEach((o, k) => {
    if (!near[k]) { folded++; return; }
    flushFold();
    const s = document.createElement('span');
    s.className = o.op === '+' ? 'diff-add' : o.op === '-' ? 'diff-del' : 'diff-same';
    s.textContent = `${o.op} ${o.line}\n`;
    pre.append(s);
  });
  flushFold();
  if (!ops.some((o) => o.op !== ' ')) pre.textContent = '(no difference from the kernel defaults)';
  return pre;
}
