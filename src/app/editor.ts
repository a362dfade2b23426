/** A CodeMirror 6 editor for one cell, with the language of the cell's mode. */
// CodeMirror 6 from its @codemirror/* packages (the `codemirror` entry in package.json is the legacy v5 line).
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, highlightSpecialChars } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput } from '@codemirror/language';
import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { html } from '@codemirror/lang-html';
import type { Extension } from '@codemirror/state';

export interface CellEditor { view: EditorView; value(): string; setValue(v: string): void; focus(): void; destroy(): void }

function language(mode: string): Extension {
  switch (mode) {
    case 'md': return markdown();
    case 'html': return html();
    case 'ts': return javascript({ typescript: true });
    default: return javascript();
  }
}

export function createEditor(parent: HTMLElement, doc: string, mode: string, onRun: () => void, onChange?: () => void): CellEditor {
  const view = new EditorView({
    parent,
    doc,
    extensions: [
      keymap.of([{ key: 'Shift-Enter', run: () => { onRun(); return true; } }]),
      lineNumbers(), highlightSpecialChars(), history(), drawSelection(), highlightActiveLine(),
      EditorState.allowMultipleSelections.of(true), indentOnInput(), bracketMatching(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      language(mode),
      EditorView.lineWrapping,
      EditorView.updateListener.of((u) => { if (u.docChanged) onChange?.(); }),
    ],
  });
  return {
    view,
    value: () => view.state.doc.toString(),
    setValue: (v) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: v } }),
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
