// challenges.test.mjs — challenges, ideas and votes in a browser, in Persian and English, at
// 360 px and on a desktop. An organiser finds "Organise challenges" in the staff navigation and
// opens a challenge through its form. A new person finds "Challenges" in the public navigation,
// reads the demo challenge without JavaScript, joins from its "sign in or join" link and comes
// back to it signed in, votes up to the budget (the next vote is refused with the budget
// message), takes a vote back (the votes left as the server counts them), submits an idea in the
// ideas phase, comments and reports it. The organiser then hides a reported idea with a reason
// on the moderation page, and the public no longer sees it. A vote sent after voting closed is
// refused with the phase in words. axe-clean; screenshots test-output/screenshots/challenges-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, serverBinary, ROOT, WEB } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults, signedIn } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const LOCALES = {
  fa: JSON.parse(readFileSync(join(WEB, 'locales', 'fa.json'), 'utf8')),
  en: JSON.parse(readFileSync(join(WEB, 'locales', 'en.json'), 'utf8')),
};
const COMMON_LIST = join(ROOT, 'tests', 'api', 'fixtures', 'common-passwords.txt');
const PASSWORD = 'correct horse battery staple';
const MEMBER_PASSWORD = 'a long passphrase of mine';
const ORGANISER = 'organiser@example.org';
const SIZES = { 360: { width: 360, height: 780 }, desktop: { width: 1280, height: 900 } };
const DAY = 86400;

// The server's clock, moved by the last test (the file holds seconds to add to real time).
const clockDir = mkdtempSync(join(tmpdir(), 'hamyari-clock-'));
const CLOCK = join(clockDir, 'clock');
writeFileSync(CLOCK, '0\n');

let server, browser, shots;
let opened = null; // the challenge the organiser opened: { id } (ideas phase)

before(async () => {
  server = await startServer({
    // Sessions that outlast the two days the last test moves the clock by.
    args: ['--demo', '--password-list', COMMON_LIST, '--rate-login-ip', '1000', '--rate-form-ip', '1000',
      '--session-idle', String(10 * DAY), '--session-max', String(10 * DAY)],
    env: { HAMYARI_TEST_CLOCK_FILE: CLOCK },
  });
  execFileSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', ORGANISER, '--role', 'coordinator',
    '--name', 'Olga Organiser', '--password-stdin'], { input: `${PASSWORD}\n` });
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
  rmSync(clockDir, { recursive: true, force: true });
});

async function axeClean(page, what) {
  const { blocking } = await runAxe(page, { include: '#main' });
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

async function fits(page, viewport, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= viewport.width, `${what}: the page is ${width} px wide`);
}

/** A JSON API call from the page as its signed-in account (with the session's CSRF token). */
function apiAs(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch(path, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token || '' },
    });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, { method, path, body });
}

async function demoChallenge() {
  const r = await fetch(`${server.url}/api/v1/challenges`);
  const c = (await r.json()).challenges.find((x) => x.demo);
  assert.ok(c, 'the demo has a challenge');
  assert.equal(c.phase, 'voting');
  return c;
}

/** Presses a vote form's button and returns the message it shows. */
async function pressVote(page, form) {
  const msg = form.locator('.idea-vote-msg');
  await msg.evaluate((el) => { el.textContent = ''; });
  await form.locator('button:not([disabled])').click();
  await page.waitForFunction((el) => el.textContent.trim() !== '', await msg.elementHandle());
  return (await msg.textContent()).trim();
}

describe('challenges, ideas and votes in a browser', () => {
  for (const [lang, size] of [['en', 'desktop'], ['fa', '360']]) {
    it(`an organiser opens a challenge from the staff navigation (${lang}, ${size})`, async () => {
      const viewport = SIZES[size];
      const { context, page, problems } = await signedIn(browser, server.url, { login: ORGANISER, password: PASSWORD, lang, viewport });
      await page.goto(`${server.url}/?lang=${lang}`);
      await waitForShell(page);
      assert.equal(await page.locator('#work-nav a[href="/challenges-admin"]').count(), 1, 'Organise challenges in the staff navigation');
      await page.goto(`${server.url}/challenges-admin`);
      await waitForShell(page);
      const main = page.locator('#main');
      await main.locator('#chadmin-view').waitFor({ state: 'visible' });
      assert.equal((await main.locator('h1').textContent()).trim(), LOCALES[lang]['chadmin.h1']);
      // Nothing typed: the title is asked for, and nothing is opened.
      await main.locator('#chadmin-form button[type="submit"]').click();
      await main.locator('#chadmin-error').waitFor({ state: 'visible' });
      assert.equal(await main.locator('#ch-title_fa').getAttribute('aria-invalid'), 'true');
      await main.locator('#ch-title_fa').fill(`چالش آزمایشی ${size}`);
      await main.locator('#ch-title_en').fill(`Browser challenge ${size}`);
      await main.locator('#ch-problem_fa').fill('کوچه‌ها در شب تاریک است.');
      await main.locator('#ch-problem_en').fill('The lanes are dark at night.');
      await main.locator('#ch-ideas_days').fill('5');
      await main.locator('#ch-voting_days').fill('5');
      await main.locator('#ch-votes_per_person').fill('2');
      await main.locator('#ch-show_votes').check();
      await main.locator('#ch-threshold').fill('3');
      assert.notEqual((await main.locator('#ch-phase-preview').textContent()).trim(), '', 'the phases\' dates are previewed');
      await page.screenshot({ path: join(shots, `challenges-admin-${lang}-${size}.png`), fullPage: true });
      await axeClean(page, `organiser page (${lang}, ${size})`);
      await main.locator('#chadmin-form button[type="submit"]').click();
      await main.locator('#chadmin-done').waitFor({ state: 'visible' });
      assert.ok(await main.locator('#chadmin-list a', { hasText: lang === 'en' ? `Browser challenge ${size}` : `چالش آزمایشی ${size}` }).count(), 'listed');
      await Promise.all([page.waitForURL(/\/challenges\/[0-9a-f]{32}\?lang=/), main.locator('#chadmin-done-link').click()]);
      const id = /\/challenges\/([0-9a-f]{32})/.exec(page.url())[1];
      opened ??= { id };
      await waitForShell(page);
      assert.equal(await main.locator('.phase-current strong').textContent(), LOCALES[lang]['challenges.phase_ideas'].replace(/^./, (c) => c.toUpperCase()));
      assert.equal(await main.locator('a[href^="/challenge-moderation?id="]').count(), 1, 'the moderation link for organisers');
      await fits(page, viewport, 'the new challenge');
      assert.deepEqual(faults(problems), []);
      await context.close();
    });
  }

  for (const lang of ['fa', 'en']) {
    for (const size of ['360', 'desktop']) {
      it(`a new person reads without JavaScript, joins, votes, submits an idea, comments and reports (${lang}, ${size})`, async () => {
        const viewport = SIZES[size];
        const demo = await demoChallenge();
        const L = LOCALES[lang];

        // Without JavaScript: from the navigation to the demo challenge, readable.
        const plain = await newContext(browser, { lang, viewport, javaScriptEnabled: false });
        const pp = await plain.newPage();
        await pp.goto(`${server.url}/?lang=${lang}`);
        assert.ok(await pp.locator('nav a[href="/challenges"]').count(), 'Challenges in the public navigation');
        await pp.goto(`${server.url}/challenges?lang=${lang}`);
        await Promise.all([pp.waitForURL(/\/challenges\/[0-9a-f]{32}/), pp.locator(`#main a[href="/challenges/${demo.id}?lang=${lang}"]`).click()]);
        const pm = pp.locator('#main');
        assert.equal((await pm.locator('h1').textContent()).trim(), lang === 'fa' ? demo.title_fa : demo.title_en);
        assert.equal(await pm.locator('.phase-current strong').textContent(), lang === 'fa' ? 'رأی‌گیری' : 'Voting');
        assert.equal(await pm.locator('.idea-card').count(), 4);
        if (lang === 'fa') assert.match(await pm.locator('.challenge-phases').textContent(), /[۰-۹]/, 'Persian digits');
        assert.equal(await pm.locator('#take-part a[href^="/join?next="]').count(), 1);
        await pp.screenshot({ path: join(shots, `challenges-nojs-${lang}-${size}.png`), fullPage: true });
        await fits(pp, viewport, 'the challenge without scripts');
        await plain.close();

        // With JavaScript: join from the challenge, sign in, and come back to it.
        const context = await newContext(browser, { lang, viewport });
        const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url, allowStatus: (u, s) => s === 409 && /\/vote$/.test(u) });
        const main = page.locator('#main');
        const self = `${server.url}/challenges/${demo.id}?lang=${lang}`;
        await page.goto(self);
        await waitForShell(page);
        await Promise.all([page.waitForURL(/\/join\?next=/), main.locator('#take-part a[href^="/join"]').click()]);
        await waitForShell(page);
        const email = `joiner-${lang}-${size}@example.org`;
        await main.locator('#join-name').fill(lang === 'fa' ? 'نرگس' : 'Narges');
        await main.locator('#join-email').fill(email);
        await main.locator('#join-password').fill(MEMBER_PASSWORD);
        await main.locator('#join-consent').check();
        await main.locator('#join-submit').click();
        await main.locator('#join-done').waitFor({ state: 'visible' });
        await Promise.all([page.waitForURL(/\/signin\?next=/), main.locator('#join-done a').click()]);
        await waitForShell(page);
        await main.locator('#signin-login').fill(email);
        await main.locator('#signin-password').fill(MEMBER_PASSWORD);
        await Promise.all([page.waitForURL(self), main.locator('#signin-submit').click()]);
        await waitForShell(page);

        // Votes up to the budget (3), then the budget message; take one back.
        const forms = main.locator('form.idea-vote');
        assert.equal(await forms.count(), 4);
        assert.ok((await main.locator('#votes-left').textContent()).length > 0);
        for (let i = 0; i < 3; i++) assert.equal(await pressVote(page, forms.nth(i)), L['challenges.vote_counted']);
        assert.equal(await main.locator('#votes-left').getAttribute('data-used'), '3');
        assert.equal(await pressVote(page, forms.nth(3)), L['error.vote_budget_spent'], 'the fourth vote is refused with the budget message');
        assert.equal(await forms.nth(3).getAttribute('data-voted'), '0');
        await page.screenshot({ path: join(shots, `challenges-budget-${lang}-${size}.png`), fullPage: true });
        assert.equal(await pressVote(page, forms.nth(0)), L['challenges.vote_taken_back']);
        const left = (await main.locator('#votes-left').textContent()).trim();
        await page.reload();
        await waitForShell(page);
        assert.equal((await main.locator('#votes-left').textContent()).trim(), left, 'the votes left as the server counts them');
        assert.equal(await main.locator('form.idea-vote[data-voted="1"]').count(), 2);
        await axeClean(page, `the challenge while voting (${lang}, ${size})`);
        await fits(page, viewport, 'the challenge while voting');

        // An idea in the organiser's challenge (its ideas phase), a comment and a report.
        assert.ok(opened, 'the organiser opened a challenge');
        await page.goto(`${server.url}/challenges/${opened.id}?lang=${lang}`);
        await waitForShell(page);
        const title = `${lang === 'fa' ? 'چراغ کوچه' : 'Lane lights'} ${size}`;
        await main.locator('#idea-title').fill(title);
        await main.locator('#idea-description').fill(lang === 'fa' ? 'هر خانه یک چراغ کوچک روشن بگذارد.' : 'Each house leaves a small light on.');
        await main.locator('#idea-team').fill(lang === 'fa' ? 'همسایه‌های کوچهٔ سوم' : 'Neighbours of the third lane');
        await main.locator('#idea-links').fill('https://example.org/lights');
        await main.locator('#idea-tags').fill(lang === 'fa' ? 'روشنایی، امنیت' : 'light, safety');
        await axeClean(page, `the idea form (${lang}, ${size})`);
        await page.screenshot({ path: join(shots, `challenges-ideaform-${lang}-${size}.png`), fullPage: true });
        await Promise.all([page.waitForURL(/\/ideas\/[0-9a-f]{32}\?lang=/), main.locator('#idea-form button[type="submit"]').click()]);
        await waitForShell(page);
        assert.equal((await main.locator('h1').textContent()).trim(), title);
        assert.equal(await main.locator('.idea-tags li').count(), 2);
        assert.equal(await main.locator('.idea-links a[href="https://example.org/lights"]').count(), 1);
        const comment = lang === 'fa' ? 'فکر خوبی است.' : 'A good thought.';
        await main.locator('#comment-body').fill(comment);
        await main.locator('#comment-form button[type="submit"]').click();
        await main.locator('.comment-list .comment-body', { hasText: comment }).waitFor();
        await main.locator('details.report summary').first().click();
        const report = main.locator('form.report-form').first();
        await report.locator('textarea').fill(lang === 'fa' ? 'تبلیغ است' : 'This is advertising');
        await report.locator('button').click();
        await report.locator('.report-msg', { hasText: await report.getAttribute('data-done') }).waitFor();
        await page.screenshot({ path: join(shots, `challenges-idea-${lang}-${size}.png`), fullPage: true });
        await axeClean(page, `the idea page (${lang}, ${size})`);
        await fits(page, viewport, 'the idea page');
        // The refused vote (409) is the browser's console line, expected here.
        assert.deepEqual(faults(problems).filter((p) => !/(status of 409 .*|HTTP 409: .*)\/vote\)?$/.test(p)), []);
        await context.close();
      });
    }
  }

  for (const [lang, size] of [['en', 'desktop'], ['fa', '360']]) {
    it(`the organiser hides a reported idea with a reason (${lang}, ${size})`, async () => {
      const viewport = SIZES[size];
      const { context, page, problems } = await signedIn(browser, server.url, { login: ORGANISER, password: PASSWORD, lang, viewport });
      await page.goto(`${server.url}/challenges/${opened.id}?lang=${lang}`);
      await waitForShell(page);
      const main = page.locator('#main');
      await Promise.all([page.waitForURL(/\/challenge-moderation\?id=/), main.locator('a[href^="/challenge-moderation?id="]').click()]);
      await waitForShell(page);
      await main.locator('#chmod-view').waitFor({ state: 'visible' });
      const reported = main.locator('#chmod-reports input[name="idea"]');
      assert.ok(await reported.count() >= 2, 'the reports are listed');
      // The first reported idea that is still shown.
      const visible = main.locator('#chmod-ideas li', { hasText: LOCALES[lang]['chmod.visible'] }).locator('input[name="idea"]');
      const ideaId = await visible.first().getAttribute('value');
      await main.locator(`#chmod-reports input[value="${ideaId}"]`).check();
      // No reason: refused, nothing hidden.
      await main.locator('#chmod-hide').click();
      assert.equal((await main.locator('#chmod-msg').textContent()).trim(), LOCALES[lang]['chmod.reason_needed']);
      await main.locator('#chmod-reason').fill(lang === 'fa' ? 'تبلیغ' : 'Advertising');
      await main.locator('#chmod-hide').click();
      await main.locator('#chmod-msg', { hasText: lang === 'fa' ? 'پنهان شد' : 'hidden' }).waitFor();
      assert.match(await main.locator(`#chmod-ideas li:has(input[value="${ideaId}"])`).textContent(), lang === 'fa' ? /تبلیغ/ : /Advertising/);
      await page.screenshot({ path: join(shots, `challenges-moderation-${lang}-${size}.png`), fullPage: true });
      await axeClean(page, `the moderation page (${lang}, ${size})`);
      await fits(page, viewport, 'the moderation page');
      // The public no longer sees it.
      const r = await fetch(`${server.url}/ideas/${ideaId}?lang=${lang}`);
      assert.equal(r.status, 404);
      const list = await (await fetch(`${server.url}/challenges/${opened.id}?lang=${lang}`)).text();
      assert.ok(!list.includes(`id="idea-${ideaId}"`));
      assert.deepEqual(faults(problems), []);
      await context.close();
    });
  }

  it('a vote sent after voting closed is refused with the phase in words (en, 360)', async () => {
    const { context, page, problems } = await signedIn(browser, server.url, { login: ORGANISER, password: PASSWORD, lang: 'en', viewport: SIZES[360] });
    const now = Math.floor(Date.now() / 1000);
    const c = await apiAs(page, 'POST', '/api/v1/challenges', { title_en: 'Closing soon', ideas_at: now - 10, ideas_days: 1, voting_days: 1 });
    assert.equal(c.status, 201);
    const i = await apiAs(page, 'POST', `/api/v1/challenges/${c.json.id}/ideas`, { title: 'Late idea', description: 'An idea whose voting is about to close.' });
    assert.equal(i.status, 201);
    writeFileSync(CLOCK, `${DAY + 60}\n`); // voting is open
    await page.goto(`${server.url}/challenges/${c.json.id}?lang=en`);
    await waitForShell(page);
    writeFileSync(CLOCK, `${2 * DAY + 120}\n`); // and now it has closed
    const msg = await pressVote(page, page.locator('#main form.idea-vote').first());
    assert.equal(msg, LOCALES.en['challenges.wrong_phase'].replace('{phase}', LOCALES.en['challenges.phase_results']));
    writeFileSync(CLOCK, '0\n');
    assert.deepEqual(faults(problems).filter((p) => !/(status of 409 .*|HTTP 409: .*)\/vote\)?$/.test(p)), []);
    await context.close();
  });
});
