/**
 * The command table. Each top-level command is a name, the one-line description shown by
 * `colossus --help`, and a loader that imports its module only when that command runs, so
 * `colossus model list` never loads the server, Fastify, the store drivers or the twin.
 * A new command: one entry here and a `registerX(program)` in its own module (the test in
 * index.test.ts checks that the descriptions here match what the modules register).
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  name: string;
  description: string;
  /** True when the command only groups sub-commands (`model list`, `job show`, …). */
  group?: boolean;
  /** The help term when the command takes arguments (default `name [options]`). */
  term?: string;
  /** True for daemons (agent, server, twin): they take `-o json` but not `-o name`. */
  longRunning?: boolean;
  /** Imports the module and returns its register function (which may add several names). */
  load: () => Promise<RegisterCommand>;
}

export const commands: CommandEntry[] = [
  { name: 'cluster', group: true, description: 'Cluster presets and files: topology, totals, fabric', load: async () => (await import('./cluster.js')).registerCluster },
  { name: 'model', group: true, description: 'Transformer presets and files: parameters and FLOPs', load: async () => (await import('./model.js')).registerModel },
  { name: 'gpu', group: true, description: 'The GPU catalog', load: async () => (await import('./gpu.js')).registerGpu },
  { name: 'agent', longRunning: true, description: 'Run the node agent: register with the server, heartbeat, run the attempts it assigns', load: async () => (await import('./agent.js')).registerAgent },
  { name: 'simulate', description: 'Monte Carlo of failures, checkpoints and goodput (ETTR) of a training run', load: async () => (await import('./simulate.js')).registerSimulate },
  { name: 'server', longRunning: true, description: 'Run the control plane: REST API under /api/v1, OpenAPI at /docs, /healthz, /readyz, /metrics. PostgreSQL when DATABASE_URL=postgres://…', load: async () => (await import('./server.js')).registerServer },
  { name: 'job', group: true, description: 'Submit and inspect jobs on the control plane (COLOSSUS_SERVER, COLOSSUS_TOKEN)', load: async () => (await import('./job.js')).registerJob },
  { name: 'node', group: true, description: 'Inspect and operate nodes (COLOSSUS_SERVER, COLOSSUS_TOKEN)', load: async () => (await import('./node.js')).registerNode },
  { name: 'login-link', description: 'A one-time dashboard login link (a viewer session, or --role operator): valid once, for 10 minutes; needs the admin token', load: async () => (await import('./login-link.js')).registerLoginLink },
  { name: 'fleet', group: true, description: 'The fleet as the control plane sees it: its own failure rate, the spare reserve (COLOSSUS_SERVER, COLOSSUS_TOKEN)', load: async () => (await import('./fleet.js')).registerFleet },
  { name: 'perf', description: 'Memory, step time, throughput and MFU of one layout (omitted layout flags are chosen by the planner)', load: async () => (await import('./perf.js')).registerPerf },
  { name: 'plan', description: 'Search every layout of a model on a cluster; rank by tokens/s within memory', load: async () => (await import('./plan.js')).registerPlan },
  { name: 'calibrate', term: 'calibrate [options] <runs>', description: 'Fit the software factors of the performance model to measured runs (JSON {"rows": [...]} or CSV); writes a params file for --params', load: async () => (await import('./calibrate.js')).registerCalibrate },
  { name: 'twin', longRunning: true, description: 'Run a simulated Colossus against the real control plane, in virtual time, with the dashboard at /', load: async () => (await import('./twin.js')).registerTwin },
  { name: 'start', longRunning: true, description: 'Same as `colossus twin` with its defaults (what `npm start` runs)', load: async () => (await import('./twin.js')).registerTwin },
];
