// Review panel of a result: the reviewer's decision beside the engine's verdict, and the
// controls to confirm it or override it with a comment (POST /score/:id/review, operator+).
import { notAvailable } from '../lib/api.js';
import { badge, errorNotice, fmtDate, h, mount, notice } from '../lib/dom.js';
import { guard } from '../lib/roles.js';

const DECISIONS = [
  ['confirm', 'Confirm verdict'],
  ['override_pass', 'Override: pass'],
  ['override_fail', 'Override: fail'],
];

/** The review a score answer carries, whatever the server names it (review or latest of reviews). */
export function currentReview(s) {
  if (s.review) return s.review;
  if (Array.isArray(s.reviews) && s.reviews.length) return s.reviews[s.reviews.length - 1];
  return null;
}

export function createReviewPanel(app, score, reload) {
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
    const r = currentReview(s);
    const engine = s.engine_passed ?? s.passed;
    mount(
      state,
      r
        ? h(
            'p',
            { class: 'review-line' },
            'Reviewed: ', badge(r.decision, 'decision'), ` by ${r.reviewer || r.subject || 'a reviewer'}`, r.created_at ? ` on ${fmtDate(r.created_at)}` : '',
            r.comment ? ` — “${r.comment}”` : '',
            h('span', { class: 'muted' }, ` (engine verdict: ${engine ? 'PASS' : 'FAIL'})`),
          )
        : h('p', { class: 'muted' }, `Not reviewed yet. Engine verdict: ${engine ? 'PASS' : 'FAIL'}.`),
    );
  }

  async function send(decision) {
    const text = comment.value.trim();
    if (decision !== 'confirm' && !text) return mount(msg, notice('error', 'Say why in the comment before overriding the verdict.'));
    for (const b of buttons) b.disabled = true;
    try {
      await app.ep.review(score.id, decision, text || undefined);
      const fresh = await reload();
      show(fresh);
      comment.value = '';
      mount(msg, notice('ok', 'Review saved.'));
    } catch (e) {
      mount(msg, notAvailable(e) ? notice('info', 'Review is not available on this server yet.') : errorNotice(e, () => send(decision)));
    } finally {
      for (const b of buttons) guard(b, why, app.role, 'review');
    }
  }

  show(score);
  for (const b of buttons) guard(b, why, app.role, 'review');
  return { el };
}
