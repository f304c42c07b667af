/**
 * `--software RELEASE` and `--params FILE` (written by `colossus calibrate`): which software
 * factors the performance model uses. Exported for every command that runs the model
 * (perf, plan; the twin and `job submit --model` can add the same two flags with
 * `addSoftwareFlags` and pass `resolveSoftware(flags).params` as PerfOptions.software).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ColossusError } from '../core/errors.js';
import { DEFAULT_SOFTWARE, SOFTWARE_KEYS, softwareRelease, type SoftwareParams } from '../core/perf/software.js';

export interface SoftwareFlags {
  software?: string;
  params?: string;
}

/** What the model runs with, and where it came from (printed in every report). */
export interface ResolvedSoftware {
  /** The release name, or the name a params file gives its stack. */
  name: string;
  params: SoftwareParams;
  /** The params file, when the factors came from one. */
  paramsFile?: string;
}

/** The contents of a params file from `colossus calibrate`. */
export interface ParamsFile {
  software: string;
  base: string;
  factors: SoftwareParams;
}

export function addSoftwareFlags(c: Command): Command {
  return c
    .option('--software <release>', `software release the prediction is for (default ${DEFAULT_SOFTWARE})`)
    .option('--params <file>', 'software factors fitted to your own runs by colossus calibrate (params.json)');
}

/** Reads a params file; errors name the file and the field. */
export function loadParamsFile(path: string): ParamsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ColossusError('usage', code === 'ENOENT' ? 'params file not found' : `not a JSON params file: ${(e as Error).message}`, { where: path, hint: 'write one with colossus calibrate RUNS --out params.json' });
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  const f = { ...(o.factors ?? {}) } as Record<string, unknown>;
  // Files written before the attention factor existed leave it out: neutral.
  if (f.attention === undefined) f.attention = 1;
  for (const k of SOFTWARE_KEYS) {
    if (typeof f[k] !== 'number' || !(f[k] as number > 0)) {
      throw new ColossusError('usage', `factors.${k} must be a positive number, got ${JSON.stringify(f[k])}`, { where: path, hint: 'write the file with colossus calibrate RUNS --out params.json' });
    }
  }
  if (f.gradReduceBytes !== undefined && f.gradReduceBytes !== 2 && f.gradReduceBytes !== 4) {
    throw new ColossusError('usage', `factors.gradReduceBytes must be 2 (BF16/FP16 gradient reduction) or 4 (FP32), got ${JSON.stringify(f.gradReduceBytes)}`, { where: path, hint: 'write the file with colossus calibrate RUNS --out params.json' });
  }
  return { software: String(o.software ?? 'calibrated'), base: String(o.base ?? DEFAULT_SOFTWARE), factors: f as unknown as SoftwareParams };
}

/** The software factors for the flags: --params wins, else --software, else the newest release. */
export function resolveSoftware(f: SoftwareFlags): ResolvedSoftware {
  if (f.params) {
    const p = loadParamsFile(f.params);
    return { name: f.software ?? p.software, params: p.factors, paramsFile: f.params };
  }
  const r = softwareRelease(f.software ?? DEFAULT_SOFTWARE);
  return { name: r.name, params: r.params };
}

/** `megatron-bridge-26.04.01` or `my-stack (params.json)`. */
export const softwareLabel = (s: ResolvedSoftware): string => (s.paramsFile ? `${s.name} (factors from ${s.paramsFile})` : s.name);
