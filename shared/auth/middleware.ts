import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isAuthFailure, type Authenticator, type Principal } from './authenticator.js';
import { roleAtLeast, type Role } from './roles.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by requireRole once the caller is authenticated and allowed. */
      principal?: Principal;
    }
  }
}

export interface RequireRoleOptions {
  /**
   * Called before a 401/403 is sent, e.g. to write an audit row. Awaited: if it throws, the error
   * goes to next(err) (the request is still refused, as a 500), so a denial is never unrecorded silently.
   * `principal` is set for a 403 (who was refused).
   */
  onDenied?: (req: Request, status: 401 | 403, reason: string, principal?: Principal) => void | Promise<void>;
}

/** Express middleware: 401 without valid credentials, 403 for a role below `role`; sets req.principal. */
export function requireRole(authenticator: Authenticator, role: Role, opts: RequireRoleOptions = {}): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await authenticator.authenticate(req.headers);
      if (isAuthFailure(result)) {
        await opts.onDenied?.(req, 401, result.reason);
        res.setHeader('WWW-Authenticate', authenticator.challenge);
        res.status(401).json({
          error: {
            code: 'unauthorized',
            message: result.failure === 'missing' ? 'authentication required' : `invalid credentials: ${result.reason}`,
          },
        });
        return;
      }
      if (!roleAtLeast(result.role, role)) {
        const reason = `role ${result.role} is below ${role}`;
        await opts.onDenied?.(req, 403, reason, result);
        res.status(403).json({ error: { code: 'forbidden', message: `this action needs the ${role} role` } });
        return;
      }
      req.principal = result;
      next();
    } catch (e) {
      next(e);
    }
  };
}
