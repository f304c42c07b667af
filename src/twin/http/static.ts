/** Serves the built dashboard (web/dist): files by path, index.html for every other page URL. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.map': 'application/json', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};

/** web/dist next to the package root (the same from src/twin/http and dist/twin/http). */
export const defaultWebDir = (): string => fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export function registerStatic(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  const page = (reply: import('fastify').FastifyReply) => {
    if (!existsSync(index)) {
      return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build:web` (vite build --config web/vite.config.ts). The API is up under /api/v1.\n');
    }
    return reply.type(TYPES['.html']).header('cache-control', 'no-cache').send(readFileSync(index));
  };
  app.get('/', async (_req, reply) => page(reply));
  app.get('/assets/*', async (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    const file = normalize(join(root, 'assets', rel));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return reply.code(404).type('text/plain').send('not found\n');
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', 'public, max-age=31536000, immutable').send(readFileSync(file));
  });
  for (const p of ['/overview', '/map', '/jobs', '/jobs/*', '/nodes', '/nodes/*', '/planner', '/reliability']) app.get(p, async (_req, reply) => page(reply));
}
