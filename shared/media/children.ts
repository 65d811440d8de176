import type { ChildProcess } from 'node:child_process';

/** ffmpeg/ffprobe processes this process started and that are still running. */
const live = new Set<ChildProcess>();

/** Remembers a child until it exits, so shutdown can kill it instead of leaving it behind. */
export function trackChild<T extends ChildProcess | undefined>(p: T): T {
  if (!p || p.exitCode !== null) return p;
  live.add(p);
  p.once('exit', () => live.delete(p));
  return p;
}

/** Kills every tracked child (shutdown); returns how many were running. */
export function killChildren(signal: NodeJS.Signals = 'SIGKILL'): number {
  const n = live.size;
  for (const p of live) p.kill(signal);
  return n;
}

export function liveChildPids(): number[] {
  return [...live].map((p) => p.pid!).filter(Boolean);
}
