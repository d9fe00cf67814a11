// The audit log (admins): GET /api/v1/audit, newest first, 100 at a time ("Older entries" asks
// for the entries before the last one shown). Each entry: when, what (the action in words), who
// did it and to what. People are shown by name: the names come from GET /api/v1/users, read a
// page at a time only as far as the entries on screen need.
import { ready, t, hasKey, formatNumber, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { $, el, gate, showError, clearError, timeElement } from './staff.js';

const LIMIT = 100;
const USERS_PER_PAGE = 200;
const USERS_PAGES_MAX = 25; // 5,000 accounts: enough for the people who act; others show as ids
await ready;

const entries = [];
let done = false;
const names = new Map(); // account id → name
let usersPage = 0, usersDone = false;

const me = await gate('audit', ['admin'], 'staff.admins_only');

/** Reads pages of accounts until every id in `ids` has a name, or there are no more. */
async function resolveNames(ids) {
  const wanted = () => [...ids].some((id) => id && !names.has(id));
  while (wanted() && !usersDone && usersPage < USERS_PAGES_MAX) {
    usersPage++;
    const r = await getJSON(`/api/v1/users?page=${usersPage}&per_page=${USERS_PER_PAGE}`);
    for (const u of r.users) names.set(u.id, u.name);
    if (usersPage * USERS_PER_PAGE >= r.total || !r.users.length) usersDone = true;
  }
}

function actionLabel(action) {
  const key = `audit.action.${action}`;
  return hasKey(key) ? t(key) : t('audit.action_other', { action });
}

/** What the entry acted on: a person, a group or a document (linked), or a request. */
function subject(e) {
  if (!e.subject_id) return null;
  if (/^group_/.test(e.action)) {
    const a = el('a', t('audit.subject_group'));
    a.href = `/group?id=${encodeURIComponent(e.subject_id)}`;
    return a;
  }
  if (/^library_/.test(e.action)) {
    const a = el('a', t('audit.subject_document'));
    a.href = `/doc?id=${encodeURIComponent(e.subject_id)}`;
    return a;
  }
  if (/^request_/.test(e.action)) return el('span', t('audit.subject_request', { id: e.subject_id.slice(0, 8) }));
  const name = names.get(e.subject_id);
  const s = el('span', name || e.subject_id);
  s.dir = 'auto';
  return s;
}

/** A code the server wrote into the detail (a role, a status, a request's source, who
 *  cancelled) in words; "a->b" or "a>b" both sides. */
function codeWords(code) {
  for (const prefix of ['role', 'vstatus', 'rqstaff', 'source', 'audit.detail']) {
    if (hasKey(`${prefix}.${code}`)) return t(`${prefix}.${code}`);
  }
  return null;
}
function detailText(e) {
  if (e.action === 'group_approved') return ''; // the status before: always "pending"
  const pair = /^([a-z_]+)-?>([a-z_]+)$/.exec(e.detail);
  if (pair && codeWords(pair[1]) && codeWords(pair[2])) return `${codeWords(pair[1])} → ${codeWords(pair[2])}`;
  return codeWords(e.detail) || e.detail;
}

function item(e) {
  const li = el('li', null, 'audit-item');
  const head = el('p', null, 'audit-head');
  head.append(timeElement(e.at), ' — ', el('strong', actionLabel(e.action)));
  const dl = el('dl', null, 'details');
  const row = (key, value) => {
    if (!value) return;
    const dd = el('dd', null);
    dd.append(value);
    dl.append(el('dt', t(key)), dd);
  };
  const who = e.actor_id ? el('span', names.get(e.actor_id) || e.actor_id) : el('span', t('audit.nobody'));
  who.dir = 'auto';
  row('audit.who', who);
  row('audit.subject', subject(e));
  const detail = detailText(e);
  if (detail) {
    const d = el('span', detail);
    d.dir = 'auto';
    row('audit.detail', d);
  }
  li.append(head, dl);
  return li;
}

function render() {
  $('audit-list').replaceChildren(...entries.map(item));
  if (!entries.length) $('audit-list').replaceChildren(el('li', t('audit.empty')));
  $('audit-count').textContent = t('audit.count', { count: formatNumber(entries.length) });
  $('audit-more').hidden = done;
}

async function load() {
  const q = new URLSearchParams({ limit: String(LIMIT) });
  if (entries.length) q.set('before', String(entries[entries.length - 1].id));
  $('audit-more').disabled = true;
  try {
    const r = await getJSON(`/api/v1/audit?${q}`);
    entries.push(...r.entries);
    done = r.entries.length < LIMIT;
    await resolveNames(new Set(r.entries.flatMap((e) => [e.actor_id, e.subject_id])));
    clearError('audit');
    render();
  } catch (e) {
    showError('audit', e);
  } finally {
    $('audit-more').disabled = false;
  }
}

if (me) {
  $('audit-more').addEventListener('click', load);
  document.addEventListener(LANGUAGE_EVENT, render);
  await load();
}
