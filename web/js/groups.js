// "Find a local group": the map over the offline basemap and its list.
// The group directory arrives with a later issue; until then the map shows no markers and the
// list says so (the page must not pretend the feature works).
import { ready } from './i18n.js';
import { createMap } from './map.js';

await ready;
const el = document.getElementById('groups-map');
if (el) {
  window.hamyariGroupsMap = await createMap(el, {
    listEl: document.getElementById('groups-list'),
    markers: [],
    labelKey: 'groups.map_label',
  });
}
