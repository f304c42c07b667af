/** Node routes: list, show (with transitions), cordon, uncordon, drain; events. */
import { ROUTES } from '../../protocol/routes.js';
import { nodeDetail, nodeSummary } from '../../core/control/views.js';
import { nodeCounts, queryNodes } from '../../core/control/queries.js';
import { spareReserveView } from '../../core/control/reserve-view.js';
import { TOTAL_COUNT_HEADER } from '../../protocol/common.js';
import type { ColossusServer } from '../app.js';
import { JsonList } from '../slices.js';
import { defineRoute } from './define.js';

export function registerNodeRoutes(server: ColossusServer): void {
  const ctl = server.controller;

  const detail = async (name: string) => {
    const n = ctl.requireNode(name);
    const events = await server.store.events({ since: 0, node: name, kind: 'node.state', limit: 50, newest: true });
    const transitions = events.map((e) => ({ from: (e.data?.from ?? null) as string | null, to: String(e.data?.to), reason: e.reason, source: String(e.data?.source ?? 'server'), atMs: e.atMs }));
    return { ...nodeDetail(n, ctl.now(), ctl.policy.lemonWindowS), transitions };
  };

  defineRoute(server, ROUTES.listNodes, ({ query, reply }) => {
    const page = queryNodes(ctl, query);
    reply.header(TOTAL_COUNT_HEADER, String(page.total));
    return new JsonList(page.items, nodeSummary);
  });
  defineRoute(server, ROUTES.nodeCounts, ({ query }) => {
    const groups = nodeCounts(ctl, query.by);
    const states: Record<string, number> = {};
    for (const g of groups) for (const [s, k] of Object.entries(g.states)) states[s] = (states[s] ?? 0) + k;
    return { by: query.by, groups, states };
  });
  // The controller counts interruptions as it records them (seeded from the store's events at start).
  defineRoute(server, ROUTES.fleetReliability, () => ctl.fleet.estimate(ctl.now()));
  defineRoute(server, ROUTES.spareReserve, () => spareReserveView(ctl));
  defineRoute(server, ROUTES.showNode, ({ params }) => detail(params.name));

  for (const action of ['cordon', 'uncordon', 'drain', 'repair'] as const) {
    const def = { cordon: ROUTES.cordonNode, uncordon: ROUTES.uncordonNode, drain: ROUTES.drainNode, repair: ROUTES.repairNode }[action];
    defineRoute(server, def, async ({ params, body, auth }) => {
      ctl.nodeAction(params.name, action, body.reason ?? `${action} by ${auth.name}`, 'operator');
      await server.commit();
      server.kick();
      return detail(params.name);
    });
  }

  defineRoute(server, ROUTES.resetNode, async ({ params, body, auth }) => {
    ctl.requireNode(params.name);
    ctl.resetNode(params.name, body.reason ?? `reset by ${auth.name}: the join token may register it once more`);
    await server.commit({ nodeTokensDelete: [params.name] });
    server.tokens.revokeNode(params.name);
    return detail(params.name);
  });

  defineRoute(server, ROUTES.revokeNode, async ({ params, body, auth }) => {
    ctl.revokeNode(params.name, body.reason ?? `credential revoked by ${auth.name}`);
    await server.commit({ nodeTokensDelete: [params.name] });
    server.tokens.revokeNode(params.name);
    return detail(params.name);
  });

  defineRoute(server, ROUTES.setNodeAddress, async ({ params, body, auth }) => {
    ctl.setNodeAddress(params.name, body.address, body.address === null ? `MASTER_ADDR back to the address the server sees (by ${auth.name})` : `MASTER_ADDR set to ${body.address} by ${auth.name}`);
    await server.commit();
    return detail(params.name);
  });

  defineRoute(server, ROUTES.listEvents, async ({ query }) => ({
    events: await server.store.events({ since: query.since, jobId: query.jobId, node: query.node, limit: query.limit }),
  }));
}
