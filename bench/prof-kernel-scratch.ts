import { NotebookSession } from '../src/kernel/index';
const cells = [{ id: 1, mode: 'js', value: 'const input = 1;' }];
for (let i = 1; i <= 1000; i++) cells.push({ id: i + 1, mode: 'js', value: `const c${i} = ${i === 1 ? 'input' : 'c' + (i - 1)} + 1;` });
const s = NotebookSession.open({ title: 't', cells });
let t0 = performance.now(); await s.settled(); console.log('open', performance.now() - t0);
for (let r = 0; r < 10; r++) { t0 = performance.now(); s.redefine(1, `const input = ${r};`); await s.settled(); console.log('settle', performance.now() - t0); }
s.dispose();
