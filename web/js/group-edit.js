// Submitting a new group (POST /api/v1/groups → pending) or editing one (PATCH, owners,
// coordinators and admins). Needs a signed-in account; state-changing requests carry the
// session's CSRF token from /api/v1/me.
import { readNumber, ready, t, formatList, languageName } from './i18n.js';
import { getJSON } from './api.js';
import { getMe, send } from './session.js';
import { createMap, loadMapLibraries } from './map.js';

await ready;
const id = new URLSearchParams(location.search).get('id');
const form = document.getElementById('groupedit-form');
const msg = document.getElementById('groupedit-message');
const $ = (n) => document.getElementById(`ge-${n}`);
let me = null;

try {
  me = await getMe();
} catch {
  me = null;
}
if (!me) document.getElementById('groupedit-signin').hidden = false;

const list = (s) => s.split(/[,،;]/).map((x) => x.trim()).filter(Boolean);
// Languages are shown and typed by name («فارسی، گجراتی», "Persian, Gujarati"); a name in either
// interface language, or a code, is sent as its code.
const LANGUAGE_CODES = ['fa', 'en', 'ar', 'az', 'ku', 'tr', 'ps', 'ur', 'hi', 'gu', 'bal', 'lrc', 'glk', 'mzn', 'tk', 'hy', 'ru', 'fr', 'de', 'es', 'prs', 'tg', 'uz', 'so', 'ti', 'am'];
function languageCode(typed) {
  const w = typed.toLowerCase();
  for (const code of LANGUAGE_CODES) {
    if (w === code || ['fa', 'en'].some((l) => languageName(code, l).toLowerCase() === w)) return code;
  }
  return typed;
}
const languageNames = (codes) => formatList(codes.map((c) => languageName(c)));

if (me) {
  form.hidden = false;
  let marker = null, L = null, map = null;
  const setPoint = (lat, lon) => {
    $('lat').value = lat.toFixed(6);
    $('lon').value = lon.toFixed(6);
    if (map?.map && L) {
      marker?.remove();
      marker = L.marker([lat, lon], { keyboard: false, interactive: false }).addTo(map.map);
    }
  };
  if (id) {
    const h1 = document.getElementById('groupedit-h1');
    h1.dataset.i18n = 'groupedit.h1_edit';
    h1.textContent = t('groupedit.h1_edit');
    try {
      const g = await getJSON(`/api/v1/groups/${encodeURIComponent(id)}`);
      $('name').value = g.name;
      $('description').value = g.description;
      $('radius').value = g.radius_km ?? '';
      for (const k of ['phone', 'email', 'website', 'messaging']) $(k).value = g.contact?.[k] ?? '';
      $('languages').value = languageNames(g.languages || []);
      $('tags').value = (g.tags || []).join(', ');
      $('lat').value = g.lat;
      $('lon').value = g.lon;
    } catch (e) {
      msg.textContent = e.message;
    }
  }
  map = await createMap($('map'), {
    labelKey: 'groupedit.map_label',
    center: $('lat').value ? [readNumber($('lat').value), readNumber($('lon').value)] : undefined,
    zoom: $('lat').value ? 12 : 5,
  });
  try { L = (await loadMapLibraries()).L; } catch { L = null; }
  if ($('lat').value) setPoint(readNumber($('lat').value), readNumber($('lon').value));
  map.map?.on('click', (e) => { const ll = e.latlng.wrap(); setPoint(ll.lat, ll.lng); });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.textContent = '';
    const body = {
      name: $('name').value,
      description: $('description').value,
      // The typed text: the server reads every script's digits and separators (and names the
      // field it cannot read).
      lat: $('lat').value.trim(),
      lon: $('lon').value.trim(),
      contact: Object.fromEntries(['phone', 'email', 'website', 'messaging'].map((k) => [k, $(k).value.trim()]).filter(([, v]) => v)),
      languages: list($('languages').value).map(languageCode),
      tags: list($('tags').value),
    };
    const r = $('radius').value.trim();
    if (r) body.radius_km = r;
    else if (id) body.radius_km = null;
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    try {
      const g = await send(id ? `/api/v1/groups/${encodeURIComponent(id)}` : '/api/v1/groups', {
        method: id ? 'PATCH' : 'POST',
        body,
      });
      // An approved group's owner: the change waits for a coordinator (202, pending_change).
      msg.textContent = t(!id ? 'groupedit.saved_pending' : g.pending_change ? 'groupedit.saved_review' : 'groupedit.saved');
      const view = document.getElementById('groupedit-view');
      view.href = `/group?id=${encodeURIComponent(g.id)}`;
      view.hidden = false;
    } catch (err) {
      msg.textContent = err.message;
    }
  });
}
