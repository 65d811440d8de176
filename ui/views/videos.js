// Videos view: list by task with status badges, upload with progress, ingest job polling.
import { describeError, poll } from '../lib/api.js';
import { badge, fmtBytes, fmtDate, fmtTime, h, mount, notice, shortId } from '../lib/dom.js';
import { createStepsPanel } from './steps.js';

const BUSY = new Set(['uploaded', 'processing']);

export function createVideosView(app) {
  const el = document.getElementById('view-videos');
  const stepsPanel = createStepsPanel(app);
  let alive = null; // AbortController of the visible period
  let items = [];
  let nextCursor = null;

  const taskInput = h('input', { id: 'videos-task', type: 'text', placeholder: 'all tasks', spellcheck: 'false' });
  const roleSelect = h('select', { id: 'videos-role' }, h('option', { value: '' }, 'all roles'), ['gold', 'trainee', 'audit'].map((r) => h('option', { value: r }, r)));
  const listMsg = h('div');
  const tbody = h('tbody');
  const moreBtn = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(true) }, 'Load more');

  // Upload form
  const fileInput = h('input', { id: 'upload-file', name: 'file', type: 'file', accept: 'video/*', required: true });
  const upTask = h('input', { id: 'upload-task', name: 'task_id', type: 'text', required: true, spellcheck: 'false', placeholder: 'e.g. pump-maintenance' });
  const upRole = h('select', { id: 'upload-role', name: 'role' }, h('option', { value: 'gold' }, 'gold (reference)'), h('option', { value: 'trainee', selected: true }, 'trainee'), h('option', { value: 'audit' }, 'audit'));
  const uploads = h('ul', { class: 'uploads', id: 'uploads' });
  const form = h(
    'form',
    { id: 'upload-form', class: 'upload-form', onsubmit: onUpload },
    h('div', { class: 'field' }, h('label', { for: 'upload-file' }, 'Video file'), fileInput),
    h('div', { class: 'field' }, h('label', { for: 'upload-task' }, 'Task id'), upTask),
    h('div', { class: 'field' }, h('label', { for: 'upload-role' }, 'Role'), upRole),
    h('div', { class: 'field end' }, h('button', { type: 'submit', id: 'upload-submit' }, 'Upload')),
  );

  mount(
    el,
    h('div', { class: 'card' }, h('h2', {}, 'Upload a video'), form, uploads),
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
          h('button', { type: 'submit', class: 'secondary' }, 'Refresh'),
        ),
      ),
      listMsg,
      h(
        'table',
        { class: 'grid', id: 'videos-table' },
        h('thead', {}, h('tr', {}, ['Id', 'Task', 'Role', 'Status', 'File', 'Duration', 'Clips', 'Size', 'Uploaded', ''].map((t) => h('th', {}, t)))),
        tbody,
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
    return h(
      'tr',
      { dataset: { id: v.id } },
      h('td', {}, shortId(v.id)),
      h('td', {}, v.task_id),
      h('td', {}, v.role),
      h('td', {}, badge(v.status), v.error ? h('div', { class: 'muted small-text', title: v.error }, v.error.slice(0, 80)) : null),
      h('td', { class: 'ellipsis', title: v.original_name || '' }, v.original_name || '—'),
      h('td', { class: 'num' }, fmtTime(v.duration_sec)),
      h('td', { class: 'num' }, v.clip_count ?? '—'),
      h('td', { class: 'num' }, fmtBytes(v.size_bytes)),
      h('td', {}, fmtDate(v.created_at)),
      h('td', { class: 'actions' }, actions),
    );
  }

  function render() {
    mount(tbody, items.length ? items.map(row) : h('tr', {}, h('td', { colspan: 10, class: 'muted' }, 'No videos yet for this filter.')));
    moreBtn.hidden = !nextCursor;
  }

  async function load(more) {
    const q = new URLSearchParams();
    if (taskInput.value.trim()) q.set('task_id', taskInput.value.trim());
    if (roleSelect.value) q.set('role', roleSelect.value);
    q.set('limit', '50');
    if (more && nextCursor) q.set('cursor', nextCursor);
    try {
      const page = await app.api.get(`/videos?${q}`);
      items = more ? [...items, ...page.items] : page.items;
      nextCursor = page.next_cursor;
      mount(listMsg);
      render();
    } catch (e) {
      mount(listMsg, notice('error', describeError(e)));
    }
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
          const j = await app.api.get(`/videos/jobs/${accepted.job_id}`);
          setStatus('ingest ', badge(j.status), ' ', shortId(accepted.video_id), j.error ? ` ${j.error}` : '');
          return j.status === 'completed' || j.status === 'failed' ? j : null;
        },
        { intervalMs: 1000 },
      );
      li.classList.add(job.status === 'completed' ? 'done' : 'failed');
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
      load(false);
      autoRefresh(alive.signal);
    },
    hide() {
      alive?.abort();
    },
  };
}
