import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { renderScoreReport, formatSeconds, DEVIATION_LABEL, type ScoreReportRecord } from '../../shared/report/index.js';
import type { Deviation, StepRow } from '../../shared/scoring/types.js';

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const OUT = process.env.SOPILOT_REPORT_TEST_OUT ?? mkdtempSync(join(tmpdir(), 'report-'));

/** A tiny PNG encoder (RGB, no filter) so the test needs no image library. */
function png(w: number, h: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let y = 0; y < h; y++) {
    raw[y * (1 + w * 3)] = 0;
    for (let x = 0; x < w; x++) raw.set(pixel(x, y), y * (1 + w * 3) + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const names = ['Pick up housing', 'Inspect surface', 'Apply sealant bead', 'Fit cover plate', 'Torque bolts (12 Nm)'];
const gold = [[0, 10], [10, 22], [22, 35], [35, 47], [47, 60]];
const trainee: Array<[number, number] | null> = [[0, 9], [24, 33], [9, 24], null, [33, 71]];
const ref = (i: number) => ({ index: i, name: names[i]!, start_sec: gold[i]![0]!, end_sec: gold[i]![1]! });
const steps: StepRow[] = names.map((name, i) => ({
  index: i,
  name,
  gold: { start_sec: gold[i]![0]!, end_sec: gold[i]![1]!, start_clip: i * 10, end_clip: i * 10 + 10 },
  trainee: trainee[i] ? { start_sec: trainee[i]![0], end_sec: trainee[i]![1], start_clip: 0, end_clip: 1 } : null,
  mean_similarity: trainee[i] ? [0.93, 0.88, 0.61, 0, 0.9][i]! : null,
  duration_ratio: trainee[i] ? (trainee[i]![1] - trainee[i]![0]) / (gold[i]![1]! - gold[i]![0]!) : null,
}));
const deviations: Deviation[] = [
  { type: 'order_swap', severity: 'high', gold_step: ref(1), other_step: ref(2), trainee: { start_sec: 9, end_sec: 33 }, evidence: {}, message: 'Apply sealant bead was done before Inspect surface.' },
  { type: 'step_deviation', severity: 'medium', gold_step: ref(2), trainee: { start_sec: 9, end_sec: 24 }, evidence: { similarity: 0.61 }, message: 'Sealant application looks different from the gold (similarity 0.61 vs 0.90).' },
  { type: 'missing_step', severity: 'high', gold_step: ref(3), trainee: null, evidence: {}, message: 'Fit cover plate was not found in the trainee video.' },
  { type: 'over_time', severity: 'low', gold_step: ref(4), trainee: { start_sec: 33, end_sec: 71 }, evidence: { ratio: 2.92 }, message: 'Torque bolts took 38.0 s, 2.9x the gold 13.0 s.' },
  { type: 'rework', severity: 'low', gold_step: ref(0), trainee: { start_sec: 71, end_sec: 76 }, evidence: {}, message: 'Pick up housing was done a second time.' },
];
const record: ScoreReportRecord = {
  id: 'sc_01HZX4QW9', task_id: 'task-sealant-7', task_name: 'Cover sealing, line 3', gold_video_id: 'vid_gold_a1', trainee_video_id: 'vid_trn_b2',
  created_at: '2025-03-04T08:15:00Z', completed_at: '2025-03-04T08:15:42Z',
  score: 57.4, passed: false, deviations, steps, path: [[0, 0]], breakdown: { normalized_cost: 0.214, penalty_missing: 15, penalty_swap: 10 },
  trainee_duration_sec: 76,
};
const AUDIT_HASH = 'b5d4045c3f466fa91fe2cc6abe79232a1a57cdf104f7a26e716e0a1e2789df78';

function pdfText(pdf: Buffer, name: string): string {
  const file = join(OUT, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

test('report PDF text holds the score, PASS/FAIL, ids, every deviation (type and step), every step and the audit hash', { skip: !hasPoppler && 'pdftotext (poppler-utils) not installed' }, async () => {
  const thumbnails = [
    { label: '#1 order swap @ 0:09.0', png: png(160, 90, (x, y) => [x, y * 2, 120]) },
    { label: '#3 missing: Fit cover plate (gold 0:35.0)', png: png(160, 90, (x, y) => [200, x, y]) },
  ];
  const pdf = await renderScoreReport(record, { thumbnails, auditHash: AUDIT_HASH, passThreshold: 70, generatedAt: new Date('2025-03-04T09:00:00Z') });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = pdfText(pdf, 'report');
  const flat = text.replace(/\s+/g, ' ');
  assert.match(flat, /57\.4/);
  assert.match(flat, /FAIL/);
  assert.doesNotMatch(flat, /\bPASS\b/);
  assert.match(flat, /threshold 70/);
  for (const s of ['sc_01HZX4QW9', 'task-sealant-7', 'Cover sealing, line 3', 'vid_gold_a1', 'vid_trn_b2', '2025-03-04 08:15 UTC']) assert.ok(flat.includes(s), s);
  for (const d of deviations) {
    assert.ok(flat.includes(DEVIATION_LABEL[d.type]), d.type);
    assert.ok(flat.includes(d.gold_step!.name), d.gold_step!.name);
    if (d.trainee) assert.ok(flat.includes(`${formatSeconds(d.trainee.start_sec)} - ${formatSeconds(d.trainee.end_sec)}`), `trainee range of ${d.type}`);
  }
  // Each deviation's row: its type and its step on the same line of the table.
  const lines = text.split('\n');
  for (const d of deviations) assert.ok(lines.some((l) => l.includes(DEVIATION_LABEL[d.type]) && l.includes(String(d.gold_step!.index + 1) + '. ')), `row for ${d.type}`);
  assert.ok(flat.includes('0:35.0 - 0:47.0')); // gold range of the missing step
  assert.ok(flat.includes('not found'));
  for (const n of names) assert.ok(flat.includes(n), n);
  assert.ok(flat.includes(AUDIT_HASH), 'audit hash');
  assert.ok(flat.includes('#3 missing: Fit cover plate'));

  // Deterministic for the same input (cacheable, comparable).
  const again = await renderScoreReport(record, { thumbnails, auditHash: AUDIT_HASH, passThreshold: 70, generatedAt: new Date('2025-03-04T09:00:00Z') });
  assert.equal(again.equals(pdf), true);

  // Turned into an image it is a real page (the layout is checked by eye from these files).
  execFileSync('pdftoppm', ['-png', '-r', '60', join(OUT, 'report.pdf'), join(OUT, 'page')]);
  assert.ok(readdirSync(OUT).some((f) => /^page-\d+\.png$/.test(f)));
});

test('a clean run prints PASS and says there are no deviations; non-Latin text does not break the PDF', { skip: !hasPoppler && 'pdftotext (poppler-utils) not installed' }, async () => {
  const clean: ScoreReportRecord = {
    ...record, score: 96, passed: true, deviations: [], task_name: 'Abdichtung – Zelle 3 / 封止',
    steps: steps.map((s) => ({ ...s, trainee: { ...s.gold } })),
  };
  const pdf = await renderScoreReport(clean, { auditHash: null, passThreshold: 70, generatedAt: '2025-03-04T09:00:00Z' });
  const flat = pdfText(pdf, 'clean').replace(/\s+/g, ' ');
  assert.match(flat, /\b96\b/);
  assert.match(flat, /PASS/);
  assert.doesNotMatch(flat, /FAIL/);
  assert.match(flat, /No deviations/);
  assert.match(flat, /Deviations \(0\)/);
  assert.match(flat, /Abdichtung – Zelle 3 \/ \?\?/);
  assert.match(flat, /Audit hash \(SHA-256\): not recorded/);
});

test('the verdict is the engine\'s: a score above the threshold with a blocking deviation prints FAIL', { skip: !hasPoppler && 'pdftotext (poppler-utils) not installed' }, async () => {
  const blocked: ScoreReportRecord = { ...record, score: 82, passed: false };
  const pdf = await renderScoreReport(blocked, { auditHash: null, passThreshold: 70, generatedAt: '2025-03-04T09:00:00Z' });
  const flat = pdfText(pdf, 'blocked').replace(/\s+/g, ' ');
  assert.match(flat, /\b82\b/);
  assert.match(flat, /FAIL/);
  assert.doesNotMatch(flat, /\bPASS\b/);
  assert.match(flat, /failed on a blocking deviation/);
});

test('a long deviation list flows onto further pages with the audit hash on each', { skip: !hasPoppler && 'pdftotext (poppler-utils) not installed' }, async () => {
  const many: Deviation[] = Array.from({ length: 60 }, (_, i) => ({ ...deviations[i % deviations.length]!, message: `Dev ${i + 1}/60.` }));
  const pdf = await renderScoreReport({ ...record, deviations: many }, { auditHash: AUDIT_HASH, passThreshold: 70, generatedAt: '2025-03-04T09:00:00Z' });
  const text = pdfText(pdf, 'long');
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(OUT, 'long.pdf')], { encoding: 'utf8' }))![1]);
  assert.ok(pages >= 2, `pages ${pages}`);
  assert.equal(text.split(AUDIT_HASH).length - 1, pages);
  for (let i = 1; i <= 60; i++) assert.ok(text.includes(`Dev ${i}/60.`), `deviation ${i}`);
  assert.ok(text.includes('2,7,12,17'), 'deviations at one spot share a timeline label');
});

test('the verdict with its rule and reasons, the review beside the automatic verdict, names and the breakdown in words', { skip: !hasPoppler && 'pdftotext (poppler-utils) not installed' }, async () => {
  const reviewed: ScoreReportRecord = {
    ...record,
    passed: true,
    engine_passed: false,
    gold_name: 'gold-line3.mp4',
    trainee_name: 'anna-monday.mp4',
    worker_id: 'W-0042',
    station: 'Line 3',
    verdict: { pass_threshold: 75, rule: 'A pass needs a score of at least 75 and no blocking deviation: any deviation on a critical step (step 4 (Fit cover plate)).', reasons: ['step 4 (Fit cover plate) is critical and has a missing step (high).'] },
    review: { decision: 'override_pass', comment: 'Plate fitted off camera, checked on the part', reviewed_by: 'supervisor-7', reviewed_at: '2025-03-05T07:30:00Z' },
    information: [{ message: 'Inspect surface is optional and was left out.' }],
    breakdown: { step_score: 82.4, penalty_missing_step: 25, penalty_order_swap: 20, penalty_total: 45, score: 57.4, blocking_deviations: 2, median_step_quality: 0.71, jump_cost_sec: 1.5 },
  };
  const flat = pdfText(await renderScoreReport(reviewed, { auditHash: null, passThreshold: 70, generatedAt: '2025-03-05T09:00:00Z' }), 'reviewed').replace(/\s+/g, ' ');
  assert.match(flat, /\bPASS\b/);
  assert.match(flat, /reviewed \(automatic: FAIL\)/);
  assert.match(flat, /A pass needs a score of at least 75 and no blocking deviation: any deviation on a critical step/);
  assert.match(flat, /step 4 \(Fit cover plate\) is critical/);
  assert.match(flat, /Review: supervisor-7 overrode the verdict to PASS on 2025-03-05 07:30 UTC \(automatic verdict: FAIL\): "Plate fitted off camera, checked on the part"/);
  assert.match(flat, /gold-line3\.mp4 \(vid_gold_a1\)/);
  assert.match(flat, /anna-monday\.mp4 \(vid_trn_b2\)/);
  assert.match(flat, /worker W-0042, station Line 3/);
  assert.match(flat, /Inspect surface is optional and was left out/);
  assert.match(flat, /How closely the steps follow the gold: 82\.4 of 100, before penalties/);
  assert.match(flat, /25 points off for missing steps/);
  assert.match(flat, /2 deviations fail the run whatever the score/);
  assert.doesNotMatch(flat, /penalty_|step_score|jump_cost_sec|blocking_deviations/, 'no internal keys');
});
