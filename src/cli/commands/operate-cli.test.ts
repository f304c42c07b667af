/**
 * `colossus job|node` against a real server on loopback (createServer + listen),
 * the CLI run in-process through main() with stdout/stderr captured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../testing/in-process.js';
import type { ColossusServer } from '../../server/app.js';
import { ensureTokenFiles } from '../../server/tokens-files.js';

let server: ColossusServer;
let dir: string;

let h: CliServer;
const cli = (args: string[]) => h.cli(args);

beforeAll(async () => {
  h = await startCliServer('colossus-cli-');
  ({ server, dir } = h);
  const gpus = Array.from({ length: 8 }, (_, i) => ({ index: i, uuid: `G${i}`, model: 'H100' }));
  for (const name of ['n1', 'n2']) server.controller.registerNode({ name, gpus, topology: { rack: 'r1' }, address: null, attempts: [] });
  await server.commit();
});

afterAll(async () => {
  await h?.close();
});

describe('colossus job and node', () => {
  it('writes admin.token and agent.token with mode 0600 and reuses them', () => {
    for (const f of ['admin.token', 'agent.token']) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(ensureTokenFiles(dir, {}).admin).toBe(readFileSync(join(dir, 'admin.token'), 'utf8').trim());
    expect(ensureTokenFiles(dir, { COLOSSUS_ADMIN_TOKEN: 'from-env' })).toMatchObject({ admin: 'from-env', adminFile: null });
  });

  it('submits, lists, shows and cancels jobs with --json', async () => {
    const sub = await cli(['job', 'submit', '--name', 'train', '--gpus', '16', '--priority', '5', '--max-restarts', '2', '--json', '--', 'node', 'train.mjs', '--steps', '9']);
    expect(sub.code).toBe(0);
    const job = JSON.parse(sub.stdout);
    expect(job).toMatchObject({ name: 'train', gpus: 16, priority: 5, maxRestarts: 2, state: 'queued', command: ['node', 'train.mjs', '--steps', '9'] });
    await server.tick();
    const list = JSON.parse((await cli(['job', 'list', '--json'])).stdout);
    expect(list).toEqual([expect.objectContaining({ id: job.id, state: 'running' })]);
    const show = JSON.parse((await cli(['job', 'show', job.id, '--json'])).stdout);
    expect(show).toMatchObject({ restarts: 0, lastStep: null, lastCheckpointStep: null, result: null });
    expect(show.attempts).toEqual([expect.objectContaining({ number: 1, state: 'starting', nodes: ['n1', 'n2'], exitCode: null })]);
    // Goodput advice at the fleet's (prior) rate for 16 GPUs; nothing measured yet.
    expect(show.advice).toMatchObject({ checkpointCostSource: 'default', restartSource: 'preset', actualCheckpointIntervalS: null, achievedGoodput: null, warning: null });
    expect(show.advice.mtbiS).toBeCloseTo(3600 / (show.advice.ratePerGpuHour * 16), 6);
    expect(show.advice.attemptIntervalS).toBeGreaterThan(0);
    const human = await cli(['job', 'show', job.id]);
    expect(human.stdout).toMatch(/state\s+running/);
    expect(human.stdout).toMatch(/checkpoint every\s+- \(not measured yet\); optimal [\d.]+ (s|min|h|d) \(Daly\); COLOSSUS_CHECKPOINT_INTERVAL_S=\d+/);
    expect(human.stdout).toMatch(/expected goodput\s+\d+\.\d\d % at the optimum, - at the actual interval/);
    const cancel = JSON.parse((await cli(['job', 'cancel', job.id, '--reason', 'test over', '--json'])).stdout);
    expect(cancel).toMatchObject({ state: 'cancelled', reason: 'test over' });
    const again = await cli(['job', 'cancel', job.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already cancelled/);
    const events = JSON.parse((await cli(['job', 'events', job.id, '--json'])).stdout);
    expect(events.map((e: { kind: string }) => e.kind)).toContain('attempt.placed');
  });

  it('lists nodes as { name, state, gpus, rack, lastHeartbeatAt } and cordons/uncordons them', async () => {
    const nodes = JSON.parse((await cli(['node', 'list', '--json'])).stdout);
    expect(nodes[0]).toEqual({ name: 'n1', state: expect.any(String), gpus: 8, rack: 'r1', lastHeartbeatAt: expect.any(String), array: null, hall: null, gpuModel: 'H100', gpusFree: expect.any(Number), jobs: expect.any(Array) });
    const cordoned = JSON.parse((await cli(['node', 'cordon', 'n2', '--reason', 'bad fan', '--json'])).stdout);
    expect(['draining', 'drained']).toContain(cordoned.state);
    expect(cordoned.transitions.at(-1)).toMatchObject({ reason: 'bad fan', source: 'operator' });
    expect(JSON.parse((await cli(['node', 'uncordon', 'n2', '--json'])).stdout).hold).toBeNull();
  });

  it('reports bad input clearly with exit codes', async () => {
    const missing = await cli(['node', 'show', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no node named 'nope'/);
    const big = await cli(['job', 'submit', '--name', 'x', '--gpus', '1000000000', '--', 'true']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/body\.gpus/);
    const noCmd = await cli(['job', 'submit', '--name', 'x', '--gpus', '1']);
    expect(noCmd.code).toBe(2);
    expect(noCmd.stderr).toMatch(/no command given/);
  });
});
