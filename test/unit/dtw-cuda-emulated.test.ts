// The CUDA kernels (native/cuda/dtw_cuda.cu) built for the CPU against an emulation of the CUDA
// execution model (native/cuda/emu/), loaded through the same loader and C interface as the real
// library. This checks their logic on every machine; speed and the real device are checked on a
// GPU machine (dtw-native.test.ts, bench:dtw).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureDtw, dtwBackendInfo } from '../../shared/alignment/index.js';
import { buildCudaEmulation } from '../../scripts/build-cuda-emulation.mjs';
import { SHAPES, checkCudaBatchAndCost, checkCudaPairs } from './dtw-cuda-checks.js';

const hasCxx = spawnSync(process.env.CXX || 'g++', ['--version']).status === 0;
let skip: string | false = hasCxx ? false : 'no C++ compiler to build the emulation';
if (!skip) {
  const dir = mkdtempSync(join(tmpdir(), 'sopilot-cuda-emu-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  configureDtw({ cudaLibraryPath: buildCudaEmulation(dir) });
  const info = dtwBackendInfo();
  if (!info.native.available) skip = `native addon not built: ${info.native.message}`;
}

test('cuda (emulated): the loader takes the library and auto selects it', { skip }, () => {
  const info = dtwBackendInfo();
  assert.equal(info.cuda.available, true, info.cuda.message);
  assert.equal(info.cuda.devices, 1);
  assert.equal(info.selected, 'cuda');
});

test('cuda (emulated): one pair matches the reference on every variant and band', { skip }, () => {
  checkCudaPairs();
});

test('cuda (emulated): batched mode and the cost matrix match the reference', { skip }, async () => {
  await checkCudaBatchAndCost();
});

test('cuda (emulated): the global-memory DP path (gold too long for shared memory) matches too', { skip }, async () => {
  process.env.SDTW_EMU_SHARED_LIMIT = '1024';
  try {
    checkCudaPairs(SHAPES.filter(([n]) => n > 16));
    await checkCudaBatchAndCost();
  } finally {
    delete process.env.SDTW_EMU_SHARED_LIMIT;
  }
});

test('cuda (emulated): a gold longer than one block of threads (rows strided over threads)', { skip }, () => {
  checkCudaPairs([[1100, 37, 8]], ['open_end', 'subsequence'], [undefined]);
});
