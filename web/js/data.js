// The open-data dashboard (/data) and its embeddable card (/embed/data): a dataset's daily
// values as cards, one a numeric column, each a uPlot chart of the daily totals and their 7-day
// average with the same numbers in a table and a CSV link beside it; filters by area and
// period; the totals and latest values per area. Every number comes from the store's
// aggregates (GET /api/v1/datasets/{id}/daily and /areas); dates are Solar Hijri and digits
// Persian in Persian.
//
// The address holds the choice (/data?dataset=ID&area=…&from=…&to=…), so a view can be shared;
// /embed/data?dataset=ID&column=NAME shows one card for other sites.

import { t, formatNumber, formatDate, getLanguage, ready, LANGUAGE_EVENT } from './i18n.js';
import { getJSON, ApiError } from './api.js';
import { loadUplot } from './charts.js';
import { exampleBadge } from './example.js';
import { getMe } from './session.js';
import { loadProvinces, matchProvinces, classes, drawMap, CLASS_COLORS, NO_DATA_COLOR } from './choropleth.js';

const $ = (id) => document.getElementById(id);
const embed = Boolean(document.querySelector('[data-embed]'));
const COLORS = ['#0b4a63', '#a4201c', '#5a3d99', '#2f6b2f', '#8a5a00', '#444'];

let state = null; // { meta, daily, areas, query }
const charts = [];

const enc = encodeURIComponent;

function cell(tag, text, attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const num = (v) => (v == null || !Number.isFinite(v) ? t('data.none') : formatNumber(v, { maximumFractionDigits: 2 }));
const title = (d) => (getLanguage() === 'en' ? d.title.en : d.title.fa) || d.id;

/** The filter as the API takes it: area, from, to (only those given). */
function filterQuery(q) {
  const out = new URLSearchParams();
  for (const k of ['area', 'from', 'to']) if (q.get(k)) out.set(k, q.get(k));
  return out;
}

async function load() {
  const q = new URLSearchParams(location.search);
  const status = $('db-status');
  status.textContent = t('data.loading');
  let id = q.get('dataset');
  try {
    if (!embed) {
      const list = (await getJSON('/api/v1/datasets')).datasets;
      const select = $('db-dataset');
      select.replaceChildren(...list.map((d) => {
        const o = cell('option', title(d), { value: d.id });
        o.dataset.fa = d.title.fa;
        o.dataset.en = d.title.en;
        if (d.demo) o.dataset.demo = '1';
        return o;
      }));
      if (!list.length) { status.textContent = t('data.empty'); return; }
      if (!id || !list.some((d) => d.id === id)) id = list[0].id;
      select.value = id;
      for (const k of ['from', 'to']) $(`db-${k}`).value = q.get(k) || '';
    }
    if (!id) { status.textContent = t('data.no_dataset'); return; }
    const f = filterQuery(q);
    const meta = await getJSON(`/api/v1/datasets/${enc(id)}`);
    const daily = new URLSearchParams(f);
    if (embed && q.get('column')) daily.set('column', q.get('column'));
    const areaQuery = new URLSearchParams(f);
    areaQuery.delete('area');
    const [days, areas] = await Promise.all([
      getJSON(`/api/v1/datasets/${enc(id)}/daily?${daily}`),
      meta.area_column && !embed ? getJSON(`/api/v1/datasets/${enc(id)}/areas?${areaQuery}`) : null,
    ]);
    state = { meta, days, areas, query: f };
    status.textContent = '';
    render();
  } catch (e) {
    status.textContent = e instanceof ApiError ? e.message : t('error.unknown');
  }
}

function render() {
  if (!state) return;
  const { meta, days, areas, query } = state;
  $('db-view').hidden = false;
  $('db-title').textContent = title(meta);
  if (meta.demo) $('db-title').append(' ', exampleBadge());
  if (!embed) {
    for (const o of $('db-dataset').querySelectorAll('option[data-en]')) {
      const name = getLanguage() === 'en' ? o.dataset.en : o.dataset.fa;
      o.textContent = o.dataset.demo ? `${name} (${t('demo.example')})` : name;
    }
    $('db-description').textContent = getLanguage() === 'en' ? meta.description.en : meta.description.fa;
    renderMeta(meta);
    const select = $('db-area');
    const keep = query.get('area') || '';
    select.replaceChildren(cell('option', t('data.area_all'), { value: '' }), ...(areas?.areas || []).map((a) => cell('option', a.area, { value: a.area })));
    select.value = keep;
    select.closest('.field').hidden = !meta.area_column;
    $('db-csv').href = `${meta.links.csv}?${query}`;
    $('db-json').href = `${meta.links.json}?${query}`;
    $('db-package').href = meta.links.datapackage;
    renderAreas(areas);
    renderMap(meta, areas);
  } else {
    $('db-more').href = `/data?dataset=${enc(meta.id)}`;
  }
  renderCards(meta, days, query);
}

function renderMeta(meta) {
  const dl = $('db-meta');
  dl.replaceChildren();
  const row = (key, value) => { if (value) dl.append(cell('dt', t(key)), cell('dd', value, { class: 'fc-fit' })); };
  row('data.meta_source', meta.source);
  row('data.meta_licence', meta.licence);
  row('data.meta_updated', formatDate(meta.updated_at.slice(0, 10)));
  row('data.meta_period', `${formatDate(meta.first_date)} – ${formatDate(meta.last_date)}`);
  row('data.meta_cutoff', meta.cutoff ? t('data.cutoff_value', { time: formatNumber(Number(meta.cutoff.slice(0, 2)), { minimumIntegerDigits: 2 }) + ':' + formatNumber(Number(meta.cutoff.slice(3)), { minimumIntegerDigits: 2 }) }) : '');
  row('data.meta_contact', meta.contact);
  row('data.meta_version', formatNumber(meta.version));
}

function renderCards(meta, days, query) {
  const box = $('db-cards');
  for (const c of charts.splice(0)) c.destroy();
  box.replaceChildren();
  days.columns.forEach((name, k) => {
    const id = `db-card-${k}`;
    const fig = cell('figure', '', { class: 'fc-figure db-card', id });
    const cap = cell('figcaption', name, { class: 'fc-caption', id: `${id}-caption` });
    const legend = cell('ul', '', { class: 'fc-legend', 'aria-hidden': 'true' });
    for (const [label, cls] of [[t('data.series_total'), ''], [t('data.series_avg7'), 'fc-swatch-dashed']]) {
      const li = document.createElement('li');
      const sw = cell('span', '', { class: `fc-swatch ${cls}` });
      sw.style.color = COLORS[k % COLORS.length];
      li.append(sw, document.createTextNode(label));
      legend.append(li);
    }
    const chart = cell('div', '', { class: 'fc-chart', dir: 'ltr', 'aria-hidden': 'true' });
    const details = document.createElement('details');
    details.className = 'fc-table';
    details.append(cell('summary', t('data.table_summary')));
    const scroll = cell('div', '', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': `${id}-caption` });
    const table = cell('table', '', { class: 'table' });
    table.append(cell('caption', name, { class: 'visually-hidden' }));
    const head = document.createElement('thead');
    const hr = document.createElement('tr');
    hr.append(cell('th', t('data.col_date'), { scope: 'col' }), cell('th', t('data.series_total'), { scope: 'col' }), cell('th', t('data.series_avg7'), { scope: 'col' }));
    head.append(hr);
    const body = document.createElement('tbody');
    for (const d of days.days) {
      const tr = document.createElement('tr');
      tr.append(cell('th', formatDate(d.date, { style: 'numeric' }), { scope: 'row' }), cell('td', num(d.total[k])), cell('td', num(d.avg7[k])));
      body.append(tr);
    }
    table.append(head, body);
    scroll.append(table);
    details.append(scroll);
    const links = cell('p', '', { class: 'db-links' });
    const csv = new URLSearchParams(query);
    links.append(cell('a', t('data.csv_link'), { href: `${meta.links.csv}?${csv}`, class: 'db-csv' }));
    if (!embed) {
      const e = new URLSearchParams({ dataset: meta.id, column: name, ...Object.fromEntries(query) });
      links.append(document.createTextNode(' · '), cell('a', t('data.embed_link'), { href: `/embed/data?${e}`, class: 'db-embed' }));
    }
    fig.append(cap, legend, chart, details, links);
    box.append(fig);
    drawChart(chart, days, k);
  });
}

/** Month and day only (the axis has little room): Persian ۱۰/۱۱, English 01-01. */
const shortDate = (iso) => formatDate(iso, { style: 'numeric' }).replace(/^[^/-]+[/-]/, '');

async function drawChart(el, days, k) {
  let uPlot;
  try { uPlot = await loadUplot(); } catch { return; }
  const x = days.days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 86400000);
  const dates = new Map(days.days.map((d, i) => [x[i], d.date]));
  const color = COLORS[k % COLORS.length];
  const width = Math.max(240, el.clientWidth);
  const opts = {
    width,
    height: Math.round(Math.min(300, Math.max(180, width * 0.5))),
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false } },
    series: [{}, { label: t('data.series_total'), stroke: color, width: 1, points: { show: false } },
      { label: t('data.series_avg7'), stroke: color, width: 2, dash: [8, 5], points: { show: false } }],
    axes: [
      { values: (u, splits) => splits.map((v) => (dates.has(v) ? shortDate(dates.get(v)) : '')), font: '12px system-ui', stroke: '#383f43', space: 60 },
      { values: (u, splits) => splits.map((v) => formatNumber(v, Number.isInteger(v) ? {} : { maximumFractionDigits: 2 })), font: '12px system-ui', size: 56, stroke: '#383f43' },
    ],
  };
  charts.push(new uPlot(opts, [x, days.days.map((d) => d.total[k]), days.days.map((d) => d.avg7[k])], el));
}

function renderAreas(areas) {
  const fig = $('db-areas');
  fig.hidden = !areas || !areas.areas.length;
  if (fig.hidden) return;
  const table = $('db-areas-table');
  table.replaceChildren(cell('caption', t('data.areas_caption'), { class: 'visually-hidden' }));
  const head = document.createElement('thead');
  const hr = document.createElement('tr');
  hr.append(cell('th', t('data.col_area'), { scope: 'col' }));
  for (const c of areas.columns) hr.append(cell('th', t('data.col_total', { name: c }), { scope: 'col' }), cell('th', t('data.col_latest', { name: c }), { scope: 'col' }));
  head.append(hr);
  const body = document.createElement('tbody');
  for (const a of areas.areas) {
    const tr = document.createElement('tr');
    tr.append(cell('th', a.area, { scope: 'row' }));
    areas.columns.forEach((c, i) => {
      tr.append(cell('td', num(a.total[i])));
      tr.append(cell('td', a.latest[i] == null ? t('data.none') : t('data.latest_value', { value: num(a.latest[i]), date: formatDate(a.latest_date[i], { style: 'numeric' }) })));
    });
    body.append(tr);
  }
  table.append(head, body);
}

/** The map of the latest value per province, where area names match provinces. */
async function renderMap(meta, areas) {
  const fig = $('db-map');
  if (!areas || !areas.areas.length) { fig.hidden = true; return; }
  let features;
  try { features = await loadProvinces(); } catch { fig.hidden = true; return; }
  if (state?.areas !== areas) return; // another dataset or filter was drawn meanwhile
  const { matched, unmatched } = matchProvinces(areas.areas.map((a) => a.area), features);
  fig.hidden = matched.length === 0;
  if (fig.hidden) return;
  const select = $('db-map-column');
  const keep = Number(select.value) || 0;
  select.replaceChildren(...areas.columns.map((c, i) => cell('option', c, { value: String(i) })));
  select.value = String(keep < areas.columns.length ? keep : 0);
  const k = Number(select.value);
  const byArea = new Map(areas.areas.map((a) => [a.area, a]));
  const valueOfFeature = new Map(matched.map(({ area, feature }) => [feature, byArea.get(area)]));
  const value = (f) => { const a = valueOfFeature.get(f); return a && a.latest[k] != null ? a.latest[k] : undefined; };
  const scale = classes(matched.map(({ feature }) => value(feature)).filter((v) => v !== undefined));
  const fa = getLanguage() === 'fa';
  const pname = (f) => (fa ? f.properties.name_fa : f.properties.name_en);
  const box = $('db-map-svg');
  box.replaceChildren(drawMap(features, value, (f) => {
    const v = value(f);
    return `${pname(f)}: ${v === undefined ? t('data.map_no_data') : num(v)}`;
  }, scale));
  // The legend: each class's range, and the colour of provinces without a value.
  const legend = $('db-map-legend');
  legend.replaceChildren();
  const key = (color, text) => {
    const li = document.createElement('li');
    const sw = cell('span', '', { class: 'db-map-key' });
    sw.style.background = color;
    li.append(sw, document.createTextNode(text));
    legend.append(li);
  };
  if (scale) {
    const classesUsed = scale.step > 0 ? CLASS_COLORS.length : 1;
    for (let i = CLASS_COLORS.length - classesUsed; i < CLASS_COLORS.length; i++) {
      const from = scale.step > 0 ? scale.bounds[i] : scale.lo;
      const to = scale.step > 0 ? (i === CLASS_COLORS.length - 1 ? scale.hi : scale.bounds[i + 1]) : scale.hi;
      key(CLASS_COLORS[i], t('data.map_range', { from: num(from), to: num(to) }));
    }
  }
  key(NO_DATA_COLOR, t('data.map_no_data'));
  // The same numbers in a table: province, the area as the file names it, value and day.
  const table = $('db-map-table');
  table.replaceChildren(cell('caption', `${t('data.map_caption')} — ${areas.columns[k]}`, { class: 'visually-hidden' }));
  const head = document.createElement('thead');
  const hr = document.createElement('tr');
  hr.append(cell('th', t('data.col_province'), { scope: 'col' }), cell('th', t('data.col_area'), { scope: 'col' }),
    cell('th', t('data.col_value'), { scope: 'col' }), cell('th', t('data.col_date'), { scope: 'col' }));
  head.append(hr);
  const body = document.createElement('tbody');
  const rows = matched.slice().sort((x, y) => (value(y.feature) ?? -Infinity) - (value(x.feature) ?? -Infinity));
  for (const { area, feature } of rows) {
    const a = byArea.get(area);
    const tr = document.createElement('tr');
    tr.dataset.code = feature.properties.code;
    tr.append(cell('th', pname(feature), { scope: 'row' }), cell('td', area), cell('td', num(a.latest[k])),
      cell('td', a.latest_date[k] ? formatDate(a.latest_date[k], { style: 'numeric' }) : t('data.none')));
    body.append(tr);
  }
  table.append(head, body);
  const left = $('db-map-unmatched');
  left.hidden = unmatched.length === 0;
  left.textContent = unmatched.length ? t('data.map_unmatched', { list: unmatched.join(fa ? '، ' : ', ') }) : '';
}

async function start() {
  await ready;
  if (!embed) {
    // A new dataset starts without the old one's area.
    $('db-dataset').addEventListener('change', () => { $('db-area').value = ''; });
    $('db-map-column').addEventListener('change', () => { if (state) renderMap(state.meta, state.areas); });
    $('db-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      for (const el of $('db-form').querySelectorAll('[name]')) if (el.value) q.set(el.name, el.value);
      const lang = new URLSearchParams(location.search).get('lang');
      if (lang) q.set('lang', lang);
      history.replaceState(null, '', `${location.pathname}?${q}`);
      load().then(() => $('db-title').focus());
    });
  }
  document.addEventListener(LANGUAGE_EVENT, render);
  if (!embed) {
    // Editors and admins get a link to the upload form (getMe asks only when this browser signed in).
    getMe().then((me) => { if (me && ['editor', 'admin'].includes(me.role)) $('db-upload-link').hidden = false; }).catch(() => {});
  }
  await load();
}

start();
