import { parseArgs } from 'node:util';
import { promises as fs, readFileSync, existsSync } from 'node:fs';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseWho, whoFromSegments } from '../shared/video-repo/who.js';

/**
 * sopilot-watch: for plants without S3 notifications. Watches DIR laid out as
 * <task_id>/<gold|trainee|audit>/[worker_id=…/][station=…/][shift=…/]<file>, and uploads each new file through the API once it has
 * stopped growing. What was uploaded is remembered in DIR/.sopilot-watch.json (by path, size, mtime).
 */
export interface WatchOptions {
  dir: string;
  baseUrl: string;
  token: string;
  intervalMs: number;
  stableMs: number;
  once: boolean;
  log: (msg: string) => void;
}

const VIDEO_EXT = /\.(mp4|mov|m4v|mkv|webm|avi|ts|mpg|mpeg)$/i;
const ROLES = new Set(['gold', 'trainee', 'audit']);
const warned = new Set<string>();

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

/** Video files under a role folder, with the key=value folders (who/where) on the way to each. */
async function videoFiles(dir: string, segments: string[] = []): Promise<Array<{ file: string; name: string; segments: string[] }>> {
  let entries: import('node:fs').Dirent[] = [];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: Array<{ file: string; name: string; segments: string[] }> = [];
  for (const e of entries) {
    if (e.isFile() && VIDEO_EXT.test(e.name)) out.push({ file: path.join(dir, e.name), name: e.name, segments });
    else if (e.isDirectory() && segments.length < 3 && /^(worker_id|station|shift)=/.test(e.name)) out.push(...(await videoFiles(path.join(dir, e.name), [...segments, e.name])));
  }
  return out;
}

export async function scanOnce(o: WatchOptions, pending: Map<string, Seen>, done: Record<string, { size: number; mtimeMs: number; video_id: string }>): Promise<number> {
  let uploaded = 0;
  let tasks: string[] = [];
  try {
    tasks = await fs.readdir(o.dir);
  } catch (e) {
    throw new Error(`cannot read watch folder ${o.dir}: ${(e as Error).message}`);
  }
  for (const task of tasks) {
    if (task.startsWith('.') || !/^[A-Za-z0-9._:-]{1,200}$/.test(task)) continue;
    for (const role of ROLES) {
      for (const { file, name, segments } of await videoFiles(path.join(o.dir, task, role))) {
        const st = await fs.stat(file).catch(() => null);
        if (!st?.isFile()) continue;
        const prev = done[file];
        if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs) continue;
        const seen = pending.get(file);
        const now = Date.now();
        // Upload only once size and mtime have not changed for stableMs (the copy has finished).
        if (!seen || seen.size !== st.size || seen.mtimeMs !== st.mtimeMs) {
          pending.set(file, { size: st.size, mtimeMs: st.mtimeMs, since: now });
          if (!o.once) continue;
        } else if (now - seen.since < o.stableMs) continue;
        const who = parseWho(whoFromSegments(segments).who);
        if (!who.ok) {
          // Said once per file and process: the folder name will not fix itself between scans.
          if (!warned.has(file)) o.log(`skipping ${file}: ${who.error}`);
          warned.add(file);
          continue;
        }
        const form = new FormData();
        form.set('task_id', task);
        form.set('role', role);
        for (const [k, v] of Object.entries(who.who)) if (v) form.set(k, v);
        form.set('file', await openAsBlob(file), name);
        const res = await fetch(`${o.baseUrl.replace(/\/$/, '')}${role === 'gold' ? '/gold' : '/videos'}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${o.token}` },
          body: form,
        });
        const body = (await res.json().catch(() => ({}))) as { video_id?: string; error?: { message: string } };
        if (!res.ok) {
          o.log(`upload of ${file} failed: ${res.status} ${body.error?.message ?? ''}`);
          continue;
        }
        done[file] = { size: st.size, mtimeMs: st.mtimeMs, video_id: body.video_id! };
        pending.delete(file);
        uploaded++;
        o.log(`uploaded ${file} as ${body.video_id} (task ${task}, ${role}${who.who.worker_id ? `, worker ${who.who.worker_id}` : ''})`);
      }
    }
  }
  return uploaded;
}

export async function watch(o: WatchOptions): Promise<void> {
  const stateFile = path.join(o.dir, '.sopilot-watch.json');
  const done = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  const pending = new Map<string, Seen>();
  for (;;) {
    const n = await scanOnce(o, pending, done);
    if (n > 0) await fs.writeFile(stateFile, JSON.stringify(done, null, 2));
    if (o.once) return;
    await sleep(o.intervalMs);
  }
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'base-url': { type: 'string', default: process.env.SOPILOT_BASE_URL ?? 'http://127.0.0.1:8000' },
      token: { type: 'string', default: process.env.SOPILOT_TOKEN },
      interval: { type: 'string', default: '2000' },
      stable: { type: 'string', default: '5000' },
      once: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const dir = positionals[0];
  if (values.help || !dir) {
    console.error('usage: sopilot-watch DIR [--base-url URL] [--token T] [--interval ms] [--stable ms] [--once]\n  DIR/<task_id>/<gold|trainee|audit>/[worker_id=W/][station=S/][shift=X/]<video file> is uploaded once it stops growing');
    return values.help ? 0 : 2;
  }
  if (!values.token) {
    console.error('a token is needed: --token T or SOPILOT_TOKEN (an operator or admin token)');
    return 2;
  }
  await watch({
    dir: path.resolve(dir),
    baseUrl: values['base-url']!,
    token: values.token,
    intervalMs: Number(values.interval),
    stableMs: Number(values.stable),
    once: values.once!,
    log: (m) => console.log(`${new Date().toISOString()} ${m}`),
  });
  return 0;
}
