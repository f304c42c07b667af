/** Every command module registers itself here: one import and one array entry each. */
import type { Command } from 'commander';
import { registerCluster } from './cluster.js';
import { registerModel } from './model.js';
import { registerGpu } from './gpu.js';
import { registerAgent } from './agent.js';
import { registerSimulate } from './simulate.js';
import { registerServer } from './server.js';
import { registerJob } from './job.js';
import { registerNode } from './node.js';
import { registerPerf } from './perf.js';
import { registerPlan } from './plan.js';
import { registerTwin } from './twin.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerCluster,
  registerModel,
  registerGpu,
  registerAgent,
  registerSimulate,
  registerServer,
  registerJob,
  registerNode,
  registerPerf,
  registerPlan,
  registerTwin,
];
