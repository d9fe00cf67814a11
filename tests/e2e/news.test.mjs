// news.test.mjs — official news and fact checks in a browser without JavaScript, as a new
// visitor meets them: from the home page to the news list, a filter, an item and its alert; to
// the fact checks, one with its ClaimReview JSON-LD, and a claim sent by a plain form post that
// is pointed to the existing check. At 360 px and on a desktop, in Persian (right to left) and
// English; axe-clean, nothing wider than the screen, with screenshots.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, serverBinary } from './lib/server.mjs';
import { launchBrowser, newContext, OUTPUT } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

let server, browser;
const PASSWORD = 'correct horse battery staple';
const shots = join(OUTPUT, 'screenshots');

before(async () => {
  server = await startServer({ args: ['--demo'] });
  execFileSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', 'editor@example.org', '--role', 'editor', '--name', 'Ella Editor', '--password-stdin'],
    { input: `${PASSWORD}\n` });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const SIZES = [['360', { width: 360, height: 800 }], ['desktop', { width: 1280, height: 900 }]];

/** A page without JavaScript (what a reader without it gets) and one with it in the same size
 *  (for the overflow check, axe and the screenshots, which need scripts in the page). */
async function pages(lang, viewport) {
  const ctx = await newContext(browser, { lang, viewport, javaScriptEnabled: false });
  const jsCtx = await newContext(browser, { lang, viewport });
  return { ctx, jsCtx, page: await ctx.newPage(), js: await jsCtx.newPage() };
}

/** The address the no-JavaScript page shows, checked and photographed in the scripted page:
 *  nothing wider than the screen, no serious axe finding (at 360 px, where it is tightest). */
async function check(js, url, what, shot) {
  await js.goto(url);
  const wide = await js.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 1, `${what}: ${wide}px wider than the screen`);
  if (what.endsWith(' 360')) {
    const { blocking } = await runAxe(js);
    assert.deepEqual(blocking.map((x) => x.id), [], `${what}: ${describeViolations(blocking)}`);
  }
  await js.screenshot({ path: join(shots, `${shot}.png`), fullPage: true });
}

describe('official news without JavaScript', () => {
  for (const [size, viewport] of SIZES)
    for (const lang of ['fa', 'en'])
      it(`home → news → filter → item with its alert [${lang}, ${size}]`, { timeout: 180000 }, async () => {
        const { ctx, jsCtx, page: p, js } = await pages(lang, viewport);
        try {
          await p.goto(server.url + '/');
          await p.locator('a.entry[href="/news"]').click();
          await p.waitForURL(/\/news$/);
          // The header's language switch is a plain link to the page in the other language.
          if (lang === 'en') {
            await p.locator('#lang-switch').click();
            await p.waitForURL(/\/news\?lang=en$/);
          }
          const ui = lang === 'en' ? 'en' : 'fa';
          assert.equal(await p.getAttribute('html', 'lang'), ui);
          assert.equal(await p.getAttribute('html', 'dir'), ui === 'fa' ? 'rtl' : 'ltr');
          // The site's whole shell: the section marked in the navigation, the FAQ box at the foot.
          assert.equal(await p.locator('.site-nav a[href="/news"][aria-current="page"]').count(), 1, 'marked in the menu of sections');
          assert.equal(await p.locator('.site-footer form input[name="q"]').count(), 1);
          assert.equal(await p.locator('#lang-switch').getAttribute('hreflang'), ui === 'fa' ? 'en' : 'fa');
          const total = Number(await p.locator('#main .news-total').textContent());
          assert.equal(total, 8, 'four demo items in each language');
          await check(js, p.url(), `news list ${lang} ${size}`, `news-list-${lang}-${size}`);
          // Filter by the alert category, then narrow to items in the page's language.
          await p.locator('#main .news-facets a[href*="category=alert"]').click();
          assert.equal(Number(await p.locator('#main .news-total').textContent()), 2);
          await p.locator(`#main .news-item[lang="${ui}"] h3 a`).click();
          assert.match(await p.locator('#main .news-alert').textContent(), ui === 'fa' ? /شدید/ : /Severe/, 'CAP\'s severity in words of the page\'s language');
          assert.equal(await p.getAttribute('html', 'lang'), ui, 'the item page keeps the reader\'s language');
          assert.equal(await p.locator('.site-nav a[href="/news"][aria-current="true"]').count(), 1, 'an item: its section is marked');
          const cap = await p.locator('a[href$=".cap"]').getAttribute('href');
          const r = await fetch(server.url + cap);
          assert.equal(r.status, 200);
          assert.match(await r.text(), /<severity>Severe<\/severity>/);
          await check(js, p.url(), `news item ${lang} ${size}`, `news-item-${lang}-${size}`);
        } finally {
          await ctx.close();
          await jsCtx.close();
        }
      });
});

describe('fact checks without JavaScript', () => {
  for (const [size, viewport] of SIZES)
    for (const lang of ['fa', 'en'])
      it(`home → fact checks → one check (ClaimReview) → a claim sent twice is pointed out [${lang}, ${size}]`, { timeout: 180000 }, async () => {
        const { ctx, jsCtx, page: p, js } = await pages(lang, viewport);
        const q = lang === 'en' ? '?lang=en' : '';
        try {
          await p.goto(server.url + '/');
          await p.locator('a.entry[href="/factchecks"]').click();
          await p.goto(server.url + '/factchecks' + q);
          assert.equal(await p.getAttribute('html', 'lang'), lang);
          assert.equal(await p.locator('.site-nav a[href="/factchecks"][aria-current="page"]').count(), 1);
          assert.equal(Number(await p.locator('#main .news-total').textContent()), 4);
          await p.locator('#main .news-facets a[href*="rating=false"]').click();
          assert.equal(Number(await p.locator('#main .news-total').textContent()), 2);
          await check(js, p.url(), `fact checks ${lang} ${size}`, `factchecks-list-${lang}-${size}`);
          await p.locator(`#main .news-item[lang="${lang}"] h3 a`).click();
          const ld = JSON.parse(await p.locator('script[type="application/ld+json"]').textContent());
          assert.equal(ld['@type'], 'ClaimReview');
          assert.equal(ld.reviewRating.alternateName, 'False');
          await check(js, p.url(), `fact check ${lang} ${size}`, `factcheck-${lang}-${size}`);
          await p.goto(server.url + '/factchecks/submit' + q);
          const claim = lang === 'en' ? 'Eating garlic cures the flu!' : 'خوردن سير آنفولانزا را درمان ميكند';
          await p.locator('#fc-claim').fill(claim);
          await p.locator('form.fc-submit button[type="submit"]').click();
          await p.waitForLoadState();
          assert.equal(await p.getAttribute('html', 'lang'), lang, 'the answer is in the form\'s language');
          assert.ok(await p.locator('#main a[href^="/factchecks/"]').first().isVisible(), 'the existing check is linked');
        } finally {
          await ctx.close();
          await jsCtx.close();
        }
      });
});

describe('the language switch with scripts', () => {
  it('on a news item, a fact check and the claim form: the page comes back in the other language, the focus on the switch', { timeout: 180000 }, async () => {
    const feed = await (await fetch(`${server.url}/news.json`)).json();
    const item = new URL(feed.items[0].url, server.url).pathname;
    const atom = await (await fetch(`${server.url}/factchecks.atom`)).text();
    const check = new URL(atom.match(/<entry[^]*?<link[^>]*href="([^"]+)"/)[1], server.url).pathname;
    const ctx = await newContext(browser, { lang: 'fa', viewport: { width: 360, height: 800 } });
    try {
      const p = await ctx.newPage();
      for (const path of [item, check, '/factchecks/submit']) {
        for (const [from, to] of [['fa', 'en'], ['en', 'fa']]) {
          await p.goto(`${server.url}${path}?lang=${from}`);
          await p.waitForSelector(`html[data-i18n-ready] [data-page-lang="${from}"]`);
          await p.locator('#lang-switch').focus();
          await p.keyboard.press('Enter');
          await p.waitForSelector(`html[lang="${to}"][data-i18n-ready] [data-page-lang="${to}"]`);
          assert.equal(new URL(p.url()).pathname, path, `${path}: the same page`);
          assert.equal(await p.evaluate(() => document.activeElement?.id), 'lang-switch', `${path}: focus stays on the switch`);
          assert.equal(await p.locator('.site-footer input[name="q"]').count(), 1);
        }
      }
      // An address of the previous release still works: sent on to today's.
      await p.goto(`${server.url}/news?ui=en`);
      assert.equal(new URL(p.url()).search, '?lang=en');
      assert.equal(await p.getAttribute('html', 'lang'), 'en');
    } finally {
      await ctx.close();
    }
  });
});

describe('editors write news on the editor page', () => {
  it('choosing "Official news" offers its fields; a saved draft is previewed, not public', { timeout: 180000 }, async () => {
    const ctx = await newContext(browser, { lang: 'en', viewport: { width: 360, height: 800 } });
    try {
      const r = await ctx.request.post(`${server.url}/api/v1/auth/login`, { data: { login: 'editor@example.org', password: PASSWORD } });
      assert.equal(r.status(), 200, await r.text());
      await ctx.addInitScript(() => localStorage.setItem('hamyari.signed_in', '1'));
      const p = await ctx.newPage();
      await p.goto(server.url + '/editor');
      await p.waitForSelector('#editor-view:not([hidden])');
      assert.equal(await p.locator('#ed-kind-field').isHidden(), true, 'other types have no news fields');
      await p.selectOption('#ed-type', 'news');
      assert.equal(await p.locator('#ed-kind-field').isVisible(), true);
      assert.equal(JSON.parse(await p.inputValue('#ed-kind')).category, 'information', 'a template to fill in');
      await p.fill('#ed-title', 'Shelter opening hours');
      await p.fill('#ed-kind', 'not json');
      await p.click('#editor-save');
      assert.equal(await p.getAttribute('#ed-kind', 'aria-invalid'), 'true');
      await p.fill('#ed-kind', JSON.stringify({ institution: 'red-crescent', category: 'guidance' }));
      await p.click('#editor-save');
      await p.waitForURL(/\/editor\?id=[0-9a-f]{32}$/);
      const id = new URL(p.url()).searchParams.get('id');
      await p.screenshot({ path: join(shots, 'news-editor-en-360.png'), fullPage: true });
      await p.goto(`${server.url}/news/${id}?lang=en`);
      assert.match(await p.locator('main').textContent(), /Preview: this is not published yet/);
      assert.equal((await fetch(`${server.url}/news/${id}`)).status, 404, 'the public does not see a draft');
    } finally {
      await ctx.close();
    }
  });
});
