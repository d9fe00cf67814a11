// Place labels for the offline map: the cities, towns and neighbourhoods of the gazetteer the
// server holds (GET /api/v1/map/places), named in the page's language and drawn at the zooms
// where they belong, the most populous first, none over another. See docs/maps.md.
//
//   import { addPlaceLabels } from '/js/map-labels.js';
//   const labels = addPlaceLabels(L, leafletMap);   // draws on every move and zoom
//   labels.refresh();                                // after a language change
//   labels.remove();
//
// placeLabels() is the collision rule on its own (no Leaflet, no DOM), for any renderer.

import { getLanguage } from './i18n.js';

const MAX_ZOOM = 18;
const GAP = 4; // px kept free around every label

/**
 * Chooses the labels to draw: items [{w, h, x, y, ...}] (pixel size, centre), in order of
 * importance; returns those that fit inside the view [0..width]×[0..height] without touching
 * a label chosen before them nor a box of `taken` (e.g. labels another layer drew), each with
 * its box {left, top, right, bottom}.
 */
export function placeLabels(items, width, height, gap = GAP, taken = []) {
  const chosen = [];
  for (const it of items) {
    const box = {
      left: it.x - it.w / 2 - gap, right: it.x + it.w / 2 + gap,
      top: it.y - it.h / 2 - gap, bottom: it.y + it.h / 2 + gap,
    };
    if (box.left < 0 || box.top < 0 || box.right > width || box.bottom > height) continue;
    const hits = (c) => box.left < c.right && c.left < box.right && box.top < c.bottom && c.top < box.bottom;
    if (taken.some(hits) || chosen.some((c) => hits(c.box))) continue;
    chosen.push({ ...it, box });
  }
  return chosen;
}

/**
 * Lays out labels already in a pane of a Leaflet map: made [{el, x, y}] (container pixels of
 * their centres), in order of importance; measures them all in one layout, keeps those that
 * placeLabels() keeps (clear of `taken` boxes too) at their place and removes the others.
 * Returns how many are kept.
 */
export function settleLabels(L, map, made, taken = []) {
  const container = map.getContainer();
  for (const m of made) { m.w = m.el.offsetWidth; m.h = m.el.offsetHeight; }
  const kept = new Set(placeLabels(made, container.clientWidth, container.clientHeight, GAP, taken).map((c) => c.el));
  for (const m of made) {
    if (!kept.has(m.el)) { m.el.remove(); continue; }
    L.DomUtil.setPosition(m.el, map.containerPointToLayerPoint([m.x - m.w / 2, m.y - m.h / 2]));
  }
  return kept.size;
}

/** The boxes, in the map container's pixels, of the labels `selector` finds in it. */
export function labelBoxes(container, selector) {
  const box = container.getBoundingClientRect();
  return [...container.querySelectorAll(selector)].map((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left - box.left, right: r.right - box.left, top: r.top - box.top, bottom: r.bottom - box.top };
  });
}

/** The label's size class: by kind, then by population. */
export function labelTier(place) {
  if (['neighbourhood', 'district', 'suburb', 'landmark'].includes(place.kind)) return 'local';
  if (place.population >= 1000000) return 'large';
  if (place.population >= 100000) return 'medium';
  return 'small';
}

// The view's box snapped outwards to a grid of the zoom's tile size, so that small moves ask
// the same question again (answered from the browser's cache, or a 304).
function viewQuery(bounds, zoom) {
  const step = 360 / 2 ** Math.max(zoom - 1, 0);
  const snap = (v, up) => (up ? Math.ceil(v / step) : Math.floor(v / step)) * step;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const fix = (v) => Number(v.toFixed(6));
  let w = bounds.getWest(), e = bounds.getEast();
  if (e - w >= 360) { w = -180; e = 180; }
  w = clamp(snap(w, false), -180, 180);
  e = clamp(snap(e, true), -180, 180);
  const s = clamp(snap(bounds.getSouth(), false), -90, 90);
  const n = clamp(snap(bounds.getNorth(), true), -90, 90);
  return `bbox=${fix(w)},${fix(s)},${fix(e)},${fix(n)}&zoom=${zoom}`;
}

/**
 * Adds the labels to a Leaflet map, in a pane of their own above the basemap and the areas and
 * below the markers. Returns {refresh, remove, pane}; the map's container gets
 * data-place-labels (how many are drawn) after each drawing.
 */
export function addPlaceLabels(L, map, { paneName = 'placeLabels' } = {}) {
  const pane = map.getPane(paneName) || map.createPane(paneName);
  pane.classList.add('hy-place-labels');
  pane.style.zIndex = '450';
  pane.style.pointerEvents = 'none';
  pane.setAttribute('aria-hidden', 'true');
  const container = map.getContainer();
  const cache = new Map(); // query → places, the last few views
  let seq = 0, removed = false;

  async function fetchPlaces(query) {
    if (cache.has(query)) return cache.get(query);
    const r = await fetch(`/api/v1/map/places?${query}`, { headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(`map labels: ${r.status}`);
    const places = (await r.json()).places;
    cache.set(query, places);
    if (cache.size > 24) cache.delete(cache.keys().next().value);
    return places;
  }

  function draw(places) {
    // What the reader sees: the container as it is now (Leaflet's own size can lag a resize).
    const size = { x: container.clientWidth, y: container.clientHeight };
    const lang = getLanguage();
    const made = [];
    const frag = document.createDocumentFragment();
    for (const p of places) {
      const at = map.latLngToContainerPoint([p.lat, p.lon]);
      if (at.x < 0 || at.y < 0 || at.x > size.x || at.y > size.y) continue;
      const el = document.createElement('span');
      el.className = `hy-place-label hy-place-label--${labelTier(p)}`;
      el.dir = 'auto';
      el.lang = /[\u0600-\u06ff]/.test(p.name) ? 'fa' : (lang === 'fa' ? 'und' : lang);
      el.textContent = p.name;
      el.dataset.placeId = String(p.id);
      el.dataset.kind = p.kind;
      frag.append(el);
      made.push({ el, x: at.x, y: at.y });
    }
    pane.replaceChildren(frag);
    pane.hidden = false; // a hidden pane has no sizes to measure
    // One layout for all the sizes, then the rule decides; the others are taken out again.
    container.dataset.placeLabels = String(settleLabels(L, map, made));
    container.dataset.placeLabelsZoom = String(Math.round(map.getZoom()));
    map.fire('placelabels'); // other names (the provinces') make way for these
  }

  async function refresh() {
    // A map without a view yet (a page that sets it later) has no bounds: whenReady() below
    // calls again once it has one.
    if (removed || !map._loaded) return;
    const mine = ++seq;
    const zoom = Math.min(MAX_ZOOM, Math.max(0, Math.round(map.getZoom())));
    const query = `${viewQuery(map.getBounds(), zoom)}&lang=${getLanguage() === 'fa' ? 'fa' : 'en'}`;
    try {
      const places = await fetchPlaces(query);
      if (mine !== seq || removed) return;
      draw(places);
    } catch (e) {
      console.warn(String(e)); // the map works without its labels
    }
  }

  const hide = () => { pane.hidden = true; };
  map.on('zoomstart', hide);
  map.on('moveend resize', refresh);
  map.whenReady(refresh);

  return {
    pane,
    refresh,
    remove() {
      removed = true;
      map.off('zoomstart', hide);
      map.off('moveend resize', refresh);
      pane.replaceChildren();
    },
  };
}
