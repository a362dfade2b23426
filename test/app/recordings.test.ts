/**
 * The recordings shipped for notebooks/replay.html (src/lib/fixtures/recordings.ts): each is what
 * scripts/replay-excerpt.ts cuts from the run-time oracle — the trace a prefix of the real one, the
 * snapshot and machine inputs the run's own — and mm.recording reads them back; the plot rows of a
 * replay's marks (src/lib/plots/replay-data.ts) read the real kernel's samples and the simulator's
 * files alike.
 */
import { describe, expect, it } from 'vitest';
import { createReadStream, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';
import { mm } from '../../src/lib/mm';
import { parseSamples, RECORDINGS } from '../../src/lib/fixtures/recordings';
import { markBefore, orderRows, realPoints, zonesAtMark } from '../../src/lib/plots/replay-data';
import type { ReplayResult } from '../../src/sim/replay/index';
import { ORACLE_RT } from '../helpers/oracle-dir';

const DATA = resolve(import.meta.dirname, '../../notebooks/data/recordings');

/** The first `n` lines of a gzipped text file, read as a stream. */
async function firstLines(file: string, n: number): Promise<string[]> {
  const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()).setEncoding('latin1'), crlfDelay: Infinity });
  const out: string[] = [];
  for await (const line of rl) {
    out.push(line);
    if (out.length === n) { rl.close(); break; }
  }
  return out;
}

describe('shipped recordings', () => {
  for (const info of RECORDINGS) {
    it(`${info.name}: the trace is the real recording's first lines up to its end mark; the snapshot and machine are the run's`, async () => {
      const dir = join(DATA, info.name);
      const src = join(ORACLE_RT, info.source.run);
      const lines = gunzipSync(readFileSync(join(dir, info.files.trace))).toString('latin1').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.at(-1)).toMatch(new RegExp(`tracing_mark_write: ${info.endMark}$`));
      expect(lines.filter((l) => l.endsWith(`tracing_mark_write: ${info.startMark}`))).toHaveLength(1);
      expect(await firstLines(join(src, 'rt_trace.txt.gz'), lines.length)).toEqual(lines);
      // small enough to ship with the site
      expect(readFileSync(join(dir, info.files.trace)).length).toBeLessThan(3 << 20);
      for (const [mine, theirs] of [[info.files.kpageflags, 'rt_before.kpageflags.gz'], [info.files.pagetypeinfo, 'rt_before.pagetypeinfo.txt'], [info.files.zoneinfo, 'rt_before.zoneinfo.txt'], [info.files.buddyinfo, 'rt_before.buddyinfo.txt'], [info.files.cmdline, 'cmdline.txt']]) {
        expect(readFileSync(join(dir, mine!)).equals(readFileSync(join(src, theirs!))), mine).toBe(true);
      }
      expect(gunzipSync(readFileSync(join(dir, info.files.dtb))).equals(readFileSync(join(src, 'virt.dtb')))).toBe(true);
      expect(gunzipSync(readFileSync(join(dir, info.files.bootLog))).equals(readFileSync(join(src, 'kernel-console.txt')))).toBe(true);
      // the samples are the run's, one per rt_sample mark of the excerpt
      const samples = parseSamples(gunzipSync(readFileSync(join(dir, info.files.samples!))).toString('latin1'));
      const marks = lines.filter((l) => / tracing_mark_write: rt_sample \d+$/.test(l)).map((l) => l.split('tracing_mark_write: ')[1]);
      expect(samples.map((s) => s.mark)).toEqual(marks);
      const all = parseSamples(gunzipSync(readFileSync(join(src, 'rt_samples.txt.gz'))).toString('latin1'));
      expect(samples).toEqual(all.slice(0, samples.length));
    }, 60_000);
  }

  it('mm.recording reads a recording back: the machine boots, the state is the snapshot, the real kernel is at its marks', async () => {
    const rec = await mm.recording('rt-a64-1g-fill');
    expect(mm.recordings().map((r) => r.name)).toEqual(['rt-a64-1g-fill']);
    expect(rec.trace.subarray(0, 2)).toEqual(new Uint8Array([0x1f, 0x8b]));
    expect(rec.machine).toMatchObject({ arch: 'arm64', kernel: '6.1', cpus: 1, cmdline: expect.stringMatching(/^console=ttyAMA0/) });
    expect(rec.machine.bootLog).toMatch(/Linux version 6\.1\.0-50-arm64/);
    const machine = mm.boot(rec.machine);
    expect(machine.render('zoneinfo')).toMatch(/\n {8}min {6}5632\n/);
    expect(rec.real.map((r) => r.mark)).toEqual(['rt_before end', ...Array.from({ length: 25 }, (_, k) => `rt_sample ${k}`)]);
    expect(rec.real[0]!.buddyinfo).toBe(rec.state.buddyinfo);
    await expect(mm.recording('nope')).rejects.toMatchObject({ code: 'RECORDING_UNKNOWN', message: expect.stringContaining('the recordings are: rt-a64-1g-fill') });
  });
});

describe('replay plot rows', () => {
  it('reads the samples\' few zoneinfo lines and a full zoneinfo alike', async () => {
    const rec = await mm.recording('rt-a64-1g-fill');
    const sample = rec.real.find((r) => r.mark === 'rt_sample 24')!;
    expect(zonesAtMark(sample.zoneinfo, sample.buddyinfo)).toEqual([{
      key: 'Node 0 DMA', nid: 0, zone: 'DMA', free: 195068, min: 5632, low: 7040, high: 8448, boost: 0, pcp: 440, pcpHigh: NaN, pcpBatch: NaN,
      blocks: [12, 6, 1, 2, 1, 4, 3, 3, 3, 4, 187],
    }]);
    const [z] = zonesAtMark(rec.state.zoneinfo, rec.state.buddyinfo);
    expect(z).toMatchObject({ free: 226483, pcp: 1829, pcpHigh: 7040, pcpBatch: 63, blocks: [1, 1, 2, 1, 2, 4, 2, 3, 2, 4, 218] });
  });

  it('puts each real snapshot at the first mark of its text, and names the mark before a line', () => {
    const bi = 'Node 0, zone      DMA      1      0 \n';
    const zi = 'Node 0, zone      DMA\n  pages free     3\n        min      1\n        low      2\n        high     3\n';
    const result = { marks: [{ text: 'a', line: 10, buddyinfo: bi, zoneinfo: zi }, { text: 'b', line: 20, buddyinfo: bi, zoneinfo: zi }, { text: 'b', line: 30, buddyinfo: bi, zoneinfo: zi }] } as unknown as ReplayResult;
    const real = realPoints(result, [{ mark: 'b', buddyinfo: 'Node 0, zone      DMA      5      1 \n', zoneinfo: zi }, { mark: 'zz', buddyinfo: bi, zoneinfo: zi }]);
    expect(real.map((p) => [p.index, p.line])).toEqual([[1, 20]]);
    expect(orderRows(real).map((r) => [r.order, r.blocks, r.pages])).toEqual([[0, 5, 5], [1, 1, 2]]);
    expect([5, 10, 25, 99].map((l) => markBefore(result, l))).toEqual(['(before the first mark)', 'a', 'b', 'b']);
  });
});
