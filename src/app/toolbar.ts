/** The notebook header: title, edited marker, busy indicator, simulator progress, and the page actions. */
export interface ToolbarActions {
  revert(): void; reset(): void; download(): void; copyLink(): void; help(): void;
  saveScenario(name: string): void; switchScenario(name: string): void; deleteScenario(name: string): void;
}
export interface Toolbar {
  el: HTMLElement;
  setEdited(edited: boolean): void;
  setBusy(busy: boolean): void;
  setProgress(p: { active: boolean; stage: string; fraction: number }): void;
  setScenarios(names: string[], selected?: string): void;
  showLink(url: string): void;
  linkCopied(ok: boolean): void;
  /** adds controls of other parts of the page (A/B, the result cache) before the help button */
  addControls(...nodes: Node[]): void;
}

/** A button of the notebook header: its label, data-action (what tests and shortcuts find it by), click handler and tooltip. */
export function toolbarButton(label: string, action: string, onclick: () => void, title = label): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.title = title;
  b.dataset.action = action;
  b.onclick = onclick;
  return b;
}

export function buildToolbar(title: string, a: ToolbarActions): Toolbar {
  const el = document.createElement('header');
  el.className = 'nb-header';
  const h1 = document.createElement('h1');
  h1.textContent = title;
  const edited = document.createElement('span');
  edited.className = 'edited-marker';
  edited.textContent = 'edited';
  edited.title = 'This notebook has edits saved in this browser; "Revert to file" discards them.';
  edited.hidden = true;
  const busy = document.createElement('span');
  busy.className = 'busy-indicator';
  busy.setAttribute('role', 'status');
  busy.textContent = 'running…';
  busy.hidden = true;
  const progWrap = document.createElement('span');
  progWrap.className = 'sim-progress';
  progWrap.hidden = true;
  const prog = document.createElement('progress');
  prog.max = 1;
  const progText = document.createElement('span');
  progWrap.append(prog, progText);
  const titleRow = document.createElement('div');
  titleRow.className = 'nb-title-row';
  titleRow.append(h1, edited, busy, progWrap);

  const revert = toolbarButton('Revert to file', 'revert', a.revert, 'Discard the edits saved in this browser and load the notebook file');
  revert.hidden = true;
  const scenarioSel = document.createElement('select');
  scenarioSel.className = 'scenario-select';
  scenarioSel.setAttribute('aria-label', 'Scenario');
  scenarioSel.onchange = () => { if (scenarioSel.value) a.switchScenario(scenarioSel.value); };
  const scenarioName = document.createElement('input');
  scenarioName.className = 'scenario-name';
  scenarioName.placeholder = 'scenario name';
  scenarioName.setAttribute('aria-label', 'Scenario name');
  const linkOut = document.createElement('input');
  linkOut.className = 'share-link';
  linkOut.readOnly = true;
  linkOut.hidden = true;
  linkOut.setAttribute('aria-label', 'Shareable link');
  const actions = document.createElement('div');
  actions.className = 'nb-actions';
  const helpButton = toolbarButton('?', 'help', a.help, 'Keyboard shortcuts (Alt+H)');
  actions.append(
    revert,
    toolbarButton('Reset inputs', 'reset', a.reset, 'Forget the saved input values and go back to the notebook defaults'),
    scenarioSel, scenarioName,
    toolbarButton('Save scenario', 'save-scenario', () => a.saveScenario(scenarioName.value)),
    toolbarButton('Delete scenario', 'delete-scenario', () => { if (scenarioSel.value) a.deleteScenario(scenarioSel.value); }),
    toolbarButton('Download', 'download', a.download, 'Download the edited notebook as a Notebook Kit .html file (mmbook run accepts it)'),
    toolbarButton('Copy link', 'copy-link', a.copyLink, 'Copy a link that carries the current input values'),
    linkOut,
    helpButton,
  );
  el.append(titleRow, actions);
  return {
    el,
    setEdited(v) { edited.hidden = !v; revert.hidden = !v; },
    setBusy(v) { busy.hidden = !v; el.classList.toggle('busy', v); },
    setProgress(p) { progWrap.hidden = !p.active; prog.value = p.fraction; progText.textContent = ` ${p.stage}`; },
    setScenarios(names, selected) {
      scenarioSel.replaceChildren(new Option(names.length ? 'scenarios…' : 'no scenarios', ''), ...names.map((n) => new Option(n, n)));
      scenarioSel.value = selected ?? '';
    },
    showLink(url) { linkOut.hidden = false; linkOut.value = url; linkOut.select(); },
    linkCopied(ok) { linkOut.title = ok ? 'Copied to the clipboard' : 'Copy this link (the clipboard was not available)'; },
    addControls(...nodes) { for (const n of nodes) actions.insertBefore(n, helpButton); },
  };
}
