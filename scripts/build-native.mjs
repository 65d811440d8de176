#!/usr/bin/env node
// Builds the native DTW addon (native/ via node-gyp) and, when nvcc exists, the optional CUDA
// library loaded by the addon at run time. Never fails the install: on any build failure it
// prints one clear warning and exits 0, and the project runs on the TypeScript DTW path.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const outDir = join(nativeDir, 'build', 'Release');

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function lastLines(text, n = 15) {
  return text.trim().split('\n').slice(-n).join('\n');
}

// node-gyp downloads headers unless told where they are; this machine is offline, so use the
// headers of the running Node when they are installed next to it (e.g. /usr/include/node).
function gypArgs() {
  const args = ['rebuild', '--release'];
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  return args;
}

function buildAddon() {
  const gyp = join(root, 'node_modules', '.bin', 'node-gyp');
  if (!existsSync(gyp)) return { ok: false, why: 'node-gyp is not installed (devDependency)' };
  const r = run(gyp, gypArgs(), nativeDir);
  if (!r.ok) return { ok: false, why: `node-gyp failed:\n${lastLines(r.out)}` };
  return { ok: true };
}

function findNvcc() {
  for (const p of ['/usr/local/bin/nvcc', '/usr/local/cuda/bin/nvcc', '/usr/bin/nvcc']) if (existsSync(p)) return p;
  const r = run('sh', ['-c', 'command -v nvcc'], root);
  return r.ok ? r.out.trim() : null;
}

function buildCuda() {
  const nvcc = findNvcc();
  if (!nvcc) return { ok: false, skipped: true, why: 'nvcc not found; CUDA backend not built' };
  mkdirSync(outDir, { recursive: true });
  // Static cudart: the library needs only the driver (libcuda) at run time, and loads even
  // without one (cudaGetDeviceCount then reports no device).
  const args = [
    '-O3', '-std=c++17', '-shared', '-Xcompiler', '-fPIC', '-cudart', 'static',
    '-gencode', 'arch=compute_80,code=sm_80',
    '-gencode', 'arch=compute_90,code=sm_90',
    '-gencode', 'arch=compute_90,code=compute_90',
    '-o', join(outDir, 'libsopilot_dtw_cuda.so'), join(nativeDir, 'cuda', 'dtw_cuda.cu'),
  ];
  const r = run(nvcc, args, nativeDir);
  if (!r.ok) return { ok: false, why: `nvcc failed:\n${lastLines(r.out)}` };
  return { ok: true };
}

const addon = buildAddon();
if (!addon.ok) {
  console.warn(`[sopilot] WARNING: native DTW addon not built; DTW will use the TypeScript path. ${addon.why}`);
  process.exit(0);
}
console.log('[sopilot] native DTW addon built: native/build/Release/sopilot_dtw.node');
const cuda = buildCuda();
if (cuda.ok) console.log('[sopilot] CUDA DTW library built: native/build/Release/libsopilot_dtw_cuda.so');
else console.warn(`[sopilot] ${cuda.skipped ? 'note' : 'WARNING'}: ${cuda.why} (CPU addon unaffected)`);
process.exit(0);
