/**
 * Registers one route of the protocol table: auth, role check, zod validation
 * of params/query/body, OpenAPI schema, problem+json on any failure.
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../../protocol/common.js';
import type { RouteDef } from '../../protocol/routes.js';
import { authorize } from '../auth.js';
import { ProblemError, problemOf } from '../errors.js';
import type { ColossusServer } from '../app.js';
import type { TokenRow } from '../store/store.js';
import { JsonList, RawJson, STREAM_MIN_ITEMS, jsonListStream } from '../slices.js';

export interface RouteContext<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  auth: TokenRow;
  req: FastifyRequest;
  /** For response headers (e.g. X-Total-Count of a paged list). */
  reply: FastifyReply;
}

export function defineRoute<D extends RouteDef>(
  server: ColossusServer,
  def: D,
  handler: (ctx: RouteContext<D['body'] extends z.ZodType ? z.output<D['body']> : undefined, D['query'] extends z.ZodType ? z.output<D['query']> : undefined>) => unknown,
): void {
  server.app.route({
    method: def.method,
    url: API_PREFIX + def.path,
    schema: openapi(def),
    handler: async (req, reply) => {
      server.guard(def.method);
      const auth = server.authenticate(req);
      const params = (req.params ?? {}) as Record<string, string>;
      authorize(auth, def.roles, def.roles.includes('node') ? params.name : undefined);
      if (def.params) parse(def.params, params, 'path');
      const body = def.body ? parse(def.body, req.body ?? undefined, 'body') : undefined;
      const query = def.query ? parse(def.query, req.query ?? {}, 'query') : undefined;
      const result = await handler({ body, query, params, auth, req, reply } as never);
      if (result instanceof RawJson) return reply.code(def.status ?? 200).type('application/json; charset=utf-8').send(result.text);
      if (result instanceof JsonList) {
        // a long list is written in slices (heartbeats are answered in between); a short one at once
        if (result.items.length >= STREAM_MIN_ITEMS) return reply.code(def.status ?? 200).type('application/json; charset=utf-8').send(jsonListStream(result));
        return reply.code(def.status ?? 200).send(result.items.map(result.view));
      }
      return reply.code(def.status ?? 200).send(result);
    },
  });
}

function parse(schema: z.ZodType, value: unknown, where: string): unknown {
  const r = schema.safeParse(value);
  if (!r.success) throw new ProblemError(problemOf(r.error, where));
  return r.data;
}

function openapi(def: RouteDef) {
  return {
    summary: def.summary,
    ...(def.body ? { body: json(def.body) } : {}),
    ...(def.query ? { querystring: json(def.query) } : {}),
    response: { [def.status ?? 200]: json(def.response) },
  };
}

function json(schema: z.ZodType): Record<string, unknown> {
  try {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return {};
  }
}
