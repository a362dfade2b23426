/**
 * The standard host libraries (Plot, Inputs, htl/html/svg, md), for hosts that want the same
 * builtins in the browser and in Node. They need a global `document` when *called* (Node hosts
 * install jsdom first); importing this module touches no DOM.
 */
import MarkdownIt from 'markdown-it';

const mi = new MarkdownIt({ html: true, linkify: true, typographer: true });

type Doc = Document;

/** A `md` tagged template rendering Markdown to a <div>; DOM-node interpolations are kept as nodes. */
export function markdownRenderer(getDocument: () => Doc = () => document): (strings: TemplateStringsArray, ...values: unknown[]) => HTMLDivElement {
  return (strings, ...values) => {
    const doc = getDocument();
    const parts: Node[] = [];
    let source = strings[0] ?? '';
    values.forEach((value, i) => {
      const list = Array.isArray(value) ? value : [value];
      for (const v of list) {
        if (v && typeof v === 'object' && typeof (v as Node).nodeType === 'number') {
          parts.push(v as Node);
          source += `<a id=o:${parts.length - 1}></a>`;
        } else {
          source += String(v);
        }
      }
      source += strings[i + 1] ?? '';
    });
    const root = doc.createElement('div');
    root.innerHTML = mi.render(source);
    for (const a of Array.from(root.querySelectorAll("a[id^='o:']"))) {
      const m = /^o:(\d+)$/.exec(a.id);
      if (m) a.parentNode?.replaceChild(parts[Number(m[1])]!, a);
    }
    return root;
  };
}

/** Plot, Inputs, htl, html, svg and md, loaded on demand. */
export async function standardLibrary(): Promise<Record<string, unknown>> {
  const [Plot, Inputs, htl] = await Promise.all([
    import('@observablehq/plot'),
    import('@observablehq/inputs'),
    import('htl'),
  ]);
  return { Plot, Inputs, htl, html: htl.html, svg: htl.svg, md: markdownRenderer() };
}
