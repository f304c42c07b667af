/** Shared helpers for the perf tests: presets resolved to clusters, layouts with defaults. */
import { CLUSTER_PRESETS } from '../cluster/presets.js';
import { resolveCluster } from '../cluster/resolve.js';
import type { Cluster } from '../cluster/types.js';
import { MODEL_PRESETS } from '../model/presets.js';
import type { ModelSpec } from '../model/types.js';
import type { Layout } from './types.js';

export const cluster = (name: string, gpus: number): Cluster => resolveCluster(CLUSTER_PRESETS[name], { gpus });
export const model = (name: string): ModelSpec => MODEL_PRESETS[name];

export const layout = (over: Partial<Layout>): Layout => ({
  tp: 1, pp: 1, vpp: 1, cp: 1, ep: 1, dp: 1, zero: 1, mbs: 1, gbs: 8, seq: 4096, precision: 'bf16', recompute: 'none',
  ...over,
});
