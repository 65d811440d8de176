import express, { type Express, type RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type { HttpFunction } from '../functions.js';
import { httpRequests } from '../metrics.js';
import { errorHandler } from './errors.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';

/** Headers every response carries: no response is ever to be content-sniffed into something else (an upload into HTML). */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** Express app holding the given HTTP functions, with request ids, JSON bodies, metrics and JSON errors. */
export function buildHttpApp(fns: readonly HttpFunction[], opts: { log?: () => Logger | undefined } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(securityHeaders);
  app.use((req, res, next) => {
    const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    req.headers['x-request-id'] = id;
    res.setHeader('X-Request-Id', id);
    res.on('finish', () => {
      const routePath = (req.route?.path as string | undefined) ?? 'unmatched';
      httpRequests.inc({ method: req.method, route: routePath, status: String(res.statusCode) });
    });
    next();
  });
  // JSON bodies only; uploads are multipart and streamed by their handler.
  const json = express.json({ limit: '2mb', type: ['application/json', 'application/*+json'] });
  const rawPaths = new Set(fns.flatMap((f) => f.rawBodyPaths ?? []));
  app.use((req, res, next) => (rawPaths.has(req.path) ? next() : json(req, res, next)));
  const router = express.Router();
  for (const f of fns) f.mount(router);
  app.use(router);
  app.use((req, _res, next) => next(new AppError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(opts.log ?? (() => undefined)));
  return app;
}
