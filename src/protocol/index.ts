/** The control-plane API: zod schemas shared by server, agent, CLI and web. */
export * from './common.js';
export * from './agent.js';
export * from './progress.js';
export * from './jobs.js';
export * from './nodes.js';
export * from './events.js';
export * from './admin.js';
export * from './session.js';
export * from './routes.js';
export * from './client.js';
