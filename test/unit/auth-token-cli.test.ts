import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { main } from '../../cli/token.js';
import { createAuthenticator } from '../../shared/auth/index.js';

const SECRET = 'cli-secret-0123456789abcdefghij';
function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env }, out, err };
}

test('sopilot token issues a JWT the authenticator accepts, with issuer, audience and expiry', async () => {
  const c = io();
  assert.equal(await main(['--role', 'admin', '--subject', 'alice', '--secret', SECRET, '--issuer', 'sopilot', '--audience', 'api', '--expires', '2h'], c.io), 0);
  assert.equal(c.out.length, 1); // only the token on stdout
  const claims = decodeJwt(c.out[0]!);
  assert.equal(claims.exp! - claims.iat!, 7200);
  const auth = createAuthenticator({ jwt: { secret: SECRET, issuer: 'sopilot', audience: 'api' } });
  assert.deepEqual(await auth.authenticate({ authorization: `Bearer ${c.out[0]}` }), { subject: 'alice', role: 'admin', method: 'jwt' });
});

test('sopilot token reads its defaults from SOPILOT_JWT_* and signs with a private key file', async () => {
  const env = io({ SOPILOT_JWT_SECRET: SECRET, SOPILOT_JWT_AUDIENCE: 'aud-x', SOPILOT_JWT_ROLE_CLAIM: 'sopilot_role' });
  assert.equal(await main(['--role', 'viewer', '--subject', 'kiosk'], env.io), 0);
  const auth = createAuthenticator({ jwt: { secret: SECRET, audience: 'aud-x', roleClaim: 'sopilot_role' } });
  assert.equal(((await auth.authenticate({ authorization: `Bearer ${env.out[0]}` })) as any).role, 'viewer');

  const kp = generateKeyPairSync('ed25519');
  const file = join(mkdtempSync(join(tmpdir(), 'tok-')), 'key.pem');
  writeFileSync(file, kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const c = io({ SOPILOT_JWT_SECRET: SECRET }); // an explicit --private-key wins over the env secret
  assert.equal(await main(['--role', 'operator', '--subject', 'line-3', '--private-key', file, '--expires', '600'], c.io), 0);
  const pubAuth = createAuthenticator({ jwt: { publicKeyPem: kp.publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  assert.deepEqual(await pubAuth.authenticate({ authorization: `Bearer ${c.out[0]}` }), { subject: 'line-3', role: 'operator', method: 'jwt' });
});

test('sopilot token refuses bad input with exit 1 and a message', async () => {
  for (const [args, msg] of [
    [['--subject', 'a', '--secret', SECRET], /--role must be/],
    [['--role', 'root', '--subject', 'a', '--secret', SECRET], /--role must be/],
    [['--role', 'admin', '--secret', SECRET], /--subject is required/],
    [['--role', 'admin', '--subject', 'a'], /no signing key/],
    [['--role', 'admin', '--subject', 'a', '--secret', 'short'], /at least 16/],
    [['--role', 'admin', '--subject', 'a', '--secret', SECRET, '--expires', 'soon'], /cannot issue token/],
    [['--bogus'], /Unknown option/],
  ] as const) {
    const c = io();
    assert.equal(await main([...args], c.io), 1, args.join(' '));
    assert.match(c.err.join('\n'), msg);
    assert.equal(c.out.length, 0);
  }
});
