// Sign-in page: the form posts {login, password} to /api/v1/auth/login with fetch and, on
// success, goes to the account page (or to ?next=/a-local-path). Without JavaScript the form
// stays hidden and a notice says why (the API answers JSON, not a page).
import { ready, t } from './i18n.js';
import { api, ApiError } from './api.js';
import { getMe, rememberSignIn } from './session.js';

await ready;
const form = document.getElementById('signin-form');
const errorBox = document.getElementById('signin-error');
const errorText = document.getElementById('signin-error-text');
const statusBox = document.getElementById('signin-status');
const submit = document.getElementById('signin-submit');
const login = document.getElementById('signin-login');
const password = document.getElementById('signin-password');

document.getElementById('signin-nojs').hidden = true;
form.hidden = false;

/** Where to go after signing in: ?next= when it is a path on this site, else /account. */
function nextPage() {
  const next = new URLSearchParams(location.search).get('next') || '';
  return /^\/(?!\/)[^\\\s]*$/.test(next) ? next : '/account';
}

let statusKey = null;
function showStatus(key, link) {
  statusKey = key;
  statusBox.replaceChildren();
  const p = document.createElement('p');
  p.textContent = t(key);
  statusBox.append(p);
  if (link) {
    const a = document.createElement('a');
    a.href = '/account';
    a.textContent = t('signin.go_account');
    const p2 = document.createElement('p');
    p2.append(a);
    statusBox.append(p2);
  }
  statusBox.hidden = false;
}

let errorCode = null;
function showError(code) {
  errorCode = code;
  errorText.textContent = code === 'unauthorized' ? t('signin.wrong') : new ApiError(code, 0).message;
  errorBox.hidden = false;
  for (const input of [login, password]) input.setAttribute('aria-invalid', String(code === 'unauthorized' || code === 'missing_field'));
  errorBox.focus();
}

document.addEventListener('hamyari:languagechange', () => {
  if (errorCode) errorText.textContent = errorCode === 'unauthorized' ? t('signin.wrong') : new ApiError(errorCode, 0).message;
  if (statusKey) showStatus(statusKey, statusKey === 'signin.already');
  submit.textContent = t(submit.disabled ? 'signin.busy' : 'signin.submit');
});

if (new URLSearchParams(location.search).has('signed_out')) showStatus('signin.signed_out');
else getMe().then((me) => { if (me) showStatus('signin.already', true); }).catch(() => {});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  errorBox.hidden = true;
  errorCode = null;
  if (!login.value.trim() || !password.value) {
    showError('missing_field');
    return;
  }
  submit.disabled = true;
  submit.textContent = t('signin.busy');
  try {
    const answer = await api('/api/v1/auth/login', { method: 'POST', body: { login: login.value.trim(), password: password.value } });
    rememberSignIn(answer);
    location.assign(nextPage());
  } catch (e) {
    password.value = '';
    showError(e instanceof ApiError ? e.code : 'unknown');
  } finally {
    submit.disabled = false;
    submit.textContent = t('signin.submit');
  }
});
