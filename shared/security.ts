import type { Request } from 'express';
import type { Config } from './config.js';
import { ConfigError } from './config.js';
import type { Context } from './context.js';
import { service } from './context.js';
import {
  createAuthenticator,
  generateLocalAdminToken,
  hasAnyCredential,
  parseRoleTokens,
  type AuthOptions,
  type Authenticator,
  type RoleToken,
} from './auth/index.js';
import { appendAudit, type AuditEntry } from './audit/index.js';
import type { Db } from './db/index.js';

/** Maps SOPILOT_* settings to the authenticator's options. */
export function authOptionsFromConfig(cfg: Config, extraTokens: RoleToken[] = []): AuthOptions {
  const jwt =
    cfg.JWT_SECRET || cfg.JWT_PUBLIC_KEY_FILE || cfg.JWT_JWKS_FILE
      ? {
          secret: cfg.JWT_SECRET,
          publicKeyFile: cfg.JWT_PUBLIC_KEY_FILE,
          jwksFile: cfg.JWT_JWKS_FILE,
          issuer: cfg.JWT_ISSUER,
          audience: cfg.JWT_AUDIENCE,
          roleClaim: cfg.JWT_ROLE_CLAIM,
        }
      : undefined;
  const tokens = [...(cfg.API_ROLE_TOKENS ? parseRoleTokens(cfg.API_ROLE_TOKENS) : []), ...extraTokens];
  return {
    jwt,
    staticTokens: tokens.length ? tokens : undefined,
    basic: cfg.BASIC_AUTH_USER
      ? { user: cfg.BASIC_AUTH_USER, password: cfg.BASIC_AUTH_PASSWORD ?? '', role: cfg.BASIC_AUTH_ROLE }
      : undefined,
    anonymousRole: cfg.AUTH_REQUIRED ? undefined : 'admin',
    serviceToken: cfg.SERVICE_TOKEN,
  };
}


export interface AuthSetup {
  options: AuthOptions;
  /** Set only in local all-in-one mode when nothing was configured: printed once at start. */
  localAdminToken?: string;
}

/**
 * Decides how the process authenticates. With SOPILOT_AUTH_REQUIRED on and no credentials,
 * a production host refuses to start; the local all-in-one host makes a one-time admin token.
 */
export function setupAuth(cfg: Config): AuthSetup {
  let options: AuthOptions;
  try {
    options = authOptionsFromConfig(cfg);
  } catch (e) {
    throw new ConfigError('SOPILOT_API_ROLE_TOKENS', (e as Error).message);
  }
  if (!cfg.AUTH_REQUIRED || hasAnyCredential(options)) return { options };
  if (!cfg.LOCAL_MODE) {
    throw new ConfigError(
      'SOPILOT_AUTH_REQUIRED',
      'authentication is required but no credentials are configured: set SOPILOT_JWT_SECRET, SOPILOT_API_ROLE_TOKENS or SOPILOT_BASIC_AUTH_USER (or SOPILOT_AUTH_REQUIRED=false on a trusted network)',
    );
  }
  const t = generateLocalAdminToken();
  return { options: authOptionsFromConfig(cfg, [t]), localAdminToken: t.token };
}

export function getAuthenticator(ctx: Context): Promise<Authenticator> {
  return service(ctx, 'authenticator', async () => {
    const preset = ctx.services.get('auth-setup') as Promise<AuthSetup> | undefined;
    const setup = preset ? await preset : setupAuth(ctx.config);
    return createAuthenticator(setup.options);
  });
}

/** Writes an audit row for an HTTP request, taking who/where from the request. */
export async function auditRequest(
  db: Pick<Db, 'query' | 'transaction'>,
  req: Request,
  entry: Omit<AuditEntry, 'subject' | 'role' | 'request_id' | 'client_addr'> & { subject?: string; role?: string | null },
): Promise<void> {
  await appendAudit(db, {
    subject: entry.subject ?? req.principal?.subject ?? 'anonymous',
    role: entry.role ?? req.principal?.role ?? null,
    request_id: (req.headers['x-request-id'] as string | undefined) ?? null,
    client_addr: req.ip ?? req.socket.remoteAddress ?? null,
    ...entry,
  });
}
