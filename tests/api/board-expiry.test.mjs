// board-expiry.test.mjs — a post's expiry is decided by the time of the read, not by the purge
// that archives it: once the clock passes a post's expires_at (the purge not yet run), the post
// reads as archived, shows no matches, is matched by nobody, is neither listed nor searched, and
// cannot be answered or edited; on the store HY_TEST_STORE. The clock is the shared test clock
// (HAMYARI_TEST_CLOCK_FILE), moved forward: no sleeps.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, runCli, startServer, STORE } from './lib/server.mjs';
import { addUser, makeClock, signIn, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const NOW = () => Math.floor(Date.now() / 1000);
const DAY = 86400;
const HOME = { lat: 35.7, lon: 51.4 };
const NEAR = { lat: 35.709, lon: 51.4 }; // about 1 km north

describe(`board posts expire at the read ${S}`, () => {
  let srv, clock, alice, bob, anon, ask, offer;
  before(async () => {
    clock = makeClock();
    srv = await startServer({ args: ['--rate-login-ip', '1000'], env: clock.env });
    await addUser(srv, { email: 'alice@example.org', name: 'Alice Asker' });
    await addUser(srv, { email: 'bob@example.org', name: 'Bob Offerer' });
    [alice, bob] = await Promise.all(['alice', 'bob'].map((u) => signIn(srv, `${u}@example.org`)));
    anon = { get: (p) => srv.request('GET', p) };
    const t = NOW();
    const base = { category: 'medicine', place: 'Yusef Abad', language: 'en', starts_at: t, ends_at: t + 10 * DAY };
    // The ask comes down in a day; the offer in a week.
    let r = await alice.post('/api/v1/board/posts', { ...base, kind: 'ask', ...HOME, body: 'Insulin pick-up from the pharmacy needed', expires_at: t + DAY });
    assert.equal(r.status, 201, r.text);
    ask = r.json.id;
    r = await bob.post('/api/v1/board/posts', { ...base, kind: 'offer', ...NEAR, body: 'I can collect prescriptions on my way home', expires_at: t + 7 * DAY });
    assert.equal(r.status, 201, r.text);
    offer = r.json.id;
  });
  after(async () => {
    await srv?.stop();
    clock?.remove();
  });

  const listed = async (path) => (await anon.get(path)).json.posts.map((p) => p.id);

  it(`before its expiry the ask is matched and listed ${S}`, async () => {
    const a = await anon.get(`/api/v1/board/posts/${ask}`);
    assert.equal(a.json.status, 'open');
    assert.deepEqual(a.json.matches.map((m) => m.id), [offer]);
    assert.deepEqual((await anon.get(`/api/v1/board/posts/${offer}`)).json.matches.map((m) => m.id), [ask]);
    assert.ok((await listed(`/api/v1/board/posts?near=${HOME.lat},${HOME.lon}`)).includes(ask));
  });

  it(`past its expiry, before the purge, the ask is gone from every read ${S}`, async () => {
    // The server's own daily purge must not run in between: it last ran, as far as it knows, in
    // the far future.
    sql(srv, "INSERT INTO meta(key, value) VALUES ('purge_at', '99999999999') ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    clock.advance(2 * DAY);
    // Sessions last hours: sign in again on the moved clock.
    [alice, bob] = await Promise.all(['alice', 'bob'].map((u) => signIn(srv, `${u}@example.org`)));
    assert.equal(sql(srv, `SELECT status FROM board_posts WHERE id = '${ask}'`)[0][0], 'open', 'the purge has not run');
    // The post itself: archived, no matches.
    const a = await anon.get(`/api/v1/board/posts/${ask}`);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.status, 'archived');
    assert.deepEqual(a.json.matches, []);
    // Matching: the offer no longer sees it.
    const o = await anon.get(`/api/v1/board/posts/${offer}`);
    assert.equal(o.json.status, 'open');
    assert.deepEqual(o.json.matches, []);
    // Search and the plain-text list.
    assert.ok(!(await listed(`/api/v1/board/posts?near=${HOME.lat},${HOME.lon}`)).includes(ask));
    assert.ok(!(await anon.get(`/api/v1/board/asks.txt?near=${HOME.lat},${HOME.lon}&lang=en`)).text.includes('Insulin'));
    // The pages: the post says it has expired, offers no answer and no compatible posts.
    const page = await anon.get(`/board/search?id=${ask}&lang=en`);
    assert.equal(page.status, 200);
    assert.match(page.text, /This post has expired/);
    assert.ok(!page.text.includes('Nearest compatible posts'), 'no compatible posts for an expired post');
    const offerPage = await anon.get(`/board/search?id=${offer}&lang=en`);
    assert.ok(!offerPage.text.includes(ask), 'the expired ask is not among the offer\'s compatible posts');
    const search = await anon.get(`/board/search?near=${HOME.lat},${HOME.lon}&lang=en`);
    assert.ok(!search.text.includes(ask) && search.text.includes(offer), 'the search page lists the offer only');
    // Its author sees it archived; nobody answers or edits it.
    const mine = await alice.get('/api/v1/board/mine');
    assert.equal(mine.json.posts.find((p) => p.id === ask).status, 'archived');
    assertError(await bob.post(`/api/v1/board/posts/${ask}/conversations`, { body: 'Still need it?' }), 409, 'bad_transition');
    assertError(await alice.patch(`/api/v1/board/posts/${ask}`, { body: 'Insulin pick-up, still needed please' }), 409, 'bad_transition');
    assert.equal(Number(sql(srv, 'SELECT count(*) FROM board_convs')[0][0]), 0);
  });

  it(`the purge then archives it, and every read stays the same ${S}`, async () => {
    const r = await runCli(['purge', '--db', srv.dbUrl], { env: clock.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sql(srv, `SELECT status FROM board_posts WHERE id = '${ask}'`)[0][0], 'archived');
    assert.equal(sql(srv, `SELECT status FROM board_posts WHERE id = '${offer}'`)[0][0], 'open');
    const a = await anon.get(`/api/v1/board/posts/${ask}`);
    assert.equal(a.json.status, 'archived');
    assert.deepEqual(a.json.matches, []);
    assert.deepEqual((await anon.get(`/api/v1/board/posts/${offer}`)).json.matches, []);
  });
});
