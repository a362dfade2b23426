// `npm:d3` in a notebook cell resolves here (import map in the built page): the installed d3, no CDN.
export * from 'd3';
