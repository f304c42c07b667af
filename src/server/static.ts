/**
 * Serves the built dashboard (web/dist) with @fastify/static: hashed assets under
 * /assets/ (immutable caching, content types and ranges by the plugin), index.html
 * for every page URL of the app's router. The twin serves it, and so does `colossus
 * server` (its jobs, nodes, planner and reliability pages; the overview and the map
 * need the twin's endpoints).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** web/dist next to the package root (the same from src/server and dist/server). */
export const defaultWebDir = (): string => fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The page URLs of the dashboard's router (web/src/app.tsx). */
export const PAGE_ROUTES = ['/', '/overview', '/map', '/jobs', '/jobs/*', '/nodes', '/nodes/*', '/planner', '/reliability'];

/** What a request for a page gets when web/dist is missing: the scripts that build it exist in package.json. */
export const NOT_BUILT = 'The dashboard is not built: run `npm run build` (or only the dashboard: `npx vite build --config web/vite.config.ts`). The API is up under /api/v1.\n';

export async function registerStatic(app: FastifyInstance, dir: string): Promise<void> {
  const root = resolve(dir);
  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    wildcard: true,
  });
  const page = (reply: FastifyReply) => {
    if (!existsSync(join(root, 'index.html'))) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
  };
  for (const p of PAGE_ROUTES) app.get(p, async (_req, reply) => page(reply));
}
