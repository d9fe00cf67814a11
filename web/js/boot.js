// Runs before the page is painted (a classic script in <head>, no module, no imports):
//  - marks <html> with the class "js" (CSS shows what needs JavaScript, hides what does not);
//  - picks the language: ?lang=fa|en in the address (remembered, so a shared link opens in its
//    language), else the reader's earlier choice, else the browser's languages, else the page's
//    (Persian); sets <html lang dir> straight away so an English reader does not see the Persian
//    page flash first. i18n.js makes the same choice and then fills in the text; until it has,
//    the class "i18n-pending" hides the page (app.css), with a time limit so that the Persian
//    text shows if the strings cannot be loaded;
//  - starts loading that language's strings (and, for Persian, the Persian font and the Solar
//    Hijri calendar) at once;
//  - makes the hreflang alternates absolute addresses of this page in each language;
//  - marks <html> with "signed-in" and data-role when this browser signed in, so the header shows
//    the account and the navigation of the person's role from the first paint (session.js keeps
//    both in step with the server).
// The addresses of the strings and the font come from this script's data- attributes, which the
// build fills with the content-hashed names.
(function () {
  var root = document.documentElement;
  var me = document.currentScript;
  var supported = { fa: 'rtl', en: 'ltr' };
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var get = function (k) { try { return store ? store.getItem(k) : null; } catch (e) { return null; } };
  root.classList.add('js');

  var lang = null;
  var m = /[?&]lang=([^&#]*)/.exec(location.search);
  if (m && supported[m[1]]) {
    lang = m[1];
    try { if (store) store.setItem('hamyari.lang', lang); } catch (e) { /* not kept */ }
  }
  if (!lang && supported[get('hamyari.lang')]) lang = get('hamyari.lang');
  if (!lang) {
    var prefs = navigator.languages || [navigator.language || ''];
    for (var i = 0; i < prefs.length && !lang; i++) {
      var base = String(prefs[i]).toLowerCase().split('-')[0];
      if (supported[base]) lang = base;
    }
  }
  if (!lang) lang = root.getAttribute('lang') || 'fa';
  if (lang !== root.getAttribute('lang')) {
    root.setAttribute('lang', lang);
    root.setAttribute('dir', supported[lang]);
    root.classList.add('i18n-pending');
    window.setTimeout(function () { root.classList.remove('i18n-pending'); }, 4000);
  }

  function preload(href, as, type) {
    if (!href) return;
    var link = document.createElement('link');
    link.rel = as === 'script' ? 'modulepreload' : 'preload';
    if (as !== 'script') {
      link.as = as;
      link.crossOrigin = 'anonymous';
    }
    link.href = href;
    if (type) link.type = type;
    document.head.appendChild(link);
  }
  if (me) {
    preload(me.getAttribute('data-locale-' + lang), 'fetch');
    if (lang === 'fa') {
      preload(me.getAttribute('data-font-fa'), 'font', 'font/woff2');
      preload(me.getAttribute('data-calendar-fa'), 'script');
    }
  }

  var alternates = document.querySelectorAll('link[rel="alternate"][hreflang]');
  for (var j = 0; j < alternates.length; j++) {
    var url = new URL(location.href);
    var hl = alternates[j].getAttribute('hreflang');
    url.hash = '';
    if (supported[hl]) url.searchParams.set('lang', hl);
    else url.searchParams.delete('lang');
    alternates[j].setAttribute('href', url.href);
  }

  if (get('hamyari.signed_in') === '1') {
    root.classList.add('signed-in');
    var role = get('hamyari.role');
    if (/^(volunteer|coordinator|editor|admin)$/.test(role || '')) root.setAttribute('data-role', role);
  }
})();
