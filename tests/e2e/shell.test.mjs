// The shell's behaviour: language detection and switch (persisting across pages), Persian digits
// and Solar Hijri dates, translated API errors, keyboard access with a visible focus, 200% zoom.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, WEB } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, faults } from './lib/browser.mjs';
import { listPages, LANGS, asset } from './lib/pages.mjs';

const fa = JSON.parse(readFileSync(join(WEB, 'locales', 'fa.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(WEB, 'locales', 'en.json'), 'utf8'));
let server, browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, `hamyari did not exit 0 on SIGTERM:\n${server.stderr}`);
});

async function open(path, { lang = 'fa', locale, viewport } = {}) {
  const context = await newContext(browser, { lang, ...(locale ? { locale } : {}), ...(viewport ? { viewport } : {}) });
  const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
  await page.goto(server.url + path);
  await waitForShell(page);
  return { context, page, problems };
}

const state = (page) => page.evaluate(() => ({
  lang: document.documentElement.lang,
  dir: document.documentElement.dir,
  h1: document.querySelector('h1').textContent,
  stored: localStorage.getItem('hamyari.lang'),
}));

test('the language comes from the browser: fa-IR → Persian, en-GB → English, de-DE → Persian', async () => {
  for (const [locale, lang] of [['fa-IR', 'fa'], ['en-GB', 'en'], ['de-DE', 'fa']]) {
    const { context, page } = await open('/', { locale });
    const s = await state(page);
    assert.equal(s.lang, lang, locale);
    assert.equal(s.dir, lang === 'fa' ? 'rtl' : 'ltr');
    assert.equal(s.h1, (lang === 'fa' ? fa : en)['home.h1']);
    await context.close();
  }
});

test('the language switch works on every page and the choice persists', async () => {
  const { context, page, problems } = await open('/', { lang: 'fa' });
  // With the pages the server renders below those of the manifest that need no data (the claim
  // form; one news item or fact check: tests/e2e/news.test.mjs).
  const paths = [...listPages().filter((x) => x.status === 200).map((x) => x.path), '/factchecks/submit'];
  for (const p of paths.map((path) => ({ path }))) {
    await page.goto(server.url + p.path);
    await waitForShell(page, { idle: false });
    const before = await state(page);
    const other = before.lang === 'fa' ? 'en' : 'fa';
    const button = page.locator('#lang-switch');
    assert.equal(await button.getAttribute('data-lang'), other, `${p.path}: switch offers ${other}`);
    await button.click();
    // Pages whose text comes from the server (decision trees, news, fact checks: [data-page-lang])
    // are asked for again in the new language; wait for that page, not only for the shell's switch.
    await page.waitForFunction((l) => document.documentElement.lang === l
      && document.documentElement.hasAttribute('data-i18n-ready')
      && [...document.querySelectorAll('[data-page-lang]')].every((b) => b.dataset.pageLang === l), other);
    const after = await state(page);
    assert.equal(after.dir, other === 'fa' ? 'rtl' : 'ltr');
    assert.equal(after.stored, other);
    assert.notEqual(after.h1, before.h1, `${p.path}: heading changed language`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'lang-switch', `${p.path}: focus stays on the switch`);
  }
  // Persisted: follow a link, reload, and come back in a new tab of the same browser profile.
  const current = (await state(page)).lang;
  await page.click('.site-nav a[href="/privacy"], .site-footer a[href="/privacy"]');
  await waitForShell(page, { idle: false });
  assert.equal((await state(page)).lang, current);
  await page.reload();
  await waitForShell(page, { idle: false });
  assert.equal((await state(page)).lang, current);
  const page2 = await context.newPage();
  await page2.goto(`${server.url}/library`);
  await waitForShell(page2, { idle: false });
  assert.equal((await state(page2)).lang, current);
  assert.deepEqual(faults(problems), []);
  await context.close();
});

test('Persian digits and Solar Hijri dates; English Gregorian dates', async () => {
  const { context, page } = await open('/privacy', { lang: 'fa' });
  // The page's own module (its hashed address), so that its loaded strings are used.
  const i18n = asset('/js/i18n.js');
  const faResult = await page.evaluate(async (url) => {
    const i = await import(url);
    return {
      numeric: i.formatDate('2020-03-20', { style: 'numeric' }),
      long: i.formatDate('2020-03-20'),
      dateObject: i.formatDate(new Date(2020, 2, 20), { style: 'numeric' }),
      number: i.formatNumber(1234567),
      digits: i.localizeDigits('0912 345 6789'),
      vars: i.t('map.cluster', { count: 12 }),
      shown: document.querySelector('time[data-date]').textContent,
    };
  }, i18n);
  assert.equal(faResult.numeric, '۱۳۹۹/۰۱/۰۱');
  assert.equal(faResult.long, '۱ فروردین ۱۳۹۹');
  assert.equal(faResult.dateObject, '۱۳۹۹/۰۱/۰۱');
  assert.equal(faResult.number, '۱٬۲۳۴٬۵۶۷');
  assert.equal(faResult.digits, '۰۹۱۲ ۳۴۵ ۶۷۸۹');
  assert.equal(faResult.vars, '۱۲ مکان');
  assert.equal(faResult.shown, '۶ آذر ۱۴۰۴'); // privacy page: 2025-11-27
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  const enResult = await page.evaluate(async (url) => {
    const i = await import(url);
    return {
      numeric: i.formatDate('2020-03-20', { style: 'numeric' }),
      long: i.formatDate('2020-03-20'),
      number: i.formatNumber(1234567),
      shown: document.querySelector('time[data-date]').textContent,
    };
  }, i18n);
  assert.deepEqual(enResult, { numeric: '2020-03-20', long: '20 March 2020', number: '1,234,567', shown: '27 November 2025' });
  await context.close();
});

test('API errors are thrown with the reader\'s sentence for the code', async () => {
  for (const lang of LANGS) {
    const { context, page } = await open('/', { lang });
    const r = await page.evaluate(async ([apiUrl, i18nUrl]) => {
      const { getJSON } = await import(apiUrl);
      const { translateError } = await import(i18nUrl);
      try {
        await getJSON('/api/v1/this-does-not-exist');
        return null;
      } catch (e) {
        return { name: e.name, code: e.code, status: e.status, message: e.message, unknown: translateError('no_such_code') };
      }
    }, [asset('/js/api.js'), asset('/js/i18n.js')]);
    const strings = lang === 'fa' ? fa : en;
    assert.ok(r, 'an error was thrown');
    assert.equal(r.name, 'ApiError');
    assert.equal(r.code, 'not_found');
    assert.equal(r.status, 404);
    assert.equal(r.message, strings['error.not_found']);
    assert.equal(r.unknown, strings['error.unknown']);
    await context.close();
  }
});

const focusInfo = () => {
  const el = document.activeElement;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName,
    cls: el.className,
    href: el.getAttribute('href'),
    id: el.id,
    visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
    ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2)
      || cs.boxShadow !== 'none'
      || cs.backgroundColor === 'rgb(255, 221, 0)',
  };
};

test('keyboard only: the skip link comes first, every nav link is reached with a visible focus', async () => {
  for (const lang of LANGS) {
    const { context, page } = await open('/', { lang });
    await page.keyboard.press('Tab');
    const first = await page.evaluate(focusInfo);
    assert.match(first.cls, /skip-link/, 'first Tab lands on the skip link');
    assert.ok(first.visible && first.ring, 'the skip link is visible with a focus style when focused');
    // The links shown at this width (the rest are in the closed menu).
    const navHrefs = await page.$$eval('.site-nav a', (as) => as.filter((a) => a.checkVisibility()).map((a) => a.getAttribute('href')));
    assert.ok(navHrefs.length >= 5, `visible nav links: ${navHrefs}`);
    const seen = new Set();
    for (let i = 0; i < 20 && seen.size < navHrefs.length; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(focusInfo);
      assert.ok(f.ring, `focused ${f.tag} ${f.href || f.id} has a visible focus style`);
      if (f.href && navHrefs.includes(f.href) && f.cls === '') seen.add(f.href);
    }
    assert.deepEqual([...seen].sort(), [...navHrefs].sort(), 'Tab reaches every nav link');
    // The skip link moves focus to the main content.
    await page.keyboard.press('Shift+Tab');
    await page.focus('.skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    // The language switch works from the keyboard.
    await page.focus('#lang-switch');
    await page.keyboard.press('Enter');
    await page.waitForFunction((l) => document.documentElement.lang !== l, lang);
    await context.close();
  }
});

test('readable at 200% zoom: no sideways scrolling at 640 px (1280 px at 200%)', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 640, height: 450 } });
  const page = await context.newPage();
  for (const lang of LANGS) {
    await page.goto(`${server.url}/`);
    await waitForShell(page, { idle: false });
    await page.evaluate((l) => localStorage.setItem('hamyari.lang', l), lang);
    for (const p of listPages()) {
      await page.goto(server.url + p.path);
      await waitForShell(page, { idle: false });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(overflow <= 0, `${p.path} (${lang}) scrolls sideways by ${overflow} px at 640 px`);
    }
  }
  await context.close();
});
