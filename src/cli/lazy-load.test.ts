/**
 * Each command loads only what it needs: the real CLI in a child process with a loader hook
 * that records every module it loads. (Start-up time itself is a benchmark: `npm run bench cli`.)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../test/helpers/cli.js';

const HEAVY = ['/fastify/', '/pino/', '/prom-client/', '/better-sqlite3/', '/pg/', '/kysely/', '/zod/', '/yaml/', '/src/server/', '/src/twin/', '/src/agent/', '/src/protocol/', '/src/core/sim/', 'simulate-worker', '/web/'];

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'trace-')), 'modules.txt');
  // dist/ module by module (the bundle joins modules into chunks; src/cli/bundle.test.ts checks it)
  const r = await runCli(args, { env: { MODULE_TRACE_FILE: file, COLOSSUS_NO_BUNDLE: '1' }, nodeArgs: ['--import', join(repoRoot, 'test/helpers/module-trace.mjs')] });
  expect(r.code, r.stderr).toBe(0);
  // The built CLI's modules (dist/…/x.js) named as their sources (src/…/x.ts), so one set of checks covers both.
  const built = pathToFileURL(join(repoRoot, 'dist')).href + '/';
  const source = pathToFileURL(join(repoRoot, 'src')).href + '/';
  return readFileSync(file, 'utf8').trim().split('\n').map((u) => (u.startsWith(built) ? source + u.slice(built.length).replace(/\.js$/, '.ts') : u));
}

describe('lazy loading', () => {
  const plan = ['--model', 'llama3-70b', '--cluster', 'dgx-h100', '--gpus', '64', '--gbs', '128', '--seq', '8192'];
  for (const args of [['--help'], ['model', 'list'], ['model', 'show', 'grok-1'], ['gpu', 'compare', 'h100', 'h200'], ['cluster', 'show', 'colossus-100k'], ['perf', ...plan], ['plan', ...plan]]) {
    it(`colossus ${args.slice(0, 2).join(' ')} loads no server, store, schema or simulator module`, async () => {
      const loaded = await modulesLoadedBy(args);
      expect(loaded.some((u) => u.includes('/src/cli/main.ts'))).toBe(true); // the trace works
      expect(loaded.filter((u) => HEAVY.some((h) => u.includes(h)))).toEqual([]);
    });
  }

  it('colossus job submit loads the planner only with --model', async () => {
    const loaded = await modulesLoadedBy(['job', 'submit', '--help']);
    expect(loaded.some((u) => u.includes('/src/cli/commands/job.ts'))).toBe(true);
    expect(loaded.filter((u) => u.includes('/src/core/perf/') || u.includes('job-plan-submit'))).toEqual([]);
  });

  it('loads only its own command module', async () => {
    const loaded = await modulesLoadedBy(['gpu', 'list']);
    expect(loaded.filter((u) => u.includes('/src/cli/commands/')).map((u) => u.replace(/.*\/commands\//, ''))).toEqual(['index.ts', 'gpu.ts']);
  });

  it('a data file on the command line loads YAML and the schemas', async () => {
    const loaded = await modulesLoadedBy(['model', 'show', join(repoRoot, 'examples/models/qwen3-30b-a3b.yaml')]);
    expect(loaded.some((u) => u.includes('/yaml/'))).toBe(true);
    expect(loaded.some((u) => u.includes('/core/model/schema.ts'))).toBe(true);
  });
});
