import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.ts';
import { registerEmergencyRoutes } from './emergencies.routes.ts';
import { registerIncidentRoutes } from './incidents.routes.ts';
import { registerVisitorRoutes } from './visitors.routes.ts';

/** Visitors (R-FD-1), office incidents (R-FD-3) and estate emergencies (R-FD-4): one registration for the app. */
export function registerVisitorIncidentRoutes(app: FastifyInstance, ctx: AppContext) {
  registerVisitorRoutes(app, ctx);
  registerIncidentRoutes(app, ctx);
  registerEmergencyRoutes(app, ctx);
}
