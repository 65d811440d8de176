// Result view: score and verdict, deviations, per-step table, timeline, and the two videos
// played in step through the DTW path.
import { describeError, poll } from '../lib/api.js';
import { badge, fmtDate, fmtRange, h, mount, notice, shortId } from '../lib/dom.js';
import { buildTimeMap, deviationTargets } from '../lib/sync.js';
import { drawTimeline, STEP_COLOURS } from '../lib/timeline.js';

const DRIFT_SEC = 0.3; // gold is re-seeked when it strays further than this from the mapped time

function stepAt(steps, which, sec) {
  return steps.find((st) => st[which] && sec >= st[which].start_sec && sec < st[which].end_sec) || null;
}

function evidenceText(ev) {
  if (!ev || typeof ev !== 'object') return '';
  return Object.entries(ev)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : JSON.stringify(v)}`)
    .join(', ');
}

export function createResultView(app) {
  const el = document.getElementById('view-result');
  let alive = null;
  let blobs = [];
  let cleanup = [];

  function release() {
    for (const f of cleanup) f();
    cleanup = [];
    for (const u of blobs) URL.revokeObjectURL(u);
    blobs = [];
  }

  async function open(id) {
    release();
    alive?.abort();
    alive = new AbortController();
    const signal = alive.signal;
    if (!id) {
      mount(el, h('div', { class: 'card' }, h('h2', {}, 'Result'), notice('info', 'Open a score from the Score tab (Recent scores), or start a new one there.')));
      return;
    }
    mount(el, h('div', { class: 'card' }, notice('info', 'Loading score…')));
    let s;
    try {
      s = await poll(
        async () => {
          const r = await app.api.get(`/score/${encodeURIComponent(id)}`);
          if (r.status !== 'completed' && r.status !== 'failed') mount(el, h('div', { class: 'card' }, h('h2', {}, 'Score ', shortId(id)), h('p', {}, 'Status: ', badge(r.status), ' — this page updates when it is done.')));
          return r.status === 'completed' || r.status === 'failed' ? r : null;
        },
        { intervalMs: 1000, signal },
      );
    } catch (e) {
      if (signal.aborted) return;
      mount(el, h('div', { class: 'card' }, h('h2', {}, 'Score ', shortId(id)), notice('error', describeError(e))));
      return;
    }
    if (signal.aborted) return;
    if (s.status === 'failed') {
      mount(el, h('div', { class: 'card' }, h('h2', {}, 'Score ', shortId(id)), notice('error', `Scoring failed: ${s.error || 'unknown error'}`)));
      return;
    }
    render(s, signal);
  }

  function render(s, signal) {
    const steps = s.steps || [];
    const devs = s.deviations || [];
    const map = buildTimeMap(s.path, s.gold_clips, s.trainee_clips);

    // --- header: score and verdict
    const reportMsg = h('span', { class: 'report-msg' });
    const reportBtn = h('button', { type: 'button', class: 'secondary', id: 'open-report', onclick: () => openReport(s, reportMsg) }, 'PDF report');
    const header = h(
      'div',
      { class: 'card result-head' },
      h(
        'div',
        { class: `scorebox ${s.passed ? 'pass' : 'fail'}` },
        h('div', { class: 'score-num', id: 'score-value' }, s.score === null || s.score === undefined ? '—' : Number(s.score).toFixed(1)),
        h('div', { class: 'score-of' }, '/ 100'),
        h('div', { class: 'verdict', id: 'score-verdict' }, s.passed ? 'PASS' : 'FAIL'),
      ),
      h(
        'dl',
        { class: 'meta' },
        h('dt', {}, 'Score id'), h('dd', {}, shortId(s.id)),
        h('dt', {}, 'Gold'), h('dd', {}, shortId(s.gold_video_id)),
        h('dt', {}, 'Trainee'), h('dd', {}, shortId(s.trainee_video_id)),
        s.task_id ? [h('dt', {}, 'Task'), h('dd', {}, s.task_id)] : null,
        h('dt', {}, 'Scored'), h('dd', {}, fmtDate(s.finished_at || s.updated_at || s.created_at)),
        h('dt', {}, 'Deviations'), h('dd', {}, String(devs.length), devs.some((d) => d.severity === 'high') ? h('span', { class: 'muted' }, ` (${devs.filter((d) => d.severity === 'high').length} high)`) : null),
        // The engine corrected for a moved camera (docs/scoring.md, view compensation): say so.
        s.breakdown && (s.breakdown.view_compensation_applied || s.breakdown.gold_view > 0)
          ? [
              h('dt', {}, 'Camera'),
              h('dd', { id: 'view-compensation' },
                s.breakdown.gold_view > 0
                  ? `moved: scored against synthetic gold view ${s.breakdown.gold_view}${s.breakdown.view_compensation_applied ? ', compensated' : ''}`
                  : 'view differs from the gold: compensated',
                h('span', { class: 'muted' }, ` (median step quality ${Number(s.breakdown.median_step_quality_as_filmed ?? s.breakdown.median_step_quality_before_view).toFixed(2)} → ${Number(s.breakdown.median_step_quality).toFixed(2)})`)),
            ]
          : null,
      ),
      h('div', { class: 'head-actions' }, reportBtn, reportMsg),
    );

    // --- players
    const goldVideo = h('video', { id: 'video-gold', controls: true, preload: 'auto', playsinline: true, muted: true });
    const traineeVideo = h('video', { id: 'video-trainee', controls: true, preload: 'auto', playsinline: true, muted: true });
    const goldCap = h('div', { class: 'caption', id: 'caption-gold' }, '—');
    const traineeCap = h('div', { class: 'caption', id: 'caption-trainee' }, '—');
    const syncBox = h('input', { type: 'checkbox', id: 'sync-toggle', checked: true });
    const players = h(
      'div',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, 'Side by side'), h('label', { class: 'toggle', for: 'sync-toggle' }, syncBox, ' Keep gold in step with the trainee (DTW path)')),
      h(
        'div',
        { class: 'players' },
        h('figure', { class: 'player' }, h('figcaption', {}, 'Gold'), h('div', { class: 'video-box', id: 'box-gold' }, goldVideo), goldCap),
        h('figure', { class: 'player' }, h('figcaption', {}, 'Trainee'), h('div', { class: 'video-box', id: 'box-trainee' }, traineeVideo), traineeCap),
      ),
    );

    // --- timeline
    const tlBox = h('div', { class: 'timeline', id: 'timeline' });
    const legend = h('div', { class: 'legend' }, steps.map((st, i) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch', dataset: { colour: String((st.index ?? i) % STEP_COLOURS.length) } }), `${(st.index ?? i) + 1}. ${st.name}`)));
    const timelineCard = h('div', { class: 'card' }, h('h2', {}, 'Timeline'), h('p', { class: 'muted small-text' }, 'Top: the gold steps. Bottom: where the trainee did each step (joined by bands). Numbered outlines are deviations. Click a segment or a lane to seek.'), tlBox, legend);

    // --- deviations
    const devRows = devs.map((d, i) =>
      h(
        'tr',
        { class: `dev-row dev-sev-${d.severity}`, dataset: { index: i }, tabindex: 0, title: 'Click to show it in both videos', onclick: () => seekDeviation(i), onkeydown: (e) => { if (e.key === 'Enter') seekDeviation(i); } },
        h('td', { class: 'num' }, String(i + 1)),
        h('td', {}, badge(d.type, 'type')),
        h('td', {}, badge(d.severity, 'sev')),
        h('td', {}, d.gold_step ? d.gold_step.name : '—', d.other_step ? h('span', { class: 'muted' }, ` ↔ ${d.other_step.name}`) : null),
        h('td', { class: 'num' }, fmtRange(d.gold_step)),
        h('td', { class: 'num' }, fmtRange(d.trainee)),
        h('td', {}, d.message, d.evidence ? h('div', { class: 'muted small-text evidence' }, evidenceText(d.evidence)) : null),
      ),
    );
    const devCard = h(
      'div',
      { class: 'card' },
      h('h2', {}, `Deviations (${devs.length})`),
      devs.length
        ? h('table', { class: 'grid clickable', id: 'deviations' }, h('thead', {}, h('tr', {}, ['#', 'Type', 'Severity', 'Step', 'Gold time', 'Trainee time', 'What happened'].map((t) => h('th', {}, t)))), h('tbody', {}, devRows))
        : notice('ok', 'No deviations: the trainee followed the procedure.'),
    );

    // --- steps
    const devsByStep = new Map();
    for (const d of devs) {
      for (const st of [d.gold_step, d.other_step]) if (st) devsByStep.set(st.index, [...(devsByStep.get(st.index) || []), d.type]);
    }
    const stepsCard = h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Steps'),
      h(
        'table',
        { class: 'grid', id: 'steps' },
        h('thead', {}, h('tr', {}, ['#', 'Step', 'Gold time', 'Trainee time', 'Duration ratio', 'Similarity', 'Findings'].map((t) => h('th', {}, t)))),
        h(
          'tbody',
          {},
          steps.map((st, i) =>
            h(
              'tr',
              {},
              h('td', { class: 'num' }, h('span', { class: 'swatch', dataset: { colour: String((st.index ?? i) % STEP_COLOURS.length) } }), ` ${(st.index ?? i) + 1}`),
              h('td', {}, st.name),
              h('td', { class: 'num' }, fmtRange(st.gold)),
              h('td', { class: 'num' }, st.trainee ? fmtRange(st.trainee) : h('span', { class: 'muted' }, 'not found')),
              h('td', { class: 'num' }, st.duration_ratio === null || st.duration_ratio === undefined ? '—' : `${Number(st.duration_ratio).toFixed(2)}×`),
              h('td', { class: 'num' }, st.mean_similarity === null || st.mean_similarity === undefined ? '—' : Number(st.mean_similarity).toFixed(3)),
              h('td', {}, (devsByStep.get(st.index) || []).map((t) => badge(t, 'type')), devsByStep.has(st.index) ? null : badge('ok', 'status')),
            ),
          ),
        ),
      ),
    );

    // --- earlier failed performances that look like this one's deviations (pgvector search)
    const similar = Array.isArray(s.similar_failures) ? s.similar_failures : [];
    const similarCard = similar.length
      ? h(
          'div',
          { class: 'card', id: 'similar' },
          h('h2', {}, 'Similar past failures'),
          h('p', { class: 'muted small-text' }, 'Clips of earlier failed scores of this task that look most like the footage of each deviation.'),
          h(
            'table',
            { class: 'grid' },
            h('thead', {}, h('tr', {}, ['Deviation', 'Earlier score', 'Their time', 'Distance'].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              similar.flatMap((g) =>
                (g.matches || []).map((m) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, `#${(g.deviation_index ?? 0) + 1} `, badge(g.type, 'type')),
                    h('td', {}, h('a', { href: `#/result/${encodeURIComponent(m.score_id)}` }, String(m.score_id).slice(0, 14))),
                    h('td', { class: 'num' }, fmtRange(m)),
                    h('td', { class: 'num' }, Number(m.distance).toFixed(3)),
                  ),
                ),
              ),
            ),
          ),
        )
      : null;

    mount(el, header, players, timelineCard, devCard, stepsCard, similarCard);

    const timeline = drawTimeline(tlBox, s, {
      onSeek: (which, sec) => {
        const v = which === 'gold' ? goldVideo : traineeVideo;
        if (which === 'gold') followPaused = true;
        v.currentTime = Math.max(0, sec);
      },
      onDeviation: (i) => seekDeviation(i),
    });
    cleanup.push(() => timeline.destroy());

    // --- synchronisation: the trainee drives, the gold follows the DTW map
    let followPaused = false; // set by deviation clicks, so a chosen gold position is not overwritten until play
    const target = () => map.toGold(traineeVideo.currentTime);
    function follow(force) {
      if (!syncBox.checked || followPaused) return;
      const t = target();
      if (force || Math.abs(goldVideo.currentTime - t) > DRIFT_SEC) goldVideo.currentTime = Math.max(0, t);
      if (!traineeVideo.paused) goldVideo.playbackRate = map.rate(traineeVideo.currentTime) * traineeVideo.playbackRate;
    }
    const on = (v, ev, f) => {
      v.addEventListener(ev, f);
      cleanup.push(() => v.removeEventListener(ev, f));
    };
    on(traineeVideo, 'play', () => {
      followPaused = false;
      if (!syncBox.checked) return;
      follow(true);
      goldVideo.play().catch(() => {});
    });
    on(traineeVideo, 'pause', () => {
      if (syncBox.checked) goldVideo.pause();
    });
    on(traineeVideo, 'seeked', () => follow(true));
    on(traineeVideo, 'timeupdate', () => follow(false));
    on(traineeVideo, 'ratechange', () => follow(false));

    function captions() {
      timeline.setTimes(goldVideo.readyState ? goldVideo.currentTime : null, traineeVideo.readyState ? traineeVideo.currentTime : null);
      const gs = stepAt(steps, 'gold', goldVideo.currentTime);
      const ts = stepAt(steps, 'trainee', traineeVideo.currentTime);
      mount(goldCap, `${goldVideo.currentTime.toFixed(1)} s`, gs ? ` · step ${gs.index + 1}: ${gs.name}` : '');
      mount(traineeCap, `${traineeVideo.currentTime.toFixed(1)} s`, ts ? ` · step ${ts.index + 1}: ${ts.name}` : '');
    }
    for (const v of [goldVideo, traineeVideo]) for (const ev of ['timeupdate', 'seeked', 'loadedmetadata']) on(v, ev, captions);

    function seekDeviation(i) {
      const d = devs[i];
      const t = deviationTargets(d);
      for (const r of el.querySelectorAll('.dev-row.active')) r.classList.remove('active');
      el.querySelector(`.dev-row[data-index="${i}"]`)?.classList.add('active');
      traineeVideo.pause();
      goldVideo.pause();
      followPaused = true;
      if (t.trainee !== null) traineeVideo.currentTime = t.trainee;
      if (t.gold !== null) goldVideo.currentTime = t.gold;
      players.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }

    // Videos: the file endpoint needs the token, so fetch each into a blob: URL.
    for (const [v, vid, box] of [[goldVideo, s.gold_video_id, 'box-gold'], [traineeVideo, s.trainee_video_id, 'box-trainee']]) {
      app.api
        .blobUrl(`/videos/${encodeURIComponent(vid)}/file`)
        .then((u) => {
          if (signal.aborted) return URL.revokeObjectURL(u);
          blobs.push(u);
          v.src = u;
        })
        .catch((e) => document.getElementById(box)?.append(notice('error', describeError(e))));
    }
  }

  async function openReport(s, msg) {
    // Open the tab now (inside the click) so pop-up blockers allow it, then fill it.
    const win = window.open('', '_blank');
    mount(msg, 'preparing…');
    try {
      const u = await app.api.blobUrl(s.report_url || `/score/${encodeURIComponent(s.id)}/report.pdf`);
      blobs.push(u);
      if (win) {
        win.location.href = u;
        mount(msg);
      } else {
        mount(msg, h('a', { href: u, target: '_blank', rel: 'noopener', download: `sopilot-score-${s.id}.pdf` }, 'Report ready — open'));
      }
    } catch (e) {
      win?.close();
      mount(msg, notice('error', describeError(e)));
    }
  }

  return {
    show(params) {
      open(params[0] ? decodeURIComponent(params[0]) : app.lastScore);
      if (params[0]) app.lastScore = decodeURIComponent(params[0]);
    },
    hide() {
      alive?.abort();
      release();
      for (const v of el.querySelectorAll('video')) {
        v.pause();
        v.removeAttribute('src');
        v.load();
      }
    },
  };
}
