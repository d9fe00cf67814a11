// requests.test.mjs — help requests and dispatch, end to end over HTTP on the store
// under test: asking for help (JSON and form), idempotency, the requester's status look-up and
// its rate limit, the lifecycle and its illegal moves, who sees personal data (every role),
// audit of every view, notifications through a webhook, inbound SMS, statistics and CSV
// without personal data, the coverage map, and the retention purge leaving no trace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { assertError, runCli, startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, makeClock, newVolunteer, sql } from './lib/accounts.mjs';
import { startReceiver } from './lib/webhook.mjs';

const CODE_RE = /^[2-9A-HJKMNP-Z]{8}$/;
const HOME = { lat: 35.7000, lon: 51.4000 }; // Tehran
const PERSONAL = ['name', 'phone', 'address', 'details', 'contact'];

function as(srv, token) {
  const h = token ? { authorization: `Bearer ${token}` } : {};
  return {
    get: (p) => srv.request('GET', p, { headers: h }),
    post: (p, body, extra = {}) => srv.request('POST', p, { body: body ?? {}, headers: { ...h, ...extra } }),
  };
}

function ask(srv, fields = {}, headers = {}) {
  const body = {
    name: 'Maryam Test', phone: '0912 555 0101', address: 'Valiasr St 10, door 3',
    lat: HOME.lat + 0.001, lon: HOME.lon + 0.001, kind: 'groceries', details: 'bread and milk',
    urgency: 'normal', for_whom: 'self', language: 'en', consent: true, ...fields,
  };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return srv.request('POST', '/api/v1/requests', { body, headers });
}

/** The help form posted as a browser without JavaScript does (fetch's answer, redirects not
 *  followed). */
function postForm(srv, fields) {
  return srv.fetch('/api/v1/requests', {
    method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.base },
  });
}

function assertNoPersonal(obj, what) {
  const text = JSON.stringify(obj);
  for (const k of PERSONAL) assert.ok(!(k in (obj || {})), `${what}: has ${k}: ${text}`);
  assert.doesNotMatch(text, /Maryam|Valiasr|\+98912555|bread and milk/, `${what}: personal data in ${text}`);
}

describe(`help requests [${STORE}]`, () => {
  let srv, receiver, clock;
  let coord, admin, editor, pending, vol1, vol2, volFar;
  let coordToken, adminToken, editorToken, pendingToken, v1, v2, vFar;

  before(async () => {
    receiver = await startReceiver();
    clock = makeClock();
    srv = await startServer({
      env: clock.env,
      args: ['--notify-webhook', receiver.url, '--notify-interval', '1', '--rate-form-ip', '1000',
        '--rate-track-code', '6', '--inbound-secret', 'gateway-secret-123', '--notify-batch-minutes', '0'],
    });
    coord = await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
    admin = await addUser(srv, { email: 'admin@example.org', role: 'admin' });
    editor = await addUser(srv, { email: 'editor@example.org', role: 'editor' });
    [coordToken, adminToken, editorToken] = await Promise.all([
      createToken(srv, 'coord@example.org'), createToken(srv, 'admin@example.org'), createToken(srv, 'editor@example.org')]);
    // Volunteers: two near HOME, one far away, one pending.
    vol1 = await newVolunteer(srv, { email: 'v1@example.org', password: undefined, lat: HOME.lat, lon: HOME.lon, radius_km: 5, languages: ['en', 'fa'] });
    vol2 = await newVolunteer(srv, { email: 'v2@example.org', password: undefined, lat: HOME.lat + 0.002, lon: HOME.lon, radius_km: 5 });
    volFar = await newVolunteer(srv, { email: 'v3@example.org', password: undefined, lat: 29.59, lon: 52.58, radius_km: 5 });
    pending = await newVolunteer(srv, { email: 'p@example.org', password: undefined, lat: HOME.lat, lon: HOME.lon });
    for (const v of [vol1, vol2, volFar]) {
      const r = await as(srv, coordToken).post(`/api/v1/volunteers/${v.id}/approve`);
      assert.equal(r.status, 200, r.text);
    }
    [v1, v2, vFar, pendingToken] = await Promise.all(['v1', 'v2', 'v3', 'p'].map((n) => createToken(srv, `${n}@example.org`)));
  });

  after(async () => {
    await srv?.stop();
    await receiver?.close();
    clock?.remove();
  });

  it('a JSON submission answers 201 with id, status, tracking code and next steps', async () => {
    const r = await ask(srv);
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.id, /^[0-9a-f]{32}$/);
    assert.equal(r.json.status, 'new');
    assert.match(r.json.tracking_code, CODE_RE);
    assert.ok(Array.isArray(r.json.next_steps) && r.json.next_steps.length >= 3);
    assert.ok(r.json.next_steps[0].includes(r.json.tracking_code));
  });

  it('refuses bad submissions with 400 and creates nothing', async () => {
    const before = Number(sql(srv, 'SELECT count(*) FROM help_requests')[0][0]);
    assertError(await ask(srv, { consent: false }), 400, 'invalid_field');
    assertError(await ask(srv, { consent: undefined }), 400, 'missing_field');
    assertError(await ask(srv, { phone: '12' }), 400, 'invalid_field');
    assertError(await ask(srv, { phone: 'not a phone at all' }), 400, 'invalid_field');
    assertError(await ask(srv, { kind: 'weapons' }), 400, 'invalid_field');
    assertError(await ask(srv, { role: 'admin' }), 400, 'unknown_field');
    assertError(await ask(srv, { lat: 91 }), 400, 'invalid_field');
    assertError(await ask(srv, { lon: undefined }), 400, 'missing_field');
    assert.equal(Number(sql(srv, 'SELECT count(*) FROM help_requests')[0][0]), before);
  });

  it('a place the gazetteer does not know keeps the request, area unknown, the place with the address', async () => {
    const r = await ask(srv, { lat: undefined, lon: undefined, place: 'Nowhere-that-exists-xyz' });
    assert.equal(r.status, 201, r.text);
    const g = await as(srv, coordToken).get(`/api/v1/requests/${r.json.id}`);
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.lat, null);
    assert.equal(g.json.lon, null);
    assert.equal(g.json.contact.address, 'Valiasr St 10, door 3, Nowhere-that-exists-xyz');
    // In the coordinators' queue, to be placed by phone.
    const q = await as(srv, coordToken).get('/api/v1/requests?status=new,open');
    assert.equal(q.status, 200, q.text);
    assert.ok(q.json.requests.some((x) => x.id === r.json.id && x.lat === null), q.text.slice(0, 400));
    // The form without JavaScript, in Persian: the confirmation page, not an error.
    const f = await postForm(srv, {
      name: 'Form Person', phone: '09125550103', address: 'کنار نانوایی', place: 'جایی-که-نیست',
      kind: 'medicine', urgency: 'normal', for_whom: 'self', language: 'fa', consent: 'on',
    });
    assert.equal(f.status, 303, await f.text());
    assert.match(f.headers.get('location'), /^\/api\/v1\/requests\/sent\?code=/);
  });

  it('an Idempotency-Key makes a retry create nothing new; another body with it is 409', async () => {
    const key = `k-${Date.now()}`;
    const a = await ask(srv, { phone: '+989125550199' }, { 'idempotency-key': key });
    const b = await ask(srv, { phone: '+989125550199' }, { 'idempotency-key': key });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.json.id, a.json.id);
    assert.equal(b.json.tracking_code, a.json.tracking_code);
    assert.equal(Number(sql(srv, "SELECT count(*) FROM request_contacts WHERE phone = '+989125550199'")[0][0]), 1);
    assertError(await ask(srv, { phone: '+989125550199', details: 'other' }, { 'idempotency-key': key }), 409, 'idempotency_mismatch');
  });

  it('the plain form post (no JavaScript) is redirected to a confirmation page with the code', async () => {
    const fields = {
      name: 'Form Person', phone: '09125550102', address: 'Near the bakery', kind: 'medicine',
      details: '<script>alert(1)</script>', urgency: 'high', for_whom: 'other', language: 'fa', consent: 'on',
    };
    const form = new URLSearchParams(fields);
    const r = await postForm(srv, fields);
    assert.equal(r.status, 303);
    const loc = r.headers.get('location');
    assert.match(loc, /^\/api\/v1\/requests\/sent\?code=[2-9A-HJKMNP-Z]{8}&lang=fa$/);
    const page = await srv.fetch(loc);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    const html = await page.text();
    assert.match(html, /<html lang="fa" dir="rtl">/);
    assert.ok(html.includes(new URL(loc, srv.base).searchParams.get('code')));
    // A value from the query that is not a code is never echoed.
    const evil = await (await srv.fetch('/api/v1/requests/sent?code=%3Cscript%3E&lang=en')).text();
    assert.doesNotMatch(evil, /<script>/);
    // A well-formed code that no request has is a 404 page too, not "received".
    let unknown = 'ABCDEFGH';
    while (unknown === new URL(loc, srv.base).searchParams.get('code')) unknown = 'HGFEDCBA';
    const none = await srv.fetch(`/api/v1/requests/sent?code=${unknown}&lang=en`);
    assert.equal(none.status, 404);
    assert.match(none.headers.get('content-type'), /^text\/html/);
    assert.doesNotMatch(await none.text(), /received/);
    // A form with a problem gets a page, not JSON.
    const bad = await srv.fetch('/api/v1/requests', {
      method: 'POST', body: 'name=x&phone=1&address=y&kind=other&language=en',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.base },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type'), /^text\/html/);
    // A form from another site is refused (CSRF).
    const foreign = await srv.fetch('/api/v1/requests', {
      method: 'POST', body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    assert.equal(foreign.status, 403);
  });

  it('status look-up needs code AND phone; a wrong pair reveals nothing; it is rate limited', async () => {
    const a = await ask(srv, { phone: '09125550103' });
    const code = a.json.tracking_code;
    const look = (c, phone) => srv.request('POST', '/api/v1/requests/status', { body: { code: c, phone } });
    const ok = await look(code.toLowerCase(), '+98 912 555 0103');
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'new');
    assert.equal(ok.json.tracking_code, code);
    assertNoPersonal(ok.json, 'status');
    const wrongPhone = await look(code, '09125550999');
    const wrongCode = await look('ZZZZZZZZ', '09125550103');
    assertError(wrongPhone, 404, 'not_found');
    assertError(wrongCode, 404, 'not_found');
    assert.equal(wrongPhone.text, wrongCode.text, 'both failures look the same');
    // Values over 40 characters are refused, naming the field.
    const long = await look('A'.repeat(41), '09125550103');
    assertError(long, 400, 'invalid_field');
    assert.equal(long.json.error.field, 'code');
    const longPhone = await look(code, '1'.repeat(41));
    assert.equal(longPhone.json.error.field, 'phone');
    assertError(await srv.request('POST', '/api/v1/requests/status', { body: { code } }), 400, 'missing_field');
    // The deprecated GET answers the same, and counts against the same limits.
    const old = await srv.request('GET', `/api/v1/requests/status?code=${code}&phone=09125550103`);
    assert.equal(old.status, 200, old.text);
    assert.equal(old.json.status, 'new');
    assert.ok(old.headers.get('deprecation'));
    // --rate-track-code 6: the code has had 3 look-ups; 3 more pass, then 429.
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await look(code, '09125550999')).status);
    assert.deepEqual(codes, [404, 404, 404, 429, 429, 429]);
  });

  it('the requester cancels with code and phone; a second cancel is 409', async () => {
    const a = await ask(srv, { phone: '09125550104' });
    const c = await srv.request('POST', '/api/v1/requests/cancel', { body: { code: a.json.tracking_code, phone: '09125550104' } });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.status, 'cancelled');
    assertError(await srv.request('POST', '/api/v1/requests/cancel', { body: { code: a.json.tracking_code, phone: '09125550104' } }), 409, 'bad_transition');
    assertError(await srv.request('POST', '/api/v1/requests/cancel', { body: { code: a.json.tracking_code, phone: '09125550000' } }), 404, 'not_found');
  });

  it('who sees what: every role, before and after a claim, and every view audited', async () => {
    const a = await ask(srv, { phone: '09125550105' });
    const id = a.json.id;
    const near = `/api/v1/requests?near=${HOME.lat},${HOME.lon}&radius_km=5&status=open`;
    // Anonymous, editor, pending volunteer: no list at all.
    assertError(await srv.request('GET', near), 401, 'unauthorized');
    assertError(await as(srv, editorToken).get(near), 403, 'forbidden');
    assertError(await as(srv, pendingToken).get(near), 403, 'forbidden');
    assertError(await as(srv, pendingToken).get(`/api/v1/requests/${id}`), 403, 'forbidden');
    assertError(await as(srv, editorToken).post(`/api/v1/requests/${id}/claim`), 403, 'forbidden');
    // New requests wait for the call-back: volunteers do not see them yet.
    let l = await as(srv, v1).get(near);
    assert.equal(l.status, 200, l.text);
    assert.ok(!l.json.requests.some((x) => x.id === id), 'a new request is not listed');
    assertError(await as(srv, v1).get(`/api/v1/requests/${id}`), 404, 'not_found');
    assertError(await as(srv, v1).post(`/api/v1/requests/${id}/claim`), 404, 'not_found');
    // Volunteers cannot ask for other statuses or skip near.
    assertError(await as(srv, v1).get(`/api/v1/requests?near=${HOME.lat},${HOME.lon}&status=claimed`), 403, 'forbidden');
    assertError(await as(srv, v1).get('/api/v1/requests'), 400, 'invalid_query');
    // Coordinator: queue and detail with contact (audited).
    const q = await as(srv, coordToken).get('/api/v1/requests?status=new');
    assert.ok(q.json.requests.some((x) => x.id === id));
    for (const x of q.json.requests) assertNoPersonal(x, 'queue row');
    const auditBefore = (await as(srv, adminToken).get('/api/v1/audit?limit=200')).json;
    const d = await as(srv, coordToken).get(`/api/v1/requests/${id}`);
    assert.equal(d.status, 200);
    assert.equal(d.json.contact.phone, '+989125550105');
    assert.equal(d.json.contact.name, 'Maryam Test');
    const audit = (await as(srv, adminToken).get('/api/v1/audit?limit=200')).json;
    const entries = (audit.entries || audit.audit || audit.items || []);
    const viewed = entries.filter((e) => e.action === 'request_contact_viewed' && e.subject_id === id);
    assert.ok(viewed.length >= 1, `audit: ${JSON.stringify(entries.slice(0, 5))}`);
    assert.doesNotMatch(JSON.stringify(audit), /\+989125550105|Maryam/, 'no personal data in the audit log');
    assert.ok(JSON.stringify(auditBefore).length > 0);
    // Admin sees contact too.
    assert.equal((await as(srv, adminToken).get(`/api/v1/requests/${id}`)).json.contact.phone, '+989125550105');
    // After the call-back the coordinator opens it: volunteers near see it without personal data.
    const o = await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'open' });
    assert.equal(o.status, 200, o.text);
    l = await as(srv, v1).get(near);
    const row = l.json.requests.find((x) => x.id === id);
    assert.ok(row, 'an open request near the volunteer is listed');
    assertNoPersonal(row, 'nearby row');
    for (const k of ['kind', 'urgency', 'age_minutes', 'distance_km', 'lat', 'lon']) assert.ok(k in row, k);
    assert.notEqual(row.lat, HOME.lat + 0.001, 'the position is rounded');
    assert.ok(row.distance_km <= 5);
    const far = await as(srv, vFar).get(`/api/v1/requests?near=29.59,52.58&radius_km=5`);
    assert.ok(!far.json.requests.some((x) => x.id === id), 'not listed far away');
    const g = await as(srv, v2).get(`/api/v1/requests/${id}`);
    assert.equal(g.status, 200);
    assertNoPersonal(g.json, 'an open request for a volunteer');
    // v1 claims: only now the contact; v2 (not assignee) sees nothing more.
    const c = await as(srv, v1).post(`/api/v1/requests/${id}/claim`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.status, 'claimed');
    assert.equal(c.json.contact.phone, '+989125550105');
    assertError(await as(srv, v2).post(`/api/v1/requests/${id}/claim`), 409, 'request_taken');
    assertError(await as(srv, v2).get(`/api/v1/requests/${id}`), 404, 'not_found');
    const mine = await as(srv, v1).get('/api/v1/requests/mine');
    assert.equal(mine.json.requests.find((x) => x.id === id).contact.address, 'Valiasr St 10, door 3');
    assert.ok(!(await as(srv, v2).get('/api/v1/requests/mine')).json.requests.some((x) => x.id === id));
    // Releasing hides it again from the former assignee.
    const rel = await as(srv, v1).post(`/api/v1/requests/${id}/release`);
    assert.equal(rel.status, 200, rel.text);
    assert.equal(rel.json.status, 'open');
    assert.ok(!('contact' in rel.json));
    const again = await as(srv, v1).get(`/api/v1/requests/${id}`);
    assert.equal(again.status, 200);
    assertNoPersonal(again.json, 'after release');
    assert.ok(!(await as(srv, v1).get('/api/v1/requests/mine')).json.requests.some((x) => x.id === id));
  });

  it('the whole flow: call-back, claim, in progress, checklist, delivered, closed; illegal moves 409; each message once', async () => {
    const phone = '+989125550106';
    const a = await ask(srv, { phone, language: 'en' });
    const id = a.json.id;
    const code = a.json.tracking_code;
    await receiver.waitFor((m) => m.to === phone && m.template === 'request_received');
    // A note and a call in the log; suggested volunteers ranked by distance.
    assert.equal((await as(srv, coordToken).post(`/api/v1/requests/${id}/notes`, { kind: 'call', text: 'Called back, needs bread', outcome: 'reached' })).status, 201);
    const sug = await as(srv, coordToken).get(`/api/v1/requests/${id}/suggestions`);
    assert.equal(sug.status, 200, sug.text);
    assert.deepEqual(sug.json.volunteers.slice(0, 2).map((v) => v.user_id).sort(), [vol1.id, vol2.id].sort());
    assert.equal(sug.json.volunteers[0].user_id, vol1.id, 'nearest and speaks English first');
    assertError(await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'delivered' }), 409, 'bad_transition');
    assert.equal((await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'open' })).status, 200);
    // The coordinator assigns v2, then reassigns to v1.
    const as2 = await as(srv, coordToken).post(`/api/v1/requests/${id}/assign`, { volunteer_id: vol2.id });
    assert.equal(as2.status, 200, as2.text);
    assert.equal(as2.json.assignee.id, vol2.id);
    assertError(await as(srv, coordToken).post(`/api/v1/requests/${id}/assign`, { volunteer_id: pending.id }), 400, 'invalid_field');
    assert.equal((await as(srv, coordToken).post(`/api/v1/requests/${id}/assign`, { volunteer_id: vol1.id })).json.assignee.id, vol1.id);
    await receiver.waitFor((m) => m.to === phone && m.template === 'request_claimed');
    // Only the assignee (or a coordinator) moves it on.
    assertError(await as(srv, v2).post(`/api/v1/requests/${id}/status`, { status: 'in_progress' }), 404, 'not_found');
    assertError(await as(srv, v1).post(`/api/v1/requests/${id}/status`, { status: 'closed' }), 409, 'bad_transition');
    assert.equal((await as(srv, v1).post(`/api/v1/requests/${id}/status`, { status: 'in_progress' })).status, 200);
    const del = await as(srv, v1).post(`/api/v1/requests/${id}/delivery`, { mask: true, gloves: true, leave_at_door: true, step_back: true, receipt_amount: 12.5, reimbursement: 'pending' });
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.json.checklist, { gloves: true, leave_at_door: true, mask: true, step_back: true });
    assert.equal(del.json.receipt_amount, 12.5);
    assertError(await as(srv, v1).post(`/api/v1/requests/${id}/delivery`, { reimbursement: 'paid' }), 403, 'forbidden');
    const dv = await as(srv, v1).post(`/api/v1/requests/${id}/status`, { status: 'delivered' });
    assert.equal(dv.status, 200, dv.text);
    assertError(await as(srv, v1).post(`/api/v1/requests/${id}/status`, { status: 'in_progress' }), 409, 'bad_transition');
    assertError(await as(srv, v1).post(`/api/v1/requests/${id}/status`, { status: 'closed' }), 403, 'forbidden');
    assert.equal((await as(srv, coordToken).post(`/api/v1/requests/${id}/delivery`, { reimbursement: 'paid' })).json.reimbursement, 'paid');
    const cl = await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'closed' });
    assert.equal(cl.status, 200);
    assertError(await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'open' }), 409, 'bad_transition');
    assertError(await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'claimed' }), 400, 'invalid_field');
    assertError(await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'unable_to_help' }), 400, 'missing_field');
    // Every transition recorded with who and when.
    const d = await as(srv, coordToken).get(`/api/v1/requests/${id}`);
    const moves = d.json.events.map((e) => `${e.from}>${e.to}`);
    assert.deepEqual(moves, ['>new', 'new>open', 'open>claimed', 'claimed>claimed', 'claimed>in_progress', 'in_progress>delivered', 'delivered>closed']);
    assert.ok(d.json.events.slice(1).every((e) => e.actor_id && e.at > 0));
    assert.equal(d.json.notes[0].kind, 'call');
    assert.equal(d.json.notes[0].outcome, 'reached');
    // The requester sees the outcome; was told by the notification channel, each message once.
    const st = await srv.request('POST', '/api/v1/requests/status', { body: { code, phone } });
    assert.equal(st.json.status, 'closed');
    await receiver.waitFor((m) => m.to === phone && m.template === 'request_delivered');
    await new Promise((r) => setTimeout(r, 1500));
    const mine = receiver.got.filter((m) => m.to === phone);
    assert.deepEqual(mine.map((m) => m.template), ['request_received', 'request_claimed', 'request_delivered']);
    assert.equal(new Set(mine.map((m) => m.id)).size, mine.length);
    assert.ok(mine.every((m) => m.language === 'en' && m.text.includes(code)));
  });

  it('inbound SMS: a wrong secret is refused; the right one makes a request awaiting a call-back', async () => {
    const body = { from: '09125550107', text: 'سلام، به دارو نیاز دارم' };
    assertError(await srv.request('POST', '/api/v1/inbound/sms', { body }), 403, 'forbidden');
    assertError(await srv.request('POST', '/api/v1/inbound/sms', { body, headers: { 'x-hamyari-secret': 'wrong' } }), 403, 'forbidden');
    const r = await srv.request('POST', '/api/v1/inbound/sms', { body: { ...body, message_id: 'gw-1' }, headers: { 'x-hamyari-secret': 'gateway-secret-123' } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'new');
    const again = await srv.request('POST', '/api/v1/inbound/sms', { body: { ...body, message_id: 'gw-1' }, headers: { 'x-hamyari-secret': 'gateway-secret-123' } });
    assert.equal(again.json.id, r.json.id, 'a retried gateway message creates nothing new');
    const d = await as(srv, coordToken).get(`/api/v1/requests/${r.json.id}`);
    assert.equal(d.json.source, 'sms');
    assert.equal(d.json.language, 'fa');
    assert.equal(d.json.contact.phone, '+989125550107');
    assert.equal(d.json.contact.details, body.text);
    const msg = await receiver.waitFor((m) => m.to === '+989125550107');
    assert.equal(msg[0].language, 'fa');
  });

  it('statistics and the CSV export have no personal data; only coordinators get them', async () => {
    assertError(await as(srv, v1).get('/api/v1/requests/stats'), 403, 'forbidden');
    assertError(await as(srv, v1).get('/api/v1/requests.csv'), 403, 'forbidden');
    const s = await as(srv, coordToken).get('/api/v1/requests/stats');
    assert.equal(s.status, 200, s.text);
    assert.ok(s.json.total >= 5);
    assert.equal(Object.values(s.json.by_status).reduce((a, b) => a + b, 0), s.json.total);
    assert.equal(s.json.by_day.reduce((a, b) => a + b.count, 0), s.json.total);
    assert.ok(s.json.by_status.closed >= 1 && s.json.by_kind.groceries >= 1);
    const csv = await srv.fetch('/api/v1/requests.csv', { headers: { authorization: `Bearer ${coordToken}` } });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    const text = await csv.text();
    assert.match(text.split('\r\n')[0], /^id,created_at,status,kind/);
    assert.equal(text.trim().split('\r\n').length - 1, s.json.total);
    assert.doesNotMatch(text, /Maryam|Valiasr|\+98912|bread|name|phone|address/);
    assertNoPersonal(s.json, 'stats');
  });

  it('the coverage map counts volunteers per ~1 km cell and hides cells under 3', async () => {
    let c = await srv.request('GET', '/api/v1/coverage');
    assert.equal(c.status, 200);
    assert.equal(c.json.min_count, 3);
    assert.equal(c.json.cells.length, 0, 'two volunteers near HOME are not shown');
    const extra = await newVolunteer(srv, { email: 'v4@example.org', password: undefined, lat: HOME.lat + 0.001, lon: HOME.lon + 0.001 });
    assert.equal((await as(srv, coordToken).post(`/api/v1/volunteers/${extra.id}/approve`)).status, 200);
    c = await srv.request('GET', '/api/v1/coverage');
    assert.equal(c.json.cells.length, 1, JSON.stringify(c.json));
    assert.equal(c.json.cells[0].count, 3);
    assert.ok(Math.abs(c.json.cells[0].lat - HOME.lat) < 0.01);
    assert.ok(!JSON.stringify(c.json).match(/[0-9a-f]{32}/), 'no volunteer ids');
  });

  it('after the retention period no trace of the requester remains (server daily purge and hamyari purge)', async () => {
    const phone = '+989125550177';
    const a = await ask(srv, { phone, name: 'Zahra Purgeme', address: 'Purge Lane 7', details: 'purge-details-xyz' });
    const id = a.json.id;
    const code = a.json.tracking_code;
    await receiver.waitFor((m) => m.to === phone);
    assert.equal((await as(srv, coordToken).post(`/api/v1/requests/${id}/notes`, { text: 'purge-note-abc' })).status, 201);
    assert.equal((await as(srv, coordToken).post(`/api/v1/requests/${id}/status`, { status: 'unable_to_help', reason: 'no volunteer in Purge Lane' })).status, 200);
    // An active request of someone else must keep its data.
    const keep = await ask(srv, { phone: '+989125550178' });
    // Too early: nothing goes.
    let r = await runCli(['purge', '--db', srv.dbUrl], { env: clock.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await as(srv, coordToken).get(`/api/v1/requests/${id}`)).json.contact.phone, phone);
    // 31 days later the server's daily purge erases it (and hamyari purge finds nothing left).
    const from = srv.lines.length;
    clock.advance(31 * 86400);
    await srv.waitForLog(/purge: erased the personal data of [1-9]\d* request/, 20000, from);
    r = await runCli(['purge', '--db', srv.dbUrl], { env: clock.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^purged: \d+ requests/);
    const d = await as(srv, coordToken).get(`/api/v1/requests/${id}`);
    assert.equal(d.status, 200);
    assert.equal(d.json.contact, null);
    assert.equal(d.json.purged, true);
    assert.equal(d.json.notes.length, 0);
    assert.equal(d.json.status, 'unable_to_help', 'anonymous fields remain for statistics');
    assertError(await srv.request('GET', `/api/v1/requests/status?code=${code}&phone=${encodeURIComponent(phone)}`), 404, 'not_found');
    assert.equal((await as(srv, coordToken).get(`/api/v1/requests/${keep.json.id}`)).json.contact.phone, '+989125550178');
    for (const q of [
      `SELECT count(*) FROM request_contacts WHERE phone = '${phone}'`,
      `SELECT count(*) FROM outbox WHERE recipient = '${phone}'`,
      `SELECT count(*) FROM request_notes WHERE text LIKE '%purge-note%'`,
      `SELECT count(*) FROM help_requests WHERE reason LIKE '%Purge Lane%'`,
      `SELECT count(*) FROM request_events WHERE reason LIKE '%Purge Lane%'`,
    ]) assert.equal(sql(srv, q)[0][0], '0', q);
    if (STORE === 'sqlite') {
      // The raw bytes of the database file and its WAL hold no copy.
      const file = srv.dbUrl.slice('sqlite:'.length);
      for (const f of [file, `${file}-wal`]) {
        if (!existsSync(f)) continue;
        const bytes = readFileSync(f);
        for (const needle of [phone, phone.slice(1), '09125550177', 'Zahra Purgeme', 'Purge Lane 7', 'purge-details-xyz', 'purge-note-abc'])
          assert.equal(bytes.indexOf(Buffer.from(needle)), -1, `${needle} found in ${f}`);
      }
    }
  });
});

describe(`erasure leaves no undelivered message behind [${STORE}]`, () => {
  // No notifier (the default): every message stays pending.
  let srv, clock, coordToken;
  before(async () => {
    clock = makeClock();
    srv = await startServer({ env: clock.env, args: ['--rate-form-ip', '1000'] });
    await addUser(srv, { email: 'erase-coord@example.org', role: 'coordinator' });
    coordToken = await createToken(srv, 'erase-coord@example.org');
  });
  after(async () => { await srv?.stop(); clock?.remove(); });

  it('the purge removes pending messages to the erased contact and drops pending messages past the retention period', async () => {
    const phone = '+989127770431';
    const typed = '0912 777 0431';
    const a = await ask(srv, { phone: typed, name: 'Erase Pendingme', address: 'Erase Lane 9' });
    assert.equal(a.status, 201, a.text);
    const live = await ask(srv, { phone: '+989127770432' });
    assert.equal(live.status, 201, live.text);
    const cancel = await as(srv, coordToken).post(`/api/v1/requests/${a.json.id}/status`, { status: 'cancelled', reason: 'erase test' });
    assert.equal(cancel.status, 200, cancel.text);
    assert.deepEqual(sql(srv, `SELECT DISTINCT status FROM outbox WHERE recipient = '${phone}'`).flat(), ['pending']);
    assert.equal(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '${phone}'`)[0][0], '2', 'received and cancelled');
    assert.equal(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '+989127770432'`)[0][0], '1');

    const from = srv.lines.length;
    clock.advance(31 * 86400);
    await srv.waitForLog(/purge: erased the personal data of [1-9]\d* request/, 20000, from);
    // The erased request's messages are gone, whatever their state …
    assert.equal(sql(srv, `SELECT count(*) FROM outbox WHERE recipient LIKE '%127770431%' OR payload LIKE '%${a.json.tracking_code}%'`)[0][0], '0');
    // … and a still-open request keeps its contact but not its month-old undelivered message.
    assert.equal((await as(srv, coordToken).get(`/api/v1/requests/${live.json.id}`)).json.contact.phone, '+989127770432');
    assert.equal(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '+989127770432'`)[0][0], '0');
    const fresh = await ask(srv, { phone: '+989127770432' });
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '+989127770432'`)[0][0], '1', 'new messages are queued as before');

    const needles = [phone, phone.slice(1), '09127770431', typed, 'Erase Pendingme', 'Erase Lane 9'];
    for (const line of srv.lines)
      for (const n of needles) assert.ok(!line.includes(n), `the server's log holds ${n}: ${line}`);
    if (STORE === 'sqlite') {
      // The database file and its WAL as they are, then once more after a checkpoint.
      const file = srv.dbUrl.slice('sqlite:'.length);
      const grep = () => {
        for (const f of [file, `${file}-wal`]) {
          if (!existsSync(f)) continue;
          const bytes = readFileSync(f);
          for (const n of needles) assert.equal(bytes.indexOf(Buffer.from(n)), -1, `${n} found in ${f}`);
        }
      };
      grep();
      sql(srv, 'PRAGMA wal_checkpoint(TRUNCATE)');
      grep();
    }
  });
});
