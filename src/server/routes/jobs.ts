/** Job routes: submit, list, show, cancel, logs. */
import { createHash } from 'node:crypto';
import { ColossusError } from '../../core/errors.js';
import type { TokenRow } from '../store/store.js';
import { isUnder } from '../../protocol/common.js';
import { ROUTES } from '../../protocol/routes.js';
import { jobDetail, jobSummary } from '../../core/control/views.js';
import { queryJobs } from '../../core/control/queries.js';
import { TOTAL_COUNT_HEADER } from '../../protocol/common.js';
import type { ColossusServer } from '../app.js';
import { JsonList } from '../slices.js';
import { defineRoute } from './define.js';

/** The team a user token acts for (users submit to and cancel jobs of their own team only). */
const teamOf = (auth: TokenRow): string => auth.team ?? 'default';

/** `Idempotency-Key`: 1–128 characters of [A-Za-z0-9._:-] (a UUID fits). */
function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(key)) throw new ColossusError('usage', 'Idempotency-Key must be 1–128 characters of letters, digits, ".", "_", ":" and "-"', { where: 'Idempotency-Key header', hint: 'send a fresh UUID per submission and the same one when retrying it' });
  return key;
}

export function registerJobRoutes(server: ColossusServer): void {
  const ctl = server.controller;
  /** Scoped idempotency key → job id (rebuilt from the jobs, which carry their key). */
  const byKey = new Map<string, string>();
  for (const j of ctl.jobs.values()) if (j.idempotency) byKey.set(j.idempotency.key, j.id);

  defineRoute(server, ROUTES.submitJob, async ({ body, auth, req }) => {
    if (auth.role === 'user' && body.team !== teamOf(auth)) {
      if (body.team !== 'default') throw new ColossusError('forbidden', `this user token belongs to team '${teamOf(auth)}', not '${body.team}'`, { where: 'body.team', hint: 'leave team out (your own team), or ask an admin for a token of that team' });
      body.team = teamOf(auth);
    }
    const rawKey = idempotencyKey(req.headers['idempotency-key']);
    const key = rawKey === undefined ? undefined : `${auth.name}:${rawKey}`;
    const bodySha256 = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const prior = key === undefined ? undefined : ctl.jobs.get(byKey.get(key) ?? '');
    if (key !== undefined && prior?.idempotency && prior.idempotency.key === key) {
      if (prior.idempotency.bodySha256 !== bodySha256) throw new ColossusError('conflict', `Idempotency-Key '${rawKey}' was used for ${prior.id} with a different body`, { where: 'Idempotency-Key header', hint: 'use a fresh key for a different submission' });
      return jobDetail(ctl, prior); // a retry: the job it made, not a second one
    }
    const dir = body.checkpointDir;
    if (dir !== undefined && !server.checkpointRoots.some((r) => isUnder(dir, r))) {
      throw new ColossusError('usage', `checkpointDir ${dir.slice(0, 200)} is outside the checkpoint roots this server allows (${server.checkpointRoots.join(', ')})`, {
        where: 'body.checkpointDir', hint: 'leave it out (default <root>/<job id>), pick a directory under a root, or start the server with --checkpoint-root DIR',
      });
    }
    const job = ctl.submitJob({ ...body, cwd: body.cwd ?? null });
    if (key !== undefined) {
      job.idempotency = { key, bodySha256 };
      byKey.set(key, job.id);
    }
    ctl.emit('job.owner', `submitted by ${auth.name}`, { jobId: job.id });
    await server.commit();
    server.kick();
    return jobDetail(ctl, job);
  });

  defineRoute(server, ROUTES.listJobs, ({ query, reply }) => {
    const page = queryJobs(ctl, query);
    reply.header(TOTAL_COUNT_HEADER, String(page.total));
    return new JsonList(page.items, (j) => jobSummary(ctl, j));
  });

  defineRoute(server, ROUTES.showJob, ({ params }) => jobDetail(ctl, ctl.requireJob(params.id)));

  defineRoute(server, ROUTES.cancelJob, async ({ params, body, auth }) => {
    if (auth.role === 'user' && ctl.requireJob(params.id).spec.team !== teamOf(auth)) {
      throw new ColossusError('forbidden', `job ${params.id} belongs to team '${ctl.requireJob(params.id).spec.team}'; this user token may cancel only team '${teamOf(auth)}' jobs`, { where: 'job', hint: 'ask an operator or admin, or someone of that team' });
    }
    const job = ctl.cancelJob(params.id, body.reason ?? `cancelled by ${auth.name}`);
    await server.commit();
    server.kick();
    return jobDetail(ctl, job);
  });

  defineRoute(server, ROUTES.jobLogs, async ({ params, query }) => {
    const job = ctl.requireJob(params.id);
    const rows = await server.store.logs(job.id, query.attempt, query.tail);
    return { jobId: job.id, lines: rows.map((r) => ({ attempt: r.attempt, node: r.node, rank: r.rank, stream: r.stream, text: r.text })) };
  });
}
