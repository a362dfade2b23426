/**
 * One boot for both scenarios: while A is pinned, the notebook runs twice (B on the page, A in a
 * second session), and both usually boot the same machine. Each session gets the page's `mm` with
 * a `boot` that first looks for a boot of the same request (canonical JSON, the dtb's bytes
 * included) made by either session, and reuses its machine: one worker and one copy of the page
 * state instead of two. Each session boots under its own key, so a newer boot of B cancels only
 * B's stale one; a shared boot that was cancelled, failed, or whose worker is gone (mm-remote sets
 * a machine's `alive`) is made again.
 */
import { canonicalJSON } from '../../lib/cache/canonical-json';

type Boot = (req: unknown, opts?: { key?: string }) => Promise<unknown>;

/** How many recent boots are remembered (mm-remote keeps at most four machines). */
const REMEMBERED = 4;

export class SharedBoots {
  private readonly recent: Array<{ request: string; machine: Promise<unknown> }> = [];

  /** `builtins` with `mm.boot` sharing boots; `scenario` keeps each session's cancellation keys apart. */
  wrap(builtins: Record<string, unknown>, scenario: 'A' | 'B'): Record<string, unknown> {
    const mm = builtins.mm as { boot?: Boot } | undefined;
    if (!mm || typeof mm.boot !== 'function') return builtins;
    const boot = mm.boot.bind(mm);
    const shared: Boot = (req, opts) => this.boot(boot, req, scenario === 'B' ? opts : { key: `A:${opts?.key ?? 'default'}` });
    // the page's mm stays the prototype: its other methods and getters are unchanged
    return { ...builtins, mm: Object.assign(Object.create(mm) as object, { boot: shared }) };
  }

  /** Forgets the remembered boots (a new page). */
  clear(): void { this.recent.length = 0; }

  private async boot(boot: Boot, req: unknown, opts?: { key?: string }): Promise<unknown> {
    let request: string | undefined;
    try { request = canonicalJSON(req); } catch { /* not plain data: boot it as it is */ }
    const same = request === undefined ? undefined : this.recent.find((r) => r.request === request);
    if (same) {
      try {
        const machine = await same.machine;
        if ((machine as { alive?: boolean } | null)?.alive !== false) return machine;
      } catch { /* cancelled or failed there: boot here */ }
    }
    const machine = Promise.resolve(boot(req, opts));
    if (request !== undefined) {
      const i = this.recent.findIndex((r) => r.request === request);
      if (i >= 0) this.recent.splice(i, 1);
      this.recent.push({ request, machine });
      while (this.recent.length > REMEMBERED) this.recent.shift();
      machine.catch(() => { const j = this.recent.findIndex((r) => r.machine === machine); if (j >= 0) this.recent.splice(j, 1); });
    }
    return machine;
  }
}
