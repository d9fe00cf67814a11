// requests-race.test.mjs — the claim race and once-only delivery.
//
// Forty approved volunteers claim one open request at the same moment: exactly one gets 200,
// the other 39 get 409, and the request names the winner. On SQLite one server process takes
// them all; on PostgreSQL two server processes share one database and the claims alternate
// between them. With the same two processes, every notification is delivered exactly once
// through the webhook although both run the delivery worker.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, newVolunteer } from './lib/accounts.mjs';
import { startReceiver } from './lib/webhook.mjs';

const N = 40;
const HOME = { lat: 51.5007, lon: -0.1246 };

async function inChunks(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)));
  return out;
}

describe(`claim race and once-only delivery [${STORE}]`, () => {
  let servers = [], receiver, coordToken, tokens = [];

  before(async () => {
    receiver = await startReceiver();
    const args = ['--notify-webhook', receiver.url, '--notify-interval', '1', '--rate-form-ip', '10000', '--notify-batch-minutes', '0'];
    const first = await startServer({ args });
    servers.push(first);
    // Two processes on one PostgreSQL database; SQLite is one process (one file, one writer).
    if (STORE === 'postgres') servers.push(await startServer({ db: first.dbUrl, args }));
    await addUser(first, { email: 'race-coord@example.org', role: 'coordinator' });
    coordToken = await createToken(first, 'race-coord@example.org');
    const vols = await inChunks([...Array(N).keys()], 10, (i) => newVolunteer(servers[i % servers.length], {
      email: `racer${i}@example.org`, password: undefined, lat: HOME.lat + i * 0.0001, lon: HOME.lon,
    }));
    await inChunks(vols, 10, async (v) => {
      const r = await first.request('POST', `/api/v1/volunteers/${v.id}/approve`, { headers: { authorization: `Bearer ${coordToken}` } });
      assert.equal(r.status, 200, r.text);
    });
    tokens = await inChunks([...Array(N).keys()], 8, (i) => createToken(first, `racer${i}@example.org`));
  });

  after(async () => {
    for (const s of servers.slice().reverse()) await s.stop();
    await receiver?.close();
  });

  async function openRequest(phone) {
    const srv = servers[0];
    const a = await srv.request('POST', '/api/v1/requests', {
      body: { name: 'Race Requester', phone, address: 'Whitehall 1', lat: HOME.lat, lon: HOME.lon, kind: 'errand', consent: true, language: 'en' },
    });
    assert.equal(a.status, 201, a.text);
    const o = await srv.request('POST', `/api/v1/requests/${a.json.id}/status`, { body: { status: 'open' }, headers: { authorization: `Bearer ${coordToken}` } });
    assert.equal(o.status, 200, o.text);
    return a.json.id;
  }

  for (const round of [1, 2]) {
    it(`round ${round}: ${N} volunteers claim at once → exactly one 200 and ${N - 1} × 409 (${STORE === 'postgres' ? 'two processes' : 'one process'})`, async () => {
      const id = await openRequest(`+4477009001${String(round).padStart(2, '0')}`);
      const t0 = Date.now();
      const results = await Promise.all(tokens.map((t, i) => servers[i % servers.length].request(
        'POST', `/api/v1/requests/${id}/claim`, { headers: { authorization: `Bearer ${t}` } })));
      const ms = Date.now() - t0;
      const statuses = results.map((r) => r.status);
      const ok = results.filter((r) => r.status === 200);
      const conflicts = results.filter((r) => r.status === 409);
      assert.equal(ok.length, 1, `statuses: ${JSON.stringify(statuses)}`);
      assert.equal(conflicts.length, N - 1, `statuses: ${JSON.stringify(statuses)}`);
      for (const c of conflicts) assert.equal(c.json.error.code, 'request_taken');
      const winner = results.indexOf(ok[0]);
      const d = await servers[0].request('GET', `/api/v1/requests/${id}`, { headers: { authorization: `Bearer ${coordToken}` } });
      assert.equal(d.json.status, 'claimed');
      assert.equal(d.json.events.filter((e) => e.to === 'claimed').length, 1);
      const mine = await servers[0].request('GET', '/api/v1/requests/mine', { headers: { authorization: `Bearer ${tokens[winner]}` } });
      assert.ok(mine.json.requests.some((r) => r.id === id));
      console.log(`# claim race [${STORE}, ${servers.length} process(es)]: 1 × 200, ${conflicts.length} × 409 in ${ms} ms`);
    });
  }

  it(`each notification is delivered once (${STORE === 'postgres' ? 'two processes running the worker' : 'one process'})`, async () => {
    const phones = [...Array(30).keys()].map((i) => `+4477009002${String(i).padStart(2, '0')}`);
    await inChunks(phones, 10, (phone, i) => servers[i % servers.length].request('POST', '/api/v1/requests', {
      body: { name: 'Once', phone, address: 'x', kind: 'other', consent: true, language: 'en' },
    }).then((r) => assert.equal(r.status, 201, r.text)));
    const t0 = Date.now();
    while (Date.now() - t0 < 20000) {
      const have = new Set(receiver.got.filter((m) => phones.includes(m.to)).map((m) => m.to));
      if (have.size === phones.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2500)); // time for any duplicate to arrive
    const got = receiver.got.filter((m) => phones.includes(m.to));
    assert.equal(got.length, phones.length, `delivered ${got.length} messages for ${phones.length} requests`);
    assert.equal(new Set(got.map((m) => m.id)).size, got.length, 'no message twice');
    assert.equal(new Set(got.map((m) => m.to)).size, phones.length);
  });
});
