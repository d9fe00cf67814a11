// Languages, interface strings, numbers and dates.
//
// Strings live in /locales/<lang>.json (flat "section.name" keys, identical key sets; a test
// checks this), loaded under their content-hashed names (see boot.js). HTML marks translatable text with attributes, and applyTranslations() fills them:
//   data-i18n="key"                       element's text
//   data-i18n-attr="aria-label:key;title:key2"   attributes
//   <time datetime="2020-03-20" data-date="long|numeric">   date in the reader's calendar
//   data-number="1234"                    number in the reader's digits
// Persian pages use Persian digits and Solar Hijri dates (jalaali-js); English pages use
// Western digits and Gregorian dates.

// The Solar Hijri calendar is loaded with the Persian strings (English pages do not need it).
const JALAALI = '/vendor/jalaali-js/jalaali.js';
let toJalaali = null;
async function loadCalendar(lang) {
  if (lang === 'fa' && !toJalaali) ({ toJalaali } = await import(JALAALI));
}

export const LANGUAGES = Object.freeze({
  fa: Object.freeze({ dir: 'rtl', locale: 'fa-IR', name: 'فارسی' }),
  en: Object.freeze({ dir: 'ltr', locale: 'en-GB', name: 'English' }),
});
export const DEFAULT_LANGUAGE = 'fa';
export const STORAGE_KEY = 'hamyari.lang';
export const LANGUAGE_EVENT = 'hamyari:languagechange';

let current = null;
let strings = {};
const cache = new Map();
let resolveReady;
/** Resolves with the language once the first translation pass is done. */
export const ready = new Promise((r) => { resolveReady = r; });

function storedLanguage() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return Object.hasOwn(LANGUAGES, v) ? v : null;
  } catch {
    return null;
  }
}

/** The language named in the address (?lang=fa|en), or null. */
export function urlLanguage() {
  const v = new URLSearchParams(location.search).get('lang');
  return Object.hasOwn(LANGUAGES, v) ? v : null;
}

/**
 * ?lang= in the address (boot.js has remembered it), else the stored choice, else the browser's
 * preferred languages, else Persian. The same order as boot.js.
 */
export function detectLanguage() {
  const chosen = urlLanguage() || storedLanguage();
  if (chosen) return chosen;
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language || ''];
  for (const p of prefs) {
    const base = String(p).toLowerCase().split('-')[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

export function getLanguage() {
  return current || document.documentElement.lang || DEFAULT_LANGUAGE;
}

export function getDirection(lang = getLanguage()) {
  return LANGUAGES[lang]?.dir || 'rtl';
}

/** The strings' address: the build's content-hashed name, which boot.js's tag carries. */
function stringsUrl(lang) {
  const boot = document.querySelector(`script[data-locale-${lang}]`);
  return boot?.getAttribute(`data-locale-${lang}`) || `/locales/${lang}.json`;
}

async function loadStrings(lang) {
  if (!cache.has(lang)) {
    const url = stringsUrl(lang);
    // A plain GET, so that it uses the copy boot.js asked for (<link rel="preload" as="fetch">).
    const p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`i18n: ${url} answered ${r.status}`);
      return r.json();
    });
    cache.set(lang, p);
    p.catch(() => cache.delete(lang));
  }
  return cache.get(lang);
}

/**
 * Translate a key. {name} placeholders are replaced from vars; numbers are written in the
 * reader's digits. A missing key is returned as itself (and reported once as a warning).
 */
const warned = new Set();
export function t(key, vars) {
  let s = strings[key];
  if (typeof s !== 'string') {
    if (!warned.has(key)) { warned.add(key); console.warn(`i18n: missing key "${key}" for ${getLanguage()}`); }
    s = key;
  }
  if (vars) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => {
      if (!Object.hasOwn(vars, name)) return m;
      const v = vars[name];
      return typeof v === 'number' ? formatNumber(v) : String(v);
    });
  }
  return s;
}

export function hasKey(key) {
  return typeof strings[key] === 'string';
}

const numberFormats = new Map();
const GROUP_SEPARATOR = { fa: '\u066c', en: ',' }; // ٬ and ,
/**
 * Format a number in the reader's language: ۱۲٬۳۴۵ in Persian, 12,345 in English. Whole numbers
 * from 0 up, without options, are written here: the first Intl.NumberFormat of a page costs
 * the browser ~80 ms of loading locale data, which counts and totals should not wait for.
 */
export function formatNumber(n, options = {}, lang = getLanguage()) {
  if (Number.isSafeInteger(n) && n >= 0 && Object.keys(options).length === 0 && GROUP_SEPARATOR[lang]) {
    return localizeDigits(String(n).replace(/\B(?=(\d{3})+$)/g, GROUP_SEPARATOR[lang]), lang);
  }
  const id = lang + JSON.stringify(options);
  let f = numberFormats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(LANGUAGES[lang]?.locale || 'fa-IR', options);
    numberFormats.set(id, f);
  }
  return f.format(n);
}

/**
 * Read a number as a person types it, by the server's rule (src/util/numtext.h): Persian and
 * Arabic-Indic digits, «٫» or "." as the decimal point, «٬» grouping thousands, and a comma that
 * is the decimal point only when it is the lone separator of a decimal value («٣٥,٧٢»), else
 * groups thousands. NaN when the text is not one number. For previews and early checks only:
 * forms send the typed text and the server decides.
 */
export function readNumber(text, decimal = true) {
  let s = String(text).replace(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, '').trim()
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/٫/g, '.').replace(/٬/g, '_').replace(/،/g, ',').replace(/^\u2212/, '-');
  if (decimal && !/[._]/.test(s) && (s.match(/,/g) || []).length === 1) s = s.replace(',', '.');
  s = s.replace(/,/g, '_');
  if (!/^[+-]?(\d{1,3}(_\d{3})+|\d*)(\.\d*)?$/.test(s) || !/\d/.test(s)) return NaN;
  return Number(s.replace(/_/g, ''));
}

/** Replace Western digits in a string by the reader's digits (for codes, phone numbers…). */
export function localizeDigits(text, lang = getLanguage()) {
  if (lang !== 'fa') return String(text);
  return String(text).replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
}

function dateParts(value) {
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m) return { y: +m[1], m: +m[2], d: +m[3] };
    value = new Date(value);
  } else if (typeof value === 'number') {
    value = new Date(value);
  }
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError('i18n: invalid date');
  return { y: value.getFullYear(), m: value.getMonth() + 1, d: value.getDate() };
}

/**
 * Format a calendar date for the reader.
 *   value: Date, epoch ms, 'YYYY-MM-DD' (taken as that calendar day) or an ISO timestamp (local day).
 *   style: 'long'  → Persian "۱ فروردین ۱۳۹۹", English "20 March 2020"
 *          'numeric' → Persian "۱۳۹۹/۰۱/۰۱", English "2020-03-20"
 */
export function formatDate(value, { style = 'long' } = {}, lang = getLanguage()) {
  const { y, m, d } = dateParts(value);
  const pad = (n) => String(n).padStart(2, '0');
  if (lang === 'fa' && toJalaali) {
    const j = toJalaali(y, m, d);
    if (style === 'numeric') return localizeDigits(`${j.jy}/${pad(j.jm)}/${pad(j.jd)}`, 'fa');
    return `${localizeDigits(j.jd, 'fa')} ${t(`date.jalaali_month_${j.jm}`)} ${localizeDigits(j.jy, 'fa')}`;
  }
  if (lang === 'fa') { // the calendar module could not be loaded: the browser's own Solar Hijri
    const opts = style === 'numeric' ? { year: 'numeric', month: '2-digit', day: '2-digit' } : { day: 'numeric', month: 'long', year: 'numeric' };
    return new Intl.DateTimeFormat('fa-IR-u-ca-persian', { ...opts, timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
  }
  if (style === 'numeric') return `${y}-${pad(m)}-${pad(d)}`;
  return new Intl.DateTimeFormat(LANGUAGES[lang]?.locale || 'en-GB', {
    day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  }).format(Date.UTC(y, m - 1, d));
}

/** The reader's sentence for an API error code (see api.js); unknown codes get a general one. */
export function translateError(code) {
  const key = `error.${code}`;
  return hasKey(key) ? t(key) : t('error.unknown');
}

/** Fill data-i18n, data-i18n-attr, time[data-date] and [data-number] under root. */
export function applyTranslations(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
  for (const el of root.querySelectorAll('time[data-date]')) {
    const v = el.getAttribute('datetime');
    if (v) el.textContent = formatDate(v, { style: el.dataset.date || 'long' });
  }
  for (const el of root.querySelectorAll('[data-number]')) {
    el.textContent = formatNumber(Number(el.dataset.number));
  }
}

/**
 * Load a language's strings, set <html lang dir>, translate the page and announce the change
 * (event LANGUAGE_EVENT on document, detail {lang}) so components can re-render.
 */
export async function initI18n(lang = detectLanguage()) {
  if (!Object.hasOwn(LANGUAGES, lang)) lang = DEFAULT_LANGUAGE;
  const [loaded] = await Promise.all([loadStrings(lang), loadCalendar(lang)]);
  strings = loaded;
  current = lang;
  const root = document.documentElement;
  root.lang = lang;
  root.dir = LANGUAGES[lang].dir;
  applyTranslations(document);
  root.classList.remove('i18n-pending');
  root.dataset.i18nReady = lang;
  resolveReady(lang);
  document.dispatchEvent(new CustomEvent(LANGUAGE_EVENT, { detail: { lang } }));
  return lang;
}

/**
 * Switch language now and remember the choice in this browser only. An address that names a
 * language (?lang=) is changed to name the new one, so reloading or sharing it keeps the choice.
 */
export async function setLanguage(lang) {
  try { window.localStorage.setItem(STORAGE_KEY, lang); } catch { /* private mode: not kept */ }
  if (urlLanguage() && urlLanguage() !== lang) {
    const url = new URL(location.href);
    url.searchParams.set('lang', lang);
    history.replaceState(history.state, '', url);
  }
  return initI18n(lang);
}

/** A list of words in the reader's language: "a, b, c" in English, «الف، ب، پ» in Persian. */
export function formatList(items, lang = getLanguage()) {
  return items.filter((x) => x !== '' && x !== null && x !== undefined).join(lang === 'fa' ? '، ' : ', ');
}

/** A language's name in the reader's language: the browser's own (Intl.DisplayNames) when it
 *  has one, else ours (langname.CODE), else the code itself as a last resort. */
export function languageName(code, lang = getLanguage()) {
  try {
    const name = new Intl.DisplayNames([LANGUAGES[lang]?.locale || lang], { type: 'language', fallback: 'none' }).of(code);
    if (name && name !== code) return name;
  } catch { /* not a language tag the browser knows */ }
  return hasKey(`langname.${code}`) ? t(`langname.${code}`) : code;
}

/** The name of a code of a closed list (skill, status, role…): `${prefix}.${code}` when we have
 *  it, else the code as a last resort. */
export function codeName(prefix, code) {
  return hasKey(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code;
}

/** A moment (Unix seconds) as date and time of day in the reader's language and calendar:
 *  «۱۵ آذر ۱۴۰۵، ۱۴:۰۵», "6 December 2026, 14:05". */
export function formatDateTime(seconds, lang = getLanguage()) {
  const d = new Date(seconds * 1000);
  const hm = localizeDigits(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`, lang);
  return `${formatDate(d, { style: 'long' }, lang)}${lang === 'fa' ? '، ' : ', '}${hm}`;
}

/** How long ago a moment (Unix seconds) was, never "0 hours ago": "just now" under a minute,
 *  then minutes, hours and days, in the reader's digits. */
export function formatAgo(seconds, now = Date.now() / 1000) {
  const s = Math.max(0, now - seconds);
  if (s < 60) return t('time.just_now');
  if (s < 3600) return t('time.minutes_ago', { n: Math.floor(s / 60) });
  if (s < 86400) return t('time.hours_ago', { n: Math.floor(s / 3600) });
  return t('time.days_ago', { n: Math.floor(s / 86400) });
}
