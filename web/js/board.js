// The neighbour-help board's pages (/board and the server's /board/search): the place box
// suggests places from the gazetteer the group search uses (a chosen place sends its position;
// without scripts the server looks the typed name up itself), and on a post's page a signed-in
// reader answers the post (the conversation opens) or a moderator hides or restores it.
import { ready, t, getLanguage } from './i18n.js';
import { send } from './session.js';
import { placeCombobox } from './groups-common.js';

await ready;
const $ = (id) => document.getElementById(id);

// The results come in the reader's language (the server's page of the form has its own field).
const search = $('board-search');
if (search && !search.querySelector('input[name="lang"]')) {
  search.append(Object.assign(document.createElement('input'), { type: 'hidden', name: 'lang', value: getLanguage() }));
}

const place = $('board-place');
const near = $('board-near');
if (place && near && $('board-place-list')) {
  placeCombobox(place, $('board-place-list'), {
    onPick: (p) => { near.value = `${p.lat.toFixed(5)},${p.lon.toFixed(5)}`; },
  });
  // A name typed again is looked up again (by the server, or by a new pick).
  place.addEventListener('input', () => { near.value = ''; });
}

function wire(form, errorId, act) {
  if (!form) return;
  const error = $(errorId);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    error.hidden = true;
    try {
      await act();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      error.focus?.();
    } finally {
      button.disabled = false;
    }
  });
}

const answer = $('board-answer');
wire(answer, 'board-answer-error', async () => {
  const c = await send(`/api/v1/board/posts/${encodeURIComponent(answer.dataset.post)}/conversations`, {
    body: { body: $('board-answer-body').value },
  });
  location.assign(`/board-chat?id=${encodeURIComponent(c.id)}`);
});

const moderate = $('board-moderate');
wire(moderate, 'board-moderate-error', async () => {
  await send(`/api/v1/board/posts/${encodeURIComponent(moderate.dataset.post)}/moderate`, {
    body: { action: moderate.dataset.action, reason: $('board-moderate-reason').value },
  });
  $('board-moderate-error').textContent = t('board.moderated');
  location.reload();
});
