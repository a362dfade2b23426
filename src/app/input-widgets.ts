/**
 * What the workbench adds to the Inputs widgets a cell displays (Inputs.range, Inputs.form, …):
 * - every slider gets an accessible name (Inputs labels only the number box next to it);
 * - a typed value the number box refuses (outside its range, not a number, off its step) used to
 *   stay in the box while the results kept the old value: when the box is committed (Enter, or
 *   leaving it) the refusal is shown next to the input, and the box and slider go back to the value
 *   the notebook is using.
 */

/** Gives unnamed sliders the label of their widget, and watches number boxes for refused values. */
export function enhanceWidget(root: HTMLElement): void {
  for (const range of root.querySelectorAll<HTMLInputElement>('input[type=range]')) {
    if (range.getAttribute('aria-label') || range.labels?.length) continue;
    const label = labelOf(range);
    if (label) range.setAttribute('aria-label', label);
  }
  if (root.dataset.guarded) return;
  root.dataset.guarded = '1';
  // capture: the commit is checked before Inputs' own handlers, whatever the nesting. Enter in an
  // invalid box makes the form's validation fire `invalid` (and no submit); leaving it fires `change`.
  const check = (ev: Event): void => {
    const box = ev.target as HTMLInputElement | null;
    if (box?.tagName !== 'INPUT' || box.type !== 'number') return;
    if (ev.type === 'invalid') ev.preventDefault(); // our message, not the browser's bubble
    checkBox(root, box);
  };
  root.addEventListener('change', check, true);
  root.addEventListener('invalid', check, true);
  // a value the box takes clears an earlier refusal of it
  root.addEventListener('input', (ev) => {
    const box = ev.target as HTMLInputElement | null;
    if (box?.tagName === 'INPUT' && box.type === 'number' && box.validity.valid) refusalFor(box)?.remove();
  }, true);
}

/** The widget (Inputs.range's <form>) that owns a number box: the innermost element with a value. */
function widgetOf(box: HTMLInputElement, root: HTMLElement): (HTMLElement & { value: unknown }) | null {
  for (let el = box.parentElement; el; el = el.parentElement) {
    if (el.tagName === 'FORM' && 'value' in el) return el as HTMLElement & { value: unknown };
    if (el === root) break;
  }
  return null;
}

/** The text of the widget's <label> (Inputs puts one per widget, for its number box or select). */
function labelOf(input: HTMLInputElement): string {
  const widget = input.closest('form');
  const label = widget?.querySelector('label');
  return label?.textContent?.trim() ?? '';
}

function checkBox(root: HTMLElement, box: HTMLInputElement): void {
  if (box.validity.valid) { refusalFor(box)?.remove(); return; }
  const widget = widgetOf(box, root);
  const typed = box.value;
  const why = reason(box);
  // back to the value the notebook uses: the widget's setter puts it in the box and the slider
  if (widget) {
    const kept = widget.value;
    widget.value = kept;
    if (!box.validity.valid) box.value = String(kept);
    show(root, box, `${labelOf(box) || 'value'}: ${typed === '' ? 'that' : typed} ${why}; kept ${String(widget.value)}.`);
  } else {
    show(root, box, `${labelOf(box) || 'value'}: ${typed === '' ? 'that' : typed} ${why}.`);
  }
}

function reason(box: HTMLInputElement): string {
  const v = box.validity;
  if (v.badInput || v.valueMissing) return 'is not a number';
  if (v.rangeOverflow) return `is above this input's maximum, ${box.max}`;
  if (v.rangeUnderflow) return `is below this input's minimum, ${box.min}`;
  if (v.stepMismatch) return `is not a multiple of ${box.step}${box.min ? ` from ${box.min}` : ''}`;
  return `is refused (${box.validationMessage})`;
}

const refusals = new WeakMap<HTMLInputElement, HTMLElement>();

function refusalFor(box: HTMLInputElement): HTMLElement | undefined {
  const r = refusals.get(box);
  return r?.isConnected ? r : undefined;
}

/** The message goes right after the widget that refused, and is read out (role=alert). */
function show(root: HTMLElement, box: HTMLInputElement, text: string): void {
  let p = refusalFor(box);
  if (!p) {
    p = document.createElement('p');
    p.className = 'input-refusal';
    p.setAttribute('role', 'alert');
    refusals.set(box, p);
    const widget = widgetOf(box, root) ?? root;
    widget.after(p);
  }
  p.textContent = text;
}
