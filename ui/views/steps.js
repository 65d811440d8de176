// Gold steps panel (inside the Videos view): shows a gold video's steps, detected or set by hand,
// and lets an admin rename them and move their bounds (PUT /gold/:id/steps).
import { describeError } from '../lib/api.js';
import { badge, h, mount, notice, shortId } from '../lib/dom.js';

/**
 * Reads the editor rows into the PUT body, or returns an error sentence for the first bad row.
 * @param {Array<{name: string, start: string, end: string}>} rows
 */
export function stepsFromRows(rows) {
  const steps = [];
  for (const [i, r] of rows.entries()) {
    const name = r.name.trim();
    const start = Number(r.start);
    const end = Number(r.end);
    if (!name) return { error: `Step ${i + 1} needs a name.` };
    if (r.start === '' || r.end === '' || !Number.isFinite(start) || !Number.isFinite(end) || start < 0) return { error: `Step ${i + 1}: start and end must be seconds (numbers, start ≥ 0).` };
    if (end <= start) return { error: `Step ${i + 1}: end must be after start.` };
    if (i > 0 && start < steps[i - 1].start_sec) return { error: `Step ${i + 1} starts before step ${i}: keep the steps in order.` };
    steps.push({ name, start_sec: start, end_sec: end });
  }
  if (!steps.length) return { error: 'Add at least one step.' };
  return { steps };
}

export function createStepsPanel(app) {
  const el = h('div', { class: 'card', id: 'steps-panel', hidden: true });
  let video = null;
  let tbody = null;
  let msg = null;

  function rowEl(st) {
    const input = (cls, value, type, label) => h('input', { class: cls, type, value: value ?? '', step: type === 'number' ? '0.1' : null, min: type === 'number' ? '0' : null, 'aria-label': label });
    return h(
      'tr',
      {},
      h('td', { class: 'num idx' }),
      h('td', {}, input('step-name', st.name, 'text', 'Step name')),
      h('td', {}, input('step-start', st.start_sec, 'number', 'Start (s)')),
      h('td', {}, input('step-end', st.end_sec, 'number', 'End (s)')),
      h('td', {}, st.source ? badge(st.source, 'status') : badge('new', 'status')),
      h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small secondary', onclick: (e) => { e.target.closest('tr').remove(); renumber(); } }, 'Remove')),
    );
  }

  function renumber() {
    [...tbody.querySelectorAll('td.idx')].forEach((td, i) => (td.textContent = String(i + 1)));
  }

  function rows() {
    return [...tbody.querySelectorAll('tr')].map((tr) => ({
      name: tr.querySelector('.step-name').value,
      start: tr.querySelector('.step-start').value,
      end: tr.querySelector('.step-end').value,
    }));
  }

  function render(steps) {
    tbody = h('tbody', {}, steps.map(rowEl));
    msg = h('div', { id: 'steps-msg' });
    mount(
      el,
      h('div', { class: 'card-head' }, h('h2', {}, 'Gold steps of ', shortId(video.id), ` · ${video.original_name || ''}`), h('button', { type: 'button', class: 'secondary small', onclick: close }, 'Close')),
      h('p', { class: 'muted small-text' }, 'Steps split the gold video; scoring checks each one in the trainee video. Detected steps are marked "auto". An admin can rename steps and set their bounds (seconds); new scores use the saved steps.'),
      h('table', { class: 'grid', id: 'steps-table' }, h('thead', {}, h('tr', {}, ['#', 'Name', 'Start (s)', 'End (s)', 'Source', ''].map((t) => h('th', {}, t)))), tbody),
      h(
        'div',
        { class: 'row spaced' },
        h('button', { type: 'button', class: 'secondary', id: 'steps-add', onclick: () => { const last = rows().at(-1); tbody.append(rowEl({ name: '', start_sec: last ? last.end : 0, end_sec: '' })); renumber(); } }, 'Add step'),
        h('button', { type: 'button', id: 'steps-save', onclick: save }, 'Save steps'),
      ),
      msg,
    );
    renumber();
  }

  async function save() {
    const parsed = stepsFromRows(rows());
    if (parsed.error) return mount(msg, notice('error', parsed.error));
    try {
      const r = await app.api.request('PUT', `/gold/${encodeURIComponent(video.id)}/steps`, { body: { steps: parsed.steps } });
      render(r.steps);
      mount(msg, notice('ok', `Saved ${r.steps.length} steps.`));
    } catch (e) {
      mount(msg, notice('error', describeError(e)));
    }
  }

  async function open(v) {
    video = v;
    el.hidden = false;
    mount(el, notice('info', 'Loading steps…'));
    try {
      const r = await app.api.get(`/gold/${encodeURIComponent(v.id)}/steps`);
      render(r.steps);
      if (!r.steps.length) mount(msg, notice('info', v.status === 'indexed' ? 'No steps were detected; add them by hand.' : 'Steps appear once the video is indexed.'));
    } catch (e) {
      mount(el, h('div', { class: 'card-head' }, h('h2', {}, 'Gold steps'), h('button', { type: 'button', class: 'secondary small', onclick: close }, 'Close')), notice('error', describeError(e)));
    }
    el.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function close() {
    el.hidden = true;
    video = null;
  }

  return { el, open, close };
}
