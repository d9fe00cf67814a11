// The dashboard's map of the latest value per area: a dataset's areas matched to Iran's
// provinces (web/vendor/admin1/IR.geojson: code, name_en, name_fa, label) by name in either
// language — never by `code` alone (Alborz and Tehran share IR-07 in that file) — drawn as
// plain SVG with a legend, the same numbers in a table beside it, and the areas that match no
// province listed under it.

const SVG = 'http://www.w3.org/2000/svg';
// Five classes, light to dark (each step readable against white and against its neighbours).
export const CLASS_COLORS = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
export const NO_DATA_COLOR = '#f2f2f2';

/**
 * A name as the gazetteer compares it: Arabic yeh and alef maksura → Persian yeh, Arabic kaf →
 * Persian kaf, harakat and tatweel dropped, joiners and every run of spaces, dashes and
 * punctuation removed (so «آذربایجان‌غربی» and «آذربایجان غربی» agree), a leading «استان»
 * or "province of" and a trailing "province" dropped, Latin letters in lower case.
 */
export function provinceKey(name) {
  let s = String(name ?? '').normalize('NFC')
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9')
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[\u200C\u200D\uFEFF]/g, ' ')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[\s\-_.,'’()]+/g, ' ')
    .trim();
  s = s.replace(/^استان\s*/, '').replace(/^province of\s+/, '').replace(/\s+province$/, '');
  return s.replace(/ /g, '');
}

/**
 * Matches area names to provinces. Returns { matched: [{ area, feature }], unmatched: [area] };
 * an area naming a province another area already took is unmatched (one value a province).
 */
export function matchProvinces(areas, features) {
  const byKey = new Map();
  for (const f of features) {
    for (const n of [f.properties.name_en, f.properties.name_fa]) if (n) byKey.set(provinceKey(n), f);
  }
  const matched = [], unmatched = [], taken = new Set();
  for (const area of areas) {
    const f = byKey.get(provinceKey(area));
    if (f && !taken.has(f)) { taken.add(f); matched.push({ area, feature: f }); }
    else unmatched.push(area);
  }
  return { matched, unmatched };
}

/** Class limits: five equal steps from the smallest to the largest value. */
export function classes(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (!v.length) return null;
  const lo = Math.min(...v), hi = Math.max(...v);
  const step = (hi - lo) / CLASS_COLORS.length;
  const bounds = CLASS_COLORS.map((_, i) => lo + step * i);
  const of = (x) => (step > 0 ? Math.min(CLASS_COLORS.length - 1, Math.floor((x - lo) / step)) : CLASS_COLORS.length - 1);
  return { lo, hi, step, bounds, of };
}

// An equal-area-looking projection for Iran's latitudes: longitude scaled by cos(32.5°).
const K = Math.cos((32.5 * Math.PI) / 180);

function rings(geometry) {
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

/**
 * The map as an SVG element: every province, those with a value filled by class and the others
 * grey; `title` per shape (name and value) for pointer users. `valueOf(feature)` is the value
 * or undefined; `label(feature)` its text.
 */
export function drawMap(features, valueOf, label, scale) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const f of features) {
    for (const r of rings(f.geometry)) {
      for (const [lon, lat] of r) {
        const x = lon * K, y = -lat;
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    }
  }
  const svg = document.createElementNS(SVG, 'svg');
  const pad = 0.2;
  svg.setAttribute('viewBox', `${(x0 - pad).toFixed(3)} ${(y0 - pad).toFixed(3)} ${(x1 - x0 + 2 * pad).toFixed(3)} ${(y1 - y0 + 2 * pad).toFixed(3)}`);
  svg.setAttribute('class', 'db-map-svg');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const f of features) {
    const d = rings(f.geometry).map((r) => `M${r.map(([lon, lat]) => `${(lon * K).toFixed(3)},${(-lat).toFixed(3)}`).join('L')}Z`).join('');
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    const v = valueOf(f);
    path.setAttribute('fill', v === undefined || !scale ? NO_DATA_COLOR : CLASS_COLORS[scale.of(v)]);
    path.setAttribute('stroke', '#555');
    path.setAttribute('stroke-width', '0.03');
    path.dataset.code = f.properties.code;
    path.dataset.name = f.properties.name_en;
    const title = document.createElementNS(SVG, 'title');
    title.textContent = label(f);
    path.append(title);
    svg.append(path);
  }
  return svg;
}

let provinces = null;
/** The provinces, fetched once (about 29 KB compressed). */
export async function loadProvinces() {
  if (!provinces) {
    provinces = fetch('/vendor/admin1/IR.geojson').then((r) => {
      if (!r.ok) throw new Error(`provinces: ${r.status}`);
      return r.json();
    }).then((g) => g.features);
    provinces.catch(() => { provinces = null; });
  }
  return provinces;
}
