/**
 * Strict validation of a workload spec (spec.ts): every problem is a WORKLOAD_SPEC MmError whose
 * message names the field and the value ("streams[2].lifetime.mean must be a positive number, got
 * -3"); unknown fields are refused (a typo would otherwise be ignored silently). Checks that need
 * the machine (nodes, CPUs, MAX_ORDER, CMA areas) are in bind.ts.
 */
import { MmError } from '../errors';
import { parseGfp, __GFP_MOVABLE, __GFP_RECLAIMABLE } from '../page_alloc/gfp';
import { KIND_NAMES, type PageKindName } from '../run/page-flags';
import { WORKLOAD_LIMITS, type EventPlan, type FillPlan, type Lifetime, type StreamPlan, type WorkloadPlan } from './spec';

type Obj = Record<string, unknown>;

export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function specError(path: string, what: string, got?: unknown): MmError {
  return new MmError('WORKLOAD_SPEC', arguments.length > 2 ? `${path} ${what}, got ${show(got)}` : `${path} ${what}`);
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw specError(path, 'must be an object', v);
  return v as Obj;
}

function known(o: Obj, path: string, fields: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!fields.includes(k)) throw specError(path, `has an unknown field "${k}"; known: ${fields.join(', ')}`);
  }
}

function int(v: unknown, path: string, min: number, max: number, what = 'an integer'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `${what} ≥ ${min}`) : `${what} in ${min}..${max}`;
    throw specError(path, `must be ${range}`, v);
  }
  return v;
}

function num(v: unknown, path: string, opts: { positive?: boolean; max?: number }): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (opts.positive ? v > 0 : v >= 0) && (opts.max === undefined || v <= opts.max);
  if (!ok) throw specError(path, `must be a ${opts.positive ? 'positive' : 'non-negative'} number${opts.max !== undefined ? ` ≤ ${opts.max}` : ''}`, v);
  return v as number;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw specError(path, 'must be a non-empty string', v);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw specError(path, 'must be true or false', v);
  return v;
}

function gfpOf(v: unknown, path: string): number {
  if (typeof v !== 'string' && typeof v !== 'number') throw specError(path, 'must be GFP flag names ("GFP_KERNEL|__GFP_COMP"), a hex mask or a number', v);
  try {
    return parseGfp(v, path);
  } catch (e) {
    throw new MmError('WORKLOAD_SPEC', `${path}: ${e instanceof MmError ? e.message.replace(/ \(at [^)]*\)$/, '') : String(e)}`);
  }
}

function kindName(v: unknown, path: string): PageKindName {
  if (typeof v !== 'string' || !(KIND_NAMES as readonly string[]).includes(v)) throw specError(path, `must be one of ${KIND_NAMES.join(', ')}`, v);
  return v as PageKindName;
}

/** The GFP mask a kind of page is usually allocated with. */
export function defaultGfp(kind: PageKindName): string {
  switch (kind) {
    case 'anon': case 'file': case 'file-dirty': case 'shmem': return 'GFP_HIGHUSER_MOVABLE';
    case 'slab-reclaimable': return 'GFP_KERNEL|__GFP_RECLAIMABLE';
    case 'hugetlb': return 'GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL|__GFP_NOWARN';
    default: return 'GFP_KERNEL';
  }
}

/** The kind a GFP mask suggests: anon for movable, reclaimable slab for __GFP_RECLAIMABLE, kernel otherwise. */
export function defaultKind(gfp: number): PageKindName {
  if (gfp & __GFP_MOVABLE) return 'anon';
  if (gfp & __GFP_RECLAIMABLE) return 'slab-reclaimable';
  return 'kernel';
}

function orders(v: unknown, path: string): Array<[number, number]> {
  if (typeof v === 'number') return [[int(v, path, 0, 63), 1]];
  const o = obj(v, path);
  const entries = Object.entries(o);
  if (!entries.length) throw specError(path, 'must name at least one order, as { "0": 0.9, "9": 0.1 }', v);
  let sum = 0;
  const out: Array<[number, number]> = [];
  for (const [k, w] of entries) {
    if (!/^\d+$/.test(k) || Number(k) > 63) throw specError(`${path}`, `has "${k}", which is not an order (an integer such as "0" or "9")`);
    out.push([Number(k), num(w, `${path}["${k}"]`, {})]);
    sum += w as number;
  }
  if (sum <= 0) throw specError(path, 'must give some order a positive weight', v);
  return out.sort((a, b) => a[0] - b[0]).map(([ord, w]) => [ord, w / sum]);
}

function lifetime(v: unknown, path: string): Lifetime {
  if (v === undefined || v === 'forever') return { type: 'forever' };
  if (v === 'event') return { type: 'event' };
  if (typeof v === 'string') throw specError(path, 'must be { "fixed": STEPS }, { "exponential": { "mean": STEPS } }, "event" or "forever"', v);
  const o = obj(v, path);
  const keys = Object.keys(o);
  if (keys.length !== 1 || (keys[0] !== 'fixed' && keys[0] !== 'exponential')) {
    throw specError(path, 'must be { "fixed": STEPS }, { "exponential": { "mean": STEPS } }, "event" or "forever"', v);
  }
  if (keys[0] === 'fixed') return { type: 'fixed', steps: int(o.fixed, `${path}.fixed`, 1, Number.MAX_SAFE_INTEGER) };
  const e = o.exponential;
  if (typeof e === 'number' || typeof e !== 'object' || e === null) return { type: 'exponential', mean: num(e, `${path}.exponential`, { positive: true }) };
  known(e as Obj, `${path}.exponential`, ['mean']);
  return { type: 'exponential', mean: num((e as Obj).mean, `${path}.exponential.mean`, { positive: true }) };
}

function task(v: unknown, path: string): StreamPlan['task'] {
  if (v === undefined) return null;
  if (typeof v === 'string') return { comm: str(v, path), oomScoreAdj: 0 };
  const o = obj(v, path);
  known(o, path, ['comm', 'oomScoreAdj']);
  return { comm: str(o.comm, `${path}.comm`), oomScoreAdj: o.oomScoreAdj === undefined ? 0 : int(o.oomScoreAdj, `${path}.oomScoreAdj`, -1000, 1000) };
}

const STREAM_FIELDS = ['name', 'gfp', 'kind', 'order', 'orders', 'rate', 'count', 'arrival', 'lifetime', 'node', 'cpu', 'task', 'pin', 'start', 'end'] as const;

function stream(v: unknown, k: number, steps: number): StreamPlan {
  const path = `streams[${k}]`;
  const o = obj(v, path);
  known(o, path, STREAM_FIELDS);
  if (o.gfp === undefined && o.kind === undefined) throw specError(path, 'needs a gfp mask or a kind (or both)');
  const kind0 = o.kind !== undefined ? kindName(o.kind, `${path}.kind`) : undefined;
  const gfp = o.gfp !== undefined ? (typeof o.gfp === 'number' ? `0x${(o.gfp >>> 0).toString(16)}` : String(o.gfp)) : defaultGfp(kind0!);
  const gfpMask = gfpOf(o.gfp ?? gfp, `${path}.gfp`);
  if (o.order !== undefined && o.orders !== undefined) throw specError(path, 'has both order and orders; give one');
  if (o.rate !== undefined && o.count !== undefined) throw specError(path, 'has both rate and count; give one');
  if (o.rate === undefined && o.count === undefined) throw specError(path, 'needs a rate (allocations per step) or a count (allocations over its steps)');
  const start = o.start === undefined ? 0 : int(o.start, `${path}.start`, 0, steps - 1, 'a step');
  const end = o.end === undefined ? steps : int(o.end, `${path}.end`, start + 1, steps, 'a step');
  const arrival = o.arrival === undefined ? 'fixed' : o.arrival;
  if (arrival !== 'fixed' && arrival !== 'poisson') throw specError(`${path}.arrival`, 'must be "fixed" or "poisson"', o.arrival);
  let cpu: StreamPlan['cpu'] = 0;
  if (o.cpu === 'spread') cpu = 'spread';
  else if (o.cpu !== undefined) {
    if (typeof o.cpu !== 'number') throw specError(`${path}.cpu`, 'must be a CPU number or "spread"', o.cpu);
    cpu = int(o.cpu, `${path}.cpu`, 0, Number.MAX_SAFE_INTEGER);
  }
  return {
    name: o.name === undefined ? `s${k}` : str(o.name, `${path}.name`),
    gfp,
    gfpMask,
    kind: kind0 ?? defaultKind(gfpMask),
    orders: orders(o.order ?? o.orders ?? 0, `${path}.${o.orders !== undefined ? 'orders' : 'order'}`),
    rate: o.rate === undefined ? null : num(o.rate, `${path}.rate`, { max: WORKLOAD_LIMITS.rate }),
    count: o.count === undefined ? null : int(o.count, `${path}.count`, 0, Number.MAX_SAFE_INTEGER),
    arrival,
    lifetime: lifetime(o.lifetime, `${path}.lifetime`),
    node: o.node === undefined ? null : int(o.node, `${path}.node`, 0, Number.MAX_SAFE_INTEGER),
    cpu,
    task: task(o.task, `${path}.task`),
    pin: o.pin === undefined ? false : bool(o.pin, `${path}.pin`),
    start,
    end,
  };
}

const EVENT_FIELDS: Record<string, readonly string[]> = {
  drop_caches: ['value'],
  compact_memory: [],
  drain: [],
  sysctl: ['name', 'value'],
  nr_hugepages: ['sizeKb', 'value'],
  cma_alloc: ['area', 'count', 'align', 'as'],
  cma_release: ['ref', 'pfn', 'count'],
  free: ['stream', 'every', 'count'],
  fill: ['percent', 'stream', 'gfp', 'kind', 'order', 'node', 'cpu', 'as', 'then'],
};

function fill(o: Obj, path: string, at: number, k: number): FillPlan {
  const percent = num(o.percent, `${path}.percent`, { positive: true, max: 100 });
  const byStream = o.stream !== undefined;
  if (byStream) {
    for (const f of ['gfp', 'kind', 'order', 'node', 'cpu'] as const) {
      if (o[f] !== undefined) throw specError(path, `fills as stream "${String(o.stream)}": its ${f} comes from the stream; drop ${f} or the stream`);
    }
  } else if (o.gfp === undefined && o.kind === undefined) throw specError(path, 'needs a stream, or a gfp mask or kind to allocate with');
  const kind0 = o.kind !== undefined ? kindName(o.kind, `${path}.kind`) : undefined;
  const gfp = byStream ? null : o.gfp !== undefined ? (typeof o.gfp === 'number' ? `0x${(o.gfp >>> 0).toString(16)}` : String(o.gfp)) : defaultGfp(kind0!);
  const gfpMask = gfp === null ? 0 : gfpOf(o.gfp ?? gfp, `${path}.gfp`);
  let freeEvery: number | null = null;
  if (o.then !== undefined) {
    const t = obj(o.then, `${path}.then`);
    known(t, `${path}.then`, ['freeEvery']);
    freeEvery = int(t.freeEvery, `${path}.then.freeEvery`, 1, Number.MAX_SAFE_INTEGER);
  }
  return {
    at, op: 'fill', percent,
    stream: byStream ? str(o.stream, `${path}.stream`) : null,
    gfp, gfpMask,
    kind: kind0 ?? (byStream ? 'kernel' : defaultKind(gfpMask)),
    order: o.order === undefined ? 0 : int(o.order, `${path}.order`, 0, 63),
    node: o.node === undefined ? null : int(o.node, `${path}.node`, 0, Number.MAX_SAFE_INTEGER),
    cpu: o.cpu === undefined ? 0 : int(o.cpu, `${path}.cpu`, 0, Number.MAX_SAFE_INTEGER),
    as: o.as === undefined ? (byStream ? String(o.stream) : `fill@${k}`) : str(o.as, `${path}.as`),
    freeEvery,
  };
}

function event(v: unknown, k: number, steps: number): EventPlan {
  const path = `events[${k}]`;
  const o = obj(v, path);
  if (typeof o.op !== 'string' || !(o.op in EVENT_FIELDS)) throw specError(`${path}.op`, `must be one of ${Object.keys(EVENT_FIELDS).join(', ')}`, o.op);
  const op = o.op;
  known(o, path, ['at', 'op', ...EVENT_FIELDS[op]!]);
  const at = int(o.at, `${path}.at`, 0, steps - 1, 'a step');
  const opt = (f: string, min: number): number | null => (o[f] === undefined ? null : int(o[f], `${path}.${f}`, min, Number.MAX_SAFE_INTEGER));
  switch (op) {
    case 'drop_caches': {
      const value = o.value === undefined ? 3 : int(o.value, `${path}.value`, 1, 3);
      return { at, op, value };
    }
    case 'compact_memory': case 'drain':
      return { at, op };
    case 'sysctl': {
      const name = str(o.name, `${path}.name`);
      if (typeof o.value !== 'string' && typeof o.value !== 'number') throw specError(`${path}.value`, 'must be a number or a string', o.value);
      return { at, op, name: name.startsWith('vm.') ? name : `vm.${name}`, value: o.value };
    }
    case 'nr_hugepages':
      return { at, op, sizeKb: int(o.sizeKb, `${path}.sizeKb`, 1, Number.MAX_SAFE_INTEGER), value: int(o.value, `${path}.value`, 0, Number.MAX_SAFE_INTEGER) };
    case 'cma_alloc': {
      const area = o.area === undefined ? 0 : typeof o.area === 'string' ? str(o.area, `${path}.area`) : int(o.area, `${path}.area`, 0, Number.MAX_SAFE_INTEGER);
      return { at, op, area, count: int(o.count, `${path}.count`, 1, Number.MAX_SAFE_INTEGER), align: opt('align', 0) ?? 0, as: o.as === undefined ? null : str(o.as, `${path}.as`) };
    }
    case 'cma_release': {
      if ((o.ref === undefined) === (o.pfn === undefined)) throw specError(path, 'needs a ref (the "as" of a cma_alloc) or a pfn with a count');
      if (o.pfn !== undefined && o.count === undefined) throw specError(path, 'releases by pfn: give the count too');
      return { at, op, ref: o.ref === undefined ? null : str(o.ref, `${path}.ref`), pfn: opt('pfn', 0), count: opt('count', 1) };
    }
    case 'free':
      return { at, op, stream: str(o.stream, `${path}.stream`), every: opt('every', 1) ?? 1, count: opt('count', 1) };
    default:
      return fill(o, path, at, k);
  }
}

/** Validate a workload spec (shape and values); returns the plan with every default filled in. */
export function validateWorkload(spec: unknown): WorkloadPlan {
  const o = obj(spec, 'workload');
  known(o, 'workload', ['seed', 'steps', 'duration', 'sampleEvery', 'streams', 'events', 'daemons', 'swap', 'swappiness', 'maxFailures']);
  if (o.steps !== undefined && o.duration !== undefined) throw specError('workload', 'has both steps and duration (the same thing); give one');
  const stepsKey = o.steps !== undefined ? 'steps' : 'duration';
  if (o[stepsKey] === undefined) throw specError('workload', 'needs steps (the duration of the run, in steps)');
  const steps = int(o[stepsKey], stepsKey, 1, WORKLOAD_LIMITS.steps);
  const seed = o.seed === undefined ? 0 : int(o.seed, 'seed', 0, Number.MAX_SAFE_INTEGER, 'an integer');
  const sampleEvery = o.sampleEvery === undefined ? Math.max(1, Math.ceil(steps / 1000)) : int(o.sampleEvery, 'sampleEvery', Math.max(1, Math.ceil(steps / WORKLOAD_LIMITS.samples)), steps);
  const streamsIn = o.streams === undefined ? [] : o.streams;
  const eventsIn = o.events === undefined ? [] : o.events;
  if (!Array.isArray(streamsIn)) throw specError('streams', 'must be a list of streams', streamsIn);
  if (!Array.isArray(eventsIn)) throw specError('events', 'must be a list of events', eventsIn);
  if (streamsIn.length > WORKLOAD_LIMITS.streams) throw specError('streams', `may have at most ${WORKLOAD_LIMITS.streams} entries`, streamsIn.length);
  if (eventsIn.length > WORKLOAD_LIMITS.events) throw specError('events', `may have at most ${WORKLOAD_LIMITS.events} entries`, eventsIn.length);
  const streams = streamsIn.map((s, k) => stream(s, k, steps));
  const events = eventsIn.map((e, k) => event(e, k, steps));
  const names = new Map<string, string>();
  streams.forEach((s, k) => {
    const prev = names.get(s.name);
    if (prev) throw specError(`streams[${k}].name`, `repeats the name of ${prev}`, s.name);
    names.set(s.name, `streams[${k}]`);
  });
  const pools = streams.length + events.filter((e) => e.op === 'fill' && e.stream === null).length;
  if (pools > WORKLOAD_LIMITS.pools) throw specError('events', `fill into ${pools - streams.length} pools of their own besides ${streams.length} streams; at most ${WORKLOAD_LIMITS.pools} in all (fill into a stream instead)`);
  // free and fill name streams or fill pools; cma_release names an earlier cma_alloc
  const cmaRefs = new Set<string>();
  const order = events.map((e, k) => [e, k] as const).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]);
  for (const [e, k] of order) {
    if (e.op === 'fill') {
      if (e.stream !== null && !streams.some((s) => s.name === e.stream)) throw specError(`events[${k}].stream`, `names no stream; streams: ${[...names.keys()].join(', ') || 'none'}`, e.stream);
      const owner = names.get(e.as);
      if (e.stream === null && owner) throw specError(`events[${k}].as`, `repeats the name of ${owner}`, e.as);
      if (e.stream === null) names.set(e.as, `events[${k}]`);
    } else if (e.op === 'free' && !names.has(e.stream)) {
      throw specError(`events[${k}].stream`, `names no stream or earlier fill; known: ${[...names.keys()].join(', ') || 'none'}`, e.stream);
    } else if (e.op === 'cma_alloc' && e.as !== null) {
      if (cmaRefs.has(e.as)) throw specError(`events[${k}].as`, 'repeats the label of an earlier cma_alloc', e.as);
      cmaRefs.add(e.as);
    } else if (e.op === 'cma_release' && e.ref !== null && !cmaRefs.has(e.ref)) {
      throw specError(`events[${k}].ref`, 'names no earlier cma_alloc (its "as")', e.ref);
    }
  }
  return {
    seed, steps, sampleEvery,
    daemons: o.daemons === undefined ? true : bool(o.daemons, 'daemons'),
    swap: o.swap === undefined ? false : bool(o.swap, 'swap'),
    swappiness: o.swappiness === undefined ? 60 : int(o.swappiness, 'swappiness', 0, 200),
    maxFailures: o.maxFailures === undefined ? 1000 : int(o.maxFailures, 'maxFailures', 0, 1_000_000),
    streams, events,
  };
}
