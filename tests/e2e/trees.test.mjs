// trees.test.mjs — the "What should I do?" guides in a browser. A new visitor finds them from
// the home page; the sample guide is walked one question at a time to a result, with back and
// restart, in Persian (right to left, Persian digits) and English, at 360 px and on a desktop,
// with and without JavaScript (plain form posts carrying the answers); the page says when it was
// last reviewed; axe-clean; screenshots. An editor opens the tree editor, sees a broken
// document's problems listed by node, saves a fixed one as a new draft, previews it and
// publishes it; a volunteer is refused the editor.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, serverBinary } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const PASSWORD = 'correct horse battery staple';
const SAMPLE = 'epidemic-self-check';
let server, browser, shots;

function addUser(email, role) {
  execFileSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', email, '--role', role, '--name', `${role} tester`, '--password-stdin'],
    { input: `${PASSWORD}\n` });
}

before(async () => {
  server = await startServer();
  addUser('editor@example.org', 'editor');
  addUser('volunteer@example.org', 'volunteer');
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0);
});

async function axeClean(page, what) {
  const { blocking } = await runAxe(page);
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

async function noSidewaysScroll(page, what) {
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(sideways <= 0, `${what}: no sideways scroll (${sideways} px)`);
}

/** Chooses the option with this value and presses Next (a form post either way). */
async function answer(page, value) {
  await page.locator(`input[name="answer"][value="${value}"]`).check();
  await press(page, 'next');
}

/** Presses a button of the form and waits for the page the post answers with. */
async function press(page, go) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(`button[value="${go}"]`).click()]);
}

const question = (page) => page.locator('#main input[name="q"]').getAttribute('value');

// Each language at 360 px and on a desktop, each once with and once without scripts.
const WALKS = [[true, 'fa', 360], [true, 'en', 1280], [false, 'fa', 1280], [false, 'en', 360]];
for (const [js, lang, width] of WALKS) {
  {
    {
      it(`walks the sample guide from the home page (${lang}, ${width} px, ${js ? 'with' : 'without'} JavaScript)`, async () => {
        const context = await newContext(browser, { lang, viewport: { width, height: 900 }, javaScriptEnabled: js });
        try {
          const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
          await page.goto(`${server.url}/?lang=${lang}`);
          if (js) await waitForShell(page);
          await Promise.all([page.waitForURL(/\/trees/), page.locator('a.entry[href="/trees"]').click()]);
          // Without an address language the server renders Persian; with scripts the page
          // follows the reader's language.
          if (lang === 'en' && !js) await page.goto(`${server.url}/trees?lang=en`);
          await page.waitForSelector(`[data-page-lang="${lang}"]`);
          assert.equal(await page.getAttribute('html', 'dir'), lang === 'fa' ? 'rtl' : 'ltr');
          await Promise.all([page.waitForURL(/\/trees\/epidemic/), page.locator(`a.tree-link[href^="/trees/${SAMPLE}"]`).first().click()]);
          const intro = await page.locator('.tree-intro').textContent();
          assert.match(intro, lang === 'fa' ? /توصیهٔ پزشکی نیست/ : /not medical advice/i);
          const reviewed = await page.locator('.tree-meta time').textContent();
          if (lang === 'fa') assert.match(reviewed, /^[^0-9]*[۰-۹]+[^0-9]*$/, 'Persian digits, Solar Hijri');
          else assert.match(reviewed, /\d{4}$/);
          assert.equal(await question(page), 'danger');
          if (js && width === 360) await axeClean(page, `first question ${lang} ${width}`);
          await noSidewaysScroll(page, 'first question');
          await page.screenshot({ path: join(shots, `trees-question-${lang}-${width}${js ? '' : '-nojs'}.png`), fullPage: true });

          await answer(page, 'none');
          assert.equal(await question(page), 'who');
          await answer(page, 'self');
          assert.equal(await question(page), 'symptoms');
          // Back: the previous question again, its answer no longer carried.
          await press(page, 'back');
          assert.equal(await question(page), 'who');
          assert.equal(await page.locator('input[name="a.who"]').count(), 0);
          await answer(page, 'other');
          await answer(page, 'none');
          assert.equal(await question(page), 'need');
          await answer(page, 'supplies');
          const result = page.locator('.tree-result');
          await result.waitFor();
          assert.match(await result.getAttribute('class'), /tree-(info|self_care|routine)/);
          assert.match(await result.textContent(), lang === 'fa' ? /توصیهٔ پزشکی نیست/ : /not medical advice/i);
          if (js) await axeClean(page, `result ${lang} ${width}`); // axe needs scripts
          await noSidewaysScroll(page, 'result');
          await page.screenshot({ path: join(shots, `trees-result-${lang}-${width}${js ? '' : '-nojs'}.png`), fullPage: true });
          await press(page, 'restart');
          assert.equal(await question(page), 'danger');
          assert.equal(await page.locator('input[name^="a."]').count(), 0);
          // The page asked again in the reader's language aborts what the first one loaded.
          // Without scripts the browser refuses the preloaded modules: not a fault of the page.
          assert.deepEqual(faults(problems).filter((x) => js || !/\.js csp$/.test(x)), []);
        } finally {
          await context.close();
        }
      });
    }
  }
}

it('says which answer is missing and asks again, without JavaScript', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
  try {
    const { page } = await instrumentedPage(context, { allowedOrigin: server.url, allowStatus: (url, status) => status === 400 && url.includes('/trees/') });
    await page.goto(`${server.url}/trees/${SAMPLE}?lang=fa`);
    await answer(page, 'none');
    // The browser's own check is skipped (as an old phone's browser would): the server checks.
    await page.evaluate(() => document.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required')));
    await press(page, 'next');
    assert.equal(await question(page), 'who');
    assert.ok(await page.locator('#tree-error').isVisible());
    await page.screenshot({ path: join(shots, 'trees-missing-answer-fa-360-nojs.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

describe('tree editor', () => {
  async function open(login, lang = 'en', width = 1280) {
    const ctx = await newContext(browser, { lang, viewport: { width, height: 900 } });
    const r = await ctx.request.post(`${server.url}/api/v1/auth/login`, { data: { login, password: PASSWORD } });
    assert.equal(r.status(), 200, await r.text());
    await ctx.addInitScript(() => localStorage.setItem('hamyari.signed_in', '1'));
    const p = await instrumentedPage(ctx, { allowedOrigin: server.url, allowStatus: (url, status) => status === 422 && url.includes('/api/v1/trees') });
    await p.page.goto(`${server.url}/tree-editor`);
    await waitForShell(p.page);
    return { ctx, ...p };
  }

  it('refuses a volunteer', async () => {
    const { ctx, page } = await open('volunteer@example.org');
    try {
      await page.waitForSelector('#te-gate .notice');
      assert.equal(await page.locator('#te-view').isHidden(), true);
    } finally {
      await ctx.close();
    }
  });

  for (const [lang, width] of [['en', 1280], ['fa', 360]]) {
    it(`lists problems by node, saves, previews and publishes (${lang}, ${width} px)`, async () => {
      const { ctx, page, problems } = await open('editor@example.org', lang, width);
      try {
        await page.waitForSelector('#te-list tr');
        assert.ok(await page.locator('#te-list tr').count() >= 2, 'the sample tree in two languages');
        await page.waitForSelector('#te-revisions li');
        const id = `rain-${lang}`;
        const broken = {
          id, title: 'Rain', version: 1, reviewed_at: '2026-12-01', language: 'en', start: 'q',
          nodes: [
            { id: 'q', type: 'single_choice', text: 'Raining?', options: [{ label: 'Yes', value: 'yes', next: 'nowhere' }] },
            { id: 'r', type: 'result', title: 'Umbrella', severity: 'info', text: 'Take one.' },
          ],
        };
        await page.locator('#te-new').click();
        await page.fill('#te-json', JSON.stringify(broken, null, 2));
        await page.locator('#te-save').click();
        await page.waitForSelector('#te-problems li[data-node="q"]');
        assert.match(await page.locator('#te-problems').textContent(), /dangling_next/);
        await axeClean(page, `editor problems ${lang} ${width}`);
        await page.screenshot({ path: join(shots, `tree-editor-problems-${lang}-${width}.png`), fullPage: true });

        broken.nodes[0].options[0].next = 'r';
        await page.fill('#te-json', JSON.stringify(broken, null, 2));
        await page.locator('#te-save').click();
        await page.waitForFunction(() => document.querySelector('#te-saved').textContent !== '' && !document.querySelector('#te-problems li'));
        await page.locator('#te-preview-start').click();
        await page.locator('#te-preview button', { hasText: 'Yes' }).click();
        await page.waitForSelector('#te-preview .tree-result');
        await page.locator('#te-publish').click();
        await page.waitForSelector('#te-unpublish:not([hidden])');
        const r = await fetch(`${server.url}/api/v1/trees?lang=en`);
        assert.ok((await r.json()).trees.some((t) => t.id === id && t.published));
        await noSidewaysScroll(page, 'editor');
        await page.screenshot({ path: join(shots, `tree-editor-${lang}-${width}.png`), fullPage: true });
        assert.deepEqual(problems.filter((x) => !/status of 422/.test(x)), []);
      } finally {
        await ctx.close();
      }
    });
  }
});
