#!/usr/bin/env node
// Runs the whole test suite (vitest) and closes with the plain line CI reads:
// "N passed, N failed" (", N skipped" when any were skipped).
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';

mkdirSync('artifacts', { recursive: true });
const args = ['vitest', 'run', ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env });
let passed = 0, failed = 0, skipped = 0;
try {
  const r = JSON.parse(readFileSync('artifacts/vitest-results.json', 'utf8'));
  passed = r.numPassedTests;
  // A file that fails to load has no failed test, only a failed suite: count it once.
  failed = r.numFailedTests || (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} catch {
  failed = Math.max(1, failed);
  console.error('test: could not read artifacts/vitest-results.json (vitest crashed?)');
}
const status = run.status ?? 1;
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 || status !== 0 ? 1 : 0);
