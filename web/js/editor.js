// The library's editorial page (/editor, editors and admins): the documents by status
// (GET /api/v1/library?status=…), a form with every field the API takes (POST creates a draft,
// PATCH saves; each save is a revision), submit for review, publish / unpublish (admins only),
// a preview of the saved text (the server's rendered HTML, rebuilt from an allow-list by
// renderBody), the revision history and an attachment uploader (the raw file, its type as
// Content-Type). State-changing requests carry X-CSRF-Token from /api/v1/me (session.js).
// Anonymous visitors and other roles see a notice instead.
import { ready, t, hasKey, formatDate, formatNumber, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON, ApiError } from './api.js';
import { getMe, send } from './session.js';
import { facetLabel, renderBody, docHref } from './library-common.js';

await ready;
const $ = (id) => document.getElementById(id);
const f = (name) => $(`ed-${name}`);
$('editor-nojs').hidden = true;

const PER_PAGE = 20;
const THEMES = ['health', 'food', 'housing', 'education', 'open-data', 'volunteering', 'mutual-aid',
  'public-services', 'data-protection', 'transport', 'employment', 'elderly', 'children',
  'misinformation', 'digital-identity', 'participation', 'other'];
const ATTACH_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv'];
const ATTACH_BY_EXT = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', txt: 'text/plain', csv: 'text/csv' };
const ATTACH_MAX = 10 * 1024 * 1024;

let me = null;
try {
  me = await getMe({ refresh: true });
} catch (e) {
  showError(e.message);
}
const isAdmin = me?.role === 'admin';

const state = {
  status: 'draft', page: 1, list: null, // the list
  doc: null, revisions: [], saved: '', // the open document; saved: the form as last loaded or saved
  msg: null, attMsg: null, attErr: null, formErr: null, // {key, vars} or {text}, re-translated on switch
};

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function showError(text) {
  $('editor-error').textContent = text;
  $('editor-error').hidden = !text;
}

/** A message as {key, vars} (translated again on a language switch) or {text} (an ApiError's). */
const say = (m) => (m ? (m.key ? t(m.key, m.vars) : m.text) : '');
function setMsg(which, m) {
  state[which] = m;
  renderMessages();
}
function renderMessages() {
  $('editor-msg').textContent = say(state.msg);
  $('editor-att-msg').textContent = say(state.attMsg);
  $('editor-att-error').textContent = say(state.attErr);
  $('editor-att-error').hidden = !state.attErr;
  $('editor-form-error').textContent = say(state.formErr);
  $('editor-form-error').hidden = !state.formErr;
}
/** An ApiError keeps its code so that it can be translated again. */
const errMsg = (e) => (e instanceof ApiError ? { key: hasKey(`error.${e.code}`) ? `error.${e.code}` : 'error.unknown' }
  : { text: String(e.message || e) });

const statusLabel = (s) => (hasKey(`lib.status.${s}`) ? t(`lib.status.${s}`) : s);
const langLabel = (l) => t(l === 'en' ? 'library.lang_en' : 'library.lang_fa');
const dateTime = (sec) => {
  const d = new Date(sec * 1000);
  const time = new Intl.DateTimeFormat(getLanguage() === 'fa' ? 'fa-IR' : 'en-GB', { hour: '2-digit', minute: '2-digit' }).format(d);
  return `${formatDate(d)} ${time}`;
};

/* ------------------------------------------------------------ the list */

async function loadList() {
  const q = new URLSearchParams({ status: state.status, sort: 'newest', page: String(state.page), per_page: String(PER_PAGE) });
  $('editor-count').textContent = t('editor.loading');
  try {
    state.list = await getJSON(`/api/v1/library?${q}`);
    renderList();
  } catch (e) {
    $('editor-count').textContent = e.message;
  }
}

function renderList() {
  const d = state.list;
  if (!d) return;
  const ul = $('editor-list');
  ul.replaceChildren(...d.items.map((item) => {
    const li = el('li', 'editor-item');
    const a = el('a', 'editor-item-link', item.title);
    a.href = `/editor?id=${encodeURIComponent(item.id)}`;
    a.lang = item.language;
    a.dir = 'auto';
    if (state.doc?.id === item.id) a.setAttribute('aria-current', 'true');
    a.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      openDoc(item.id, { focus: true });
    });
    const meta = el('p', 'meta', t('editor.item_meta', {
      status: statusLabel(item.status), type: t(`lib.type.${item.type}`), language: langLabel(item.language),
    }));
    li.append(a, meta);
    return li;
  }));
  if (!d.items.length) ul.replaceChildren(el('li', 'editor-item', t('editor.empty')));
  $('editor-count').textContent = d.total ? t('editor.count', { count: d.total }) : '';
  const pages = Math.max(1, Math.ceil(d.total / PER_PAGE));
  $('editor-page').textContent = t('editor.page', { page: state.page, pages });
  $('editor-prev').disabled = state.page <= 1;
  $('editor-next').disabled = state.page >= pages;
  $('editor-pager').hidden = pages <= 1;
}

/* ------------------------------------------------------------ the form */

function buildThemeChecks() {
  const ul = f('themes');
  ul.replaceChildren(...THEMES.map((th) => {
    const li = el('li', 'check');
    const box = el('input', 'check-input');
    box.type = 'checkbox';
    box.id = `ed-theme-${th}`;
    box.value = th;
    const label = el('label', 'check-label', facetLabel('theme', th));
    label.htmlFor = box.id;
    li.append(box, label);
    return li;
  }));
}

const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);
const commas = (s) => s.split(/[,،;]/).map((x) => x.trim()).filter(Boolean);
const westernDigits = (s) => String(s).replace(/[۰-۹]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'.indexOf(d)).replace(/[٠-٩]/g, (d) => '٠١٢٣٤٥٦٧٨٩'.indexOf(d));

/** The form as the API's input. */
function formBody({ create }) {
  const themes = [...f('themes').querySelectorAll('input:checked')].map((b) => b.value);
  for (const th of commas(f('themes-other').value)) {
    const v = th.toLowerCase().replace(/\s+/g, '-');
    if (!themes.includes(v)) themes.push(v);
  }
  const year = westernDigits(f('year').value.trim());
  const body = {
    type: f('type').value,
    language: f('language').value,
    title: f('title').value.trim(),
    summary: f('summary').value,
    body: f('body').value,
    country: f('country').value.trim().toUpperCase() || null,
    level: f('level').value || null,
    year: year ? (/^\d+$/.test(year) ? Number(year) : year) : null,
    stage: f('stage').value || null,
    themes,
    tags: commas(f('tags').value),
    organisations: lines(f('organisations').value),
    authors: lines(f('authors').value),
    links: lines(f('links').value).map((line) => {
      const [url, ...rest] = line.split(/\s+/);
      const title = rest.join(' ').trim();
      return title ? { url, title } : { url };
    }),
    covid: f('covid').checked,
  };
  if (KIND_TEMPLATES[body.type]) {
    try { body[body.type] = JSON.parse(f('kind').value || '{}'); } catch { body[body.type] = f('kind').value; }
  }
  const tr = f('translation').value.trim().toLowerCase();
  if (create && tr) body.translation_of = tr;
  return body;
}

/** News items and fact checks have fields of their own (docs/news.md), edited as JSON. */
const KIND_TEMPLATES = {
  news: { institution: '', category: 'information', publish_at: null },
  factcheck: { claim: '', claimant: '', rating: 'unverifiable', organisation: '', appearances: [], first_seen: null, sources: [] },
};

function kindField(doc) {
  const type = f('type').value;
  $('ed-kind-field').hidden = !KIND_TEMPLATES[type];
  if (KIND_TEMPLATES[type] && (doc !== undefined || !f('kind').value.trim()))
    f('kind').value = JSON.stringify(doc?.[type] || KIND_TEMPLATES[type], null, 2);
}

function fillForm(doc) {
  f('type').value = doc?.type || 'guide';
  f('language').value = doc?.language || (getLanguage() === 'en' ? 'en' : 'fa');
  f('title').value = doc?.title || '';
  f('summary').value = doc?.summary || '';
  f('body').value = doc?.body || '';
  f('country').value = doc?.country || '';
  f('level').value = doc?.level || '';
  f('year').value = doc?.year ? String(doc.year) : '';
  f('stage').value = doc?.stage || '';
  const themes = doc?.themes || [];
  for (const box of f('themes').querySelectorAll('input')) box.checked = themes.includes(box.value);
  f('themes-other').value = themes.filter((x) => !THEMES.includes(x)).join(', ');
  f('tags').value = (doc?.tags || []).join(', ');
  f('organisations').value = (doc?.organisations || []).join('\n');
  f('authors').value = (doc?.authors || []).join('\n');
  f('links').value = (doc?.links || []).map((l) => (l.title ? `${l.url} ${l.title}` : l.url)).join('\n');
  f('covid').checked = !!doc?.covid;
  f('kind').value = '';
  kindField(doc ?? null);
  f('translation').value = '';
  for (const e of $('editor-form').querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  textDirection();
  countryName();
  state.saved = snapshot();
}

const snapshot = () => JSON.stringify(formBody({ create: false }));
const isDirty = () => snapshot() !== state.saved;

/** Title, summary and body are written in the document's language. */
function textDirection() {
  const lang = f('language').value;
  for (const id of ['title', 'summary', 'body', 'organisations', 'authors', 'tags']) {
    f(id).lang = lang;
    f(id).dir = lang === 'en' ? 'ltr' : 'rtl';
  }
}

function countryName() {
  const v = f('country').value.trim().toUpperCase();
  $('ed-country-name').textContent = /^[A-Z]{2}$/.test(v) && facetLabel('country', v) !== v ? facetLabel('country', v) : '';
}

const FIELD_INPUT = { kind: 'kind', news: 'kind', factcheck: 'kind', title: 'title', country: 'country', year: 'year', themes: 'themes-other', links: 'links',
  tags: 'tags', organisations: 'organisations', authors: 'authors', translation_of: 'translation', summary: 'summary', body: 'body' };
const FIELD_MSG = { kind: 'editor.err_kind', title: 'editor.err_title', country: 'editor.err_country', year: 'editor.err_year', themes: 'editor.err_themes',
  links: 'editor.err_links', tags: 'editor.err_list', organisations: 'editor.err_list', authors: 'editor.err_list', translation_of: 'editor.err_translation' };

function fieldError(field, fallback) {
  const name = /^(news|factcheck)\./.test(field || '') ? 'kind' : field; // "news.category" …
  const input = FIELD_INPUT[name] ? f(FIELD_INPUT[name]) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  setMsg('formErr', FIELD_MSG[field] ? { key: FIELD_MSG[field] } : fallback);
}

/** Saves the form: POST (new) or PATCH. Resolves true when saved. */
async function save() {
  for (const e of $('editor-form').querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  setMsg('formErr', null);
  setMsg('msg', null);
  const create = !state.doc;
  const body = formBody({ create });
  if (!body.title) { fieldError('title'); return false; }
  if (body.country && !/^[A-Z]{2}$/.test(body.country)) { fieldError('country'); return false; }
  if (body.year !== null && (typeof body.year !== 'number' || body.year < 1900 || body.year > 2100)) { fieldError('year'); return false; }
  if (body.themes.length > 10 || body.themes.some((x) => !/^[a-z0-9_-]{1,40}$/.test(x))) { fieldError('themes'); return false; }
  if (body.links.length > 20 || body.links.some((l) => !/^https?:\/\/\S+$/i.test(l.url))) { fieldError('links'); return false; }
  if (KIND_TEMPLATES[body.type] && (typeof body[body.type] !== 'object' || body[body.type] === null)) { fieldError('kind'); return false; }
  $('editor-save').disabled = true;
  setMsg('msg', { key: 'editor.saving' });
  try {
    let doc = create
      ? await send('/api/v1/library', { method: 'POST', body })
      : await send(`/api/v1/library/${state.doc.id}`, { method: 'PATCH', body });
    // The answer to a create lists no translations yet: read the document again.
    if (create) doc = await getJSON(`/api/v1/library/${doc.id}`).catch(() => doc);
    state.doc = doc;
    state.saved = snapshot();
    history.replaceState(null, '', `/editor?id=${encodeURIComponent(doc.id)}`);
    setMsg('msg', { key: create ? 'editor.created' : 'editor.saved' });
    renderDoc();
    await Promise.all([loadRevisions(), loadList()]);
    return true;
  } catch (e) {
    setMsg('msg', null);
    if (e instanceof ApiError && e.field) fieldError(e.field, errMsg(e));
    else setMsg('formErr', errMsg(e));
    return false;
  } finally {
    $('editor-save').disabled = locked();
  }
}

/* ------------------------------------------------------------ one document */

async function openDoc(id, { focus = false } = {}) {
  setMsg('msg', null);
  setMsg('formErr', null);
  setMsg('attMsg', null);
  setMsg('attErr', null);
  try {
    state.doc = await getJSON(`/api/v1/library/${encodeURIComponent(id)}`);
  } catch (e) {
    showError(e.message);
    return;
  }
  showError('');
  history.replaceState(null, '', `/editor?id=${encodeURIComponent(id)}`);
  fillForm(state.doc);
  renderDoc();
  renderList();
  await loadRevisions();
  if (focus) $('editor-form-h').focus();
}

function newDoc({ translationOf = null, focus = true } = {}) {
  state.doc = null;
  state.revisions = [];
  setMsg('msg', null);
  setMsg('formErr', null);
  history.replaceState(null, '', '/editor');
  fillForm(null);
  if (translationOf) {
    f('translation').value = translationOf.id;
    f('language').value = translationOf.language === 'fa' ? 'en' : 'fa';
    f('type').value = translationOf.type;
    textDirection();
  }
  renderDoc();
  renderList();
  if (focus) $('editor-form-h').focus();
}

/** A published document can be changed only by an admin (the server answers 409 otherwise). */
const locked = () => !!state.doc && state.doc.status === 'published' && !isAdmin;

function renderDoc() {
  const doc = state.doc;
  const h = $('editor-form-h');
  h.textContent = doc ? t('editor.form_edit', { title: doc.title }) : t('editor.form_new');
  $('editor-doc-status').textContent = doc
    ? t('editor.status_line', { status: statusLabel(doc.status), date: dateTime(doc.updated_at) }) : '';
  $('editor-locked').hidden = !locked();
  for (const c of $('editor-form').elements) c.disabled = locked();
  $('ed-translation-field').hidden = !!doc;
  const trs = doc?.translations || [];
  $('ed-translations').hidden = !trs.length;
  $('ed-translations-list').replaceChildren(...trs.map((tr) => {
    const li = el('li');
    const a = el('a', null, `${tr.title} (${langLabel(tr.language)})`);
    a.href = `/editor?id=${encodeURIComponent(tr.id)}`;
    a.dir = 'auto';
    li.append(a);
    return li;
  }));
  for (const id of ['editor-workflow', 'editor-preview-section', 'editor-files', 'editor-revisions']) $(id).hidden = !doc;
  if (!doc) return;
  // Workflow: editors submit drafts; admins publish (draft or in review) and unpublish.
  $('editor-workflow-state').textContent = t(`editor.wf_${doc.status}`);
  $('editor-submit').hidden = doc.status !== 'draft';
  $('editor-publish').hidden = !isAdmin || doc.status === 'published';
  $('editor-unpublish').hidden = !isAdmin || doc.status !== 'published';
  $('editor-admin-only').hidden = isAdmin;
  $('editor-view-link').href = docHref(doc.id);
  // Preview: the server's rendering of the saved Markdown, rebuilt from an allow-list.
  const preview = $('editor-preview');
  preview.lang = doc.language;
  preview.dir = doc.language === 'en' ? 'ltr' : 'rtl';
  if (doc.body_html) renderBody(preview, doc.body_html);
  else preview.replaceChildren(el('p', 'meta', t('editor.preview_empty')));
  // Files
  const atts = doc.attachments || [];
  $('editor-att-list').replaceChildren(...atts.map((a) => {
    const li = el('li');
    const link = el('a', null, a.filename);
    link.href = a.url;
    link.setAttribute('download', '');
    link.dir = 'auto';
    const kb = formatNumber(a.size / 1024, { maximumFractionDigits: 1 });
    li.append(link, ' ', el('span', 'meta', `(${t('editor.att_item', { type: a.content_type, size: t('editor.size_kb', { size: kb }) })})`));
    // A document's files are part of it: removable by whoever may edit it.
    if (!locked()) {
      const rm = el('button', 'button button-secondary', t('editor.att_remove'));
      rm.type = 'button';
      rm.setAttribute('aria-label', t('editor.att_remove_named', { name: a.filename }));
      rm.addEventListener('click', () => removeAttachment(a, rm));
      li.append(' ', rm);
    }
    return li;
  }));
  for (const c of $('editor-att-form').elements) c.disabled = locked();
  if (!atts.length) $('editor-att-list').replaceChildren(el('li', 'meta', t('editor.att_none')));
  renderRevisions();
}

async function loadRevisions() {
  if (!state.doc) return;
  try {
    const r = await getJSON(`/api/v1/library/${state.doc.id}/revisions`);
    state.revisions = r.revisions;
  } catch (e) {
    state.revisions = [];
    showError(e.message);
  }
  renderRevisions();
}

function renderRevisions() {
  const revs = state.revisions;
  $('editor-rev-count').textContent = t('editor.rev_count', { count: revs.length });
  $('editor-rev-list').replaceChildren(...revs.map((r) => {
    const li = el('li', 'editor-rev');
    li.dataset.action = r.action;
    const action = hasKey(`editor.rev_action.${r.action}`) ? t(`editor.rev_action.${r.action}`) : r.action;
    const who = !r.author_id ? t('editor.rev_system') : r.author_id === me.id ? t('editor.rev_you') : t('editor.rev_other');
    li.append(el('span', null, t('editor.rev_item', { action, when: dateTime(r.at), who })));
    if (r.snapshot?.title) {
      const title = el('span', 'meta editor-rev-title', r.snapshot.title);
      title.dir = 'auto';
      title.lang = r.snapshot.language || '';
      li.append(' ', title);
    }
    return li;
  }));
}

async function transition(action, okKey, button) {
  button.disabled = true;
  setMsg('formErr', null);
  try {
    if (isDirty() && !(await save())) return;
    state.doc = await send(`/api/v1/library/${state.doc.id}/${action}`);
    setMsg('msg', { key: okKey });
    fillForm(state.doc);
    renderDoc();
    await Promise.all([loadRevisions(), loadList()]);
    if (button.hidden) $('editor-workflow-h').focus();
  } catch (e) {
    setMsg('formErr', errMsg(e));
  } finally {
    button.disabled = false;
  }
}

/* ------------------------------------------------------------ attachments */

function safeFilename(name) {
  let n = String(name || 'attachment').replace(/[\\/"<>:|?*\u0000-\u001f]/g, '_').replace(/^\.+/, '');
  if ([...n].length > 100) {
    const ext = /\.[A-Za-z0-9]{1,5}$/.exec(n)?.[0] || '';
    n = [...n].slice(0, 100 - ext.length).join('') + ext;
  }
  return n || 'attachment';
}

async function upload(e) {
  e.preventDefault();
  setMsg('attErr', null);
  setMsg('attMsg', null);
  const file = $('editor-file').files[0];
  if (!file) { setMsg('attErr', { key: 'editor.att_choose' }); $('editor-file').focus(); return; }
  const ext = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase();
  // The browser's type when it is one we take, else the extension's (Windows calls CSV files
  // application/vnd.ms-excel); the server checks that the bytes match either way.
  const given = (file.type || '').toLowerCase();
  const type = ATTACH_TYPES.includes(given) ? given : (ATTACH_BY_EXT[ext] || '');
  if (!ATTACH_TYPES.includes(type)) { setMsg('attErr', { key: 'editor.att_type' }); $('editor-file').focus(); return; }
  if (file.size > ATTACH_MAX) { setMsg('attErr', { key: 'editor.att_size' }); $('editor-file').focus(); return; }
  if (file.size === 0) { setMsg('attErr', { key: 'editor.att_empty' }); $('editor-file').focus(); return; }
  const button = $('editor-upload');
  button.disabled = true;
  setMsg('attMsg', { key: 'editor.att_uploading' });
  const name = safeFilename(file.name);
  try {
    const current = await getMe();
    const headers = { Accept: 'application/json', 'Content-Type': type };
    if (current?.csrf_token) headers['X-CSRF-Token'] = current.csrf_token;
    let res;
    try {
      res = await fetch(`/api/v1/library/${state.doc.id}/attachments?filename=${encodeURIComponent(name)}`,
        { method: 'POST', credentials: 'same-origin', headers, body: file });
    } catch (err) {
      throw new ApiError('network', 0, String(err));
    }
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const code = data?.error?.code || (res.status === 413 ? 'payload_too_large' : 'unknown');
      throw new ApiError(code, res.status, data?.error?.message || '', data?.error?.field || null);
    }
    state.doc = await getJSON(`/api/v1/library/${state.doc.id}`);
    renderDoc();
    $('editor-file').value = '';
    setMsg('attMsg', { key: 'editor.att_done', vars: { name: data.filename } });
  } catch (err) {
    setMsg('attMsg', null);
    const code = err instanceof ApiError ? err.code : '';
    const key = { unsupported_media_type: 'editor.att_type', payload_too_large: 'editor.att_size', invalid_query: 'editor.att_name' }[code]
      || (code === 'bad_request' ? 'editor.att_empty' : null);
    setMsg('attErr', key ? { key } : errMsg(err));
    $('editor-file').focus();
  } finally {
    button.disabled = false;
  }
}

async function removeAttachment(att, button) {
  setMsg('attErr', null);
  setMsg('attMsg', null);
  button.disabled = true;
  try {
    await send(`/api/v1/library/${state.doc.id}/attachments/${att.id}`, { method: 'DELETE' });
    state.doc = await getJSON(`/api/v1/library/${state.doc.id}`);
    renderDoc();
    setMsg('attMsg', { key: 'editor.att_removed', vars: { name: att.filename } });
  } catch (err) {
    button.disabled = false;
    setMsg('attErr', errMsg(err));
  }
}

/* ------------------------------------------------------------ start */

if (!me && $('editor-error').hidden) {
  $('editor-anon').hidden = false;
} else if (me && me.role !== 'editor' && me.role !== 'admin') {
  $('editor-forbidden').hidden = false;
} else if (me) {
  $('editor-view').hidden = false;
  buildThemeChecks();
  $('editor-filter').addEventListener('change', () => {
    state.status = $('editor-filter').value;
    state.page = 1;
    loadList();
  });
  $('editor-prev').addEventListener('click', () => { state.page--; loadList(); });
  $('editor-next').addEventListener('click', () => { state.page++; loadList(); });
  $('editor-new').addEventListener('click', () => newDoc());
  $('editor-form').addEventListener('submit', (e) => { e.preventDefault(); save(); });
  f('language').addEventListener('change', textDirection);
  f('type').addEventListener('change', () => kindField());
  f('country').addEventListener('input', countryName);
  $('editor-submit').addEventListener('click', (e) => transition('submit', 'editor.submitted_msg', e.currentTarget));
  $('editor-publish').addEventListener('click', (e) => transition('publish', 'editor.published_msg', e.currentTarget));
  $('editor-unpublish').addEventListener('click', (e) => transition('unpublish', 'editor.unpublished_msg', e.currentTarget));
  $('editor-translate').addEventListener('click', () => newDoc({ translationOf: state.doc }));
  $('editor-att-form').addEventListener('submit', upload);
  document.addEventListener(LANGUAGE_EVENT, () => {
    for (const box of f('themes').querySelectorAll('input')) box.nextElementSibling.textContent = facetLabel('theme', box.value);
    countryName();
    renderList();
    renderDoc();
    renderMessages();
  });
  const id = new URLSearchParams(location.search).get('id');
  if (id) await openDoc(id);
  else newDoc({ focus: false });
  await loadList();
}
