#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs (or one named on the command line) in its
// own process, from source via tsx, one after another so they do not compete for cores.
// Benchmarks print figures and ratios; they never fail on a target (tests check correctness).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error(`bench: no benchmark matches ${only.join(' ')}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench: ${f} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
