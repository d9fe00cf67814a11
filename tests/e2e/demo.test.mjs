// The demo data in a browser: examples carry an "example" badge where people meet them (the
// library's list and document page for the public, the dispatch queue and the vetting list for a
// coordinator), in fa and en, at 360 px and desktop; after `hamyari demo remove` the badges (and
// the rows) are gone from the running server's pages. Screenshots in test-output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, serverBinary, addUsers, LOCALES, COMMON_PASSWORDS, ROOT } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const PASSWORD = 'demo pages passphrase 42';
const COORD = { email: 'coord@demo.example', name: 'Cyrus Coordinator', role: 'coordinator' };
const VIEWPORTS = { 360: { width: 360, height: 780 }, 1280: { width: 1280, height: 900 } };

let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--demo', '--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, [COORD], PASSWORD);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

async function page(lang, width) {
  const context = await newContext(browser, { lang, viewport: VIEWPORTS[width] });
  const ip = await instrumentedPage(context, { allowedOrigin: server.url });
  return { context, ...ip };
}

async function signedIn(lang, width) {
  const p = await page(lang, width);
  await p.page.goto(`${server.url}/signin`);
  await waitForShell(p.page);
  await p.page.fill('#signin-login', COORD.email);
  await p.page.fill('#signin-password', PASSWORD);
  await p.page.click('#signin-submit');
  await p.page.waitForURL(/\/account$/);
  await waitForShell(p.page);
  return p;
}

async function axeClean(pg, what) {
  const { blocking } = await runAxe(pg);
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

const badgeTexts = (pg, sel) => pg.$$eval(`${sel} .badge-example`, (bs) => bs.map((b) => b.textContent));

for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`the library marks its demo documents as examples [${lang} ${width}]`, async () => {
      const { context, page: pg, problems } = await page(lang, width);
      try {
        // A topic only demo documents have (the starter library, listed first, has none).
        await pg.goto(`${server.url}/library?q=${encodeURIComponent(lang === 'fa' ? 'یخچال محله' : 'community fridge')}`);
        await waitForShell(pg);
        await pg.waitForSelector('#library-list li');
        const badges = await badgeTexts(pg, '#library-list');
        assert.ok(badges.length > 0, 'demo documents carry the badge');
        assert.ok(badges.every((b) => b === LOCALES[lang]['demo.example']), badges.join(','));
        assert.equal(await pg.getAttribute('#library-list .badge-example', 'title'), LOCALES[lang]['demo.example_hint']);
        await axeClean(pg, `library ${lang} ${width}`);
        await pg.screenshot({ path: join(shots, `demo-library-${lang}-${width}.png`), fullPage: width === 360 });
        // The document page says so next to the title.
        await pg.click('#library-list li:has(.badge-example) h3 a');
        await pg.waitForSelector('#doc:not([hidden])');
        assert.equal(await pg.textContent('#doc-title .badge-example'), LOCALES[lang]['demo.example']);
        await axeClean(pg, `doc ${lang} ${width}`);
        await pg.screenshot({ path: join(shots, `demo-doc-${lang}-${width}.png`) });
        assert.deepEqual(faults(problems), []);
      } finally {
        await context.close();
      }
    });
  }
}

for (const [lang, width] of [['fa', 360], ['en', 1280]]) {
  test(`a coordinator sees demo requests and volunteers marked as examples [${lang} ${width}]`, async () => {
    const { context, page: pg, problems } = await signedIn(lang, width);
    try {
      await pg.goto(`${server.url}/dispatch`);
      await waitForShell(pg);
      await pg.waitForSelector('#dispatch-queue li');
      const queued = await pg.locator('#dispatch-queue li').count();
      const badges = await badgeTexts(pg, '#dispatch-queue');
      assert.equal(badges.length, queued, 'every demo request in the queue is marked');
      assert.ok(badges.every((b) => b === LOCALES[lang]['demo.example']));
      await axeClean(pg, `dispatch ${lang} ${width}`);
      await pg.screenshot({ path: join(shots, `demo-dispatch-${lang}-${width}.png`), fullPage: width === 360 });
      await pg.goto(`${server.url}/vetting`);
      await waitForShell(pg);
      await pg.waitForSelector('.vet-item');
      const listed = await pg.locator('.vet-item').count();
      assert.equal((await badgeTexts(pg, '.vet-item')).length, listed, 'every demo volunteer is marked');
      await axeClean(pg, `vetting ${lang} ${width}`);
      await pg.screenshot({ path: join(shots, `demo-vetting-${lang}-${width}.png`), fullPage: width === 360 });
      assert.deepEqual(faults(problems), []);
    } finally {
      await context.close();
    }
  });
}

test('after `hamyari demo remove` the running server shows no example anywhere', async () => {
  const r = spawnSync(serverBinary(), ['demo', 'remove', '--db', server.db], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^removed: \d+ groups, \d+ library documents, 12 volunteers, 4 help requests, 36 places$/m);
  const { context, page: pg, problems } = await page('en', 1280);
  try {
    await pg.goto(`${server.url}/library?q=${encodeURIComponent('community fridge')}`);
    await waitForShell(pg);
    await pg.waitForSelector('#library-count');
    await pg.waitForFunction(() => /\b0\b/.test(document.querySelector('#library-count').textContent));
    assert.equal(await pg.locator('#library-list li').count(), 0);
    await pg.goto(`${server.url}/library`);
    await waitForShell(pg);
    await pg.waitForSelector('#library-list li');
    assert.equal(await pg.locator('#library-list .badge-example').count(), 0);
    await pg.screenshot({ path: join(shots, 'demo-library-removed-en-1280.png') });
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
});
