/**
 * Whole-pipeline fuzz: random device trees (overlapping, zero-size, unaligned and far-away banks,
 * random /reserved-memory children), random command lines and sysctls go through bootMachine.
 * Each case must end in a machine that passes the buddy invariants, or in an MmError; anything
 * else (a TypeError, a RangeError, an invariant failure) fails with the seed to reproduce it.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { MmError } from '../../src/sim/errors';
import { buildTopologyFdt } from '../../src/sim/fdt';
import { randomCase } from './fuzz-cases';

describe('boot fuzz', () => {
  it('every random machine ends in a consistent machine or an MmError (400 cases)', () => {
    const outcomes = { booted: 0, mmError: 0 };
    const codes: Record<string, number> = {};
    for (let seed = 1; seed <= 400; seed++) {
      const c = randomCase(seed);
      let dtb: Uint8Array;
      try {
        dtb = buildTopologyFdt({ memory: c.banks, reserved: c.reserved, bootargs: c.cmdline, cpus: [{}, {}] });
      } catch (e) {
        if (e instanceof MmError) { outcomes.mmError++; continue; }
        throw e;
      }
      try {
        const m = bootMachine({ arch: c.arch, kernel: c.kernel, dtb, sysctls: c.sysctls });
        m.parts.buddy?.checkInvariants();
        m.render('zoneinfo');
        m.render('buddyinfo');
        outcomes.booted++;
      } catch (e) {
        if (e instanceof MmError) {
          expect(e.message.length).toBeGreaterThan(10);
          // the allocator's own consistency errors mean the boot model broke, not the input
          expect(e.code, `seed ${seed}: ${e.message}`).not.toMatch(/^BUDDY_/);
          codes[e.code] = (codes[e.code] ?? 0) + 1;
          outcomes.mmError++;
          continue;
        }
        throw new Error(`seed ${seed} (${JSON.stringify(c)}): ${(e as Error).stack}`);
      }
    }
    console.log('[boot fuzz]', outcomes, codes);
    expect(outcomes.booted).toBeGreaterThan(50);
  });
});
