/**
 * The PyTorch example workload with real processes and Debian's torch: standalone (no env,
 * world size 1) and as 2 DDP ranks over gloo on loopback. Uninterrupted, SIGKILLed and
 * resumed, and SIGUSR1-stopped and resumed runs must end with the same weights hash,
 * identical on every rank.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYTHON, TORCH_DDP_TRAIN, torchMissing } from '../helpers/torch.js';
import { freePort } from './harness.js';

const missing = torchMissing();
if (missing) console.warn(`skipping torch-ddp-train tests: ${missing}`);

const tmp = mkdtempSync(join(tmpdir(), 'torch-ddp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  reach(step: number): Promise<void>;
}

function start(args: string[], env: Record<string, string> = {}): Run {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MASTER_|RANK$|WORLD_SIZE$|LOCAL_RANK$|COLOSSUS_)/.test(k)));
  const child = spawn(PYTHON, [TORCH_DDP_TRAIN, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { step: number; resolve: () => void }[] = [];
  let buf = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const obj = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      lines.push(obj);
      for (const w of waiters) if (typeof obj.step === 'number' && obj.step >= w.step) w.resolve();
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  return { child, lines, stderr: () => err, exit, reach: (step) => new Promise((r) => waiters.push({ step, resolve: r })) };
}

/** `world` ranks of one job on loopback (gloo), sharing a checkpoint dir. */
async function gang(world: number, args: string[], env: Record<string, string>): Promise<Run[]> {
  const port = String(await freePort());
  return Array.from({ length: world }, (_, rank) =>
    start(args, { MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, RANK: String(rank), WORLD_SIZE: String(world), LOCAL_RANK: String(rank), ...env }),
  );
}

const done = (run: Run) => run.lines.find((l) => l.done === true) as { step: number; weightsSha256: string } | undefined;
const startLine = (run: Run) => run.lines.find((l) => l.start === true) as { resumedFromStep: number; worldSize: number; backend: string | null };
const exitCodes = async (runs: Run[]) => (await Promise.all(runs.map((r) => r.exit))).map((e) => e.code);
const why = (runs: Run[]) => runs.map((r, i) => `rank ${i}: ${r.stderr().slice(-1500)}`).join('\n');

describe.skipIf(missing !== undefined)('examples/workloads/torch-ddp-train.py (Debian PyTorch)', () => {
  const args = ['--steps', '30', '--checkpoint-every', '5'];
  let reference2 = '';

  it('runs standalone with no environment: one process, the loss falls, a weights hash', async () => {
    const run = start(['--steps', '40', '--checkpoint-every', '10']);
    expect((await run.exit).code, run.stderr()).toBe(0);
    expect(startLine(run)).toMatchObject({ worldSize: 1, backend: null, resumedFromStep: 0 });
    const losses = run.lines.filter((l) => typeof l.loss === 'number').map((l) => l.loss as number);
    expect(losses).toHaveLength(40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) * 0.8);
    expect(done(run)!.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.stderr()).toContain('COLOSSUS_CHECKPOINT_DIR is not set');
  }, 120_000);

  it('2 DDP ranks over gloo: every rank ends with the same hash; rank 0 alone writes checkpoints, with checkpointS', async () => {
    const dir = join(tmp, 'ref2');
    const runs = await gang(2, args, { COLOSSUS_CHECKPOINT_DIR: dir });
    expect(await exitCodes(runs), why(runs)).toEqual([0, 0]);
    expect(startLine(runs[0]!).backend).toBe('gloo');
    const hashes = runs.map((r) => done(r)!.weightsSha256);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[1]).toBe(hashes[0]);
    reference2 = hashes[0]!;
    const ckpts = runs[0]!.lines.filter((l) => l.checkpoint !== undefined);
    expect(ckpts.map((l) => l.checkpoint)).toEqual([5, 10, 15, 20, 25, 30]);
    for (const l of ckpts) expect(l.checkpointS).toBeGreaterThan(0);
    expect(runs[1]!.lines.filter((l) => typeof l.loss === 'number')).toHaveLength(0); // rank 0 reports progress
    expect(readdirSync(dir).filter((n) => n.endsWith('.pt'))).toEqual(['ckpt-000000020.pt', 'ckpt-000000025.pt', 'ckpt-000000030.pt']);
  }, 120_000);

  it('4 ranks SIGKILLed mid-run and resumed (attempt 2) end with the uninterrupted 4-rank hash', async () => {
    // 4 ranks, not 2: a sum of two gradients is the same in any order, a sum of four is not,
    // so only this catches a reduction whose order changes when a run resumes.
    const uninterrupted = await gang(4, args, {});
    expect(await exitCodes(uninterrupted), why(uninterrupted)).toEqual([0, 0, 0, 0]);
    const reference4 = done(uninterrupted[0]!)!.weightsSha256;
    const dir = join(tmp, 'killed');
    const first = await gang(4, [...args, '--step-ms', '150'], { COLOSSUS_CHECKPOINT_DIR: dir });
    await first[0]!.reach(12);
    for (const r of first) r.child.kill('SIGKILL');
    await Promise.all(first.map((r) => r.exit));
    expect(done(first[0]!)).toBeUndefined();
    const second = await gang(4, args, { COLOSSUS_CHECKPOINT_DIR: dir, COLOSSUS_ATTEMPT: '2' });
    expect(await exitCodes(second), why(second)).toEqual([0, 0, 0, 0]);
    const resumed = startLine(second[1]!).resumedFromStep;
    expect(resumed % 5).toBe(0);
    expect(resumed).toBeGreaterThanOrEqual(10);
    expect(startLine(second[0]!).resumedFromStep).toBe(resumed);
    expect(second.map((r) => done(r)!.weightsSha256)).toEqual([reference4, reference4, reference4, reference4]);
    expect(reference4).not.toBe(reference2);
  }, 240_000);

  it('SIGUSR1 to one rank: all ranks stop after the same step, rank 0 checkpoints it, exit 138; the resumed run matches', async () => {
    const dir = join(tmp, 'usr1');
    const first = await gang(2, [...args, '--step-ms', '150'], { COLOSSUS_CHECKPOINT_DIR: dir });
    await first[0]!.reach(7);
    first[1]!.child.kill('SIGUSR1');
    expect(await exitCodes(first), why(first)).toEqual([138, 138]);
    const stopped = first[0]!.lines.find((l) => l.stopped === 'SIGUSR1') as { step: number; checkpoint: number };
    expect(stopped.checkpoint).toBe(stopped.step);
    const second = await gang(2, args, { COLOSSUS_CHECKPOINT_DIR: dir });
    expect(await exitCodes(second), why(second)).toEqual([0, 0]);
    expect(startLine(second[0]!).resumedFromStep).toBe(stopped.step);
    expect(second.map((r) => done(r)!.weightsSha256)).toEqual([reference2, reference2]);
  }, 120_000);

  it('--checkpoint-every auto checkpoints by COLOSSUS_CHECKPOINT_INTERVAL_S', async () => {
    const run = start(['--steps', '12', '--checkpoint-every', 'auto', '--step-ms', '200'], {
      COLOSSUS_CHECKPOINT_DIR: join(tmp, 'auto'),
      COLOSSUS_CHECKPOINT_INTERVAL_S: '0.9',
    });
    expect((await run.exit).code, run.stderr()).toBe(0);
    const steps = run.lines.filter((l) => l.checkpoint !== undefined).map((l) => l.checkpoint as number);
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.length).toBeLessThan(12); // by time, not every step
    expect(steps.at(-1)).toBe(12);
  }, 120_000);

  it('exits 93 (do not restart) on bad arguments or environment, with a message', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [['--steps', '0'], {}, "--steps must be a whole number >= 1, got '0'"],
      [['--checkpoint-every', 'often'], {}, "--checkpoint-every must be a whole number >= 1, got 'often'"],
      [['--bogus'], {}, "unknown argument '--bogus'"],
      [[], { RANK: '2', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '1' }, 'RANK=2 must be below WORLD_SIZE=2'],
      [[], { RANK: '0', WORLD_SIZE: '2' }, 'WORLD_SIZE=2 needs MASTER_ADDR and MASTER_PORT'],
      [['--checkpoint-every', 'auto'], { COLOSSUS_CHECKPOINT_INTERVAL_S: '-3' }, 'COLOSSUS_CHECKPOINT_INTERVAL_S must be a positive number'],
    ];
    for (const [a, env, message] of cases) {
      const run = start(a, env);
      expect((await run.exit).code, a.join(' ')).toBe(93);
      expect(run.stderr()).toContain(message);
    }
  }, 120_000);
});
