// The release gate end to end on the real in-process host with short demo videos: every
// variant goes through upload, ingest and scoring and comes back with a score, and the JSON
// report is written with one check per variant. The verdicts themselves are the gate's job
// (.ci/run runs it at full scale); here only that the machinery delivers them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/release-gate.js';

test('release gate: generates the demo, scores every variant on the embedded host, writes the report', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sopilot-gate-it-'));
  try {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--demo-dir', join(dir, 'demo'), '--out', join(dir, 'gate.json'), '--scale', '0.3', '--timeout', '90'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { SOPILOT_LOG_LEVEL: 'warn' },
    });
    assert.ok(code === 0 || code === 1, `exit ${code}: ${err.join('\n')}`);
    const report = JSON.parse(await readFile(join(dir, 'gate.json'), 'utf8'));
    assert.equal(report.passed, code === 0);
    assert.equal(report.scale, 0.3);
    assert.deepEqual(report.checks.map((c: { variant: string }) => c.variant).sort(), ['camera_correct', 'camera_missing', 'correct', 'deviation', 'missing', 'mixed', 'swap', 'time_over']);
    for (const c of report.checks) {
      assert.ok(c.got, `${c.variant} produced no score: ${c.problems.join('; ')}`);
      assert.equal(typeof c.got.score, 'number');
      assert.equal(typeof c.got.passed, 'boolean');
      assert.equal(c.ok, c.problems.length === 0);
    }
    assert.ok(Array.isArray(report.gold_steps_detected) && report.gold_steps_detected.length > 0);
    assert.equal(report.gold_steps_planted.length, 6);
    await access(join(dir, 'gate-runs', 'missing', 'report.pdf'));
    assert.match(out.join('\n'), /release gate (PASSED|FAILED)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
