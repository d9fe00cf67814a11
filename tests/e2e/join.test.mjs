// join.test.mjs — a member of the public joins at /join (reached from the navigation), at
// 360 px and on a desktop, in Persian and English: a missing consent is refused with a
// translated message, a complete form makes an account that signs in at once with the role
// member. axe-core on each state; screenshots test-output/screenshots/join-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, ROOT, WEB } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const LOCALES = {
  fa: JSON.parse(readFileSync(join(WEB, 'locales', 'fa.json'), 'utf8')),
  en: JSON.parse(readFileSync(join(WEB, 'locales', 'en.json'), 'utf8')),
};
const COMMON_LIST = join(ROOT, 'tests', 'api', 'fixtures', 'common-passwords.txt');
let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_LIST, '--rate-login-ip', '1000', '--rate-form-ip', '1000'] });
  browser = await launchBrowser();
  shots = await screenshotDir();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

for (const lang of ['fa', 'en']) {
  for (const [size, viewport] of [['360', { width: 360, height: 780 }], ['desktop', { width: 1280, height: 900 }]]) {
    test(`/join (${lang}, ${size}): reached from the navigation, consent required, the account works at once`, async () => {
      const context = await newContext(browser, { lang, viewport });
      const ip = await instrumentedPage(context, { allowedOrigin: server.url });
      const { page } = ip;
      await page.goto(`${server.url}/?lang=${lang}`);
      await waitForShell(page);
      const link = page.locator('a[href="/join"]').first();
      assert.ok(await link.count(), 'no link to /join in the navigation');
      await page.goto(`${server.url}/join?lang=${lang}`);
      await waitForShell(page);
      const main = page.locator('#main');
      assert.equal((await main.locator('h1').textContent()).trim(), LOCALES[lang]['join.h1']);
      const email = `joiner-${lang}-${size}@example.org`;
      await main.locator('#join-name').fill(lang === 'fa' ? 'نرگس' : 'Narges');
      await main.locator('#join-email').fill(email);
      await main.locator('#join-password').fill('a long passphrase of mine');
      await main.locator('#join-submit').click();
      await main.locator('#join-error').waitFor({ state: 'visible' });
      assert.equal((await main.locator('#join-error-text').textContent()).trim(), LOCALES[lang]['volunteer.consent_needed']);
      assert.equal(await main.locator('#join-consent').getAttribute('aria-invalid'), 'true');
      await page.screenshot({ path: join(shots, `join-${lang}-${size}-error.png`), fullPage: true });
      await main.locator('#join-consent').check();
      await main.locator('#join-submit').click();
      await main.locator('#join-done').waitFor({ state: 'visible' });
      await page.screenshot({ path: join(shots, `join-${lang}-${size}-done.png`), fullPage: true });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= viewport.width, `the page is ${width} px wide`);
      const { blocking } = await runAxe(page, { include: '#main' });
      assert.deepEqual(blocking, [], describeViolations(blocking));
      // The account signs in at once and is a member.
      const r = await page.evaluate(async (login) => {
        const x = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: 'a long passphrase of mine' }) });
        const me = await fetch('/api/v1/me');
        return { login: x.status, me: await me.json() };
      }, email);
      assert.equal(r.login, 200);
      assert.equal(r.me.role, 'member');
      assert.deepEqual(faults(ip.problems), []);
      await context.close();
    });
  }
}
