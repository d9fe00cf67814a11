// The staff pages as their people use them: a coordinator approves a submitted group from
// "Groups to approve"; an admin changes an account's role on "Users" and reads both events on
// the audit log, by name; signed out or the wrong role, each page says why (with a sign-in link
// that comes back). fa and en, 1280 and 360 px, axe-clean, screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, addUsers, LOCALES, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const PASSWORD = 'staff pages passphrase 42';
const PEOPLE = {
  admin: { email: 'admin@staff.example', name: 'Ada Admin' },
  coordinator: { email: 'coord@staff.example', name: 'Cyrus Coordinator' },
  volunteer: { email: 'vic@staff.example', name: 'Vic Volunteer' },
};
const GROUP = 'Staff test neighbourhood group';

let server, browser, shots, groupId, owner;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, Object.entries(PEOPLE).map(([role, p]) => ({ ...p, role })), PASSWORD);
  // The volunteer submits a group through the API; it waits for approval.
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: PEOPLE.volunteer.email, password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  const { csrf_token: csrf } = await login.json();
  const cookie = login.headers.get('set-cookie').split(';')[0];
  owner = { cookie, csrf };
  const sub = await fetch(`${server.url}/api/v1/groups`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ name: GROUP, description: 'Shopping and calls for older neighbours.', lat: 35.7, lon: 51.4,
      radius_km: 2, contact: { phone: '+989121234567' }, languages: ['fa'], tags: ['shopping'] }),
  });
  const body = await sub.text();
  assert.equal(sub.status, 201, body);
  groupId = JSON.parse(body).id;
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

async function axeClean(page, what) {
  const { blocking } = await runAxe(page);
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

async function signedIn(person, lang, viewport) {
  const context = await newContext(browser, { lang, ...(viewport ? { viewport } : {}) });
  const ip = await instrumentedPage(context, { allowedOrigin: server.url });
  await ip.page.goto(`${server.url}/signin`);
  await waitForShell(ip.page);
  await ip.page.fill('#signin-login', person.email);
  await ip.page.fill('#signin-password', PASSWORD);
  await ip.page.click('#signin-submit');
  await ip.page.waitForURL(/\/account$/);
  await waitForShell(ip.page); // and the network quiet: the next navigation cuts nothing off
  return { context, ...ip };
}

test('signed out, or the wrong role: each staff page says why, and "sign in" comes back to it', async () => {
  const context = await newContext(browser, { lang: 'en' });
  try {
    const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
    for (const [path, prefix] of [['/admin/users', 'users'], ['/admin/audit', 'audit'], ['/pending-groups', 'pgroups']]) {
      await page.goto(server.url + path);
      await waitForShell(page);
      await page.waitForSelector(`#${prefix}-anon`);
      assert.equal(await page.getAttribute(`#${prefix}-anon a`, 'href'), `/signin?next=${encodeURIComponent(path)}`);
      assert.ok(await page.isHidden(`#${prefix}-view`));
    }
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
  const { context: c2, page, problems } = await signedIn(PEOPLE.coordinator, 'fa');
  try {
    await page.goto(`${server.url}/admin/users`);
    await waitForShell(page);
    await page.waitForSelector('#users-forbidden');
    assert.equal(await page.textContent('#users-forbidden'), LOCALES.fa['staff.admins_only']);
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(await page.textContent('#users-forbidden'), LOCALES.en['staff.admins_only'], 'translated in place');
    assert.deepEqual(faults(problems).filter((s) => !/HTTP 403/.test(s)), []);
  } finally {
    await c2.close();
  }
});

test('a coordinator approves a submitted group, as verified, from "Groups to approve" (fa)', async () => {
  const { context, page, problems } = await signedIn(PEOPLE.coordinator, 'fa');
  try {
    await page.click('.work-nav a[href="/pending-groups"]');
    await waitForShell(page);
    const item = page.locator(`.vet-item[data-id="${groupId}"]`);
    await item.waitFor();
    assert.equal(await item.locator('h2 a').getAttribute('href'), `/group?id=${groupId}`);
    assert.match(await item.textContent(), /[۰-۹]/, 'submission time in Persian digits');
    await axeClean(page, 'groups to approve (fa)');
    await page.screenshot({ path: join(shots, 'staff-pending-groups-fa.png'), fullPage: true });
    await item.locator('input[type="checkbox"]').check();
    await item.getByRole('button', { name: LOCALES.fa['pgroups.approve_named'].replace('{name}', GROUP) }).click();
    await page.waitForSelector('#pgroups-msg:not(:empty)');
    assert.match(await page.textContent('#pgroups-msg'), new RegExp(GROUP));
    assert.equal(await page.locator('.vet-item').count(), 0);
    assert.equal(await page.textContent('#pgroups-list li'), LOCALES.fa['pgroups.empty']);
    const g = await (await fetch(`${server.url}/api/v1/groups/${groupId}`)).json();
    assert.deepEqual([g.status, g.verified], ['approved', true], 'public and verified');
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
});

/** A group the volunteer submits through the API; it waits in "Groups to approve". */
async function submitGroup(name) {
  const r = await fetch(`${server.url}/api/v1/groups`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: owner.cookie, 'x-csrf-token': owner.csrf },
    body: JSON.stringify({ name, lat: 35.7, lon: 51.4 }),
  });
  const text = await r.text();
  assert.equal(r.status, 201, text);
  return JSON.parse(text).id;
}

test('a coordinator rejects a group with a reason (en, 360 px) and deletes spam after confirming (fa)', async () => {
  const doubtful = await submitGroup('Doubtful group');
  const spam = await submitGroup('Cheap pills here');
  const { context, page, problems } = await signedIn(PEOPLE.coordinator, 'en', { width: 360, height: 800 });
  try {
    await page.goto(`${server.url}/pending-groups`);
    await waitForShell(page);
    const item = page.locator(`.vet-item[data-id="${doubtful}"]`);
    await item.waitFor();
    await item.locator('summary', { hasText: LOCALES.en['pgroups.refuse'] }).click();
    // No reason: nothing is sent, the field says so.
    await item.getByRole('button', { name: LOCALES.en['pgroups.reject_named'].replace('{name}', 'Doubtful group') }).click();
    assert.equal(await item.locator('textarea').getAttribute('aria-invalid'), 'true');
    assert.equal((await fetch(`${server.url}/api/v1/groups?status=pending`, { headers: { cookie: owner.cookie } })).status, 403);
    await item.getByLabel(LOCALES.en['pgroups.reason']).fill('We could not reach anyone at the phone number given.');
    await axeClean(page, 'reject a group (en, 360 px)');
    await page.screenshot({ path: join(shots, 'staff-pending-groups-reject-en-360.png'), fullPage: true });
    await item.getByRole('button', { name: LOCALES.en['pgroups.reject_named'].replace('{name}', 'Doubtful group') }).click();
    await page.waitForFunction(() => /Doubtful group/.test(document.getElementById('pgroups-msg').textContent));
    assert.equal(await page.textContent('#pgroups-msg'), LOCALES.en['pgroups.rejected_msg'].replace('{name}', 'Doubtful group'));
    assert.equal(await page.locator(`.vet-item[data-id="${doubtful}"]`).count(), 0);
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
  const fa = await signedIn(PEOPLE.coordinator, 'fa');
  try {
    const { page, problems } = fa;
    await page.goto(`${server.url}/pending-groups`);
    await waitForShell(page);
    const item = page.locator(`.vet-item[data-id="${spam}"]`);
    await item.waitFor();
    await item.locator('summary').click();
    const del = item.getByRole('button', { name: LOCALES.fa['pgroups.delete_named'].replace('{name}', 'Cheap pills here') });
    // Dismissed: nothing happens.
    page.once('dialog', (d) => d.dismiss());
    await del.click();
    assert.equal(await page.locator(`.vet-item[data-id="${spam}"]`).count(), 1);
    page.once('dialog', (d) => {
      assert.equal(d.message(), LOCALES.fa['pgroups.delete_confirm'].replace('{name}', 'Cheap pills here'));
      d.accept();
    });
    await del.click();
    await page.waitForFunction(() => /Cheap pills here/.test(document.getElementById('pgroups-msg').textContent));
    assert.equal(await page.locator(`.vet-item[data-id="${spam}"]`).count(), 0);
    assert.deepEqual(faults(problems), []);
  } finally {
    await fa.context.close();
  }
  // Both are gone for their submitter too.
  for (const id of [doubtful, spam]) {
    const r = await fetch(`${server.url}/api/v1/groups/${id}`, { headers: { cookie: owner.cookie } });
    assert.equal(r.status, 404);
  }
});

test("the owner's change to the approved group waits in \"Groups to approve\" until approved (en)", async () => {
  const renamed = `${GROUP} (Yusefabad)`;
  const patch = await fetch(`${server.url}/api/v1/groups/${groupId}`, {
    method: 'PATCH', headers: { 'content-type': 'application/json', cookie: owner.cookie, 'x-csrf-token': owner.csrf },
    body: JSON.stringify({ name: renamed, tags: ['shopping', 'calls'] }),
  });
  assert.equal(patch.status, 202, await patch.text());
  const before = await (await fetch(`${server.url}/api/v1/groups/${groupId}`)).json();
  assert.equal(before.name, GROUP, 'the public version stays until approved');
  const { context, page, problems } = await signedIn(PEOPLE.coordinator, 'en');
  try {
    await page.click('.work-nav a[href="/pending-groups"]');
    await waitForShell(page);
    const item = page.locator(`#pgroups-changes .vet-item[data-id="${groupId}"]`);
    await item.waitFor();
    const text = await item.textContent();
    assert.ok(text.includes(renamed) && text.includes(GROUP), text);
    assert.ok(text.includes(LOCALES.en['pgroups.field.name']) && text.includes(LOCALES.en['pgroups.field.tags']), text);
    assert.ok(!text.includes(LOCALES.en['pgroups.field.description']), 'unchanged fields are not listed');
    await axeClean(page, 'group changes (en)');
    await page.screenshot({ path: join(shots, 'staff-group-changes-en.png'), fullPage: true });
    await item.locator('button', { hasText: LOCALES.en['pgroups.change_approve'] }).click();
    await page.waitForSelector('#pgroups-changes-msg:not(:empty)');
    assert.equal(await page.textContent('#pgroups-changes li'), LOCALES.en['pgroups.changes_empty']);
    const after = await (await fetch(`${server.url}/api/v1/groups/${groupId}`)).json();
    assert.equal(after.name, renamed);
    assert.deepEqual(after.tags, ['shopping', 'calls']);
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
});

test('an admin changes a role on "Users" and reads it, by name, in the audit log (en, then fa at 360 px)', async () => {
  const { context, page, problems } = await signedIn(PEOPLE.admin, 'en');
  try {
    await page.click('.work-nav a[href="/admin/users"]');
    await waitForShell(page);
    await page.waitForSelector('#users-list .vet-item');
    assert.match(await page.textContent('#users-count'), /3 accounts/);
    // One's own role cannot be changed here.
    const own = page.locator('.vet-item', { hasText: PEOPLE.admin.name });
    assert.ok(await own.locator('select').isDisabled());
    // Only volunteers.
    await page.selectOption('#users-role', 'volunteer');
    await page.waitForFunction(() => document.querySelectorAll('#users-list .vet-item').length === 1);
    const vic = page.locator('.vet-item', { hasText: PEOPLE.volunteer.name });
    assert.match(await vic.textContent(), new RegExp(LOCALES.en['role.volunteer']));
    await axeClean(page, 'users (en)');
    await page.screenshot({ path: join(shots, 'staff-users-en.png'), fullPage: true });
    await vic.locator('select').selectOption('coordinator');
    await vic.locator('button[type="submit"]').click();
    await page.waitForSelector('#users-msg:not(:empty)');
    assert.equal(await page.textContent('#users-msg'),
      LOCALES.en['users.changed'].replace('{name}', PEOPLE.volunteer.name).replace('{role}', LOCALES.en['role.coordinator']));
    const users = await page.evaluate(async () => (await fetch('/api/v1/users?role=coordinator')).json());
    assert.ok(users.users.some((u) => u.name === 'Vic Volunteer'), 'the role changed on the server');

    // The audit log, in words and names.
    await page.click('.work-nav a[href="/admin/audit"]');
    await waitForShell(page);
    const changed = page.locator('.audit-item', { hasText: LOCALES.en['audit.action.role_changed'] });
    await changed.waitFor();
    const text = await changed.textContent();
    assert.match(text, new RegExp(PEOPLE.admin.name), 'who did it, by name');
    assert.match(text, new RegExp(PEOPLE.volunteer.name), 'to whom, by name');
    assert.match(text, /\d{1,2}:\d{2}/, 'the time of day');
    assert.match(text, new RegExp(`${LOCALES.en['role.volunteer']} → ${LOCALES.en['role.coordinator']}`), 'the roles in words');
    const approved = page.locator('.audit-item', { hasText: LOCALES.en['audit.action.group_approved'] });
    assert.match(await approved.textContent(), new RegExp(PEOPLE.coordinator.name));
    assert.equal(await approved.locator('a').getAttribute('href'), `/group?id=${groupId}`);
    assert.doesNotMatch(await page.textContent('#audit-list'), /role_changed|group_approved|login_failed|->|\bpending\b/, 'no raw codes');
    await axeClean(page, 'audit log (en)');
    await page.screenshot({ path: join(shots, 'staff-audit-en.png'), fullPage: true });
    // Persian, on a phone.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'fa');
    await changed.page().locator('.audit-item', { hasText: LOCALES.fa['audit.action.role_changed'] }).waitFor();
    assert.match(await page.textContent('#audit-count'), /[۰-۹]/);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scroll at 360 px');
    await axeClean(page, 'audit log (fa, 360 px)');
    await page.screenshot({ path: join(shots, 'staff-audit-fa-360.png'), fullPage: true });
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
});
