// `npm:@observablehq/plot` in a notebook cell resolves here (import map): the installed Plot, no CDN.
export * from '@observablehq/plot';
