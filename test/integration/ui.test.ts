// The web UI driven as a person would, in headless Chromium: sign in (wrong token, viewer,
// admin), see the video list, upload a gold and a trainee video through the form, score them,
// and read the score, verdict and deviations on the result page; the players load and a
// deviation click seeks them. Screenshots go to SOPILOT_UI_SCREENSHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startHost, type Started } from '../../hosts/start.js';
import { httpFunctions, eventFunctions } from '../../functions/registry.js';
import { uiFunction } from '../../functions/ui/index.js';
import { loadConfig } from '../../shared/config.js';
import { QUEUES } from '../../shared/events/types.js';
import { generateDemo } from '../../shared/demo/generate.js';
import type { DemoManifest } from '../../shared/demo/plan.js';

const CHROMIUM = process.env.SOPILOT_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `chromium not installed at ${CHROMIUM} (apt-get install -y chromium)`;

const ADMIN = 'admin-token-ui-test-0001';
const VIEWER = 'viewer-token-ui-test-0001';
const TASK = 'ui-test-task';

let dir: string;
let started: Started | undefined;
let browser: Browser | undefined;
let page: Page;
let base: string;
let manifest: DemoManifest;
const shots = process.env.SOPILOT_UI_SCREENSHOTS;

async function shot(name: string, fullPage = true): Promise<void> {
  if (!shots) return;
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

async function signIn(token: string): Promise<void> {
  await page.fill('#token-input', token);
  await page.click('#login-submit');
}

before(async () => {
  if (skip) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'sopilot-ui-e2e-'));
  // The demo's gold and its 'mixed' variant (a changed step and a slow one), at low resolution.
  manifest = await generateDemo({ outDir: path.join(dir, 'videos'), seed: 7, scale: 1, width: 160, height: 120, fps: 10, only: ['gold', 'mixed'] });
  started = await startHost({
    config: loadConfig({
      ...process.env,
      SOPILOT_LOCAL_MODE: 'true',
      SOPILOT_PORT: '0',
      SOPILOT_BIND: '127.0.0.1',
      SOPILOT_DATA_DIR: path.join(dir, 'data'),
      SOPILOT_API_ROLE_TOKENS: `admin:${ADMIN},viewer:${VIEWER}`,
      SOPILOT_LOG_LEVEL: 'warn',
    }),
    http: [...httpFunctions, uiFunction],
    events: eventFunctions,
    queues: QUEUES,
  });
  base = started.url!;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await started?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('sign-in: a wrong token is refused with the 401 message, a viewer sees the list but not the audit check', { skip }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/ui`);
  assert.equal(new URL(page.url()).pathname, '/ui/');
  await page.waitForSelector('#view-login:not([hidden])');
  await signIn('not-a-real-token-at-all');
  const msg = await page.textContent('#login-msg .notice.error');
  assert.match(msg ?? '', /401/);
  await shot('01-login-refused');

  await signIn(VIEWER);
  await page.waitForSelector('#videos-table');
  assert.match((await page.textContent('#videos-table tbody')) ?? '', /No videos yet/);
  assert.match((await page.textContent('#session-label')) ?? '', /Signed in/);
  // The token lives in sessionStorage, not in the URL or localStorage.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sopilot.token')), VIEWER);
  assert.equal(await page.evaluate(() => localStorage.length), 0);

  await page.click('#tabs a[data-view="ops"]');
  await page.waitForSelector('#queues tbody tr');
  const audit = await page.waitForSelector('#audit-status .notice.error');
  assert.match((await audit.textContent()) ?? '', /403/);
  await shot('02-viewer-ops-403');

  // A viewer may not upload: the API's 403 shows on the upload line.
  await page.click('#tabs a[data-view="videos"]');
  await page.setInputFiles('#upload-file', path.join(dir, 'videos', 'gold.mp4'));
  await page.fill('#upload-task', TASK);
  await page.click('#upload-submit');
  const denied = await page.waitForSelector('#uploads li .notice.error');
  assert.match((await denied.textContent()) ?? '', /403/);

  await page.click('#signout');
  await page.waitForSelector('#view-login:not([hidden])');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sopilot.token')), null);
  assert.deepEqual(errors, []);
});

test('upload gold and trainee, score them, read score and deviations, players in step', { skip, timeout: 90_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(ADMIN);
  await page.waitForSelector('#videos-table');

  async function upload(file: string, role: 'gold' | 'trainee') {
    await page.setInputFiles('#upload-file', path.join(dir, 'videos', file));
    await page.fill('#upload-task', TASK);
    await page.selectOption('#upload-role', role);
    await page.click('#upload-submit');
    // The upload line ends with the ingest job completed.
    await page.waitForFunction((f) => [...document.querySelectorAll('#uploads li')].some((li) => li.textContent!.includes(f) && li.classList.contains('done')), file, { timeout: 40_000 });
  }
  await upload('gold.mp4', 'gold');

  // The supervisor names the gold steps and sets their bounds (as the demo rendered them).
  await page.waitForSelector('#videos-table tbody tr .badge.status-indexed');
  await page.click('#videos-table tbody tr button[data-action="steps"]');
  await page.waitForSelector('#steps-table');
  while (await page.$('#steps-table tbody tr')) await page.click('#steps-table tbody tr:first-child button');
  for (const seg of manifest.variants.gold.segments) {
    await page.click('#steps-add');
    await page.fill('#steps-table tbody tr:last-child .step-name', seg.name);
    await page.fill('#steps-table tbody tr:last-child .step-start', String(seg.start_sec));
    await page.fill('#steps-table tbody tr:last-child .step-end', String(seg.end_sec));
  }
  await shot('03-gold-steps');
  await page.click('#steps-save');
  await page.waitForSelector('#steps-msg .notice.ok');
  const saved = await page.$$eval('#steps-table tbody tr .step-name', (xs) => xs.map((x) => (x as HTMLInputElement).value));
  assert.deepEqual(saved, manifest.variants.gold.segments.map((x) => x.name));

  await upload('mixed.mp4', 'trainee');
  await page.waitForFunction(() => document.querySelectorAll('#videos-table tbody .badge.status-indexed').length === 2);
  const roles = await page.$$eval('#videos-table tbody tr td:nth-child(3)', (tds) => tds.map((t) => t.textContent).sort());
  assert.deepEqual(roles, ['gold', 'trainee']);
  await shot('04-videos');

  // Pick the trainee from its row: the Score form opens with both selected.
  await page.click('#videos-table tbody tr:has(td:nth-child(3):text-is("trainee")) button');
  await page.waitForSelector('#view-score:not([hidden])');
  await page.waitForFunction(() => (document.querySelector('#score-gold') as HTMLSelectElement).value !== '' && (document.querySelector('#score-trainee') as HTMLSelectElement).value !== '');
  await shot('05-score-form');
  await page.click('#score-submit');

  await page.waitForSelector('#score-value', { timeout: 40_000 });
  assert.match(page.url(), /#\/result\//);
  const score = Number(await page.textContent('#score-value'));
  assert.ok(score >= 0 && score <= 100, `score ${score}`);
  const verdict = (await page.textContent('#score-verdict'))?.trim();
  assert.ok(verdict === 'PASS' || verdict === 'FAIL');

  // What the page shows must be what the API says.
  const id = decodeURIComponent(page.url().split('#/result/')[1]);
  const api = await (await fetch(`${base}/score/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json();
  assert.equal(Number(score.toFixed(1)), Number(Number(api.score).toFixed(1)));
  assert.equal(verdict, api.passed ? 'PASS' : 'FAIL');
  const rows = await page.$$eval('#deviations tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
  assert.equal(rows.length, api.deviations.length);
  assert.ok(api.deviations.length > 0, 'the mixed variant has planted deviations');
  for (const [i, d] of api.deviations.entries()) {
    assert.equal(rows[i][1], d.type.replace(/_/g, ' '));
    assert.equal(rows[i][2], d.severity);
    assert.equal(rows[i][3].split(' ↔ ')[0], d.gold_step?.name ?? '—');
    assert.ok(rows[i][6].startsWith(d.message));
  }
  const stepRows = await page.$$eval('#steps tbody tr', (trs) => trs.length);
  assert.equal(stepRows, api.steps.length);
  // Timeline: one gold segment per step, numbered deviation marks.
  assert.equal(await page.$$eval('#timeline rect.seg[data-step]', (r) => r.filter((x) => x.getAttribute('y') === '24').length), api.steps.length);
  assert.equal(await page.$$eval('#timeline g.dev', (g) => g.length), api.deviations.length);

  // Both videos arrive (fetched with the token into blob: URLs) and play.
  await page.waitForFunction(() => ['#video-gold', '#video-trainee'].every((s) => { const v = document.querySelector(s) as HTMLVideoElement; return v.src.startsWith('blob:') && v.readyState >= 1 && v.duration > 0; }), undefined, { timeout: 20_000 });

  await shot('06-result-top', false);

  // Clicking a deviation with a trainee range seeks both players there.
  const withTrainee = api.deviations.findIndex((d: { trainee: unknown; gold_step: unknown }) => d.trainee && d.gold_step);
  const target = withTrainee >= 0 ? withTrainee : 0;
  await page.click(`#deviations tbody tr[data-index="${target}"]`);
  const d = api.deviations[target];
  await page.waitForFunction(
    ([g, t]) => {
      const gv = document.querySelector('#video-gold') as HTMLVideoElement;
      const tv = document.querySelector('#video-trainee') as HTMLVideoElement;
      return Math.abs(gv.currentTime - g) < 0.25 && (t === null || Math.abs(tv.currentTime - t) < 0.25);
    },
    [d.gold_step?.start_sec ?? 0, d.trainee?.start_sec ?? null] as const,
  );
  await shot('07-result');

  // Seeking the trainee moves the gold to the DTW-matched time.
  await page.evaluate(() => {
    const tv = document.querySelector('#video-trainee') as HTMLVideoElement;
    tv.play().catch(() => {});
    tv.pause();
    tv.currentTime = tv.duration * 0.6;
  });
  const expected = await page.evaluate(async () => {
    const { buildTimeMap } = await import(new URL('lib/sync.js', location.href).toString());
    const id = decodeURIComponent(location.hash.split('/')[2]);
    const s = await (await fetch(`../score/${id}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('sopilot.token')}` } })).json();
    const tv = document.querySelector('#video-trainee') as HTMLVideoElement;
    return buildTimeMap(s.path, s.gold_clips, s.trainee_clips).toGold(tv.duration * 0.6);
  });
  await page.waitForFunction((g) => Math.abs((document.querySelector('#video-gold') as HTMLVideoElement).currentTime - g) < 0.35, expected);

  // The PDF report opens in a new tab from a blob.
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#open-report')]);
  await popup.waitForURL(/^blob:/);
  await popup.close();

  // Ops as admin: queue table and an intact audit chain.
  await page.click('#tabs a[data-view="ops"]');
  await page.waitForSelector('#audit-status .notice.ok');
  assert.match((await page.textContent('#audit-status')) ?? '', /Chain intact/);
  assert.ok((await page.$$('#queues tbody tr')).length > 0);
  await shot('08-ops');
  assert.deepEqual(errors, []);
});
