// Turns one planned segment (a step scene, a style, a length, a look) into an ffmpeg command:
// lavfi colour sources, drawbox for the static layout and timed state changes, overlay with
// per-frame expressions for the moving hand/tool/part, then noise, brightness flicker and a
// time-varying crop for camera jitter. The scene is drawn on a canvas a margin larger than
// the output so the jittering crop never leaves it.
import { DEMO_STEPS, type Box, type Mover, type Path, type SceneLook, type Texture } from './scenes.js';
import type { SegmentPlan, ViewChange } from './plan.js';

export interface RenderSize {
  width: number;
  height: number;
  fps: number;
}

const num = (x: number) => (Math.round(x * 1e4) / 1e4).toString();

/** Margin for the jittering crop: ~4% of the width, even (yuv420p). */
export function jitterMargin(width: number): number {
  return Math.max(2, 2 * Math.round(width * 0.02));
}

function textureBoxes(t: Texture): Box[] {
  const out: Box[] = [];
  switch (t.kind) {
    case 'hstripes':
      for (let y = t.period / 2; y < 1; y += t.period) out.push({ x: 0, y, w: 1, h: t.thickness, color: t.color });
      break;
    case 'vstripes':
      for (let x = t.period / 2; x < 1; x += t.period) out.push({ x, y: 0, w: t.thickness, h: 1, color: t.color });
      break;
    case 'grid':
      for (let p = t.period / 2; p < 1; p += t.period) {
        out.push({ x: 0, y: p, w: 1, h: t.thickness, color: t.color });
        out.push({ x: p, y: 0, w: t.thickness, h: 1, color: t.color });
      }
      break;
    case 'checker':
      for (let r = 0; r < t.rows; r++)
        for (let c = r % 2; c < t.cols; c += 2) out.push({ x: c / t.cols, y: r / t.rows, w: 1 / t.cols, h: 1 / t.rows, color: t.color });
      break;
    case 'dots':
      for (let r = 0; r < t.rows; r++)
        for (let c = 0; c < t.cols; c++) out.push({ x: (c + 0.5) / t.cols - t.size / 2, y: (r + 0.5) / t.rows - t.size / 2, w: t.size, h: t.size, color: t.color });
      break;
  }
  return out;
}

function drawbox(b: Box, W: number, H: number, D: number): string {
  const x = Math.round(b.x * W);
  const y = Math.round(b.y * H);
  const w = Math.max(1, Math.round(b.w * W));
  const h = Math.max(1, Math.round(b.h * H));
  const conds: string[] = [];
  if (b.when) conds.push(`gte(t\\,${num(b.when[0] * D)})*lt(t\\,${num(b.when[1] * D)})`);
  if (b.blinkSec) conds.push(`lt(mod(t\\,${num(b.blinkSec)})\\,${num(b.blinkSec / 2)})`);
  const enable = conds.length ? `:enable='${conds.join('*')}'` : '';
  return `drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=${b.color}:t=fill${enable}`;
}

/** Centre position of a path as [x, y] ffmpeg expressions in fractions of the canvas. */
function pathExpr(p: Path, D: number): [string, string] {
  const U = `min(t/${num(D)},1)`;
  const lerp = (a: number, b: number, f: string) => `(${num(a)}+${num(b - a)}*${f})`;
  switch (p.kind) {
    case 'still':
      return [num(p.at[0]), num(p.at[1])];
    case 'line':
      return [lerp(p.from[0], p.to[0], U), lerp(p.from[1], p.to[1], U)];
    case 'reach':
      return [lerp(p.from[0], p.to[0], `sin(PI*${U})`), lerp(p.from[1], p.to[1], `sin(PI*${U})`)];
    case 'sweep': {
      const f = `(0.5-0.5*cos(2*PI*${num(p.cycles)}*${U}))`;
      return [lerp(p.from[0], p.to[0], f), lerp(p.from[1], p.to[1], f)];
    }
    case 'circle': {
      const a = `2*PI*${num(p.turns)}*${U}`;
      return [`(${num(p.c[0])}+${num(p.r[0])}*cos(${a}))`, `(${num(p.c[1])}+${num(p.r[1])}*sin(${a}))`];
    }
    case 'zigzag': {
      const s = `sin(2*PI*${num(p.cycles)}*${U})`;
      return [`(${lerp(p.from[0], p.to[0], U)}+${num(p.amp[0])}*${s})`, `(${lerp(p.from[1], p.to[1], U)}+${num(p.amp[1])}*${s})`];
    }
  }
}

function overlay(m: Mover, W: number, H: number, D: number): string {
  const [ex, ey] = pathExpr(m.path, D);
  const [ox, oy] = m.offset ?? [0, 0];
  const w = Math.max(1, Math.round(m.w * W));
  const h = Math.max(1, Math.round(m.h * H));
  return `overlay=x='${W}*(${ex}+${num(ox)})-${w / 2}':y='${H}*(${ey}+${num(oy)})-${h / 2}':eval=frame`;
}

export function moverSize(m: Mover, W: number, H: number): [number, number] {
  return [Math.max(1, Math.round(m.w * W)), Math.max(1, Math.round(m.h * H))];
}

/** ffmpeg arguments that render `seg` to outPath (H.264, yuv420p, exactly seg.frames frames). */
export function segmentArgs(seg: SegmentPlan, size: RenderSize, outPath: string): string[] {
  const { width, height, fps } = size;
  const m = jitterMargin(width);
  const W = width + 2 * m;
  const H = height + 2 * m;
  const D = seg.frames / fps;
  const sceneLook: SceneLook = DEMO_STEPS[seg.step][seg.style === 'deviation' ? 'deviation' : 'normal'];
  const dur = num(D + 1 / fps); // a little extra; -frames:v cuts exactly

  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'];
  args.push('-f', 'lavfi', '-i', `color=c=${sceneLook.background}:s=${W}x${H}:r=${fps}:d=${dur}`);
  sceneLook.movers.forEach((mv) => {
    const [w, h] = moverSize(mv, W, H);
    args.push('-f', 'lavfi', '-i', `color=c=${mv.color}:s=${w}x${h}:r=${fps}:d=${dur}`);
  });

  const layout = [...textureBoxes(sceneLook.texture), ...sceneLook.boxes].map((b) => drawbox(b, W, H, D));
  const chain: string[] = [`[0:v]${layout.join(',')}[l0]`];
  sceneLook.movers.forEach((mv, i) => chain.push(`[l${i}][${i + 1}:v]${overlay(mv, W, H, D)}[l${i + 1}]`));
  const { jitter: j, flicker: f } = seg.look;
  const cx = `${m}+${m}*${num(j.ax)}*sin(2*PI*${num(j.fx)}*t+${num(j.px)})`;
  const cy = `${m}+${m}*${num(j.ay)}*sin(2*PI*${num(j.fy)}*t+${num(j.py)})`;
  chain.push(
    `[l${sceneLook.movers.length}]` +
      `noise=alls=${seg.look.noiseStrength}:allf=t+u:all_seed=${seg.look.noiseSeed},` +
      `eq=brightness='${num(f.amp)}*sin(2*PI*${num(f.freq)}*t+${num(f.phase)})':eval=frame,` +
      `crop=${width}:${height}:x='${cx}':y='${cy}',format=yuv420p[v]`,
  );
  args.push('-filter_complex', chain.join(';'), '-map', '[v]', '-an');
  // One encoder thread: identical output run to run; the generator runs segments in parallel.
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-threads', '1');
  args.push('-g', String(2 * fps), '-r', String(fps), '-frames:v', String(seg.frames), '-movflags', '+faststart', outPath);
  return args;
}

/**
 * ffmpeg filter that re-films a rendered video with a moved camera (plan.ts ViewChange): tilt
 * first, so the zoom's crop cuts most of the rotated corners away, then back to the frame size.
 */
export function viewFilter(v: ViewChange, width: number, height: number): string {
  const cw = 2 * Math.round(width / v.zoom / 2);
  const ch = 2 * Math.round(height / v.zoom / 2);
  const x = Math.round((width - cw) * v.pan_x);
  const y = Math.round((height - ch) * v.pan_y);
  return (
    `rotate=${num(v.angle_rad)}:fillcolor=black,crop=${cw}:${ch}:${x}:${y},scale=${width}:${height},` +
    `eq=brightness=${num(v.brightness)}:contrast=${num(v.contrast)},format=yuv420p`
  );
}

/** A file-name-safe key that is the same for identical segments (rendered once, reused). */
export function segmentKey(seg: SegmentPlan): string {
  const l = seg.look;
  const s = JSON.stringify([seg.step, seg.style, seg.frames, l.noiseSeed, l.noiseStrength, l.jitter, l.flicker]);
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return `s${seg.step}-${seg.style}-${seg.frames}-${(h >>> 0).toString(16)}`;
}
