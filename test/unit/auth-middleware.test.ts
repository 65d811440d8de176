import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAuthenticator, issueToken, requireRole, type Role } from '../../shared/auth/index.js';

const SECRET = 'middleware-secret-0123456789abcdef';

test('requireRole: each role against each required role gives 200, 401 or 403, and reports denials', async () => {
  const auth = createAuthenticator({ jwt: { secret: SECRET, audience: 'sopilot' }, staticTokens: 'operator:operator-static-1' });
  const denied: Array<{ status: number; reason: string; path: string; subject?: string }> = [];
  const onDenied = (req: express.Request, status: 401 | 403, reason: string, p?: { subject: string }) => {
    denied.push({ status, reason, path: req.path, subject: p?.subject });
  };
  const app = express();
  for (const need of ['viewer', 'operator', 'admin'] as Role[]) {
    app.get(`/${need}`, requireRole(auth, need, { onDenied }), (req, res) => {
      res.json({ subject: req.principal?.subject, role: req.principal?.role });
    });
  }
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const tokens: Record<string, string | null> = { none: null, bogus: 'Bearer xyz.abc.def' };
    for (const role of ['viewer', 'operator', 'admin'] as Role[]) {
      tokens[role] = `Bearer ${await issueToken({ role, subject: `u-${role}`, secret: SECRET, audience: 'sopilot' })}`;
    }
    const rank = { viewer: 0, operator: 1, admin: 2 } as const;
    for (const [who, authz] of Object.entries(tokens)) {
      for (const need of ['viewer', 'operator', 'admin'] as Role[]) {
        const res = await fetch(`${base}/${need}`, { headers: authz ? { authorization: authz } : {} });
        const body = (await res.json()) as any;
        const expected = who === 'none' || who === 'bogus' ? 401 : rank[who as Role] >= rank[need] ? 200 : 403;
        assert.equal(res.status, expected, `${who} -> ${need}`);
        if (expected === 200) assert.deepEqual(body, { subject: `u-${who}`, role: who });
        if (expected === 401) {
          assert.equal(body.error.code, 'unauthorized');
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="sopilot"/);
        }
        if (expected === 403) assert.equal(body.error.code, 'forbidden');
      }
    }
    // 3 unauthenticated x 2 + viewer->operator, viewer->admin, operator->admin
    assert.equal(denied.filter((d) => d.status === 401).length, 6);
    assert.deepEqual(
      denied.filter((d) => d.status === 403).map((d) => [d.subject, d.path]),
      [['u-viewer', '/operator'], ['u-viewer', '/admin'], ['u-operator', '/admin']],
    );
    const res = await fetch(`${base}/operator`, { headers: { authorization: 'Bearer operator-static-1' } });
    assert.equal(res.status, 200);
  } finally {
    server.close();
  }
});

test('requireRole: a failing onDenied hook still refuses the request', async () => {
  const auth = createAuthenticator({ staticTokens: 'viewer:viewer-token-1' });
  const app = express();
  app.get('/x', requireRole(auth, 'admin', { onDenied: async () => { throw new Error('audit down'); } }), (_req, res) => { res.send('no'); });
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: { code: 'internal', message: err.message } });
  });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, { headers: { authorization: 'Bearer viewer-token-1' } });
    assert.equal(res.status, 500);
    assert.equal(((await res.json()) as any).error.message, 'audit down');
  } finally {
    server.close();
  }
});
