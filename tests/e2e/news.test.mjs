// news.test.mjs — official news and fact checks in a browser without JavaScript, as a new
// visitor meets them: from the home page to the news list, a filter, an item and its alert; to
// the fact checks, one with its ClaimReview JSON-LD, and a claim sent by a plain form post that
// is pointed to the existing check. At 360 px and on a desktop, in Persian (right to left) and
// English; axe-clean, nothing wider than the screen, with screenshots.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { launchBrowser, newContext, OUTPUT } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

let server, browser;
const shots = join(OUTPUT, 'screenshots');

before(async () => {
  server = await startServer({ args: ['--demo'] });
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const SIZES = [['360', { width: 360, height: 800 }], ['desktop', { width: 1280, height: 900 }]];

async function page(lang, viewport) {
  const ctx = await newContext(browser, { lang, viewport, javaScriptEnabled: false });
  return { ctx, page: await ctx.newPage() };
}

async function noOverflow(p, what) {
  const wide = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 1, `${what}: ${wide}px wider than the screen`);
}

/** axe's serious and critical findings (run at 360 px, where the layout is tightest). */
async function axe(p, what) {
  if (!what.endsWith(' 360')) return;
  const v = await runAxe(p);
  assert.deepEqual(v.filter((x) => ['serious', 'critical'].includes(x.impact)).map((x) => x.id), [], `${what}: ${describeViolations(v)}`);
}

describe('official news without JavaScript', () => {
  for (const [size, viewport] of SIZES)
    for (const lang of ['fa', 'en'])
      it(`home → news → filter → item with its alert [${lang}, ${size}]`, async () => {
        const { ctx, page: p } = await page(lang, viewport);
        try {
          await p.goto(server.url + '/');
          await p.locator('a.entry[href="/news"]').click();
          await p.waitForURL(/\/news$/);
          if (lang === 'en') await p.getByRole('link', { name: 'English' }).click();
          const ui = lang === 'en' ? 'en' : 'fa';
          assert.equal(await p.getAttribute('html', 'lang'), ui);
          assert.equal(await p.getAttribute('html', 'dir'), ui === 'fa' ? 'rtl' : 'ltr');
          const total = Number(await p.locator('.news-total').textContent());
          assert.equal(total, 8, 'four demo items in each language');
          await noOverflow(p, `news list ${lang} ${size}`);
          await axe(p, `news list ${lang} ${size}`);
          await p.screenshot({ path: join(shots, `news-list-${lang}-${size}.png`), fullPage: true });
          // Filter by the alert category, then narrow to items in the page's language.
          await p.locator('.news-facets a[href*="category=alert"]').click();
          assert.equal(Number(await p.locator('.news-total').textContent()), 2);
          await p.locator(`.news-item[lang="${ui}"] h3 a`).click();
          assert.match(await p.locator('.news-alert').textContent(), /Severe/);
          const cap = await p.locator('a[href$=".cap"]').getAttribute('href');
          const r = await fetch(server.url + cap);
          assert.equal(r.status, 200);
          assert.match(await r.text(), /<severity>Severe<\/severity>/);
          await noOverflow(p, `news item ${lang} ${size}`);
          await axe(p, `news item ${lang} ${size}`);
          await p.screenshot({ path: join(shots, `news-item-${lang}-${size}.png`), fullPage: true });
        } finally {
          await ctx.close();
        }
      });
});

describe('fact checks without JavaScript', () => {
  for (const [size, viewport] of SIZES)
    for (const lang of ['fa', 'en'])
      it(`home → fact checks → one check (ClaimReview) → a claim sent twice is pointed out [${lang}, ${size}]`, async () => {
        const { ctx, page: p } = await page(lang, viewport);
        const q = lang === 'en' ? '?ui=en' : '';
        try {
          await p.goto(server.url + '/');
          await p.locator('a.entry[href="/factchecks"]').click();
          await p.goto(server.url + '/factchecks' + q);
          assert.equal(Number(await p.locator('.news-total').textContent()), 4);
          await p.locator('.news-facets a[href*="rating=false"]').click();
          assert.equal(Number(await p.locator('.news-total').textContent()), 2);
          await noOverflow(p, `fact checks ${lang} ${size}`);
          await axe(p, `fact checks ${lang} ${size}`);
          await p.screenshot({ path: join(shots, `factchecks-list-${lang}-${size}.png`), fullPage: true });
          await p.locator(`.news-item[lang="${lang}"] h3 a`).click();
          const ld = JSON.parse(await p.locator('script[type="application/ld+json"]').textContent());
          assert.equal(ld['@type'], 'ClaimReview');
          assert.equal(ld.reviewRating.alternateName, 'False');
          await noOverflow(p, `fact check ${lang} ${size}`);
          await axe(p, `fact check ${lang} ${size}`);
          await p.screenshot({ path: join(shots, `factcheck-${lang}-${size}.png`), fullPage: true });
          await p.goto(server.url + '/factchecks/submit' + q);
          const claim = lang === 'en' ? 'Eating garlic cures the flu!' : 'خوردن سير آنفولانزا را درمان ميكند';
          await p.locator('#fc-claim').fill(claim);
          await p.locator('form.fc-submit button[type="submit"]').click();
          await p.waitForLoadState();
          assert.ok(await p.locator('a[href^="/factchecks/"]').first().isVisible(), 'the existing check is linked');
          await p.screenshot({ path: join(shots, `factcheck-duplicate-${lang}-${size}.png`), fullPage: true });
        } finally {
          await ctx.close();
        }
      });
});
