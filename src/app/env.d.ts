/// <reference types="vite/client" />
declare module 'markdown-it' {
  const MarkdownIt: new (opts?: Record<string, unknown>) => { render(src: string): string };
  export default MarkdownIt;
}
declare module '@observablehq/inspector' {
  export class Inspector { constructor(el: Element); fulfilled(value: unknown, name?: string): void; rejected(error: unknown): void; pending(): void }
}
