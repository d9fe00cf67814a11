// Shared by the pages of signed-in staff (users, audit log, groups to approve): the gate that
// shows a page's view only to the roles it is for, error display, and small DOM helpers. The
// server decides what each account may do; the gate only spares people a page of errors.
//
// A page that uses gate('users', ['admin'], 'staff.admins_only') has these elements (see
// web/_pages/admin/users.html): #users-gate (where the gate says "sign in" or "not for you"),
// #users-error, #users-view (hidden until the gate opens).
import { t, formatDate, getLanguage, LANGUAGES } from './i18n.js';
import { getMe } from './session.js';

export const $ = (id) => document.getElementById(id);

/** An element with text (never HTML) and an optional class. */
export function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

export function showError(prefix, e) {
  const box = $(`${prefix}-error`);
  box.textContent = e?.message || String(e);
  box.hidden = false;
  box.focus();
}

export function clearError(prefix) {
  $(`${prefix}-error`).hidden = true;
}

/** Text that follows the language switch (applyTranslations fills data-i18n). */
function say(tag, key, cls) {
  const e = el(tag, t(key), cls);
  e.dataset.i18n = key;
  return e;
}

/**
 * Shows the page's view to the given roles and returns the account; otherwise says why in
 * #P-gate (signed out: a sign-in link that comes back here; another role: forbiddenKey) and
 * returns null.
 */
export async function gate(prefix, roles, forbiddenKey) {
  let me;
  try {
    me = await getMe({ refresh: true });
  } catch (e) {
    showError(prefix, e);
    return null;
  }
  if (me && roles.includes(me.role)) {
    $(`${prefix}-view`).hidden = false;
    return me;
  }
  let box;
  if (!me) {
    box = el('div', null, 'notice');
    const link = say('a', 'account.signin_link');
    link.href = `/signin?next=${encodeURIComponent(location.pathname)}`;
    const p = el('p');
    p.append(link);
    box.append(say('p', 'account.signed_out'), p);
    box.id = `${prefix}-anon`;
  } else {
    box = say('p', forbiddenKey, 'notice notice-warning');
    box.id = `${prefix}-forbidden`;
  }
  $(`${prefix}-gate`).replaceChildren(box);
  return null;
}

/** A moment (seconds since 1970) as the reader's date and time of day, e.g. "۶ آذر ۱۴۰۴، ۱۴:۰۵". */
export function formatDateTime(seconds) {
  const d = new Date(seconds * 1000);
  const lang = getLanguage();
  const time = new Intl.DateTimeFormat(LANGUAGES[lang].locale, { hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
  return t('staff.date_time', { date: formatDate(d), time });
}

/** A <time> element for a moment (seconds since 1970). */
export function timeElement(seconds) {
  const e = el('time', formatDateTime(seconds));
  e.dateTime = new Date(seconds * 1000).toISOString();
  return e;
}

/** Pager buttons (#P-prev, #P-next, #P-page, #P-pager) for page n of pages. */
export function renderPager(prefix, page, pages) {
  $(`${prefix}-page`).textContent = t('staff.page', { page, pages });
  $(`${prefix}-prev`).disabled = page <= 1;
  $(`${prefix}-next`).disabled = page >= pages;
  $(`${prefix}-pager`).hidden = pages <= 1;
}
