// The neighbour-help board as people without JavaScript read it: the board page from the
// navigation, the area form, the list of posts near it (the demo's posts) and one post with its
// nearest compatible posts. fa at 360 px without JavaScript, en at desktop size; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, importPlaces } from './lib/server.mjs';
import { launchBrowser, newContext, screenshotDir } from './lib/browser.mjs';

let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--demo'] });
  // The area is typed as a place name: a gazetteer with the demo's part of Tehran.
  importPlaces(server, ['یوسف‌آباد,Yusef Abad,35.73,51.405,neighbourhood']);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

test('fa, 360 px, no JavaScript: from the navigation to the posts near an area and one post with its matches', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  const link = page.locator('a[href="/board"]').first();
  assert.ok(await link.count(), 'the navigation links to the board');
  await page.goto(`${server.url}/board`);
  await page.locator('#main input[name="place"]').fill('یوسف‌آباد');
  await page.locator('#main select[name="kind"]').selectOption('ask');
  await Promise.all([page.waitForURL(/\/board\/search\?/), page.locator('#main button[type="submit"]').click()]);
  const main = page.locator('#main');
  await main.getByText('داروی دیابت').waitFor();
  assert.equal(await main.getByText('نان و شیر').count(), 0, 'only asks');
  assert.ok(!/@example\.org|\+98/.test(await main.innerText()), 'no personal details');
  await page.screenshot({ path: join(shots, 'board-list-fa-360.png'), fullPage: true });
  await main.locator('a[href*="/board/search?id="]').first().click();
  await main.getByText('نزدیک‌ترین موارد هم‌خوان').waitFor();
  await main.getByText('داروهای همسایه‌ها').waitFor(); // the demo offer of medicine nearby
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling (${width} px)`);
  await page.screenshot({ path: join(shots, 'board-post-fa-360.png'), fullPage: true });
  await context.close();
});

test('en, desktop: the posts near Cardiff, offers and asks, with the plain-text link', async () => {
  const context = await newContext(browser, { lang: 'en', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/board/search?near=51.485,-3.2&lang=en`);
  const main = page.locator('#main');
  await main.getByText('leaking taps').waitFor();
  await main.getByText('A lift to the hospital').waitFor();
  const txt = await main.locator('a[href*="asks.txt"]').getAttribute('href');
  const r = await fetch(`${server.url}${txt.replace(/&amp;/g, '&')}`);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /A lift to the hospital/);
  await page.screenshot({ path: join(shots, 'board-list-en-desktop.png'), fullPage: true });
  await context.close();
});
