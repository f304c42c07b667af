/**
 * The HTTP edge of the real server process (issue 9, defect 10): Fastify's and Node's
 * own refusals come back as our problem+json (no FST_ERR_* types) saying what, where
 * and how; a 3 MB body from a client that writes it all before reading (Python's
 * urllib) reliably gets its 413; the data dir and database are not world-readable.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from './testing/spawn-server.js';

const ADMIN = 'cla_edge-http-admin';
const dir = mkdtempSync(join(tmpdir(), 'colossus-http-edge-'));
let s: SpawnedServer;

beforeAll(async () => {
  s = await spawnServer(['--data-dir', join(dir, 'data')], { COLOSSUS_ADMIN_TOKEN: ADMIN });
});
afterAll(async () => {
  s.child.kill('SIGTERM');
  await s.exited;
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request (node:http, so headers and URLs of any size go out as given). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; type: string; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(s.url + path, { method, headers: { authorization: `Bearer ${ADMIN}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectOurs(r: { status: number; type: string; json: Record<string, unknown> }, status: number, detail: RegExp) {
  expect({ status: r.status, type: r.type }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/) });
  expect(r.json).toMatchObject({ status, type: expect.not.stringMatching(/FST_ERR/), detail: expect.stringMatching(detail), where: expect.any(String), hint: expect.any(String) });
}

describe('the HTTP edge of colossus server', () => {
  it('answers Fastify and Node refusals as problem+json of ours: 414, 431, bad URL, bad JSON, empty body, media type', async () => {
    expectOurs(await raw(`/api/v1/jobs?x=${'a'.repeat(9000)}`), 414, /URL is \d+ characters long/);
    expectOurs(await raw(`/api/v1/nodes/${'a'.repeat(200)}`), 414, /path segment is longer/);
    expectOurs(await raw('/api/v1/jobs', { 'x-big': 'a'.repeat(20_000) }), 431, /larger than 16 KiB/);
    expectOurs(await raw(`/api/v1/jobs?x=${'a'.repeat(20_000)}`), 431, /larger than 16 KiB/);
    expectOurs(await raw('/api/v1/nodes/%E0%A4%A'), 400, /percent-encoding/);
    expectOurs(await raw('/api/v1/jobs', { 'content-type': 'application/json' }, 'POST', '{"name": '), 400, /not valid JSON/);
    expectOurs(await raw('/api/v1/jobs', { 'content-type': 'application/json' }, 'POST', ''), 400, /empty/);
    expectOurs(await raw('/api/v1/jobs', { 'content-type': 'application/json' }, 'POST', '{"__proto__": {"x": 1}}'), 400, /JSON/);
    expectOurs(await raw('/api/v1/jobs', { 'content-type': 'application/xml' }, 'POST', '<job/>'), 415, /content type/);
    expect((await raw('/healthz')).json).toEqual({ ok: true });
  });

  it('a 3 MB body from a client that writes it all before reading gets the 413, every time', async () => {
    const py = [
      'import urllib.request, urllib.error, sys',
      'for i in range(12):',
      "    req = urllib.request.Request(sys.argv[1] + '/api/v1/jobs', data=b'x' * 3_000_000, headers={'content-type': 'application/json', 'authorization': 'Bearer ' + sys.argv[2]}, method='POST')",
      '    try:',
      '        urllib.request.urlopen(req, timeout=30)',
      "        print('2xx')",
      '    except urllib.error.HTTPError as e:',
      "        print(e.code, e.headers.get('content-type'))",
      '    except Exception as e:',
      "        print('error', e)",
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) => execFile('python3', ['-c', py, s.url, ADMIN], (err, stdout) => (err ? reject(err) : resolve(stdout))));
    expect(out.trim().split('\n')).toEqual(Array(12).fill('413 application/problem+json; charset=utf-8'));
  });

  it('keeps the data dir 0700 and the database 0600', () => {
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'data', 'colossus.db')).mode & 0o777).toBe(0o600);
  });
});
