/** Admin routes: user tokens and team quotas. */
import { ROUTES } from '../../protocol/routes.js';
import { hashToken, newToken } from '../auth.js';
import type { ColossusServer } from '../app.js';
import { defineRoute } from './define.js';

export function registerAdminRoutes(server: ColossusServer): void {
  const ctl = server.controller;
  const inUse = (team: string) => [...ctl.jobs.values()].filter((j) => j.spec.team === team && ctl.liveAttempt(j)).reduce((s, j) => s + j.spec.gpus, 0);

  defineRoute(server, ROUTES.createToken, async ({ body }) => {
    const token = newToken(body.role);
    const team = body.role === 'user' || body.role === 'viewer' ? (body.team ?? 'default') : null;
    const row = { hash: hashToken(token), role: body.role, name: body.name, node: null, createdAtMs: ctl.now(), team };
    await server.commit({ tokensPut: [row] });
    server.tokens.put(row);
    return { name: body.name, role: body.role, team, token };
  });

  defineRoute(server, ROUTES.setQuota, async ({ params, body }) => {
    ctl.setQuota(params.name, body.gpuQuota);
    await server.commit();
    server.kick();
    return { team: params.name, gpuQuota: body.gpuQuota, gpusInUse: inUse(params.name) };
  });

  defineRoute(server, ROUTES.listTeams, () => {
    const teams = new Set([...ctl.quotas.keys(), ...[...ctl.jobs.values()].map((j) => j.spec.team)]);
    return [...teams].sort().map((t) => ({ team: t, gpuQuota: ctl.quotas.get(t) ?? null, gpusInUse: inUse(t) }));
  });
}
