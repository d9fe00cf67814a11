// groups-import.test.mjs — coordinators import groups from a file (POST /api/v1/groups/import):
// refused to the public and to volunteers and editors; a dry run checks and counts and stores
// nothing; a file with a bad row is 422 with the rows and fields at fault and stores nothing;
// a good CSV or GeoJSON file imports every group as pending (the review queue), audited; ids
// already in the store and ids given twice are refused; the size, row and rate limits hold.
// On the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
/** A 422 refusal of the file: its code, and the rows and fields at fault. */
function refused(r, what = '') {
  assert.equal(r.status, 422, `${what} ${r.text}`);
  assert.equal(r.json.error.code, 'invalid_group_file', what);
  assert.ok(r.json.error.error_count >= 1 && r.json.error.errors.length >= 1, what);
  return r.json.error;
}
const count = (srv) => Number(sql(srv, 'SELECT count(*) FROM aid_groups')[0][0]);

const CSV = 'name,lat,lon,description,phone,tags,languages,radius_km\r\n'
  + 'Vanak Neighbours,35.7575,51.4098,Shopping for elders,+98 912 555 0101,food;elders,fa;en,2\r\n'
  + '"Gisha, Block 4",35.7390,51.3890,"Medicine runs, evenings",,medicine,fa,\r\n';
const GEOJSON = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [51.42, 35.70] }, properties: { name: 'Point Group', tags: ['food'] } },
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[51.40, 35.70], [51.41, 35.70], [51.41, 35.71], [51.40, 35.71], [51.40, 35.70]]] }, properties: { name: 'Area Group' } },
  ],
});

describe(`group import for coordinators ${S}`, () => {
  let srv, tokens;
  const post = (who, body, { type = 'text/csv; charset=utf-8', query = '' } = {}) => srv.request('POST', `/api/v1/groups/import${query}`, {
    raw: body, headers: { 'content-type': type, ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}) },
  });
  before(async () => {
    srv = await startServer();
    tokens = {};
    for (const role of ['coordinator', 'editor', 'volunteer', 'admin']) {
      await addUser(srv, { email: `${role}@import.example`, role, ...(role === 'volunteer' ? { home: { lat: 35.7, lon: 51.4 } } : {}) });
      tokens[role] = await createToken(srv, `${role}@import.example`);
    }
    const co2 = await addUser(srv, { email: 'rate@import.example', role: 'coordinator' });
    assert.ok(co2);
    tokens.rate = await createToken(srv, 'rate@import.example');
  });
  after(() => srv?.stop());

  it(`is refused to the public, volunteers and editors, storing nothing ${S}`, async () => {
    const n = count(srv);
    assertError(await post('anon', CSV), 401, 'unauthorized');
    for (const who of ['volunteer', 'editor']) assertError(await post(who, CSV), 403, 'forbidden', who);
    assert.equal(count(srv), n);
  });

  it(`a dry run checks and counts, and stores nothing ${S}`, async () => {
    const n = count(srv);
    const r = await post('coordinator', CSV, { query: '?dry_run=true' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { dry_run: true, format: 'csv', rows: 2, imported: 0, status: 'pending' });
    const g = await post('coordinator', GEOJSON, { type: 'application/geo+json', query: '?dry_run=1' });
    assert.equal(g.status, 200, g.text);
    assert.equal(g.json.format, 'geojson');
    assert.equal(g.json.rows, 2);
    assert.equal(count(srv), n);
  });

  it(`a file with bad rows is 422 naming each row and field, and stores nothing ${S}`, async () => {
    const n = count(srv);
    const bad = 'name,lat,lon,email,languages\n'
      + 'Good One,35.7,51.4,,fa\n'
      + ',35.7,51.4,,fa\n'
      + 'Far Off,95,51.4,,fa\n'
      + 'Bad Mail,35.7,51.4,not-an-address,fa\n'
      + 'Bad Lang,35.7,51.4,,Persian language\n';
    for (const query of ['', '?dry_run=true']) {
      const r = await post('coordinator', bad, { query });
      refused(r, query);
      assert.equal(r.json.error.error_count, 4);
      const at = r.json.error.errors.map((e) => `${e.row}:${e.field}`);
      assert.deepEqual(at, ['3:name', '4:lat', '5:email', '6:languages'], JSON.stringify(r.json));
    }
    // The header: an unknown column and a missing one.
    const h = await post('coordinator', 'name,latitude,colour\nX,35,red\n');
    refused(h);
    assert.deepEqual(h.json.error.errors.map((e) => `${e.row}:${e.field}`).sort(), ['1:colour', '1:lon']);
    // Not JSON, not a FeatureCollection, a geometry a group cannot have.
    for (const body of ['{"type":', '{"type":"Feature"}', JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[51, 35], [52, 36]] }, properties: { name: 'L' } }] })]) {
      refused(await post('coordinator', body, { type: 'application/geo+json' }), body);
    }
    // Bytes that are not UTF-8 in a cell.
    refused(await post('coordinator', Buffer.concat([Buffer.from('name,lat,lon\n'), Buffer.from([0xff, 0xfe]), Buffer.from(',35.7,51.4\n')])));
    assert.equal(count(srv), n);
  });

  it(`bad requests: media type, empty body, dry_run value ${S}`, async () => {
    assertError(await post('coordinator', CSV, { type: 'text/plain' }), 415, 'unsupported_media_type');
    assertError(await post('coordinator', ''), 400, 'bad_request');
    assertError(await post('coordinator', CSV, { query: '?dry_run=maybe' }), 400, 'invalid_query');
    refused(await post('coordinator', 'name,lat,lon\n'));
  });

  it(`imports a CSV and a GeoJSON file as pending groups, audited, not public until approved ${S}`, async () => {
    const n = count(srv);
    const r = await post('coordinator', CSV);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, { dry_run: false, format: 'csv', rows: 2, imported: 2, status: 'pending' });
    const g = await post('admin', GEOJSON, { type: 'application/geo+json' });
    assert.equal(g.status, 201, g.text);
    assert.equal(g.json.imported, 2);
    assert.equal(count(srv), n + 4);
    const rows = sql(srv, "SELECT name, status, area_kind FROM aid_groups WHERE name IN ('Vanak Neighbours', 'Gisha, Block 4', 'Point Group', 'Area Group') ORDER BY name");
    assert.deepEqual(rows, [['Area Group', 'pending', 'polygon'], ['Gisha, Block 4', 'pending', 'none'], ['Point Group', 'pending', 'none'], ['Vanak Neighbours', 'pending', 'radius']]);
    const pub = await srv.request('GET', '/api/v1/groups?q=Vanak');
    assert.equal(pub.status, 200);
    assert.equal(pub.json.groups.length, 0, 'pending groups are not public');
    const queue = await srv.request('GET', '/api/v1/groups?status=pending', { headers: { authorization: `Bearer ${tokens.coordinator}` } });
    assert.ok(queue.json.groups.some((x) => x.name === 'Vanak Neighbours'), 'in the review queue');
    const audit = sql(srv, "SELECT detail FROM audit_log WHERE action = 'groups_imported' ORDER BY id");
    assert.deepEqual(audit.map((x) => x[0]), ['2 groups (csv, pending)', '2 groups (geojson, pending)']);
  });

  it(`ids already stored or given twice are refused, nothing stored ${S}`, async () => {
    const id = sql(srv, "SELECT id FROM aid_groups WHERE name = 'Vanak Neighbours'")[0][0];
    const n = count(srv);
    const again = await post('coordinator', `id,name,lat,lon\n${id},Copy,35.7,51.4\n${'a'.repeat(32)},New,35.7,51.4\n`);
    refused(again);
    assert.deepEqual(again.json.error.errors.map((e) => `${e.row}:${e.field}`), ['2:id']);
    const twice = await post('coordinator', `id,name,lat,lon\n${'b'.repeat(32)},One,35.7,51.4\n${'b'.repeat(32)},Two,35.7,51.4\n`);
    refused(twice);
    assert.equal(count(srv), n);
  });

  it(`limits: more than 2,000 rows, more than 2 MiB, 60 calls an hour ${S}`, async () => {
    const n = count(srv);
    let big = 'name,lat,lon\n';
    for (let i = 0; i < 2001; i++) big += `G${i},35.7,51.4\n`;
    const r = await post('coordinator', big);
    refused(r);
    assert.match(r.json.error.errors.map((e) => e.message).join(' '), /more than 2000 rows/);
    const huge = `name,lat,lon,description\n${`X,35.7,51.4,${'d'.repeat(4000)}\n`.repeat(600)}`;
    assert.ok(huge.length > 2 * 1024 * 1024);
    assertError(await post('coordinator', huge), 413, 'payload_too_large');
    assert.equal(count(srv), n);
    let last;
    for (let i = 0; i < 61; i++) {
      last = await post('rate', CSV, { query: '?dry_run=true' });
      if (i < 60) assert.equal(last.status, 200, `call ${i + 1}: ${last.text}`);
    }
    assertError(last, 429, 'rate_limited');
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  });
});
