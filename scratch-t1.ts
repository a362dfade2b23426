import { mm } from './src/lib/mm';
console.log(mm.fixtures().map(f=>`${f.name} ${f.arch} ${f.kernel} ${f.cmdline}`).join('\n'));
for (const req of [{fixture:'x64-1g'}, {arch:'arm64', kernel:'5.10', topology:{ramMiB:2048, nodes:1, cpus:2}, cmdline:'cma=64M'}, {arch:'arm64', kernel:'6.1', topology:{ramMiB:2048, nodes:1, cpus:2}, cmdline:'cma=64M'}] as any[]) {
const v = mm.boot(req).view();
console.log(v.kernel, v.migratetypeNames.join(','), v.zoneNames.join(','), v.pageblockOrder);
for (const n of v.nodes) for (const z of n.zones) if (z.present) console.log(n.nid, z.name, z.free, z.freeCma, z.min, z.low, z.high, z.boost, z.protection.join(' '), z.managed);
}
