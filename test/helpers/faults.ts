/**
 * Services a test may stop and start again: its own s3rver on a fixed port and folder, its own
 * redis-server, its own PostgreSQL cluster. Never the shared ones (other test runs use them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Restartable {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

type S3rverCtor = new (o: Record<string, unknown>) => { run(): Promise<unknown>; close(): Promise<void>; httpServer?: import('node:http').Server };

/** s3rver on a fixed port and folder, so a restart keeps every object. */
export async function restartableS3(bucket: string): Promise<Restartable & { bucket: string }> {
  const { default: S3rver } = (await import('s3rver')) as unknown as { default: S3rverCtor };
  const dir = mkdtempSync(path.join(os.tmpdir(), 's3rver-fault-'));
  const port = await freePort();
  let server: InstanceType<S3rverCtor> | null = null;
  const start = async () => {
    server = new S3rver({ port, address: '127.0.0.1', directory: dir, silent: true, configureBuckets: [{ name: bucket }] });
    await server.run();
  };
  // Stopped like a store that went away: open connections are cut too. close() alone waits for
  // them, and a client mid-upload (a frames stream held by a stage) keeps its connection open.
  const stop = async () => {
    const s = server;
    server = null;
    if (!s) return;
    const closed = s.close();
    s.httpServer?.closeAllConnections();
    await closed;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    bucket,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitPort(port: number, up: boolean, timeoutMs = 15_000): Promise<void> {
  const { connect } = await import('node:net');
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const open = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => (c.destroy(), r(true)));
      c.once('error', () => r(false));
    });
    if (open === up) return;
    await sleep(50);
  }
  throw new Error(`port ${port} still ${up ? 'closed' : 'open'} after ${timeoutMs} ms`);
}

/**
 * A private redis-server on a free port; stop() is a SIGKILL, like a crash. persist: an
 * append-only file fsynced on every write (what production Redis for BullMQ should run), so a
 * restart keeps the queues.
 */
export async function privateRedis(o: { persist?: boolean } = {}): Promise<Restartable> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-fault-'));
  const persistence = o.persist ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no'];
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    await waitPort(port, true);
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p) return;
    p.kill('SIGKILL');
    await waitPort(port, false);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The newest installed server (Debian layout: /usr/lib/postgresql/<version>/bin).
const PG_BIN = (existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [])
  .sort((a, b) => Number(b) - Number(a))
  .map((v) => `/usr/lib/postgresql/${v}/bin`)
  .find((d) => existsSync(path.join(d, 'initdb')));

export function privatePostgresAvailable(): boolean {
  return !!PG_BIN;
}

/**
 * A private PostgreSQL cluster (initdb into a temp folder, trust auth, loopback, a free port),
 * run as the postgres user when this process is root (initdb refuses root).
 */
export async function privatePostgres(): Promise<Restartable> {
  if (!PG_BIN) throw new Error('no PostgreSQL binaries found');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-fault-'));
  const port = await freePort();
  const asPg = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = [path.join(PG_BIN, cmd), ...args];
    const r = asPg ? spawnSync('runuser', ['-u', 'postgres', '--', ...full], { encoding: 'utf8' }) : spawnSync(full[0], full.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  if (asPg) spawnSync('chown', ['postgres:postgres', dir]);
  run('initdb', ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const start = async () => {
    run('pg_ctl', ['-D', dir, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
  };
  // -m immediate: like a crash (no checkpoint), clients see their connections cut.
  const stop = async () => {
    run('pg_ctl', ['-D', dir, '-m', 'immediate', '-w', 'stop']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
