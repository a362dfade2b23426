// `npm:htl` in a notebook cell resolves here (import map): the installed htl, no CDN.
export * from 'htl';
