// @vitest-environment jsdom
import { describe, it, expect } from 'vitest';
import { Notices } from '../../src/app/notices';
import { UndoStack } from '../../src/app/undo';

describe('UndoStack', () => {
  it('undoes the latest action first, from its button or undoLast; a dismissed notice is no longer undoable', () => {
    const notices = new Notices();
    const undo = new UndoStack(notices);
    const done: string[] = [];
    undo.push('Deleted cell 3.', 'Undo delete', () => done.push('cell 3'));
    undo.push('Inputs reset.', 'Undo reset', () => done.push('reset'));
    undo.push('Deleted cell 4.', 'Undo delete', () => done.push('cell 4'));
    expect(notices.el.querySelectorAll('.notice[data-topic=undo]')).toHaveLength(3);
    expect(undo.undoLast()).toBe(true);
    expect(done).toEqual(['cell 4']);
    // the reset's own button
    const reset = [...notices.el.querySelectorAll<HTMLButtonElement>('button.undo-action')].find((b) => b.textContent === 'Undo reset')!;
    reset.click();
    expect(done).toEqual(['cell 4', 'reset']);
    // dismissing the last notice drops its undo
    notices.el.querySelector<HTMLButtonElement>('.notice .notice-close')!.click();
    expect(undo.undoLast()).toBe(false);
    expect(done).toEqual(['cell 4', 'reset']);
  });

  it('clear() forgets every action and its notice', () => {
    const notices = new Notices();
    const undo = new UndoStack(notices);
    let undone = 0;
    undo.push('Deleted cell 1.', 'Undo delete', () => undone++);
    undo.clear();
    expect(notices.el.children).toHaveLength(0);
    expect(undo.undoLast()).toBe(false);
    expect(undone).toBe(0);
  });
});
