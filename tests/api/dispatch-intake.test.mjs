// dispatch-intake.test.mjs — a request without an area is not a dead end: a coordinator places
// it (numbers typed in any script) and gives it straight to a volunteer; a coordinator types in
// a request taken by phone (the public form's checks and workflow, marked as taken by phone,
// the coordinator named in its events and audit); the requester's preferred call time reaches
// the coordinator. On the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, freshPhone, newVolunteer, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const HOME = { lat: 35.7575, lon: 51.4098 }; // Vanak, Tehran

function as(srv, token) {
  const h = token ? { authorization: `Bearer ${token}` } : {};
  return {
    get: (p) => srv.request('GET', p, { headers: h }),
    post: (p, body, extra = {}) => srv.request('POST', p, { body: body ?? {}, headers: { ...h, ...extra } }),
  };
}

const REQUEST = {
  name: 'Parvin Phone', phone: '0912 555 0171', address: 'Vanak Sq, Gandhi St 4', kind: 'medicine',
  details: 'pills from the pharmacy', urgency: 'high', for_whom: 'self', language: 'fa', consent: true,
};

describe(`dispatch: placing, assigning and phone intake ${S}`, () => {
  let srv, coord, vol, volToken, coordToken, volunteer, coordId;
  before(async () => {
    srv = await startServer({ args: ['--rate-form-ip', '3'] });
    await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
    await addUser(srv, { email: 'vol@example.org', role: 'volunteer', home: HOME, radius_km: 5 });
    coordToken = await createToken(srv, 'coord@example.org');
    volToken = await createToken(srv, 'vol@example.org');
    coord = as(srv, coordToken);
    vol = as(srv, volToken);
    volunteer = await newVolunteer(srv, { password: undefined, email: 'near@example.org', lat: HOME.lat + 0.003, lon: HOME.lon, radius_km: 5 });
    assert.equal((await coord.post(`/api/v1/volunteers/${volunteer.id}/approve`)).status, 200);
    coordId = sql(srv, "SELECT id FROM users WHERE email = 'coord@example.org'")[0][0];
  });
  after(() => srv?.stop());

  const count = () => Number(sql(srv, 'SELECT count(*) FROM help_requests')[0][0]);

  // Attack first: the intake route is the coordinators' only, and it checks as the form does.
  it(`phone intake: refused to volunteers and the public; the form's checks apply ${S}`, async () => {
    const n = count();
    assertError(await as(srv, null).post('/api/v1/requests/phone', REQUEST), 401, 'unauthorized');
    assertError(await vol.post('/api/v1/requests/phone', REQUEST), 403, 'forbidden');
    for (const [bad, code, field] of [
      [{ consent: false }, 'invalid_field', 'consent'], [{ consent: undefined }, 'missing_field', 'consent'],
      [{ phone: 'not a phone' }, 'invalid_field', 'phone'], [{ kind: 'weapons' }, 'invalid_field', 'kind'],
      [{ call_window: 'x'.repeat(101) }, 'invalid_field', 'call_window'], [{ source: 'web' }, 'unknown_field', 'source'],
      [{ lat: '۳۵٫۷' }, 'missing_field', 'lon'],
    ]) {
      const body = { ...REQUEST, ...bad };
      for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
      const r = await coord.post('/api/v1/requests/phone', body);
      assertError(r, 400, code, JSON.stringify(bad));
      assert.equal(r.json.error.field, field, r.text);
    }
    assert.equal(count(), n, 'nothing was stored');
  });

  it(`phone intake: marked as taken by phone, open at once, the coordinator in events and audit ${S}`, async () => {
    const r = await coord.post('/api/v1/requests/phone', { ...REQUEST, call_window: 'صبح‌ها، پیش از ظهر', lat: '۳۵٫۷۵۷۵', lon: '٥١٫٤٠٩٨' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'open');
    const g = await coord.get(`/api/v1/requests/${r.json.id}`);
    assert.equal(g.json.source, 'phone');
    assert.equal(g.json.contact.call_window, 'صبح‌ها، پیش از ظهر');
    assert.ok(Math.abs(g.json.lat - HOME.lat) < 0.005, g.text);
    assert.deepEqual(g.json.events.map((e) => [e.from, e.to, e.actor_id]), [['', 'new', coordId], ['new', 'open', coordId]]);
    const [[actor, detail]] = sql(srv, `SELECT actor_id, detail FROM audit_log WHERE action = 'request_created' AND subject_id = '${r.json.id}'`);
    assert.equal(actor, coordId);
    assert.equal(detail, 'phone');
    // A public submission names no actor in its events, and its call time reaches coordinators.
    const p = await srv.request('POST', '/api/v1/requests', { body: { ...REQUEST, phone: freshPhone(), call_window: 'evenings after 6' } });
    assert.equal(p.status, 201, p.text);
    const pg = await coord.get(`/api/v1/requests/${p.json.id}`);
    assert.equal(pg.json.source, 'web');
    assert.equal(pg.json.contact.call_window, 'evenings after 6');
    assert.deepEqual(pg.json.events.map((e) => e.actor_id), [null]);
  });

  it(`phone intake counts against the coordinator's own limit, not the office's address ${S}`, async () => {
    // --rate-form-ip is 3 here; the earlier test stored one. The address's public limit is
    // untouched by the coordinator's calls.
    let limited = null;
    for (let i = 0; i < 4 && !limited; i++) {
      const r = await coord.post('/api/v1/requests/phone', { ...REQUEST, phone: freshPhone() });
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 201, r.text);
    }
    assert.ok(limited, 'the coordinator is limited too');
    assertError(limited, 429, 'rate_limited');
  });

  it(`a request without an area is placed (typed digits in any script) and assigned directly ${S}`, async () => {
    const r = await srv.request('POST', '/api/v1/requests', { body: { ...REQUEST, phone: freshPhone(), place: 'Nowhere-xyz-place' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    let g = await coord.get(`/api/v1/requests/${id}`);
    assert.equal(g.json.status, 'new');
    assert.equal(g.json.lat, null);
    assert.deepEqual((await coord.get(`/api/v1/requests/${id}/suggestions`)).json.volunteers, []);
    // Attack: volunteers and the public cannot place; bad numbers change nothing.
    assertError(await vol.post(`/api/v1/requests/${id}/area`, HOME), 403, 'forbidden');
    assertError(await as(srv, null).post(`/api/v1/requests/${id}/area`, HOME), 401, 'unauthorized');
    for (const [bad, field] of [[{ lat: 91, lon: 51 }, 'lat'], [{ lat: '۳۵٫۷٫۱', lon: 51 }, 'lat'], [{ lat: 35.7 }, 'lon'], [{ lat: 35.7, lon: 'east' }, 'lon']]) {
      const x = await coord.post(`/api/v1/requests/${id}/area`, bad);
      assert.equal(x.status, 400, x.text);
      assert.equal(x.json.error.field, field, x.text);
    }
    assertError(await coord.post('/api/v1/requests/00000000000000000000000000000000/area', HOME), 404, 'not_found');
    g = await coord.get(`/api/v1/requests/${id}`);
    assert.equal(g.json.lat, null, 'still unplaced');
    // Placed with Persian digits and separators: the status stays, the area is rounded, the
    // exact point sits with the contact, and the audit names the coordinator.
    const placed = await coord.post(`/api/v1/requests/${id}/area`, { lat: '۳۵٫۷۵۷۵', lon: '۵۱٫۴۰۹۸' });
    assert.equal(placed.status, 200, placed.text);
    assert.equal(placed.json.status, 'new');
    assert.ok(Math.abs(placed.json.lat - HOME.lat) < 0.005 && placed.json.lat !== HOME.lat, placed.text);
    assert.equal((await coord.get(`/api/v1/requests/${id}`)).json.contact.lat, HOME.lat);
    assert.equal(sql(srv, `SELECT actor_id FROM audit_log WHERE action = 'request_area_set' AND subject_id = '${id}'`)[0][0], coordId);
    // Suggestions now find the nearby volunteer; the coordinator assigns straight from "new".
    const sug = await coord.get(`/api/v1/requests/${id}/suggestions`);
    assert.ok(sug.json.volunteers.some((v) => v.user_id === volunteer.id), sug.text);
    const a = await coord.post(`/api/v1/requests/${id}/assign`, { volunteer_id: volunteer.id });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.status, 'claimed');
    assert.equal(a.json.assignee.id, volunteer.id);
    // Finished requests keep their area.
    assert.equal((await coord.post(`/api/v1/requests/${id}/status`, { status: 'cancelled', reason: 'test' })).status, 200);
    assertError(await coord.post(`/api/v1/requests/${id}/area`, { lat: 35.6, lon: 51.3 }), 409, 'bad_transition');
  });
});

describe(`the requester's text message links to the tracking page ${S}`, () => {
  let srv, receiver;
  before(async () => {
    const { startReceiver } = await import('./lib/webhook.mjs');
    receiver = await startReceiver();
    srv = await startServer({ args: ['--public-url', 'https://help.example.org/', '--notify-webhook', receiver.url,
      '--notify-interval', '1', '--notify-batch-minutes', '0'] });
  });
  after(async () => { await srv?.stop(); await receiver?.close(); });

  it(`with --public-url, the message about a request ends with its tracking page, code filled in ${S}`, async () => {
    const phone = freshPhone();
    const r = await srv.request('POST', '/api/v1/requests', { body: { ...REQUEST, phone, language: 'en' } });
    assert.equal(r.status, 201, r.text);
    const [m] = await receiver.waitFor((x) => x.to === phone && x.template === 'request_received');
    assert.ok(m.text.endsWith(` https://help.example.org/track?code=${r.json.tracking_code}`), m.text);
    assert.ok(m.text.includes(r.json.tracking_code));
  });
});
