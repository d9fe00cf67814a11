// The editors' upload form for open data (/data-upload): a CSV file with its description in
// both languages, sent as multipart/form-data to POST /api/v1/datasets. "Check the file" sends
// it with dry_run=1: the rows' errors (row, column, message) are listed in a table and nothing
// is stored; "Publish" loads it as the dataset's next version. Anonymous visitors and other
// roles see a notice instead; the server checks every request.
import { ready, t, formatNumber, formatDate } from './i18n.js';
import { getMe } from './session.js';

await ready;
const $ = (id) => document.getElementById(id);
$('du-nojs').hidden = true;
const form = $('du-form');
let me = null;

function clear() {
  $('du-error').hidden = true;
  $('du-errors').hidden = true;
  $('du-status').replaceChildren();
}

function showError(text) {
  const box = $('du-error');
  box.textContent = text;
  box.hidden = false;
  box.focus();
}

function showRowErrors(error) {
  const fig = $('du-errors');
  $('du-errors-caption').textContent = t('data_upload.refused', { n: formatNumber(error.error_count) });
  const body = $('du-errors-table').querySelector('tbody');
  body.replaceChildren(...error.errors.map((e) => {
    const tr = document.createElement('tr');
    const cells = [formatNumber(e.row), e.column || t('data_upload.whole_row'), e.message];
    cells.forEach((text, i) => {
      const c = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) c.scope = 'row';
      if (i > 0) c.dir = 'auto';
      c.textContent = text;
      tr.append(c);
    });
    return tr;
  }));
  fig.hidden = false;
  $('du-errors-caption').scrollIntoView?.({ block: 'nearest' });
}

async function upload(dry) {
  clear();
  if (!form.reportValidity()) return;
  const data = new FormData();
  for (const el of form.querySelectorAll('[name]')) {
    if (el.type === 'file') { if (el.files[0]) data.append('file', el.files[0], el.files[0].name); }
    else if (el.value.trim()) data.append(el.name, el.value.trim());
  }
  if (dry) data.append('dry_run', '1');
  const buttons = form.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  $('du-status').textContent = t(dry ? 'data_upload.checking' : 'data_upload.sending');
  try {
    const res = await fetch('/api/v1/datasets', {
      method: 'POST', body: data, credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(me?.csrf_token ? { 'X-CSRF-Token': me.csrf_token } : {}) },
    });
    const json = await res.json().catch(() => null);
    $('du-status').textContent = '';
    if (res.status === 422 && json?.error?.errors) { showRowErrors(json.error); return; }
    if (!res.ok) {
      const code = json?.error?.code;
      const known = code ? t(`error.${code}`) : '';
      showError([known && known !== `error.${code}` ? known : '', json?.error?.message || ''].filter(Boolean).join(' ') || t('error.unknown'));
      return;
    }
    if (dry) {
      $('du-status').textContent = t('data_upload.sound', {
        rows: formatNumber(json.rows), columns: json.columns.join(t('data_upload.list_separator')),
        from: formatDate(json.first_date), to: formatDate(json.last_date),
      });
    } else {
      const link = document.createElement('a');
      link.href = `/data?dataset=${encodeURIComponent(json.id)}`;
      link.textContent = t('data_upload.view');
      $('du-status').append(t('data_upload.loaded', { version: formatNumber(json.loaded_version), rows: formatNumber(json.rows) }), ' ', link);
    }
  } catch {
    $('du-status').textContent = '';
    showError(t('error.unknown'));
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

me = await getMe({ refresh: true }).catch(() => null);
if (!me) $('du-anon').hidden = false;
else if (!['editor', 'admin'].includes(me.role)) $('du-forbidden').hidden = false;
else {
  form.hidden = false;
  form.addEventListener('submit', (ev) => { ev.preventDefault(); upload(false); });
  $('du-check').addEventListener('click', () => upload(true));
}
