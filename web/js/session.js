// The signed-in state in the browser: who is signed in (GET /api/v1/me), the CSRF token that
// state-changing requests send (X-CSRF-Token), sign-out, and the account area in the header.
//
// The session cookie is HttpOnly, so scripts cannot see it. To avoid asking the server on every
// page for people who never sign in (a 401 each time), a flag in localStorage
// ("hamyari.signed_in") remembers that this browser signed in; it is set at sign-in and cleared
// at sign-out or when the server says the session has ended. The account's role is kept beside
// it ("hamyari.role"), so that boot.js can show the navigation of that role from the first paint
// (<html class="signed-in" data-role="…">; app.css shows the matching links). Both only decide
// what the page shows: the server checks every request.
import { api, ApiError } from './api.js';

const FLAG = 'hamyari.signed_in';
const ROLE = 'hamyari.role';
const ROLES = ['volunteer', 'coordinator', 'editor', 'admin'];
let mePromise = null;

export function maybeSignedIn() {
  try { return localStorage.getItem(FLAG) === '1'; } catch { return false; }
}

function setFlag(on) {
  try {
    if (on) localStorage.setItem(FLAG, '1');
    else {
      localStorage.removeItem(FLAG);
      localStorage.removeItem(ROLE);
    }
  } catch { /* storage disabled: the header just does not show the account */ }
}

/** Marks <html> with the signed-in state and role (see boot.js), and remembers the role. */
function markRoot(me) {
  const root = document.documentElement;
  root.classList.toggle('signed-in', Boolean(me));
  const role = me && ROLES.includes(me.role) ? me.role : null;
  if (role) root.dataset.role = role;
  else delete root.dataset.role;
  try {
    if (role) localStorage.setItem(ROLE, role);
    else localStorage.removeItem(ROLE);
  } catch { /* not kept: the role's links show once /me has answered */ }
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
export async function send(path, { method = 'POST', body, headers: extra = {} } = {}) {
  const me = await getMe().catch(() => null);
  const headers = { ...extra };
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
  markRoot(null);
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

/**
 * Shows the signed-in account in the header: "Sign in" gives way to the account's name (a link
 * to /account) and a sign-out button, and the navigation of the account's role appears. The
 * elements are in every page (web/_shell/page.html); app.css shows them by <html>'s markers.
 */
export async function renderAccountArea() {
  let me;
  try { me = await getMe(); } catch { return; } // the server could not be reached: as it was
  markRoot(me);
  const name = document.getElementById('account-name');
  if (name) name.textContent = me ? me.name : '';
}

function wireSignOut() {
  const button = document.getElementById('sign-out');
  if (!button || button.dataset.wired) return;
  button.dataset.wired = '1';
  button.addEventListener('click', () => { button.disabled = true; signOut(); });
}

/** Called once by shell.js on every page. */
export function initAccountArea() {
  wireSignOut();
  return renderAccountArea();
}
