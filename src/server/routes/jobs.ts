/** Job routes: submit, list, show, cancel, logs. */
import { ColossusError } from '../../core/errors.js';
import { isUnder } from '../../protocol/common.js';
import { ROUTES } from '../../protocol/routes.js';
import { jobDetail, jobSummary } from '../../core/control/views.js';
import { queryJobs } from '../../core/control/queries.js';
import { TOTAL_COUNT_HEADER } from '../../protocol/common.js';
import type { ColossusServer } from '../app.js';
import { defineRoute } from './define.js';

export function registerJobRoutes(server: ColossusServer): void {
  const ctl = server.controller;

  defineRoute(server, ROUTES.submitJob, async ({ body, auth }) => {
    const dir = body.checkpointDir;
    if (dir !== undefined && !server.checkpointRoots.some((r) => isUnder(dir, r))) {
      throw new ColossusError('usage', `checkpointDir ${dir.slice(0, 200)} is outside the checkpoint roots this server allows (${server.checkpointRoots.join(', ')})`, {
        where: 'body.checkpointDir', hint: 'leave it out (default <root>/<job id>), pick a directory under a root, or start the server with --checkpoint-root DIR',
      });
    }
    const job = ctl.submitJob({ ...body, cwd: body.cwd ?? null });
    ctl.emit('job.owner', `submitted by ${auth.name}`, { jobId: job.id });
    await server.commit();
    server.kick();
    return jobDetail(ctl, job);
  });

  defineRoute(server, ROUTES.listJobs, ({ query, reply }) => {
    const page = queryJobs(ctl, query);
    reply.header(TOTAL_COUNT_HEADER, String(page.total));
    return page.items.map((j) => jobSummary(ctl, j));
  });

  defineRoute(server, ROUTES.showJob, ({ params }) => jobDetail(ctl, ctl.requireJob(params.id)));

  defineRoute(server, ROUTES.cancelJob, async ({ params, body, auth }) => {
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
