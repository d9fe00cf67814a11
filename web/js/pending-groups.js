// Groups to approve (coordinators and admins): the moderation queue, GET /api/v1/groups?status=
// pending, oldest first, 100 at a time; each group links to its page and can be approved here
// (POST /api/v1/groups/{id}/approve, ?verified=true when the coordinator has checked who runs it).
import { ready, t, formatNumber, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { send } from './session.js';
import { $, el, gate, showError, clearError, timeElement } from './staff.js';

const LIMIT = 100;
await ready;

const groups = [];
let done = false;
let msg = null;
const me = await gate('pgroups', ['coordinator', 'admin'], 'staff.coordinators_only');

function item(g) {
  const li = el('li', null, 'vet-item');
  li.dataset.id = g.id;
  const h = el('h2', null);
  const a = el('a', g.name);
  a.href = `/group?id=${encodeURIComponent(g.id)}`;
  a.dir = 'auto';
  h.append(a);
  const dl = el('dl', null, 'details');
  const row = (key, value) => {
    const dd = el('dd', null);
    dd.append(value);
    dl.append(el('dt', t(key)), dd);
  };
  row('pgroups.submitted', timeElement(g.created_at));
  const c = g.contact || {};
  const contact = [c.phone, c.email, c.website, c.messaging].filter(Boolean).join(' · ');
  const cd = el('span', contact || t('account.none'));
  cd.dir = 'ltr';
  row('pgroups.contact', cd);
  const desc = el('p', g.description || '', 'pgroups-description');
  desc.dir = 'auto';
  const form = el('form', null, 'vet-actions');
  const boxId = `pgroups-verified-${g.id}`;
  const check = el('div', null, 'check');
  const box = el('input', null, 'check-input');
  box.type = 'checkbox';
  box.id = boxId;
  const label = el('label', t('pgroups.verified'), 'check-label');
  label.htmlFor = boxId;
  check.append(box, label);
  const button = el('button', t('pgroups.approve'), 'button');
  button.type = 'submit';
  button.setAttribute('aria-label', t('pgroups.approve_named', { name: g.name }));
  form.append(check, button);
  form.addEventListener('submit', (e) => { e.preventDefault(); approve(g, box.checked, button); });
  li.append(h, dl, desc, form);
  return li;
}

function render() {
  $('pgroups-list').replaceChildren(...groups.map(item));
  if (!groups.length) $('pgroups-list').replaceChildren(el('li', t('pgroups.empty')));
  $('pgroups-count').textContent = t('pgroups.count', { count: formatNumber(groups.length) });
  $('pgroups-more').hidden = done;
  $('pgroups-msg').textContent = msg ? t('pgroups.approved_msg', { name: msg }) : '';
}

async function load() {
  const q = new URLSearchParams({ status: 'pending', limit: String(LIMIT) });
  if (groups.length) q.set('after', groups[groups.length - 1].id);
  try {
    const r = await getJSON(`/api/v1/groups?${q}`);
    groups.push(...r.groups);
    done = r.groups.length < LIMIT;
    clearError('pgroups');
    render();
  } catch (e) {
    showError('pgroups', e);
  }
}

async function approve(g, verified, button) {
  button.disabled = true;
  try {
    await send(`/api/v1/groups/${encodeURIComponent(g.id)}/approve${verified ? '?verified=true' : ''}`);
    groups.splice(groups.indexOf(g), 1);
    msg = g.name;
    render();
  } catch (e) {
    button.disabled = false;
    showError('pgroups', e);
  }
}

if (me) {
  $('pgroups-more').addEventListener('click', load);
  document.addEventListener(LANGUAGE_EVENT, render);
  await load();
}
