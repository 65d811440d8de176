import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import {
  SignJWT,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';
import { highestRole, isRole, type Role } from './roles.js';

export interface JwtOptions {
  /** Shared secret for HS256 tokens. */
  secret?: string;
  /** Public key(s) in PEM (SPKI, or an X.509 certificate) for RS256/ES256/EdDSA tokens. */
  publicKeyPem?: string | string[];
  /** A file holding such a PEM key; read once, when the verifier is created. */
  publicKeyFile?: string;
  /** A JSON Web Key Set (already parsed), e.g. exported from an on-prem identity provider. */
  jwks?: JSONWebKeySet;
  /** A local JWKS file (never fetched over the network); read once, when the verifier is created. */
  jwksFile?: string;
  /** Required `iss` value(s); unchecked when absent. */
  issuer?: string | string[];
  /** Required `aud` value(s); unchecked when absent. */
  audience?: string | string[];
  /** Claim holding the role; dotted paths reach nested claims ("realm_access.roles"). Default "role". */
  roleClaim?: string;
  /** Clock skew allowed on exp/nbf, in seconds. Default 30. */
  clockToleranceSec?: number;
}

export type JwtResult =
  | { ok: true; subject: string; role: Role; claims: JWTPayload }
  | { ok: false; reason: string };

export interface JwtVerifier {
  verify(token: string): Promise<JwtResult>;
}

/** Which JWS algorithms a public key may verify: pinning them prevents algorithm confusion. */
export function algorithmsForKey(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return ['ES256'];
      if (curve === 'secp384r1') return ['ES384'];
      if (curve === 'secp521r1') return ['ES512'];
      throw new Error(`unsupported EC curve ${curve}`);
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      throw new Error(`unsupported public key type ${key.asymmetricKeyType}`);
  }
}

const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

function splitPems(text: string): string[] {
  const blocks = text.match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g);
  if (!blocks || blocks.length === 0) throw new Error('no PEM block found in public key');
  return blocks;
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path]; // a claim name may itself contain dots (URL-style claims)
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function roleFromClaim(value: unknown): Role | null {
  if (Array.isArray(value)) return highestRole(value);
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (isRole(v)) return v;
    return highestRole(v.split(/[\s,]+/)); // "viewer operator" (scope-style)
  }
  return null;
}

/** Says why a token failed, in words an operator can act on (never echoes the token). */
export function describeJoseError(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'token expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `claim "${e.claim}" invalid: ${e.reason}`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'signature invalid';
  if (e instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (e instanceof errors.JWKSNoMatchingKey) return 'no matching key in JWKS';
  if (e instanceof errors.JWKSMultipleMatchingKeys) return 'several JWKS keys match and none verified';
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'malformed token';
  if (e instanceof errors.JOSENotSupported) return 'unsupported token algorithm or key';
  return 'token rejected';
}

function hasAnyJwtKey(o: JwtOptions): boolean {
  const pems = o.publicKeyPem === undefined ? [] : Array.isArray(o.publicKeyPem) ? o.publicKeyPem : [o.publicKeyPem];
  return Boolean(o.secret) || pems.some(Boolean) || Boolean(o.publicKeyFile) || Boolean(o.jwks) || Boolean(o.jwksFile);
}
export { hasAnyJwtKey };

/**
 * Builds a verifier from the configured keys. Keys and files are loaded here, synchronously, so a
 * bad key or missing file stops start-up instead of failing every request later.
 */
export function createJwtVerifier(o: JwtOptions): JwtVerifier {
  const secret = o.secret ? new TextEncoder().encode(o.secret) : null;
  if (o.secret !== undefined && o.secret.length > 0 && o.secret.length < 16) {
    throw new Error('JWT secret must be at least 16 characters');
  }
  const pemTexts = [
    ...(o.publicKeyPem === undefined ? [] : Array.isArray(o.publicKeyPem) ? o.publicKeyPem : [o.publicKeyPem]),
    ...(o.publicKeyFile ? [readFileSync(o.publicKeyFile, 'utf8')] : []),
  ].filter(Boolean);
  const publicKeys = pemTexts.flatMap(splitPems).map((pem) => {
    const key = createPublicKey(pem);
    return { key, algs: algorithmsForKey(key) };
  });
  const jwksData: JSONWebKeySet | undefined = o.jwks ?? (o.jwksFile ? JSON.parse(readFileSync(o.jwksFile, 'utf8')) : undefined);
  if (jwksData && !Array.isArray(jwksData.keys)) throw new Error('JWKS must be an object with a "keys" array');
  const jwks = jwksData ? createLocalJWKSet(jwksData) : null;
  const roleClaim = o.roleClaim ?? 'role';
  const base: JWTVerifyOptions = {
    issuer: o.issuer,
    audience: o.audience,
    clockTolerance: o.clockToleranceSec ?? 30,
    requiredClaims: ['exp', 'sub'],
  };

  function principalFrom(payload: JWTPayload): JwtResult {
    if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'claim "sub" missing' };
    const role = roleFromClaim(getPath(payload as Record<string, unknown>, roleClaim));
    if (!role) return { ok: false, reason: `claim "${roleClaim}" missing or not a role` };
    return { ok: true, subject: payload.sub, role, claims: payload };
  }

  return {
    async verify(token: string): Promise<JwtResult> {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        return { ok: false, reason: 'malformed token' };
      }
      if (!alg) return { ok: false, reason: 'malformed token' };
      // Each candidate is a (key, pinned algorithms) pair; a token is tried only against keys of its own alg.
      const attempts: Array<() => Promise<{ payload: JWTPayload }>> = [];
      if (alg === 'HS256' && secret) attempts.push(() => jwtVerify(token, secret, { ...base, algorithms: ['HS256'] }));
      for (const pk of publicKeys) {
        if (pk.algs.includes(alg)) attempts.push(() => jwtVerify(token, pk.key, { ...base, algorithms: pk.algs }));
      }
      if (jwks && ASYMMETRIC_ALGS.includes(alg)) {
        attempts.push(() => jwtVerify(token, jwks, { ...base, algorithms: ASYMMETRIC_ALGS }));
      }
      if (attempts.length === 0) return { ok: false, reason: `no key configured for algorithm ${alg}` };
      let firstReason = '';
      for (const attempt of attempts) {
        try {
          const { payload } = await attempt();
          return principalFrom(payload);
        } catch (e) {
          const reason = describeJoseError(e);
          // A claim failure means the signature was good: that is the most useful reason to report.
          if (e instanceof errors.JWTClaimValidationFailed || e instanceof errors.JWTExpired) return { ok: false, reason };
          if (!firstReason) firstReason = reason;
        }
      }
      return { ok: false, reason: firstReason };
    },
  };
}

export interface IssueTokenOptions {
  role: Role;
  subject: string;
  /** HS256 secret. Give this or privateKeyPem. */
  secret?: string;
  /** PKCS#8 PEM private key (RSA -> RS256, EC P-256 -> ES256, Ed25519 -> EdDSA). */
  privateKeyPem?: string;
  issuer?: string;
  audience?: string;
  /** A jose time span ("8h", "30m", "7d") or seconds. Default "1h". */
  expiresIn?: string | number;
  /** Claim to put the role in. Default "role". */
  roleClaim?: string;
  kid?: string;
}

/** Issues a signed JWT for a role (used by `sopilot token` for first set-up). */
export async function issueToken(o: IssueTokenOptions): Promise<string> {
  if (!isRole(o.role)) throw new Error(`unknown role "${String(o.role)}"`);
  if (!o.subject) throw new Error('subject is required');
  let key: Uint8Array | KeyObject;
  let alg: string;
  if (o.secret) {
    if (o.secret.length < 16) throw new Error('JWT secret must be at least 16 characters');
    key = new TextEncoder().encode(o.secret);
    alg = 'HS256';
  } else if (o.privateKeyPem) {
    key = createPrivateKey(o.privateKeyPem);
    const algs = algorithmsForKey(createPublicKey(key));
    alg = algs[0]!;
  } else {
    throw new Error('a secret or a private key is required to sign a token');
  }
  const claim = o.roleClaim ?? 'role';
  const jwt = new SignJWT({ [claim]: o.role })
    .setProtectedHeader(o.kid ? { alg, kid: o.kid, typ: 'JWT' } : { alg, typ: 'JWT' })
    .setSubject(o.subject)
    .setIssuedAt()
    .setExpirationTime(typeof o.expiresIn === 'number' ? Math.floor(Date.now() / 1000) + o.expiresIn : (o.expiresIn ?? '1h'));
  if (o.issuer) jwt.setIssuer(o.issuer);
  if (o.audience) jwt.setAudience(o.audience);
  return jwt.sign(key);
}
