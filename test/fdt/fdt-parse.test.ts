import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseFdt, findNode, readCells, propString, propStringList, buildFdt, FDT_MAX_DEPTH, type FdtNodeSpec } from '../../src/sim/fdt';
import { MmError } from '../../src/sim/errors';
import { ORACLE } from '../helpers/oracle-dir';

const dtbFiles = readdirSync(ORACLE)
  .flatMap((d) => ['virt.dtb', 'fdt-from-kernel.dtb', 'modified.dtb', 'base-virt.dtb'].map((f) => join(ORACLE, d, f)))
  .filter((p) => existsSync(p));

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MmError) return e.code;
    throw e;
  }
  return 'no error';
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

describe('parseFdt on the oracle DTBs', () => {
  it('finds the oracle blobs', () => {
    expect(dtbFiles.length).toBeGreaterThanOrEqual(10);
  });
  for (const file of dtbFiles) {
    it(`parses ${file.slice(ORACLE.length + 1)} and agrees with its .dts`, () => {
      const tree = parseFdt(new Uint8Array(readFileSync(file)));
      const dtsFile = file.replace(/\.dtb$/, '.dts');
      const dts = readFileSync(dtsFile, 'utf8');
      // Every "name {" line of the decompiled source is one node.
      // (modified.dts appends a second "/ {" block that dtc merges into the root.)
      const opens = dts.split('\n').filter((l) => /\{\s*$/.test(l)).length;
      const roots = dts.split('\n').filter((l) => /^\/ \{\s*$/.test(l)).length;
      expect(tree.nodeCount).toBe(opens - (roots - 1));
      const mem = tree.root.children.filter((c) => c.name.startsWith('memory@'));
      const dtsMem = [...dts.matchAll(/memory@([0-9a-f]+) \{\s*\n\s*reg = <([^>]+)>/g)];
      expect(mem.length).toBe(dtsMem.length);
      for (let i = 0; i < mem.length; i++) {
        const cells = dtsMem[i]![2]!.split(/\s+/).map((x) => Number(x));
        const reg = mem[i]!.props.get('reg')!;
        expect(readCells(reg, 2, 0)).toBe(cells[0]! * 2 ** 32 + cells[1]!);
        expect(readCells(reg, 2, 2)).toBe(cells[2]! * 2 ** 32 + cells[3]!);
      }
      const chosen = findNode(tree, '/chosen')!;
      const bootargs = /bootargs = "([^"]*)"/.exec(dts)?.[1];
      expect(propString(chosen, 'bootargs')).toBe(bootargs);
      const cmdline = join(file, '..', 'cmdline.txt');
      if (existsSync(cmdline) && file.endsWith('fdt-from-kernel.dtb')) {
        expect(propString(chosen, 'bootargs')).toBe(readFileSync(cmdline, 'utf8').trim());
      }
      expect(propStringList(tree.root, 'compatible')).toEqual(['linux,dummy-virt']);
      expect(tree.memReserve).toEqual([]);
    });
  }
});

describe('parseFdt rejects defects with stable codes', () => {
  const good = buildFdt({
    root: { name: '', props: { '#address-cells': [2], '#size-cells': [2] }, children: [{ name: 'memory@40000000', props: { device_type: 'memory', reg: { cells: [0x40000000, 0x10000000], size: 2 } } }] },
  });
  const mutate = (f: (b: Uint8Array) => void): Uint8Array => {
    const b = good.slice();
    f(b);
    return b;
  };
  const hdr = dv(good);
  const offStruct = hdr.getUint32(8);
  const offStrings = hdr.getUint32(12);

  it('accepts the unmodified blob', () => {
    expect(parseFdt(good).root.children[0]!.name).toBe('memory@40000000');
  });
  it('bad magic', () => expect(codeOf(() => parseFdt(mutate((b) => (b[0] = 0))))).toBe('FDT_BAD_MAGIC'));
  it('truncated below the header', () => expect(codeOf(() => parseFdt(good.slice(0, 20)))).toBe('FDT_TRUNCATED'));
  it('lying totalsize', () => expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(4, good.length + 1))))).toBe('FDT_TRUNCATED'));
  it('truncated blob', () => expect(codeOf(() => parseFdt(good.slice(0, good.length - 3)))).toBe('FDT_TRUNCATED'));
  it('old version', () => expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(0x14, 15))))).toBe('FDT_BAD_VERSION'));
  it('last_comp_version too new', () => expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(0x18, 18))))).toBe('FDT_BAD_VERSION'));
  it('misaligned reservation block', () => expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(0x10, 44))))).toBe('FDT_BAD_OFFSET'));
  it('structure block past the end', () => expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(0x24, 0xfffffff0))))).toBe('FDT_BAD_OFFSET'));
  it('strings block past the end', () => expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(0x0c, good.length + 8))))).toBe('FDT_BAD_OFFSET'));
  it('unknown token', () => expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(offStruct, 7))))).toBe('FDT_BAD_TOKEN'));
  it('property name offset outside the strings block', () => {
    // First FDT_PROP is right after the root's BEGIN_NODE (4) and empty name (4).
    expect(dv(good).getUint32(offStruct + 8)).toBe(3);
    expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(offStruct + 16, 0x10000))))).toBe('FDT_BAD_STRING');
  });
  it('unterminated property name', () => {
    expect(codeOf(() => parseFdt(mutate((b) => (b[b.length - 1] = 0x41))))).toBe('FDT_BAD_STRING');
  });
  it('property length beyond the structure block', () => {
    expect(codeOf(() => parseFdt(mutate((b) => dv(b).setUint32(offStruct + 12, 0x7fffffff))))).toBe('FDT_BAD_PROPERTY');
  });
  it('missing END_NODE', () => {
    const b = mutate((x) => {
      // Replace the root's END_NODE (just before FDT_END) with NOP.
      const end = offStrings - 4;
      expect(dv(x).getUint32(end)).toBe(9);
      dv(x).setUint32(end - 4, 4);
    });
    expect(codeOf(() => parseFdt(b))).toBe('FDT_BAD_STRUCTURE');
  });
  it('nesting deeper than the bound', () => {
    let n: FdtNodeSpec = { name: 'leaf' };
    for (let i = 0; i < FDT_MAX_DEPTH; i++) n = { name: `n${i}`, children: [n] };
    const b = buildFdt({ root: { name: '', children: [n] } });
    const e = (() => {
      try {
        parseFdt(b);
      } catch (err) {
        return err as MmError;
      }
      return null;
    })();
    expect(e?.code).toBe('FDT_TOO_DEEP');
    expect(e?.message).toMatch(/offset 0x[0-9a-f]+ in node \/n\d+/);
  });
  it('a location names the offset and node', () => {
    try {
      parseFdt(mutate((b) => dv(b).setUint32(offStruct + 12, 0x7fffffff)));
      expect.unreachable();
    } catch (e) {
      expect((e as MmError).location).toBe(`DTB offset 0x${(offStruct + 8).toString(16)} in node /`);
    }
  });
});

describe('memory reservation block and cells', () => {
  it('reads /memreserve/ up to the first size-0 entry', () => {
    const b = buildFdt({ root: { name: '' }, memReserve: [{ address: 0x1000, size: 0x2000 }, { address: 0x8000_0000_0, size: 1 }] });
    expect(parseFdt(b).memReserve).toEqual([{ address: 0x1000, size: 0x2000 }, { address: 0x8000_0000_0, size: 1 }]);
  });
  it('readCells assembles big-endian cells and keeps the low 64 bits', () => {
    const v = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 2, 0x80, 0, 0, 0]);
    expect(readCells(v, 1)).toBe(1);
    expect(readCells(v, 2)).toBe(2 ** 32 + 2);
    expect(readCells(v, 3)).toBe(2 * 2 ** 32 + 0x80000000); // leading cell dropped
    expect(readCells(v, 0)).toBe(0);
  });
  it('readCells rejects values above 2^53 and reads past the end', () => {
    expect(codeOf(() => readCells(new Uint8Array([0, 0x20, 0, 0, 0, 0, 0, 0]), 2))).toBe('FDT_VALUE_TOO_LARGE');
    expect(readCells(new Uint8Array([0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 2)).toBe(Number.MAX_SAFE_INTEGER);
    expect(codeOf(() => readCells(new Uint8Array(6), 2))).toBe('FDT_BAD_PROPERTY');
  });
  it('findNode matches unit addresses like fdt_path_offset', () => {
    const t = parseFdt(buildFdt({ root: { name: '', children: [{ name: 'soc', children: [{ name: 'uart@9000000' }] }, { name: 'chosen@5' }] } }));
    expect(findNode(t, '/soc/uart')?.path).toBe('/soc/uart@9000000');
    expect(findNode(t, '/soc/uart@9000000')?.path).toBe('/soc/uart@9000000');
    expect(findNode(t, '/soc/uart@1')).toBeNull();
    expect(findNode(t, '/chosen')?.name).toBe('chosen@5');
    expect(findNode(t, '/')?.path).toBe('/');
  });
});

describe('buildFdt round trip', () => {
  it('round-trips every property kind', () => {
    const spec = {
      root: {
        name: '',
        props: { '#address-cells': [2], model: 'm', compatible: ['a,b', 'c'], flag: true as const, raw: new Uint8Array([1, 2, 3]), big: { cells: [2 ** 40 + 5], size: 2 } },
        children: [{ name: 'x@1', props: { reg: [1, 2, 3] }, children: [{ name: 'y' }] }],
      },
      memReserve: [{ address: 0x100000, size: 0x1000 }],
    };
    const t = parseFdt(buildFdt(spec));
    const r = t.root;
    expect(readCells(r.props.get('#address-cells')!, 1)).toBe(2);
    expect(propString(r, 'model')).toBe('m');
    expect(propStringList(r, 'compatible')).toEqual(['a,b', 'c']);
    expect(r.props.get('flag')!.length).toBe(0);
    expect([...r.props.get('raw')!]).toEqual([1, 2, 3]);
    expect(readCells(r.props.get('big')!, 2)).toBe(2 ** 40 + 5);
    expect(r.children[0]!.path).toBe('/x@1');
    expect(r.children[0]!.children[0]!.path).toBe('/x@1/y');
    expect(readCells(r.children[0]!.props.get('reg')!, 1, 2)).toBe(3);
    expect(t.memReserve).toEqual([{ address: 0x100000, size: 0x1000 }]);
    // Re-serialising the oracle-like tree gives identical bytes.
    expect(buildFdt(spec)).toEqual(buildFdt(spec));
  });
  it('keeps the first of two properties with the same name', () => {
    const b = buildFdt({ root: { name: '', props: { a: [1], b: [2] } } });
    // Rename property "b" to "a" by pointing its nameoff at "a".
    const h = dv(b);
    const offStruct = h.getUint32(8);
    const firstNameoff = h.getUint32(offStruct + 16);
    h.setUint32(offStruct + 32, firstNameoff);
    const t = parseFdt(b);
    expect(readCells(t.root.props.get('a')!, 1)).toBe(1);
    expect(t.root.props.size).toBe(1);
  });
});
