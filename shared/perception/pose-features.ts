/**
 * A fixed-length pose vector for matching steps across takes (pure; no model).
 *
 * Layout (POSE_FEATURE_DIM = 17 * 3 + 1 = 52):
 *   [3k, 3k+1, 3k+2] for keypoint k in KEYPOINT_NAMES order: x − 0.5, y − 0.5, 1 when the
 *   keypoint's score ≥ minKeypointScore; all three 0 otherwise. Positions are fractions of the
 *   frame (registered frame, if that is what pose ran on), centred so that cosine similarity
 *   compares where the joints are rather than that they are all positive. Clamped to ±0.5.
 *   [51] no-person flag: 1 when fewer than minKeypoints keypoints pass the gate; then every
 *   other entry is 0, so two frames without a person match each other and no frame with one.
 * The presence entries make "the same joints are visible" count on their own, and a joint the
 * model is unsure of adds nothing rather than a guessed position.
 */
import { KEYPOINT_NAMES, type Keypoint } from './pose.js';

export const POSE_FEATURE_DIM = KEYPOINT_NAMES.length * 3 + 1;

export interface PoseFeatureOptions {
  /**
   * Keypoint gate. Default 0.4, measured on ../shared/footage (docs/models.md): on 43 frames of
   * task_3/task_9 take 1 (a robot, no person) no keypoint reached 0.4 (highest ~0.37), while on
   * the clips that show a person's torso (human_task_33, _47) 3-9 keypoints per frame did.
   */
  minKeypointScore?: number;
  /** Fewest gated keypoints that count as a person. Default 3. */
  minKeypoints?: number;
}

export function poseFeatures(keypoints: readonly Keypoint[], opts: PoseFeatureOptions = {}): Float32Array {
  if (keypoints.length !== KEYPOINT_NAMES.length) throw new Error(`poseFeatures: expected ${KEYPOINT_NAMES.length} keypoints, got ${keypoints.length}`);
  const minScore = opts.minKeypointScore ?? 0.4;
  const minCount = opts.minKeypoints ?? 3;
  const out = new Float32Array(POSE_FEATURE_DIM);
  const clamp = (v: number) => Math.max(-0.5, Math.min(0.5, v - 0.5));
  let count = 0;
  KEYPOINT_NAMES.forEach((name, k) => {
    const p = keypoints.find((q) => q.name === name);
    if (!p || !(p.score >= minScore) || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
    out[3 * k] = clamp(p.x);
    out[3 * k + 1] = clamp(p.y);
    out[3 * k + 2] = 1;
    count++;
  });
  if (count < minCount) {
    out.fill(0);
    out[POSE_FEATURE_DIM - 1] = 1;
  }
  return out;
}
