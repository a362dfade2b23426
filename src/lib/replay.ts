/**
 * `mm.replay(...)`: a real ftrace recording replayed through the simulator's allocator, from a
 * notebook (in the browser worker or in Node). The same result as `mmbook replay --json`.
 *
 *   const r = await mm.replay({ machine, trace, startMark: 'rt_before end', endMark: 'rt_after begin',
 *                               sysctls: { 'vm.watermark_scale_factor': 200 } });
 *   r.marks.map((m) => m.buddyinfo); r.kswapd.wakes; r.events;
 *
 * `trace` is the text, or its bytes (gzip or plain): gzip is inflated as a stream with the
 * platform's DecompressionStream, so a 26 MB recording never sits decompressed in memory.
 */
import { MmError, type Machine, type RunningMachine, type SnapshotInput } from '../sim/index';
import { TraceReplay, startReplayRun, type MarkRule, type ReplayResult } from '../sim/replay/index';

export interface MmReplayRequest {
  /** a booted machine (mm.boot's result) */
  machine: unknown;
  /** the tracefs `trace` file or `trace-cmd report` output: text, or bytes (gzip or plain) */
  trace: string | Uint8Array;
  startMark?: string;
  endMark?: string;
  /** run-time sysctl writes before the replay (the tuning to replay under): [["vm.watermark_scale_factor", 200]] or an object */
  sysctls?: Array<[string, string | number]> | Record<string, string | number>;
  /**
   * the starting state, a real kernel's /proc snapshot (as mm.boot's `state`: zoneinfo, buddyinfo,
   * pagetypeinfo, kpageflags plain or gzip, meminfo, vmstat); without it the replay starts from
   * the machine's own state (a machine booted with a `state` starts from that snapshot)
   */
  state?: SnapshotInput;
  /** mark rewrites, e.g. [{ match: /^rt_hugetlb (\d+)kB request (\d+)$/, replace: 'mmbook: do hugetlb $1kB $2' }] */
  markRewrites?: MarkRule[];
  /** the files each mark snapshots (default buddyinfo, pagetypeinfo, zoneinfo, meminfo) */
  files?: Array<'buddyinfo' | 'pagetypeinfo' | 'zoneinfo' | 'meminfo' | 'vmstat'>;
  /** progress: lines read and the share of the input consumed (0…1) */
  onProgress?: (line: number, fraction: number) => void;
  /** awaited between chunks: the worker's cooperative cancellation point (throws to cancel) */
  checkpoint?: () => Promise<void>;
  /** cancels the replay between chunks */
  signal?: AbortSignal;
}

const CHUNK = 4 << 20;

function machineOf(m: unknown): Machine {
  const inner = (m as { machine?: unknown })?.machine ?? m;
  if (!inner || typeof (inner as Machine).start !== 'function' || !(inner as Machine).parts) {
    throw new MmError('REPLAY_INPUT', 'mm.replay needs { machine }: a machine from mm.boot(...)');
  }
  return inner as Machine;
}

/** The replay's run on a handle that carries its own snapshot (daemons manual: the trace is the clock), else null. */
function snapshotRun(m: unknown): RunningMachine | null {
  const h = m as { stateReport?: () => unknown; start?: (o: { daemons: 'manual' }) => { running?: RunningMachine } };
  if (typeof h?.stateReport !== 'function' || h.stateReport() === null || typeof h.start !== 'function') return null;
  return h.start({ daemons: 'manual' }).running ?? null;
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Feed `bytes` (plain or gzip) to the replay in chunks, yielding between them. */
async function feedBytes(r: TraceReplay, bytes: Uint8Array, req: MmReplayRequest): Promise<void> {
  const dec = new TextDecoder('latin1');
  const step = async (done: number): Promise<void> => {
    req.onProgress?.(r.line, Math.min(1, done / bytes.length));
    if (req.signal?.aborted) throw new MmError('CANCELLED', 'the replay was cancelled');
    await req.checkpoint?.();
  };
  if (!isGzip(bytes)) {
    for (let off = 0; off < bytes.length && !r.done; off += CHUNK) {
      r.feed(dec.decode(bytes.subarray(off, off + CHUNK), { stream: true }));
      await step(off + CHUNK);
    }
    r.feed(dec.decode());
    return;
  }
  const DS = (globalThis as { DecompressionStream?: new (f: string) => TransformStream<Uint8Array, Uint8Array> }).DecompressionStream;
  if (!DS) throw new MmError('REPLAY_INPUT', 'this platform cannot inflate gzip (no DecompressionStream): pass the trace as text');
  const ds = new DS('gzip');
  const writer = ds.writable.getWriter();
  let written = 0;
  const pump = (async () => {
    try {
      for (let off = 0; off < bytes.length; off += 1 << 18) {
        await writer.write(bytes.subarray(off, off + (1 << 18)));
        written = Math.min(bytes.length, off + (1 << 18));
      }
      await writer.close();
    } catch {
      /* the reader was cancelled */
    }
  })();
  const reader = ds.readable.getReader();
  let sinceYield = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      r.feed(dec.decode(value, { stream: true }));
      sinceYield += value.length;
      if (r.done) break;
      if (sinceYield >= CHUNK) {
        sinceYield = 0;
        await step(written);
      }
    }
    r.feed(dec.decode());
  } catch (e) {
    if (e instanceof MmError) throw e;
    throw new MmError('TRACE_UNREADABLE', `the trace is not valid gzip (${(e as Error).message})`);
  } finally {
    await reader.cancel().catch(() => undefined);
    await pump;
  }
}

/** Feed text in chunks cut at line ends, yielding between them. */
async function feedText(r: TraceReplay, text: string, req: MmReplayRequest): Promise<void> {
  let off = 0;
  while (off < text.length && !r.done) {
    let end = Math.min(text.length, off + CHUNK);
    if (end < text.length) {
      const nl = text.indexOf('\n', end);
      end = nl < 0 ? text.length : nl + 1;
    }
    r.feed(text.slice(off, end));
    off = end;
    req.onProgress?.(r.line, off / text.length);
    if (req.signal?.aborted) throw new MmError('CANCELLED', 'the replay was cancelled');
    await req.checkpoint?.();
  }
}

/** The replay itself (see the module comment). */
export async function replay(req: MmReplayRequest): Promise<ReplayResult> {
  const machine = machineOf(req.machine);
  if (typeof req.trace !== 'string' && !(req.trace instanceof Uint8Array)) throw new MmError('REPLAY_INPUT', 'mm.replay needs { trace }: the trace text, or its bytes (gzip or plain)');
  let state: SnapshotInput | undefined;
  if (req.state) {
    const kpf = req.state.kpageflags;
    state = { ...req.state, kpageflags: kpf && isGzip(kpf) ? await gunzipAll(kpf) : kpf };
  }
  // a machine booted from a snapshot (mm.boot({ state })) starts the replay there
  const own = state ? null : snapshotRun(req.machine);
  const started = own ? { run: own, start: 'snapshot (the machine\'s own state)' } : startReplayRun(machine, state);
  const run = started.run;
  let start = started.start;
  const sysctls = !req.sysctls ? [] : Array.isArray(req.sysctls) ? req.sysctls : Object.entries(req.sysctls);
  for (const [name, value] of sysctls) run.sysctl(name.startsWith('vm.') ? name : `vm.${name}`, value);
  if (sysctls.length) start += `; sysctls ${sysctls.map(([n, v]) => `${n}=${v}`).join(', ')}`;
  const r = new TraceReplay(run, { startMark: req.startMark, endMark: req.endMark, markRewrites: req.markRewrites, files: req.files, start });
  if (typeof req.trace === 'string') await feedText(r, req.trace, req);
  else await feedBytes(r, req.trace, req);
  const out = r.finish();
  req.onProgress?.(r.line, 1);
  return out;
}

async function gunzipAll(b: Uint8Array): Promise<Uint8Array> {
  const DS = (globalThis as { DecompressionStream?: new (f: string) => TransformStream<Uint8Array, Uint8Array> }).DecompressionStream;
  if (!DS) throw new MmError('REPLAY_INPUT', 'this platform cannot inflate gzip (no DecompressionStream): pass kpageflags uncompressed');
  const stream = new Blob([b as BlobPart]).stream().pipeThrough(new DS('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
