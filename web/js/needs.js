// Organisations' needs (docs/skills.md). Everyone sees the open needs; a signed-in volunteer
// keeps their skills and levels here (PUT /api/v1/me/skills), sees the needs ranked for them
// (GET /api/v1/needs/mine), offers to help, and sees their offers — with the contact of the
// person who posted the need once the organisation accepted.
import { ready, t, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { getMe, send } from './session.js';
import { $, el, showError, clearError } from './staff.js';

await ready;
const LEVELS = ['basic', 'experienced', 'expert'];
const VOLUNTEER_ROLES = ['volunteer', 'coordinator', 'admin'];
const state = { skills: [], mine: [], needs: [], offers: [], ranked: false, msg: null, skillsMsg: null };
const me = await getMe().catch(() => null);
const volunteer = Boolean(me && VOLUNTEER_ROLES.includes(me.role) && me.status === 'approved');

const skillName = (slug) => {
  const s = state.skills.find((k) => k.slug === slug);
  return s ? (getLanguage() === 'fa' ? s.name_fa : s.name_en) : slug;
};

function skillEditor() {
  const held = new Map(state.mine.map((m) => [m.skill, m.level]));
  const rows = state.skills.filter((s) => !s.retired || held.has(s.slug)).map((s) => {
    const div = el('div', null, 'field field-inline');
    const id = `needs-skill-${s.slug}`;
    const label = el('label', skillName(s.slug), 'field-label');
    label.htmlFor = id;
    const sel = el('select', null, 'input input-short');
    sel.id = id;
    sel.dataset.skill = s.slug;
    for (const v of ['', ...LEVELS]) {
      const o = el('option', t(v ? `needs.level_${v}` : 'needs.level_none'));
      o.value = v;
      o.selected = (held.get(s.slug) || '') === v;
      sel.append(o);
    }
    div.append(label, sel);
    return div;
  });
  const legend = el('legend', t('needs.skills_legend'));
  $('needs-skills').replaceChildren(legend, ...rows);
}

function needItem(n) {
  const li = el('li', null, 'vet-item');
  li.dataset.id = n.id;
  const h = el('h3', n.title);
  h.dir = 'auto';
  const org = el('p', t('needs.by_org', { org: n.org_name }));
  org.dir = 'auto';
  const dl = el('dl', null, 'details');
  const row = (key, value) => { const dd = el('dd', value); dd.dir = 'auto'; dl.append(el('dt', t(key)), dd); };
  row('needs.skills', n.skills.map((k) => `${skillName(k.skill)} (${t(`needs.level_${k.min_level}`)})`).join('، '));
  row('needs.people', t('needs.people_count', { accepted: n.accepted, people: n.people }));
  row('needs.commitment', n.commitment);
  row('needs.where', n.remote ? t('needs.remote') : t('needs.in_place'));
  if (n.match) row('needs.match', n.match.distance_km === null
    ? t('needs.match_text', { met: n.match.skills_met })
    : t('needs.match_km', { met: n.match.skills_met, km: n.match.distance_km }));
  li.append(h, org);
  if (n.description) { const p = el('p', n.description); p.dir = 'auto'; li.append(p); }
  li.append(dl);
  if (volunteer && !state.offers.some((o) => o.need_id === n.id)) {
    const b = el('button', t('needs.offer'), 'button');
    b.type = 'button';
    b.addEventListener('click', () => offer(n, b));
    li.append(b);
  }
  return li;
}

function offerItem(o) {
  const li = el('li', null, 'vet-item');
  const h = el('h3', o.title);
  h.dir = 'auto';
  const p = el('p', `${o.org_name} — ${t(`needs.offer_${o.status}`)}`);
  p.dir = 'auto';
  li.append(h, p);
  if (o.contact) {
    const c = el('p', t('needs.contact', { name: o.contact.name, phone: o.contact.phone || '—', email: o.contact.email || '—' }), 'notice');
    c.dir = 'auto';
    li.append(c);
  }
  return li;
}

function render() {
  if (volunteer) {
    skillEditor();
    $('needs-offers').replaceChildren(...state.offers.map(offerItem));
    $('needs-offers-none').hidden = state.offers.length > 0;
    $('needs-skills-msg').textContent = state.skillsMsg ? t(state.skillsMsg) : '';
  }
  $('needs-list').replaceChildren(...state.needs.map(needItem));
  $('needs-list-note').textContent = state.needs.length
    ? t(state.ranked ? 'needs.ranked_note' : 'needs.count', { n: state.needs.length })
    : t(state.ranked ? 'needs.none_for_you' : 'needs.none');
  $('needs-msg').textContent = state.msg ? t(state.msg) : '';
}

async function load() {
  try {
    state.skills = (await getJSON('/api/v1/skills')).skills;
    if (volunteer) {
      $('needs-mine').hidden = false;
      state.mine = (await getJSON('/api/v1/me/skills')).skills;
      state.offers = (await getJSON('/api/v1/me/offers')).offers;
    }
    state.ranked = volunteer && state.mine.length > 0;
    state.needs = (await getJSON(state.ranked ? '/api/v1/needs/mine' : '/api/v1/needs')).needs;
    clearError('needs');
    render();
  } catch (e) {
    showError('needs', e);
  }
}

async function offer(n, button) {
  button.disabled = true;
  try {
    await send(`/api/v1/needs/${encodeURIComponent(n.id)}/offers`);
    state.msg = 'needs.offered';
    await load();
  } catch (e) {
    button.disabled = false;
    showError('needs', e);
  }
}

$('needs-skills-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const skills = [...document.querySelectorAll('#needs-skills select')]
    .filter((s) => s.value).map((s) => ({ skill: s.dataset.skill, level: s.value }));
  try {
    await send('/api/v1/me/skills', { method: 'PUT', body: { skills } });
    state.skillsMsg = 'needs.skills_saved';
    await load();
  } catch (e) {
    showError('needs', e);
  }
});

document.addEventListener(LANGUAGE_EVENT, render);
await load();
