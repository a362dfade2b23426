/**
 * parseZoneinfo reads the layouts of zoneinfo_show_print from 3.x to 6.12 (test/fixtures/zoneinfo),
 * partial and framed dumps; what a layout lacks is undefined, never 0.
 */
import { describe, expect, it } from 'vitest';
import { parseZoneinfo } from '../../src/sim/format/zoneinfo-parse';
import { zoneinfoToView } from '../../src/sim/format/zoneinfo-view';
import { renderZoneinfo } from '../../src/sim/format/zoneinfo';
import { checkZoneinfoLayout } from '../../src/sim/format/zoneinfo-layout';
import { fixture, oracle } from './fixtures';

describe('zoneinfo layouts', () => {
  it.each([
    ['3.4-arm-nomanaged.txt', '3.0–3.7'],
    ['3.10-x86_64.txt', '3.8–4.7'],
    ['4.8-x86_64.txt', '4.8–4.11'],
    ['4.9-android-arm64.txt', '4.12–5.11'],
    ['5.15-arm64-cma.txt', '5.12–5.15'],
    ['6.12-x86_64.txt', '≥6.7'],
    ['android-bugreport.txt', '4.12–5.11'],
    ['partial.txt', 'partial'],
  ])('%s is the %s layout and reads without unknown lines', (file, layout) => {
    const p = parseZoneinfo(fixture(file));
    expect(p.format.name).toBe(layout);
    expect(p.unknown.count).toBe(0);
    expect(p.warnings.filter((w) => w.code !== 'ZONEINFO_SKIPPED_TEXT')).toEqual([]);
  });

  it('3.x: scanned and no managed; the stats (4-space indent) come before protection; fields a layout lacks are undefined', () => {
    const p = parseZoneinfo(fixture('3.4-arm-nomanaged.txt'));
    const n = p.zones[0]!;
    expect([n.zone, n.free, n.min, n.low, n.high, n.scanned, n.spanned, n.present]).toEqual(['Normal', 152318, 863, 1078, 1294, 0, 188416, 186368]);
    expect([n.managed, n.boost, n.cma, n.nodeUnreclaimable]).toEqual([undefined, undefined, undefined, undefined]);
    expect(n.protection).toEqual([0, 2048, 2048]);
    expect(n.protectionAfterStats).toBe(true);
    expect(n.statNames[0]).toBe('nr_free_pages');
    expect(n.startPfn).toBe(524288);
    expect(p.nodes[0]!.statNames).toEqual([]);
    expect(p.zones.map((z) => z.zone)).toEqual(['Normal', 'HighMem']);
  });

  it('3.8–4.7: numa_* printed among the zone stats keeps its place in the rendered list', () => {
    const p = parseZoneinfo(fixture('3.10-x86_64.txt'));
    expect(p.zones[1]!.managed).toBe(765113);
    const names = p.zones[0]!.statNames;
    expect(names.indexOf('numa_hit')).toBeLessThan(names.indexOf('nr_anon_transparent_hugepages'));
    const v = zoneinfoToView(p, { arch: 'x86_64', kernel: '5.10' });
    const text = renderZoneinfo(v);
    expect(text.indexOf('numa_other')).toBeLessThan(text.indexOf('nr_anon_transparent_hugepages'));
  });

  it('4.8: node_scanned, per-node stats, protection after the zone stats', () => {
    const p = parseZoneinfo(fixture('4.8-x86_64.txt'));
    expect(p.zones[0]!.scanned).toBe(0);
    expect(p.zones[0]!.protectionAfterStats).toBe(true);
    expect(p.nodes[0]!.statNames).toContain('nr_pages_scanned');
  });

  it('4.9 Android: offline CPU 2 is not listed; node_inactive_ratio is read past', () => {
    const p = parseZoneinfo(fixture('4.9-android-arm64.txt'));
    expect(p.zones[0]!.pagesets.map((s) => s.cpu)).toEqual([0, 1, 3]);
    expect(p.zoneNames).toEqual(['DMA', 'Normal', 'Movable']);
  });

  it('5.12–5.15: cma without boost', () => {
    const z = parseZoneinfo(fixture('5.15-arm64-cma.txt')).zones[0]!;
    expect([z.boost, z.cma]).toEqual([undefined, 16384]);
  });

  it('≥6.7: promo and pcp high_min/high_max with a per-CPU tuned high', () => {
    const p = parseZoneinfo(fixture('6.12-x86_64.txt'));
    const z = p.zones.find((q) => q.nid === 0 && q.zone === 'DMA32')!;
    expect(z.promo).toBe(z.high! + (z.high! - z.low!));
    expect(z.pagesets.map((s) => [s.cpu, s.high, s.batch, s.highMin, s.highMax])).toEqual([[0, 10297, 63, 10297, 41188], [1, 11368, 63, 10297, 41188]]);
  });

  it('a bugreport: the framing around the dump and the next section are skipped; the dump round-trips', () => {
    const p = parseZoneinfo(fixture('android-bugreport.txt'));
    expect(p.framing.before).toBe(4); // blank lines are not counted
    expect(p.framing.after).toBeGreaterThan(10);
    expect(renderZoneinfo(zoneinfoToView(p))).toBe(oracle('a64-512m-k510'));
  });

  it('a partial dump: only what it has, nothing printed that it lacks', () => {
    const p = parseZoneinfo(fixture('partial.txt'));
    expect(p.zones[0]!.protection).toBeUndefined();
    expect(p.zones[0]!.hasPagesets).toBe(false);
    expect(renderZoneinfo(zoneinfoToView(p, { kernel: '5.10' }))).toBe(fixture('partial.txt'));
  });

  it('a UTF-8 BOM and CRLF line ends read like the plain text', () => {
    const text = oracle('x64-6g-numa2');
    const p = parseZoneinfo('\ufeff' + text.replace(/\n/g, '\r\n'));
    expect(p.zones).toEqual(parseZoneinfo(text).zones);
    expect(p.warnings).toEqual([]);
  });

  it('unknown lines are counted and reported once, naming the layout', () => {
    const text = oracle('x64-1g').replace('        spanned  4095', '        spanned  4095\n        frobs:   12\n  weird: line').replace('  start_pfn:           4096', '  start_pfn:           4096\n  zone_flags: 0x3');
    const p = parseZoneinfo(text);
    expect(p.unknown.count).toBe(3);
    expect(p.warnings).toEqual([{ code: 'ZONEINFO_UNKNOWN_LINES', message: '3 lines not in the Linux 5.16–6.6 layout were ignored (first at line 52: "frobs:   12")' }]);
  });

  it('only text without a zone is refused', () => {
    expect(() => parseZoneinfo('MemTotal:        1014808 kB\n')).toThrow(/no "Node N, zone NAME" line: this is not a \/proc\/zoneinfo dump \(it starts "MemTotal:        1014808 kB"\)/);
    expect(() => parseZoneinfo('')).toThrow(/the text is empty/);
  });

  it('the layout that is exactly the other profile\'s is refused; others are one warning', () => {
    const f510 = parseZoneinfo(oracle('a64-512m-k510')).format;
    expect(() => checkZoneinfoLayout(f510, '6.1')).toThrow(/the 5\.10 layout .*choose the 5\.10 kernel profile/);
    expect(checkZoneinfoLayout(f510, '5.10')).toEqual([]);
    expect(() => checkZoneinfoLayout(parseZoneinfo(oracle('x64-1g')).format, '5.10')).toThrow(/the 6\.1 layout/);
    const w = checkZoneinfoLayout(parseZoneinfo(fixture('5.15-arm64-cma.txt')).format, '6.1');
    expect(w.map((x) => x.code)).toEqual(['ZONEINFO_LAYOUT']);
    expect(w[0]!.message).toMatch(/Linux 5\.12–5\.15 layout \(a cma line but no boost line\).*no boost line/);
  });
});
