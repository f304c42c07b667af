import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';

describe('colossus twin: bad input', () => {
  it('rejects a GPU count that is not whole nodes, naming the flag', async () => {
    const r = await runCli(['twin', '--gpus', '100']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gpus/);
    expect(r.stderr).toMatch(/whole nodes/);
  });

  it('refuses a data dir that already holds a control-plane database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-cli-'));
    writeFileSync(join(dir, 'colossus.db'), '');
    const r = await runCli(['twin', '--gpus', '512', '--data-dir', dir, '--port', '0']);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--data-dir/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects an unknown model and a negative speed', async () => {
    const m = await runCli(['twin', '--model', 'grok-9']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/grok-1/);
    const s = await runCli(['twin', '--speed', '-5']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--speed/);
  });

  it('exits 2 with a usage message when the cluster is too small for the flagship', async () => {
    const r = await runCli(['twin', '--gpus', '8', '--model', 'llama3-405b', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not fit/);
    expect(r.stderr).toMatch(/--gpus/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('checks the port before building the fleet', async () => {
    const srv = createServer();
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', () => ok()));
    const port = (srv.address() as { port: number }).port;
    const r = await runCli(['twin', '--port', String(port)]);
    srv.close();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already in use/);
    expect(r.stderr).not.toMatch(/building/); // nothing was built
  });
});

describe('colossus twin --until-days', () => {
  it('ends with a report beside colossus simulate, and --keep-data keeps the store', async () => {
    const r = await runCli(['twin', '--gpus', '1024', '--speed', '0', '--port', '0', '--until-days', '0.25', '--keep-data'], { timeoutMs: 180_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report after 0\.25 virtual days/);
    expect(r.stdout).toMatch(/goodput \/ ETTR\s+\d+\.\d %\s+\d+\.\d %/);
    expect(r.stdout).toMatch(/lost GPU-hours/);
    expect(r.stdout).toMatch(/colossus simulate --cluster colossus-100k --gpus \d+ --days 0.25/);
    const dir = /data kept in (\S+)/.exec(r.stderr)?.[1];
    expect(dir).toBeTruthy();
    expect(existsSync(`${dir}/colossus.db`)).toBe(true);
    // Issue 9, defect 11: the dashboard link is a one-time login link, never the admin token.
    const admin = readFileSync(`${dir}/admin.token`, 'utf8').trim();
    expect(admin).toMatch(/^cla_/);
    expect(r.stderr + r.stdout).not.toContain(admin);
    expect(r.stderr).not.toMatch(/token=/);
    expect(r.stderr).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\/login\?code=[0-9A-Z]{10}\n/);
    expect(r.stderr).toMatch(/viewer session; works once, for 10 minutes/);
    expect(r.stderr).toContain(`colossus login-link --role operator --server http://127.0.0.1:`);
    expect(r.stderr).toContain(`--token-file ${dir}/admin.token`);
    rmSync(dir!, { recursive: true, force: true });
  });
});

describe('colossus twin --json', () => {
  it('gives a login link as the dashboard, not the admin token; --login-role operator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-json-'));
    const r = await runCli(['twin', '--cluster', 'dgx-h100', '--gpus', '64', '--model', 'llama3-8b', '--speed', '0', '--port', '0', '--until-days', '0.01', '--data-dir', dir, '--login-role', 'operator', '--json'], { timeoutMs: 120_000 });
    try {
      expect(r.code, r.stderr).toBe(0);
      const admin = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
      expect(r.stdout + r.stderr).not.toContain(admin);
      const start = JSON.parse(r.stdout.slice(0, r.stdout.indexOf('\n}\n') + 2)) as { url: string; dashboard: string; login: { url: string; role: string; expiresAtMs: number } };
      expect(start.dashboard).toMatch(new RegExp(`^${start.url}/login\\?code=[0-9A-Z]{10}$`));
      expect(start.login).toEqual({ url: start.dashboard, role: 'operator', expiresAtMs: expect.any(Number) });
      const bad = await runCli(['twin', '--login-role', 'admin']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--login-role must be viewer or operator/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
