// Moderating one challenge (coordinators and admins), /challenge-moderation?id=…: what people
// reported (GET …/reports, without the reporter) and every idea, hidden ones marked with their
// reason; the ideas and comments ticked are hidden or shown again together, with a reason that
// goes to the audit log (POST …/moderation); and the CSV export. Others see a notice.
import { ready, t, formatDateTime, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON, ApiError } from './api.js';
import { getMe, send } from './session.js';
import { $, el } from './staff.js';

await ready;
$('chmod-nojs').hidden = true;
const id = new URLSearchParams(location.search).get('id') || '';
$('chmod-signin').href = `/signin?next=${encodeURIComponent(`/challenge-moderation?id=${id}`)}`;

let me = null;
try { me = await getMe({ refresh: true }); } catch { me = null; }
const allowed = me && ['coordinator', 'admin'].includes(me.role);
if (!me) $('chmod-anon').hidden = false;
else if (!allowed) $('chmod-forbidden').hidden = false;


const state = { challenge: null, reports: [], comments: new Map() };

/** A checkbox row: kind 'idea' or 'comment'. */
function choice(kind, itemId, label, details) {
  const li = el('li', undefined, 'chmod-item');
  const lab = el('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.name = kind;
  box.value = itemId;
  const span = el('span', label);
  span.dir = 'auto';
  lab.append(box, ' ', span);
  li.append(lab);
  for (const d of details) if (d) li.append(el('p', d, 'chmod-detail'));
  return li;
}

function render() {
  const c = state.challenge;
  const lang = getLanguage();
  const title = lang === 'en' ? c.title_en || c.title_fa : c.title_fa || c.title_en;
  const link = el('a', title);
  link.href = `/challenges/${c.id}?lang=${lang}`;
  link.dir = 'auto';
  $('chmod-challenge').replaceChildren(link, ` · ${t(`challenges.phase_${c.phase}`)}`);
  const ideas = new Map(c.ideas_list.map((i) => [i.id, i]));
  const reports = $('chmod-reports');
  reports.replaceChildren();
  $('chmod-reports-none').hidden = state.reports.length > 0;
  for (const r of state.reports) {
    const idea = ideas.get(r.idea_id);
    const comment = r.comment_id ? state.comments.get(r.comment_id) : null;
    const what = r.comment_id
      ? t('chmod.report_comment', { body: comment?.body ?? '', idea: idea?.title ?? '' })
      : t('chmod.report_idea', { idea: idea?.title ?? '' });
    const hidden = r.comment_id ? comment?.hidden : idea?.hidden;
    reports.append(choice(r.comment_id ? 'comment' : 'idea', r.comment_id || r.idea_id, what, [
      t('chmod.report_reason', { reason: r.reason, when: formatDateTime(r.created_at) }),
      hidden ? t('chmod.hidden_because', { reason: (r.comment_id ? comment : idea).hidden_reason }) : '',
    ]));
  }
  const list = $('chmod-ideas');
  list.replaceChildren();
  $('chmod-ideas-none').hidden = c.ideas_list.length > 0;
  for (const i of c.ideas_list) {
    list.append(choice('idea', i.id, i.title, [
      i.hidden ? t('chmod.hidden_because', { reason: i.hidden_reason }) : t('chmod.visible'),
    ]));
  }
}

async function load() {
  const c = await getJSON(`/api/v1/challenges/${encodeURIComponent(id)}?sort=newest`);
  const { reports } = await getJSON(`/api/v1/challenges/${encodeURIComponent(id)}/reports`);
  // The reported comments' texts: from their ideas.
  const comments = new Map();
  for (const ideaId of new Set(reports.filter((r) => r.comment_id).map((r) => r.idea_id))) {
    const idea = await getJSON(`/api/v1/ideas/${encodeURIComponent(ideaId)}`);
    for (const m of idea.comments_list) comments.set(m.id, m);
  }
  Object.assign(state, { challenge: c, reports, comments });
  $('chmod-csv').href = `/api/v1/challenges/${encodeURIComponent(id)}/ideas.csv?bom=1`;
  render();
}

function showError(e) {
  $('chmod-error').textContent = e instanceof ApiError ? e.message : t('error.unknown');
  $('chmod-error').hidden = false;
  $('chmod-error').focus();
}

if (allowed) {
  const form = $('chmod-view');
  try {
    await load();
    form.hidden = false;
  } catch (e) { showError(e); }
  document.addEventListener(LANGUAGE_EVENT, () => { if (state.challenge) render(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const hidden = ev.submitter?.id !== 'chmod-show';
    const picked = (name) => [...new Set([...form.querySelectorAll(`input[name="${name}"]:checked`)].map((b) => b.value))];
    const body = { ideas: picked('idea'), comments: picked('comment'), hidden, reason: form.elements.reason.value.trim() };
    const msg = $('chmod-msg');
    $('chmod-error').hidden = true;
    if (!body.ideas.length && !body.comments.length) { msg.textContent = t('chmod.pick_some'); return; }
    if (body.reason.length < 3) {
      msg.textContent = t('chmod.reason_needed');
      form.elements.reason.setAttribute('aria-invalid', 'true');
      form.elements.reason.focus();
      return;
    }
    form.elements.reason.removeAttribute('aria-invalid');
    try {
      const r = await send(`/api/v1/challenges/${encodeURIComponent(id)}/moderation`, { body });
      form.elements.reason.value = '';
      await load();
      msg.textContent = t(hidden ? 'chmod.hidden_done' : 'chmod.shown_done', { n: r.changed });
    } catch (e) { showError(e); }
  });
}
