import { createHash } from 'node:crypto';
import { parseRole, type Role } from './roles.js';

export interface RoleToken {
  role: Role;
  token: string;
}

/**
 * Parses "admin:tokA,operator:tokB" (the SOPILOT_API_ROLE_TOKENS form). The token is everything
 * after the first colon, so tokens may contain colons but not commas. Throws on a malformed entry.
 */
export function parseRoleTokens(spec: string): RoleToken[] {
  const out: RoleToken[] = [];
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const i = entry.indexOf(':');
    if (i <= 0 || i === entry.length - 1) throw new Error(`role token entry must be "role:token", got "${entry.slice(0, 20)}..."`);
    const token = entry.slice(i + 1).trim();
    if (token.length < 8) throw new Error('role tokens must be at least 8 characters long');
    out.push({ role: parseRole(entry.slice(0, i)), token });
  }
  return out;
}

/** A stable, non-secret name for a static token, for the audit trail (never log the token itself). */
export function tokenSubject(t: RoleToken): string {
  const fp = createHash('sha256').update(t.token).digest('hex').slice(0, 12);
  return `token:${t.role}:${fp}`;
}
