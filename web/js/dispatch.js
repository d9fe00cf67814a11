// The coordinators' dispatch board: counts, the queue with filters (status, kind, urgency,
// age), a form for a request taken by phone, and one request at a time with its contact (each
// view is audit-logged by the server), its area (set by place search, a map click or typed
// coordinates when it has none), status moves, suggested volunteers to assign, notes and the
// call log, the receipt and its reimbursement (mark it paid or correct it), and the history. Statuses are named in the coordinators' words (rqstaff.*), times
// with the hour, and ages as "just now", minutes, hours or days.
import {
  ready, t, formatNumber, readNumber, formatDateTime, formatAgo, languageName, LANGUAGE_EVENT,
} from './i18n.js';
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
  const text = t('dispatch.row_time', {
    kind: t(`kind.${r.kind}`), urgency: t(`urgency.${r.urgency}`), status: t(`rqstaff.${r.status}`),
    ago: formatAgo(r.created_at),
  });
  return r.lat === null ? `${text} (${t('dispatch.no_area_badge')})` : text;
}

function action(key, fn, secondary = true, vars = undefined) {
  const b = el('button', { type: 'button', className: secondary ? 'button button-secondary' : 'button', textContent: t(key, vars) });
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
  for (const [k, v, ltr] of [['tasks.code', r.tracking_code, true], ['tasks.name', c.name], ['tasks.phone', c.phone, true],
    ['tasks.address', c.address], ['tasks.details', c.details],
    ['dispatch.call_window', c.call_window || t('dispatch.call_window_none')],
    ['dispatch.language', languageName(r.language)],
    ['dispatch.created', `${formatDateTime(r.created_at)} (${formatAgo(r.created_at)})`],
    ['dispatch.source', t(`source.${r.source}`)]]) {
    if (!v) continue;
    const dd = el('dd', { textContent: v });
    if (ltr) dd.dir = 'ltr';
    dl.append(el('dt', { textContent: t(k) }), dd);
  }
  renderArea();
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
  renderReimb();
  const canAssign = ['new', 'open', 'claimed', 'in_progress'].includes(r.status);
  $('dispatch-suggestions').replaceChildren(...(canAssign ? suggestions : []).map((v) => el('li', { className: 'vet-item' },
    el('p', { textContent: t('dispatch.suggest_item', { name: v.name, km: formatNumber(v.distance_km, { maximumFractionDigits: 1 }), load: v.load }) }),
    el('div', { className: 'button-row' }, action('dispatch.assign', async () => {
      current = await send(`/api/v1/requests/${r.id}/assign`, { body: { volunteer_id: v.user_id } });
      await refresh();
    })))));
  $('dispatch-no-suggestions').hidden = !canAssign || suggestions.length > 0;
  $('dispatch-notes').replaceChildren(...(r.notes || []).map((n) => el('li', {
    textContent: `${formatDateTime(n.at)} ${n.author_name || ''}: ${n.kind === 'call' ? `(${t(`outcome.${n.outcome || 'reached'}`)}) ` : ''}${n.text}`,
  })));
  $('dispatch-log').replaceChildren(...(r.events || []).map((e) => el('li', {
    textContent: `${formatDateTime(e.at)}: ${e.from ? `${t(`rqstaff.${e.from}`)} → ` : ''}${t(`rqstaff.${e.to}`)}`,
  })));
  $('dispatch-detail').hidden = false;
}

// ---- the receipt and the reimbursement of the request shown ----

const DELIVERING = ['claimed', 'in_progress', 'delivered', 'closed'];

function renderReimb() {
  const r = current;
  $('dispatch-reimb').hidden = !DELIVERING.includes(r.status);
  if (!DELIVERING.includes(r.status)) return;
  const has = typeof r.receipt_amount === 'number';
  $('dispatch-reimb-state').textContent = t('dispatch.reimb_state', {
    amount: has ? formatNumber(r.receipt_amount, { maximumFractionDigits: 2 }) : t('dispatch.receipt_none'),
    status: t(`reimb.${r.reimbursement || 'none'}`),
  });
  $('dispatch-receipt').value = has ? formatNumber(r.receipt_amount, { useGrouping: false, maximumFractionDigits: 2 }) : '';
  $('dispatch-reimb-status').value = r.reimbursement || 'none';
}

function wireReimb() {
  const error = $('dispatch-reimb-error');
  $('dispatch-reimb-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!current) return;
    error.hidden = true;
    $('dispatch-reimb-saved').hidden = true;
    const text = $('dispatch-receipt').value.trim();
    const n = text === '' ? null : readNumber(text);
    if (n !== null && !(n >= 0 && n <= 1e9)) {
      error.textContent = t('tasks.receipt_bad');
      error.hidden = false;
      $('dispatch-receipt').focus();
      return;
    }
    try {
      current = await send(`/api/v1/requests/${current.id}/delivery`, { body: { receipt_amount: n, reimbursement: $('dispatch-reimb-status').value } });
      await refresh();
      $('dispatch-reimb-saved').hidden = false;
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : String(e);
      error.hidden = false;
    }
  });
}

// ---- the area of the request shown ----

let editingArea = false;
let picker = null;

function renderArea() {
  const r = current;
  const active = ['new', 'open', 'claimed', 'in_progress'].includes(r.status);
  const f = (n) => formatNumber(n, { maximumFractionDigits: 4, minimumFractionDigits: 4 });
  $('dispatch-area-value').textContent = r.lat === null ? '' : t('dispatch.area_value', { lat: f(r.lat), lon: f(r.lon) });
  $('dispatch-area-value').hidden = r.lat === null;
  $('dispatch-area-none').hidden = r.lat !== null;
  $('dispatch-area-change').hidden = r.lat === null || !active || editingArea;
  $('dispatch-area-editor').hidden = !active || (r.lat !== null && !editingArea);
}

async function placeAt(lat, lon) {
  errorBox.hidden = true;
  try {
    await send(`/api/v1/requests/${current.id}/area`, { body: { lat, lon } });
    editingArea = false;
    $('dispatch-place-results').replaceChildren();
    $('dispatch-coords').value = '';
    await refresh();
    $('dispatch-area-saved').hidden = false;
  } catch (e) {
    if (e instanceof ApiError && (e.field === 'lat' || e.field === 'lon')) showCoordsError();
    else showError(e);
  }
}

function showCoordsError() {
  $('dispatch-coords-error').hidden = false;
  $('dispatch-coords').setAttribute('aria-invalid', 'true');
  $('dispatch-coords').focus();
}

// Two numbers as typed: Persian or Arabic digits, «٫» or "." as the decimal point, separated
// by «،», a comma with a space, a semicolon or spaces. The server reads each by the same rule.
function splitCoords(text) {
  let parts = text.trim().split(/\s*[،;]\s*|,\s+|\s+/).filter(Boolean);
  if (parts.length === 1 && /^[^,]*[.٫][^,]*,[^,]+$/.test(parts[0])) parts = parts[0].split(','); // "35.7,51.4"
  if (parts.length !== 2) return null;
  const [lat, lon] = parts.map((p) => readNumber(p));
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) return null;
  return parts;
}

function wireArea() {
  $('dispatch-area-change').addEventListener('click', () => { editingArea = true; renderArea(); $('dispatch-place').focus(); });
  $('dispatch-coords-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    $('dispatch-coords-error').hidden = true;
    $('dispatch-coords').removeAttribute('aria-invalid');
    const parts = splitCoords($('dispatch-coords').value);
    if (!parts) { showCoordsError(); return; }
    placeAt(parts[0], parts[1]);
  });
  $('dispatch-place-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = $('dispatch-place').value.trim();
    if (!q) return;
    const near = current && current.lat !== null ? `&near=${current.lat},${current.lon}` : '';
    try {
      const r = await getJSON(`/api/v1/geocode?q=${encodeURIComponent(q)}&limit=5${near}`);
      const places = r.places || [];
      $('dispatch-place-none').hidden = places.length > 0;
      $('dispatch-place-results').replaceChildren(...places.map((p) => {
        const words = [p.name, p.country ? new Intl.DisplayNames([document.documentElement.lang], { type: 'region' }).of(p.country) : '']
          .filter(Boolean).join(document.documentElement.lang === 'fa' ? '، ' : ', ');
        return el('li', { className: 'vet-item' }, el('p', { textContent: words }),
          el('div', { className: 'button-row' }, action('dispatch.place_use', () => placeAt(p.lat, p.lon), true, { place: words })));
      }));
    } catch (e) { showError(e); }
  });
  $('dispatch-map-show').addEventListener('click', async () => {
    $('dispatch-map-show').hidden = true;
    $('dispatch-map').hidden = false;
    const { createMap } = await import('./map.js');
    const start = current && current.lat !== null ? { center: [current.lat, current.lon], zoom: 13 } : {};
    picker = await createMap($('dispatch-map'), { labelKey: 'dispatch.map_label', markers: [], ...start });
    if (picker.map) picker.map.on('click', (e) => placeAt(String(e.latlng.lat.toFixed(5)), String(e.latlng.lng.toFixed(5))));
  });
}

// ---- a request taken by phone ----

function wireIntake() {
  const form = $('intake-form');
  const box = $('intake-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    box.hidden = true;
    $('intake-done').hidden = true;
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
    const v = (id) => $(id).value.trim();
    const body = {
      name: v('intake-name'), phone: v('intake-phone'), address: v('intake-address'),
      kind: $('intake-kind').value, urgency: $('intake-urgency').value, details: v('intake-details'),
      call_window: v('intake-call-window'), language: $('intake-language').value,
      consent: $('intake-consent').checked,
    };
    if (v('intake-place')) body.place = v('intake-place');
    const fail = (field, message) => {
      const input = form.querySelector(`[name="${field}"]`);
      const label = input && form.querySelector(`label[for="${input.id}"]`);
      box.textContent = label ? t('dispatch.field_error', { message, field: label.textContent.trim() }) : message;
      box.hidden = false;
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); } else box.focus();
    };
    for (const f of ['name', 'phone', 'address']) if (!body[f]) { fail(f, t('error.missing_field')); return; }
    if (!body.consent) { fail('consent', t('error.missing_field')); return; }
    $('intake-submit').disabled = true;
    try {
      const r = await send('/api/v1/requests/phone', { body });
      form.reset();
      const done = $('intake-done');
      done.textContent = t('dispatch.intake_done', { code: r.tracking_code });
      done.hidden = false;
      done.focus();
      await loadQueue();
      await openDetail(r.id);
    } catch (e) {
      if (e instanceof ApiError && e.field) fail(e.field, e.message);
      else { box.textContent = e instanceof ApiError ? e.message : String(e); box.hidden = false; box.focus(); }
    } finally {
      $('intake-submit').disabled = false;
    }
  });
}

async function openDetail(id) {
  editingArea = false;
  $('dispatch-area-saved').hidden = true;
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
  wireArea();
  wireIntake();
  wireReimb();
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
