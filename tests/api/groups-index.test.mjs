// groups-index.test.mjs — nearest groups from the process's in-memory index (app/grindex.h) on
// the store of HY_TEST_STORE: a server with the index and one without it (--group-index off)
// over the same store give the same answer bytes to thousands of random queries (nearest,
// within a radius, map views with bbox, covering service areas first, ties by id); the index
// answers only at the groups version it was built at (a change slipped past the version is not
// seen, which shows the answers do come from memory); and with two processes on one store,
// a group approved, edited, moved or deleted through one is in (out of) the very next answer
// of the other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, STORE } from './lib/server.mjs';
import { addUser, createToken, sql } from './lib/accounts.mjs';

const BUILT = /groups index: (\d+) approved groups, \d+ KiB \(spatial \d+ KiB\), built in \d+ ms \(groups version (\d+)\)/;
const NGROUPS = 3000;
const NQUERIES = 2400;

let a, b, off, token, dir;

// A fixed-seed generator (xorshift), so a failure can be replayed.
let seed = 0x2545f491;
function rnd() {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const wrapLon = (x) => (x > 180 ? x - 360 : x < -180 ? x + 360 : x);
const clampLat = (y) => Math.max(-89.999, Math.min(89.999, y));

// Clusters where groups crowd (cities, both sides of ±180, near a pole) and where queries go.
const CENTRES = [[35.7, 51.4], [51.5, -0.12], [-17, 179.9], [-17, -179.9], [88.5, 10], [0, 0], [40.7, -74]];

function groupsFile() {
  const features = [];
  const points = [];
  for (let i = 0; i < NGROUPS; i++) {
    let lat, lon;
    if (i % 6 === 0) {
      lat = rnd() * 170 - 85;
      lon = rnd() * 360 - 180;
    } else {
      const c = CENTRES[i % CENTRES.length];
      lat = clampLat(c[0] + (rnd() - 0.5) * 0.8);
      lon = wrapLon(c[1] + (rnd() - 0.5) * 0.8);
    }
    if (i % 50 === 1) [lat, lon] = points[i - 1]; // the same place as another: ties by id
    points.push([lat, lon]);
    const props = {
      name: `Index group ${i}`, description: i % 2 ? 'گروه همیاری محله' : 'Neighbours helping neighbours',
      tags: i % 3 ? 'food;shopping' : 'medicine', languages: i % 2 ? 'fa' : 'en',
    };
    if (i % 7 === 0) props.radius_km = 1 + (i % 9) * 4;
    if (i % 11 === 5 && Math.abs(lat) < 80 && Math.abs(lon) < 179) {
      const d = 0.05 + (i % 5) * 0.03;
      const ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
        .map(([x, y]) => [Number(x.toFixed(6)), Number(y.toFixed(6))]);
      features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: props });
    } else {
      features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [Number(lon.toFixed(6)), Number(lat.toFixed(6))] }, properties: props });
    }
  }
  return { type: 'FeatureCollection', features };
}

function randomQuery(i) {
  let lat, lon;
  if (i % 4 === 0) {
    lat = rnd() * 180 - 90;
    lon = rnd() * 360 - 180;
  } else {
    const c = CENTRES[i % CENTRES.length];
    lat = clampLat(c[0] + (rnd() - 0.5) * 1.2);
    lon = wrapLon(c[1] + (rnd() - 0.5) * 1.2);
  }
  const p = [`near=${lat.toFixed(6)},${lon.toFixed(6)}`];
  if (i % 5 === 3) {
    // a map view: W,S,E,N around the point (W > E wraps across ±180), up to 500 groups
    const w = 0.2 + rnd() * 8, h = 0.2 + rnd() * 4;
    const W = wrapLon(lon - w / 2), E = wrapLon(lon + w / 2);
    const S = Math.max(-90, lat - h / 2), N = Math.min(90, lat + h / 2);
    p.push(`bbox=${W.toFixed(5)},${S.toFixed(5)},${E.toFixed(5)},${N.toFixed(5)}`);
    p.push(`limit=${1 + Math.floor(rnd() * 500)}`);
  } else {
    p.push(`limit=${1 + Math.floor(rnd() * 100)}`);
  }
  if (i % 3 === 1) p.push(`radius_km=${(0.5 + rnd() * 80).toFixed(3)}`);
  return `/api/v1/groups?${p.join('&')}`;
}

/** The answer's bytes as sent. */
async function bytes(srv, path) {
  const r = await srv.http(path);
  assert.equal(r.status, 200, `${path}: ${r.body}`);
  return r.body;
}

/** Waits until `srv` logs an index built at `version` or later (from log line `from` on). A
 *  build that was already running when the version moved ends at an older version, and only
 *  a later miss starts the next one: each older build is followed by one more question. */
async function builtAt(srv, version, from = 0) {
  for (;;) {
    const m = await srv.waitForLog(BUILT, 120000, from);
    if (Number(m[2]) >= version) return { groups: Number(m[1]), version: Number(m[2]) };
    from = srv.lines.findIndex((l, k) => k >= from && BUILT.test(l)) + 1;
    await bytes(srv, '/api/v1/groups?near=0,0&limit=1');
  }
}

function version() {
  return Number(sql(a, 'SELECT version FROM groups_version')[0][0]);
}

/** Asks until the index is at the store's version (each miss starts a rebuild). */
async function caughtUp(srv) {
  const v = version();
  const from = srv.lines.length;
  await bytes(srv, '/api/v1/groups?near=0,0&limit=1');
  if (srv.lines.slice(0, from).some((l) => { const m = l.match(BUILT); return m && Number(m[2]) === v; })) return;
  await builtAt(srv, v, from);
}

async function call(srv, method, path, body) {
  return srv.request(method, path, { body, headers: { authorization: `Bearer ${token}` } });
}

before(async () => {
  a = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'hy-grindex-'));
  const file = join(dir, 'groups.geojson');
  writeFileSync(file, JSON.stringify(groupsFile()));
  const r = await runCli(['import', 'groups', '--db', a.dbUrl, file], { timeout: 300000 });
  assert.equal(r.code, 0, r.stderr);
  await addUser(a, { email: 'admin@example.org', role: 'admin' });
  token = await createToken(a, 'admin@example.org');
  b = await startServer({ db: a.dbUrl });
  off = await startServer({ db: a.dbUrl, args: ['--group-index', 'off'] });
  await Promise.all([caughtUp(a), caughtUp(b)]);
});
after(async () => {
  await off?.stop();
  await b?.stop();
  await a?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`nearest groups from the index [${STORE}]`, () => {
  it('answers byte for byte as the store path on thousands of random queries', async () => {
    const v = version();
    let covering = 0, full = 0, maps = 0;
    const queue = Array.from({ length: NQUERIES }, (_, i) => randomQuery(i));
    const worker = async () => {
      for (let path; (path = queue.shift());) {
        const [x, y] = await Promise.all([bytes(a, path), bytes(off, path)]);
        assert.ok(x.equals(y), `${path}\nindex: ${x}\nstore: ${y}`);
        const j = JSON.parse(x);
        covering += j.groups.some((g) => g.covers);
        const limit = Number(new URL(path, 'http://x').searchParams.get('limit'));
        full += j.total === limit;
        maps += path.includes('bbox=') && j.total > 0;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    // The queries reach every case: covering areas, answers cut at the limit, full map views.
    assert.ok(covering > NQUERIES / 20, `${covering} answers with a covering group`);
    assert.ok(full > NQUERIES / 5, `${full} answers cut at the limit`);
    assert.ok(maps > NQUERIES / 20, `${maps} map views with groups`);
    // Nothing changed meanwhile: these answers came from the index built at this version.
    assert.equal(version(), v);
  });

  it('answers ties by id, as the store does', async () => {
    // groups 0 and 1, 50 and 51, … share their place: asked right there, both are at 0 m.
    const g = await bytes(off, '/api/v1/groups?q=index%20group%2050&limit=100');
    const pos = JSON.parse(g).groups.find((x) => x.name === 'Index group 50');
    const path = `/api/v1/groups?near=${pos.lat},${pos.lon}&limit=60`;
    const x = await bytes(a, path);
    assert.ok(x.equals(await bytes(off, path)));
    const j = JSON.parse(x);
    const zero = j.groups.filter((k) => k.distance_m === 0 && !k.covers);
    assert.ok(zero.length >= 2, x.toString());
    assert.ok(zero[0].id < zero[1].id);
  });

  it('answers from memory only at the version it was built at', async () => {
    const path = '/api/v1/groups?q=index%20group%20700&limit=100';
    const g = JSON.parse(await bytes(off, path)).groups.find((x) => x.name === 'Index group 700');
    const near = `/api/v1/groups?near=${g.lat},${g.lon}&limit=3`;
    const before = await bytes(a, near);
    // A rename slipped past the version (the store raised it and the test takes it back): the
    // store path shows it, the index built at this version does not.
    sql(a, `UPDATE aid_groups SET name = 'Sneaked in' WHERE id = '${g.id}'; UPDATE groups_version SET version = version - 1`);
    assert.ok((await bytes(off, near)).includes('Sneaked in'));
    assert.ok((await bytes(a, near)).equals(before));
    // A real change raises the version: the very next answer is the store's.
    sql(a, `UPDATE aid_groups SET name = 'Index group 700' WHERE id = '${g.id}'`);
    assert.ok((await bytes(a, near)).equals(await bytes(off, near)));
    await caughtUp(a);
    assert.ok((await bytes(a, near)).equals(await bytes(off, near)));
  });

  it('shows a change made through one process in the very next answer of the other', async () => {
    // A new group far from the others, submitted and approved through a.
    const place = { lat: -41.2865, lon: 174.7762 };
    const near = `/api/v1/groups?near=${place.lat},${place.lon}&limit=1&radius_km=5`;
    const bbox = `/api/v1/groups?near=${place.lat},${place.lon}&bbox=174.7,-41.3,174.8,-41.2&limit=10`;
    assert.equal(JSON.parse(await bytes(b, near)).total, 0);
    let r = await call(a, 'POST', '/api/v1/groups', { name: 'Wellington Mutual Aid', lat: place.lat, lon: place.lon, radius_km: 3 });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    assert.equal(JSON.parse(await bytes(b, near)).total, 0, 'a pending group is not shown');
    assert.equal((await call(a, 'POST', `/api/v1/groups/${id}/approve`)).status, 200);
    const steps = [
      ['approved', (j) => j.groups[0]?.id === id && j.groups[0].covers === true],
      ['renamed', (j) => j.groups[0]?.name === 'Wellington Neighbours'],
      ['moved', (j) => j.total === 0],
      ['deleted', (j) => j.total === 0],
    ];
    for (const [step, ok] of steps) {
      if (step === 'renamed') assert.equal((await call(a, 'PATCH', `/api/v1/groups/${id}`, { name: 'Wellington Neighbours' })).status, 200);
      if (step === 'moved') assert.equal((await call(a, 'PATCH', `/api/v1/groups/${id}`, { lat: -36.8485, lon: 174.7633 })).status, 200);
      if (step === 'deleted') assert.equal((await call(a, 'DELETE', `/api/v1/groups/${id}`)).status, 200);
      // The very next answer of the other process, and of this one.
      for (const srv of [b, a]) {
        const j = JSON.parse(await bytes(srv, near));
        assert.ok(ok(j), `${step}: ${JSON.stringify(j)}`);
        assert.ok((await bytes(srv, bbox)).equals(await bytes(off, bbox)), `${step}: map view`);
      }
      // Once the other process's index has caught up, it answers the same.
      await caughtUp(b);
      assert.ok(ok(JSON.parse(await bytes(b, near))), `${step}: the rebuilt index`);
      assert.ok((await bytes(b, bbox)).equals(await bytes(off, bbox)), `${step}: map view, rebuilt`);
      if (step === 'moved') {
        const there = '/api/v1/groups?near=-36.8485,174.7633&limit=1';
        assert.equal(JSON.parse(await bytes(b, there)).groups[0].id, id);
      }
    }
  });
});

describe(`two processes, changes back and forth [${STORE}]`, () => {
  it('answers every change made through the other process in its very next answer, with its index current before each', async () => {
    // Each round: the reader's index is current (so an answer it wrongly thought fresh would
    // come from memory), then the writer approves, renames and deletes a group of its own;
    // after each change the reader's very next answer must show it. Writers alternate.
    for (let i = 0; i < 12; i++) {
      const [w, rd] = i % 2 ? [b, a] : [a, b];
      const place = { lat: -60 + i * 0.5, lon: -140.25 };
      const near = `/api/v1/groups?near=${place.lat},${place.lon}&limit=1&radius_km=2`;
      await caughtUp(rd);
      let r = await call(w, 'POST', '/api/v1/groups', { name: `Round ${i}`, lat: place.lat, lon: place.lon });
      assert.equal(r.status, 201, r.text);
      const id = r.json.id;
      await caughtUp(rd);
      assert.equal((await call(w, 'POST', `/api/v1/groups/${id}/approve`)).status, 200);
      let j = JSON.parse(await bytes(rd, near));
      assert.equal(j.groups[0]?.id, id, `round ${i}: approved`);
      await caughtUp(rd);
      assert.equal((await call(w, 'PATCH', `/api/v1/groups/${id}`, { name: `Round ${i} renamed` })).status, 200);
      j = JSON.parse(await bytes(rd, near));
      assert.equal(j.groups[0]?.name, `Round ${i} renamed`, `round ${i}: renamed`);
      await caughtUp(rd);
      assert.equal((await call(w, 'DELETE', `/api/v1/groups/${id}`)).status, 200);
      j = JSON.parse(await bytes(rd, near));
      assert.equal(j.total, 0, `round ${i}: deleted`);
    }
  });
});
