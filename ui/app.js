// SOPilot web UI: token sign-in, hash routing between the views, shared state (task, picks).
import { Api, ApiError, describeError, endpoints } from './lib/api.js';
import { $, h, mount, notice } from './lib/dom.js';
import { createNames } from './lib/names.js';
import { createVideosView } from './views/videos.js';
import { createScoreView } from './views/score.js';
import { createResultView } from './views/result.js';
import { createOpsView } from './views/ops.js';
import { createTasksView } from './views/tasks.js';
import { createDashboardView } from './views/dashboard.js';

// The API lives at the root the UI is mounted under (…/ui/ -> …/).
const apiBase = new URL('../', new URL('./', location.href)).toString();
const TASK_KEY = 'sopilot.task';

/** Role and expiry a JWT claims about itself (unverified; for display only). Static tokens give null. */
function jwtClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

const api = new Api(apiBase);
const ep = endpoints(api);
let rulesP = null;
let paletteP = null;

const app = {
  api,
  ep,
  names: createNames(ep),
  /** The signed-in role from GET /auth/me (null until known): views disable what it may not do. */
  role: null,
  task: sessionStorage.getItem(TASK_KEY) || '',
  selection: { gold: null, trainee: null },
  lastScore: null,
  setTask(t) {
    app.task = t;
    if (t) sessionStorage.setItem(TASK_KEY, t);
    else sessionStorage.removeItem(TASK_KEY);
  },
  /** Remembers a video for the Score form and opens it. */
  pick(role, video) {
    app.selection[role] = video;
    if (video.task_id) app.setTask(video.task_id);
    app.go('#/score');
  },
  /** The pass threshold and blocking rule (null when the server cannot say). */
  rules() {
    rulesP ??= ep.scoringRules().catch(() => ((rulesP = null), null));
    return rulesP;
  },
  /** The PDF's colours (GET /ui/palette.json, public); a failed read is tried again next time. */
  palette() {
    paletteP ??= ep.palette().catch((e) => ((paletteP = null), Promise.reject(e)));
    return paletteP;
  },
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
};

let views;
let current = null;

function showSession() {
  const token = app.api.token;
  $('#tabs').hidden = !token;
  $('#session').hidden = !token;
  if (!token) return;
  const claims = jwtClaims(token);
  const who = claims ? `${claims.sub || 'token'}${claims.role ? ` (${claims.role})` : ''}` : `token …${token.slice(-4)}`;
  mount($('#session-label'), 'Signed in: ', h('strong', {}, who));
}

function signOut(message) {
  app.api.token = '';
  app.role = null;
  app.names.forget();
  current?.hide();
  current = null;
  showSession();
  for (const v of document.querySelectorAll('.view')) v.hidden = true;
  $('#view-login').hidden = false;
  mount($('#login-msg'), message ? notice('error', message) : null);
  $('#token-input').focus();
}

async function whoAmI() {
  try {
    const me = await ep.me();
    app.role = me.role;
    mount($('#session-label'), 'Signed in: ', h('strong', {}, me.subject), ` (${me.role})`);
  } catch {
    app.role = null; // unknown: buttons stay enabled and the API decides
  }
}

function route() {
  if (!app.api.token) return signOut();
  const [, name = 'videos', ...params] = (location.hash || '#/videos').split('/');
  const view = views[name] ? name : 'videos';
  current?.hide();
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `view-${view}`;
  for (const a of document.querySelectorAll('#tabs a')) {
    a.classList.toggle('active', a.dataset.view === view);
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  current = views[view];
  current.show(params);
}

async function onLogin(e) {
  e.preventDefault();
  const token = $('#token-input').value.trim();
  if (!token) return;
  const btn = $('#login-submit');
  btn.disabled = true;
  mount($('#login-msg'), notice('info', 'Checking the token…'));
  try {
    // Any role may list videos: this proves the token works without changing anything.
    await app.api.get('/videos?limit=1', { token });
    app.api.token = token;
    $('#token-input').value = '';
    mount($('#login-msg'));
    $('#view-login').hidden = true;
    showSession();
    await whoAmI();
    route();
    // Keyboard and screen-reader users land on what they signed in for.
    $('#main').focus();
  } catch (err) {
    const msg = err instanceof ApiError && err.status === 401 ? `The API refused this token (401): ${err.message}` : describeError(err);
    mount($('#login-msg'), notice('error', msg));
  } finally {
    btn.disabled = false;
  }
}

function start() {
  views = {
    videos: createVideosView(app),
    score: createScoreView(app),
    result: createResultView(app),
    ops: createOpsView(app),
    tasks: createTasksView(app),
    dashboard: createDashboardView(app),
  };
  app.api.onUnauthorized = (err) => signOut(`Your session ended: the API refused the token (401): ${err.message}`);
  $('#login-form').addEventListener('submit', onLogin);
  $('#signout').addEventListener('click', () => signOut());
  window.addEventListener('hashchange', route);
  showSession();
  if (app.api.token) whoAmI().then(route);
  else route();
}

start();
