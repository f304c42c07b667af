/**
 * Debian's PyTorch (python3-torch, at /usr/bin/python3): tests that need it skip with a plain
 * message when it is missing, and fail under CI=true (where .ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from './cli.js';

/** The interpreter that owns Debian's torch; override with COLOSSUS_TEST_PYTHON. */
export const PYTHON = process.env.COLOSSUS_TEST_PYTHON ?? '/usr/bin/python3';
export const TORCH_DDP_TRAIN = resolve(repoRoot, 'examples/workloads/torch-ddp-train.py');

/** Why torch cannot be used here, or undefined when it can; throws under CI=true. */
export function torchMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch, torch.distributed as d; assert d.is_gloo_available(); print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return undefined;
  const why = `PyTorch with gloo is not importable by ${PYTHON} (${(r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)}); install Debian's python3-torch`;
  if (process.env.CI === 'true') throw new Error(`PyTorch is required under CI=true: ${why}`);
  return why;
}
