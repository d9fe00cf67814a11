// hostile-claims.test.mjs — a vetted volunteer turned contact harvester, on the store under test.
// The attacks: claiming requests on other continents, claiming without a service area, holding
// many requests at once, claim/release cycles to read one contact after another (across two
// server processes on PostgreSQL: the counts live in the store), repeated claims that would
// text the requester each time, reading the tracking code from a volunteer's answers and
// cancelling as the requester with it. Each must fail; each contact read must be audited; each
// cancel must say who cancelled.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, runCli, startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, freshPhone, makeClock, newVolunteer, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const HOME = { lat: 35.7000, lon: 51.4000 }; // Tehran
const FAR = [
  { lat: -34.6037, lon: -58.3816 }, // Buenos Aires
  { lat: -33.8688, lon: 151.2093 }, // Sydney
  { lat: 6.5244, lon: 3.3792 },     // Lagos
  { lat: 59.9139, lon: 10.7522 },   // Oslo
  { lat: 40.7128, lon: -74.0060 },  // New York
  { lat: 35.7000, lon: 51.6000 },   // Tehran, 18 km east: outside a 5 km radius
];

function as(srv, token) {
  const h = { authorization: `Bearer ${token}` };
  return {
    get: (p) => srv.request('GET', p, { headers: h }),
    post: (p, body) => srv.request('POST', p, { body: body ?? {}, headers: h }),
  };
}

/** A help request at `at`, opened by the coordinator: { id, code, phone }. */
async function openRequest(srv, coord, at = { lat: HOME.lat + 0.001, lon: HOME.lon + 0.001 }) {
  const phone = freshPhone();
  const r = await srv.request('POST', '/api/v1/requests', {
    body: {
      name: 'Harvest Target', phone, address: 'Secret Lane 7', lat: at.lat, lon: at.lon,
      kind: 'groceries', details: 'rice', urgency: 'normal', for_whom: 'self', language: 'en', consent: true,
    },
  });
  assert.equal(r.status, 201, r.text);
  const o = await as(srv, coord).post(`/api/v1/requests/${r.json.id}/status`, { status: 'open' });
  assert.equal(o.status, 200, o.text);
  return { id: r.json.id, code: r.json.tracking_code, phone };
}

/** Messages of `template` queued to `phone`. */
function queued(srv, phone, template) {
  return Number(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '${phone}' AND template = '${template}'`)[0][0]);
}

/** Audit entries "request_contact_viewed" by `actor` on request `id`. */
function contactViews(srv, actor, id) {
  return Number(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'request_contact_viewed' AND actor_id = '${actor}' AND subject_id = '${id}'`)[0][0]);
}

/** An approved volunteer at `at` (no position: no service area): { id, token }. */
async function volunteer(srv, coord, email, at = HOME, radius_km = 5) {
  const v = await newVolunteer(srv, { email, password: undefined, ...(at ? { lat: at.lat, lon: at.lon, radius_km } : {}) });
  const a = await as(srv, coord).post(`/api/v1/volunteers/${v.id}/approve`);
  assert.equal(a.status, 200, a.text);
  return { id: v.id, token: await createToken(srv, email) };
}

describe(`a volunteer harvesting contacts ${S}`, () => {
  let srv, srv2, clock, coord, coordId, n = 0;
  const next = () => `harvest${++n}@example.org`;

  before(async () => {
    clock = makeClock();
    const args = ['--rate-form-ip', '100000', '--rate-track-ip', '100000', '--rate-track-code', '100000'];
    srv = await startServer({ env: clock.env, args });
    // PostgreSQL: a second process on the same database, so that limits counted in one
    // process's memory would show.
    if (STORE === 'postgres') srv2 = await startServer({ env: clock.env, args, db: srv.dbUrl });
    coordId = await addUser(srv, { email: 'hc-coord@example.org', role: 'coordinator' });
    coord = await createToken(srv, 'hc-coord@example.org');
  });

  after(async () => {
    await srv2?.stop();
    await srv?.stop();
    clock?.remove();
  });

  it(`claims on five continents and 18 km away are refused; at home one is granted ${S}`, async () => {
    const v = await volunteer(srv, coord, next());
    for (const at of FAR) {
      const q = await openRequest(srv, coord, at);
      const r = await as(srv, v.token).post(`/api/v1/requests/${q.id}/claim`);
      assertError(r, 403, 'outside_service_area');
      assert.doesNotMatch(r.text, /Harvest Target|Secret Lane|\+98912/, 'no contact in a refusal');
      assert.equal(sql(srv, `SELECT status FROM help_requests WHERE id = '${q.id}'`)[0][0], 'open');
      assert.equal(queued(srv, q.phone, 'request_claimed'), 0);
      assert.equal(contactViews(srv, v.id, q.id), 0);
    }
    const home = await openRequest(srv, coord);
    const ok = await as(srv, v.token).post(`/api/v1/requests/${home.id}/claim`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.contact.name, 'Harvest Target');
    // A coordinator assigns anywhere: the service area binds volunteers' own claims only.
    const far = await openRequest(srv, coord, FAR[0]);
    const asg = await as(srv, coord).post(`/api/v1/requests/${far.id}/assign`, { volunteer_id: v.id });
    assert.equal(asg.status, 200, asg.text);
  });

  it(`a volunteer without a service area cannot claim, and is told why ${S}`, async () => {
    const v = await volunteer(srv, coord, next(), null);
    const q = await openRequest(srv, coord);
    const r = await as(srv, v.token).post(`/api/v1/requests/${q.id}/claim`);
    assertError(r, 403, 'no_service_area');
    assert.equal(sql(srv, `SELECT status FROM help_requests WHERE id = '${q.id}'`)[0][0], 'open');
  });

  it(`hamyari user add --home gives a volunteer a service area; bad values change nothing ${S}`, async () => {
    const before = sql(srv, 'SELECT count(*) FROM users')[0][0];
    const add = (email, role, ...extra) => runCli(['user', 'add', '--db', srv.dbUrl, '--email', email, '--role', role,
      '--password-stdin', ...extra], { input: 'correct horse battery staple\n' });
    for (const extra of [['--home', '91,0'], ['--home', '35.7'], ['--home', '35.7,51.4x'], ['--home', 'NaN,1'],
      ['--home', '35.7,51.4', '--radius-km', '0.1'], ['--home', '35.7,51.4', '--radius-km', '1e9']]) {
      const r = await add(`bad-home-${n}@example.org`, 'volunteer', ...extra);
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stdout} ${r.stderr}`);
    }
    assert.equal((await add('coord-home@example.org', 'coordinator', '--home', '35.7,51.4')).code, 2);
    assert.equal(sql(srv, 'SELECT count(*) FROM users')[0][0], before);
    const ok = await add('cli-vol@example.org', 'volunteer', '--home', `${HOME.lat},${HOME.lon}`, '--radius-km', '2');
    assert.equal(ok.code, 0, ok.stderr);
    const token = await createToken(srv, 'cli-vol@example.org');
    const near = await openRequest(srv, coord);
    assert.equal((await as(srv, token).post(`/api/v1/requests/${near.id}/claim`)).status, 200);
    const farther = await openRequest(srv, coord, { lat: HOME.lat + 0.04, lon: HOME.lon }); // 4.4 km: outside 2 km
    assertError(await as(srv, token).post(`/api/v1/requests/${farther.id}/claim`), 403, 'outside_service_area');
  });

  it(`at most 3 open claims at once (--max-open-claims); a delivery frees a place ${S}`, async () => {
    const v = await volunteer(srv, coord, next());
    const qs = [];
    for (let i = 0; i < 5; i++) qs.push(await openRequest(srv, coord));
    for (let i = 0; i < 3; i++) {
      const r = await as(i % 2 && srv2 ? srv2 : srv, v.token).post(`/api/v1/requests/${qs[i].id}/claim`);
      assert.equal(r.status, 200, r.text);
    }
    const over = await as(srv2 ?? srv, v.token).post(`/api/v1/requests/${qs[3].id}/claim`);
    assertError(over, 409, 'too_many_open_claims');
    assert.doesNotMatch(over.text, /Harvest Target/);
    assert.equal(contactViews(srv, v.id, qs[3].id), 0);
    // Delivering one frees a place.
    assert.equal((await as(srv, v.token).post(`/api/v1/requests/${qs[0].id}/status`, { status: 'in_progress' })).status, 200);
    assert.equal((await as(srv, v.token).post(`/api/v1/requests/${qs[0].id}/status`, { status: 'delivered' })).status, 200);
    assert.equal((await as(srv, v.token).post(`/api/v1/requests/${qs[3].id}/claim`)).status, 200);
    // A coordinator may still give this volunteer more.
    const asg = await as(srv, coord).post(`/api/v1/requests/${qs[4].id}/assign`, { volunteer_id: v.id });
    assert.equal(asg.status, 200, asg.text);
  });

  it(`8 simultaneous claims by one volunteer holding 2: exactly one more is granted ${S}`, async () => {
    const v = await volunteer(srv, coord, next());
    const qs = [];
    for (let i = 0; i < 10; i++) qs.push(await openRequest(srv, coord));
    for (let i = 0; i < 2; i++) assert.equal((await as(srv, v.token).post(`/api/v1/requests/${qs[i].id}/claim`)).status, 200);
    const rs = await Promise.all(qs.slice(2).map((q, i) => as(i % 2 && srv2 ? srv2 : srv, v.token).post(`/api/v1/requests/${q.id}/claim`)));
    const granted = rs.filter((r) => r.status === 200);
    assert.equal(granted.length, 1, rs.map((r) => r.status).join(' '));
    for (const r of rs) if (r.status !== 200) assertError(r, 409, 'too_many_open_claims');
    assert.equal(Number(sql(srv, `SELECT count(*) FROM help_requests WHERE assignee_id = '${v.id}'`)[0][0]), 3);
  });

  it(`20 claim/release cycles: the 5th claim in an hour is 429, the requester is texted once; an hour later it works ${S}`, async () => {
    const v = await volunteer(srv, coord, next());
    const q = await openRequest(srv, coord);
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      const c = await as(i % 2 && srv2 ? srv2 : srv, v.token).post(`/api/v1/requests/${q.id}/claim`);
      statuses.push(c.status);
      if (c.status !== 200) {
        assertError(c, 429, 'claim_cycles_exceeded');
        const wait = Number(c.headers.get('retry-after'));
        assert.ok(wait >= 1 && wait <= 3600, `Retry-After: ${wait}`);
        continue;
      }
      const r = await as(srv2 ?? srv, v.token).post(`/api/v1/requests/${q.id}/release`);
      assert.equal(r.status, 200, r.text);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, ...Array(16).fill(429)]);
    assert.equal(contactViews(srv, v.id, q.id), 4, 'each granted claim is one audited contact read');
    // Another volunteer's claim after the releases, and a coordinator's assignment after a
    // release: nothing new for the requester either.
    const w = await volunteer(srv, coord, next());
    assert.equal((await as(srv, w.token).post(`/api/v1/requests/${q.id}/claim`)).status, 200);
    assert.equal((await as(srv, coord).post(`/api/v1/requests/${q.id}/release`)).status, 200);
    assert.equal((await as(srv, coord).post(`/api/v1/requests/${q.id}/assign`, { volunteer_id: w.id })).status, 200);
    assert.equal(queued(srv, q.phone, 'request_claimed'), 1, 'the requester is told once');
    // Releases by a coordinator do not count against the volunteer; an hour later v may claim again.
    clock.advance(3601);
    assert.equal((await as(srv, coord).post(`/api/v1/requests/${q.id}/release`)).status, 200);
    assert.equal((await as(srv, v.token).post(`/api/v1/requests/${q.id}/claim`)).status, 200);
    assert.equal(queued(srv, q.phone, 'request_claimed'), 1);
  });

  it(`no volunteer answer carries the tracking code; the claim answer carries the contact ${S}`, async () => {
    const v = await volunteer(srv, coord, next());
    const q = await openRequest(srv, coord);
    const seen = [];
    seen.push(await as(srv, v.token).get(`/api/v1/requests?near=${HOME.lat},${HOME.lon}&radius_km=5`));
    seen.push(await as(srv, v.token).get(`/api/v1/requests/${q.id}`));
    const claim = await as(srv, v.token).post(`/api/v1/requests/${q.id}/claim`);
    assert.equal(claim.status, 200, claim.text);
    assert.equal(claim.json.contact.phone, q.phone);
    assert.equal(claim.json.contact.address, 'Secret Lane 7');
    seen.push(claim);
    seen.push(await as(srv, v.token).get(`/api/v1/requests/${q.id}`));
    seen.push(await as(srv, v.token).get('/api/v1/requests/mine'));
    seen.push(await as(srv, v.token).post(`/api/v1/requests/${q.id}/status`, { status: 'in_progress' }));
    seen.push(await as(srv, v.token).post(`/api/v1/requests/${q.id}/delivery`, { mask: true }));
    seen.push(await as(srv, v.token).post(`/api/v1/requests/${q.id}/release`));
    for (const r of seen) {
      assert.equal(r.status, 200, r.text);
      assert.ok(!r.text.includes(q.code), `tracking code in ${r.text}`);
      assert.doesNotMatch(r.text, /tracking_code/);
    }
    // Coordinators keep it: they read it to a requester on the phone.
    const c = await as(srv, coord).get(`/api/v1/requests/${q.id}`);
    assert.equal(c.json.tracking_code, q.code);
  });

  it(`every contact read is audited: claim, GET, mine, a status answer; who and which request ${S}`, async () => {
    const v = await volunteer(srv, coord, next());
    const q = await openRequest(srv, coord);
    assert.equal((await as(srv, v.token).post(`/api/v1/requests/${q.id}/claim`)).status, 200);
    assert.equal(contactViews(srv, v.id, q.id), 1);
    assert.equal((await as(srv, v.token).get(`/api/v1/requests/${q.id}`)).json.contact.name, 'Harvest Target');
    assert.equal(contactViews(srv, v.id, q.id), 2);
    const mine = await as(srv, v.token).get('/api/v1/requests/mine');
    assert.ok(mine.json.requests.some((x) => x.id === q.id && x.contact));
    assert.equal(contactViews(srv, v.id, q.id), 3);
    assert.equal((await as(srv, v.token).post(`/api/v1/requests/${q.id}/status`, { status: 'in_progress' })).json.contact.name, 'Harvest Target');
    assert.equal(contactViews(srv, v.id, q.id), 4);
    assert.equal((await as(srv, coord).get(`/api/v1/requests/${q.id}`)).status, 200);
    assert.equal(contactViews(srv, coordId, q.id), 1);
    // The audit log names nothing personal.
    const rows = sql(srv, `SELECT detail FROM audit_log WHERE subject_id = '${q.id}'`).map((r) => r.join(' ')).join('\n');
    assert.doesNotMatch(rows, /Harvest|Secret|\+98912/);
  });

  it(`the assignee cannot cancel as the requester; each cancel records who cancelled ${S}`, async () => {
    const v = await volunteer(srv, coord, next());
    const q = await openRequest(srv, coord);
    const claim = await as(srv, v.token).post(`/api/v1/requests/${q.id}/claim`);
    assert.equal(claim.status, 200);
    // What the assignee knows: the phone, but no code; the status change is not theirs to make.
    assertError(await as(srv, v.token).post(`/api/v1/requests/${q.id}/status`, { status: 'cancelled' }), 403, 'forbidden');
    const guess = await srv.request('POST', '/api/v1/requests/cancel', { body: { code: claim.json.tracking_code ?? 'ABCDEFGH', phone: claim.json.contact.phone } });
    assertError(guess, 404, 'not_found');
    assert.equal(sql(srv, `SELECT status FROM help_requests WHERE id = '${q.id}'`)[0][0], 'claimed');
    // The requester cancels with the code: the event and the audit entry say "requester".
    const c = await srv.request('POST', '/api/v1/requests/cancel', { body: { code: q.code, phone: q.phone } });
    assert.equal(c.status, 200, c.text);
    const ev = await as(srv, coord).get(`/api/v1/requests/${q.id}`);
    const last = ev.json.events.at(-1);
    assert.deepEqual([last.from, last.to, last.actor_id, last.reason], ['claimed', 'cancelled', null, 'requester']);
    assert.deepEqual(sql(srv, `SELECT detail FROM audit_log WHERE action = 'request_cancelled' AND subject_id = '${q.id}'`), [['requester']]);
    // A coordinator's cancel names the coordinator, in the event and in the audit log.
    const q2 = await openRequest(srv, coord);
    const cc = await as(srv, coord).post(`/api/v1/requests/${q2.id}/status`, { status: 'cancelled', reason: 'duplicate' });
    assert.equal(cc.status, 200, cc.text);
    const e2 = (await as(srv, coord).get(`/api/v1/requests/${q2.id}`)).json.events.at(-1);
    assert.deepEqual([e2.to, e2.actor_id, e2.reason], ['cancelled', coordId, 'duplicate']);
    assert.deepEqual(sql(srv, `SELECT actor_id, detail FROM audit_log WHERE action = 'request_cancelled' AND subject_id = '${q2.id}'`), [[coordId, 'coordinator']]);
  });
});
