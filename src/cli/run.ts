/**
 * `mmbook run NOTEBOOK.html [-p name=value | -p name=@FILE | -p name.field=value]... [--json out.json] [--timeout SECONDS]`
 * Runs a notebook headless, prints each cell's state and a one-line rendering of its value
 * (run-report.ts), its warnings on stderr, optionally writes the JSON report. Exit 0: every cell
 * succeeded; 1: a cell failed or timed out; 2 (via MmError): user error, such as a parameter the
 * notebook does not define (run-params.ts); 3: nothing failed, but cells wait for input not given.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MmError } from '../sim/errors';
import type { HeadlessNotebook } from '../kernel/index';
import { checkParamFields, checkParamNames } from './run-params';
import { describeCell, summary, type CellReport, type Outcome } from './run-report';

export interface RunArgs { notebook: string; params: Record<string, unknown>; json?: string; timeoutSec: number }

/** Parses a parameter value: JSON when it parses, else the raw string (papermill/marimo style). */
export function parseParamValue(raw: string): unknown {
  try { return JSON.parse(raw); } catch { return raw; }
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

/** `-p own.text=…` sets one field of an object parameter (the notebook supplies the other fields' defaults). */
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
    } else if (a.startsWith('-')) throw new MmError('CLI_USAGE', `unknown option '${a}'`, 'mmbook run');
    else if (notebook === undefined) notebook = a;
    else throw new MmError('CLI_USAGE', `unexpected argument '${a}' (one notebook per run)`, 'mmbook run');
  }
  if (!notebook) throw new MmError('CLI_USAGE', 'missing NOTEBOOK.html', 'mmbook run');
  return { notebook, params, json, timeoutSec };
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

/** Plot, Inputs, html, md, … plus `mm` and `plots` when src/lib/mm.ts and src/lib/plots/builtin.ts exist (same as the workbench). */
export async function cliBuiltins(): Promise<Record<string, unknown>> {
  const { standardLibrary } = await import('../kernel/stdlib');
  const builtins = await standardLibrary();
  const here = dirname(fileURLToPath(import.meta.url));
  const mm = await optionalModule(resolve(here, '../lib/mm'));
  if (mm) builtins.mm = mm.mm ?? mm.default ?? mm;
  const plots = await optionalModule(resolve(here, '../lib/plots/builtin'));
  if (plots?.plots !== undefined) builtins.plots = plots.plots;
  return builtins;
}

/** Imports `base`.ts/.js if it exists; a module that exists but fails to load is reported and skipped. */
async function optionalModule(base: string): Promise<Record<string, unknown> | undefined> {
  const file = [`${base}.ts`, `${base}.js`].find((f) => existsSync(f));
  if (!file) return undefined;
  try {
    return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    process.stderr.write(`mmbook: warning: cannot load ${file}: ${(e as Error).message}\n`);
    return undefined;
  }
}

export async function runCommand(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (!existsSync(args.notebook)) throw new MmError('NOTEBOOK_NOT_FOUND', `no such notebook file '${args.notebook}'`, 'mmbook run');
  await installGlobalDom();
  const kernel = await import('../kernel/index');
  let nb: HeadlessNotebook;
  try {
    nb = await kernel.loadNotebook(args.notebook, { params: args.params, builtins: await cliBuiltins() });
  } catch (e) {
    if (e instanceof kernel.KernelError) throw new MmError(e.code, e.message);
    throw e;
  }
  try {
    checkParamNames(nb.cells(), args.params, args.notebook);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      nb.settled().then(() => false),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(true), args.timeoutSec * 1000); }),
    ]);
    clearTimeout(timer);
    checkParamFields(nb, args.params, args.notebook);
    const cells = nb.cells();
    const values: Record<string, unknown> = {};
    const reports: CellReport[] = [];
    const outcomes: Outcome[] = [];
    for (const c of cells) {
      const { lines, report, outcome } = await describeCell(nb, c, values, kernel, timedOut ? args.timeoutSec : 0);
      outcomes.push(outcome);
      reports.push(report);
      process.stdout.write(lines.join('\n') + '\n');
      for (const w of c.warnings) process.stderr.write(`mmbook: warning: cell ${c.id}: ${w}\n`);
    }
    if (args.json) {
      const out = { notebook: args.notebook, values, cells: reports };
      await writeFile(args.json, reportJSON(out) + '\n');
    }
    const end = summary(cells, outcomes);
    process.stdout.write(end.line + '\n');
    return end.code;
  } finally {
    nb.dispose();
  }
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

