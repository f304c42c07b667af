import { defineConfig } from 'vitest/config';

/**
 * Test files whose assertions ride on wall-clock timing of many real processes (servers,
 * agents, ranks, browsers, node timeouts, leases): they run one at a time, after the rest.
 * Everything else runs two files at once (CI has 2 cores; vitest's default there is one).
 */
const TIMED = [
  'test/e2e/**/*.test.ts',
  'test/browser/**/*.test.ts',
  'src/agent/**/*.test.ts',
  'src/server/http.test.ts',
  'src/server/clock-step.test.ts',
  'src/server/replicas.test.ts',
  'src/server/leader.test.ts',
  'src/server/storage-faults.test.ts',
  'src/server/single-writer.test.ts',
];
const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'artifacts/vitest-results.json' },
    projects: [
      { extends: true, test: { name: 'parallel', include: ALL, exclude: TIMED, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
