// The forecast page (/forecast): sends the form to GET /api/v1/forecast and shows the answer as
// two charts (admissions and census, drawn by uPlot) each with a table of the same numbers, a
// summary, and a link to the same forecast as CSV. Without scripts the form itself asks the API
// for the CSV (its `format=csv` field); the fields that would send empty values then (dates,
// ranges) stay disabled, and the bed counts never have a name (they are drawn here, not sent).
//
// The page address holds the parameters (/forecast?doubling_time=4…), so a forecast can be
// shared and reloaded; the fields are filled from it.

import { t, formatNumber, formatDate, getLanguage, ready, LANGUAGE_EVENT } from './i18n.js';
import { getJSON, ApiError } from './api.js';
import { loadUplot } from './charts.js';


const DISPOSITIONS = [
  { key: 'hospitalized', color: '#0b4a63', dash: null, swatch: '' },
  { key: 'icu', color: '#a4201c', dash: [8, 5], swatch: 'fc-swatch-dashed' },
  { key: 'ventilated', color: '#5a3d99', dash: [2, 4], swatch: 'fc-swatch-dotted' },
];
const RANGED = ['doubling_time', 'relative_contact_rate', 'hospitalized_rate', 'icu_rate', 'ventilated_rate'];
const CAPACITY = { hospitalized: 'fc-beds_hospitalized', icu: 'fc-beds_icu', ventilated: 'fc-beds_ventilated' };

const form = document.getElementById('fc-form');
const $ = (id) => document.getElementById(id);

let last = null;       // {data, capacity} of the forecast on the screen
const charts = [];     // uPlot instances
let busy = null;       // AbortController of the request under way

/** Persian and Arabic-Indic digits and the Arabic decimal separator to ASCII. */
function asciiDigits(s) {
  return String(s).trim()
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/٫/g, '.');
}

function fields() {
  return [...form.querySelectorAll('input[name], select[name]')].filter((el) => el.name !== 'format');
}

/** The query for the API: every field with a value; doubling_time yields to the first-admission date. */
function query() {
  const q = new URLSearchParams();
  const dateFirst = $('fc-date_first_hospitalized').value;
  const dataset = $('fc-fit_dataset').value;
  for (const el of fields()) {
    const v = el.value.trim();
    if (!v) continue;
    if (el.name === 'doubling_time' && (dateFirst || dataset)) continue;
    if (el.name === 'date_first_hospitalized' && dataset) continue;
    if (el.name === 'fit_column' && !dataset) continue;
    q.append(el.name, v);
  }
  return q;
}

function readCapacity() {
  const out = {};
  let bad = null;
  for (const [key, id] of Object.entries(CAPACITY)) {
    const el = $(id);
    const v = asciiDigits(el.value);
    if (!v) continue;
    if (!/^\d{1,9}$/.test(v)) { bad ??= el; continue; }
    out[key] = Number(v);
  }
  return { capacity: out, bad };
}

function clearErrors() {
  $('fc-error').hidden = true;
  for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

function fieldError(input, text) {
  const p = $(`${input.id}-error`);
  p.textContent = text;
  p.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  const details = input.closest('details');
  if (details) details.open = true;
  input.focus();
}

function showError(e) {
  const input = e instanceof ApiError && e.field ? $(`fc-${e.field}`) : null;
  if (input) {
    const text = getLanguage() === 'en' && e.serverMessage ? e.serverMessage : t('forecast.bad_value');
    fieldError(input, text);
    return;
  }
  $('fc-error-text').textContent = e instanceof ApiError ? e.message : t('error.unknown');
  $('fc-error').hidden = false;
  $('fc-error').focus();
}

function syncAnchor() {
  // The API takes one of the two: with a first-admission date the doubling time is fitted.
  // A dataset to fit to takes the place of both.
  const dt = $('fc-doubling_time');
  const dataset = Boolean($('fc-fit_dataset').value);
  const fitted = dataset || Boolean($('fc-date_first_hospitalized').value);
  dt.disabled = fitted;
  dt.required = !fitted;
  $('fc-date_first_hospitalized').disabled = dataset;
  $('fc-fit_column-field').hidden = !dataset;
}

/** The datasets to fit to, from the open-data index (titles in the page's language). */
async function loadDatasets() {
  const select = $('fc-fit_dataset');
  let list = [];
  try { list = (await getJSON('/api/v1/datasets')).datasets; } catch { return; }
  const want = new URLSearchParams(location.search).get('fit_dataset');
  const title = (d) => (getLanguage() === 'en' ? d.title.en : d.title.fa) || d.id;
  for (const d of list) {
    const o = document.createElement('option');
    o.value = d.id;
    o.textContent = title(d);
    o.dataset.fa = d.title.fa;
    o.dataset.en = d.title.en;
    select.append(o);
  }
  if (want) select.value = want;
  syncAnchor();
}

function retitleDatasets() {
  for (const o of $('fc-fit_dataset').querySelectorAll('option[data-en]')) o.textContent = getLanguage() === 'en' ? o.dataset.en : o.dataset.fa;
}

function fillFromAddress() {
  const q = new URLSearchParams(location.search);
  for (const el of fields()) if (q.has(el.name)) el.value = q.get(el.name);
  for (const [key, id] of Object.entries(CAPACITY)) if (q.has(`beds_${key}`)) $(id).value = q.get(`beds_${key}`);
  if (RANGED.some((n) => q.has(`${n}_min`) || q.has(`${n}_max`))) $('fc-ranges').open = true;
  if (Object.keys(CAPACITY).some((k) => q.has(`beds_${k}`))) $('fc-capacity').open = true;
}

async function run({ push = true } = {}) {
  clearErrors();
  const { capacity, bad } = readCapacity();
  if (bad) { fieldError(bad, t('forecast.capacity_invalid')); return; }
  const q = query();
  busy?.abort();
  const ctl = new AbortController();
  busy = ctl;
  $('fc-results').hidden = false;
  $('fc-status').textContent = t('forecast.loading');
  $('fc-submit').disabled = true;
  try {
    const [data] = await Promise.all([
      getJSON(`/api/v1/forecast?${q}`, { signal: ctl.signal }),
      loadUplot().catch(() => null), // the tables still come without the charts
    ]);
    if (busy !== ctl) return;
    if (push) {
      const address = new URLSearchParams(q);
      for (const [k, v] of Object.entries(capacity)) address.set(`beds_${k}`, String(v));
      const lang = new URLSearchParams(location.search).get('lang');
      if (lang) address.set('lang', lang);
      history.replaceState(null, '', `${location.pathname}?${address}`);
    }
    const csv = new URLSearchParams(q);
    csv.set('format', 'csv');
    $('fc-csv').href = `/api/v1/forecast?${csv}`;
    last = { data, capacity };
    render();
    if (push) $('fc-results-h2').focus(); // a reader who asked is taken to the answer
  } catch (e) {
    if (e?.name === 'AbortError') return;
    $('fc-status').textContent = '';
    if (!last) $('fc-results').hidden = true;
    showError(e);
  } finally {
    if (busy === ctl) { busy = null; $('fc-submit').disabled = false; }
  }
}

/* ------------------------------------------------------------ rendering */

const whole = (v) => (v == null || !Number.isFinite(v) ? t('forecast.none') : formatNumber(Math.round(v)));
const decimal = (v, digits) => (v == null || !Number.isFinite(v) ? t('forecast.none')
  : formatNumber(v, { maximumFractionDigits: digits, minimumFractionDigits: 0 }));

function shortDate(iso) {
  // Day and month only (the axis has little room): Persian ۱۲/۲۹, English 03-20.
  const s = formatDate(iso, { style: 'numeric' });
  return s.replace(/^[^/-]+[/-]/, '');
}

function render() {
  if (!last) return;
  const { data, capacity } = last;
  const days = data.days.filter((d) => d.day >= 0);
  const bands = data.bands ? new Map(data.bands.days.map((b) => [b.day, b])) : null;
  $('fc-status').textContent = t('forecast.done', { days: formatNumber(days.length - 1), date: formatDate(data.current_date) });
  renderSummary(data);
  for (const kind of ['admits', 'census']) {
    renderTable(kind, days, bands, data.bands);
    renderLegend(kind, bands, kind === 'census' ? capacity : {});
  }
  renderCharts(days, bands, capacity);
}

function renderSummary(data) {
  const dl = $('fc-summary');
  dl.replaceChildren();
  const row = (key, value, cls) => {
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (cls) dd.className = cls;
    dl.append(dt, dd);
  };
  row('forecast.summary_first', formatDate(data.date_first_hospitalized));
  row('forecast.summary_doubling', t('forecast.days_value', { n: decimal(data.doubling_time, 1) }));
  const dtt = data.doubling_time_t;
  if (dtt == null) row('forecast.summary_doubling_t', t('forecast.none'));
  else if (dtt < 0) row('forecast.summary_halving_t', t('forecast.days_value', { n: decimal(-dtt, 1) }));
  else row('forecast.summary_doubling_t', t('forecast.days_value', { n: decimal(dtt, 1) }));
  row('forecast.summary_r0', decimal(data.r_naught, 2));
  row('forecast.summary_rt', decimal(data.r_t, 2));
  if (data.fit) row('forecast.summary_fit', t('forecast.fit_value', { points: formatNumber(data.fit.points), rms: decimal(data.fit.rms_residual, 2) }), 'fc-fit');
}

function cell(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function renderTable(kind, days, bands, bandInfo) {
  const table = $(`fc-${kind}-table`);
  table.replaceChildren();
  const caption = cell('caption', t(`forecast.${kind}_caption`));
  caption.className = 'visually-hidden';
  table.append(caption);
  const head = document.createElement('thead');
  const hr = document.createElement('tr');
  hr.append(cell('th', t('forecast.col_date'), { scope: 'col' }));
  for (const d of DISPOSITIONS) hr.append(cell('th', t(`forecast.series_${d.key}`), { scope: 'col' }));
  head.append(hr);
  const body = document.createElement('tbody');
  for (const day of days) {
    const tr = document.createElement('tr');
    tr.append(cell('th', formatDate(day.date, { style: 'numeric' }), { scope: 'row' }));
    for (const d of DISPOSITIONS) {
      const col = `${kind}_${d.key}`;
      let text = whole(day[col]);
      const b = bands?.get(day.day);
      if (b) text += ` (${whole(b[col][0])}–${whole(b[col][2])})`;
      tr.append(cell('td', text));
    }
    body.append(tr);
  }
  table.append(head, body);
  const note = table.closest('details').querySelector('.fc-note');
  if (bandInfo && !note) {
    const p = cell('p', '');
    p.className = 'fc-note';
    table.closest('details').querySelector('summary').after(p);
  }
  const p = table.closest('details').querySelector('.fc-note');
  if (p) {
    p.hidden = !bandInfo;
    if (bandInfo) p.textContent = t('forecast.band_note', { runs: formatNumber(bandInfo.runs - bandInfo.failed_runs) });
  }
}

function renderLegend(kind, bands, capacity) {
  const ul = $(`fc-${kind}-legend`);
  ul.replaceChildren();
  const item = (label, color, cls) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = `fc-swatch ${cls}`;
    sw.style.color = color;
    li.append(sw, document.createTextNode(label));
    ul.append(li);
  };
  for (const d of DISPOSITIONS) {
    item(t(`forecast.series_${d.key}`), d.color, d.swatch);
    if (capacity[d.key] != null) item(t('forecast.capacity_line', { name: t(`forecast.series_${d.key}`) }), d.color, 'fc-swatch-dashed fc-swatch-thin');
  }
  if (bands) item(t('forecast.band_legend'), '#555', 'fc-swatch-band');
}

async function renderCharts(days, bands, capacity) {
  let uPlot;
  try { uPlot = await loadUplot(); } catch { return; }
  for (const c of charts.splice(0)) c.destroy();
  const x = days.map((d) => d.day);
  const dates = new Map(days.map((d) => [d.day, d.date]));
  for (const kind of ['admits', 'census']) {
    const el = $(`fc-${kind}-chart`);
    el.replaceChildren();
    const series = [{}];
    const values = [x];
    const bandOpts = [];
    for (const d of DISPOSITIONS) {
      const col = `${kind}_${d.key}`;
      series.push({ label: t(`forecast.series_${d.key}`), stroke: d.color, width: 2, dash: d.dash ?? undefined, points: { show: false } });
      values.push(days.map((day) => day[col]));
      if (bands) {
        const hi = series.length;
        series.push({ label: '95', stroke: 'transparent', width: 0, points: { show: false } });
        values.push(days.map((day) => bands.get(day.day)?.[col][2] ?? null));
        series.push({ label: '5', stroke: 'transparent', width: 0, points: { show: false } });
        values.push(days.map((day) => bands.get(day.day)?.[col][0] ?? null));
        bandOpts.push({ series: [hi, hi + 1], fill: `${d.color}33` });
      }
      if (kind === 'census' && capacity[d.key] != null) {
        series.push({ label: t('forecast.capacity_line', { name: t(`forecast.series_${d.key}`) }), stroke: d.color, width: 1, dash: [12, 6], points: { show: false } });
        values.push(x.map(() => capacity[d.key]));
      }
    }
    const width = Math.max(240, el.clientWidth);
    const opts = {
      width,
      height: Math.round(Math.min(320, Math.max(200, width * 0.55))),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      series,
      bands: bandOpts,
      axes: [
        { values: (u, splits) => splits.map((v) => (dates.has(v) ? shortDate(dates.get(v)) : '')), font: '12px system-ui', stroke: '#383f43' },
        { values: (u, splits) => splits.map((v) => formatNumber(v, Number.isInteger(v) ? {} : { maximumFractionDigits: 2 })), font: '12px system-ui', size: 56, stroke: '#383f43' },
      ],
    };
    charts.push(new uPlot(opts, values, el));
  }
}

let resizeTimer = 0;
const resizer = new ResizeObserver(() => {
  cancelAnimationFrame(resizeTimer);
  resizeTimer = requestAnimationFrame(() => {
    for (const c of charts) {
      const w = Math.max(240, c.root.parentElement.clientWidth);
      if (Math.abs(w - c.width) > 4) c.setSize({ width: w, height: Math.round(Math.min(320, Math.max(200, w * 0.55))) });
    }
  });
});

async function start() {
  await ready;
  // With scripts the fields the plain form leaves out are used too, and the answer is JSON.
  for (const el of form.querySelectorAll('input[disabled], select[disabled]')) el.disabled = false;
  $('fc-format').disabled = true;
  fillFromAddress();
  syncAnchor();
  $('fc-date_first_hospitalized').addEventListener('input', syncAnchor);
  $('fc-fit_dataset').addEventListener('change', syncAnchor);
  document.addEventListener(LANGUAGE_EVENT, retitleDatasets);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  form.addEventListener('reset', () => {
    // After the browser has put the default values back.
    setTimeout(() => { clearErrors(); syncAnchor(); }, 0);
  });
  resizer.observe($('fc-admits-chart'));
  document.addEventListener(LANGUAGE_EVENT, render);
  await loadDatasets();
  run({ push: false });
}

start();
