// Camera registration: how a trainee's camera differs from the gold's, from the two videos'
// median frames (the static scene). ORB keypoints matched both ways, RANSAC on a homography
// to keep the matches that agree, then a least-squares similarity (zoom, rotation, shift) on
// those inliers, and a photometric gain/offset on the registered pixels. The inlier share says
// whether it is the same scene at all: another room matches a few percent, the same view
// half or more (../shared/footage study).
import { loadOpenCv, type CV } from './opencv.js';
import { sample, type GreyImage } from './image.js';

/** Maps a gold pixel (x, y) to the trainee pixel that shows the same scene point. */
export interface Similarity {
  /** x' = a x - b y + tx,  y' = b x + a y + ty */
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export const IDENTITY: Similarity = { a: 1, b: 0, tx: 0, ty: 0 };

export interface CameraChange {
  same_scene: boolean;
  /** Whether the static scenes registered (same_scene may still hold when the footage matches the gold's steps). */
  registered?: boolean;
  /** > 1: the trainee camera sees the scene larger (zoomed in). */
  zoom: number;
  /** Where the gold's centre lies in the trainee frame, minus the centre, as fractions of the frame. */
  shift_x: number;
  shift_y: number;
  rotation_deg: number;
  /** trainee ≈ gain * gold + offset on the registered static scene. */
  brightness_gain: number;
  brightness_offset: number;
  /** RANSAC inliers / cross-checked matches. */
  match_ratio: number;
  inliers: number;
  matches: number;
  /**
   * Share of the work grid's cells left out of the comparison because only one of the two videos
   * shows activity there (a passer-by, the machine parked elsewhere; perception/shared-work.ts).
   */
  unshared_cells?: number;
}

export interface RegistrationOptions {
  /** Keypoints per image (default 1500). */
  features?: number;
  /** RANSAC reprojection threshold in pixels (default 3). */
  ransacPx?: number;
  /** Same scene when the inlier share and count reach these (defaults 0.25 and 20). */
  minMatchRatio?: number;
  minInliers?: number;
}

/** The same transform between images scaled by kg (gold) and kt (trainee): p' = kt T(p / kg). */
export function rescaleSimilarity(t: Similarity, kg: number, kt: number): Similarity {
  const k = kt / kg;
  return { a: t.a * k, b: t.b * k, tx: t.tx * kt, ty: t.ty * kt };
}

export function applySimilarity(t: Similarity, x: number, y: number): [number, number] {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

/** Least-squares similarity taking points p to q (Umeyama, no reflection). */
export function fitSimilarity(p: Array<[number, number]>, q: Array<[number, number]>): Similarity {
  const n = p.length;
  if (n < 2) return IDENTITY;
  let mpx = 0, mpy = 0, mqx = 0, mqy = 0;
  for (let i = 0; i < n; i++) {
    mpx += p[i][0]; mpy += p[i][1]; mqx += q[i][0]; mqy += q[i][1];
  }
  mpx /= n; mpy /= n; mqx /= n; mqy /= n;
  let sxx = 0, sxy = 0, pp = 0;
  for (let i = 0; i < n; i++) {
    const px = p[i][0] - mpx, py = p[i][1] - mpy, qx = q[i][0] - mqx, qy = q[i][1] - mqy;
    sxx += px * qx + py * qy;
    sxy += px * qy - py * qx;
    pp += px * px + py * py;
  }
  if (pp <= 0) return IDENTITY;
  const a = sxx / pp;
  const b = sxy / pp;
  return { a, b, tx: mqx - (a * mpx - b * mpy), ty: mqy - (b * mpx + a * mpy) };
}

function toMat(cv: CV, img: GreyImage) {
  const m = new cv.Mat(img.height, img.width, cv.CV_8UC1);
  const d = m.data as Uint8Array;
  for (let i = 0; i < img.data.length; i++) d[i] = Math.max(0, Math.min(255, Math.round(img.data[i])));
  return m;
}

/**
 * Photometric fit trainee ≈ g * gold + o over the registered pixels. Symmetric (the ratio of
 * standard deviations, as in orthogonal regression): both images carry noise and moving things,
 * and a plain least-squares slope would shrink towards 0 because of them.
 */
export function fitGain(gold: GreyImage, trainee: GreyImage, t: Similarity): { gain: number; offset: number } {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
  for (let y = 0; y < gold.height; y += 2) {
    for (let x = 0; x < gold.width; x += 2) {
      const [u, v] = applySimilarity(t, x, y);
      if (u < 0 || v < 0 || u > trainee.width - 1 || v > trainee.height - 1) continue;
      const g = gold.data[y * gold.width + x];
      const tr = sample(trainee, u, v);
      n++; sx += g; sy += tr; sxx += g * g; syy += tr * tr;
    }
  }
  if (n < 10) return { gain: 1, offset: 0 };
  const vx = sxx / n - (sx / n) ** 2;
  const vy = syy / n - (sy / n) ** 2;
  const gain = vx > 1e-6 ? Math.sqrt(vy / vx) : 1;
  return { gain, offset: sy / n - gain * (sx / n) };
}

/** Registers the trainee's static scene to the gold's; both images the same size. */
export async function registerCamera(gold: GreyImage, trainee: GreyImage, o: RegistrationOptions = {}): Promise<{ camera: CameraChange; transform: Similarity }> {
  const cv = await loadOpenCv();
  const mats: Array<{ delete(): void }> = [];
  const keep = <T extends { delete(): void }>(m: T) => (mats.push(m), m);
  try {
    const g = keep(toMat(cv, gold));
    const t = keep(toMat(cv, trainee));
    const orb = keep(new cv.ORB(o.features ?? 1500));
    const none = keep(new cv.Mat());
    const kg = keep(new cv.KeyPointVector()), kt = keep(new cv.KeyPointVector());
    const dg = keep(new cv.Mat()), dt = keep(new cv.Mat());
    orb.detectAndCompute(g, none, kg, dg);
    orb.detectAndCompute(t, none, kt, dt);
    const fail = (matches: number, match_ratio = 0, inliers = 0): { camera: CameraChange; transform: Similarity } => ({
      camera: { same_scene: false, zoom: 1, shift_x: 0, shift_y: 0, rotation_deg: 0, brightness_gain: 1, brightness_offset: 0, match_ratio, inliers, matches },
      transform: IDENTITY,
    });
    if (dg.rows < 8 || dt.rows < 8) return fail(0);
    const bf = keep(new cv.BFMatcher(cv.NORM_HAMMING, true));
    const mv = keep(new cv.DMatchVector());
    bf.match(dg, dt, mv);
    const n = mv.size();
    if (n < 8) return fail(n);
    const p: Array<[number, number]> = [];
    const q: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const m = mv.get(i);
      const a = kg.get(m.queryIdx).pt;
      const b = kt.get(m.trainIdx).pt;
      p.push([a.x, a.y]);
      q.push([b.x, b.y]);
    }
    const src = keep(cv.matFromArray(n, 1, cv.CV_32FC2, p.flat()));
    const dst = keep(cv.matFromArray(n, 1, cv.CV_32FC2, q.flat()));
    const mask = keep(new cv.Mat());
    const H = keep(cv.findHomography(src, dst, cv.RANSAC, o.ransacPx ?? 3, mask));
    const pi: Array<[number, number]> = [];
    const qi: Array<[number, number]> = [];
    if (!H.empty()) for (let i = 0; i < n; i++) if ((mask.data as Uint8Array)[i]) (pi.push(p[i]), qi.push(q[i]));
    const inliers = pi.length;
    const ratio = inliers / n;
    const same = ratio >= (o.minMatchRatio ?? 0.25) && inliers >= (o.minInliers ?? 20);
    if (!same) return fail(n, round(ratio, 3), inliers);
    const s = fitSimilarity(pi, qi);
    const { gain, offset } = fitGain(gold, trainee, s);
    const [cx, cy] = applySimilarity(s, gold.width / 2, gold.height / 2);
    return {
      camera: {
        same_scene: true,
        zoom: round(Math.hypot(s.a, s.b), 4),
        shift_x: round((cx - gold.width / 2) / gold.width, 4),
        shift_y: round((cy - gold.height / 2) / gold.height, 4),
        rotation_deg: round((Math.atan2(s.b, s.a) * 180) / Math.PI, 3),
        brightness_gain: round(gain, 3),
        brightness_offset: round(offset, 2),
        match_ratio: round(ratio, 3),
        inliers,
        matches: n,
      },
      transform: s,
    };
  } finally {
    for (const m of mats) m.delete();
  }
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
