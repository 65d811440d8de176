// Tasks view: the SOP tasks with their current gold and pass threshold (GET /tasks), a link to
// each one's dashboard, and "score new trainees" (POST /score/batch {task_id}), followed to the end.
import { poll } from '../lib/api.js';
import { errorNotice, h, mount, notice, scroller, srTh } from '../lib/dom.js';
import { guard } from '../lib/roles.js';

/** A batch's progress in words (GET /score/batch/:id). */
export function batchText(b) {
  const finished = b.completed + b.failed;
  return `${finished} of ${b.total} scored${b.completed ? `, ${b.passed} passed` : ''}${b.failed ? `, ${b.failed} failed` : ''}${b.skipped.length ? `, ${b.skipped.length} skipped` : ''}`;
}

export function createTasksView(app) {
  const el = document.getElementById('view-tasks');
  let alive = null;
  const msg = h('div', { id: 'tasks-msg' });
  const tbody = h('tbody');
  const table = scroller(h('table', { class: 'grid', id: 'tasks-table' }, h('thead', {}, h('tr', {}, ['Task', 'Current gold', 'Pass threshold', 'Steps', 'Version'].map((t) => h('th', {}, t)), srTh('Actions'))), tbody));

  mount(el, h('h1', { class: 'view-title' }, 'Tasks'), h('div', { class: 'card' }, h('h2', {}, 'SOP tasks'), msg, table));

  function row(t) {
    const batchMsg = h('div', { class: 'batch-msg' });
    const why = h('span', { class: 'muted small-text reason', hidden: true });
    const batchBtn = h('button', { type: 'button', class: 'small', dataset: { action: 'batch' }, onclick: () => batch(t, batchBtn, why, batchMsg) }, 'Score new trainees');
    guard(batchBtn, why, app.role, 'batch');
    // A task no definition names shows its id as its name: once is enough.
    const named = t.name !== t.id;
    return h(
      'tr',
      { dataset: { id: t.id } },
      h('td', {}, h('strong', {}, t.name), named ? h('div', { class: 'muted small-text' }, t.id) : null, t.description ? h('div', { class: 'small-text' }, t.description) : null),
      h('td', { title: t.gold_video_id || '' }, t.gold ? t.gold.original_name || t.gold.id : h('span', { class: 'muted' }, 'none yet')),
      h('td', { class: 'num' }, String(t.effective_pass_threshold), t.pass_threshold === null ? h('span', { class: 'muted' }, ' (default)') : null),
      h('td', { class: 'num' }, String(t.step_count)),
      h('td', { class: 'num' }, t.defined ? String(t.version) : h('span', { class: 'muted' }, 'no definition')),
      h('td', { class: 'actions' }, h('a', { class: 'button small secondary', href: `#/dashboard/${encodeURIComponent(t.id)}`, 'aria-label': `Dashboard of ${t.name}` }, 'Dashboard'), ' ', batchBtn, why, batchMsg),
    );
  }

  async function load() {
    mount(msg, notice('info', 'Loading tasks…'));
    try {
      const items = await app.ep.tasks();
      mount(tbody, items.length ? items.map(row) : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No tasks yet: upload videos with a task id on the Videos tab.')));
      mount(msg);
    } catch (e) {
      mount(tbody);
      mount(msg, errorNotice(e, load));
    }
  }

  /**
   * Scores the task's trainees that have no score under its current gold and definition (new
   * uploads, or every run after the gold or definition changed), and follows the batch.
   */
  async function batch(t, btn, why, out) {
    btn.disabled = true;
    try {
      const started = await app.ep.batch({ task_id: t.id });
      if (!started.total) {
        mount(out, notice('ok', 'Nothing to score: every trainee has a score under the current definition.'));
        return;
      }
      const done = await poll(
        async () => {
          const b = await app.ep.batchStatus(started.id);
          mount(out, h('div', { class: 'notice info', role: 'status' }, `Batch: ${batchText(b)}…`));
          return b.done ? b : null;
        },
        { intervalMs: 1500, signal: alive?.signal },
      );
      // At most 500 per request: left_out says how many wait for the next press.
      mount(out, notice(done.failed ? 'error' : 'ok', `Batch done: ${batchText(done)}.${started.left_out ? ` ${started.left_out} more left: press again.` : ''}`));
    } catch (e) {
      if (alive?.signal.aborted) return;
      mount(out, errorNotice(e, () => batch(t, btn, why, out)));
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
