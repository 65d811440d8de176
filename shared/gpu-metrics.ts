import { execFile } from 'node:child_process';
import { gpuMemoryBytes } from './metrics.js';

/**
 * Parses `nvidia-smi --query-compute-apps=pid,used_memory,gpu_uuid --format=csv,noheader,nounits`
 * into this process's GPU memory (MiB -> bytes) per device.
 */
export function parseComputeApps(csv: string, pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of csv.split('\n')) {
    const [p, mem, uuid] = line.split(',').map((x) => x.trim());
    if (!p || Number(p) !== pid || !uuid) continue;
    const mib = Number(mem);
    if (Number.isFinite(mib)) out.set(uuid, (out.get(uuid) ?? 0) + mib * 1024 * 1024);
  }
  return out;
}

let last = 0;
/**
 * Refreshes sopilot_gpu_memory_bytes from nvidia-smi when a GPU backend is in use (at most every
 * 5 s, on /metrics scrapes). No GPU, no nvidia-smi: nothing is exported, nothing fails.
 */
export async function refreshGpuMemory(gpuInUse: boolean, nvidiaSmi = 'nvidia-smi'): Promise<void> {
  if (!gpuInUse || Date.now() - last < 5000) return;
  last = Date.now();
  const csv = await new Promise<string | null>((resolve) =>
    execFile(nvidiaSmi, ['--query-compute-apps=pid,used_memory,gpu_uuid', '--format=csv,noheader,nounits'], { timeout: 2000 }, (err, stdout) =>
      resolve(err ? null : stdout),
    ),
  );
  if (csv === null) return;
  gpuMemoryBytes.reset();
  for (const [device, bytes] of parseComputeApps(csv, process.pid)) gpuMemoryBytes.set({ device }, bytes);
}
