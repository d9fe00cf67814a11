// Organising challenges (coordinators and admins): the challenges with links to each one's page,
// moderation and CSV export (GET /api/v1/challenges), and the form that opens a new one
// (POST /api/v1/challenges) with a preview of the phases' dates. Others see a notice.
import { ready, t, formatDate, formatNumber, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON, ApiError } from './api.js';
import { getMe, send } from './session.js';
import { $, el } from './staff.js';

await ready;
$('chadmin-nojs').hidden = true;

const DAY = 86400;
let me = null;
try { me = await getMe({ refresh: true }); } catch { me = null; }
const allowed = me && ['coordinator', 'admin'].includes(me.role);
if (!me) $('chadmin-anon').hidden = false;
else if (!allowed) $('chadmin-forbidden').hidden = false;


const titleOf = (c) => (getLanguage() === 'en' ? c.title_en || c.title_fa : c.title_fa || c.title_en);
const day = (s) => formatDate(new Date(s * 1000).toISOString().slice(0, 10));

let list = [];
function render() {
  const ul = $('chadmin-list');
  ul.replaceChildren();
  $('chadmin-empty').hidden = list.length > 0;
  const lang = getLanguage();
  for (const c of list) {
    const li = el('li', undefined, 'chadmin-item');
    const h = el('h3');
    const a = el('a', titleOf(c));
    a.href = `/challenges/${c.id}?lang=${lang}`;
    a.dir = 'auto';
    h.append(a);
    const meta = el('p', t('chadmin.item_meta', {
      phase: t(`challenges.phase_${c.phase}`), ideas: formatNumber(c.ideas),
      from: day(c.ideas_at), voting: day(c.voting_at), results: day(c.results_at),
    }));
    const links = el('p');
    const mod = el('a', t('chadmin.moderate'), 'button');
    mod.href = `/challenge-moderation?id=${c.id}`;
    const csv = el('a', t('chmod.csv'), 'button');
    csv.href = `/api/v1/challenges/${c.id}/ideas.csv?bom=1`;
    csv.setAttribute('download', '');
    links.append(mod, ' ', csv);
    li.append(h, meta, links);
    ul.append(li);
  }
}

async function load() {
  list = (await getJSON('/api/v1/challenges')).challenges;
  render();
}

const form = $('chadmin-form');
const f = (name) => form.elements[name];

function startSeconds() {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(f('ideas_from').value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 1000 : null;
}

function preview() {
  const at = startSeconds();
  const ideas = Number(f('ideas_days').value);
  const voting = Number(f('voting_days').value);
  const box = $('ch-phase-preview');
  if (at === null || !(ideas >= 1) || !(voting >= 1)) { box.textContent = ''; return; }
  box.textContent = t('chadmin.preview', {
    from: day(at), voting: day(at + ideas * DAY), results: day(at + (ideas + voting) * DAY),
  });
}

function syncBudget() {
  f('votes_per_person').disabled = f('unlimited').checked;
}

if (allowed) {
  $('chadmin-view').hidden = false;
  f('ideas_from').value = new Date().toISOString().slice(0, 10);
  for (const n of ['ideas_from', 'ideas_days', 'voting_days']) f(n).addEventListener('input', preview);
  f('unlimited').addEventListener('change', syncBudget);
  document.addEventListener(LANGUAGE_EVENT, () => { preview(); render(); });
  preview();
  try { await load(); } catch (e) {
    $('chadmin-error').textContent = e.message;
    $('chadmin-error').hidden = false;
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('chadmin-error').hidden = true;
    $('chadmin-done').hidden = true;
    for (const x of form.querySelectorAll('[aria-invalid]')) x.removeAttribute('aria-invalid');
    const at = startSeconds();
    const body = {
      title_fa: f('title_fa').value.trim(), title_en: f('title_en').value.trim(),
      problem_fa: f('problem_fa').value.trim(), problem_en: f('problem_en').value.trim(),
      ideas_at: at, ideas_days: Number(f('ideas_days').value), voting_days: Number(f('voting_days').value),
      votes_per_person: f('unlimited').checked ? 0 : Number(f('votes_per_person').value),
      show_votes: f('show_votes').checked, random_order: f('random_order').checked,
      threshold: Number(f('threshold').value || 0),
    };
    const fail = (code, field) => {
      $('chadmin-error').textContent = new ApiError(code, 0).message;
      $('chadmin-error').hidden = false;
      const input = field && form.elements[field === 'ideas_at' ? 'ideas_from' : field];
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); } else $('chadmin-error').focus();
    };
    if (!body.title_fa && !body.title_en) { fail('missing_field', 'title_fa'); return; }
    if (at === null) { fail('missing_field', 'ideas_at'); return; }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const c = await send('/api/v1/challenges', { body });
      form.reset();
      f('ideas_from').value = new Date().toISOString().slice(0, 10);
      syncBudget();
      preview();
      await load();
      $('chadmin-done-link').href = `/challenges/${c.id}?lang=${getLanguage()}`;
      $('chadmin-done').hidden = false;
      $('chadmin-done').focus();
    } catch (e) {
      if (e instanceof ApiError) fail(e.code, e.field);
      else fail('unknown');
    } finally {
      button.disabled = false;
    }
  });
}
