// Score view: pick a gold and a trainee video of a task, start scoring, follow the job, list past scores.
import { ApiError, poll } from '../lib/api.js';
import { badge, errorNotice, fmtDate, fmtTime, h, mount, notice, scroller, shortId, srTh } from '../lib/dom.js';
import { guard } from '../lib/roles.js';

function optionText(v) {
  return `${v.original_name || 'video'} · ${fmtTime(v.duration_sec)} · ${v.status} · ${v.id.slice(0, 8)}`;
}

/**
 * A score's label in lists: the trainee's file name and when it was scored, so two scores are
 * told apart by what they are, not by an id prefix.
 */
export function scoreLabel(s, traineeName) {
  return `${traineeName || 'trainee'} · ${fmtDate(s.created_at)}`;
}

export function createScoreView(app) {
  const el = document.getElementById('view-score');
  let alive = null;

  const taskInput = h('input', { id: 'score-task', type: 'text', placeholder: 'task id', spellcheck: 'false' });
  const goldSel = h('select', { id: 'score-gold', required: true });
  const traineeSel = h('select', { id: 'score-trainee', required: true });
  const startBtn = h('button', { type: 'submit', id: 'score-submit' }, 'Score');
  const startWhy = h('p', { class: 'muted small-text reason', hidden: true });
  const runMsg = h('div', { id: 'score-status' });
  const pickMsg = h('div');
  const scoresBody = h('tbody');
  const scoresMsg = h('div');

  mount(
    el,
    h('h1', { class: 'view-title' }, 'Score'),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, 'Score a trainee against the gold'),
      h(
        'form',
        { class: 'score-form', onsubmit: onScore },
        h('div', { class: 'field' }, h('label', { for: 'score-task' }, 'Task'), h('div', { class: 'inline' }, taskInput, h('button', { type: 'button', class: 'secondary', onclick: () => { app.setTask(taskInput.value.trim()); loadVideos(); loadScores(); } }, 'Load'))),
        h('div', { class: 'field' }, h('label', { for: 'score-gold' }, 'Gold video'), goldSel),
        h('div', { class: 'field' }, h('label', { for: 'score-trainee' }, 'Trainee video'), traineeSel),
        h('div', { class: 'field end' }, startBtn),
      ),
      startWhy,
      pickMsg,
      runMsg,
    ),
    h('div', { class: 'card' }, h('h2', {}, 'Recent scores'), scoresMsg, scroller(h('table', { class: 'grid', id: 'scores-table' }, h('thead', {}, h('tr', {}, ['Run', 'Status', 'Score', 'Result', 'Gold', 'Trainee'].map((t) => h('th', {}, t)), srTh('Actions'))), scoresBody))),
  );

  function fill(sel, videos, wanted) {
    mount(sel, videos.length ? videos.map((v) => h('option', { value: v.id, selected: v.id === wanted }, optionText(v))) : h('option', { value: '' }, '— none for this task —'));
  }

  async function loadVideos() {
    const task = taskInput.value.trim();
    const q = (role) => `/videos?${new URLSearchParams({ ...(task ? { task_id: task } : {}), role, limit: '200' })}`;
    try {
      const [gold, trainee] = await Promise.all([app.api.get(q('gold')), app.api.get(q('trainee'))]);
      app.names.remember([...gold.items, ...trainee.items]);
      fill(goldSel, gold.items, app.selection.gold?.id);
      fill(traineeSel, trainee.items, app.selection.trainee?.id);
      mount(pickMsg, !task ? notice('info', 'Tip: enter a task id to see only its videos.') : null);
    } catch (e) {
      mount(pickMsg, errorNotice(e, loadVideos));
    }
  }

  function scoreRow(s, names) {
    const [goldName, traineeName] = names;
    const label = scoreLabel(s, traineeName);
    return h(
      'tr',
      { dataset: { id: s.id } },
      h('td', { title: s.id }, label),
      h('td', {}, badge(s.status)),
      h('td', { class: 'num' }, s.score === null || s.score === undefined ? '—' : Number(s.score).toFixed(1)),
      h('td', {}, s.passed === null || s.passed === undefined ? '—' : badge(s.passed ? 'PASS' : 'FAIL', 'verdict')),
      h('td', { title: s.gold_video_id }, goldName || '—'),
      h('td', { title: s.trainee_video_id }, traineeName || '—'),
      h('td', { class: 'actions' }, h('a', { href: `#/result/${encodeURIComponent(s.id)}`, class: 'button small secondary', 'aria-label': `Open ${label}` }, 'Open')),
    );
  }

  async function loadScores() {
    const task = taskInput.value.trim();
    try {
      const page = await app.ep.scores({ task_id: task, limit: 20 });
      const names = await Promise.all(page.items.map((s) => Promise.all([app.names.videoName(s.gold_video_id), app.names.videoName(s.trainee_video_id)])));
      mount(scoresBody, page.items.length ? page.items.map((s, i) => scoreRow(s, names[i])) : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No scores yet.')));
      mount(scoresMsg);
    } catch (e) {
      mount(scoresBody);
      mount(scoresMsg, errorNotice(e, loadScores));
    }
  }

  async function onScore(e) {
    e.preventDefault();
    const gold = goldSel.value;
    const trainee = traineeSel.value;
    if (!gold || !trainee) {
      mount(runMsg, notice('error', 'Pick a gold and a trainee video first.'));
      return;
    }
    if (startBtn.disabled) return;
    startBtn.disabled = true;
    const signal = alive?.signal;
    try {
      const { score_job_id: id } = await app.ep.startScore(gold, trainee);
      mount(runMsg, notice('info', 'Scoring queued…'));
      const done = await poll(
        async () => {
          const s = await app.ep.score(id);
          mount(runMsg, h('div', { class: 'notice info', role: 'status' }, 'Score ', shortId(id), ' ', badge(s.status), s.status === 'queued' ? ' (starts once both videos are indexed)' : ''));
          return s.status === 'completed' || s.status === 'failed' ? s : null;
        },
        { intervalMs: 1000, signal },
      );
      if (done.status === 'failed') mount(runMsg, notice('error', `Scoring failed: ${done.error || 'unknown error'}`));
      else app.go(`#/result/${encodeURIComponent(id)}`);
      loadScores();
    } catch (err) {
      if (!(err instanceof ApiError) && signal?.aborted) return;
      mount(runMsg, errorNotice(err, () => onScore(e)));
    } finally {
      guard(startBtn, startWhy, app.role, 'score');
    }
  }

  return {
    show() {
      alive?.abort();
      alive = new AbortController();
      if (app.task && !taskInput.value) taskInput.value = app.task;
      guard(startBtn, startWhy, app.role, 'score');
      loadVideos();
      loadScores();
    },
    hide() {
      alive?.abort();
    },
  };
}
