// A conversation about a board post (/board-chat?id=…): the relayed messages, a new message,
// and the agreement to share phone and e-mail — given, withdrawn while the other side has not
// agreed yet, and once both agreed the other side's contact details (the server sends them only
// then). Moderators read without writing (and their reading is recorded by the server).
import { ready, t, formatDateTime, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { getMe, send } from './session.js';

await ready;
const $ = (id) => document.getElementById(`bc-${id}`);
const id = new URLSearchParams(location.search).get('id') || '';
const here = `${location.pathname}${location.search}`;

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function showError(e) {
  $('error').textContent = e.message || String(e);
  $('error').hidden = false;
  $('error').focus();
}

let conv = null;

function render() {
  if (!conv) return;
  $('post-link').href = `/board/search?id=${encodeURIComponent(conv.post_id)}&lang=${getLanguage()}`;
  const moderator = conv.role === 'moderator';
  $('moderator').hidden = !moderator;
  $('form').hidden = moderator;
  $('messages').replaceChildren(...conv.messages.map((m) => el('li', { className: m.mine ? 'board-mine-message' : '' },
    el('span', { className: 'board-message-meta', textContent: `${m.mine ? t('board_chat.from_me') : t(`board_chat.from_${m.from}`)} · ${formatDateTime(m.created_at)}` }),
    el('span', { dir: 'auto', textContent: m.body }))));
  const mineAgreed = conv.role === 'author' ? conv.author_agreed : conv.responder_agreed;
  const otherAgreed = conv.role === 'author' ? conv.responder_agreed : conv.author_agreed;
  $('consent').hidden = moderator;
  $('me-state').textContent = t(mineAgreed ? 'board_chat.me_agreed' : 'board_chat.me_not');
  $('other-state').textContent = t(otherAgreed ? 'board_chat.other_agreed' : 'board_chat.other_not');
  $('agree').hidden = mineAgreed;
  $('withdraw').hidden = !mineAgreed || otherAgreed;
  const c = conv.contact;
  $('contact').hidden = !c;
  if (c) {
    const rows = [['name', c.name], ['phone', c.phone], ['email', c.email]].filter(([, v]) => v);
    $('contact-list').replaceChildren(...rows.flatMap(([k, v]) => [
      el('dt', { textContent: t(`board_chat.${k}`) }),
      el('dd', { dir: 'ltr' }, k === 'name' ? el('span', { dir: 'auto', textContent: v })
        : el('a', { href: k === 'phone' ? `tel:${v}` : `mailto:${v}`, textContent: v })),
    ]));
  }
}

async function act(button, fn) {
  button.disabled = true;
  $('error').hidden = true;
  try {
    conv = await fn();
    render();
  } catch (e) {
    showError(e);
  } finally {
    button.disabled = false;
  }
}

const path = `/api/v1/board/conversations/${encodeURIComponent(id)}`;
const me = await getMe().catch(() => null);
if (!me) {
  $('signin').hidden = false;
  $('signin-link').href = `/signin?next=${encodeURIComponent(here)}`;
  $('join-link').href = `/join?next=${encodeURIComponent(here)}`;
} else {
  try {
    conv = await getJSON(path);
    $('main').hidden = false;
    render();
  } catch (e) {
    showError(e.status === 404 ? new Error(t('board_chat.missing')) : e);
  }
  $('form').addEventListener('submit', (e) => {
    e.preventDefault();
    act($('send'), async () => {
      const r = await send(`${path}/messages`, { body: { body: $('body').value } });
      $('body').value = '';
      return r;
    });
  });
  $('agree').addEventListener('click', () => act($('agree'), () => send(`${path}/consent`, { body: { agree: true } })));
  $('withdraw').addEventListener('click', () => act($('withdraw'), () => send(`${path}/consent`, { body: { agree: false } })));
  document.addEventListener(LANGUAGE_EVENT, render);
}
