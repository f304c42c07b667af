/**
 * The twin's own endpoints as OpenAPI paths, merged into the control plane's /docs
 * (the twin serves them from its own Fastify app, which @fastify/swagger cannot see).
 * Keep in step with ./routes.ts and ./stream.ts; a test checks every path is listed.
 */
const json = (description: string) => ({ 200: { description, content: { 'application/json': { schema: { type: 'object' } } } } });
/** Steering needs an operator or admin: a bearer token or an operator session cookie. */
const admin = [{ bearer: [] }, { session: [] }];
const open: never[] = [];
const tag = ['twin'];

export const TWIN_OPENAPI_PATHS: Record<string, Record<string, unknown>> = {
  '/api/v1/twin/summary': { get: { tags: tag, security: open, summary: 'Overview: GPUs and nodes by state, jobs, the flagship (throughput, ETA), interruptions by cause, power, fleet tokens/s', responses: json('the twin summary') } },
  '/api/v1/twin/layout': { get: { tags: tag, security: open, summary: 'Shape of the cluster map: halls, arrays, racks, nodes, GPUs per node, state codes', responses: json('the map layout') } },
  '/api/v1/twin/gpus': {
    get: {
      tags: tag, security: open, summary: 'One byte per GPU: state code, utilisation %, temperature °C or power / 4 W',
      parameters: [{ name: 'metric', in: 'query', schema: { type: 'string', enum: ['state', 'util', 'temp', 'power'], default: 'state' } }],
      responses: { 200: { description: 'one byte per GPU, fleet order', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, 400: { description: 'unknown metric (problem+json)' } },
    },
  },
  '/api/v1/twin/nodes/{name}': { get: { tags: tag, security: open, summary: "A node's simulated GPUs, agent and repair state", parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { ...json('the node'), 404: { description: 'no such node' } } } },
  '/api/v1/twin/jobs/{id}/series': { get: { tags: tag, security: open, summary: "A job's step/loss series, compact attempts, plan and lost work", parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { ...json('the series'), 404: { description: 'no such job' } } } },
  '/api/v1/twin/events': { get: { tags: tag, security: open, summary: 'Notable control-plane decisions (the live feed)', responses: json('events') } },
  '/api/v1/twin/stream': { get: { tags: tag, security: open, summary: 'Server-sent events: `summary` every second, `events` as they happen', responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } } } },
  '/api/v1/twin/speed': {
    put: {
      tags: tag, security: admin, summary: 'Set the twin speed (virtual s per wall s; 0 = as fast as possible)',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['speed'], properties: { speed: { type: 'number', minimum: 0, maximum: 1e7 } } } } } },
      responses: { ...json('the new speed'), 400: { description: 'bad body' }, 401: { description: 'no token or session' }, 403: { description: 'not an operator' } },
    },
  },
  '/api/v1/twin/inject': {
    post: {
      tags: tag, security: admin, summary: 'Make a failure of a cause happen now on a node (demos)',
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['cause', 'node'], properties: { cause: { type: 'string' }, node: { type: 'string' } } } } } },
      responses: { ...json('what was injected'), 400: { description: 'unknown cause or node' }, 401: { description: 'no token or session' }, 403: { description: 'not an operator' }, 409: { description: 'cannot inject now' } },
    },
  },
};
