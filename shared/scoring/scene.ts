// A trainee filmed in another scene than the gold's (another room, another station) cannot be
// checked step by step against it: the engine says so in words instead of reporting every step
// missing, keeps the per-step table as information, and the run does not pass.
import type { CameraChange } from '../perception/registration.js';
import type { ScoreOutcome } from './types.js';

export function otherSceneOutcome(o: ScoreOutcome, camera: CameraChange): ScoreOutcome {
  const pct = (x: number) => `${Math.round(100 * x)} %`;
  return {
    ...o,
    passed: false,
    deviations: [],
    camera,
    notice:
      `The trainee video shows another scene than the gold: only ${camera.inliers} of ${camera.matches} matched keypoints of the static scene agree ` +
      `(${pct(camera.match_ratio)}; the same view gives 25 % or more). Its steps cannot be checked against this gold, so the run is not passed; ` +
      'record it at the gold\'s station, or upload a gold filmed in this scene.',
    breakdown: { ...o.breakdown, scene_differs: 1, deviations_withheld: o.deviations.length },
  };
}
