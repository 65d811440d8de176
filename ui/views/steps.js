// Gold steps panel (inside the Videos view): a gold video's steps, detected or set by hand, with
// a thumbnail each and the gold player, so an admin can rename steps, set their bounds from the
// player's position and save them (PUT /gold/:id/steps). It shows what it saves and, after a
// save, what the server answers.
import { badge, errorNotice, h, mount, notice, scroller, srTh } from '../lib/dom.js';
import { guard } from '../lib/roles.js';
import { captureThumbnails } from '../lib/thumbs.js';

/**
 * The bounds the editor shows and saves: detected steps come from overlapping clips, so a step
 * may start before the previous one ends (by a clip's overlap, ~1 s), which the API refuses on
 * save. Each start is clamped to the previous end; the clips each step covers stay the same.
 * @param {Array<{start_sec: number, end_sec: number}>} steps
 */
export function clampSteps(steps) {
  let prevEnd = -Infinity;
  return steps.map((st) => {
    const start = Math.max(st.start_sec, prevEnd);
    prevEnd = Math.max(st.end_sec, start);
    return { ...st, start_sec: start };
  });
}

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
    if (i > 0 && start < steps[i - 1].end_sec) return { error: `Step ${i + 1} starts before step ${i} ends: keep the steps in order, without overlap.` };
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
  let player = null;
  let blobUrl = null;
  let thumbsRun = 0; // a newer render cancels the thumbnails of an older one

  function input(cls, value, type, label) {
    return h('input', { class: cls, type, value: value ?? '', step: type === 'number' ? 'any' : null, min: type === 'number' ? '0' : null, 'aria-label': label, inputmode: type === 'number' ? 'decimal' : null });
  }

  function rowEl(st) {
    const start = input('step-start', st.start_sec, 'number', 'Start (s)');
    const end = input('step-end', st.end_sec, 'number', 'End (s)');
    // "Set from player": the gold player's position becomes the bound, to a tenth of a second.
    const fromPlayer = (target, which) =>
      h('button', { type: 'button', class: 'small secondary', dataset: { action: `set-${which}` }, onclick: () => { target.value = String(Math.round(player.currentTime * 100) / 100); }, 'aria-label': `Set ${which} from the gold player` }, which === 'start' ? 'Set start' : 'Set end');
    const tr = h(
      'tr',
      {},
      h('td', { class: 'num idx' }),
      h('td', { class: 'thumb' }, h('img', { class: 'step-thumb', alt: '', width: 64, height: 48 })),
      h('td', {}, input('step-name', st.name, 'text', 'Step name')),
      h('td', { class: 'bound' }, start, fromPlayer(start, 'start')),
      h('td', { class: 'bound' }, end, fromPlayer(end, 'end')),
      h('td', {}, badge(st.source || 'new', 'status')),
      h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small secondary', dataset: { action: 'remove' }, onclick: () => { tr.remove(); renumber(); }, 'aria-label': 'Remove this step' }, 'Remove')),
    );
    return tr;
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
    const shown = clampSteps(steps);
    tbody = h('tbody', {}, shown.map(rowEl));
    msg = h('div', { id: 'steps-msg' });
    const saveBtn = h('button', { type: 'button', id: 'steps-save', onclick: save }, 'Save steps');
    const why = h('p', { class: 'muted small-text reason', hidden: true });
    player = h('video', { id: 'steps-player', controls: true, preload: 'auto', playsinline: true, muted: true, 'aria-label': `Gold video: ${video.original_name || video.id}` });
    if (blobUrl) player.src = blobUrl;
    mount(
      el,
      h('div', { class: 'card-head' }, h('h2', {}, 'Gold steps of ', video.original_name || video.id), h('button', { type: 'button', class: 'secondary small', onclick: close }, 'Close')),
      h('p', { class: 'muted small-text' }, 'Steps split the gold video; scoring checks each one in the trainee video. Detected steps are marked "auto"; their starts are shown clamped to the previous step\'s end (detected steps share a clip\'s overlap). An admin can rename steps, set bounds (seconds, or from the player) and save; new scores use the saved steps.'),
      h('div', { class: 'steps-player video-box' }, player),
      scroller(h('table', { class: 'grid', id: 'steps-table' }, h('thead', {}, h('tr', {}, h('th', {}, '#'), srTh('Thumbnail'), ['Name', 'Start (s)', 'End (s)', 'Source'].map((t) => h('th', {}, t)), srTh('Actions'))), tbody)),
      h(
        'div',
        { class: 'row spaced' },
        h('button', { type: 'button', class: 'secondary', id: 'steps-add', onclick: () => { const last = rows().at(-1); tbody.append(rowEl({ name: '', start_sec: last ? last.end : 0, end_sec: '' })); renumber(); } }, 'Add step'),
        saveBtn,
      ),
      why,
      msg,
    );
    guard(saveBtn, why, app.role, 'editSteps');
    renumber();
    thumbnails(shown);
  }

  async function thumbnails(steps) {
    const run = ++thumbsRun;
    if (!blobUrl || !steps.length) return;
    const imgs = [...tbody.querySelectorAll('img.step-thumb')];
    await captureThumbnails(blobUrl, steps.map((st) => st.start_sec + Math.min(0.5, (st.end_sec - st.start_sec) / 2)), (i, dataUrl) => {
      if (run !== thumbsRun || !imgs[i]) return;
      imgs[i].src = dataUrl;
      imgs[i].alt = `Frame of step ${i + 1}`;
    });
  }

  async function save() {
    const parsed = stepsFromRows(rows());
    if (parsed.error) return mount(msg, notice('error', parsed.error));
    try {
      await app.ep.saveGoldSteps(video.id, parsed.steps);
      // Show what the server keeps (its answer to a fresh GET), not what was typed.
      const r = await app.ep.goldSteps(video.id);
      render(r.steps);
      mount(msg, notice('ok', `Saved ${r.steps.length} steps.`));
    } catch (e) {
      mount(msg, errorNotice(e, save));
    }
  }

  async function open(v) {
    video = v;
    el.hidden = false;
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = null;
    mount(el, notice('info', 'Loading steps…'));
    try {
      const [r, url] = await Promise.all([app.ep.goldSteps(v.id), v.status === 'indexed' ? app.ep.videoFile(v.id).catch(() => null) : null]);
      blobUrl = url;
      render(r.steps);
      if (!r.steps.length) mount(msg, notice('info', v.status === 'indexed' ? 'No steps were detected; add them by hand.' : 'Steps appear once the video is indexed.'));
    } catch (e) {
      mount(el, h('div', { class: 'card-head' }, h('h2', {}, 'Gold steps'), h('button', { type: 'button', class: 'secondary small', onclick: close }, 'Close')), errorNotice(e, () => open(v)));
    }
    el.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function close() {
    el.hidden = true;
    video = null;
    thumbsRun++;
    player?.pause();
    if (blobUrl) URL.revokeObjectURL(blobUrl);
    blobUrl = null;
  }

  return { el, open, close };
}
