// library.test.mjs — the knowledge library's pages in a browser: facets narrow the results and
// their counts follow, Persian search with Arabic letters, a document whose Markdown holds
// <script> and javascript: links renders inert, the FAQ, the toolkit navigator, the communities
// directory; axe-clean in both languages, with screenshots.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, serverBinary } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, OUTPUT } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

let server, browser, token, hostileId;

async function api(path, { method = 'GET', body } = {}) {
  const r = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: await r.json().catch(() => null) };
}

before(async () => {
  server = await startServer({ args: ['--demo'] });
  const bin = serverBinary();
  execFileSync(bin, ['user', 'add', '--db', server.db, '--email', 'admin@example.org', '--role', 'admin', '--password-stdin'],
    { input: 'correct horse battery staple\n' });
  token = execFileSync(bin, ['token', 'create', '--db', server.db, '--user', 'admin@example.org'], { encoding: 'utf8' }).trim().split('\n').pop().trim();
  const created = await api('/api/v1/library', {
    method: 'POST',
    body: {
      type: 'guide', language: 'en', title: 'Hostile markdown test',
      summary: 'A document that tries to run code.',
      body: '# Heading\n\n<script>window.__pwned = 1</script>\n\n[click](javascript:window.__pwned=2) and <img src=x onerror="window.__pwned=3">\n\n[ok](https://example.org)',
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  hostileId = created.json.id;
  assert.equal((await api(`/api/v1/library/${hostileId}/publish`, { method: 'POST' })).status, 200);
  browser = await launchBrowser();
  mkdirSync(join(OUTPUT, 'screenshots'), { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(path, lang = 'en', viewport) {
  const ctx = await newContext(browser, { lang, ...(viewport ? { viewport } : {}) });
  const p = await instrumentedPage(ctx, { allowedOrigin: server.url });
  await p.page.goto(server.url + path);
  await waitForShell(p.page);
  return { ctx, ...p };
}

describe('library pages', () => {
  it('facets narrow the results and the counts follow', async () => {
    const { ctx, page, problems } = await open('/library');
    await page.waitForSelector('#library-list li');
    const total = async () => Number((await page.textContent('#library-count')).replace(/\D/g, ''));
    const all = await total();
    assert.ok(all > 300, `demo + seed documents listed (${all})`);
    const faqBox = page.locator('input[data-facet="type"][data-value="faq"]');
    const faqCount = Number((await page.locator('label[for="f-type-faq"] .facet-count').textContent()).replace(/\D/g, ''));
    await faqBox.check();
    await page.waitForFunction((n) => Number(document.querySelector('#library-count').textContent.replace(/\D/g, '')) === n, faqCount);
    assert.equal(await total(), faqCount);
    assert.match(page.url(), /type=faq/);
    // The type facet still offers other types (counted under the other filters only).
    assert.ok(await page.locator('input[data-facet="type"][data-value="guide"]').count() === 1);
    await page.screenshot({ path: join(OUTPUT, 'screenshots', 'library-filtered-en-1280.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it('Persian search with Arabic ي/ك finds Persian text, highlighted safely', async () => {
    const { ctx, page, problems } = await open('/library', 'fa');
    await page.fill('#library-q', 'بانك غذا');
    await page.click('#library-search button[type=submit]');
    await page.waitForSelector('#library-list li mark');
    const marks = await page.$$eval('#library-list mark', (ms) => ms.map((m) => m.textContent));
    assert.ok(marks.some((m) => m.includes('بانک')), marks.join(','));
    assert.equal(await page.locator('#library-list script').count(), 0);
    await page.screenshot({ path: join(OUTPUT, 'screenshots', 'library-search-fa-1280.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  it('a document with <script> and javascript: links renders inert', async () => {
    const { ctx, page, problems } = await open(`/doc?id=${hostileId}`);
    await page.waitForSelector('#doc:not([hidden])');
    assert.equal(await page.textContent('#doc-title'), 'Hostile markdown test');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.locator('#doc-body script, #doc-body img').count(), 0);
    const hrefs = await page.$$eval('#doc-body a', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.every((h) => h === null || /^(https?:|#|\/)/.test(h)), hrefs.join(' '));
    assert.ok(hrefs.includes('https://example.org'));
    await page.click('#doc-body a:not([href^="http"])').catch(() => {});
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.match(await page.textContent('#doc-body'), /<script>/, 'the script tag is shown as text');
    assert.deepEqual(problems, []);
    await ctx.close();
  });

  for (const lang of ['fa', 'en']) {
    it(`FAQ, toolkits and communities show content and are axe-clean [${lang}]`, async () => {
      for (const [path, sel] of [['/faq', '#faq-list details'], ['/toolkits', '#toolkit-nav section'],
        ['/communities', '#communities-list section'], ['/library', '#library-list li'],
        [`/doc?id=${hostileId}`, '#doc:not([hidden])']]) {
        for (const width of [1280, 360]) {
          const { ctx, page, problems } = await open(path, lang, { width, height: 900 });
          await page.waitForSelector(sel);
          const { blocking } = await runAxe(page);
          assert.deepEqual(blocking, [], `${path} ${lang} ${width}: ${describeViolations(blocking)}`);
          const sideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
          assert.equal(sideways, false, `${path} ${lang} ${width} scrolls sideways`);
          const name = path.replace(/[/?=]/g, '_').replace(/^_/, '').replace(/_id_.*/, '') || 'index';
          await page.screenshot({ path: join(OUTPUT, 'screenshots', `lib-${name}-${lang}-${width}.png`), fullPage: true });
          assert.deepEqual(problems, [], `${path} ${lang}`);
          await ctx.close();
        }
      }
    });
  }

  it('the FAQ opens an answer', async () => {
    const { ctx, page } = await open('/faq', 'en');
    const first = page.locator('#faq-list details').first();
    await first.locator('summary').click();
    assert.equal(await first.evaluate((d) => d.open), true);
    await ctx.close();
  });
});
