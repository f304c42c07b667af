/**
 * The example workload with real child processes: uninterrupted vs SIGKILLed and
 * resumed vs SIGTERMed and resumed must all end with the same weights hash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const SCRIPT = resolve(repoRoot, 'examples/workloads/tiny-train.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'tiny-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first progress line whose step is ≥ `step`. */
  reach(step: number): Promise<void>;
}

function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [SCRIPT, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { child, lines: [], stderr: '' } as unknown as Run;
  const waiters: { step: number; resolve: () => void }[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const obj = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      run.lines.push(obj);
      for (const w of waiters) if (typeof obj.step === 'number' && obj.step >= w.step) w.resolve();
    }
  });
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  run.exit = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  run.reach = (step) => new Promise((r) => waiters.push({ step, resolve: r }));
  return run;
}

const done = (run: Run) => run.lines.find((l) => l.done === true) as { step: number; weightsSha256: string } | undefined;
const startLine = (run: Run) => run.lines.find((l) => l.start === true) as { resumedFromStep: number };

describe('examples/workloads/tiny-train.mjs', () => {
  const args = ['--steps', '40', '--checkpoint-every', '5'];
  let reference = '';

  it('trains: the loss goes down and the run ends with a weights hash', async () => {
    const run = start(args, { COLOSSUS_CHECKPOINT_DIR: join(tmp, 'ref') });
    expect((await run.exit).code).toBe(0);
    const losses = run.lines.filter((l) => typeof l.loss === 'number').map((l) => l.loss as number);
    expect(losses).toHaveLength(40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) - 0.2);
    expect(run.lines.filter((l) => l.checkpoint !== undefined).map((l) => l.checkpoint)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    reference = done(run)!.weightsSha256;
    expect(reference).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a run SIGKILLed mid-run and resumed ends with the uninterrupted hash', async () => {
    const dir = join(tmp, 'killed');
    const first = start([...args, '--step-ms', '25'], { COLOSSUS_CHECKPOINT_DIR: dir });
    await first.reach(17);
    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    expect(done(first)).toBeUndefined();
    const second = start(args, { COLOSSUS_CHECKPOINT_DIR: dir, COLOSSUS_ATTEMPT: '2' });
    expect((await second.exit).code).toBe(0);
    const resumed = startLine(second).resumedFromStep;
    expect(resumed % 5).toBe(0);
    expect(resumed).toBeGreaterThanOrEqual(15);
    expect(done(second)!.weightsSha256).toBe(reference);
  });

  it('SIGTERM checkpoints the current step and exits 143; the resumed run matches', async () => {
    const dir = join(tmp, 'term');
    const first = start([...args, '--step-ms', '25'], { COLOSSUS_CHECKPOINT_DIR: dir });
    await first.reach(12);
    first.child.kill('SIGTERM');
    expect((await first.exit).code).toBe(143);
    const stopped = first.lines.find((l) => l.stopped === 'SIGTERM') as { step: number; checkpoint: number };
    expect(stopped.checkpoint).toBe(stopped.step);
    const second = start(args, { COLOSSUS_CHECKPOINT_DIR: dir });
    expect((await second.exit).code).toBe(0);
    expect(startLine(second).resumedFromStep).toBe(stopped.step);
    expect(done(second)!.weightsSha256).toBe(reference);
  });

  it('handles SIGTERM without --step-ms too (the loop yields between steps)', async () => {
    const run = start(['--steps', '100000000'], { COLOSSUS_CHECKPOINT_DIR: join(tmp, 'fast') });
    await run.reach(50);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(143);
    expect(run.lines.at(-1)).toMatchObject({ stopped: 'SIGTERM' });
  });

  it('--checkpoint-every auto checkpoints by COLOSSUS_CHECKPOINT_INTERVAL_S and reports checkpointS; the hash is unchanged', async () => {
    const run = start([...args, '--checkpoint-every', 'auto', '--step-ms', '100'], { COLOSSUS_CHECKPOINT_DIR: join(tmp, 'auto'), COLOSSUS_CHECKPOINT_INTERVAL_S: '0.9' });
    expect((await run.exit).code).toBe(0);
    const saves = run.lines.filter((l) => l.checkpoint !== undefined);
    expect(saves.length).toBeGreaterThanOrEqual(2);
    expect(saves.length).toBeLessThan(40); // by time, not every step
    for (const l of saves) expect(l.checkpointS).toBeGreaterThanOrEqual(0);
    expect(done(run)!.weightsSha256).toBe(reference);
  });

  it('only rank 0 writes checkpoints; other ranks compute the same weights', async () => {
    const dir = join(tmp, 'rank1');
    const run = start(args, { COLOSSUS_CHECKPOINT_DIR: dir, RANK: '1', WORLD_SIZE: '2' });
    expect((await run.exit).code).toBe(0);
    expect(done(run)!.weightsSha256).toBe(reference);
    expect(() => readdirSync(dir)).toThrow();
  });

  it('skips a corrupt newest checkpoint and resumes from the one before', async () => {
    const dir = join(tmp, 'corrupt');
    const first = start(['--steps', '20', '--checkpoint-every', '5'], { COLOSSUS_CHECKPOINT_DIR: dir });
    expect((await first.exit).code).toBe(0);
    writeFileSync(join(dir, 'ckpt-000000020.json'), '{"format":"tiny-train/1", "truncat');
    const second = start(args, { COLOSSUS_CHECKPOINT_DIR: dir });
    expect((await second.exit).code).toBe(0);
    expect(startLine(second).resumedFromStep).toBe(15);
    expect(second.stderr).toContain('skipping checkpoint ckpt-000000020.json');
    expect(done(second)!.weightsSha256).toBe(reference);
  });

  it('a writer of an older attempt stops instead of writing over a newer attempt’s checkpoints (COLOSSUS_ATTEMPT)', async () => {
    const dir = join(tmp, 'stale');
    const old = start([...args, '--step-ms', '40'], { COLOSSUS_CHECKPOINT_DIR: dir, COLOSSUS_ATTEMPT: '1' });
    await old.reach(6);
    const newer = start(args, { COLOSSUS_CHECKPOINT_DIR: dir, COLOSSUS_ATTEMPT: '2' });
    expect((await newer.exit).code).toBe(0);
    expect(done(newer)!.weightsSha256).toBe(reference);
    expect((await old.exit).code).toBe(1);
    expect(old.stderr).toMatch(/attempt 1 is superseded by attempt 2: not writing checkpoint \d+/);
    expect(readdirSync(dir).filter((n) => n.startsWith('ckpt-')).sort().at(-1)).toBe('ckpt-000000040.json');
  });

  it('--fail-at-step exits with the requested code (93 = do not restart)', async () => {
    const run = start(['--steps', '10', '--fail-at-step', '4', '--fail-code', '93']);
    expect((await run.exit).code).toBe(93);
    expect(run.lines.filter((l) => typeof l.loss === 'number')).toHaveLength(3);
  });

  it('rejects bad flags and a bad env with exit 2 and a message', async () => {
    const badFlag = start(['--steps', 'many']);
    expect((await badFlag.exit).code).toBe(2);
    expect(badFlag.stderr).toContain("--steps must be a whole number ≥ 1, got 'many'");
    const badEnv = start([], { RANK: '3', WORLD_SIZE: '2' });
    expect((await badEnv.exit).code).toBe(2);
    expect(badEnv.stderr).toContain('RANK=3 must be below WORLD_SIZE=2');
  });
});
