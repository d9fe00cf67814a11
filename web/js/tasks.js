// A volunteer's page: open requests near their home area (no personal data; positions rounded
// to about 500 m, on a map and in a list) with a button to take one, and their own tasks with
// the requester's contact details, status buttons, the contactless-delivery checklist and the
// receipt amount with the request to be reimbursed for it.
import { ready, t, formatNumber, readNumber, formatAgo, LANGUAGE_EVENT } from './i18n.js';
import { ApiError, getJSON } from './api.js';
import { getMe, send } from './session.js';
import { exampleBadge } from './example.js';

await ready;
const $ = (id) => document.getElementById(id);
const errorBox = $('tasks-error');
let me = null;
let near = [];
let mine = [];
let map = null;

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function showError(e) {
  errorBox.textContent = e instanceof ApiError ? (e.code === 'conflict' ? t('tasks.conflict') : e.message) : String(e);
  errorBox.hidden = false;
  errorBox.focus();
}

function summary(r) {
  return t('tasks.summary_ago', {
    kind: t(`kind.${r.kind}`), urgency: t(`urgency.${r.urgency}`),
    km: formatNumber(r.distance_km ?? 0, { maximumFractionDigits: 1 }),
    ago: formatAgo(r.created_at),
  });
}

function button(key, onClick, secondary = true) {
  const b = el('button', { type: 'button', className: secondary ? 'button button-secondary' : 'button', textContent: t(key) });
  b.addEventListener('click', async () => {
    b.disabled = true;
    errorBox.hidden = true;
    try { await onClick(); } catch (e) { showError(e); } finally { b.disabled = false; }
  });
  return b;
}

function renderNear() {
  const list = $('tasks-near');
  list.replaceChildren(...near.map((r) => el('li', { className: 'vet-item' },
    el('p', { textContent: summary(r) }, r.demo ? exampleBadge() : null),
    el('div', { className: 'button-row' }, button('tasks.claim', async () => {
      await send(`/api/v1/requests/${r.id}/claim`);
      await load();
    }, false)))));
  $('tasks-near-empty').hidden = near.length > 0 || !me?.volunteer?.lat;
  map?.setMarkers(near.filter((r) => r.lat !== null).map((r) => ({ id: r.id, lat: r.lat, lon: r.lon, title: summary(r) })));
}

function contactList(c) {
  const dl = el('dl', { className: 'details' });
  for (const [k, v, dir] of [['tasks.name', c.name], ['tasks.phone', c.phone, 'ltr'], ['tasks.address', c.address], ['tasks.details', c.details],
    ['dispatch.call_window', c.call_window]]) {
    if (!v) continue;
    const dd = el('dd', { textContent: v });
    if (dir) dd.dir = dir;
    if (k === 'tasks.phone') dd.replaceChildren(el('a', { href: `tel:${v}`, textContent: v }));
    dl.append(el('dt', { textContent: t(k) }), dd);
  }
  return dl;
}

function checklistForm(r) {
  const form = el('form', { className: 'form' });
  const fs = el('fieldset', { className: 'fieldset' }, el('legend', { className: 'field-label', textContent: t('tasks.checklist_legend') }));
  const ul = el('ul', { className: 'checks' });
  for (const item of ['mask', 'gloves', 'leave_at_door', 'step_back']) {
    const id = `chk-${r.id}-${item}`;
    ul.append(el('li', { className: 'check' },
      el('input', { className: 'check-input', type: 'checkbox', id, name: item, checked: !!r.checklist?.[item] }),
      el('label', { className: 'check-label', htmlFor: id, textContent: t(`check.${item}`) })));
  }
  fs.append(ul);
  const amountId = `amount-${r.id}`;
  const paid = r.reimbursement === 'paid';
  const amount = el('input', { className: 'input input-short', id: amountId, name: 'receipt_amount', type: 'text', inputMode: 'decimal', maxLength: 20, autocomplete: 'off', dir: 'ltr', value: r.receipt_amount === null || r.receipt_amount === undefined ? '' : formatNumber(r.receipt_amount, { useGrouping: false, maximumFractionDigits: 2 }), disabled: paid });
  const status = el('p', { role: 'status' });
  const error = el('p', { className: 'notice notice-important', role: 'alert', hidden: true });
  // The reimbursement request: the receipt's amount and a note for the coordinator; once paid
  // only a coordinator may change them.
  const reimb = el('fieldset', { className: 'fieldset reimb' }, el('legend', { className: 'field-label', textContent: t('tasks.reimb_legend') }),
    el('p', { className: 'reimb-status', textContent: t('tasks.reimbursement', { status: t(`reimb.${r.reimbursement || 'none'}`) }) }),
    el('div', { className: 'field' }, el('label', { className: 'field-label', htmlFor: amountId, textContent: t('tasks.receipt_label') }), amount));
  let ask = null, note = null;
  if (!paid) {
    const askId = `reimb-ask-${r.id}`, noteId = `reimb-note-${r.id}`;
    ask = el('input', { className: 'check-input', type: 'checkbox', id: askId, name: 'reimburse', checked: r.reimbursement === 'pending' });
    note = el('textarea', { className: 'input', id: noteId, name: 'reimb_note', rows: 2, maxLength: 2000 });
    reimb.append(el('div', { className: 'check' }, ask, el('label', { className: 'check-label', htmlFor: askId, textContent: t('tasks.reimb_ask') })),
      el('div', { className: 'field' }, el('label', { className: 'field-label', htmlFor: noteId, textContent: t('tasks.reimb_note') }), note));
  }
  form.append(fs, reimb, error,
    el('div', { className: 'button-row' }, el('button', { className: 'button button-secondary', type: 'submit', textContent: t('tasks.save') })), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    status.textContent = '';
    const body = {};
    for (const item of ['mask', 'gloves', 'leave_at_door', 'step_back']) body[item] = form.elements[item].checked;
    if (!paid) {
      const n = amount.value.trim() === '' ? null : readNumber(amount.value);
      const bad = n !== null && !(n >= 0 && n <= 1e9);
      if (bad || (ask.checked && !(n > 0))) {
        error.textContent = t(bad ? 'tasks.receipt_bad' : 'tasks.reimb_need_amount');
        error.hidden = false;
        amount.focus();
        return;
      }
      if (n !== null) body.receipt_amount = n;
      body.reimbursement = ask.checked ? 'pending' : 'none';
    }
    try {
      const saved = await send(`/api/v1/requests/${r.id}/delivery`, { body });
      const text = note?.value.trim();
      if (text) await send(`/api/v1/requests/${r.id}/notes`, { body: { kind: 'note', text: `${t('tasks.reimb_note_prefix')} ${text}` } });
      Object.assign(r, { receipt_amount: saved.receipt_amount, reimbursement: saved.reimbursement });
      if (note) note.value = '';
      status.textContent = t('tasks.saved');
      reimb.querySelector('.reimb-status').textContent = t('tasks.reimbursement', { status: t(`reimb.${saved.reimbursement}`) });
    } catch (e) {
      error.textContent = e.message || String(e);
      error.hidden = false;
    }
  });
  return form;
}

function renderMine() {
  $('tasks-mine').replaceChildren(...mine.map((r) => {
    const li = el('li', { className: 'vet-item' },
      el('h3', { textContent: `${t(`kind.${r.kind}`)}: ${t(`rqstaff.${r.status}`)}` }, r.demo ? exampleBadge() : null),
      r.contact ? contactList(r.contact) : null);
    const row = el('div', { className: 'button-row' });
    const move = (to) => async () => { await send(`/api/v1/requests/${r.id}/status`, { body: { status: to } }); await load(); };
    if (r.status === 'claimed') row.append(button('tasks.start', move('in_progress'), false));
    if (r.status === 'in_progress') row.append(button('tasks.deliver', move('delivered'), false));
    if (r.status === 'claimed' || r.status === 'in_progress')
      row.append(button('tasks.release', async () => { await send(`/api/v1/requests/${r.id}/release`); await load(); }));
    li.append(row);
    if (r.status !== 'closed') li.append(checklistForm(r));
    return li;
  }));
  $('tasks-mine-empty').hidden = mine.length > 0;
}

async function load() {
  mine = (await getJSON('/api/v1/requests/mine')).requests;
  const v = me.volunteer;
  if (v && typeof v.lat === 'number') {
    const q = new URLSearchParams({ near: `${v.lat},${v.lon}`, radius_km: String(v.radius_km || 5), status: 'open' });
    near = (await getJSON(`/api/v1/requests?${q}`)).requests;
  } else {
    near = [];
  }
  renderMine();
  renderNear();
}

me = await getMe().catch(() => null);
if (!me) {
  $('tasks-signin').hidden = false;
} else if (me.role === 'volunteer' && me.status !== 'approved') {
  $('tasks-pending').hidden = false;
} else if (!['volunteer', 'coordinator', 'admin'].includes(me.role)) {
  $('tasks-signin').hidden = false;
} else {
  $('tasks-mine-section').hidden = false;
  $('tasks-near-section').hidden = false;
  const hasArea = typeof me.volunteer?.lat === 'number';
  $('tasks-no-area').hidden = hasArea;
  if (hasArea) {
    const { createMap } = await import('./map.js');
    map = await createMap($('tasks-map'), { labelKey: 'tasks.map_label', markers: [], center: [me.volunteer.lat, me.volunteer.lon], zoom: 13 });
  } else {
    $('tasks-map').hidden = true;
  }
  try { await load(); } catch (e) { showError(e); }
  document.addEventListener(LANGUAGE_EVENT, () => { renderMine(); renderNear(); });
}
