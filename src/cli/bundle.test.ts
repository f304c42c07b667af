/**
 * The CLI bundle (scripts/bundle-cli.mjs, dist/cli-bundle/) that bin/colossus.js runs after
 * `npm run build`: light commands load none of the heavy packages, and the commands whose code
 * finds files next to itself (the dashboard's web/dist, the simulator's worker) still find them.
 * The rank supervisor in lib/ is found by the agent e2e tests, which start the same built bin. Skipped, saying so, when dist/ is not a fresh build: the
 * tests then run the CLI from source, and the bundle is not what users would run.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../test/helpers/cli.js';
import { spawnServer } from '../server/testing/spawn-server.js';
import { builtIsFresh } from './testing/cli-command.js';

const BUNDLE = join(repoRoot, 'dist/cli-bundle/main.js');
const bundleIsCurrent = builtIsFresh() && existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= statSync(join(repoRoot, 'dist/cli/main.js')).mtimeMs;
if (!bundleIsCurrent) console.warn('bundle.test: SKIPPED — dist/ is not a fresh build with its bundle (run `npm run build`)');

const HEAVY_PACKAGES = ['/fastify/', '/pino/', '/prom-client/', '/better-sqlite3/', '/pg/', '/kysely/', '/zod/', '/yaml/'];

async function loadedBy(args: string[]): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'trace-')), 'modules.txt');
  const r = await runCli(args, { env: { MODULE_TRACE_FILE: file }, nodeArgs: ['--import', join(repoRoot, 'test/helpers/module-trace.mjs')] });
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(file, 'utf8').trim().split('\n');
}

describe.skipIf(!bundleIsCurrent)('the CLI bundle', () => {
  const plan = ['--model', 'llama3-70b', '--cluster', 'dgx-h100', '--gpus', '64', '--gbs', '128', '--seq', '8192'];
  for (const args of [['--help'], ['model', 'list'], ['gpu', 'compare', 'h100', 'h200'], ['perf', ...plan], ['plan', ...plan]]) {
    it(`colossus ${args.slice(0, 2).join(' ')} runs from the bundle and loads no heavy package`, async () => {
      const loaded = await loadedBy(args);
      expect(loaded.some((u) => u.includes('/dist/cli-bundle/main.js'))).toBe(true);
      expect(loaded.filter((u) => u.includes('/dist/') && !u.includes('/dist/cli-bundle/'))).toEqual([]); // not dist/ module by module
      expect(loaded.filter((u) => HEAVY_PACKAGES.some((h) => u.includes(h)))).toEqual([]);
    });
  }

  it('the server, run from the bundle, serves the dashboard (web/dist found next to it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-server-'));
    const server = await spawnServer(['--data-dir', dir]);
    try {
      const res = await fetch(server.url + '/');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>Colossus twin</title>');
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  it('simulate on worker threads runs from the bundle (the worker is found next to its chunk)', async () => {
    const r = await runCli(['simulate', '--cluster', 'colossus-100k', '--gpus', '8192', '--days', '10', '--runs', '20000', '--threads', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).runs).toBe(20000);
  });
});
