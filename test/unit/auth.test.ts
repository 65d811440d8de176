import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, importPKCS8 } from 'jose';
import {
  createAuthenticator,
  configuredMethods,
  generateLocalAdminToken,
  hasAnyCredential,
  isAuthFailure,
  issueToken,
  parseRoleTokens,
  roleAtLeast,
  safeEqual,
  type Principal,
  type AuthFailure,
} from '../../shared/auth/index.js';

const SECRET = 'a-test-secret-of-32-characters!!';

function principal(r: Principal | AuthFailure): Principal {
  assert.ok(!isAuthFailure(r), `expected a principal, got ${JSON.stringify(r)}`);
  return r as Principal;
}
function failure(r: Principal | AuthFailure): AuthFailure {
  assert.ok(isAuthFailure(r), `expected a failure, got ${JSON.stringify(r)}`);
  return r as AuthFailure;
}
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

test('roles are ordered viewer < operator < admin', () => {
  assert.equal(roleAtLeast('admin', 'viewer'), true);
  assert.equal(roleAtLeast('operator', 'operator'), true);
  assert.equal(roleAtLeast('viewer', 'operator'), false);
  assert.equal(roleAtLeast('operator', 'admin'), false);
});

test('safeEqual compares content of any length', () => {
  assert.equal(safeEqual('abc', 'abc'), true);
  assert.equal(safeEqual('abc', 'abd'), false);
  assert.equal(safeEqual('abc', 'abcd'), false);
});

test('parseRoleTokens reads "role:token" lists and rejects bad entries', () => {
  assert.deepEqual(parseRoleTokens(' admin:tokA-123456, operator:tok:with:colons '), [
    { role: 'admin', token: 'tokA-123456' },
    { role: 'operator', token: 'tok:with:colons' },
  ]);
  assert.throws(() => parseRoleTokens('root:abcdefghij'), /unknown role/);
  assert.throws(() => parseRoleTokens('admin'), /role:token/);
  assert.throws(() => parseRoleTokens('admin:short'), /8 characters/);
});

test('HS256 JWT: valid, expired, wrong audience, wrong issuer, forged, malformed, alg none', async () => {
  const auth = createAuthenticator({ jwt: { secret: SECRET, issuer: 'sopilot', audience: 'sopilot-api' } });
  const good = await issueToken({ role: 'operator', subject: 'alice', secret: SECRET, issuer: 'sopilot', audience: 'sopilot-api', expiresIn: '8h' });
  assert.deepEqual(principal(await auth.authenticate(bearer(good))), { subject: 'alice', role: 'operator', method: 'jwt' });

  const expired = await new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer('sopilot').setAudience('sopilot-api')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
    .sign(new TextEncoder().encode(SECRET));
  assert.equal(failure(await auth.authenticate(bearer(expired))).reason, 'token expired');

  const wrongAud = await issueToken({ role: 'admin', subject: 'a', secret: SECRET, issuer: 'sopilot', audience: 'other' });
  assert.match(failure(await auth.authenticate(bearer(wrongAud))).reason, /"aud"/);
  const wrongIss = await issueToken({ role: 'admin', subject: 'a', secret: SECRET, issuer: 'evil', audience: 'sopilot-api' });
  assert.match(failure(await auth.authenticate(bearer(wrongIss))).reason, /"iss"/);

  const forged = await issueToken({ role: 'admin', subject: 'a', secret: 'another-secret-of-enough-length', issuer: 'sopilot', audience: 'sopilot-api' });
  assert.equal(failure(await auth.authenticate(bearer(forged))).reason, 'signature invalid');

  // A tampered payload (role raised) with the original signature.
  const [h, , s] = good.split('.');
  const raised = Buffer.from(JSON.stringify({ role: 'admin', sub: 'alice', iss: 'sopilot', aud: 'sopilot-api', exp: 4e9 })).toString('base64url');
  assert.equal(failure(await auth.authenticate(bearer(`${h}.${raised}.${s}`))).reason, 'signature invalid');

  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${raised}.`;
  assert.equal(failure(await auth.authenticate(bearer(none))).failure, 'invalid');
  assert.equal(failure(await auth.authenticate(bearer('a.b.c'))).reason, 'malformed token');

  const noRole = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('sopilot')
    .setAudience('sopilot-api').setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
  assert.match(failure(await auth.authenticate(bearer(noRole))).reason, /claim "role"/);
});

test('a token without exp is refused', async () => {
  const auth = createAuthenticator({ jwt: { secret: SECRET } });
  const t = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').sign(new TextEncoder().encode(SECRET));
  assert.match(failure(await auth.authenticate(bearer(t))).reason, /"exp"/);
});

test('public keys: RS256 from a PEM file, ES256 PEM, EdDSA via a local JWKS file; no alg confusion', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-'));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const rsaPubPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(join(dir, 'rsa.pem'), rsaPubPem);
  const edJwk = { ...(await exportJWK(ed.publicKey)), kid: 'idp-1', alg: 'EdDSA', use: 'sig' };
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [edJwk] }));
  const pem = (k: typeof rsa.privateKey) => k.export({ type: 'pkcs8', format: 'pem' }).toString();

  const auth = createAuthenticator({
    jwt: {
      publicKeyFile: join(dir, 'rsa.pem'),
      publicKeyPem: ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      jwksFile: join(dir, 'jwks.json'),
      issuer: 'https://idp.plant.local',
      roleClaim: 'realm_access.roles',
    },
  });
  const sign = async (privPem: string, alg: string, kid?: string) =>
    new SignJWT({ realm_access: { roles: ['offline_access', 'viewer', 'operator'] } })
      .setProtectedHeader(kid ? { alg, kid } : { alg }).setSubject('bob').setIssuer('https://idp.plant.local')
      .setExpirationTime('10m').sign(await importPKCS8(privPem, alg));

  for (const [priv, alg, kid] of [[pem(rsa.privateKey), 'RS256'], [pem(ec.privateKey), 'ES256'], [pem(ed.privateKey), 'EdDSA', 'idp-1']] as const) {
    const p = principal(await auth.authenticate(bearer(await sign(priv, alg, kid))));
    assert.deepEqual(p, { subject: 'bob', role: 'operator', method: 'jwt' }, alg); // highest role from the list
  }
  // A key the service does not know.
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  assert.equal(failure(await auth.authenticate(bearer(await sign(pem(stranger.privateKey), 'ES256')))).reason, 'signature invalid');
  // HS256 signed with the public key text as the secret (classic confusion attack): no HS key configured.
  const confused = await new SignJWT({ realm_access: { roles: ['admin'] } }).setProtectedHeader({ alg: 'HS256' })
    .setSubject('eve').setIssuer('https://idp.plant.local').setExpirationTime('10m').sign(new TextEncoder().encode(rsaPubPem));
  assert.match(failure(await auth.authenticate(bearer(confused))).reason, /no key configured for algorithm HS256/);
  // issueToken with a private key signs with the key's algorithm.
  const issued = await issueToken({ role: 'viewer', subject: 'carol', privateKeyPem: pem(ed.privateKey), issuer: 'https://idp.plant.local', roleClaim: 'realm_access.roles', kid: 'idp-1' });
  // roleClaim with a dot writes a literal claim name; the verifier accepts literal names too.
  assert.deepEqual(principal(await auth.authenticate(bearer(issued))), { subject: 'carol', role: 'viewer', method: 'jwt' });
});

test('static tokens (Bearer and X-API-Key) and basic auth', async () => {
  const auth = createAuthenticator({
    staticTokens: 'admin:admin-token-123,viewer:viewer-token-456',
    basic: { user: 'plant', password: 'p@ss:word', role: 'operator' },
  });
  const a = principal(await auth.authenticate(bearer('admin-token-123')));
  assert.equal(a.role, 'admin');
  assert.equal(a.method, 'static');
  assert.match(a.subject, /^token:admin:[0-9a-f]{12}$/);
  assert.ok(!a.subject.includes('admin-token-123'));
  assert.equal(principal(await auth.authenticate({ 'x-api-key': 'viewer-token-456' })).role, 'viewer');
  assert.equal(failure(await auth.authenticate(bearer('admin-token-124'))).reason, 'unknown token');

  const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  assert.deepEqual(principal(await auth.authenticate(basic('plant', 'p@ss:word'))), { subject: 'plant', role: 'operator', method: 'basic' });
  assert.equal(failure(await auth.authenticate(basic('plant', 'wrong'))).failure, 'invalid');
  assert.equal(failure(await auth.authenticate(basic('other', 'p@ss:word'))).failure, 'invalid');
  assert.equal(failure(await auth.authenticate({})).failure, 'missing');
  assert.equal(failure(await auth.authenticate({ authorization: 'Digest abc' })).failure, 'invalid');
  assert.match(auth.challenge, /Basic realm="sopilot"/);
});

test('configured methods, anonymous role, local admin token', async () => {
  assert.equal(hasAnyCredential({}), false);
  assert.equal(hasAnyCredential({ jwt: { issuer: 'x' }, staticTokens: '' }), false);
  assert.deepEqual(configuredMethods({ jwt: { secret: SECRET }, basic: { user: 'u', password: 'p' } }), ['jwt', 'basic']);
  const local = generateLocalAdminToken();
  assert.equal(local.role, 'admin');
  assert.ok(local.token.length >= 40);
  assert.notEqual(local.token, generateLocalAdminToken().token);
  const auth = createAuthenticator({ staticTokens: [local], anonymousRole: 'viewer' });
  assert.equal(principal(await auth.authenticate(bearer(local.token))).role, 'admin');
  assert.deepEqual(principal(await auth.authenticate({})), { subject: 'anonymous', role: 'viewer', method: 'anonymous' });
  assert.equal(failure(await auth.authenticate(bearer('not-a-known-token'))).failure, 'invalid'); // bad creds still refused
  assert.throws(() => createAuthenticator({ jwt: { secret: 'short' } }), /16 characters/);
});
