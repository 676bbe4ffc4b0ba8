// Calls the public API with the signed-in credential. The credential lives in sessionStorage only (this tab), goes in the
// header its family expects, and never into a URL.
const storageKey = 'transfers.monitor.credential';

/** @returns {{kind: 'key'|'bearer', secret: string, admin: boolean} | null} */
export function loadCredential() {
  try {
    const value = JSON.parse(sessionStorage.getItem(storageKey) ?? 'null');
    return value && typeof value.secret === 'string' && (value.kind === 'key' || value.kind === 'bearer') ? value : null;
  } catch {
    return null;
  }
}

export function saveCredential(credential) {
  sessionStorage.setItem(storageKey, JSON.stringify(credential));
}

export function clearCredential() {
  sessionStorage.removeItem(storageKey);
}

/** An answer other than 2xx, with the message of the family's own error envelope. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Sends one request. Resolves to {status, json, headers} for a 2xx answer; rejects with ApiError otherwise.
 * @param {{kind: string, secret: string}} credential
 * @param {string} method
 * @param {string} path an absolute path on this origin
 */
export async function call(credential, method, path, body) {
  const headers = { Accept: 'application/json' };
  if (credential.kind === 'bearer') {
    headers.Authorization = `Bearer ${credential.secret}`;
  } else {
    headers['X-API-KEY'] = credential.secret;
  }

  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }

  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
    redirect: 'error',
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }

  if (!response.ok) {
    throw new ApiError(response.status, `${response.status} ${response.statusText}: ${messageOf(json) ?? (text.slice(0, 200) || 'no details')}`);
  }

  return { status: response.status, json, headers: response.headers };
}

// The three envelopes: problem+json {detail, title}, Exports {message}, Ownership {errors: [{message}]} or {message}.
function messageOf(json) {
  if (typeof json === 'string') {
    return json;
  }

  if (!json || typeof json !== 'object') {
    return null;
  }

  if (Array.isArray(json.errors) && json.errors.length > 0 && typeof json.errors[0]?.message === 'string') {
    return json.errors.map((e) => e.message).join(' ');
  }

  return [json.detail, json.message, json.title].find((m) => typeof m === 'string') ?? null;
}

/** Builds a path with encoded segments and the query parameters that have a value. */
export function path(segments, query = {}) {
  const url = '/' + segments.map((s) => encodeURIComponent(s)).join('/');
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params.set(name, String(value));
    }
  }

  const search = params.toString();
  return search ? `${url}?${search}` : url;
}
