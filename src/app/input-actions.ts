/**
 * The toolbar's actions on a notebook's input values: Reset inputs, the named scenarios (save,
 * switch, delete) and the share link. Whatever throws values away is done at once and can be
 * undone (undo.ts): a reset (a pasted text included), a scenario replaced or deleted.
 */
import type { NotebookStore } from '../lib/persist/notebook-store';
import { encodeShareQueryPacked } from '../lib/persist/share';
import type { InputsBridge } from './inputs-bridge';
import type { Notices } from './notices';
import type { Toolbar } from './toolbar';
import type { UndoStack } from './undo';

/** Longer links get a note (many tools cut URLs past a few KB). */
const LONG_LINK = 8000;

export class InputActions {
  constructor(
    private readonly store: NotebookStore, private readonly bridge: InputsBridge, private readonly notices: Notices,
    private readonly undo: UndoStack, private readonly toolbar: Toolbar, private readonly slug: string,
  ) {}

  /** Every input back to its default, at once; Undo puts the saved values back. */
  async reset(): Promise<void> {
    const before = this.store.inputValues;
    this.bridge.reset();
    await this.store.resetInputs();
    if (!Object.keys(before).length) return;
    this.undo.push('Inputs reset to the notebook defaults.', 'Undo reset', () => {
      // inputs that appear later (the form of "your own machine") take their value from the store
      this.store.setInputs({ ...this.store.inputValues, ...before });
      this.bridge.apply(before, false);
    });
  }

  saveScenario(name: string): void {
    const n = name.trim();
    if (!n) { this.notices.show('warning', 'Give the scenario a name first.', 'scenario'); return; }
    this.notices.clear('scenario');
    const previous = this.store.scenario(n);
    this.store.saveScenario(n, this.bridge.values());
    this.toolbar.setScenarios(this.store.scenarioNames(), n);
    if (!previous) { this.notices.show('info', `Saved the scenario “${n}”.`, 'scenario'); return; }
    this.undo.push(`Replaced the scenario “${n}” with the current inputs.`, 'Undo replace', () => {
      this.store.saveScenario(n, previous);
      this.toolbar.setScenarios(this.store.scenarioNames(), n);
    });
  }

  switchScenario(name: string): void {
    const values = this.store.scenario(name);
    if (values) this.bridge.apply(values, true);
  }

  deleteScenario(name: string): void {
    const values = this.store.scenario(name);
    this.store.deleteScenario(name);
    this.toolbar.setScenarios(this.store.scenarioNames());
    if (!values) return;
    this.undo.push(`Deleted the scenario “${name}”.`, 'Undo delete', () => {
      this.store.saveScenario(name, values);
      this.toolbar.setScenarios(this.store.scenarioNames(), name);
    });
  }

  /** The page URL with every input's current value in the hash query (long texts deflated). */
  async shareLink(): Promise<string> {
    const q = await encodeShareQueryPacked(this.bridge.values());
    return `${location.origin}${location.pathname}#/${this.slug}${q ? '?' + q : ''}`;
  }

  async copyLink(): Promise<void> {
    const link = await this.shareLink();
    this.toolbar.showLink(link);
    this.notices.clear('link-size');
    if (link.length > LONG_LINK) {
      this.notices.show('info', `This link is ${Math.round(link.length / 1024)} KB long: it carries the pasted machine text. Browsers open it, but some chat and mail tools cut long links; for a boot log, pasting only its BIOS-e820: (and ACPI: SRAT:) lines makes it much shorter.`, 'link-size');
    }
    try { await navigator.clipboard.writeText(link); this.toolbar.linkCopied(true); } catch { this.toolbar.linkCopied(false); }
  }
}
