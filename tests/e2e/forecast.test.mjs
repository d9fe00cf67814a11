// The forecast page (/forecast): the form starts with the API's own defaults (docs/openapi.yaml);
// filled in and sent, it shows both charts with their tables (bands and a bed line when asked),
// the summary and a CSV link for the same forecast; a bad value is named next to its field;
// without JavaScript the form downloads the CSV. fa and en, 360 px and desktop, axe-clean,
// screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startServer, ROOT, serverBinary } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

let server, browser, shots;
let fitLoaded = false;

before(async () => {
  server = await startServer();
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

const NON_LATIN_DIGITS = /^[^0-9]*$/;

test('the form\'s values are the API\'s defaults, and it sends only parameters the API takes', () => {
  const doc = parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8'));
  const params = new Map(doc.paths['/api/v1/forecast'].get.parameters.map((p) => [p.name, p.schema]));
  const html = readFileSync(join(ROOT, 'web', '_pages', 'forecast.html'), 'utf8');
  const inputs = [...html.matchAll(/<input\b[^>]*>/g)].map(([tag]) => ({
    name: /\bname="([^"]+)"/.exec(tag)?.[1],
    value: /\bvalue="([^"]*)"/.exec(tag)?.[1],
    disabled: /\bdisabled\b/.test(tag),
  })).filter((i) => i.name);
  const prefilled = inputs.filter((i) => i.value !== undefined && i.name !== 'format');
  assert.ok(prefilled.length >= 14, `prefilled fields (${prefilled.length})`);
  for (const i of inputs) assert.ok(params.has(i.name), `${i.name} is a parameter of /api/v1/forecast`);
  for (const i of prefilled) {
    assert.equal(Number(i.value), params.get(i.name).default, `${i.name} starts at the API's default`);
  }
  // Every parameter with a default is in the form, with that default.
  for (const [name, schema] of params) {
    if (schema.default === undefined || ['seed', 'format'].includes(name)) continue;
    assert.ok(prefilled.some((i) => i.name === name), `${name} (default ${schema.default}) is in the form`);
  }
  // Without scripts nothing empty is sent: every named field is prefilled or disabled.
  for (const i of inputs) assert.ok(i.value !== undefined || i.disabled, `${i.name} is prefilled or disabled`);
});

for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`forecast page (${lang}, ${width} px): fill the form, see charts, tables, bands, bed line and CSV`, async () => {
      const context = await newContext(browser, { lang, viewport: { width, height: 900 } });
      try {
        const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
        await page.goto(`${server.url}/forecast`);
        await waitForShell(page);
        // The defaults are drawn at once.
        await page.waitForSelector('#fc-census-chart canvas');
        const defaultRows = await page.locator('#fc-census-table tbody tr').count();
        assert.equal(defaultRows, 31, 'days 0 to 30 (n_days default)');

        await page.fill('#fc-doubling_time', lang === 'fa' ? '۴' : '4');
        await page.fill('#fc-relative_contact_rate', '0.3');
        await page.fill('#fc-n_days', '60');
        await page.fill('#fc-current_date', '2020-03-20');
        await page.locator('#fc-ranges summary').click();
        await page.fill('#fc-doubling_time_min', '3');
        await page.fill('#fc-doubling_time_max', '5');
        await page.locator('#fc-capacity summary').click();
        await page.fill('#fc-beds_hospitalized', '400');
        await page.locator('#fc-submit').click();
        await page.waitForFunction(() => document.querySelectorAll('#fc-census-table tbody tr').length === 61);
        await page.waitForSelector('#fc-census-chart canvas');
        await page.waitForSelector('#fc-admits-chart canvas');

        // The address holds the forecast, the CSV link the same parameters.
        const address = new URL(page.url());
        assert.equal(address.pathname, '/forecast');
        assert.equal(address.searchParams.get('n_days'), '60');
        assert.equal(address.searchParams.get('beds_hospitalized'), '400');
        const csvHref = await page.locator('#fc-csv').getAttribute('href');
        const csvUrl = new URL(csvHref, server.url);
        assert.equal(csvUrl.pathname, '/api/v1/forecast');
        assert.equal(csvUrl.searchParams.get('format'), 'csv');
        assert.equal(csvUrl.searchParams.get('doubling_time_min'), '3');
        assert.equal(csvUrl.searchParams.get('beds_hospitalized'), null, 'bed counts are not API parameters');
        const csv = await (await fetch(csvUrl)).text();
        assert.match(csv.split('\n')[0], /^day,date,hospitalized,icu,ventilated,census_hospitalized,census_icu,census_ventilated,hospitalized_p5/);

        // Tables: the first row is the current date, in the reader's calendar and digits; bands in brackets.
        const first = await page.locator('#fc-census-table tbody tr').first().locator('th').textContent();
        assert.equal(first, lang === 'fa' ? '۱۳۹۹/۰۱/۰۱' : '2020-03-20');
        const cells = (await page.locator('#fc-census-table tbody tr').nth(30).locator('td').allTextContents());
        assert.equal(cells.length, 3);
        assert.match(cells[0], /\(.+–.+\)/, 'band in brackets');
        const tableText = await page.locator('#fc-admits-table').textContent();
        if (lang === 'fa') assert.match(tableText, NON_LATIN_DIGITS, 'Persian digits only');
        else assert.match(tableText, /[0-9]/);
        const legend = await page.locator('#fc-census-legend').textContent();
        assert.match(legend, lang === 'fa' ? /تخت‌ها/ : /beds/);
        const summary = await page.locator('#fc-summary').textContent();
        assert.match(summary, lang === 'fa' ? /R₀/ : /R₀/);
        assert.match(await page.locator('#fc-status').textContent(), lang === 'fa' ? /۶۰/ : /\b60\b/);

        // The tables open for those who would rather read numbers.
        await page.locator('#fc-census summary').click();
        await axeClean(page, `forecast ${lang} ${width}`);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(sideways <= 0, `no sideways scroll (${sideways} px)`);
        await page.locator('#fc-results').screenshot({ path: join(shots, `forecast-results-${lang}-${width}.png`) });
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }

  test(`forecast page (${lang}): a bad value is named next to its field`, async () => {
    const context = await newContext(browser, { lang, viewport: { width: 360, height: 800 } });
    try {
      const { page, problems } = await instrumentedPage(context, {
        allowedOrigin: server.url,
        allowStatus: (url, status) => status === 400 && url.includes('/api/v1/forecast'),
      });
      await page.goto(`${server.url}/forecast`);
      await waitForShell(page);
      await page.waitForSelector('#fc-census-table tbody tr', { state: 'attached' });
      await page.fill('#fc-relative_contact_rate', '1.5');
      await page.locator('#fc-submit').click();
      await page.waitForSelector('#fc-relative_contact_rate-error:not([hidden])');
      assert.equal(await page.locator('#fc-relative_contact_rate').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'fc-relative_contact_rate');
      const text = await page.locator('#fc-relative_contact_rate-error').textContent();
      if (lang === 'en') assert.match(text, /relative_contact_rate/);
      else assert.ok(text.length > 10);
      // A bed count that is not a whole number is refused here, before any request.
      await page.fill('#fc-relative_contact_rate', '0.45');
      await page.locator('#fc-capacity summary').click();
      await page.fill('#fc-beds_icu', 'many');
      await page.locator('#fc-submit').click();
      await page.waitForSelector('#fc-beds_icu-error:not([hidden])');
      assert.equal(await page.locator('#fc-relative_contact_rate').getAttribute('aria-invalid'), null);
      await axeClean(page, `forecast errors ${lang}`);
      await page.screenshot({ path: join(shots, `forecast-error-${lang}-360.png`), fullPage: false });
      // The browser logs the expected 400 itself.
      assert.deepEqual(problems.filter((s) => !/status of 400 .*\/api\/v1\/forecast\?/.test(s)), []);
    } finally {
      await context.close();
    }
  });
}

test('forecast page: an address with parameters fills the form; the language switch redraws in place', async () => {
  const context = await newContext(browser, { lang: 'en', viewport: { width: 1280, height: 900 } });
  try {
    const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
    await page.goto(`${server.url}/forecast?n_days=5&current_date=2020-03-20&beds_icu=40`);
    await waitForShell(page);
    await page.waitForFunction(() => document.querySelectorAll('#fc-admits-table tbody tr').length === 6);
    assert.equal(await page.inputValue('#fc-n_days'), '5');
    assert.equal(await page.inputValue('#fc-beds_icu'), '40');
    assert.ok(await page.locator('#fc-capacity').getAttribute('open') !== null, 'the bed counts are shown');
    assert.match(await page.locator('#fc-census-legend').textContent(), /Intensive care: beds/);
    await page.locator('#lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'fa');
    await page.waitForFunction(() => /۱۳۹۹\/۰۱\/۰۱/.test(document.getElementById('fc-admits-table').textContent));
    assert.match(await page.locator('#fc-admits-table').textContent(), NON_LATIN_DIGITS);
    assert.match(await page.locator('#fc-census-legend').textContent(), /مراقبت‌های ویژه: تخت‌ها/);
    await page.waitForSelector('#fc-census-chart canvas');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('forecast page without JavaScript: the form downloads the CSV with its parameters', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 360, height: 800 }, javaScriptEnabled: false, acceptDownloads: true });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/forecast`);
    assert.ok(await page.locator('.no-js-only').first().isVisible(), 'the no-JS notice shows');
    assert.equal(await page.locator('#fc-results').isVisible(), false);
    await page.fill('#fc-n_days', '10');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#fc-submit').click()]);
    const url = new URL(download.url());
    assert.equal(url.pathname, '/api/v1/forecast');
    assert.equal(url.searchParams.get('format'), 'csv');
    assert.equal(url.searchParams.get('n_days'), '10');
    assert.equal(url.searchParams.get('current_date'), null, 'empty fields are not sent');
    assert.equal(download.suggestedFilename(), 'forecast.csv');
    const body = await (await fetch(url)).text();
    assert.equal(body.trim().split('\n').filter((l) => /^\d/.test(l)).length, 11, 'days 0 to 10');
  } finally {
    await context.close();
  }
});

// Fitting to a dataset of the open-data portal: a series of daily admissions loaded with
// `hamyari import dataset`, chosen on the page; the doubling time gives way and the summary says
// how many days were fitted and the residual.
for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`forecast page (${lang}, ${width} px): fit the doubling time to a dataset`, async () => {
      if (!fitLoaded) {
        const dir = mkdtempSync(join(tmpdir(), 'hy-e2e-fit-'));
        const file = join(dir, 'admissions.csv');
        const lines = ['date,admissions'];
        for (let i = 0; i < 20; i++) lines.push(`${new Date(Date.UTC(2020, 3, 1 + i)).toISOString().slice(0, 10)},${Math.round(3 * 1.17 ** i)}`);
        writeFileSync(file, lines.join('\n'));
        execFileSync(serverBinary(), ['import', 'dataset', '--db', server.db, '--id', 'e2e-admissions', '--title-fa', 'پذیرش آزمایشی', '--title-en', 'Test admissions', file], { stdio: 'pipe' });
        rmSync(dir, { recursive: true, force: true });
        fitLoaded = true;
      }
      const context = await newContext(browser, { lang, viewport: { width, height: 900 } });
      try {
        const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
        await page.goto(`${server.url}/forecast`);
        await waitForShell(page);
        const select = page.locator('#fc-fit_dataset');
        await page.waitForSelector('#fc-fit_dataset option[value="e2e-admissions"]', { state: 'attached' });
        assert.equal(await select.locator('option[value="e2e-admissions"]').textContent(), lang === 'fa' ? 'پذیرش آزمایشی' : 'Test admissions');
        await select.selectOption('e2e-admissions');
        assert.equal(await page.locator('#fc-doubling_time').isDisabled(), true, 'the doubling time gives way');
        assert.equal(await page.locator('#fc-fit_column-field').isVisible(), true);
        await page.locator('#fc-submit').click();
        await page.waitForFunction(() => /fit_dataset=e2e-admissions/.test(location.search));
        const summary = page.locator('#fc-summary');
        await summary.getByText(lang === 'fa' ? 'برازش با مجموعه‌داده' : 'Fitted to the dataset').waitFor();
        const text = await summary.textContent();
        if (lang === 'fa') assert.match(text, /۲۰ روز/);
        else assert.match(text, /20 days, root-mean-square residual/);
        assert.match(await page.locator('#fc-csv').getAttribute('href'), /fit_dataset=e2e-admissions/);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
        await summary.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, `forecast-fit-${lang}-${width}.png`), fullPage: false });
        await axeClean(page, `forecast fit ${lang} ${width}`);
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
}
