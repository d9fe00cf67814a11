// accounts.test.mjs — the account pages in a real browser: a volunteer signs up and
// sees the pending message; an admin signs in and approves them on the vetting page; the
// volunteer signs in and sees "approved" on the account page, then signs out; a wrong password
// gets a translated message in both languages. axe-core on every state; screenshots of each in
// both languages (test-output/screenshots/accounts-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, serverBinary, ROOT, WEB } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const LOCALES = {
  fa: JSON.parse(readFileSync(join(WEB, 'locales', 'fa.json'), 'utf8')),
  en: JSON.parse(readFileSync(join(WEB, 'locales', 'en.json'), 'utf8')),
};
const COMMON_LIST = join(ROOT, 'tests', 'api', 'fixtures', 'common-passwords.txt');
const ADMIN = { email: 'admin@e2e.example', password: 'admin passphrase for e2e', name: 'Admin (e2e)' };
const VOLUNTEER = { name: 'Sara Test', phone: '0912 555 0101', e164: '+989125550101', password: 'volunteer passphrase 1' };

let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_LIST, '--rate-login-ip', '1000', '--rate-form-ip', '1000'] });
  const r = spawnSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', ADMIN.email, '--name', ADMIN.name,
    '--role', 'admin', '--language', 'en', '--password-stdin'], { input: `${ADMIN.password}\n`, encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

/** A page for `lang`; 401s from the login route and their console lines are expected in
 *  tests that try a wrong password, so they pass `expect401`. */
async function open(lang, { expect401 = false } = {}) {
  const context = await newContext(browser, { lang });
  const login = `${server.url}/api/v1/auth/login`;
  const ip = await instrumentedPage(context, {
    allowedOrigin: server.url,
    allowStatus: (u, status) => expect401 && status === 401 && u === login,
  });
  const problems = () => ip.problems.filter((s) => !(expect401 && /status of 401/.test(s)));
  return { context, page: ip.page, problems };
}

async function axeClean(page, what) {
  const axe = await runAxe(page);
  assert.equal(axe.blocking.length, 0, `${what}: axe-core serious/critical violations:\n${describeViolations(axe.blocking)}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `accounts-${name}.png`), fullPage: true });
}

async function signIn(page, login, password) {
  await page.goto(`${server.url}/signin`);
  await waitForShell(page);
  await page.fill('#signin-login', login);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
}

test('sign-up form: a volunteer signs up and is told they are pending (fa)', async () => {
  const { context, page, problems } = await open('fa');
  try {
    await page.goto(`${server.url}/volunteer`);
    await waitForShell(page);
    assert.equal(await page.isVisible('#volunteer-nojs'), false, 'the no-JS notice hides');
    await axeClean(page, 'empty sign-up form');
    // Sending without consent: a translated message, nothing sent.
    await page.fill('#vol-name', VOLUNTEER.name);
    await page.fill('#vol-phone', VOLUNTEER.phone);
    await page.fill('#vol-password', VOLUNTEER.password);
    await page.click('#vol-submit');
    await page.waitForSelector('#volunteer-error:not([hidden])');
    assert.match(await page.textContent('#volunteer-error-text'), new RegExp(LOCALES.fa['volunteer.consent_needed']));
    // Home area on the map: the map loads on request; "use the centre" picks a point.
    await page.click('#vol-area-show');
    await page.waitForSelector('#vol-map[data-state]');
    await page.waitForSelector('#vol-area-centre:not([hidden])');
    await page.click('#vol-area-centre');
    assert.notEqual(await page.textContent('#vol-area-value'), LOCALES.fa['volunteer.area_none']);
    await page.check('#vol-skill-shopping');
    await page.check('#vol-skill-tech');
    await page.check('#vol-lang-fa');
    await page.fill('#vol-availability', 'عصرها');
    await page.check('#vol-consent');
    // The radius typed on a Persian keyboard: two decimal separators are named next to the
    // question, in Persian; «۷٫۵» is taken.
    await page.fill('#vol-radius', '۷٫۵٫۱');
    await page.click('#vol-submit');
    await page.waitForSelector('#volunteer-error:not([hidden])');
    assert.equal(await page.getAttribute('#vol-radius', 'aria-invalid'), 'true');
    assert.ok((await page.textContent('#volunteer-error-text')).includes(LOCALES.fa['volunteer.radius_label']),
      await page.textContent('#volunteer-error-text'));
    await page.fill('#vol-radius', '۷٫۵');
    await shot(page, 'signup-filled-fa');
    // The ticked consent box is sent (the server refuses a sign-up without it).
    const [post] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/volunteers')),
      page.click('#vol-submit'),
    ]);
    assert.equal(post.postDataJSON().consent, true);
    await page.waitForSelector('#volunteer-done:not([hidden])');
    assert.ok(await page.isHidden('#volunteer-form'));
    assert.match(await page.textContent('#volunteer-done'), new RegExp(LOCALES.fa['volunteer.done_title']));
    await axeClean(page, 'sign-up done');
    await shot(page, 'signup-done-fa');
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

test('the vetting page: an admin signs in, sees the pending volunteer and approves them (en, then fa)', async () => {
  const { context, page, problems } = await open('en');
  try {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.waitForURL(/\/account$/);
    await waitForShell(page);
    // The header shows who is signed in, on every page.
    await page.waitForSelector('#account-link');
    assert.match(await page.textContent('#account-link'), /Admin \(e2e\)/);
    assert.equal(await page.textContent('#account-badge'), LOCALES.en['role.admin']);
    assert.ok(await page.isVisible('#account-vetting a'));
    await page.goto(`${server.url}/about`);
    await waitForShell(page);
    await page.waitForSelector('#account-link');
    await page.goto(`${server.url}/vetting`);
    await waitForShell(page);
    const item = page.locator('.vet-item', { hasText: VOLUNTEER.name });
    await item.waitFor();
    assert.match(await item.textContent(), new RegExp(VOLUNTEER.e164.replace('+', '\\+')));
    assert.match(await item.textContent(), new RegExp(LOCALES.en['skill.shopping']));
    await axeClean(page, 'vetting list (en)');
    await shot(page, 'vetting-en');
    // Persian too, switching in place.
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'fa');
    assert.match(await page.textContent('#vetting-count'), /[۰-۹]/, 'count in Persian digits');
    await axeClean(page, 'vetting list (fa)');
    await shot(page, 'vetting-fa');
    await item.locator('button[data-action="approve"]').click();
    await page.waitForSelector('#vetting-msg:not(:empty)');
    assert.match(await page.textContent('#vetting-msg'), new RegExp(VOLUNTEER.name));
    // It has left the pending list; the approved filter shows it.
    await page.locator('.vet-item', { hasText: VOLUNTEER.name }).waitFor({ state: 'detached' });
    await page.selectOption('#vetting-filter', 'approved');
    await page.locator('.vet-item', { hasText: VOLUNTEER.name }).waitFor();
    assert.match(await page.locator('.vet-item', { hasText: VOLUNTEER.name }).textContent(), new RegExp(LOCALES.fa['vstatus.approved']));
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
  }
});

for (const lang of ['en', 'fa']) {
  test(`the volunteer signs in, sees "approved" on the account page and signs out (${lang})`, async () => {
    const { context, page, problems } = await open(lang);
    try {
      await signIn(page, VOLUNTEER.phone.replace(/ /g, ''), VOLUNTEER.password);
      await page.waitForURL(/\/account$/);
      await waitForShell(page);
      await page.waitForSelector('#account-view:not([hidden])');
      assert.equal(await page.textContent('#account-badge'), LOCALES[lang]['vstatus.approved']);
      assert.equal(await page.textContent('#account-explain'), LOCALES[lang]['account.explain_approved']);
      assert.equal(await page.textContent('#account-phone'), VOLUNTEER.e164);
      assert.ok(await page.isHidden('#account-vetting'), 'no vetting link for volunteers');
      await axeClean(page, `account page (${lang})`);
      await shot(page, `account-${lang}`);
      // Narrow screens: the header with the account area does not scroll sideways.
      await page.setViewportSize({ width: 360, height: 800 });
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scroll at 360 px');
      await shot(page, `account-${lang}-360`);
      await page.setViewportSize({ width: 1280, height: 900 });
      // The vetting page says it is for coordinators.
      await page.goto(`${server.url}/vetting`);
      await waitForShell(page);
      await page.waitForSelector('#vetting-forbidden:not([hidden])');
      assert.ok(await page.isHidden('#vetting-view'));
      // Change the name; the header follows.
      await page.goto(`${server.url}/account`);
      await waitForShell(page);
      await page.waitForSelector('#account-view:not([hidden])');
      await page.fill('#account-name-input', `Sara ${lang}`);
      await page.click('#account-profile button[type="submit"]');
      await page.waitForSelector('#account-profile-msg:not(:empty)');
      assert.equal(await page.textContent('#account-profile-msg'), LOCALES[lang]['account.saved']);
      assert.match(await page.textContent('#account-link'), new RegExp(`Sara ${lang}`));
      // Sign out from the header: the server ends the session.
      await page.click('#sign-out');
      await page.waitForURL(/\/signin\?signed_out=1$/);
      await waitForShell(page);
      assert.equal(await page.textContent('#signin-status p'), LOCALES[lang]['signin.signed_out']);
      assert.ok(await page.isHidden('#account-link'), 'the header no longer shows the account');
      assert.ok(await page.isVisible('#account-signin'), '"Sign in" is back');
      const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
      assert.equal(me, 401);
      await shot(page, `signed-out-${lang}`);
      assert.deepEqual(problems().filter((s) => !/\/api\/v1\/me/.test(s)), []);
    } finally {
      await context.close();
    }
  });
}

for (const lang of ['fa', 'en']) {
  test(`a wrong password gets a translated message (${lang})`, async () => {
    const { context, page, problems } = await open(lang, { expect401: true });
    try {
      await signIn(page, ADMIN.email, 'this is not the password');
      await page.waitForSelector('#signin-error:not([hidden])');
      assert.equal(await page.textContent('#signin-error-text'), LOCALES[lang]['signin.wrong']);
      assert.equal(await page.inputValue('#signin-password'), '', 'the password field is emptied');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'signin-error', 'focus moves to the message');
      await axeClean(page, `sign-in error (${lang})`);
      await shot(page, `signin-wrong-${lang}`);
      // Switching language translates the message in place.
      await page.click('#lang-switch');
      const other = lang === 'fa' ? 'en' : 'fa';
      await page.waitForFunction((l) => document.documentElement.lang === l, other);
      assert.equal(await page.textContent('#signin-error-text'), LOCALES[other]['signin.wrong']);
      assert.ok(page.url().endsWith('/signin'), 'still on the sign-in page');
      assert.deepEqual(problems(), []);
    } finally {
      await context.close();
    }
  });
}
