/**
 * x86_64 whole-pipeline fuzz: random e820 tables (overlapping, unaligned, zero-size, holes, every
 * type), random SRAT nodes, command lines, CPU counts and sysctls go through bootMachine. Each
 * case ends in a machine that passes the buddy invariants and renders every /proc file (or says
 * why not), or in an MmError about the input: never an exception, and never one of the
 * allocator's own consistency errors (BUDDY_*), which would mean the boot model broke.
 */
import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/sim/boot/boot';
import { MmError } from '../../src/sim/errors';
import { PROC_NAMES } from '../../src/sim/format/proc';
import { rng } from '../helpers/prng';

const MiB = 2 ** 20;
const hex = (n: number) => '0x' + n.toString(16).padStart(16, '0');

function randomE820Case(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const lines: string[] = [];
  let at = 0;
  for (let i = 0, n = 1 + Math.floor(r() * 6); i < n; i++) {
    const start = Math.max(0, pick([at, at + 4096, Math.floor(r() * 8192) * MiB, 0x100000000, 0x9fc00, at - MiB]));
    const size = pick([0x9fc00, 16 * MiB, 512 * MiB, 3 * 1024 * MiB, Math.floor(r() * 4000) * MiB + 1, 4096, 0]);
    const type = pick(['usable', 'usable', 'usable', 'reserved', 'ACPI data', 'ACPI NVS']);
    if (size > 0) lines.push(`BIOS-e820: [mem ${hex(start)}-${hex(start + size - 1)}] ${type}`);
    at = start + size;
  }
  const nodes = pick([0, 0, 2, 3]);
  for (let k = 0; k < nodes; k++) lines.push(`ACPI: SRAT: Node ${k} PXM ${k} [mem ${hex(k * 2048 * MiB)}-${hex((k + 1) * 2048 * MiB - 1)}]`);
  const cmdline = [pick(['', 'mem=256M', 'mem=1G', 'mem=4K', 'mem=10G']), pick(['', 'movablecore=128M', 'kernelcore=50%', 'movablecore=90%']), pick(['', 'cma=64M'])].filter(Boolean).join(' ');
  const sysctls: Array<[string, string]> = r() < 0.3 ? [['vm.watermark_scale_factor', pick(['200', '0', '3001'])]] : [];
  return { e820: lines.join('\n') + '\n', cmdline, kernel: pick(['5.10', '6.1'] as const), cpus: pick([1, 2, 8, 64]), sysctls };
}

describe('x86_64 boot fuzz', () => {
  it('every random e820 machine ends in a consistent machine or an MmError about the input (600 cases)', () => {
    const codes: Record<string, number> = {};
    let booted = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const c = randomE820Case(seed);
      try {
        const m = bootMachine({ arch: 'x86_64', ...c });
        m.parts.buddy?.checkInvariants();
        for (const p of PROC_NAMES) {
          try { m.render(p); } catch (e) { if (!(e instanceof MmError && e.code === 'FORMAT_UNAVAILABLE')) throw e; }
        }
        booted++;
      } catch (e) {
        if (!(e instanceof MmError)) throw new Error(`seed ${seed} (${JSON.stringify(c)}): ${(e as Error).stack}`);
        expect(e.code, `seed ${seed}: ${e.message}`).not.toMatch(/^BUDDY_/);
        codes[e.code] = (codes[e.code] ?? 0) + 1;
      }
    }
    console.log('[x86 boot fuzz]', { booted }, codes);
    expect(booted).toBeGreaterThan(60);
  });
});
