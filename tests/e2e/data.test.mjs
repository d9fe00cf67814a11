// The open-data dashboard (/data) and its embeddable card (/embed/data): a dataset loaded with
// `hamyari import dataset` shows one card a column (chart, table, CSV link), the table of areas,
// the description; filtering by area and period redraws from the store's aggregates; Persian
// digits and Solar Hijri dates in fa; the embed page shows one card and may be framed. fa and
// en, 360 px and desktop, axe-clean, no sideways scrolling, screenshots. A 100,000-row dataset's
// dashboard loads in under 300 KB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, serverBinary } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

let server, browser, shots, dir;

/** `hamyari import dataset` of CSV text. */
function importDataset(id, text, titles) {
  const file = join(dir, `${id}.csv`);
  writeFileSync(file, text);
  execFileSync(serverBinary(), ['import', 'dataset', '--db', server.db, '--id', id, '--title-fa', titles[0], '--title-en', titles[1], '--source', 'Synthetic', '--licence', 'CC0-1.0', file], { stdio: 'pipe' });
}

const day = (i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  shots = await screenshotDir();
  dir = mkdtempSync(join(tmpdir(), 'hy-e2e-data-'));
  const lines = ['date,area,admissions,icu'];
  for (let i = 0; i < 30; i++) for (const [a, k] of [['Tehran', 2], ['Isfahan', 1]]) lines.push(`${day(i)},${a},${k * (10 + i)},${i % 5}`);
  importDataset('e2e-admissions', lines.join('\n'), ['پذیرش روزانه', 'Daily admissions']);
  // Provinces named as files from the field do: English, Persian with «استان», Arabic kaf and
  // yeh, a joiner for a space; and two areas that match no province.
  const prov = ['date,area,cases'];
  const names = [['Tehran', 50], ['استان اصفهان', 30], ['كرمان', 20], ['آذربایجان‌غربی', 10], ['Fars Province', 40], ['يزد', 5], ['نامشخص', 3], ['Elsewhere', 1]];
  for (let i = 0; i < 3; i++) for (const [a, k] of names) prov.push(`${day(i)},${a},${k + i}`);
  importDataset('e2e-provinces', prov.join('\n'), ['موارد در استان‌ها', 'Cases by province']);
  // 100,000 rows: 50 areas over 2,000 days.
  const big = ['date,area,admissions'];
  for (let i = 0; i < 2000; i++) for (let a = 0; a < 50; a++) big.push(`${day(i)},A${a},${(i * 7 + a) % 90}`);
  importDataset('e2e-big', big.join('\n'), ['بزرگ', 'Big']);
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (server) assert.equal(await server.stop(), 0);
});

async function axeClean(page, what) {
  const { blocking } = await runAxe(page);
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`dashboard (${lang}, ${width} px): cards with charts, tables and CSV links; filter by area and period`, async () => {
      const context = await newContext(browser, { lang, viewport: { width, height: 900 } });
      try {
        const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
        await page.goto(`${server.url}/data?dataset=e2e-admissions`);
        await waitForShell(page);
        await page.waitForSelector('#db-cards .db-card canvas');
        assert.equal(await page.locator('#db-title').textContent(), lang === 'fa' ? 'پذیرش روزانه' : 'Daily admissions');
        assert.equal(await page.locator('.db-card').count(), 2, 'one card a column');
        // The table beside the first chart: 30 days, totals over both areas (3 * (10 + i)).
        const rows = page.locator('#db-card-0 tbody tr');
        assert.equal(await rows.count(), 30);
        const first = await rows.first().locator('td').first().textContent();
        assert.equal(first, lang === 'fa' ? '۳۰' : '30');
        const date = await rows.first().locator('th').textContent();
        assert.equal(date, lang === 'fa' ? '۱۴۰۲/۱۰/۱۱' : '2024-01-01', 'Solar Hijri dates in Persian');
        const csv = await page.locator('#db-card-0 .db-csv').getAttribute('href');
        const r = await fetch(new URL(csv, server.url));
        assert.equal(r.status, 200);
        assert.match(await r.text(), /^date,area,admissions,icu\r\n2024-01-01,Tehran,20,0\r\n/);
        // The areas' table.
        assert.equal(await page.locator('#db-areas-table tbody tr').count(), 2);
        // Filter: one area and a period.
        await page.locator('#db-area').selectOption('Isfahan');
        await page.locator('#db-from').fill('2024-01-11');
        await page.locator('#db-to').fill('2024-01-20');
        await page.locator('#db-form button[type="submit"]').click();
        await page.waitForFunction(() => /area=Isfahan/.test(location.search) && document.querySelectorAll('#db-card-0 tbody tr').length === 10);
        const filtered = await page.locator('#db-card-0 tbody tr').first().locator('td').first().textContent();
        assert.equal(filtered, lang === 'fa' ? '۲۰' : '20');
        assert.match(await page.locator('#db-card-0 .db-csv').getAttribute('href'), /area=Isfahan&from=2024-01-11&to=2024-01-20/);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
        await page.screenshot({ path: join(shots, `data-${lang}-${width}.png`), fullPage: false });
        await axeClean(page, `data ${lang} ${width}`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
}

for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`map of the latest value per province (${lang}, ${width} px): legend, the same numbers in a table, unmatched areas listed`, async () => {
      const context = await newContext(browser, { lang, viewport: { width, height: 900 } });
      try {
        const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
        await page.goto(`${server.url}/data?dataset=e2e-provinces`);
        await waitForShell(page);
        await page.waitForSelector('#main #db-map:not([hidden]) svg path');
        // Every province drawn; the six matched ones filled by value, the others grey.
        const fills = await page.locator('#db-map svg path').evaluateAll((ps) => ps.map((p) => [p.dataset.name, p.getAttribute('fill')]));
        assert.equal(fills.length, 31);
        const filled = fills.filter(([, f]) => f !== '#f2f2f2').map(([n]) => n).sort();
        assert.deepEqual(filled, ['Fars', 'Isfahan', 'Kerman', 'Tehran', 'West Azerbaijan', 'Yazd']);
        // Alborz shares Tehran's code in the outline file: it is not coloured by Tehran's value.
        assert.equal(fills.find(([n]) => n === 'Alborz')[1], '#f2f2f2');
        // The table beside it: latest values (day 3), largest first.
        const rows = page.locator('#db-map-table tbody tr');
        assert.equal(await rows.count(), 6);
        assert.equal(await rows.first().locator('th').textContent(), lang === 'fa' ? 'تهران' : 'Tehran');
        assert.equal(await rows.first().locator('td').nth(1).textContent(), lang === 'fa' ? '۵۲' : '52');
        assert.equal(await rows.nth(1).locator('td').first().textContent(), 'Fars Province', 'the area as the file names it');
        // The legend has the classes and "no value".
        assert.ok(await page.locator('#db-map-legend li').count() >= 2);
        // Areas that match no province are listed, not dropped.
        const left = await page.locator('#db-map-unmatched').textContent();
        assert.match(left, /نامشخص/);
        assert.match(left, /Elsewhere/);
        // Another column choice redraws (one column here: the select holds it).
        assert.equal(await page.locator('#db-map-column option').count(), 1);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
        await page.locator('#db-map').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, `data-map-${lang}-${width}.png`), fullPage: false });
        await axeClean(page, `data map ${lang} ${width}`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
}

for (const lang of ['fa', 'en']) {
  test(`embedded card (${lang}): one column's chart and table, framable`, async () => {
    const context = await newContext(browser, { lang, viewport: { width: 400, height: 600 } });
    try {
      const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
      const res = await page.goto(`${server.url}/embed/data?dataset=e2e-admissions&column=icu`);
      assert.doesNotMatch(res.headers()['content-security-policy'] || '', /frame-ancestors 'none'/);
      await page.waitForSelector('#db-cards .db-card canvas');
      assert.equal(await page.locator('.db-card').count(), 1);
      assert.equal(await page.locator('.db-card figcaption').textContent(), 'icu');
      await page.screenshot({ path: join(shots, `data-embed-${lang}.png`) });
      await axeClean(page, `embed ${lang}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('the dashboard of a 100,000-row dataset loads in under 300 KB', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    let bytes = 0;
    page.on('response', async (res) => {
      const len = Number(res.headers()['content-length'] || 0);
      bytes += len || (await res.body().catch(() => Buffer.alloc(0))).length;
    });
    await page.goto(`${server.url}/data?dataset=e2e-big`);
    await page.waitForSelector('#db-cards .db-card canvas');
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('#db-card-0 tbody tr').count(), 2000);
    assert.ok(bytes < 300 * 1024, `${bytes} bytes`);
  } finally {
    await context.close();
  }
});
