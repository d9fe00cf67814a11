// A person's own side of the neighbour-help board: the form that posts an offer or an ask (kind,
// category, text, a place from the gazetteer or a pin on the map, the time, the language, when
// it comes down) — a similar open post of theirs is shown before anything is made, with a way
// to post anyway — and edits an open post; their posts (edit, close) and their conversations.
import { ready, t, formatDate, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { getMe, send } from './session.js';
import { createMap, loadMapLibraries } from './map.js';
import { placeCombobox } from './groups-common.js';

await ready;
const $ = (id) => document.getElementById(`bm-${id}`);
const DAY = 86400;
const CATEGORIES = ['food', 'medicine', 'transport', 'shelter', 'childcare', 'elderly', 'errands', 'repairs', 'clothing', 'company', 'tutoring', 'other'];
const DAYS = [1, 3, 7, 14, 30, 60, 90];
const EXPIRY = [7, 14, 30, 60];

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

const me = await getMe().catch(() => null);
if (!me) {
  $('signin').hidden = false;
} else {
  await start();
}

async function start() {
  const form = $('form');
  let editing = null; // the post being edited
  let point = null; // {lat, lon, place}
  let map = null, L = null, marker = null;

  // The choices in the page's language; `fresh`: back to the defaults (after a reset).
  function fillSelects(fresh = false) {
    const keep = fresh ? [] : [$('category').value, $('days').value, $('expiry').value];
    $('category').replaceChildren(...CATEGORIES.map((c) => el('option', { value: c, textContent: t(`board.cat_${c}`) })));
    $('days').replaceChildren(...DAYS.map((n) => el('option', { value: String(n), textContent: n === 1 ? t('board_mine.days_1') : t('board_mine.days_n', { n: formatNum(n) }) })));
    $('expiry').replaceChildren(el('option', { value: '', textContent: t('board_mine.expiry_window') }),
      ...EXPIRY.map((n) => el('option', { value: String(n), textContent: t('board_mine.expiry_n', { n: formatNum(n) }) })));
    $('category').value = keep[0] || 'food';
    $('days').value = keep[1] || '7';
    $('expiry').value = keep[2] || '';
    showStart();
  }
  const formatNum = (n) => new Intl.NumberFormat(getLanguage() === 'fa' ? 'fa-IR' : 'en-GB').format(n);
  const today = () => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  // The day chosen, in the reader's calendar (Solar Hijri in Persian), beside the browser's box.
  function showStart() {
    const v = $('start').value;
    $('start-words').textContent = /^\d{4}-\d\d-\d\d$/.test(v) ? formatDate(v) : '';
  }
  $('start').value = today();
  $('start').min = today();
  $('start').addEventListener('input', showStart);
  $('language').value = getLanguage();
  fillSelects();
  document.addEventListener(LANGUAGE_EVENT, () => { fillSelects(); render(); });

  function setPoint(lat, lon, place) {
    point = { lat, lon, place };
    $('place-status').textContent = t('board_mine.place_picked', { place: place || t('board_mine.pin') });
    if (map?.map && L) {
      marker?.remove();
      marker = L.marker([lat, lon], { keyboard: false, interactive: false }).addTo(map.map);
    }
  }
  placeCombobox($('place'), $('place-list'), {
    onPick: (p) => {
      setPoint(p.lat, p.lon, $('place').value.trim());
      map?.map?.setView([p.lat, p.lon], 14);
    },
    near: () => (point ? [point.lat, point.lon] : null),
  });
  $('place').addEventListener('input', () => { point = null; $('place-status').textContent = ''; });

  map = await createMap($('map'), { labelKey: 'board_mine.map_label', placeLabels: true });
  try { L = (await loadMapLibraries()).L; } catch { L = null; }
  map.map?.on('click', (e) => {
    const ll = e.latlng.wrap();
    setPoint(ll.lat, ll.lng, $('place').value.trim());
  });

  // The window from the day chosen: today starts now; a later day at its first second.
  function times() {
    const now = Math.floor(Date.now() / 1000);
    const [y, m, d] = $('start').value.split('-').map(Number);
    const dayStart = Math.floor(new Date(y, m - 1, d).getTime() / 1000);
    const starts = Math.max(now, dayStart);
    const ends = dayStart + Number($('days').value) * DAY;
    const out = { starts_at: starts, ends_at: ends };
    if ($('expiry').value) out.expires_at = now + Number($('expiry').value) * DAY - 60;
    return out;
  }

  function body(confirm) {
    const b = {
      category: $('category').value,
      body: $('body').value.trim(),
      language: $('language').value,
      place: point.place || '',
      lat: point.lat,
      lon: point.lon,
      ...times(),
    };
    if (!editing) {
      b.kind = form.querySelector('input[name="kind"]:checked').value;
      if (confirm) b.confirm = true;
    }
    return b;
  }

  function showError(text, field) {
    $('error').textContent = text;
    $('error').hidden = false;
    $('error').focus();
    if (field) field.setAttribute('aria-invalid', 'true');
  }

  async function submit(confirm) {
    $('error').hidden = true;
    $('done').textContent = '';
    for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
    if (!point) { showError(t('board_mine.place_needed'), $('place')); return; }
    if (!$('start').value) { showError(t('board_mine.start'), $('start')); return; }
    $('submit').disabled = true;
    try {
      if (editing) {
        await send(`/api/v1/board/posts/${encodeURIComponent(editing.id)}`, { method: 'PATCH', body: body(false) });
        stopEditing();
        $('done').textContent = t('board_mine.saved');
      } else {
        await send('/api/v1/board/posts', { body: body(confirm) });
        $('dup').hidden = true;
        clearForm();
        $('done').textContent = t('board_mine.posted');
      }
      await load();
    } catch (e) {
      if (e.code === 'possible_duplicate' && Array.isArray(e.answer?.similar)) {
        $('dup-list').replaceChildren(...e.answer.similar.map((p) => postItem(p, false)));
        $('dup').hidden = false;
        $('dup').focus();
      } else {
        const field = e.field && form.querySelector(`[name="${e.field}"]`);
        showError(e.message, field || null);
      }
    } finally {
      $('submit').disabled = false;
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); submit(false); });
  $('confirm').addEventListener('click', () => submit(true));

  function startEditing(p) {
    editing = p;
    $('form-h').textContent = t('board_mine.edit_h2');
    $('submit').textContent = t('board_mine.save');
    $('cancel').hidden = false;
    for (const r of form.querySelectorAll('input[name="kind"]')) { r.checked = r.value === p.kind; r.disabled = true; }
    $('category').value = p.category;
    $('body').value = p.body;
    $('language').value = p.language;
    $('place').value = p.place;
    setPoint(p.lat, p.lon, p.place);
    const d = new Date(Math.max(p.starts_at, Date.now() / 1000) * 1000);
    $('start').value = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const span = Math.round((p.ends_at - p.starts_at) / DAY);
    $('days').value = String(DAYS.find((n) => n >= span) || 90);
    $('expiry').value = '';
    showStart();
    $('dup').hidden = true;
    $('form-h').scrollIntoView();
    $('body').focus();
  }
  function stopEditing() {
    editing = null;
    $('form-h').textContent = t('board_mine.new_h2');
    $('submit').textContent = t('board_mine.submit');
    $('cancel').hidden = true;
    for (const r of form.querySelectorAll('input[name="kind"]')) r.disabled = false;
    clearForm();
  }
  // Back to an empty form with the defaults (today, the page's language, no place).
  function clearForm() {
    form.reset();
    $('start').value = today();
    $('language').value = getLanguage();
    fillSelects(true);
    point = null;
    $('place-status').textContent = '';
    marker?.remove();
  }
  $('cancel').addEventListener('click', stopEditing);

  function postItem(p, actions) {
    const li = el('li', { className: `board-${p.kind}` });
    li.dataset.postId = p.id;
    const head = el('p', {}, el('strong', { textContent: t(`board.kind_name_${p.kind}`) }), ` · ${t(`board.cat_${p.category}`)}`);
    if (p.place) head.append(' · ', el('span', { dir: 'auto', textContent: p.place }));
    if (actions && p.status !== 'open') head.append(` · ${t(`board_mine.status_${p.status}`)}`);
    li.append(head, el('p', { dir: 'auto', lang: p.language, textContent: p.body }),
      el('p', {}, el('small', { textContent: t('board.window', { from: formatDate(new Date(p.starts_at * 1000)), to: formatDate(new Date(p.ends_at * 1000)) }) })));
    const links = el('p', { className: 'board-actions' },
      el('a', { href: `/board/search?id=${encodeURIComponent(p.id)}&lang=${getLanguage()}`, textContent: t('board_mine.view') }));
    if (actions && p.status === 'open') {
      const edit = el('button', { type: 'button', className: 'button button-secondary', textContent: t('board_mine.edit') });
      edit.addEventListener('click', () => startEditing(p));
      const close = el('button', { type: 'button', className: 'button button-secondary', textContent: t('board_mine.close') });
      close.addEventListener('click', async () => {
        close.disabled = true;
        try {
          await send(`/api/v1/board/posts/${encodeURIComponent(p.id)}/close`);
          $('done').textContent = t('board_mine.closed');
          if (editing?.id === p.id) stopEditing();
          await load();
        } catch (e) {
          showError(e.message);
          close.disabled = false;
        }
      });
      links.append(edit, close);
    }
    li.append(links);
    return li;
  }

  let mine = { posts: [], conversations: [] };
  function render() {
    $('posts').replaceChildren(...mine.posts.map((p) => postItem(p, true)));
    $('posts-empty').hidden = mine.posts.length > 0;
    $('convs').replaceChildren(...mine.conversations.map((c) => {
      const shared = c.author_agreed && c.responder_agreed;
      return el('li', {}, el('p', {},
        el('a', { href: `/board-chat?id=${encodeURIComponent(c.id)}`, textContent: t(`board_mine.conv_item_${c.role}`) }),
        shared ? ` · ${t('board_mine.conv_shared')}` : null),
      el('p', {}, el('small', { textContent: formatDate(new Date(c.updated_at * 1000)) })));
    }));
    $('convs-empty').hidden = mine.conversations.length > 0;
  }
  async function load() {
    try {
      mine = await getJSON('/api/v1/board/mine');
      render();
    } catch (e) {
      showError(e.message);
    }
  }
  $('form-section').hidden = false;
  $('posts-section').hidden = false;
  $('convs-section').hidden = false;
  await load();
}
