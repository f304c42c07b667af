/**
 * The Plan face's performance model and planner. In-process API:
 *   evaluateLayout(model, cluster, layout, options) → PerfResult (throws `invalid` on a bad layout)
 *   searchLayouts(model, cluster, { gbs, seq, precision, fixed, top }, options) → { searched, feasible, top, leastMemory }
 *   trainingEstimate(cluster, result, tokens, gpuHourUsd?) → days, GPU-hours, MWh, cost
 */
export { evaluateLayout, prepare, evaluateInto, toResult } from './evaluate.js';
export { searchLayouts, countLayouts } from './search-loop.js';
export type { SearchRequest, SearchResult } from './search.js';
export { validateLayout, type Knob } from './validate.js';
export { trainingEstimate, jobItPowerW, type TrainingEstimate } from './energy.js';
export { DEFAULT_PARAMS, resolveParams, type PerfParams, type GenerationParams } from './params.js';
export { M, toNumLayout, fromNumLayout, type NumLayout } from './num-layout.js';
export { DEFAULT_SOFTWARE, NEUTRAL_SOFTWARE, SOFTWARE_KEYS, SOFTWARE_RELEASES, applySoftware, softwareRelease, type SoftwareParams, type SoftwareRelease } from './software.js';
export { formatLayout, parseLayout } from './pipeline-layout.js';
export * from './types.js';
