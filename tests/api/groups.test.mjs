// The group directory: find near a point, text search, offline geocoding, submission
// and moderation, who sees and edits what, imports and exports, the embeddable widget's
// headers. Runs on the store HY_TEST_STORE names (the test command runs it on both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { startServer, runCli, makeStore, ROOT } from './lib/server.mjs';
import { Client, addUser, signIn, createToken, freshPhone, outbox, sql } from './lib/accounts.mjs';

const FIX = join(ROOT, 'tests', 'fixtures');
const geojsonhint = createRequire(import.meta.url)('@mapbox/geojsonhint');

let srv, tmp, admin, coord, owner, other, adminToken;
const ids = {};

/** Great-circle distance in metres (the same haversine and radius as domain/geo.c). */
function haversine(lat1, lon1, lat2, lon2) {
  const R = 6371008.8, rad = (d) => (d * Math.PI) / 180;
  const a = Math.sin(rad(lat2 - lat1) / 2) ** 2
    + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

async function cli(args) {
  const r = await runCli(args);
  return r;
}

function csvFile(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hy-groups-'));
  srv = await startServer();
  await addUser(srv, { email: 'admin@example.org', role: 'admin' });
  await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
  ids.owner = await addUser(srv, { email: 'owner@example.org', role: 'volunteer' });
  ids.other = await addUser(srv, { email: 'other@example.org', role: 'volunteer' });
  admin = await signIn(srv, 'admin@example.org');
  coord = await signIn(srv, 'coord@example.org');
  owner = await signIn(srv, 'owner@example.org');
  other = await signIn(srv, 'other@example.org');
  adminToken = await createToken(srv, 'admin@example.org');
  for (const c of [admin, coord, owner, other]) await c.me();
  let r = await cli(['import', 'places', '--db', srv.dbUrl, join(FIX, 'places-small.tsv')]);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(['import', 'postcodes', '--db', srv.dbUrl, join(FIX, 'postcodes-small.csv')]);
  assert.equal(r.code, 0, r.stderr);
  // Groups around Tehran, London and near the antimeridian and the pole.
  const csv = ['name,lat,lon,description,tags,languages,radius_km,website',
    'گروه همیاری محله یوسف‌آباد,35.7290,51.4100,خرید و دارو برای همسایه‌ها,food;medicine,fa,,',
    'گروه همیاری ونک,35.7570,51.4100,همراهی سالمندان,companionship,fa;en,8,https://example.org/vanak',
    'Tehran South Group,35.6400,51.4000,Food parcels,food,en,,',
    'Camden Mutual Aid,51.5390,-0.1426,"Shopping, prescriptions and ""friendly"" calls",shopping;medicine,en,,',
    'Westminster Mutual Aid,51.4975,-0.1357,Help for neighbours,shopping,en,,',
    '=HYPERLINK("http://x") group,51.6,-0.2,formula guard,,en,,',
    'Fiji East,-17.0,179.9,antimeridian east,,en,,',
    'Fiji West,-17.0,-179.9,antimeridian west,,en,,',
    'Svalbard North,89.5,10,pole,,en,,',
    'Svalbard Other Side,89.5,-170,pole,,en,,'].join('\n');
  r = await cli(['import', 'groups', '--db', srv.dbUrl, csvFile('groups.csv', csv)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported 10 groups/);
});

after(async () => {
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('near: sorted by great-circle distance, distances in whole metres', async () => {
  const r = await srv.request('GET', '/api/v1/groups?near=35.70,51.40&limit=5');
  assert.equal(r.status, 200, r.text);
  const g = r.json.groups;
  assert.ok(g.length >= 3);
  assert.equal(r.json.total, g.length);
  const covering = g.filter((x) => x.covers);
  // ونک's 8 km radius covers the point, so it comes first and says so.
  assert.equal(g[0].name, 'گروه همیاری ونک');
  assert.equal(g[0].covers, true);
  assert.equal(covering.length, 1);
  for (const x of g) {
    assert.equal(x.distance_m, Math.round(haversine(35.70, 51.40, x.lat, x.lon)));
    assert.ok(Number.isInteger(x.distance_m));
  }
  const rest = g.slice(1).map((x) => x.distance_m);
  assert.deepEqual(rest, [...rest].sort((a, b) => a - b));
  assert.equal(g[1].name, 'گروه همیاری محله یوسف‌آباد'); // 3.3 km
  assert.equal(g[2].name, 'Tehran South Group'); // 6.7 km
});

test('near: radius_km bounds the search, limit caps it', async () => {
  const r = await srv.request('GET', '/api/v1/groups?near=51.5074,-0.1278&radius_km=10&limit=10');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.groups.map((x) => x.name).sort(), ['Camden Mutual Aid', 'Westminster Mutual Aid']);
  const one = await srv.request('GET', '/api/v1/groups?near=51.5074,-0.1278&limit=1');
  assert.equal(one.json.groups.length, 1);
  assert.equal(one.json.groups[0].name, 'Westminster Mutual Aid');
});

test('near: across the antimeridian and near the pole', async () => {
  let r = await srv.request('GET', '/api/v1/groups?near=-17,179.99&limit=2');
  assert.deepEqual(r.json.groups.map((x) => x.name), ['Fiji East', 'Fiji West']);
  assert.ok(r.json.groups[1].distance_m < 20000, 'west is 10.6 km away across 180°');
  r = await srv.request('GET', '/api/v1/groups?near=-17,-179.99&limit=2&radius_km=50');
  assert.deepEqual(r.json.groups.map((x) => x.name), ['Fiji West', 'Fiji East']);
  r = await srv.request('GET', '/api/v1/groups?near=89.9,100&limit=2&radius_km=200');
  assert.deepEqual(r.json.groups.map((x) => x.name).sort(), ['Svalbard North', 'Svalbard Other Side']);
});

test('near: bad coordinates, limits, radii and parameters of another mode are refused with 400', async () => {
  for (const q of ['near=91,0', 'near=0,181', 'near=abc', 'near=1', 'near=1,2,3', 'near=NaN,1',
    'near=1,2&limit=0', 'near=1,2&limit=101', 'near=1,2&limit=x', 'near=1,2&radius_km=-1',
    'near=1,2&radius_km=0', 'near=1,2&bbox=1,2,3', 'near=1,2&bbox=0,10,1,5', 'near=1,2&q=x',
    'q=x&limit=1000', 'limit=1000',
    // A parameter of another mode is refused rather than ignored (an offset pager would loop).
    'offset=20', 'limit=5&offset=5', 'radius_km=5', 'bbox=51,35,52,36', 'near=1,2&offset=1',
    'near=1,2&after=00000000000000000000000000000000', 'near=1,2&status=pending', 'q=x&bbox=51,35,52,36',
    'q=x&radius_km=5', 'q=x&after=00000000000000000000000000000000', 'q=x&status=approved']) {
    const r = await srv.request('GET', `/api/v1/groups?${q}`);
    assert.equal(r.status, 400, `${q}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_query');
  }
});

test('near with a map view (bbox) returns only groups inside it', async () => {
  const r = await srv.request('GET', '/api/v1/groups?near=51.5,-0.13&bbox=-0.3,51.4,0.1,51.55&limit=500');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.groups.map((x) => x.name).sort(), ['Camden Mutual Aid', 'Westminster Mutual Aid']);
  const wrap = await srv.request('GET', '/api/v1/groups?near=-17,180&bbox=179,-18,-179,-16&limit=500');
  assert.deepEqual(wrap.json.groups.map((x) => x.name).sort(), ['Fiji East', 'Fiji West']);
});

test('q: searches names, descriptions and tags, Persian spelling variants alike', async () => {
  const names = async (q) => (await srv.request('GET', `/api/v1/groups?q=${encodeURIComponent(q)}`)).json.groups.map((x) => x.name);
  assert.deepEqual(await names('ونک'), ['گروه همیاری ونک']);
  // Arabic yeh/kaf, a zero-width non-joiner left out, a prefix:
  assert.deepEqual(await names('يوسف'), ['گروه همیاری محله یوسف‌آباد']);
  assert.deepEqual(await names('یوسفآباد'), ['گروه همیاری محله یوسف‌آباد']);
  assert.deepEqual(await names('همياري ونك'), ['گروه همیاری ونک']);
  assert.deepEqual(await names('prescript'), ['Camden Mutual Aid']);
  assert.deepEqual(await names('MEDICINE'), ['Camden Mutual Aid', 'گروه همیاری محله یوسف‌آباد']);
  assert.deepEqual(await names('nothing-like-this'), []);
  const r = await srv.request('GET', '/api/v1/groups?q=mutual&limit=1');
  assert.equal(r.json.groups.length, 1);
  assert.equal(r.json.total, 2);
});

test('geocode: Persian and English names, Arabic letter variants, imported postcodes', async () => {
  const first = async (q) => {
    const r = await srv.request('GET', `/api/v1/geocode?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.attribution, /GeoNames/);
    return r.json.places[0];
  };
  for (const q of ['تهران', 'Tehran', 'tehran', 'تهرا', 'طهران']) {
    const p = await first(q);
    assert.equal(p?.name, 'Tehran', q);
    assert.equal(p.country, 'IR');
    assert.ok(Math.abs(p.lat - 35.69) < 0.05 && Math.abs(p.lon - 51.42) < 0.05);
  }
  assert.equal((await first('شيراز')).name, 'Shiraz'); // Arabic yeh
  assert.equal((await first('London')).country, 'GB'); // the biggest London first
  for (const q of ['SW1A 1AA', 'sw1a1aa', 'SW1A-1AA', 'sw1a 1aa']) {
    const p = await first(q);
    assert.equal(p.kind, 'postcode', q);
    assert.equal(p.name, 'SW1A 1AA');
    assert.equal(p.exact, true);
  }
  assert.equal((await first('sw1a2aa')).name, 'SW1A 2AA');
  for (const q of ['', 'x'.repeat(101)]) {
    const r = await srv.request('GET', `/api/v1/geocode?q=${q}`);
    assert.equal(r.status, 400);
  }
  // Geocode then find: the postcode's nearest group.
  const pc = await first('SW1A 1AA');
  const near = await srv.request('GET', `/api/v1/groups?near=${pc.lat},${pc.lon}&limit=1`);
  assert.equal(near.json.groups[0].name, 'Westminster Mutual Aid');
});

test('submission, moderation and who sees a pending group', async () => {
  const anon = new Client(srv);
  let r = await anon.post('/api/v1/groups', { name: 'x', lat: 1, lon: 1 });
  assert.equal(r.status, 401);
  r = await owner.post('/api/v1/groups', {
    name: 'Hackney Mutual Aid', description: 'Hackney, London', lat: 51.545, lon: -0.055,
    radius_km: 2, contact: { email: 'hackney@example.org', website: 'https://example.org/hackney' },
    languages: ['en', 'tr'], tags: ['food', 'shopping'],
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'pending');
  assert.match(r.json.id, /^[0-9a-f]{32}$/);
  const id = r.json.id;
  ids.hackney = id;
  // The public does not see it anywhere.
  assert.equal((await anon.get(`/api/v1/groups/${id}`)).status, 404);
  assert.equal((await other.get(`/api/v1/groups/${id}`)).status, 404);
  const near = await anon.get('/api/v1/groups?near=51.545,-0.055&limit=1');
  assert.notEqual(near.json.groups[0].id, id);
  assert.equal((await anon.get('/api/v1/groups?q=hackney')).json.groups.length, 0);
  // The owner, coordinators and admins do.
  r = await owner.get(`/api/v1/groups/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.can_edit, true);
  assert.equal(r.json.can_approve, false);
  assert.equal((await coord.get(`/api/v1/groups/${id}`)).json.can_approve, true);
  assert.equal((await admin.get(`/api/v1/groups/${id}`)).status, 200);
  // The moderation queue: coordinators and admins only.
  assert.equal((await anon.get('/api/v1/groups?status=pending')).status, 401);
  assert.equal((await other.get('/api/v1/groups?status=pending')).status, 403);
  const queue = await coord.get('/api/v1/groups?status=pending');
  assert.equal(queue.status, 200);
  assert.ok(queue.json.groups.some((x) => x.id === id));
  assert.equal((await anon.get('/api/v1/groups?status=nope')).status, 400);
  // Only coordinators and admins approve.
  assert.equal((await owner.post(`/api/v1/groups/${id}/approve`)).status, 403);
  assert.equal((await anon.post(`/api/v1/groups/${id}/approve`)).status, 401);
  r = await coord.post(`/api/v1/groups/${id}/approve`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'approved');
  r = await anon.get(`/api/v1/groups/${id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.can_edit, false);
  assert.deepEqual(r.json.contact, { email: 'hackney@example.org', website: 'https://example.org/hackney' });
  const found = await anon.get('/api/v1/groups?near=51.545,-0.055&limit=1');
  assert.equal(found.json.groups[0].id, id);
  assert.equal(found.json.groups[0].covers, true);
  assert.equal((await anon.get('/api/v1/groups?q=hackney')).json.groups[0].id, id);
  r = await coord.post(`/api/v1/groups/${id}/approve?verified=true`);
  assert.equal(r.json.verified, true);
});

test('moderation: a pending group is rejected with a reason told to its submitter, or deleted', async () => {
  const phone = freshPhone();
  await addUser(srv, { phone, role: 'volunteer', language: 'en', name: 'Submitter' });
  const submitter = await signIn(srv, phone);
  const submit = async (name) => {
    const r = await submitter.post('/api/v1/groups', { name, lat: 35.7, lon: 51.4 });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const anon = new Client(srv);
  const rejected = await submit('Spam or not');
  // Who may: not the public, not the submitter, not another volunteer.
  assert.equal((await anon.post(`/api/v1/groups/${rejected}/reject`, { reason: 'x' })).status, 401);
  assert.equal((await submitter.post(`/api/v1/groups/${rejected}/reject`, { reason: 'x' })).status, 403);
  assert.equal((await other.post(`/api/v1/groups/${rejected}/reject`, { reason: 'x' })).status, 403);
  // A reason is required, bounded, and nothing else is taken; a refusal changes nothing.
  for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'ok', status: 'approved' }, { reason: 7 }]) {
    const r = await coord.post(`/api/v1/groups/${rejected}/reject`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(r.json.error.code, r.text);
  }
  assert.equal((await coord.get(`/api/v1/groups/${rejected}`)).status, 200, 'still there after refusals');
  assert.deepEqual(outbox(srv, phone), []);
  // Rejected: gone from the queue and for everyone; the submitter told why, in their language.
  let r = await coord.post(`/api/v1/groups/${rejected}/reject`, { reason: 'No contact details we could check.' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { id: rejected, result: 'rejected' });
  assert.equal((await coord.get(`/api/v1/groups/${rejected}`)).status, 404);
  assert.ok(!(await coord.get('/api/v1/groups?status=pending')).json.groups.some((g) => g.id === rejected));
  assert.deepEqual(outbox(srv, phone), [{ name: 'Spam or not', reason: 'No contact details we could check.' }]);
  assert.deepEqual(sql(srv, `SELECT channel, language, template FROM outbox WHERE recipient = '${phone}'`),
    [['sms', 'en', 'group_rejected']]);
  const audit = sql(srv, `SELECT action, detail FROM audit_log WHERE subject_id = '${rejected}' ORDER BY id`);
  assert.deepEqual(audit.at(-1), ['group_rejected', 'Spam or not — No contact details we could check.']);
  // A second rejection finds nothing; an approved group cannot be rejected.
  assert.equal((await coord.post(`/api/v1/groups/${rejected}/reject`, { reason: 'again' })).status, 404);
  const approved = await submit('Approved group');
  assert.equal((await coord.post(`/api/v1/groups/${approved}/approve`)).status, 200);
  r = await coord.post(`/api/v1/groups/${approved}/reject`, { reason: 'late' });
  assert.equal(r.status, 409, r.text);
  assert.equal((await anon.get(`/api/v1/groups/${approved}`)).status, 200);
  // Delete: coordinators a pending group (no message), only admins an approved one.
  const spam = await submit('Buy cheap pills');
  assert.equal((await anon.request('DELETE', `/api/v1/groups/${spam}`)).status, 401);
  assert.equal((await submitter.request('DELETE', `/api/v1/groups/${spam}`)).status, 403);
  r = await coord.request('DELETE', `/api/v1/groups/${spam}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { id: spam, result: 'deleted' });
  assert.equal((await admin.get(`/api/v1/groups/${spam}`)).status, 404);
  assert.equal(outbox(srv, phone).length, 1, 'a deleted spam group sends nothing');
  assert.deepEqual(sql(srv, `SELECT action, detail FROM audit_log WHERE subject_id = '${spam}' AND action = 'group_deleted'`),
    [['group_deleted', 'Buy cheap pills']]);
  assert.equal((await coord.request('DELETE', `/api/v1/groups/${approved}`)).status, 403);
  assert.equal((await anon.get(`/api/v1/groups/${approved}`)).status, 200, 'a refused delete changes nothing');
  r = await admin.request('DELETE', `/api/v1/groups/${approved}`);
  assert.equal(r.status, 200, r.text);
  assert.equal((await anon.get(`/api/v1/groups/${approved}`)).status, 404);
  const near = await anon.get('/api/v1/groups?near=35.7,51.4&limit=50');
  assert.ok(!near.json.groups.some((g) => g.id === approved), 'gone from the nearest-groups answer');
  assert.equal((await admin.request('DELETE', '/api/v1/groups/not-an-id')).status, 404);
});

test("edits: owners, the group's coordinators and admins only; no mass assignment", async () => {
  const id = ids.hackney;
  let r = await other.patch(`/api/v1/groups/${id}`, { name: 'Taken over' });
  assert.equal(r.status, 403);
  r = await new Client(srv).patch(`/api/v1/groups/${id}`, { name: 'Taken over' });
  assert.equal(r.status, 401);
  // The group is approved: the owner's edit waits for a coordinator (the public version stays).
  r = await owner.patch(`/api/v1/groups/${id}`, { name: 'Hackney Mutual Aid Network', radius_km: null });
  assert.equal(r.status, 202, r.text);
  assert.notEqual(r.json.name, 'Hackney Mutual Aid Network');
  assert.deepEqual(r.json.pending_change.fields, ['name', 'radius_km']);
  r = await admin.post(`/api/v1/groups/${id}/changes/approve`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Hackney Mutual Aid Network');
  assert.equal(r.json.radius_km, null);
  assert.equal(r.json.status, 'approved');
  // A coordinator edits only the groups they coordinate.
  r = await coord.patch(`/api/v1/groups/${id}`, { description: 'Edited by a coordinator' });
  assert.equal(r.status, 403, 'a coordinator of no group is refused');
  const coordId = (await coord.get('/api/v1/me')).json.id;
  r = await admin.post(`/api/v1/groups/${id}/coordinators`, { user_id: coordId });
  assert.ok(r.status === 200 || r.status === 201, r.text);
  r = await coord.patch(`/api/v1/groups/${id}`, { description: 'Edited by a coordinator' });
  assert.equal(r.status, 200, r.text);
  for (const body of [{ status: 'approved' }, { verified: true }, { owners: [ids.other] },
    { demo: true }, { id: '0'.repeat(32) }, { created_by: ids.other }]) {
    r = await owner.patch(`/api/v1/groups/${id}`, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.code, 'unknown_field');
    r = await owner.post('/api/v1/groups', { name: 'x', lat: 1, lon: 1, ...body });
    assert.equal(r.status, 400, JSON.stringify(body));
  }
  const g = (await admin.get(`/api/v1/groups/${id}`)).json;
  assert.equal(g.verified, true);
  assert.equal(g.demo, false);
});

test('input checks: coordinates, areas, contacts', async () => {
  const bad = [
    [{ name: 'x', lat: 91, lon: 0 }, 'lat'],
    [{ name: 'x', lat: 0, lon: -181 }, 'lon'],
    [{ name: '', lat: 0, lon: 0 }, 'name'],
    [{ name: 'x', lat: 0, lon: 0, radius_km: 10000 }, 'radius_km'],
    [{ name: 'x', lat: 0, lon: 0, area: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] } }, 'area'],
    [{ name: 'x', lat: 0, lon: 0, area: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0.5]]] } }, 'area'],
    [{ name: 'x', lat: 0, lon: 0, area: { type: 'Point', coordinates: [0, 0] } }, 'area'],
    [{ name: 'x', lat: 0, lon: 0, area: { type: 'Polygon', coordinates: [[[179, 0], [-179, 0], [-179, 1], [179, 0]]] } }, 'area'],
    [{ name: 'x', lat: 0, lon: 0, contact: { website: 'javascript:alert(1)' } }, 'contact.website'],
    [{ name: 'x', lat: 0, lon: 0, contact: { email: 'nope' } }, 'contact.email'],
    [{ name: 'x', lat: 0, lon: 0, contact: { fax: '1' } }, 'contact'],
    [{ name: 'x', lat: 0, lon: 0, languages: ['not a tag'] }, 'languages'],
  ];
  for (const [body, field] of bad) {
    const r = await owner.post('/api/v1/groups', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  const big = { type: 'Polygon', coordinates: [Array.from({ length: 10002 }, (_, i) => [i / 1e5, 0])] };
  assert.equal((await owner.post('/api/v1/groups', { name: 'x', lat: 0, lon: 0, area: big })).status, 400);
  // A polygon area covers the points inside it.
  const poly = { type: 'Polygon', coordinates: [[[51.30, 35.60], [51.35, 35.60], [51.35, 35.65], [51.30, 35.65], [51.30, 35.60]]] };
  const r = await owner.post('/api/v1/groups', { name: 'Polygon group', lat: 35.625, lon: 51.325, area: poly });
  assert.equal(r.status, 201, r.text);
  await coord.post(`/api/v1/groups/${r.json.id}/approve`);
  const n = await srv.request('GET', '/api/v1/groups?near=35.61,51.31&limit=3');
  assert.equal(n.json.groups[0].name, 'Polygon group');
  assert.equal(n.json.groups[0].covers, true);
  const out = await srv.request('GET', '/api/v1/groups?near=35.66,51.36&limit=20');
  assert.equal(out.json.groups.find((x) => x.name === 'Polygon group').covers, false);
});

test('coordinators of a group: admins add and remove them', async () => {
  const id = ids.hackney;
  let r = await coord.post(`/api/v1/groups/${id}/coordinators`, { user_id: ids.other });
  assert.equal(r.status, 403);
  r = await admin.post(`/api/v1/groups/${id}/coordinators`, { user_id: ids.other });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.coordinator, true);
  r = await admin.post(`/api/v1/groups/${id}/coordinators`, { user_id: '0'.repeat(32) });
  assert.equal(r.status, 400);
  r = await admin.request('DELETE', `/api/v1/groups/${id}/coordinators/${ids.other}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.coordinator, false);
});

test('import groups: a bad file imports nothing and reports every bad row', async () => {
  const before = (await srv.request('GET', '/api/v1/groups?limit=100')).json.total;
  const csv = ['name,lat,lon,email', 'Good one,1,1,', ',2,2,', 'Bad lat,95,2,', 'Bad mail,3,3,not-mail', 'Good two,4,4,'].join('\n');
  let r = await cli(['import', 'groups', '--db', srv.dbUrl, csvFile('bad.csv', csv)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /row 3: name: is empty/);
  assert.match(r.stderr, /row 4: lat: must be a number from -90 to 90/);
  assert.match(r.stderr, /row 5: email: /);
  assert.match(r.stderr, /3 bad rows of 5: nothing was imported/);
  r = await cli(['import', 'groups', '--db', srv.dbUrl, csvFile('hdr.csv', 'name,lat,colour\nx,1,red\n')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown column 'colour'/);
  assert.match(r.stderr, /column 'lon' is missing/);
  r = await cli(['import', 'groups', '--db', srv.dbUrl, csvFile('quote.csv', 'name,lat,lon\n"open,1,1\n')]);
  assert.equal(r.code, 1);
  assert.equal((await srv.request('GET', '/api/v1/groups?limit=100')).json.total, before);
  // GeoJSON: Point and Polygon features.
  const gj = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [-2.24, 53.48] }, properties: { name: 'Manchester Aid', tags: ['food'], contact: { phone: '+44 161 000 0000' } } },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[-1.90, 52.47], [-1.88, 52.47], [-1.88, 52.49], [-1.90, 52.47]]] }, properties: { name: 'Birmingham Aid' } },
    ],
  };
  r = await cli(['import', 'groups', '--db', srv.dbUrl, csvFile('g.geojson', JSON.stringify(gj))]);
  assert.equal(r.code, 0, r.stderr);
  const m = await srv.request('GET', '/api/v1/groups?near=53.48,-2.24&limit=1');
  assert.equal(m.json.groups[0].name, 'Manchester Aid');
  assert.equal(m.json.groups[0].status, 'approved');
  const b = await srv.request('GET', '/api/v1/groups?near=52.475,-1.885&limit=1');
  assert.equal(b.json.groups[0].name, 'Birmingham Aid');
  assert.ok(b.json.groups[0].area);
  const help = await cli(['import', 'groups', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /row N: field: problem/);
});

test('import groups: a 30,000-row file is imported whole, fast', async () => {
  const before = (await srv.request('GET', '/api/v1/groups?limit=1')).json.total;
  const rows = ['name,lat,lon,tags'];
  for (let i = 0; i < 30000; i++) rows.push(`Bulk group ${i},${(-60 + (i * 7919) % 13000 / 100).toFixed(4)},${(-180 + (i * 104729) % 36000 / 100).toFixed(4)},bulk`);
  const t0 = Date.now();
  const r = await cli(['import', 'groups', '--db', srv.dbUrl, csvFile('bulk.csv', rows.join('\n'))]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported 30000 groups/);
  const after = (await srv.request('GET', '/api/v1/groups?limit=1')).json.total;
  assert.equal(after, before + 30000);
  assert.equal((await srv.request('GET', '/api/v1/groups?q=bulk&limit=1')).json.total, 30000);
  console.log(`30,000 groups imported in ${Date.now() - t0} ms (${r.stdout.trim()})`);
  if (srv.dbUrl.startsWith('sqlite:')) {
    // The SQLite store lays imported groups out along a space-filling curve (row numbers in
    // curve order), so that neighbours share pages: walking the rows in storage order must
    // cover far less ground than walking them in file order.
    const out = execFileSync('sqlite3', ['-batch', '-readonly', srv.dbUrl.slice('sqlite:'.length),
      "SELECT lat || ',' || lon FROM aid_groups WHERE name LIKE 'Bulk group %' ORDER BY seq"], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const stored = out.trim().split('\n').map((l) => l.split(',').map(Number));
    const inFile = rows.slice(1).map((l) => l.split(',').slice(1, 3).map(Number));
    assert.equal(stored.length, 30000);
    const walk = (pts) => pts.reduce((s, p, i) => (i ? s + haversine(pts[i - 1][0], pts[i - 1][1], p[0], p[1]) : 0), 0);
    const ratio = walk(inFile) / walk(stored);
    console.log(`storage order walks ${ratio.toFixed(1)}x less ground than file order`);
    assert.ok(ratio > 20, `storage order is not spatial (ratio ${ratio})`);
  }
});

test('exports: GeoJSON and CSV of approved groups, public fields, formula-guarded', async () => {
  let r = await srv.http('/api/v1/groups.csv');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/csv/);
  const text = r.body.toString('utf8');
  const lines = text.trim().split('\r\n');
  assert.equal(lines[0], 'id,name,description,lat,lon,phone,email,website,messaging,tags,languages,radius_km,verified,demo');
  assert.ok(text.includes('"Shopping, prescriptions and ""friendly"" calls"'));
  assert.ok(text.includes(`"'=HYPERLINK(""http://x"") group"`), 'formula guarded');
  assert.ok(!text.includes('owner@example.org'));
  r = await srv.request('GET', '/api/v1/groups.geojson');
  assert.equal(r.status, 200);
  assert.equal(r.json.type, 'FeatureCollection');
  const total = (await srv.request('GET', '/api/v1/groups?limit=1')).json.total;
  assert.equal(r.json.features.length, total);
  const f = r.json.features.find((x) => x.properties.name === 'Camden Mutual Aid');
  assert.deepEqual(f.geometry, { type: 'Point', coordinates: [-0.1426, 51.539] });
  assert.equal(f.properties.created_by, undefined);
  // Paging with limit/after.
  r = await srv.http('/api/v1/groups.geojson?limit=2');
  assert.ok(r.headers['x-next-after']);
  assert.equal(JSON.parse(r.body).features.length, 2);
});

test('GeoJSON: a service area is a real geometry, wound as RFC 7946 asks, and the export passes a GeoJSON validator', async () => {
  // A clockwise outer ring with a counter-clockwise hole: both the wrong way for RFC 7946.
  const cw = { type: 'Polygon', coordinates: [
    [[51.40, 35.70], [51.40, 35.75], [51.45, 35.75], [51.45, 35.70], [51.40, 35.70]],
    [[51.41, 35.71], [51.44, 35.71], [51.44, 35.74], [51.41, 35.74], [51.41, 35.71]]] };
  const made = {};
  for (const [name, extra] of [['Clockwise area group', { lat: 35.725, lon: 51.425, area: cw }],
    ['Radius area group', { lat: -33.45, lon: -70.6667, radius_km: 3 }],
    ['Point only group', { lat: 10, lon: 20 }]]) {
    const r = await owner.post('/api/v1/groups', { name, ...extra });
    assert.equal(r.status, 201, r.text);
    assert.equal((await coord.post(`/api/v1/groups/${r.json.id}/approve`)).status, 200);
    made[name] = r.json.id;
  }
  const r = await srv.request('GET', '/api/v1/groups.geojson');
  assert.equal(r.status, 200);
  const problems = geojsonhint.hint(r.text);
  assert.deepEqual(problems, [], JSON.stringify(problems.slice(0, 5)));
  const byId = Object.fromEntries(r.json.features.map((f) => [f.id, f]));
  const area2 = (ring) => ring.slice(0, -1).reduce((s, [x0, y0], i) => { const [x1, y1] = ring[i + 1]; return s + x0 * y1 - x1 * y0; }, 0);
  // The polygon: the point and the area, the outer ring counter-clockwise, the hole clockwise.
  const poly = byId[made['Clockwise area group']];
  assert.equal(poly.geometry.type, 'GeometryCollection');
  assert.deepEqual(poly.geometry.geometries[0], { type: 'Point', coordinates: [51.425, 35.725] });
  const [outer, hole] = poly.geometry.geometries[1].coordinates;
  assert.ok(area2(outer) > 0, 'outer ring counter-clockwise');
  assert.ok(area2(hole) < 0, 'hole clockwise');
  assert.deepEqual([...outer].sort(), [...cw.coordinates[0]].sort(), 'the same positions');
  assert.deepEqual(poly.properties.area, poly.geometry.geometries[1]);
  // The radius: a closed counter-clockwise ring about 3 km from the point all round.
  const circle = byId[made['Radius area group']];
  assert.equal(circle.geometry.type, 'GeometryCollection');
  const ring = circle.geometry.geometries[1].coordinates[0];
  assert.equal(ring.length, 65);
  assert.deepEqual(ring[0], ring[64]);
  assert.ok(area2(ring) > 0);
  const km = ([lon, lat]) => 6371.0088 * 2 * Math.asin(Math.sqrt(Math.sin((lat + 33.45) * Math.PI / 360) ** 2 +
    Math.cos(lat * Math.PI / 180) * Math.cos(-33.45 * Math.PI / 180) * Math.sin((lon + 70.6667) * Math.PI / 360) ** 2));
  for (const p of ring) assert.ok(Math.abs(km(p) - 3) < 0.001, `${p} is ${km(p)} km away`);
  assert.equal(circle.properties.radius_km, 3);
  // No area: the point alone.
  assert.equal(byId[made['Point only group']].geometry.type, 'Point');
});

test('serve --demo loads the gazetteer into an empty one, once, and never replaces an operator\'s', async () => {
  const places = join(FIX, 'places-small.tsv');
  const tehran = async (s) => (await s.request('GET', `/api/v1/geocode?q=${encodeURIComponent('تهران')}`)).json.places[0]?.name;
  const st = await makeStore();
  const a = await startServer({ db: st.url, args: ['--demo', '--demo-places', places] });
  try {
    assert.equal(await tehran(a), 'Tehran', 'place search works in the demo');
    assert.ok(a.lines.some((l) => /demo: loading the gazetteer/.test(l)), a.stderr());
  } finally {
    await a.stop();
  }
  // The same store again: the places are there, nothing is loaded a second time.
  const b = await startServer({ db: st.url, args: ['--demo', '--demo-places', places] });
  try {
    assert.equal(await tehran(b), 'Tehran');
    assert.ok(b.lines.some((l) => /demo: the gazetteer has \d+ places already/.test(l)), b.stderr());
    assert.ok(!b.lines.some((l) => /demo: loading the gazetteer/.test(l)));
  } finally {
    await b.stop();
    await st.cleanup();
  }
  // none, or a file that is not there: the demo starts without places (and says why).
  const c = await startServer({ args: ['--demo', '--demo-places', join(FIX, 'no-such-file.tsv'), '--demo-place-list', 'none'] });
  try {
    assert.equal(await tehran(c), undefined);
    assert.ok(c.lines.some((l) => /demo: no gazetteer: .*no-such-file\.tsv cannot be read/.test(l)), c.stderr());
  } finally {
    await c.stop();
  }
});

test('the embeddable widget may be framed by other sites; the other pages may not', async () => {
  const e = await srv.http('/embed/groups?near=35.7,51.4');
  assert.equal(e.status, 200);
  assert.match(e.headers['content-security-policy'], /frame-ancestors \*/);
  assert.equal(e.headers['x-frame-options'], undefined);
  // Revalidated, it says the same (a cache merges a 304's headers into the page it keeps).
  const again = await srv.http('/embed/groups?near=35.7,51.4', { headers: { 'if-none-match': e.headers.etag } });
  assert.equal(again.status, 304);
  assert.match(again.headers['content-security-policy'], /frame-ancestors \*/);
  assert.equal(again.headers['x-frame-options'], undefined);
  const g = await srv.http('/groups');
  assert.match(g.headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(g.headers['x-frame-options'], 'DENY');
});

test('a bearer token can submit (scripts)', async () => {
  const c = new Client(srv, { bearer: adminToken });
  const r = await c.post('/api/v1/groups', { name: 'Scripted group', lat: 10, lon: 10 });
  assert.equal(r.status, 201, r.text);
});
