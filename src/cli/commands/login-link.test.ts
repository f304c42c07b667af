/**
 * `colossus server` prints a one-time dashboard login link, never a token (issue 9,
 * defect 11), and `colossus login-link [--role operator]` makes more. Real child
 * processes: the server, the CLI, and a loopback client opening the links.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../../test/helpers/cli.js';
import { colossusArgs } from '../testing/cli-command.js';

const dir = mkdtempSync(join(tmpdir(), 'login-link-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `colossus server` in its text mode and resolves once it printed the dashboard line. */
function startServer(dataDir: string) {
  const child = spawn(process.execPath, colossusArgs(['server', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn']), { cwd: repoRoot, env: { ...process.env, COLOSSUS_ADMIN_TOKEN: '', COLOSSUS_AGENT_TOKEN: '', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const started = new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no dashboard line in 30 s: ${stderr}`)), 30_000);
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (/Dashboard: .*\n.*\n/.test(stderr)) {
        clearTimeout(timer);
        ok(stderr);
      }
    });
    void exited.then(() => fail(new Error(`server exited: ${stderr}`)));
  });
  return { child, started, exited, stderr: () => stderr };
}

const open = (url: string, cookie?: string) => fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('colossus server and colossus login-link', () => {
  it('the server prints a viewer login link and no token; login-link --role operator makes an operator link', async () => {
    const dataDir = join(dir, 'data');
    const s = startServer(dataDir);
    try {
      const stderr = await s.started;
      const admin = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
      const agent = readFileSync(join(dataDir, 'agent.token'), 'utf8').trim();
      expect(stderr).not.toContain(admin);
      expect(stderr).not.toContain(agent);
      const url = /listening on (\S+)/.exec(stderr)![1];
      const link = new RegExp(`Dashboard: (${url}/login\\?code=[0-9A-Z]{10})\\n`).exec(stderr)?.[1];
      expect(link, stderr).toBeDefined();
      expect(stderr).toContain(`colossus login-link --role operator --server ${url} --token-file ${join(dataDir, 'admin.token')}`);

      const viewer = await open(link!);
      expect(viewer.status).toBe(303);
      expect(viewer.headers.get('location')).toBe('/jobs'); // a plain server has no twin overview
      const viewerCookie = viewer.headers.get('set-cookie')!.split(';')[0];
      expect(await (await open(`${url}/api/v1/session`, viewerCookie)).json()).toMatchObject({ role: 'viewer', via: 'cookie' });
      expect((await open(link!)).status).toBe(410);

      const cli = await runCli(['login-link', '--role', 'operator', '--server', url, '--token-file', join(dataDir, 'admin.token')], { env: { COLOSSUS_TOKEN: '' } });
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(new RegExp(`^${url}/login\\?code=[0-9A-Z]{10}\\n$`));
      expect(cli.stderr).toMatch(/^colossus: an? operator session; the link works once, until \d\d:\d\d:\d\d UTC \(10 minutes\)\n$/);
      const op = await open(cli.stdout.trim());
      const opCookie = op.headers.get('set-cookie')!.split(';')[0];
      expect(await (await open(`${url}/api/v1/session`, opCookie)).json()).toMatchObject({ role: 'operator', canOperate: true });

      const json = await runCli(['login-link', '--server', url, '--json'], { env: { COLOSSUS_TOKEN: admin } });
      expect(JSON.parse(json.stdout)).toMatchObject({ role: 'viewer', validS: 600, url: expect.stringMatching(/\/login\?code=/) });

      const notAdmin = await runCli(['login-link', '--server', url], { env: { COLOSSUS_TOKEN: 'cla_wrong' } });
      expect(notAdmin.code).toBe(2);
      expect(notAdmin.stderr).toMatch(/is not a token of this server/);
      const badRole = await runCli(['login-link', '--role', 'admin', '--server', url]);
      expect(badRole.code).toBe(2);
      expect(badRole.stderr).toMatch(/--role must be viewer or operator/);
      const noFile = await runCli(['login-link', '--server', url, '--token-file', join(dir, 'nope')]);
      expect(noFile.code).toBe(2);
      expect(noFile.stderr).toMatch(/--token-file/);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }, 90_000);
});
