// requests.test.mjs — help requests in a real browser:
//   1. a person asks for help with JavaScript turned off (the plain form post) and gets the
//      confirmation page with a tracking code, in Persian;
//   2. a person asks with JavaScript (English) and sees the code in the page, then tracks it;
//   3. a coordinator opens the request on the dispatch board after the call-back; a volunteer
//      nearby takes it on the tasks page, sees the contact details, goes through the
//      contactless checklist and marks it delivered; the requester's track page says so;
//   4. the coverage map.
// axe-core on every state; screenshots in both languages (test-output/screenshots/requests-*).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, serverBinary, ROOT, WEB } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const L = {
  fa: JSON.parse(readFileSync(join(WEB, 'locales', 'fa.json'), 'utf8')),
  en: JSON.parse(readFileSync(join(WEB, 'locales', 'en.json'), 'utf8')),
};
const COMMON_LIST = join(ROOT, 'tests', 'api', 'fixtures', 'common-passwords.txt');
const COORD = { email: 'coord@e2e.example', password: 'coordinator passphrase e2e' };
const VOL = { email: 'vol@e2e.example', phone: '0912 555 0201', password: 'volunteer passphrase e2e' };
const HOME = { lat: 35.7, lon: 51.4 };

let server, browser, shots;

function cli(args, input) {
  const r = spawnSync(serverBinary(), args, { input, encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_LIST, '--rate-login-ip', '1000', '--rate-form-ip', '1000', '--notify-batch-minutes', '0'] });
  cli(['user', 'add', '--db', server.db, '--email', COORD.email, '--role', 'coordinator', '--language', 'en', '--password-stdin'], `${COORD.password}\n`);
  const token = cli(['token', 'create', '--db', server.db, '--user', COORD.email]).trim().split('\n').pop();
  const signup = await fetch(`${server.url}/api/v1/volunteers`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Reza Volunteer', email: VOL.email, phone: VOL.phone, password: VOL.password, lat: HOME.lat, lon: HOME.lon, radius_km: 5, language: 'en', consent: true }),
  });
  const signed = await signup.json();
  assert.equal(signup.status, 201, JSON.stringify(signed));
  const { id } = signed;
  const ok = await fetch(`${server.url}/api/v1/volunteers/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

async function open(lang, opts = {}) {
  const context = await newContext(browser, { lang, ...opts });
  const ip = await instrumentedPage(context, { allowedOrigin: server.url });
  return { context, page: ip.page, problems: ip.problems };
}

async function axeClean(page, what) {
  const axe = await runAxe(page);
  assert.equal(axe.blocking.length, 0, `${what}: axe-core serious/critical violations:\n${describeViolations(axe.blocking)}`);
}

const shot = (page, name) => page.screenshot({ path: join(shots, `requests-${name}.png`), fullPage: true });

async function signIn(page, login, password) {
  await page.goto(`${server.url}/signin`);
  await waitForShell(page);
  await page.fill('#signin-login', login);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

let noJsCode;

test('without JavaScript: the plain form asks for help and shows the tracking code (fa, 360 px)', async () => {
  const { context, page } = await open('fa', { javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
  try {
    await page.goto(`${server.url}/help`);
    assert.equal(await page.getAttribute('html', 'lang'), 'fa');
    assert.equal(await page.getAttribute('#help-form', 'method'), 'post');
    await page.fill('#help-name', 'مریم آزمایشی');
    await page.fill('#help-phone', '۰۹۱۲ ۵۵۵ ۰۳۰۱');
    await page.fill('#help-address', 'خیابان ولیعصر، کوچهٔ ۱۰');
    // A place the server's gazetteer does not know (this server has none): the request is
    // still taken, its area left for the coordinator to ask about.
    await page.fill('#help-place', 'محله‌ای-که-نیست');
    await page.check('#help-kind-medicine');
    await page.check('#help-urgency-high');
    await page.fill('#help-details', 'قرص فشار');
    await page.fill('#help-call-window', 'صبح‌ها تا ساعت ۱۱'); // sent with the plain form too
    await page.check('#help-consent');
    await shot(page, 'nojs-filled-fa-360');
    await Promise.all([page.waitForURL(/\/api\/v1\/requests\/sent\?code=/), page.click('#help-submit')]);
    noJsCode = await page.textContent('#tracking-code');
    assert.match(noJsCode, /^[2-9A-HJKMNP-Z]{8}$/);
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.ok((await page.textContent('main')).includes('کد پیگیری'));
    await shot(page, 'nojs-sent-fa-360');
    const url = page.url();
    // The track page works without JavaScript too: its form posts, the answer is a page.
    await Promise.all([page.waitForURL(/\/track\?code=/), page.click('main a[href^="/track"]')]);
    assert.equal(await page.getAttribute('#track-form', 'method'), 'post');
    await page.fill('#track-code', noJsCode);
    await page.fill('#track-phone', '۰۹۱۲ ۵۵۵ ۰۳۰۱');
    await Promise.all([page.waitForURL(/\/api\/v1\/requests\/status$/), page.click('#track-submit')]);
    assert.ok((await page.textContent('main')).includes('دریافت شد'), await page.textContent('main'));
    assert.doesNotMatch(page.url(), /phone|0301/);
    await shot(page, 'nojs-track-fa-360');
    // Scripts cannot run in this context (axe and layout checks need them): check the same page
    // in a second context, the way an assistive tool would read it.
    const check = await open('fa', { viewport: { width: 360, height: 800 } });
    try {
      await check.page.goto(url);
      await axeClean(check.page, 'confirmation page');
      const width = await check.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `no sideways scroll at 360 px (${width})`);
    } finally {
      await check.context.close();
    }
  } finally {
    await context.close();
  }
});

test('with JavaScript: the form shows the code in the page and the track page finds it (en)', async () => {
  const { context, page, problems } = await open('en');
  try {
    await page.goto(`${server.url}/help`);
    await waitForShell(page);
    await page.fill('#help-name', 'Anna Test');
    await page.fill('#help-phone', '0912 555 0303');
    await page.fill('#help-address', 'Near the bakery');
    await page.fill('#help-place', 'Nowhere-that-exists-xyz'); // unknown: kept, area unknown
    // The line saying what the place was understood as appears below it and moves what follows
    // down: read it, as a person does, before going on (a click during the move misses).
    await page.waitForSelector('#help-place-understood:not([hidden])');
    assert.equal((await page.textContent('#help-place-understood')).trim(), L.en['help.place_unknown']);
    await page.check('#help-kind-groceries');
    await page.check('#help-consent');
    await page.click('#help-submit');
    await page.waitForSelector('#help-done:not([hidden])');
    const code = (await page.textContent('#help-code')).trim();
    assert.match(code, /^[2-9A-HJKMNP-Z]{8}$/);
    await axeClean(page, 'help done (en)');
    await shot(page, 'help-done-en');
    await page.click('#help-track');
    await waitForShell(page);
    assert.equal(await page.inputValue('#track-code'), code);
    await page.fill('#track-phone', '09125550303');
    await page.click('#track-submit');
    await page.waitForSelector('#track-result:not([hidden])');
    assert.equal(await page.textContent('#track-status'), L.en['rqstatus.new']);
    await axeClean(page, 'track (en)');
    await shot(page, 'track-en');
    await page.fill('#track-phone', '09125550999');
    await page.click('#track-submit');
    await page.waitForSelector('#track-error:not([hidden])');
    assert.equal(await page.textContent('#track-error-text'), L.en['track.not_found']);
    assert.deepEqual(problems.filter((p) => !/HTTP 404|status of 404/.test(p)), []);
  } finally {
    await context.close();
  }
});

test('dispatch → claim → deliver: the coordinator opens it, a volunteer nearby takes and delivers it', async () => {
  for (const lang of ['en', 'fa']) {
    // A fresh request per language (the first round uses the no-JS one).
    let code = noJsCode, phone = '09125550301';
    if (lang === 'fa') {
      const r = await fetch(`${server.url}/api/v1/requests`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Second Person', phone: '09125550304', address: 'Street 4', lat: HOME.lat + 0.002, lon: HOME.lon, kind: 'errand', consent: true, language: 'fa' }),
      });
      code = (await r.json()).tracking_code;
      phone = '09125550304';
    }
    // Coordinator
    const c = await open(lang);
    try {
      await signIn(c.page, COORD.email, COORD.password);
      await c.page.goto(`${server.url}/dispatch`);
      await waitForShell(c.page);
      await c.page.waitForSelector('#dispatch-queue li');
      // Filter the queue down to this round's request (medicine: the no-JS one; errand: the other).
      await c.page.selectOption('#dispatch-kind', lang === 'en' ? 'medicine' : 'errand');
      await c.page.click('#dispatch-filters button[type=submit]');
      await c.page.waitForFunction(() => document.querySelectorAll('#dispatch-queue li').length === 1);
      await axeClean(c.page, `dispatch (${lang})`);
      await shot(c.page, `dispatch-${lang}`);
      await c.page.click('#dispatch-queue li >> nth=0 >> button');
      await c.page.waitForSelector('#dispatch-detail:not([hidden])');
      const contact = await c.page.textContent('#dispatch-contact');
      assert.ok(contact.includes(code), `the tracking code is shown: ${contact}`);
      if (lang === 'en') {
        // The no-JS request has no area: set none, just open it; it still reaches the queue.
        assert.ok(contact.includes('مریم آزمایشی'));
      }
      await c.page.fill('#dispatch-note', 'Called back, all fine');
      await c.page.check('#dispatch-note-call');
      await c.page.click('#dispatch-note-form button[type=submit]');
      await c.page.waitForSelector('#dispatch-notes li');
      await c.page.click(`#dispatch-actions button:has-text("${L[lang]['dispatch.mark_open']}")`);
      await c.page.waitForFunction((t) => document.querySelector('#dispatch-detail-title')?.textContent.includes(t), L[lang]['rqstaff.open']);
      await axeClean(c.page, `dispatch detail (${lang})`);
      await shot(c.page, `dispatch-detail-${lang}`);
      assert.deepEqual(c.problems.filter((x) => !/ERR_ABORTED/.test(x)), [], 'no errors (requests cut short by navigation aside)');
    } finally {
      await c.context.close();
    }
    if (lang === 'en') {
      // Give the no-JS request an area, as the coordinator would after the call-back.
      const token = cli(['token', 'create', '--db', server.db, '--user', COORD.email]).trim().split('\n').pop();
      const q = await (await fetch(`${server.url}/api/v1/requests?status=open`, { headers: { authorization: `Bearer ${token}` } })).json();
      const id = q.requests.find((r) => r.lat === null).id;
      const back = await fetch(`${server.url}/api/v1/requests/${id}/status`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'cancelled' }) });
      assert.equal(back.status, 200);
      continue; // the Persian round goes through the volunteer's page
    }
    // Volunteer
    const v = await open(lang);
    try {
      await signIn(v.page, VOL.email, VOL.password);
      await v.page.goto(`${server.url}/tasks`);
      await waitForShell(v.page);
      await v.page.waitForSelector('#tasks-near li');
      assert.doesNotMatch(await v.page.textContent('main'), /Second Person|Street 4/, 'no personal data before the claim');
      await axeClean(v.page, `tasks (${lang})`);
      await shot(v.page, `tasks-near-${lang}`);
      await v.page.click(`#tasks-near li >> nth=0 >> button`);
      await v.page.waitForSelector('#tasks-mine li');
      assert.ok((await v.page.textContent('#tasks-mine')).includes('Second Person'), 'contact after the claim');
      await v.page.click(`#tasks-mine button:has-text("${L[lang]['tasks.start']}")`);
      await v.page.waitForSelector(`#tasks-mine button:has-text("${L[lang]['tasks.deliver']}")`);
      for (const item of ['mask', 'gloves', 'leave_at_door', 'step_back']) await v.page.check(`#tasks-mine input[name="${item}"]`);
      await v.page.fill('#tasks-mine input[name="receipt_amount"]', '12.50');
      await v.page.click(`#tasks-mine button:has-text("${L[lang]['tasks.save']}")`);
      await v.page.waitForFunction((t) => document.querySelector('#tasks-mine [role=status]')?.textContent === t, L[lang]['tasks.saved']);
      await axeClean(v.page, `tasks mine (${lang})`);
      await shot(v.page, `tasks-mine-${lang}`);
      await v.page.click(`#tasks-mine button:has-text("${L[lang]['tasks.deliver']}")`);
      await v.page.waitForFunction((t) => document.querySelector('#tasks-mine h3')?.textContent.includes(t), L[lang]['rqstaff.delivered']);
      assert.deepEqual(v.problems.filter((x) => !/ERR_ABORTED/.test(x)), [], 'no errors (requests cut short by navigation aside)');
    } finally {
      await v.context.close();
    }
    // The requester sees it delivered.
    const r = await open(lang);
    try {
      const sent = [];
      r.page.on('request', (q) => sent.push({ method: q.method(), url: q.url(), body: q.postData() ?? '' }));
      await r.page.goto(`${server.url}/track?code=${code}`);
      await waitForShell(r.page);
      await r.page.fill('#track-phone', phone);
      await r.page.click('#track-submit');
      await r.page.waitForSelector('#track-result:not([hidden])');
      assert.equal(await r.page.textContent('#track-status'), L[lang]['rqstatus.delivered']);
      // The look-up is a POST with the number in the body; no URL the page asked for holds it.
      const digits = phone.replace(/\D/g, '').slice(-7);
      assert.ok(sent.some((q) => q.method === 'POST' && q.url.endsWith('/api/v1/requests/status') && q.body.includes(phone)),
        JSON.stringify(sent.map((q) => `${q.method} ${q.url}`)));
      for (const q of sent) assert.ok(!decodeURIComponent(q.url).replace(/\D/g, '').includes(digits), `phone in ${q.url}`);
      await shot(r.page, `track-delivered-${lang}`);
    } finally {
      await r.context.close();
    }
  }
});
