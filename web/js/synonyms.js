// The search synonym list (/synonyms, editors and admins): one meaning per line, its words
// separated by commas (Latin or Persian); saved whole with PUT /api/v1/synonyms, which every
// search then uses at once. Anonymous visitors and other roles see a notice instead.
import { ready, t, formatDate, formatNumber, LANGUAGE_EVENT } from './i18n.js';
import { getJSON, ApiError } from './api.js';
import { getMe, send } from './session.js';

await ready;
const $ = (id) => document.getElementById(id);
$('syn-nojs').hidden = true;
const form = $('syn-form');
const text = $('syn-text');
let state = null; // the last answer of the API
let message = null; // {key} or {text}

function render() {
  if (!state) return;
  const parts = [t('synonyms.count', { n: formatNumber(state.groups.length) })];
  parts.push(state.default ? t('synonyms.default')
    : t('synonyms.updated', { date: formatDate(state.updated_at * 1000) }));
  if (message) parts.unshift(message.key ? t(message.key) : message.text);
  $('syn-state').textContent = parts.join(' · ');
}

function toText(groups) { return groups.map((g) => g.join(', ')).join('\n'); }
function fromText(s) {
  return s.split('\n').map((line) => line.split(/[,،]/).map((w) => w.trim()).filter(Boolean)).filter((g) => g.length);
}

function showError(e) {
  const box = $('syn-error');
  box.textContent = e instanceof ApiError && e.serverMessage ? `${e.message} ${e.serverMessage}` : e.message;
  box.hidden = false;
  box.focus();
}

async function load() {
  const me = await getMe({ refresh: true }).catch(() => null);
  if (!me) { $('syn-anon').hidden = false; return; }
  if (!['editor', 'admin'].includes(me.role)) { $('syn-forbidden').hidden = false; return; }
  try {
    state = await getJSON('/api/v1/synonyms');
    text.value = toText(state.groups);
    form.hidden = false;
    render();
  } catch (e) {
    showError(e);
  }
}

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('syn-error').hidden = true;
  const save = $('syn-save');
  save.disabled = true;
  try {
    state = await send('/api/v1/synonyms', { method: 'PUT', body: { groups: fromText(text.value) } });
    text.value = toText(state.groups);
    message = { key: 'synonyms.saved' };
    render();
  } catch (e) {
    showError(e);
  } finally {
    save.disabled = false;
  }
});
document.addEventListener(LANGUAGE_EVENT, render);
load();
