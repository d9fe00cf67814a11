// My API tokens (any signed-in account): the caller's tokens (GET /api/v1/me/tokens) with what
// each is for, when it was made, when it expires and when it was last used; making one
// (POST /api/v1/me/tokens), whose secret is shown this once with a copy button and a warning;
// revoking one after a confirmation (DELETE /api/v1/me/tokens/{id}).
import { ready, t, formatNumber, LANGUAGE_EVENT } from './i18n.js';
import { getJSON, ApiError } from './api.js';
import { send } from './session.js';
import { $, el, gate, showError, clearError, timeElement } from './staff.js';

await ready;
const ROLES = ['volunteer', 'coordinator', 'editor', 'admin'];
const state = { tokens: null, total: 0, msg: null, formMsg: null, copyMsg: null };
const me = await gate('tokens', ROLES, 'staff.admins_only');

function item(tok) {
  const li = el('li', null, 'vet-item');
  li.dataset.id = tok.id;
  const h = el('h3', tok.name || t('tokens.unnamed'));
  h.dir = 'auto';
  const dl = el('dl', null, 'details');
  const row = (key, value) => {
    const dd = el('dd', null);
    if (value instanceof Node) dd.append(value); else dd.textContent = value;
    dl.append(el('dt', t(key)), dd);
  };
  row('tokens.created', timeElement(tok.created_at));
  row('tokens.expires', tok.expires_at ? timeElement(tok.expires_at) : t('tokens.no_expiry'));
  row('tokens.last_used', tok.last_used_at ? timeElement(tok.last_used_at) : t('tokens.never_used'));
  const button = el('button', t('tokens.revoke'), 'button button-secondary');
  button.type = 'button';
  button.setAttribute('aria-label', `${t('tokens.revoke')}: ${tok.name || t('tokens.unnamed')}`);
  button.addEventListener('click', () => revoke(tok, button));
  li.append(h, dl, button);
  return li;
}

function render() {
  if (!state.tokens) return;
  $('tokens-list').replaceChildren(...state.tokens.map(item));
  $('tokens-count').textContent = state.tokens.length ? t('tokens.count', { n: formatNumber(state.total) }) : t('tokens.none');
  $('tokens-msg').textContent = state.msg ? t(state.msg) : '';
  const fm = $('tokens-form-msg');
  fm.textContent = state.formMsg ? state.formMsg() : '';
  fm.classList.toggle('form-message-error', Boolean(state.formMsg));
  $('tokens-copy-msg').textContent = state.copyMsg ? t(state.copyMsg) : '';
}

async function load() {
  try {
    const d = await getJSON('/api/v1/me/tokens');
    state.tokens = d.tokens;
    state.total = d.total;
    clearError('tokens');
    render();
  } catch (e) {
    showError('tokens', e);
  }
}

async function revoke(tok, button) {
  if (!window.confirm(t('tokens.revoke_confirm', { name: tok.name || t('tokens.unnamed') }))) return;
  button.disabled = true;
  try {
    await send(`/api/v1/me/tokens/${encodeURIComponent(tok.id)}`, { method: 'DELETE' });
    state.msg = 'tokens.revoked';
    await load();
    $('tokens-msg').focus?.();
  } catch (e) {
    button.disabled = false;
    showError('tokens', e);
  }
}

if (me) {
  document.addEventListener(LANGUAGE_EVENT, render);
  $('tokens-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    state.formMsg = null;
    state.msg = null;
    const submit = $('tokens-create');
    submit.disabled = true;
    try {
      const r = await send('/api/v1/me/tokens', {
        body: { name: $('tokens-name').value.trim(), expires_in_days: Number($('tokens-days').value) },
      });
      $('tokens-secret').value = r.secret;
      state.copyMsg = null;
      $('tokens-secret-box').hidden = false;
      $('tokens-name').value = '';
      await load();
      $('tokens-secret-box').focus();
      $('tokens-secret').select();
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 'unknown';
      state.formMsg = code === 'conflict' ? () => t('tokens.too_many') : () => new ApiError(code, 0).message;
      render();
    } finally {
      submit.disabled = false;
    }
  });
  $('tokens-copy').addEventListener('click', async () => {
    const input = $('tokens-secret');
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      state.copyMsg = 'tokens.copied';
    } catch {
      state.copyMsg = 'tokens.copy_failed';
    }
    render();
  });
  $('tokens-done').addEventListener('click', () => {
    // The secret leaves the page: nothing keeps it after this.
    $('tokens-secret').value = '';
    state.copyMsg = null;
    $('tokens-secret-box').hidden = true;
    render();
    $('tokens-name').focus();
  });
  await load();
}
