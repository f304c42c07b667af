import type { ColossusServer } from '../app.js';
import { registerAdminRoutes } from './admin.js';
import { registerAgentRoutes } from './agents.js';
import { registerJobRoutes } from './jobs.js';
import { registerNodeRoutes } from './nodes.js';

/** Every /api/v1 route of src/protocol/routes.ts. */
export function registerApiRoutes(server: ColossusServer): void {
  registerAgentRoutes(server);
  registerJobRoutes(server);
  registerNodeRoutes(server);
  registerAdminRoutes(server);
}
