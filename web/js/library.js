// The library: a search box, a facet sidebar with counts (each computed under the other
// filters) and results with highlighted snippets. The state lives in the address (?q=&type=…),
// so a search can be shared and the back button works.
import { ready, t, formatNumber, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { facetLabel, renderSnippet, docHref, yearText } from './library-common.js';
import { getMe } from './session.js';
import { exampleBadge } from './example.js';

await ready;

const FACETS = ['type', 'country', 'level', 'year', 'stage', 'theme'];
const form = document.getElementById('library-search');
const input = document.getElementById('library-q');
const facetsEl = document.getElementById('library-facets');
const listEl = document.getElementById('library-list');
const countEl = document.getElementById('library-count');
const pagerEl = document.getElementById('library-pager');
const sortEl = document.getElementById('library-sort');
const langEl = document.getElementById('library-lang');
const covidEl = document.getElementById('library-covid');

// The address names the documents' language doc_lang (?lang= chooses the interface's language,
// boot.js); the API calls it lang.
let state = readState();
let last = null;
let seq = 0;

function readState() {
  const p = new URLSearchParams(location.search);
  const s = { q: p.get('q') || '', sort: p.get('sort') || '', page: Number(p.get('page')) || 1,
    lang: p.get('doc_lang') || '', covid: p.get('covid') || '', f: {} };
  for (const f of FACETS) s.f[f] = new Set((p.get(f) || '').split(',').filter(Boolean));
  return s;
}

function query({ forApi = false } = {}) {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const f of FACETS) if (state.f[f].size) p.set(f, [...state.f[f]].join(','));
  if (state.lang) p.set(forApi ? 'lang' : 'doc_lang', state.lang);
  if (state.covid) p.set('covid', state.covid);
  if (state.sort) p.set('sort', state.sort);
  if (state.page > 1) p.set('page', String(state.page));
  return p;
}

async function load({ push = true } = {}) {
  const p = query();
  if (push) history.replaceState(null, '', p.toString() ? `?${p}` : location.pathname);
  const my = ++seq;
  countEl.textContent = t('library.loading');
  try {
    const r = await getJSON(`/api/v1/library?${query({ forApi: true })}&per_page=20`);
    if (my !== seq) return;
    last = r;
    render();
  } catch (e) {
    if (my === seq) countEl.textContent = e.message;
  }
}

function facetGroup(name, counts) {
  const fs = document.createElement('fieldset');
  fs.className = 'facet';
  const lg = document.createElement('legend');
  lg.className = 'facet-title';
  lg.textContent = t(`library.facet_${name}`);
  fs.append(lg);
  const entries = Object.entries(counts || {});
  // Values are codes (years, country codes, slugs): compared as plain strings, which needs no
  // locale collation (the first one costs the browser tens of milliseconds).
  const byCode = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  if (name === 'year') entries.sort((a, b) => byCode(b[0], a[0]));
  else if (name !== 'type' && name !== 'level' && name !== 'stage') entries.sort((a, b) => b[1] - a[1] || byCode(a[0], b[0]));
  if (!entries.length) {
    const p = document.createElement('p');
    p.className = 'facet-empty';
    p.textContent = t('library.facet_none');
    fs.append(p);
  }
  const ul = document.createElement('ul');
  ul.className = 'checks facet-list';
  for (const [value, count] of entries) {
    const li = document.createElement('li');
    li.className = 'check';
    const id = `f-${name}-${value}`;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'check-input';
    box.id = id;
    box.checked = state.f[name].has(value);
    box.dataset.facet = name;
    box.dataset.value = value;
    const label = document.createElement('label');
    label.className = 'check-label';
    label.htmlFor = id;
    const text = document.createElement('span');
    text.textContent = facetLabel(name, value);
    const c = document.createElement('span');
    c.className = 'facet-count';
    c.textContent = formatNumber(count);
    label.append(text, ' ', c);
    li.append(box, label);
    ul.append(li);
  }
  fs.append(ul);
  return fs;
}

function resultItem(item) {
  const li = document.createElement('li');
  li.className = 'library-item';
  const h = document.createElement('h3');
  h.className = 'library-item-title';
  const a = document.createElement('a');
  a.href = docHref(item.id);
  a.textContent = item.title;
  a.lang = item.language;
  a.dir = 'auto';
  h.append(a);
  if (item.origin === 'demo') h.append(' ', exampleBadge());
  const meta = document.createElement('p');
  meta.className = 'meta';
  const bits = [t(`lib.type.${item.type}`)];
  if (item.country) bits.push(facetLabel('country', item.country));
  if (item.year) bits.push(yearText(item.year));
  if (item.covid) bits.push(t('library.covid_badge'));
  if (item.status !== 'published') bits.push(t(`lib.status.${item.status}`));
  meta.textContent = bits.join(' · ');
  const snip = document.createElement('p');
  snip.className = 'library-snippet';
  snip.lang = item.language;
  snip.dir = 'auto';
  renderSnippet(snip, item.snippet);
  li.append(h, meta, snip);
  return li;
}

function render() {
  if (!last) return;
  facetsEl.replaceChildren(...FACETS.map((f) => facetGroup(f, last.facets[f])));
  countEl.textContent = t('library.count', { count: formatNumber(last.total) });
  listEl.replaceChildren(...last.items.map(resultItem));
  const pages = Math.max(1, Math.ceil(last.total / 20));
  pagerEl.replaceChildren();
  if (pages > 1) {
    const mk = (label, page, disabled) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'button button-secondary';
      b.textContent = label;
      b.disabled = disabled;
      b.addEventListener('click', () => { state.page = page; load(); listEl.focus?.(); });
      return b;
    };
    const info = document.createElement('span');
    info.className = 'pager-info';
    info.textContent = t('library.page_of', { page: formatNumber(state.page), pages: formatNumber(pages) });
    pagerEl.append(mk(t('library.prev'), state.page - 1, state.page <= 1), info, mk(t('library.next'), state.page + 1, state.page >= pages));
  }
}

facetsEl.addEventListener('change', (e) => {
  const box = e.target;
  if (!box.dataset?.facet) return;
  const set = state.f[box.dataset.facet];
  if (box.checked) set.add(box.dataset.value); else set.delete(box.dataset.value);
  state.page = 1;
  load();
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  state.q = input.value.trim();
  state.page = 1;
  load();
});

for (const [el, key] of [[sortEl, 'sort'], [langEl, 'lang'], [covidEl, 'covid']]) {
  el.value = state[key];
  el.addEventListener('change', () => { state[key] = el.value; state.page = 1; load(); });
}
input.value = state.q;
document.addEventListener(LANGUAGE_EVENT, render);
load({ push: false });
// Editors and admins get a link to the editorial page (getMe asks only when this browser signed in).
getMe().then((me) => {
  if (me && (me.role === 'editor' || me.role === 'admin')) document.getElementById('library-editor-link').hidden = false;
}).catch(() => {});

