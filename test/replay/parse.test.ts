/** The ftrace line scanner: the tracefs layout of the oracle traces, trace-cmd report's, and what it rejects. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EV, EVENT_CODES, LineError, TraceLineScanner } from '../../src/sim/replay/parse';
import { ORACLE_RT } from '../helpers/oracle-dir';

function scan(l: string): TraceLineScanner & { ev: number } {
  const sc = new TraceLineScanner() as TraceLineScanner & { ev: number };
  sc.ev = sc.scan(l, 0, l.length);
  return sc;
}

describe('TraceLineScanner', () => {
  it('reads the tracefs layout: comm, pid, cpu, the softirq flag, the event and its body', () => {
    const l = '            init-1       [000] .Ns..     5.205068: mm_page_free: page=00000000a708d2c9 pfn=0x4788b order=0';
    const sc = scan(l);
    expect(sc.ev).toBe(EV.FREE);
    expect(sc.comm()).toBe('init');
    expect(sc.pid).toBe(1);
    expect(sc.cpu).toBe(0);
    expect(sc.inIrq).toBe(true);
    expect(sc.rest()).toBe('page=00000000a708d2c9 pfn=0x4788b order=0');
    sc.expect('page=');
    expect(sc.pointer()).toBe(16);
    sc.expect(' pfn=');
    expect(sc.pfn()).toBe(0x4788b);
    expect(sc.lastPfnHex).toBe(true);
    sc.expect(' order=');
    expect(sc.num()).toBe(0);
  });

  it('a comm with "-", spaces or longer than 16 characters still finds the last -pid before [cpu]', () => {
    const sc = scan('  kworker/u8:2-events_unbound-4711    [003] d.s..   123.000001: mm_page_pcpu_drain: page=0000000012345678 pfn=0x1000 order=0 migratetype=1');
    expect(sc.ev).toBe(EV.PCPU_DRAIN);
    expect(sc.comm()).toBe('kworker/u8:2-events_unbound');
    expect(sc.pid).toBe(4711);
    expect(sc.cpu).toBe(3);
    expect(sc.inIrq).toBe(true);
    const sp = scan('        my task-77      [001] .....     1.000000: tracing_mark_write: hello [000] world');
    expect(sp.comm()).toBe('my task');
    expect(sp.pid).toBe(77);
    expect(sp.rest()).toBe('hello [000] world');
  });

  it('reads trace-cmd report output: no flags column, raw 0x pointers, aligned bodies, decimal 5.10 pfns', () => {
    const sc = scan('            bash-1234  [002]  4181.962452: mm_page_alloc:        page=0xffffea0004a6c000 pfn=1219312 order=0 migratetype=0 gfp_flags=GFP_KERNEL');
    expect(sc.ev).toBe(EV.ALLOC);
    expect(sc.cpu).toBe(2);
    expect(sc.inIrq).toBe(false);
    sc.expect('page=');
    expect(sc.pointer()).toBe(16);
    sc.expect(' pfn=');
    expect(sc.pfn()).toBe(1219312);
    expect(sc.lastPfnHex).toBe(false);
    const pre = new TraceLineScanner();
    for (const l of ['version = 6', 'cpus=4', 'CPU 3 is empty', 'CPU0 data recorded at offset=0x5b4000']) expect(pre.scan(l, 0, l.length)).toBe(-1);
    expect(pre.headerCpus).toBe(4);
  });

  it('takes #P:N from the tracefs header and skips comments and blank lines', () => {
    const sc = new TraceLineScanner();
    const h = '# entries-in-buffer/entries-written: 1284758/1284758   #P:1';
    expect(sc.scan(h, 0, h.length)).toBe(-1);
    expect(sc.headerCpus).toBe(1);
    expect(sc.scan('   ', 0, 3)).toBe(-1);
    expect(sc.scan('##### CPU 1 buffer started ####', 0, 31)).toBe(-1);
    const lost = 'CPU:2 [LOST 1234 EVENTS]';
    expect(sc.scan(lost, 0, lost.length)).toBe(-1);
    expect(sc.lost).toBe(1234);
  });

  it('NULL pages print as zeros or (null): pointer() returns 0', () => {
    const sc = scan('            init-1       [000] .....    34.065711: mm_page_alloc: page=0000000000000000 pfn=0x0 order=0 migratetype=1 gfp_flags=GFP_USER|__GFP_RETRY_MAYFAIL|__GFP_COMP|__GFP_MOVABLE');
    sc.expect('page=');
    expect(sc.pointer()).toBe(0);
    const n = scan('            init-1       [000] .....    34.065711: mm_page_alloc: page=(null) pfn=0 order=0 migratetype=1 gfp_flags=GFP_KERNEL');
    n.expect('page=');
    expect(n.pointer()).toBe(0);
  });

  it('kmemBody reads a kmem body in one pass as pagePfn and field read it one by one: values, position and errors', () => {
    const head = '            init-1       [000] .....     5.205068: ';
    // what follows the order: [more fields, gfp_flags]
    const KB_ORDER = [0, false] as const;
    const KB_MT = [1, false] as const;
    const KB_REFILL = [2, false] as const;
    const KB_GFP = [1, true] as const;
    const bodies: Array<[string, readonly [number, boolean]]> = [
      ['mm_page_alloc: page=000000004726d91c pfn=0x41e8c order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP', KB_GFP],
      ['mm_page_alloc: page=0000000000000000 pfn=0x0 order=10 migratetype=1 gfp_flags=GFP_USER', KB_GFP],
      ['mm_page_alloc_zone_locked: page=00000000dc9af2fb pfn=0x5e93f order=3 migratetype=4 percpu_refill=0', KB_REFILL],
      ['mm_page_alloc_zone_locked: page=00000000dc9af2fb pfn=0x5e93f order=0 migratetype=1 percpu_refill=1\r', KB_REFILL],
      ['mm_page_pcpu_drain: page=00000000e1216ac2 pfn=0x4788c order=0 migratetype=12', KB_MT],
      ['mm_page_free: page=00000000a708d2c9 pfn=0x4788b order=0', KB_ORDER],
      ['mm_page_free: page=00000000a708d2c9 pfn=0x4788b order=-1', KB_ORDER],
      ['mm_page_free: page=00000000a708d2c9 pfn=0x4788b  order=2', KB_ORDER],
      ['mm_page_free: page=00000000a708d2c9 pfn=1219312 order=2', KB_ORDER],
      ['mm_page_free: page=0xffffea0004a6c000 pfn=1219312 order=2', KB_ORDER],
      ['mm_page_free: page=(null) pfn=0 order=0', KB_ORDER],
      ['mm_page_free: page=00000000a708d2c9 pfn=0x order=0', KB_ORDER],
      ['mm_page_free: page=00000000a708d2c9 pfn=0x4788b order=', KB_ORDER],
      ['mm_page_free: page=00000000a708d2c9 pfn=0x4788b order=x', KB_ORDER],
      ['mm_page_pcpu_drain: page=00000000e1216ac2 pfn=0x4788c order=0 migratetyp=1', KB_MT],
      ['mm_page_alloc_zone_locked: page=00000000dc9af2fb pfn=0x5e93f order=3 migratetype=4', KB_REFILL],
      ['mm_page_alloc: page=000000004726d91c pfn=0x41e8c order=0 migratetype=1 gfp_flag=GFP_KERNEL', KB_GFP],
      ['mm_page_alloc: page=000000004726d91c pfn=0x41e8c order=0 migratetype=1  gfp_flags=GFP_KERNEL', KB_GFP],
      ['mm_page_alloc: page=000000004726d91c pfn=0x41e8c order=0 migratetype=1 gxp_flags=GFP_KERNEL', KB_GFP],
    ];
    const read = (l: string, [more, gfp]: readonly [number, boolean], fused: boolean) => {
      const sc = scan(l);
      try {
        let pfn: number;
        if (fused) pfn = sc.kmemBody(more, gfp);
        else {
          pfn = sc.pagePfn();
          sc.order = sc.field(' order=');
          if (more > 0) sc.mt = sc.field(' migratetype=');
          if (more > 1) sc.refill = sc.field(' percpu_refill=');
          if (gfp) sc.expect(' gfp_flags=');
        }
        return { pfn, order: sc.order, mt: sc.mt, refill: sc.refill, p: sc.p, width: sc.pointerWidth, hex: sc.lastPfnHex };
      } catch (e) {
        return { error: (e as Error).message };
      }
    };
    for (const [body, fields] of bodies) {
      const l = head + body;
      expect(read(l, fields, true), body).toEqual(read(l, fields, false));
    }
    expect(read(head + bodies[0]![0], KB_GFP, true)).toMatchObject({ pfn: 0x41e8c, order: 0, mt: 1, width: 16, hex: true, p: head.length + bodies[0]![0].indexOf('GFP_') });
    expect(read(head + bodies[1]![0], KB_GFP, true)).toMatchObject({ pfn: -1, order: 10, width: 0 });
    expect(read(head + bodies[2]![0], KB_REFILL, true)).toMatchObject({ pfn: 0x5e93f, order: 3, mt: 4, refill: 0 });
    expect(read(head + bodies[11]![0], KB_ORDER, true)).toEqual({ error: 'expected a hex number' });
  });

  it('rejects lines that are not events', () => {
    const sc = new TraceLineScanner();
    sc.scan('            init-1       [000] .....     5.198553: tracing_mark_write: x', 0, 70);
    for (const l of ['hello world', 'init-1 [000] .....: no timestamp', '            init-1       [000] .....     5.198553 mm_page_free page=1']) {
      expect(() => sc.scan(l, 0, l.length), l).toThrow(LineError);
    }
  });

  it('knows every event of the oracle runs\' format file (the replay counts any other as unknown)', () => {
    const text = readFileSync(join(ORACLE_RT, 'rt-a64-1g-fill', 'rt_event_formats.txt'), 'utf8');
    const names = [...text.matchAll(/^name: (\S+)$/gm)].map((m) => m[1]!);
    expect(names.length).toBe(39);
    expect(names.filter((n) => !EVENT_CODES.has(n))).toEqual([]);
  });
});
