/**
 * Fuzz: generated and mutated kernel command lines through parseCmdline for every arch. Every
 * case must end in BootParams or an MmError CMDLINE_BAD_VALUE that names a token index; parsed
 * values must be exact integers. Output size is checked to be linear in the input.
 * Reproduce with FUZZ_SEED=<seed> npx vitest run test/fuzz/cmdline.fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'fs';
import { parseCmdline, type BootParams } from '../../src/sim/input/cmdline';
import { MmError } from '../../src/sim/errors';
import type { Arch } from '../../src/sim/types';
import { Rng, fuzzSeed, newOutcome, runCase } from './fuzz-util';
import { ORACLE } from '../helpers/oracle-dir';

const SEED = fuzzSeed(0xc0ffee);
const GENERATED_CASES = 70_000;
const MUTATED_CASES = 40_000;
const ARCHES: Arch[] = ['arm64', 'arm', 'x86_64'];

const oracleLines = readdirSync(ORACLE)
  .filter((d) => /^(a64|a32|x64)-/.test(d))
  .map((d) => readFileSync(`${ORACLE}/${d}/cmdline.txt`, 'utf8').trim());

const PARAMS = ['mem', 'cma', 'kernelcore', 'movablecore', 'transparent_hugepage', 'memblock', 'vmalloc', 'crashkernel', 'swiotlb', 'console', 'nokaslr', 'loglevel', 'foo', '', '--', '"quoted', 'cma_pernuma', 'hugetlb_cma'];
const SUFFIX = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'k', 'm', 'g', 'Q', 'MB', 'x', '%', '%%', ' '];

function number(r: Rng): string {
  switch (r.int(8)) {
    case 0: return String(r.int(10_000));
    case 1: return '0x' + r.u32().toString(16) + (r.chance(0.3) ? r.u32().toString(16) : '');
    case 2: return '0' + r.int(0o7777).toString(8);
    case 3: return String(r.u32()) + String(r.u32()) + String(r.u32()); // overflows u64
    case 4: return r.pick(['0', '0x', '0X1', '00', '-1', '+5', '1e3', '1.5', '', ' ', 'abc', '0xg', '9'.repeat(40)]);
    case 5: return String(r.pick([64, 128, 256, 512, 1024, 4096, 16, 8, 1, 2, 3]));
    case 6: return '0x' + 'f'.repeat(1 + r.int(20));
    default: return String(r.int(200));
  }
}

function size(r: Rng): string {
  return number(r) + r.pick(SUFFIX);
}

function value(r: Rng, param: string): string | null {
  if (r.chance(0.05)) return null;
  switch (param) {
    case 'cma': {
      let v = size(r);
      if (r.chance(0.5)) v += '@' + (r.chance(0.9) ? size(r) : r.pick(['foo', '', '@', '-']));
      if (r.chance(0.3)) v += '-' + (r.chance(0.9) ? size(r) : r.pick(['bar', '', '-']));
      return v;
    }
    case 'mem':
      return r.chance(0.1) ? 'nopentium' : size(r) + (r.chance(0.3) ? '@' + size(r) : '');
    case 'kernelcore':
    case 'movablecore':
      return r.chance(0.1) ? 'mirror' : r.chance(0.4) ? number(r) + '%' + (r.chance(0.1) ? 'x' : '') : size(r);
    case 'transparent_hugepage':
      return r.pick(['always', 'madvise', 'never', 'sometimes', '', 'ALWAYS']);
    case 'memblock':
      return r.pick(['debug', 'nodebug', 'x', '', 'debug,foo']);
    default:
      return r.chance(0.5) ? size(r) : r.pick(['ttyS0,115200', '"a b"', '=', '==', 'x=y', '"', '']);
  }
}

function generate(r: Rng): string {
  const parts: string[] = [];
  for (let n = r.int(12); n >= 0; n--) {
    const p = r.pick(PARAMS);
    const v = value(r, p);
    let tok = v === null ? p : `${p}=${v}`;
    if (r.chance(0.05)) tok = `"${tok}"`;
    parts.push(tok);
  }
  const sep = (): string => r.pick([' ', ' ', '  ', '\t', '\n', ' \u00a0 ']);
  return parts.map((p) => p + sep()).join('');
}

function mutate(r: Rng, s: string): string {
  const chars = [...s];
  for (let k = 1 + r.int(4); k > 0; k--) {
    const at = r.int(chars.length + 1);
    switch (r.int(5)) {
      case 0: chars.splice(at, 1); break;
      case 1: chars.splice(at, 0, r.pick(['=', '"', ' ', '@', '-', '%', 'G', '0', 'x', '\u0000', 'é', '\u{1f600}'])); break;
      case 2: chars.splice(at, 0, ` cma=${r.pick(['64M', '4G', '1T', '16E', '0', '256M@0x40000000', '8G@0-0x100000000', '1P@1P'])}`); break;
      case 3: chars.splice(at, 0, ` mem=${r.pick(['1G', '12Q', '0', '0x', '512M@0x80000000', 'nopentium'])}`); break;
      default: chars.splice(at, r.int(6));
    }
  }
  return chars.join('');
}

function check(p: BootParams, line: string): void {
  if (p.tokens.length > line.length + 1) throw new Error('more tokens than characters');
  const ints: (number | undefined)[] = [p.cma?.size, p.cma?.base, p.cma?.limit, p.vmalloc];
  if (p.mem?.kind === 'banks') for (const b of p.mem.banks) ints.push(b.size, b.start ?? 0);
  else if (p.mem) ints.push(p.mem.limit);
  for (const c of [p.kernelcore, p.movablecore]) {
    if (c?.kind === 'size') ints.push(c.bytes, c.pages);
    if (c?.kind === 'percent' && (c.percent < 0 || c.percent > 100)) throw new Error(`percent ${c.percent}`);
  }
  for (const v of ints) if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new Error(`non-integer value ${v}`);
  if (p.mem?.kind === 'size-limit' && p.mem.limit % 4096 !== 0) throw new Error('arm64 mem= limit not page aligned');
}

function runAll(cases: number, seed: number, make: (r: Rng) => string): { failures: string[]; o: ReturnType<typeof newOutcome> } {
  const r = new Rng(seed);
  const o = newOutcome();
  const failures: string[] = [];
  for (let i = 0; i < cases && failures.length < 5; i++) {
    const line = make(r);
    const arch = ARCHES[i % 3]!;
    const res = runCase(o, `cmdline (${arch})`, seed, i, () => JSON.stringify(line), () => {
      try {
        check(parseCmdline(line, arch), line);
      } catch (e) {
        if (e instanceof MmError && (e.code !== 'CMDLINE_BAD_VALUE' || !/^command-line token \d+$/.test(e.location ?? ''))) {
          throw new Error(`unexpected MmError ${e.code} at ${e.location}`);
        }
        throw e;
      }
    });
    if (!res.ok) failures.push(res.message);
  }
  return { failures, o };
}

describe('command-line fuzz', () => {
  it(`${GENERATED_CASES} generated command lines end in BootParams or CMDLINE_BAD_VALUE`, () => {
    const { failures, o } = runAll(GENERATED_CASES, SEED, generate);
    expect(failures).toEqual([]);
    expect(o.values + o.errors).toBe(GENERATED_CASES);
    expect(o.values).toBeGreaterThan(GENERATED_CASES / 20);
    expect(o.errors).toBeGreaterThan(GENERATED_CASES / 20);
  });
  it(`${MUTATED_CASES} mutated oracle command lines end in BootParams or CMDLINE_BAD_VALUE`, () => {
    const { failures, o } = runAll(MUTATED_CASES, SEED ^ 0xabcdef, (r) => mutate(r, r.pick(oracleLines)));
    expect(failures).toEqual([]);
    expect(o.values + o.errors).toBe(MUTATED_CASES);
    expect(o.values).toBeGreaterThan(0);
    expect(o.errors).toBeGreaterThan(0);
  });
});
