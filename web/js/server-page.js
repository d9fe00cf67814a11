// Pages the server renders in the language of their address ([data-page-lang]: the decision
// trees, official news, fact checks) work without scripts. With scripts, the header's language
// switch changes the shell in place; the page's own text comes from the server, so the page is
// asked for again in the new language (a guide's walk starts again: its answers belong to the
// other language's page).
import { ready, getLanguage, LANGUAGE_EVENT } from './i18n.js';

await ready;
const box = document.querySelector('[data-page-lang]');

// After a switch the page comes back with the focus where the reader left it: on the switch.
const REFOCUS = 'hamyari-page-refocus';
if (sessionStorage.getItem(REFOCUS)) {
  sessionStorage.removeItem(REFOCUS);
  document.getElementById('lang-switch')?.focus();
}

function follow(ev) {
  const lang = getLanguage();
  if (!box || box.dataset.pageLang === lang) return;
  if (ev && document.activeElement?.id === 'lang-switch') sessionStorage.setItem(REFOCUS, '1');
  // The page in the other language, as the server named it (a form post's answer has an
  // address that cannot be asked for again).
  if (box.dataset.pageSwitch) {
    location.replace(box.dataset.pageSwitch);
    return;
  }
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  location.replace(url.pathname + url.search);
}

follow();
document.addEventListener(LANGUAGE_EVENT, follow);
