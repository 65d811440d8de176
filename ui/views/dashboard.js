// Dashboard of one task (#/dashboard/<task id>): runs and pass rate, pass rate by week, the step
// that fails most, step duration spread (GET /analytics/tasks/:id, drawn by Chart.js); runs by
// worker and one worker's history (GET /analytics/workers/:id, GET /scores?worker_id); the review
// queue (GET /reviews/queue); the filtered runs as CSV.
import { badge, errorNotice, fmtDate, h, mount, notice, scroller, srTh } from '../lib/dom.js';
import { readTaskAnalytics, readWorkerAnalytics } from '../lib/analytics.js';
import { deviationsConfig, drawChart, durationsConfig, passRateConfig } from '../lib/charts.js';

const pctText = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(0)} %`);
const scoreText = (v) => (v === null || v === undefined ? '—' : Number(v).toFixed(1));

export function createDashboardView(app) {
  const el = document.getElementById('view-dashboard');
  let charts = [];
  let alive = null;
  let task = '';

  const taskSel = h('input', { id: 'dash-task', type: 'text', spellcheck: 'false', list: 'dash-task-list', placeholder: 'task id' });
  const taskList = h('datalist', { id: 'dash-task-list' });
  const since = h('input', { id: 'dash-since', type: 'date' });
  const until = h('input', { id: 'dash-until', type: 'date' });
  const summary = h('div', { id: 'dash-summary' });
  const chartBox = h('div', { class: 'charts', id: 'dash-charts' });
  const workers = h('div', { id: 'dash-workers' });
  const history = h('div', { id: 'dash-history' });
  const queue = h('div', { id: 'dash-queue' });
  const csvMsg = h('span', { id: 'dash-csv-msg' });

  mount(
    el,
    h('h1', { class: 'view-title' }, 'Dashboard'),
    h(
      'div',
      { class: 'card' },
      h(
        'form',
        { class: 'filters wrap', onsubmit: (e) => { e.preventDefault(); app.go(`#/dashboard/${encodeURIComponent(taskSel.value.trim())}`); } },
        h('label', { for: 'dash-task' }, 'Task'), taskSel, taskList,
        h('label', { for: 'dash-since' }, 'Since'), since,
        h('label', { for: 'dash-until' }, 'Until'), until,
        h('button', { type: 'submit', class: 'secondary' }, 'Show'),
        h('button', { type: 'button', class: 'secondary', id: 'dash-csv', onclick: () => csv() }, 'Runs as CSV'),
        csvMsg,
      ),
      summary,
    ),
    chartBox,
    h('div', { class: 'card' }, h('h2', {}, 'Review queue'), h('p', { class: 'muted small-text' }, 'Failed runs of this task that nobody has reviewed yet.'), queue),
    h('div', { class: 'card' }, h('h2', {}, 'Workers'), workers, history),
  );

  const range = () => ({ since: since.value || undefined, until: until.value || undefined });

  function clearCharts() {
    for (const c of charts) c.destroy();
    charts = [];
  }

  function chartCard(id, title, text) {
    const canvas = h('canvas', { id });
    const card = h('div', { class: 'card chart-card' }, h('h2', {}, title), text ? h('p', { class: 'small-text', id: `${id}-text` }, text) : null, h('div', { class: 'chart-wrap' }, canvas));
    chartBox.append(card);
    return canvas;
  }

  async function analytics(signal) {
    clearCharts();
    mount(chartBox);
    mount(summary, notice('info', 'Loading…'));
    let a;
    let palette;
    try {
      [a, palette] = await Promise.all([app.ep.taskAnalytics(task, range()).then(readTaskAnalytics), app.palette()]);
    } catch (e) {
      mount(summary, errorNotice(e, () => analytics(signal)));
      return null;
    }
    if (signal.aborted) return null;
    mount(
      summary,
      h(
        'p',
        { id: 'dash-kpis' },
        h('strong', {}, String(a.runs)), ' runs · pass rate ', h('strong', {}, pctText(a.passRate)),
        ` · ${a.failed} failed, ${a.reviewed} reviewed · median score ${scoreText(a.medianScore)}`,
        a.worstStep ? [' · fails most: ', h('strong', { id: 'dash-worst' }, `step ${a.worstStep.index + 1} ${a.worstStep.name}`), ` (${a.worstStep.runsWithDeviation} runs with a deviation)`] : null,
      ),
    );
    try {
      const made = await Promise.all([
        drawChart(chartCard('chart-pass', 'Pass rate over time'), `Pass rate by week: ${a.weeks.map((w) => `${w.label} ${pctText(w.passRate)}`).join(', ') || 'no runs'}`, passRateConfig(a.weeks)),
        drawChart(chartCard('chart-fails', 'Deviations per step', a.worstStep ? `Step ${a.worstStep.index + 1} (${a.worstStep.name}) fails most.` : 'No deviations yet.'), `Deviations per step: ${a.steps.map((st) => `${st.name} ${st.total}`).join(', ')}`, deviationsConfig(a.steps, a.types)),
        drawChart(chartCard('chart-durations', 'Step duration spread'), `Step durations, gold / median / p90 seconds: ${a.steps.map((st) => `${st.name} ${st.gold ?? '—'} / ${st.median ?? '—'} / ${st.p90 ?? '—'}`).join(', ')}`, durationsConfig(a.steps, palette)),
      ]);
      if (signal.aborted) made.forEach((c) => c.destroy());
      else charts = made;
    } catch (e) {
      chartBox.append(h('div', { class: 'card' }, errorNotice(e, () => analytics(signal))));
    }
    return a;
  }

  function workerTable(list) {
    if (!list.length) return h('p', { class: 'muted' }, 'No runs with a worker yet.');
    return scroller(
      h(
        'table',
        { class: 'grid', id: 'dash-workers-table' },
        h('thead', {}, h('tr', {}, ['Worker', 'Runs', 'Pass rate'].map((t) => h('th', {}, t)), srTh('Actions'))),
        h(
          'tbody',
          {},
          list.map((w) =>
            h(
              'tr',
              {},
              h('td', {}, w.id === null ? h('span', { class: 'muted' }, w.label) : w.id),
              h('td', { class: 'num' }, String(w.runs)),
              h('td', { class: 'num' }, pctText(w.passRate)),
              // Runs without a worker have no worker history to show.
              h('td', { class: 'actions' }, w.id === null ? null : h('button', { type: 'button', class: 'small secondary', 'aria-label': `History of ${w.id}`, onclick: () => workerHistory(w.id) }, 'History')),
            ),
          ),
        ),
      ),
    );
  }

  async function runsTable(items, id) {
    const names = await Promise.all(items.map((s) => app.names.videoName(s.trainee_video_id)));
    return scroller(
      h(
        'table',
        { class: 'grid', id },
        h('thead', {}, h('tr', {}, ['Run', 'Worker', 'Score', 'Result'].map((t) => h('th', {}, t)), srTh('Actions'))),
        h(
          'tbody',
          {},
          items.length
            ? items.map((s, i) =>
                h(
                  'tr',
                  { dataset: { id: s.id } },
                  h('td', { title: s.id }, `${names[i]} · ${fmtDate(s.created_at)}`),
                  h('td', {}, s.worker_id || '—'),
                  h('td', { class: 'num' }, s.score === null || s.score === undefined ? '—' : Number(s.score).toFixed(1)),
                  h('td', {}, s.passed === null || s.passed === undefined ? '—' : badge(s.passed ? 'PASS' : 'FAIL', 'verdict')),
                  h('td', { class: 'actions' }, h('a', { class: 'button small secondary', href: `#/result/${encodeURIComponent(s.id)}`, 'aria-label': `Open ${names[i]} of ${fmtDate(s.created_at)}` }, 'Open')),
                ),
              )
            : h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'None.')),
        ),
      ),
    );
  }

  async function reviewQueue() {
    mount(queue, notice('info', 'Loading…'));
    try {
      const page = await app.ep.reviewQueue({ task_id: task, limit: 50 });
      mount(queue, await runsTable(page.items, 'dash-queue-table'));
    } catch (e) {
      mount(queue, errorNotice(e, reviewQueue));
    }
  }

  async function workerHistory(id) {
    mount(history, notice('info', `Loading ${id}…`));
    try {
      const [a, runs] = await Promise.all([app.ep.workerAnalytics(id, range()).then(readWorkerAnalytics), app.ep.scores({ worker_id: id, limit: 50, ...range() })]);
      mount(
        history,
        h('h3', {}, `History of ${id}`),
        h(
          'p',
          { id: 'dash-worker-kpis' },
          `${a.runs} runs · pass rate ${pctText(a.passRate)} · median score ${scoreText(a.medianScore)}`,
          a.deviations.length ? ` · deviations: ${a.deviations.map(([t, n]) => `${t.replace(/_/g, ' ')} ${n}`).join(', ')}` : '',
          a.tasks.length > 1 ? ` · tasks: ${a.tasks.map((t) => `${t.name} ${t.runs}`).join(', ')}` : '',
        ),
        await runsTable(runs.items, 'dash-history-table'),
      );
    } catch (e) {
      mount(history, errorNotice(e, () => workerHistory(id)));
    }
  }

  async function csv() {
    mount(csvMsg, 'preparing…');
    try {
      const url = await app.ep.scoresCsv({ task_id: task, ...range() });
      const a = h('a', { href: url, download: `sopilot-runs-${task || 'all'}.csv` }, 'Download CSV');
      mount(csvMsg, a);
      a.click();
    } catch (e) {
      mount(csvMsg, errorNotice(e, csv));
    }
  }

  async function show(params) {
    alive?.abort();
    alive = new AbortController();
    const signal = alive.signal;
    task = params[0] ? decodeURIComponent(params[0]) : app.task;
    taskSel.value = task || '';
    // Suggestions only: without them the field still takes any task id.
    app.ep.tasks().then((items) => mount(taskList, items.map((t) => h('option', { value: t.id }, t.name)))).catch(() => mount(taskList));
    mount(history);
    if (!task) {
      clearCharts();
      mount(chartBox);
      mount(summary, notice('info', 'Pick a task to see its dashboard.'));
      mount(queue);
      mount(workers);
      return;
    }
    app.setTask(task);
    reviewQueue();
    const a = await analytics(signal);
    if (signal.aborted) return;
    mount(workers, a ? workerTable(a.workers) : null);
  }

  return {
    show,
    hide() {
      alive?.abort();
      clearCharts();
    },
  };
}
