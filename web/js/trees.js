// The decision-tree pages (/trees, /trees/{id}) are rendered by the server in the language of
// their address, and work without scripts. With scripts, the header's language switch changes
// the shell in place; the guide's text comes from the server, so the page is asked for again in
// the new language (a walk starts again: its answers belong to the other language's page).
import { ready, getLanguage, LANGUAGE_EVENT } from './i18n.js';

await ready;
const box = document.querySelector('[data-tree-lang]');

// After a switch the page comes back with the focus where the reader left it: on the switch.
const REFOCUS = 'hamyari-trees-refocus';
if (sessionStorage.getItem(REFOCUS)) {
  sessionStorage.removeItem(REFOCUS);
  document.getElementById('lang-switch')?.focus();
}

function follow(ev) {
  const lang = getLanguage();
  if (!box || box.dataset.treeLang === lang) return;
  if (ev && document.activeElement?.id === 'lang-switch') sessionStorage.setItem(REFOCUS, '1');
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  location.replace(url.pathname + url.search);
}

follow();
document.addEventListener(LANGUAGE_EVENT, follow);
