import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseComputeApps, refreshGpuMemory } from '../../shared/gpu-metrics.js';
import { registry } from '../../shared/metrics.js';

test('parses nvidia-smi compute apps for this process only', () => {
  const csv = `${process.pid}, 512, GPU-aaa\n4242, 100, GPU-aaa\n${process.pid}, 256, GPU-bbb\n`;
  const m = parseComputeApps(csv, process.pid);
  assert.deepEqual([...m.entries()], [['GPU-aaa', 512 * 1024 * 1024], ['GPU-bbb', 256 * 1024 * 1024]]);
  assert.equal(parseComputeApps('', process.pid).size, 0);
});

test('refreshGpuMemory exports the gauge when a GPU is in use, and is silent without nvidia-smi', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'smi-'));
  const fake = path.join(dir, 'nvidia-smi');
  writeFileSync(fake, `#!/bin/sh\necho "${process.pid}, 1024, GPU-test"\n`);
  chmodSync(fake, 0o755);
  await refreshGpuMemory(false, fake);
  assert.doesNotMatch(await registry.metrics(), /sopilot_gpu_memory_bytes\{/);
  await refreshGpuMemory(true, fake);
  assert.match(await registry.metrics(), /sopilot_gpu_memory_bytes\{device="GPU-test"\} 1073741824/);
  await refreshGpuMemory(true, path.join(dir, 'missing-binary')); // throttled or absent: no throw
});
