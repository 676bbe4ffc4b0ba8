// DOM helpers. Everything the API returns is put on the page as text (textContent, attribute values), never as markup.

/**
 * Creates an element.
 * @param {string} tag
 * @param {Record<string, string | boolean | number | Function | null | undefined>} [attributes] on* keys add listeners
 * @param {...(Node | string | number | null | undefined | false)} children strings become text nodes
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }

    if (typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }

  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) {
      continue;
    }

    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

export function byId(id) {
  return document.getElementById(id);
}

/** A local date and time, or a dash. */
export function time(value) {
  if (!value) {
    return '—';
  }

  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function timeElement(value) {
  return value ? el('time', { datetime: String(value) }, time(value)) : '—';
}

export function bytes(value) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let amount = Number(value) || 0;
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }

  return `${unit === 0 ? amount : amount.toFixed(1)} ${units[unit]}`;
}

/**
 * A status badge: a colour and a symbol for the tone, and the status itself as text, so neither colour nor shape alone
 * carries the meaning.
 */
export function badge(status, tone) {
  const symbols = { ok: '✓', running: '▶', waiting: '‖', failed: '✕', ended: '■', unknown: '?' };
  return el('span', { class: `badge tone-${tone}`, 'data-status': status },
    el('span', { 'aria-hidden': 'true' }, symbols[tone] ?? '?'), ' ', status);
}

/**
 * A progress bar from counts: "done of total unit", with a native progress element for assistive technology.
 * @param {{label: string, done: number, total: number | null, format?: (n: number) => string, complete?: boolean}} item
 */
export function progress(item) {
  const format = item.format ?? ((n) => Number(n).toLocaleString());
  if (item.total === null || item.total === undefined) {
    return el('div', { class: 'progress' }, el('span', { class: 'progress-text' }, `${format(item.done)} ${item.label}`));
  }

  const percent = item.total > 0 ? Math.min(100, Math.floor((item.done * 100) / item.total)) : (item.complete ? 100 : 0);
  return el('div', { class: 'progress', 'data-percent': percent },
    el('progress', { max: 100, value: percent, 'aria-label': `${item.label}: ${percent} %` }),
    el('span', { class: 'progress-text' }, `${format(item.done)} of ${format(item.total)} ${item.label} (${percent} %)`));
}
