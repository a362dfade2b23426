#!/usr/bin/env node
/**
 * Entry point of the `mmbook` command. It runs the compiled CLI in dist-cli/ (scripts/build-cli.mjs,
 * built on npm install and npm run build) while that is up to date: every source file listed in
 * dist-cli/manifest.json is no newer than the manifest. Otherwise (a source edited since, no build
 * yet, or MMBOOK_TSX=1) it runs the TypeScript sources through tsx, which is slower to start.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function compiledEntry() {
  if (process.env.MMBOOK_TSX) return null;
  try {
    const manifest = root + 'dist-cli/manifest.json';
    const built = statSync(manifest).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const f of inputs) if (statSync(root + f).mtimeMs > built) return null;
    return new URL('../dist-cli/main.js', import.meta.url).href;
  } catch {
    return null;
  }
}

const entry = compiledEntry();
if (entry) {
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
