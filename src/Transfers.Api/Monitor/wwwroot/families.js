// The three API families as the page sees them: how to list and read their transfers, and what each transfer shows
// (status, progress from the counts the API returns, sync times, errors) and lets an operator do. Only public routes.
import { ApiError, call, path } from './api.js';
import { bytes } from './dom.js';

const pageSize = 20;

function tone(status, tones) {
  for (const [name, statuses] of Object.entries(tones)) {
    if (statuses.includes(status)) {
      return name;
    }
  }

  return 'unknown';
}

/** Follows a list's `next` links (a path on this origin) to the end. */
async function all(credential, first, itemsOf) {
  const items = [];
  for (let next = first, pages = 0; next && pages < 100; pages++) {
    const { json } = await call(credential, 'GET', next);
    items.push(...itemsOf(json));
    next = typeof json?.next === 'string' && json.next.startsWith('/') ? json.next : null;
  }

  return items;
}

// Shares: transfers live under their share; the list merges every share's transfers, newest first.
const shareTones = {
  ok: ['synced'],
  running: ['sending', 'syncing'],
  waiting: ['created', 'paused'],
  failed: ['failed'],
  ended: ['canceled', 'superseded'],
};

function shareRow(share, t) {
  const p = t.progress ?? {};
  const settled = ['synced', 'paused', 'canceled', 'superseded'].includes(t.status);
  const kind = t.transferEntity?.type === 'files' ? 'files' : 'tables';
  const base = ['v1', 'shares', t.shareId, 'transfers', t.id];
  const actions = [];
  if (t.status === 'created') {
    actions.push({ label: 'Start', confirm: 'Start this transfer now?', run: (c) => call(c, 'POST', path([...base, 'start'])) });
  }

  if (['sending', 'syncing', 'synced', 'failed'].includes(t.status)) {
    actions.push({ label: 'Pause', confirm: 'Pause this transfer? Nothing is copied or deleted until it resumes.', run: (c) => call(c, 'POST', path([...base, 'pause'])) });
  }

  if (t.status === 'paused') {
    actions.push({ label: 'Resume', confirm: 'Resume this transfer? A check runs at once.', run: (c) => call(c, 'POST', path([...base, 'start'])) });
  }

  if (!['canceled', 'superseded'].includes(t.status)) {
    actions.push({ label: 'Cancel', danger: true, confirm: 'Cancel this transfer for good? It cannot be restarted.', run: (c) => call(c, 'DELETE', path(base)) });
  }

  const progress = kind === 'files'
    ? [
        { label: 'files', done: p.filesDone ?? 0, total: p.filesTotal ?? 0, complete: settled },
        { label: '', done: p.bytesDone ?? 0, total: p.bytesTotal ?? 0, format: bytes, complete: settled },
      ]
    : [{ label: 'rows written', done: p.rowsWritten ?? 0, total: null }];
  return {
    link: '#' + path(['shares', t.shareId, t.id]),
    title: share?.name ?? t.shareId,
    subtitle: `${kind} · ${t.id}`,
    id: t.id,
    status: t.status,
    tone: tone(t.status, shareTones),
    progress,
    started: t.startedAt,
    ended: t.lastSync?.endedAt,
    endedLabel: 'last sync',
    nextSync: t.nextSyncAt,
    errors: (t.errors ?? []).map((e) => [e.path ?? e.table, e.message].filter(Boolean).join(': ')),
    instanceId: `share-transfer-${t.id}`,
    actions,
    raw: t,
  };
}

const shares = {
  name: 'shares',
  title: 'Shares transfers',
  credential: 'key',
  statuses: ['created', 'sending', 'syncing', 'synced', 'paused', 'failed', 'canceled', 'superseded'],
  note: "Every transfer of every share of the signed-in tenant, newest first.",
  async list(credential, { status, cursor }) {
    const list = await all(credential, '/v1/shares', (json) => json?.items ?? []);
    // A share deleted between the two reads has no transfers to show.
    const byShare = await Promise.all(list.map((share) =>
      all(credential, path(['v1', 'shares', share.id, 'transfers'], { limit: 100, status }), (json) => json?.items ?? [])
        .then((items) => items.map((t) => shareRow(share, t)), (e) => (e instanceof ApiError && e.status === 404 ? [] : Promise.reject(e)))));
    const rows = byShare.flat().sort((a, b) => String(b.raw.createdAt).localeCompare(String(a.raw.createdAt)));
    const offset = Number(cursor) || 0;
    return { rows: rows.slice(offset, offset + pageSize), next: offset + pageSize < rows.length ? String(offset + pageSize) : null, total: rows.length };
  },
  async get(credential, [shareId, transferId]) {
    const [share, transfer] = await Promise.all([
      call(credential, 'GET', path(['v1', 'shares', shareId])),
      call(credential, 'GET', path(['v1', 'shares', shareId, 'transfers', transferId])),
    ]);
    return shareRow(share.json, transfer.json);
  },
};

// Exports: one list, paged by the API's page token.
const exportTones = {
  ok: ['SUCCESS'],
  running: ['RUNNING'],
  waiting: ['PENDING'],
  failed: ['ERROR', 'PARTIAL_FAILURE'],
  ended: ['CANCELLED'],
};
const exportFinal = ['SUCCESS', 'ERROR', 'PARTIAL_FAILURE', 'CANCELLED'];

function exportRow(t) {
  const metrics = t.model_metrics ?? [];
  const models = Math.max(metrics.length, (t.models ?? []).length);
  const actions = exportFinal.includes(t.status) ? [] : [{
    label: 'Cancel', danger: true, confirm: 'Cancel this export? It stops between chunks.',
    run: (c) => call(c, 'POST', path(['transfers', t.id, 'cancel'])),
  }];
  const modelErrors = metrics.filter((m) => m.error).map((m) => `${m.model_name}: ${m.error}`);
  return {
    link: '#' + path(['exports', t.id]),
    title: t.destination_id,
    subtitle: `${(t.models ?? []).join(', ') || 'all enabled models'} · ${t.id}`,
    id: t.id,
    status: t.status,
    tone: tone(t.status, exportTones),
    progress: [
      { label: 'models', done: metrics.filter((m) => exportFinal.includes(m.status)).length, total: models, complete: exportFinal.includes(t.status) },
      { label: `rows (${t.volume_transferred_in_mb ?? 0} MB)`, done: t.rows_transferred ?? 0, total: null },
    ],
    started: t.started_at,
    ended: t.ended_at,
    endedLabel: 'ended',
    nextSync: null,
    errors: [t.error, ...modelErrors].filter(Boolean),
    instanceId: `exports-${t.id}`,
    actions,
    raw: t,
  };
}

const exportsFamily = {
  name: 'exports',
  title: 'Exports transfers',
  credential: 'key',
  statuses: ['PENDING', 'RUNNING', 'SUCCESS', 'PARTIAL_FAILURE', 'ERROR', 'CANCELLED'],
  note: "The signed-in tenant's exports, newest first.",
  async list(credential, { status, cursor }) {
    const { json } = await call(credential, 'GET', path(['transfers'], { page_size: pageSize, status, page_token: cursor }));
    return { rows: (json?.data?.transfers ?? []).map(exportRow), next: json?.data?.next_page_token ?? null };
  },
  async get(credential, [id]) {
    const { json } = await call(credential, 'GET', path(['transfers', id]));
    return exportRow(json.data);
  },
};

// Ownership: the bearer's sent or received invitations, paged by the Link header's `after`.
const ownershipTones = {
  ok: ['done'],
  running: ['queued', 'started'],
  waiting: ['unapproved'],
  failed: ['failed'],
  ended: ['canceled'],
};

function ownershipRow(t) {
  const resources = Object.values(t.toTransfer ?? {}).reduce((sum, list) => sum + (Array.isArray(list) ? list.length : 0), 0);
  const errors = t.transferErrors ?? [];
  const other = t.transferToUser ?? t.ownerUser;
  const actions = t.status === 'unapproved'
    ? [{ label: 'Cancel', danger: true, confirm: 'Cancel this invitation? Only its owner can.', run: (c) => call(c, 'PUT', path(['v1', 'transfers', t._id, 'cancel'])) }]
    : [];
  return {
    link: '#' + path(['ownership', t._id]),
    title: other?.email ?? other?.name ?? t._id,
    subtitle: `${t.account ? 'whole account' : 'integrations'} · ${t._id}`,
    id: t._id,
    status: t.status,
    tone: tone(t.status, ownershipTones),
    // The API reports the resources of the transfer and, once it ends, which were not taken.
    progress: [{ label: 'resources moved', done: t.status === 'done' || t.status === 'failed' ? resources - errors.length : 0, total: resources }],
    started: t.createdAt,
    ended: t.transferredAt,
    endedLabel: 'ended',
    nextSync: null,
    errors: errors.map((e) => [e.collection, e._id, e.message].filter(Boolean).join(' ')),
    instanceId: `ownership-${t._id}`,
    actions,
    raw: t,
  };
}

function afterOf(headers) {
  const link = headers.get('Link') ?? '';
  const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(link);
  return match ? new URL(match[1], location.origin).searchParams.get('after') : null;
}

const ownership = {
  name: 'ownership',
  title: 'Ownership transfers',
  credential: 'bearer',
  statuses: ['unapproved', 'queued', 'started', 'done', 'canceled', 'failed'],
  directions: true,
  note: 'The invitations the signed-in user sent or received; the status filter applies to the page shown.',
  async list(credential, { status, cursor, direction }) {
    const segments = direction === 'received' ? ['v1', 'transfers', 'invited'] : ['v1', 'transfers'];
    const response = await call(credential, 'GET', path(segments, { pageSize, after: cursor }));
    const items = response.status === 204 ? [] : (response.json ?? []);
    return { rows: items.filter((t) => !status || t.status === status).map(ownershipRow), next: afterOf(response.headers) };
  },
  async get(credential, [id]) {
    const { json } = await call(credential, 'GET', path(['v1', 'transfers', id]));
    return ownershipRow(json);
  },
};

export const families = { shares, exports: exportsFamily, ownership };

// Durable instance tones, for the admin's instance panel.
export const instanceTones = {
  ok: ['Completed'],
  running: ['Running', 'Pending', 'ContinuedAsNew'],
  waiting: ['Suspended'],
  failed: ['Failed'],
  ended: ['Terminated', 'Canceled'],
};

export function instanceTone(status) {
  return tone(status, instanceTones);
}
