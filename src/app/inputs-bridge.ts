/**
 * Connects the input widgets that notebook cells display (view(Inputs.range(...)) and friends) to
 * persistence: it remembers each input's default, applies a shared-link value (validated against
 * the widget's range/options) or the stored value when the widget appears, saves every change, and
 * can reset or switch all inputs at once (scenarios).
 */
import { validateInputValue, type InputSpec } from '../lib/persist/share';

export interface BoundInput { name: string; el: HTMLElement & { value: unknown }; defaultValue: unknown; spec: InputSpec }

export interface InputsBridgeHost {
  stored(): Record<string, unknown>;
  save(name: string, value: unknown): void;
  refuse(message: string): void;
}

/** Read what the widget accepts from its DOM (Inputs.range, Inputs.select, Inputs.checkbox/toggle, Inputs.text). */
export function specOf(el: HTMLElement): InputSpec {
  const v = (el as { value?: unknown }).value;
  // a composite input (Inputs.form) holds an object: its parts are not validated one by one
  if (v !== null && typeof v === 'object') return { kind: 'unknown' };
  const range = el.querySelector<HTMLInputElement>('input[type=range]') ?? (el instanceof HTMLInputElement && el.type === 'range' ? el : null);
  // Inputs.range's number box holds the value's own bounds; the slider's are transformed
  // (Inputs.range({transform: Math.log}) gives the slider min=log(min), max=log(max))
  const number = range && el !== range ? el.querySelector<HTMLInputElement>('input[type=number]') : null;
  if (number && (number.min !== '' || number.max !== '')) {
    return { kind: 'range', min: number.min !== '' ? Number(number.min) : -Infinity, max: number.max !== '' ? Number(number.max) : Infinity, step: number.step && number.step !== 'any' ? Number(number.step) : undefined };
  }
  if (range) return { kind: 'range', min: Number(range.min || 0), max: Number(range.max || 100), step: range.step && range.step !== 'any' ? Number(range.step) : undefined };
  const select = el.querySelector('select') ?? (el instanceof HTMLSelectElement ? el : null);
  if (select) return { kind: 'select', options: [...select.options].map((o) => o.textContent ?? o.value) };
  const radios = el.querySelectorAll<HTMLInputElement>('input[type=radio]');
  if (radios.length) return { kind: 'select', options: [...radios].map((r) => r.labels?.[0]?.textContent?.trim() ?? r.value) };
  const boxes = el.querySelectorAll('input[type=checkbox]');
  if (boxes.length === 1 && typeof (el as unknown as { value: unknown }).value === 'boolean') return { kind: 'checkbox' };
  if (el.querySelector('input[type=text], textarea') && typeof (el as unknown as { value: unknown }).value === 'string') return { kind: 'text' };
  return { kind: 'unknown' };
}

export function isInputWidget(v: unknown): v is HTMLElement & { value: unknown } {
  if (typeof HTMLElement === 'undefined' || !(v instanceof HTMLElement) || !('value' in v)) return false;
  // A chosen file cannot be put back into an <input type=file>: file inputs are neither kept nor shared.
  if ((v instanceof HTMLInputElement && v.type === 'file') || v.querySelector('input[type=file]')) return false;
  return v.tagName === 'FORM' || v.tagName === 'INPUT' || v.tagName === 'SELECT' || !!v.querySelector('input, select, textarea');
}

export class InputsBridge {
  private readonly bound = new Map<string, BoundInput>();
  private applying = false;
  constructor(private readonly host: InputsBridgeHost, private linkValues: Record<string, unknown> = {}) {}

  names(): string[] { return [...this.bound.keys()]; }
  get(name: string): BoundInput | undefined { return this.bound.get(name); }

  /** Current values of the inputs on the page (an input its cell no longer shows is not one). */
  values(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, b] of this.bound) if (b.el.isConnected) out[name] = b.el.value;
    return out;
  }

  /** Called for each input widget a cell displays. */
  bind(name: string, el: HTMLElement & { value: unknown }): void {
    // the default is what the (latest run of the) defining cell set, before any stored value
    const b: BoundInput = { name, el, defaultValue: el.value, spec: specOf(el) };
    this.bound.set(name, b);
    el.dataset.input = name;
    el.addEventListener('input', () => { if (!this.applying && this.bound.get(name) === b) this.host.save(name, el.value); });
    let refused: string | null = null;
    if (name in this.linkValues) {
      const v = this.linkValues[name];
      delete this.linkValues[name];
      refused = this.problem(b, v);
      if (!refused) { this.set(b, coerce(b.spec, v)); this.host.save(name, el.value); return; }
    }
    const stored = this.host.stored();
    if (name in stored && !this.problem(b, stored[name])) this.set(b, stored[name]);
    // report after the stored value (if any) is in place, so "kept" names what the input shows
    if (refused) this.host.refuse(`Link value refused: ${refused}; kept ${JSON.stringify(el.value)}.`);
  }

  /**
   * Why `value` cannot go into the input, or null. A composite input (Inputs.form) has no spec of
   * its own: the value is tried on the widget without an event and read back; any field the widget
   * did not take as given (an unknown option, a number outside a range, a missing field) refuses it.
   */
  private problem(b: BoundInput, value: unknown): string | null {
    if (b.spec.kind !== 'unknown') return validateInputValue(b.name, b.spec, value);
    const before = b.el.value;
    if (before === null || typeof before !== 'object') return null;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${b.name}=${JSON.stringify(value)} is not an object of ${Object.keys(before).join(', ')}`;
    let after: unknown;
    try {
      b.el.value = value;
      after = b.el.value;
    } catch (e) {
      return `${b.name}=${JSON.stringify(value)} cannot be set (${(e as Error).message})`;
    } finally {
      try { b.el.value = before; } catch { /* the widget keeps what it took */ }
    }
    const given = value as Record<string, unknown>;
    const took = (after ?? {}) as Record<string, unknown>;
    const bad = Object.keys(before).filter((k) => !(k in given) || JSON.stringify(took[k]) !== JSON.stringify(given[k]));
    const extra = Object.keys(given).filter((k) => !(k in before));
    if (!bad.length && !extra.length) return null;
    const parts = [...bad.map((k) => (k in given ? `${k}=${JSON.stringify(given[k])} is not accepted` : `${k} is missing`)), ...extra.map((k) => `${k} is not a field`)];
    return `${b.name}: ${parts.join(', ')}`;
  }

  /** Link values for inputs that never appeared (unknown names) are refused too. */
  unusedLinkValues(): string[] { return Object.keys(this.linkValues); }

  /** Set several inputs (scenario switch); values failing validation are reported and skipped. */
  apply(values: Record<string, unknown>, save: boolean): void {
    for (const [name, v] of Object.entries(values)) {
      const b = this.bound.get(name);
      if (!b) continue;
      const problem = this.problem(b, v);
      if (problem) { this.host.refuse(problem); continue; }
      this.set(b, coerce(b.spec, v));
      if (save) this.host.save(name, b.el.value);
    }
  }

  /** Put every input back to the value its cell defined. */
  reset(): void {
    for (const b of this.bound.values()) this.set(b, b.defaultValue);
  }

  private set(b: BoundInput, v: unknown): void {
    if (Object.is(b.el.value, v)) return;
    this.applying = true;
    try {
      b.el.value = v;
      b.el.dispatchEvent(new Event('input', { bubbles: true }));
    } finally {
      this.applying = false;
    }
  }
}

function coerce(spec: InputSpec, v: unknown): unknown {
  return spec.kind === 'range' && typeof v === 'string' ? Number(v) : v;
}
