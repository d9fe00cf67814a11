// Runs before the page is painted (a classic script in <head>, no module, no imports).
// Sets <html lang dir> to the reader's language straight away so an English reader does not
// see the Persian page flash first. i18n.js makes the same choice (detectLanguage) and then
// fills in the text; until it has, the class "i18n-pending" hides the page (app.css), with a
// time limit so that the Persian text shows if the strings cannot be loaded.
(function () {
  var root = document.documentElement;
  var supported = { fa: 'rtl', en: 'ltr' };
  var lang = null;
  try { lang = window.localStorage.getItem('hamyari.lang'); } catch (e) { lang = null; }
  if (!supported[lang]) {
    lang = null;
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
})();
