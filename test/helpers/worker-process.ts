import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface WorkerProcess {
  proc: ChildProcess;
  /** Resolves with the exit code (or signal) when the process is gone. */
  exited: Promise<number | string>;
  output(): string;
}

/** `sopilot-worker` in its own process (so it can be killed), with the given SOPILOT_* settings. */
export function startWorker(env: Record<string, string>, queues = 'ingest,score,training'): WorkerProcess {
  const proc = spawn(process.execPath, [path.join(root, 'bin/sopilot-worker.js'), '--queues', queues, '--no-http'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SOPILOT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  proc.stderr!.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  const exited = new Promise<number | string>((r) => proc.once('exit', (code, sig) => r(code ?? sig ?? -1)));
  return { proc, exited, output: () => out };
}

/** Pids of running processes whose parent is `ppid` and whose command name contains `name`. */
export function childrenOf(ppid: number, name = 'ffmpeg'): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid ...
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m && Number(m[2]) === ppid && m[1].includes(name)) out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited
  } catch {
    return false;
  }
}
