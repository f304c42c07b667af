/**
 * Transformer layers per pipeline stage. Megatron-Core splits L layers evenly when pp divides
 * L; otherwise, when pp divides L + 2, it counts the input embedding and the loss as one
 * layer each (account_for_embedding_in_pipeline_split / account_for_loss_in_pipeline_split),
 * so the first and last stages hold (L+2)/pp − 1 transformer layers and the others (L+2)/pp.
 * That is how Llama 3 405B (126 layers) runs on pp = 16 (Llama 3 paper §3.3.2).
 */

/** Whether pp splits `layers` (evenly, or with embedding and loss as layers). */
export const ppSplits = (layers: number, pp: number): boolean => layers % pp === 0 || (pp > 2 && (layers + 2) % pp === 0);

/** Layers of the busiest stage, its chunk count basis for vpp. */
export function stageSlots(layers: number, pp: number): number {
  return layers % pp === 0 ? layers / pp : (layers + 2) / pp;
}

/** Transformer layers on the first (or last) stage, which also holds the embedding (or the output layer). */
export function edgeStageLayers(layers: number, pp: number): number {
  return layers % pp === 0 ? layers / pp : (layers + 2) / pp - 1;
}

/** Whether the output layer's GEMM adds to the busiest stage (even split) or is balanced as a layer slot. */
export const logitsOnCriticalStage = (layers: number, pp: number): boolean => layers % pp === 0;
