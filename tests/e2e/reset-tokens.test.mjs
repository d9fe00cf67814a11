// reset-tokens.test.mjs — a forgotten password and one's API tokens, walked as people do:
//   - from the sign-in page's "Forgot your password?" to a code by SMS and a new password, with
//     JavaScript (errors said next to the form, in the page's language) and without it (plain
//     form posts; the server answers with pages), fa and en, 360 px and desktop;
//   - the API tokens page reached from the navigation: make a token (the secret shown once, with
//     a copy button and a warning), see it listed with its last use, revoke it.
// axe-core on each state; screenshots in test-output/screenshots/reset-*.png and tokens-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, addUsers, LOCALES, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const PASSWORD = 'the first passphrase for reset';
let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000', '--rate-form-ip', '1000'] });
  addUsers(server, ['fa360', 'en1280', 'nojs360', 'nojs1280'].map((k) => ({ email: `${k}@reset.example`, name: `Reset ${k}`, role: 'editor' })), PASSWORD);
  addUsers(server, ['en', 'fa'].map((k) => ({ email: `tokens-${k}@reset.example`, name: `Tokens ${k}`, role: 'coordinator' })), PASSWORD);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

const sql = (q) => execFileSync('sqlite3', ['-batch', server.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
/** The code in the newest reset message to `login` (the SMS or e-mail the person gets). */
const codeFor = (login) => JSON.parse(sql(`SELECT payload FROM outbox WHERE recipient = '${login}' AND template = 'password_reset' ORDER BY created_at DESC, id DESC LIMIT 1`)).token;
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

async function axeClean(page, what) {
  const { blocking } = await runAxe(page);
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

async function signInWorks(login, password) {
  const r = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  return r.status === 200;
}

for (const [lang, width] of [['en', 1280], ['fa', 360]]) {
  test(`forgot password with JavaScript (${lang}, ${width} px): a code by message, a wrong one said next to the form, then a new password`, async () => {
    const L = LOCALES[lang];
    const login = `${lang}${width}@reset.example`;
    const context = await newContext(browser, { lang, viewport: { width, height: 900 } });
    try {
      const gone = `${server.url}/api/v1/auth/reset/confirm`;
      const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url, allowStatus: (u, s) => u === gone && s === 410 });
      await page.goto(`${server.url}/signin`);
      await waitForShell(page);
      await page.click('#signin-forgot');
      await page.waitForURL(/\/forgot$/);
      await waitForShell(page);
      assert.equal(await page.textContent('h1'), L['forgot.h1']);
      await axeClean(page, `forgot ${lang}`);
      await page.fill('#forgot-login', login.toUpperCase());
      await page.click('#forgot-submit');
      await page.waitForSelector('#forgot-status:not([hidden])');
      assert.equal((await page.textContent('#forgot-status')).trim(), L['forgot.sent']);
      await page.screenshot({ path: join(shots, `reset-forgot-${lang}-${width}.png`), fullPage: true });
      const code = codeFor(login);
      assert.match(code, /^[2-9A-HJKMNP-Z]{8}$/);

      await page.click('#forgot-have-code');
      await page.waitForURL(/\/reset$/);
      await waitForShell(page);
      assert.equal(await page.inputValue('#reset-login'), login.toUpperCase(), 'the login is kept from the step before');
      // A mistyped code: said next to the form, in the page's language; the password still old.
      const wrong = code[0] === 'A' ? 'BBBBBBBB' : 'AAAAAAAA';
      await page.fill('#reset-code', wrong);
      await page.fill('#reset-password', 'the new passphrase after reset');
      await page.click('#reset-submit');
      await page.waitForSelector('#reset-error:not([hidden])');
      assert.equal(await page.textContent('#reset-error-text'), L['reset.wrong_code']);
      assert.equal(await page.getAttribute('#reset-code', 'aria-invalid'), 'true');
      await axeClean(page, `reset error ${lang}`);
      await page.screenshot({ path: join(shots, `reset-wrong-${lang}-${width}.png`), fullPage: true });
      // The right code as a person types it: lower case, with a dash.
      await page.fill('#reset-code', `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase());
      await page.fill('#reset-password', 'the new passphrase after reset');
      await page.click('#reset-submit');
      await page.waitForSelector('#reset-done:not([hidden])');
      assert.ok(await page.isHidden('#reset-form'));
      assert.ok(await overflow(page) <= 0, 'no sideways scroll');
      await axeClean(page, `reset done ${lang}`);
      await page.screenshot({ path: join(shots, `reset-done-${lang}-${width}.png`), fullPage: true });
      await page.click('#reset-done a');
      await page.waitForURL(/\/signin$/);
      assert.ok(await signInWorks(login, 'the new passphrase after reset'));
      assert.ok(!await signInWorks(login, PASSWORD));
      assert.deepEqual(faults(problems).filter((m) => !/status of 410/.test(m)), []);
    } finally {
      await context.close();
    }
  });
}

for (const width of [360, 1280]) {
  test(`forgot password without JavaScript (fa, ${width} px): plain forms, the server answers with pages`, async () => {
    const L = LOCALES.fa;
    const login = `nojs${width}@reset.example`;
    // axe runs as a script, so it is not run here; the same pages are checked with it above.
    const context = await newContext(browser, { lang: 'fa', viewport: { width, height: 900 }, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/signin`);
      assert.ok(await page.isVisible('#signin-forgot'), 'the link shows without scripts');
      await page.click('#signin-forgot');
      await page.waitForURL(/\/forgot$/);
      await page.fill('#forgot-login', login);
      await Promise.all([page.waitForNavigation(), page.click('#forgot-submit')]);
      assert.match(await page.textContent('main'), /کدی ۸ نویسه‌ای/);
      assert.ok(await overflow(page) <= 0);
      await page.screenshot({ path: join(shots, `reset-nojs-sent-${width}.png`), fullPage: true });
      await page.click('main a[href="/reset"]');
      await page.waitForURL(/\/reset$/);
      assert.equal((await page.textContent('h1')).trim(), L['reset.h1']);
      // A wrong code: a page that says so, with a way back.
      await page.fill('#reset-login', login);
      await page.fill('#reset-code', 'AAAAAAAA');
      await page.fill('#reset-password', 'a passphrase typed without scripts');
      const [wrong] = await Promise.all([page.waitForNavigation(), page.click('#reset-submit')]);
      assert.equal(wrong.status(), 410);
      assert.match(await page.textContent('main'), /این کد درست نیست/);
      await page.screenshot({ path: join(shots, `reset-nojs-wrong-${width}.png`), fullPage: true });
      await page.click('main a[href="/reset"]');
      await page.waitForURL(/\/reset$/);
      await page.fill('#reset-login', login);
      await page.fill('#reset-code', codeFor(login));
      await page.fill('#reset-password', 'a passphrase typed without scripts');
      const [ok] = await Promise.all([page.waitForNavigation(), page.click('#reset-submit')]);
      assert.equal(ok.status(), 200);
      assert.match(await page.textContent('main'), /گذرواژهٔ تازه ثبت شد/);
      await page.screenshot({ path: join(shots, `reset-nojs-done-${width}.png`), fullPage: true });
      assert.ok(await page.isVisible('main a[href="/signin"]'));
      assert.ok(await signInWorks(login, 'a passphrase typed without scripts'));
    } finally {
      await context.close();
    }
  });
}

for (const [lang, width] of [['en', 1280], ['fa', 360]]) {
  test(`API tokens page (${lang}, ${width} px): reached from the navigation; make one, see it used, revoke it`, async () => {
    const L = LOCALES[lang];
    const login = `tokens-${lang}@reset.example`;
    const context = await newContext(browser, { lang, viewport: { width, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    try {
      const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
      await page.goto(`${server.url}/signin`);
      await waitForShell(page);
      await page.fill('#signin-login', login);
      await page.fill('#signin-password', PASSWORD);
      await page.click('#signin-submit');
      await page.waitForURL(/\/account$/);
      await waitForShell(page);
      await page.click('.work-nav a[href="/tokens"]');
      await page.waitForURL(/\/tokens$/);
      await waitForShell(page);
      assert.equal((await page.textContent('#tokens-count')).trim(), L['tokens.none']);
      await page.fill('#tokens-name', 'weekly report');
      await page.selectOption('#tokens-days', '30');
      await page.click('#tokens-create');
      await page.waitForSelector('#tokens-secret-box:not([hidden])');
      const secret = await page.inputValue('#tokens-secret');
      assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
      assert.equal((await page.textContent('#tokens-secret-box .notice-important')).trim(), L['tokens.secret_warning']);
      await page.click('#tokens-copy');
      await page.waitForFunction(() => document.getElementById('tokens-copy-msg').textContent !== '');
      assert.equal(await page.textContent('#tokens-copy-msg'), L['tokens.copied']);
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
      assert.equal(await page.locator('#tokens-list .vet-item').count(), 1);
      assert.match(await page.textContent('#tokens-list'), /weekly report/);
      assert.match(await page.textContent('#tokens-list'), new RegExp(L['tokens.never_used']));
      assert.ok(await overflow(page) <= 0, 'no sideways scroll');
      await axeClean(page, `tokens with the secret ${lang}`);
      await page.screenshot({ path: join(shots, `tokens-secret-${lang}-${width}.png`), fullPage: true });
      // "I have kept it": the secret leaves the page.
      await page.click('#tokens-done');
      assert.ok(await page.isHidden('#tokens-secret-box'));
      assert.equal(await page.inputValue('#tokens-secret'), '');
      assert.ok(!(await page.content()).includes(secret));
      // A script uses the token; the list then shows when.
      const me = await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
      assert.equal(me.status, 200);
      await page.reload();
      await waitForShell(page);
      await page.waitForSelector('#tokens-list .vet-item');
      assert.doesNotMatch(await page.textContent('#tokens-list'), new RegExp(L['tokens.never_used']));
      assert.equal(await page.locator('#tokens-list time').count(), 3, 'made, expires and last used as times');
      await page.screenshot({ path: join(shots, `tokens-list-${lang}-${width}.png`), fullPage: true });
      // Revoke, after a confirmation.
      let asked = '';
      page.once('dialog', (d) => { asked = d.message(); d.accept(); });
      await page.click('#tokens-list .vet-item button');
      await page.waitForFunction(() => document.getElementById('tokens-list').children.length === 0);
      assert.match(asked, /weekly report/);
      assert.equal(await page.textContent('#tokens-msg'), L['tokens.revoked']);
      assert.equal((await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })).status, 401);
      await axeClean(page, `tokens after revoking ${lang}`);
      assert.deepEqual(faults(problems), []);
    } finally {
      await context.close();
    }
  });
}
