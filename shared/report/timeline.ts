import type { Content, CanvasElement } from 'pdfmake/interfaces.js';
import type { Deviation, StepRow } from '../scoring/types.js';

import { DEVIATION_COLOUR, stepColour } from './palette.js';

export { STEP_COLOURS, DEVIATION_COLOUR, stepColour } from './palette.js';

export interface TimelineOptions {
  width: number;
  goldDurationSec?: number;
  traineeDurationSec?: number;
}

const BAR_H = 18;
const GOLD_Y = 14;
const TRAINEE_Y = 64;
const MARK_Y = TRAINEE_Y + BAR_H + 3;
const HEIGHT = MARK_Y + 18;

/**
 * Two bars, each on its own time scale: gold steps as coloured segments on top, the trainee's
 * matched segments in the same colours below, thin lines joining each step's two segments (crossing
 * lines show a swap), and deviations marked in red (numbered as in the deviation table).
 */
export function timelineContent(steps: StepRow[], deviations: Deviation[], o: TimelineOptions): Content {
  const W = o.width;
  const goldDur = Math.max(o.goldDurationSec ?? 0, ...steps.map((s) => s.gold.end_sec), 1e-6);
  const traineeDur = Math.max(
    o.traineeDurationSec ?? 0,
    ...steps.map((s) => s.trainee?.end_sec ?? 0),
    ...deviations.map((d) => d.trainee?.end_sec ?? 0),
    1e-6,
  );
  const gx = (t: number) => Math.max(0, Math.min(W, (t / goldDur) * W));
  const tx = (t: number) => Math.max(0, Math.min(W, (t / traineeDur) * W));
  const canvas: CanvasElement[] = [
    { type: 'rect', x: 0, y: GOLD_Y, w: W, h: BAR_H, color: '#eeeeee' },
    { type: 'rect', x: 0, y: TRAINEE_Y, w: W, h: BAR_H, color: '#eeeeee' },
    // Invisible: fixes the canvas height at HEIGHT, which the label offsets below are computed from.
    { type: 'line', x1: 0, y1: HEIGHT, x2: 1, y2: HEIGHT, lineWidth: 0.01, lineColor: '#ffffff' },
  ];
  for (const s of steps) {
    const x0 = gx(s.gold.start_sec);
    const w = Math.max(1, gx(s.gold.end_sec) - x0);
    canvas.push({ type: 'rect', x: x0, y: GOLD_Y, w, h: BAR_H, color: stepColour(s.index), lineColor: '#ffffff', lineWidth: 0.5 });
    if (s.trainee) {
      const t0 = tx(s.trainee.start_sec);
      const tw = Math.max(1, tx(s.trainee.end_sec) - t0);
      canvas.push({ type: 'rect', x: t0, y: TRAINEE_Y, w: tw, h: BAR_H, color: stepColour(s.index), lineColor: '#ffffff', lineWidth: 0.5 });
      canvas.push({ type: 'line', x1: x0 + w / 2, y1: GOLD_Y + BAR_H, x2: t0 + tw / 2, y2: TRAINEE_Y, lineWidth: 0.6, lineColor: '#999999' });
    }
  }
  // Labels (deviation numbers) placed over the drawing; pdfmake canvases hold no text.
  // Deviations marked at the same spot share one label ("2,7") instead of overprinting.
  const labelAt = new Map<string, { x: number; y: number; numbers: string[] }>();
  const label = (n: string, x: number, y: number) => {
    const key = `${Math.round(x)}:${y}`;
    const l = labelAt.get(key) ?? { x, y, numbers: [] };
    l.numbers.push(n);
    labelAt.set(key, l);
  };
  deviations.forEach((d, i) => {
    const n = String(i + 1);
    if (d.trainee) {
      const x0 = tx(d.trainee.start_sec);
      const w = Math.max(2, tx(d.trainee.end_sec) - x0);
      canvas.push({ type: 'rect', x: x0, y: TRAINEE_Y - 1, w, h: BAR_H + 2, lineColor: DEVIATION_COLOUR, lineWidth: 1.5 });
      const cx = x0 + w / 2;
      canvas.push({ type: 'polyline', closePath: true, points: [{ x: cx, y: MARK_Y }, { x: cx - 4, y: MARK_Y + 6 }, { x: cx + 4, y: MARK_Y + 6 }], color: DEVIATION_COLOUR });
      label(n, cx + 5, MARK_Y);
    } else if (d.gold_step) {
      // No trainee time (a missing step): mark the gold step itself, dashed.
      const x0 = gx(d.gold_step.start_sec);
      const w = Math.max(2, gx(d.gold_step.end_sec) - x0);
      canvas.push({ type: 'rect', x: x0, y: GOLD_Y - 1, w, h: BAR_H + 2, lineColor: DEVIATION_COLOUR, lineWidth: 1.5, dash: { length: 3, space: 2 } });
      const cx = x0 + w / 2;
      canvas.push({ type: 'polyline', closePath: true, points: [{ x: cx, y: GOLD_Y - 2 }, { x: cx - 4, y: GOLD_Y - 8 }, { x: cx + 4, y: GOLD_Y - 8 }], color: DEVIATION_COLOUR });
      label(n, cx + 5, GOLD_Y - 11);
    }
  });
  const labels: Content[] = [...labelAt.values()].map((l) => ({
    text: l.numbers.join(','),
    fontSize: 7,
    bold: true,
    color: DEVIATION_COLOUR,
    relativePosition: { x: l.x, y: l.y - HEIGHT },
  }));
  return { stack: [{ canvas }, ...labels], unbreakable: true };
}

export const TIMELINE_LAYOUT = { goldY: GOLD_Y, traineeY: TRAINEE_Y, barHeight: BAR_H, height: HEIGHT };
