/**
 * The reliability figure as a test: 10M random operations (allocations of every order and
 * migratetype, frees, drains, sysctl writes; test/helpers/random-ops.ts) over 100 seeds, spread
 * over the three arches and both kernels, with the CONFIG_DEBUG_VM-style invariant checker
 * (run-invariants.ts) every 10,000 operations and at the end of each seed: no violation.
 * The bench prints the same figure with a checker every 1,000 operations (rt-invariant-ops-checked).
 */
import { expect, it } from 'vitest';
import { bootMachine, type Machine } from '../../src/sim/index';
import { RunState } from '../../src/sim/run/run-state';
import { checkRunInvariants } from '../../src/sim/run/run-invariants';
import { randomOps } from '../helpers/random-ops';

it('10M random operations over 100 seeds keep every invariant', { timeout: 600_000 }, () => {
  const machines: Machine[] = [];
  for (const kernel of ['5.10', '6.1'] as const) {
    machines.push(bootMachine({ arch: 'arm64', kernel, topology: { arch: 'arm64', kernel, ramMiB: 192, cpus: 2 }, cmdline: 'cma=32M' }));
    machines.push(bootMachine({ arch: 'arm', kernel, topology: { arch: 'arm', kernel, ramMiB: 800, cpus: 2 } }));
    machines.push(bootMachine({ arch: 'x86_64', kernel, topology: { arch: 'x86_64', kernel, ramMiB: 160, cpus: 2 } }));
  }
  let ops = 0;
  const violations: string[] = [];
  for (let seed = 0; seed < 100; seed++) {
    const m = machines[seed % machines.length]!;
    const rs = new RunState(m, { daemons: 'manual' });
    const check = (): void => {
      try {
        checkRunInvariants(rs);
      } catch (e) {
        violations.push(`seed ${seed + 1} (${m.profile.arch} ${m.profile.kernel}): ${(e as Error).message}`);
      }
    };
    const arm = m.profile.arch === 'arm';
    const st = randomOps(rs, seed + 1, 100_000, check, 10_000, arm ? 30_000 : 6_000, arm ? 0.3 : 0.45);
    check();
    ops += st.ops;
  }
  expect(violations.slice(0, 3)).toEqual([]);
  expect(ops).toBe(10_000_000);
});
