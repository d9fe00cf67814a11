// One library document (/doc?id=…): title, facts, summary, the Markdown body (rebuilt from an
// allow-list), links, attachments and translations.
import { ready, t, formatDate, formatList, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { facetLabel, renderBody, docHref, yearText } from './library-common.js';
import { exampleBadge } from './example.js';

await ready;

const statusEl = document.getElementById('doc-status');
const articleEl = document.getElementById('doc');
let doc = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render() {
  if (!doc) return;
  document.getElementById('doc-title').textContent = doc.title;
  document.getElementById('doc-title').lang = doc.language;
  if (doc.origin === 'demo') document.getElementById('doc-title').append(' ', exampleBadge());
  document.title = `${doc.title} — ${t('site.name')}`;
  const facts = document.getElementById('doc-facts');
  facts.replaceChildren();
  const add = (k, v) => {
    if (!v) return;
    facts.append(el('dt', null, t(k)), el('dd', null, v));
  };
  add('library.facet_type', t(`lib.type.${doc.type}`));
  add('library.facet_country', doc.country && facetLabel('country', doc.country));
  add('library.facet_level', doc.level && t(`lib.level.${doc.level}`));
  add('library.facet_year', doc.year && yearText(doc.year));
  add('library.facet_stage', doc.stage && t(`lib.stage.${doc.stage}`));
  add('library.facet_theme', formatList(doc.themes.map((x) => facetLabel('theme', x))));
  add('library.organisations', formatList(doc.organisations));
  add('library.authors', formatList(doc.authors));
  if (doc.covid) add('library.covid_label', t('library.covid_badge'));
  if (doc.published_at) add('library.published', formatDate(new Date(doc.published_at * 1000)));
  if (doc.status !== 'published') add('library.status', t(`lib.status.${doc.status}`));
  const summary = document.getElementById('doc-summary');
  summary.textContent = doc.summary;
  summary.lang = doc.language;
  const body = document.getElementById('doc-body');
  body.lang = doc.language;
  body.dir = doc.language === 'fa' ? 'rtl' : 'ltr';
  renderBody(body, doc.body_html);
  const extra = document.getElementById('doc-extra');
  extra.replaceChildren();
  const list = (title, items) => {
    if (!items.length) return;
    extra.append(el('h2', null, t(title)));
    const ul = el('ul', 'list-bullet');
    ul.append(...items);
    extra.append(ul);
  };
  list('library.links', doc.links.filter((l) => /^https?:\/\//.test(l.url)).map((l) => {
    const li = el('li');
    const a = el('a', null, l.title || l.url);
    a.href = l.url;
    a.rel = 'nofollow noopener noreferrer';
    li.append(a);
    return li;
  }));
  list('library.attachments', doc.attachments.map((f) => {
    const li = el('li');
    const a = el('a', null, f.filename);
    a.href = f.url;
    a.setAttribute('download', '');
    li.append(a);
    return li;
  }));
  list('library.translations', doc.translations.map((tr) => {
    const li = el('li');
    const a = el('a', null, tr.title);
    a.href = docHref(tr.id);
    a.lang = tr.language;
    li.append(a);
    return li;
  }));
  articleEl.hidden = false;
}

const id = new URLSearchParams(location.search).get('id');
try {
  if (!id) throw Object.assign(new Error(t('error.not_found')), { code: 'not_found' });
  doc = await getJSON(`/api/v1/library/${encodeURIComponent(id)}`);
  statusEl.textContent = '';
  render();
} catch (e) {
  statusEl.textContent = e.message;
}
document.addEventListener(LANGUAGE_EVENT, render);
