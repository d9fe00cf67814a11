// volunteer-consent.test.mjs — a volunteer's sign-up records their consent to the privacy
// notice (when, and which version), is refused without it, and approval tells the volunteer by
// SMS; on the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertError, ROOT, startServer, STORE } from './lib/server.mjs';
import { addUser, COMMON_LIST, freshPhone, outbox, PASSWORD, signIn, signUp, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
// The notice's version is its "last updated" date on the privacy page.
const PRIVACY_VERSION = readFileSync(join(ROOT, 'web', '_pages', 'privacy.html'), 'utf8').match(/<time datetime="([0-9-]+)"/)[1];

describe(`volunteer consent ${S}`, () => {
  let srv, coord;
  before(async () => {
    srv = await startServer({ args: ['--password-list', COMMON_LIST, '--rate-form-ip', '1000', '--rate-login-ip', '1000'] });
    await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
    coord = await signIn(srv, 'coord@example.org');
  });
  after(() => srv?.stop());

  const users = () => Number(sql(srv, "SELECT count(*) FROM users WHERE role = 'volunteer'")[0][0]);

  // Attack first: every way of leaving consent out, or faking it, is refused and makes nothing.
  it(`sign-up without consent is refused, naming the field, and creates no account ${S}`, async () => {
    const before = users();
    for (const consent of [undefined, false, 'true', 1, null, 'yes', [], {}]) {
      const phone = freshPhone();
      const r = await signUp(srv, { phone, consent });
      assert.equal(r.status, 400, `${JSON.stringify(consent)}: ${r.text}`);
      assert.equal(r.json.error.field, 'consent', r.text);
      assert.equal(sql(srv, `SELECT count(*) FROM users WHERE phone = '${phone}'`)[0][0], '0');
    }
    // A form post: the box unticked sends nothing; "false" is not consent either.
    for (const extra of [{}, { consent: 'false' }, { consent: '' }]) {
      const r = await srv.request('POST', '/api/v1/volunteers', {
        raw: new URLSearchParams({ name: 'Form Person', phone: freshPhone(), password: PASSWORD, ...extra }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.field, 'consent', r.text);
    }
    assert.equal(users(), before, 'no account was made');
  });

  it(`consent is recorded with its time and the privacy notice's version ${S}`, async () => {
    const t0 = Math.floor(Date.now() / 1000);
    const r = await signUp(srv, { name: 'Leila Consent' });
    assert.equal(r.status, 201, r.text);
    const [[at, version]] = sql(srv, `SELECT consent_at, consent_version FROM volunteer_profiles WHERE user_id = '${r.json.id}'`);
    assert.ok(Number(at) >= t0 - 1 && Number(at) <= Math.floor(Date.now() / 1000) + 1, at);
    assert.equal(version, PRIVACY_VERSION);
    // Coordinators vetting the volunteer see it too.
    const list = await coord.get('/api/v1/volunteers?status=pending');
    const v = list.json.volunteers.find((x) => x.id === r.json.id);
    assert.equal(v.volunteer.consent_at, Number(at));
    assert.equal(v.volunteer.consent_version, PRIVACY_VERSION);
    // A form post that ticks the box (its value "true") signs up as well.
    const f = await srv.request('POST', '/api/v1/volunteers', {
      raw: new URLSearchParams({ name: 'Form Consent', phone: freshPhone(), password: PASSWORD, consent: 'true' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(f.status, 201, f.text);
  });

  it(`approval queues one SMS to the volunteer, in their language; suspension none ${S}`, async () => {
    for (const language of ['fa', 'en']) {
      const phone = freshPhone();
      const r = await signUp(srv, { phone, name: `Approved ${language}`, language });
      assert.equal(r.status, 201, r.text);
      const e164 = phone; // freshPhone() gives E.164
      assert.equal(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '${e164}'`)[0][0], '0', 'nothing before approval');
      assert.equal((await coord.post(`/api/v1/volunteers/${r.json.id}/approve`)).status, 200);
      const rows = sql(srv, `SELECT channel, language, template FROM outbox WHERE recipient = '${e164}'`);
      assert.deepEqual(rows, [['sms', language, 'volunteer_approved']]);
      assert.deepEqual(outbox(srv, e164), [{ name: `Approved ${language}` }]);
      // Approving again changes nothing and sends nothing more.
      assert.equal((await coord.post(`/api/v1/volunteers/${r.json.id}/approve`)).status, 200);
      assert.equal(outbox(srv, e164).length, 1);
      // Suspension sends nothing.
      assert.equal((await coord.post(`/api/v1/volunteers/${r.json.id}/suspend`)).status, 200);
      assert.equal(outbox(srv, e164).length, 1);
    }
  });
});
