#!/usr/bin/env node
/**
 * tiny-train: a real, deterministic training loop for the Colossus workload contract.
 *
 * A character-level MLP language model (context of 4 characters → 8-dim embeddings →
 * 64 tanh units → softmax over the vocabulary) trained with plain SGD on the text in
 * ./data/tiny-corpus.txt. All math is Float64; the initialisation and the order of the
 * mini-batches come from a seeded PRNG keyed by (seed, step), so step n sees the same
 * batch whether the run was interrupted or not, and a killed-and-resumed run ends with
 * the same weights, bit for bit, as an uninterrupted one.
 *
 * Ranks do not communicate: every rank computes the same full-batch update and so
 * holds identical weights. That is a stand-in for data parallelism (where an
 * all-reduce makes every rank's weights identical after each step); only rank 0 writes
 * checkpoints, and every rank resumes from the latest one.
 *
 * Contract (docs/agent.md): env RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE,
 * GROUP_RANK, MASTER_ADDR, MASTER_PORT, COLOSSUS_JOB_ID, COLOSSUS_ATTEMPT,
 * COLOSSUS_CHECKPOINT_DIR; prints JSON lines {"step": n, "loss": x, "checkpoint": n?}
 * and finally {"done": true, "step": N, "weightsSha256": "…"}. SIGTERM and SIGUSR1:
 * finish the current step, checkpoint (rank 0), exit 128+signal number.
 *
 * Usage: node tiny-train.mjs [--steps N] [--checkpoint-every K|auto] [--step-ms M]
 *        (auto: every COLOSSUS_CHECKPOINT_INTERVAL_S seconds, 20 steps without it)
 *        [--seed S] [--fail-at-step N [--fail-code C] [--fail-on-attempt A]]
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const CONTEXT = 4; // characters of context
const EMBED = 8; // embedding width per character
const HIDDEN = 64; // tanh units
const BATCH = 32; // examples per step
const LR = 0.3; // SGD learning rate, constant so resuming needs no schedule state
const KEEP_CHECKPOINTS = 3;
const FORMAT = 'tiny-train/1';

function fail(message, code = 2) {
  process.stderr.write(`tiny-train: ${message}\n`);
  process.exit(code);
}

function intArg(values, name, def, min) {
  const text = values[name];
  if (text === undefined) return def;
  const v = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(v) || v < min) fail(`--${name} must be a whole number ≥ ${min}, got '${text}'`);
  return v;
}

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: Object.fromEntries(
        ['steps', 'checkpoint-every', 'step-ms', 'seed', 'fail-at-step', 'fail-code', 'fail-on-attempt'].map((k) => [k, { type: 'string' }]),
      ),
    }));
  } catch (e) {
    fail(`${e.message} (usage: tiny-train.mjs [--steps N] [--checkpoint-every K] [--step-ms M] [--seed S])`);
  }
  return {
    steps: intArg(values, 'steps', 200, 1),
    checkpointEvery: values['checkpoint-every'] === 'auto' ? 'auto' : intArg(values, 'checkpoint-every', 20, 1),
    stepMs: intArg(values, 'step-ms', 0, 0),
    seed: intArg(values, 'seed', 1234, 0),
    failAtStep: intArg(values, 'fail-at-step', 0, 0),
    failCode: intArg(values, 'fail-code', 1, 1),
    failOnAttempt: intArg(values, 'fail-on-attempt', 0, 0),
  };
}

function envInt(name, def, min) {
  const text = process.env[name];
  if (text === undefined || text === '') return def;
  if (!/^\d+$/.test(text) || Number(text) < min) fail(`environment ${name} must be a whole number ≥ ${min}, got '${text}'`);
  return Number(text);
}

/** The torchrun-compatible env plus Colossus' own variables; all optional for a local run. */
function readEnv() {
  const env = {
    rank: envInt('RANK', 0, 0),
    localRank: envInt('LOCAL_RANK', 0, 0),
    worldSize: envInt('WORLD_SIZE', 1, 1),
    localWorldSize: envInt('LOCAL_WORLD_SIZE', 1, 1),
    groupRank: envInt('GROUP_RANK', 0, 0),
    masterAddr: process.env.MASTER_ADDR ?? '127.0.0.1',
    masterPort: envInt('MASTER_PORT', 29500, 1),
    jobId: process.env.COLOSSUS_JOB_ID ?? 'local',
    attempt: envInt('COLOSSUS_ATTEMPT', 1, 0),
    checkpointDir: process.env.COLOSSUS_CHECKPOINT_DIR || undefined,
  };
  if (env.rank >= env.worldSize) fail(`RANK=${env.rank} must be below WORLD_SIZE=${env.worldSize}`);
  if (env.localRank >= env.localWorldSize) fail(`LOCAL_RANK=${env.localRank} must be below LOCAL_WORLD_SIZE=${env.localWorldSize}`);
  return env;
}

/** mulberry32: a small, well-known 32-bit PRNG; returns floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadCorpus() {
  const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'data', 'tiny-corpus.txt'), 'utf8');
  const vocab = [...new Set(text)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  return { ids: Int32Array.from(text, (c) => index.get(c)), vocabSize: vocab.length };
}

const PARAM_NAMES = ['emb', 'w1', 'b1', 'w2', 'b2'];

function initParams(seed, vocabSize) {
  const rand = prng(seed);
  const uniform = (n, scale) => Float64Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  return {
    emb: uniform(vocabSize * EMBED, 0.5),
    w1: uniform(CONTEXT * EMBED * HIDDEN, 1 / Math.sqrt(CONTEXT * EMBED)),
    b1: new Float64Array(HIDDEN),
    w2: uniform(HIDDEN * vocabSize, 1 / Math.sqrt(HIDDEN)),
    b2: new Float64Array(vocabSize),
  };
}

/** Little-endian bytes of all parameters in a fixed order (the checkpoint and the hash use them). */
function paramBytes(params) {
  const total = PARAM_NAMES.reduce((n, k) => n + params[k].length, 0);
  const view = new DataView(new ArrayBuffer(total * 8));
  let off = 0;
  for (const k of PARAM_NAMES) for (const x of params[k]) view.setFloat64((off++) * 8, x, true);
  return Buffer.from(view.buffer);
}

function fromBytes(buf, shapeOf) {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const params = {};
  let off = 0;
  for (const k of PARAM_NAMES) {
    params[k] = new Float64Array(shapeOf[k].length);
    for (let i = 0; i < params[k].length; i++) params[k][i] = view.getFloat64((off++) * 8, true);
  }
  if (off * 8 !== buf.byteLength) throw new Error('parameter count does not match this model');
  return params;
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** One SGD step on the batch that `step` always draws; returns the mean cross-entropy. */
function trainStep(p, corpus, seed, step) {
  const V = corpus.vocabSize;
  const rand = prng(Math.imul(seed ^ 0x9e3779b9, 2654435761) ^ step);
  const g = Object.fromEntries(PARAM_NAMES.map((k) => [k, new Float64Array(p[k].length)]));
  const x = new Float64Array(CONTEXT * EMBED);
  const h = new Float64Array(HIDDEN);
  const probs = new Float64Array(V);
  const dh = new Float64Array(HIDDEN);
  let loss = 0;
  for (let b = 0; b < BATCH; b++) {
    const pos = CONTEXT + Math.floor(rand() * (corpus.ids.length - CONTEXT));
    const ctx = corpus.ids.subarray(pos - CONTEXT, pos);
    const target = corpus.ids[pos];
    for (let c = 0; c < CONTEXT; c++) for (let e = 0; e < EMBED; e++) x[c * EMBED + e] = p.emb[ctx[c] * EMBED + e];
    for (let j = 0; j < HIDDEN; j++) {
      let s = p.b1[j];
      for (let i = 0; i < x.length; i++) s += x[i] * p.w1[i * HIDDEN + j];
      h[j] = Math.tanh(s);
    }
    let max = -Infinity;
    for (let v = 0; v < V; v++) {
      let s = p.b2[v];
      for (let j = 0; j < HIDDEN; j++) s += h[j] * p.w2[j * V + v];
      probs[v] = s;
      if (s > max) max = s;
    }
    let z = 0;
    for (let v = 0; v < V; v++) z += (probs[v] = Math.exp(probs[v] - max));
    for (let v = 0; v < V; v++) probs[v] /= z;
    loss -= Math.log(probs[target]);
    probs[target] -= 1; // dL/dlogits
    dh.fill(0);
    for (let v = 0; v < V; v++) {
      g.b2[v] += probs[v];
      for (let j = 0; j < HIDDEN; j++) {
        g.w2[j * V + v] += h[j] * probs[v];
        dh[j] += p.w2[j * V + v] * probs[v];
      }
    }
    for (let j = 0; j < HIDDEN; j++) {
      const ds = dh[j] * (1 - h[j] * h[j]);
      g.b1[j] += ds;
      for (let i = 0; i < x.length; i++) {
        g.w1[i * HIDDEN + j] += x[i] * ds;
        g.emb[ctx[Math.floor(i / EMBED)] * EMBED + (i % EMBED)] += p.w1[i * HIDDEN + j] * ds;
      }
    }
  }
  for (const k of PARAM_NAMES) for (let i = 0; i < p[k].length; i++) p[k][i] -= (LR / BATCH) * g[k][i];
  return loss / BATCH;
}

const CKPT_RE = /^ckpt-(\d{9})\.json$/;
const ckptName = (step) => `ckpt-${String(step).padStart(9, '0')}.json`;

/** Writes atomically: temp file, fsync, rename, fsync the directory; keeps the newest few. */
function saveCheckpoint(dir, step, params, fingerprint) {
  mkdirSync(dir, { recursive: true });
  const bytes = paramBytes(params);
  const doc = JSON.stringify({ format: FORMAT, fingerprint, step, weightsSha256: sha256(bytes), weights: bytes.toString('base64') });
  const tmp = join(dir, `.${ckptName(step)}.tmp-${process.pid}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, doc);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, ckptName(step)));
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
  const all = readdirSync(dir).filter((n) => CKPT_RE.test(n)).sort();
  for (const old of all.slice(0, -KEEP_CHECKPOINTS)) rmSync(join(dir, old), { force: true });
}

/** The newest checkpoint that parses, matches this model and passes its hash; else undefined. */
function loadLatest(dir, fingerprint, shapeOf) {
  let names;
  try {
    names = readdirSync(dir).filter((n) => CKPT_RE.test(n)).sort().reverse();
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      if (doc.format !== FORMAT || doc.fingerprint !== fingerprint) throw new Error('written by a different model or seed');
      const bytes = Buffer.from(doc.weights, 'base64');
      if (sha256(bytes) !== doc.weightsSha256) throw new Error('hash mismatch');
      return { step: doc.step, params: fromBytes(bytes, shapeOf) };
    } catch (e) {
      process.stderr.write(`tiny-train: skipping checkpoint ${name}: ${e.message}\n`);
    }
  }
  return undefined;
}

/**
 * Stale-writer guard (docs/operate.md, Trust): the checkpoint dir holds ATTEMPT, the
 * highest COLOSSUS_ATTEMPT whose rank 0 has started. A writer from an older attempt
 * (a rank left behind a partition) sees a newer number there and stops instead of
 * writing over the new attempt's checkpoints.
 */
function readAttemptMark(dir) {
  try {
    const n = Number(readFileSync(join(dir, 'ATTEMPT'), 'utf8').trim());
    return Number.isSafeInteger(n) ? n : 0;
  } catch {
    return 0;
  }
}

function markAttempt(dir, attempt) {
  if (readAttemptMark(dir) >= attempt) return;
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.ATTEMPT.tmp-${process.pid}`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${attempt}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, 'ATTEMPT'));
}

function guardedSave(env, step, params, fingerprint) {
  const newer = readAttemptMark(env.checkpointDir);
  if (newer > env.attempt) fail(`attempt ${env.attempt} is superseded by attempt ${newer}: not writing checkpoint ${step}`, 1);
  saveCheckpoint(env.checkpointDir, step, params, fingerprint);
}

const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
const SIGNAL_NUMBERS = { SIGTERM: 15, SIGUSR1: 10 };

/** `--checkpoint-every auto`: seconds between checkpoints from COLOSSUS_CHECKPOINT_INTERVAL_S (undefined: by steps). */
function autoIntervalS(opt, env) {
  if (opt.checkpointEvery !== 'auto') return undefined;
  const text = process.env.COLOSSUS_CHECKPOINT_INTERVAL_S;
  if (text === undefined || text === '') {
    if (env.rank === 0) process.stderr.write('tiny-train: --checkpoint-every auto without COLOSSUS_CHECKPOINT_INTERVAL_S; every 20 steps\n');
    return undefined;
  }
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) fail(`environment COLOSSUS_CHECKPOINT_INTERVAL_S must be a positive number of seconds, got '${text}'`);
  return v;
}

async function main() {
  // Handlers first: a stop may come while this rank is still loading (another rank is
  // already stepping); dying of the default action would lose the clean 128+N exit.
  let stopSignal;
  let wake = () => {};
  for (const sig of Object.keys(SIGNAL_NUMBERS)) process.on(sig, () => ((stopSignal = sig), wake()));
  const opt = readOptions();
  const env = readEnv();
  const corpus = loadCorpus();
  const fingerprint = `${FORMAT}:ctx${CONTEXT}:emb${EMBED}:h${HIDDEN}:b${BATCH}:lr${LR}:v${corpus.vocabSize}:seed${opt.seed}`;
  let params = initParams(opt.seed, corpus.vocabSize);
  let step = 0;
  if (env.checkpointDir) {
    const found = loadLatest(env.checkpointDir, fingerprint, params);
    if (found) ({ step, params } = found);
  } else if (env.rank === 0) process.stderr.write('tiny-train: COLOSSUS_CHECKPOINT_DIR is not set; no checkpoints will be written\n');
  emit({ start: true, rank: env.rank, worldSize: env.worldSize, jobId: env.jobId, attempt: env.attempt, resumedFromStep: step });

  if (stopSignal) {
    emit({ step, stopped: stopSignal });
    process.exit(128 + SIGNAL_NUMBERS[stopSignal]);
  }
  const writer = env.rank === 0 && env.checkpointDir;
  if (writer) markAttempt(env.checkpointDir, env.attempt);
  let lastSaved = step;
  let lastSavedMs = performance.now();
  const intervalS = autoIntervalS(opt, env);
  const checkpointDue = (n) => (intervalS === undefined ? n % (opt.checkpointEvery === 'auto' ? 20 : opt.checkpointEvery) === 0 : (performance.now() - lastSavedMs) / 1000 >= intervalS);

  while (step < opt.steps) {
    const startedMs = performance.now();
    const failHere = opt.failAtStep === step + 1 && (opt.failOnAttempt === 0 || opt.failOnAttempt === env.attempt);
    if (failHere && env.rank === 0) fail(`failing at step ${step + 1} as asked (--fail-at-step)`, opt.failCode);
    const loss = trainStep(params, corpus, opt.seed, step + 1);
    step += 1;
    const line = { step, loss: Number(loss.toFixed(6)) };
    if (writer && checkpointDue(step)) {
      const savingMs = performance.now();
      guardedSave(env, step, params, fingerprint);
      line.checkpoint = lastSaved = step;
      lastSavedMs = performance.now();
      line.checkpointS = Number(((lastSavedMs - savingMs) / 1000).toFixed(6));
    }
    emit(line);
    const waitMs = opt.stepMs - (performance.now() - startedMs);
    if (waitMs > 0 && !stopSignal) await new Promise((r) => ((wake = r), setTimeout(r, waitMs)));
    else await new Promise((r) => setImmediate(r)); // let a pending signal handler run
    if (stopSignal) {
      if (writer && lastSaved !== step) guardedSave(env, step, params, fingerprint);
      emit({ step, stopped: stopSignal, checkpoint: writer ? step : undefined });
      process.exit(128 + SIGNAL_NUMBERS[stopSignal]);
    }
  }
  if (writer && lastSaved !== step) guardedSave(env, step, params, fingerprint);
  emit({ done: true, step, weightsSha256: sha256(paramBytes(params)) });
}

await main();
