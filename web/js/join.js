// Member sign-up: the form posts JSON to /api/v1/members (the same rules as a volunteer's
// sign-up; the account works at once). Without JavaScript the form stays hidden.
import { ready, t, LANGUAGE_EVENT } from './i18n.js';
import { api, ApiError } from './api.js';

await ready;
const form = document.getElementById('join-form');
const errorBox = document.getElementById('join-error');
const errorText = document.getElementById('join-error-text');
const done = document.getElementById('join-done');
const submit = document.getElementById('join-submit');
document.getElementById('join-nojs').hidden = true;
form.hidden = false;

// Joined from a page that sent the person here (?next=/a-local-path): signing in returns there.
const next = new URLSearchParams(location.search).get('next') || '';
if (/^\/(?!\/)[^\\\s]*$/.test(next)) {
  done.querySelector('a[href="/signin"]').href = `/signin?next=${encodeURIComponent(next)}`;
}

const FIELD_INPUT = { name: 'join-name', email: 'join-email', phone: 'join-phone', password: 'join-password', consent: 'join-consent' };
let errorState = null;
function showError(state) {
  errorState = state;
  if (state.code === 'consent') errorText.textContent = t('volunteer.consent_needed');
  else if (state.code === 'conflict') errorText.textContent = t('join.taken');
  else errorText.textContent = new ApiError(state.code, 0).message;
  for (const id of Object.values(FIELD_INPUT)) document.getElementById(id).removeAttribute('aria-invalid');
  const input = state.field && document.getElementById(FIELD_INPUT[state.field]);
  if (input) input.setAttribute('aria-invalid', 'true');
  errorBox.hidden = false;
  errorBox.focus();
}
document.addEventListener(LANGUAGE_EVENT, () => { if (errorState) showError(errorState); });

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  errorBox.hidden = true;
  errorState = null;
  const v = (id) => document.getElementById(id).value.trim();
  if (!v('join-name')) { showError({ code: 'missing_field', field: 'name' }); return; }
  if (!v('join-email') && !v('join-phone')) { showError({ code: 'missing_field', field: 'email' }); return; }
  if (!document.getElementById('join-password').value) { showError({ code: 'missing_field', field: 'password' }); return; }
  if (!document.getElementById('join-consent').checked) { showError({ code: 'consent', field: 'consent' }); return; }
  const body = { name: v('join-name'), password: document.getElementById('join-password').value,
    language: document.documentElement.lang === 'en' ? 'en' : 'fa', consent: true };
  if (v('join-email')) body.email = v('join-email');
  if (v('join-phone')) body.phone = v('join-phone');
  submit.disabled = true;
  try {
    await api('/api/v1/members', { method: 'POST', body });
    form.hidden = true;
    done.hidden = false;
    done.focus();
  } catch (e) {
    showError(e instanceof ApiError ? { code: e.code, field: e.field } : { code: 'unknown' });
  } finally {
    submit.disabled = false;
  }
});
