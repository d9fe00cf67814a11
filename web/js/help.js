// Asking for help. The form in help.html is a plain HTML form that posts to /api/v1/requests
// and works without JavaScript (the server answers with a confirmation page). With JavaScript
// this module adds a map to choose the area, sends the same fields as JSON with an
// Idempotency-Key (so a retry after a network failure creates nothing new), and shows the
// tracking code and next steps in the page.
import { ready, t, formatNumber, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { api, ApiError, getJSON } from './api.js';
import { countryName } from './groups-common.js';

await ready;
const form = document.getElementById('help-form');
const language = document.getElementById('help-language');
const latInput = document.getElementById('help-lat');
const lonInput = document.getElementById('help-lon');
const areaValue = document.getElementById('help-area-value');
const showMap = document.getElementById('help-area-show');
const clearArea = document.getElementById('help-area-clear');
const mapEl = document.getElementById('help-map');
const submit = document.getElementById('help-submit');
const errorBox = document.getElementById('help-error');
const errorText = document.getElementById('help-error-text');
const done = document.getElementById('help-done');

function randomKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
let idempotencyKey = randomKey();
let area = null;
let picker = null;
let errorState = null;

document.getElementById('help-area-buttons').hidden = false;

function renderArea() {
  language.value = getLanguage() === 'en' ? 'en' : 'fa';
  latInput.value = area ? String(area.lat) : '';
  lonInput.value = area ? String(area.lon) : '';
  areaValue.hidden = !area;
  if (area) {
    const f = (n) => formatNumber(n, { maximumFractionDigits: 3, minimumFractionDigits: 3 });
    areaValue.textContent = t('help.area_chosen', { lat: f(area.lat), lon: f(area.lon) });
  }
  clearArea.hidden = !area;
  picker?.setMarkers(area ? [{ id: 'area', lat: area.lat, lon: area.lon, title: t('help.area_marker') }] : []);
}

showMap.addEventListener('click', async () => {
  showMap.hidden = true;
  mapEl.hidden = false;
  const { createMap } = await import('./map.js');
  picker = await createMap(mapEl, { labelKey: 'help.area_map_label', markers: [] });
  picker.map?.on('click', (e) => {
    area = { lat: Math.round(e.latlng.lat * 1e5) / 1e5, lon: Math.round(e.latlng.lng * 1e5) / 1e5 };
    renderArea();
  });
  renderArea();
});
clearArea.addEventListener('click', () => { area = null; renderArea(); });

// What the server will understand the typed place as (the same search the request uses), shown
// before the request is sent: «ونک» → "Vanak", never a far-away city.
const placeInput = document.getElementById('help-place');
const understoodEl = document.getElementById('help-place-understood');
let understood = null; // {typed, place} with place null when nothing was found
let placeTimer = null, placeSeq = 0;
function renderUnderstood() {
  const typed = placeInput.value.trim();
  understoodEl.hidden = !understood || understood.typed !== typed;
  if (understoodEl.hidden) return;
  const p = understood.place;
  if (!p) { understoodEl.textContent = t('help.place_unknown'); return; }
  const sep = getLanguage() === 'fa' ? '، ' : ', ';
  const words = [p.name, countryName(p.country)].filter(Boolean).join(sep);
  understoodEl.textContent = t('help.place_understood', { place: words });
}
async function lookUpPlace() {
  const typed = placeInput.value.trim();
  const my = ++placeSeq;
  if (!typed) { understood = null; renderUnderstood(); return; }
  try {
    const r = await getJSON(`/api/v1/geocode?q=${encodeURIComponent(typed)}&limit=1`);
    if (my !== placeSeq) return;
    understood = { typed, place: r.places?.[0] || null };
  } catch {
    understood = null;
  }
  renderUnderstood();
}
placeInput.addEventListener('input', () => {
  clearTimeout(placeTimer);
  renderUnderstood();
  placeTimer = setTimeout(lookUpPlace, 400);
});
placeInput.addEventListener('change', () => { clearTimeout(placeTimer); lookUpPlace(); });
document.addEventListener(LANGUAGE_EVENT, renderUnderstood);

const FIELDS = { name: 'help-name', phone: 'help-phone', address: 'help-address', place: 'help-place', lat: 'help-place', lon: 'help-place', consent: 'help-consent', details: 'help-details' };

function showError(state) {
  errorState = state;
  let text;
  if (state.field === 'consent') text = t('help.consent_needed');
  else if (state.field === 'place' || state.field === 'lat' || state.field === 'lon') text = t('help.place_unknown');
  else text = new ApiError(state.code, 0).message;
  for (const id of new Set(Object.values(FIELDS))) document.getElementById(id).removeAttribute('aria-invalid');
  const input = state.field && document.getElementById(FIELDS[state.field]);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    const label = document.querySelector(`label[for="${input.id}"]`);
    const name = (label?.querySelector('[data-i18n]') || label)?.textContent.trim();
    if (name && state.field !== 'consent') text += ` (${name})`;
  }
  errorText.textContent = text;
  errorBox.hidden = false;
  errorBox.focus();
}

document.addEventListener(LANGUAGE_EVENT, () => {
  renderArea();
  if (errorState) showError(errorState);
  submit.textContent = t(submit.disabled ? 'help.busy' : 'help.submit');
});
renderArea();

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  errorBox.hidden = true;
  errorState = null;
  const v = (id) => document.getElementById(id).value.trim();
  for (const [field, id] of [['name', 'help-name'], ['phone', 'help-phone'], ['address', 'help-address']])
    if (!v(id)) { showError({ code: 'missing_field', field }); return; }
  if (!document.getElementById('help-consent').checked) { showError({ code: 'invalid_field', field: 'consent' }); return; }
  const radio = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value;
  const body = {
    name: v('help-name'), phone: v('help-phone'), address: v('help-address'),
    kind: radio('kind') || 'other', urgency: radio('urgency') || 'normal', for_whom: radio('for_whom') || 'self',
    details: v('help-details'), language: language.value, consent: true,
  };
  if (v('help-call-window')) body.call_window = v('help-call-window');
  if (area) Object.assign(body, area);
  else if (v('help-place')) body.place = v('help-place');
  submit.disabled = true;
  submit.textContent = t('help.busy');
  try {
    const res = await api('/api/v1/requests', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } });
    idempotencyKey = randomKey();
    document.getElementById('help-code').textContent = res.tracking_code;
    const steps = document.getElementById('help-steps');
    steps.replaceChildren(...res.next_steps.map((s) => Object.assign(document.createElement('li'), { textContent: s })));
    document.getElementById('help-track').href = `/track?code=${encodeURIComponent(res.tracking_code)}`;
    form.hidden = true;
    done.hidden = false;
    done.focus();
  } catch (e) {
    showError(e instanceof ApiError ? { code: e.code, field: e.field } : { code: 'unknown' });
  } finally {
    submit.disabled = false;
    submit.textContent = t('help.submit');
  }
});
