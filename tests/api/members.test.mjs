// members.test.mjs — a member of the public signs up (POST /api/v1/members) and takes part at
// once, with the sign-up rules volunteers have (consent, password list, rate limit), and sees
// nothing that volunteers or staff see; on the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, routes, startServer, STORE } from './lib/server.mjs';
import { Client, COMMON_LIST, freshPhone, PASSWORD, signIn, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const PRIVACY_VERSION = readFileSync(join(ROOT, 'web', '_pages', 'privacy.html'), 'utf8').match(/<time datetime="([0-9-]+)"/)[1];
let n = 0;
const join1 = (srv, fields = {}) => {
  const body = { name: 'Test Member', email: `member${++n}.${Date.now()}@example.org`, password: PASSWORD, consent: true, ...fields };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return srv.request('POST', '/api/v1/members', { body });
};

describe(`members of the public ${S}`, () => {
  let srv;
  before(async () => {
    srv = await startServer({ args: ['--password-list', COMMON_LIST, '--rate-form-ip', '1000', '--rate-login-ip', '1000'] });
  });
  after(() => srv?.stop());
  const count = () => Number(sql(srv, "SELECT count(*) FROM users WHERE role = 'member'")[0][0]);

  // Attack first: a sign-up that tries to choose its role, status or skip the rules.
  it(`role, status and unknown fields cannot be set; no consent, a weak password, no login: refused ${S}`, async () => {
    const before = count();
    for (const extra of [{ role: 'admin' }, { status: 'approved' }, { role: 'coordinator' }, { skills: ['x'] }]) {
      const r = await join1(srv, extra);
      assert.equal(r.status, 400, `${JSON.stringify(extra)}: ${r.text}`);
    }
    for (const consent of [undefined, false, 'true', 1]) {
      const r = await join1(srv, { consent });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.field, 'consent', r.text);
    }
    let r = await join1(srv, { password: 'short' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, 'password');
    r = await join1(srv, { password: undefined });
    assert.equal(r.status, 400, r.text);
    r = await join1(srv, { email: undefined });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, 'email');
    r = await join1(srv, { email: 'not an address' });
    assert.equal(r.status, 400, r.text);
    assert.equal(count(), before, 'no account was made');
  });

  it(`a member is active at once, signs in, and consent is in the audit log ${S}`, async () => {
    const email = `Active.${Date.now()}@Example.org`;
    const r = await join1(srv, { email, name: 'مریم' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'approved');
    const c = await signIn(srv, email.toLowerCase());
    const me = await c.me();
    assert.equal(me.role, 'member');
    assert.equal(me.name, 'مریم');
    assert.equal(me.volunteer, undefined);
    const [[detail]] = sql(srv, `SELECT detail FROM audit_log WHERE action = 'member_signed_up' AND subject_id = '${r.json.id}'`);
    assert.equal(detail, `privacy ${PRIVACY_VERSION}`);
    // The same e-mail again: 409, nothing new.
    const again = await join1(srv, { email: email.toLowerCase() });
    assert.equal(again.status, 409, again.text);
    // A phone instead of an e-mail works too, as a form post.
    const phone = freshPhone();
    const f = await srv.request('POST', '/api/v1/members', {
      raw: new URLSearchParams({ name: 'Form Member', phone, password: PASSWORD, consent: 'true' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(f.status, 201, f.text);
    await signIn(srv, phone);
  });

  it(`a member gets 403 on every volunteer, coordinator, editor and admin route ${S}`, async () => {
    const email = `nosy.${Date.now()}@example.org`;
    assert.equal((await join1(srv, { email })).status, 201);
    const c = await signIn(srv, email);
    let checked = 0;
    for (const r of routes()) {
      if (r.access < 2) continue; // 2..5: volunteer, coordinator, editor, admin
      const path = r.path.replace(/\{[^}]+\}/g, '0123456789abcdef0123456789abcdef');
      const res = await c.request(r.method, path, { body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      assert.equal(res.status, 403, `${r.method} ${r.path}: ${res.status} ${res.text}`);
      checked++;
    }
    assert.ok(checked > 20, `only ${checked} routes checked`);
  });

  it(`sign-ups share the volunteers' rate limit per address ${S}`, async () => {
    const s2 = await startServer({ args: ['--password-list', COMMON_LIST, '--rate-form-ip', '3'] });
    try {
      const codes = [];
      for (let i = 0; i < 2; i++) {
        codes.push((await s2.request('POST', '/api/v1/volunteers', { body: { name: 'V', phone: freshPhone(), password: PASSWORD, consent: true } })).status);
      }
      for (let i = 0; i < 3; i++) codes.push((await join1(s2)).status);
      assert.deepEqual(codes, [201, 201, 201, 429, 429]);
    } finally {
      await s2.stop();
    }
  });
});
