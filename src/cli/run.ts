/**
 * `mmbook run NOTEBOOK.html [-p name=value | -p name=@FILE | -p name.field=value]... [--json out.json] [--timeout SECONDS] [--max-heap MIB]
 *  [--sweep name=a:b:n[,seeds=k] [--jobs N]]`
 * Runs a notebook headless in a worker thread (run-thread.ts, run-worker.ts), prints each cell's
 * state and a one-line rendering of its value (run-report.ts), its warnings on stderr, optionally
 * writes the JSON report. Exit 0: every cell succeeded; 1: a cell failed, timed out or ran out of
 * memory; 2 (via MmError): user error, such as a parameter the notebook does not define
 * (run-params.ts); 3: nothing failed, but cells wait for input not given. With --sweep, the
 * notebook runs once per point of a range, one JSON line each (run-sweep.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { MmError } from '../sim/index';
import { printable } from './printable';
import { checkJsonWritable, jsonUnwritable } from './json-out';
import { parseSweep, type SweepSpec } from './sweep-args';
export type { CellReport } from './run-report';

export interface RunArgs {
  notebook: string; params: Record<string, unknown>; json?: string; timeoutSec: number; maxHeapMiB: number;
  /** --sweep, with --jobs and --values (the names each point's line keeps) */
  sweep?: SweepSpec; jobs?: number; values?: string[];
}

/** setTimeout's largest delay (2^31 - 1 ms): a longer --timeout would fire at once. */
export const MAX_TIMEOUT_SEC = Math.floor((2 ** 31 - 1) / 1000);
/** The worker's default heap limit (MiB), Node's own default on 64-bit machines. */
export const DEFAULT_MAX_HEAP_MIB = 4096;

/**
 * Parses a parameter value: JSON when it parses, else the raw string (papermill/marimo style). A
 * number whose JSON loses how it was written (`5.10`, `1e3`, `007`) stays a string: `-p kernel=5.10`
 * means the kernel "5.10", not 5.1 (a cell that wants the number converts it).
 */
export function parseParamValue(raw: string): unknown {
  let v: unknown;
  try { v = JSON.parse(raw); } catch { return raw; }
  if (typeof v === 'number' && String(v) !== raw.trim()) return raw;
  return v;
}

/** `@FILE` reads the value from a file (curl style); `@@…` is a literal value starting with `@`. */
function paramText(raw: string, name: string): string {
  if (raw.startsWith('@@')) return raw.slice(1);
  if (!raw.startsWith('@')) return raw;
  try {
    return readFileSync(raw.slice(1), 'utf8');
  } catch (e) {
    throw new MmError('FILE_UNREADABLE', `cannot read the value of ${name} from '${raw.slice(1)}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'mmbook run -p');
  }
}

/** `-p own.text=…` sets one field of an object parameter (the form input supplies the other fields: src/kernel/session.ts defineParam). */
function setParam(params: Record<string, unknown>, path: string[], value: unknown): void {
  let o = params;
  for (const k of path.slice(0, -1)) {
    const cur = o[k];
    if (cur === undefined) o[k] = {};
    else if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) throw new MmError('CLI_USAGE', `parameter ${path.join('.')}: ${k} is already ${JSON.stringify(cur)}, not an object`, 'mmbook run -p');
    o = o[k] as Record<string, unknown>;
  }
  o[path.at(-1)!] = value;
}

export function parseRunArgs(argv: string[]): RunArgs {
  const params: Record<string, unknown> = {};
  let notebook: string | undefined;
  let json: string | undefined;
  let timeoutSec = 300;
  let maxHeapMiB = DEFAULT_MAX_HEAP_MIB;
  let sweep: SweepSpec | undefined;
  let jobs: number | undefined;
  let values: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new MmError('CLI_USAGE', `${a} needs a value`, 'mmbook run');
      return v;
    };
    if (a === '-p' || a === '--param') {
      const kv = next();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new MmError('CLI_USAGE', `parameter '${kv}' must be name=value`, 'mmbook run -p');
      const path = kv.slice(0, eq).split('.');
      const bad = path.find((k) => !/^[A-Za-z_$][\w$]*$/.test(k));
      if (bad !== undefined) throw new MmError('CLI_USAGE', `parameter name '${kv.slice(0, eq)}' is not a JavaScript identifier (or name.field)`, 'mmbook run -p');
      setParam(params, path, parseParamValue(paramText(kv.slice(eq + 1), kv.slice(0, eq))));
    } else if (a === '--json') json = next();
    else if (a === '--timeout') {
      const v = next();
      timeoutSec = Number(v);
      if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new MmError('CLI_USAGE', `--timeout must be a positive number of seconds, got '${v}'`, 'mmbook run');
      if (timeoutSec > MAX_TIMEOUT_SEC) throw new MmError('CLI_USAGE', `--timeout must be at most ${MAX_TIMEOUT_SEC} seconds (24.8 days, the longest timer Node keeps), got '${v}'`, 'mmbook run');
    } else if (a === '--max-heap') {
      const v = next();
      maxHeapMiB = Number(v);
      if (!/^\d+$/.test(v) || maxHeapMiB < 16) throw new MmError('CLI_USAGE', `--max-heap must be a whole number of MiB, at least 16, got '${v}'`, 'mmbook run');
    } else if (a === '--sweep') {
      if (sweep) throw new MmError('CLI_USAGE', '--sweep is given twice: a sweep varies one parameter (with seeds=k for the seed)', 'mmbook run --sweep');
      sweep = parseSweep(next());
    } else if (a === '--jobs') {
      const v = next();
      jobs = Number(v);
      if (!/^\d+$/.test(v) || jobs < 1) throw new MmError('CLI_USAGE', `--jobs must be a whole number of at least 1, got '${v}'`, 'mmbook run');
    } else if (a === '--values') {
      const v = next();
      values = v.split(',').map((n) => n.trim());
      const bad = values.find((n) => !/^[A-Za-z_$][\w$]*$/.test(n));
      if (bad !== undefined) throw new MmError('CLI_USAGE', `--values takes names separated by commas; '${bad}' is not a name`, 'mmbook run');
    } else if (a.startsWith('-')) throw new MmError('CLI_USAGE', `unknown option '${a}'`, 'mmbook run');
    else if (notebook === undefined) notebook = a;
    else throw new MmError('CLI_USAGE', `unexpected argument '${a}' (one notebook per run)`, 'mmbook run');
  }
  if (!notebook) throw new MmError('CLI_USAGE', 'missing NOTEBOOK.html', 'mmbook run');
  if (jobs !== undefined && !sweep) throw new MmError('CLI_USAGE', '--jobs is for --sweep (the points that run at once)', 'mmbook run');
  if (values !== undefined && !sweep) throw new MmError('CLI_USAGE', '--values is for --sweep (the named values each point\'s line keeps)', 'mmbook run');
  if (sweep) {
    if (json) throw new MmError('CLI_USAGE', '--json and --sweep do not go together: a sweep writes one JSON line per point to stdout', 'mmbook run --sweep');
    for (const name of [sweep.name, ...(sweep.seeds !== undefined ? ['seed'] : [])]) {
      if (name in params) throw new MmError('CLI_USAGE', `${name} is given with -p and swept by --sweep: give it once`, 'mmbook run --sweep');
    }
  }
  return { notebook, params, json, timeoutSec, maxHeapMiB, ...(sweep ? { sweep } : {}), ...(jobs !== undefined ? { jobs } : {}), ...(values ? { values } : {}) };
}

/** Installs a jsdom window as the global DOM (Plot and Inputs need one). CLI only. */
export async function installGlobalDom(): Promise<void> {
  if (typeof (globalThis as { document?: unknown }).document !== 'undefined') return;
  const { JSDOM } = await import('jsdom');
  const { window } = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
  fixJsdomFormAccessors(window.document);
  // Like jsdom-global: expose every window property Node lacks (document, NodeList, HTMLElement, …).
  const g = globalThis as Record<string, unknown>;
  const w = window as unknown as Record<string, unknown>;
  g.window = window;
  for (const k of Object.getOwnPropertyNames(window)) {
    if (k in g || k.startsWith('_')) continue;
    try { g[k] = w[k]; } catch { /* some getters throw outside a browsing context */ }
  }
}

/**
 * jsdom's <form> proxy refuses assignments to accessor properties defined on the element
 * (its [[Set]] trap only handles data properties), and Inputs defines `form.value` that way.
 * Its handler is shared per window, so capture it once while creating a form and let accessor
 * setters run.
 */
function fixJsdomFormAccessors(document: Document): void {
  type Handler = ProxyHandler<object> & { __mmbookFixed?: boolean };
  const Original = globalThis.Proxy;
  let handler: Handler | undefined;
  globalThis.Proxy = new Original(Original, {
    construct(target, args: [object, Handler]) {
      handler ??= args[1];
      return Reflect.construct(target, args);
    },
  });
  try {
    document.createElement('form');
  } finally {
    globalThis.Proxy = Original;
  }
  if (!handler || handler.__mmbookFixed || typeof handler.set !== 'function') return;
  const set = handler.set;
  handler.set = function (target: object, p: string | symbol, v: unknown, receiver: unknown) {
    if (typeof p === 'string') {
      const d = Reflect.getOwnPropertyDescriptor(target, p);
      if (d?.set) { d.set.call(receiver, v); return true; }
    }
    return set.call(this, target, p, v, receiver);
  };
  handler.__mmbookFixed = true;
}

/**
 * Plot, Inputs, html, md, … plus `mm`, `plots` and `cached` (the same builtins as the workbench;
 * `cached` computes every time: the CLI does not cache).
 */
export async function cliBuiltins(warn: (text: string) => void = (t) => process.stderr.write(`mmbook: warning: ${t}\n`)): Promise<Record<string, unknown>> {
  const { standardLibrary } = await import('../kernel/stdlib');
  const builtins = await standardLibrary();
  builtins.cached = (await import('../lib/cache/headless')).headlessCached;
  try {
    builtins.mm = (await import('../lib/mm')).mm;
    builtins.plots = (await import('../lib/plots/builtin')).plots;
  } catch (e) {
    warn(`cannot load the mm builtins: ${(e as Error).message}`);
  }
  return builtins;
}

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (!existsSync(args.notebook)) throw new MmError('NOTEBOOK_NOT_FOUND', `no such notebook file '${args.notebook}'`, 'mmbook run');
  if (args.json) checkJsonWritable(args.json, 'report', 'mmbook run --json');
  if (args.sweep) return (await import('./run-sweep')).runSweep({ ...args, sweep: args.sweep });
  const { runInWorker } = await import('./run-thread');
  const out = await runInWorker(
    { notebook: args.notebook, params: args.params, timeoutSec: args.timeoutSec },
    { heapMiB: args.maxHeapMiB, warn: (t) => process.stderr.write(`mmbook: warning: ${printable(t)}\n`) },
  );
  for (const line of out.lines) process.stdout.write(line + '\n');
  if (args.json) {
    const report = { notebook: args.notebook, values: out.values, cells: out.reports };
    try {
      await writeFile(args.json, reportJSON(report) + '\n');
    } catch (e) {
      throw jsonUnwritable(args.json, 'report', (e as NodeJS.ErrnoException).code ?? (e as Error).message, 'mmbook run --json');
    }
  }
  process.stdout.write(out.end.line + '\n');
  return out.end.code;
}

/**
 * JSON.stringify(value, null, 2), except that an array of numbers, strings, booleans and nulls stays
 * on one line: typed arrays and page counts would otherwise take one line per element.
 */
export function reportJSON(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    if (value.every((x) => x === null || typeof x !== 'object')) return JSON.stringify(value);
    return `[\n${value.map((x) => inner + reportJSON(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, x]) => x !== undefined && typeof x !== 'function');
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${reportJSON(x, inner)}`).join(',\n')}\n${indent}}`;
}

