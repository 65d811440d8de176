// Ops view: queue depths per pipeline stage and the audit chain check (admin).
import { badge, errorNotice, h, mount, notice, scroller } from '../lib/dom.js';
import { guard, may } from '../lib/roles.js';

const COLS = ['waiting', 'active', 'delayed', 'failed', 'completed', 'dead_letter'];

export function createOpsView(app) {
  const el = document.getElementById('view-ops');
  let timer = null;

  const queueMsg = h('div');
  const transport = h('span', { class: 'muted', id: 'queue-transport' });
  const rejected = h('p', { class: 'small-text', id: 'queue-rejected' });
  const qBody = h('tbody');
  const auditBox = h('div', { id: 'audit-status' });
  const verifyBtn = h('button', { type: 'button', id: 'audit-verify', onclick: () => verify() }, 'Verify audit chain');
  const verifyWhy = h('p', { class: 'muted small-text reason', id: 'audit-why', hidden: true });

  mount(
    el,
    h('h1', { class: 'view-title' }, 'Ops'),
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, 'Queues ', transport), h('button', { type: 'button', class: 'secondary', onclick: () => loadQueues() }, 'Refresh')),
      queueMsg,
      scroller(
        h(
          'table',
          { class: 'grid', id: 'queues' },
          h('thead', {}, h('tr', {}, ['Queue', 'Waiting', 'Active', 'Delayed', 'Failed', 'Completed', 'Dead letter', 'Oldest waiting'].map((t) => h('th', {}, t)))),
          qBody,
        ),
      ),
      rejected,
      h('p', { class: 'muted small-text' }, 'Refreshes every 5 s while this tab is open.'),
    ),
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', {}, 'Audit trail'), verifyBtn),
      h('p', { class: 'muted small-text' }, 'Recomputes the hash chain of the append-only audit log and reports the first row that does not match (admin only).'),
      verifyWhy,
      auditBox,
    ),
  );

  async function loadQueues() {
    try {
      const q = await app.ep.queues();
      mount(transport, `(${q.transport})`);
      const n = q.rejected_events ?? 0;
      mount(rejected, n ? h('span', { class: 'badge status-failed' }, `${n} rejected events`) : null, n ? ' events the pipeline refused as malformed (kept in the rejected_events table).' : null);
      mount(
        qBody,
        q.queues.length
          ? q.queues.map((r) =>
              h(
                'tr',
                { class: r.dead_letter > 0 || r.failed > 0 ? 'warn' : '' },
                h('td', {}, r.queue),
                COLS.map((c) => h('td', { class: 'num' }, r[c] === null || r[c] === undefined ? '—' : String(r[c]))),
                h('td', { class: 'num' }, r.oldest_waiting_age_sec === null || r.oldest_waiting_age_sec === undefined ? '—' : `${Math.round(r.oldest_waiting_age_sec)} s`),
              ),
            )
          : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No queues reported.')),
      );
      mount(queueMsg);
    } catch (e) {
      mount(queueMsg, errorNotice(e, loadQueues));
    }
  }

  async function verify() {
    verifyBtn.disabled = true;
    mount(auditBox, notice('info', 'Verifying…'));
    try {
      const r = await app.ep.verifyAudit();
      mount(
        auditBox,
        r.ok
          ? h('div', { class: 'notice ok', role: 'status' }, badge('intact', 'status'), ` Chain intact: ${r.rows} rows verified.`)
          : h('div', { class: 'notice error', role: 'alert' }, badge('broken', 'status'), ` Chain broken at row ${r.first_bad_row} of ${r.rows}: the log was altered from there on.`),
      );
    } catch (e) {
      mount(auditBox, errorNotice(e, verify));
    } finally {
      guard(verifyBtn, verifyWhy, app.role, 'verifyAudit');
    }
  }

  return {
    show() {
      loadQueues();
      guard(verifyBtn, verifyWhy, app.role, 'verifyAudit');
      if (may(app.role, 'verifyAudit')) verify();
      else mount(auditBox);
      clearInterval(timer);
      timer = setInterval(loadQueues, 5000);
    },
    hide() {
      clearInterval(timer);
      timer = null;
    },
  };
}
