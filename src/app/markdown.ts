/** The `md` tagged template for notebooks: markdown-it, with interpolated DOM nodes kept as nodes. */
import MarkdownIt from 'markdown-it';

const mi = new MarkdownIt({ html: true, linkify: true, typographer: true });

export function md(strings: TemplateStringsArray, ...values: unknown[]): HTMLElement {
  const nodes: Node[] = [];
  let src = strings[0];
  values.forEach((v, i) => {
    if (v instanceof Node) { nodes.push(v); src += `<span data-md-slot="${nodes.length - 1}"></span>`; }
    else if (Array.isArray(v) && v.every((x) => x instanceof Node)) { const f = document.createDocumentFragment(); f.append(...(v as Node[])); nodes.push(f); src += `<span data-md-slot="${nodes.length - 1}"></span>`; }
    else src += String(v ?? '');
    src += strings[i + 1];
  });
  const div = document.createElement('div');
  div.className = 'md';
  div.innerHTML = mi.render(src);
  for (const slot of div.querySelectorAll<HTMLElement>('[data-md-slot]')) slot.replaceWith(nodes[Number(slot.dataset.mdSlot)]);
  return div;
}
