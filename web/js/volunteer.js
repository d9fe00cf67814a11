// Volunteer sign-up: the form posts JSON to /api/v1/volunteers. The home area is a point the
// person taps on the map (web/js/map.js, loaded only when they ask for it); the server stores
// it rounded to about 500 m. Without JavaScript the form stays hidden and a notice says why.
import { ready, t, formatNumber, readNumber, LANGUAGE_EVENT } from './i18n.js';
import { api, ApiError } from './api.js';

await ready;
const form = document.getElementById('volunteer-form');
const errorBox = document.getElementById('volunteer-error');
const errorText = document.getElementById('volunteer-error-text');
const done = document.getElementById('volunteer-done');
const submit = document.getElementById('vol-submit');
const areaValue = document.getElementById('vol-area-value');
const showMap = document.getElementById('vol-area-show');
const useCentre = document.getElementById('vol-area-centre');
const clearArea = document.getElementById('vol-area-clear');
const mapEl = document.getElementById('vol-map');

document.getElementById('volunteer-nojs').hidden = true;
form.hidden = false;

let area = null; // {lat, lon} as picked (the server rounds it)
let picker = null;

function renderArea() {
  if (area) {
    const f = (n) => formatNumber(n, { maximumFractionDigits: 3, minimumFractionDigits: 3 });
    areaValue.textContent = t('volunteer.area_chosen', { lat: f(area.lat), lon: f(area.lon) });
  } else {
    areaValue.textContent = t('volunteer.area_none');
  }
  clearArea.hidden = !area;
  picker?.setMarkers(area ? [{ id: 'home', lat: area.lat, lon: area.lon, title: t('volunteer.area_marker') }] : []);
}

function pick(lat, lon) {
  area = { lat: Math.round(lat * 1e5) / 1e5, lon: Math.round(lon * 1e5) / 1e5 };
  renderArea();
}

showMap.addEventListener('click', async () => {
  showMap.hidden = true;
  mapEl.hidden = false;
  const { createMap } = await import('./map.js');
  picker = await createMap(mapEl, { labelKey: 'volunteer.area_map_label', markers: [] });
  if (picker.map) {
    picker.map.on('click', (e) => pick(e.latlng.lat, e.latlng.lng));
    useCentre.hidden = false;
  }
  renderArea();
  mapEl.focus?.();
});
useCentre.addEventListener('click', () => {
  const c = picker?.map?.getCenter();
  if (c) pick(c.lat, c.lng);
});
clearArea.addEventListener('click', () => { area = null; renderArea(); });

let errorState = null; // {code, field}
function errorSentence({ code, field }) {
  if (code === 'consent') return t('volunteer.consent_needed');
  if (code === 'conflict') return t('volunteer.phone_taken');
  return new ApiError(code, 0).message;
}
const FIELD_INPUT = { name: 'vol-name', phone: 'vol-phone', email: 'vol-email', password: 'vol-password', consent: 'vol-consent', availability: 'vol-availability', radius_km: 'vol-radius' };
function showError(state) {
  errorState = state;
  errorText.textContent = errorSentence(state);
  for (const id of Object.values(FIELD_INPUT)) document.getElementById(id).removeAttribute('aria-invalid');
  const input = state.field && document.getElementById(FIELD_INPUT[state.field]);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    // Name the question (its label without "required"); the consent sentence is too long.
    const label = document.querySelector(`label[for="${input.id}"]`);
    const name = (label?.querySelector('[data-i18n]') || label)?.textContent.trim();
    if (name && state.field !== 'consent') errorText.textContent += ` (${name})`;
  }
  errorBox.hidden = false;
  errorBox.focus();
}

document.addEventListener(LANGUAGE_EVENT, () => {
  renderArea();
  if (errorState) showError(errorState);
  submit.textContent = t(submit.disabled ? 'volunteer.busy' : 'volunteer.submit');
});
renderArea();

const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  errorBox.hidden = true;
  errorState = null;
  const v = (id) => document.getElementById(id).value.trim();
  for (const [field, id] of [['name', 'vol-name'], ['phone', 'vol-phone'], ['password', 'vol-password']]) {
    if (!v(id)) { showError({ code: 'missing_field', field }); return; }
  }
  if (!document.getElementById('vol-consent').checked) { showError({ code: 'consent', field: 'consent' }); return; }
  const body = {
    name: v('vol-name'),
    phone: v('vol-phone'),
    password: document.getElementById('vol-password').value,
    skills: checked('skills'),
    languages: checked('languages'),
    availability: v('vol-availability'),
    language: document.documentElement.lang === 'en' ? 'en' : 'fa',
    consent: true, // checked above; the server records when and which privacy notice
  };
  if (v('vol-email')) body.email = v('vol-email');
  if (v('vol-radius')) {
    // Checked here for a quick answer; the typed text is sent and read by the server's rule.
    const radius = readNumber(v('vol-radius'));
    if (!(radius >= 0.5 && radius <= 100)) { showError({ code: 'invalid_field', field: 'radius_km' }); return; }
    body.radius_km = v('vol-radius');
  }
  if (area) Object.assign(body, area);
  submit.disabled = true;
  submit.textContent = t('volunteer.busy');
  try {
    await api('/api/v1/volunteers', { method: 'POST', body });
    form.hidden = true;
    done.hidden = false;
    done.focus();
  } catch (e) {
    showError(e instanceof ApiError ? { code: e.code, field: e.field } : { code: 'unknown' });
  } finally {
    submit.disabled = false;
    submit.textContent = t('volunteer.submit');
  }
});
