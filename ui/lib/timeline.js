// The result timeline: gold steps as coloured segments, the trainee's matched segments in the
// same colours, bands joining each pair, deviations marked, and a playhead per video.
// Drawn as SVG in pixels (re-drawn on resize, so text is never stretched).

import { missingSlot } from './sync.js';
import { stepColour } from './palette.js';

const NS = 'http://www.w3.org/2000/svg';

/** Makes an SVG element a keyboard button: focusable, named, Enter or Space runs it like a click. */
function pressable(el, label, run) {
  el.setAttribute('tabindex', '0');
  el.setAttribute('role', 'button');
  el.setAttribute('aria-label', label);
  el.addEventListener('click', run);
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      run();
    }
  });
}

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

const GOLD_Y = 22;
const LANE_H = 30;
const TRAINEE_Y = 96;
const AXIS_Y = TRAINEE_Y + LANE_H + 30;
const HEIGHT = AXIS_Y + 18;

function duration(clips, ranges) {
  let d = 0;
  for (const c of clips || []) d = Math.max(d, c.end_sec);
  for (const r of ranges) if (r) d = Math.max(d, r.end_sec);
  return d;
}

function tickStep(total, px) {
  const target = total / Math.max(2, px / 90);
  for (const t of [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (t >= target) return t;
  return 1200;
}

/**
 * Draws the timeline into container.
 * @param {HTMLElement} container
 * @param {object} result GET /score/:id answer
 * @param {object} palette GET /ui/palette.json (steps and severities in the PDF's colours)
 * @param {{ onSeek: (which: 'gold'|'trainee', sec: number) => void, onDeviation: (index: number) => void, onMissing: (step: object, slot: object) => void }} handlers
 * @returns {{ setTimes(gold: number|null, trainee: number|null): void, destroy(): void }}
 */
export function drawTimeline(container, result, palette, handlers) {
  const steps = result.steps || [];
  const devs = result.deviations || [];
  const goldDur = duration(result.gold_clips, steps.map((st) => st.gold));
  const traineeDur = duration(result.trainee_clips, [...steps.map((st) => st.trainee), ...devs.map((d) => d.trainee)]);
  const total = Math.max(goldDur, traineeDur, 1);
  let svg = null;
  let heads = null;
  let times = { gold: null, trainee: null };
  let scale = 1;
  let labelW = 78;

  const x = (sec) => labelW + sec * scale;

  function draw() {
    // Fit the card (phones included); the lane labels take less room on narrow screens.
    const width = Math.max(240, container.clientWidth);
    labelW = width < 480 ? 56 : 78;
    scale = (width - labelW - 12) / total;
    svg = s('svg', { width, height: HEIGHT, class: 'timeline-svg', role: 'group', 'aria-label': 'Timeline of gold steps against the trainee' });

    for (const [y, label, dur, which] of [[GOLD_Y, 'Gold', goldDur, 'gold'], [TRAINEE_Y, 'Trainee', traineeDur, 'trainee']]) {
      svg.append(s('text', { x: 4, y: y + LANE_H / 2 + 4, class: 'lane-label' }, label));
      const bg = s('rect', { x: labelW, y, width: Math.max(1, dur * scale), height: LANE_H, class: 'lane-bg', 'data-lane': which });
      bg.addEventListener('click', (e) => handlers.onSeek(which, (e.offsetX - labelW) / scale));
      svg.append(bg);
    }

    const slots = [];
    steps.forEach((st, i) => {
      const colour = stepColour(palette, st.index ?? i);
      const g = st.gold;
      const t = st.trainee;
      if (t) {
        // Band joining the gold step to where the trainee did it.
        const pts = [[x(g.start_sec), GOLD_Y + LANE_H], [x(g.end_sec), GOLD_Y + LANE_H], [x(t.end_sec), TRAINEE_Y], [x(t.start_sec), TRAINEE_Y]];
        svg.append(s('polygon', { points: pts.map((p) => p.join(',')).join(' '), fill: colour, class: 'band' }));
      }
      for (const [r, y, which] of [[g, GOLD_Y, 'gold'], [t, TRAINEE_Y, 'trainee']]) {
        if (!r) continue;
        const w = Math.max(2, (r.end_sec - r.start_sec) * scale);
        const seg = s('rect', { x: x(r.start_sec), y: y + 2, width: w, height: LANE_H - 4, rx: 3, fill: colour, class: 'seg', 'data-step': st.index });
        const what = `Step ${st.index + 1} ${st.name} (${which}) ${r.start_sec.toFixed(1)}–${r.end_sec.toFixed(1)} s`;
        seg.append(s('title', {}, what));
        pressable(seg, `${what}: play from here`, () => handlers.onSeek(which, r.start_sec));
        svg.append(seg);
        const maxChars = Math.floor((w - 6) / 6.5);
        if (maxChars >= 3) {
          const name = st.name.length > maxChars ? st.name.slice(0, maxChars - 1) + '…' : st.name;
          svg.append(s('text', { x: x(r.start_sec) + 4, y: y + LANE_H / 2 + 4, class: 'seg-label' }, name));
        }
      }
      if (!t) {
        // A step the trainee left out: its empty slot on the trainee lane, where it belonged.
        const slot = missingSlot(steps, i);
        if (slot) {
          const w = Math.max(8, (slot.end_sec - slot.start_sec) * scale);
          const hole = s('rect', { x: x(slot.start_sec) - (slot.end_sec > slot.start_sec ? 0 : 4), y: TRAINEE_Y + 2, width: w, height: LANE_H - 4, rx: 3, stroke: colour, class: 'slot', 'data-slot': st.index });
          const what = `Step ${st.index + 1} ${st.name} missing: its slot in the trainee at ${slot.start_sec.toFixed(1)} s`;
          hole.append(s('title', {}, what));
          pressable(hole, what, () => handlers.onMissing(st, slot));
          slots.push(hole); // drawn over the segments, so a slot between touching steps shows
        }
      }
    });

    svg.append(...slots);

    // Deviations: outlined on the trainee lane where they have a trainee range, else on the
    // gold step they concern (a missing step); numbered like the deviation list.
    devs.forEach((d, i) => {
      const onTrainee = !!d.trainee;
      const r = d.trainee || d.gold_step;
      if (!r) return;
      const y = onTrainee ? TRAINEE_Y : GOLD_Y;
      const w = Math.max(6, (r.end_sec - r.start_sec) * scale);
      const grp = s('g', { class: `dev dev-${d.severity}`, 'data-dev': i });
      grp.append(s('rect', { x: x(r.start_sec), y: y - 1, width: w, height: LANE_H + 2, rx: 3, class: 'dev-outline', stroke: palette.severity[d.severity] }));
      const my = onTrainee ? TRAINEE_Y + LANE_H + 12 : GOLD_Y - 12;
      const mx = x(r.start_sec) + Math.min(w / 2, 10);
      grp.append(s('circle', { cx: mx, cy: my, r: 8, class: 'dev-dot', fill: palette.severity[d.severity] }));
      grp.append(s('text', { x: mx, y: my + 3.5, class: 'dev-num' }, String(i + 1)));
      const what = `Deviation ${i + 1}: ${d.type.replace(/_/g, ' ')} (${d.severity}): ${d.message}`;
      grp.append(s('title', {}, what));
      pressable(grp, what, () => handlers.onDeviation(i));
      svg.append(grp);
    });

    const step = tickStep(total, (total * scale));
    for (let t = 0; t <= total + 1e-9; t += step) {
      svg.append(s('line', { x1: x(t), x2: x(t), y1: AXIS_Y - 6, y2: AXIS_Y, class: 'tick' }));
      svg.append(s('text', { x: x(t), y: AXIS_Y + 12, class: 'tick-label' }, `${+t.toFixed(1)} s`));
    }

    heads = {
      gold: s('line', { y1: GOLD_Y - 3, y2: GOLD_Y + LANE_H + 3, class: 'playhead', visibility: 'hidden' }),
      trainee: s('line', { y1: TRAINEE_Y - 3, y2: TRAINEE_Y + LANE_H + 3, class: 'playhead', visibility: 'hidden' }),
    };
    svg.append(heads.gold, heads.trainee);
    container.replaceChildren(svg);
    setTimes(times.gold, times.trainee);
  }

  function setTimes(gold, trainee) {
    times = { gold, trainee };
    for (const which of ['gold', 'trainee']) {
      const v = times[which];
      const line = heads?.[which];
      if (!line) continue;
      if (v === null || v === undefined || !Number.isFinite(v)) {
        line.setAttribute('visibility', 'hidden');
        continue;
      }
      line.setAttribute('x1', x(v));
      line.setAttribute('x2', x(v));
      line.setAttribute('visibility', 'visible');
    }
  }

  draw();
  let lastWidth = container.clientWidth;
  const ro = new ResizeObserver(() => {
    if (container.clientWidth !== lastWidth) {
      lastWidth = container.clientWidth;
      draw();
    }
  });
  ro.observe(container);
  return { setTimes, destroy: () => ro.disconnect() };
}
