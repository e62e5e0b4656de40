import type express from 'express';
import type { Request } from 'express';
import type * as z from 'zod/mini';
import { parseInput } from '../../validation.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Schema = z.ZodMiniType;
type Infer<S> = S extends Schema ? z.infer<S> : undefined;

/**
 * One REST endpoint, declared once: the Express handler and its entry in the
 * OpenAPI document are both made from this, so the document lists exactly
 * what the server serves, with the protocol's own schemas.
 */
export interface RouteSpec<
  C,
  P extends Schema | undefined,
  Q extends Schema | undefined,
  B extends Schema | undefined,
> {
  method: Method;
  /** Express syntax (`/conversations/:id`), relative to the group's prefix. */
  path: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The body of a successful answer. */
  response: Schema;
  handle(context: C, input: { params: Infer<P>; query: Infer<Q>; body: Infer<B> }): Promise<unknown>;
}

/** A route with its input types erased, as a group holds them. */
export interface Route<C> {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response: Schema;
  handle(context: C, input: { params: unknown; query: unknown; body: unknown }): Promise<unknown>;
}

/** Declares a route of a group whose handlers receive a `C` (the actor, the server API's context). */
export function routeFor<C>() {
  return <P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(
    spec: RouteSpec<C, P, Q, B>,
  ): Route<C> => spec as unknown as Route<C>;
}

/** A set of routes under one prefix with one way to authenticate. */
export interface RouteGroup<C> {
  /** Mounted at, e.g. `/api/server`. */
  prefix: string;
  /** The OpenAPI security scheme the group requires (absent: public). */
  security?: 'userToken' | 'apiKey';
  tag: string;
  routes: Array<Route<C>>;
}

/** Registers each route on the router: input validated with its schemas, the result sent as JSON. */
export function mountRoutes<C>(router: express.Router, group: RouteGroup<C>, contextOf: (req: Request) => C): void {
  for (const route of group.routes) {
    router[route.method](route.path, async (req, res) => {
      const params = route.params ? parseInput(route.params, req.params, 'path') : undefined;
      const query = route.query ? parseInput(route.query, req.query, 'query') : undefined;
      const body = route.body ? parseInput(route.body, req.body ?? {}, 'body') : undefined;
      res.json(await route.handle(contextOf(req), { params, query, body }));
    });
  }
}
