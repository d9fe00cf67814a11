// Taking part on the challenge pages the server renders (src/api/challenges_page.c): the vote
// buttons (POST / DELETE /api/v1/ideas/{id}/vote, with the votes left), the idea form (POST
// /api/v1/challenges/{id}/ideas), the comment form and the report forms. The forms are there only
// for people signed in; their buttons stay disabled until this script has taken them over.
import { ready, t, formatNumber, formatDateTime } from './i18n.js';
import { ApiError } from './api.js';
import { send } from './session.js';

await ready;
const box = document.querySelector('[data-page-lang]');
const lang = box?.dataset.pageLang === 'en' ? 'en' : 'fa';

/** The reader's sentence for a refusal: the phase in words for 409 wrong_phase. */
function problem(e) {
  if (e instanceof ApiError && e.code === 'wrong_phase' && e.details?.phase) {
    return t('challenges.wrong_phase', { phase: t(`challenges.phase_${e.details.phase}`) });
  }
  return e instanceof ApiError ? e.message : t('error.unknown');
}

// ---- votes

const budgetLine = document.getElementById('votes-left');
function showBudget(used) {
  if (!budgetLine) return;
  const budget = Number(budgetLine.dataset.budget);
  budgetLine.dataset.used = String(used);
  budgetLine.textContent = budget
    ? t('challenges.votes_left', { used: formatNumber(used), budget: formatNumber(budget), left: formatNumber(budget - used) })
    : t('challenges.votes_unlimited', { used: formatNumber(used) });
}

for (const form of document.querySelectorAll('form.idea-vote')) {
  const button = form.querySelector('button');
  const mark = form.querySelector('.idea-voted');
  const msg = form.querySelector('.idea-vote-msg');
  const set = (voted) => {
    form.dataset.voted = voted ? '1' : '0';
    button.textContent = voted ? form.dataset.labelUnvote : form.dataset.labelVote;
    button.classList.toggle('button-primary', !voted);
    mark.hidden = !voted;
  };
  button.disabled = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const voted = form.dataset.voted === '1';
    button.disabled = true;
    msg.textContent = '';
    try {
      const r = await send(`/api/v1/ideas/${encodeURIComponent(form.dataset.idea)}/vote`, { method: voted ? 'DELETE' : 'POST' });
      set(!voted);
      showBudget(r.votes_used);
      msg.textContent = voted ? t('challenges.vote_taken_back') : t('challenges.vote_counted');
    } catch (e) {
      msg.textContent = problem(e);
      msg.classList.add('idea-vote-error');
    } finally {
      button.disabled = false;
    }
  });
}

// ---- a new idea

const ideaForm = document.getElementById('idea-form');
if (ideaForm) {
  const err = document.getElementById('idea-error');
  const button = ideaForm.querySelector('button[type="submit"]');
  button.disabled = false;
  ideaForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    for (const el of ideaForm.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    const v = (name) => ideaForm.elements[name].value.trim();
    const body = {
      title: v('title'), description: v('description'), team: v('team'), language: v('language'),
      links: v('links').split(/\s*\n\s*/).filter(Boolean),
      tags: v('tags').split(/\s*[,،]\s*/).filter(Boolean),
    };
    button.disabled = true;
    try {
      const r = await send(`/api/v1/challenges/${encodeURIComponent(ideaForm.dataset.challenge)}/ideas`, { body });
      location.assign(`/ideas/${encodeURIComponent(r.id)}?lang=${lang}`);
    } catch (e) {
      err.textContent = problem(e);
      err.hidden = false;
      const field = e instanceof ApiError && e.field && ideaForm.elements[e.field];
      if (field) {
        field.setAttribute('aria-invalid', 'true');
        field.focus();
      } else err.focus();
      button.disabled = false;
    }
  });
}

// ---- comments

const commentForm = document.getElementById('comment-form');
if (commentForm) {
  const err = document.getElementById('comment-error');
  const button = commentForm.querySelector('button[type="submit"]');
  const list = document.querySelector('#comments .comment-list');
  button.disabled = false;
  commentForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    const text = commentForm.elements.body.value.trim();
    button.disabled = true;
    try {
      const r = await send(`/api/v1/ideas/${encodeURIComponent(commentForm.dataset.idea)}/comments`, { body: { body: text } });
      const li = document.createElement('li');
      li.className = 'comment';
      li.id = `comment-${r.id}`;
      const meta = document.createElement('p');
      meta.className = 'comment-meta';
      const who = document.createElement('strong');
      who.dir = 'auto';
      who.textContent = r.author_name;
      meta.append(who, ` · ${formatDateTime(r.created_at)}`);
      const p = document.createElement('p');
      p.className = 'comment-body';
      p.dir = 'auto';
      p.textContent = r.body;
      li.append(meta, p);
      list.append(li);
      document.getElementById('comments-none')?.remove();
      commentForm.reset();
      err.textContent = t('challenges.comment_posted');
      err.className = 'notice form-message';
      err.hidden = false;
    } catch (e) {
      err.textContent = problem(e);
      err.className = 'notice notice-important form-error';
      err.hidden = false;
      err.focus();
    } finally {
      button.disabled = false;
    }
  });
}

// ---- reports

for (const form of document.querySelectorAll('form.report-form')) {
  const button = form.querySelector('button[type="submit"]');
  const msg = form.querySelector('.report-msg');
  button.disabled = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { reason: form.elements.reason.value.trim() };
    if (form.dataset.comment) body.comment_id = form.dataset.comment;
    button.disabled = true;
    try {
      await send(`/api/v1/ideas/${encodeURIComponent(form.dataset.idea)}/reports`, { body });
      form.elements.reason.value = '';
      form.elements.reason.disabled = true;
      msg.textContent = form.dataset.done;
    } catch (e) {
      msg.textContent = problem(e);
      button.disabled = false;
    }
  });
}
