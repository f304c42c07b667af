#!/usr/bin/env node
import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// `perf` and `plan` run one short CPU-bound search and exit. Under V8's default tier-up budget
// (132 KB of bytecode per tick) TurboFan compiles most of the planner on a second thread before
// the search ends, which costs more CPU than it saves on a 10^4-layout search; 2 MB lets such a
// search finish in the interpreter and baseline tiers, and larger ones are still optimised
// (README "CLI start-up": plan 0.37 → 0.25 s CPU). Tiering only: the answer is the same.
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (command === 'perf' || command === 'plan') setFlagsFromString('--interrupt-budget=2000000');

// The bundle (scripts/bundle-cli.mjs, part of `npm run build`) when it is a build of the current
// dist/, else dist/ itself (after a bare `tsc`); COLOSSUS_NO_BUNDLE=1 forces dist/.
function entry() {
  if (process.env.COLOSSUS_NO_BUNDLE === '1') return '../dist/cli/main.js';
  try {
    const bundle = statSync(new URL('../dist/cli-bundle/main.js', import.meta.url)).mtimeMs;
    if (bundle >= statSync(new URL('../dist/cli/main.js', import.meta.url)).mtimeMs) return '../dist/cli-bundle/main.js';
  } catch {
    // no bundle (or no dist/cli/main.js: the import below says so)
  }
  return '../dist/cli/main.js';
}

const { main } = await import(entry());
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
