// The embeddable widget: /embed/groups?near=LAT,LON[&limit=K] lists the nearest approved groups
// with distances; links open the full site in a new tab.
import { ready, t } from './i18n.js';
import { getJSON } from './api.js';
import { resultItem } from './groups-common.js';

await ready;
const params = new URLSearchParams(location.search);
const near = params.get('near') || '';
const limit = Math.min(20, Math.max(1, Number(params.get('limit')) || 5));
const status = document.getElementById('embed-status');
const list = document.getElementById('embed-list');
let groups = null;

function render() {
  if (!groups) return;
  list.replaceChildren(...groups.map((g) => resultItem(g, { target: '_blank' })));
  status.textContent = groups.length ? '' : t('groups.none');
}

if (!/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/.test(near)) {
  status.textContent = t('embed.bad_near');
} else {
  try {
    groups = (await getJSON(`/api/v1/groups?near=${encodeURIComponent(near)}&limit=${limit}`)).groups;
    render();
    document.getElementById('embed-more').href = `/groups`;
  } catch (e) {
    status.textContent = e.message;
  }
}
document.addEventListener('hamyari:languagechange', render);
