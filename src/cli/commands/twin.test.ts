import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    rmSync(dir!, { recursive: true, force: true });
  });
});
