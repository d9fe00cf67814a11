// The neighbour-help board end to end in a browser. A new person joins from the board (and comes
// back to it), posts an ask by typing a place («ونک») and picking it from the gazetteer, is told
// of a near-duplicate before a second one is made (and may post anyway), edits and closes posts.
// Another person finds the ask by place name, answers it, and both agree to share their contact
// details, which appear only then (not after one side agreed, nor after a withdrawn agreement);
// a third person and a signed-out visitor see no contact. The board is read without JavaScript
// too. Persian at 360 px and English on a desktop; axe on every state; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, addUsers, importPlaces, COMMON_PASSWORDS, LOCALES } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, signedIn, faults } from './lib/browser.mjs';
import { assertAxeClean } from './lib/axe.mjs';

const PASSWORD = 'neighbour board passphrase';
const NEW = { name: 'Nasrin Newcomer', email: 'nasrin@board.example', phone: '+989121234567' };
const BOB = { email: 'bob@board.example', name: 'Bob Helper', role: 'member' };
const CAROL = { email: 'carol@board.example', name: 'Carol Third', role: 'member' };
const COORD = { email: 'coord@board.example', name: 'Kaveh Coordinator', role: 'coordinator' };
const ASK = 'انسولین از داروخانهٔ خیابان ولیعصر برای مادرم لازم است';
const FA = LOCALES.fa, EN = LOCALES.en;
const PHONE_360 = { width: 360, height: 740 };

let server, browser, shots;
let asker; // the new person's signed-in page (fa, 360 px)
let convUrl = '';

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  importPlaces(server, ['ونک,Vanak,35.7575,51.41,neighbourhood']);
  addUsers(server, [BOB, CAROL, COORD], PASSWORD);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0);
});

const noHorizontalScroll = async (page, what) => {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `${what}: no sideways scrolling (${w} px)`);
};

// The near-duplicate answer (409) is what the page is tested for; the browser logs it.
const expected409 = (list) => list.filter((p) => !/status of 409 .*\/api\/v1\/board\/posts\)$/.test(p));

async function pickPlace(page, input, typed) {
  await page.fill(input, '');
  await page.locator(input).pressSequentially(typed, { delay: 20 });
  const option = page.locator('.combo-option').first();
  await option.waitFor();
  await option.dispatchEvent('mousedown');
}

test('a new person joins from the board, posts an ask by place, is warned of a near-duplicate, edits and closes (fa, 360 px)', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: PHONE_360 });
  const { page, problems } = await instrumentedPage(context, {
    allowedOrigin: server.url,
    allowStatus: (url, status) => (status === 409 && url.endsWith('/api/v1/board/posts')) || (status === 401 && url.endsWith('/api/v1/me')),
  });
  asker = { context, page, problems };
  // Signed out, the page says to sign in or join, with a way back.
  await page.goto(`${server.url}/board-mine`);
  await waitForShell(page);
  const signin = page.locator('#bm-signin');
  await signin.waitFor();
  assert.equal(await signin.locator('a[href="/join?next=%2Fboard-mine"]').count(), 1);
  await signin.locator('a[href="/join?next=%2Fboard-mine"]').click();
  await waitForShell(page);
  await page.fill('#join-name', NEW.name);
  await page.fill('#join-email', NEW.email);
  await page.fill('#join-phone', NEW.phone);
  await page.fill('#join-password', PASSWORD);
  await page.check('#join-consent');
  await page.click('#join-submit');
  await page.locator('#join-done a[href="/signin?next=%2Fboard-mine"]').click();
  await waitForShell(page);
  await page.fill('#signin-login', NEW.email);
  await page.fill('#signin-password', PASSWORD);
  await page.click('#signin-submit');
  await page.waitForURL(/\/board-mine$/);
  await waitForShell(page);

  const main = page.locator('#main');
  await page.locator('#bm-form').waitFor();
  await page.check('#main input[name="kind"][value="ask"]');
  await page.selectOption('#bm-category', 'medicine');
  await page.fill('#bm-body', ASK);
  await pickPlace(page, '#bm-place', 'ونک');
  await main.getByText(FA['board_mine.place_picked'].replace('{place}', 'ونک')).waitFor();
  assert.match(await page.locator('#bm-start-words').innerText(), /^[۰-۹]+ \S+ [۰-۹]{4}$/, 'the day in Solar Hijri with Persian digits');
  await page.selectOption('#bm-days', '7');
  await page.click('#bm-submit');
  await main.getByText(FA['board_mine.posted']).waitFor();
  await page.locator('#bm-posts li', { hasText: ASK }).waitFor();
  await assertAxeClean(page, 'my posts (fa, 360 px)');
  await noHorizontalScroll(page, 'my posts');
  await page.screenshot({ path: join(shots, 'board-mine-fa-360.png'), fullPage: true });

  // The same ask again: the near-duplicate is shown before anything is made.
  await page.selectOption('#bm-category', 'medicine');
  await page.fill('#bm-body', ASK);
  await pickPlace(page, '#bm-place', 'ونک');
  await page.click('#bm-submit');
  const dup = page.locator('#bm-dup');
  await dup.waitFor();
  assert.ok((await dup.innerText()).includes(ASK), 'the similar post is listed');
  assert.equal(await page.locator('#bm-posts > li').count(), 1, 'nothing made yet');
  await assertAxeClean(page, 'duplicate warning (fa, 360 px)');
  await page.screenshot({ path: join(shots, 'board-duplicate-fa-360.png'), fullPage: true });
  await page.click('#bm-confirm');
  await main.getByText(FA['board_mine.posted']).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#bm-posts > li').length === 2);

  // Close the second one; edit the first.
  await page.locator('#bm-posts > li').first().getByRole('button', { name: FA['board_mine.close'] }).click();
  await main.getByText(FA['board_mine.closed']).waitFor();
  await page.locator('#bm-posts > li', { hasText: FA['board_mine.status_closed'] }).waitFor();
  const open = page.locator('#bm-posts > li', { hasNotText: FA['board_mine.status_closed'] });
  await open.getByRole('button', { name: FA['board_mine.edit'] }).click();
  await page.fill('#bm-body', `${ASK} — تا پنجشنبه`);
  await page.click('#bm-submit');
  await main.getByText(FA['board_mine.saved']).waitFor();
  await page.locator('#bm-posts li', { hasText: 'تا پنجشنبه' }).waitFor();
  assert.deepEqual(expected409(faults(problems)), []);
});

test('another person finds the ask by place, answers it; contact details appear only once both agreed (en desktop + fa 360 px)', async () => {
  const bob = await signedIn(browser, server.url, { login: BOB.email, password: PASSWORD, lang: 'en' });
  const main = bob.page.locator('#main');
  await bob.page.goto(`${server.url}/board`);
  await waitForShell(bob.page);
  await pickPlace(bob.page, '#board-place', 'Vanak');
  await bob.page.selectOption('#main select[name="kind"]', 'ask');
  await Promise.all([bob.page.waitForURL(/\/board\/search\?/), bob.page.click('#main button[type="submit"]')]);
  await main.getByText('تا پنجشنبه').waitFor();
  await assertAxeClean(bob.page, 'board list (en)');
  await bob.page.screenshot({ path: join(shots, 'board-search-en-desktop.png'), fullPage: true });
  await main.locator('li', { hasText: 'تا پنجشنبه' }).locator('a[href*="/board/search?id="]').click();
  await bob.page.locator('#board-answer').waitFor();
  assert.match(await main.locator('time').first().innerText(), /^\d{1,2} [A-Z][a-z]+ 20\d\d$/);
  await bob.page.fill('#board-answer-body', 'I can bring it tomorrow evening; I live near Vanak square.');
  await Promise.all([bob.page.waitForURL(/\/board-chat\?id=/), bob.page.click('#board-answer button[type="submit"]')]);
  convUrl = new URL(bob.page.url()).pathname + new URL(bob.page.url()).search;
  await waitForShell(bob.page);
  await main.getByText('I can bring it tomorrow evening').waitFor();
  await bob.page.click('#bc-agree');
  await bob.page.locator('#bc-withdraw').waitFor();
  assert.ok(await bob.page.locator('#bc-contact').isHidden(), 'no contact after one side agreed');
  // Withdrawn before the other side agreed.
  await bob.page.click('#bc-withdraw');
  await main.getByText(EN['board_chat.me_not']).waitFor();
  assert.ok(!(await main.innerText()).includes(NEW.phone));

  // The asker sees the conversation, answers, agrees: nothing shared, Bob withdrew.
  const { page } = asker;
  await page.goto(`${server.url}/board-mine`);
  await waitForShell(page);
  await page.locator('#bm-convs a[href^="/board-chat?id="]').click();
  await waitForShell(page);
  const amain = page.locator('#main');
  await amain.getByText('I can bring it tomorrow evening').waitFor();
  await page.fill('#bc-body', 'ممنون، شمارهٔ مرا بگیرید.');
  await page.click('#bc-send');
  await amain.getByText('ممنون، شمارهٔ مرا بگیرید.').waitFor();
  await page.click('#bc-agree');
  await amain.getByText(FA['board_chat.me_agreed']).waitFor();
  assert.ok(await page.locator('#bc-contact').isHidden(), 'the other side withdrew: no contact');
  assert.ok(!(await amain.innerText()).includes(BOB.email));

  // Bob agrees again: now both sides see the other's details.
  await bob.page.reload();
  await waitForShell(bob.page);
  await main.getByText('ممنون، شمارهٔ مرا بگیرید.').waitFor();
  await bob.page.click('#bc-agree');
  await bob.page.locator('#bc-contact').waitFor();
  const bobSees = await bob.page.locator('#bc-contact').innerText();
  assert.ok(bobSees.includes(NEW.email) && bobSees.includes(NEW.phone) && bobSees.includes(NEW.name), bobSees);
  assert.ok(await bob.page.locator('#bc-withdraw').isHidden(), 'no withdrawing once both agreed');
  await assertAxeClean(bob.page, 'conversation with contact (en)');
  await bob.page.screenshot({ path: join(shots, 'board-chat-en-desktop.png'), fullPage: true });
  await page.reload();
  await waitForShell(page);
  await page.locator('#bc-contact').waitFor();
  assert.ok((await page.locator('#bc-contact').innerText()).includes(BOB.email));
  await assertAxeClean(page, 'conversation with contact (fa, 360 px)');
  await noHorizontalScroll(page, 'conversation');
  // Messages are not numbered (Persian lists elsewhere are, in Persian digits).
  assert.equal(await page.locator('#bc-messages').evaluate((e) => getComputedStyle(e).listStyleType), 'none');
  await page.screenshot({ path: join(shots, 'board-chat-fa-360.png'), fullPage: true });
  assert.deepEqual(faults(bob.problems), []);
  assert.deepEqual(expected409(faults(asker.problems)), []);
  await bob.context.close();
});

test('a third person and a signed-out visitor see no contact details', async () => {
  assert.ok(convUrl, 'the conversation was made');
  const carol = await signedIn(browser, server.url, { login: CAROL.email, password: PASSWORD, lang: 'en' });
  await carol.page.goto(`${server.url}${convUrl}`);
  await waitForShell(carol.page);
  await carol.page.locator('#bc-error').waitFor();
  const text = await carol.page.locator('#main').innerText();
  assert.ok(text.includes(EN['board_chat.missing']), text);
  assert.ok(!/nasrin|bob@|\+98912/i.test(text) && !text.includes('tomorrow evening'), 'nothing of the conversation');
  await carol.context.close();

  const context = await newContext(browser, { lang: 'fa', viewport: PHONE_360 });
  const page = await context.newPage();
  await page.goto(`${server.url}${convUrl}`);
  await waitForShell(page);
  await page.locator('#bc-signin').waitFor();
  const out = await page.locator('#main').innerText();
  assert.ok(!/nasrin|bob@|\+98912/i.test(out) && !out.includes('tomorrow evening'));
  await context.close();
});

test('read without JavaScript (fa, 360 px): the place typed is looked up by the server; sign in or join to take part', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: PHONE_360, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/board`);
  await page.fill('#board-place', 'ونک');
  await Promise.all([page.waitForURL(/\/board\/search\?/), page.locator('#main button[type="submit"]').click()]);
  const main = page.locator('#main');
  await main.getByText('تا پنجشنبه').waitFor();
  const txt = await main.innerText();
  assert.ok(!/nasrin|Newcomer|\+98912/i.test(txt), 'no personal details');
  await noHorizontalScroll(page, 'board list without scripts');
  await page.screenshot({ path: join(shots, 'board-search-nojs-fa-360.png'), fullPage: true });
  await main.locator('li', { hasText: 'تا پنجشنبه' }).locator('a[href*="/board/search?id="]').click();
  await main.locator('a[href^="/signin?next=%2Fboard%2Fsearch%3Fid%3D"]').waitFor();
  await main.locator('a[href^="/join?next=%2Fboard%2Fsearch%3Fid%3D"]').waitFor();
  for (const d of await main.locator('time').allInnerTexts()) assert.match(d, /^[۰-۹]+ \S+ [۰-۹]{4}$/, d);
  assert.ok(!/nasrin|Newcomer|\+98912|bob@/i.test(await main.innerText()));
  await noHorizontalScroll(page, 'a post without scripts');
  await page.screenshot({ path: join(shots, 'board-post-nojs-fa-360.png'), fullPage: true });
  await context.close();
  await asker.context.close();
});

test('a coordinator hides a post from its page with a reason, and restores it (en desktop)', async () => {
  const coord = await signedIn(browser, server.url, { login: COORD.email, password: PASSWORD, lang: 'en' });
  const { page } = coord;
  const main = page.locator('#main');
  await page.goto(`${server.url}/board/search?place=Vanak&lang=en`);
  await waitForShell(page);
  await main.locator('li', { hasText: 'تا پنجشنبه' }).locator('a[href*="/board/search?id="]').click();
  await waitForShell(page);
  const postUrl = page.url();
  assert.equal(await page.locator('#board-moderate').getAttribute('data-action'), 'hide');
  await assertAxeClean(page, 'a post with moderation (en)');
  await page.fill('#board-moderate-reason', 'A phone number in the text');
  await Promise.all([page.waitForEvent('load'), page.click('#board-moderate button[type="submit"]')]);
  await waitForShell(page);
  await main.getByText('This post has been hidden.').waitFor();
  const visitor = await newContext(browser, { lang: 'en' });
  const r = await (await visitor.newPage()).goto(postUrl);
  assert.equal(r.status(), 404, 'hidden from everyone else');
  await visitor.close();
  await page.fill('#board-moderate-reason', 'Checked with the author');
  await Promise.all([page.waitForEvent('load'), page.click('#board-moderate button[type="submit"]')]);
  await waitForShell(page);
  assert.equal(await page.locator('#board-moderate').getAttribute('data-action'), 'hide', 'restored');
  assert.deepEqual(faults(coord.problems), []);
  await coord.context.close();
});

test('axe: the board pages with scripts, fa 360 px and en desktop', async () => {
  for (const [lang, viewport] of [['fa', PHONE_360], ['en', { width: 1280, height: 900 }]]) {
    const context = await newContext(browser, { lang, viewport });
    const page = await context.newPage();
    for (const path of ['/board', `/board/search?place=${encodeURIComponent('ونک')}&lang=${lang}`]) {
      await page.goto(`${server.url}${path}`);
      await waitForShell(page);
      await assertAxeClean(page, `${path} (${lang})`);
    }
    await context.close();
  }
});
