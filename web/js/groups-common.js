// Shared pieces of the group directory pages: distances in the reader's digits, result list
// items, coverage areas on a Leaflet map, and the place/postcode search box (an ARIA combobox
// with debounced suggestions from /api/v1/geocode).
import { t, formatNumber, getLanguage } from './i18n.js';
import { getJSON } from './api.js';

/** "850 m" / "۱٫۲ کیلومتر" in the reader's digits. */
export function formatDistance(m) {
  if (m < 1000) return t('groups.metres', { n: formatNumber(Math.round(m / 10) * 10) });
  const km = m < 10000 ? Math.round(m / 100) / 10 : Math.round(m / 1000);
  return t('groups.km', { n: formatNumber(km) });
}

/** A result <li>: name (linked to the group page), distance, "covers", badges. */
export function resultItem(g, { target } = {}) {
  const li = document.createElement('li');
  li.dataset.groupId = g.id;
  const a = document.createElement('a');
  a.className = 'group-result-name';
  a.href = `/group?id=${encodeURIComponent(g.id)}`;
  if (target) { a.target = target; a.rel = 'noopener'; }
  a.textContent = g.name;
  a.dir = 'auto';
  li.append(a);
  const meta = document.createElement('span');
  meta.className = 'group-result-meta';
  const parts = [];
  if (typeof g.distance_m === 'number') {
    const d = document.createElement('span');
    d.className = 'group-distance';
    d.textContent = formatDistance(g.distance_m);
    parts.push(d);
  }
  if (g.covers) {
    const c = document.createElement('span');
    c.className = 'group-covers';
    c.textContent = t('groups.covers');
    parts.push(c);
  }
  if (g.verified) parts.push(badge(t('groups.verified')));
  if (g.demo) parts.push(badge(t('groups.demo')));
  parts.forEach((p, i) => { if (i) meta.append(' · '); meta.append(p); });
  if (parts.length) li.append(meta);
  return li;
}

export function badge(text) {
  const b = document.createElement('span');
  b.className = 'group-badge';
  b.textContent = text;
  return b;
}

/** Draws a group's coverage area (GeoJSON polygon or radius circle) on a Leaflet map;
 *  returns the layer or null. */
export function areaLayer(L, g) {
  const style = { color: '#0b4a63', weight: 2, fillOpacity: 0.08, interactive: false };
  if (g.area) return L.geoJSON(g.area, { style });
  if (g.radius_km) return L.circle([g.lat, g.lon], { ...style, radius: g.radius_km * 1000 });
  return null;
}

/** The country of a place from the gazetteer, named in the page's language ("" when none). */
export function countryName(code) {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([getLanguage()], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}

/** The words a place is shown by: what the person typed when it is a whole name of the
 *  place (so «تهران» stays «تهران»), else the gazetteer's name. */
export function placeWords(typed, p) {
  return p.exact && typed ? typed : p.name;
}

/**
 * Makes input a combobox of place/postcode suggestions.
 *   onPick(place)  called with the chosen {name, lat, lon, …}; the input then holds the
 *                  typed text when it is a whole name of the place, else the place's name
 *   near()         optional: [lat, lon] of the map view, so that nearby places come first
 * Keyboard: ArrowDown/ArrowUp move, Enter picks, Escape closes. Returns {search(q)} which
 * resolves with the best place for q (or null).
 */
export function placeCombobox(input, listbox, { onPick, near }) {
  let timer = null, places = [], active = -1, seq = 0;
  const close = () => {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const label = (p) => countryName(p.country);
  const render = () => {
    listbox.replaceChildren();
    places.forEach((p, i) => {
      const li = document.createElement('li');
      li.id = `${listbox.id}-${i}`;
      li.className = 'combo-option';
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === active));
      li.textContent = p.name;
      const d = document.createElement('span');
      d.className = 'combo-option-detail';
      d.textContent = label(p);
      if (d.textContent) li.append(d);
      li.addEventListener('mousedown', (e) => { e.preventDefault(); pick(i); });
      listbox.append(li);
    });
    listbox.hidden = places.length === 0;
    input.setAttribute('aria-expanded', String(places.length > 0));
    if (active >= 0) input.setAttribute('aria-activedescendant', `${listbox.id}-${active}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const fetchPlaces = async (q) => {
    const my = ++seq;
    try {
      const at = near?.();
      const hint = at ? `&near=${at[0].toFixed(4)},${at[1].toFixed(4)}` : '';
      const r = await getJSON(`/api/v1/geocode?q=${encodeURIComponent(q)}&limit=8${hint}`);
      if (my !== seq) return null;
      return r.places || [];
    } catch {
      return [];
    }
  };
  const pick = (i) => {
    const p = places[i];
    if (!p) return;
    input.value = placeWords(input.value.trim(), p);
    close();
    onPick(p);
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { places = []; close(); return; }
    timer = setTimeout(async () => {
      const got = await fetchPlaces(q);
      if (got === null) return;
      places = got;
      active = -1;
      render();
    }, 250);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && places.length) {
      e.preventDefault();
      active = (active + 1) % places.length;
      render();
    } else if (e.key === 'ArrowUp' && places.length) {
      e.preventDefault();
      active = active <= 0 ? places.length - 1 : active - 1;
      render();
    } else if (e.key === 'Enter' && active >= 0 && !listbox.hidden) {
      e.preventDefault();
      pick(active);
    } else if (e.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return {
    async search(q) {
      clearTimeout(timer);
      const got = await fetchPlaces(q);
      close();
      return got && got.length ? got[0] : null;
    },
  };
}
