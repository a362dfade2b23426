// `npm:@observablehq/inputs` in a notebook cell resolves here (import map): the installed Inputs, no CDN.
export * from '@observablehq/inputs';
