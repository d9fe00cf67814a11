// The page of one group: details, its area on a map, and for coordinators/admins the approve
// button (pending groups), for owners the edit link.
import { ready, t, formatDate, formatNumber, formatList, languageName } from './i18n.js';
import { getJSON } from './api.js';
import { send } from './session.js';
import { createMap, loadMapLibraries } from './map.js';
import { areaLayer, badge } from './groups-common.js';

await ready;
const id = new URLSearchParams(location.search).get('id') || '';
const statusEl = document.getElementById('group-status');
const h1 = document.getElementById('group-name');
let group = null;

function fact(dl, key, value, href) {
  if (!value) return;
  const dt = document.createElement('dt');
  dt.textContent = t(key);
  const dd = document.createElement('dd');
  if (href) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = value;
    if (/^https?:/.test(href)) a.rel = 'noopener nofollow';
    dd.append(a);
  } else {
    dd.textContent = value;
  }
  dl.append(dt, dd);
}

function render() {
  const g = group;
  h1.removeAttribute('data-i18n');
  h1.textContent = g.name;
  h1.dir = 'auto'; // the group's own words, in whatever language it wrote them
  document.title = `${g.name} — ${t('site.name')}`;
  statusEl.textContent = '';
  document.getElementById('group-body').hidden = false;
  const badges = document.getElementById('group-badges');
  badges.replaceChildren();
  if (g.verified) badges.append(badge(t('groups.verified')));
  if (g.demo) badges.append(badge(t('groups.demo')));
  const desc = document.getElementById('group-description');
  desc.textContent = g.description;
  desc.dir = 'auto';
  const dl = document.getElementById('group-facts');
  dl.replaceChildren();
  const c = g.contact || {};
  fact(dl, 'group.phone', c.phone, c.phone ? `tel:${c.phone.replace(/[^+0-9]/g, '')}` : null);
  fact(dl, 'group.email', c.email, c.email ? `mailto:${c.email}` : null);
  const safe = (u) => (u && /^https?:\/\//i.test(u) ? u : null);
  fact(dl, 'group.website', c.website, safe(c.website));
  fact(dl, 'group.messaging', c.messaging, safe(c.messaging));
  fact(dl, 'group.languages', formatList((g.languages || []).map((l) => languageName(l))));
  fact(dl, 'group.tags', formatList(g.tags || []));
  const area = document.getElementById('group-area');
  area.textContent = g.radius_km ? t('group.area_radius', { km: formatNumber(g.radius_km) })
    : g.area ? t('group.area_polygon') : '';
  document.getElementById('group-updated').textContent = t('group.updated', { date: formatDate(new Date(g.updated_at * 1000)) });
  document.getElementById('group-pending').hidden = g.status === 'approved';
  document.getElementById('group-approve').hidden = !(g.can_approve && g.status !== 'approved');
  const edit = document.getElementById('group-edit');
  edit.hidden = !g.can_edit;
  edit.href = `/group-edit?id=${encodeURIComponent(g.id)}`;
}

async function load() {
  if (!/^[0-9a-f]{32}$/.test(id)) {
    statusEl.textContent = t('group.not_found');
    return;
  }
  try {
    group = await getJSON(`/api/v1/groups/${encodeURIComponent(id)}`);
  } catch (e) {
    statusEl.textContent = e.code === 'not_found' ? t('group.not_found') : e.message;
    return;
  }
  render();
  const map = await createMap(document.getElementById('group-map'), {
    markers: [{ id: group.id, lat: group.lat, lon: group.lon, title: group.name }],
    labelKey: 'group.map_label',
    center: [group.lat, group.lon],
    zoom: 12,
  });
  try {
    const { L } = await loadMapLibraries();
    const layer = map.map && areaLayer(L, group);
    if (layer) {
      layer.addTo(map.map);
      map.map.fitBounds(layer.getBounds().pad(0.2));
    }
  } catch { /* the details still show */ }
}

document.getElementById('group-approve').addEventListener('click', async () => {
  try {
    group = { ...group, ...(await send(`/api/v1/groups/${encodeURIComponent(id)}/approve`)) };
    render();
    statusEl.textContent = t('group.approved');
  } catch (e) {
    statusEl.textContent = e.message;
  }
});

document.addEventListener('hamyari:languagechange', () => { if (group) render(); });
load();
