export { ROLES, isRole, parseRole, roleAtLeast, highestRole, type Role } from './roles.js';
export { safeEqual } from './constant-time.js';
export { parseRoleTokens, tokenSubject, type RoleToken } from './static-tokens.js';
export { createJwtVerifier, issueToken, describeJoseError, type JwtOptions, type JwtResult, type IssueTokenOptions } from './jwt.js';
export {
  createAuthenticator,
  configuredMethods,
  hasAnyCredential,
  generateLocalAdminToken,
  SERVICE_SUBJECT,
  isAuthFailure,
  type AuthOptions,
  type BasicAuthOptions,
  type Authenticator,
  type AuthFailure,
  type AuthMethod,
  type Principal,
  type HeaderBag,
} from './authenticator.js';
export { requireRole, type RequireRoleOptions } from './middleware.js';
