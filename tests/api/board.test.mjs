// board.test.mjs — the neighbour-help board: offers and asks with areas rounded to ~500 m, the
// nearest compatible posts, near-duplicates pointed out, the plain-text list of asks, edits and
// moderation, conversations whose contact details pass only after both sides agreed, the limits,
// expiry and the purge; on the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, runCli, startServer, STORE } from './lib/server.mjs';
import { addUser, signIn, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const NOW = () => Math.floor(Date.now() / 1000);
const DAY = 86400;
// A point in Tehran and points a known distance north of it (1° of latitude ≈ 111.2 km).
const HOME = { lat: 35.7, lon: 51.4 };
const north = (km) => ({ lat: HOME.lat + km / 111.195, lon: HOME.lon });

function post(fields = {}) {
  const t = NOW();
  return {
    kind: 'ask', category: 'food', body: 'Need groceries delivered for an older neighbour this week',
    ...HOME, place: 'Yusef Abad', language: 'en', starts_at: t, ends_at: t + 3 * DAY, ...fields,
  };
}

describe(`neighbour-help board ${S}`, () => {
  let srv, alice, bob, carol, coord, anon;
  const ids = {};
  before(async () => {
    srv = await startServer({ args: ['--rate-login-ip', '1000'] });
    ids.alice = await addUser(srv, { email: 'alice@example.org', phone: '+989121110001', name: 'Alice Asker' });
    ids.bob = await addUser(srv, { email: 'bob@example.org', phone: '+989121110002', name: 'Bob Offerer' });
    ids.carol = await addUser(srv, { email: 'carol@example.org', name: 'Carol Third' });
    await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
    [alice, bob, carol, coord] = await Promise.all(['alice', 'bob', 'carol', 'coord'].map((u) => signIn(srv, `${u}@example.org`)));
    anon = { get: (p) => srv.request('GET', p), post: (p, body) => srv.request('POST', p, { body }) };
  });
  after(() => srv?.stop());

  const count = (where = 'true') => Number(sql(srv, `SELECT count(*) FROM board_posts WHERE ${where}`)[0][0]);

  it(`bad posts are refused, naming the field, and make nothing ${S}`, async () => {
    const before = count();
    const cases = [
      [{ kind: 'lend' }, 'kind'], [{ category: 'weapons' }, 'category'], [{ body: 'hi' }, 'body'],
      [{ lat: 91 }, 'lat'], [{ lon: 'x' }, 'lon'], [{ author_id: ids.bob }, 'author_id'],
      [{ ends_at: NOW() - 10 }, 'ends_at'], [{ expires_at: NOW() + 90 * DAY }, 'expires_at'],
      [{ starts_at: NOW(), ends_at: NOW() + 200 * DAY }, 'ends_at'], [{ body: 'x'.repeat(1001) }, 'body'],
    ];
    for (const [bad, field] of cases) {
      const r = await alice.post('/api/v1/board/posts', post(bad));
      assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.text}`);
      assert.equal(r.json.error.field, field, r.text);
    }
    assertError(await anon.post('/api/v1/board/posts', post()), 401, 'unauthorized');
    assert.equal(count(), before);
  });

  it(`a post's area is rounded before it is stored; the public sees no author ${S}`, async () => {
    const exact = { lat: 35.712345, lon: 51.398765 };
    const r = await alice.post('/api/v1/board/posts', post({ ...exact, category: 'transport', body: 'A lift to the clinic on Tuesday morning, please' }));
    assert.equal(r.status, 201, r.text);
    assert.ok(Math.abs(r.json.lat - exact.lat) > 1e-6 || Math.abs(r.json.lon - exact.lon) > 1e-6, 'rounded');
    assert.ok(Math.abs(r.json.lat - exact.lat) < 0.005 && Math.abs(r.json.lon - exact.lon) < 0.007, 'near');
    const [[lat, lon]] = sql(srv, `SELECT lat, lon FROM board_posts WHERE id = '${r.json.id}'`);
    assert.ok(Math.abs(Number(lat) - r.json.lat) < 1e-9 && Math.abs(Number(lon) - r.json.lon) < 1e-9, `${lat},${lon}`);
    for (const path of [`/api/v1/board/posts/${r.json.id}`, `/api/v1/board/posts?near=${exact.lat},${exact.lon}`]) {
      const g = await anon.get(path);
      assert.equal(g.status, 200, g.text);
      assert.ok(!/alice|Asker|\+98912|author/i.test(g.text), `no personal details in ${path}: ${g.text}`);
      assert.ok(!g.text.includes('35.712345'), 'never the exact point');
    }
    ids.lift = r.json.id;
  });

  it(`each post shows the nearest compatible posts: the other kind, same category, overlapping window ${S}`, async () => {
    const t = NOW();
    const mk = async (who, f) => {
      const r = await who.post('/api/v1/board/posts', post({ category: 'medicine', ...f }));
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    };
    const ask = await mk(alice, { body: 'Insulin pick-up from the pharmacy needed' });
    const near = await mk(bob, { kind: 'offer', ...north(1), body: 'I can collect prescriptions on my way home' });
    const far = await mk(carol, { kind: 'offer', ...north(8), body: 'Pharmacy runs by car, evenings' });
    await mk(bob, { kind: 'offer', ...north(0.5), category: 'food', body: 'Spare rice and lentils to give away' });
    await mk(carol, { kind: 'ask', ...north(0.5), body: 'Also need someone to fetch medicine' });
    await mk(carol, { kind: 'offer', ...north(0.6), starts_at: t + 10 * DAY, ends_at: t + 12 * DAY, body: 'Pharmacy runs after my holiday' });
    await mk(bob, { kind: 'offer', ...north(80), body: 'Medicine delivery in the next town' });
    const r = await anon.get(`/api/v1/board/posts/${ask}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.matches.map((m) => m.id), [near, far]);
    assert.ok(r.json.matches[0].distance_m < r.json.matches[1].distance_m);
    assert.ok(Math.abs(r.json.matches[0].distance_m - 1000) < 800, `${r.json.matches[0].distance_m}`);
    // And the other way round: the offer sees the ask.
    const o = await anon.get(`/api/v1/board/posts/${near}`);
    assert.ok(o.json.matches.some((m) => m.id === ask), o.text);
    assert.ok(o.json.matches.every((m) => m.kind === 'ask' && m.category === 'medicine'), o.text);
    ids.ask = ask;
    ids.offer = near;
  });

  it(`a near-duplicate of one's own open post is pointed out; confirm posts it anyway ${S}`, async () => {
    const first = post({ category: 'clothing', body: 'Warm winter coats needed for two children aged 5 and 8' });
    assert.equal((await alice.post('/api/v1/board/posts', first)).status, 201);
    const before = count();
    const again = post({ category: 'clothing', ...north(0.4), body: 'Winter coats needed for two children aged 5 and 8!' });
    const r = await alice.post('/api/v1/board/posts', again);
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'possible_duplicate');
    assert.equal(r.json.similar.length, 1, r.text);
    assert.equal(count(), before, 'nothing made');
    // Someone else's, another category, or far away: no question asked.
    assert.equal((await bob.post('/api/v1/board/posts', again)).status, 201);
    const ok = await alice.post('/api/v1/board/posts', { ...again, confirm: true });
    assert.equal(ok.status, 201, ok.text);
  });

  it(`the plain-text list of asks has no personal details, in Persian digits for fa ${S}`, async () => {
    const fa = await anon.get(`/api/v1/board/asks.txt?near=${HOME.lat},${HOME.lon}&radius_km=5&lang=fa`);
    assert.equal(fa.status, 200, fa.text);
    assert.match(fa.headers.get('content-type'), /^text\/plain/);
    assert.match(fa.text, /Insulin pick-up/);
    assert.ok(!fa.text.includes('Spare rice'), 'offers are not listed');
    assert.ok(!/Alice|Bob|Carol|example\.org|\+98/.test(fa.text), fa.text);
    assert.match(fa.text, /[۰-۹]/);
    assert.ok(!/\(\d+\)/.test(fa.text), 'the count in Persian digits');
    const en = await anon.get(`/api/v1/board/asks.txt?near=${HOME.lat},${HOME.lon}&radius_km=5&lang=en&category=medicine`);
    assert.match(en.text, /about \d+ (m|km) · until \d/);
    assert.ok(!en.text.includes('lift to the clinic'), 'category filter');
    assertError(await anon.get('/api/v1/board/asks.txt?near=100,0'), 400, 'invalid_query');
  });

  it(`only the author edits or closes; a moderator hides with a reason, audited ${S}`, async () => {
    assertError(await bob.patch(`/api/v1/board/posts/${ids.ask}`, { body: 'Taken over by Bob for sure' }), 403, 'forbidden');
    assertError(await bob.post(`/api/v1/board/posts/${ids.ask}/close`), 403, 'forbidden');
    assertError(await alice.patch(`/api/v1/board/posts/${ids.ask}`, { status: 'hidden' }), 400, 'unknown_field');
    const e = await alice.patch(`/api/v1/board/posts/${ids.ask}`, { body: 'Insulin pick-up from the pharmacy needed, any day' });
    assert.equal(e.status, 200, e.text);
    assert.match(e.json.body, /any day/);
    assertError(await bob.post(`/api/v1/board/posts/${ids.lift}/moderate`, { action: 'hide', reason: 'spam' }), 403, 'forbidden');
    const h = await coord.post(`/api/v1/board/posts/${ids.lift}/moderate`, { action: 'hide', reason: 'Not a real ask' });
    assert.equal(h.status, 200, h.text);
    assertError(await anon.get(`/api/v1/board/posts/${ids.lift}`), 404, 'not_found');
    const own = await alice.get(`/api/v1/board/posts/${ids.lift}`);
    assert.equal(own.status, 200, `its author still sees it: ${own.text}`);
    assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'board_post_hidden' AND subject_id = '${ids.lift}'`)[0][0], '1');
    const list = await anon.get(`/api/v1/board/posts?near=${HOME.lat},${HOME.lon}&category=transport&kind=ask`);
    assert.ok(!list.json.posts.some((p) => p.id === ids.lift), 'hidden posts are not listed');
  });

  it(`attacks on a conversation: the other side before agreement, a third person, the public ${S}`, async () => {
    assertError(await alice.post(`/api/v1/board/posts/${ids.ask}/conversations`, { body: 'me' }), 403, 'forbidden');
    const start = await bob.post(`/api/v1/board/posts/${ids.ask}/conversations`, { body: 'I can pick it up tomorrow at 10.' });
    assert.equal(start.status, 201, start.text);
    const conv = start.json.id;
    ids.conv = conv;
    assert.equal(start.json.role, 'responder');
    // The same pair again: the same conversation.
    const again = await bob.post(`/api/v1/board/posts/${ids.ask}/conversations`, { body: 'Or at noon.' });
    assert.equal(again.status, 200);
    assert.equal(again.json.id, conv);
    const secret = /\+98912111000|alice@|bob@|Alice Asker|Bob Offerer/;
    const a = await alice.get(`/api/v1/board/conversations/${conv}`);
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(a.json.messages.map((m) => m.from), ['responder', 'responder']);
    assert.equal(a.json.contact, undefined);
    assert.ok(!secret.test(a.text), a.text);
    // Bob agrees: still nothing shared until Alice agrees too.
    const b1 = await bob.post(`/api/v1/board/conversations/${conv}/consent`, { agree: true });
    assert.equal(b1.status, 200, b1.text);
    assert.equal(b1.json.responder_agreed, true);
    assert.ok(!secret.test(b1.text) && !secret.test((await alice.get(`/api/v1/board/conversations/${conv}`)).text));
    // A third person, the public, the list: nothing.
    assertError(await carol.get(`/api/v1/board/conversations/${conv}`), 404, 'not_found');
    assertError(await carol.post(`/api/v1/board/conversations/${conv}/messages`, { body: 'hello' }), 404, 'not_found');
    assertError(await carol.post(`/api/v1/board/conversations/${conv}/consent`, { agree: true }), 404, 'not_found');
    assertError(await anon.get(`/api/v1/board/conversations/${conv}`), 401, 'unauthorized');
    const pub = await anon.get(`/api/v1/board/posts/${ids.ask}`);
    assert.ok(!secret.test(pub.text) && !pub.text.includes(conv), pub.text);
    // Bob may withdraw while Alice has not agreed, and agree again.
    assert.equal((await bob.post(`/api/v1/board/conversations/${conv}/consent`, { agree: false })).json.responder_agreed, false);
    await bob.post(`/api/v1/board/conversations/${conv}/consent`, { agree: true });
    const m = await alice.post(`/api/v1/board/conversations/${conv}/messages`, { body: 'Thank you! 10 is fine.' });
    assert.equal(m.status, 201, m.text);
    const both = await alice.post(`/api/v1/board/conversations/${conv}/consent`, { agree: true });
    assert.equal(both.status, 200, both.text);
    assert.deepEqual(both.json.contact, { name: 'Bob Offerer', phone: '+989121110002', email: 'bob@example.org' });
    const bv = await bob.get(`/api/v1/board/conversations/${conv}`);
    assert.deepEqual(bv.json.contact, { name: 'Alice Asker', phone: '+989121110001', email: 'alice@example.org' });
    // Once both agreed, withdrawing is too late.
    assertError(await bob.post(`/api/v1/board/conversations/${conv}/consent`, { agree: false }), 409, 'bad_transition');
    assertError(await carol.get(`/api/v1/board/conversations/${conv}`), 404, 'not_found');
    // A moderator may read the messages (audited) but gets no contact details.
    const mod = await coord.get(`/api/v1/board/conversations/${conv}`);
    assert.equal(mod.status, 200, mod.text);
    assert.equal(mod.json.role, 'moderator');
    assert.equal(mod.json.contact, undefined);
    assert.equal(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'board_conversation_read' AND subject_id = '${conv}'`)[0][0], '1');
    assertError(await coord.post(`/api/v1/board/conversations/${conv}/messages`, { body: 'hi' }), 404, 'not_found');
    const mine = await bob.get('/api/v1/board/mine');
    assert.ok(mine.json.conversations.some((c) => c.id === conv && c.role === 'responder'));
  });

  it(`limits: message size, messages per hour, posts per day ${S}`, async () => {
    const big = await bob.post(`/api/v1/board/conversations/${ids.conv}/messages`, { body: 'x'.repeat(2001) });
    assertError(big, 400, 'invalid_field');
    const sent = () => Number(sql(srv, `SELECT count(*) FROM board_messages WHERE sender_id = '${ids.bob}'`)[0][0]);
    let n = sent(), refused = 0;
    for (let i = 0; i < 32; i++) {
      const r = await bob.post(`/api/v1/board/conversations/${ids.conv}/messages`, { body: `message ${i}` });
      if (r.status === 429) refused++;
      else assert.equal(r.status, 201, r.text);
    }
    assert.ok(refused > 0);
    assert.equal(sent(), 30, 'no more than 30 in the hour');
    assert.ok(sent() >= n);
    let made = 0, limited = 0;
    for (let i = 0; i < 12; i++) {
      const r = await carol.post('/api/v1/board/posts', post({ category: 'repairs', ...north(i * 5), body: `Fixing bikes and small things, place number ${i}`, confirm: true }));
      if (r.status === 201) made++;
      else { assertError(r, 429, 'rate_limited'); limited++; }
    }
    assert.ok(limited > 0);
    assert.equal(count(`author_id = '${ids.carol}'`), 10);
  });

  it(`expired posts are not shown and are archived by the purge; old messages are erased ${S}`, async () => {
    sql(srv, `UPDATE board_posts SET expires_at = ${NOW() - 10} WHERE id = '${ids.offer}'`);
    const list = await anon.get(`/api/v1/board/posts?near=${HOME.lat},${HOME.lon}&kind=offer&category=medicine`);
    assert.ok(!list.json.posts.some((p) => p.id === ids.offer));
    sql(srv, `UPDATE board_messages SET created_at = ${NOW() - 400 * DAY} WHERE conv_id = '${ids.conv}'`);
    const r = await runCli(['purge', '--db', srv.dbUrl]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sql(srv, `SELECT status FROM board_posts WHERE id = '${ids.offer}'`)[0][0], 'archived');
    assert.equal(sql(srv, `SELECT count(*) FROM board_messages WHERE conv_id = '${ids.conv}'`)[0][0], '0');
  });
});
