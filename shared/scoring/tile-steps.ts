// Steps as the engine needs them: tiling the gold's clips. Steps a supervisor sets by time may
// leave the idle lead-in and tail, or a pause between two steps, to no step; the engine gives
// such clips to the nearest step (the lead-in to the first, the tail to the last, a gap split at
// its middle), so every gold clip belongs to a step while the stored steps keep their own times.
import type { GoldStep } from './types.js';

export function tileSteps(steps: GoldStep[], n: number): GoldStep[] {
  if (!steps.length) return steps;
  const out = steps.map((s) => ({ ...s }));
  out[0].start_clip = 0;
  out[out.length - 1].end_clip = n;
  for (let k = 1; k < out.length; k++) {
    const gap = out[k].start_clip - out[k - 1].end_clip;
    if (gap === 0) continue;
    const cut = out[k - 1].end_clip + Math.floor(gap / 2);
    out[k - 1].end_clip = cut;
    out[k].start_clip = cut;
  }
  return out;
}
