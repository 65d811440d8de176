import type { RequestHandler } from 'express';
import { requireRole, type Role } from '../auth/index.js';
import { getContext, service } from '../context.js';
import { auditRequest, getAuthenticator } from '../security.js';
import { DenialLimiter } from './denial-limiter.js';

/**
 * Role check for a route; 401/403 answers are written to the audit trail. Every 403 (a known
 * caller refused) is written; 401s (anyone) at most SOPILOT_AUTH_DENIED_AUDIT_PER_MIN per address.
 */
export function authorize(role: Role): RequestHandler {
  return async (req, res, next) => {
    const ctx = await getContext();
    const limiter = await service(ctx, 'denial-limiter', async () => new DenialLimiter(ctx.config.AUTH_DENIED_AUDIT_PER_MIN));
    const mw = requireRole(await getAuthenticator(ctx), role, {
      onDenied: async (r, status, reason, principal) => {
        const slot = status === 401 ? limiter.take(r.ip ?? r.socket.remoteAddress ?? '?') : { write: true, suppressed: 0 };
        if (!slot.write) return;
        await auditRequest(ctx.db, r, {
          subject: principal?.subject ?? 'anonymous',
          role: principal?.role ?? null,
          action: 'auth.denied',
          target_type: 'route',
          target_id: `${r.method} ${r.baseUrl}${r.route?.path ?? r.path}`,
          outcome: 'denied',
          details: { status, reason, ...(slot.suppressed ? { suppressed: slot.suppressed } : {}) },
        });
      },
    });
    return mw(req, res, next);
  };
}
