/**
 * What a standby replica serves: /healthz 200, /readyz 503 (a standby is not ready
 * for traffic), and every other request a 307 to the leader (same path and query;
 * 307 keeps the method and body), or 503 problem+json while no replica leads.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { LIMITS } from '../protocol/common.js';

export interface StandbyApp {
  app: FastifyInstance;
}

export async function createStandbyApp(leaderUrl: () => string | null, storeKind: string): Promise<StandbyApp> {
  const app = Fastify({ logger: false, bodyLimit: LIMITS.bodyBytes, logController: new LogController({ disableRequestLogging: true }) });
  const problem = (status: number, type: string, detail: string, hint: string) => JSON.stringify({ type, title: 'Service Unavailable', status, detail, hint });
  app.get('/healthz', async () => ({ ok: true, role: 'standby' }));
  app.get('/readyz', async (_req, reply) => {
    const leader = leaderUrl();
    return reply.code(503).type('application/problem+json').send(problem(503, '/problems/standby', `this replica is a standby on the ${storeKind} store; ${leader ? `the leader is ${leader}` : 'no replica leads right now'}`, 'send traffic to the leader; this replica takes over when the leader\'s lease expires'));
  });
  app.setNotFoundHandler((req, reply) => {
    const leader = leaderUrl();
    if (leader) return reply.code(307).header('location', leader.replace(/\/+$/, '') + req.url).send();
    return reply.code(503).header('retry-after', '1').type('application/problem+json').send(problem(503, '/problems/no-leader', 'no replica leads right now (the last leader\'s lease expired; a standby takes over within a few seconds)', 'retry in a second; clients given several servers (--server A,B) retry by themselves'));
  });
  await app.ready();
  return { app };
}
