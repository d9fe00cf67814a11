// board-errors.test.mjs — a store failure under the board and skills handlers is answered 500 with
// the JSON error (or the page's 500) and logged once: one line naming what failed, the store
// status and the route, never the query string. The failure is a row the store cannot read (an id
// longer than any id), written behind the server's back; on the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startServer, STORE } from './lib/server.mjs';
import { addUser, signIn, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const NOW = () => Math.floor(Date.now() / 1000);
const DAY = 86400;
const HOME = { lat: 35.7, lon: 51.4 };
const BAD_ID = 'z'.repeat(40); // longer than any id: the row reader refuses it

const FAILED_RE = / failed \((?:store status -\d+|out of memory)\) in [A-Z]+ \S+$/;

describe(`store failures under the board and skills are logged once ${S}`, () => {
  let srv, alice, bob, coord, anon, offerId;
  before(async () => {
    srv = await startServer({ args: ['--rate-login-ip', '1000'] });
    await addUser(srv, { email: 'alice@example.org', name: 'Alice Asker' });
    await addUser(srv, { email: 'bob@example.org', name: 'Bob Offerer' });
    await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
    [alice, bob, coord] = await Promise.all(['alice', 'bob', 'coord'].map((u) => signIn(srv, `${u}@example.org`)));
    anon = { get: (p) => srv.request('GET', p) };
    const t = NOW();
    const mk = async (who, kind, body) => {
      const r = await who.post('/api/v1/board/posts', {
        kind, category: 'food', body, ...HOME, place: 'Yusef Abad', language: 'en', starts_at: t, ends_at: t + 3 * DAY,
      });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    };
    const askId = await mk(alice, 'ask', 'Groceries for an older neighbour, please');
    offerId = await mk(bob, 'offer', 'I shop on Tuesdays and can bring groceries');
    // The ask becomes a row no reader accepts.
    sql(srv, `UPDATE board_posts SET id = '${BAD_ID}' WHERE id = '${askId}'`);
    // A verified organisation and an open need, both unreadable likewise.
    sql(srv, `INSERT INTO orgs(id, name, kind, area, contact, status, created_at) VALUES ('${BAD_ID}', 'Clinic', 'clinic', 'Tehran', 'desk', 'verified', ${t})`);
    sql(srv, `INSERT INTO needs(id, org_id, title, description, people, commitment, remote, status, created_at) VALUES ('${BAD_ID}', '${BAD_ID}', 'Translators', 'Leaflets to translate', 2, 'a few hours', true, 'open', ${t})`);
  });
  after(() => srv?.stop());

  // Makes the request, waits for its access-log line, and returns the failure lines logged for it.
  async function failing(who, path, method = 'GET') {
    const from = srv.lines.length;
    const r = await who.get(path);
    const route = path.split('?')[0];
    await srv.waitForAccess(method, route, from);
    const end = srv.lines.findIndex((l, i) => i >= from && l.includes(` http ${method} ${route} `));
    return { r, logged: srv.lines.slice(from, end).filter((l) => FAILED_RE.test(l)) };
  }

  it(`board reads answer 500 and log what failed, once ${S}`, async () => {
    const cases = [
      [anon, `/api/v1/board/posts?near=${HOME.lat},${HOME.lon}`, /board: posts near a point failed \(store status -\d\) in GET \/api\/v1\/board\/posts$/],
      [anon, `/api/v1/board/asks.txt?near=${HOME.lat},${HOME.lon}&lang=fa`, /board: the plain-text asks failed .* in GET \/api\/v1\/board\/asks\.txt$/],
      [anon, `/api/v1/board/posts/${offerId}`, /board: a post and its matches failed .* in GET \/api\/v1\/board\/posts\/\{id\}$/],
      [alice, '/api/v1/board/mine', /board: my posts and conversations failed .* in GET \/api\/v1\/board\/mine$/],
    ];
    for (const [who, path, re] of cases) {
      const { r, logged } = await failing(who, path);
      assertError(r, 500, 'internal', path);
      assert.equal(logged.length, 1, `one line for ${path}: ${JSON.stringify(logged)}`);
      assert.match(logged[0], re);
      assert.ok(!logged[0].includes('?') && !logged[0].includes(offerId), `no query string or id: ${logged[0]}`);
    }
  });

  it(`the board pages answer 500 and log what failed, once ${S}`, async () => {
    for (const path of [`/board/search?near=${HOME.lat},${HOME.lon}&lang=en`, `/board/search?id=${offerId}`]) {
      const { r, logged } = await failing(anon, path);
      assert.equal(r.status, 500, `${path}: ${r.text.slice(0, 200)}`);
      assert.equal(logged.length, 1, `one line for ${path}: ${JSON.stringify(logged)}`);
      assert.match(logged[0], /board: the board page failed \(store status -\d\) in GET \/board\/search$/);
    }
  });

  it(`skills reads answer 500 and log what failed, once ${S}`, async () => {
    const cases = [
      [anon, '/api/v1/orgs', /skills: list organisations failed .* in GET \/api\/v1\/orgs$/],
      [coord, '/api/v1/needs', /skills: list needs failed .* in GET \/api\/v1\/needs$/],
      [bob, '/api/v1/needs/mine', /skills: list needs failed .* in GET \/api\/v1\/needs\/mine$/],
    ];
    for (const [who, path, re] of cases) {
      const { r, logged } = await failing(who, path);
      assertError(r, 500, 'internal', path);
      assert.equal(logged.length, 1, `one line for ${path}: ${JSON.stringify(logged)}`);
      assert.match(logged[0], re);
    }
  });

  it(`a request that fails for a reason of its own logs nothing ${S}`, async () => {
    const from = srv.lines.length;
    assertError(await anon.get('/api/v1/board/posts?near=100,0'), 400, 'invalid_query');
    await srv.waitForAccess('GET', '/api/v1/board/posts', from);
    assert.ok(!srv.lines.slice(from).some((l) => FAILED_RE.test(l)), srv.lines.slice(from).join('\n'));
  });
});
