// Result view: score and verdict (with the rule that decided it), review, the two videos played
// in step both ways, the timeline, deviations, per-step table, similar past failures.
import { poll } from '../lib/api.js';
import { badge, errorNotice, fmtDate, fmtRange, h, mount, notice, scroller, shortId } from '../lib/dom.js';
import { buildSyncMap, deviationTargets } from '../lib/sync.js';
import { drawTimeline } from '../lib/timeline.js';
import { swatch } from '../lib/palette.js';
import { explainVerdict, reviewNote } from '../lib/verdict.js';
import { createReviewPanel } from './review.js';

const DRIFT_SEC = 0.3; // the follower is re-seeked when it strays further than this from the mapped time

/** How a registered trainee camera differs from the gold's, in words; null when it did not move noticeably. */
function cameraMoved(c) {
  if (!c || !c.registered) return null;
  const parts = [];
  if (Math.abs(c.zoom - 1) >= 0.03) parts.push(`zoom ${c.zoom.toFixed(2)}x`);
  if (Math.hypot(c.shift_x, c.shift_y) >= 0.03) parts.push(`aimed ${Math.round(100 * Math.hypot(c.shift_x, c.shift_y))} % of the frame away`);
  if (Math.abs(c.rotation_deg) >= 1) parts.push(`turned ${c.rotation_deg.toFixed(1)}°`);
  return parts.length ? `moved against the gold (${parts.join(', ')}): registered` : null;
}

function evidenceText(ev) {
  if (!ev || typeof ev !== 'object') return '';
  return Object.entries(ev)
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'number' ? +v.toFixed(3) : JSON.stringify(v)}`)
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

  const card = (...c) => h('div', { class: 'card' }, h('h1', {}, 'Result'), ...c);

  async function open(id) {
    release();
    alive?.abort();
    alive = new AbortController();
    const signal = alive.signal;
    if (!id) {
      mount(el, card(notice('info', 'Open a score from the Score tab (Recent scores), or start a new one there.')));
      return;
    }
    mount(el, card(notice('info', 'Loading score…')));
    let s;
    try {
      s = await poll(
        async () => {
          const r = await app.ep.score(id);
          if (r.status !== 'completed' && r.status !== 'failed') mount(el, card(h('p', {}, 'Status: ', badge(r.status), ' — this page updates when it is done.')));
          return r.status === 'completed' || r.status === 'failed' ? r : null;
        },
        { intervalMs: 1000, signal },
      );
    } catch (e) {
      if (signal.aborted) return;
      mount(el, card(errorNotice(e, () => open(id))));
      return;
    }
    if (signal.aborted) return;
    if (s.status === 'failed') {
      mount(el, card(notice('error', `Scoring failed: ${s.error || 'unknown error'}`)));
      return;
    }
    // Names, the task's name and the old-score pass rule may each be missing (deleted video,
    // task without a definition) without failing the page; the colours are needed.
    let extra;
    try {
      extra = await Promise.all([
        app.names.video(s.gold_video_id),
        app.names.video(s.trainee_video_id),
        s.task_id ? app.ep.task(s.task_id).catch(() => null) : null,
        s.verdict ? null : app.rules(),
        app.palette(),
      ]);
    } catch (e) {
      if (!signal.aborted) mount(el, card(errorNotice(e, () => open(id))));
      return;
    }
    if (signal.aborted) return;
    const [gold, trainee, task, rules, palette] = extra;
    render(s, { gold, trainee, task, rules, palette }, signal);
  }

  function render(s, { gold, trainee, task, rules, palette }, signal) {
    const steps = s.steps || [];
    const devs = s.deviations || [];
    const sync = buildSyncMap(s);
    const verdict = explainVerdict(s, rules);
    const blocks = new Map(verdict.blocking.map((b) => [b.index, b.why]));
    const goldName = gold?.original_name || s.gold_video_id;
    const traineeName = trainee?.original_name || s.trainee_video_id;
    // Who and where as the score recorded them (they outlive the video).
    const who = [s.worker_id, s.station, s.shift].filter(Boolean).join(' · ');

    // --- header: score, the verdict after review, and why the automatic verdict is what it is
    const verdictEl = h('div', { class: 'verdict', id: 'score-verdict' });
    const scorebox = h('div', {}, h('div', { class: 'score-num', id: 'score-value' }, s.score === null || s.score === undefined ? '—' : Number(s.score).toFixed(1)), h('div', { class: 'score-of' }, '/ 100'), verdictEl);
    const overrideEl = h('p', { class: 'review-note', id: 'verdict-review' });
    const showVerdict = (x) => {
      scorebox.className = `scorebox ${x.passed ? 'pass' : 'fail'}`;
      mount(verdictEl, x.passed ? 'PASS' : 'FAIL');
      const note = reviewNote(x);
      mount(overrideEl, note);
      overrideEl.hidden = !note;
    };
    showVerdict(s);
    const reportMsg = h('span', { class: 'report-msg' });
    const reportBtn = h('button', { type: 'button', class: 'secondary', id: 'open-report', onclick: () => openReport(s, reportMsg) }, 'PDF report');
    const header = h(
      'div',
      { class: 'card result-head' },
      h('h1', { class: 'result-title' }, 'Result: ', traineeName, h('span', { class: 'muted' }, ` against ${goldName}`)),
      h(
        'div',
        { class: 'result-body' },
        scorebox,
        h(
          'dl',
          { class: 'meta' },
          h('dt', {}, 'Gold'), h('dd', { id: 'meta-gold', title: s.gold_video_id }, goldName),
          h('dt', {}, 'Trainee'), h('dd', { id: 'meta-trainee', title: s.trainee_video_id }, traineeName),
          s.task_id ? [h('dt', {}, 'Task'), h('dd', { id: 'meta-task' }, task && task.name !== s.task_id ? `${task.name} (${s.task_id})` : s.task_id)] : null,
          who ? [h('dt', {}, 'Worker'), h('dd', { id: 'meta-worker' }, who)] : null,
          h('dt', {}, 'Scored'), h('dd', {}, fmtDate(s.completed_at || s.created_at)),
          h('dt', {}, 'Deviations'), h('dd', {}, String(devs.length), devs.some((d) => d.severity === 'high') ? h('span', { class: 'muted' }, ` (${devs.filter((d) => d.severity === 'high').length} high)`) : null),
          h('dt', {}, 'Score id'), h('dd', {}, shortId(s.id)),
          // Registration put the trainee into the gold's camera (docs/scoring.md): say how it had moved.
          cameraMoved(s.camera) ? [h('dt', {}, 'Camera'), h('dd', { id: 'camera-change' }, cameraMoved(s.camera))] : null,
        ),
        h('div', { class: 'head-actions' }, reportBtn, reportMsg),
      ),
      h('p', { class: `verdict-why ${verdict.passed ? 'pass' : 'fail'}`, id: 'verdict-why' }, verdict.summary),
      overrideEl,
      s.notice ? notice('info', s.notice) : null,
    );

    const review = createReviewPanel(app, s, showVerdict);

    // --- players
    const goldVideo = h('video', { id: 'video-gold', controls: true, preload: 'auto', playsinline: true, muted: true, 'aria-label': `Gold video: ${goldName}` });
    const traineeVideo = h('video', { id: 'video-trainee', controls: true, preload: 'auto', playsinline: true, muted: true, 'aria-label': `Trainee video: ${traineeName}` });
    const vids = { gold: goldVideo, trainee: traineeVideo };
    const caps = { gold: h('div', { class: 'caption', id: 'caption-gold' }, '—'), trainee: h('div', { class: 'caption', id: 'caption-trainee' }, '—') };
    const syncBox = h('input', { type: 'checkbox', id: 'sync-toggle', checked: true });
    const players = h(
      'div',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, 'Side by side'), h('label', { class: 'toggle', for: 'sync-toggle' }, syncBox, ' Keep the videos in step, step by step (either one leads)')),
      h(
        'div',
        { class: 'players' },
        h('figure', { class: 'player' }, h('figcaption', {}, 'Gold: ', goldName), h('div', { class: 'video-box', id: 'box-gold' }, goldVideo), caps.gold),
        h('figure', { class: 'player' }, h('figcaption', {}, 'Trainee: ', traineeName), h('div', { class: 'video-box', id: 'box-trainee' }, traineeVideo), caps.trainee),
      ),
    );

    // --- timeline
    const tlBox = h('div', { class: 'timeline', id: 'timeline' });
    const legend = h('div', { class: 'legend' }, steps.map((st, i) => h('span', { class: 'legend-item' }, swatch(palette, st.index ?? i), `${(st.index ?? i) + 1}. ${st.name}`)));
    const timelineCard = h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Timeline'),
      h('p', { class: 'muted small-text' }, 'Top: the gold steps. Bottom: where the trainee did each step (joined by bands); a dashed box is the slot of a step the trainee left out. Numbered outlines are deviations. Click, or Tab to and press Enter, a segment, slot or mark to show it.'),
      tlBox,
      legend,
    );

    // --- deviations
    const devRows = devs.map((d, i) =>
      h(
        'tr',
        { class: `dev-row dev-sev-${d.severity}`, dataset: { index: i }, tabindex: 0, title: 'Show it in both videos', onclick: () => seekDeviation(i), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); seekDeviation(i); } } },
        h('td', { class: 'num' }, String(i + 1)),
        h('td', {}, badge(d.type, 'type')),
        h('td', {}, badge(d.severity, 'sev'), blocks.has(i) ? h('span', { class: 'badge blocks', title: blocks.get(i) }, 'blocks pass') : null),
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
        ? scroller(h('table', { class: 'grid clickable', id: 'deviations' }, h('thead', {}, h('tr', {}, ['#', 'Type', 'Severity', 'Step', 'Gold time', 'Trainee time', 'What happened'].map((t) => h('th', {}, t)))), h('tbody', {}, devRows)))
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
      scroller(
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
                h('td', { class: 'num' }, swatch(palette, st.index ?? i), ` ${(st.index ?? i) + 1}`),
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
      ),
    );

    mount(el, header, review.el, players, timelineCard, devCard, stepsCard, breakdownCard(s), similarCard(s, signal));

    const timeline = drawTimeline(tlBox, s, palette, {
      onSeek: (which, sec) => {
        held = false;
        driver = which;
        vids[which].currentTime = Math.max(0, sec);
      },
      onDeviation: (i) => seekDeviation(i),
      onMissing: (st, slot) => showBoth(st.gold.start_sec, slot.start_sec),
    });
    cleanup.push(() => timeline.destroy());

    // --- synchronisation, both ways: the video the user last played or moved leads, the other
    // follows the step-by-step map. Our own seeks, plays and pauses are remembered so they are
    // not taken for the user's.
    let driver = 'trainee';
    let held = false; // a deviation or slot was chosen: keep both where they are until play
    const ours = { gold: { seek: null, play: false, pause: false }, trainee: { seek: null, play: false, pause: false } };
    const peer = (w) => (w === 'gold' ? 'trainee' : 'gold');
    function seekOurs(w, t) {
      ours[w].seek = Math.max(0, t);
      vids[w].currentTime = ours[w].seek;
    }
    function playOurs(w) {
      if (!vids[w].paused) return;
      ours[w].play = true;
      vids[w].play().catch(() => (ours[w].play = false));
    }
    function pauseOurs(w) {
      if (vids[w].paused) return;
      ours[w].pause = true;
      vids[w].pause();
    }
    let missingNote = null; // the gold leads through a step the trainee left out
    function follow(force) {
      if (!syncBox.checked || held) return;
      const lead = vids[driver];
      const other = peer(driver);
      const t = driver === 'trainee' ? sync.toGold(lead.currentTime) : sync.toTrainee(lead.currentTime);
      missingNote = null;
      if (t === null) {
        // No trainee time for this gold moment: park the trainee at the step's slot.
        const m = sync.missingAt(lead.currentTime);
        missingNote = m ? `step ${m.step.index + 1} (${m.step.name}) is missing here` : 'step missing';
        pauseOurs(other);
        if (m?.slot && (force || Math.abs(vids[other].currentTime - m.slot.start_sec) > DRIFT_SEC)) seekOurs(other, m.slot.start_sec);
        captions();
        return;
      }
      if (force || Math.abs(vids[other].currentTime - t) > DRIFT_SEC) seekOurs(other, t);
      if (!lead.paused) {
        vids[other].playbackRate = sync.rate(driver, lead.currentTime) * lead.playbackRate;
        playOurs(other);
      }
    }
    const on = (v, ev, f) => {
      v.addEventListener(ev, f);
      cleanup.push(() => v.removeEventListener(ev, f));
    };
    for (const w of ['gold', 'trainee']) {
      const v = vids[w];
      on(v, 'play', () => {
        if (ours[w].play) return void (ours[w].play = false);
        held = false;
        driver = w;
        follow(true);
      });
      on(v, 'pause', () => {
        if (ours[w].pause) return void (ours[w].pause = false);
        if (syncBox.checked) pauseOurs(peer(w));
      });
      on(v, 'seeked', () => {
        if (ours[w].seek !== null && Math.abs(v.currentTime - ours[w].seek) < 0.05) return void (ours[w].seek = null);
        // The user moved this player: it leads now, whatever was chosen before.
        held = false;
        driver = w;
        follow(true);
      });
      on(v, 'timeupdate', () => {
        if (w === driver) follow(false);
      });
      on(v, 'ratechange', () => {
        if (w === driver) follow(false);
      });
      for (const ev of ['timeupdate', 'seeked', 'loadedmetadata']) on(v, ev, captions);
    }

    function captions() {
      timeline.setTimes(goldVideo.readyState ? goldVideo.currentTime : null, traineeVideo.readyState ? traineeVideo.currentTime : null);
      const gs = sync.stepAtGold(goldVideo.currentTime);
      const ts = sync.stepAtTrainee(traineeVideo.currentTime);
      mount(caps.gold, `${goldVideo.currentTime.toFixed(1)} s`, gs ? ` · step ${gs.index + 1}: ${gs.name}` : '');
      mount(caps.trainee, `${traineeVideo.currentTime.toFixed(1)} s`, missingNote ? h('strong', { class: 'missing-note' }, ` · ${missingNote}`) : ts ? ` · step ${ts.index + 1}: ${ts.name}` : '');
    }

    /** Pauses both players at the given times and keeps them there until play. */
    function showBoth(goldSec, traineeSec, note = null) {
      pauseOurs('gold');
      pauseOurs('trainee');
      held = true;
      if (traineeSec !== null) seekOurs('trainee', traineeSec);
      if (goldSec !== null) seekOurs('gold', goldSec);
      missingNote = note;
      captions();
      players.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }

    function seekDeviation(i) {
      const d = devs[i];
      const t = deviationTargets(d);
      for (const r of el.querySelectorAll('.dev-row.active')) r.classList.remove('active');
      el.querySelector(`.dev-row[data-index="${i}"]`)?.classList.add('active');
      // A missing step has no trainee range: show where it belonged.
      const slot = !d.trainee && d.type === 'missing_step' && d.gold_step ? sync.missingAt(d.gold_step.start_sec)?.slot : null;
      showBoth(t.gold, t.trainee ?? slot?.start_sec ?? null, slot ? `step ${d.gold_step.index + 1} (${d.gold_step.name}) is missing here` : null);
    }

    // Videos: the file endpoint needs the token, so fetch each into a blob: URL.
    for (const [v, vid, box] of [[goldVideo, s.gold_video_id, 'box-gold'], [traineeVideo, s.trainee_video_id, 'box-trainee']]) {
      const load = () =>
        app.ep
          .videoFile(vid)
          .then((u) => {
            if (signal.aborted) return URL.revokeObjectURL(u);
            blobs.push(u);
            v.src = u;
          })
          .catch((e) => {
            const boxEl = document.getElementById(box);
            const msg = errorNotice(e, () => { msg.remove(); load(); });
            boxEl?.append(msg);
          });
      load();
    }
  }

  /** How the score was made, in the PDF's words, and what the task's rules let pass. */
  function breakdownCard(s) {
    if (!s.breakdown_text.length && !s.information.length) return null;
    return h(
      'div',
      { class: 'card', id: 'breakdown' },
      h('h2', {}, 'How the score was made'),
      s.breakdown_text.length ? h('ul', { id: 'breakdown-text' }, s.breakdown_text.map((t) => h('li', {}, t))) : null,
      s.information.length ? [h('h3', {}, 'Allowed by the task'), h('ul', { id: 'information' }, s.information.map((i) => h('li', {}, badge(i.type, 'type'), ' ', i.message)))] : null,
    );
  }

  function similarCard(s, signal) {
    // Earlier failed runs like each deviation (server: same task, gold and step; same type first).
    const rows = s.similar_failures.flatMap((g) =>
      g.matches.map((m) => {
        const label = h('a', { href: `#/result/${encodeURIComponent(m.score_id)}`, title: m.score_id, class: 'run-link' }, `${m.video_id} · ${fmtDate(m.performed_at)}`);
        // The trainee's file name instead of its id, once known.
        app.names.videoName(m.video_id).then((n) => mount(label, `${n} · ${fmtDate(m.performed_at)}`));
        const img = h('img', { class: 'similar-thumb', alt: `Frame of the earlier run at ${fmtRange(m)}`, width: 64, height: 48 });
        app.ep
          .thumbnail(m.thumbnail_url)
          .then((u) => {
            if (signal.aborted) return URL.revokeObjectURL(u);
            blobs.push(u);
            img.src = u;
          })
          .catch(() => img.replaceWith(h('span', { class: 'muted' }, 'no frame')));
        return h(
          'tr',
          {},
          h('td', {}, `#${g.deviation_index + 1} `, badge(g.type, 'type')),
          h('td', { class: 'thumb' }, img),
          h('td', {}, label),
          h('td', {}, m.worker_id || '—', m.station ? h('div', { class: 'muted small-text' }, m.station) : null),
          h('td', {}, m.step.name, ' ', badge(m.type, 'type')),
          h('td', { class: 'num' }, fmtRange(m)),
          h('td', { class: 'num' }, m.distance === null ? '—' : Number(m.distance).toFixed(3)),
        );
      }),
    );
    if (!rows.length) return null;
    return h(
      'div',
      { class: 'card', id: 'similar' },
      h('h2', {}, 'Similar past failures'),
      h('p', { class: 'muted small-text' }, 'Earlier failed runs of this task with a deviation on the same step: the same type first, then the footage most alike.'),
      scroller(h('table', { class: 'grid', id: 'similar-table' }, h('thead', {}, h('tr', {}, ['Deviation', 'Frame', 'Earlier run', 'Worker', 'Their step', 'Their time', 'Distance'].map((t) => h('th', {}, t)))), h('tbody', {}, rows))),
    );
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
      mount(msg, errorNotice(e, () => openReport(s, msg)));
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

