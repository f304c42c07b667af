/**
 * The twin's own read-only endpoints for the dashboard, next to the control
 * plane's /api/v1 (which the dashboard uses for everything else):
 *   GET /api/v1/twin/summary        overview numbers (JSON)
 *   GET /api/v1/twin/layout         fleet shape for the map (JSON)
 *   GET /api/v1/twin/gpus?metric=   one byte per GPU (application/octet-stream)
 *   GET /api/v1/twin/nodes/:name    a node's GPUs as the twin simulates them
 *   GET /api/v1/twin/jobs/:id/series step/loss series, plan and lost work of a job
 *   GET /api/v1/twin/stream         server-sent events: summary every second, notable control-plane events
 *   PUT /api/v1/twin/speed          { speed } — change the virtual speed
 *   POST /api/v1/twin/inject        { cause, node } — inject a failure
 * Steering (speed, inject) needs an operator or admin: a token, or an operator session
 * (a viewer session reads only).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { GPU_METRICS, GPU_STATE, gpuMetric, gpuStates, type GpuMetric } from '../gpu-state.js';
import { summarize } from '../summary.js';
import type { Twin } from '../twin.js';
import type { Pacer } from '../pacer.js';
import { registerStream } from './stream.js';
import type { ColossusServer } from '../../server/app.js';

export interface TwinHttpContext {
  twin: Twin;
  pacer: Pacer;
  server: ColossusServer;
}

const metricQuery = z.object({ metric: z.enum(GPU_METRICS as [GpuMetric, ...GpuMetric[]]).default('state') });

const problem = (status: number, title: string, detail: string) => ({ type: `/problems/${title.toLowerCase().replace(/ /g, '-')}`, title, status, detail });

/** A 403 problem unless the caller is an operator or admin (token or session); 401 is thrown. */
function mayNotSteer(ctx: TwinHttpContext, req: FastifyRequest, what: string) {
  const auth = ctx.server.authenticate(req);
  if (auth.role === 'admin' || auth.role === 'operator') return null;
  return { ...problem(403, 'Forbidden', `${what} needs an operator: this ${auth.expiresAtMs != null ? 'session' : 'token'} has the role '${auth.role}'`), where: auth.expiresAtMs != null ? 'colossus_session cookie' : 'Authorization header', hint: 'open an operator login link (`colossus login-link --role operator` with the admin token) or use an operator token' };
}

export function registerTwinRoutes(app: FastifyInstance, ctx: TwinHttpContext): void {
  const { twin, pacer } = ctx;
  const speed = () => ({ target: pacer.speed, achieved: pacer.achieved });
  app.get('/api/v1/twin/summary', async () => summarize(twin, speed()));
  app.get('/api/v1/twin/layout', async () => ({
    cluster: twin.opts.cluster.name, gpus: twin.fleet.gpus, nodes: twin.fleet.nodes.length, gpusPerNode: twin.fleet.gpusPerNode,
    nodesPerRack: twin.fleet.nodesPerRack, racksPerArray: twin.fleet.racksPerArray, arraysPerHall: twin.fleet.arraysPerHall,
    nodeNames: { prefix: 'node-', pad: String(Math.max(0, twin.fleet.nodes.length - 1)).length },
    states: GPU_STATE, flagshipId: twin.mix.flagshipId,
  }));
  app.get('/api/v1/twin/gpus', async (req, reply) => {
    const q = metricQuery.safeParse(req.query ?? {});
    if (!q.success) return reply.code(400).type('application/problem+json').send(JSON.stringify({ ...problem(400, 'Bad Request', `metric must be one of ${GPU_METRICS.join(', ')}`), where: 'query.metric' }));
    const states = gpuStates(twin);
    const bytes = q.data.metric === 'state' ? states : gpuMetric(twin, q.data.metric, states);
    return reply.type('application/octet-stream').header('cache-control', 'no-store').header('x-virtual-s', String(twin.nowS)).send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
  app.get('/api/v1/twin/nodes/:name', async (req, reply) => {
    const f = twin.fleet.byName.get((req.params as { name: string }).name);
    if (!f) return reply.code(404).type('application/problem+json').send(JSON.stringify(problem(404, 'Not Found', 'no such node in the twin fleet')));
    const states = gpuStates(twin);
    const util = gpuMetric(twin, 'util', states), temp = gpuMetric(twin, 'temp', states), power = gpuMetric(twin, 'power', states);
    const names = Object.keys(GPU_STATE);
    return {
      name: f.name, index: f.index, rack: f.rack, array: f.array, hall: f.hall, agentUp: twin.agents.up[f.index] === 1, repair: twin.inRepair.get(f.index) ?? null,
      gpus: f.gpus.map((g, i) => ({ index: i, uuid: g.uuid, model: g.model, state: names[states[f.firstGpu + i]], utilizationPct: util[f.firstGpu + i], temperatureC: temp[f.firstGpu + i], powerW: power[f.firstGpu + i] * 4 })),
    };
  });
  app.get('/api/v1/twin/jobs/:id/series', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const job = twin.ctl.jobs.get(id);
    if (!job) return reply.code(404).type('application/problem+json').send(JSON.stringify(problem(404, 'Not Found', `no job '${id}'`)));
    const plan = twin.mix.planFor(job);
    const pts = twin.stats.series.get(id)?.points ?? [];
    // Attempts without their node lists (a flagship attempt spans ~11k nodes): count and first node only.
    const attempts = job.attemptIds.flatMap((aid) => {
      const a = twin.ctl.attempts.get(aid);
      return a ? [{ id: a.id, number: a.number, state: a.state, nodeCount: a.parts.length, firstNode: a.parts[0]?.node ?? null, exitCode: a.exitCode, reason: a.reason, startedAtMs: a.startedAtMs, endedAtMs: a.endedAtMs, resumedFromStep: a.resumedFromStep, lastStep: a.lastStep }] : [];
    });
    return { jobId: id, plan, lost: twin.stats.jobLoss.get(id) ?? { lostSteps: 0, lostS: 0, interruptions: {} }, startMs: twin.clock.startMs, attempts, points: pts.map((p) => [p.tS, p.step, p.loss]) };
  });
  app.put('/api/v1/twin/speed', async (req, reply) => {
    const refused = mayNotSteer(ctx, req, 'changing the speed');
    if (refused) return reply.code(403).type('application/problem+json').send(JSON.stringify(refused));
    const body = z.strictObject({ speed: z.number().min(0).max(1e7) }).safeParse(req.body);
    if (!body.success) return reply.code(400).type('application/problem+json').send(JSON.stringify({ ...problem(400, 'Bad Request', 'body must be { "speed": number ≥ 0 } (0 = as fast as possible)'), where: 'body.speed' }));
    pacer.speed = body.data.speed;
    return speed();
  });
  app.post('/api/v1/twin/inject', async (req, reply) => {
    const refused = mayNotSteer(ctx, req, 'injecting failures');
    if (refused) return reply.code(403).type('application/problem+json').send(JSON.stringify(refused));
    const body = z.strictObject({ cause: z.string(), node: z.string() }).safeParse(req.body);
    const f = body.success ? twin.fleet.byName.get(body.data.node) : undefined;
    if (!body.success || !f) return reply.code(400).type('application/problem+json').send(JSON.stringify({ ...problem(400, 'Bad Request', `body must be { "cause": one of ${twin.causes.map((c) => c.id).join(', ')}, "node": a node name }`), where: 'body' }));
    if (!twin.inject(body.data.cause, f.index)) return reply.code(409).type('application/problem+json').send(JSON.stringify(problem(409, 'Conflict', `cannot inject '${body.data.cause}' on ${f.name}: unknown cause, or the node is down or in repair`)));
    return { ok: true, virtualS: twin.nowS };
  });
  registerStream(app, ctx, speed);
}
