// board-match.test.mjs — the board's spatial answers are exact: on random posts (random kinds,
// categories, windows and positions from 100 m to 80 km apart, some closed or expired), every
// list near a point and every post's compatible posts equal a brute-force answer computed here
// from all the posts (same filters, haversine distance, nearest first, ties by id); on the
// store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, STORE } from './lib/server.mjs';
import { addUser, signIn, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const DAY = 86400;
const R = 6371008.8; // the server's mean Earth radius (domain/geo.h)
const CENTRE = { lat: 35.7, lon: 51.4 };
const CATEGORIES = ['food', 'medicine', 'transport'];
const WORDS = 'bread milk rice tea lift clinic pharmacy insulin bus taxi soup fruit coat shoes chair lamp stairs garden letter phone radio kettle'.split(' ');

// A small seeded generator: the same posts on every run.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function distance(a, b) {
  const rad = (d) => (d * Math.PI) / 180;
  const dlat = rad(b.lat - a.lat), dlon = rad(b.lon - a.lon);
  let h = Math.sin(dlat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dlon / 2) ** 2;
  if (h > 1) h = 1;
  return 2 * R * Math.asin(Math.sqrt(h));
}

const nearest = (list, at) => list.map((p) => ({ ...p, d: distance(at, p) }))
  .sort((x, y) => (x.d - y.d) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

describe(`board matching equals brute force ${S}`, () => {
  let srv;
  const posts = []; // as the server answered them (rounded positions), with status
  const random = rng(19);
  before(async () => {
    srv = await startServer({ args: ['--rate-login-ip', '1000', '--board-posts-per-day', '0'] });
    const people = [];
    for (let i = 0; i < 4; i++) {
      await addUser(srv, { email: `match${i}@example.org` });
      people.push(await signIn(srv, `match${i}@example.org`));
    }
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 160; i++) {
      // Half within 3 km, a third within 30 km, the rest up to 80 km: every round of the search.
      const reach = i % 2 ? 3000 : i % 3 ? 30000 : 80000;
      const r = reach * Math.sqrt(random()), t = 2 * Math.PI * random();
      const lat = CENTRE.lat + (r * Math.cos(t)) / 111195;
      const lon = CENTRE.lon + (r * Math.sin(t)) / (111195 * Math.cos((CENTRE.lat * Math.PI) / 180));
      const starts = now + Math.floor(random() * 10 * DAY);
      const body = Array.from({ length: 6 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ') + ` no. ${i}`;
      const res = await people[i % 4].post('/api/v1/board/posts', {
        kind: random() < 0.5 ? 'ask' : 'offer', category: CATEGORIES[Math.floor(random() * 3)], body,
        lat, lon, language: 'en', starts_at: starts, ends_at: starts + DAY + Math.floor(random() * 6 * DAY), confirm: true,
      });
      assert.equal(res.status, 201, res.text);
      posts.push({ ...res.json, who: i % 4 });
    }
    // Some posts leave the lists: closed by their author, or expired.
    for (const p of posts.filter((_, i) => i % 11 === 5)) {
      const c = await people[p.who].post(`/api/v1/board/posts/${p.id}/close`);
      assert.equal(c.status, 200, c.text);
      p.status = 'closed';
    }
    const expired = posts.filter((p, i) => i % 13 === 7 && p.status === 'open');
    sql(srv, `UPDATE board_posts SET expires_at = 1000 WHERE id IN (${expired.map((p) => `'${p.id}'`).join(',')})`);
    for (const p of expired) p.status = 'expired';
  });
  after(() => srv?.stop());

  const open = () => posts.filter((p) => p.status === 'open');

  it(`lists near random points, every filter, equal the brute-force answer ${S}`, async () => {
    let compared = 0, nonEmpty = 0;
    for (let i = 0; i < 40; i++) {
      const at = { lat: CENTRE.lat + (random() - 0.5) * 0.8, lon: CENTRE.lon + (random() - 0.5) * 0.9 };
      const radius = [1, 2, 5, 10, 25, 50][i % 6];
      const kind = [null, 'ask', 'offer'][i % 3];
      const category = i % 4 ? CATEGORIES[i % 3] : null;
      const limit = [5, 10, 100][i % 3];
      const q = new URLSearchParams({ near: `${at.lat.toFixed(6)},${at.lon.toFixed(6)}`, radius_km: String(radius), limit: String(limit) });
      if (kind) q.set('kind', kind);
      if (category) q.set('category', category);
      const res = await srv.request('GET', `/api/v1/board/posts?${q}`);
      assert.equal(res.status, 200, res.text);
      const want = nearest(open().filter((p) => (!kind || p.kind === kind) && (!category || p.category === category)), at)
        .filter((p) => p.d <= radius * 1000).slice(0, limit);
      assert.deepEqual(res.json.posts.map((p) => p.id), want.map((p) => p.id), `near ${q}`);
      res.json.posts.forEach((p, j) => assert.ok(Math.abs(p.distance_m - want[j].d) <= 1, `${p.distance_m} vs ${want[j].d}`));
      compared++;
      if (want.length) nonEmpty++;
    }
    assert.equal(compared, 40);
    assert.ok(nonEmpty >= 12, `many lists have posts (${nonEmpty})`);
  });

  it(`each post's compatible posts equal the brute-force answer ${S}`, async () => {
    let withMatches = 0;
    for (const p of posts) {
      const res = await srv.request('GET', `/api/v1/board/posts/${p.id}`);
      assert.equal(res.status, 200, res.text);
      if (p.status === 'closed') {
        assert.deepEqual(res.json.matches, [], 'a closed post lists no matches');
        continue;
      }
      // An expired post, even before the purge archived it, reads as archived and lists no
      // matches; it is never one of them either.
      if (p.status === 'expired') {
        assert.equal(res.json.status, 'archived');
        assert.deepEqual(res.json.matches, [], 'an expired post lists no matches');
        continue;
      }
      const want = nearest(open().filter((o) => o.id !== p.id && o.kind !== p.kind && o.category === p.category
        && o.starts_at < p.ends_at && o.ends_at > p.starts_at), p).filter((o) => o.d <= 50000).slice(0, 10);
      assert.deepEqual(res.json.matches.map((m) => m.id), want.map((m) => m.id), `matches of ${p.id}`);
      if (want.length) withMatches++;
    }
    assert.ok(withMatches >= 50, `most posts have matches (${withMatches})`);
  });
});
