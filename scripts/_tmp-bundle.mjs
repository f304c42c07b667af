import { build } from 'esbuild';
const t0 = performance.now();
const r = await build({
  entryPoints: { main: 'dist/cli/main.js', 'simulate-worker': 'dist/cli/simulate-worker.js' },
  bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20',
  outdir: process.argv[2], packages: 'external', metafile: true, logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
console.log('ms', performance.now() - t0, Object.keys(r.metafile.outputs).length);
