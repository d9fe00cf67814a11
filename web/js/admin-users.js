// Users (admins): every account from GET /api/v1/users, filtered by role and status, a page at a
// time, and a role change per account (POST /api/v1/users/{id}/role, which ends that account's
// sessions so the new role applies at once). Admins cannot change their own role.
import { ready, t, formatNumber, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { send } from './session.js';
import { $, el, gate, showError, clearError, timeElement, renderPager } from './staff.js';

const PER_PAGE = 50;
const ROLES = ['volunteer', 'coordinator', 'editor', 'admin'];
await ready;

const state = { role: '', status: '', page: 1, data: null, msg: null };
const me = await gate('users', ['admin'], 'staff.admins_only');

function item(u) {
  const li = el('li', null, 'vet-item');
  li.dataset.id = u.id;
  const h = el('h2', u.name);
  h.dir = 'auto';
  const badges = el('p', null, 'user-badges');
  badges.append(el('span', t(`role.${u.role}`), 'badge'), ' ', el('span', t(`vstatus.${u.status}`), `badge badge-${u.status}`));
  const dl = el('dl', null, 'details');
  const row = (key, value, dir) => {
    const dd = el('dd', null);
    if (value instanceof Node) dd.append(value); else dd.textContent = value;
    if (dir) dd.dir = dir;
    dl.append(el('dt', t(key)), dd);
  };
  row('account.email', u.email || t('account.none'), u.email ? 'ltr' : null);
  row('account.phone', u.phone || t('account.none'), u.phone ? 'ltr' : null);
  row('users.created', timeElement(u.created_at));
  li.append(h, badges, dl);

  const form = el('form', null, 'user-role-form');
  const selectId = `users-role-${u.id}`;
  const label = el('label', t('users.role_label'), 'field-label');
  label.htmlFor = selectId;
  const select = el('select', null, 'input input-short');
  select.id = selectId;
  for (const r of ROLES) {
    const o = el('option', t(`role.${r}`));
    o.value = r;
    o.selected = r === u.role;
    select.append(o);
  }
  const button = el('button', t('users.change'), 'button button-secondary');
  button.type = 'submit';
  button.setAttribute('aria-label', t('users.change_named', { name: u.name }));
  const row2 = el('div', null, 'user-role-row');
  row2.append(select, button);
  form.append(label, row2);
  if (u.id === me.id) {
    select.disabled = true;
    button.disabled = true;
    form.append(el('p', t('users.own_role'), 'field-hint'));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (select.value !== u.role) changeRole(u, select.value, button);
  });
  li.append(form);
  return li;
}

function render() {
  const d = state.data;
  if (!d) return;
  const list = $('users-list');
  list.replaceChildren(...d.users.map(item));
  if (!d.users.length) list.replaceChildren(el('li', t('users.empty')));
  $('users-count').textContent = t('users.count', { count: formatNumber(d.total) });
  renderPager('users', state.page, Math.max(1, Math.ceil(d.total / PER_PAGE)));
  $('users-msg').textContent = state.msg ? t('users.changed', { name: state.msg.name, role: t(`role.${state.msg.role}`) }) : '';
}

async function load() {
  const q = new URLSearchParams({ page: String(state.page), per_page: String(PER_PAGE) });
  if (state.role) q.set('role', state.role);
  if (state.status) q.set('status', state.status);
  try {
    state.data = await getJSON(`/api/v1/users?${q}`);
    clearError('users');
    render();
  } catch (e) {
    showError('users', e);
  }
}

async function changeRole(u, role, button) {
  button.disabled = true;
  try {
    await send(`/api/v1/users/${encodeURIComponent(u.id)}/role`, { body: { role } });
    state.msg = { name: u.name, role };
    await load();
  } catch (e) {
    button.disabled = false;
    showError('users', e);
  }
}

if (me) {
  for (const [id, key] of [['users-role', 'role'], ['users-status', 'status']]) {
    $(id).addEventListener('change', () => { state[key] = $(id).value; state.page = 1; state.msg = null; load(); });
  }
  $('users-prev').addEventListener('click', () => { state.page--; load(); });
  $('users-next').addEventListener('click', () => { state.page++; load(); });
  document.addEventListener(LANGUAGE_EVENT, render);
  await load();
}
