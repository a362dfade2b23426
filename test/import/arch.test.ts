/** A dump that the chosen arch cannot have printed is refused; vendor zone sets of modelled arches are not. */
import { describe, expect, it } from 'vitest';
import { bootFromZoneinfo } from '../../src/sim/machine/zoneinfo-import';
import { fixture, oracle } from './fixtures';

describe('architecture of a dump', () => {
  it.each(['arm64', 'arm', 'x86_64'] as const)('s390x (DMA = the first 2 GiB from 0, no DMA32) is refused under %s', (arch) => {
    expect(() => bootFromZoneinfo({ arch, kernel: '5.10', zoneinfo: fixture('s390x.txt') })).toThrow(/s390x|x86_64's ZONE_DMA is the first 16 MiB|lowmem/);
    expect(() => bootFromZoneinfo({ arch, kernel: '5.10', zoneinfo: fixture('s390x.txt') })).toThrow(/not from an architecture mmbook models/);
  });
  it('i386 (DMA at pfn 1, HighMem) is refused under arm, and no modelled profile fits it', () => {
    expect(() => bootFromZoneinfo({ arch: 'arm', kernel: '5.10', zoneinfo: fixture('i386.txt') })).toThrow(/that is x86's layout, not arm's; it is not from an architecture mmbook models/);
  });
  it('x86_64 under arm64 names the profiles it matches; arm64 under x86_64 likewise', () => {
    expect(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('x64-1g') })).toThrow(/ZONE_DMA|x86's layout.*it matches the x86_64 6\.1, x86_64 5\.10 profiles/);
    expect(() => bootFromZoneinfo({ arch: 'x86_64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64') })).toThrow(/its DMA zone ends at pfn 786432, but x86_64's ZONE_DMA is the first 16 MiB.*it matches the arm64 6\.1, arm64 5\.10 profiles/);
    expect(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a32-2g-highmem') })).toThrow(/zone HighMem, which arm64 kernels do not have.*arm 6\.1/);
  });
  it('a vendor arm64 zone set (Android 4.9: DMA, Normal, Movable) is imported with its own zones', () => {
    const m = bootFromZoneinfo({ arch: 'arm64', kernel: '5.10', zoneinfo: fixture('4.9-android-arm64.txt') });
    expect(m.view().zoneNames).toEqual(['DMA', 'Normal', 'Movable']);
    expect(m.parts.warnings!.some((w) => w.startsWith('ZONEINFO_ZONES: the dump\'s kernel has zones DMA, Normal, Movable'))).toBe(true);
    expect(m.render('zoneinfo')).toBe(fixture('4.9-android-arm64.txt').replace(/\n  node_inactive_ratio: 0/g, ''));
  });
  it('riscv64\'s zone set (DMA32 from 2 GiB, Normal, Movable) is one an arm64 kernel without ZONE_DMA also prints: accepted', () => {
    const text = oracle('a64-2g-cma64').replace(/Node 0, zone      DMA\n/, 'Node 0, zone    DMA32\n').replace(/Node 0, zone    DMA32\n  pages free     0[\s\S]*?(?=Node 0, zone   Normal)/, '');
    expect(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: text })).not.toThrow();
  });
  it('a pagetypeinfo with another page block order (s390x 8, 64 KiB pages 13) is refused', () => {
    const pti = oracle('a64-2g-cma64', 'pagetypeinfo.txt').replace('Page block order: 9\nPages per block:  512', 'Page block order: 13\nPages per block:  8192');
    expect(() => bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: oracle('a64-2g-cma64'), pagetypeinfo: pti })).toThrow(/page block order 13 \(16 or 64 KiB pages\), but the arm64 profile has 9/);
  });
});
