/**
 * "Waiting for input": a cell that cannot compute yet because the reader has not given it
 * something (a pasted text, a chosen file) calls the `waiting` builtin instead of throwing an
 * error. The kernel shows it as a calm `waiting` state (not `error`), and its dependents as
 * waiting for the same input (not `blocked`). `mmbook run` reports such cells as waiting.
 *
 *   if (!own.text.trim()) waiting("paste the machine's /proc/zoneinfo above", {input: "own"})
 */

const BRAND = Symbol.for('mmbook.waiting');

export interface WaitingOptions {
  /** the name of the input the reader must fill in (a view cell's name); dependents link to it */
  input?: string;
}

/** What `waiting(...)` throws. Recognised by a brand, so it survives being re-thrown across realms. */
export class WaitingForInput extends Error {
  readonly [BRAND] = true;
  readonly input?: string;
  constructor(message: string, opts: WaitingOptions = {}) {
    super(message);
    this.name = 'WaitingForInput';
    if (opts.input !== undefined) this.input = opts.input;
  }
}

export function isWaiting(e: unknown): e is WaitingForInput {
  return !!e && typeof e === 'object' && (e as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The `waiting` builtin: throws, so a cell stops where it calls it (`throw waiting(...)` reads as
 * well and does the same). The message says what the reader should do.
 */
export function waiting(message: unknown, opts: WaitingOptions = {}): never {
  if (typeof message !== 'string' || !message.trim()) throw new TypeError('waiting(message): message must say what input is missing');
  if (opts !== null && typeof opts !== 'object') throw new TypeError('waiting(message, {input}): the second argument must be an object');
  if (opts?.input !== undefined && typeof opts.input !== 'string') throw new TypeError('waiting(message, {input}): input must be the name of an input');
  throw new WaitingForInput(message.trim(), opts ?? {});
}
