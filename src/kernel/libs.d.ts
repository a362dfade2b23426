// Untyped host libraries loaded by stdlib.ts.
declare module '@observablehq/inputs';
declare module 'htl';
declare module 'jsdom' {
  export class JSDOM {
    constructor(html?: string, options?: Record<string, unknown>);
    readonly window: Window & typeof globalThis;
  }
}
