import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Permission, Role } from '../access/roles.ts';
import type { Viewer } from '../auth/viewer.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone, any signed-in user, or holders of a permission.
 * The route × role access test reads this, so a new route is covered as soon as it exists.
 */
export type Access = 'public' | 'authenticated' | Permission;

type Infer<T> = T extends z.ZodType ? z.output<T> : unknown;

export interface TypedRequest<P, Q, B> extends Omit<FastifyRequest, 'params' | 'query' | 'body'> {
  params: P;
  query: Q;
  body: B;
  viewer: Viewer;
}

/** A request that a role holding the access should be able to make successfully. */
export interface RouteSample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** A multipart upload instead of a JSON body: a small generated image of this kind. */
  upload?: { field: string; filename: string; contentType: string; kind: 'png' };
  /** Statuses that count as success for this sample (default: any 2xx). */
  expect?: number[];
  /** Extra request headers, for routes that authenticate otherwise than by session (a webhook's shared secret). */
  headers?: Record<string, string>;
}

/** Test-side helpers a sample may use to set up what it needs (a unit, a person…). */
export interface SampleKit {
  role: Role;
  /** The signed-in user who will send the sample, when known. */
  userId?: string;
  fixtures: Record<string, string>;
  make: Record<string, (overrides?: Record<string, unknown>) => Promise<string>>;
  /** The current version of a row, for samples that edit an existing record. */
  version(table: string, id: string): Promise<number>;
}

export interface RouteSpec<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
> {
  method: HttpMethod;
  url: string;
  access: Access;
  summary: string;
  tags: string[];
  description?: string;
  params?: P;
  querystring?: Q;
  body?: B;
  response?: Record<number, z.ZodType>;
  /** Skip the CSRF check (login only: there is no session yet). */
  noCsrf?: boolean;
  /** A request that should succeed for every role holding `access` (the access test sends it). */
  sample: (kit: SampleKit) => Promise<RouteSample> | RouteSample;
  handler: (req: TypedRequest<Infer<P>, Infer<Q>, Infer<B>>, reply: FastifyReply) => Promise<unknown>;
}

export type AnyRouteSpec = RouteSpec<any, any, any>;

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: AnyRouteSpec[];
  }
  interface FastifyRequest {
    viewer: Viewer;
  }
  interface FastifyContextConfig {
    access?: Access;
    noCsrf?: boolean;
  }
}

export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B>): void {
  app.routeTable.push(spec as AnyRouteSpec);
  app.withTypeProvider<ZodTypeProvider>().route({
    method: spec.method,
    url: spec.url,
    config: { access: spec.access, noCsrf: spec.noCsrf },
    schema: {
      summary: spec.summary,
      description: spec.description,
      tags: spec.tags,
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.response ? { response: spec.response } : {}),
      ...(spec.access !== 'public' ? { security: [{ session: [] }] } : {}),
    },
    handler: (req, reply) => spec.handler(req as never, reply),
  });
}
