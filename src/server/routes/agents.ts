/** Agent routes: register (join token → node credential), heartbeat, attempt events. */
import { ColossusError } from '../../core/errors.js';
import { ROUTES } from '../../protocol/routes.js';
import { hashToken, newToken } from '../auth.js';
import type { ColossusServer } from '../app.js';
import type { LogRow } from '../store/store.js';
import { defineRoute } from './define.js';

export function registerAgentRoutes(server: ColossusServer): void {
  const ctl = server.controller;

  defineRoute(server, ROUTES.register, async ({ body, req, auth }) => {
    // Identity: the join token admits a name the server has not seen, or one an admin reset;
    // registering again takes the node's own credential (or an admin token).
    const known = ctl.nodes.get(body.name);
    if (auth.role === 'node' && auth.node !== body.name) {
      throw new ColossusError('forbidden', `this credential belongs to node '${auth.node}', not '${body.name}'`, { where: 'Authorization header', hint: 'register with the join token (new names) or with this node’s own credential' });
    }
    if (known && !known.joinAllowed && auth.role === 'agent') {
      throw new ColossusError('conflict', `node '${body.name}' is already registered; the join token admits only new names`, {
        where: 'body.name', hint: `the node's agent registers again with its own credential (node.token in its work dir); if the node was reinstalled, an admin runs \`colossus node reset ${body.name}\``,
      });
    }
    // MASTER_ADDR is the address the server sees (an admin may set another); what the agent says is not trusted.
    const address = req.ip.replace(/^::ffff:/, '');
    ctl.registerNode({ name: body.name, gpus: body.gpus, topology: body.topology, address, attempts: body.attempts });
    const nodeToken = newToken('node');
    const row = { hash: hashToken(nodeToken), role: 'node' as const, name: body.name, node: body.name, createdAtMs: ctl.now() };
    await server.commit({ nodeTokensDelete: [body.name], tokensPut: [row] });
    server.tokens.put(row);
    server.kick();
    return { name: body.name, nodeToken, heartbeatIntervalS: ctl.policy.heartbeatIntervalS, nodeTimeoutS: ctl.policy.nodeTimeoutS, serverTimeMs: ctl.now() };
  });

  defineRoute(server, ROUTES.heartbeat, async ({ body, params }) => {
    const desired = ctl.heartbeat(params.name, body.attempts, body.telemetry, body.seq);
    server.metrics.heartbeats.inc();
    if (ctl.hasDurableChanges()) {
      await server.commit();
      server.kick();
    } else if (ctl.hasChanges()) {
      server.commit().catch((err) => server.app.log.error({ err }, 'lazy commit failed'));
    }
    return desired;
  });

  defineRoute(server, ROUTES.attemptEvents, async ({ body, params }) => {
    const keepRunning = ctl.attemptEvents(params.name, params.attemptId, body.events);
    const att = ctl.attempts.get(params.attemptId)!;
    const logs: LogRow[] = body.events.flatMap((e) =>
      e.type === 'log'
        ? [{ seq: server.nextLogSeq(), jobId: att.jobId, attempt: att.number, node: params.name, rank: e.rank ?? null, stream: e.stream, text: e.text.replaceAll('\0', '\uFFFD'), atMs: ctl.now() }]
        : [],
    );
    await server.commit({ logs });
    if (body.events.some((e) => e.type === 'exited')) server.kick();
    return { keepRunning };
  });
}
