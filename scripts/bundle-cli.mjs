#!/usr/bin/env node
// The CLI as one bundle (dist/cli-bundle/), built from tsc's output in dist/ by `npm run build`.
// Node resolves and links each ES module it loads; `colossus perf` loads 44 of our modules from
// dist/, 20 files from the bundle, and starts 10–20 ms sooner (README "CLI start-up"). esbuild joins
// them into chunks while keeping every dynamic import() a separate chunk, so each command still loads
// only what it needs (src/cli/bundle.test.ts). npm packages stay external (imported from
// node_modules as before). The chunks sit in one folder at the same depth as dist/<domain>/, so
// the paths our code builds from import.meta.url (../../web/dist, ../../lib,
// ./simulate-worker.js) resolve as they do in dist/. bin/colossus.js runs the bundle when it is
// at least as new as dist/cli/main.js, and dist/ otherwise (COLOSSUS_NO_BUNDLE=1 forces dist/).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli-bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/cli/main.js', 'simulate-worker': 'dist/cli/simulate-worker.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  keepNames: true,
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
});
