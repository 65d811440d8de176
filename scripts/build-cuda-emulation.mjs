#!/usr/bin/env node
// Builds native/cuda/dtw_cuda.cu for the CPU, against the CUDA emulation in native/cuda/emu/,
// as a library with the same C interface as the real one. Tests load it in place of the CUDA
// library to check the kernels' logic where no GPU is (see native/cuda/emu/cuda_runtime.h).
// Usage: node scripts/build-cuda-emulation.mjs [outDir]  (prints the library's path)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cudaDir = join(root, 'native', 'cuda');

/** Rewrites every `kernel<<<a, b, ...>>>(` into `emu::launch(emu::cfg(a, b, ...), kernel, `. */
export function rewriteLaunches(src) {
  return src.replace(/([A-Za-z_]\w*(?:<[^<>;]*>)?)<<<([^;]*?)>>>\(/g, 'emu::launch(emu::cfg($2), $1, ');
}

export function buildCudaEmulation(outDir) {
  mkdirSync(outDir, { recursive: true });
  const src = join(outDir, 'dtw_cuda_emu.cc');
  const lib = join(outDir, 'libsopilot_dtw_cuda_emu.so');
  writeFileSync(src, `#line 1 "${join(cudaDir, 'dtw_cuda.cu')}"\n${rewriteLaunches(readFileSync(join(cudaDir, 'dtw_cuda.cu'), 'utf8'))}`);
  const args = ['-std=c++20', '-O2', '-g', '-fPIC', '-shared', '-pthread', '-ffp-contract=off', '-Wall', '-Wno-unknown-pragmas',
    '-I', join(cudaDir, 'emu'), '-I', cudaDir, '-o', lib, src];
  const r = spawnSync(process.env.CXX || 'g++', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the CUDA emulation failed:\n${r.stderr || r.error}`);
  return lib;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(buildCudaEmulation(resolve(process.argv[2] ?? join(root, 'native', 'build', 'emu'))));
}
