// Reusable map component: Leaflet over an offline basemap, clustered markers and an accessible
// list kept in step with the markers. See docs/frontend.md ("Map component").
//
//   import { createMap } from '/js/map.js';
//   const m = await createMap(document.getElementById('map'), {
//     listEl: document.getElementById('map-list'),
//     markers: [{ id: 'g1', lat: 35.7, lon: 51.4, title: 'Group name', description: 'Text', href: '/groups/g1' }],
//   });
//   m.setMarkers([...]); m.select('g1');
//
// Basemap: country outlines from world-atlas (110m; the finer 50m outlines are fetched only when
// the reader zooms in to detailZoom), drawn on a canvas — no tile server needed. If the server's
// /api/v1/config names tiles (its own MBTiles at /tiles/{z}/{x}/{y}, or an operator's external
// URL), they are drawn above the outlines. Above both, the names of the cities, towns and
// neighbourhoods of the server's gazetteer (map-labels.js), at the zooms where they belong; and
// at the country and region zooms the borders and names of the provinces (map-provinces.js).
// Libraries are loaded only when a map is created.

import { t, formatNumber, getDirection, LANGUAGE_EVENT } from './i18n.js';
import { getConfig } from './api.js';
import { addPlaceLabels } from './map-labels.js';
import { addProvinces } from './map-provinces.js';

// Whole addresses, each in one string: the build replaces them by the files' content-hashed names.
const OUTLINES = {
  coarse: '/vendor/world-atlas/countries-110m.json',
  detailed: '/vendor/world-atlas/countries-50m.json',
};
const LIBRARY = {
  leafletCss: '/vendor/leaflet/leaflet.css',
  clusterCss: '/vendor/markercluster/MarkerCluster.css',
  leaflet: '/vendor/leaflet/leaflet.js',
  cluster: '/vendor/markercluster/leaflet.markercluster.js',
  topojson: '/vendor/topojson-client/topojson-client.min.js',
  icon: '/vendor/leaflet/images/marker-icon.png',
  icon2x: '/vendor/leaflet/images/marker-icon-2x.png',
  shadow: '/vendor/leaflet/images/marker-shadow.png',
};

/**
 * Lets the browser paint and handle input before the next piece of work, so that no task runs
 * long (a long task delays everything the reader does; Lighthouse counts it as blocking time).
 */
export function yieldToMain() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => { setTimeout(resolve, 0); });
}

const MARKER_BATCH = 40; // markers made per task

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

/** Adds a library's stylesheet once, before ours (so that ours wins at equal specificity). */
export function addStylesheet(href) {
  const existing = document.querySelector(`link[rel="stylesheet"][href="${href}"]`);
  if (existing) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`map: could not load ${href}`));
    // Before app.css, so that our rules win over the libraries' at equal specificity.
    const app = document.querySelector('link[rel="stylesheet"][href*="/css/app."]');
    document.head.insertBefore(link, app);
  });
}

let libraries = null;
/** Load Leaflet, Leaflet.markercluster and topojson-client once per page. */
export function loadMapLibraries() {
  libraries ??= (async () => {
    const css = Promise.all([addStylesheet(LIBRARY.leafletCss), addStylesheet(LIBRARY.clusterCss)]);
    // UMD builds: importing them runs them, and they set window.L / window.topojson.
    await import(LIBRARY.leaflet);
    await Promise.all([import(LIBRARY.cluster), import(LIBRARY.topojson), css]);
    const L = window.L;
    // The marker images by their whole (hashed) addresses, not a folder plus a file name.
    L.Icon.Default.imagePath = '';
    L.Icon.Default.mergeOptions({ imagePath: '', iconUrl: LIBRARY.icon, iconRetinaUrl: LIBRARY.icon2x, shadowUrl: LIBRARY.shadow });
    return { L, topojson: window.topojson };
  })();
  libraries.catch(() => { libraries = null; });
  return libraries;
}

const outlineCache = new Map();
function loadOutlines(which, topojson) {
  if (!outlineCache.has(which)) {
    const p = fetch(OUTLINES[which]).then((r) => {
      if (!r.ok) throw new Error(`map: ${OUTLINES[which]} answered ${r.status}`);
      return r.json();
    }).then((topo) => topojson.feature(topo, topo.objects.countries));
    outlineCache.set(which, p);
    p.catch(() => outlineCache.delete(which));
  }
  return outlineCache.get(which);
}

const OUTLINE_STYLE = {
  color: '#7a8288',
  weight: 1,
  fillColor: '#f6f3ec',
  fillOpacity: 1,
};

function normaliseMarker(m) {
  const lat = Number(m.lat), lon = Number(m.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new TypeError(`map: marker ${m.id} has no lat/lon`);
  if (m.id === undefined || m.id === null) throw new TypeError('map: marker without id');
  return { ...m, id: String(m.id), lat, lon, title: String(m.title ?? '') };
}

/**
 * Create a map in el.
 * options:
 *   listEl      element that receives the accessible list (recommended on every map)
 *   markers     [{id, lat, lon, title, description?, href?, html?}]; html (trusted) replaces the
 *               popup body built from title/description/href
 *   center, zoom, minZoom, maxZoom    initial view (default: Iran, zoom 5)
 *   detailZoom  zoom at which the 50m outlines replace the 110m ones (default 6)
 *   tiles       {url, max_zoom, attribution, format} | null; default: from /api/v1/config;
 *               format 'vector' draws the operator's street map with MapLibre (street-map.js)
 *   labelKey    i18n key of the map's accessible name (default 'map.label')
 *   placeLabels false to leave out the gazetteer's place names (default true)
 *   provinces   false to leave out the provinces' borders and names (default true)
 *   onSelect    function(marker) called when a marker or list item is chosen
 * Returns {map, setMarkers, select, refresh, destroy, state}; map is null if the libraries
 * could not be loaded (the list still works; el then says so).
 */
export async function createMap(el, options = {}) {
  const opts = {
    listEl: null,
    markers: [],
    center: [32.5, 53.7],
    zoom: 5,
    minZoom: 2,
    maxZoom: 16,
    detailZoom: 6,
    tiles: undefined,
    labelKey: 'map.label',
    placeLabels: true,
    provinces: true,
    onSelect: null,
    ...options,
  };
  const component = {
    map: null,
    state: 'loading',
    labels: null,
    provinces: null,
    street: null,
    setMarkers,
    select,
    refresh,
    destroy,
  };
  let markers = [];
  const leafletMarkers = new Map();
  let L = null, cluster = null, outlineLayer = null, zoomControl = null, detailState = 'coarse';
  let selectedId = null;

  el.classList.add('hy-map');
  el.setAttribute('role', 'region');
  el.dataset.state = 'loading';
  const status = document.createElement('p');
  status.className = 'hy-map-status';
  el.replaceChildren(status);

  function renderList() {
    const listEl = opts.listEl;
    if (!listEl) return;
    if (!markers.length) {
      const p = document.createElement('p');
      p.className = 'hy-map-list-empty';
      p.textContent = t('map.list_empty');
      listEl.replaceChildren(p);
      return;
    }
    const ul = document.createElement('ul');
    ul.className = 'hy-map-list';
    ul.setAttribute('aria-label', t('map.list_label'));
    for (const m of markers) {
      const li = document.createElement('li');
      li.dataset.markerId = m.id;
      if (m.id === selectedId) li.setAttribute('aria-current', 'true');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'hy-map-list-item';
      const title = document.createElement('span');
      title.className = 'hy-map-list-title';
      title.textContent = m.title;
      const hint = document.createElement('span');
      hint.className = 'visually-hidden';
      hint.textContent = ` — ${t('map.show_on_map')}`;
      button.append(title, hint);
      button.addEventListener('click', () => select(m.id));
      li.append(button);
      if (m.description) {
        const d = document.createElement('p');
        d.className = 'hy-map-list-description';
        d.textContent = m.description;
        li.append(d);
      }
      ul.append(li);
    }
    listEl.replaceChildren(ul);
  }

  function markListSelected(id) {
    if (!opts.listEl) return;
    for (const li of opts.listEl.querySelectorAll('li[data-marker-id]')) {
      if (li.dataset.markerId === id) {
        li.setAttribute('aria-current', 'true');
        li.scrollIntoView?.({ block: 'nearest' });
      } else {
        li.removeAttribute('aria-current');
      }
    }
  }

  function popupContent(m) {
    if (m.html) return m.html;
    const parts = [`<p class="hy-popup-title">${escapeHtml(m.title)}</p>`];
    if (m.description) parts.push(`<p>${escapeHtml(m.description)}</p>`);
    if (m.href) parts.push(`<p><a href="${escapeHtml(m.href)}">${escapeHtml(m.title)}</a></p>`);
    return parts.join('');
  }

  // Markers are made a batch per task; a newer setMarkers() stops an older build.
  let buildSeq = 0;
  async function buildMarkers() {
    if (!cluster) return;
    const seq = ++buildSeq;
    cluster.clearLayers();
    leafletMarkers.clear();
    const layers = [];
    for (let i = 0; i < markers.length; i += MARKER_BATCH) {
      if (i) await yieldToMain();
      if (seq !== buildSeq || !cluster) return;
      for (const m of markers.slice(i, i + MARKER_BATCH)) {
        const lm = L.marker([m.lat, m.lon], { title: m.title, alt: m.title, keyboard: true });
        lm.bindPopup(() => popupContent(m));
        lm.on('click', () => { selectedId = m.id; markListSelected(m.id); opts.onSelect?.(m); });
        leafletMarkers.set(m.id, lm);
        layers.push(lm);
      }
    }
    cluster.addLayers(layers); // clustered in short chunks (chunkInterval below)
    el.dataset.markers = String(markers.length);
  }

  function setMarkers(list) {
    markers = (list || []).map(normaliseMarker);
    if (selectedId && !markers.some((m) => m.id === selectedId)) selectedId = null;
    renderList();
    return buildMarkers();
  }

  function select(id) {
    id = String(id);
    const m = markers.find((x) => x.id === id);
    if (!m) return;
    selectedId = id;
    markListSelected(id);
    opts.onSelect?.(m);
    const lm = leafletMarkers.get(id);
    if (lm && cluster) cluster.zoomToShowLayer(lm, () => lm.openPopup());
  }

  // The zoom buttons sit in a bar at the top of the map's frame, not on the map, so that they
  // never cover a marker (a covered marker is too small a target to tap). The bar and the map
  // share the frame's height: nothing around the frame moves when the map arrives.
  let toolbar = null;
  function placeControls() {
    if (!component.map) return;
    const rtl = getDirection() === 'rtl';
    zoomControl?.remove();
    zoomControl = L.control.zoom({
      position: rtl ? 'topright' : 'topleft',
      zoomInTitle: t('map.zoom_in'),
      zoomOutTitle: t('map.zoom_out'),
    }).addTo(component.map);
    toolbar.append(zoomControl.getContainer());
    component.map.attributionControl.setPosition(rtl ? 'bottomleft' : 'bottomright');
  }

  function refresh() {
    el.setAttribute('aria-label', t(opts.labelKey));
    status.textContent = el.dataset.state === 'failed' ? t('map.failed') : t('map.loading');
    renderList();
    if (component.map) {
      placeControls();
      const attr = component.map.attributionControl;
      if (outlineLayer) {
        attr.removeAttribution(outlineLayer.options.attribution);
        outlineLayer.options.attribution = escapeHtml(t('map.outlines_attribution'));
        attr.addAttribution(outlineLayer.options.attribution);
      }
      cluster?.refreshClusters();
      component.labels?.refresh();
      component.provinces?.refresh();
      component.street?.refresh();
      if (component.labels) {
        attr.removeAttribution(labelAttribution);
        labelAttribution = escapeHtml(t('map.places_attribution'));
        attr.addAttribution(labelAttribution);
      }
      updateExternalNote();
    }
  }

  let externalNote = null, tiles = null, labelAttribution = '', resizeObserver = null;
  function updateExternalNote() {
    if (!tiles?.url) return;
    const u = new URL(tiles.url.replace(/\{[^}]+\}/g, '0'), location.href);
    if (u.origin === location.origin) return;
    if (!externalNote) {
      externalNote = document.createElement('p');
      externalNote.className = 'hy-map-note';
      el.after(externalNote);
    }
    externalNote.textContent = t('map.external_notice', { host: u.host });
  }

  async function showOutlines(which, topojson) {
    const geo = await loadOutlines(which, topojson);
    if (!component.map) return;
    // All countries as one shape: one layer to project and draw instead of one per country.
    const parts = geo.features.flatMap((f) => {
      const g = f.geometry;
      if (g?.type === 'Polygon') return [g.coordinates];
      return g?.type === 'MultiPolygon' ? g.coordinates : [];
    });
    const layer = L.geoJSON({ type: 'MultiPolygon', coordinates: parts }, {
      pane: 'basemap',
      renderer: L.canvas({ pane: 'basemap', padding: 0.5 }),
      interactive: false,
      style: OUTLINE_STYLE,
      attribution: escapeHtml(t('map.outlines_attribution')),
    });
    layer.addTo(component.map);
    outlineLayer?.remove();
    outlineLayer = layer;
    el.dataset.basemap = which;
    el.dataset.outlines = String(geo.features.length);
  }

  function destroy() {
    document.removeEventListener(LANGUAGE_EVENT, refresh);
    component.labels?.remove();
    component.provinces?.remove();
    component.street?.remove();
    resizeObserver?.disconnect();
    buildSeq++;
    component.map?.remove();
    component.map = null;
    externalNote?.remove();
  }

  document.addEventListener(LANGUAGE_EVENT, refresh);
  markers = (opts.markers || []).map(normaliseMarker);
  refresh();

  try {
    const libs = await loadMapLibraries();
    L = libs.L;
    tiles = opts.tiles === undefined ? (await getConfig()).tiles : opts.tiles;
    status.remove();
    const vector = tiles?.url && tiles.format === 'vector';
    // Vector tiles stay sharp past their last zoom (streets are drawn, not pictures).
    const maxZoom = vector ? Math.max(opts.maxZoom, 17)
      : tiles?.max_zoom ? Math.max(opts.minZoom, Number(tiles.max_zoom)) : opts.maxZoom;
    toolbar = document.createElement('div');
    toolbar.className = 'hy-map-toolbar';
    const canvas = document.createElement('div');
    canvas.className = 'hy-map-canvas';
    el.replaceChildren(toolbar, canvas);
    const map = L.map(canvas, {
      center: opts.center,
      zoom: opts.zoom,
      minZoom: opts.minZoom,
      maxZoom,
      zoomControl: false,
      worldCopyJump: true,
    });
    component.map = map;
    // Leaflet measures its frame once; when the page's layout settles later (the toolbar, fonts,
    // a phone's address bar), it is told, so that what it draws is where the reader sees it.
    resizeObserver = new ResizeObserver(() => component.map?.invalidateSize({ pan: false }));
    resizeObserver.observe(canvas);
    map.attributionControl.setPrefix('Leaflet');
    map.createPane('basemap').style.zIndex = '150';
    if (vector) {
      // The operator's street map (scripts/osm-tiles.sh); without WebGL the outlines remain.
      try {
        const { addStreetMap } = await import('./street-map.js');
        component.street = await addStreetMap(L, map, tiles);
        if (tiles.attribution) map.attributionControl.addAttribution(escapeHtml(tiles.attribution));
        el.dataset.tiles = tiles.url;
      } catch (e) {
        console.warn(String(e));
      }
    } else if (tiles?.url) {
      L.tileLayer(tiles.url, { maxZoom, attribution: tiles.attribution ? escapeHtml(tiles.attribution) : '' }).addTo(map);
      el.dataset.tiles = tiles.url;
    }
    cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      chunkedLoading: true,
      chunkInterval: 8, // ms of clustering per task
      chunkDelay: 0,
      maxClusterRadius: 48,
      iconCreateFunction: (c) => {
        const n = c.getChildCount();
        // Built as elements (no HTML to parse): there are many of these at each zoom.
        const shown = document.createElement('span');
        shown.setAttribute('aria-hidden', 'true');
        shown.textContent = formatNumber(n);
        const name = document.createElement('span');
        name.className = 'visually-hidden';
        name.textContent = t('map.cluster', { count: n });
        const html = document.createElement('span');
        html.className = 'hy-cluster-inner';
        html.append(shown, name);
        return L.divIcon({ html, className: 'hy-cluster', iconSize: L.point(44, 44) });
      },
    });
    map.addLayer(cluster);
    placeControls();
    updateExternalNote();
    await yieldToMain();
    try {
      await showOutlines('coarse', libs.topojson);
    } catch (e) {
      console.warn(String(e)); // markers and tiles still work without the outlines
    }
    if (opts.provinces) component.provinces = addProvinces(L, map, libs.topojson);
    if (opts.placeLabels) {
      component.labels = addPlaceLabels(L, map);
      labelAttribution = escapeHtml(t('map.places_attribution'));
      map.attributionControl.addAttribution(labelAttribution);
    }
    map.on('zoomend', () => {
      if (detailState === 'coarse' && map.getZoom() >= opts.detailZoom) {
        detailState = 'loading';
        showOutlines('detailed', libs.topojson).then(
          () => { detailState = 'detailed'; },
          (e) => { detailState = 'coarse'; console.warn(String(e)); },
        );
      }
    });
    await yieldToMain();
    await buildMarkers();
    component.state = el.dataset.state = 'ready';
  } catch (e) {
    console.warn(String(e));
    component.state = el.dataset.state = 'failed';
    if (!component.map) el.replaceChildren(status);
    refresh();
  }
  return component;
}

