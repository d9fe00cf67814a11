// Tracking a help request: the tracking code and the phone number given (both needed; either
// wrong gives the same "not found"), the status in plain words, and cancelling, which asks
// first (a step in the page, as the page without JavaScript asks with a page of its own).
import { ready, t, LANGUAGE_EVENT } from './i18n.js';
import { api, ApiError } from './api.js';

await ready;
const form = document.getElementById('track-form');
const code = document.getElementById('track-code');
const phone = document.getElementById('track-phone');
const errorBox = document.getElementById('track-error');
const errorText = document.getElementById('track-error-text');
const result = document.getElementById('track-result');
const statusEl = document.getElementById('track-status');
const cancel = document.getElementById('track-cancel');
const confirmBox = document.getElementById('track-confirm');

const given = new URLSearchParams(location.search).get('code');
if (given) code.value = given;

let shown = null; // the last answer
let lastError = null;

function render() {
  if (shown) {
    statusEl.textContent = t(`rqstatus.${shown.status}`);
    cancel.hidden = !shown.can_cancel;
    result.hidden = false;
  }
  if (lastError) {
    errorText.textContent = lastError === 'not_found' ? t('track.not_found') : new ApiError(lastError, 0).message;
    errorBox.hidden = false;
  } else {
    errorBox.hidden = true;
  }
}
document.addEventListener(LANGUAGE_EVENT, render);

async function run(fn) {
  lastError = null;
  try {
    shown = await fn();
    render();
    result.focus();
  } catch (e) {
    shown = null;
    result.hidden = true;
    lastError = e instanceof ApiError ? e.code : 'unknown';
    render();
    errorBox.focus();
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  confirmBox.hidden = true;
  // The phone number goes in the body, never in the URL (proxies log URLs).
  run(() => api('/api/v1/requests/status', { method: 'POST', body: { code: code.value.trim(), phone: phone.value.trim() } }));
});

cancel.addEventListener('click', () => {
  confirmBox.hidden = false;
  cancel.hidden = true;
  confirmBox.focus();
});
document.getElementById('track-confirm-no').addEventListener('click', () => {
  confirmBox.hidden = true;
  render();
  cancel.focus();
});
document.getElementById('track-confirm-yes').addEventListener('click', () => {
  confirmBox.hidden = true;
  run(() => api('/api/v1/requests/cancel', { method: 'POST', body: { code: code.value.trim(), phone: phone.value.trim() } }));
});
