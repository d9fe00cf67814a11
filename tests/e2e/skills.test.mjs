// skills.test.mjs — skills matching walked as people do: an organisation's person registers it
// from the navigation (fa, 360 px), a coordinator verifies it, the person posts a need; a
// volunteer (en, desktop) notes their skills on "Organisations' needs", sees the need ranked for
// them and offers to help; the organisation sees the volunteer without contact details, accepts,
// and only then both sides see each other's contact. Screenshots in test-output/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, addUsers, LOCALES, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, signedIn, waitForShell, screenshotDir, faults } from './lib/browser.mjs';

const PASSWORD = 'skills matching walk passphrase';
const ORG = { email: 'org-fa@skills.example', name: 'مریم کریمی', role: 'volunteer' };
const VOL = { email: 'vol-en@skills.example', name: 'Kwame Mensah', role: 'volunteer' };
const COORD = { email: 'coord@skills.example', name: 'Coordinator', role: 'coordinator' };
let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, [ORG, VOL, COORD], PASSWORD);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

/** A signed-in API session of `person`: call(method, path, body) → JSON (asserts 2xx). */
async function apiAs(person) {
  const r = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: person.email, password: PASSWORD }) });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(server.url + path, { method, headers: { cookie, 'x-csrf-token': csrf, origin: server.url, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

test('an organisation registers and posts a need; a volunteer offers; contact only after acceptance', async () => {
  const fa = LOCALES.fa, en = LOCALES.en;
  const coord = await apiAs(COORD);
  const org = await signedIn(browser, server.url, { login: ORG.email, password: PASSWORD, lang: 'fa', viewport: { width: 360, height: 800 } });
  const vol = await signedIn(browser, server.url, { login: VOL.email, password: PASSWORD, lang: 'en', viewport: { width: 1280, height: 900 } });
  try {
    // The organisation's person, from the navigation's menu.
    let page = org.page;
    await page.click('.work-nav a[href="/orgs"]');
    await waitForShell(page);
    assert.equal(await page.textContent('#main h1'), fa['orgs.h1']);
    await page.fill('#orgs-name', 'درمانگاه نمونه نارمک');
    await page.selectOption('#orgs-kind', 'clinic');
    await page.fill('#orgs-area', 'نارمک');
    await page.fill('#orgs-contact', 'پذیرش ۰۲۱ ۱۲۳۴ ۵۶۷۸');
    await page.click('#orgs-form button[type=submit]');
    await page.locator('#orgs-mine section[data-org]').waitFor();
    assert.equal((await page.textContent('#orgs-form-msg')).trim(), fa['orgs.registered']);
    const orgId = await page.getAttribute('#orgs-mine section[data-org]', 'data-org');
    // Pending: its needs are not public until a coordinator verifies it.
    await coord('POST', `/api/v1/orgs/${orgId}/verify`);
    await page.reload();
    await waitForShell(page);
    const block = page.locator(`#orgs-mine section[data-org="${orgId}"]`);
    await block.locator('form input[name=title]').fill('ترجمهٔ بروشورهای بیمار');
    await block.locator('form select[name=skill]').selectOption('translation');
    await block.locator('form select[name=min_level]').selectOption('experienced');
    await block.locator('form input[name=people]').fill('2');
    await block.locator('form input[name=commitment]').fill('چهار ساعت در هفته');
    await block.locator('form button[type=submit]').click();
    await block.locator('li[data-need]').waitFor();
    const needId = await block.locator('li[data-need]').getAttribute('data-need');
    assert.ok(await overflow(page) <= 0, 'no sideways scrolling at 360 px');
    await page.screenshot({ path: join(shots, 'skills-orgs-fa-360.png'), fullPage: true });

    // The volunteer, from the navigation: skills, the ranked need, the offer.
    const vp = vol.page;
    await vp.click('#nav-menu summary');
    await vp.click('#nav-menu a[href="/needs"]');
    await waitForShell(vp);
    assert.equal(await vp.textContent('#main h1'), en['needs.h1']);
    await vp.locator('#needs-skill-translation').waitFor();
    await vp.selectOption('#needs-skill-translation', 'expert');
    await vp.click('#needs-skills-form button[type=submit]');
    await vp.waitForFunction((text) => document.getElementById('needs-skills-msg').textContent === text, en['needs.skills_saved']);
    await vp.locator(`#needs-list li[data-id="${needId}"] button`).waitFor();
    assert.match(await vp.textContent('#needs-list-note'), /best fit first/);
    await vp.click(`#needs-list li[data-id="${needId}"] button`);
    await vp.locator('#needs-offers li').waitFor();
    assert.match(await vp.textContent('#needs-offers'), new RegExp(en['needs.offer_offered']));
    assert.ok(!(await vp.textContent('#needs-offers')).includes('@skills.example'), 'no contact before acceptance');
    await vp.screenshot({ path: join(shots, 'skills-needs-en-1280.png'), fullPage: true });

    // The organisation sees the volunteer without contact details, then accepts.
    await page.reload();
    await waitForShell(page);
    const need = page.locator(`li[data-need="${needId}"]`);
    await need.locator('button').click();
    await need.locator('ul[data-candidates] li h4').waitFor();
    assert.equal((await need.locator('ul[data-candidates] li h4').first().textContent()).trim(), VOL.name);
    assert.ok(!(await need.textContent()).includes(VOL.email), 'no e-mail before acceptance');
    await need.locator(`ul[data-offers] button`).first().click(); // accept
    await need.locator('ul[data-offers] .notice').waitFor();
    assert.match(await need.locator('ul[data-offers] .notice').textContent(), new RegExp(VOL.email.replace('.', '\\.')));
    assert.ok(await overflow(page) <= 0, 'no sideways scrolling at 360 px');
    await page.screenshot({ path: join(shots, 'skills-orgs-accepted-fa-360.png'), fullPage: true });

    // The volunteer now sees the contact of the person who posted the need.
    await vp.reload();
    await waitForShell(vp);
    await vp.locator('#needs-offers .notice').waitFor();
    assert.match(await vp.textContent('#needs-offers .notice'), new RegExp(ORG.email.replace('.', '\\.')));
    await vp.screenshot({ path: join(shots, 'skills-needs-accepted-en-1280.png'), fullPage: true });
    assert.deepEqual(faults(org.problems), []);
    assert.deepEqual(faults(vol.problems), []);
  } finally {
    await org.context.close();
    await vol.context.close();
  }
});

test('the public needs list, signed out, in both languages at 360 px and desktop', async () => {
  for (const [lang, width] of [['fa', 360], ['en', 1280]]) {
    const context = await browser.newContext({ locale: lang, viewport: { width, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/needs`);
      await waitForShell(page);
      assert.equal(await page.textContent('#main h1'), LOCALES[lang]['needs.h1']);
      await page.locator('#needs-list li').first().waitFor();
      assert.ok(await page.isHidden('#needs-mine'), 'no skills form when signed out');
      assert.ok(await overflow(page) <= 0);
      await page.screenshot({ path: join(shots, `skills-needs-public-${lang}-${width}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  }
});
