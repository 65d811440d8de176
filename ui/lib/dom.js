// Tiny DOM helpers. Text always goes in as text nodes, never as HTML, so API data cannot inject markup.
import { describeError, retryable } from './api.js';

/**
 * h('div', {class: 'x', onclick: fn, dataset: {id: 1}}, 'text', child, [more])
 * Attributes starting with "on" become listeners; null/false children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** 75.4 -> "1:15.4"; null -> "—". */
export function fmtTime(sec) {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return '—';
  const m = Math.floor(sec / 60);
  const s = sec - m * 60;
  return `${m}:${s < 10 ? '0' : ''}${s.toFixed(1)}`;
}

/** {start_sec, end_sec} -> "0:03.0–0:07.5"; null -> "—". */
export function fmtRange(r) {
  if (!r || r.start_sec === null || r.start_sec === undefined) return '—';
  return `${fmtTime(r.start_sec)}–${fmtTime(r.end_sec)}`;
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** First 8 characters of an id, the whole id in the tooltip. */
export function shortId(id) {
  return h('code', { class: 'id', title: id }, String(id).slice(0, 8));
}

/** A status/severity badge; the class names the value so CSS colours it. */
export function badge(value, kind = 'status') {
  return h('span', { class: `badge ${kind}-${String(value).replace(/[^a-z_]/gi, '')}` }, String(value).replace(/_/g, ' '));
}

/** A message line (kind: error | info | ok) inside a view. */
export function notice(kind, text) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/**
 * An error notice; when the failure is passing (network, 502-504) and a retry is given, with a
 * Retry button that runs it.
 */
export function errorNotice(err, retry) {
  const box = notice('error', describeError(err));
  if (retry && retryable(err)) {
    box.append(' ', h('button', { type: 'button', class: 'small secondary retry', onclick: () => retry() }, 'Retry'));
  }
  return box;
}

/** Lets a wide table scroll sideways inside its card instead of widening the page (phones). */
export function scroller(table) {
  // Focusable, so keyboard users can scroll it too (axe: scrollable-region-focusable).
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Table (scrolls sideways on small screens)' }, table);
}

/** A table header cell that screen readers read but that takes no room ("Actions" columns). */
export function srTh(text) {
  return h('th', {}, h('span', { class: 'sr-only' }, text));
}
