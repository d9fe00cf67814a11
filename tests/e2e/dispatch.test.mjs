// The dispatch board as a coordinator uses it on the phone: a request is typed in while the
// person talks (its place unknown), it shows in the queue as "just now" with the statuses in
// the coordinators' words, the call time and the hour it came in; the coordinator places it by
// typing coordinates in Persian digits and gives it straight to the suggested volunteer. In
// English at desktop size and in Persian at 360 px, axe-clean, screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, addUsers, serverBinary, LOCALES, COMMON_PASSWORDS, ROOT } from './lib/server.mjs';
import { launchBrowser, signedIn, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { assertAxeClean as axeClean } from './lib/axe.mjs';

const PASSWORD = 'dispatch board passphrase 7';
const COORD = { email: 'coord@dispatch.example', name: 'Cyrus Coordinator', role: 'coordinator' };
const HOME = { lat: 35.7575, lon: 51.4098 };

let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, [COORD], PASSWORD);
  const r = spawnSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', 'vic@dispatch.example', '--name', 'Vida Volunteer',
    '--role', 'volunteer', '--home', `${HOME.lat + 0.004},${HOME.lon}`, '--password-stdin'], { input: `${PASSWORD}\n`, encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

const CASES = [
  { lang: 'en', viewport: null, name: 'Parvin Phone', coords: '۳۵٫۷۵۷۵، ۵۱٫۴۰۹۸', digits: /[0-9]/ },
  { lang: 'fa', viewport: { width: 360, height: 740 }, name: 'پروین تلفنی', coords: '35.7575, 51.4098', digits: /[۰-۹]/ },
];

for (const c of CASES) {
  test(`a request taken by phone, placed by typed coordinates and assigned from the board (${c.lang}${c.viewport ? ', 360 px' : ''})`, async () => {
    const L = LOCALES[c.lang];
    const { context, page, problems } = await signedIn(browser, server.url, { login: COORD.email, password: PASSWORD, lang: c.lang, viewport: c.viewport });
    try {
      await page.click('.work-nav a[href="/dispatch"]');
      await waitForShell(page);
      await page.waitForSelector('#dispatch-board:not([hidden])');
      // The phone intake form, refused without the person's consent, naming the field.
      await page.click('#dispatch-intake summary');
      await page.fill('#intake-name', c.name);
      await page.fill('#intake-phone', '0912 555 0177');
      await page.fill('#intake-address', 'Gandhi St 4');
      await page.fill('#intake-place', 'Nowhere-place-xyz');
      await page.selectOption('#intake-kind', 'medicine');
      await page.fill('#intake-call-window', c.lang === 'fa' ? 'صبح‌ها پیش از ده' : 'mornings before ten');
      await page.click('#intake-submit');
      await page.waitForSelector('#intake-error:not([hidden])');
      assert.equal(await page.getAttribute('#intake-consent', 'aria-invalid'), 'true');
      await page.check('#intake-consent');
      await page.click('#intake-submit');
      await page.waitForSelector('#intake-done:not([hidden])');
      assert.match(await page.textContent('#intake-done'), /[2-9A-HJKMNP-Z]{8}/, 'the tracking code to read out');
      // The request opened in the detail: no area yet, the call time, the hour it came in.
      await page.waitForSelector('#dispatch-detail:not([hidden])');
      await page.waitForSelector('#dispatch-area-none:not([hidden])');
      const contact = await page.textContent('#dispatch-contact');
      assert.ok(contact.includes(c.lang === 'fa' ? 'صبح‌ها پیش از ده' : 'mornings before ten'), contact);
      assert.ok(contact.includes(L['source.phone']), contact);
      assert.ok(contact.includes(L['time.just_now']), 'age: just now');
      assert.match(contact, c.lang === 'fa' ? /[۰-۹]{2}:[۰-۹]{2}/ : /\d{2}:\d{2}/, 'the time of day');
      // The queue: the coordinators' wording, never "0 h ago", the missing area said.
      const queue = await page.textContent('#dispatch-queue');
      assert.ok(queue.includes(L['rqstaff.open']) && queue.includes(L['time.just_now']), queue);
      assert.ok(queue.includes(L['dispatch.no_area_badge']), queue);
      assert.ok(!queue.includes(L['rqstatus.new']), 'not the requester\'s wording');
      assert.doesNotMatch(queue, /\b0 h\b|۰ ساعت/);
      await axeClean(page, `dispatch with an unplaced request (${c.lang})`);
      await page.screenshot({ path: join(shots, `dispatch-unplaced-${c.lang}.png`), fullPage: true });
      // A bad pair of numbers is refused next to the field; a good one (other digits) places it.
      await page.fill('#dispatch-coords', '35.7');
      await page.click('#dispatch-coords-form button[type="submit"]');
      await page.waitForSelector('#dispatch-coords-error:not([hidden])');
      await page.fill('#dispatch-coords', c.coords);
      await page.click('#dispatch-coords-form button[type="submit"]');
      await page.waitForSelector('#dispatch-area-saved:not([hidden])');
      assert.ok(await page.isHidden('#dispatch-area-none'));
      assert.match(await page.textContent('#dispatch-area-value'), c.digits);
      // The nearby volunteer is suggested; assigning gives them the request.
      const vida = page.locator('#dispatch-suggestions .vet-item', { hasText: 'Vida Volunteer' });
      await vida.waitFor();
      await vida.locator('button').click();
      await page.waitForFunction((t) => document.getElementById('dispatch-detail-title').textContent.includes(t), L['rqstaff.claimed']);
      const log = await page.textContent('#dispatch-log');
      assert.ok(log.includes(L['rqstaff.claimed']), log);
      assert.doesNotMatch(log, /\b(new|open|claimed)\b/, 'no raw status codes');
      await page.screenshot({ path: join(shots, `dispatch-assigned-${c.lang}.png`), fullPage: true });
      assert.deepEqual(faults(problems), []);
    } finally {
      await context.close();
    }
  });
}
