// The signed-in state in the browser: who is signed in (GET /api/v1/me), the CSRF token that
// state-changing requests send (X-CSRF-Token), sign-out, and the account area in the header.
//
// The session cookie is HttpOnly, so scripts cannot see it. To avoid asking the server on every
// page for people who never sign in (a 401 each time), a flag in localStorage
// ("hamyari.signed_in") remembers that this browser signed in; it is set at sign-in and cleared
// at sign-out or when the server says the session has ended.
import { api, ApiError } from './api.js';
import { t, LANGUAGE_EVENT } from './i18n.js';

const FLAG = 'hamyari.signed_in';
let mePromise = null;

export function maybeSignedIn() {
  try { return localStorage.getItem(FLAG) === '1'; } catch { return false; }
}

function setFlag(on) {
  try {
    if (on) localStorage.setItem(FLAG, '1');
    else localStorage.removeItem(FLAG);
  } catch { /* storage disabled: the header just does not show the account */ }
}

/** The signed-in account (GET /api/v1/me, once per page) or null. refresh: ask again. */
export function getMe({ refresh = false } = {}) {
  if (!maybeSignedIn()) return Promise.resolve(null);
  if (!mePromise || refresh) {
    mePromise = api('/api/v1/me').catch((e) => {
      if (e instanceof ApiError && e.status === 401) {
        setFlag(false);
        return null;
      }
      mePromise = null;
      throw e;
    });
  }
  return mePromise;
}

/** Remembers a successful sign-in (the answer of POST /api/v1/auth/login). */
export function rememberSignIn(answer) {
  setFlag(true);
  mePromise = Promise.resolve({ ...answer.user, csrf_token: answer.csrf_token });
  renderAccountArea();
}

/**
 * A state-changing request as the signed-in account: sends X-CSRF-Token from /me. Keeps the
 * token up to date when the answer carries a new one (a password change starts a new session).
 */
export async function send(path, { method = 'POST', body } = {}) {
  const me = await getMe().catch(() => null);
  const headers = {};
  if (me?.csrf_token) headers['X-CSRF-Token'] = me.csrf_token;
  try {
    const res = await api(path, { method, body, headers });
    if (me && res && typeof res.csrf_token === 'string') me.csrf_token = res.csrf_token;
    return res;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) forget();
    throw e;
  }
}

function forget() {
  setFlag(false);
  mePromise = Promise.resolve(null);
}

/** Signs out (the server ends the session) and goes to the sign-in page. */
export async function signOut() {
  try {
    await send('/api/v1/auth/logout');
  } catch (e) {
    console.warn(`sign-out: ${e.code || e}`);
  }
  forget();
  location.assign('/signin?signed_out=1');
}

function slot() {
  let el = document.getElementById('account-slot');
  if (!el) {
    const bar = document.querySelector('.header-bar');
    if (!bar) return null;
    el = document.createElement('div');
    el.className = 'account-slot';
    el.id = 'account-slot';
    bar.insertBefore(el, document.getElementById('lang-slot'));
  }
  return el;
}

/** Shows the signed-in account's name (a link to /account) and a sign-out button in the header. */
export async function renderAccountArea() {
  let me = null;
  try { me = await getMe(); } catch { me = null; }
  const el = me ? slot() : document.getElementById('account-slot');
  if (!el) return;
  if (!me) {
    el.replaceChildren();
    el.hidden = true;
    return;
  }
  el.hidden = false;
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', t('session.area_label'));
  const link = document.createElement('a');
  link.className = 'account-link';
  link.href = '/account';
  link.id = 'account-link';
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = `${t('session.signed_in_as')} `;
  const name = document.createElement('span');
  name.className = 'account-name';
  name.dir = 'auto';
  name.textContent = me.name;
  link.append(hidden, name);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'sign-out';
  button.id = 'sign-out';
  button.textContent = t('session.sign_out');
  button.addEventListener('click', () => { button.disabled = true; signOut(); });
  el.replaceChildren(link, button);
}

/** Called once by shell.js on every page. */
export function initAccountArea() {
  document.addEventListener(LANGUAGE_EVENT, renderAccountArea);
  return renderAccountArea();
}
