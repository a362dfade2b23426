/** Keyboard shortcuts of the notebook page and the help panel that lists them. */
export interface Shortcut { keys: string; action: ShortcutAction; describe: string; match(e: KeyboardEvent): boolean }
export type ShortcutAction = 'run' | 'above' | 'below' | 'delete' | 'undo' | 'up' | 'down' | 'edit' | 'help';

const alt = (code: string) => (e: KeyboardEvent) => e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.code === code;

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Shift+Enter', action: 'run', describe: 'Run the cell (its dependents re-run)', match: (e) => e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && e.key === 'Enter' },
  { keys: 'Alt+A', action: 'above', describe: 'Add a cell above', match: alt('KeyA') },
  { keys: 'Alt+B', action: 'below', describe: 'Add a cell below', match: alt('KeyB') },
  { keys: 'Alt+D', action: 'delete', describe: 'Delete the cell', match: alt('KeyD') },
  { keys: 'Alt+Z', action: 'undo', describe: 'Undo the last delete, revert to file, reset or scenario change', match: alt('KeyZ') },
  { keys: 'Alt+↑', action: 'up', describe: 'Move the cell up', match: alt('ArrowUp') },
  { keys: 'Alt+↓', action: 'down', describe: 'Move the cell down', match: alt('ArrowDown') },
  { keys: 'Alt+E', action: 'edit', describe: 'Show or hide the cell source', match: alt('KeyE') },
  { keys: 'Alt+H', action: 'help', describe: 'Show or hide this help', match: alt('KeyH') },
  { keys: '?', action: 'help', describe: 'Show or hide this help (outside an editor or input)', match: (e) => e.key === '?' && !e.ctrlKey && !e.altKey && !e.metaKey && !isEditable(e.target) },
];

export function helpPanel(): HTMLElement {
  const aside = document.createElement('aside');
  aside.className = 'help-panel';
  aside.hidden = true;
  aside.setAttribute('aria-label', 'Keyboard shortcuts');
  const h = document.createElement('h2');
  h.textContent = 'Keyboard shortcuts';
  const dl = document.createElement('dl');
  for (const s of SHORTCUTS) {
    const dt = document.createElement('dt');
    const kbd = document.createElement('kbd');
    kbd.textContent = s.keys;
    dt.append(kbd);
    const dd = document.createElement('dd');
    dd.textContent = s.describe;
    dl.append(dt, dd);
  }
  const p = document.createElement('p');
  p.textContent = 'Shortcuts act on the focused cell (click a cell or its editor). Every action also has a button on the cell.';
  aside.append(h, dl, p);
  return aside;
}

function isEditable(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || !!el.closest?.('.cm-editor'));
}
