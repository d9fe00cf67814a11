// Following and cancelling a request as the requester does, on any phone: from the
// confirmation page to the tracking page (the code filled in with JavaScript, typed without),
// and cancelling only after a confirmation step — a page of its own without JavaScript, a step
// in the page with it, never a browser dialog. "No" keeps the request. fa at 360 px without
// JavaScript, en at desktop size with it; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, LOCALES } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--rate-form-ip', '1000'] });
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

async function ask(phone, language) {
  const r = await fetch(`${server.url}/api/v1/requests`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Track Person', phone, address: 'Street 1', kind: 'groceries', language, consent: true }),
  });
  const body = await r.json();
  assert.equal(r.status, 201, JSON.stringify(body));
  return body.tracking_code;
}

async function statusOf(code, phone) {
  const r = await fetch(`${server.url}/api/v1/requests/status`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, phone }),
  });
  return (await r.json()).status;
}

test('without JavaScript: from the confirmation page to tracking, cancel asks on a page of its own (fa, 360 px)', async () => {
  const phone = '0912 555 0411';
  const code = await ask(phone, 'fa');
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    page.on('dialog', (d) => { throw new Error(`a browser dialog: ${d.message()}`); });
    await page.goto(`${server.url}/api/v1/requests/sent?code=${code}`);
    await Promise.all([page.waitForURL(/\/track\?code=/), page.click('main a[href^="/track"]')]);
    await page.fill('#track-code', code);
    await page.fill('#track-phone', '۰۹۱۲ ۵۵۵ ۰۴۱۱');
    await Promise.all([page.waitForURL(/\/api\/v1\/requests\/status$/), page.click('#track-submit')]);
    // The status page offers cancelling; the first press only asks.
    await Promise.all([page.waitForURL(/\/api\/v1\/requests\/cancel$/), page.click('main form[action="/api/v1/requests/cancel"] button')]);
    assert.match(await page.title(), /لغو درخواست؟/);
    assert.equal(await statusOf(code, phone), 'new', 'asking cancels nothing');
    await page.screenshot({ path: join(shots, 'track-nojs-confirm-fa-360.png'), fullPage: true });
    // "No" keeps it and shows the status again.
    await Promise.all([page.waitForURL(/\/api\/v1\/requests\/status$/), page.click('main form[action="/api/v1/requests/status"] button')]);
    assert.equal(await statusOf(code, phone), 'new');
    // Cancel, then yes.
    await Promise.all([page.waitForURL(/\/cancel$/), page.click('main form[action="/api/v1/requests/cancel"] button')]);
    await Promise.all([page.waitForNavigation(), page.click('main form:has(input[name="confirm"]) button')]);
    assert.ok((await page.textContent('main')).includes('لغو شد'), await page.textContent('main'));
    assert.equal(await statusOf(code, phone), 'cancelled');
    assert.doesNotMatch(page.url(), /phone|0411/, 'the phone number never in an address');
    await page.screenshot({ path: join(shots, 'track-nojs-cancelled-fa-360.png'), fullPage: true });
  } finally {
    await context.close();
  }
});

test('with JavaScript: the code is filled in, cancelling is a step in the page, "no" keeps it (en)', async () => {
  const phone = '0912 555 0412';
  const code = await ask(phone, 'en');
  const L = LOCALES.en;
  const context = await newContext(browser, { lang: 'en' });
  try {
    const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
    page.on('dialog', (d) => { throw new Error(`a browser dialog: ${d.message()}`); });
    await page.goto(`${server.url}/track?code=${code}&lang=en`);
    await waitForShell(page);
    assert.equal(await page.inputValue('#track-code'), code);
    await page.fill('#track-phone', phone);
    await page.click('#track-submit');
    await page.waitForSelector('#track-result:not([hidden])');
    assert.equal(await page.textContent('#track-status'), L['rqstatus.new']);
    await page.click('#track-cancel');
    await page.waitForSelector('#track-confirm:not([hidden])');
    assert.equal(await statusOf(code, phone), 'new', 'asking cancels nothing');
    const { blocking } = await runAxe(page);
    assert.deepEqual(blocking, [], describeViolations(blocking));
    await page.screenshot({ path: join(shots, 'track-js-confirm-en.png'), fullPage: true });
    await page.click('#track-confirm-no');
    assert.ok(await page.isHidden('#track-confirm'));
    assert.ok(await page.isVisible('#track-cancel'));
    assert.equal(await statusOf(code, phone), 'new');
    await page.click('#track-cancel');
    await page.click('#track-confirm-yes');
    await page.waitForFunction((s) => document.getElementById('track-status').textContent === s, L['rqstatus.cancelled']);
    assert.equal(await statusOf(code, phone), 'cancelled');
    assert.ok(await page.isHidden('#track-cancel'));
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
});
