/**
 * The result cache (src/lib/cache): stable keys, LRU eviction under a size cap, unreadable entries
 * dropped and recomputed, quota and clone failures reported, on fake-indexeddb.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { CACHE_DB, openBackend, type KvBackend } from '../../src/lib/persist/backend';
import { cacheKey, canonicalJSON, keyText, ResultCache, RESULT_VERSIONS, sha256Hex, sha256HexSync, sizeOf, headlessCached, type CacheProblem } from '../../src/lib/cache/index';
import { SIM_VERSION } from '../../src/sim/index';

async function fresh(): Promise<KvBackend> {
  const { backend, warning } = await openBackend(new IDBFactory(), CACHE_DB);
  expect(warning).toBeUndefined();
  return backend;
}

describe('cache keys', () => {
  it('SHA-256 in JavaScript and through crypto.subtle agree with the standard vectors', async () => {
    const vectors: Array<[string, string]> = [
      ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
      ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
      ['é'.repeat(100), sha256HexSync('é'.repeat(100))],
    ];
    for (const [text, want] of vectors) {
      expect(sha256HexSync(text)).toBe(want);
      expect(await sha256Hex(text)).toBe(want);
    }
  });

  it('the same parts give the same key whatever their key order; any change of a value changes it', async () => {
    const a = { machine: { fixture: 'x64-1g', cmdline: 'cma=64M' }, tunables: { watermark_scale_factor: 200, min_free_kbytes: 4096 }, seed: 3, dtb: new Uint8Array([1, 2, 3]) };
    const b = { seed: 3, dtb: new Uint8Array([1, 2, 3]), tunables: { min_free_kbytes: 4096, watermark_scale_factor: 200 }, machine: { cmdline: 'cma=64M', fixture: 'x64-1g' } };
    expect(await cacheKey(a)).toBe(await cacheKey(b));
    expect(await cacheKey(a)).toMatch(/^[0-9a-f]{64}$/);
    for (const changed of [{ ...a, seed: 4 }, { ...a, dtb: new Uint8Array([1, 2, 4]) }, { ...a, dtb: new Int8Array([1, 2, 3]) }, { ...a, tunables: { ...a.tunables, watermark_scale_factor: 201 } }]) {
      expect(await cacheKey(changed)).not.toBe(await cacheKey(a));
    }
    // the simulator's versions are part of what is hashed
    expect(keyText({ x: 1 })).toBe(`{"parts":{"x":1},"versions":{"package":${JSON.stringify(RESULT_VERSIONS.package)},"sim":${SIM_VERSION}}}`);
    expect(canonicalJSON({ b: [1, -0, NaN, undefined], a: new Map([['z', 1], ['y', 2]]), c: undefined })).toBe('{"a":{"$map":[["y",2],["z",1]]},"b":[1,0,{"$number":"NaN"},null]}');
  });

  it('parts that are not plain data are refused, naming where they are', async () => {
    await expect(cacheKey({ machine: { sysctl() {} } })).rejects.toMatchObject({ code: 'CACHE_KEY', message: expect.stringMatching(/^cached\(\) key\.machine\.sysctl is a function, not plain data/) });
    class Machine {}
    await expect(cacheKey({ spec: [1, new Machine()] })).rejects.toThrow(/cached\(\) key\.spec\[1\] is a Machine, not plain data/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    await expect(cacheKey(loop)).rejects.toThrow(/cached\(\) key\.self refers back to itself/);
    await expect(headlessCached({ f: () => 1 }, () => 1)).rejects.toMatchObject({ code: 'CACHE_KEY' });
    expect(await headlessCached({ n: 1 }, () => 42)).toBe(42);
  });
});

describe('ResultCache', () => {
  let backend: KvBackend;
  let problems: CacheProblem[];
  beforeEach(async () => { backend = await fresh(); problems = []; });
  const make = (capBytes?: number, b: KvBackend = backend) => new ResultCache(b, { capBytes, onProblem: (p) => problems.push(p) });
  const blob = (n: number, fill: number) => new Uint8Array(n).fill(fill);

  it('stores a result under its key, reads it back in a new session, and says it came from the cache', async () => {
    let computed = 0;
    const compute = () => { computed++; return { trace: new Float64Array([1, 2, 3]), failures: 2 }; };
    const c1 = make();
    const hits: number[] = [];
    expect(await c1.cached({ seed: 1 }, compute, { onHit: () => hits.push(1) })).toEqual({ trace: new Float64Array([1, 2, 3]), failures: 2 });
    const c2 = make();
    const again = await c2.cached({ seed: 1 }, compute, { onHit: () => hits.push(2) });
    expect(again.trace).toBeInstanceOf(Float64Array);
    expect(again).toEqual({ trace: new Float64Array([1, 2, 3]), failures: 2 });
    expect(computed).toBe(1);
    expect(hits).toEqual([2]);
    expect(c2.stats()).toEqual({ entries: 1, bytes: sizeOf({ trace: new Float64Array([1, 2, 3]), failures: 2 }), capBytes: 200 * 1024 * 1024 });
    expect(problems).toEqual([]);
  });

  it('concurrent calls with the same parts compute once', async () => {
    let computed = 0;
    const c = make();
    const slow = async () => { computed++; await new Promise((r) => setTimeout(r, 5)); return 7; };
    expect(await Promise.all([c.cached({ k: 1 }, slow), c.cached({ k: 1 }, slow)])).toEqual([7, 7]);
    expect(computed).toBe(1);
  });

  it('evicts the least recently used results to stay under the cap', async () => {
    const one = sizeOf(blob(300, 0));
    const c = make(3 * one + 10);
    await c.put('a', blob(300, 1));
    await c.put('b', blob(300, 2));
    await c.put('c', blob(300, 3));
    expect((await c.get('a')).hit).toBe(true); // a is now the most recently used
    await c.put('d', blob(300, 4));
    expect(c.stats()).toMatchObject({ entries: 3, bytes: 3 * one });
    expect((await c.get('b')).hit).toBe(false);
    for (const k of ['a', 'c', 'd']) expect((await c.get(k)).hit).toBe(true);
    // the order survives a reload: a (read first above) is now the oldest use
    await c.flush();
    const again = make();
    await again.put('e', blob(300, 5));
    expect((await again.get('a')).hit).toBe(false);
    expect(again.stats().entries).toBe(3);
    expect((await backend.keys()).filter((k) => k.startsWith('r:')).sort()).toEqual(['r:c', 'r:d', 'r:e']);
  });

  it('a result larger than the cap is not cached, and says so; lowering the cap evicts', async () => {
    const c = make(1000);
    expect(await c.put('big', blob(2000, 1))).toBe(false);
    expect(problems).toEqual([{ kind: 'too-large', message: expect.stringMatching(/^A result of 2\.0 KiB is larger than the result cache's cap \(1000 B\): it was not cached\.$/) }]);
    expect(c.stats().entries).toBe(0);
    await c.put('x', blob(400, 1));
    await c.put('y', blob(400, 2));
    await c.setCap(500);
    expect(c.stats()).toMatchObject({ entries: 1, capBytes: 500 });
    expect((await c.get('y')).hit).toBe(true);
    await c.clear();
    expect(c.stats().entries).toBe(0);
    expect(await backend.keys()).toEqual(['index']);
  });

  it('an unreadable entry is dropped, reported and computed again; an unreadable index empties the cache', async () => {
    const c = make();
    await c.cached({ n: 1 }, () => 'first');
    const hash = await cacheKey({ n: 1 });
    await backend.set(`r:${hash}`, { schema: 1, hash: 'someone else', value: 'wrong' });
    let computed = 0;
    expect(await make().cached({ n: 1 }, () => { computed++; return 'again'; })).toBe('again');
    expect(computed).toBe(1);
    expect(problems).toEqual([{ kind: 'corrupt', message: expect.stringMatching(/^A cached result was unreadable \(unexpected content\); it was dropped and is computed again\.$/) }]);
    problems.length = 0;
    await backend.set('index', { schema: 1, capBytes: 'lots', entries: [] });
    const reopened = make();
    await reopened.open();
    expect(problems).toEqual([{ kind: 'corrupt', message: expect.stringMatching(/^The result cache's index was unreadable \(unexpected content\); the cache was emptied/) }]);
    expect(reopened.stats().entries).toBe(0);
    expect((await backend.keys()).filter((k) => k.startsWith('r:'))).toEqual([]);
  });

  it('results the index does not list are deleted when the cache opens', async () => {
    const c = make();
    await c.put('kept', 1);
    await c.flush();
    await backend.set('r:orphan', { schema: 1, hash: 'orphan', size: 10, value: 1 });
    await make().open();
    expect((await backend.keys()).sort()).toEqual(['index', 'r:kept']);
  });

  it('a full disk: evicts and tries again, then reports; a value that cannot be cloned is reported; the value is returned', async () => {
    let room = 2;
    const full: KvBackend = {
      persistent: true, get: (k) => backend.get(k), keys: () => backend.keys(),
      del: (k) => { if (k.startsWith('r:')) room++; return backend.del(k); },
      set: (k, v) => {
        if (!k.startsWith('r:')) return backend.set(k, v);
        if (room <= 0) return Promise.reject(Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' }));
        room--;
        return backend.set(k, v);
      },
    };
    const c = make(undefined, full);
    expect(await c.put('a', 1)).toBe(true);
    expect(await c.put('b', 2)).toBe(true);
    // the disk is full: the oldest result goes and the write is tried again
    expect(await c.put('c', 3)).toBe(true);
    expect((await c.get('a')).hit).toBe(false);
    expect(problems).toEqual([]);
    room = -100;
    expect(await c.cached({ n: 2 }, () => 'shown')).toBe('shown');
    expect(problems.map((p) => p.kind)).toEqual(['quota']);
    expect(problems[0]!.message).toMatch(/^Storage is full: a result of .* was not cached \(QuotaExceededError: The quota has been exceeded\.\)/);
    problems.length = 0;
    const fn = () => 1;
    expect(await make().cached({ n: 3 }, () => ({ fn }))).toEqual({ fn });
    expect(problems).toEqual([{ kind: 'uncloneable', message: expect.stringMatching(/^This result cannot be cached \(DataCloneError: .*\): it holds something that is not data/) }]);
  });
});
