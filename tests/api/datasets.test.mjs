// datasets.test.mjs — the open-data portal's API: uploads by editors (and refusals of everyone
// else), row-by-row validation with a 422 listing the errors and nothing loaded, versions that
// replace the data atomically while earlier ones stay downloadable, CSV/JSON downloads with
// filters that round-trip the upload, the Data Package descriptor, and the store's aggregates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, assertError, runCli, STORE } from './lib/server.mjs';
import { addUser, signIn, Client } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const qs = (o) => new URLSearchParams(o).toString();

/** A synthetic series: `days` days from 2024-03-01 for each area, two columns. */
function series(days, areas = ['Tehran', 'Isfahan']) {
  const lines = ['date,area,admissions,icu'];
  const start = Date.UTC(2024, 2, 1);
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * 86400000).toISOString().slice(0, 10);
    areas.forEach((a, i) => lines.push(`${date},${a},${10 + d + i * 3},${d % 3 === 0 ? '' : (d * 0.25 + i).toString()}`));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Parses our CSV downloads (no quoted fields in these fixtures). */
/** Asserts a 422 refusal: the error object with the count and the listed errors. */
function assertRefused(r, what = '') {
  assert.equal(r.status, 422, `${what} ${r.text}`);
  assert.equal(r.json.error.code, 'invalid_dataset');
  assert.ok(r.json.error.message.length > 0);
  assert.ok(r.json.error.error_count >= r.json.error.errors.length && r.json.error.errors.length > 0);
  for (const e of r.json.error.errors) {
    assert.deepEqual(Object.keys(e), ['row', 'column', 'message']);
    assert.ok(Number.isInteger(e.row) && e.row >= 1 && typeof e.column === 'string' && e.message.length > 0);
  }
}

const rows = (text) => text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));

describe(`datasets ${S}`, () => {
  let srv, editor, volunteer, coordinator;
  const anon = () => new Client(srv);
  before(async () => {
    srv = await startServer();
    await addUser(srv, { email: 'ed@example.org', role: 'editor' });
    await addUser(srv, { email: 'vol@example.org', role: 'volunteer' });
    await addUser(srv, { email: 'co@example.org', role: 'coordinator' });
    editor = await signIn(srv, 'ed@example.org');
    volunteer = await signIn(srv, 'vol@example.org');
    coordinator = await signIn(srv, 'co@example.org');
  });
  after(async () => { await srv?.stop(); });

  /** POST /api/v1/datasets with a raw body, as `client` (its session cookie and CSRF token). */
  const upload = (client, params, text, type = 'text/csv; charset=utf-8') => {
    const headers = { 'content-type': type };
    if (client.cookie) headers.cookie = `hy_session=${client.cookie}`;
    if (client.csrf) headers['x-csrf-token'] = client.csrf;
    return srv.request('POST', `/api/v1/datasets?${qs(params)}`, { raw: text, headers });
  };
  const meta = (id) => ({ id, title_fa: 'پذیرش روزانه', title_en: 'Daily admissions', source: 'Synthetic', licence: 'CC-BY-4.0', contact: 'data@example.org', cutoff: '20:00' });

  it(`refuses uploads from anyone but editors and admins ${S}`, async () => {
    for (const c of [anon(), volunteer, coordinator]) {
      const r = await upload(c, meta('nope'), series(3));
      assert.ok(r.status === 401 || r.status === 403, `${r.status} ${r.text}`);
    }
    const r = await anon().request('GET', '/api/v1/datasets/nope');
    assertError(r, 404, 'not_found');
  });

  it(`loads a CSV, lists it, and the CSV download is the same data ${S}`, async () => {
    const text = series(20);
    const r = await upload(editor, meta('admissions'), text);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 1);
    assert.equal(r.json.rows, 40);
    assert.deepEqual(r.json.columns.map((c) => c.name), ['admissions', 'icu']);
    assert.equal(r.json.area_column, 'area');
    assert.equal(r.json.first_date, '2024-03-01');
    assert.equal(r.json.last_date, '2024-03-20');
    const list = await anon().request('GET', '/api/v1/datasets');
    assert.equal(list.status, 200);
    assert.ok(list.json.datasets.some((d) => d.id === 'admissions' && d.title.fa === 'پذیرش روزانه'));
    const csv = await anon().request('GET', '/api/v1/datasets/admissions.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    assert.deepEqual(rows(csv.text), rows(text));
    const alias = await anon().request('GET', '/api/v1/datasets/admissions/data.csv');
    assert.equal(alias.text, csv.text);
  });

  it(`reads Persian digits, a BOM, semicolons and decimal commas; writes them back as numbers ${S}`, async () => {
    const text = '\uFEFFتاریخ;منطقه;بستری\n۲۰۲۴-۰۳-۲۰;Tehran;۱۲٫۵\n2024-03-21;Tehran;"3,25"\n2024/03/22;Tehran;\n';
    const r = await upload(editor, { ...meta('fa-digits') }, text);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.date_column, 'تاریخ');
    assert.equal(r.json.area_column, 'منطقه');
    const csv = await anon().request('GET', '/api/v1/datasets/fa-digits.csv');
    assert.deepEqual(rows(csv.text), [['تاریخ', 'منطقه', 'بستری'], ['2024-03-20', 'Tehran', '12.5'], ['2024-03-21', 'Tehran', '3.25'], ['2024-03-22', 'Tehran', '']]);
  });

  it(`refuses a bad file with up to 100 errors {row, column, message} and loads nothing ${S}`, async () => {
    const before = await anon().request('GET', '/api/v1/datasets/admissions.csv');
    const lines = ['date,area,admissions,icu', '2024-04-01,Tehran,1,2', '2024-13-01,Tehran,1,2', '2024-04-03,,x,2', '2024-04-04,Tehran,1'];
    for (let i = 0; i < 150; i++) lines.push(`bad,Tehran,${i},1`);
    const r = await upload(editor, meta('admissions'), lines.join('\n'));
    assertRefused(r);
    assert.equal(r.json.error.errors.length, 100);
    assert.equal(r.json.error.error_count, 154);
    assert.deepEqual(r.json.error.errors[0], { row: 3, column: 'date', message: r.json.error.errors[0].message });
    assert.deepEqual(r.json.error.errors.slice(1, 3).map((e) => [e.row, e.column]), [[4, 'area'], [4, 'admissions']]);
    assert.equal(r.json.error.errors[3].row, 5);
    assert.equal(r.json.error.errors[3].column, '');
    const now = await anon().request('GET', '/api/v1/datasets/admissions.csv');
    assert.equal(now.text, before.text, 'nothing loaded');
    const d = await anon().request('GET', '/api/v1/datasets/admissions');
    assert.equal(d.json.version, 1);
    assert.equal(d.json.versions.length, 1);
  });

  it(`refuses files without data, without numeric columns, and bad metadata ${S}`, async () => {
    assertRefused(await upload(editor, meta('e1'), 'date,area,x\n'));
    assertRefused(await upload(editor, meta('e2'), 'date,area\n2024-01-01,A\n'));
    assertRefused(await upload(editor, meta('e3'), 'date,x,x\n2024-01-01,1,2\n'));
    assertRefused(await upload(editor, meta('e4'), 'date,x\n2024-01-01,"1\n'));
    assertError(await upload(editor, { ...meta('Bad_Id') }, series(2)), 400, 'invalid_query');
    assertError(await upload(editor, { ...meta('e5'), cutoff: '25:00' }, series(2)), 400, 'invalid_query');
    assertError(await upload(editor, { id: 'e6' }, series(2)), 400, 'invalid_query');
    assertError(await upload(editor, meta('e7'), series(2), 'application/json'), 415, 'unsupported_media_type');
    const notUtf8 = Buffer.concat([Buffer.from('date,x\n2024-01-01,'), Buffer.from([0xff]), Buffer.from('\n')]);
    assertRefused(await upload(editor, meta('e8'), notUtf8));
    const list = await anon().request('GET', '/api/v1/datasets');
    assert.ok(!list.json.datasets.some((d) => /^e\d$/.test(d.id)), 'no refused dataset is listed');
  });

  it(`a new upload is a new version; earlier versions stay downloadable ${S}`, async () => {
    const v1 = await anon().request('GET', '/api/v1/datasets/admissions.csv');
    const text2 = series(5, ['Tabriz']);
    const r = await upload(editor, { id: 'admissions', title_en: 'Daily hospital admissions' }, text2);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.json.title.en, 'Daily hospital admissions');
    assert.equal(r.json.title.fa, 'پذیرش روزانه', 'omitted metadata stays');
    const now = await anon().request('GET', '/api/v1/datasets/admissions.csv');
    assert.deepEqual(rows(now.text), rows(text2));
    const old = await anon().request('GET', '/api/v1/datasets/admissions.csv?version=1');
    assert.equal(old.text, v1.text);
    const d = await anon().request('GET', '/api/v1/datasets/admissions');
    assert.deepEqual(d.json.versions.map((v) => v.version), [2, 1]);
    assertError(await anon().request('GET', '/api/v1/datasets/admissions.csv?version=3'), 404, 'not_found');
    assertError(await anon().request('GET', '/api/v1/datasets/admissions.csv?version=0'), 400, 'invalid_query');
  });

  it(`filters downloads by area and period, as CSV and JSON ${S}`, async () => {
    await upload(editor, meta('filters'), series(10));
    const csv = await anon().request('GET', `/api/v1/datasets/filters.csv?${qs({ area: 'Isfahan', from: '2024-03-03', to: '2024-03-05' })}`);
    assert.equal(csv.status, 200, csv.text);
    assert.deepEqual(rows(csv.text), [['date', 'area', 'admissions', 'icu'], ['2024-03-03', 'Isfahan', '15', '1.5'], ['2024-03-04', 'Isfahan', '16', ''], ['2024-03-05', 'Isfahan', '17', '2']]);
    const json = await anon().request('GET', `/api/v1/datasets/filters.json?${qs({ area: 'Isfahan', from: '2024-03-03', to: '2024-03-05' })}`);
    assert.equal(json.status, 200);
    assert.deepEqual(json.json.fields, ['date', 'area', 'admissions', 'icu']);
    assert.deepEqual(json.json.rows, [['2024-03-03', 'Isfahan', 15, 1.5], ['2024-03-04', 'Isfahan', 16, null], ['2024-03-05', 'Isfahan', 17, 2]]);
    assertError(await anon().request('GET', '/api/v1/datasets/filters.csv?from=2024-3-1'), 400, 'invalid_query');
    assertError(await anon().request('GET', '/api/v1/datasets/filters.csv?from=2024-03-05&to=2024-03-01'), 400, 'invalid_query');
    const bom = Buffer.from(await (await srv.fetch('/api/v1/datasets/filters.csv?bom=1')).arrayBuffer());
    assert.deepEqual([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  });

  it(`writes an HXL tag row when asked and the file had one ${S}`, async () => {
    const text = 'date,area,admissions\n#date,#adm1+name,#affected+hospitalised\n2024-01-01,A,3\n';
    const r = await upload(editor, meta('hxl'), text);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.columns[0].hxl, '#affected+hospitalised');
    const csv = await anon().request('GET', '/api/v1/datasets/hxl.csv?hxl=1');
    assert.deepEqual(rows(csv.text), rows(text));
    const plain = await anon().request('GET', '/api/v1/datasets/hxl.csv');
    assert.equal(rows(plain.text).length, 2);
  });

  it(`describes a dataset as a Frictionless Data Package ${S}`, async () => {
    const r = await anon().request('GET', '/api/v1/datasets/filters/datapackage.json');
    assert.equal(r.status, 200);
    const p = r.json;
    assert.equal(p.profile, 'tabular-data-package');
    assert.match(p.name, /^[a-z0-9._-]+$/);
    assert.equal(p.licenses[0].name, 'CC-BY-4.0');
    assert.equal(p.resources.length, 1);
    const res = p.resources[0];
    assert.equal(res.profile, 'tabular-data-resource');
    assert.match(res.name, /^[a-z0-9._-]+$/);
    assert.ok(typeof res.path === 'string' && !res.path.startsWith('/') && !res.path.includes('..'));
    assert.deepEqual(res.schema.fields.map((f) => [f.name, f.type]), [['date', 'date'], ['area', 'string'], ['admissions', 'number'], ['icu', 'number']]);
    // the resource's path is relative to the descriptor, and serves the same CSV
    const data = await anon().request('GET', new URL(res.path, 'http://x/api/v1/datasets/filters/datapackage.json').pathname);
    assert.equal(data.status, 200);
    assert.equal(rows(data.text)[0].join(','), res.schema.fields.map((f) => f.name).join(','));
  });

  it(`computes daily sums, 7-day averages and totals per area in the store ${S}`, async () => {
    const d = await anon().request('GET', `/api/v1/datasets/filters/daily?${qs({ column: 'admissions', from: '2024-03-01', to: '2024-03-10' })}`);
    assert.equal(d.status, 200, d.text);
    assert.deepEqual(d.json.columns, ['admissions']);
    assert.equal(d.json.days.length, 10);
    // day d: Tehran 10+d, Isfahan 13+d → 23 + 2d
    d.json.days.forEach((x, i) => assert.equal(x.total[0], 23 + 2 * i));
    // the 7-day average of day 7 (index 6): mean of 23, 25 … 35
    assert.equal(d.json.days[6].avg7[0], 29);
    // before seven days of data, the missing days count 0
    assert.equal(d.json.days[0].avg7[0], 23 / 7);
    const one = await anon().request('GET', `/api/v1/datasets/filters/daily?${qs({ area: 'Tehran', from: '2024-03-09' })}`);
    assert.deepEqual(one.json.days.map((x) => x.total), [[18, 2], [19, null]]);
    // the 7-day average is over the days before `from` too
    assert.equal(one.json.days[0].avg7[0], (12 + 13 + 14 + 15 + 16 + 17 + 18) / 7);
    const a = await anon().request('GET', `/api/v1/datasets/filters/areas?${qs({ from: '2024-03-01', to: '2024-03-10' })}`);
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(a.json.areas.map((x) => x.area), ['Isfahan', 'Tehran']);
    const teh = a.json.areas[1];
    assert.equal(teh.total[0], 145); // 10 + … + 19
    assert.equal(teh.latest[0], 19);
    assert.equal(teh.latest_date[0], '2024-03-10');
    assert.equal(teh.latest_date[1], '2024-03-09', 'the latest day that has a value');
    assertError(await anon().request('GET', '/api/v1/datasets/filters/daily?column=nope'), 404, 'not_found');
  });

  /** A multipart/form-data body of parts [{ name, value, filename?, type? }] (value string or Buffer). */
  const form = (parts, boundary = '----hy-test-7f3a') => Buffer.concat([
    ...parts.flatMap((p) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n`
        + (p.type ? `Content-Type: ${p.type}\r\n` : '') + '\r\n'),
      Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  const multipart = (client, parts, { boundary = '----hy-test-7f3a', query = {}, type } = {}) =>
    upload(client, query, form(parts, boundary), type ?? `multipart/form-data; boundary=${boundary}`);
  const fields = (o) => Object.entries(o).map(([name, value]) => ({ name, value }));

  it(`takes a multipart form: the fields and one file; a dry run lists the errors or what would load, and loads nothing ${S}`, async () => {
    const text = series(4);
    const file = { name: 'file', filename: 'admissions.csv', type: 'text/csv', value: text };
    // A dry run of a bad file: the errors, nothing stored.
    const bad = text.replace('2024-03-02', '2024-13-02');
    let r = await multipart(editor, [...fields({ ...meta('form'), dry_run: '1' }), { ...file, value: bad }]);
    assertRefused(r, 'dry run of a bad file');
    assert.equal(r.json.error.errors[0].column, 'date');
    assertError(await anon().request('GET', '/api/v1/datasets/form'), 404, 'not_found');
    // A dry run of a sound file: what would be loaded, still nothing stored.
    r = await multipart(editor, [...fields({ ...meta('form'), dry_run: 'true' }), file]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { dry_run: true, id: 'form', rows: 8, date_column: 'date', area_column: 'area', columns: ['admissions', 'icu'], first_date: '2024-03-01', last_date: '2024-03-04' });
    assertError(await anon().request('GET', '/api/v1/datasets/form'), 404, 'not_found');
    // The upload itself, with Persian text in the fields.
    r = await multipart(editor, [...fields({ ...meta('form'), description_fa: 'شرح «آزمایشی»' }), file]);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.title.fa, 'پذیرش روزانه');
    assert.equal(r.json.description.fa, 'شرح «آزمایشی»');
    assert.equal(r.json.rows, 8);
    const csv = await anon().request('GET', '/api/v1/datasets/form.csv');
    assert.equal(csv.text, text, 'the file round-trips');
    // Outsiders cannot use the form either.
    for (const c of [anon(), volunteer, coordinator]) {
      const x = await multipart(c, [...fields(meta('form2')), file]);
      assert.ok(x.status === 401 || x.status === 403, `${x.status}`);
    }
  });

  it(`refuses hostile multipart forms with a clear error and loads nothing ${S}`, async () => {
    const file = { name: 'file', filename: 'a.csv', value: series(2) };
    const cases = [
      ['no boundary', () => upload(editor, {}, form([...fields(meta('h1')), file]), 'multipart/form-data'), 400, 'bad_request'],
      ['an empty boundary', () => upload(editor, {}, form([...fields(meta('h1')), file]), 'multipart/form-data; boundary='), 400, 'bad_request'],
      ['a boundary of 71 characters', () => multipart(editor, [...fields(meta('h1')), file], { boundary: 'b'.repeat(71) }), 400, 'bad_request'],
      ['a body without the boundary', () => upload(editor, {}, form([...fields(meta('h1')), file], 'other'), 'multipart/form-data; boundary=mine'), 400, 'bad_request'],
      ['no closing boundary', () => upload(editor, {}, form([...fields(meta('h1')), file]).subarray(0, -24), 'multipart/form-data; boundary=----hy-test-7f3a'), 400, 'bad_request'],
      ['two files', () => multipart(editor, [...fields(meta('h1')), file, { ...file, filename: 'b.csv' }]), 400, 'bad_request'],
      ['a file in another field', () => multipart(editor, [...fields(meta('h1')), { ...file, name: 'upload' }]), 400, 'bad_request'],
      ['no file', () => multipart(editor, fields(meta('h1'))), 400, 'bad_request'],
      ['a huge field', () => multipart(editor, [...fields({ ...meta('h1'), description_en: 'x'.repeat(9000) }), file]), 400, 'invalid_query'],
      ['a field over its own limit', () => multipart(editor, [...fields({ ...meta('h1'), title_en: 'x'.repeat(201) }), file]), 400, 'invalid_query'],
      ['bad UTF-8 in a field', () => multipart(editor, [...fields(meta('h1')).filter((f) => f.name !== 'title_fa'), { name: 'title_fa', value: Buffer.from([0x41, 0xc3, 0x28]) }, file]), 400, 'bad_utf8'],
      ['a NUL in a field', () => multipart(editor, [...fields(meta('h1')).filter((f) => f.name !== 'title_en'), { name: 'title_en', value: 'a\u0000b' }, file]), 400, 'bad_utf8'],
      ['a field given twice', () => multipart(editor, [...fields(meta('h1')), { name: 'source', value: 'again' }, file]), 400, 'invalid_query'],
      ['a field in the address and the form', () => multipart(editor, [...fields(meta('h1')), file], { query: { source: 'x' } }), 400, 'invalid_query'],
      ['an unknown field', () => multipart(editor, [...fields({ ...meta('h1'), colour: 'red' }), file]), 400, 'invalid_query'],
      ['a part without a name', () => upload(editor, {}, Buffer.from('--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n'), 'multipart/form-data; boundary=b'), 400, 'bad_request'],
      ['headers that never end', () => upload(editor, {}, Buffer.from(`--b\r\nContent-Disposition: form-data; name="file"; filename="${'a'.repeat(5000)}"`), 'multipart/form-data; boundary=b'), 400, 'bad_request'],
      ['too many parts', () => multipart(editor, [...Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'x' })), file]), 400, 'bad_request'],
    ];
    for (const [what, send, status, code] of cases) assertError(await send(), status, code, what);
    assertError(await anon().request('GET', '/api/v1/datasets/h1'), 404, 'not_found');
  });

  it(`aggregate answers kept by the server follow the version in force, and each version keeps its own ${S}`, async () => {
    const q = qs({ column: 'admissions', from: '2024-03-01', to: '2024-03-03' });
    assert.equal((await upload(editor, meta('kept'), series(5))).status, 201);
    const get = async (extra = '') => {
      const r = await anon().request('GET', `/api/v1/datasets/kept/daily?${q}${extra}`);
      assert.equal(r.status, 200, r.text);
      return r.json.days.map((x) => x.total[0]);
    };
    const areas = async (extra = '') => (await anon().request('GET', `/api/v1/datasets/kept/areas?${q}${extra}`)).json.areas.map((x) => [x.area, x.total[0]]);
    assert.deepEqual(await get(), [23, 25, 27]);
    assert.deepEqual(await get(), [23, 25, 27], 'asked again: the same answer');
    assert.deepEqual(await areas(), [['Isfahan', 42], ['Tehran', 33]]);
    // A new version with other areas and figures: the next answers are the new data's.
    assert.equal((await upload(editor, meta('kept'), series(5, ['Fars']))).status, 201);
    assert.deepEqual(await get(), [10, 11, 12]);
    assert.deepEqual(await areas(), [['Fars', 33]]);
    // the earlier version, asked for by number, still answers with its own figures
    assert.deepEqual(await get('&version=1'), [23, 25, 27]);
    assert.deepEqual(await areas('&version=1'), [['Isfahan', 42], ['Tehran', 33]]);
  });

  it(`\`hamyari import dataset\` loads a file with a progress line, or nothing when a row is bad ${S}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hy-ds-'));
    try {
      const good = join(dir, 'good.csv');
      writeFileSync(good, series(30));
      const args = ['import', 'dataset', '--db', srv.dbUrl, '--id', 'from-cli', '--title-fa', 'از خط فرمان', '--title-en', 'From the command line'];
      const r = await runCli([...args, good]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /import: 60 of 60 rows written \(100%/);
      assert.match(r.stdout, /imported 60 rows as version 1 of dataset from-cli/);
      const csv = await anon().request('GET', '/api/v1/datasets/from-cli.csv');
      assert.deepEqual(rows(csv.text), rows(series(30)));
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, 'date,area,admissions,icu\n2024-01-01,A,1,2\n2024-01-02,A,x,2\n');
      const b = await runCli(['import', 'dataset', '--db', srv.dbUrl, '--id', 'from-cli', bad]);
      assert.equal(b.code, 1);
      assert.match(b.stderr, /row 3: admissions: /);
      assert.match(b.stderr, /nothing was imported/);
      const d = await anon().request('GET', '/api/v1/datasets/from-cli');
      assert.equal(d.json.version, 1);
      const none = await runCli(['import', 'dataset', '--db', srv.dbUrl, '--id', 'untitled', good]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /needs --title-fa and --title-en/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`fits the forecast's doubling time to a dataset column by least squares, with the residual ${S}`, async () => {
    const model = { mitigation_date: '2020-04-10', relative_contact_rate: '0.3' };
    const truth = (await anon().request('GET', `/api/v1/forecast?${qs({ ...model, current_date: '2020-04-20', doubling_time: '4.3' })}`)).json;
    const series = truth.days.slice(truth.i_day - 19, truth.i_day + 1).map((d) => d.admits_hospitalized);
    // Two areas that sum to the series, and a gap before the last run of 20 days.
    const lines = ['date,area,admissions,other', '2020-03-20,North,5,1'];
    series.forEach((v, i) => {
      const date = new Date(Date.UTC(2020, 3, 1 + i)).toISOString().slice(0, 10);
      lines.push(`${date},North,${v * 0.25},1`, `${date},South,${v * 0.75},2`);
    });
    assert.equal((await upload(editor, meta('fit-admissions'), lines.join('\n'))).status, 201);
    const f = (o) => anon().request('GET', `/api/v1/forecast?${qs({ ...model, ...o })}`);
    const r = await f({ fit_dataset: 'fit-admissions' });
    assert.equal(r.status, 200, r.text);
    assert.ok(Math.abs(r.json.doubling_time - 4.3) < 0.01, `fitted ${r.json.doubling_time}`);
    assert.equal(r.json.fit.points, 20, 'the last run without a gap, ending on the last date');
    assert.ok(r.json.fit.rms_residual >= 0 && r.json.fit.rms_residual < 0.05 * series.at(-1), JSON.stringify(r.json.fit));
    assert.equal(r.json.days[r.json.i_day].date, '2020-04-20', 'current_date is the dataset\'s last date');
    // The same as giving the series itself.
    const same = await f({ current_date: '2020-04-20', admissions: JSON.stringify(series) });
    assert.equal(r.json.doubling_time, same.json.doubling_time);
    assert.equal(r.json.fit.sum_squared_residuals, same.json.fit.sum_squared_residuals);
    // One area, another column.
    const north = await f({ fit_dataset: 'fit-admissions', fit_area: 'North', fit_column: 'admissions' });
    assert.equal(north.status, 200, north.text);
    assert.equal(north.json.fit.points, 20);
    // Refusals name the parameter.
    const none = await f({ fit_dataset: 'no-such-set' });
    assert.equal(none.status, 404);
    assert.equal(none.json.error.field, 'fit_dataset');
    const col = await f({ fit_dataset: 'fit-admissions', fit_column: 'nope' });
    assert.equal(col.status, 404);
    assert.equal(col.json.error.field, 'fit_column');
    assert.equal((await f({ fit_dataset: 'fit-admissions', doubling_time: '4' })).json.error.field, 'fit_dataset');
    assert.equal((await f({ fit_column: 'admissions' })).json.error.field, 'fit_column');
    assert.equal((await f({ fit_dataset: 'fit-admissions', current_date: '2020-05-01' })).json.error.field, 'fit_dataset');
    assert.equal((await f({ fit_dataset: 'Bad Id' })).json.error.field, 'fit_dataset');
  });
});

describe(`demo datasets ${S}`, () => {
  let srv;
  before(async () => { srv = await startServer({ args: ['--demo'] }); });
  after(async () => { await srv?.stop(); });

  it(`the demo loads synthetic admissions per province and for the country, and beds per province named in Persian, titled in both languages and marked as demo ${S}`, async () => {
    const list = await srv.request('GET', '/api/v1/datasets');
    const ids = list.json.datasets.map((d) => d.id);
    assert.deepEqual(ids, ['demo-admissions', 'demo-admissions-national', 'demo-beds']);
    for (const d of list.json.datasets) {
      assert.ok(d.title.fa && d.title.en, 'titles in both languages');
      assert.doesNotMatch(`${d.title.fa} ${d.title.en}`, /\(demo\)|\(نمونه\)/, 'no filler in the titles');
      assert.equal(d.demo, true, 'the demo mark');
      assert.equal(d.rows > 0, true);
    }
    // The beds: 31 provinces spelled as files from the field do, and an unknown one.
    const areas = await srv.request('GET', '/api/v1/datasets/demo-beds/areas');
    const names = areas.json.areas.map((a) => a.area);
    assert.equal(names.length, 32);
    for (const n of ['استان تهران', 'آذربایجان\u200cغربی', 'كرمان', 'يزد', 'نامشخص']) assert.ok(names.includes(n), n);
    // the national series is the sum of the provinces, day by day
    const nat = await srv.request('GET', '/api/v1/datasets/demo-admissions-national.json');
    const daily = await srv.request('GET', '/api/v1/datasets/demo-admissions/daily?column=admissions');
    assert.equal(daily.json.days.length, nat.json.rows.length);
    daily.json.days.forEach((x, i) => assert.equal(x.total[0], nat.json.rows[i][1]));
  });
});
