// The web UI driven as a person would, in headless Chromium: sign in (wrong token, viewer,
// admin), see the video list, upload a gold and a trainee video through the form, score them,
// and read the score, verdict and deviations on the result page; the players load and a
// deviation click seeks them. Screenshots go to SOPILOT_UI_SCREENSHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
import { axeViolations } from '../helpers/axe.js';

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

async function signIn(token: string, p: Page = page): Promise<void> {
  await p.fill('#token-input', token);
  await p.click('#login-submit');
}

/** No serious or critical axe-core violation on what the page shows now. */
async function assertAccessible(view: string, p: Page = page): Promise<void> {
  const v = await axeViolations(p);
  assert.deepEqual(v, [], `${view}: ${v.join('\n')}`);
}

const apiGet = async (pathname: string, token = ADMIN) => (await fetch(`${base}${pathname}`, { headers: { Authorization: `Bearer ${token}` } })).json();

/** The id of the task's latest score (made by the upload-and-score test). */
async function latestScoreId(): Promise<string> {
  const page = await apiGet(`/scores?task_id=${TASK}`);
  assert.ok(page.items?.length, `no score of ${TASK}: ${JSON.stringify(page)} / all: ${JSON.stringify(await apiGet('/scores?limit=3'))}`);
  return page.items[0].id;
}

before(async () => {
  if (skip) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'sopilot-ui-e2e-'));
  // The demo's gold and its 'mixed' variant (a changed step and a slow one), at low resolution.
  manifest = await generateDemo({ outDir: path.join(dir, 'videos'), seed: 7, scale: 1, width: 160, height: 120, fps: 10, only: ['gold', 'mixed', 'swap'] });
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

test('sign-in: a wrong token is refused with the 401 message; a viewer reads, and what a viewer may not do is disabled with the reason', { skip }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/ui`);
  assert.equal(new URL(page.url()).pathname, '/ui/');
  await page.waitForSelector('#view-login:not([hidden])');
  await assertAccessible('sign-in');
  await signIn('not-a-real-token-at-all');
  const msg = await page.textContent('#login-msg .notice.error');
  assert.match(msg ?? '', /401/);
  await shot('01-login-refused');

  await signIn(VIEWER);
  await page.waitForSelector('#videos-table');
  // Focus goes to the main content after sign-in; each view has one level-one heading.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  assert.match((await page.textContent('#videos-table tbody')) ?? '', /No videos yet/);
  assert.match((await page.textContent('#session-label')) ?? '', /Signed in.*\(viewer\)/);
  // The token lives in sessionStorage, not in the URL or localStorage.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sopilot.token')), VIEWER);
  assert.equal(await page.evaluate(() => localStorage.length), 0);

  // Upload is disabled for a viewer, and says why (instead of a 403 after the click).
  assert.equal(await page.isDisabled('#upload-submit'), true);
  assert.match((await page.textContent('#view-videos .reason')) ?? '', /Needs the operator role; you are signed in as viewer/);
  assert.equal(await page.$$eval('#view-videos h1', (x) => x.length), 1);
  await assertAccessible('videos (viewer)');

  await page.click('#tabs a[data-view="score"]');
  await page.waitForSelector('#scores-table');
  assert.equal(await page.isDisabled('#score-submit'), true);
  assert.match((await page.textContent('#view-score .reason')) ?? '', /Needs the operator role/);
  await assertAccessible('score (viewer)');

  await page.click('#tabs a[data-view="ops"]');
  await page.waitForSelector('#queues tbody tr');
  assert.equal(await page.isDisabled('#audit-verify'), true);
  assert.match((await page.textContent('#audit-why')) ?? '', /Needs the admin role/);
  await assertAccessible('ops (viewer)');
  await shot('02-viewer-ops');

  await page.click('#signout');
  await page.waitForSelector('#view-login:not([hidden])');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sopilot.token')), null);
  assert.deepEqual(errors, []);
});

test('upload gold and trainee, score them, read score and deviations, players in step', { skip, timeout: 300_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(ADMIN);
  await page.click('#tabs a[data-view="videos"]');
  await page.waitForSelector('#videos-table');

  async function upload(file: string, role: 'gold' | 'trainee') {
    await page.setInputFiles('#upload-file', path.join(dir, 'videos', file));
    await page.fill('#upload-task', TASK);
    await page.selectOption('#upload-role', role);
    await page.click('#upload-submit');
    // The upload line ends with the ingest job completed.
    await page
      .waitForFunction((f) => [...document.querySelectorAll('#uploads li')].some((li) => li.textContent!.includes(f) && li.classList.contains('done')), file, { timeout: 120_000 })
      .catch(async (e) => assert.fail(`${file}: ${e.message}; upload lines: ${await page.textContent('#uploads')}`));
  }
  await upload('gold.mp4', 'gold');

  await page.waitForSelector('#videos-table tbody tr .badge.status-indexed');
  const goldId = await page.getAttribute('#videos-table tbody tr', 'data-id');
  await page.click('#videos-table tbody tr button[data-action="steps"]');
  await page.waitForSelector('#steps-table');

  // Detected steps: shown without overlap (each start at or after the previous end), they save
  // as shown, and after the save the editor shows what GET answers; a rename saves again.
  const bounds = () => page.$$eval('#steps-table tbody tr', (trs) => trs.map((tr) => ['.step-name', '.step-start', '.step-end'].map((c) => (tr.querySelector(c) as HTMLInputElement).value)));
  const detected = await bounds();
  assert.ok(detected.length >= 2, `detected ${detected.length} steps`);
  for (let i = 1; i < detected.length; i++) assert.ok(Number(detected[i][1]) >= Number(detected[i - 1][2]), `step ${i + 1} starts before step ${i} ends: ${detected[i - 1]} / ${detected[i]}`);
  const { clampSteps } = await import('../../ui/views/steps.js' as string);
  const shownAfter = async () => clampSteps((await apiGet(`/gold/${goldId}/steps`)).steps).map((st: { name: string; start_sec: number; end_sec: number }) => [st.name, String(st.start_sec), String(st.end_sec)]);
  await page.click('#steps-save');
  await page.waitForSelector('#steps-msg .notice.ok');
  assert.deepEqual(await bounds(), await shownAfter());
  await page.fill('#steps-table tbody tr:first-child .step-name', 'renamed first step');
  await page.evaluate(() => document.querySelector('#steps-msg')!.replaceChildren()); // the first save's notice
  await page.click('#steps-save');
  await page.waitForSelector('#steps-msg .notice.ok');
  const afterRename = await bounds();
  assert.equal(afterRename[0][0], 'renamed first step');
  assert.deepEqual(afterRename, await shownAfter());
  assert.deepEqual(afterRename.map((r) => r.slice(1)), detected.map((r) => r.slice(1)), 'saving what is shown keeps the bounds');

  // Thumbnails, and a bound taken from the gold player's position.
  await page.waitForFunction(() => [...document.querySelectorAll('#steps-table img.step-thumb')].every((i) => (i as HTMLImageElement).src.startsWith('data:image/')), undefined, { timeout: 20_000 });
  await page.waitForFunction(() => (document.querySelector('#steps-player') as HTMLVideoElement).readyState >= 1);
  await page.evaluate(() => { (document.querySelector('#steps-player') as HTMLVideoElement).currentTime = 1.3; });
  await page.waitForFunction(() => Math.abs((document.querySelector('#steps-player') as HTMLVideoElement).currentTime - 1.3) < 0.05);
  await page.click('#steps-table tbody tr:first-child button[data-action="set-end"]');
  assert.equal(await page.inputValue('#steps-table tbody tr:first-child .step-end'), '1.3');
  await assertAccessible('videos with the steps editor');

  // The supervisor names the gold steps and sets their bounds (as the demo rendered them).
  while (await page.$('#steps-table tbody tr')) await page.click('#steps-table tbody tr:first-child button[data-action="remove"]');
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
  // File names, not ids.
  const files = await page.$$eval('#videos-table tbody tr td:nth-child(1)', (tds) => tds.map((t) => t.textContent).sort());
  assert.deepEqual(files, ['gold.mp4', 'mixed.mp4']);
  await shot('04-videos');

  // Pick the trainee from its row: the Score form opens with both selected.
  await page.click('#videos-table tbody tr:has(td:nth-child(3):text-is("trainee")) button');
  await page.waitForSelector('#view-score:not([hidden])');
  await page.waitForFunction(() => (document.querySelector('#score-gold') as HTMLSelectElement).value !== '' && (document.querySelector('#score-trainee') as HTMLSelectElement).value !== '');
  await shot('05-score-form');
  await page.click('#score-submit');

  await page.waitForSelector('#score-value', { timeout: 120_000 });
  assert.match(page.url(), /#\/result\//);
  const score = Number(await page.textContent('#score-value'));
  assert.ok(score >= 0 && score <= 100, `score ${score}`);
  const verdict = (await page.textContent('#score-verdict'))?.trim();
  assert.ok(verdict === 'PASS' || verdict === 'FAIL');

  // What the page shows must be what the API says.
  const id = decodeURIComponent(page.url().split('#/result/')[1]);
  const api = await (await fetch(`${base}/score/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json();
  // Names, and the rule beside the verdict: the threshold, and which finding blocks a FAIL.
  assert.equal(await page.textContent('#meta-gold'), 'gold.mp4');
  assert.equal(await page.textContent('#meta-trainee'), 'mixed.mp4');
  const why = (await page.textContent('#verdict-why')) ?? '';
  // The server's verdict, in its words: the reasons, then the rule.
  assert.equal(api.passed, false, 'the mixed variant leaves a step out');
  assert.equal(why, `Failed: ${api.verdict.reasons.join(' ')} ${api.verdict.rule}`);
  assert.match(why, /A pass needs a score of at least 70/);
  const blocking = api.deviations.filter((d: { type: string; severity: string }) => d.type === 'missing_step' && d.severity !== 'low').length;
  assert.ok(blocking >= 1);
  await page.waitForSelector('#review-state');
  assert.match((await page.textContent('#review-state')) ?? '', /Not reviewed yet\. Automatic verdict: FAIL/);
  assert.equal(Number(score.toFixed(1)), Number(Number(api.score).toFixed(1)));
  assert.equal(verdict, api.passed ? 'PASS' : 'FAIL');
  const rules = await apiGet('/ui/scoring-rules');
  assert.equal(rules.pass_threshold, 70);
  assert.equal((await fetch(`${base}/ui/scoring-rules`)).status, 401, 'the rules need a token like the rest of the API');
  const rank: Record<string, number> = { low: 0, medium: 1, high: 2 };
  const rows = await page.$$eval('#deviations tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
  assert.equal(rows.length, api.deviations.length);
  assert.ok(api.deviations.length > 0, 'the mixed variant has planted deviations');
  for (const [i, d] of api.deviations.entries()) {
    assert.equal(rows[i][1], d.type.replace(/_/g, ' '));
    // Severity, and "blocks pass" exactly where the engine's blocking rule applies.
    const min = rules.blocking_severity[d.type];
    const blocks = min !== null && rank[d.severity] >= rank[min];
    assert.equal(blocks, api.verdict.blocking.includes(i));
    assert.equal(rows[i][2], d.severity + (blocks ? 'blocks pass' : ''));
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

  // Sync both ways, step by step: seeking the trainee moves the gold to the matched time in
  // that step's own gold span, and seeking the gold moves the trainee back.
  const { buildSyncMap } = await import('../../ui/lib/sync.js' as string);
  const sync = buildSyncMap(api);
  const found = api.steps.filter((st: { trainee: unknown }) => st.trainee);
  const inStep = found[found.length - 1];
  const tMid = (inStep.trainee.start_sec + inStep.trainee.end_sec) / 2;
  await page.evaluate((t) => { (document.querySelector('#video-trainee') as HTMLVideoElement).currentTime = t; }, tMid);
  await page.waitForFunction((g) => Math.abs((document.querySelector('#video-gold') as HTMLVideoElement).currentTime - g) < 0.35, sync.toGold(tMid));
  assert.ok(sync.toGold(tMid) >= inStep.gold.start_sec && sync.toGold(tMid) <= inStep.gold.end_sec);
  const first = found[0];
  const gMid = (first.gold.start_sec + first.gold.end_sec) / 2;
  await page.evaluate((g) => { (document.querySelector('#video-gold') as HTMLVideoElement).currentTime = g; }, gMid);
  await page.waitForFunction((t) => Math.abs((document.querySelector('#video-trainee') as HTMLVideoElement).currentTime - t) < 0.35, sync.toTrainee(gMid));

  // The missing step: its slot on the trainee lane; Enter on it shows the gold step and the
  // place in the trainee where it should have been.
  const missing = api.steps.findIndex((st: { trainee: unknown }) => !st.trainee);
  assert.ok(missing >= 0);
  const { missingSlot } = await import('../../ui/lib/sync.js' as string);
  const slot = missingSlot(api.steps, missing);
  await page.focus(`#timeline rect.slot[data-slot="${api.steps[missing].index}"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    ([g, t]) => Math.abs((document.querySelector('#video-gold') as HTMLVideoElement).currentTime - g) < 0.1 && Math.abs((document.querySelector('#video-trainee') as HTMLVideoElement).currentTime - t) < 0.1,
    [api.steps[missing].gold.start_sec, slot.start_sec] as const,
  );
  // Timeline marks answer the keyboard too: Space on a deviation mark seeks as its row does.
  const last = api.deviations.length - 1;
  await page.focus(`#timeline g.dev[data-dev="${last}"]`);
  await page.keyboard.press(' ');
  await page.waitForSelector(`#deviations tbody tr[data-index="${last}"].active`);
  await assertAccessible('result');

  // The PDF report opens in a new tab from a blob.
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#open-report')]);
  await popup.waitForURL(/^blob:/);
  await popup.close();

  // The score list tells scores apart by what they are: trainee file and time.
  await page.click('#tabs a[data-view="score"]');
  await page.waitForSelector(`#scores-table tbody tr[data-id="${id}"]`);
  assert.match((await page.textContent(`#scores-table tbody tr[data-id="${id}"] td:first-child`)) ?? '', /^mixed\.mp4 · /);
  assert.equal(await page.textContent(`#scores-table tbody tr[data-id="${id}"] td:nth-child(5)`), 'gold.mp4');
  await assertAccessible('score');

  // Ops as admin: queue table and an intact audit chain.
  await page.click('#tabs a[data-view="ops"]');
  await page.waitForSelector('#audit-status .notice.ok');
  assert.match((await page.textContent('#audit-status')) ?? '', /Chain intact/);
  assert.ok((await page.$$('#queues tbody tr')).length > 0);
  await shot('08-ops');
  await assertAccessible('ops');
  assert.deepEqual(errors, []);
});

test('a swap plays right: each trainee step leads the gold inside its own gold step, and back', { skip, timeout: 300_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Upload and score through the API (the form is covered above); the page is what is tested.
  const gold = (await apiGet(`/videos?task_id=${TASK}&role=gold`)).items[0];
  const form = new FormData();
  form.append('task_id', TASK);
  form.append('role', 'trainee');
  form.append('file', new Blob([await readFile(path.join(dir, 'videos', 'swap.mp4'))], { type: 'video/mp4' }), 'swap.mp4');
  const up = await (await fetch(`${base}/videos`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN}` }, body: form })).json();
  const scored = await (await fetch(`${base}/score`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ gold_video_id: gold.id, trainee_video_id: up.video_id }) })).json();
  await page.goto(`${base}/ui/#/result/${scored.score_job_id}`);
  await page.waitForSelector('#score-value', { timeout: 240_000 });
  const s = await apiGet(`/score/${scored.score_job_id}`);
  assert.ok(s.deviations.some((d: { type: string }) => d.type === 'order_swap'), 'the swap variant is scored as a swap');
  await page.waitForFunction(() => ['#video-gold', '#video-trainee'].every((q) => (document.querySelector(q) as HTMLVideoElement).readyState >= 1), undefined, { timeout: 20_000 });
  // The step the trainee did early: its trainee span starts before that of a step that comes
  // before it in the gold.
  type Row = { index: number; gold: { start_sec: number; end_sec: number }; trainee: { start_sec: number; end_sec: number } | null };
  const rows: Row[] = s.steps.filter((st: Row) => st.trainee);
  const early = rows.find((st) => rows.some((o) => o.index < st.index && o.trainee!.start_sec > st.trainee!.start_sec));
  assert.ok(early, 'one step was done out of order');
  const mid = (r: { start_sec: number; end_sec: number }) => (r.start_sec + r.end_sec) / 2;
  // Trainee leads: in the middle of the early step, the gold stands in that step's own span.
  await page.evaluate((t) => { (document.querySelector('#video-trainee') as HTMLVideoElement).currentTime = t; }, mid(early.trainee!));
  await page.waitForFunction(([a, b]) => { const g = (document.querySelector('#video-gold') as HTMLVideoElement).currentTime; return g >= a && g <= b; }, [early.gold.start_sec - 0.35, early.gold.end_sec + 0.35] as const);
  assert.match((await page.textContent('#caption-gold')) ?? '', new RegExp(`step ${early.index + 1}:`));
  // Gold leads: the middle of that gold step puts the trainee back in its (early) span.
  await page.evaluate((t) => { (document.querySelector('#video-gold') as HTMLVideoElement).currentTime = t; }, mid(early.gold) + 0.2);
  await page.waitForFunction(([a, b]) => { const t = (document.querySelector('#video-trainee') as HTMLVideoElement).currentTime; return t >= a && t <= b; }, [early.trainee!.start_sec - 0.35, early.trainee!.end_sec + 0.35] as const);
  // Similar past failures name the earlier run (the mixed one) by file and date, not by id.
  assert.ok(s.similar_failures.length > 0, 'the failed mixed run is a similar past failure');
  await page.waitForFunction(() => [...document.querySelectorAll('#similar a.run-link')].every((a) => /^mixed\.mp4 · /.test(a.textContent!)));
  await shot('08b-swap-result', false);
  assert.deepEqual(errors, []);
});

test('a failed ingest shows its reason and a Retry; an admin deletes it; a network error offers Retry', { skip, timeout: 300_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.click('#tabs a[data-view="videos"]');
  await page.waitForSelector('#videos-table tbody tr');
  // A cut-off mp4 (its header passes the upload's sniffing, the rest is gone): ingest fails,
  // and the row says why.
  const bad = path.join(dir, 'not-a-video.mp4');
  const head = (await readFile(path.join(dir, 'videos', 'gold.mp4'))).subarray(0, 48);
  await writeFile(bad, Buffer.concat([head, Buffer.from('the rest of this file was lost')]));
  await page.setInputFiles('#upload-file', bad);
  await page.fill('#upload-task', TASK);
  await page.selectOption('#upload-role', 'trainee');
  await page.fill('#upload-worker_id', 'w-0042');
  await page.click('#upload-submit');
  const row = 'tr:has(td:first-child:text-is("not-a-video.mp4"))';
  await page
    .waitForSelector(`#videos-table ${row} .badge.status-failed`, { timeout: 120_000 })
    .catch(async (e) => assert.fail(`${e.message}; upload lines: ${await page.textContent('#uploads')}; rows: ${await page.textContent('#videos-table tbody')}`));
  const reason = (await page.textContent(`#videos-table ${row} [data-field="error"]`)) ?? '';
  const stored = (await apiGet('/videos?limit=50')).items.find((v: { original_name: string }) => v.original_name === 'not-a-video.mp4');
  assert.ok(stored.error && reason === stored.error, `row shows "${reason}", API has "${stored.error}"`);
  // Retry queues ingest again (POST /videos/:id/reingest) and the row follows it to failed again.
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/videos/${stored.id}/reingest`)), page.click(`#videos-table ${row} button[data-action="retry"]`)]);
  assert.equal(res.status(), 202);
  await page.waitForSelector(`#videos-table ${row} .badge.status-failed`, { timeout: 120_000 });
  await assertAccessible('videos with a failed ingest');

  // Delete (admin): confirmed in a dialog, the row goes, the API no longer lists it.
  page.once('dialog', (d) => void d.accept());
  await page.click(`#videos-table ${row} button[data-action="delete"]`);
  await page.waitForSelector(`#videos-table ${row}`, { state: 'detached' });
  assert.equal((await apiGet('/videos?limit=50')).items.some((v: { id: string }) => v.id === stored.id), false);

  // The network drops the list request once: the error offers Retry, and Retry loads the list.
  let dropped = 0;
  await page.route('**/videos?*', (r) => (dropped++ === 0 ? r.abort('internetdisconnected') : r.continue()));
  await page.click('#view-videos .filters button[type="submit"]');
  await page.waitForSelector('#view-videos .notice.error button.retry');
  assert.match((await page.textContent('#view-videos .notice.error')) ?? '', /could not be reached/);
  await page.click('#view-videos .notice.error button.retry');
  await page.waitForSelector('#view-videos .notice.error', { state: 'detached' });
  assert.ok((await page.$$('#videos-table tbody tr[data-id]')).length >= 2);
  await page.unroute('**/videos?*');
  assert.deepEqual(errors, []);
});

test("an unknown task or score shows the server's 404 message, never a crash", { skip, timeout: 60_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/ui/#/dashboard/no-such-task`);
  await page.waitForSelector('#dash-summary .notice.error');
  assert.match((await page.textContent('#dash-summary')) ?? '', /task no-such-task.*\(404 not_found\)/);
  await assertAccessible('dashboard (unknown task)');
  await page.goto(`${base}/ui/#/result/score_nope`);
  await page.waitForSelector('#view-result .notice.error');
  assert.match((await page.textContent('#view-result')) ?? '', /score score_nope.*\(404 not_found\)/);
  assert.deepEqual(errors, []);
});

/** Uploads a trainee through the API with who/where fields; resolves with its video id. */
async function uploadTrainee(file: string, worker: string): Promise<string> {
  const form = new FormData();
  form.append('task_id', TASK);
  form.append('role', 'trainee');
  form.append('worker_id', worker);
  form.append('station', 'Line 2');
  form.append('file', new Blob([await readFile(path.join(dir, 'videos', file))], { type: 'video/mp4' }), file);
  const r = await fetch(`${base}/videos`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN}` }, body: form });
  assert.equal(r.status, 202, await r.clone().text());
  return ((await r.json()) as { video_id: string }).video_id;
}

// The supervisor workflow against the real host: a task definition (PUT /tasks/:id), trainees
// named by worker, a batch started from the Tasks view, the dashboard's figures and charts from
// GET /analytics/*, the review queue, CSV, a review override, similar failures' thumbnails.
test('tasks, batch, dashboard charts, review queue and review against the real endpoints', { skip, timeout: 300_000 }, async () => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The chart library must work under the page's strict CSP (no inline styles or eval).
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()); });
  const goldId = (await apiGet(`/videos?task_id=${TASK}&role=gold`)).items[0].id;
  const goldSteps = (await apiGet(`/gold/${goldId}/steps`)).steps as Array<{ index: number; name: string }>;
  const put = await fetch(`${base}/tasks/${TASK}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Pump maintenance', description: 'Power off, open, replace, close, test, power on', gold_video_id: goldId, pass_threshold: 80, steps: goldSteps.map((st) => ({ index: st.index, name: st.name, critical: st.index === 0 })) }),
  });
  assert.equal(put.status, 200, await put.clone().text());
  await uploadTrainee('gold.mp4', 'W-0042');
  await uploadTrainee('mixed.mp4', 'W-0007');

  // Tasks: name, gold by file name, the task's threshold, steps, version; the batch scores the
  // new trainees and re-scores the runs judged before the definition.
  await page.goto(`${base}/ui/#/tasks`);
  const row = `#tasks-table tbody tr[data-id="${TASK}"]`;
  await page.waitForSelector(row);
  const cells = await page.$$eval(`${row} td`, (tds) => tds.map((t) => t.textContent));
  assert.match(cells[0] ?? '', /^Pump maintenance/);
  assert.deepEqual(cells.slice(1, 5), ['gold.mp4', '80', String(goldSteps.length), '1']);
  await assertAccessible('tasks');
  await page.click(`${row} button[data-action="batch"]`);
  await page.waitForSelector(`${row} .batch-msg .notice.ok, ${row} .batch-msg .notice.error`, { timeout: 240_000 });
  const batchText = (await page.textContent(`${row} .batch-msg`)) ?? '';
  const runs = await apiGet(`/scores?task_id=${TASK}&limit=100`);
  const batchId = runs.items[0].batch_id;
  const batch = await apiGet(`/score/batch/${batchId}`);
  assert.ok(batch.done && batch.total >= 4, JSON.stringify(batch));
  assert.equal(batchText, `Batch done: ${batch.completed + batch.failed} of ${batch.total} scored, ${batch.passed} passed${batch.failed ? `, ${batch.failed} failed` : ''}.`);
  await page.click(`${row} button[data-action="batch"]`);
  await page.waitForSelector(`${row} .batch-msg .notice.ok:text("Nothing to score")`);

  // Dashboard: what GET /analytics/tasks/:id says, in words and in the three charts.
  await page.click(`${row} a`);
  await page.waitForSelector('#dash-kpis');
  const a = await apiGet(`/analytics/tasks/${TASK}`);
  const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
  const kpis = (await page.textContent('#dash-kpis')) ?? '';
  assert.ok(kpis.startsWith(`${a.runs} runs · pass rate ${pct(a.pass_rate)} · ${a.failed} failed, ${a.reviewed} reviewed`), kpis);
  if (a.most_failed_step) assert.match(kpis, new RegExp(`fails most: step ${a.most_failed_step.index + 1} ${a.most_failed_step.name} \\(${a.most_failed_step.runs_with_deviation} runs with a deviation\\)`));
  type ChartWin = { Chart: { getChart(c: Element): { data: { datasets: Array<{ data: number[]; backgroundColor: unknown }> } } } };
  await page.waitForFunction(() => ['chart-pass', 'chart-fails', 'chart-durations'].every((id) => (window as unknown as { Chart?: { getChart(c: Element): unknown } }).Chart?.getChart(document.getElementById(id)!)));
  const passData = await page.evaluate(() => (window as unknown as ChartWin).Chart.getChart(document.getElementById('chart-pass')!).data.datasets[0].data);
  assert.deepEqual(passData, a.by_week.map((w: { pass_rate: number }) => w.pass_rate * 100));
  const median = await page.evaluate(() => (window as unknown as ChartWin).Chart.getChart(document.getElementById('chart-durations')!).data.datasets[1]);
  assert.deepEqual(median.data, a.steps.map((st: { duration: { median_sec: number } }) => st.duration.median_sec));
  // Step colours are the PDF's (GET /ui/palette.json).
  const palette = await (await fetch(`${base}/ui/palette.json`)).json();
  assert.deepEqual(median.backgroundColor, a.steps.map((st: { index: number }) => palette.steps[st.index % palette.steps.length]));
  const workers = await page.$$eval('#dash-workers-table tbody td:first-child', (t) => t.map((x) => x.textContent));
  assert.deepEqual(workers, a.by_worker.map((w: { worker_id: string | null }) => w.worker_id ?? 'not given'));
  // Review queue: exactly the server's.
  const queue = await apiGet(`/reviews/queue?task_id=${TASK}`);
  assert.ok(queue.items.length > 0);
  await page.waitForSelector('#dash-queue-table tbody tr[data-id]');
  assert.deepEqual(await page.$$eval('#dash-queue-table tbody tr[data-id]', (t) => t.map((x) => x.getAttribute('data-id'))), queue.items.map((x: { id: string }) => x.id));
  // CSV export: the file the server sends.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dash-csv')]);
  assert.equal(download.suggestedFilename(), `sopilot-runs-${TASK}.csv`);
  const csv = await (await fetch(`${base}/scores?task_id=${TASK}&format=csv`, { headers: { Authorization: `Bearer ${ADMIN}` } })).text();
  assert.equal(await readFile((await download.path())!, 'utf8'), csv);
  // A worker's history: GET /analytics/workers/:id and their runs.
  await page.click('#dash-workers-table tbody tr:has(td:first-child:text-is("W-0007")) button');
  await page.waitForSelector('#dash-worker-kpis');
  const w = await apiGet('/analytics/workers/W-0007');
  assert.ok(((await page.textContent('#dash-worker-kpis')) ?? '').startsWith(`${w.runs} runs · pass rate ${pct(w.pass_rate)}`));
  assert.equal((await page.$$('#dash-history-table tbody tr[data-id]')).length, (await apiGet('/scores?worker_id=W-0007')).items.length);
  await assertAccessible('dashboard');
  await shot('09-dashboard');

  // The videos list filters by who and where as the API does.
  await page.goto(`${base}/ui/#/videos`);
  await page.waitForSelector('#videos-table tbody tr[data-id]');
  await page.fill('#videos-task', TASK);
  await page.fill('#videos-worker', 'W-0007');
  await page.click('#videos-task ~ button[type=submit]');
  const want = (await apiGet(`/videos?task_id=${TASK}&worker_id=W-0007`)).items.map((v: { id: string }) => v.id);
  assert.equal(want.length, 1);
  await page.waitForFunction((n) => document.querySelectorAll('#videos-table tbody tr[data-id]').length === n, want.length);
  assert.deepEqual(await page.$$eval('#videos-table tbody tr[data-id]', (rows) => rows.map((r) => (r as HTMLElement).dataset.id)), want);

  // A queued run: the task's threshold in the server's rule; an override with a comment.
  const id = queue.items[0].id;
  await page.goto(`${base}/ui/#/result/${id}`);
  await page.waitForSelector('#verdict-why');
  assert.match((await page.textContent('#verdict-why')) ?? '', /A pass needs a score of at least 80/);
  assert.equal(await page.textContent('#meta-task'), `Pump maintenance (${TASK})`);
  await page.click('#review button[data-decision="override_pass"]');
  assert.match((await page.textContent('#review-msg')) ?? '', /Say why/);
  await page.fill('#review-comment', 'camera hid the step; supervisor saw it done');
  await page.click('#review button[data-decision="override_pass"]');
  await page.waitForSelector('#review-msg .notice.ok');
  const reviewed = await apiGet(`/score/${id}`);
  assert.deepEqual([reviewed.review.decision, reviewed.review.comment, reviewed.passed, reviewed.engine_passed], ['override_pass', 'camera hid the step; supervisor saw it done', true, false]);
  assert.equal(await page.textContent('#score-verdict'), 'PASS');
  assert.equal(await page.textContent('#verdict-review'), `Overridden to PASS by ${reviewed.review.reviewed_by}; the automatic verdict was FAIL.`);
  assert.match((await page.textContent('#review-state')) ?? '', new RegExp(`Reviewed: override pass by ${reviewed.review.reviewed_by}`));
  // Similar failures of a failed run: thumbnails fetched with the token, worker shown.
  const failed = (await apiGet(`/scores?task_id=${TASK}&passed=false&limit=100`)).items;
  let withSimilar: { id: string; similar_failures: Array<{ matches: Array<{ worker_id: string | null }> }> } | undefined;
  for (const f of failed) {
    const s = await apiGet(`/score/${f.id}`);
    if (s.similar_failures.length) { withSimilar = s; break; }
  }
  assert.ok(withSimilar, 'a failed run has earlier failures like it');
  await page.goto(`${base}/ui/#/result/${withSimilar.id}`);
  await page.waitForSelector('#similar-table');
  await page.waitForFunction(() => [...document.querySelectorAll('#similar-table img.similar-thumb')].every((i) => (i as HTMLImageElement).src.startsWith('blob:') && (i as HTMLImageElement).naturalWidth > 0));
  const shownWorkers = await page.$$eval('#similar-table tbody tr td:nth-child(4)', (t) => t.map((x) => x.childNodes[0]?.textContent));
  assert.deepEqual(shownWorkers, withSimilar.similar_failures.flatMap((g) => g.matches.map((m) => m.worker_id ?? '—')));
  await assertAccessible('result with review and similar failures');
  assert.deepEqual(errors, []);
});

test('phone (390 px) and tablet: nothing runs off screen, timeline fits, no serious axe violation', { skip, timeout: 90_000 }, async () => {
  const scoreId = await latestScoreId();
  for (const [label, width, height] of [['phone', 390, 844], ['tablet', 820, 1180]] as const) {
    const ctx = await browser!.newContext({ viewport: { width, height }, isMobile: label === 'phone', hasTouch: label === 'phone' });
    const p = await ctx.newPage();
    p.setDefaultTimeout(15_000);
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${base}/ui/`);
    await signIn(ADMIN, p);
    await p.waitForSelector('#videos-table tbody tr[data-id]');
    for (const [view, ready] of [['videos', '#videos-table'], ['score', '#scores-table tbody tr[data-id]'], ['tasks', '#tasks-table tbody tr[data-id]'], ['dashboard', '#dash-kpis'], ['ops', '#queues tbody tr'], ['result', '#timeline svg']] as const) {
      await p.goto(`${base}/ui/#/${view === 'result' ? `result/${scoreId}` : view === 'dashboard' ? `dashboard/${TASK}` : view}`);
      await p.waitForSelector(ready);
      // The page itself never scrolls sideways (wide tables scroll inside their card).
      const over = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(over <= 0, `${label} ${view}: page is ${over} px wider than the screen`);
      const header = await p.evaluate(() => [...document.querySelectorAll('.topbar *')].filter((e) => (e as HTMLElement).offsetParent !== null && !e.closest('.tabs')).map((e) => e.getBoundingClientRect().right).reduce((a, b) => Math.max(a, b), 0));
      assert.ok(header <= width, `${label} ${view}: header reaches ${header} px`);
      if (view === 'result') {
        const tl = await p.evaluate(() => ({ svg: document.querySelector('#timeline svg')!.getBoundingClientRect().width, box: document.querySelector('#timeline')!.getBoundingClientRect().width }));
        assert.ok(tl.svg <= tl.box + 0.5, `${label}: timeline ${tl.svg} px in a ${tl.box} px box`);
      }
      await assertAccessible(`${view} (${label})`, p);
      if (shots) await p.screenshot({ path: path.join(shots, `10-${label}-${view}.png`), fullPage: true });
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  }
});
