// Videos view: list by task with status badges, upload with progress, ingest job polling.
import { describeError, poll } from '../lib/api.js';
import { badge, errorNotice, fmtBytes, fmtDate, fmtTime, h, mount, notice, scroller, shortId, srTh } from '../lib/dom.js';
import { guard, may } from '../lib/roles.js';
import { createStepsPanel } from './steps.js';

/** Who and where, sent with an upload when filled in (issue 11: worker_id, station, shift). */
const WHO = [
  ['worker_id', 'Worker', 'e.g. w-0042'],
  ['station', 'Station', 'e.g. line-2'],
  ['shift', 'Shift', 'e.g. early'],
];

const BUSY = new Set(['uploaded', 'processing']);

export function createVideosView(app) {
  const el = document.getElementById('view-videos');
  const stepsPanel = createStepsPanel(app);
  let alive = null; // AbortController of the visible period
  let items = [];
  let nextCursor = null;

  const taskInput = h('input', { id: 'videos-task', type: 'text', placeholder: 'all tasks', spellcheck: 'false' });
  // Who and where filter the list as they are stored on each upload.
  const workerFilter = h('input', { id: 'videos-worker', type: 'text', placeholder: 'any worker', spellcheck: 'false' });
  const stationFilter = h('input', { id: 'videos-station', type: 'text', placeholder: 'any station', spellcheck: 'false' });
  const roleSelect = h('select', { id: 'videos-role' }, h('option', { value: '' }, 'all roles'), ['gold', 'trainee', 'audit'].map((r) => h('option', { value: r }, r)));
  const listMsg = h('div');
  const tbody = h('tbody');
  const moreBtn = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(true) }, 'Load more');

  // Upload form
  const fileInput = h('input', { id: 'upload-file', name: 'file', type: 'file', accept: 'video/*', required: true });
  const upTask = h('input', { id: 'upload-task', name: 'task_id', type: 'text', required: true, spellcheck: 'false', placeholder: 'e.g. pump-maintenance' });
  const upRole = h('select', { id: 'upload-role', name: 'role' }, h('option', { value: 'gold' }, 'gold (reference)'), h('option', { value: 'trainee', selected: true }, 'trainee'), h('option', { value: 'audit' }, 'audit'));
  const whoInputs = WHO.map(([name, , hint]) => h('input', { id: `upload-${name}`, name, type: 'text', spellcheck: 'false', placeholder: hint, maxlength: 100 }));
  const uploads = h('ul', { class: 'uploads', id: 'uploads' });
  const uploadBtn = h('button', { type: 'submit', id: 'upload-submit' }, 'Upload');
  const uploadWhy = h('p', { class: 'muted small-text reason', hidden: true });
  const form = h(
    'form',
    { id: 'upload-form', class: 'upload-form', onsubmit: onUpload },
    h('div', { class: 'field' }, h('label', { for: 'upload-file' }, 'Video file'), fileInput),
    h('div', { class: 'field' }, h('label', { for: 'upload-task' }, 'Task id'), upTask),
    h('div', { class: 'field' }, h('label', { for: 'upload-role' }, 'Role'), upRole),
    WHO.map(([name, label], i) => h('div', { class: 'field' }, h('label', { for: `upload-${name}` }, `${label} (optional)`), whoInputs[i])),
    h('div', { class: 'field end' }, uploadBtn),
  );

  mount(
    el,
    h('h1', { class: 'view-title' }, 'Videos'),
    h('div', { class: 'card' }, h('h2', {}, 'Upload a video'), form, uploadWhy, uploads),
    h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'card-head' },
        h('h2', {}, 'Videos'),
        h(
          'form',
          { class: 'filters', onsubmit: (e) => { e.preventDefault(); app.setTask(taskInput.value.trim()); load(false); } },
          h('label', { for: 'videos-task' }, 'Task'), taskInput,
          h('label', { for: 'videos-role' }, 'Role'), roleSelect,
          h('label', { for: 'videos-worker' }, 'Worker'), workerFilter,
          h('label', { for: 'videos-station' }, 'Station'), stationFilter,
          h('button', { type: 'submit', class: 'secondary' }, 'Refresh'),
        ),
      ),
      listMsg,
      scroller(
        h(
          'table',
          { class: 'grid', id: 'videos-table' },
          h('thead', {}, h('tr', {}, ['File', 'Task', 'Role', 'Status', 'Worker', 'Duration', 'Clips', 'Size', 'Uploaded'].map((t) => h('th', {}, t)), srTh('Actions'))),
          tbody,
        ),
      ),
      moreBtn,
    ),
    stepsPanel.el,
  );
  roleSelect.addEventListener('change', () => load(false));

  function row(v) {
    const actions = [];
    if (v.role === 'gold') {
      actions.push(h('button', { type: 'button', class: 'small secondary', dataset: { action: 'steps' }, onclick: () => stepsPanel.open(v) }, 'Steps'));
      actions.push(h('button', { type: 'button', class: 'small secondary', dataset: { action: 'pick' }, onclick: () => app.pick('gold', v) }, 'Use as gold'));
    }
    else actions.push(h('button', { type: 'button', class: 'small secondary', dataset: { action: 'pick' }, onclick: () => app.pick('trainee', v) }, 'Use as trainee'));
    // Delete is for admins only: others do not get a button that can only answer 403.
    if (may(app.role, 'deleteVideo')) actions.push(h('button', { type: 'button', class: 'small danger', dataset: { action: 'delete' }, 'aria-label': `Delete ${v.original_name || v.id}`, onclick: () => remove(v) }, 'Delete'));
    const retryMsg = h('div', { class: 'retry-msg' });
    const failed = v.status === 'failed'
      ? h(
          'div',
          { class: 'ingest-error' },
          h('div', { class: 'error-text', dataset: { field: 'error' } }, v.error || 'ingest failed (no reason given)'),
          may(app.role, 'retry') ? h('button', { type: 'button', class: 'small secondary', dataset: { action: 'retry' }, onclick: () => retry(v, retryMsg) }, 'Retry') : null,
          retryMsg,
        )
      : null;
    return h(
      'tr',
      { dataset: { id: v.id } },
      h('td', { class: 'ellipsis', title: v.id }, v.original_name || shortId(v.id)),
      h('td', {}, v.task_id),
      h('td', {}, v.role),
      h('td', {}, badge(v.status), failed),
      h('td', {}, [v.worker_id, v.station, v.shift].filter(Boolean).join(' · ') || '—'),
      h('td', { class: 'num' }, fmtTime(v.duration_sec)),
      h('td', { class: 'num' }, v.clip_count ?? '—'),
      h('td', { class: 'num' }, fmtBytes(v.size_bytes)),
      h('td', {}, fmtDate(v.created_at)),
      h('td', { class: 'actions' }, actions),
    );
  }

  function render() {
    app.names.remember(items);
    mount(tbody, items.length ? items.map(row) : h('tr', {}, h('td', { colspan: 10, class: 'muted' }, 'No videos yet for this filter.')));
    moreBtn.hidden = !nextCursor;
  }

  async function load(more) {
    const q = new URLSearchParams();
    if (taskInput.value.trim()) q.set('task_id', taskInput.value.trim());
    if (roleSelect.value) q.set('role', roleSelect.value);
    if (workerFilter.value.trim()) q.set('worker_id', workerFilter.value.trim());
    if (stationFilter.value.trim()) q.set('station', stationFilter.value.trim());
    q.set('limit', '50');
    if (more && nextCursor) q.set('cursor', nextCursor);
    try {
      const page = await app.ep.videos(Object.fromEntries(q));
      items = more ? [...items, ...page.items] : page.items;
      nextCursor = page.next_cursor;
      mount(listMsg);
      render();
    } catch (e) {
      mount(listMsg, errorNotice(e, () => load(more)));
    }
  }

  /** Queues ingest again for a failed video (POST /videos/:id/reingest) and follows it in the list. */
  async function retry(v, msg) {
    mount(msg, notice('info', 'Queued again…'));
    try {
      await app.ep.reingest(v.id);
      await load(false);
    } catch (e) {
      mount(msg, errorNotice(e, () => retry(v, msg)));
    }
  }

  async function remove(v) {
    const name = v.original_name || v.id;
    if (!window.confirm(`Delete ${name} everywhere (file, clips, embeddings)? Scores that used it are marked.`)) return;
    try {
      await app.ep.deleteVideo(v.id);
    } catch (e) {
      // A gold that scores used needs force: ask once more, saying so.
      if (e.status === 409 && window.confirm(`${describeError(e)}\n\nDelete it anyway?`)) {
        try {
          await app.ep.deleteVideo(v.id, true);
        } catch (e2) {
          return mount(listMsg, errorNotice(e2, () => remove(v)));
        }
      } else return mount(listMsg, errorNotice(e, () => remove(v)));
    }
    mount(listMsg, notice('ok', `Deleted ${name}.`));
    await load(false);
  }

  // While something is being ingested, refresh the list now and then.
  async function autoRefresh(signal) {
    while (!signal.aborted) {
      await new Promise((r) => setTimeout(r, 2500));
      if (signal.aborted) return;
      if (items.some((v) => BUSY.has(v.status))) await load(false);
    }
  }

  async function onUpload(e) {
    e.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) return;
    const task = upTask.value.trim();
    const role = upRole.value;
    const fd = new FormData();
    fd.append('task_id', task);
    if (role !== 'gold') fd.append('role', role);
    for (const input of whoInputs) if (input.value.trim()) fd.append(input.name, input.value.trim());
    fd.append('file', file, file.name);
    const bar = h('progress', { max: 100, value: 0 });
    const status = h('span', { class: 'upload-status' }, 'uploading…');
    const li = h('li', {}, h('strong', {}, file.name), ` → ${task} (${role}) `, bar, status);
    uploads.prepend(li);
    const setStatus = (...c) => mount(status, ...c);
    try {
      const accepted = await app.api.upload(role === 'gold' ? '/gold' : '/videos', fd, (loaded, total) => {
        bar.value = Math.round((loaded / total) * 100);
        setStatus(`${Math.round((loaded / total) * 100)} %`);
      });
      bar.value = 100;
      setStatus('uploaded, job ', badge('queued'), ' ', shortId(accepted.video_id));
      if (!taskInput.value.trim()) taskInput.value = task;
      app.setTask(task);
      form.reset();
      upTask.value = task;
      await load(false);
      const job = await poll(
        async () => {
          const j = await app.ep.ingestJob(accepted.job_id);
          setStatus('ingest ', badge(j.status), ' ', shortId(accepted.video_id), j.error ? ` ${j.error}` : '');
          return j.status === 'completed' || j.status === 'failed' ? j : null;
        },
        { intervalMs: 1000 },
      );
      li.classList.add(job.status === 'completed' ? 'done' : 'failed');
      if (job.status === 'failed') setStatus(badge('failed'), ' ', job.error || 'ingest failed (no reason given)', ' — Retry it from the Videos list.');
      await load(false);
    } catch (err) {
      li.classList.add('failed');
      setStatus(notice('error', describeError(err)));
    }
  }

  return {
    show() {
      alive?.abort();
      alive = new AbortController();
      if (app.task && !taskInput.value) taskInput.value = app.task;
      if (app.task && !upTask.value) upTask.value = app.task;
      guard(uploadBtn, uploadWhy, app.role, 'upload');
      load(false);
      autoRefresh(alive.signal);
    },
    hide() {
      alive?.abort();
    },
  };
}
