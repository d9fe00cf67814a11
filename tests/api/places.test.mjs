// Place search that resolves right: exact names before prefixes, the server's region and the
// caller's map view before far-away places, a short or partial name never turned into a
// far-away city, and an operator's own place list (neighbourhoods GeoNames lacks). Runs on
// the store HY_TEST_STORE names (the test command runs it on both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, assertError } from './lib/server.mjs';
import { sql } from './lib/accounts.mjs';

let srv, tmp;

// GeoNames rows (tab-separated, 19 columns) with the alternative names that matter here:
// Vancouver's Persian name «ونکوور» starts with «ونک» (Vanak, a Tehran neighbourhood).
const GEONAMES = [
  ['112931', 'Tehran', 'Tehran', 'Teheran,Tehran,تهران,طهران', '35.69439', '51.42151', 'P', 'PPLC', 'IR', '', '26', '', '', '', '7153309', '', '1178', 'Asia/Tehran', '2022-01-01'],
  ['6173331', 'Vancouver', 'Vancouver', 'Vancouver,Vankuver,ونکوور,فانكوفر', '49.24966', '-123.11934', 'P', 'PPL', 'CA', '', '02', '5915', '', '', '600000', '', '70', 'America/Vancouver', '2019-09-05'],
  ['6090785', 'North Vancouver', 'North Vancouver', 'North Vancouver,نورث ونکوور', '49.31636', '-123.06934', 'P', 'PPL', 'CA', '', '02', '5915', '', '', '48000', '', '', 'America/Vancouver', '2019-09-05'],
  ['124274', 'Mahrīz', 'Mahriz', 'Mahriz,مهریز', '31.58428', '54.4428', 'P', 'PPLX', 'IR', '', '40', '', '', '', '36720', '', '', 'Asia/Tehran', '2022-01-01'],
].map((r) => r.join('\t')).join('\n') + '\n';

function file(name, text) {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const find = async (q, extra = '') => {
  const r = await srv.request('GET', `/api/v1/geocode?q=${encodeURIComponent(q)}${extra}`);
  assert.equal(r.status, 200, r.text);
  return r.json.places;
};

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hy-places-'));
  srv = await startServer(); // calling code 98: the region is Iran
  const r = await runCli(['import', 'places', '--db', srv.dbUrl, file('geonames.tsv', GEONAMES)]);
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await srv?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('«ونک» never resolves to Vancouver on a server in Iran; whole names still do', async () => {
  for (const q of ['ونک', 'ونکو', 'vanc', 'Vancou', 'van']) {
    const got = await find(q);
    assert.ok(!got.some((p) => p.country === 'CA'), `${q}: ${JSON.stringify(got)}`);
  }
  // A whole name is what the person meant, wherever it is.
  for (const q of ['ونکوور', 'Vancouver']) {
    const [p] = await find(q);
    assert.equal(p?.name, 'Vancouver', q);
    assert.equal(p.exact, true);
    assert.equal(p.local, false);
    assert.equal(p.feature, 'city');
  }
  // Short prefixes find what is in the region.
  assert.equal((await find('تهر'))[0]?.name, 'Tehran');
  assert.equal((await find('تهر'))[0]?.local, true);
  // The help form: «ونک» is not placed in Vancouver.
  const before = Number(sql(srv, 'SELECT count(*) FROM help_requests')[0][0]);
  const r = await srv.request('POST', '/api/v1/requests', {
    body: { name: 'Maryam Test', phone: '0912 555 0101', address: 'Vanak Sq 1', place: 'ونک', kind: 'groceries',
      details: 'bread', urgency: 'normal', for_whom: 'self', language: 'fa', consent: true },
  });
  if (r.status === 201) {
    const rows = sql(srv, 'SELECT lat, lon FROM help_requests WHERE id = \'' + r.json.id + '\'');
    assert.ok(!rows.length || rows[0][0] === null || Number(rows[0][0]) < 45, JSON.stringify(rows));
  } else {
    assertError(r, 400, 'invalid_field');
    assert.equal(r.json.error.field, 'place');
    assert.equal(Number(sql(srv, 'SELECT count(*) FROM help_requests')[0][0]), before);
  }
});

test('the map view is a hint: near Vancouver a partial name finds Vancouver, near Tehran not', async () => {
  let got = await find('ونک', '&near=49.28,-123.12');
  assert.equal(got[0]?.name, 'Vancouver');
  assert.equal(got[0].local, true);
  got = await find('ونک', '&near=35.7,51.4');
  assert.ok(!got.some((p) => p.country === 'CA'), JSON.stringify(got));
  // Nearer first among equals: near North Vancouver it comes before the bigger city.
  got = await find('Vancouver', '&near=49.33,-123.07');
  assert.equal(got[0].name, 'Vancouver', 'the exact name first');
  got = await find('نورث ونک', '&near=49.33,-123.07');
  assert.equal(got[0]?.name, 'North Vancouver');
  for (const near of ['91,0', '1', 'a,b', '35.7,181']) {
    const r = await srv.request('GET', `/api/v1/geocode?q=x&near=${encodeURIComponent(near)}`);
    assertError(r, 400, 'invalid_query');
    assert.equal(r.json.error.field, 'near');
  }
});

test('an operator\'s place list: «ونک» and «نارمک» resolve, and survive a GeoNames re-import', async () => {
  const list = file('places.csv', [
    'name,alt_names,lat,lon,kind',
    'ونک,Vanak|ونك,35.7575,51.4100,neighbourhood',
    '"نارمک","Narmak;نارمك",35.7450,51.5030,neighbourhood',
    'میدان آزادی,Azadi Square,35.6997,51.3380,landmark',
  ].join('\n') + '\n');
  let r = await runCli(['import', 'places', '--db', srv.dbUrl, list]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /imported 3 places/);
  const vanak = async () => {
    const [p] = await find('ونک');
    assert.equal(p?.name, 'ونک');
    assert.equal(p.exact, true);
    assert.equal(p.local, true);
    assert.equal(p.feature, 'neighbourhood');
    assert.ok(Math.abs(p.lat - 35.7575) < 1e-6 && Math.abs(p.lon - 51.41) < 1e-6);
  };
  await vanak();
  assert.equal((await find('Vanak'))[0]?.name, 'ونک');
  assert.equal((await find('ونك'))[0]?.name, 'ونک', 'Arabic kaf');
  assert.equal((await find('نارمك'))[0]?.name, 'نارمک', 'Arabic kaf in the query');
  assert.equal((await find('narmak'))[0]?.name, 'نارمک');
  assert.equal((await find('Tehran'))[0]?.name, 'Tehran', 'GeoNames is still there');
  // The help form now places «ونک» in Vanak.
  const ok = await srv.request('POST', '/api/v1/requests', {
    body: { name: 'Maryam Test', phone: '0912 555 0102', address: 'Vanak Sq 1', place: 'ونک', kind: 'groceries',
      details: 'bread', urgency: 'normal', for_whom: 'self', language: 'fa', consent: true },
  });
  assert.equal(ok.status, 201, ok.text);
  const [[lat, lon]] = sql(srv, `SELECT lat, lon FROM help_requests WHERE id = '${ok.json.id}'`);
  assert.ok(Math.abs(Number(lat) - 35.7575) < 0.01 && Math.abs(Number(lon) - 51.41) < 0.01, `${lat},${lon}`);
  // Either source may be imported again without touching the other.
  r = await runCli(['import', 'places', '--db', srv.dbUrl, join(tmp, 'geonames.tsv')]);
  assert.equal(r.code, 0, r.stderr);
  await vanak();
  r = await runCli(['import', 'places', '--db', srv.dbUrl, file('one.csv', 'name,lat,lon\nنارمک,35.745,51.503\n')]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!(await find('ونک')).some((p) => p.name === 'ونک'), 'the list was replaced');
  assert.equal((await find('نارمک'))[0]?.feature, 'place');
  assert.equal((await find('Tehran'))[0]?.name, 'Tehran');
  // Bad rows: named, and nothing changes.
  r = await runCli(['import', 'places', '--db', srv.dbUrl, file('bad.csv', [
    'name,alt_names,lat,lon,kind', 'ونک,,95,51.41,neighbourhood', ',,35,51,', 'x,,35,51,palace'].join('\n'))]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /row 2: lat/);
  assert.match(r.stderr, /row 3: name/);
  assert.match(r.stderr, /row 4: kind/);
  assert.equal((await find('نارمک'))[0]?.name, 'نارمک');
  assert.ok(!(await find('ونک')).some((p) => p.name === 'ونک'));
});

test('--region-country: checked, and the region follows it', async () => {
  let r = await runCli(['serve', '--region-country', 'Iran', '--db', 'sqlite::memory:']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--region-country must be a two-letter country code/);
  r = await runCli(['serve', '--help']);
  assert.match(r.stdout + r.stderr, /--region-country/);
  const ca = await startServer({ db: srv.dbUrl, args: ['--region-country', 'CA'] });
  try {
    const got = (await ca.request('GET', `/api/v1/geocode?q=${encodeURIComponent('ونک')}`)).json.places;
    // In Canada «ونک» is the start of Vancouver's Persian name (the operator's Vanak is gone).
    assert.equal(got[0]?.name, 'Vancouver', JSON.stringify(got));
    assert.equal(got[0].local, true);
  } finally {
    await ca.stop();
  }
});
