// Untyped host libraries loaded by stdlib.ts.
declare module '@observablehq/inputs';
declare module 'htl';
