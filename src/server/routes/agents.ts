/** Agent routes: register (join token → node credential), heartbeat, attempt events. */
import { ColossusError } from '../../core/errors.js';
import type { DesiredState } from '../../core/control/controller.js';
import type { AttemptSpecView } from '../../core/control/attempt-spec.js';
import { ROUTES } from '../../protocol/routes.js';
import { hashToken, newToken } from '../auth.js';
import type { ColossusServer } from '../app.js';
import type { LogRow } from '../store/store.js';
import { RawJson } from '../slices.js';
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
    return new RawJson(desiredJson(desired));
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

/**
 * The heartbeat reply as JSON, each running attempt's spec serialised once: a node running
 * a gang gets its spec (per-rank environments, a few KiB) with every heartbeat, and a full
 * 25,000-node fleet would otherwise stringify ~5,000 of them a second. Specs never change
 * during an attempt (src/core/control/attempt-spec.ts keeps one object per attempt and node).
 */
export function desiredJson(d: DesiredState): string {
  const head = JSON.stringify({ ...d, run: [] });
  if (d.run.length === 0) return head;
  const at = head.indexOf('"run":[]') + '"run":['.length; // a key: inside a JSON string the quotes would be escaped
  return head.slice(0, at) + d.run.map(specJson).join(',') + head.slice(at);
}

const specTexts = new WeakMap<AttemptSpecView, string>();
function specJson(spec: AttemptSpecView): string {
  let text = specTexts.get(spec);
  if (text === undefined) specTexts.set(spec, (text = JSON.stringify(spec)));
  return text;
}
