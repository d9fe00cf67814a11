// Vetting volunteers (coordinators and admins): the list from GET /api/v1/volunteers with a
// status filter and pages, and approve / suspend buttons (POST …/approve, …/suspend with
// X-CSRF-Token). Others see a notice instead of the list.
import {
  ready, t, formatNumber, formatDateTime, formatList, languageName, codeName, LANGUAGE_EVENT,
} from './i18n.js';
import { getJSON } from './api.js';
import { getMe, send } from './session.js';
import { exampleBadge } from './example.js';

const PER_PAGE = 20;
await ready;
const $ = (id) => document.getElementById(id);
$('vetting-nojs').hidden = true;

let me = null;
try {
  me = await getMe({ refresh: true });
} catch (e) {
  $('vetting-error').textContent = e.message;
  $('vetting-error').hidden = false;
}

const state = { status: 'pending', page: 1, data: null };

function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (cls) el.className = cls;
  return el;
}

function item(v) {
  const li = document.createElement('li');
  li.className = 'vet-item';
  li.dataset.id = v.id;
  const h = text('h2', v.name);
  h.dir = 'auto';
  if (v.demo) h.append(' ', exampleBadge());
  const badge = text('span', t(`vstatus.${v.status}`), `badge badge-${v.status}`);
  const dl = document.createElement('dl');
  dl.className = 'details';
  const row = (key, value, dir) => {
    const dd = text('dd', value);
    if (dir) dd.dir = dir;
    dl.append(text('dt', t(key)), dd);
  };
  row('account.phone', v.phone || t('account.none'), 'ltr');
  if (v.email) row('account.email', v.email, 'ltr');
  row('vetting.signed_up', formatDateTime(v.created_at));
  const vol = v.volunteer || {};
  if (vol.skills?.length) row('vetting.skills', formatList(vol.skills.map((s) => codeName('skill', s))));
  if (vol.languages?.length) row('vetting.languages', formatList(vol.languages.map((s) => languageName(s))));
  row('vetting.consent', vol.consent_at ? t('vetting.consent_given', { when: formatDateTime(vol.consent_at) }) : t('vetting.consent_none'));
  if (vol.availability) row('vetting.availability', vol.availability);
  if (typeof vol.lat === 'number') {
    const f = (n) => formatNumber(n, { maximumFractionDigits: 3 });
    row('vetting.area', t('vetting.area_value', { lat: f(vol.lat), lon: f(vol.lon), radius: vol.radius_km }));
  }
  const actions = document.createElement('div');
  actions.className = 'vet-actions';
  const button = (action, key, labelKey) => {
    const b = text('button', t(key), action === 'approve' ? 'button' : 'button button-secondary');
    b.type = 'button';
    b.dataset.action = action;
    b.setAttribute('aria-label', t(labelKey, { name: v.name }));
    b.addEventListener('click', () => act(v, action, b));
    actions.append(b);
  };
  if (v.status !== 'approved') button('approve', 'vetting.approve', 'vetting.approve_named');
  if (v.status !== 'suspended') button('suspend', 'vetting.suspend', 'vetting.suspend_named');
  li.append(h, badge, dl, actions);
  return li;
}

function render() {
  const d = state.data;
  if (!d) return;
  const list = $('vetting-list');
  list.replaceChildren(...d.volunteers.map(item));
  if (!d.volunteers.length) list.replaceChildren(text('li', t('vetting.empty')));
  $('vetting-count').textContent = t('vetting.count', { count: d.total });
  const pages = Math.max(1, Math.ceil(d.total / PER_PAGE));
  $('vetting-page').textContent = t('vetting.page', { page: state.page, pages });
  $('vetting-prev').disabled = state.page <= 1;
  $('vetting-next').disabled = state.page >= pages;
  $('vetting-pager').hidden = pages <= 1;
}

async function load() {
  const q = new URLSearchParams({ page: String(state.page), per_page: String(PER_PAGE) });
  if (state.status) q.set('status', state.status);
  try {
    state.data = await getJSON(`/api/v1/volunteers?${q}`);
    $('vetting-error').hidden = true;
    render();
  } catch (e) {
    $('vetting-error').textContent = e.message;
    $('vetting-error').hidden = false;
  }
}

let lastMsg = null;
async function act(v, action, b) {
  b.disabled = true;
  try {
    await send(`/api/v1/volunteers/${v.id}/${action}`);
    lastMsg = { key: action === 'approve' ? 'vetting.approved_msg' : 'vetting.suspended_msg', name: v.name };
    $('vetting-msg').textContent = t(lastMsg.key, { name: v.name });
    await load();
  } catch (e) {
    b.disabled = false;
    $('vetting-error').textContent = e.message;
    $('vetting-error').hidden = false;
  }
}

if (!me && $('vetting-error').hidden) {
  $('vetting-anon').hidden = false;
} else if (me && me.role !== 'coordinator' && me.role !== 'admin') {
  $('vetting-forbidden').hidden = false;
} else if (me) {
  $('vetting-view').hidden = false;
  $('vetting-filter').addEventListener('change', () => {
    state.status = $('vetting-filter').value;
    state.page = 1;
    load();
  });
  $('vetting-prev').addEventListener('click', () => { state.page--; load(); });
  $('vetting-next').addEventListener('click', () => { state.page++; load(); });
  document.addEventListener(LANGUAGE_EVENT, () => {
    render();
    if (lastMsg) $('vetting-msg').textContent = t(lastMsg.key, { name: lastMsg.name });
  });
  await load();
}
