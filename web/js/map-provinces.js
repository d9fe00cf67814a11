// Province borders and names for the offline map: the first-level areas of the countries the
// build has a file for (web/vendor/admin1/CC.borders.json, from Natural Earth's admin-1 data —
// see docs/maps.md), drawn as thin lines under everything else at the country and region
// zooms, with each province's name in the page's language, clear of the place names.
//
//   import { addProvinces } from '/js/map-provinces.js';
//   const provinces = addProvinces(L, leafletMap, topojson);  // follows the map's moves
//   provinces.refresh();                                      // after a language change
//   provinces.remove();
//
// A country's file is fetched the first time a view at those zooms shows its box, once per page.

import { getLanguage } from './i18n.js';
import { settleLabels, labelBoxes } from './map-labels.js';

/**
 * The countries with provinces (ISO 3166-1 alpha-2, as scripts/admin1.mjs lists them): their
 * file (a whole address, which the build replaces by the content-hashed one) and a box around
 * them [west, south, east, north], to know without the file whether a view shows them.
 */
export const PROVINCE_FILES = {
  IR: { url: '/vendor/admin1/IR.borders.json', bbox: [44.0, 25.0, 63.4, 39.8] },
};

/** Zooms at which the borders are drawn (a country's view to a city's), and their names. */
export const BORDER_ZOOMS = [5, 10];
export const NAME_ZOOMS = [5, 8];

const STYLE = { color: '#8a7aa8', weight: 1, opacity: 0.9, dashArray: '5 3', lineCap: 'butt' };

const files = new Map(); // url → Promise of {borders, labels} (GeoJSON)
function loadCountry(url, topojson) {
  if (!files.has(url)) {
    const p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`map provinces: ${url} answered ${r.status}`);
      return r.json();
    }).then((topo) => ({
      borders: topojson.feature(topo, topo.objects.borders),
      labels: topojson.feature(topo, topo.objects.labels).features,
    }));
    files.set(url, p);
    p.catch(() => files.delete(url));
  }
  return files.get(url);
}

/** The countries of PROVINCE_FILES whose box meets [west, south, east, north]. */
export function countriesInView([w, s, e, n]) {
  return Object.keys(PROVINCE_FILES).filter((cc) => {
    const [bw, bs, be, bn] = PROVINCE_FILES[cc].bbox;
    return bw <= e && w <= be && bs <= n && s <= bn;
  });
}

const within = (z, [lo, hi]) => z >= lo && z <= hi;

/**
 * Adds the provinces to a Leaflet map: the lines in a pane above the basemap and any tiles and
 * below the areas, names and markers; the names in a pane just below the place names. Returns
 * {refresh, remove}; the map's container gets data-provinces (the countries drawn, e.g. "IR"),
 * data-provinces-zoom (the zoom they were drawn for) and data-province-labels (how many names
 * are shown) after each drawing.
 */
export function addProvinces(L, map, topojson) {
  const linePane = map.getPane('provinces') || map.createPane('provinces');
  linePane.style.zIndex = '250';
  linePane.style.pointerEvents = 'none';
  const labelPane = map.getPane('provinceLabels') || map.createPane('provinceLabels');
  labelPane.classList.add('hy-place-labels', 'hy-province-labels');
  labelPane.style.zIndex = '440';
  labelPane.style.pointerEvents = 'none';
  labelPane.setAttribute('aria-hidden', 'true');
  const renderer = L.canvas({ pane: 'provinces', padding: 0.5 });
  const container = map.getContainer();
  const drawn = new Map(); // cc → {layer, labels}
  let seq = 0, removed = false;

  function drawNames() {
    const zoom = map.getZoom();
    const frag = document.createDocumentFragment();
    const made = [];
    if (within(zoom, NAME_ZOOMS)) {
      const lang = getLanguage() === 'fa' ? 'fa' : 'en';
      const size = { x: container.clientWidth, y: container.clientHeight };
      for (const { labels } of drawn.values()) {
        for (const f of labels) {
          const [lon, lat] = f.geometry.coordinates;
          const at = map.latLngToContainerPoint([lat, lon]);
          if (at.x < 0 || at.y < 0 || at.x > size.x || at.y > size.y) continue;
          const el = document.createElement('span');
          el.className = 'hy-place-label hy-province-label';
          el.lang = lang;
          el.dir = 'auto';
          el.textContent = lang === 'fa' ? f.properties.name_fa : f.properties.name_en;
          el.dataset.province = String(f.id);
          frag.append(el);
          made.push({ el, x: at.x, y: at.y });
        }
      }
    }
    labelPane.replaceChildren(frag);
    labelPane.hidden = false;
    // The place names are drawn first and win: a province's name goes where none of them is.
    const taken = labelBoxes(container, '.hy-place-labels:not(.hy-province-labels) .hy-place-label');
    container.dataset.provinceLabels = String(settleLabels(L, map, made, taken));
  }

  async function update() {
    if (removed || !map._loaded) return;
    const mine = ++seq;
    const zoom = map.getZoom();
    const b = map.getBounds();
    const wanted = within(zoom, BORDER_ZOOMS)
      ? countriesInView([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]) : [];
    for (const [cc, d] of drawn) {
      if (!wanted.includes(cc)) { d.layer.remove(); drawn.delete(cc); }
    }
    try {
      for (const cc of wanted) {
        if (drawn.has(cc)) continue;
        const data = await loadCountry(PROVINCE_FILES[cc].url, topojson);
        if (mine !== seq || removed || drawn.has(cc)) return;
        const layer = L.geoJSON(data.borders, { pane: 'provinces', renderer, interactive: false, style: STYLE }).addTo(map);
        drawn.set(cc, { layer, labels: data.labels });
      }
    } catch (e) {
      console.warn(String(e)); // the map works without its provinces
    }
    if (mine !== seq || removed) return;
    container.dataset.provinces = [...drawn.keys()].join(' ');
    container.dataset.provincesZoom = String(Math.round(zoom));
    drawNames();
  }

  const hide = () => { labelPane.hidden = true; };
  const relayout = () => { if (!removed && drawn.size) drawNames(); };
  map.on('zoomstart', hide);
  map.on('moveend resize', update);
  map.on('placelabels', relayout); // the place names moved: the provinces' make way again
  map.whenReady(update);

  return {
    refresh: relayout,
    remove() {
      removed = true;
      map.off('zoomstart', hide);
      map.off('moveend resize', update);
      map.off('placelabels', relayout);
      for (const d of drawn.values()) d.layer.remove();
      drawn.clear();
      labelPane.replaceChildren();
    },
  };
}
