import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../errors.js';
import { ObjectNotFoundError, RangeNotSatisfiableError, StoreUnavailableError } from '../store/index.js';
import { MalformedEventError } from '../events/envelope.js';
import { QueueUnavailableError } from '../events/bus.js';
import type { Logger } from '../log.js';

/** Turns any error into {"error": {code, message}} with the right status; 5xx details go to the log only. */
export function errorHandler(log: () => Logger | undefined): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let code = 'internal_error';
    let message = 'internal error';
    let details: Record<string, unknown> | undefined;
    if (err instanceof AppError) {
      ({ status, code, message, details } = err);
    } else if (err instanceof ZodError) {
      status = 400;
      code = 'validation_error';
      message = err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    } else if (err instanceof ObjectNotFoundError) {
      status = 404;
      code = 'object_not_found';
      message = err.message;
    } else if (err instanceof RangeNotSatisfiableError) {
      status = 416;
      code = 'range_not_satisfiable';
      message = err.message;
      res.setHeader('Content-Range', `bytes */${err.size}`);
    } else if (err instanceof QueueUnavailableError) {
      status = 503;
      code = 'queue_unavailable';
      message = `the event queue is unavailable; retry later (${err.message})`;
      res.setHeader('Retry-After', '10');
    } else if (err instanceof StoreUnavailableError) {
      status = 503;
      code = 'store_unavailable';
      message = `the object store is unavailable; retry later (${err.message})`;
      res.setHeader('Retry-After', '10');
    } else if (err instanceof MalformedEventError) {
      status = 400;
      code = 'malformed_event';
      message = err.message;
    } else if (err?.type === 'entity.parse.failed') {
      status = 400;
      code = 'invalid_json';
      message = 'request body is not valid JSON';
    } else if (err?.type === 'entity.too.large') {
      status = 413;
      code = 'payload_too_large';
      message = 'request body too large';
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      // Express's own client errors (a malformed URI escape, a bad body encoding…).
      status = err.status;
      code = 'bad_request';
      message = err.expose && err.message ? String(err.message) : 'bad request';
    }
    if (status >= 500) log()?.error({ err, path: req.path, request_id: req.headers['x-request-id'] }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ error: { code, message, ...(details ? { details } : {}) } });
  };
}
