// The page shell, loaded by every page: translates the page, marks the current section in the
// navigation and adds the language switch (and, when signed in, the account's name and a
// sign-out button: session.js) to the header. The header, navigation and footer
// themselves are plain HTML in each page, so they work without JavaScript.

import { initI18n, setLanguage, getLanguage, t, LANGUAGES, LANGUAGE_EVENT } from './i18n.js';
import { initAccountArea } from './session.js';

function normalisePath(p) {
  return p.replace(/\.html$/, '').replace(/\/index$/, '/').replace(/(.)\/$/, '$1') || '/';
}

export function markCurrentSection(doc = document) {
  const here = normalisePath(location.pathname);
  for (const a of doc.querySelectorAll('.site-nav a[href], .site-footer a[href]')) {
    const target = normalisePath(new URL(a.getAttribute('href'), location.href).pathname);
    if (target === here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function otherLanguage() {
  return Object.keys(LANGUAGES).find((l) => l !== getLanguage());
}

function renderLanguageSwitch() {
  const slot = document.getElementById('lang-slot');
  if (!slot) return;
  let button = slot.querySelector('button');
  if (!button) {
    button = document.createElement('button');
    button.type = 'button';
    button.className = 'lang-switch';
    button.id = 'lang-switch';
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    const name = document.createElement('span');
    name.className = 'lang-switch-name';
    button.append(hidden, ' ', name);
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await setLanguage(otherLanguage());
      } finally {
        button.disabled = false;
        button.focus();
      }
    });
    slot.append(button);
  }
  const other = otherLanguage();
  button.querySelector('.visually-hidden').textContent = t('lang.switch_prefix');
  const name = button.querySelector('.lang-switch-name');
  name.textContent = LANGUAGES[other].name;
  name.lang = other;
  button.dataset.lang = other;
}

document.addEventListener(LANGUAGE_EVENT, renderLanguageSwitch);

try {
  await initI18n();
} catch (e) {
  // Strings could not be loaded: keep the Persian text that is in the HTML.
  document.documentElement.classList.remove('i18n-pending');
  console.warn(String(e));
}
markCurrentSection();
renderLanguageSwitch();
initAccountArea();
