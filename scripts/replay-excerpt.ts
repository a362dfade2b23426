/**
 * The recording shipped for notebooks/replay.html: an excerpt of a real ftrace recording of the
 * run-time oracle (../shared/oracle-rt), small enough to ship with the site, with the snapshot it
 * starts from and the machine it ran on. Regenerate with
 *
 *   npx tsx scripts/replay-excerpt.ts [ORACLE_RT_DIR]     (default: $MMBOOK_ORACLE_RT, else ../shared/oracle-rt)
 *
 * It writes notebooks/data/recordings/NAME/ (the files src/lib/fixtures/recordings.ts lists) and
 * its README.md. The trace is the first lines of the run's rt_trace.txt.gz, unchanged, up to and
 * including the mark that ends the window: a prefix, so every event the replay needs from
 * `rt_before end` to there is in it. The real kernel's samples read at the `rt_sample N` marks of
 * the window come with it (rt_samples.txt.gz, the same sections), and the rt_before snapshot and
 * machine inputs are copied as they are (virt.dtb and kernel-console.txt gzipped).
 */
import { createReadStream, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { RECORDINGS, type RecordingInfo } from '../src/lib/fixtures/recordings';

const ROOT = resolve(import.meta.dirname, '..');
export const RECORDINGS_DIR = join(ROOT, 'notebooks/data/recordings');

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
/** gzip -9 with a zero mtime: the same bytes on every run */
const gzip = (b: Uint8Array | string): Buffer => gzipSync(b, { level: 9 });

/** The trace's lines up to and including the first `tracing_mark_write: END` line (latin1, as the replay reads it). */
async function tracePrefix(file: string, endMark: string): Promise<{ text: string; lines: number; endLine: number; startLine: number }> {
  const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()).setEncoding('latin1'), crlfDelay: Infinity });
  const out: string[] = [];
  let startLine = 0;
  const end = `tracing_mark_write: ${endMark}`;
  for await (const line of rl) {
    out.push(line);
    if (!startLine && line.endsWith('tracing_mark_write: rt_before end')) startLine = out.length;
    if (line.endsWith(end)) {
      rl.close();
      if (!startLine) throw new Error(`${file}: the mark "${endMark}" comes before "rt_before end"`);
      return { text: out.join('\n') + '\n', lines: out.length, endLine: out.length, startLine };
    }
  }
  throw new Error(`${file}: no mark "${endMark}"`);
}

/** The `@@sample N` sections of rt_samples.txt.gz for the samples whose marks are in the window. */
function samplesUpTo(file: string, last: number): { text: string; count: number } {
  const text = gunzipSync(readFileSync(file)).toString('latin1');
  const sections = text.split(/^(?=@@sample )/m).filter((s) => s.startsWith('@@sample '));
  const kept = sections.filter((s) => Number(/^@@sample (\d+) /.exec(s)?.[1]) <= last);
  if (kept.length !== last + 1) throw new Error(`${file}: expected samples 0–${last}, found ${kept.length}`);
  return { text: kept.join(''), count: kept.length };
}

export async function writeExcerpt(info: RecordingInfo, oracleRt: string): Promise<string[]> {
  const src = join(oracleRt, info.source.run);
  if (!existsSync(join(src, 'rt_trace.txt.gz'))) throw new Error(`no ${info.source.run}/rt_trace.txt.gz in ${oracleRt}`);
  const out = join(RECORDINGS_DIR, info.name);
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const put = (file: string, bytes: Uint8Array | string) => { writeFileSync(join(out, file), bytes); written.push(file); };
  const f = info.files;

  const trace = await tracePrefix(join(src, 'rt_trace.txt.gz'), info.endMark!);
  put(f.trace, gzip(Buffer.from(trace.text, 'latin1')));
  const lastSample = Number(/^rt_sample (\d+)$/.exec(info.endMark!)?.[1]);
  const samples = samplesUpTo(join(src, 'rt_samples.txt.gz'), lastSample);
  put(f.samples!, gzip(Buffer.from(samples.text, 'latin1')));
  for (const [file, from] of [[f.kpageflags, 'rt_before.kpageflags.gz'], [f.pagetypeinfo, 'rt_before.pagetypeinfo.txt'], [f.zoneinfo, 'rt_before.zoneinfo.txt'],
    [f.buddyinfo, 'rt_before.buddyinfo.txt'], [f.meminfo!, 'rt_before.meminfo.txt'], [f.vmstat!, 'rt_before.vmstat.txt'], [f.cmdline, 'cmdline.txt']] as const) {
    put(file, readFileSync(join(src, from)));
  }
  const dtb = readFileSync(join(src, 'virt.dtb'));
  put(f.dtb, gzip(dtb));
  const console = readFileSync(join(src, 'kernel-console.txt'));
  put(f.bootLog, gzip(console));

  const original = readFileSync(join(src, 'rt_trace.txt.gz'));
  put('README.md', readme(info, {
    traceLines: trace.lines, startLine: trace.startLine, originalSha: sha256(original), excerptSha: sha256(Buffer.from(trace.text, 'latin1')),
    samples: samples.count, dtbSha: sha256(dtb), consoleSha: sha256(console),
  }));
  return written;
}

function readme(info: RecordingInfo, facts: { traceLines: number; startLine: number; originalSha: string; excerptSha: string; samples: number; dtbSha: string; consoleSha: string }): string {
  const f = info.files;
  return `# ${info.name}: ${info.title}

${info.description}

Shipped for \`notebooks/replay.html\` (\`mm.recording("${info.name}")\`, listed in
\`src/lib/fixtures/recordings.ts\`). Everything here is real output of the kernel of the run-time
oracle run \`${info.source.run}\` (Debian 6.1.176 arm64 under QEMU, 1 CPU; \`../shared/oracle-rt\`,
whose README describes the run), cut or copied by \`scripts/replay-excerpt.ts\`, which writes this
folder and this file: \`npx tsx scripts/replay-excerpt.ts\` regenerates it.

| file | what it is |
|---|---|
| \`${f.trace}\` | lines 1–${facts.traceLines} of the run's \`rt_trace.txt.gz\` (the tracefs \`trace\` file), unchanged: the header, the \`rt_before\` marks (the window starts after \`rt_before end\`, line ${facts.startLine}), and every event up to and including the mark \`${info.endMark}\` (line ${facts.traceLines}), where the excerpt ends. No line is left out or edited, so the replay of this file is the replay of the whole recording up to that mark. |
| \`${f.samples}\` | samples 0–${facts.samples - 1} of the run's \`rt_samples.txt.gz\` (buddyinfo, zoneinfo's free, watermarks and pcp count, vmstat), read by the kernel just before each \`rt_sample N\` mark of the window |
| \`${f.kpageflags}\`, \`${f.pagetypeinfo}\`, \`${f.zoneinfo}\`, \`${f.buddyinfo}\`, \`${f.meminfo}\`, \`${f.vmstat}\` | the \`rt_before.*\` snapshot, copied: the state the replay starts from (read between the marks \`rt_before begin\` and \`rt_before end\`; kpageflags just before tracing started) |
| \`${f.dtb}\` | the run's \`virt.dtb\` (QEMU's \`dumpdtb\`), gzipped |
| \`${f.cmdline}\` | the run's kernel command line, copied |
| \`${f.bootLog}\` | the run's \`kernel-console.txt\` (the boot log with \`memblock=debug\`), gzipped |

SHA-256: the run's \`rt_trace.txt.gz\` ${facts.originalSha}; the excerpt, uncompressed,
${facts.excerptSha}; \`virt.dtb\` ${facts.dtbSha}; \`kernel-console.txt\` ${facts.consoleSha}.

The whole recording is ${info.source.size}; the excerpt ends ${info.source.endsAt}.
`;
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  const oracleRt = resolve(arg ?? process.env.MMBOOK_ORACLE_RT ?? join(ROOT, '../shared/oracle-rt'));
  for (const info of RECORDINGS) {
    const files = await writeExcerpt(info, oracleRt);
    console.log(`wrote notebooks/data/recordings/${info.name}/: ${files.join(', ')}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main().catch((e) => { console.error(e); process.exit(1); });
