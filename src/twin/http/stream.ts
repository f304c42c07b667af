/**
 * Server-sent events for the dashboard: `summary` every second, `events` with
 * the notable control-plane decisions committed since the last push (node
 * transitions other than allocated ⇄ idle, XIDs, drains, job and attempt
 * changes), and `gpus` as a hint to refetch the per-GPU bytes.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { summarize } from '../summary.js';
import type { TwinHttpContext } from './routes.js';
import type { ControlEvent } from '../../core/control/types.js';

/** A control-plane event as the feed shows it (without its data payload). */
export type FeedEvent = Omit<ControlEvent, 'data'>;

/** Notable events after `since`, oldest first (at most `limit`). */
export async function notableEvents(ctx: TwinHttpContext, since: number, limit: number): Promise<FeedEvent[]> {
  const db = ctx.server.store.db;
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'at_ms', 'kind', 'job_id', 'node', 'reason'])
    .where('seq', '>', since)
    .where((eb) => eb.or([eb('kind', 'not in', ['node.state', 'node.registered', 'attempt.running', 'attempt.placed', 'attempt.ended']), sql<boolean>`json_extract(data, '$.to') in ('down','suspect','drained','repair')`]))
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ seq: Number(r.seq), atMs: Number(r.at_ms), kind: r.kind, jobId: r.job_id, node: r.node, reason: r.reason }));
}

export function registerStream(app: FastifyInstance, ctx: TwinHttpContext, speed: () => { target: number; achieved: number }): void {
  app.get('/api/v1/twin/events', async (req) => {
    const since = Number((req.query as { since?: string }).since ?? 0) || 0;
    return { events: await notableEvents(ctx, since, 100) };
  });
  app.get('/api/v1/twin/stream', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let since = Number(req.headers['last-event-id'] ?? 0) || 0;
    let busy = false;
    const push = async () => {
      if (busy) return;
      busy = true;
      try {
        res.write(`event: summary\ndata: ${JSON.stringify(summarize(ctx.twin, speed()))}\n\n`);
        const events = await notableEvents(ctx, since, 50);
        if (events.length) {
          since = events[events.length - 1].seq;
          res.write(`id: ${since}\nevent: events\ndata: ${JSON.stringify(events)}\n\n`);
        }
      } catch (err) {
        req.log.warn({ err }, 'twin stream push failed');
      } finally {
        busy = false;
      }
    };
    void push();
    const timer = setInterval(() => void push(), 1000);
    req.raw.on('close', () => clearInterval(timer));
  });
}
