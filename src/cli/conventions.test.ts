/**
 * The conventions every command shares (DESIGN.md): `-o json|wide|name` beside `--json`, and
 * under `--json` / `-o json` exactly one JSON document on stdout for every failure, with the
 * usual exit code; messages on stderr start with `colossus:`. Real CLI child processes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const plan = ['--model', 'llama3-8b', '--cluster', 'dgx-h100', '--gpus', '64', '--gbs', '256', '--seq', '4096'];
const noFit = ['--model', 'llama3-405b', '--cluster', 'dgx-h100', '--gpus', '8', '--gbs', '8', '--seq', '8192'];
/** A directory with no .colossus/ and an environment with no server, token or database. */
const bare = { cwd: mkdtempSync(join(tmpdir(), 'conventions-')), env: { COLOSSUS_SERVER: '', COLOSSUS_TOKEN: '', COLOSSUS_AGENT_TOKEN: '', DATABASE_URL: '' } };

const withoutClock = (text: string) => JSON.stringify({ ...JSON.parse(text), elapsedS: 0 });

describe('-o json is --json', () => {
  const cases = [
    ['model', 'list'],
    ['model', 'show', 'grok-1'],
    ['gpu', 'list'],
    ['gpu', 'show', 'h200'],
    ['gpu', 'compare', 'h100', 'b200'],
    ['cluster', 'list'],
    ['cluster', 'show', 'dgx-h100', '--gpus', '16'],
    ['perf', ...plan, '--tp', '2'],
    ['plan', ...plan, '--top', '2'],
  ];
  for (const args of cases) {
    it(`colossus ${args.slice(0, 2).join(' ')}`, async () => {
      const [a, b, c] = await Promise.all([runCli([...args, '--json']), runCli([...args, '-o', 'json']), runCli([...args, '--output=json'])]);
      expect(a.code, a.stderr).toBe(0);
      expect([b.code, c.code]).toEqual([0, 0]);
      const norm = args[0] === 'plan' ? withoutClock : (t: string) => JSON.stringify(JSON.parse(t));
      expect(norm(b.stdout)).toBe(norm(a.stdout));
      expect(norm(c.stdout)).toBe(norm(a.stdout));
    });
  }
});

describe('-o name and -o wide', () => {
  it('-o name prints the id or name of each object, one per line', async () => {
    for (const [cmd, key] of [[['model', 'list'], 'name'], [['gpu', 'list'], 'id'], [['cluster', 'list'], 'name']] as const) {
      const [names, json] = await Promise.all([runCli([...cmd, '-o', 'name']), runCli([...cmd, '--json'])]);
      expect(names.code).toBe(0);
      const expected = (JSON.parse(json.stdout) as Json[]).map((r) => r[key]);
      expect(expected.length).toBeGreaterThan(5);
      expect(names.stdout).toBe(expected.map((n) => n + '\n').join(''));
    }
    const show = await runCli(['gpu', 'show', 'h100', '-o', 'name']);
    expect(show.stdout).toBe('H100-SXM5-80GB\n');
    expect((await runCli(['cluster', 'show', 'meta-24k-roce', '-o', 'name'])).stdout).toBe('meta-24k-roce\n');
  });

  it('-o wide adds columns where there are more to show, and is the plain view elsewhere', async () => {
    for (const [cmd, extra] of [[['model', 'list'], 'vocab'], [['gpu', 'list'], 'HBM type'], [['cluster', 'list'], 'IT power']] as const) {
      const [text, wide] = await Promise.all([runCli([...cmd]), runCli([...cmd, '-o', 'wide'])]);
      expect(wide.code).toBe(0);
      expect(text.stdout).not.toContain(extra);
      const header = wide.stdout.split('\n')[0];
      expect(header).toContain(extra);
      expect(header.startsWith(text.stdout.split('\n')[0].replace(/ +description$/, '').trimEnd())).toBe(true);
      expect(wide.stdout.split('\n').length).toBe(text.stdout.split('\n').length);
    }
    const [text, wide] = await Promise.all([runCli(['gpu', 'compare', 'h100', 'h200']), runCli(['gpu', 'compare', 'h100', 'h200', '-o', 'wide'])]);
    expect(wide.stdout).toBe(text.stdout);
  });
});

/** Each failing invocation: [args, exit code, error code, where (or null)]. */
const failures: [string[], number, string, string | null][] = [
  [['modle'], 2, 'usage', 'modle'],
  [['model', 'show'], 2, 'usage', 'model'],
  [['model', 'show', 'llama9'], 2, 'usage', '--model'],
  [['gpu', 'list', '--colour'], 2, 'usage', '--colour'],
  [['gpu', 'compare', 'h100', 'tpu'], 2, 'usage', 'gpu B'],
  [['gpu', 'show', 'tpu'], 2, 'usage', 'gpu'],
  [['cluster', 'show', 'dgx-h100', '--gpus', '0'], 2, 'usage', '--gpus'],
  [['plan', '--model', 'llama3-8b', '--gbs', '8'], 2, 'usage', '--cluster'],
  [['plan', ...plan, '--gpus', 'many'], 2, 'usage', '--gpus'],
  [['perf', ...plan, '--tp', '12'], 2, 'invalid', '--tp'],
  [['simulate', '--cluster', 'colossus-1m'], 2, 'usage', '--cluster'],
  [['simulate', '--cluster', 'dgx-h100', '--runs', '0'], 2, 'usage', '--runs'],
  [['simulate', '--cluster', 'colossus-100k', '--runs', '1e9'], 2, 'usage', '--runs'],
  [['job', 'list', '--server', 'ftp://x'], 2, 'usage', '--server'],
  [['node', 'list', '--server', 'http://127.0.0.1:9'], 2, 'usage', '--token'],
  [['job', 'show', 'j1', '--server', 'http://127.0.0.1:9', '--token', 't'], 1, 'failure', null],
  [['agent', '--simulate-gpus', '8'], 2, 'usage', '--server'],
  [['server', '--port', '70000'], 2, 'usage', '--port'],
  [['server', '--failure-rates', 'rsc1-a100'], 2, 'usage', '--failure-rates'],
  [['server', '--failure-rates', 'nope'], 2, 'usage', '--failure-rates'],
  [['twin', '--port', 'x', '--gpus', '64', '--cluster', 'dgx-h100', '--model', 'llama3-8b'], 2, 'usage', '--port'],
  [['model', 'list', '--json', '-o', 'wide'], 2, 'usage', '-o'],
  [['model', 'list', '-o', 'yaml', '--json'], 2, 'usage', '-o'],
];

describe('under --json, every failure prints one JSON error document', () => {
  for (const [args, exit, code, where] of failures) {
    it(`colossus ${args.join(' ')} → exit ${exit}`, async () => {
      const json = args.includes('--json') ? args : [...args, '--json'];
      const r = await runCli(json, bare);
      expect(r.code, r.stderr).toBe(exit);
      expect(r.stderr).toMatch(/^colossus: \S/);
      expect(r.stderr).not.toMatch(/^error:|at .*\.ts:\d+/m);
      const doc = JSON.parse(r.stdout) as Json; // exactly one document: JSON.parse rejects two
      expect(Object.keys(doc)).toEqual(['error']);
      expect(Object.keys(doc.error).slice(0, 4)).toEqual(['code', 'message', 'where', 'hint']);
      expect(doc.error).toMatchObject({ code, where });
      expect(r.stderr).toContain(doc.error.message);
      expect(typeof doc.error.hint === 'string' || doc.error.hint === null).toBe(true);
      if (args.includes('-o')) return;
      const text = await runCli(args, bare); // the same failure without --json: same exit code, nothing on stdout
      expect(text.code).toBe(exit);
      expect(text.stdout).toBe('');
    });
  }

  it('simulate --runs 1e9 names the limit', async () => {
    const r = await runCli(['simulate', '--cluster', 'colossus-100k', '--runs', '1e9', '-o', 'json']);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as Json).error.message).toMatch(/--runs 1e9 is above the limit of 1,000,000 runs/);
  });

  it('parser errors name the command to ask for help, with commander’s suggestion', async () => {
    const r = await runCli(['plan', ...plan, '--gpu', '8', '-o', 'json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as Json;
    expect(doc.error).toMatchObject({ code: 'usage', message: "unknown option '--gpu'", where: '--gpu' });
    expect(doc.error.hint).toMatch(/did you mean --gpus\?.*colossus plan --help/);
    expect(r.stderr.split('\n')[0]).toBe("colossus: unknown option '--gpu'");
  });

  it('a negative answer keeps its result beside the error (exit 3)', async () => {
    const [perf, plan3] = await Promise.all([runCli(['perf', ...noFit, '--tp', '8', '--zero', '0', '--json']), runCli(['plan', ...noFit, '--json'])]);
    expect([perf.code, plan3.code]).toEqual([3, 3]);
    const p = JSON.parse(perf.stdout) as Json;
    expect(p.error).toMatchObject({ code: 'infeasible' });
    expect(p.fits).toBe(false);
    expect(p.memory.optimizer).toBeGreaterThan(0);
    const q = JSON.parse(plan3.stdout) as Json;
    expect(q.error.code).toBe('infeasible');
    expect(q.error.message).toMatch(/no layout of llama3-405b fits/);
    expect(q).toMatchObject({ best: null, top: [] });
    expect(q.searched).toBeGreaterThan(0);
  });

  it('-o name where a command has no names, or runs until stopped, is a usage error', async () => {
    const [compare, twin] = await Promise.all([runCli(['gpu', 'compare', 'h100', 'h200', '-o', 'name']), runCli(['twin', '-o', 'name'], bare)]);
    expect([compare.code, twin.code]).toEqual([2, 2]);
    expect(compare.stdout).toBe('');
    expect(compare.stderr).toMatch(/^colossus: -o name: this command prints no named objects/);
    expect(twin.stderr).toMatch(/^colossus: -o name: twin runs until stopped/);
  });

  it('a --json after -- belongs to the job’s command, not to colossus', async () => {
    const r = await runCli(['job', 'submit', '--name', 't', '--gpus', '8', '--server', 'ftp://x', '--', 'node', 'train.mjs', '--json'], bare);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
