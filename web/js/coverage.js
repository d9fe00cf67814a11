// The public coverage map: areas of about 1 km with 3 or more approved volunteers
// (GET /api/v1/coverage; smaller groups are never sent by the server).
import { ready, t, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { createMap } from './map.js';

await ready;
const empty = document.getElementById('coverage-empty');
let cells = [];
try {
  cells = (await getJSON('/api/v1/coverage')).cells;
} catch (e) {
  console.warn(`coverage: ${e.code || e}`);
}
const markers = () => cells.map((c, i) => ({ id: `c${i}`, lat: c.lat, lon: c.lon, title: t('coverage.cell', { count: c.count }) }));
empty.hidden = cells.length > 0;
const map = await createMap(document.getElementById('coverage-map'), {
  listEl: document.getElementById('coverage-list'),
  labelKey: 'coverage.map_label',
  markers: markers(),
});
document.addEventListener(LANGUAGE_EVENT, () => map.setMarkers(markers()));
