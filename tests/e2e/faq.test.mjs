// faq.test.mjs — the FAQ assistant in a browser: the chat box in every page's footer answers
// in Persian (360 px) and English (desktop) with links and feedback, "talk to a person" makes a
// call-back request; without JavaScript the same box and the /faq form lead to the server's
// answers page, whose feedback buttons work; editors keep the synonym list on /synonyms (from
// their navigation) and a search then finds by the new word. axe-clean, with screenshots.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, serverBinary, WEB } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, OUTPUT } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const PASSWORD = 'correct horse battery staple';
const EN = JSON.parse(readFileSync(join(WEB, 'locales', 'en.json'), 'utf8'));
const FA = JSON.parse(readFileSync(join(WEB, 'locales', 'fa.json'), 'utf8'));
const SHOTS = join(OUTPUT, 'screenshots');
const PHONE = { width: 360, height: 740 };

let server, browser;

before(async () => {
  server = await startServer({ args: ['--demo'] });
  execFileSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', 'editor@example.org', '--role', 'editor', '--name', 'Editor', '--password-stdin'],
    { input: `${PASSWORD}\n` });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(path, { lang = 'en', viewport, js = true, login } = {}) {
  const ctx = await newContext(browser, { lang, javaScriptEnabled: js, ...(viewport ? { viewport } : {}) });
  if (login) {
    const r = await ctx.request.post(`${server.url}/api/v1/auth/login`, { data: { login, password: PASSWORD } });
    assert.equal(r.status(), 200, await r.text());
    await ctx.addInitScript(() => localStorage.setItem('hamyari.signed_in', '1'));
  }
  const p = await instrumentedPage(ctx, { allowedOrigin: server.url });
  await p.page.goto(server.url + path);
  if (js) await waitForShell(p.page);
  return { ctx, page: p.page, problems: p.problems };
}

async function axeClean(page, what) {
  const { blocking } = await runAxe(page);
  assert.deepEqual(blocking, [], `${what}: ${describeViolations(blocking)}`);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
  assert.equal(sideways, false, `${what} scrolls sideways`);
}

describe('FAQ assistant', () => {
  it('the footer chat answers in Persian at 360 px, with links and feedback', async () => {
    const { ctx, page, problems } = await open('/?lang=fa', { lang: 'fa', viewport: PHONE });
    assert.equal((await page.textContent('#faq-chat-h')).trim(), FA['chat.title']);
    // typed with Arabic yeh/kaf and without the zero-width non-joiner
    await page.fill('#faq-chat-q', 'چه كسي شماره مرا ميبيند؟');
    await page.click('#faq-chat-form button[type=submit]');
    await page.waitForSelector('.faq-chat-answer');
    const answers = page.locator('.faq-chat-answer');
    const n = await answers.count();
    assert.ok(n >= 1 && n <= 3, `${n} answers`);
    assert.match(await answers.first().locator('a').getAttribute('href'), /^\/doc\?id=[0-9a-f]{32}$/);
    assert.match(await page.textContent('.faq-chat-answers'), /شماره/);
    await answers.first().locator('button', { hasText: FA['chat.helped'] }).click();
    await page.waitForSelector(`.faq-chat-feedback:has-text("${FA['chat.thanks']}")`);
    await axeClean(page, 'chat fa 360');
    const box = await page.locator('#faq-chat').boundingBox();
    assert.ok(box.width <= PHONE.width, `the chat fits: ${box.width}`);
    await page.locator('#faq-chat').screenshot({ path: join(SHOTS, 'faq-chat-fa-360.png') });
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it('"talk to a person" turns the conversation into a call-back request (English, desktop)', async () => {
    const { ctx, page, problems } = await open('/library?lang=en');
    await page.fill('#faq-chat-q', 'Can someone bring my medication?');
    await page.click('#faq-chat-form button[type=submit]');
    await page.waitForSelector('.faq-chat-person');
    assert.match(await page.textContent('.faq-chat-answers'), /medicine/i, 'the synonym found the medicine answer');
    await page.click('.faq-chat-person');
    await page.fill('.faq-chat-callback input[name=name]', 'Maryam Test');
    await page.fill('.faq-chat-callback input[name=phone]', '09121234567');
    await page.fill('.faq-chat-callback input[name=address]', 'Tajrish, Tehran');
    await page.check('.faq-chat-callback input[name=consent]');
    await page.click('.faq-chat-callback button[type=submit]');
    const done = page.locator('.faq-chat-reply [role=status]');
    await done.waitFor();
    assert.match(await done.textContent(), /[A-Z0-9]{8}/);
    await axeClean(page, 'chat en desktop');
    await page.locator('#faq-chat').screenshot({ path: join(SHOTS, 'faq-chat-en-desktop.png') });
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  for (const [lang, viewport, q] of [['fa', PHONE, 'چطور داوطلب شوم؟'], ['en', undefined, 'How do I ask for help?']]) {
    it(`without JavaScript the /faq form gives the answers page, whose feedback works (${lang})`, async () => {
      const { ctx, page } = await open(`/faq?lang=${lang}`, { lang, viewport, js: false });
      await page.fill('#faq-ask-q', q);
      await Promise.all([page.waitForNavigation(), page.click('.faq-ask button[type=submit]')]);
      assert.match(page.url(), /\/faq\/answers\?q=/);
      assert.equal(await page.getAttribute('html', 'dir'), lang === 'fa' ? 'rtl' : 'ltr');
      const n = await page.locator('article.faq-answer').count();
      assert.ok(n >= 1 && n <= 3, `${n} answers`);
      const ld = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent());
      assert.equal(ld['@type'], 'FAQPage');
      assert.equal(ld.mainEntity.length, n);
      await page.screenshot({ path: join(SHOTS, `faq-answers-nojs-${lang}.png`), fullPage: true });
      await Promise.all([page.waitForNavigation(), page.locator('.faq-feedback button[value=true]').first().click()]);
      assert.match(await page.textContent('main'), lang === 'fa' ? /سپاس/ : /Thank you/);
      await ctx.close();
    });
  }

  it('without JavaScript the footer box of any page is a plain form to the answers page', async () => {
    const { ctx, page } = await open('/groups?lang=en', { js: false });
    await page.fill('#faq-chat-q', 'Who sees my address?');
    await Promise.all([page.waitForNavigation(), page.click('#faq-chat-form button[type=submit]')]);
    assert.match(page.url(), /\/faq\/answers\?q=Who/);
    assert.ok(await page.locator('article.faq-answer').count() >= 1);
    await ctx.close();
  });

  it('editors keep the synonym list from their navigation; searches use it at once', async () => {
    const { ctx, page, problems } = await open('/editor?lang=en', { login: 'editor@example.org' });
    await page.click('#work-nav a[href="/synonyms"]');
    await page.waitForSelector('#syn-form:not([hidden])');
    assert.equal((await page.textContent('h1')).trim(), EN['synonyms.h1']);
    const text = await page.inputValue('#syn-text');
    assert.match(text, /کرونا, کووید/);
    await page.fill('#syn-text', `${text}\nquokkafood, groceries`);
    await page.click('#syn-save');
    await page.waitForSelector(`#syn-state:has-text("${EN['synonyms.saved']}")`);
    const r = await (await fetch(`${server.url}/api/v1/faq/answers?q=quokkafood&lang=en`)).json();
    assert.ok(r.answers.length >= 1, 'the new word finds the groceries answers');
    await axeClean(page, 'synonyms');
    await page.screenshot({ path: join(SHOTS, 'synonyms-en.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await ctx.close();
  });
});
