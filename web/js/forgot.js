// Forgot password: asks for a reset code (POST /api/v1/auth/reset {login}). The answer is the
// same whether or not the login has an account, and so is what the page says. Without
// JavaScript the form posts and the server answers with a page in the form's `lang`.
import { ready, t, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { api, ApiError } from './api.js';

await ready;
const $ = (id) => document.getElementById(id);
const form = $('forgot-form');
const login = $('forgot-login');
const submit = $('forgot-submit');
const statusBox = $('forgot-status');
const errorBox = $('forgot-error');
const errorText = $('forgot-error-text');

const syncLang = () => { form.elements.lang.value = getLanguage(); };
syncLang();

let errorCode = null;
function showError(code) {
  errorCode = code;
  errorText.textContent = code ? new ApiError(code, 0).message : '';
  errorBox.hidden = !code;
  login.setAttribute('aria-invalid', String(code === 'missing_field'));
  if (code) errorBox.focus();
}

document.addEventListener(LANGUAGE_EVENT, () => {
  syncLang();
  if (errorCode) errorText.textContent = new ApiError(errorCode, 0).message;
  submit.textContent = t(submit.disabled ? 'forgot.busy' : 'forgot.submit');
});

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  showError(null);
  statusBox.hidden = true;
  const value = login.value.trim();
  if (!value) { showError('missing_field'); return; }
  submit.disabled = true;
  submit.textContent = t('forgot.busy');
  try {
    await api('/api/v1/auth/reset', { method: 'POST', body: { login: value } });
    statusBox.hidden = false;
    statusBox.focus();
    // The reset page asks for the login again; remember it for this tab only.
    try { sessionStorage.setItem('hamyari.reset_login', value); } catch { /* typed again */ }
  } catch (e) {
    showError(e instanceof ApiError ? e.code : 'unknown');
  } finally {
    submit.disabled = false;
    submit.textContent = t('forgot.submit');
  }
});
