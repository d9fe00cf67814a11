// "Find a local group": a place/postcode search (offline gazetteer), "use my location", a click
// on the map → the nearest approved groups with distances; and the map of groups with a list
// that follows the map view (the groups nearest the view's centre, inside the view).
import { ready, t, formatNumber, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { createMap, loadMapLibraries, yieldToMain } from './map.js';
import { resultItem, areaLayer, placeCombobox, placeWords } from './groups-common.js';

await ready;

const statusEl = document.getElementById('group-status');
const resultsEl = document.getElementById('group-results');
const resultList = document.getElementById('group-result-list');
const resultsHeading = document.getElementById('group-results-heading');
const countEl = document.getElementById('group-count');
const input = document.getElementById('group-q');
const form = document.getElementById('group-search');

let lastResults = null; // {place, groups}
let viewGroups = [];

function setStatus(text) { statusEl.textContent = text || ''; }

function renderResults() {
  if (!lastResults) return;
  resultsEl.hidden = false;
  resultsHeading.textContent = t('groups.results_for', { place: lastResults.place });
  resultList.replaceChildren(...lastResults.groups.map((g) => resultItem(g)));
  if (!lastResults.groups.length) {
    const li = document.createElement('li');
    li.textContent = t('groups.none');
    resultList.replaceChildren(li);
  }
}

function renderCount() {
  countEl.textContent = t('groups.in_view', { count: formatNumber(viewGroups.length) });
}

let map = null, L = null, areas = null, pointMarker = null;

function markersFor(groups) {
  return groups.map((g) => ({
    id: g.id,
    lat: g.lat,
    lon: g.lon,
    title: g.name,
    href: `/group?id=${encodeURIComponent(g.id)}`,
  }));
}

// Coverage areas are drawn only from this zoom on (further out they are specks), a batch per task.
const AREA_ZOOM = 9;
const AREA_BATCH = 25;
let areaSeq = 0;
async function drawAreas(groups) {
  if (!areas) return;
  const seq = ++areaSeq;
  areas.clearLayers();
  if (map.map.getZoom() < AREA_ZOOM) return;
  for (let i = 0; i < groups.length; i += AREA_BATCH) {
    if (i) await yieldToMain();
    if (seq !== areaSeq) return;
    for (const g of groups.slice(i, i + AREA_BATCH)) {
      const layer = areaLayer(L, g);
      if (layer) areas.addLayer(layer);
    }
  }
}

let viewSeq = 0;
async function loadView() {
  if (!map?.map || !map.followView) return;
  const b = map.map.getBounds();
  const c = map.map.getCenter().wrap();
  const w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
  const s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
  const wide = b.getEast() - b.getWest() >= 360;
  const bbox = wide ? '-180,' + s.toFixed(5) + ',180,' + n.toFixed(5)
    : [L.latLng(0, w).wrap().lng, s, L.latLng(0, e).wrap().lng, n].map((x) => x.toFixed(5)).join(',');
  const my = ++viewSeq;
  try {
    const r = await getJSON(`/api/v1/groups?near=${c.lat.toFixed(5)},${c.lng.toFixed(5)}&bbox=${bbox}&limit=300`);
    if (my !== viewSeq || !map.followView) return;
    viewGroups = r.groups;
    renderCount();
    await map.setMarkers(markersFor(viewGroups));
    if (my === viewSeq) await drawAreas(viewGroups);
  } catch (e) {
    if (my === viewSeq) setStatus(e.message);
  }
}

async function findNear(lat, lon, place) {
  setStatus('');
  try {
    const r = await getJSON(`/api/v1/groups?near=${lat.toFixed(6)},${lon.toFixed(6)}&limit=10`);
    lastResults = { place, groups: r.groups, lat, lon };
    renderResults();
    showResultsOnMap();
  } catch (e) {
    setStatus(e.message);
  }
}

/** The searched point and its nearest groups, in view (once the map is there). */
function showResultsOnMap() {
  if (!lastResults || !map?.map || !L) return;
  const { lat, lon, groups } = lastResults;
  pointMarker?.remove();
  pointMarker = L.circleMarker([lat, lon], { radius: 8, color: '#a4201c', weight: 3, interactive: false }).addTo(map.map);
  const pts = [[lat, lon], ...groups.slice(0, 5).map((g) => [g.lat, g.lon])];
  map.map.fitBounds(L.latLngBounds(pts).pad(0.2), { maxZoom: 13 });
}

const combo = placeCombobox(input, document.getElementById('group-suggestions'), {
  onPick: (p) => findNear(p.lat, p.lon, input.value),
  near: () => {
    const c = map?.map?.getCenter?.();
    return c && map.map.getZoom() >= 8 ? [c.lat, c.lng] : null;
  },
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = input.value.trim();
  if (!q) return;
  const p = await combo.search(q);
  if (!p) { setStatus(t('groups.no_place')); return; }
  // Typed text stays as typed: «تهران» is not turned into "Tehran".
  input.value = placeWords(q, p);
  findNear(p.lat, p.lon, input.value);
});

document.getElementById('group-locate').addEventListener('click', () => {
  if (!navigator.geolocation) { setStatus(t('groups.locate_unavailable')); return; }
  setStatus(t('groups.locating'));
  navigator.geolocation.getCurrentPosition(
    (pos) => findNear(pos.coords.latitude, pos.coords.longitude, t('groups.you')),
    () => setStatus(t('groups.locate_denied')),
    { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
  );
});

// A shared link such as /groups?q=Tehran runs the search.
const initial = new URLSearchParams(location.search).get('q');
if (initial) {
  input.value = initial;
  form.requestSubmit();
}

document.addEventListener(LANGUAGE_EVENT, () => {
  renderResults();
  renderCount();
  if (map?.followView) map.setMarkers(markersFor(viewGroups));
});

// The map comes after the page: once the first paint is done, the map's frame is on the screen by
// more than a sliver (on a phone it is below the search form: not loaded until the reader scrolls)
// and the browser is idle, so that the search form works at once and the map's work (in short
// tasks, see map.js) does not hold the page up.
const mapEl = document.getElementById('groups-map');
await new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); });
await new Promise((resolve) => {
  if (!window.IntersectionObserver) { resolve(); return; }
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); resolve(); }
  }, { rootMargin: '0px 0px -64px 0px' });
  seen.observe(mapEl);
});
await new Promise((resolve) => {
  if (window.requestIdleCallback) requestIdleCallback(resolve, { timeout: 1000 }); else setTimeout(resolve, 50);
});
map = await createMap(mapEl, {
  listEl: document.getElementById('groups-list'),
  markers: [],
  labelKey: 'groups.map_label',
});
window.hamyariGroupsMap = map;
map.followView = true; // the list follows the map view (tests of the bare component turn it off)
try { L = (await loadMapLibraries()).L; } catch { L = null; }
if (L && map.map) {
  areas = L.layerGroup().addTo(map.map);
  map.map.on('moveend', loadView);
  map.map.on('click', (e) => {
    const ll = e.latlng.wrap();
    findNear(ll.lat, ll.lng, t('groups.point'));
  });
  if (lastResults) showResultsOnMap(); // a search answered before the map was there
  else loadView();
}
