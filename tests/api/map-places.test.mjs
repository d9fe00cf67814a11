// The offline map's place labels: GET /api/v1/map/places returns the gazetteer's places of a
// map view, the big cities at a country zoom and every town and neighbourhood at a city zoom,
// named in the page's language, with an ETag so that a view seen before costs a 304. Runs on the
// store HY_TEST_STORE names (the test command runs it on both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, assertError, STORE } from './lib/server.mjs';

let srv, tmp;

// GeoNames rows (19 tab-separated columns). Shiraz's alternative names hold the Arabic spelling
// «شيراز» before the Persian «شیراز»; the label must be the Persian one.
const GEONAMES = [
  ['112931', 'Tehran', 'Tehran', 'Teheran,Tehran,تهران,طهران', '35.69439', '51.42151', 'P', 'PPLC', 'IR', '', '26', '', '', '', '7153309', '', '1178', 'Asia/Tehran', '2022-01-01'],
  ['115019', 'Shiraz', 'Shiraz', 'Chiraz,شيراز,شیراز', '29.61031', '52.53113', 'P', 'PPLA', 'IR', '', '07', '', '', '', '1249942', '', '', 'Asia/Tehran', '2022-01-01'],
  ['32767', 'Qarchak', 'Qarchak', 'Qarchak,قرچک', '35.42867', '51.57544', 'P', 'PPL', 'IR', '', '26', '', '', '', '251834', '', '', 'Asia/Tehran', '2022-01-01'],
  ['130000', 'Kan', 'Kan', 'Kan,کن', '35.75', '51.27', 'P', 'PPL', 'IR', '', '26', '', '', '', '5000', '', '', 'Asia/Tehran', '2022-01-01'],
  ['6173331', 'Vancouver', 'Vancouver', 'Vancouver,ونکوور', '49.24966', '-123.11934', 'P', 'PPL', 'CA', '', '02', '', '', '', '600000', '', '', 'America/Vancouver', '2019-09-05'],
].map((r) => r.join('\t')).join('\n') + '\n';

// An operator's own list: Tehran neighbourhoods GeoNames lacks.
const LIST = 'name,alt_names,lat,lon,kind\nنارمک,Narmak,35.7456,51.5011,neighbourhood\nونک,Vanak,35.7575,51.4100,neighbourhood\n';

const IRAN = 'bbox=44,25,63.5,40';
const TEHRAN = 'bbox=51.2,35.4,51.65,35.85';

const places = async (query) => {
  const r = await srv.request('GET', `/api/v1/map/places?${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.places;
};

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hy-map-places-'));
  srv = await startServer();
  for (const [name, text] of [['geonames.tsv', GEONAMES], ['list.csv', LIST]]) {
    const p = join(tmp, name);
    writeFileSync(p, text);
    const r = await runCli(['import', 'places', '--db', srv.dbUrl, p]);
    assert.equal(r.code, 0, r.stderr);
  }
});

after(async () => {
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test(`a country view names the big cities only, most populous first [${STORE}]`, async () => {
  const got = await places(`${IRAN}&zoom=6&lang=en`);
  assert.deepEqual(got.map((p) => p.name), ['Tehran', 'Shiraz', 'Qarchak']);
  const [tehran] = got;
  assert.deepEqual(tehran, { id: 112931, name: 'Tehran', kind: 'city', lat: 35.69439, lon: 51.42151, population: 7153309 });
  // Zoomed out further, the smaller cities go first.
  assert.deepEqual((await places(`${IRAN}&zoom=5&lang=en`)).map((p) => p.name), ['Tehran', 'Shiraz']);
  assert.deepEqual((await places(`${IRAN}&zoom=3&lang=en`)).map((p) => p.name), ['Tehran']);
});

test(`names are in the page's language: Persian spelling, not the Arabic one [${STORE}]`, async () => {
  assert.deepEqual((await places(`${IRAN}&zoom=6&lang=fa`)).map((p) => p.name), ['تهران', 'شیراز', 'قرچک']);
  // Without lang the server's default language (Persian).
  assert.deepEqual((await places(`${IRAN}&zoom=6`)).map((p) => p.name), ['تهران', 'شیراز', 'قرچک']);
  // A place without a Persian name keeps its own.
  const world = await places('bbox=-180,-90,180,90&zoom=5&lang=fa');
  assert.ok(world.some((p) => p.name === 'ونکوور'), JSON.stringify(world));
});

test(`a city view names towns and neighbourhoods inside the view only [${STORE}]`, async () => {
  const got = await places(`${TEHRAN}&zoom=12&lang=fa`);
  const names = got.map((p) => p.name);
  assert.deepEqual(names.slice(0, 3), ['تهران', 'قرچک', 'کن']);
  assert.deepEqual(new Set(names.slice(3)), new Set(['نارمک', 'ونک']));
  assert.ok(got.filter((p) => p.kind === 'neighbourhood').length === 2);
  assert.ok(!names.includes('شیراز'), 'Shiraz is outside the view');
  // In English, the operator's neighbourhoods go by their Latin alternative name.
  const en = (await places(`${TEHRAN}&zoom=12&lang=en`)).map((p) => p.name);
  assert.deepEqual(new Set(en.slice(3)), new Set(['Narmak', 'Vanak']));
  // Before the neighbourhood zoom, no neighbourhoods (nor the small town).
  const z9 = (await places(`${TEHRAN}&zoom=9&lang=fa`)).map((p) => p.name);
  assert.deepEqual(z9, ['تهران', 'قرچک']);
  // Persian digits and the Persian decimal separator are numbers too.
  const fa = await places('bbox=۵۱٫۲,۳۵٫۴,۵۱٫۶۵,۳۵٫۸۵&zoom=۱۲&lang=fa');
  assert.deepEqual(fa.map((p) => p.name), names);
});

test(`answers carry an ETag and revalidate with 304 [${STORE}]`, async () => {
  const q = `/api/v1/map/places?${TEHRAN}&zoom=12&lang=en`;
  const a = await srv.request('GET', q);
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[^"]+"$/);
  assert.match(a.headers.get('cache-control'), /public/);
  const b = await srv.request('GET', q, { headers: { 'If-None-Match': etag } });
  assert.equal(b.status, 304);
  // Another language is another answer.
  const c = await srv.request('GET', q.replace('lang=en', 'lang=fa'), { headers: { 'If-None-Match': etag } });
  assert.equal(c.status, 200);
  assert.notEqual(c.headers.get('etag'), etag);
  // Another process, or the same one later, gives the same bytes and so the same tag.
  const d = await srv.request('GET', q);
  assert.equal(d.headers.get('etag'), etag);
});

test(`bad views are refused with the parameter named [${STORE}]`, async () => {
  const bad = [
    ['', 'bbox'], ['bbox=1,2,3&zoom=5', 'bbox'], ['bbox=1,2,3,4,5&zoom=5', 'bbox'],
    ['bbox=10,0,5,1&zoom=5', 'bbox'], ['bbox=0,10,1,5&zoom=5', 'bbox'], ['bbox=-181,0,1,1&zoom=5', 'bbox'],
    ['bbox=0,0,181,1&zoom=5', 'bbox'], ['bbox=0,-91,1,1&zoom=5', 'bbox'], ['bbox=0,0,1,91&zoom=5', 'bbox'],
    ['bbox=a,b,c,d&zoom=5', 'bbox'], ['bbox=nan,0,1,1&zoom=5', 'bbox'], ['bbox=0,0,inf,1&zoom=5', 'bbox'],
    [`${IRAN}`, 'zoom'], [`${IRAN}&zoom=`, 'zoom'], [`${IRAN}&zoom=19`, 'zoom'], [`${IRAN}&zoom=-1`, 'zoom'],
    [`${IRAN}&zoom=1.5`, 'zoom'], [`${IRAN}&zoom=5x`, 'zoom'], [`${IRAN}&zoom=5&lang=de`, 'lang'],
    [`${IRAN}&zoom=5&lang=`, 'lang'],
  ];
  for (const [q, field] of bad) {
    const r = await srv.request('GET', `/api/v1/map/places?${q}`);
    assertError(r, 400, 'invalid_query', q);
    assert.equal(r.json.error.field, field, q);
  }
});
