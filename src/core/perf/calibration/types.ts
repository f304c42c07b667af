/** A calibration row after normalisation: what the model can run, or why it cannot. */
import type { Cluster } from '../../cluster/types.js';
import type { ModelSpec } from '../../model/types.js';
import type { Layout } from '../types.js';

export type Measure = 'tokensPerSPerGpu' | 'stepTimeS' | 'mfu' | 'peakMemoryBytes';

export interface CalibrationCase {
  id: string;
  source: string;
  /** The software release the row ran (software.ts), from its source; 'unknown' when none fits. */
  release: string;
  verified: boolean;
  model: ModelSpec;
  /** The model name as the row writes it (variants such as '(tokendrop)' kept). */
  rowModelName: string;
  /** Cluster preset name (or the label of resolvedCluster) and GPU count. */
  cluster: string;
  /** A cluster already resolved to `gpus` (a user's cluster file); else the preset `cluster` is used. */
  resolvedCluster?: Cluster;
  gpus: number;
  /** Knobs the row states; the rest the planner chooses (best throughput that fits). */
  fixed: Partial<Omit<Layout, 'gbs' | 'seq'>>;
  gbs: number;
  seq: number;
  /**
   * Model variants the row's name states: 'w/ MTP' (DeepSeek-V3's one multi-token-prediction
   * module, num_nextn_predict_layers = 1 in its config.json) and '(tokendrop)' (capacity-factor
   * token dropping instead of dropless).
   */
  variant: { mtpLayers?: number; moeTokenDrop?: boolean };
  /**
   * The row publishes no layout: every knob is the planner's choice (the best layout that fits),
   * so the row is run and shown but not scored (the run's own layout may have been slower).
   */
  layoutChosen?: boolean;
  /** Throughput measure (tokens/s/GPU, step time or MFU as published), if the row has one. */
  measure: Measure | null;
  measured: number;
  /** Peak memory per GPU, bytes, if the row measured it. */
  peakMemoryBytes: number | null;
  /** How a measured FLOP rate was turned into tokens/s, if it was. */
  conversion?: string;
  group: { generation: string; kind: 'dense' | 'moe'; precision: string; scale: string };
  /**
   * A GPU variant the catalog lacks (torchtitan's H100 96 GB HBM2e at 500 W): memory is
   * compared, throughput is shown but not scored (its peak FLOP/s is not published).
   */
  gpuVariant?: { id: string; hbmBytes: number; hbmBandwidthBytesPerS: number };
}

export interface SkippedRow {
  id: string;
  reason: string;
}
