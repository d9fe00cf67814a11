// The FAQ assistant's chat box in every page's footer. Without JavaScript it is a plain form
// to /faq/answers (the server's answers page); here the answers come into the box: the three
// FAQ documents that best match, with links, "this helped / did not help", and "talk to a
// person", which sends the conversation as a call-back request through the help form's own
// endpoint (the same checks, limits and consent). It never writes an answer of its own.
import { t, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { api, ApiError } from './api.js';
import { send } from './session.js';

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** Text with the server's match marks (U+0002 … U+0003) as <mark>, everything else as text. */
function marked(text) {
  const out = [];
  for (const [i, part] of String(text).split(/[\u0002\u0003]/).entries())
    out.push(i % 2 ? el('mark', { textContent: part }) : document.createTextNode(part));
  return out;
}

function feedback(id) {
  const box = el('div', { className: 'faq-chat-feedback' });
  const vote = async (helped) => {
    for (const b of box.querySelectorAll('button')) b.disabled = true;
    try {
      await send(`/api/v1/faq/${encodeURIComponent(id)}/feedback`, { body: { helped } });
      box.replaceChildren(el('span', { textContent: t('chat.thanks') }));
    } catch (e) {
      box.replaceChildren(el('span', { textContent: e.message }));
    }
  };
  const yes = el('button', { type: 'button', className: 'button', textContent: t('chat.helped') });
  const no = el('button', { type: 'button', className: 'button button-secondary', textContent: t('chat.not_helped') });
  yes.addEventListener('click', () => vote(true));
  no.addEventListener('click', () => vote(false));
  box.append(yes, ' ', no);
  return box;
}

let seq = 0;
function callBackForm(questions) {
  const n = ++seq;
  const field = (name, label, type = 'text', extra = {}) => {
    const id = `faq-cb-${name}-${n}`;
    return el('p', { className: 'field' },
      el('label', { className: 'field-label', htmlFor: id, textContent: label }),
      el('input', { className: 'input', id, name, type, required: true, ...extra }));
  };
  const consentId = `faq-cb-consent-${n}`;
  const form = el('form', { className: 'faq-chat-callback' },
    el('p', { textContent: t('chat.person_lead') }),
    field('name', t('chat.name'), 'text', { maxLength: 100, autocomplete: 'name' }),
    field('phone', t('chat.phone'), 'tel', { maxLength: 40, autocomplete: 'tel', dir: 'ltr' }),
    field('address', t('chat.place'), 'text', { maxLength: 300 }),
    el('p', {}, el('label', { htmlFor: consentId },
      el('input', { type: 'checkbox', id: consentId, name: 'consent', required: true }), ' ', t('chat.consent'))),
    el('p', { className: 'faq-chat-error', role: 'alert', hidden: true }),
    el('button', { type: 'submit', className: 'button', textContent: t('chat.send_person') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (k) => form.elements[k].value.trim();
    const err = form.querySelector('.faq-chat-error');
    err.hidden = true;
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const res = await send('/api/v1/requests', {
        body: {
          name: v('name'), phone: v('phone'), address: v('address'), kind: 'other', consent: form.elements.consent.checked,
          language: getLanguage(), details: `${t('chat.details_prefix')} ${questions.join(' / ')}`.slice(0, 2000),
        },
      });
      form.replaceWith(el('p', { className: 'notice notice-important', role: 'status' },
        t('chat.person_done'), ' ', el('strong', { lang: 'en', dir: 'ltr', textContent: res.tracking_code })));
    } catch (e) {
      err.textContent = e instanceof ApiError ? e.message : String(e);
      err.hidden = false;
      submit.disabled = false;
    }
  });
  return form;
}

export function initFaqChat() {
  const form = document.getElementById('faq-chat-form');
  const log = document.getElementById('faq-chat-log');
  if (!form || !log) return;
  const input = document.getElementById('faq-chat-q');
  const asked = [];
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    asked.push(q);
    log.hidden = false;
    log.append(el('p', { className: 'faq-chat-me', dir: 'auto', textContent: q }));
    input.value = '';
    const reply = el('div', { className: 'faq-chat-reply', textContent: t('chat.searching') });
    log.append(reply);
    try {
      const r = await api(`/api/v1/faq/answers?q=${encodeURIComponent(q)}&lang=${getLanguage()}`);
      const items = r.answers.map((a) => el('li', { className: 'faq-chat-answer' },
        el('a', { href: a.url, className: 'faq-chat-link', textContent: a.question }),
        el('p', {}, ...marked(a.snippet || a.summary)),
        feedback(a.id)));
      reply.replaceChildren(
        el('p', { textContent: items.length ? t('chat.found') : t('chat.none') }),
        ...(items.length ? [el('ol', { className: 'faq-chat-answers' }, ...items)] : []));
    } catch (e) {
      reply.replaceChildren(el('p', { textContent: e.message }));
    }
    const person = el('button', { type: 'button', className: 'button button-secondary faq-chat-person', textContent: t('chat.person') });
    person.addEventListener('click', () => person.replaceWith(callBackForm(asked)));
    reply.append(person);
    reply.scrollIntoView({ block: 'nearest' });
  });
  document.addEventListener(LANGUAGE_EVENT, () => { log.replaceChildren(); log.hidden = true; asked.length = 0; });
}
