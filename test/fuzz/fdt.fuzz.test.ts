/**
 * Fuzz: mutated DTBs through parseFdt + fdtScan (+ the reserved-memory sort and the memory
 * sanitiser). Every case must end in a value or an MmError. Work and memory are bounded by
 * checking that everything the parser returns is linear in the blob size (no timed asserts).
 * Reproduce a failure with FUZZ_SEED=<seed> npx vitest run test/fuzz/fdt.fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'fs';
import {
  buildFdt, earlyInitDtAddMemoryArch, fdtScan, parseFdt, sortReservedMem, walkNodes,
  type FdtNodeSpec, type FdtPropValue,
} from '../../src/sim/fdt';
import { Rng, fuzzSeed, newOutcome, runCase } from './fuzz-util';
import { ORACLE } from '../helpers/oracle-dir';

const SEED = fuzzSeed(0x5eed_fd7);
const MUTATED_CASES = 100_000;
const STRUCTURAL_CASES = 10_000;
const FULL_BLOB_CASES = 60;

/** fdt_pack: drop the padding after the strings block so a case costs kilobytes, not 1 MiB. */
function pack(b: Uint8Array): Uint8Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const end = dv.getUint32(12) + dv.getUint32(32);
  const out = b.slice(0, end);
  new DataView(out.buffer).setUint32(4, end);
  return out;
}

const fullBlobs = ['a64-512m/virt.dtb', 'a32-2g-highmem/virt.dtb'].map((f) => new Uint8Array(readFileSync(`${ORACLE}/${f}`)));
const seeds: Uint8Array[] = [
  ...fullBlobs.map(pack),
  pack(new Uint8Array(readFileSync(`${ORACLE}/a64-512m-k510/fdt-from-kernel.dtb`))),
  new Uint8Array(readFileSync(`${ORACLE}/a64-1g-reserved/modified.dtb`)),
];

/** Offsets of FDT_PROP tokens in a well-formed seed (found by parsing offsets of nodes' props). */
function propOffsets(b: Uint8Array): number[] {
  const t = parseFdt(b);
  const out: number[] = [];
  for (const n of walkNodes(t.root)) out.push(...n.propOffsets.values());
  return out;
}
const seedProps = seeds.map(propOffsets);

const INTERESTING = [0, 1, 2, 3, 4, 7, 8, 9, 16, 17, 40, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff];

function setU32(b: Uint8Array, off: number, v: number): void {
  if (off >= 0 && off + 4 <= b.length) new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(off, v >>> 0);
}

function mutate(r: Rng, src: Uint8Array, props: number[]): Uint8Array {
  let b = src.slice();
  const dv = () => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const rounds = 1 + r.int(3);
  for (let k = 0; k < rounds; k++) {
    const len = b.length;
    switch (r.int(10)) {
      case 0: // bit flips
        for (let j = 1 + r.int(8); j > 0; j--) b[r.int(len)]! ^= 1 << r.int(8);
        break;
      case 1: // random bytes
        for (let j = 1 + r.int(4); j > 0; j--) b[r.int(len)] = r.pick([0, 0xff, 0x7f, 0x80, r.int(256)]);
        break;
      case 2: // header field
        setU32(b, 4 * (1 + r.int(9)), r.chance(0.5) ? r.pick(INTERESTING) : r.chance(0.5) ? r.int(len + 64) : r.u32());
        break;
      case 3: // truncation
        b = b.slice(0, r.int(len + 1));
        break;
      case 4: // lying totalsize
        setU32(b, 4, r.pick([len + 1, len + 4096, 0xffffffff, len - 1, 40, 0, r.int(len)]));
        break;
      case 5: { // token overwrite inside the structure block
        const off = dv().byteLength >= 16 ? dv().getUint32(8) : 0;
        setU32(b, off + 4 * r.int(Math.max(1, (len - off) >> 2)), r.pick([1, 2, 3, 4, 9, 0, 5, r.u32()]));
        break;
      }
      case 6: // property length
        if (props.length) setU32(b, r.pick(props) + 4, r.pick([...INTERESTING, r.int(64), r.u32()]));
        break;
      case 7: // property name offset
        if (props.length) setU32(b, r.pick(props) + 8, r.pick([...INTERESTING, r.int(512), r.u32()]));
        break;
      case 8: { // property value bytes (cells of reg, size, bootargs, …)
        if (props.length) {
          const p = r.pick(props) + 12;
          for (let j = r.int(16); j > 0; j--) if (p + j < len) b[p + r.int(16)] = r.pick([0, 0xff, r.int(256)]);
        }
        break;
      }
      default: { // splice a chunk of the blob over another place
        const n = 4 * (1 + r.int(16));
        const from = r.int(Math.max(1, len - n));
        const to = r.int(Math.max(1, len - n));
        b.copyWithin(to, from, from + n);
      }
    }
  }
  return b;
}

/** Random trees from the writer: odd cells, overlapping and zero-size regions, bad lengths. */
function randomSpec(r: Rng): FdtNodeSpec {
  const ac = r.pick([0, 1, 2, 2, 2, 3, 4]);
  const sc = r.pick([0, 1, 2, 2, 2, 3]);
  const cell = (): number => r.pick([0, 1, 0x1000, 0x40000000, 0x80000000, 0xffffffff, 0x1fffff, 0x200000, r.u32()]);
  const cells = (n: number): number[] => Array.from({ length: n }, cell);
  const raw = (): Uint8Array => Uint8Array.from({ length: r.int(40) }, () => r.int(256));
  const val = (n: number): FdtPropValue => (r.chance(0.15) ? raw() : cells(n));
  const pairs = (k: number): FdtPropValue => val(k * (ac + sc));
  const kids: FdtNodeSpec[] = [];
  for (let i = r.int(4); i >= 0; i--) {
    const props: Record<string, FdtPropValue> = { device_type: r.chance(0.9) ? 'memory' : raw(), reg: pairs(r.int(4)) };
    if (r.chance(0.2)) props['linux,usable-memory'] = pairs(r.int(3));
    if (r.chance(0.2)) props['status'] = r.pick(['okay', 'ok', 'disabled', 'fail']);
    if (r.chance(0.2)) props['hotpluggable'] = true;
    if (r.chance(0.2)) props['numa-node-id'] = val(1);
    kids.push({ name: `memory@${i}`, props, children: r.chance(0.1) ? [{ name: 'memory', props: { device_type: 'memory', reg: pairs(1) } }] : [] });
  }
  const rm: FdtNodeSpec[] = [];
  for (let i = r.int(6); i > 0; i--) {
    const props: Record<string, FdtPropValue> = {};
    if (r.chance(0.5)) props['reg'] = pairs(r.int(3));
    if (r.chance(0.6)) props['size'] = val(r.chance(0.8) ? sc : r.int(4));
    if (r.chance(0.3)) props['alignment'] = val(r.chance(0.8) ? ac : r.int(4));
    if (r.chance(0.3)) props['alloc-ranges'] = pairs(r.int(3));
    if (r.chance(0.3)) props['no-map'] = true;
    if (r.chance(0.3)) props['reusable'] = true;
    if (r.chance(0.3)) props['compatible'] = r.pick(['shared-dma-pool', 'restricted-dma-pool']);
    if (r.chance(0.2)) props['linux,cma-default'] = true;
    if (r.chance(0.2)) props['phandle'] = val(r.int(3));
    if (r.chance(0.1)) props['status'] = 'disabled';
    rm.push({ name: `r${i}@${i}`, props, children: r.chance(0.1) ? [{ name: 'deep', props: { size: val(sc) } }] : [] });
  }
  if (rm.length || r.chance(0.2)) {
    const props: Record<string, FdtPropValue> = { '#address-cells': r.chance(0.9) ? [ac] : [ac + 1], '#size-cells': [sc] };
    if (r.chance(0.9)) props['ranges'] = true;
    kids.push({ name: 'reserved-memory', props, children: rm });
  }
  const chosen: Record<string, FdtPropValue> = {};
  if (r.chance(0.7)) chosen['bootargs'] = r.chance(0.8) ? 'console=ttyAMA0 cma=64M mem=1G' : raw();
  if (r.chance(0.5)) chosen['linux,initrd-start'] = val(1 + r.int(3));
  if (r.chance(0.5)) chosen['linux,initrd-end'] = val(1 + r.int(3));
  if (r.chance(0.3)) chosen['linux,usable-memory-range'] = r.chance(0.5) ? pairs(1 + r.int(2)) : raw();
  kids.push({ name: r.pick(['chosen', 'chosen@0', 'chosen@1']), props: chosen });
  if (r.chance(0.3)) kids.push({ name: 'cpus', props: { '#address-cells': val(1) }, children: [{ name: 'cpu@0', props: { device_type: 'cpu', reg: val(r.int(3)), 'numa-node-id': val(1) } }] });
  if (r.chance(0.3)) kids.push({ name: 'distance-map', props: { compatible: 'numa-distance-map-v1', 'distance-matrix': val(r.int(10)) } });
  if (r.chance(0.3)) kids.push({ name: 'soc', props: { '#address-cells': val(1), '#size-cells': val(1), 'dma-ranges': val(r.int(8)), ...(r.chance(0.3) ? { device_type: 'pci' } : {}) } });
  const rootProps: Record<string, FdtPropValue> = {};
  if (r.chance(0.9)) rootProps['#address-cells'] = r.chance(0.9) ? [ac] : raw();
  if (r.chance(0.9)) rootProps['#size-cells'] = [sc];
  return { name: '', props: rootProps, children: kids };
}

function exercise(b: Uint8Array, kernel: '5.10' | '6.1'): void {
  const t = parseFdt(b);
  const len = b.length;
  if (t.nodeCount * 12 > len) throw new Error(`node count ${t.nodeCount} not linear in ${len} bytes`);
  if (t.tokensRead > t.header.sizeDtStruct / 4) throw new Error(`${t.tokensRead} tokens read from a ${t.header.sizeDtStruct}-byte structure block`);
  const s = fdtScan(t, kernel);
  if (s.memory.length * 4 > len || s.reservedMem.staticRegs.length * 4 > len) throw new Error('scan output not linear in the blob size');
  if (s.reservedMem.entries.length > 64) throw new Error('more than MAX_RESERVED_REGIONS entries saved');
  for (const m of s.memory) {
    if (!Number.isSafeInteger(m.base) || !Number.isSafeInteger(m.size)) throw new Error(`unsafe memory pair ${m.base} ${m.size}`);
    const r = earlyInitDtAddMemoryArch(m.base, m.size, { minAddr: 0x40000000, maxAddr: 0xffffffff });
    if (r && (r.base % 4096 !== 0 || r.size % 4096 !== 0 || r.size <= 0)) throw new Error(`bad sanitised range ${r.base} ${r.size}`);
  }
  const sorted = sortReservedMem(s.reservedMem.entries);
  if (sorted.length !== s.reservedMem.entries.length) throw new Error('sort lost entries');
}

const b64 = (b: Uint8Array): string => Buffer.from(b.subarray(0, 4096)).toString('base64');

describe('DTB fuzz', () => {
  it(`${MUTATED_CASES} mutated oracle DTBs end in a value or an MmError`, () => {
    const r = new Rng(SEED);
    const o = newOutcome();
    const failures: string[] = [];
    for (let i = 0; i < MUTATED_CASES && failures.length < 5; i++) {
      const k = r.int(seeds.length);
      const b = mutate(r, seeds[k]!, seedProps[k]!);
      const res = runCase(o, 'mutated DTB', SEED, i, () => b64(b), () => exercise(b, i % 2 ? '5.10' : '6.1'));
      if (!res.ok) failures.push(res.message);
    }
    expect(failures).toEqual([]);
    expect(o.values + o.errors).toBe(MUTATED_CASES);
    // The corpus reaches both outcomes and many distinct error codes.
    expect(o.values).toBeGreaterThan(MUTATED_CASES / 20);
    expect(o.errors).toBeGreaterThan(MUTATED_CASES / 5);
    for (const code of ['FDT_BAD_MAGIC', 'FDT_TRUNCATED', 'FDT_BAD_OFFSET', 'FDT_BAD_TOKEN', 'FDT_BAD_STRING', 'FDT_BAD_PROPERTY', 'FDT_BAD_VERSION']) {
      expect(o.codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
  });

  it(`${STRUCTURAL_CASES} random writer trees (odd cells, overlaps, zero sizes) end in a value or an MmError`, () => {
    const r = new Rng(SEED ^ 0x9e3779b9);
    const o = newOutcome();
    const failures: string[] = [];
    for (let i = 0; i < STRUCTURAL_CASES && failures.length < 5; i++) {
      const spec = randomSpec(r);
      const b = buildFdt({ root: spec, memReserve: r.chance(0.2) ? [{ address: r.int(2 ** 40), size: r.int(2 ** 30) }] : [] });
      const res = runCase(o, 'writer DTB', SEED, i, () => b64(b), () => exercise(b, i % 2 ? '5.10' : '6.1'));
      if (!res.ok) failures.push(res.message);
    }
    expect(failures).toEqual([]);
    expect(o.values).toBeGreaterThan(STRUCTURAL_CASES / 4);
    expect(o.errors).toBeGreaterThan(0);
  });

  it(`${FULL_BLOB_CASES} header mutations of the unpacked 1 MiB oracle blobs`, () => {
    const r = new Rng(SEED ^ 0x1234567);
    const o = newOutcome();
    const failures: string[] = [];
    for (let i = 0; i < FULL_BLOB_CASES; i++) {
      const b = fullBlobs[i % fullBlobs.length]!.slice(0, r.chance(0.3) ? r.int(1 << 20) : 1 << 20);
      setU32(b, 4 * (1 + r.int(9)), r.pick([...INTERESTING, r.int(1 << 21)]));
      const res = runCase(o, 'full DTB', SEED, i, () => b64(b), () => exercise(b, '6.1'));
      if (!res.ok) failures.push(res.message);
    }
    expect(failures).toEqual([]);
  });
});
