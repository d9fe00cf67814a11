// forecast.test.mjs — GET /api/v1/forecast and `hamyari forecast`: CHIME's model over HTTP and on
// the command line, CSV, bands, the admissions fit, and a 400 naming the parameter for bad input.
// Stateless, but run on both stores like every API test.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertError, assertSecurityHeaders, ROOT, runCli, startServer, STORE } from './lib/server.mjs';

const S = `[${STORE}]`;

// CHIME's `param` test fixture (its tests/conftest.py) as query parameters.
const CHIME_PARAM = {
  current_date: '2020-03-28', current_hospitalized: '100', doubling_time: '6.0',
  hospitalized_rate: '0.05', hospitalized_days: '7', infectious_days: '14', icu_rate: '0.02',
  icu_days: '9', market_share: '0.05', mitigation_date: '2020-03-28', n_days: '60',
  population: '500000', recovered: '0', relative_contact_rate: '0.15', ventilated_rate: '0.01',
  ventilated_days: '10',
};
const COLUMNS = ['susceptible', 'infected', 'recovered', 'admits_hospitalized', 'admits_icu',
  'admits_ventilated', 'census_hospitalized', 'census_icu', 'census_ventilated'];

const qs = (o) => new URLSearchParams(o).toString();

/** CHIME's own results for a case (tests/fixtures/forecast/NAME.csv): scalars and rows. */
function chime(name) {
  const text = readFileSync(join(ROOT, 'tests', 'fixtures', 'forecast', `${name}.csv`), 'utf8');
  const scalars = {};
  const rows = [];
  let header = null;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const m = /^# (\w+)=(.*)$/.exec(line);
    if (m) { scalars[m[1]] = Number(m[2]); continue; }
    const cells = line.split(',');
    if (!header) { header = cells; continue; }
    const row = {};
    header.forEach((h, i) => { row[h] = cells[i] === '' ? null : Number(cells[i]); });
    rows.push(row);
  }
  return { scalars, rows };
}

function close(got, want, what) {
  if (want === null) { assert.equal(got, null, what); return; }
  const d = got === want ? 0 : Math.abs(got - want) / Math.max(Math.abs(got), Math.abs(want));
  assert.ok(d <= 1e-9, `${what}: ${got} vs CHIME ${want} (relative ${d})`);
}

describe(`forecast ${S}`, () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  const get = (params) => srv.request('GET', `/api/v1/forecast?${typeof params === 'string' ? params : qs(params)}`);

  it(`answers CHIME's test case with CHIME's numbers, every day to 1e-9 ${S}`, async () => {
    const r = await get(CHIME_PARAM);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assertSecurityHeaders(r.headers, 'forecast');
    const want = chime('param');
    const j = r.json;
    assert.equal(j.i_day, 43);
    assert.equal(j.doubling_time, 6);
    close(j.intrinsic_growth_rate, want.scalars.g, 'intrinsic_growth_rate');
    close(j.beta, want.scalars.beta, 'beta');
    close(j.beta_t, want.scalars.beta_t, 'beta_t');
    close(j.r_naught, want.scalars.r_naught, 'r_naught');
    close(j.r_t, want.scalars.r_t, 'r_t');
    close(j.doubling_time_t, want.scalars.dtt, 'doubling_time_t');
    close(j.gamma, 1 / 14, 'gamma');
    assert.equal(j.current_date, '2020-03-28');
    assert.equal(j.date_first_hospitalized, '2020-02-14');
    assert.equal(j.days.length, 104);
    assert.equal(j.days[0].day, -43);
    assert.equal(j.days[0].date, '2020-02-14');
    assert.equal(j.days[43].date, '2020-03-28');
    assert.equal(j.days.at(-1).day, 60);
    want.rows.forEach((row, i) => {
      assert.equal(j.days[i].day, row.day);
      for (const c of COLUMNS) close(j.days[i][c], row[c], `day ${row.day} ${c}`);
    });
    assert.equal(j.bands, undefined);
    assert.equal(j.fit, undefined);
  });

  it(`fits the doubling time from the date of the first admission as CHIME does ${S}`, async () => {
    const { doubling_time: _, ...rest } = CHIME_PARAM;
    const r = await get({ ...rest, date_first_hospitalized: '2020-02-14' });
    assert.equal(r.status, 200, r.text);
    const want = chime('first_hosp_fit');
    close(r.json.doubling_time, want.scalars.doubling_time, 'doubling_time');
    assert.equal(r.json.i_day, 43);
    want.rows.forEach((row, i) => { for (const c of COLUMNS) close(r.json.days[i][c], row[c], `day ${row.day} ${c}`); });
  });

  it(`gives CSV with day,date, the admissions and the census columns ${S}`, async () => {
    const r = await get({ ...CHIME_PARAM, format: 'csv' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment; filename="forecast.csv"/);
    const lines = r.text.trimEnd().split('\r\n');
    assert.equal(lines[0], 'day,date,hospitalized,icu,ventilated,census_hospitalized,census_icu,census_ventilated');
    assert.equal(lines.length, 105);
    assert.equal(lines[1], '-43,2020-02-14,,,,0,0,0');
    const json = (await get(CHIME_PARAM)).json;
    lines.slice(1).forEach((line, i) => {
      const c = line.split(',');
      const d = json.days[i];
      assert.equal(Number(c[0]), d.day);
      assert.equal(c[1], d.date);
      const want = [d.admits_hospitalized, d.admits_icu, d.admits_ventilated, d.census_hospitalized, d.census_icu, d.census_ventilated];
      want.forEach((w, k) => (w === null ? assert.equal(c[2 + k], '') : close(Number(c[2 + k]), w, `csv ${i} ${k}`)));
    });
  });

  it(`HEAD answers like GET without a body ${S}`, async () => {
    const r = await srv.http(`/api/v1/forecast?${qs(CHIME_PARAM)}`, { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
  });

  it(`reads Persian and Arabic digits ${S}`, async () => {
    const latin = await get({ current_date: '2020-04-20', doubling_time: '4.5', population: '3600000' });
    const persian = await get({ current_date: '۲۰۲۰-۰۴-۲۰', doubling_time: '۴٫۵', population: '٣٦٠٠٠٠٠' });
    assert.equal(latin.status, 200, latin.text);
    assert.equal(persian.status, 200, persian.text);
    assert.deepEqual(persian.json, latin.json);
  });

  it(`refuses bad parameters with a 400 naming them ${S}`, async () => {
    const base = { current_date: '2020-04-20', doubling_time: '4' };
    const cases = [
      [{ ...base, current_hospitalized: '-5' }, 'invalid_query', 'current_hospitalized'],
      [{ ...base, population: '-1' }, 'invalid_query', 'population'],
      [{ ...base, recovered: '1.5' }, 'invalid_query', 'recovered'],
      [{ ...base, relative_contact_rate: '1.2' }, 'invalid_query', 'relative_contact_rate'],
      [{ ...base, hospitalized_rate: '25' }, 'invalid_query', 'hospitalized_rate'],
      [{ ...base, icu_rate: '-0.1' }, 'invalid_query', 'icu_rate'],
      [{ ...base, market_share: '0' }, 'invalid_query', 'market_share'],
      [{ current_date: '2020-04-20', doubling_time: '0' }, 'invalid_query', 'doubling_time'],
      [{ current_date: '2020-04-20', doubling_time: '-3' }, 'invalid_query', 'doubling_time'],
      [{ ...base, n_days: '1001' }, 'invalid_query', 'n_days'],
      [{ ...base, icu_days: '0' }, 'invalid_query', 'icu_days'],
      [{ ...base, current_date: '2020-02-30' }, 'invalid_query', 'current_date'],
      [{ ...base, mitigation_date: '20/04/2020' }, 'invalid_query', 'mitigation_date'],
      [{ current_date: '2020-04-20', date_first_hospitalized: 'soon' }, 'invalid_query', 'date_first_hospitalized'],
      [{ current_date: '2020-04-20', date_first_hospitalized: '2020-04-21' }, 'invalid_query', 'date_first_hospitalized'],
      [{ ...base, date_first_hospitalized: '2020-04-01' }, 'invalid_query', 'date_first_hospitalized'],
      [{ ...base, population: '10', current_hospitalized: '0' }, 'invalid_query', 'population'],
      [{ ...base, population: '10' }, 'invalid_query', 'current_hospitalized'],
      [{ ...base, doubling_time_min: '3' }, 'invalid_query', 'doubling_time_max'],
      [{ ...base, doubling_time_min: '5', doubling_time_max: '6' }, 'invalid_query', 'doubling_time_min'],
      [{ ...base, admissions: '[1,2]' }, 'invalid_query', 'admissions'],
      [{ current_date: '2020-04-20', admissions: '[1,x,3]' }, 'invalid_query', 'admissions'],
      [{ ...base, format: 'xml' }, 'invalid_query', 'format'],
      [{ ...base, colour: 'red' }, 'unknown_field', 'colour'],
    ];
    for (const [params, code, field] of cases) {
      const r = await get(params);
      assertError(r, 400, code, qs(params));
      assert.equal(r.json.error.field, field, `${qs(params)}: ${r.text}`);
    }
    // None of doubling_time, date_first_hospitalized and admissions: CHIME's default doubling time.
    const dflt = await get({ current_date: '2020-04-20' });
    const five = await get({ current_date: '2020-04-20', doubling_time: '5' });
    assert.equal(dflt.status, 200, dflt.text);
    assert.equal(dflt.json.doubling_time, 5);
    assert.deepEqual(dflt.json, five.json);
    const twice = await get('doubling_time=4&doubling_time=5&current_date=2020-04-20');
    assertError(twice, 400, 'invalid_query', 'doubling_time twice');
    assert.equal(twice.json.error.field, 'doubling_time');
  });

  it(`gives 5/50/95 percentile bands for ranges, the same for the same seed ${S}`, async () => {
    const params = {
      current_date: '2020-04-20', doubling_time: '4', doubling_time_min: '3', doubling_time_max: '6',
      relative_contact_rate_min: '0.3', relative_contact_rate_max: '0.6',
    };
    const a = await get(params);
    assert.equal(a.status, 200, a.text);
    const b = a.json.bands;
    assert.ok(b, a.text.slice(0, 200));
    assert.equal(b.runs + b.failed_runs, 1000);
    assert.deepEqual(b.percentiles, [5, 50, 95]);
    assert.equal(b.seed, 1);
    assert.equal(b.days.length, 31);
    assert.equal(b.days[0].date, '2020-04-20');
    for (const d of b.days) {
      for (const s of ['admits_hospitalized', 'census_hospitalized', 'census_icu', 'census_ventilated']) {
        const [p5, p50, p95] = d[s];
        if (d.day > 0 || !s.startsWith('admits')) assert.ok(p5 <= p50 && p50 <= p95, `${d.day} ${s} ${d[s]}`);
      }
    }
    const last = b.days.at(-1).census_hospitalized;
    assert.ok(last[2] > last[0] * 1.2, `a real spread: ${last}`);
    const again = await get(params);
    assert.deepEqual(again.json.bands, b);
    const other = await get({ ...params, seed: '7' });
    assert.notDeepEqual(other.json.bands.days, b.days);
    const csv = await get({ ...params, format: 'csv' });
    const lines = csv.text.trimEnd().split('\r\n');
    const head = lines[0].split(',');
    assert.ok(head.includes('census_hospitalized_p5') && head.includes('census_hospitalized_p95') && head.includes('hospitalized_p50'), lines[0]);
    const zero = lines.find((l) => l.startsWith('0,2020-04-20,')).split(',');
    close(Number(zero[head.indexOf('census_hospitalized_p50')]), b.days[0].census_hospitalized[1], 'csv band');
  });

  it(`fits doubling time and day offset to a series of daily admissions, with the residual ${S}`, async () => {
    const truth = (await get({ current_date: '2020-04-20', doubling_time: '4.3', mitigation_date: '2020-04-10', relative_contact_rate: '0.3' })).json;
    const series = truth.days.slice(truth.i_day - 19, truth.i_day + 1).map((d) => d.admits_hospitalized);
    assert.equal(series.length, 20);
    const r = await get({ current_date: '2020-04-20', mitigation_date: '2020-04-10', relative_contact_rate: '0.3', admissions: JSON.stringify(series) });
    assert.equal(r.status, 200, r.text);
    assert.ok(Math.abs(r.json.doubling_time - 4.3) < 0.01, `fitted ${r.json.doubling_time}`);
    assert.equal(r.json.i_day, truth.i_day);
    assert.equal(r.json.fit.points, 20);
    assert.ok(r.json.fit.rms_residual >= 0 && r.json.fit.rms_residual < 0.05 * series.at(-1), JSON.stringify(r.json.fit));
    // The same series as CSV with dates ending on current_date.
    const csv = series.map((v, i) => `${new Date(Date.UTC(2020, 3, 1 + i)).toISOString().slice(0, 10)},${v}`).join('\n');
    const r2 = await get({ current_date: '2020-04-20', mitigation_date: '2020-04-10', relative_contact_rate: '0.3', admissions: `date,admissions\n${csv}` });
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.json.doubling_time, r.json.doubling_time);
  });

  it(`hamyari forecast prints the same JSON and CSV as the API ${S}`, async () => {
    const args = Object.entries(CHIME_PARAM).map(([k, v]) => `--${k.replace(/_/g, '-')}=${v}`);
    const cli = await runCli(['forecast', ...args]);
    assert.equal(cli.code, 0, cli.stderr);
    const api = await get(CHIME_PARAM);
    assert.equal(cli.stdout, api.text);
    const cliCsv = await runCli(['forecast', ...args, '--format', 'csv']);
    assert.equal(cliCsv.code, 0, cliCsv.stderr);
    assert.equal(cliCsv.stdout, (await get({ ...CHIME_PARAM, format: 'csv' })).text);
  });

  it(`hamyari forecast reads admissions from a CSV file, names bad parameters, and lists every parameter in --help ${S}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hy-forecast-'));
    try {
      const file = join(dir, 'admissions.csv');
      writeFileSync(file, 'date,admissions\n2020-04-18,10\n2020-04-19,12\n2020-04-20,15\n');
      const ok = await runCli(['forecast', '--current-date=2020-04-20', `--admissions=${file}`]);
      assert.equal(ok.code, 0, ok.stderr);
      const j = JSON.parse(ok.stdout);
      assert.equal(j.fit.points, 3);
      assert.ok(j.doubling_time > 0);
      const missing = await runCli(['forecast', '--current-date=2020-04-20', `--admissions=${join(dir, 'none.csv')}`]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /admissions/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const [arg, name] of [['--icu-rate=3', 'icu_rate'], ['--n-days=5000', 'n_days'], ['--population=-2', 'population']]) {
      const r = await runCli(['forecast', '--doubling-time=4', arg]);
      assert.equal(r.code, 2, arg);
      assert.match(r.stderr, new RegExp(`forecast: ${name}: `), r.stderr);
      assert.equal(r.stdout, '');
    }
    // Nothing given: CHIME's default doubling time, as over HTTP.
    const none = await runCli(['forecast', '--current-date=2020-04-20']);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(JSON.parse(none.stdout).doubling_time, 5);
    const help = await runCli(['forecast', '--help']);
    assert.equal(help.code, 0);
    for (const name of ['current_hospitalized', 'doubling_time', 'date_first_hospitalized', 'current_date', 'mitigation_date',
      'relative_contact_rate', 'infectious_days', 'market_share', 'population', 'recovered', 'n_days', 'hospitalized_rate',
      'hospitalized_days', 'icu_rate', 'icu_days', 'ventilated_rate', 'ventilated_days', 'admissions', 'format']) {
      assert.match(help.stdout, new RegExp(`--${name}\\b`), name);
    }
    assert.match(help.stdout, /--relative_contact_rate\n.*\(default 0\.45\)/);
  });
});
