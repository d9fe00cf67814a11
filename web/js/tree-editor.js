// The decision-tree editor (/tree-editor, editors and admins): every tree and language
// (GET /api/v1/trees?all=true), the document as JSON in a textarea, saved with POST (a new
// tree) or PUT (a new version of the one loaded; 409 when someone saved meanwhile), the
// validator's problems listed by node next to it (422), a preview that walks the saved tree
// through POST …/evaluate (an editor's walk is not counted), publish / withdraw, the revisions
// (any one can be loaded back into the textarea) and the anonymous counts of outcomes.
import { ready, t, formatNumber, languageName, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { getMe, send } from './session.js';
import { $, el, gate, showError, clearError, formatDateTime } from './staff.js';

await ready;

const me = await gate('te', ['editor', 'admin'], 'tree_editor.not_allowed');
const NEW_TREE = {
  id: 'new-tree', title: 'A new guide', version: 1, reviewed_at: new Date().toISOString().slice(0, 10),
  language: 'en', intro: '**This is not medical advice.**', start: 'q1',
  nodes: [
    { id: 'q1', type: 'single_choice', text: 'A first question?', options: [
      { label: 'Yes', value: 'yes', next: 'r1' }, { label: 'No', value: 'no', next: 'r1' }] },
    { id: 'r1', type: 'result', title: 'What to do', severity: 'info', text: 'The advice.' },
  ],
};

let trees = [];
let current = null; // the loaded tree: { id, language, published, version } or null for a new one

function say(key, vars) { return t(key, vars); }

async function loadList() {
  const r = await getJSON('/api/v1/trees?all=true');
  trees = r.trees;
  const rows = trees.map((tr) => {
    const row = el('tr');
    const title = el('td');
    const b = el('button', tr.title, 'link-button');
    b.type = 'button';
    b.lang = tr.language; // the tree's own language, whatever the page's
    b.addEventListener('click', () => open(tr.id, tr.language).catch((e) => showError('te', e)));
    title.append(b);
    const state = el('td', say(tr.published ? 'tree_editor.published' : 'tree_editor.draft'));
    if (tr.review_age_days > 180) state.append(el('span', ` · ${say('tree_editor.stale')}`, 'te-stale'));
    row.append(title, el('td', languageName(tr.language)), el('td', formatNumber(tr.version)), el('td', tr.reviewed_at), state);
    return row;
  });
  $('te-list').replaceChildren(...rows);
}

function showCurrent() {
  if (current) {
    // The tree's id is an identifier, written as it is (left to right, not translated).
    const [before, after = ''] = say('tree_editor.editing', {
      id: '\u0001', lang: languageName(current.language), version: formatNumber(current.version),
    }).split('\u0001');
    const id = el('span', current.id);
    id.lang = 'en';
    id.dir = 'ltr';
    id.translate = false;
    $('te-current').replaceChildren(before, id, after);
  } else {
    $('te-current').textContent = say('tree_editor.editing_new');
  }
  $('te-publish').hidden = !current || current.published;
  $('te-unpublish').hidden = !current || !current.published;
}

function showProblems(problems) {
  const list = $('te-problems');
  $('te-problems-none').hidden = problems.length > 0;
  // Grouped by node, in the order the validator named them.
  const groups = new Map();
  for (const p of problems) {
    const k = p.node ?? '';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(p);
  }
  list.replaceChildren(...[...groups].map(([node, ps]) => {
    const li = el('li');
    li.dataset.node = node;
    li.append(el('strong', node ? say('tree_editor.node', { node }) : say('tree_editor.whole_tree')));
    const ul = el('ul');
    for (const p of ps) {
      const item = el('li');
      item.append(el('code', p.code, 'te-code'), ' ', el('span', p.field ? `${p.field}: ` : ''), el('span', p.message));
      ul.append(item);
    }
    li.append(ul);
    return li;
  }));
}

async function loadDetails() {
  if (!current) {
    $('te-revisions').replaceChildren();
    $('te-outcomes').replaceChildren();
    return;
  }
  const q = `lang=${encodeURIComponent(current.language)}`;
  const revs = await getJSON(`/api/v1/trees/${encodeURIComponent(current.id)}/revisions?${q}`);
  $('te-revisions').replaceChildren(...revs.revisions.map((r) => {
    const li = el('li');
    li.append(el('span', say('tree_editor.revision', { version: formatNumber(r.version), action: say(`tree_editor.action_${r.action}`) })), ' ',
      el('span', formatDateTime(r.at)), ' ');
    const b = el('button', say('tree_editor.load_revision'), 'link-button');
    b.type = 'button';
    b.addEventListener('click', async () => {
      try {
        const one = await getJSON(`/api/v1/trees/${encodeURIComponent(current.id)}/revisions/${r.version}?${q}`);
        // Saved on top of the version in force, as any edit is.
        $('te-json').value = JSON.stringify({ ...one.document, version: current.version }, null, 2);
      } catch (e) { showError('te', e); }
    });
    li.append(b);
    return li;
  }));
  const full = await getJSON(`/api/v1/trees/${encodeURIComponent(current.id)}?${q}`);
  $('te-outcomes').replaceChildren(...(full.outcomes || []).map((o) => el('li', say('tree_editor.outcome', { node: o.node, count: formatNumber(o.count) }))));
  if (!full.outcomes?.length) $('te-outcomes').append(el('li', say('tree_editor.no_outcomes')));
}

async function open(id, language) {
  clearError('te');
  const tr = await getJSON(`/api/v1/trees/${encodeURIComponent(id)}?lang=${encodeURIComponent(language)}`);
  current = { id: tr.id, language: tr.language, published: tr.published, version: tr.version };
  $('te-json').value = JSON.stringify(tr.document, null, 2);
  showProblems([]);
  $('te-saved').textContent = '';
  $('te-preview-box').hidden = true;
  showCurrent();
  await loadDetails();
}

async function save() {
  clearError('te');
  $('te-saved').textContent = '';
  let doc;
  try {
    doc = JSON.parse($('te-json').value);
  } catch (e) {
    showProblems([{ code: 'bad_json', node: null, field: null, message: String(e.message) }]);
    return;
  }
  const isNew = !current || current.id !== doc.id || current.language !== doc.language;
  const mine = await getMe().catch(() => null);
  const res = await fetch(isNew ? '/api/v1/trees' : `/api/v1/trees/${encodeURIComponent(doc.id)}`, {
    method: isNew ? 'POST' : 'PUT',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(mine?.csrf_token ? { 'X-CSRF-Token': mine.csrf_token } : {}) },
    body: JSON.stringify(doc),
  });
  const body = await res.json().catch(() => null);
  if (res.status === 422) {
    showProblems(body.error.problems);
    $('te-saved').textContent = say('tree_editor.not_saved', { n: formatNumber(body.error.problems.length) });
    return;
  }
  if (!res.ok) {
    showError('te', new Error(body?.error?.message || res.statusText));
    return;
  }
  current = { id: body.id, language: body.language, published: body.published, version: body.version };
  $('te-json').value = JSON.stringify(body.document, null, 2);
  showProblems([]);
  $('te-saved').textContent = say('tree_editor.saved', { version: formatNumber(body.version) });
  showCurrent();
  await loadList();
  await loadDetails();
}

async function setPublished(on) {
  clearError('te');
  try {
    const r = await send(`/api/v1/trees/${encodeURIComponent(current.id)}/${on ? 'publish' : 'unpublish'}?lang=${encodeURIComponent(current.language)}`);
    current.published = r.published;
    showCurrent();
    await loadList();
  } catch (e) { showError('te', e); }
}

// ---- preview: the saved tree, walked through the API ----

let answers = {};

async function step() {
  const box = $('te-preview');
  try {
    const r = await send(`/api/v1/trees/${encodeURIComponent(current.id)}/evaluate?lang=${encodeURIComponent(current.language)}`, { body: { answers } });
    answers = r.answers;
    const node = r.node;
    const part = el('div', null, r.done ? `tree-result tree-${node.severity}` : 'tree-question');
    if (r.done) part.append(el('h3', node.title));
    const text = el('div');
    text.textContent = node.text;
    part.append(text);
    if (node.contact) part.append(el('p', `${node.contact.name}: ${node.contact.phone} (${node.contact.hours})`));
    const go = (value) => { answers = { ...answers, [node.id]: value }; step(); };
    if (!r.done) {
      if (node.type === 'single_choice') {
        for (const o of node.options) {
          const b = el('button', o.label, 'button');
          b.type = 'button';
          b.addEventListener('click', () => go(o.value));
          part.append(b, ' ');
        }
      } else {
        const input = el('input');
        input.setAttribute('aria-label', node.text);
        input.dir = 'ltr';
        const b = el('button', say('tree_editor.preview_next'), 'button');
        b.type = 'button';
        if (node.type === 'multiple_choice') {
          input.placeholder = node.options.map((o) => o.value).join(',');
          b.addEventListener('click', () => go(input.value.split(',').map((x) => x.trim()).filter(Boolean)));
        } else {
          b.addEventListener('click', () => go(input.value));
        }
        part.append(input, ' ', b);
      }
    }
    const back = el('button', say('tree_editor.preview_restart'), 'button button-secondary');
    back.type = 'button';
    back.addEventListener('click', () => { answers = {}; step(); });
    box.replaceChildren(part, el('p'), back);
  } catch (e) {
    box.replaceChildren(el('p', e.message, 'notice notice-warning'));
    answers = {};
  }
}

if (me) {
  $('te-new').addEventListener('click', () => {
    current = null;
    $('te-json').value = JSON.stringify(NEW_TREE, null, 2);
    showProblems([]);
    showCurrent();
    loadDetails();
  });
  $('te-save').addEventListener('click', () => save().catch((e) => showError('te', e)));
  $('te-publish').addEventListener('click', () => setPublished(true));
  $('te-unpublish').addEventListener('click', () => setPublished(false));
  $('te-preview-start').addEventListener('click', () => {
    if (!current) return;
    $('te-preview-box').hidden = false;
    answers = {};
    step();
  });
  document.addEventListener(LANGUAGE_EVENT, () => { showCurrent(); loadList().catch((e) => showError('te', e)); });
  try {
    await loadList();
    if (trees.length) await open(trees[0].id, trees[0].language);
    else showCurrent();
  } catch (e) {
    showError('te', e);
  }
}
