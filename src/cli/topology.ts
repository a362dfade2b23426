/**
 * `mmbook boot --topology FILE.json`: reading and checking the JSON before it reaches the
 * simulator, so that a typo or a wrong type is a one-line TOPOLOGY_INVALID naming the file and
 * the field, not a silent default or a crash deep in the DTB builder.
 */
import { readInputFile } from './input-file';
import { MmError, type Topology, type Arch, type KernelVersion } from '../sim/index';

type Json = Record<string, unknown>;

const TOP_KEYS = ['arch', 'kernel', 'ramMiB', 'nodes', 'cpus', 'dramBase', 'cmdline', 'initrdKiB', 'reserved'] as const;
/** TopologyReserved (src/sim/fdt/fdt-topology.ts): a /reserved-memory child. */
const RESERVED_KEYS = ['name', 'reg', 'size', 'alignment', 'allocRanges', 'noMap', 'reusable', 'compatible', 'cmaDefault', 'status', 'phandle'] as const;

const isObj = (x: unknown): x is Json => !!x && typeof x === 'object' && !Array.isArray(x);
const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function fail(path: string, field: string, msg: string): never {
  throw new MmError('TOPOLOGY_INVALID', `--topology file '${path}': ${field} ${msg}`);
}

function onlyKeys(o: Json, keys: readonly string[], path: string, where: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) fail(path, `${where}${k}`, `is not a topology field (known: ${keys.join(', ')})`);
  }
}

function uint(o: Json, k: string, path: string, where: string, min = 0): void {
  if (o[k] === undefined) return;
  if (!isUint(o[k]) || (o[k] as number) < min) fail(path, `${where}${k}`, `must be an integer${min ? ` of at least ${min}` : ' (0 or more)'}, got ${JSON.stringify(o[k])}`);
}

function ranges(o: Json, k: string, a: string, b: string, path: string, where: string): void {
  if (o[k] === undefined) return;
  const list = o[k];
  if (!Array.isArray(list)) fail(path, `${where}${k}`, `must be an array of {${a}, ${b}}, got ${JSON.stringify(list)}`);
  list.forEach((r, i) => {
    const w = `${where}${k}[${i}].`;
    if (!isObj(r)) fail(path, `${where}${k}[${i}]`, `must be an object {${a}, ${b}}, got ${JSON.stringify(r)}`);
    onlyKeys(r, [a, b], path, w);
    for (const f of [a, b]) {
      if (r[f] === undefined) fail(path, `${w}${f}`, 'is missing');
      uint(r, f, path, w);
    }
  });
}

function checkReserved(list: unknown, path: string): void {
  if (!Array.isArray(list)) fail(path, 'reserved', `must be an array of /reserved-memory children, got ${JSON.stringify(list)}`);
  list.forEach((r, i) => {
    const w = `reserved[${i}].`;
    if (!isObj(r)) fail(path, `reserved[${i}]`, `must be an object, got ${JSON.stringify(r)}`);
    onlyKeys(r, RESERVED_KEYS, path, w);
    if (typeof r.name !== 'string' || !r.name) fail(path, `${w}name`, `must be a node name such as "linux,cma", got ${JSON.stringify(r.name)}`);
    if (r.reg === undefined && r.size === undefined) fail(path, `reserved[${i}]`, 'needs reg (a static region) or size (a dynamic one)');
    ranges(r, 'reg', 'base', 'size', path, w);
    ranges(r, 'allocRanges', 'start', 'size', path, w);
    uint(r, 'size', path, w, 1);
    uint(r, 'alignment', path, w);
    uint(r, 'phandle', path, w, 1);
    for (const b of ['noMap', 'reusable', 'cmaDefault']) {
      if (r[b] !== undefined && typeof r[b] !== 'boolean') fail(path, `${w}${b}`, `must be true or false, got ${JSON.stringify(r[b])}`);
    }
    if (r.status !== undefined && typeof r.status !== 'string') fail(path, `${w}status`, `must be a string, got ${JSON.stringify(r.status)}`);
    const c = r.compatible;
    if (c !== undefined && typeof c !== 'string' && !(Array.isArray(c) && c.every((s) => typeof s === 'string'))) {
      fail(path, `${w}compatible`, `must be a string or an array of strings, got ${JSON.stringify(c)}`);
    }
  });
}

/**
 * The topology of `path` for `arch`/`kernel` (the --arch and --kernel flags). The JSON may repeat
 * arch and kernel, but not contradict them.
 */
export function readTopologyFile(path: string, text: string, arch: Arch, kernel: KernelVersion): Topology {
  let t: unknown;
  try {
    t = JSON.parse(text);
  } catch (e) {
    throw new MmError('TOPOLOGY_INVALID', `--topology file '${path}': not valid JSON: ${(e as Error).message}`);
  }
  if (!isObj(t)) throw new MmError('TOPOLOGY_INVALID', `--topology file '${path}': must hold a JSON object such as {"ramMiB": 8192, "nodes": 2, "cpus": 4}`);
  onlyKeys(t, TOP_KEYS, path, '');
  if (t.arch !== undefined && t.arch !== arch) fail(path, 'arch', `is ${JSON.stringify(t.arch)} but --arch is ${arch}`);
  if (t.kernel !== undefined && String(t.kernel) !== kernel) fail(path, 'kernel', `is ${JSON.stringify(t.kernel)} but --kernel is ${kernel}`);
  if (typeof t.ramMiB !== 'number' || !Number.isFinite(t.ramMiB) || t.ramMiB <= 0) fail(path, 'ramMiB', `must be a positive number of MiB, got ${JSON.stringify(t.ramMiB)}`);
  uint(t, 'nodes', path, '', 1);
  uint(t, 'cpus', path, '', 1);
  uint(t, 'dramBase', path, '');
  uint(t, 'initrdKiB', path, '');
  if (t.cmdline !== undefined && typeof t.cmdline !== 'string') fail(path, 'cmdline', `must be a string, got ${JSON.stringify(t.cmdline)}`);
  if (t.reserved !== undefined) checkReserved(t.reserved, path);
  return { ...(t as unknown as Topology), arch, kernel };
}

/** Reads --topology FILE (FILE_UNREADABLE, INPUT_TOO_LARGE when it cannot) and checks it. */
export function loadTopology(path: string, arch: Arch, kernel: KernelVersion): Topology {
  return readTopologyFile(path, readInputFile('--topology', path).toString('utf8'), arch, kernel);
}
