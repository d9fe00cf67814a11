// Organisations (docs/skills.md): register one (pending until a coordinator verifies it), post
// its needs, see the volunteers ranked for each need — names, skills and rounded areas, never
// contact details — and the offers, accept or decline them; an accepted volunteer's contact is
// shown. Coordinators and admins also verify pending organisations here.
import { ready, t, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { send } from './session.js';
import { $, el, gate, showError, clearError } from './staff.js';

await ready;
const ROLES = ['member', 'volunteer', 'coordinator', 'editor', 'admin'];
const LEVELS = ['basic', 'experienced', 'expert'];
const me = await gate('orgs', ROLES, 'orgs.not_for_you');
const coordinator = Boolean(me && ['coordinator', 'admin'].includes(me.role));
const state = { skills: [], orgs: [], pending: [], open: new Map(), places: new Map(), msg: null };

const skillName = (slug) => {
  const s = state.skills.find((k) => k.slug === slug);
  return s ? (document.documentElement.lang === 'fa' ? s.name_fa : s.name_en) : slug;
};

function button(key, onClick, cls = 'button') {
  const b = el('button', t(key), cls);
  b.type = 'button';
  b.addEventListener('click', () => onClick(b));
  return b;
}

async function act(b, fn) {
  b.disabled = true;
  try {
    await fn();
    await load();
  } catch (e) {
    b.disabled = false;
    showError('orgs', e);
  }
}

function candidateList(need, data) {
  const ul = el('ul', null, 'vet-list');
  ul.dataset.candidates = need.id;
  for (const c of data.candidates) {
    const li = el('li', null, 'vet-item');
    const h = el('h4', c.name);
    h.dir = 'auto';
    const sk = c.skills.map((k) => `${skillName(k.skill)} (${t(`needs.level_${k.level}`)})`).join('، ');
    const p = el('p', c.distance_km === null ? sk : `${sk} — ${t('orgs.km', { km: c.distance_km })}`);
    p.dir = 'auto';
    li.append(h, p);
    if (c.offer) li.append(el('p', t(`needs.offer_${c.offer}`), 'badge'));
    ul.append(li);
  }
  if (!data.candidates.length) ul.append(el('li', t('orgs.no_candidates')));
  return ul;
}

function offerList(need, data) {
  const ul = el('ul', null, 'vet-list');
  ul.dataset.offers = need.id;
  for (const o of data.offers) {
    const li = el('li', null, 'vet-item');
    const h = el('h4', `${o.name} — ${t(`needs.offer_${o.status}`)}`);
    h.dir = 'auto';
    li.append(h);
    if (o.contact) {
      const c = el('p', t('needs.contact', { name: o.contact.name, phone: o.contact.phone || '—', email: o.contact.email || '—' }), 'notice');
      c.dir = 'auto';
      li.append(c);
    }
    if (o.status === 'offered' && data.status === 'open') {
      const base = `/api/v1/needs/${encodeURIComponent(need.id)}/offers/${encodeURIComponent(o.user_id)}`;
      li.append(button('orgs.accept', (b) => act(b, () => send(`${base}/accept`))),
        button('orgs.decline', (b) => act(b, () => send(`${base}/decline`)), 'button button-secondary'));
    }
    ul.append(li);
  }
  if (!data.offers.length) ul.append(el('li', t('orgs.no_offers')));
  return ul;
}

function needItem(need, detail) {
  const li = el('li', null, 'vet-item');
  li.dataset.need = need.id;
  const h = el('h3', need.title);
  h.dir = 'auto';
  li.append(h, el('p', t('needs.people_count', { accepted: need.accepted, people: need.people }) + ' — ' + t(`orgs.status_${need.status}`)));
  if (detail) li.append(el('h4', t('orgs.candidates')), candidateList(need, detail.c), el('h4', t('orgs.offers')), offerList(need, detail.o));
  else li.append(button('orgs.show', async (b) => {
    b.disabled = true;
    try {
      const [c, o] = await Promise.all([
        getJSON(`/api/v1/needs/${encodeURIComponent(need.id)}/candidates`),
        getJSON(`/api/v1/needs/${encodeURIComponent(need.id)}/offers`)]);
      state.open.set(need.id, { c, o });
      render();
    } catch (e) { b.disabled = false; showError('orgs', e); }
  }, 'button button-secondary'));
  return li;
}

function needForm(org) {
  const f = el('form', null, 'form');
  f.noValidate = true;
  const field = (key, input) => {
    const d = el('div', null, 'field');
    const l = el('label', t(key), 'field-label');
    input.id = `orgs-${org.id}-${input.name}`;
    l.htmlFor = input.id;
    d.append(l, input);
    f.append(d);
    return input;
  };
  const input = (name, type = 'text') => { const i = el('input', null, 'input'); i.name = name; i.type = type; i.dir = 'auto'; return i; };
  field('orgs.need_title', input('title'));
  field('orgs.need_description', Object.assign(el('textarea', null, 'input'), { name: 'description' }));
  const skill = field('orgs.need_skill', Object.assign(el('select', null, 'input input-short'), { name: 'skill' }));
  for (const s of state.skills.filter((k) => !k.retired)) skill.append(Object.assign(el('option', skillName(s.slug)), { value: s.slug }));
  const level = field('orgs.need_level', Object.assign(el('select', null, 'input input-short'), { name: 'min_level' }));
  for (const l of LEVELS) level.append(Object.assign(el('option', t(`needs.level_${l}`)), { value: l }));
  const people = field('orgs.need_people', input('people', 'number'));
  people.min = 1; people.max = 1000; people.value = 1;
  field('orgs.need_commitment', input('commitment'));
  const remote = Object.assign(el('input'), { type: 'checkbox', name: 'remote', checked: true });
  field('orgs.need_remote', remote).className = '';
  const sub = el('button', t('orgs.post_need'), 'button');
  sub.type = 'submit';
  const msg = el('p', null, 'form-message');
  msg.setAttribute('role', 'status');
  f.append(sub, msg);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      title: f.title.value.trim(), description: f.description.value.trim(),
      skills: [{ skill: skill.value, min_level: level.value }], people: Number(people.value),
      commitment: f.commitment.value.trim(), remote: remote.checked,
    };
    if (!remote.checked && org.lat !== null) Object.assign(body, { lat: org.lat, lon: org.lon });
    try {
      await send(`/api/v1/orgs/${encodeURIComponent(org.id)}/needs`, { body });
      await load();
    } catch (e) { showError('orgs', e); }
  });
  return f;
}

function orgBlock(org) {
  const s = el('section', null, 'panel');
  s.dataset.org = org.id;
  const h = el('h3', org.name);
  h.dir = 'auto';
  s.append(h, el('p', t(`orgs.org_${org.status}`), org.status === 'verified' ? 'badge' : 'badge badge-warning'));
  const ul = el('ul', null, 'vet-list');
  for (const n of org.needs) ul.append(needItem(n, state.open.get(n.id)));
  s.append(el('h4', t('orgs.needs')), ul, el('h4', t('orgs.new_need')), needForm(org));
  return s;
}

function pendingItem(org) {
  const li = el('li', null, 'vet-item');
  const h = el('h3', `${org.name} — ${org.area}`);
  h.dir = 'auto';
  const p = el('p', org.contact);
  p.dir = 'auto';
  li.append(h, p, button('orgs.verify', (b) => act(b, () => send(`/api/v1/orgs/${encodeURIComponent(org.id)}/verify`))));
  return li;
}

function render() {
  $('orgs-mine').replaceChildren(...state.orgs.map(orgBlock));
  $('orgs-mine-none').hidden = state.orgs.length > 0;
  if (coordinator) {
    $('orgs-pending-box').hidden = false;
    $('orgs-pending').replaceChildren(...state.pending.map(pendingItem));
    $('orgs-pending-none').hidden = state.pending.length > 0;
  }
}

async function load() {
  try {
    state.skills = (await getJSON('/api/v1/skills')).skills;
    const mine = (await getJSON('/api/v1/orgs?mine=true')).orgs;
    state.orgs = await Promise.all(mine.map((o) => getJSON(`/api/v1/orgs/${encodeURIComponent(o.id)}`)));
    for (const [id] of state.open) {
      state.open.set(id, {
        c: await getJSON(`/api/v1/needs/${encodeURIComponent(id)}/candidates`),
        o: await getJSON(`/api/v1/needs/${encodeURIComponent(id)}/offers`),
      });
    }
    if (coordinator) state.pending = (await getJSON('/api/v1/orgs?status=pending')).orgs;
    clearError('orgs');
    render();
  } catch (e) {
    showError('orgs', e);
  }
}

$('orgs-area').addEventListener('input', async () => {
  const q = $('orgs-area').value.trim();
  if (q.length < 2) return;
  try {
    const d = await getJSON(`/api/v1/geocode?q=${encodeURIComponent(q)}&limit=8`);
    $('orgs-places').replaceChildren(...d.places.map((p) => {
      state.places.set(p.name, p);
      return Object.assign(el('option'), { value: p.name });
    }));
  } catch { /* the name alone is enough */ }
});

$('orgs-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = { name: f.name.value.trim(), kind: f.kind.value, area: f.area.value.trim(), contact: f.contact.value.trim() };
  const place = state.places.get(body.area);
  if (place) Object.assign(body, { lat: place.lat, lon: place.lon });
  try {
    await send('/api/v1/orgs', { body });
    $('orgs-form-msg').textContent = t('orgs.registered');
    f.reset();
    await load();
  } catch (e) {
    showError('orgs', e);
  }
});

document.addEventListener(LANGUAGE_EVENT, render);
if (me) await load();
