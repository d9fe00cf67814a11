// Reset password: the login, the 8-character code from the message and a new password
// (POST /api/v1/auth/reset/confirm). Errors are said next to the form in the page's language;
// on success the form gives way to a link to sign in. Without JavaScript the form posts and the
// server answers with a page in the form's `lang`.
import { ready, t, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { api, ApiError } from './api.js';

await ready;
const $ = (id) => document.getElementById(id);
const form = $('reset-form');
const login = $('reset-login');
const code = $('reset-code');
const password = $('reset-password');
const submit = $('reset-submit');
const done = $('reset-done');
const errorBox = $('reset-error');
const errorText = $('reset-error-text');

const syncLang = () => { form.elements.lang.value = getLanguage(); };
syncLang();
try { login.value = sessionStorage.getItem('hamyari.reset_login') || ''; } catch { /* empty */ }

let problem = null; // {code, field}
function message(p) {
  if (p.code === 'gone') return t('reset.wrong_code');
  if (p.code === 'rate_limited') return t('reset.too_many');
  if (p.field === 'code') return t('reset.bad_code');
  if (p.field === 'password' && p.message) return `${new ApiError(p.code, 0).message} ${t('reset.password_hint')}`;
  return new ApiError(p.code, 0).message;
}
function showProblem(p) {
  problem = p;
  errorBox.hidden = !p;
  for (const [el, f] of [[login, 'login'], [code, 'code'], [password, 'password']])
    el.setAttribute('aria-invalid', String(Boolean(p && p.field === f)));
  if (!p) return;
  errorText.textContent = message(p);
  errorBox.focus();
}

document.addEventListener(LANGUAGE_EVENT, () => {
  syncLang();
  if (problem) errorText.textContent = message(problem);
  submit.textContent = t(submit.disabled ? 'reset.busy' : 'reset.submit');
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showProblem(null);
  const body = { login: login.value.trim(), code: code.value.trim(), password: password.value };
  const missing = ['login', 'code', 'password'].find((f) => !body[f]);
  if (missing) { showProblem({ code: 'missing_field', field: missing }); return; }
  submit.disabled = true;
  submit.textContent = t('reset.busy');
  try {
    await api('/api/v1/auth/reset/confirm', { method: 'POST', body });
    try { sessionStorage.removeItem('hamyari.reset_login'); } catch { /* nothing kept */ }
    form.hidden = true;
    done.hidden = false;
    done.focus();
  } catch (e) {
    password.value = '';
    showProblem(e instanceof ApiError ? { code: e.code, field: e.field, message: e.message } : { code: 'unknown' });
  } finally {
    submit.disabled = false;
    submit.textContent = t('reset.submit');
  }
});
