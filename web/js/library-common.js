// Shared by the library pages: labels for facet values, snippets with highlighted words built
// as DOM nodes, and a sanitiser for the server's rendered Markdown (defence in depth: the
// server already renders with raw HTML off and inert unsafe links).
import { t, hasKey, getLanguage, localizeDigits } from './i18n.js';

const regionNames = new Map(); // language → Intl.DisplayNames, made once
/** A facet value as the reader's words. */
export function facetLabel(facet, value) {
  if (facet === 'country') {
    try {
      const lang = getLanguage() === 'fa' ? 'fa' : 'en';
      if (!regionNames.has(lang)) regionNames.set(lang, new Intl.DisplayNames([lang], { type: 'region' }));
      return regionNames.get(lang).of(value) || value;
    } catch { return value; }
  }
  if (facet === 'year') return yearText(value);
  const key = `lib.${facet}.${value}`;
  return hasKey(key) ? t(key) : value.replace(/[-_]/g, ' ');
}

/** A year in the reader's digits, without a thousands separator. */
export function yearText(y) {
  return localizeDigits(String(Math.trunc(Number(y))));
}

/** Appends the snippet's text to el; words between U+0002 and U+0003 become <mark>. */
export function renderSnippet(el, snippet) {
  el.replaceChildren();
  const parts = String(snippet || '').split(/(\u0002[^\u0003]*\u0003)/);
  for (const p of parts) {
    if (p.startsWith('\u0002')) {
      const m = document.createElement('mark');
      m.textContent = p.slice(1, -1);
      el.append(m);
    } else if (p) {
      el.append(document.createTextNode(p));
    }
  }
}

const ALLOWED = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'LI', 'A', 'EM', 'STRONG',
  'CODE', 'PRE', 'BLOCKQUOTE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'DEL', 'BR', 'HR']);

function safeHref(href) {
  const h = String(href || '').trim();
  const scheme = h.match(/^([^:/?#]*):/);
  if (!scheme) return h; // relative
  return /^(https?|mailto)$/i.test(scheme[1]) ? h : null;
}

function copyNode(node, out) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) { out.append(document.createTextNode(child.data)); continue; }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    if (!ALLOWED.has(child.tagName)) { copyNode(child, out); continue; } // keep the text only
    // Headings inside a document start at h2 (the page has its own h1).
    let tag = child.tagName;
    if (/^H[1-6]$/.test(tag)) tag = `H${Math.min(6, Number(tag[1]) + 1)}`;
    const el = document.createElement(tag);
    if (tag === 'A') {
      const href = safeHref(child.getAttribute('href'));
      if (href) el.setAttribute('href', href);
      if (/^https?:/i.test(href || '')) el.setAttribute('rel', 'nofollow noopener noreferrer');
    }
    if ((tag === 'TD' || tag === 'TH') && child.getAttribute('align')) el.dataset.align = child.getAttribute('align');
    copyNode(child, el);
    out.append(el);
  }
}

/** Fills el with the document's HTML, rebuilt from an allow-list of elements and attributes. */
export function renderBody(el, html) {
  const doc = new DOMParser().parseFromString(`<body>${html || ''}</body>`, 'text/html');
  el.replaceChildren();
  copyNode(doc.body, el);
}

export function docHref(id) { return `/doc?id=${encodeURIComponent(id)}`; }
