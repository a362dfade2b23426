/** Hostile or damaged zoneinfo input: a clear error or warning, never a silent merge or a crash. */
import { describe, expect, it } from 'vitest';
import { bootFromZoneinfo } from '../../src/sim/machine/zoneinfo-import';
import { MmError } from '../../src/sim/errors';
import { parseZoneinfo } from '../../src/sim/format/zoneinfo-parse';
import { fixture, oracle } from './fixtures';

const x64 = oracle('x64-6g-numa2');
function error(f: () => unknown): MmError {
  try { f(); } catch (e) { if (e instanceof MmError) return e; throw e; }
  throw new Error('no error');
}
const lineOf = (text: string, needle: string, from = 0) => text.split('\n').findIndex((l, i) => i >= from && l.includes(needle)) + 1;

describe('hostile zoneinfo', () => {
  it('9000 CPUs: no modelled arch has that many', () => {
    const e = error(() => parseZoneinfo(x64.replace('    cpu: 1\n', '    cpu: 9000\n')));
    expect([e.code, e.message]).toEqual(['ZONEINFO_PARSE', expect.stringMatching(/cpu 9000: no modelled architecture has more than 8192 CPUs/)]);
  });
  it('CPU ids above the arch\'s NR_CPUS are refused on import (arm64: 4096)', () => {
    const e = error(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64').replace(/    cpu: 0\n/g, '    cpu: 5000\n') }));
    expect(e.message).toMatch(/it lists cpu 5000, but arm64 kernels have at most 4096 CPUs/);
  });
  it('a zone of 2^53 pages is refused', () => {
    const e = error(() => parseZoneinfo(x64.replace('spanned  782304', `spanned  ${2 ** 53}`)));
    expect(e.message).toMatch(/spanned 9007199254740992 pages is more than a 52-bit physical address space holds/);
    expect(e.location).toBe(`line ${lineOf(x64, 'spanned  782304')}`);
  });
  it('a repeated managed line is refused, naming both lines', () => {
    const n = lineOf(x64, 'managed  3840');
    const text = x64.replace('        managed  3840\n', '        managed  3840\n        managed  3841\n');
    const e = error(() => parseZoneinfo(text));
    expect(e.message).toMatch(new RegExp(`node 0 zone DMA has a second "managed" line \\(the first is at line ${n}\\)`));
    expect(e.location).toBe(`line ${n + 1}`);
  });
  it('a deleted "cpu:" header is refused, not merged into the previous CPU', () => {
    const n = lineOf(x64, '    cpu: 1');
    const lines = x64.split('\n');
    lines.splice(n - 1, 1);
    const e = error(() => parseZoneinfo(lines.join('\n')));
    expect(e.message).toMatch(/cpu 0 of node 0 zone DMA has a second "count:" line: a "cpu:" line is probably missing/);
  });
  it('a deleted zone header is refused, not merged into the previous zone', () => {
    const lines = x64.split('\n');
    lines.splice(lineOf(x64, 'zone   Normal') - 1, 1);
    const e = error(() => parseZoneinfo(lines.join('\n')));
    expect(e.message).toMatch(/node 0 zone DMA32 has a second "free" line .*the "Node N, zone NAME" header of the next zone is probably missing/);
  });
  it('a zone printed twice, or out of order, is refused', () => {
    const dma = x64.slice(0, x64.indexOf('Node 0, zone    DMA32'));
    expect(error(() => parseZoneinfo(x64 + dma)).message).toMatch(/node 0 zone DMA is printed twice \(first at line 1\)/);
  });
  it('binary bytes are not echoed into messages', () => {
    const e = error(() => parseZoneinfo('\u0000\u001b[31mELF\u0002\u0001\n'));
    expect(e.message).toMatch(/it starts "\\x00\\x1b\[31mELF\\x02\\x01"/);
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    const long = parseZoneinfo(`${x64}\u0007${'x'.repeat(5000)}\n`);
    expect(long.warnings[0]!.message.length).toBeLessThan(200);
    expect(long.warnings[0]!.message).toMatch(/"\\x07x+…"/);
  });
  it('counters above 2^53 (a negative per-CPU sum printed as %lu) are kept with a warning', () => {
    const p = parseZoneinfo(x64.replace('nr_zone_write_pending 0', 'nr_zone_write_pending 18446744073709551615'));
    expect(p.warnings.map((w) => w.code)).toEqual(['ZONEINFO_HUGE_COUNTER']);
  });
  it('managed above present, or a zone without its size, is refused on import', () => {
    expect(error(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: fixture('partial.txt').replace('managed  503910', 'managed  600000') })).message)
      .toMatch(/node 0 zone DMA has managed 600000 above present 524288/);
    expect(error(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: fixture('partial.txt').replace('        spanned  524288\n', '') })).code).toBe('ZONEINFO_INCOMPLETE');
  });
  it('mixed layouts in one paste are refused', () => {
    const text = x64.replace('        boost    0\n', '');
    expect(error(() => parseZoneinfo(text)).message).toMatch(/mixed layouts: node 0 zone DMA has no "boost" line/);
  });
});
