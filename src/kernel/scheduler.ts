/**
 * A compute scheduler for @observablehq/runtime that needs no requestAnimationFrame: rAF pauses in
 * background tabs and does not exist in Node. Uses setImmediate in Node, else a MessageChannel turn
 * (not throttled in background tabs), else setTimeout.
 */
type Runtime = { _computeSoon: () => Promise<void>; _computeNow: () => Promise<void>; _disposed: boolean };

export function makeTurn(): (f: () => void) => void {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return (f) => g.setImmediate!(f);
  if (typeof MessageChannel === 'function') {
    const ch = new MessageChannel();
    const queue: Array<() => void> = [];
    ch.port1.onmessage = () => queue.shift()?.();
    return (f) => { queue.push(f); ch.port2.postMessage(0); };
  }
  return (f) => setTimeout(f, 0);
}

export function installScheduler(runtime: unknown): void {
  const rt = runtime as Runtime;
  const turn = makeTurn();
  Object.defineProperty(rt, '_computeSoon', {
    configurable: true, writable: true,
    value: () => new Promise<void>((resolve) => turn(resolve)).then(() => (rt._disposed ? undefined : rt._computeNow())),
  });
}
