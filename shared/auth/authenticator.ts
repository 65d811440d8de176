import { randomBytes } from 'node:crypto';
import { safeEqual } from './constant-time.js';
import { createJwtVerifier, hasAnyJwtKey, type JwtOptions } from './jwt.js';
import { parseRole, type Role } from './roles.js';
import { parseRoleTokens, tokenSubject, type RoleToken } from './static-tokens.js';

export type AuthMethod = 'jwt' | 'static' | 'basic' | 'anonymous' | 'service';

/** Who made a request: `subject` goes into the audit trail. */
export interface Principal {
  subject: string;
  role: Role;
  method: AuthMethod;
}

/** missing: no credentials at all (401). invalid: credentials given but not accepted (401). */
export interface AuthFailure {
  failure: 'missing' | 'invalid';
  reason: string;
}

export interface BasicAuthOptions {
  user: string;
  password: string;
  /** Default "viewer" (least privilege). */
  role?: Role;
}

export interface AuthOptions {
  jwt?: JwtOptions;
  /** "admin:tokA,operator:tokB" (SOPILOT_API_ROLE_TOKENS) or already parsed entries. */
  staticTokens?: string | RoleToken[];
  basic?: BasicAuthOptions;
  /**
   * When set, a request with no credentials at all is let in with this role (auth not required).
   * Credentials that are presented are still checked: a bad token is a 401 either way.
   */
  anonymousRole?: Role;
  /** Realm named in WWW-Authenticate. Default "sopilot". */
  realm?: string;
  /**
   * The pipeline's own credential (SOPILOT_SERVICE_TOKEN): only it may inject pipeline-internal
   * events. It authenticates as subject "service" with the admin role and method "service".
   */
  serviceToken?: string;
}

export const SERVICE_SUBJECT = 'service';

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface Authenticator {
  authenticate(headers: HeaderBag): Promise<Principal | AuthFailure>;
  /** Value for the WWW-Authenticate header of a 401. */
  readonly challenge: string;
  readonly methods: AuthMethod[];
}

export function isAuthFailure(x: Principal | AuthFailure): x is AuthFailure {
  return 'failure' in x;
}

function staticTokensOf(o: AuthOptions): RoleToken[] {
  if (!o.staticTokens) return [];
  return typeof o.staticTokens === 'string' ? parseRoleTokens(o.staticTokens) : o.staticTokens;
}

/** The credential methods the options enable (not counting anonymous access). */
export function configuredMethods(o: AuthOptions): Array<'jwt' | 'static' | 'basic'> {
  const m: Array<'jwt' | 'static' | 'basic'> = [];
  if (o.jwt && hasAnyJwtKey(o.jwt)) m.push('jwt');
  if (staticTokensOf(o).length > 0) m.push('static');
  if (o.basic && o.basic.user && o.basic.password) m.push('basic');
  return m;
}

/** False means: with auth required, the host must refuse to start (or mint a local admin token). */
export function hasAnyCredential(o: AuthOptions): boolean {
  return configuredMethods(o).length > 0;
}

/** A fresh random admin token for the local all-in-one mode; print it once, keep it only in memory. */
export function generateLocalAdminToken(): RoleToken {
  return { role: 'admin', token: `sopl_${randomBytes(32).toString('base64url')}` };
}

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function createAuthenticator(o: AuthOptions): Authenticator {
  const tokens = staticTokensOf(o);
  const jwt = o.jwt && hasAnyJwtKey(o.jwt) ? createJwtVerifier(o.jwt) : null;
  const basic = o.basic && o.basic.user && o.basic.password ? { ...o.basic, role: o.basic.role ?? ('viewer' as Role) } : null;
  if (basic) parseRole(basic.role);
  const realm = o.realm ?? 'sopilot';
  const methods: AuthMethod[] = [...configuredMethods(o), ...(o.anonymousRole ? (['anonymous'] as const) : [])];
  const challenge = basic ? `Bearer realm="${realm}", Basic realm="${realm}", charset="UTF-8"` : `Bearer realm="${realm}"`;

  /** Checks every configured token (no early exit) so timing does not reveal which one matched. */
  function matchStatic(presented: string): RoleToken | null {
    let hit: RoleToken | null = null;
    for (const t of tokens) if (safeEqual(presented, t.token) && !hit) hit = t;
    return hit;
  }

  function matchService(presented: string): Principal | null {
    if (!o.serviceToken || !safeEqual(presented, o.serviceToken)) return null;
    return { subject: SERVICE_SUBJECT, role: 'admin', method: 'service' };
  }

  async function bearer(token: string): Promise<Principal | AuthFailure> {
    const svc = matchService(token);
    if (svc) return svc;
    const st = matchStatic(token);
    if (st) return { subject: tokenSubject(st), role: st.role, method: 'static' };
    if (jwt && token.split('.').length === 3) {
      const r = await jwt.verify(token);
      if (r.ok) return { subject: r.subject, role: r.role, method: 'jwt' };
      return { failure: 'invalid', reason: r.reason };
    }
    return { failure: 'invalid', reason: 'unknown token' };
  }

  function basicAuth(encoded: string): Principal | AuthFailure {
    if (!basic) return { failure: 'invalid', reason: 'basic auth is not enabled' };
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return { failure: 'invalid', reason: 'malformed basic credentials' };
    // Evaluate both comparisons before combining, so a wrong user costs the same as a wrong password.
    const userOk = safeEqual(decoded.slice(0, i), basic.user);
    const passOk = safeEqual(decoded.slice(i + 1), basic.password);
    if (userOk && passOk) return { subject: basic.user, role: basic.role, method: 'basic' };
    return { failure: 'invalid', reason: 'wrong user or password' };
  }

  return {
    challenge,
    methods,
    async authenticate(headers: HeaderBag): Promise<Principal | AuthFailure> {
      const authz = header(headers, 'authorization')?.trim();
      const apiKey = header(headers, 'x-api-key')?.trim();
      if (authz) {
        const sp = authz.indexOf(' ');
        const scheme = (sp < 0 ? authz : authz.slice(0, sp)).toLowerCase();
        const value = sp < 0 ? '' : authz.slice(sp + 1).trim();
        if (!value) return { failure: 'invalid', reason: 'empty credentials' };
        if (scheme === 'bearer') return bearer(value);
        if (scheme === 'basic') return basicAuth(value);
        return { failure: 'invalid', reason: `unsupported authorization scheme "${scheme.slice(0, 20)}"` };
      }
      if (apiKey) {
        const svc = matchService(apiKey);
        if (svc) return svc;
        const st = matchStatic(apiKey);
        if (st) return { subject: tokenSubject(st), role: st.role, method: 'static' };
        return { failure: 'invalid', reason: 'unknown token' };
      }
      if (o.anonymousRole) return { subject: 'anonymous', role: o.anonymousRole, method: 'anonymous' };
      return { failure: 'missing', reason: 'no credentials' };
    },
  };
}
