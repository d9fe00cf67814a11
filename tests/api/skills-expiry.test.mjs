// skills-expiry.test.mjs — a need's end date is decided at the read: once the clock has passed
// its last day (UTC), the need is no longer listed to volunteers or the public, ranked for
// nobody, takes no offer, and a new need cannot be posted already over; its staff and the
// coordinators still see it. The clock is the shared test clock (HAMYARI_TEST_CLOCK_FILE),
// moved forward: no sleeps. On the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startServer, STORE } from './lib/server.mjs';
import { Client, addUser, createToken, makeClock } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const DAY = 86400;
const dayFromNow = (days) => new Date(Date.now() + days * DAY * 1000).toISOString().slice(0, 10);

describe(`skills needs end on their last day ${S}`, () => {
  let srv, clock, anon, staff, coord, vol, org, ending, lasting;
  const client = async (email, role, home) => {
    await addUser(srv, { email, role, name: email.split('@')[0], home, radius_km: home ? 20 : undefined });
    return new Client(srv, { bearer: await createToken(srv, email) });
  };
  const ok = (r, status = 200) => { assert.equal(r.status, status, `${r.status} ${r.text}`); return r.json; };
  const ids = (list) => list.map((n) => n.id);

  before(async () => {
    clock = makeClock();
    srv = await startServer({ env: clock.env });
    anon = new Client(srv);
    staff = await client('clinic@example.org', 'volunteer');
    coord = await client('coord@example.org', 'coordinator');
    vol = await client('medic@example.org', 'volunteer', { lat: 35.75, lon: 51.41 });
    ok(await vol.request('PUT', '/api/v1/me/skills', { body: { skills: [{ skill: 'medical', level: 'expert' }] } }));
    org = ok(await staff.post('/api/v1/orgs', { name: 'Vanak clinic', kind: 'hospital', area: 'Vanak', lat: 35.757, lon: 51.41, contact: '021 8888 0000' }), 201);
    ok(await coord.post(`/api/v1/orgs/${org.id}/verify`));
    const need = (title, ends_on) => staff.post(`/api/v1/orgs/${org.id}/needs`, {
      title, description: 'Evening shifts.', skills: [{ skill: 'medical', min_level: 'basic' }],
      people: 2, commitment: 'evenings', remote: true, ends_on,
    });
    ending = ok(await need('Vaccination evening', dayFromNow(1)), 201);
    lasting = ok(await need('Winter clinic', dayFromNow(30)), 201);
  });
  after(async () => {
    await srv?.stop();
    clock?.remove();
  });

  it(`a need whose last day is over cannot be posted ${S}`, async () => {
    const before = ok(await staff.get(`/api/v1/orgs/${org.id}`)).needs.length;
    assertError(await staff.post(`/api/v1/orgs/${org.id}/needs`, {
      title: 'Yesterday', description: 'Too late.', skills: [{ skill: 'medical', min_level: 'basic' }],
      people: 1, commitment: 'once', remote: true, ends_on: dayFromNow(-1),
    }), 400, 'invalid_field');
    assert.equal(ok(await staff.get(`/api/v1/orgs/${org.id}`)).needs.length, before, 'nothing was created');
  });

  it(`until its last day is over the need is listed, ranked and takes offers ${S}`, async () => {
    assert.ok(ids(ok(await anon.get('/api/v1/needs')).needs).includes(ending.id));
    assert.ok(ids(ok(await vol.get('/api/v1/needs/mine')).needs).includes(ending.id));
    assert.ok(ids(ok(await anon.get(`/api/v1/orgs/${org.id}`)).needs).includes(ending.id));
  });

  it(`past its last day it is gone for volunteers and the public, and refuses offers ${S}`, async () => {
    clock.advance(3 * DAY);
    for (const [who, path, key] of [[anon, '/api/v1/needs', 'needs'], [vol, '/api/v1/needs', 'needs'],
      [vol, '/api/v1/needs/mine', 'needs'], [anon, `/api/v1/orgs/${org.id}`, 'needs']]) {
      const got = ids(ok(await who.get(path))[key]);
      assert.ok(!got.includes(ending.id), `${path} still lists the ended need`);
      assert.ok(got.includes(lasting.id), `${path} lost the need that goes on`);
    }
    assertError(await vol.post(`/api/v1/needs/${ending.id}/offers`), 409, 'conflict');
    ok(await vol.post(`/api/v1/needs/${lasting.id}/offers`), 201);
    // Its staff and the coordinators still see it, with its date.
    for (const who of [staff, coord]) {
      const n = ok(await who.get(`/api/v1/orgs/${org.id}`)).needs.find((x) => x.id === ending.id);
      assert.ok(n, 'staff and coordinators keep the ended need');
      assert.equal(n.ends_on, ending.ends_on);
    }
  });
});
