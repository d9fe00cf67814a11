// data-upload.test.mjs — an editor publishes open data from the upload form (/data-upload,
// reached from the editors' navigation): a bad file is checked and its row errors listed in a
// table (row, column, problem), nothing stored; a good file is checked (what would load,
// nothing stored yet), then published with titles in both languages and shows on the
// dashboard. Anonymous visitors see a sign-in notice instead. fa at 360 px and en on a desktop,
// axe-clean, no sideways scrolling; screenshots in test-output/screenshots/data-upload-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, addUsers, LOCALES, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, signedIn, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { assertAxeClean } from './lib/axe.mjs';

const PASSWORD = 'data upload passphrase';
const EDITOR = { email: 'ed@upload.example', name: 'Ella Editor', role: 'editor' };

let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, [EDITOR], PASSWORD);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

const CASES = [
  { lang: 'en', viewport: null },
  { lang: 'fa', viewport: { width: 360, height: 740 } },
];

const good = 'date,area,admissions\n2024-03-01,Tehran,12\n2024-03-02,Tehran,15\n2024-03-03,Tehran,۱۸\n';
const bad = 'date,area,admissions\n2024-03-01,Tehran,12\n2024-02-30,Tehran,x\n2024-03-03,Tehran,lots\n';

for (const c of CASES) {
  test(`an editor checks a bad file (errors listed), then checks and publishes a good one (${c.lang}${c.viewport ? ', 360 px' : ''})`, async () => {
    const L = LOCALES[c.lang];
    const id = `upload-${c.lang}`;
    const { context, page, problems } = await signedIn(browser, server.url, { login: EDITOR.email, password: PASSWORD, lang: c.lang, viewport: c.viewport });
    try {
      await page.click('.work-nav a[href="/data-upload"]');
      await waitForShell(page);
      await page.waitForSelector('#main #du-form:not([hidden])');
      await page.fill('#du-id', id);
      await page.fill('#du-title_fa', 'پذیرش آزمایشی');
      await page.fill('#du-title_en', 'Test admissions');
      await page.fill('#du-source', 'Test hospital');
      await page.fill('#du-licence', 'CC-BY-4.0');
      await page.fill('#du-contact', 'data@example.org');
      await page.fill('#du-cutoff', '20:00');
      // A bad file: the errors in a table, nothing stored.
      await page.setInputFiles('#du-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await page.click('#du-check');
      await page.waitForSelector('#main #du-errors:not([hidden])');
      const rows = page.locator('#du-errors-table tbody tr');
      assert.equal(await rows.count(), 3);
      assert.equal(await rows.first().locator('th').textContent(), c.lang === 'fa' ? '۳' : '3');
      assert.deepEqual(await rows.first().locator('td').allTextContents().then((x) => x.slice(0, 1)), ['date']);
      assert.equal((await fetch(`${server.url}/api/v1/datasets/${id}`)).status, 404, 'a dry run stores nothing');
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
      await page.screenshot({ path: join(shots, `data-upload-errors-${c.lang}.png`), fullPage: true });
      await assertAxeClean(page, `errors (${c.lang})`);
      // A good file, checked: what would load, still nothing stored.
      await page.setInputFiles('#du-file', { name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await page.click('#du-check');
      await page.waitForFunction(() => document.querySelector('#du-status').textContent.length > 20 && document.querySelector('#du-errors').hidden);
      assert.match(await page.textContent('#du-status'), c.lang === 'fa' ? /۳ ردیف/ : /3 rows/);
      assert.equal((await fetch(`${server.url}/api/v1/datasets/${id}`)).status, 404, 'a dry run stores nothing');
      // Published.
      await page.click('#du-submit');
      await page.waitForSelector('#du-status a[href^="/data?dataset="]');
      const meta = await (await fetch(`${server.url}/api/v1/datasets/${id}`)).json();
      assert.deepEqual([meta.title.fa, meta.title.en, meta.source, meta.licence, meta.contact, meta.cutoff, meta.rows],
        ['پذیرش آزمایشی', 'Test admissions', 'Test hospital', 'CC-BY-4.0', 'data@example.org', '20:00', 3]);
      assert.equal(await page.textContent('h1'), L['data_upload.h1']);
      assert.ok(!(await page.textContent('main')).includes('data_upload.'), 'no raw keys');
      await assertAxeClean(page, `published (${c.lang})`);
      await page.screenshot({ path: join(shots, `data-upload-done-${c.lang}.png`), fullPage: true });
      await page.click('#du-status a');
      await page.waitForSelector('#main #db-cards .db-card');
      assert.equal((await page.textContent('#db-title')).trim(), c.lang === 'fa' ? 'پذیرش آزمایشی' : 'Test admissions');
      assert.ok(await page.isVisible('#db-upload-link'), 'the dashboard links editors to the form');
      assert.deepEqual(faults(problems).filter((p) => !/ 422\b|status of 422/.test(p)), []);
    } finally {
      await context.close();
    }
  });
}

test('anonymous visitors see a sign-in notice, not the form', async () => {
  const context = await newContext(browser, { lang: 'en' });
  try {
    const { page } = await instrumentedPage(context, { allowedOrigin: server.url });
    await page.goto(`${server.url}/data-upload`);
    await waitForShell(page);
    await page.waitForSelector('#main #du-anon:not([hidden])');
    assert.ok(await page.isHidden('#du-form'));
    assert.ok(await page.isHidden('#du-nojs'));
  } finally {
    await context.close();
  }
});
