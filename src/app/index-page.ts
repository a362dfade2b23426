/** The index: every notebook in notebooks/ with its title, its one-line description and its thumbnail. */
import type { CatalogEntry } from './catalog';

/**
 * The sidebar listing the notebooks. On a narrow window (styles.css) it collapses to a bar with a
 * "Notebooks" button that opens the list.
 */
export function indexNav(entries: CatalogEntry[], current?: string): HTMLElement {
  const nav = document.createElement('nav');
  nav.className = 'nb-index';
  nav.setAttribute('aria-label', 'Notebooks');
  const h = document.createElement('h2');
  const home = document.createElement('a');
  home.href = '#/';
  home.textContent = 'mmbook';
  h.append(home);
  const ul = document.createElement('ul');
  ul.id = 'nb-index-list';
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'nav-toggle';
  toggle.textContent = 'Notebooks';
  toggle.setAttribute('aria-controls', ul.id);
  toggle.setAttribute('aria-expanded', 'false');
  toggle.onclick = () => {
    const open = !nav.classList.contains('open');
    nav.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  for (const e of entries) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#/${e.slug}`;
    a.textContent = e.title;
    a.dataset.slug = e.slug;
    if (e.slug === current) a.setAttribute('aria-current', 'page');
    li.append(a);
    ul.append(li);
  }
  nav.append(h, toggle, ul);
  return nav;
}

export function indexPage(entries: CatalogEntry[]): HTMLElement {
  const main = document.createElement('article');
  main.className = 'index-page';
  const h1 = document.createElement('h1');
  h1.textContent = 'mmbook notebooks';
  const p = document.createElement('p');
  p.textContent = 'Live notebooks on a simulator of the Linux physical memory manager (5.10 and 6.1). Edits and input values stay in this browser.';
  const ul = document.createElement('ul');
  ul.className = 'notebook-list';
  for (const e of entries) {
    const li = document.createElement('li');
    li.dataset.slug = e.slug;
    if (e.thumbnail) {
      // decorative: the title next to it says what it is
      const img = document.createElement('img');
      img.className = 'notebook-thumb';
      img.src = e.thumbnail;
      img.alt = '';
      img.width = 160;
      img.height = 90;
      img.loading = 'lazy';
      li.append(img);
    } else {
      const blank = document.createElement('span');
      blank.className = 'notebook-thumb notebook-thumb-none';
      blank.setAttribute('aria-hidden', 'true');
      li.append(blank);
    }
    const text = document.createElement('div');
    text.className = 'notebook-text';
    const a = document.createElement('a');
    a.href = `#/${e.slug}`;
    a.textContent = e.title;
    const code = document.createElement('code');
    code.textContent = `notebooks/${e.file}`;
    text.append(a, ' ', code);
    if (e.description) {
      const p = document.createElement('p');
      p.className = 'notebook-description';
      p.textContent = e.description;
      text.append(p);
    }
    li.append(text);
    ul.append(li);
  }
  main.append(h1, p, ul);
  return main;
}
