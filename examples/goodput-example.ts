/**
 * The fleet-scale illustration in docs/operate.md "Goodput-aware operation" (the worked example
 * from a real server run is scripts/goodput-worked-example.ts): pure functions on a made-up
 * history of a fleet of 1,250 H100
 * nodes whose history shows 12 GPU-hardware, 9 node-lost and 30 software interruptions in
 * 200,000 GPU-hours; a 1,024-GPU job that checkpoints every 3 h at 40 s a checkpoint.
 * Run: node --import tsx examples/goodput-example.ts
 */
import { OBSERVED_CAUSES, estimateCause, priorRates } from '../src/core/reliability/fleet-estimate.js';
import { failurePreset } from '../src/core/reliability/presets.js';
import { meanOf } from '../src/core/sim/distributions.js';
import { jobAdvice } from '../src/core/control/advice.js';
import { autoSpareReserve } from '../src/core/control/spare-reserve.js';

const preset = failurePreset('hopper');
const prior = priorRates(preset, 8);
const events = { 'gpu-hardware': 12, 'node-lost': 9, software: 30 };
const exposureGpuHours = 200_000;
const estimates = OBSERVED_CAUSES.map((c) => estimateCause(c, prior[c], events[c], exposureGpuHours));
const e3 = (x: number) => x.toExponential(2);
console.log('cause          events  GPU-hours  prior/GPU-h  posterior  90% interval');
for (const e of estimates) console.log(`${e.cause.padEnd(14)} ${String(e.events).padStart(6)}  ${String(e.exposureGpuHours).padStart(9)}  ${e3(e.priorPerGpuHour).padStart(11)}  ${e3(e.posteriorMeanPerGpuHour).padStart(9)}  ${e3(e.p5PerGpuHour)}–${e3(e.p95PerGpuHour)}`);
const total = estimates.reduce((a, e) => a + e.posteriorMeanPerGpuHour, 0);
const hardware = estimates.filter((e) => e.cause !== 'software').reduce((a, e) => a + e.posteriorMeanPerGpuHour, 0);
const a = jobAdvice({ gpus: 1024, ratePerGpuHour: total, checkpointCostS: 40, restartS: preset.restartTotalS ?? 300, actualIntervalS: 3 * 3600 });
console.log(JSON.stringify({ advice: { ...a, mtbiS: Math.round(a.mtbiS), optimalCheckpointIntervalS: Math.round(a.optimalCheckpointIntervalS), expectedGoodput: Number(a.expectedGoodput.toFixed(4)), achievedGoodput: Number(a.achievedGoodput!.toFixed(4)) } }));
console.log(JSON.stringify({ spareReserve: autoSpareReserve({ nodes: 1250, gpusPerNode: 8, hardwarePerGpuHour: hardware, repairMeanS: meanOf(preset.repair) }), repairMeanH: Number((meanOf(preset.repair) / 3600).toFixed(2)) }));
