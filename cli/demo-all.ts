/**
 * sopilot demo all [--out-dir DIR] [--seed N] [--scale X] [--port P] [--exit]
 *                  [--base-url URL --token T]
 * `npm run demo`: generates the demo videos (DIR/videos), starts the local host in this process
 * on the embedded defaults (data in DIR/data), scores every variant against the one gold video,
 * prints a table, leaves the PDF reports in DIR/reports and keeps the host running for the UI
 * until Ctrl-C (--exit: stop after the table). With --base-url it uses that server instead.
 */
import { randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseCommand } from './args.js';
import type { Context } from '../shared/context.js';
import type { DemoManifest, VariantName } from '../shared/demo/plan.js';
import { SopilotClient, type PollOptions } from './http-client.js';
import { DEFAULT_TASK_ID, GoldCache, runDemoFlow, type DemoIo, type DemoRunResult } from './demo-run.js';

// ---- demo videos --------------------------------------------------------------------------

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/**
 * Uses the demo in dir when its manifest and every video are there (and match seed/scale when
 * given); otherwise renders it there.
 */
export async function ensureDemo(
  dir: string,
  o: { seed?: number; scale?: number; log?: (l: string) => void } = {},
): Promise<{ manifest: DemoManifest; generated: boolean }> {
  const mpath = join(dir, 'manifest.json');
  if (await exists(mpath)) {
    const manifest = JSON.parse(await readFile(mpath, 'utf8')) as DemoManifest;
    const same = (o.seed === undefined || o.seed === manifest.seed) && (o.scale === undefined || o.scale === manifest.scale);
    const files = await Promise.all(Object.values(manifest.variants).map((v) => exists(join(dir, v.file))));
    if (same && files.every(Boolean)) return { manifest, generated: false };
  }
  o.log?.(`generating the demo videos in ${dir} ...`);
  const { generateDemo } = await import('../shared/demo/generate.js');
  await mkdir(dir, { recursive: true });
  const manifest = await generateDemo({ outDir: dir, seed: o.seed, scale: o.scale });
  return { manifest, generated: true };
}

// ---- in-process host ------------------------------------------------------------------------

export interface LocalHost {
  url: string;
  /** An admin token made for this run. */
  token: string;
  /** The audit signing key in use (made for this run when none was configured). */
  auditKey: string | undefined;
  ctx: Context;
  stop(): Promise<void>;
}

/** Resolves to port when it is free on host, else to 0 (any free port). */
export async function freePortOr(port: number, host = '127.0.0.1'): Promise<number> {
  if (port === 0) return 0;
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(0));
    s.listen(port, host, () => s.close(() => res(port)));
  });
}

/**
 * Starts the all-in-one host in this process (every HTTP and event function) on the settings in
 * env (SOPILOT_*; with none, the embedded defaults: PGlite, a folder store, in-process events),
 * with dataDir, port, an extra admin token made here, and quiet logs unless asked otherwise.
 * One host per process (one context per process).
 */
export async function startLocalHost(o: { dataDir: string; port: number; env: Record<string, string | undefined>; bind?: string }): Promise<LocalHost> {
  const [{ startHost }, { httpFunctions, eventFunctions }, { loadConfig }, { QUEUES }] = await Promise.all([
    import('../hosts/start.js'),
    import('../functions/registry.js'),
    import('../shared/config.js'),
    import('../shared/events/types.js'),
  ]);
  const token = `demo-${randomBytes(18).toString('base64url')}`;
  const env = o.env;
  const auditKey = env.SOPILOT_AUDIT_SIGNING_KEY || (env.SOPILOT_AUDIT_SIGNING_PRIVATE_KEY_FILE ? undefined : randomBytes(24).toString('base64url'));
  const config = loadConfig({
    ...env,
    SOPILOT_LOCAL_MODE: 'true',
    SOPILOT_PORT: String(o.port),
    SOPILOT_BIND: o.bind ?? env.SOPILOT_BIND ?? '127.0.0.1',
    SOPILOT_DATA_DIR: o.dataDir,
    SOPILOT_LOG_LEVEL: env.SOPILOT_LOG_LEVEL ?? 'warn',
    SOPILOT_LOG_FORMAT: env.SOPILOT_LOG_FORMAT ?? 'console',
    SOPILOT_API_ROLE_TOKENS: [env.SOPILOT_API_ROLE_TOKENS, `admin:${token}`].filter(Boolean).join(','),
    ...(auditKey ? { SOPILOT_AUDIT_SIGNING_KEY: auditKey } : {}),
  });
  const started = await startHost({ config, http: httpFunctions, events: eventFunctions, queues: QUEUES });
  if (!started.url) {
    await started.stop();
    throw new Error('the host did not open an HTTP port');
  }
  return { url: started.url, token, auditKey, ctx: started.ctx, stop: () => started.stop() };
}

// ---- every variant --------------------------------------------------------------------------

export interface VariantRun {
  variant: VariantName;
  result?: DemoRunResult;
  error?: string;
}

/** The trainee variants (everything but gold), correct first, in manifest order. */
export function traineeVariants(manifest: Pick<DemoManifest, 'variants'>): VariantName[] {
  const names = (Object.keys(manifest.variants) as VariantName[]).filter((n) => n !== 'gold');
  return names.sort((a, b) => Number(b === 'correct') - Number(a === 'correct'));
}

/**
 * Runs the demo flow for every trainee variant against the one gold video (uploaded once),
 * all at once (the host's queues order the work). Artifacts go to runsDir/<variant>.
 */
export async function runVariants(
  client: SopilotClient,
  manifest: DemoManifest,
  demoDir: string,
  runsDir: string,
  o: { taskId?: string; scoreOnly?: boolean; poll?: PollOptions; log?: (l: string) => void; goldSteps?: Array<{ name: string; start_sec: number; end_sec: number }> } = {},
): Promise<VariantRun[]> {
  const goldCache = new GoldCache();
  const gold = join(demoDir, manifest.variants.gold.file);
  return Promise.all(
    traineeVariants(manifest).map(async (variant): Promise<VariantRun> => {
      try {
        const result = await runDemoFlow(client, {
          gold,
          trainee: join(demoDir, manifest.variants[variant].file),
          outDir: join(runsDir, variant),
          taskId: o.taskId ?? DEFAULT_TASK_ID,
          goldCache,
          goldSteps: o.goldSteps,
          scoreOnly: o.scoreOnly,
          poll: o.poll,
        });
        o.log?.(`  ${variant}: score ${result.score.score?.toFixed(1)} ${result.score.passed ? 'PASS' : 'FAIL'} (${(result.timings_ms.total / 1000).toFixed(1)} s)`);
        return { variant, result };
      } catch (e) {
        o.log?.(`  ${variant}: ${(e as Error).message}`);
        return { variant, error: (e as Error).message };
      }
    }),
  );
}

/** The demo table: variant, expected, score, verdict, deviations found (type, step name, trainee time). */
export function formatDemoTable(manifest: DemoManifest, runs: VariantRun[]): string[] {
  const dev = (r: DemoRunResult) =>
    r.score.deviations
      .map((d) => {
        const step = d.gold_step ? `"${d.gold_step.name}"${d.other_step ? `<->"${d.other_step.name}"` : ''}` : '';
        const at = d.trainee ? ` @${d.trainee.start_sec.toFixed(0)}s` : '';
        return `${d.type} ${step}${at}`.trim();
      })
      .join('; ') || '-';
  const rows = runs.map((r) => {
    const m = manifest.variants[r.variant];
    const planted = m.planted.map((p) => `${p.type} ${p.steps.map((i) => `"${manifest.steps[i]?.name ?? i}"`).join('<->')}`).join('; ') || '-';
    if (!r.result) return [r.variant, m.expect_pass ? 'PASS' : 'FAIL', planted, '-', 'ERROR', r.error ?? '', ''];
    const s = r.result.score;
    const asExpected = s.passed === m.expect_pass ? 'yes' : 'NO';
    return [r.variant, m.expect_pass ? 'PASS' : 'FAIL', planted, s.score === null ? '-' : s.score.toFixed(1), s.passed ? 'PASS' : 'FAIL', dev(r.result), asExpected];
  });
  const head = ['variant', 'expected', 'planted', 'score', 'result', 'deviations found', 'as expected'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(r[i].length, 90))));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

const USAGE = 'usage: sopilot demo all [--out-dir DIR (default ./demo-output)] [--seed N] [--scale X] [--port P (default 8000)] [--exit] [--base-url URL --token T]';

const defaultIo = (): DemoIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
});

/** Resolves on the first SIGINT/SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((res) => {
    const on = (sig: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      res(sig);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/** argv: the arguments after "demo all". Exit 0 when every variant was scored, 1 otherwise. */
export async function main(argv: string[], io: DemoIo = defaultIo(), waitForStop: () => Promise<string> = untilSignal): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'out-dir': { type: 'string', default: 'demo-output' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      port: { type: 'string', default: '8000' },
      exit: { type: 'boolean', default: false },
      'base-url': { type: 'string' },
      token: { type: 'string' },
      timeout: { type: 'string' },
    },
    USAGE,
    io,
    2,
  );
  if ('exit' in parsed) return parsed.exit;
  const values = parsed.values;
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  const scale = values.scale === undefined ? undefined : Number(values.scale);
  const port = Number(values.port);
  const timeout = values.timeout === undefined ? 900 : Number(values.timeout);
  if ((seed !== undefined && !Number.isInteger(seed)) || (scale !== undefined && !(scale > 0)) || !Number.isInteger(port) || port < 0 || port > 65535 || !(timeout > 0)) {
    io.err(`--seed and --port must be integers, --scale and --timeout positive numbers\n${USAGE}`);
    return 2;
  }
  const token = values.token ?? io.env.SOPILOT_TOKEN;
  if (values['base-url'] && !token) {
    io.err(`--token (or SOPILOT_TOKEN) is required with --base-url\n${USAGE}`);
    return 2;
  }
  const out = resolve(values['out-dir']!);
  const videos = join(out, 'videos');
  const reports = join(out, 'reports');
  let host: LocalHost | undefined;
  try {
    const t0 = Date.now();
    const { manifest, generated } = await ensureDemo(videos, { seed, scale, log: io.out });
    io.out(`${generated ? 'generated' : 'using'} ${Object.keys(manifest.variants).length} demo videos in ${videos} (seed ${manifest.seed})${generated ? ` in ${((Date.now() - t0) / 1000).toFixed(1)} s` : ''}`);

    let client: SopilotClient;
    if (values['base-url']) {
      client = new SopilotClient({ baseUrl: values['base-url'], token });
      io.out(`using the server at ${values['base-url']}`);
    } else {
      const dataDir = join(out, 'data');
      host = await startLocalHost({ dataDir, port: await freePortOr(port), env: io.env });
      client = new SopilotClient({ baseUrl: host.url, token: host.token });
      io.out(`SOPilot is running at ${host.url} (data in ${dataDir})`);
      io.out(`  admin token: ${host.token}`);
      if (host.auditKey && !io.env.SOPILOT_AUDIT_SIGNING_KEY) {
        await writeFile(join(out, 'audit-signing-key'), host.auditKey + '\n', { mode: 0o600 });
        io.out(`  audit exports are signed with the key in ${join(out, 'audit-signing-key')}`);
      }
    }
    io.out(`scoring ${traineeVariants(manifest).length} variants against gold.mp4 (this takes a minute or two on a laptop CPU) ...`);
    const runs = await runVariants(client, manifest, videos, join(out, 'runs'), { poll: { timeoutMs: timeout * 1000 }, log: io.out });

    await mkdir(reports, { recursive: true });
    for (const r of runs) if (r.result?.artifacts['report.pdf']) await copyFile(r.result.artifacts['report.pdf'], join(reports, `${r.variant}.pdf`));
    io.out('');
    for (const l of formatDemoTable(manifest, runs)) io.out(l);
    io.out('');
    io.out(`PDF reports: ${reports}`);
    io.out(`every artifact (score.json, report.pdf, steps.json, audit-trail.json, queue.json, export.jws): ${join(out, 'runs')}/<variant>/`);
    // Notes (admin-only artifacts skipped, endpoints not available) are the same for every variant: say each once.
    for (const n of new Set(runs.flatMap((r) => r.result?.notes ?? []))) io.out(`note: ${n}`);
    const failed = runs.filter((r) => !r.result).length;

    if (host && !values.exit) {
      io.out('');
      io.out(`The host keeps running for the UI: ${host.url}/ui  (token ${host.token})`);
      io.out('Press Ctrl-C to stop.');
      await waitForStop();
    }
    return failed ? 1 : 0;
  } catch (e) {
    io.err(`demo failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await host?.stop().catch(() => undefined);
  }
}
