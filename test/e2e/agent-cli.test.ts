/** `colossus agent` as a user runs it: bad input, a wrong join token, SIGTERM with --json. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ColossusServer } from '../../src/server/app.js';
import { Store } from '../../src/server/store/store.js';
import { ApiClient } from '../../src/protocol/client.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { colossusArgs } from '../../src/cli/testing/cli-command.js';
import { waitFor } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'agent-cli-'));
let server: ColossusServer;
let url = '';
beforeAll(async () => {
  server = await createServer({ store: await Store.open({ dataDir: join(tmp, 'data') }), bootstrapTokens: { admin: 'cli-admin-token-123456', agent: 'cli-join-token-123456' }, policy: { heartbeatIntervalS: 1 } });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await server.close();
  await server.store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('colossus agent', () => {
  it('rejects bad flags with exit 2 and says what to do', async () => {
    const cases: [string[], RegExp][] = [
      [['--token', 'x'], /--server: no server given\n\s+pass --server/],
      [['--server', 'localhost:7460', '--token', 'x'], /'localhost:7460' is not an http\(s\) URL/],
      [['--server', url, '--token', 'x', '--name', 'Node One!'], /--name: node name 'Node One!' is invalid/],
      [['--server', url, '--token', 'x', '--simulate-gpus', '0'], /--simulate-gpus must be a positive whole number/],
      [['--server', url, '--token', 'x', '--simulate-gpus', '5000'], /more than a node may have \(1024\)/],
      [['--server', url, '--token', 'x', '--metrics-port', '70000'], /--metrics-port must be 0–65535, got '70000'/],
      [['--server', url, '--token', 'x', '--gpu-model', 'tpu', '--simulate-gpus', '8', '--work-dir', join(tmp, 'w0')], /unknown GPU 'tpu'/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(['agent', ...args], { env: { COLOSSUS_SERVER: '', COLOSSUS_AGENT_TOKEN: '' } })));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i];
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
    }
  });

  it('--metrics-port serves the node’s GPUs under DCGM exporter’s names, one series per GPU', async () => {
    const child = spawn(process.execPath, colossusArgs(['agent', '--server', url, '--token', 'cli-join-token-123456', '--name', 'metrics-node', '--simulate-gpus', '4', '--work-dir', join(tmp, 'w-metrics'), '--metrics-port', '0', '--metrics-host', '127.0.0.1']), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    try {
      const metricsUrl = await waitFor('the metrics URL in the agent log', async () => /GPU metrics \(DCGM exporter names\) on (http:\/\/\S+)/.exec(stderr)?.[1]);
      const text = await (await fetch(metricsUrl)).text();
      const util = [...text.matchAll(/^DCGM_FI_DEV_GPU_UTIL\{gpu="(\d)",UUID="([^"]+)",device="nvidia\d",modelName="[^"]+",Hostname="metrics-node"\} (\S+)$/gm)];
      expect(util.map((m) => m[1])).toEqual(['0', '1', '2', '3']);
      for (const m of util) expect(Number(m[3])).toBeGreaterThanOrEqual(0);
      for (const name of ['DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_XID_ERRORS']) {
        expect(text.match(new RegExp(`^${name}\\{`, 'gm')), name).toHaveLength(4);
      }
      expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('exits 1 with a hint when the join token is wrong', async () => {
    const r = await runCli(['agent', '--server', url, '--token', 'not-the-token', '--name', 'n1', '--simulate-gpus', '8', '--work-dir', join(tmp, 'w1')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot register with');
    expect(r.stderr).toContain('pass the join token from agent.token');
  });

  it('reads real-looking GPUs through nvidia-smi (a fake one on PATH) and reports them', async () => {
    const fixtures = resolve(repoRoot, 'src/agent/fixtures');
    const env = { ...process.env, PATH: `${join(fixtures, 'bin')}:${process.env.PATH}`, FAKE_NVIDIA_SMI_FIXTURE: join(fixtures, 'h100-8gpu.csv') };
    const child = spawn(process.execPath, colossusArgs(['agent', '--server', url, '--token', 'cli-join-token-123456', '--name', 'smi-node', '--work-dir', join(tmp, 'w3')]), { stdio: 'ignore', env });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const admin = new ApiClient({ server: url, token: 'cli-admin-token-123456' });
    const node = await waitFor('smi-node with telemetry', async () => {
      const n = await admin.showNode('smi-node').catch(() => undefined);
      return n && n.gpuList.every((g) => g.temperatureC !== null) && n;
    });
    expect(node.gpuModel).toBe('NVIDIA H100 80GB HBM3');
    expect(node.gpuList[4]).toMatchObject({ uuid: 'GPU-0b1c8e2a-5d3f-4a61-9c2e-7f10a3b4c505', temperatureC: 38, powerW: 612.5, utilizationPct: 98, remappedRowsPending: 1 });
    expect(node.gpuList[6].powerW).toBeNull(); // [N/A] in the fixture
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('registers, and on SIGTERM exits 0 printing a JSON summary with --json', async () => {
    const child = spawn(process.execPath, colossusArgs(['agent', '--server', url, '--token', 'cli-join-token-123456', '--name', 'cli-node', '--rack', 'r9', '--simulate-gpus', '4', '--work-dir', join(tmp, 'w2'), '--json']), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const admin = new ApiClient({ server: url, token: 'cli-admin-token-123456' });
    const node = await waitFor('cli-node registered', async () => (await admin.listNodes()).find((n) => n.name === 'cli-node'));
    expect(node).toMatchObject({ gpus: 4, rack: 'r9', state: 'idle' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'cli-node', gpuSource: 'simulated', attemptsLaunched: 0, stoppedBy: 'SIGTERM' });
    const logLines = stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(logLines.some((l) => l.level === 'info' && l.msg.startsWith('registered as cli-node'))).toBe(true);
  });
});
