/**
 * Generator helpers: the `view` input generator, and a wrapper whose `return()` always settles
 * (observablehq/runtime#376: returning an async generator suspended in an await never settles,
 * so invalidation could hang a cell forever).
 */

export function isGeneratorish(v: unknown): v is Generator | AsyncGenerator {
  return !!v && typeof (v as Generator).next === 'function' && typeof (v as Generator).return === 'function';
}

/** Wraps a (possibly async) generator so that return() settles at once and later next() is done. */
export function settlingGenerator<T>(g: Generator<T> | AsyncGenerator<T>): AsyncGenerator<T> & Generator<T> {
  let returned = false;
  const wrapper = {
    next(v?: unknown) {
      if (returned) return { done: true, value: undefined };
      return (g as Generator<T>).next(v as never);
    },
    return(v?: unknown) {
      if (!returned) {
        returned = true;
        try {
          const r = (g as Generator<T>).return(v as never) as unknown;
          if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(undefined, () => {});
        } catch { /* a generator that throws on return is still stopped */ }
      }
      return { done: true, value: v };
    },
    throw(e: unknown) {
      returned = true;
      return (g as Generator<T>).throw(e);
    },
    [Symbol.iterator]() { return this; },
    [Symbol.asyncIterator]() { return this; },
  };
  return wrapper as unknown as AsyncGenerator<T> & Generator<T>;
}

interface InputLike { addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener']; value?: unknown; type?: string }

function valueof(el: InputLike & Record<string, unknown>): unknown {
  switch (el.type) {
    case 'range': case 'number': return el.valueAsNumber;
    case 'date': return el.valueAsDate;
    case 'checkbox': return el.checked;
    case 'select-multiple': return Array.from(el.selectedOptions as ArrayLike<{ value: string }>, (o) => o.value);
  }
  return el.value;
}
function eventof(el: InputLike): string {
  return el.type === 'button' || el.type === 'submit' || el.type === 'checkbox' ? 'click' : el.type === 'file' ? 'change' : 'input';
}

/** Generators.input: yields the element's value now and after each input event (notebook-kit semantics). */
export function inputGenerator(element: unknown): AsyncGenerator<unknown> {
  const el = element as InputLike & Record<string, unknown>;
  let resolve: ((v: unknown) => void) | undefined;
  let reject: ((e: unknown) => void) | undefined;
  let latest: unknown;
  let stale = false;
  let done = false;
  const change = (v: unknown) => {
    latest = v;
    if (resolve) { resolve(v); resolve = reject = undefined; } else stale = true;
  };
  const event = eventof(el);
  const onInput = () => change(valueof(el));
  el.addEventListener?.(event, onInput);
  const initial = valueof(el);
  if (initial !== undefined) change(initial);
  const dispose = () => el.removeEventListener?.(event, onInput);
  const gen = {
    async next() {
      if (done) return { done: true, value: undefined };
      if (stale) { stale = false; return { done: false, value: latest }; }
      return { done: false, value: await new Promise((y, n) => { resolve = y; reject = n; }) };
    },
    async return() {
      done = true;
      reject?.(new Error('Generator returned'));
      resolve = reject = undefined;
      dispose();
      return { done: true, value: undefined };
    },
    async throw(e: unknown) {
      done = true;
      reject?.(e);
      dispose();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() { return this; },
  };
  return gen as unknown as AsyncGenerator<unknown>;
}

/** The `now` builtin: the current time, updated each scheduler turn. */
export async function* nowGenerator(): AsyncGenerator<number> {
  while (true) {
    yield Date.now();
    await new Promise((r) => setTimeout(r, 16));
  }
}
