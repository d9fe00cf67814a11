// The provinces the build cuts for the offline map (scripts/admin1.mjs, web/vendor/admin1/) and
// the lighter world outlines (scripts/outlines.mjs): valid GeoJSON by a real validator, both
// names and a label inside its own province for every feature, the map's borders file true to
// the provinces, and the map's list of countries in step with the build's. Needs no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import geojsonhint from '@mapbox/geojsonhint';
import * as topojson from 'topojson-client';
import { ADMIN1_COUNTRIES, extractAdmin1, provinceBorders } from '../../scripts/admin1.mjs';
import { coarseOutlines } from '../../scripts/outlines.mjs';
import { PROVINCE_FILES, countriesInView } from '../../web/js/map-provinces.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vendor = (p) => join(ROOT, 'web', 'vendor', p);
const read = (p) => readFileSync(vendor(p), 'utf8');

// Even–odd ray casting over all rings: inside the outer ring and outside its holes.
function insideRings(pt, rings) {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
const polygonsOf = (g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
const inside = (pt, g) => polygonsOf(g).some((rings) => insideRings(pt, rings));

test('the ray-casting check itself: in, out, in a hole', () => {
  const square = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]] };
  assert.equal(inside([1, 1], square), true);
  assert.equal(inside([11, 1], square), false);
  assert.equal(inside([5, 5], square), false);
});

for (const cc of ADMIN1_COUNTRIES) {
  const text = read(`admin1/${cc}.geojson`);
  const fc = JSON.parse(text);

  test(`${cc}.geojson: valid GeoJSON (geojsonhint), unique ids, both names, a label inside its province`, () => {
    assert.deepEqual(geojsonhint.hint(text), []);
    assert.equal(fc.type, 'FeatureCollection');
    assert.ok(fc.features.length > 0);
    const ids = fc.features.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length, 'feature ids are unique (the ISO code is not: Natural Earth gives Alborz and Tehran IR-07)');
    for (const f of fc.features) {
      const p = f.properties;
      assert.ok(p.name_en && /^[\p{Script=Latin}\s'’.-]+$/u.test(p.name_en), `${f.id}: English name «${p.name_en}»`);
      assert.ok(p.name_fa && /\p{Script=Arabic}/u.test(p.name_fa), `${f.id}: Persian name «${p.name_fa}»`);
      assert.doesNotMatch(p.name_fa, /^استان/u, `${f.id}: the name without the word «استان»`);
      assert.ok(inside(p.label, f.geometry), `${f.id} (${p.name_en}): label ${p.label} inside the province`);
    }
  });

  if (cc === 'IR') {
    test('IR.geojson: Iran’s 31 provinces, Tehran and Alborz apart despite one code', () => {
      assert.equal(fc.features.length, 31);
      const byName = Object.fromEntries(fc.features.map((f) => [f.properties.name_en, f]));
      assert.equal(byName.Tehran.properties.name_fa, 'تهران');
      assert.equal(byName.Alborz.properties.name_fa, 'البرز');
      assert.notEqual(byName.Tehran.id, byName.Alborz.id);
      assert.ok(inside([51.389, 35.689], byName.Tehran.geometry), 'Tehran the city is in Tehran province');
      assert.ok(inside([50.939, 35.84], byName.Alborz.geometry), 'Karaj is in Alborz');
      assert.ok(!inside([50.939, 35.84], byName.Tehran.geometry), 'Karaj is not in Tehran province');
    });
  }

  test(`${cc}.borders.json: the built file is provinceBorders() of ${cc}.geojson`, () => {
    assert.equal(read(`admin1/${cc}.borders.json`), provinceBorders(text));
  });

  test(`${cc}.borders.json: every border once, between two provinces, and every province's name`, () => {
    const topo = JSON.parse(read(`admin1/${cc}.borders.json`));
    assert.equal(topo.type, 'Topology');
    const lines = topojson.feature(topo, topo.objects.borders).geometry.coordinates;
    // The provinces' edges, and how many provinces have each.
    const k = (p) => `${p[0].toFixed(3)},${p[1].toFixed(3)}`;
    const edges = new Map();
    for (const f of fc.features) {
      for (const rings of polygonsOf(f.geometry)) {
        for (const ring of rings) {
          for (let i = 1; i < ring.length; i++) {
            const a = k(ring[i - 1]), b = k(ring[i]);
            const e = a < b ? `${a}|${b}` : `${b}|${a}`;
            edges.set(e, (edges.get(e) || 0) + 1);
          }
        }
      }
    }
    const inner = [...edges.values()].filter((n) => n === 2).length;
    assert.ok(inner > 0);
    const seen = new Set();
    for (const line of lines) {
      assert.ok(line.length >= 2);
      for (let i = 1; i < line.length; i++) {
        const a = k(line[i - 1]), b = k(line[i]);
        const e = a < b ? `${a}|${b}` : `${b}|${a}`;
        assert.equal(edges.get(e), 2, `segment ${e} lies between two provinces`);
        assert.ok(!seen.has(e), `segment ${e} drawn once`);
        seen.add(e);
      }
    }
    assert.equal(seen.size, inner, 'every border between two provinces is drawn');
    const labels = topojson.feature(topo, topo.objects.labels).features;
    assert.deepEqual(labels.map((l) => l.id), fc.features.map((f) => f.id));
    for (const [i, l] of labels.entries()) {
      const p = fc.features[i].properties;
      assert.deepEqual(l.properties, { name_en: p.name_en, name_fa: p.name_fa });
      assert.deepEqual(l.geometry.coordinates.map((v) => Number(v.toFixed(3))), p.label);
    }
  });

  test(`${cc}: the map knows the file, and its box holds the provinces`, () => {
    const entry = PROVINCE_FILES[cc];
    assert.ok(entry, `web/js/map-provinces.js lists ${cc}`);
    assert.equal(entry.url, `/vendor/admin1/${cc}.borders.json`);
    const [w, s, e, n] = entry.bbox;
    for (const f of fc.features) {
      for (const rings of polygonsOf(f.geometry)) {
        for (const [x, y] of rings[0]) assert.ok(x >= w && x <= e && y >= s && y <= n, `${f.id}: ${x},${y} inside ${entry.bbox}`);
      }
    }
  });
}

test('the map lists no country the build does not make', () => {
  assert.deepEqual(Object.keys(PROVINCE_FILES).sort(), [...ADMIN1_COUNTRIES].sort());
});

test('countriesInView: a view that shows Iran asks for it, one that does not, not', () => {
  assert.deepEqual(countriesInView([50.9, 35.5, 51.7, 35.9]), ['IR']); // Tehran
  assert.deepEqual(countriesInView([30, 20, 80, 50]), ['IR']); // around it
  assert.deepEqual(countriesInView([-10, 49, 2, 59]), []); // Britain
  assert.deepEqual(countriesInView([64, 40, 70, 45]), []); // beyond its box
});

test('extractAdmin1: ids, names without «استان», label point, rounded coordinates', () => {
  const collection = {
    features: [
      { properties: { iso_a2: 'XX', adm1_code: 'XXX-2', iso_3166_2: 'XX-01', name_en: 'B', name_fa: 'استان ب', latitude: 0.5, longitude: 0.5 },
        geometry: { type: 'Polygon', coordinates: [[[0, 0], [1.00049, 0], [1, 1], [0, 1], [0, 0]]] } },
      { properties: { iso_a2: 'XX', adm1_code: 'XXX-1', iso_3166_2: 'XX-01', name: 'A', name_fa: 'الف' },
        geometry: { type: 'Polygon', coordinates: [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]] } },
      { properties: { iso_a2: 'YY', adm1_code: 'YYY-1' }, geometry: { type: 'Polygon', coordinates: [[[5, 5], [6, 5], [6, 6], [5, 5]]] } },
    ],
  };
  const out = JSON.parse(extractAdmin1(collection, 'XX'));
  assert.deepEqual(out.features.map((f) => f.id), ['XXX-1', 'XXX-2']);
  assert.deepEqual(out.features[1].properties, { code: 'XX-01', name_en: 'B', name_fa: 'ب', label: [0.5, 0.5] });
  assert.deepEqual(out.features[0].properties.label, [1.5, 0.5], 'no label point: the box’s centre');
  assert.deepEqual(out.features[1].geometry.coordinates[0][1], [1, 0]);
  assert.throws(() => extractAdmin1(collection, 'ZZ'), /no provinces/);
  // The two squares share one side: that side, and only it, is their border.
  const topo = JSON.parse(provinceBorders(out));
  const lines = topojson.feature(topo, topo.objects.borders).geometry.coordinates;
  assert.deepEqual(lines.map((l) => l.map((p) => p.map((v) => Number(v.toFixed(3))))), [[[1, 0], [1, 1]]]);
});

test('coarse world outlines: every country kept, within 0.04° of world-atlas, without names', () => {
  const src = readFileSync(join(ROOT, 'node_modules', 'world-atlas', 'countries-110m.json'));
  const built = read('world-atlas/countries-110m.json');
  assert.equal(built, coarseOutlines(src));
  const a = JSON.parse(src), b = JSON.parse(built);
  const fa = topojson.feature(a, a.objects.countries).features;
  const fb = topojson.feature(b, b.objects.countries).features;
  assert.equal(fb.length, fa.length);
  assert.deepEqual(Object.keys(b.objects), ['countries']);
  assert.ok(fb.every((f) => Object.keys(f.properties || {}).length === 0));
  // Quantizing may merge a country's neighbouring points; every point left is one of the
  // originals, moved by less than a step (0.036°).
  let compared = 0;
  const points = (g) => (JSON.stringify(g?.coordinates ?? []).match(/-?[\d.]+(e-?\d+)?/g) || []).map(Number)
    .reduce((acc, v, i, all) => (i % 2 ? acc : [...acc, [v, all[i + 1]]]), []);
  for (const [i, f] of fa.entries()) {
    const pa = points(f.geometry), pb = points(fb[i].geometry);
    assert.ok(pb.length >= 4 && pb.length <= pa.length, `country ${i}: ${pb.length} points of ${pa.length}`);
    for (const q of pb) {
      const near = Math.min(...pa.map((p) => Math.max(Math.abs(p[0] - q[0]), Math.abs(p[1] - q[1]))));
      assert.ok(near <= 0.04, `country ${i}: ${q} is ${near}° from the nearest original point`);
      compared++;
    }
  }
  assert.ok(compared > 5000, `${compared} coordinates compared`);
});
