// Tasks view: the SOP tasks with their current gold and pass threshold (GET /tasks), a link to
// each one's dashboard, and "score all new trainees of this task" (POST /score/batch).
import { notAvailable, poll, taskId, taskItems } from '../lib/api.js';
import { badge, errorNotice, fmtDate, h, mount, notice, scroller, srTh } from '../lib/dom.js';
import { guard } from '../lib/roles.js';

export function createTasksView(app) {
  const el = document.getElementById('view-tasks');
  let alive = null;
  const msg = h('div', { id: 'tasks-msg' });
  const tbody = h('tbody');
  const table = scroller(h('table', { class: 'grid', id: 'tasks-table' }, h('thead', {}, h('tr', {}, ['Task', 'Current gold', 'Pass threshold', 'Steps', 'Version'].map((t) => h('th', {}, t)), srTh('Actions'))), tbody));

  mount(el, h('h1', { class: 'view-title' }, 'Tasks'), h('div', { class: 'card' }, h('h2', {}, 'SOP tasks'), msg, table));

  function row(t, goldName) {
    const id = taskId(t);
    const batchMsg = h('div', { class: 'batch-msg' });
    const why = h('span', { class: 'muted small-text reason', hidden: true });
    const batchBtn = h('button', { type: 'button', class: 'small', dataset: { action: 'batch' }, onclick: () => batch(t, batchBtn, why, batchMsg) }, 'Score all new trainees');
    guard(batchBtn, why, app.role, 'batch');
    return h(
      'tr',
      { dataset: { id } },
      h('td', {}, h('strong', {}, t.name || id), t.name ? h('div', { class: 'muted small-text' }, id) : null, t.description ? h('div', { class: 'small-text' }, t.description) : null),
      h('td', { title: t.gold_video_id || '' }, t.gold_video_id ? goldName : h('span', { class: 'muted' }, 'none yet')),
      h('td', { class: 'num' }, t.pass_threshold ?? '—'),
      h('td', { class: 'num' }, Array.isArray(t.steps) ? String(t.steps.length) : '—'),
      h('td', { class: 'num' }, t.version ?? '—'),
      h('td', { class: 'actions' }, h('a', { class: 'button small secondary', href: `#/dashboard/${encodeURIComponent(id)}`, 'aria-label': `Dashboard of ${t.name || id}` }, 'Dashboard'), ' ', batchBtn, why, batchMsg),
    );
  }

  async function load() {
    mount(msg, notice('info', 'Loading tasks…'));
    try {
      const items = taskItems(await app.ep.tasks());
      const golds = await Promise.all(items.map((t) => app.names.videoName(t.gold_video_id)));
      mount(tbody, items.length ? items.map((t, i) => row(t, golds[i])) : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No tasks defined yet.')));
      mount(msg);
    } catch (e) {
      mount(tbody);
      mount(msg, notAvailable(e) ? notice('info', 'Task definitions are not available on this server yet: upload videos with a task id on the Videos tab and score them on the Score tab.') : errorNotice(e, load));
    }
  }

  /** Scores every trainee of the task uploaded since its latest score, and follows the batch. */
  async function batch(t, btn, why, out) {
    const id = taskId(t);
    btn.disabled = true;
    try {
      const latest = (await app.ep.scores({ task_id: id, limit: 1 })).items?.[0];
      const started = await app.ep.batch({ task_id: id, ...(latest ? { since: latest.created_at } : {}) });
      const batchId = started.batch_id ?? started.id;
      mount(out, notice('info', `Batch started${latest ? ` (trainees since ${fmtDate(latest.created_at)})` : ''}…`));
      const done = await poll(
        async () => {
          const b = await app.ep.batchStatus(batchId);
          const total = b.total ?? b.count ?? 0;
          const finished = (b.completed ?? 0) + (b.failed ?? 0);
          mount(out, h('div', { class: 'notice info', role: 'status' }, badge(b.status || 'running'), ` ${finished} of ${total} scored${b.failed ? `, ${b.failed} failed` : ''}`));
          return b.status === 'completed' || b.status === 'failed' || (total > 0 && finished >= total) ? b : null;
        },
        { intervalMs: 1500, signal: alive?.signal },
      );
      mount(out, notice(done.failed ? 'error' : 'ok', `Batch done: ${done.completed ?? 0} scored${done.failed ? `, ${done.failed} failed` : ''}.`));
    } catch (e) {
      if (alive?.signal.aborted) return;
      mount(out, notAvailable(e) ? notice('info', 'Batch scoring is not available on this server yet.') : errorNotice(e, () => batch(t, btn, why, out)));
    } finally {
      guard(btn, why, app.role, 'batch');
    }
  }

  return {
    show() {
      alive?.abort();
      alive = new AbortController();
      load();
    },
    hide() {
      alive?.abort();
    },
  };
}
