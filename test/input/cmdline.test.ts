import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'fs';
import { memparse, simpleStrtoull } from '../../src/sim/input/memparse';
import { parseCmdline, splitCmdline } from '../../src/sim/input/cmdline';
import { MmError } from '../../src/sim/errors';
import { ORACLE } from '../helpers/oracle-dir';

function err(f: () => unknown): MmError | null {
  try {
    f();
  } catch (e) {
    if (e instanceof MmError) return e;
    throw e;
  }
  return null;
}

describe('memparse', () => {
  it('handles bases and suffixes', () => {
    expect(memparse('64M').value).toBe(64 * 2 ** 20);
    expect(memparse('64m').value).toBe(64 * 2 ** 20);
    expect(memparse('0x1000').value).toBe(0x1000);
    expect(memparse('0x10k').value).toBe(0x10 * 1024);
    expect(memparse('010').value).toBe(8);
    expect(memparse('0').value).toBe(0);
    expect(memparse('1G').value).toBe(2 ** 30);
    expect(memparse('2T').value).toBe(2 * 2 ** 40);
    expect(memparse('3P').value).toBe(3 * 2 ** 50);
    expect(memparse('4E').overflow).toBe(true); // 2^62 is above 2^53
    expect(memparse('16E').overflow).toBe(true); // wraps u64 in the kernel
    expect(memparse('99999999999999999999999').overflow).toBe(true);
  });
  it('reports what it consumed and the rest', () => {
    expect(memparse('64M@0x40000000')).toMatchObject({ value: 64 << 20, consumed: 3, rest: '@0x40000000' });
    expect(memparse('abc')).toMatchObject({ value: 0, consumed: 0, digits: 0, rest: 'abc' });
    expect(memparse('K')).toMatchObject({ value: 0, consumed: 1, digits: 0, rest: '' }); // the kernel takes the suffix anyway
    expect(memparse('0x')).toMatchObject({ value: 0, consumed: 1, rest: 'x' }); // "0" then 'x' (no hex digit follows)
    expect(memparse('12Q')).toMatchObject({ value: 12, consumed: 2, rest: 'Q' });
    expect(memparse('089').consumed).toBe(1); // octal stops at 8
  });
  it('simple_strtoull stops at the first non-digit', () => {
    expect(simpleStrtoull('150%')).toEqual({ value: 150n, consumed: 3, overflow: false });
  });
});

describe('splitCmdline (next_arg)', () => {
  it('splits on whitespace and keeps unknown params', () => {
    const { tokens } = splitCmdline('  console=ttyS0,115200   nokaslr foo=bar=baz  ');
    expect(tokens).toEqual([
      { param: 'console', value: 'ttyS0,115200', index: 0 },
      { param: 'nokaslr', value: null, index: 1 },
      { param: 'foo', value: 'bar=baz', index: 2 },
    ]);
  });
  it('honours double quotes like the kernel', () => {
    const { tokens } = splitCmdline('a="x y" "b=c d" e="" "f g"');
    expect(tokens.map((t) => [t.param, t.value])).toEqual([['a', 'x y'], ['b', 'c d'], ['e', ''], ['f g', null]]);
  });
  it('"=" at offset 0 is not a value separator', () => {
    expect(splitCmdline('=x').tokens[0]).toMatchObject({ param: '=x', value: null });
    expect(splitCmdline('=a=b').tokens[0]).toMatchObject({ param: '=a', value: 'b' });
  });
  it('"--" ends kernel parameters', () => {
    const r = splitCmdline('mem=1G -- init=/bin/sh mem=2G');
    expect(r.tokens.map((t) => t.param)).toEqual(['mem']);
    expect(r.initArgs).toEqual(['init=/bin/sh', 'mem=2G']);
    expect(parseCmdline('mem=1G -- mem=2G', 'arm64').mem).toEqual({ kind: 'size-limit', limit: 2 ** 30 });
  });
});

describe('parseCmdline', () => {
  it('reads every oracle command line', () => {
    const dirs = readdirSync(ORACLE).filter((d) => /^(a64|a32|x64)-/.test(d));
    expect(dirs.length).toBe(10);
    for (const d of dirs) {
      const line = readFileSync(`${ORACLE}/${d}/cmdline.txt`, 'utf8').trim();
      const arch = d.startsWith('a64') ? 'arm64' : d.startsWith('a32') ? 'arm' : 'x86_64';
      const p = parseCmdline(line, arch);
      expect(p.memblockDebug).toBe(true);
      expect(p.tokens.length).toBe(line.split(/\s+/).length);
      expect(p.cma).toEqual(d === 'a64-2g-cma64' ? { size: 64 << 20, base: 0, limit: 0, fixed: false } : undefined);
      expect(p.transparentHugepage).toBe(d === 'a64-1g-nothp' ? 'never' : undefined);
    }
  });
  it('mem= per architecture', () => {
    expect(parseCmdline('mem=1000001', 'arm64').mem).toEqual({ kind: 'size-limit', limit: 1000001 - (1000001 % 4096) });
    expect(parseCmdline('mem=512M mem=256M@0x80000000', 'arm').mem).toEqual({ kind: 'banks', banks: [{ size: 512 << 20, start: null }, { size: 256 << 20, start: 0x80000000 }] });
    expect(parseCmdline('mem=2G mem=1G', 'x86_64').mem).toEqual({ kind: 'address-limit', limit: 2 ** 30 });
    const np = parseCmdline('mem=nopentium', 'x86_64');
    expect(np.mem).toBeUndefined();
    expect(np.warnings.length).toBe(1);
    expect(err(() => parseCmdline('mem=0', 'x86_64'))?.code).toBe('CMDLINE_BAD_VALUE');
    expect(parseCmdline('mem=0', 'arm64').mem).toEqual({ kind: 'size-limit', limit: 0 });
  });
  it('cma= forms and the fixed rule', () => {
    expect(parseCmdline('cma=0', 'arm64').cma).toEqual({ size: 0, base: 0, limit: 0, fixed: true });
    expect(parseCmdline('cma=64M@0x50000000', 'arm64').cma).toEqual({ size: 64 << 20, base: 0x50000000, limit: 0x54000000, fixed: true });
    expect(parseCmdline('cma=64M@0x50000000-0x60000000', 'arm64').cma).toEqual({ size: 64 << 20, base: 0x50000000, limit: 0x60000000, fixed: false });
    expect(parseCmdline('cma=64M@0-4G', 'arm64').cma).toEqual({ size: 64 << 20, base: 0, limit: 2 ** 32, fixed: false });
    // A later cma= without @ keeps the earlier base/limit, like the kernel's globals.
    expect(parseCmdline('cma=64M@0x50000000 cma=32M', 'arm64').cma).toEqual({ size: 32 << 20, base: 0x50000000, limit: 0x54000000, fixed: false });
    // Larger than any RAM is still a well-formed request.
    expect(parseCmdline('cma=8T', 'arm64').cma?.size).toBe(8 * 2 ** 40);
  });
  it('kernelcore / movablecore', () => {
    expect(parseCmdline('kernelcore=mirror', 'x86_64').kernelcore).toEqual({ kind: 'mirror' });
    expect(parseCmdline('kernelcore=512M', 'x86_64').kernelcore).toEqual({ kind: 'size', bytes: 512 << 20, pages: 131072 });
    expect(parseCmdline('movablecore=25%', 'arm64').movablecore).toEqual({ kind: 'percent', percent: 25 });
    expect(parseCmdline('movablecore=0x1001', 'arm64').movablecore).toEqual({ kind: 'size', bytes: 0x1001, pages: 1 });
    expect(err(() => parseCmdline('movablecore=mirror', 'arm64'))?.code).toBe('CMDLINE_BAD_VALUE');
  });
  it('transparent_hugepage, memblock, vmalloc, crashkernel, swiotlb', () => {
    const p = parseCmdline('transparent_hugepage=madvise memblock=debug,x vmalloc=512M crashkernel=256M@0x1000000 swiotlb=65536,force', 'arm');
    expect(p.transparentHugepage).toBe('madvise');
    expect(p.memblockDebug).toBe(true);
    expect(p.vmalloc).toBe(512 << 20);
    expect(p.crashkernel).toBe('256M@0x1000000');
    expect(p.swiotlb).toBe('65536,force');
    expect(parseCmdline('memblock=nodebug', 'arm64').memblockDebug).toBe(true); // strstr, as in the kernel
    expect(parseCmdline('memblock=x', 'arm64').memblockDebug).toBe(false);
    expect(parseCmdline('vmalloc=512M', 'arm64').vmalloc).toBeUndefined();
  });
  it('malformed values name the token and its index', () => {
    const cases: [string, number][] = [
      ['cma=abc', 0], ['console=x mem=12Q', 1], ['a b cma=64M@foo', 2], ['movablecore=150%', 0], ['cma=64M@0x1000-', 0],
      ['cma=64Mx', 0], ['cma=', 0], ['cma', 0], ['kernelcore=', 0], ['transparent_hugepage=sometimes', 0], ['mem=', 0],
      ['mem=99999999999999999999', 0], ['kernelcore=5%x', 0], ['cma=1P@8P', 0], ['cma=K', 0], ['cma=64M@G', 0],
    ];
    for (const [line, idx] of cases) {
      const e = err(() => parseCmdline(line, 'arm64'));
      expect(e?.code, line).toBe('CMDLINE_BAD_VALUE');
      expect(e?.location, line).toBe(`command-line token ${idx}`);
      expect(e?.message, line).toContain(line.split(' ')[idx]!.split('=')[0]!);
    }
  });
});
