// My account: the signed-in account's details and status (pending / approved / suspended,
// explained), changing name, language and password (PATCH /api/v1/me with X-CSRF-Token), and
// signing out. Not signed in: a link to the sign-in page.
import { ready, t, formatDate, LANGUAGE_EVENT } from './i18n.js';
import { ApiError } from './api.js';
import { getMe, send, signOut, renderAccountArea } from './session.js';

await ready;
const $ = (id) => document.getElementById(id);
$('account-nojs').hidden = true;
$('account-loading').hidden = false;

let me = null;
try {
  me = await getMe({ refresh: true });
} catch (e) {
  $('account-error').textContent = e.message;
  $('account-error').hidden = false;
}
$('account-loading').hidden = true;

function render() {
  const staff = me.role !== 'volunteer';
  const badge = $('account-badge');
  badge.className = `badge badge-${me.status}`;
  badge.textContent = staff ? t(`role.${me.role}`) : t(`vstatus.${me.status}`);
  $('account-explain').textContent = staff ? t('account.explain_staff') : t(`account.explain_${me.status}`);
  $('account-name').textContent = me.name;
  $('account-phone').textContent = me.phone || t('account.none');
  $('account-email').textContent = me.email || t('account.none');
  $('account-role').textContent = t(`role.${me.role}`);
  $('account-since').textContent = formatDate(new Date(me.created_at * 1000).toISOString().slice(0, 10));
  $('account-vetting').hidden = !(me.role === 'coordinator' || me.role === 'admin');
}

if (!me && $('account-error').hidden) {
  $('account-anon').hidden = false;
} else if (me) {
  $('account-view').hidden = false;
  $('account-name-input').value = me.name;
  $('account-language').value = me.language;
  render();
  document.addEventListener(LANGUAGE_EVENT, render);
}

function message(el, text, ok = true) {
  el.textContent = text;
  el.classList.toggle('form-message-error', !ok);
}

$('account-profile').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const msg = $('account-profile-msg');
  message(msg, '');
  const name = $('account-name-input').value.trim();
  if (!name) { message(msg, new ApiError('missing_field', 400).message, false); return; }
  try {
    const res = await send('/api/v1/me', { method: 'PATCH', body: { name, language: $('account-language').value } });
    Object.assign(me, res);
    render();
    renderAccountArea();
    message(msg, t('account.saved'));
  } catch (e) {
    message(msg, e.message, false);
  }
});

$('account-password').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const msg = $('account-password-msg');
  message(msg, '');
  const current = $('account-current').value, next = $('account-new').value;
  if (!current || !next) { message(msg, new ApiError('missing_field', 400).message, false); return; }
  try {
    await send('/api/v1/me', { method: 'PATCH', body: { password: next, current_password: current } });
    $('account-current').value = '';
    $('account-new').value = '';
    message(msg, t('account.password_changed'));
  } catch (e) {
    message(msg, e.code === 'forbidden' && e.field === 'current_password' ? t('account.current_wrong') : e.message, false);
  }
});

$('account-signout').addEventListener('click', () => { $('account-signout').disabled = true; signOut(); });
