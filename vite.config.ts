import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The workbench is one page; notebooks are bundled from notebooks/*.html (src/app/catalog.ts).
// base './' keeps every asset URL relative, so dist/ works from any static server path, offline.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4000 },
  worker: { format: 'es' },
  resolve: {
    // notebook-kit imports the TypeScript compiler for `ts` cells: load it only when a notebook needs it
    alias: [{ find: /^typescript$/, replacement: fileURLToPath(new URL('./src/app/typescript-lazy.ts', import.meta.url)) }],
  },
  server: { open: true },
});
