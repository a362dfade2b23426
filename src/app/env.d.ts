/// <reference types="vite/client" />
declare module '@observablehq/inspector' {
  export class Inspector { constructor(el: Element); fulfilled(value: unknown, name?: string): void; rejected(error: unknown): void; pending(): void }
}
declare module 'd3';
