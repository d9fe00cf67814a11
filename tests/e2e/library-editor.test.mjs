// library-editor.test.mjs — the library's editorial page (/editor) in a browser: an editor
// creates a draft (keyboard only), edits it (the revision history grows), uploads a PNG, is
// refused a .exe body sent as application/pdf with a translated message, and submits it; an admin
// publishes it and it shows up in the public search; anonymous visitors and volunteers get a
// notice instead of the form; axe-clean in both languages at 1280 and 360 px, with screenshots.
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
// A 1×1 PNG, and a Windows executable's first bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'),
  Buffer.from('This program cannot be run in DOS mode.\r\r\n$'), Buffer.alloc(64)]);
const TITLE = 'Community fridges in Tabriz';

let server, browser, docId;

function addUser(email, role) {
  execFileSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', email, '--role', role, '--name', `${role} tester`, '--password-stdin'],
    { input: `${PASSWORD}\n` });
}

before(async () => {
  server = await startServer();
  addUser('editor@example.org', 'editor');
  addUser('admin@example.org', 'admin');
  addUser('volunteer@example.org', 'volunteer');
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page in a fresh context, signed in as `login` (or anonymous). 415 answers to uploads are
 *  expected by the refusal test, so they are not counted as problems. */
async function open(path, { lang = 'en', login = null, viewport } = {}) {
  const ctx = await newContext(browser, { lang, ...(viewport ? { viewport } : {}) });
  if (login) {
    const r = await ctx.request.post(`${server.url}/api/v1/auth/login`, { data: { login, password: PASSWORD } });
    assert.equal(r.status(), 200, await r.text());
    await ctx.addInitScript(() => localStorage.setItem('hamyari.signed_in', '1'));
  }
  const p = await instrumentedPage(ctx, {
    allowedOrigin: server.url,
    allowStatus: (url, status) => status === 415 && /\/attachments\?/.test(url),
  });
  await p.page.goto(server.url + path);
  await waitForShell(p.page);
  const problems = () => p.problems.filter((x) => !/status of 415/.test(x));
  return { ctx, page: p.page, problems };
}

const revisions = (page) => page.locator('#editor-rev-list li').count();

async function tabTo(page, id, max = 120, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((x) => document.activeElement?.id === x, id)) return;
  }
  assert.fail(`#${id} not reached with the Tab key`);
}

describe('library editor', () => {
  it('anonymous visitors and volunteers are told why, with a sign-in link', async () => {
    {
      const { ctx, page, problems } = await open('/editor');
      await page.waitForSelector('#editor-anon:not([hidden])');
      assert.equal(await page.locator('#editor-view').isHidden(), true);
      assert.equal(await page.getAttribute('#editor-anon a', 'href'), '/signin?next=/editor');
      assert.equal((await page.textContent('#editor-anon p')).trim(), EN['editor.signin_needed']);
      assert.deepEqual(problems(), []);
      await ctx.close();
    }
    for (const lang of ['en', 'fa']) {
      const { ctx, page, problems } = await open('/editor', { lang, login: 'volunteer@example.org' });
      await page.waitForSelector('#editor-forbidden:not([hidden])');
      assert.equal((await page.textContent('#editor-forbidden p')).trim(), (lang === 'en' ? EN : FA)['editor.not_allowed']);
      assert.equal(await page.locator('#editor-view').isHidden(), true);
      assert.equal(await page.locator('#editor-form').isVisible(), false);
      await page.screenshot({ path: join(SHOTS, `library-editor-refused-${lang}-1280.png`), fullPage: true });
      // The library page does not offer volunteers the editor.
      await page.goto(`${server.url}/library`);
      await waitForShell(page);
      assert.equal(await page.locator('#library-editor-link').isHidden(), true);
      assert.deepEqual(problems(), []);
      await ctx.close();
    }
  });

  it('an editor creates a draft with the keyboard, edits it, attaches files and submits it', async () => {
    const { ctx, page, problems } = await open('/library', { login: 'editor@example.org' });
    // The library page links editors to the editor.
    await page.waitForSelector('#library-editor-link:not([hidden])');
    await page.click('#library-editor-link a');
    await page.waitForURL(/\/editor$/);
    await waitForShell(page);
    await page.waitForSelector('#editor-view:not([hidden])');
    assert.equal(await page.locator('#editor-publish').isVisible(), false);

    // Keyboard only: Tab to the title, type, Tab on through the other fields, Enter to save.
    await page.locator('body').focus();
    await tabTo(page, 'ed-title');
    await page.keyboard.type(TITLE);
    await tabTo(page, 'ed-language', 5);
    await page.keyboard.press('End'); // the last language: English
    await tabTo(page, 'ed-summary', 5);
    await page.keyboard.type('Neighbours share food that would go to waste.');
    await tabTo(page, 'ed-body', 5);
    await page.keyboard.type('# How it works\n\nA fridge on the street, open to all.\n\n<script>window.__pwned = 1</script>');
    await tabTo(page, 'ed-title', 10, 'Shift+Tab'); // back to the title; Enter saves
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /\/editor\?id=[0-9a-f]{32}$/.test(location.href));
    docId = new URL(page.url()).searchParams.get('id');
    await page.waitForFunction(() => document.querySelectorAll('#editor-rev-list li').length === 1);
    assert.equal(await page.textContent('#editor-msg'), EN['editor.created']);
    assert.match(await page.textContent('#editor-doc-status'), /Draft/);
    assert.equal(await page.inputValue('#ed-language'), 'en');

    // Every other field, then save: a second revision; the preview is the server's rendering.
    await page.fill('#ed-summary', 'Neighbours share food that would otherwise go to waste.');
    await page.selectOption('#ed-type', 'case_study');
    await page.fill('#ed-country', 'ir');
    assert.match(await page.textContent('#ed-country-name'), /Iran/);
    await page.selectOption('#ed-level', 'local');
    await page.fill('#ed-year', '2021');
    await page.selectOption('#ed-stage', 'implementation');
    await page.check('#ed-theme-food');
    await page.check('#ed-theme-mutual-aid');
    await page.fill('#ed-themes-other', 'fridges');
    await page.fill('#ed-tags', 'food waste, street');
    await page.fill('#ed-organisations', 'Tabriz Neighbours\nFood Bank of Tabriz');
    await page.fill('#ed-authors', 'Mina Rahimi');
    await page.fill('#ed-links', 'https://example.org/fridges The project site');
    await page.check('#ed-covid');
    await page.click('#editor-save');
    await page.waitForFunction(() => document.querySelectorAll('#editor-rev-list li').length === 2);
    assert.equal(await page.textContent('#editor-msg'), EN['editor.saved']);
    assert.equal(await page.textContent('#editor-preview h2'), 'How it works');
    assert.equal(await page.locator('#editor-preview script').count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    // A wrong field is refused on the page with a translated message.
    await page.fill('#ed-year', '1700');
    await page.click('#editor-save');
    await page.waitForSelector('#editor-form-error:not([hidden])');
    assert.equal(await page.textContent('#editor-form-error'), EN['editor.err_year']);
    assert.equal(await page.getAttribute('#ed-year', 'aria-invalid'), 'true');
    await page.fill('#ed-year', '2021');

    // Attachments: a small PNG is accepted …
    await page.setInputFiles('#editor-file', { name: 'fridge.png', mimeType: 'image/png', buffer: PNG });
    await page.click('#editor-upload');
    await page.waitForSelector('#editor-att-list a:text("fridge.png")');
    assert.match(await page.textContent('#editor-att-msg'), /Uploaded fridge\.png/);
    // … a second one is uploaded and removed again (a draft's files are the editor's to change) …
    await page.setInputFiles('#editor-file', { name: 'extra.txt', mimeType: 'text/plain', buffer: Buffer.from('Opening hours\n') });
    await page.click('#editor-upload');
    await page.waitForSelector('#editor-att-list a:text("extra.txt")');
    await page.click('#editor-att-list li:has-text("extra.txt") button');
    await page.waitForFunction(() => !document.querySelector('#editor-att-list').textContent.includes('extra.txt'));
    assert.equal(await page.textContent('#editor-att-msg'), 'Removed extra.txt.');
    // … a program named .exe is refused before it is sent …
    await page.setInputFiles('#editor-file', { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: EXE });
    await page.click('#editor-upload');
    await page.waitForSelector('#editor-att-error:not([hidden])');
    assert.equal(await page.textContent('#editor-att-error'), EN['editor.att_type']);
    // … and one that claims to be a PDF is refused by the server, with the same message.
    await page.setInputFiles('#editor-file', { name: 'report.pdf', mimeType: 'application/pdf', buffer: EXE });
    const refused = page.waitForResponse((r) => /\/attachments\?/.test(r.url()));
    await page.click('#editor-upload');
    assert.equal((await refused).status(), 415);
    await page.waitForFunction((msg) => document.querySelector('#editor-att-error').textContent === msg, EN['editor.att_type']);
    assert.equal(await page.locator('#editor-att-list li').count(), 1);
    // The message follows the language switch.
    await page.click('#lang-switch');
    await page.waitForFunction((msg) => document.querySelector('#editor-att-error').textContent === msg, FA['editor.att_type']);
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');

    // Submit for review (saves the pending year fix first); the editor cannot publish.
    await page.click('#editor-submit');
    await page.waitForFunction(() => document.querySelectorAll('#editor-rev-list li').length === 3);
    assert.equal(await page.textContent('#editor-msg'), EN['editor.submitted_msg']);
    assert.match(await page.textContent('#editor-doc-status'), /In review/);
    assert.equal(await page.locator('#editor-publish').isVisible(), false);
    assert.equal(await page.textContent('#editor-admin-only'), EN['editor.admin_only']);
    const actions = await page.$$eval('#editor-rev-list li', (lis) => lis.map((li) => li.dataset.action));
    assert.deepEqual(actions.slice().sort(), ['create', 'edit', 'submit'].sort());
    // In review it is listed under "In review", not in public search.
    await page.selectOption('#editor-filter', 'in_review');
    await page.waitForSelector(`#editor-list a:text("${TITLE}")`);
    const pub = await (await fetch(`${server.url}/api/v1/library?q=fridges`)).json();
    assert.equal(pub.total, 0);
    assert.deepEqual(problems(), []);
    await ctx.close();
  });

  it('an admin publishes it and it appears in the public search', async () => {
    assert.ok(docId, 'the editor test made a document');
    const { ctx, page, problems } = await open(`/editor?id=${docId}`, { login: 'admin@example.org' });
    await page.waitForSelector('#editor-publish:not([hidden])');
    assert.equal(await page.locator('#editor-admin-only').isHidden(), true);
    assert.equal(await page.inputValue('#ed-title'), TITLE);
    assert.equal(await page.inputValue('#ed-country'), 'IR');
    assert.equal(await page.isChecked('#ed-covid'), true);
    await page.click('#editor-publish');
    await page.waitForSelector('#editor-unpublish:not([hidden])');
    assert.match(await page.textContent('#editor-doc-status'), /Published/);
    assert.equal(await page.textContent('#editor-msg'), EN['editor.published_msg']);
    assert.equal(await revisions(page), 4);
    assert.deepEqual(problems(), []);
    await ctx.close();

    const anon = await open('/library?q=fridges');
    await anon.page.waitForSelector(`#library-list a:text("${TITLE}")`);
    assert.equal(await anon.page.getAttribute(`#library-list a:text("${TITLE}")`, 'href'), `/doc?id=${docId}`);
    assert.equal(await anon.page.locator('#library-editor-link').isHidden(), true);
    assert.deepEqual(anon.problems(), []);
    await anon.ctx.close();
  });

  it('an editor cannot change the published document and is told why', async () => {
    const { ctx, page, problems } = await open(`/editor?id=${docId}`, { login: 'editor@example.org' });
    await page.waitForSelector('#editor-locked:not([hidden])');
    assert.equal(await page.locator('#editor-save').isDisabled(), true);
    assert.equal(await page.locator('#editor-unpublish').isVisible(), false);
    // Its files are locked the same way: no upload, no remove.
    assert.equal(await page.locator('#editor-upload').isDisabled(), true);
    assert.equal(await page.locator('#editor-att-list button').count(), 0);
    assert.deepEqual(problems(), []);
    await ctx.close();
  });

  for (const lang of ['fa', 'en']) {
    it(`axe-clean, no sideways scroll, screenshots [${lang}]`, async () => {
      for (const width of [1280, 360]) {
        for (const [who, login, path, sel] of [
          ['editor', 'admin@example.org', `/editor?id=${docId}`, '#editor-rev-list li'],
          ['new', 'editor@example.org', '/editor', '#editor-list li'],
          ['anon', null, '/editor', '#editor-anon:not([hidden])'],
        ]) {
          const { ctx, page, problems } = await open(path, { lang, login, viewport: { width, height: 900 } });
          await page.waitForSelector(sel);
          assert.equal(await page.evaluate(() => document.documentElement.dir), lang === 'fa' ? 'rtl' : 'ltr');
          const { blocking } = await runAxe(page);
          assert.deepEqual(blocking, [], `${who} ${lang} ${width}: ${describeViolations(blocking)}`);
          const sideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
          assert.equal(sideways, false, `${who} ${lang} ${width} scrolls sideways`);
          const name = who === 'editor' ? 'library-editor' : `library-editor-${who}`;
          await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${width}.png`), fullPage: true });
          assert.deepEqual(problems(), [], `${who} ${lang} ${width}`);
          await ctx.close();
        }
      }
    });
  }
});
