// The ui HTTP function: content types, redirect, ETag/304, cache and security headers, and no
// way out of the ui/ folder. Served by its own app (no database or auth needed: it is public).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildHttpApp } from '../../shared/http/app.js';
import { createUiFunction, uiFunction, UI_ROOT } from '../../functions/ui/index.js';
import { resolveStaticPath, etagMatches } from '../../functions/ui/static.js';

let server: Server;
let base: string;
let tmp: string;
let tmpServer: Server;
let tmpBase: string;

function listen(app: ReturnType<typeof buildHttpApp>): Promise<[Server, string]> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve([s, `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`]);
    });
  });
}

/** Raw GET so that paths like /ui/../x reach the server unnormalised (fetch would clean them). */
function rawGet(url: string, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  [server, base] = await listen(buildHttpApp([uiFunction]));
  // A second root with a secret file beside it, to prove traversal cannot reach it.
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sopilot-ui-'));
  await mkdir(path.join(tmp, 'www', 'sub'), { recursive: true });
  await writeFile(path.join(tmp, 'www', 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(tmp, 'www', 'sub', 'a.js'), 'export const a = 1;');
  await writeFile(path.join(tmp, 'www', '.env'), 'SECRET=1');
  await writeFile(path.join(tmp, 'www', 'data.bin'), 'binary');
  await writeFile(path.join(tmp, 'secret.txt'), 'TOP SECRET');
  [tmpServer, tmpBase] = await listen(buildHttpApp([createUiFunction({ root: path.join(tmp, 'www') })]));
});

after(async () => {
  await new Promise((r) => server.close(r));
  await new Promise((r) => tmpServer.close(r));
  await rm(tmp, { recursive: true, force: true });
});

test('GET /ui redirects to /ui/ (relative, keeps the query)', async () => {
  const r = await rawGet(base, '/ui?x=1');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, 'ui/?x=1');
  assert.equal(new URL(r.headers.location as string, `${base}/ui?x=1`).pathname, '/ui/');
});

test('GET /ui/ serves the page as HTML with a CSP and no-cache', async () => {
  const res = await fetch(`${base}/ui/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.match(res.headers.get('content-security-policy') ?? '', /media-src 'self' blob:/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const html = await res.text();
  assert.match(html, /<script type="module" src="app\.js"><\/script>/);
  // index.html by name is the same page
  const byName = await fetch(`${base}/ui/index.html`);
  assert.equal(await byName.text(), html);
});

test('scripts, modules in sub-folders and styles get their content types', async () => {
  for (const [p, type] of [
    ['/ui/app.js', 'text/javascript; charset=utf-8'],
    ['/ui/lib/sync.js', 'text/javascript; charset=utf-8'],
    ['/ui/views/result.js', 'text/javascript; charset=utf-8'],
    ['/ui/styles.css', 'text/css; charset=utf-8'],
  ]) {
    const res = await fetch(base + p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers.get('content-type'), type, p);
    assert.ok((await res.text()).length > 100, p);
    assert.equal(res.headers.get('content-security-policy'), null, 'CSP only on HTML');
  }
});

test('ETag revalidation answers 304 without a body', async () => {
  const first = await fetch(`${base}/ui/app.js`);
  const etag = first.headers.get('etag');
  assert.ok(etag && /^".+"$/.test(etag));
  const again = await rawGet(base, '/ui/app.js', { 'If-None-Match': etag! });
  assert.equal(again.status, 304);
  assert.equal(again.body, '');
  const other = await rawGet(base, '/ui/app.js', { 'If-None-Match': '"something-else"' });
  assert.equal(other.status, 200);
});

test('HEAD gives the headers only', async () => {
  const res = await fetch(`${base}/ui/styles.css`, { method: 'HEAD' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.ok(Number(res.headers.get('content-length')) > 100);
});

test('no directory traversal, dotfiles or unknown types; JSON 404s', async () => {
  for (const p of [
    '/ui/../secret.txt',
    '/ui/%2e%2e/secret.txt',
    '/ui/..%2fsecret.txt',
    '/ui/sub/..%2f..%2fsecret.txt',
    '/ui/%2e%2e%5csecret.txt',
    '/ui/.env',
    '/ui/data.bin',
    '/ui/missing.js',
    '/ui/sub/',
    '/ui/sub%00.js',
  ]) {
    const r = await rawGet(tmpBase, p);
    assert.ok(r.status === 404 || r.status === 400, `${p} -> ${r.status}`);
    assert.doesNotMatch(r.body, /TOP SECRET|SECRET=1|binary/, p);
    assert.ok(JSON.parse(r.body).error.code, p);
  }
  const ok = await rawGet(tmpBase, '/ui/sub/a.js');
  assert.equal(ok.status, 200);
  assert.equal(ok.body, 'export const a = 1;');
  // Malformed percent-encoding is refused by the router before the handler runs (its 400 is
  // rendered by the shared error handler); it must never serve anything.
  const malformed = await rawGet(tmpBase, '/ui/%E0%A4%A.js');
  assert.ok(malformed.status >= 400, String(malformed.status));
});

test('resolveStaticPath stays inside the root', () => {
  const root = path.resolve('/srv/ui');
  assert.equal(resolveStaticPath(root, ''), path.join(root, 'index.html'));
  assert.equal(resolveStaticPath(root, 'lib/api.js'), path.join(root, 'lib', 'api.js'));
  assert.equal(resolveStaticPath(root, 'lib/'), path.join(root, 'lib', 'index.html'));
  for (const bad of ['../x.js', 'a/../../x.js', '/etc/passwd.txt', 'a//b.js', '.git/config.txt', 'a\\..\\b.js', 'x.js\0', 'x.exe', './x.js']) {
    assert.equal(resolveStaticPath(root, bad), null, bad);
  }
  assert.ok(UI_ROOT.endsWith(`${path.sep}ui${path.sep}`));
});

test('etagMatches handles lists, weak tags and *', () => {
  assert.equal(etagMatches(undefined, '"a"'), false);
  assert.equal(etagMatches('"b", "a"', '"a"'), true);
  assert.equal(etagMatches('W/"a"', '"a"'), true);
  assert.equal(etagMatches('*', '"a"'), true);
  assert.equal(etagMatches('"b"', '"a"'), false);
});

test('the chart library comes from node_modules under /ui/vendor/, and nothing else there does', async () => {
  const r = await fetch(`${base}/ui/vendor/chart.umd.min.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match(await r.text(), /Chart\.js v4\./);
  for (const p of ['/ui/vendor/chart.js', '/ui/vendor/../package.json', '/ui/vendor/%2e%2e/node_modules/chart.js/package.json', '/ui/vendor/']) {
    assert.equal((await rawGet(base, p)).status, 404, p);
  }
  // The page's own index.html is untouched by the vendor route.
  assert.equal((await fetch(`${base}/ui/`)).status, 200);
});
