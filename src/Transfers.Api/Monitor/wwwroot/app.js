// The monitor page: sign-in, a list per family, a transfer's page with (admin) its durable instance, and actions.
import { ApiError, call, clearCredential, loadCredential, path, saveCredential } from './api.js';
import { badge, byId, el, fill, progress, time, timeElement } from './dom.js';
import { families, instanceTone } from './families.js';

const refreshMs = 4000;
const state = { credential: loadCredential(), route: null, cursors: [null], timer: 0, busy: false };

// ---- routing: #/family, #/family/ids… (ids are not secret; the credential never enters the URL) ----

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const allowed = availableFamilies();
  const family = families[parts[0]] && allowed.includes(parts[0]) ? parts[0] : allowed[0];
  return { family, ids: parts[0] === family ? parts.slice(1) : [] };
}

function availableFamilies() {
  return Object.values(families).filter((f) => f.credential === state.credential?.kind).map((f) => f.name);
}

async function show() {
  clearTimeout(state.timer);
  const signedIn = state.credential !== null;
  byId('sign-in').hidden = signedIn;
  byId('tabs').hidden = !signedIn;
  byId('who').hidden = !signedIn;
  byId('list').hidden = true;
  byId('detail').hidden = true;
  if (!signedIn) {
    byId('secret').focus();
    return;
  }

  const c = state.credential;
  byId('who-label').textContent = c.kind === 'bearer' ? 'Ownership token' : c.admin ? 'Admin key (tenant default)' : 'Tenant key';
  for (const tab of byId('tabs').querySelectorAll('a')) {
    tab.hidden = !availableFamilies().includes(tab.dataset.family);
  }

  const route = parseRoute();
  const changed = state.route?.family !== route.family || state.route?.ids.join('/') !== route.ids.join('/');
  state.route = route;
  for (const tab of byId('tabs').querySelectorAll('a')) {
    if (tab.dataset.family === route.family) {
      tab.setAttribute('aria-current', 'page');
    } else {
      tab.removeAttribute('aria-current');
    }
  }

  if (route.ids.length > 0) {
    await showDetail(route, changed);
  } else {
    await showList(route, changed);
  }
}

// ---- sign-in ----

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const kind = form.elements.kind.value;
  const secret = form.elements.secret.value.trim();
  const error = byId('sign-in-error');
  error.hidden = true;
  const credential = { kind, secret, admin: false };
  try {
    if (kind === 'bearer') {
      await call(credential, 'GET', path(['v1', 'transfers'], { pageSize: 1 }));
    } else {
      await call(credential, 'GET', '/v1/shares');
      credential.admin = await isAdmin(credential);
    }
  } catch (e) {
    error.textContent = e instanceof ApiError && e.status === 401
      ? `The ${kind === 'bearer' ? 'token' : 'key'} was not accepted (${e.message}).`
      : `Sign-in failed: ${e.message}`;
    error.hidden = false;
    return;
  }

  form.reset();
  state.credential = credential;
  saveCredential(credential);
  state.route = null;
  // An address that already names a transfer or list this credential may see (a bookmark) is kept.
  const family = `#/${parseRoute().family}`;
  if (location.hash === family || location.hash.startsWith(`${family}/`)) {
    await show();
  } else {
    location.hash = family;
  }
}

// The management API answers only the admin key; a tenant key gets 401 there.
async function isAdmin(credential) {
  try {
    await call(credential, 'GET', path(['runtime', 'webhooks', 'durabletask', 'instances'], { top: 1, showInput: false }));
    return true;
  } catch {
    return false;
  }
}

function signOut() {
  clearCredential();
  state.credential = null;
  state.route = null;
  history.replaceState(null, '', location.pathname);
  show();
}

// ---- the list ----

function filterValues() {
  return { status: byId('status-filter').value || undefined, direction: byId('direction').value };
}

async function showList(route, changed) {
  const family = families[route.family];
  if (changed) {
    state.cursors = [null];
    byId('list-title').textContent = family.title;
    byId('list-note').textContent = family.note;
    fill(byId('status-filter'), el('option', { value: '' }, 'All statuses'), family.statuses.map((s) => el('option', { value: s }, s)));
    byId('direction').hidden = !family.directions;
    byId('direction-label').hidden = !family.directions;
    fill(byId('transfers').tBodies[0]);
  }

  byId('list').hidden = false;
  await refreshList();
}

async function refreshList() {
  const family = families[state.route.family];
  const cursor = state.cursors[state.cursors.length - 1];
  try {
    const page = await family.list(state.credential, { ...filterValues(), cursor });
    if (families[state.route.family] !== family || state.route.ids.length > 0) {
      return;
    }

    renderRows(page.rows);
    state.next = page.next;
    byId('prev').disabled = state.cursors.length === 1;
    byId('next').disabled = !page.next;
    byId('page-label').textContent = `Page ${state.cursors.length}`;
    byId('list-error').hidden = true;
    byId('refreshed').textContent = `Updated ${time(new Date())}; refreshes every ${refreshMs / 1000} s.`;
  } catch (e) {
    showError('list-error', e);
  }

  schedule(refreshList);
}

function renderRows(rows) {
  // Keep the reader where they are: the new rows replace the old ones in place, and any scroll is put back.
  const wrap = document.querySelector('.table-wrap');
  const scroll = { x: window.scrollX, y: window.scrollY, left: wrap.scrollLeft };
  fill(byId('transfers').tBodies[0], rows.map((row) => el('tr', { 'data-id': row.id, 'data-status': row.status },
    el('td', { 'data-label': 'Transfer' }, el('a', { href: row.link }, row.title), el('div', { class: 'sub' }, row.subtitle)),
    el('td', { 'data-label': 'Status' }, badge(row.status, row.tone)),
    el('td', { 'data-label': 'Progress' }, row.progress.map(progress)),
    el('td', { 'data-label': 'Started' }, timeElement(row.started)),
    el('td', { 'data-label': row.endedLabel === 'last sync' ? 'Last sync' : 'Ended' }, timeElement(row.ended)),
    el('td', { 'data-label': 'Next sync' }, timeElement(row.nextSync)),
    el('td', { 'data-label': 'Errors' }, row.errors.length === 0 ? '—' : el('span', { class: 'error-count', title: row.errors.join('\n') }, `${row.errors.length}: ${row.errors[0]}`)))));
  byId('list-empty').hidden = rows.length > 0;
  wrap.scrollLeft = scroll.left;
  window.scrollTo(scroll.x, scroll.y);
}

function page(step) {
  if (step > 0 && state.next) {
    state.cursors.push(state.next);
  } else if (step < 0 && state.cursors.length > 1) {
    state.cursors.pop();
  }

  clearTimeout(state.timer);
  refreshList();
}

// ---- a transfer's page ----

async function showDetail(route, changed) {
  if (changed) {
    fill(byId('detail-title'));
    fill(byId('detail-fields'));
    fill(byId('detail-errors'));
    fill(byId('detail-progress'));
    fill(byId('detail-actions'));
    byId('instance').hidden = true;
    byId('back').setAttribute('href', `#/${route.family}`);
  }

  byId('detail').hidden = false;
  if (changed) {
    byId('main').focus();
  }

  await refreshDetail();
}

async function refreshDetail() {
  const route = state.route;
  try {
    const row = await families[route.family].get(state.credential, route.ids);
    if (state.route !== route) {
      return;
    }

    fill(byId('detail-title'), `${row.title} `, badge(row.status, row.tone));
    fill(byId('detail-progress'), row.progress.map(progress));
    fill(byId('detail-errors'), row.errors.length === 0 ? el('li', { class: 'none' }, 'None.') : row.errors.map((e) => el('li', {}, e)));
    fill(byId('detail-fields'), fields(row.raw));
    fill(byId('detail-actions'), row.actions.map((a) => actionButton(a, () => a.run(state.credential))));
    byId('detail-error').hidden = true;
    if (state.credential.admin) {
      await refreshInstance(row.instanceId);
    }
  } catch (e) {
    showError('detail-error', e);
  }

  schedule(refreshDetail);
}

/** The record's fields as a definition list; nested values as indented JSON text. */
function fields(record) {
  return Object.entries(record ?? {}).flatMap(([name, value]) => [
    el('dt', {}, name),
    el('dd', {}, value !== null && typeof value === 'object' ? el('pre', {}, JSON.stringify(value, null, 2)) : (value === null || value === undefined ? '—' : String(value))),
  ]);
}

async function refreshInstance(instanceId) {
  const panel = byId('instance');
  panel.hidden = false;
  const base = ['runtime', 'webhooks', 'durabletask', 'instances', instanceId];
  let instance;
  try {
    instance = (await call(state.credential, 'GET', path(base, { showHistory: true }))).json;
  } catch (e) {
    byId('instance-note').textContent = e instanceof ApiError && e.status === 404
      ? `No instance '${instanceId}' exists (never started, or purged).`
      : `The instance could not be read: ${e.message}`;
    fill(byId('instance-fields'));
    fill(byId('instance-actions'));
    fill(byId('timeline'));
    return;
  }

  byId('instance-note').textContent = `Instance ${instance.instanceId} (${instance.name}).`;
  const status = instance.runtimeStatus;
  fill(byId('instance-fields'),
    el('dt', {}, 'Runtime status'), el('dd', {}, badge(status, instanceTone(status))),
    el('dt', {}, 'Created'), el('dd', {}, timeElement(instance.createdTime)),
    el('dt', {}, 'Last updated'), el('dd', {}, timeElement(instance.lastUpdatedTime)),
    el('dt', {}, 'Custom status'), el('dd', {}, instance.customStatus == null ? '—' : el('pre', {}, JSON.stringify(instance.customStatus, null, 2))));
  const control = (verb, label, confirm, danger) => actionButton(
    { label, confirm, danger },
    () => call(state.credential, 'POST', path([...base, verb], { reason: 'Requested from the monitor page' })));
  const actions = [];
  if (['Running', 'Pending'].includes(status)) {
    actions.push(control('suspend', 'Suspend instance', 'Suspend this durable instance? It stops processing until resumed.'));
  }

  if (status === 'Suspended') {
    actions.push(control('resume', 'Resume instance', 'Resume this durable instance?'));
  }

  if (['Running', 'Pending', 'Suspended'].includes(status)) {
    actions.push(control('terminate', 'Terminate instance', 'Terminate this durable instance? The transfer record is not changed.', true));
  }

  fill(byId('instance-actions'), actions);
  const events = instance.historyEvents ?? [];
  fill(byId('timeline'), events.length === 0 ? el('li', { class: 'none' }, 'No history.') : events.map((e) => el('li', { 'data-event': e.EventType },
    timeElement(e.Timestamp), ' ',
    el('strong', {}, e.EventType),
    e.FunctionName ? ` ${e.FunctionName}` : '',
    e.FireAt ? ` (fires ${time(e.FireAt)})` : '',
    e.ScheduledTime ? el('span', { class: 'sub' }, ` scheduled ${time(e.ScheduledTime)}`) : '')));
}

// ---- actions with a confirmation ----

function actionButton(action, run) {
  return el('button', {
    type: 'button',
    class: action.danger ? 'danger' : null,
    onclick: async () => {
      if (await confirmAction(action.label, action.confirm)) {
        try {
          await run();
          toast(`${action.label}: done.`);
        } catch (e) {
          toast(`${action.label} failed: ${e.message}`);
        }
      }

      clearTimeout(state.timer);
      await (state.route.ids.length > 0 ? refreshDetail() : refreshList());
    },
  }, action.label);
}

function confirmAction(label, text) {
  const dialog = byId('confirm');
  byId('confirm-title').textContent = `${label}?`;
  byId('confirm-text').textContent = text;
  byId('confirm-ok').textContent = label;
  dialog.returnValue = '';
  clearTimeout(state.timer);
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

// ---- refresh, errors, messages ----

function schedule(refresh) {
  clearTimeout(state.timer);
  if (!byId('confirm').open) {
    state.timer = setTimeout(refresh, refreshMs);
  }
}

function showError(id, e) {
  const target = byId(id);
  target.textContent = e instanceof ApiError && e.status === 401
    ? `The credential is no longer accepted (${e.message}). Sign out and sign in again.`
    : e instanceof ApiError && e.status === 404 ? `Not found (${e.message}).` : `Could not load: ${e.message}`;
  target.hidden = false;
}

function toast(message) {
  const t = byId('toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 6000);
}

byId('sign-in-form').addEventListener('submit', signIn);
byId('sign-out').addEventListener('click', signOut);
byId('status-filter').addEventListener('change', () => { state.cursors = [null]; clearTimeout(state.timer); refreshList(); });
byId('direction').addEventListener('change', () => { state.cursors = [null]; clearTimeout(state.timer); refreshList(); });
byId('prev').addEventListener('click', () => page(-1));
byId('next').addEventListener('click', () => page(1));
window.addEventListener('hashchange', show);
show();
