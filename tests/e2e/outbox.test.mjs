// outbox.test.mjs — the admins' outgoing-messages page, reached from the admin's navigation:
// the counts by state, the messages newest first with their state, channel, kind, masked
// recipient, attempts and last error, the filter by state, and "older messages"; never a whole
// phone number nor what a message says. A coordinator has no link to it and is told it is for
// admins. In English at desktop size and in Persian at 360 px, axe-clean, screenshots in
// test-output/screenshots/outbox-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, addUsers, LOCALES, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, signedIn, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { assertAxeClean as axeClean } from './lib/axe.mjs';

const PASSWORD = 'outgoing messages passphrase';
const ADMIN = { email: 'ada@outbox.example', name: 'Ada Admin', role: 'admin' };
const COORD = { email: 'cy@outbox.example', name: 'Cyrus Coordinator', role: 'coordinator' };

let server, browser, shots, code;

const sql = (q) => execFileSync('sqlite3', ['-batch', server.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000', '--rate-form-ip', '1000'] });
  addUsers(server, [ADMIN, COORD], PASSWORD);
  const r = await fetch(`${server.url}/api/v1/requests`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Parvin Private', phone: '0912 555 0171', address: 'Gandhi St 4', kind: 'medicine', consent: true, language: 'fa', lat: 35.75, lon: 51.41 }),
  });
  assert.equal(r.status, 201);
  code = (await r.json()).tracking_code;
  const t0 = Math.floor(Date.now() / 1000) - 7200;
  const rows = [];
  for (let i = 0; i < 2; i++) rows.push(`(${t0 + i}, '+4477009001${i}5', 'sms', 'en', 'request_claimed', '{"code":"SECRETX${i}"}', ${t0 + 600}, 'failed', 8, 'gateway answered 503', NULL)`);
  for (let i = 0; i < 60; i++) rows.push(`(${t0 + 10 + i}, '+9891200${String(i).padStart(5, '0')}', 'sms', 'fa', 'request_received', '{}', ${t0 + 10 + i}, 'sent', 1, NULL, ${t0 + 20 + i})`);
  sql('INSERT INTO outbox(created_at, recipient, channel, language, template, payload, next_attempt_at, status, attempts, last_error, sent_at) VALUES '
    + `${rows.join(', ')};`);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

const as = (who, lang, viewport) => signedIn(browser, server.url, { login: who.email, password: PASSWORD, lang, viewport });

const CASES = [
  { lang: 'en', viewport: null, digits: /[0-9]/ },
  { lang: 'fa', viewport: { width: 360, height: 740 }, digits: /[۰-۹]/ },
];

for (const c of CASES) {
  test(`the outbox page: counts, masked recipients, the filter and older messages (${c.lang}${c.viewport ? ', 360 px' : ''})`, async () => {
    const L = LOCALES[c.lang];
    const { context, page, problems } = await as(ADMIN, c.lang, c.viewport);
    try {
      await page.click('.work-nav a[href="/admin/outbox"]');
      await waitForShell(page);
      await page.waitForSelector('#outbox-view:not([hidden])');
      await page.waitForSelector('#outbox-list li.outbox-sent');
      assert.equal(await page.textContent('h1'), L['outbox.h1']);
      assert.match(await page.textContent('#outbox-counts'), c.digits);
      assert.equal(await page.locator('#outbox-list li').count(), 50, 'a page of 50');
      assert.ok((await page.textContent('#outbox-list li >> nth=0')).includes('+98912•••••59'), 'newest first');
      await axeClean(page, `outbox (${c.lang})`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scrolling');
      await page.screenshot({ path: join(shots, `outbox-all-${c.lang}.png`), fullPage: true });
      // Older messages: the rest, each once, down to the first queued.
      await page.click('#outbox-more');
      await page.waitForFunction(() => document.querySelectorAll('#outbox-list li').length > 50);
      const total = Number(sql('SELECT count(*) FROM outbox'));
      assert.equal(await page.locator('#outbox-list li').count(), total);
      assert.ok(await page.isHidden('#outbox-more'));
      // The requester's confirmation: waiting, its kind in words, the number masked.
      const text = await page.locator('#outbox-list li.outbox-pending').textContent();
      assert.ok(text.includes(L['outbox.status.pending']) && text.includes(L['outbox.template.request_received']), text);
      assert.ok(text.includes('+98912•••••71'), text);
      const html = await page.content();
      assert.doesNotMatch(html, /5550171|555 0171|SECRETX|Parvin/);
      assert.ok(!html.includes(code), 'no tracking code');
      // The failed ones: the error and the attempts.
      await page.selectOption('#outbox-status', 'failed');
      await page.click('#outbox-filter button[type=submit]');
      await page.waitForFunction(() => document.querySelectorAll('#outbox-list li').length === 2);
      const failed = await page.textContent('#outbox-list');
      assert.ok(failed.includes('gateway answered 503') && failed.includes(L['outbox.status.failed']), failed);
      assert.ok(failed.includes('+44770•••••05') && failed.includes('+44770•••••15'), failed);
      assert.ok(await page.isHidden('#outbox-more'));
      await axeClean(page, `outbox, failed (${c.lang})`);
      await page.screenshot({ path: join(shots, `outbox-failed-${c.lang}.png`), fullPage: true });
      assert.deepEqual(faults(problems), []);
    } finally {
      await context.close();
    }
  });
}

test('a coordinator has no link to the outbox page, and the page says it is for admins', async () => {
  const { context, page } = await as(COORD, 'en', null);
  try {
    assert.equal(await page.locator('a[href="/admin/outbox"]:visible').count(), 0);
    assert.equal(await page.locator('a[href="/admin/audit"]:visible').count(), 0);
    await page.goto(`${server.url}/admin/outbox`);
    await waitForShell(page);
    await page.waitForSelector('#outbox-gate .notice');
    assert.ok(await page.isHidden('#outbox-view'));
    assert.equal(await page.locator('#outbox-list li').count(), 0);
  } finally {
    await context.close();
  }
});
