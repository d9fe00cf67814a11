// The street map: an operator's vector tiles (scripts/osm-tiles.sh, served at /tiles/…) drawn
// by MapLibre GL as a Leaflet layer under the markers, with the streets' and places' names in
// the page's language laid out by the same rule as the gazetteer's labels (map-labels.js), so
// no glyph server is needed. See docs/maps.md.
//
//   import { addStreetMap } from '/js/street-map.js';
//   const street = await addStreetMap(L, leafletMap, { url: '/tiles/{z}/{x}/{y}', max_zoom: 14 });
//   street.glMap;       // the MapLibre map (queryRenderedFeatures …)
//   street.refresh();   // names again, e.g. after a language change
//   street.remove();

import { getLanguage } from './i18n.js';
import { settleLabels, labelBoxes } from './map-labels.js';
import { addStylesheet } from './map.js';

const LIBRARY = {
  gl: '/vendor/maplibre/maplibre-gl.mjs',
  worker: '/vendor/maplibre/maplibre-gl-worker.mjs',
  css: '/vendor/maplibre/maplibre-gl.css',
  leaflet: '/vendor/maplibre/leaflet-maplibre-gl.js',
};

const COLOURS = {
  land: '#f6f3ec', water: '#b9d6ea', park: '#d5e8c8', border: '#7d6f99',
  street: '#ffffff', casing: '#b8b1a5', major: '#fbe3a6', place: '#4a5358',
};

// A street's width in pixels at zoom 10 and 16, by its rank (0 paths … 6 motorways).
const width = (k) => ['interpolate', ['linear'], ['zoom'], 10, ['*', 0.25 * k, ['+', 1, ['get', 'rank']]], 16, ['*', 2 * k, ['+', 1, ['get', 'rank']]]];

/** The MapLibre style of our tilemaker profile (deploy/tiles/): no text layers. */
export function streetStyle(tiles) {
  const url = tiles.url.startsWith('/') ? `${location.origin}${tiles.url}` : tiles.url;
  return {
    version: 8,
    sources: { streets: { type: 'vector', tiles: [url], minzoom: 4, maxzoom: Number(tiles.max_zoom) || 14 } },
    layers: [
      { id: 'land', type: 'background', paint: { 'background-color': COLOURS.land } },
      { id: 'water', type: 'fill', source: 'streets', 'source-layer': 'water', paint: { 'fill-color': COLOURS.water } },
      { id: 'parks', type: 'fill', source: 'streets', 'source-layer': 'landuse', paint: { 'fill-color': COLOURS.park } },
      { id: 'borders', type: 'line', source: 'streets', 'source-layer': 'boundary',
        paint: { 'line-color': COLOURS.border, 'line-width': ['match', ['get', 'admin_level'], [2, 3, 4], 1.6, 0.8], 'line-dasharray': [4, 2] } },
      { id: 'streets-casing', type: 'line', source: 'streets', 'source-layer': 'transportation',
        layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': COLOURS.casing, 'line-width': width(1.4) } },
      { id: 'streets', type: 'line', source: 'streets', 'source-layer': 'transportation',
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': ['case', ['>=', ['get', 'rank'], 4], COLOURS.major, COLOURS.street], 'line-width': width(1) } },
      { id: 'places', type: 'circle', source: 'streets', 'source-layer': 'place',
        paint: { 'circle-radius': 2.5, 'circle-color': COLOURS.place } },
    ],
  };
}

let library = null;
function loadLibrary() {
  library ??= (async () => {
    const [gl] = await Promise.all([import(LIBRARY.gl), addStylesheet(LIBRARY.css)]);
    gl.setWorkerUrl(new URL(LIBRARY.worker, location.href).href);
    globalThis.maplibregl = gl; // the Leaflet plugin (a UMD script) finds it there
    await import(LIBRARY.leaflet);
    return gl;
  })();
  library.catch(() => { library = null; });
  return library;
}

// A feature's name in the page's language: the Persian or English name where the map has one.
function nameOf(props, lang) {
  return (lang === 'fa' ? props.name_fa : props.name_en) || props.name || '';
}

// The middle point of a line (its middle vertex), or the point itself.
function anchorOf(geometry) {
  const mid = (line) => line[Math.floor(line.length / 2)];
  switch (geometry.type) {
    case 'Point': return geometry.coordinates;
    case 'LineString': return mid(geometry.coordinates);
    case 'MultiLineString': return mid(geometry.coordinates.reduce((a, b) => (b.length > a.length ? b : a)));
    default: return null;
  }
}

/**
 * Adds the street map under the markers of a Leaflet map (created by createMap()). Resolves
 * with {glMap, refresh, remove}; the map's container gets data-street-labels (how many names
 * are drawn) after each drawing.
 */
export async function addStreetMap(L, map, tiles) {
  await loadLibrary();
  const layer = L.maplibreGL({ style: streetStyle(tiles), interactive: false, attributionControl: false });
  layer.addTo(map);
  const glMap = layer.getMaplibreMap();
  const pane = map.getPane('streetLabels') || map.createPane('streetLabels');
  pane.classList.add('hy-place-labels');
  pane.style.zIndex = '455';
  pane.style.pointerEvents = 'none';
  pane.setAttribute('aria-hidden', 'true');
  const container = map.getContainer();
  let removed = false;

  function draw() {
    if (removed || !glMap.isStyleLoaded()) return;
    const lang = getLanguage();
    const seen = new Set();
    const found = [];
    // Places before streets, bigger streets before smaller ones.
    const features = glMap.queryRenderedFeatures({ layers: ['places', 'streets'] })
      .map((f) => ({ f, order: f.layer.id === 'places' ? 100 : Number(f.properties.rank) || 0 }))
      .sort((a, b) => b.order - a.order);
    for (const { f } of features) {
      const name = nameOf(f.properties, lang);
      if (!name || seen.has(name)) continue;
      const at = anchorOf(f.geometry);
      if (!at) continue;
      seen.add(name);
      found.push({ name, kind: f.layer.id === 'places' ? 'place' : 'street', lon: at[0], lat: at[1] });
    }
    // The gazetteer's labels, drawn already, are in the way too.
    const taken = labelBoxes(container, '.hy-place-labels:not(.hy-street-labels) .hy-place-label');
    const made = [];
    const frag = document.createDocumentFragment();
    for (const it of found) {
      const p = map.latLngToContainerPoint([it.lat, it.lon]);
      const el = document.createElement('span');
      el.className = `hy-place-label hy-street-label hy-street-label--${it.kind}`;
      el.dir = 'auto';
      el.textContent = it.name;
      el.dataset.kind = it.kind;
      frag.append(el);
      made.push({ el, x: p.x, y: p.y });
    }
    pane.replaceChildren(frag);
    pane.hidden = false;
    container.dataset.streetLabels = String(settleLabels(L, map, made, taken));
  }

  pane.classList.add('hy-street-labels');
  const hide = () => { pane.hidden = true; };
  glMap.on('idle', draw);
  map.on('zoomstart', hide);
  container.dataset.streetMap = 'vector';
  return {
    glMap,
    refresh: draw,
    remove() {
      removed = true;
      glMap.off('idle', draw);
      map.off('zoomstart', hide);
      layer.remove();
      pane.replaceChildren();
    },
  };
}
