// The outbox (admins): GET /api/v1/outbox, the counts by status and the messages newest first,
// filtered by status, 50 at a time ("Older messages" asks for the page after the last one
// shown). Each message: its state, channel and kind, the masked recipient, the language, the
// attempts and the last error, when it was queued, is next tried and was sent. The server
// never sends what a message says nor a whole recipient; nor does this page show more.
import { ready, t, hasKey, formatNumber, LANGUAGE_EVENT, languageName } from './i18n.js';
import { getJSON } from './api.js';
import { $, el, gate, showError, clearError, timeElement } from './staff.js';

const LIMIT = 50;
const STATES = ['pending', 'sending', 'sent', 'failed', 'dropped'];
await ready;

let messages = [];
let counts = null;
let next = null;
let status = '';

const me = await gate('outbox', ['admin'], 'staff.admins_only');

function templateLabel(name) {
  const key = `outbox.template.${name}`;
  return hasKey(key) ? t(key) : t('outbox.template_other', { name });
}

function item(m) {
  const li = el('li', null, `audit-item outbox-${m.status}`);
  const head = el('p', null, 'audit-head');
  head.append(el('strong', t(`outbox.status.${m.status}`)), ' — ',
    t('outbox.what', { channel: t(`outbox.channel.${m.channel === 'email' ? 'email' : 'sms'}`), template: templateLabel(m.template) }));
  const dl = el('dl', null, 'details');
  const row = (key, value) => {
    if (value === null || value === undefined || value === '') return;
    const dd = el('dd', null);
    dd.append(value);
    dl.append(el('dt', t(key)), dd);
  };
  const to = el('span', m.recipient || t('outbox.no_recipient'));
  if (m.recipient) to.dir = 'ltr';
  row('outbox.recipient', to);
  row('outbox.language', languageName(m.language));
  row('outbox.attempts', formatNumber(m.attempts));
  if (m.last_error) {
    const e = el('span', m.last_error);
    e.dir = 'ltr';
    row('outbox.last_error', e);
  }
  row('outbox.created', timeElement(m.created_at));
  if (m.status === 'pending' || m.status === 'sending') row('outbox.next_attempt', timeElement(m.next_attempt_at));
  if (m.sent_at) row('outbox.sent_at', timeElement(m.sent_at));
  li.append(head, dl);
  return li;
}

function render() {
  if (counts) {
    $('outbox-counts').textContent = t('outbox.counts', Object.fromEntries(STATES.map((s) => [s, formatNumber(counts[s])])));
  }
  $('outbox-list').replaceChildren(...messages.map(item));
  if (!messages.length) $('outbox-list').replaceChildren(el('li', t('outbox.empty')));
  $('outbox-shown').textContent = t('outbox.shown', { count: formatNumber(messages.length) });
  $('outbox-more').hidden = next === null;
}

async function load(more) {
  const q = new URLSearchParams({ limit: String(LIMIT) });
  if (status) q.set('status', status);
  if (more && next !== null) q.set('before', String(next));
  $('outbox-more').disabled = true;
  try {
    const r = await getJSON(`/api/v1/outbox?${q}`);
    if (!more) messages = [];
    messages.push(...r.messages);
    counts = r.counts;
    next = r.next_before;
    clearError('outbox');
    render();
  } catch (e) {
    showError('outbox', e);
  } finally {
    $('outbox-more').disabled = false;
  }
}

if (me) {
  $('outbox-more').addEventListener('click', () => load(true));
  $('outbox-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    status = $('outbox-status').value;
    load(false);
  });
  document.addEventListener(LANGUAGE_EVENT, render);
  await load(false);
}
