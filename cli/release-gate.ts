/**
 * sopilot release-gate --demo-dir DIR --out FILE [--base-url URL --token T] [--seed N] [--scale X]
 *                      [--data-dir DIR] [--timeout SEC] [--manifest-steps]
 * Scores every demo variant against the gold video (on an in-process host with the embedded
 * defaults, or against --base-url) and checks that scoring catches each planted failure:
 *  - a correct performance passes, with no missing_step / order_swap deviation and no
 *    high-severity deviation at all;
 *  - every failure variant fails, each planted deviation is reported with the right type on
 *    the right gold step(s), and no high-severity deviation lands on a step that was not planted.
 * Writes a JSON report to FILE, prints a table, exits 0 only when every check holds.
 *
 * Gold steps come from change-point detection, so their indices need not equal the
 * generator's; a deviation is matched to a planted step by TIME in the gold video (see onStep).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseCommand } from './args.js';
import type { DemoManifest, PlantedType } from '../shared/demo/plan.js';
import type { Deviation } from '../shared/scoring/types.js';
import { SopilotClient } from './http-client.js';
import { ensureDemo, runVariants, startLocalHost, type LocalHost, type VariantRun } from './demo-all.js';
import type { DemoIo } from './demo-run.js';

// ---- matching rules (pure) -------------------------------------------------------------

export interface TimeSpan {
  start_sec: number;
  end_sec: number;
}
export interface NamedSpan extends TimeSpan {
  index: number;
  name: string;
}

/** Where each generator step lies in the gold video: the gold variant's timeline. */
export function goldStepSpans(manifest: Pick<DemoManifest, 'variants'>): NamedSpan[] {
  return manifest.variants.gold.segments
    .map((s) => ({ index: s.step, name: s.name, start_sec: s.start_sec, end_sec: s.end_sec }))
    .sort((a, b) => a.index - b.index);
}

export function iou(a: TimeSpan, b: TimeSpan): number {
  const inter = Math.max(0, Math.min(a.end_sec, b.end_sec) - Math.max(a.start_sec, b.start_sec));
  const union = Math.max(a.end_sec, b.end_sec) - Math.min(a.start_sec, b.start_sec);
  return union > 0 ? inter / union : 0;
}

/**
 * Whether a detected gold step (a deviation's gold_step) is the planted step: its centre lies
 * inside the planted span (detection split the step: each part still counts), or the two
 * overlap with IoU >= minIou (boundaries a little off).
 */
export function onStep(detected: TimeSpan | null | undefined, planted: TimeSpan, minIou = 0.5): boolean {
  if (!detected) return false;
  const centre = (detected.start_sec + detected.end_sec) / 2;
  return (centre >= planted.start_sec && centre < planted.end_sec) || iou(detected, planted) >= minIou;
}

export interface Planted {
  type: PlantedType;
  steps: number[];
}

export interface GateDeviationSummary {
  type: Deviation['type'];
  severity: Deviation['severity'];
  gold_step: { index: number; name: string; start_sec: number; end_sec: number } | null;
  other_step: { index: number; name: string; start_sec: number; end_sec: number } | null;
}

export interface GateCheck {
  variant: string;
  expected: 'pass' | 'fail';
  planted: Array<Planted & { spans: NamedSpan[] }>;
  got: { score: number | null; passed: boolean | null; deviations: GateDeviationSummary[] } | null;
  ok: boolean;
  problems: string[];
}

export interface ScoreLike {
  score: number | null;
  passed: boolean | null;
  deviations: Array<Pick<Deviation, 'type' | 'severity' | 'gold_step'> & { other_step?: Deviation['other_step'] }>;
}

const span = (s: TimeSpan) => `${s.start_sec.toFixed(1)}-${s.end_sec.toFixed(1)} s`;
const named = (s: NamedSpan) => `step ${s.index} "${s.name}" (gold ${span(s)})`;
function devText(d: ScoreLike['deviations'][number]): string {
  const g = d.gold_step ? `gold step ${d.gold_step.index} "${d.gold_step.name}" ${span(d.gold_step)}` : 'no gold step';
  const o = d.other_step ? ` + step ${d.other_step.index} "${d.other_step.name}" ${span(d.other_step)}` : '';
  return `${d.severity} ${d.type} on ${g}${o}`;
}

/** Whether deviation d reports the planted item p (type and step(s) by time). */
export function reports(d: ScoreLike['deviations'][number], p: Planted, spans: NamedSpan[], minIou = 0.5): boolean {
  if (d.type !== p.type) return false;
  const ranges = p.steps.map((i) => spans.find((s) => s.index === i)).filter((s): s is NamedSpan => !!s);
  if (ranges.length !== p.steps.length) return false;
  if (p.type === 'order_swap') {
    if (ranges.length !== 2) return false;
    const [a, b] = ranges;
    return (onStep(d.gold_step, a, minIou) && onStep(d.other_step, b, minIou)) || (onStep(d.gold_step, b, minIou) && onStep(d.other_step, a, minIou));
  }
  return ranges.every((r) => onStep(d.gold_step, r, minIou));
}

/** Checks one variant's score against what the manifest planted. */
export function checkVariant(
  v: { variant: string; expect_pass: boolean; planted: Planted[] },
  score: ScoreLike,
  spans: NamedSpan[],
  minIou = 0.5,
): GateCheck {
  const problems: string[] = [];
  const planted = v.planted.map((p) => ({ ...p, spans: p.steps.map((i) => spans.find((s) => s.index === i)).filter((s): s is NamedSpan => !!s) }));
  for (const p of planted) if (p.spans.length !== p.steps.length) problems.push(`manifest: planted ${p.type} names unknown gold step(s) ${p.steps.join(',')}`);

  if (v.expect_pass) {
    if (score.passed !== true) problems.push(`expected PASS, got ${score.passed === false ? 'FAIL' : 'no verdict'} (score ${score.score ?? '?'})`);
    for (const d of score.deviations) {
      if (d.type === 'missing_step' || d.type === 'order_swap') problems.push(`correct performance reported ${devText(d)}`);
      else if (d.severity === 'high') problems.push(`spurious high-severity deviation: ${devText(d)}`);
    }
  } else {
    if (score.passed !== false) problems.push(`expected FAIL, got ${score.passed ? 'PASS' : 'no verdict'} (score ${score.score ?? '?'})`);
    for (const p of planted) {
      if (score.deviations.some((d) => reports(d, p, spans, minIou))) continue;
      const where = p.spans.map(named).join(' and ');
      const sameType = score.deviations.filter((d) => d.type === p.type);
      const onIt = score.deviations.filter((d) => p.spans.some((s) => onStep(d.gold_step, s, minIou) || onStep(d.other_step, s, minIou)));
      let hint = '';
      if (sameType.length) hint += `; ${p.type} reported elsewhere: ${sameType.map(devText).join('; ')}`;
      if (onIt.length) hint += `; on that step instead: ${onIt.map(devText).join('; ')}`;
      if (!sameType.length && !onIt.length) hint += '; nothing reported there';
      problems.push(`planted ${p.type} on ${where} not reported${hint}`);
    }
    // Only high severity counts as spurious: a medium/low side effect next to a planted failure is tolerated.
    const plantedSpans = planted.flatMap((p) => p.spans);
    for (const d of score.deviations) {
      if (d.severity !== 'high') continue;
      const touched = [d.gold_step, d.other_step].filter((s): s is NonNullable<typeof s> => !!s);
      const onPlanted = touched.length > 0 && touched.every((s) => plantedSpans.some((p) => onStep(s, p, minIou)));
      if (!onPlanted) problems.push(`spurious high-severity deviation on a step that was not planted: ${devText(d)}`);
    }
  }
  return {
    variant: v.variant,
    expected: v.expect_pass ? 'pass' : 'fail',
    planted,
    got: {
      score: score.score,
      passed: score.passed,
      deviations: score.deviations.map((d) => ({ type: d.type, severity: d.severity, gold_step: pickStep(d.gold_step), other_step: pickStep(d.other_step ?? null) })),
    },
    ok: problems.length === 0,
    problems,
  };
}

function pickStep(s: Deviation['gold_step'] | undefined): GateDeviationSummary['gold_step'] {
  return s ? { index: s.index, name: s.name, start_sec: s.start_sec, end_sec: s.end_sec } : null;
}

/** A gate check for a variant whose flow did not produce a score (upload/ingest/score failed). */
export function failedRunCheck(v: { variant: string; expect_pass: boolean; planted: Planted[] }, spans: NamedSpan[], error: string): GateCheck {
  return {
    variant: v.variant,
    expected: v.expect_pass ? 'pass' : 'fail',
    planted: v.planted.map((p) => ({ ...p, spans: p.steps.map((i) => spans.find((s) => s.index === i)).filter((s): s is NamedSpan => !!s) })),
    got: null,
    ok: false,
    problems: [`flow failed: ${error}`],
  };
}

/** The printed table: one row per variant, then the problems. */
export function formatGateTable(checks: GateCheck[]): string[] {
  const devShort = (d: GateDeviationSummary) => `${d.type}@${d.gold_step ? d.gold_step.index : '-'}${d.other_step ? `/${d.other_step.index}` : ''}(${d.severity[0]})`;
  const rows = checks.map((c) => [
    c.variant,
    c.expected.toUpperCase(),
    c.planted.map((p) => `${p.type}[${p.steps.join(',')}]`).join(' ') || '-',
    c.got?.score == null ? '-' : c.got.score.toFixed(1),
    c.got ? (c.got.passed ? 'PASS' : 'FAIL') : 'ERROR',
    c.got ? c.got.deviations.map(devShort).join(' ') || '-' : '-',
    c.ok ? 'ok' : 'NOT OK',
  ]);
  const head = ['variant', 'expected', 'planted (manifest steps)', 'score', 'got', 'deviations (detected gold step, severity)', 'gate'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const c of checks) for (const p of c.problems) out.push(`  ${c.variant}: ${p}`);
  return out;
}

// ---- the gate run -----------------------------------------------------------------------

export interface GateReport {
  passed: boolean;
  generated_at: string;
  target: string;
  demo_dir: string;
  seed: number;
  scale: number;
  /** 'detected' (the real gate) or 'manifest' (diagnostic: steps set from the generator's timeline). */
  gold_steps_source: 'detected' | 'manifest';
  gold_steps_detected: Array<{ index: number; name: string; start_sec: number; end_sec: number }> | null;
  gold_steps_planted: NamedSpan[];
  checks: GateCheck[];
  timings: { generate_ms: number; host_start_ms: number; runs_ms: number; total_ms: number; per_variant_ms: Record<string, Record<string, number>> };
}

export interface GateOptions {
  demoDir: string;
  seed?: number;
  scale?: number;
  /** Against a running server; else an in-process host on dataDir (default a temp dir, removed after). */
  baseUrl?: string;
  token?: string;
  dataDir?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Where per-variant artifacts go (default DEMO_DIR/../gate-runs next to the report). */
  runsDir: string;
  /**
   * Diagnostic: set the gold steps from the manifest (PUT /gold/:id/steps) instead of using the
   * detected ones, to tell scoring misses from step-detection misses. Not the release gate.
   */
  manifestSteps?: boolean;
  log?: (line: string) => void;
}

export async function runGate(o: GateOptions): Promise<GateReport> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const { manifest, generated } = await ensureDemo(o.demoDir, { seed: o.seed, scale: o.scale, log });
  const tGen = Date.now() - t0;
  let host: LocalHost | undefined;
  let tmpData: string | undefined;
  const th = Date.now();
  let client: SopilotClient;
  if (o.baseUrl) {
    client = new SopilotClient({ baseUrl: o.baseUrl, token: o.token });
  } else {
    const dataDir = o.dataDir ?? (tmpData = await mkdtemp(join(tmpdir(), 'sopilot-gate-')));
    host = await startLocalHost({ dataDir, port: 0, env: o.env ?? {} });
    client = new SopilotClient({ baseUrl: host.url, token: host.token });
    log(`in-process host at ${host.url} (data ${dataDir})`);
  }
  const tHost = Date.now() - th;
  try {
    const tr = Date.now();
    const spans = goldStepSpans(manifest);
    const runs = await runVariants(client, manifest, o.demoDir, o.runsDir, {
      taskId: `release-gate-${manifest.seed}`,
      goldSteps: o.manifestSteps ? spans.map((s) => ({ name: s.name, start_sec: s.start_sec, end_sec: s.end_sec })) : undefined,
      scoreOnly: true,
      poll: { timeoutMs: o.timeoutMs ?? 600_000 },
      log,
    });
    const runsMs = Date.now() - tr;
    const checks = runs.map((r: VariantRun) => {
      const v = { variant: r.variant, expect_pass: manifest.variants[r.variant].expect_pass, planted: manifest.variants[r.variant].planted };
      return r.result ? checkVariant(v, r.result.score, spans) : failedRunCheck(v, spans, r.error ?? 'unknown error');
    });
    const detected = runs.find((r) => r.result?.steps)?.result?.steps?.steps ?? null;
    return {
      passed: checks.length > 0 && checks.every((c) => c.ok),
      generated_at: new Date().toISOString(),
      target: o.baseUrl ?? 'embedded (in-process host)',
      demo_dir: resolve(o.demoDir),
      seed: manifest.seed,
      scale: manifest.scale,
      gold_steps_source: o.manifestSteps ? 'manifest' : 'detected',
      gold_steps_detected: detected ? detected.map((s) => ({ index: s.index, name: s.name, start_sec: s.start_sec, end_sec: s.end_sec })) : null,
      gold_steps_planted: spans,
      checks,
      timings: {
        generate_ms: generated ? tGen : 0,
        host_start_ms: tHost,
        runs_ms: runsMs,
        total_ms: Date.now() - t0,
        per_variant_ms: Object.fromEntries(runs.map((r) => [r.variant, r.result?.timings_ms ?? {}])),
      },
    };
  } finally {
    await host?.stop();
    if (tmpData) await rm(tmpData, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

const USAGE =
  'usage: sopilot release-gate --demo-dir DIR --out FILE [--base-url URL --token T] [--seed N] [--scale X] [--data-dir DIR] [--timeout SEC] [--manifest-steps (diagnostic)]';

const defaultIo = (): DemoIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
});

/** argv: the arguments after "release-gate". Exit 0 = gate passed, 1 = gate failed or error, 2 = usage. */
export async function main(argv: string[], io: DemoIo = defaultIo()): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'demo-dir': { type: 'string' },
      out: { type: 'string' },
      'base-url': { type: 'string' },
      token: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      'data-dir': { type: 'string' },
      timeout: { type: 'string' },
      'manifest-steps': { type: 'boolean', default: false },
    },
    USAGE,
    io,
    2,
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values;
  if (!values['demo-dir'] || !values.out) {
    io.err(`--demo-dir and --out are required\n${USAGE}`);
    return 2;
  }
  const token = values.token ?? io.env.SOPILOT_TOKEN;
  if (values['base-url'] && !token) {
    io.err(`--token (or SOPILOT_TOKEN) is required with --base-url\n${USAGE}`);
    return 2;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  const scale = values.scale === undefined ? undefined : Number(values.scale);
  const timeout = values.timeout === undefined ? 600 : Number(values.timeout);
  if ((seed !== undefined && !Number.isInteger(seed)) || (scale !== undefined && !(scale > 0)) || !(timeout > 0)) {
    io.err(`--seed must be an integer, --scale and --timeout positive numbers\n${USAGE}`);
    return 2;
  }
  const out = resolve(values.out);
  try {
    const report = await runGate({
      demoDir: values['demo-dir'],
      seed,
      scale,
      baseUrl: values['base-url'],
      token,
      dataDir: values['data-dir'],
      env: io.env,
      timeoutMs: timeout * 1000,
      runsDir: join(dirname(out), 'gate-runs'),
      manifestSteps: values['manifest-steps'],
      log: io.err,
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(report, null, 2) + '\n');
    for (const l of formatGateTable(report.checks)) io.out(l);
    const spans = (xs: Array<{ index: number; start_sec: number; end_sec: number }>) => xs.map((x) => `${x.index}:${span(x)}`).join('  ');
    io.out(`gold steps planted:  ${spans(report.gold_steps_planted)}`);
    io.out(`gold steps ${report.gold_steps_source === 'manifest' ? 'set    ' : 'detected'}: ${report.gold_steps_detected ? spans(report.gold_steps_detected) : '(not available)'}`);
    if (report.gold_steps_source === 'manifest') io.out('DIAGNOSTIC RUN (--manifest-steps): gold steps were set from the manifest, so step detection was not tested; this is not the release gate.');
    io.out(`release gate ${report.passed ? 'PASSED' : 'FAILED'} (${(report.timings.total_ms / 1000).toFixed(1)} s); report: ${out}`);
    return report.passed ? 0 : 1;
  } catch (e) {
    io.err(`release gate error: ${(e as Error).message}`);
    return 1;
  }
}
