// reimbursement.test.mjs — money a volunteer spent on a task, from the receipt to "paid":
//   - on /tasks the volunteer writes the receipt's amount (in either script's digits), asks to
//     be reimbursed with a note for the coordinator; asking without an amount is refused next
//     to the form and sends nothing;
//   - on /dispatch the coordinator sees the receipt and "waiting", marks it paid;
//   - back on /tasks the volunteer sees "paid" and can no longer change the amount.
// In English at desktop size and in Persian at 360 px, axe-clean, screenshots in
// test-output/screenshots/reimb-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, addUsers, serverBinary, LOCALES, COMMON_PASSWORDS, ROOT } from './lib/server.mjs';
import { launchBrowser, signedIn, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { assertAxeClean as axeClean } from './lib/axe.mjs';

const PASSWORD = 'receipts and refunds passphrase';
const COORD = { email: 'coord@reimb.example', name: 'Cyrus Coordinator', role: 'coordinator' };
const VOL = { email: 'vic@reimb.example', name: 'Vida Volunteer' };
const HOME = { lat: 35.7575, lon: 51.4098 };

let server, browser, shots, token;

function cli(args, input) {
  const r = spawnSync(serverBinary(), args, { input, encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000', '--rate-form-ip', '1000'] });
  addUsers(server, [COORD], PASSWORD);
  cli(['user', 'add', '--db', server.db, '--email', VOL.email, '--name', VOL.name, '--role', 'volunteer',
    '--home', `${HOME.lat + 0.004},${HOME.lon}`, '--password-stdin'], `${PASSWORD}\n`);
  token = cli(['token', 'create', '--db', server.db, '--user', COORD.email]).trim().split('\n').pop().trim();
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

async function api(method, path, body) {
  const r = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}

/** A request of `kind` near the volunteer, given to them by the coordinator. */
async function assignedRequest(kind, lang) {
  const r = await fetch(`${server.url}/api/v1/requests`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Receipt ${lang}`, phone: '09125550411', address: 'Gandhi St 4', lat: HOME.lat, lon: HOME.lon, kind, consent: true, language: lang }),
  });
  assert.equal(r.status, 201);
  const { tracking_code: code } = await r.json();
  const queue = (await api('GET', `/api/v1/requests?kind=${kind}`)).body.requests;
  const { id } = queue.find((q) => q.tracking_code === code);
  const vol = (await api('GET', `/api/v1/requests/${id}/suggestions`)).body.volunteers.find((v) => v.name === VOL.name);
  assert.equal((await api('POST', `/api/v1/requests/${id}/assign`, { volunteer_id: vol.user_id })).status, 200);
  return id;
}

const as = (login, lang, viewport) => signedIn(browser, server.url, { login, password: PASSWORD, lang, viewport });

const CASES = [
  { lang: 'en', viewport: null, kind: 'medicine', typed: '125.50', shown: '125.5', note: 'Bought the pills at the pharmacy; cash back please' },
  { lang: 'fa', viewport: { width: 360, height: 740 }, kind: 'errand', typed: '۱۲۵٫۵۰', shown: '۱۲۵٫۵', note: 'دارو از داروخانه خریدم؛ لطفاً نقدی' },
];

for (const c of CASES) {
  test(`a receipt asked back on /tasks and marked paid on /dispatch (${c.lang}${c.viewport ? ', 360 px' : ''})`, async () => {
    const L = LOCALES[c.lang];
    const id = await assignedRequest(c.kind, c.lang);
    const v = await as(VOL.email, c.lang, c.viewport);
    try {
      await v.page.click('.work-nav a[href="/tasks"]');
      await waitForShell(v.page);
      const task = v.page.locator('#tasks-mine li', { hasText: `Receipt ${c.lang}` });
      await task.waitFor();
      // Asking without an amount: said next to the form, nothing stored.
      await task.locator('input[name="reimburse"]').check();
      await task.locator(`button:has-text("${L['tasks.save']}")`).click();
      await task.locator('[role=alert]:not([hidden])').waitFor();
      assert.equal(await task.locator('[role=alert]').textContent(), L['tasks.reimb_need_amount']);
      assert.equal((await api('GET', `/api/v1/requests/${id}`)).body.reimbursement, 'none');
      // With the amount typed in the reader's digits and a note: waiting.
      await task.locator('input[name="receipt_amount"]').fill(c.typed);
      await task.locator('textarea[name="reimb_note"]').fill(c.note);
      await task.locator(`button:has-text("${L['tasks.save']}")`).click();
      await task.locator(`[role=status]:has-text("${L['tasks.saved']}")`).waitFor();
      assert.ok(await task.locator('[role=alert]').isHidden());
      assert.ok((await task.locator('.reimb-status').textContent()).includes(L['reimb.pending']));
      const stored = (await api('GET', `/api/v1/requests/${id}`)).body;
      assert.equal(stored.receipt_amount, 125.5);
      assert.equal(stored.reimbursement, 'pending');
      assert.ok(stored.notes.some((n) => n.text.includes(c.note)), 'the note reaches the request log');
      await axeClean(v.page, `tasks with a reimbursement asked (${c.lang})`);
      await v.page.screenshot({ path: join(shots, `reimb-tasks-${c.lang}.png`), fullPage: true });
      assert.deepEqual(faults(v.problems), []);
    } finally {
      await v.context.close();
    }

    const k = await as(COORD.email, c.lang, c.viewport);
    try {
      await k.page.click('.work-nav a[href="/dispatch"]');
      await waitForShell(k.page);
      await k.page.waitForSelector('#dispatch-board:not([hidden])');
      await k.page.selectOption('#dispatch-kind', c.kind);
      await k.page.click('#dispatch-filters button[type=submit]');
      await k.page.waitForFunction(() => document.querySelectorAll('#dispatch-queue li').length === 1);
      await k.page.click('#dispatch-queue li >> nth=0 >> button');
      await k.page.waitForSelector('#dispatch-reimb:not([hidden])');
      const state = await k.page.textContent('#dispatch-reimb-state');
      assert.ok(state.includes(L['reimb.pending']) && state.includes(c.shown), state);
      assert.ok((await k.page.textContent('#dispatch-notes')).includes(c.note));
      // A mistyped amount is refused in the page; the stored one stays.
      await k.page.fill('#dispatch-receipt', '12,5,0x');
      await k.page.click('#dispatch-reimb-save');
      await k.page.waitForSelector('#dispatch-reimb-error:not([hidden])');
      assert.equal(await k.page.textContent('#dispatch-reimb-error'), L['tasks.receipt_bad']);
      assert.equal((await api('GET', `/api/v1/requests/${id}`)).body.receipt_amount, 125.5);
      await k.page.fill('#dispatch-receipt', c.typed);
      await k.page.selectOption('#dispatch-reimb-status', 'paid');
      await k.page.click('#dispatch-reimb-save');
      await k.page.waitForSelector('#dispatch-reimb-saved:not([hidden])');
      assert.ok((await k.page.textContent('#dispatch-reimb-state')).includes(L['reimb.paid']));
      assert.equal((await api('GET', `/api/v1/requests/${id}`)).body.reimbursement, 'paid');
      await axeClean(k.page, `dispatch with the receipt paid (${c.lang})`);
      await k.page.screenshot({ path: join(shots, `reimb-dispatch-${c.lang}.png`), fullPage: true });
      assert.deepEqual(faults(k.problems), []);
    } finally {
      await k.context.close();
    }

    // Paid: the volunteer sees it and the amount is no longer theirs to change.
    const w = await as(VOL.email, c.lang, c.viewport);
    try {
      await w.page.goto(`${server.url}/tasks`);
      await waitForShell(w.page);
      const task = w.page.locator('#tasks-mine li', { hasText: `Receipt ${c.lang}` });
      await task.waitFor();
      assert.ok((await task.locator('.reimb-status').textContent()).includes(L['reimb.paid']));
      assert.ok(await task.locator('input[name="receipt_amount"]').isDisabled());
      assert.equal(await task.locator('input[name="reimburse"]').count(), 0);
      assert.deepEqual(faults(w.problems), []);
    } finally {
      await w.context.close();
    }
  });
}
