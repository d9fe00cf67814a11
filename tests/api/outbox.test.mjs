// outbox.test.mjs — the admins' view of outgoing messages (GET /api/v1/outbox): counts by
// status and the messages newest first, filtered by status and paged by id, with what each is
// and how its delivery goes, but never what it says (no payload, no tracking or reset code)
// and never a whole phone number or e-mail address. Refused to everyone but admins. On the
// store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const HOME = { lat: 35.7575, lon: 51.4098 };
const PHONE = '+989125550171';

function as(srv, token) {
  const h = token ? { authorization: `Bearer ${token}` } : {};
  return {
    get: (p) => srv.request('GET', p, { headers: h }),
    post: (p, body) => srv.request('POST', p, { body: body ?? {}, headers: h }),
  };
}

/** Every page of GET /api/v1/outbox with `query`, following next_before. */
async function allPages(admin, query) {
  const seen = [];
  let before = null;
  for (let guard = 0; guard < 100; guard++) {
    const r = await admin.get(`/api/v1/outbox?${query}${before ? `&before=${before}` : ''}`);
    assert.equal(r.status, 200, r.text);
    seen.push(...r.json.messages);
    if (r.json.next_before === null) return seen;
    assert.equal(r.json.next_before, r.json.messages.at(-1).id);
    before = r.json.next_before;
  }
  assert.fail('paging did not end');
}

describe(`the outbox status for admins ${S}`, () => {
  let srv, admin, tokens, code;
  before(async () => {
    srv = await startServer({ args: ['--rate-form-ip', '1000'] });
    tokens = {};
    for (const role of ['admin', 'coordinator', 'editor', 'volunteer']) {
      await addUser(srv, { email: `${role}@outbox.example`, role, ...(role === 'volunteer' ? { home: HOME } : {}) });
      tokens[role] = await createToken(srv, `${role}@outbox.example`);
    }
    admin = as(srv, tokens.admin);
    // A real message: the requester's confirmation, carrying the tracking code.
    const r = await as(srv, null).post('/api/v1/requests', {
      name: 'Parvin Private', phone: '0912 555 0171', address: 'Gandhi St 4', kind: 'medicine', consent: true,
      language: 'fa', lat: HOME.lat, lon: HOME.lon,
    });
    assert.equal(r.status, 201, r.text);
    code = r.json.tracking_code;
    assert.ok(Number(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '${PHONE}'`)[0][0]) >= 1, 'the confirmation is queued');
    // Messages in every other state, as the delivery worker leaves them.
    const ins = (recipient, status, extra) => sql(srv, 'INSERT INTO outbox(created_at, recipient, channel, language, template, payload, '
      + `next_attempt_at, status, attempts, last_error, sent_at) VALUES (${extra.at}, '${recipient}', '${extra.channel || 'sms'}', 'en', `
      + `'${extra.template || 'request_received'}', '{"secret":"payload-text-${extra.at}"}', ${extra.at}, '${status}', ${extra.attempts || 0}, `
      + `${extra.error ? `'${extra.error}'` : 'NULL'}, ${extra.sent || 'NULL'})`);
    const t0 = Math.floor(Date.now() / 1000) - 3600;
    for (let i = 0; i < 3; i++) ins(`+44770090012${i}`, 'failed', { at: t0 + i, attempts: 8, error: 'gateway said 503' });
    for (let i = 0; i < 4; i++) ins(`+98912000000${i}`, 'sent', { at: t0 + 10 + i, attempts: 1, sent: t0 + 20 + i });
    ins('someone.private@example.org', 'pending', { at: t0 + 30, channel: 'email', template: 'password_reset' });
    ins('', 'dropped', { at: t0 + 40 });
  });
  after(() => srv?.stop());

  // Attack first: every role but admin, and nobody signed in.
  it(`is refused to the public (401) and to every role but admins (403) ${S}`, async () => {
    assertError(await as(srv, null).get('/api/v1/outbox'), 401, 'unauthorized');
    for (const role of ['coordinator', 'editor', 'volunteer']) assertError(await as(srv, tokens[role]).get('/api/v1/outbox'), 403, 'forbidden', role);
    assertError(await as(srv, null).get(`/api/v1/outbox?status=pending&limit=200`), 401, 'unauthorized');
  });

  it(`never answers with a message's text, a code it carries or a whole recipient ${S}`, async () => {
    const payloads = sql(srv, 'SELECT payload FROM outbox').map((r) => r.join('\t'));
    const recipients = sql(srv, "SELECT recipient FROM outbox WHERE recipient <> ''").map((r) => r[0]);
    for (const q of ['', 'status=pending', 'status=failed', 'limit=1', 'limit=200']) {
      const r = await admin.get(`/api/v1/outbox?${q}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(!r.text.includes(code), `no tracking code (${q})`);
      assert.doesNotMatch(r.text, /payload|secret|payload-text/, q);
      for (const p of payloads) if (p !== '{}') assert.ok(!r.text.includes(p), q);
      for (const rcp of recipients) {
        assert.ok(!r.text.includes(rcp), `${rcp} in ${q}`);
        assert.ok(!r.text.includes(rcp.replace(/^\+98/, '0')), `${rcp} written nationally in ${q}`);
      }
      assert.doesNotMatch(r.text, /5550171|555 0171|someone\.private/, q);
      for (const m of r.json.messages) assert.deepEqual(Object.keys(m).sort(), ['attempts', 'channel', 'created_at', 'id', 'language', 'last_error', 'next_attempt_at', 'recipient', 'sent_at', 'status', 'template']);
    }
    const all = await allPages(admin, 'limit=200');
    const mine = all.filter((m) => m.recipient === '+98912•••••71');
    assert.ok(mine.length >= 1 && mine.every((m) => m.status === 'pending' && m.channel === 'sms'), JSON.stringify(mine));
    assert.ok(all.some((m) => m.recipient === 's•••@example.org' && m.channel === 'email' && m.template === 'password_reset'));
    assert.ok(all.some((m) => m.status === 'dropped' && m.recipient === ''));
  });

  it(`counts every status and filters by one, with the delivery's state ${S}`, async () => {
    const r = await admin.get('/api/v1/outbox');
    assert.equal(r.status, 200);
    const byStatus = Object.fromEntries(sql(srv, 'SELECT status, count(*) FROM outbox GROUP BY status').map(([s, n]) => [s, Number(n)]));
    for (const s of ['pending', 'sending', 'sent', 'failed', 'dropped']) assert.equal(r.json.counts[s], byStatus[s] || 0, s);
    const failed = await allPages(admin, 'status=failed&limit=2');
    assert.equal(failed.length, 3);
    for (const m of failed) {
      assert.equal(m.status, 'failed');
      assert.equal(m.attempts, 8);
      assert.equal(m.last_error, 'gateway said 503');
      assert.equal(m.sent_at, null);
      assert.match(m.recipient, /^\+44770•••••2[0-2]$/);
    }
    const sent = await allPages(admin, 'status=sent');
    assert.equal(sent.length, 4);
    for (const m of sent) assert.ok(m.sent_at > m.created_at && m.last_error === null, JSON.stringify(m));
    assert.equal((await allPages(admin, 'status=sending')).length, 0);
  });

  it(`pages newest first by id, each message once ${S}`, async () => {
    const total = Number(sql(srv, 'SELECT count(*) FROM outbox')[0][0]);
    for (const limit of [1, 3, 200]) {
      const all = await allPages(admin, `limit=${limit}`);
      assert.equal(all.length, total, `limit ${limit}`);
      const ids = all.map((m) => m.id);
      assert.equal(new Set(ids).size, ids.length);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    }
    const first = await admin.get('/api/v1/outbox?limit=200');
    assert.equal(first.json.next_before, null, 'one page: nothing after it');
    assert.equal(first.json.messages.length, total);
  });

  it(`bad queries are 400 invalid_query naming the parameter ${S}`, async () => {
    for (const [q, field] of [['status=bogus', 'status'], ["status=sent'--", 'status'], ['status=SENT', 'status'],
      ['before=0', 'before'], ['before=-3', 'before'], ['before=abc', 'before'], ['before=1e3', 'before'],
      ['limit=0', 'limit'], ['limit=201', 'limit'], ['limit=ten', 'limit'], ['limit=99999999999999999999', 'limit']]) {
      const r = await admin.get(`/api/v1/outbox?${q}`);
      assertError(r, 400, 'invalid_query', q);
      assert.equal(r.json.error.field, field, q);
    }
  });
});
