import type { RequestHandler } from 'express';
import { requireRole, type Role } from '../auth/index.js';
import { getContext } from '../context.js';
import { auditRequest, getAuthenticator } from '../security.js';

/** Role check for a route; 401/403 answers are written to the audit trail. */
export function authorize(role: Role): RequestHandler {
  return async (req, res, next) => {
    const ctx = await getContext();
    const mw = requireRole(await getAuthenticator(ctx), role, {
      onDenied: (r, status, reason, principal) =>
        auditRequest(ctx.db, r, {
          subject: principal?.subject ?? 'anonymous',
          role: principal?.role ?? null,
          action: 'auth.denied',
          target_type: 'route',
          target_id: `${r.method} ${r.baseUrl}${r.route?.path ?? r.path}`,
          outcome: 'denied',
          details: { status, reason },
        }),
    });
    return mw(req, res, next);
  };
}
