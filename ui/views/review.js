// Review panel of a result: the reviewer's decision beside the automatic verdict, and the
// controls to confirm it or override it with a comment (POST /score/:id/review, operator+).
import { badge, errorNotice, fmtDate, h, mount, notice } from '../lib/dom.js';
import { guard } from '../lib/roles.js';

const DECISIONS = [
  ['confirm', 'Confirm verdict'],
  ['override_pass', 'Override: pass'],
  ['override_fail', 'Override: fail'],
];

/** @param {(score: object) => void} onReviewed called with the score the review answers (new `passed` and `review`) */
export function createReviewPanel(app, score, onReviewed) {
  const state = h('div', { id: 'review-state' });
  const msg = h('div', { id: 'review-msg' });
  const comment = h('textarea', { id: 'review-comment', rows: 2, maxlength: 2000, placeholder: 'Why (required for an override)' });
  const why = h('p', { class: 'muted small-text reason', hidden: true });
  const buttons = DECISIONS.map(([d, label]) => h('button', { type: 'button', class: d === 'confirm' ? '' : 'secondary', dataset: { decision: d }, onclick: () => send(d) }, label));
  const el = h(
    'div',
    { class: 'card', id: 'review' },
    h('h2', {}, 'Review'),
    state,
    h('div', { class: 'field' }, h('label', { for: 'review-comment' }, 'Comment'), comment),
    h('div', { class: 'row wrap' }, buttons),
    why,
    msg,
  );

  function show(s) {
    const r = s.review;
    const engine = s.engine_passed ? 'PASS' : 'FAIL';
    mount(
      state,
      r
        ? h(
            'p',
            { class: 'review-line' },
            'Reviewed: ', badge(r.decision, 'decision'), ` by ${r.reviewed_by} on ${fmtDate(r.reviewed_at)}`,
            r.comment ? ` — “${r.comment}”` : '',
            h('span', { class: 'muted' }, ` (automatic verdict: ${engine})`),
          )
        : h('p', { class: 'muted' }, `Not reviewed yet. Automatic verdict: ${engine}.`),
    );
  }

  async function send(decision) {
    const text = comment.value.trim();
    if (decision !== 'confirm' && !text) return mount(msg, notice('error', 'Say why in the comment before overriding the verdict.'));
    for (const b of buttons) b.disabled = true;
    try {
      const fresh = await app.ep.review(score.id, decision, text || undefined);
      show(fresh);
      onReviewed(fresh);
      comment.value = '';
      mount(msg, notice('ok', 'Review saved.'));
    } catch (e) {
      mount(msg, errorNotice(e, () => send(decision)));
    } finally {
      for (const b of buttons) guard(b, why, app.role, 'review');
    }
  }

  show(score);
  for (const b of buttons) guard(b, why, app.role, 'review');
  return { el };
}
