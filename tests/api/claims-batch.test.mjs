// claims-batch.test.mjs — claims share the group commit: many races at once, one winner each.
//
// Eight approved volunteers race for each of 300 open requests, ten requests at a time (80
// claims in flight, so the writer's batches hold claims of several requests and volunteers).
// Every request must have exactly one winner, every other claim a 409 request_taken, and the
// store exactly one "claimed" event per request, held by the winner. On PostgreSQL two server
// processes share one database and the claims alternate between them; on SQLite one process
// takes them all.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, newVolunteer } from './lib/accounts.mjs';

const VOLUNTEERS = 8;
const REQUESTS = 300;
const AT_ONCE = 10; // requests raced for at the same time
const HOME = { lat: 35.7006, lon: 51.3912 };

async function inChunks(items, size, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)));
  return out;
}

describe(`claims through the group commit [${STORE}]`, () => {
  const servers = [];
  let coordToken, vols = [], tokens = [], ids = [];

  before(async () => {
    const args = ['--rate-form-ip', '100000', '--requests-auto-open', 'on', '--max-open-claims', '0',
      '--claim-cycles-per-hour', '0'];
    const first = await startServer({ args });
    servers.push(first);
    if (STORE === 'postgres') servers.push(await startServer({ db: first.dbUrl, args }));
    await addUser(first, { email: 'batch-coord@example.org', role: 'coordinator' });
    coordToken = await createToken(first, 'batch-coord@example.org');
    vols = await inChunks([...Array(VOLUNTEERS).keys()], 4, (i) => newVolunteer(servers[i % servers.length], {
      email: `batch-racer${i}@example.org`, password: undefined, lat: HOME.lat + i * 0.0001, lon: HOME.lon,
    }));
    for (const v of vols) {
      const r = await first.request('POST', `/api/v1/volunteers/${v.id}/approve`, { headers: { authorization: `Bearer ${coordToken}` } });
      assert.equal(r.status, 200, r.text);
    }
    tokens = await inChunks([...Array(VOLUNTEERS).keys()], 4, (i) => createToken(first, `batch-racer${i}@example.org`));
    ids = await inChunks([...Array(REQUESTS).keys()], 20, async (i) => {
      const r = await servers[i % servers.length].request('POST', '/api/v1/requests', {
        body: { name: `Batch ${i}`, phone: `+98912${String(3000000 + i).padStart(7, '0')}`, address: 'Street 1',
          lat: HOME.lat, lon: HOME.lon, kind: 'groceries', consent: true, language: 'en' },
      });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    });
  });

  after(async () => {
    for (const s of servers.slice().reverse()) await s.stop();
  });

  it(`${VOLUNTEERS} volunteers × ${REQUESTS} requests, ${AT_ONCE} requests at a time: exactly one winner each (${STORE === 'postgres' ? 'two processes' : 'one process'})`, async () => {
    const winners = new Map();
    let taken = 0, k = 0;
    for (let i = 0; i < ids.length; i += AT_ONCE) {
      const wave = ids.slice(i, i + AT_ONCE);
      const claims = [];
      for (const id of wave) {
        for (let v = 0; v < VOLUNTEERS; v++) {
          const srv = servers[k++ % servers.length];
          claims.push(srv.request('POST', `/api/v1/requests/${id}/claim`, { headers: { authorization: `Bearer ${tokens[v]}` } })
            .then((r) => ({ id, v, r })));
        }
      }
      for (const { id, v, r } of await Promise.all(claims)) {
        if (r.status === 200) {
          assert.ok(!winners.has(id), `a second winner for ${id}`);
          assert.equal(r.json.status, 'claimed');
          winners.set(id, v);
        } else {
          assert.equal(r.status, 409, r.text);
          assert.equal(r.json.error.code, 'request_taken');
          taken++;
        }
      }
    }
    assert.equal(winners.size, REQUESTS);
    assert.equal(taken, REQUESTS * (VOLUNTEERS - 1));
    // The store agrees: each request claimed once, by the one who was told so.
    for (const id of ids) {
      const d = await servers[0].request('GET', `/api/v1/requests/${id}`, { headers: { authorization: `Bearer ${coordToken}` } });
      assert.equal(d.status, 200, d.text);
      assert.equal(d.json.status, 'claimed');
      assert.equal(d.json.assignee.id, vols[winners.get(id)].id);
      assert.equal(d.json.events.filter((e) => e.to === 'claimed').length, 1);
    }
  });
});
