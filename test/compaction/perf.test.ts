import { describe, expect, it } from 'vitest';
import { boot, fill, freeWhere, MOVABLE_NOWAIT } from './helpers';

describe('performance', () => {
  it('compact_memory on a fragmented 4 GiB machine takes well under a second', () => {
    const run = boot('x86_64', '6.1', 4096);
    const pfns = fill(run, MOVABLE_NOWAIT, Math.floor(run.rs.buddy.z.managed.reduce((a, b) => a + b, 0) * 0.7));
    freeWhere(run, pfns, 32);
    const t0 = performance.now();
    const res = run.compactMemory();
    const ms = performance.now() - t0;
    console.log(`[compact_memory 4 GiB] ${ms.toFixed(0)} ms, ${res.migrated} pages migrated, ${res.migrateScanned + res.freeScanned} pfns scanned`);
    expect(res.migrated).toBeGreaterThan(100000);
    expect(ms).toBeLessThan(1000);
    run.checkInvariants();
  });
});
