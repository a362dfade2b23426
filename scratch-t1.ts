import { mm } from './src/lib/mm';
const m = mm.boot({fixture:'a64-2g-cma64'});
const managed = m.view().nodes.flatMap(n=>n.zones).reduce((s,z)=>s+z.managed,0);
for (const fill of [92, 96, 97, 98]) {
  const spec = {seed: 1, steps: 400, sampleEvery: 4, streams: [
    {name: 'app', kind: 'anon', order: {'0': 0.4, '3': 0.6}, count: Math.round(fill / 100 * managed / 5.2), end: 300},
    {name: 'slab', kind: 'slab', rate: 20, order: {'0': 0.7, '1': 0.15, '3': 0.15}, lifetime: {exponential: {mean: 80}}},
  ]};
  const t = Date.now();
  const r = m.workload(spec) as any;
  const z = r.final.nodes[0].zones[0];
  console.log(fill, 'ms', Date.now()-t, 'free', z.free, 'cma', z.freeCma, 'min/low', z.min, z.low, 'fails', r.failureCount, 'kswapd', r.totals.kswapdWakes, 'ha', z.reservedHighatomic, JSON.stringify(z.blocksByType));
  for (const req of [{gfp:'GFP_KERNEL', order:0}, {gfp:'GFP_KERNEL', order:3}, {gfp:'GFP_KERNEL', order:9}, {gfp:'GFP_ATOMIC', order:3}]) { const c = mm.check(r, req as any); console.log('  ', req.gfp, req.order, c.ok, c.other.ok, c.explanation.zones[0].counted_free, c.explanation.zones[0].free_at_order); }
}
