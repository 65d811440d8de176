import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { registerRouteDoc, type RouteDoc } from './openapi.js';
import { authorize } from './authorize.js';

export type RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> = Omit<RouteDoc, 'body' | 'query'> & {
  body?: B;
  query?: Q;
};

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * Registers a route: OpenAPI doc, role check, body/query validation with the same zod schemas
 * the docs show, then the handler.
 */
export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  router: Router,
  spec: RouteSpec<B, Q>,
  handler: (req: Request, res: Response, input: { body: Parsed<B>; query: Parsed<Q> }) => Promise<void>,
): void {
  registerRouteDoc(spec as RouteDoc);
  const chain: RequestHandler[] = [];
  if (spec.role !== 'public') chain.push(authorize(spec.role));
  chain.push(async (req, res) => {
    const body = (spec.body ? spec.body.parse(req.body ?? {}) : undefined) as Parsed<B>;
    const query = (spec.query ? spec.query.parse(req.query ?? {}) : undefined) as Parsed<Q>;
    await handler(req, res, { body, query });
  });
  router[spec.method](spec.path, ...chain);
}
