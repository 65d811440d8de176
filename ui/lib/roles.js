// What each role may do, as the API enforces it; the page disables what the signed-in role may
// not do and says why, instead of letting the click end in a 403.

const RANK = { viewer: 0, operator: 1, admin: 2 };

/** The lowest role each action needs (docs/ui.md, "What each role can do"). */
export const NEEDS = {
  upload: 'operator',
  score: 'operator',
  retry: 'operator',
  review: 'operator',
  batch: 'operator',
  editSteps: 'admin',
  deleteVideo: 'admin',
  verifyAudit: 'admin',
};

/** role null = unknown (the API could not say): allow, and let the API decide. */
export function may(role, action) {
  if (!role || !(role in RANK)) return true;
  return RANK[role] >= RANK[NEEDS[action]];
}

export function reason(role, action) {
  return `Needs the ${NEEDS[action]} role; you are signed in as ${role}.`;
}

/**
 * Disables button (and says why in the note element beside it) when role may not do action.
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} note
 */
export function guard(button, note, role, action) {
  const ok = may(role, action);
  button.disabled = !ok;
  button.title = ok ? '' : reason(role, action);
  note.textContent = ok ? '' : reason(role, action);
  note.hidden = ok;
  if (!note.id) note.id = `why-${action}-${Math.random().toString(36).slice(2, 8)}`;
  if (ok) button.removeAttribute('aria-describedby');
  else button.setAttribute('aria-describedby', note.id);
}
