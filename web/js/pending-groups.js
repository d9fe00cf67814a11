// Groups to approve (coordinators and admins): the moderation queue, GET /api/v1/groups?status=
// pending, oldest first, 100 at a time; each group links to its page and can be approved here
// (POST /api/v1/groups/{id}/approve, ?verified=true when the coordinator has checked who runs it).
// Below, changes owners proposed to approved groups (GET /api/v1/group-changes), each field's
// public and proposed value side by side, to approve or reject
// (POST /api/v1/groups/{id}/changes/approve|reject). A waiting group can also be rejected with a
// reason its submitter is sent (POST …/reject) or deleted as spam (DELETE /api/v1/groups/{id}).
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
  li.append(h, dl, desc, form, refuseControls(g));
  return li;
}

/** Reject with a reason the submitter is sent, or delete (spam) without telling anyone. */
function refuseControls(g) {
  const more = el('details', null, 'pgroups-refuse');
  more.append(el('summary', t('pgroups.refuse')));
  const form = el('form', null, 'pgroups-refuse-form');
  form.noValidate = true; // the page says what is missing, in its language
  const reasonId = `pgroups-reason-${g.id}`;
  const label = el('label', t('pgroups.reason'));
  label.htmlFor = reasonId;
  const reason = el('textarea', null, 'input');
  reason.id = reasonId;
  reason.name = 'reason';
  reason.rows = 3;
  reason.maxLength = 500;
  reason.required = true;
  const hint = el('p', t('pgroups.reason_hint'), 'field-hint');
  hint.id = `${reasonId}-hint`;
  reason.setAttribute('aria-describedby', hint.id);
  const reject = el('button', t('pgroups.reject'), 'button button-secondary');
  reject.type = 'submit';
  reject.setAttribute('aria-label', t('pgroups.reject_named', { name: g.name }));
  const del = el('button', t('pgroups.delete'), 'button button-secondary');
  del.type = 'button';
  del.setAttribute('aria-label', t('pgroups.delete_named', { name: g.name }));
  form.append(label, hint, reason, reject, del);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = reason.value.trim();
    if (!text) { reason.setAttribute('aria-invalid', 'true'); reason.focus(); return; }
    reason.removeAttribute('aria-invalid');
    refuse(g, 'reject', { reason: text }, [reject, del]);
  });
  del.addEventListener('click', () => {
    if (window.confirm(t('pgroups.delete_confirm', { name: g.name }))) refuse(g, 'delete', null, [reject, del]);
  });
  more.append(form);
  return more;
}

async function refuse(g, how, body, buttons) {
  for (const b of buttons) b.disabled = true;
  const id = encodeURIComponent(g.id);
  try {
    if (how === 'reject') await send(`/api/v1/groups/${id}/reject`, { body });
    else await send(`/api/v1/groups/${id}`, { method: 'DELETE' });
    groups.splice(groups.indexOf(g), 1);
    msg = { key: how === 'reject' ? 'pgroups.rejected_msg' : 'pgroups.deleted_msg', name: g.name };
    render();
  } catch (e) {
    for (const b of buttons) b.disabled = false;
    showError('pgroups', e);
  }
}

function render() {
  $('pgroups-list').replaceChildren(...groups.map(item));
  if (!groups.length) $('pgroups-list').replaceChildren(el('li', t('pgroups.empty')));
  $('pgroups-count').textContent = t('pgroups.count', { count: formatNumber(groups.length) });
  $('pgroups-more').hidden = done;
  $('pgroups-msg').textContent = msg ? t(msg.key, { name: msg.name }) : '';
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
    msg = { key: 'pgroups.approved_msg', name: g.name };
    render();
  } catch (e) {
    button.disabled = false;
    showError('pgroups', e);
  }
}

/* ---- changes to approved groups ---- */

const changes = [];
let changeMsg = null; // {key, name}

/** A field's value as the page shows it. */
function shown(field, g) {
  const v = g[field];
  if (field === 'contact') {
    const c = v || {};
    return [c.phone, c.email, c.website, c.messaging].filter(Boolean).join(' · ') || t('account.none');
  }
  if (field === 'languages' || field === 'tags') return (v || []).join(', ') || t('account.none');
  if (field === 'area') return v ? t('pgroups.area_drawn') : t('account.none');
  if (field === 'radius_km') return v == null ? t('account.none') : t('pgroups.km', { km: formatNumber(v) });
  if (field === 'lat' || field === 'lon') return formatNumber(v, { maximumFractionDigits: 6 });
  return v || t('account.none');
}

function changeItem(c) {
  const g = c.group, p = c.change.proposed;
  const li = el('li', null, 'vet-item');
  li.dataset.id = g.id;
  const h = el('h3', null);
  const a = el('a', g.name);
  a.href = `/group?id=${encodeURIComponent(g.id)}`;
  a.dir = 'auto';
  h.append(a);
  const dl = el('dl', null, 'details');
  const row = (term, value) => {
    const dd = el('dd', null);
    dd.append(value);
    dl.append(el('dt', term), dd);
  };
  row(t('pgroups.submitted'), timeElement(c.change.submitted_at));
  for (const f of c.change.fields) {
    const now = el('span', shown(f, g));
    const next = el('strong', shown(f, p));
    now.dir = next.dir = 'auto';
    const both = el('span', null);
    both.append(t('pgroups.change_now'), ' ', now, ' → ', t('pgroups.change_new'), ' ', next);
    row(t(`pgroups.field.${f}`), both);
  }
  const actions = el('div', null, 'button-row');
  const ok = el('button', t('pgroups.change_approve'), 'button');
  ok.type = 'button';
  ok.setAttribute('aria-label', t('pgroups.change_approve_named', { name: g.name }));
  const no = el('button', t('pgroups.change_reject'), 'button button-secondary');
  no.type = 'button';
  no.setAttribute('aria-label', t('pgroups.change_reject_named', { name: g.name }));
  ok.addEventListener('click', () => decide(c, true, [ok, no]));
  no.addEventListener('click', () => decide(c, false, [ok, no]));
  actions.append(ok, no);
  li.append(h, dl, actions);
  return li;
}

function renderChanges() {
  $('pgroups-changes').replaceChildren(...changes.map(changeItem));
  if (!changes.length) $('pgroups-changes').replaceChildren(el('li', t('pgroups.changes_empty')));
  $('pgroups-changes-count').textContent = t('pgroups.changes_count', { count: formatNumber(changes.length) });
  $('pgroups-changes-msg').textContent = changeMsg ? t(changeMsg.key, { name: changeMsg.name }) : '';
}

async function loadChanges() {
  try {
    const r = await getJSON('/api/v1/group-changes?limit=100');
    changes.splice(0, changes.length, ...r.changes);
    renderChanges();
  } catch (e) {
    showError('pgroups', e);
  }
}

async function decide(c, approve, buttons) {
  for (const b of buttons) b.disabled = true;
  try {
    const g = await send(`/api/v1/groups/${encodeURIComponent(c.group.id)}/changes/${approve ? 'approve' : 'reject'}`);
    changes.splice(changes.indexOf(c), 1);
    changeMsg = { key: approve ? 'pgroups.change_approved_msg' : 'pgroups.change_rejected_msg', name: g.name };
    renderChanges();
  } catch (e) {
    for (const b of buttons) b.disabled = false;
    showError('pgroups', e);
  }
}

// ---- import from a file: a dry run first, then the import ----

const IMPORT_TYPES = { geojson: 'application/geo+json', json: 'application/geo+json' };
let checked = null; // { text, rows } of the file that passed the dry run

function importProblems(e) {
  const d = e.details;
  $('pgroups-import-problems-text').textContent = d?.code === 'invalid_group_file'
    ? t('pgroups.import_bad', { count: formatNumber(d.error_count) }) : e.message;
  $('pgroups-import-list').replaceChildren(...(d?.errors || []).map((p) => {
    const key = p.row === 0 ? 'pgroups.import_problem_file' : p.field ? 'pgroups.import_problem' : 'pgroups.import_problem_row';
    const li = el('li', t(key, { row: formatNumber(p.row), field: p.field, message: p.message }));
    li.dir = 'auto';
    return li;
  }));
  $('pgroups-import-problems').hidden = false;
}

async function importFile(dryRun) {
  const file = $('pgroups-import-file').files[0];
  const go = $('pgroups-import-go');
  $('pgroups-import-problems').hidden = true;
  $('pgroups-import-status').textContent = '';
  go.hidden = true;
  if (dryRun) checked = null;
  if (!file) {
    $('pgroups-import-status').textContent = t('pgroups.import_none');
    return;
  }
  const ext = file.name.split('.').pop().toLowerCase();
  const type = IMPORT_TYPES[ext] || 'text/csv';
  const text = dryRun ? await file.text() : checked.text;
  try {
    const r = await send(`/api/v1/groups/import${dryRun ? '?dry_run=true' : ''}`, { body: text, headers: { 'Content-Type': type } });
    if (dryRun) {
      checked = { text, rows: r.rows };
      $('pgroups-import-status').textContent = t('pgroups.import_good', { count: formatNumber(r.rows) });
      go.textContent = t('pgroups.import_go', { count: formatNumber(r.rows) });
      go.hidden = false;
    } else {
      checked = null;
      $('pgroups-import-form').reset();
      $('pgroups-import-status').textContent = t('pgroups.import_done', { count: formatNumber(r.imported) });
      groups.length = 0;
      done = false;
      await load();
    }
  } catch (e) {
    importProblems(e);
  }
}

if (me) {
  $('pgroups-import-form').addEventListener('submit', (ev) => { ev.preventDefault(); importFile(true); });
  $('pgroups-import-go').addEventListener('click', () => importFile(false));
  $('pgroups-import-file').addEventListener('change', () => { checked = null; $('pgroups-import-go').hidden = true; });
  $('pgroups-more').addEventListener('click', load);
  document.addEventListener(LANGUAGE_EVENT, () => { render(); renderChanges(); });
  await load();
  await loadChanges();
}
