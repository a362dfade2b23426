/**
 * Undo for the page's destructive actions (delete a cell, revert to file, reset inputs, replace a
 * scenario): each is done at once and leaves a notice with an Undo button; Alt+Z undoes the latest.
 */
import type { Notices } from './notices';

interface Entry { undo: () => void; notice: HTMLElement }

export class UndoStack {
  private readonly entries: Entry[] = [];
  constructor(private readonly notices: Notices) {}

  /** Records an action: `text` (what was done) and an Undo button labelled `button`. */
  push(text: string, button: string, undo: () => void): void {
    const notice = this.notices.show('info', `${text} `, 'undo');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'undo-action';
    b.textContent = button;
    const entry: Entry = { undo, notice };
    b.onclick = () => this.run(entry);
    notice.querySelector('span')!.append(b);
    this.entries.push(entry);
  }

  /** Undoes the latest action still undoable; false when there is none. */
  undoLast(): boolean {
    // a dismissed notice dismisses its undo
    while (this.entries.length && !this.entries.at(-1)!.notice.parentNode) this.entries.pop();
    const last = this.entries.at(-1);
    if (!last) return false;
    this.run(last);
    return true;
  }

  /** Forgets every action (the document they refer to is gone). */
  clear(): void {
    for (const e of this.entries.splice(0)) e.notice.remove();
  }

  private run(entry: Entry): void {
    const i = this.entries.indexOf(entry);
    if (i < 0) return;
    this.entries.splice(i, 1);
    entry.notice.remove();
    entry.undo();
  }
}
