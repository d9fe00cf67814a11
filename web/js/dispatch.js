// The coordinators' dispatch board: counts, the queue with filters (status, kind, urgency,
// age), and one request at a time with its contact (each view is audit-logged by the server),
// status moves, suggested volunteers to assign, notes and the call log, and the history.
import { ready, t, formatNumber, formatDate, readNumber, LANGUAGE_EVENT } from './i18n.js';
import { ApiError, getJSON } from './api.js';
import { getMe, send } from './session.js';
import { exampleBadge } from './example.js';

await ready;
const $ = (id) => document.getElementById(id);
const errorBox = $('dispatch-error');
let queue = [];
let current = null; // the request shown
let suggestions = [];
let stats = null;

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function showError(e) {
  errorBox.textContent = e instanceof ApiError ? e.message : String(e);
  errorBox.hidden = false;
  errorBox.focus();
}

function rowText(r) {
  return t('dispatch.row', {
    kind: t(`kind.${r.kind}`), urgency: t(`urgency.${r.urgency}`), status: t(`rqstatus.${r.status}`),
    hours: formatNumber(Math.floor((r.age_minutes || 0) / 60)),
  });
}

function action(key, fn, secondary = true) {
  const b = el('button', { type: 'button', className: secondary ? 'button button-secondary' : 'button', textContent: t(key) });
  b.addEventListener('click', async () => {
    b.disabled = true;
    errorBox.hidden = true;
    try { await fn(); } catch (e) { showError(e); } finally { b.disabled = false; }
  });
  return b;
}

function renderStats() {
  if (!stats) return;
  const s = stats.by_status;
  $('dispatch-stats').textContent = t('dispatch.stats', { total: stats.total, new: s.new, open: s.open, claimed: s.claimed, in_progress: s.in_progress });
}

function renderQueue() {
  $('dispatch-queue').replaceChildren(...queue.map((r) => el('li', { className: 'vet-item' },
    el('p', { textContent: rowText(r) + (r.assignee ? ` (${r.assignee.name})` : '') }, r.demo ? exampleBadge() : null),
    el('div', { className: 'button-row' }, action('dispatch.open_detail', () => openDetail(r.id))))));
  $('dispatch-empty').hidden = queue.length > 0;
}

async function move(body) {
  current = await send(`/api/v1/requests/${current.id}/status`, { body });
  await refresh();
}

function renderDetail() {
  const r = current;
  if (!r) return;
  $('dispatch-detail-title').textContent = rowText(r);
  if (r.demo) $('dispatch-detail-title').append(' ', exampleBadge());
  const dl = $('dispatch-contact');
  dl.replaceChildren();
  const c = r.contact || {};
  for (const [k, v, ltr] of [['tasks.code', r.tracking_code, true], ['tasks.name', c.name], ['tasks.phone', c.phone, true], ['tasks.address', c.address], ['tasks.details', c.details]]) {
    if (!v) continue;
    const dd = el('dd', { textContent: v });
    if (ltr) dd.dir = 'ltr';
    dl.append(el('dt', { textContent: t(k) }), dd);
  }
  const actions = $('dispatch-actions');
  actions.replaceChildren();
  const reason = () => $('dispatch-reason').value.trim() || undefined;
  if (r.status === 'new') actions.append(action('dispatch.mark_open', () => move({ status: 'open' }), false));
  if (r.status === 'delivered') actions.append(action('dispatch.close', () => move({ status: 'closed' }), false));
  if (['new', 'open', 'claimed', 'in_progress'].includes(r.status)) {
    actions.append(action('dispatch.cancel', () => move({ status: 'cancelled', reason: reason() })));
    actions.append(action('dispatch.unable', () => move({ status: 'unable_to_help', reason: reason() || '-' })));
  }
  if (r.status === 'claimed' || r.status === 'in_progress')
    actions.append(action('tasks.release', async () => { current = await send(`/api/v1/requests/${r.id}/release`); await refresh(); }));
  const canAssign = ['open', 'claimed', 'in_progress'].includes(r.status);
  $('dispatch-suggestions').replaceChildren(...(canAssign ? suggestions : []).map((v) => el('li', { className: 'vet-item' },
    el('p', { textContent: t('dispatch.suggest_item', { name: v.name, km: formatNumber(v.distance_km, { maximumFractionDigits: 1 }), load: v.load }) }),
    el('div', { className: 'button-row' }, action('dispatch.assign', async () => {
      current = await send(`/api/v1/requests/${r.id}/assign`, { body: { volunteer_id: v.user_id } });
      await refresh();
    })))));
  $('dispatch-no-suggestions').hidden = !canAssign || suggestions.length > 0;
  $('dispatch-notes').replaceChildren(...(r.notes || []).map((n) => el('li', {
    textContent: `${formatDate(new Date(n.at * 1000).toISOString().slice(0, 10), { style: 'numeric' })} ${n.author_name || ''}: ${n.kind === 'call' ? `(${t(`outcome.${n.outcome || 'reached'}`)}) ` : ''}${n.text}`,
  })));
  $('dispatch-log').replaceChildren(...(r.events || []).map((e) => el('li', {
    textContent: `${formatDate(new Date(e.at * 1000).toISOString().slice(0, 10), { style: 'numeric' })}: ${e.from ? `${t(`rqstatus.${e.from}`)} → ` : ''}${t(`rqstatus.${e.to}`)}`,
  })));
  $('dispatch-detail').hidden = false;
}

async function openDetail(id) {
  current = await getJSON(`/api/v1/requests/${id}`);
  suggestions = current.lat !== null ? (await getJSON(`/api/v1/requests/${id}/suggestions`)).volunteers : [];
  renderDetail();
  $('dispatch-detail').focus();
}

async function loadQueue() {
  const q = new URLSearchParams();
  for (const [k, id] of [['status', 'dispatch-status'], ['kind', 'dispatch-kind'], ['urgency', 'dispatch-urgency']])
    if ($(id).value) q.set(k, $(id).value);
  const age = readNumber($('dispatch-age').value, false); // typed in any script
  if (age > 0) q.set('min_age_hours', String(age));
  queue = (await getJSON(`/api/v1/requests?${q}`)).requests;
  stats = await getJSON('/api/v1/requests/stats');
  renderQueue();
  renderStats();
}

async function refresh() {
  await loadQueue();
  if (current) {
    current = await getJSON(`/api/v1/requests/${current.id}`);
    suggestions = current.lat !== null ? (await getJSON(`/api/v1/requests/${current.id}/suggestions`)).volunteers : [];
    renderDetail();
  }
}

const me = await getMe().catch(() => null);
if (!me || !['coordinator', 'admin'].includes(me.role)) {
  $('dispatch-signin').hidden = false;
} else {
  $('dispatch-board').hidden = false;
  $('dispatch-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadQueue().catch(showError);
  });
  $('dispatch-note-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!current) return;
    const call = $('dispatch-note-call').checked;
    const body = { kind: call ? 'call' : 'note', text: $('dispatch-note').value.trim() };
    if (call) body.outcome = $('dispatch-outcome').value;
    try {
      await send(`/api/v1/requests/${current.id}/notes`, { body });
      $('dispatch-note').value = '';
      await refresh();
    } catch (e) { showError(e); }
  });
  document.addEventListener(LANGUAGE_EVENT, () => { renderQueue(); renderStats(); renderDetail(); });
  try { await loadQueue(); } catch (e) { showError(e); }
}
