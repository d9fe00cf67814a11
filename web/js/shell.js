// The page shell, loaded by every page: translates the page, runs the language switch, lets the
// menus close with Escape or a click elsewhere, and shows the signed-in account (session.js).
// The header, navigation and footer themselves are plain HTML, assembled into every page by the
// build from web/_shell/ (the current section is marked there too), so they work without
// JavaScript; the menu is a <details> disclosure.

import { initI18n, setLanguage, getLanguage, t, LANGUAGES, LANGUAGE_EVENT } from './i18n.js';
import { initAccountArea } from './session.js';

function otherLanguage() {
  return Object.keys(LANGUAGES).find((l) => l !== getLanguage());
}

/** The address of this page in another language (?lang=, other parameters kept). */
export function languageHref(lang) {
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}${url.hash}`;
}

function renderLanguageSwitch() {
  const other = otherLanguage();
  for (const link of document.querySelectorAll('.lang-switch')) {
    link.querySelector('.visually-hidden').textContent = t('lang.switch_prefix');
    const name = link.querySelector('.lang-switch-name');
    name.textContent = LANGUAGES[other].name;
    name.lang = other;
    link.hreflang = other;
    link.href = languageHref(other);
    link.dataset.lang = other;
  }
}

// The switch is a link (?lang=…) that works as such; with scripts it changes the page in place.
document.addEventListener('click', async (e) => {
  const link = e.target.closest?.('.lang-switch');
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  if (link.getAttribute('aria-disabled') === 'true') return;
  link.setAttribute('aria-disabled', 'true');
  try {
    await setLanguage(link.dataset.lang || otherLanguage());
  } finally {
    link.removeAttribute('aria-disabled');
    link.focus();
  }
});

// Menus (<details>): Escape closes the one that holds the focus and returns to its button; a click
// outside an open menu closes it.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  const menu = document.activeElement?.closest?.('details[open].nav-menu');
  if (!menu) return;
  menu.open = false;
  menu.querySelector('summary').focus();
});
document.addEventListener('click', (e) => {
  for (const menu of document.querySelectorAll('details[open].nav-menu')) {
    if (!menu.contains(e.target)) menu.open = false;
  }
});

document.addEventListener(LANGUAGE_EVENT, renderLanguageSwitch);

try {
  await initI18n();
} catch (e) {
  // Strings could not be loaded: keep the Persian text that is in the HTML.
  document.documentElement.classList.remove('i18n-pending');
  console.warn(String(e));
}
renderLanguageSwitch();
initAccountArea();
// The question box at the foot of every page is a plain form (answers on /faq/answers); the script
// that answers in the box is fetched when someone first uses it, not with every page.
const chatForm = document.getElementById('faq-chat-form');
if (chatForm) {
  let loading = null;
  const load = () => (loading ||= import('./faq-chat.js').then((m) => {
    m.initFaqChat();
    chatForm.dataset.chatReady = '1';
  }));
  chatForm.addEventListener('focusin', () => { load().catch(() => {}); }, { once: true });
  chatForm.addEventListener('submit', (ev) => {
    if (chatForm.dataset.chatReady) return; // faq-chat.js answers it
    ev.preventDefault();
    load().then(() => chatForm.requestSubmit(), () => chatForm.submit());
  });
}
