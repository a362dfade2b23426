import { readFileSync } from 'fs';
import { parseFdt, fdtScan } from './src/sim/fdt';
const b0 = new Uint8Array(readFileSync('/work/shared/oracle/a64-512m/virt.dtb'));
const dv = new DataView(b0.buffer, b0.byteOffset); const end = dv.getUint32(12)+dv.getUint32(32);
const b = b0.slice(0,end); new DataView(b.buffer).setUint32(4,end);
let t0=performance.now(); for (let i=0;i<5000;i++) parseFdt(b); console.log('parse us', (performance.now()-t0)/5000*1000);
const t = parseFdt(b);
t0=performance.now(); for (let i=0;i<5000;i++) fdtScan(t,'6.1'); console.log('scan us', (performance.now()-t0)/5000*1000);
t0=performance.now(); for (let i=0;i<5000;i++) fdtScan(t,'5.10'); console.log('scan510 us', (performance.now()-t0)/5000*1000);
