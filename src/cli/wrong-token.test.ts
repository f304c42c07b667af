/**
 * A wrong API token exits 2 like a missing one, with a hint that names where the token came
 * from (--token, COLOSSUS_TOKEN or ./.colossus/admin.token). Real server on loopback, real CLI
 * child processes. Also: the control-plane commands honour -o.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ColossusServer } from '../server/app.js';
import { Store } from '../server/store/store.js';
import { ensureTokenFiles, type BootTokens } from '../server/tokens-files.js';
import { runCli } from '../../test/helpers/cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: ColossusServer;
let url: string;
let dir: string;
let tokens: BootTokens;
const env = { COLOSSUS_SERVER: '', COLOSSUS_TOKEN: '' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-token-'));
  tokens = ensureTokenFiles(dir, {});
  server = await createServer({ store: await Store.open({ dataDir: dir }), bootstrapTokens: tokens, tickMs: 0 });
  url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const gpus = Array.from({ length: 8 }, (_, i) => ({ index: i, uuid: `G${i}`, model: 'H100' }));
  for (const name of ['n1', 'n2']) server.controller.registerNode({ name, gpus, topology: { rack: 'r1' }, address: null, attempts: [] });
  await server.commit();
});

afterAll(async () => {
  await server?.close();
  await server?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function jobList(extra: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const r = await runCli(['job', 'list', '--server', url, '--json', ...extra], { env: { ...env, ...options.env }, cwd: options.cwd ?? dir });
  return { ...r, doc: r.stdout ? (JSON.parse(r.stdout) as Json) : undefined };
}

describe('a wrong token', () => {
  it('the right token works (the server is real)', async () => {
    const r = await jobList(['--token', tokens.admin]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc).toEqual([]);
  });

  it('exits 2 like a missing token, naming --token', async () => {
    const [wrong, missing] = await Promise.all([jobList(['--token', 'not-a-token']), jobList([], { cwd: mkdtempSync(join(tmpdir(), 'no-token-')) })]);
    expect([wrong.code, missing.code]).toEqual([2, 2]);
    expect(wrong.doc!.error).toMatchObject({ code: 'usage', where: '--token' });
    expect(wrong.doc!.error.message).toMatch(/the token from --token is not a token of this server/);
    expect(wrong.doc!.error.hint).toContain(`the server at ${url}`);
    expect(wrong.stderr).toMatch(/^colossus: --token: /);
    expect(missing.doc!.error).toMatchObject({ code: 'usage', message: 'no API token', where: '--token' });
  });

  it('names COLOSSUS_TOKEN or the admin.token file when the token came from there', async () => {
    const stale = mkdtempSync(join(tmpdir(), 'stale-'));
    mkdirSync(join(stale, '.colossus'));
    writeFileSync(join(stale, '.colossus', 'admin.token'), 'from-another-server\n');
    const [fromEnv, fromFile] = await Promise.all([jobList([], { env: { COLOSSUS_TOKEN: 'wrong' } }), jobList([], { cwd: stale })]);
    expect([fromEnv.code, fromFile.code]).toEqual([2, 2]);
    expect(fromEnv.doc!.error.where).toBe('COLOSSUS_TOKEN');
    expect(fromFile.doc!.error.where).toBe(join('.colossus', 'admin.token'));
  });

  it('an agent join token given for a user command says so', async () => {
    const r = await jobList(['--token', tokens.agent]);
    expect(r.code).toBe(2);
    expect(r.doc!.error.message).toMatch(/is an agent token, not an admin or user token/);
    expect(r.doc!.error.hint).toMatch(/admin\.token .*not agent\.token/);
  });
});

describe('control-plane commands take -o too', () => {
  it('node list -o name, -o json and -o wide', async () => {
    const base = ['node', 'list', '--server', url, '--token', tokens.admin];
    const [names, json, wide, text] = await Promise.all([runCli([...base, '-o', 'name'], { env }), runCli([...base, '-o', 'json'], { env }), runCli([...base, '-o', 'wide'], { env }), runCli(base, { env })]);
    expect([names.code, json.code, wide.code, text.code]).toEqual([0, 0, 0, 0]);
    expect(names.stdout).toBe('n1\nn2\n');
    expect((JSON.parse(json.stdout) as Json[]).map((n) => n.name)).toEqual(['n1', 'n2']);
    expect(wide.stdout).toContain('n2');
  });
});
