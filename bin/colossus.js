#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// `perf` and `plan` run one short CPU-bound search and exit. Under V8's default tier-up budget
// (132 KB of bytecode per tick) TurboFan compiles most of the planner on a second thread before
// the search ends, which costs more CPU than it saves on a 10^4-layout search; 2 MB lets such a
// search finish in the interpreter and baseline tiers, and larger ones are still optimised
// (README "CLI start-up": plan 0.37 → 0.25 s CPU). Tiering only: the answer is the same.
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (command === 'perf' || command === 'plan') setFlagsFromString('--interrupt-budget=2000000');

const { main } = await import('../dist/cli/main.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
