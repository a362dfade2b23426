/**
 * A snapshot that does not match the machine, or disagrees with itself, is refused with a
 * SNAPSHOT_* MmError naming the file (its `location` is the file's name).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bootFromZoneinfo, bootMachine, importSnapshot, MmError, type SnapshotInput } from '../../src/sim/index';
import { decodeKpageflags } from '../../src/sim/snapshot/kpageflags';
import { gunzip } from '../../src/sim/snapshot/inflate';
import { rtMachine, rtSnapshot, rtText } from './helpers';

function refused(fn: () => unknown): MmError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MmError);
    return e as MmError;
  }
  throw new Error('not refused');
}

const fill = () => rtMachine('rt-a64-1g-fill');
const snap = (over: Partial<SnapshotInput> = {}): SnapshotInput => ({ ...rtSnapshot('rt-a64-1g-fill', 'rt_before'), ...over });

describe('refused snapshots', () => {
  it('a zoneinfo of another machine (the 2 GiB run\'s) on the 1 GiB machine', () => {
    const e = refused(() => importSnapshot(fill(), rtSnapshot('rt-a64-2g-hugetlb-cma', 'rt_before')));
    expect(e.code).toBe('SNAPSHOT_MISMATCH');
    expect(e.location).toBe('zoneinfo');
    expect(e.message).toMatch(/spanned is 524288, the booted machine's is 262144/);
  });

  it('a kpageflags of the wrong length: another machine\'s, or cut short', () => {
    const other = rtSnapshot('rt-a64-2g-hugetlb-cma', 'rt_before').kpageflags!;
    const e = refused(() => importSnapshot(fill(), snap({ kpageflags: other })));
    expect([e.code, e.location]).toEqual(['SNAPSHOT_MISMATCH', 'kpageflags']);
    expect(e.message).toMatch(/786432 entries .* ends at pfn 0x80000 \(max_pfn 524288\)/);
    const raw = snap().kpageflags!;
    const cut = refused(() => importSnapshot(fill(), snap({ kpageflags: raw.subarray(0, raw.length - 4) })));
    expect([cut.code, cut.location]).toEqual(['SNAPSHOT_KPAGEFLAGS', 'kpageflags']);
    expect(cut.message).toMatch(/not a whole number of 8-byte entries/);
    const short = refused(() => importSnapshot(fill(), snap({ kpageflags: raw.subarray(0, raw.length - 8 * 1000) })));
    expect(short.message).toMatch(/truncated file/);
    expect(refused(() => importSnapshot(fill(), snap({ kpageflags: new Uint8Array(0) }))).message).toMatch(/empty .*as root/);
  });

  it('a corrupt gzip of kpageflags', () => {
    const gz = gzipSync(Buffer.from(snap().kpageflags!));
    const bad = new Uint8Array(gz);
    bad.fill(0xff, 40, 200);
    const e = refused(() => importSnapshot(fill(), snap({ kpageflags: bad })));
    expect([e.code, e.location]).toEqual(['SNAPSHOT_KPAGEFLAGS', 'kpageflags']);
    expect(e.message).toMatch(/gzip data is corrupt/);
  });

  it('kpageflags that disagrees with buddyinfo beyond the tolerance (rt_after\'s pages with rt_before\'s files)', () => {
    const e = refused(() => importSnapshot(fill(), snap({ kpageflags: rtSnapshot('rt-a64-1g-fill', 'rt_after').kpageflags })));
    expect([e.code, e.location]).toEqual(['SNAPSHOT_INCONSISTENT', 'kpageflags']);
    expect(e.message).toMatch(/free blocks \(89 66 .*\) and buddyinfo's \(1 1 2 .*\) differ by \d+ pages .*more than the 4529 pages/);
  });

  it('buddyinfo against pagetypeinfo, and zoneinfo\'s pages free against buddyinfo', () => {
    const e = refused(() => importSnapshot(fill(), snap({ buddyinfo: rtText('rt-a64-1g-fill', 'rt_after', 'buddyinfo') })));
    expect([e.code, e.location]).toEqual(['SNAPSHOT_INCONSISTENT', 'pagetypeinfo']);
    const zi = rtText('rt-a64-1g-fill', 'rt_before', 'zoneinfo').replace('pages free     226483', 'pages free     126483');
    const z = refused(() => importSnapshot(fill(), snap({ zoneinfo: zi })));
    expect([z.code, z.location]).toEqual(['SNAPSHOT_INCONSISTENT', 'zoneinfo']);
    expect(z.message).toMatch(/pages free is 126483, buddyinfo's blocks hold 226483 pages/);
  });

  it('a managed count far from the boot\'s (another kernel, or boot-time reservations the boot did not have)', () => {
    // 262144 present pages: the tolerance is max(1024, 262144 / 16) = 16384 pages
    const zi = rtText('rt-a64-1g-fill', 'rt_before', 'zoneinfo').replace('managed  250241', 'managed  230241');
    const e = refused(() => importSnapshot(fill(), snap({ zoneinfo: zi, kpageflags: undefined })));
    expect([e.code, e.location]).toEqual(['SNAPSHOT_MISMATCH', 'zoneinfo']);
    expect(e.message).toMatch(/managed is 230241, the fresh boot's 250241: more apart than the 16384 pages/);
    // within it: a warning, and the snapshot's managed is used
    const near = importSnapshot(fill(), snap({ zoneinfo: rtText('rt-a64-1g-fill', 'rt_before', 'zoneinfo').replace('managed  250241', 'managed  249241'), kpageflags: undefined }));
    expect(near.report.zones[0]!.managed).toBe(249241);
    expect(near.report.warnings.some((w) => w.startsWith('SNAPSHOT_MANAGED'))).toBe(true);
    near.rs.clone();
  });

  it('another CMA size, another CPU count, another kernel version', () => {
    const d = rtSnapshot('rt-a64-1g-fill', 'rt_before');
    const cma = refused(() => importSnapshot(bootMachine({ arch: 'arm64', kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 1024 }, cmdline: 'cma=128M' }), d));
    expect([cma.code, cma.location]).toEqual(['SNAPSHOT_MISMATCH', 'zoneinfo']);
    expect(cma.message).toMatch(/cma is 16384 pages, the booted machine's CMA areas give this zone 32768/);
    const cpus = refused(() => importSnapshot(bootMachine({ arch: 'arm64', kernel: '6.1', topology: { arch: 'arm64', kernel: '6.1', ramMiB: 1024, cpus: 2 }, cmdline: 'cma=64M' }), d));
    expect(cpus.message).toMatch(/per-cpu lists are of 1 CPU.*the machine has 2/);
    const k510 = refused(() => importSnapshot(bootMachine({ arch: 'arm64', kernel: '5.10', topology: { arch: 'arm64', kernel: '5.10', ramMiB: 1024 } }), d));
    expect([k510.code, k510.location]).toEqual(['SNAPSHOT_MISMATCH', 'zoneinfo']);
    expect(k510.message).toMatch(/machine runs 5.10/);
  });

  it('a missing or unreadable file names it', () => {
    const m = refused(() => importSnapshot(fill(), { ...snap(), pagetypeinfo: undefined as unknown as string }));
    expect([m.code, m.location]).toEqual(['SNAPSHOT_MISSING', 'pagetypeinfo']);
    const p = refused(() => importSnapshot(fill(), snap({ buddyinfo: 'Node 0, zone DMA 1 2 x' })));
    expect(p.code).toBe('BUDDYINFO_PARSE');
    expect(p.location).toBe('buddyinfo line 1');
    expect(p.message).toMatch(/^snapshot buddyinfo: /);
  });

  it('a machine imported from zoneinfo has no page state to put a snapshot in', () => {
    const imported = bootFromZoneinfo({ arch: 'arm64', kernel: '6.1', zoneinfo: rtText('rt-a64-1g-fill', 'rt_before', 'zoneinfo') });
    expect(refused(() => importSnapshot(imported, snap())).code).toBe('SNAPSHOT_MACHINE');
  });
});

describe('kpageflags decoding', () => {
  it('reads u64 little-endian per pfn; folds KPF_RESERVED (bit 32) into bit 27', () => {
    const b = new Uint8Array(8 * 4);
    const dv = new DataView(b.buffer);
    dv.setUint32(8 * 1, 1 << 10, true); // pfn 1: BUDDY
    dv.setUint32(8 * 2 + 4, 1, true); // pfn 2: RESERVED (bit 32)
    dv.setUint32(8 * 3, 1 << 20, true); // pfn 3: NOPAGE
    const d = decodeKpageflags(b, 1, 4, 4);
    expect([...d.flags]).toEqual([1 << 10, 1 << 27, 1 << 20]);
  });

  it('inflates gzip like zlib (stored, fixed and dynamic blocks; several members)', () => {
    const data = new Uint8Array(200000);
    for (let i = 0; i < data.length; i++) data[i] = i % 7 === 0 ? (i * 31) & 0xff : i % 3;
    for (const level of [0, 1, 6, 9]) expect(Buffer.from(gunzip(new Uint8Array(gzipSync(data, { level })), 1e6)).equals(Buffer.from(data))).toBe(true);
    const two = new Uint8Array(Buffer.concat([gzipSync(Buffer.from('abc')), gzipSync(Buffer.from('defg'))]));
    expect(Buffer.from(gunzip(two, 100)).toString()).toBe('abcdefg');
    // the real file, as src/sim gets it from a notebook
    const real = rtSnapshot('rt-a64-1g-fill', 'rt_before', 'gz').kpageflags!;
    expect(Buffer.from(gunzip(real, 1 << 23)).equals(Buffer.from(rtSnapshot('rt-a64-1g-fill', 'rt_before').kpageflags!))).toBe(true);
  });
});
