import { defineConfig, type Plugin } from 'vite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * `npm:` imports in notebook cells. notebook-kit rewrites `import … from "npm:d3"` to
 * `https://cdn.jsdelivr.net/npm/d3/+esm`; an import map in the page points those URLs (unversioned,
 * and with the installed major, major.minor and exact version) at the installed packages, built as
 * their own entries (src/app/npm/*.ts), so nothing loads from a CDN.
 */
const NPM_MODULES: Array<{ name: string; file: string }> = [
  { name: 'd3', file: 'd3' },
  { name: '@observablehq/plot', file: 'observablehq-plot' },
  { name: '@observablehq/inputs', file: 'observablehq-inputs' },
  { name: 'htl', file: 'htl' },
];

function cdnUrls(name: string): string[] {
  const version = (JSON.parse(readFileSync(here(`./node_modules/${name}/package.json`), 'utf8')) as { version: string }).version;
  const [major, minor] = version.split('.');
  return ['', `@${major}`, `@${major}.${minor}`, `@${version}`, `@^${version}`].map((r) => `https://cdn.jsdelivr.net/npm/${name}${r}/+esm`);
}

function npmImportMap(): Plugin {
  let command: 'build' | 'serve' = 'build';
  return {
    name: 'mmbook-npm-import-map',
    config(_c, env) {
      command = env.command;
      if (env.command !== 'build') return;
      return {
        build: {
          rolldownOptions: {
            input: { index: here('./index.html'), ...Object.fromEntries(NPM_MODULES.map((m) => [`npm/${m.file}`, here(`./src/app/npm/${m.file}.ts`)])) },
            preserveEntrySignatures: 'exports-only',
            output: { entryFileNames: (chunk: { name: string }) => (chunk.name.startsWith('npm/') ? '[name].js' : 'assets/[name]-[hash].js') },
          },
        },
      };
    },
    transformIndexHtml: {
      order: 'pre',
      handler() {
        const imports: Record<string, string> = {};
        for (const m of NPM_MODULES) for (const url of cdnUrls(m.name)) imports[url] = command === 'build' ? `./npm/${m.file}.js` : `/src/app/npm/${m.file}.ts`;
        return [{ tag: 'script', attrs: { type: 'importmap' }, children: JSON.stringify({ imports }, null, 1), injectTo: 'head-prepend' }];
      },
    },
  };
}

/**
 * Every build leaves a stamp in its output directory: `mmbook build --out` empties only a directory
 * that has one (src/cli/build-out.ts, BUILD_STAMP).
 */
function buildStamp(): Plugin {
  return {
    name: 'mmbook-build-stamp',
    apply: 'build',
    writeBundle(o) {
      if (o.dir) writeFileSync(join(o.dir, '.mmbook-build'), 'This directory is a site built by mmbook (mmbook build, npm run build). The next build into it deletes everything in it.\n');
    },
  };
}

// The workbench is one page; notebooks are bundled from notebooks/*.html (src/app/catalog.ts).
// base './' keeps every asset URL relative, so dist/ works from any static server path, offline.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
  plugins: [npmImportMap(), buildStamp()],
  resolve: {
    // notebook-kit imports the TypeScript compiler for `ts` cells: load it only when a notebook needs it
    alias: [{ find: /^typescript$/, replacement: here('./src/app/typescript-lazy.ts') }],
  },
  server: { open: true },
});
