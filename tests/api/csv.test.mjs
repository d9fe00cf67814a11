// csv.test.mjs — CSV exports and imports agree: what a server exports (groups.csv, `hamyari
// export library --format csv`) imports into a second server as the same data, byte for byte on
// the way out again, with the spreadsheet formula guard on text cells only (every guard
// character, phone numbers and tags included), numbers left as numbers (negative longitudes),
// and the optional UTF-8 byte-order mark (?bom=1, --bom); groups.geojson imports back with its
// service areas. Runs on the store HY_TEST_STORE
// names (the test command runs it on both).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, assertError, STORE } from './lib/server.mjs';
import { Client, addUser, createToken } from './lib/accounts.mjs';

const BOM = '\uFEFF';
const GUARDS = ['=', '+', '-', '@', '\t', '\r'];

/** A small RFC 4180 reader (CRLF or LF, quotes, "" inside quotes) for checking cells. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false, i = 0;
  if (text.startsWith(BOM)) i = 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { /* the \n ends it */ } else if (c === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** Rows of a CSV as objects keyed by the header. */
function records(text) {
  const [head, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k]])));
}

let a, b, tmp, tokenA;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hy-csv-'));
  [a, b] = await Promise.all([startServer(), startServer()]);
  await addUser(a, { email: 'admin@example.org', role: 'admin' });
  tokenA = await createToken(a, 'admin@example.org');
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe(`groups: export → import → the same groups [${STORE}]`, () => {
  const file = (name, text) => { const p = join(tmp, name); writeFileSync(p, text); return p; };
  let csvA;

  before(async () => {
    // Source data on server A, through the importer (the only way to a description that starts
    // with a tab or CR: the API trims text) and through the API.
    const src = [
      'name,lat,lon,description,phone,email,website,messaging,tags,languages,radius_km',
      "'=1+1 group,35.7,51.4,\"'\tTabbed description\",'+98 21 1234 5678,,,https://t.me/example,'-minus;'@at;'=eq;'+plus;plain,fa;en,2.5",
      "'+Plus group,51.5,-0.1426,\"'\rCR description\",'+44 20 7946 0000,a@example.org,https://example.org/x,,shop,en,",
      "'-Minus group,-33.45,-70.6667,'- a list item,,,,,'-,es,12",
      "'@At group,-17.0,-179.9,'@ mention,'-21 000,,,,,en,",
      'Plain group,0,0,"Has, comma and ""quotes""",,,,,,,0.05',
      "Apostrophes,10,-10.5,'Apostrophe kept',,,,,,,",
      "Double,1,-1,''=starts with an apostrophe,,,,,,,",
    ].join('\r\n');
    const r = await runCli(['import', 'groups', '--db', a.dbUrl, file('source.csv', src)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 7 groups/);
    const admin = new Client(a, { bearer: tokenA });
    const g = await admin.post('/api/v1/groups', {
      name: '-API group', description: '=HYPERLINK("http://x")', lat: 51.4975, lon: -0.1357,
      contact: { phone: '+98 912 000 1111' }, tags: ['@x', '-y', 'z'], languages: ['en'],
    });
    assert.equal(g.status, 201, g.text);
    assert.equal((await admin.post(`/api/v1/groups/${g.json.id}/approve`)).status, 200);
  });

  it('the importer removed exactly the guard: the API shows the text as it was meant', async () => {
    const r = await a.request('GET', '/api/v1/groups?limit=100');
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.json.groups.map((x) => [x.name, x]));
    assert.equal(by['=1+1 group'].description, '\tTabbed description');
    assert.equal(by['=1+1 group'].contact.phone, '+98 21 1234 5678');
    assert.deepEqual(by['=1+1 group'].tags, ['-minus', '@at', '=eq', '+plus', 'plain']);
    assert.equal(by['+Plus group'].description, '\rCR description');
    assert.equal(by['+Plus group'].lon, -0.1426);
    assert.equal(by['-Minus group'].lat, -33.45);
    assert.equal(by['@At group'].lon, -179.9);
    assert.equal(by.Apostrophes.description, "'Apostrophe kept'");
    assert.equal(by.Double.description, "'=starts with an apostrophe");
  });

  it('the export guards text cells only; numbers stay numbers', async () => {
    const r = await a.http('/api/v1/groups.csv');
    assert.equal(r.status, 200);
    csvA = r.body.toString('utf8');
    assert.ok(!csvA.startsWith(BOM), 'no byte-order mark unless asked');
    const rows = records(csvA);
    const by = Object.fromEntries(rows.map((x) => [x.name.replace(/^'/, ''), x]));
    // Every guard character, at the start of a text cell, gets the apostrophe.
    for (const [name, cell] of [['=1+1 group', 'name'], ['+Plus group', 'name'], ['-Minus group', 'name'],
      ['@At group', 'name'], ['=1+1 group', 'description'], ['+Plus group', 'description']]) {
      assert.equal(by[name][cell][0], "'", `${name} ${cell}: ${JSON.stringify(by[name][cell])}`);
      assert.ok(GUARDS.includes(by[name][cell][1]), `${name} ${cell}`);
    }
    assert.equal(by['=1+1 group'].description, "'\tTabbed description");
    assert.equal(by['+Plus group'].description, "'\rCR description");
    // Phone numbers and each tag of a list joined with ';'.
    assert.equal(by['=1+1 group'].phone, "'+98 21 1234 5678");
    assert.equal(by['-API group'].phone, "'+98 912 000 1111");
    assert.equal(by['=1+1 group'].tags, "'-minus;'@at;'=eq;'+plus;plain");
    assert.equal(by['-API group'].tags, "'@x;'-y;z");
    assert.equal(by['-API group'].description, `'=HYPERLINK("http://x")`);
    // An apostrophe already there: one more, so that the import gives it back.
    assert.equal(by.Double.description, "''=starts with an apostrophe");
    assert.equal(by.Apostrophes.description, "'Apostrophe kept'");
    // Numbers: plain, never guarded, exact.
    assert.equal(by['+Plus group'].lon, '-0.1426');
    assert.equal(by['-Minus group'].lat, '-33.45');
    assert.equal(by['-Minus group'].lon, '-70.6667');
    assert.equal(by['@At group'].lon, '-179.9');
    assert.equal(by['-Minus group'].radius_km, '12');
    assert.equal(by['Plain group'].radius_km, '0.05');
    for (const x of rows) for (const k of ['lat', 'lon', 'radius_km']) assert.ok(!x[k].startsWith("'"), `${x.name} ${k}`);
    assert.equal(by['Plain group'].description, 'Has, comma and "quotes"');
  });

  it('imported into a second server, the groups are the same and export the same bytes', async () => {
    // The byte-order-mark version goes in, to show the importer takes it.
    const bom = await a.http('/api/v1/groups.csv?bom=1');
    assert.equal(bom.status, 200);
    assert.deepEqual([...bom.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bom.body.subarray(3).toString('utf8'), csvA, 'the same CSV after the mark');
    const r = await runCli(['import', 'groups', '--db', b.dbUrl, file('export.csv', bom.body)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 8 groups/);
    const csvB = (await b.http('/api/v1/groups.csv')).body.toString('utf8');
    assert.equal(csvB, csvA);
    // And field by field through the JSON API (ids kept; times are the import's).
    const strip = (f) => { const p = { ...f.properties }; delete p.created_at; delete p.updated_at; return { ...f, properties: p }; };
    const ga = (await a.request('GET', '/api/v1/groups.geojson')).json.features.map(strip);
    const gb = (await b.request('GET', '/api/v1/groups.geojson')).json.features.map(strip);
    assert.equal(ga.length, 8);
    assert.deepEqual(gb, ga);
  });

  it('importing the same export again refuses the known ids and changes nothing', async () => {
    const r = await runCli(['import', 'groups', '--db', b.dbUrl, file('again.csv', csvA)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /row 2: id: a group with this id exists already/);
    assert.match(r.stderr, /nothing was imported/);
    assert.equal((await b.http('/api/v1/groups.csv')).body.toString('utf8'), csvA);
  });

  it('bom takes 0 or 1', async () => {
    const r = await a.http('/api/v1/groups.csv?bom=0');
    assert.equal(r.body.toString('utf8'), csvA);
    assertError(await a.request('GET', '/api/v1/groups.csv?bom=yes'), 400, 'invalid_query');
  });
});

describe(`groups: GeoJSON export → import → the same groups, areas included [${STORE}]`, () => {
  it('a polygon and a radius come back as they were', async () => {
    const admin = new Client(a, { bearer: tokenA });
    const cw = { type: 'Polygon', coordinates: [[[51.40, 35.70], [51.40, 35.75], [51.45, 35.75], [51.45, 35.70], [51.40, 35.70]]] };
    for (const body of [{ name: 'Area group', lat: 35.72, lon: 51.42, area: cw }, { name: 'Circle group', lat: -33.4, lon: -70.6, radius_km: 4.5 }]) {
      const g = await admin.post('/api/v1/groups', body);
      assert.equal(g.status, 201, g.text);
      assert.equal((await admin.post(`/api/v1/groups/${g.json.id}/approve`)).status, 200);
    }
    const exported = await a.http('/api/v1/groups.geojson');
    const c = await startServer();
    try {
      writeFileSync(join(tmp, 'export.geojson'), exported.body);
      const r = await runCli(['import', 'groups', '--db', c.dbUrl, join(tmp, 'export.geojson')]);
      assert.equal(r.code, 0, r.stderr);
      const strip = (f) => { const p = { ...f.properties }; delete p.created_at; delete p.updated_at; return { ...f, properties: p }; };
      const fa = JSON.parse(exported.body).features.map(strip);
      const fc = (await c.request('GET', '/api/v1/groups.geojson')).json.features.map(strip);
      assert.deepEqual(fc, fa);
      const circle = fc.find((f) => f.properties.name === 'Circle group');
      assert.equal(circle.properties.radius_km, 4.5);
      assert.equal(circle.properties.area, null, 'the radius stays a radius, not the drawn circle');
    } finally {
      await c.stop();
    }
  });
});

describe(`requests.csv: the byte-order mark on request [${STORE}]`, () => {
  it('?bom=1 starts with the mark; the header follows either way', async () => {
    await addUser(a, { email: 'coord@example.org', role: 'coordinator' });
    const coord = await createToken(a, 'coord@example.org');
    const get = (q) => a.http(`/api/v1/requests.csv${q}`, { headers: { authorization: `Bearer ${coord}` } });
    const plain = await get(''), bom = await get('?bom=1');
    assert.equal(plain.status, 200);
    assert.equal(bom.status, 200);
    assert.match(plain.body.toString('utf8'), /^id,created_at,status,kind,urgency,for_whom,language,source,lat,lon,/);
    assert.deepEqual([...bom.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(bom.body.subarray(3).toString('utf8'), plain.body.toString('utf8'));
    const bad = await a.request('GET', '/api/v1/requests.csv?bom=2', { headers: { authorization: `Bearer ${coord}` } });
    assertError(bad, 400, 'invalid_query');
  });
});

describe(`library: export --format csv → import → the same documents [${STORE}]`, () => {
  it('round-trips drafts whose text starts with guard characters', async () => {
    const id = (n) => `c5f${String(n).padStart(29, '0')}`;
    const docs = [
      { id: id(1), status: 'draft', type: 'guide', language: 'en', title: '=SUM(A1) is not a formula',
        summary: '-10% of the groups', body: '- item one\n- item two\n\n@mention and +plus', tags: ['@tag', '-dash', 'plain'],
        authors: ['+Someone'], year: 2020, covid: false },
      { id: id(2), status: 'draft', type: 'case_study', language: 'fa', title: 'گزارش "یک" محله، با ویرگول',
        summary: 'خلاصه', body: 'متن\r\nدو خط', country: 'IR', level: 'local', stage: 'evaluation', themes: ['food'],
        links: [{ url: 'https://example.org/a?b=1,2' }], covid: true },
    ];
    const r1 = await runCli(['import', 'library', '--db', a.dbUrl, join(tmp, 'lib.json')]);
    assert.equal(r1.code, 1, 'a missing file is an error');
    writeFileSync(join(tmp, 'lib.json'), JSON.stringify(docs));
    const r2 = await runCli(['import', 'library', '--db', a.dbUrl, join(tmp, 'lib.json')]);
    assert.equal(r2.code, 0, r2.stderr);
    const ea = await runCli(['export', 'library', '--db', a.dbUrl, '--format', 'csv', '--status', 'draft', '--bom']);
    assert.equal(ea.code, 0, ea.stderr);
    assert.ok(ea.stdout.startsWith(BOM), 'the byte-order mark with --bom');
    const rows = records(ea.stdout);
    assert.equal(rows.length, 2);
    const first = rows.find((x) => x.id === id(1));
    assert.equal(first.title, "'=SUM(A1) is not a formula");
    assert.equal(first.summary, "'-10% of the groups");
    assert.ok(first.body.startsWith("'- item one"), first.body);
    assert.equal(first.tags, "'@tag;'-dash;plain");
    assert.equal(first.authors, "'+Someone");
    assert.equal(first.year, '2020');
    writeFileSync(join(tmp, 'lib.csv'), ea.stdout);
    const r3 = await runCli(['import', 'library', '--db', b.dbUrl, join(tmp, 'lib.csv')]);
    assert.equal(r3.code, 0, r3.stderr);
    const eb = await runCli(['export', 'library', '--db', b.dbUrl, '--format', 'csv', '--status', 'draft', '--bom']);
    assert.equal(eb.stdout, ea.stdout);
    const ja = JSON.parse((await runCli(['export', 'library', '--db', a.dbUrl, '--status', 'draft'])).stdout);
    const jb = JSON.parse((await runCli(['export', 'library', '--db', b.dbUrl, '--status', 'draft'])).stdout);
    assert.deepEqual(jb, ja);
    assert.equal(ja.find((x) => x.id === id(1)).title, '=SUM(A1) is not a formula');
    assert.equal(ja.find((x) => x.id === id(1)).body.split('\n')[0], '- item one');
    assert.deepEqual(ja.find((x) => x.id === id(1)).tags, ['@tag', '-dash', 'plain']);
    const bad = await runCli(['export', 'library', '--db', a.dbUrl, '--bom']);
    assert.equal(bad.code, 2, 'the byte-order mark goes with CSV only');
  });
});
