// Frequently asked questions: every published FAQ document in the reader's language, as
// disclosure widgets (<details>), each answer linking to the full document.
import { ready, t, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { docHref } from './library-common.js';

await ready;
const listEl = document.getElementById('faq-list');
const statusEl = document.getElementById('faq-status');

async function load() {
  try {
    const r = await getJSON(`/api/v1/library?type=faq&lang=${getLanguage()}&sort=newest&per_page=100`);
    listEl.replaceChildren(...r.items.map((item) => {
      const d = document.createElement('details');
      d.className = 'faq-item';
      const s = document.createElement('summary');
      s.className = 'faq-question';
      s.textContent = item.title;
      const p = document.createElement('p');
      p.textContent = item.summary;
      const more = document.createElement('a');
      more.href = docHref(item.id);
      more.textContent = t('faq.read_more');
      d.append(s, p, more);
      return d;
    }));
    statusEl.textContent = r.items.length ? '' : t('faq.none');
  } catch (e) {
    statusEl.textContent = e.message;
  }
}
document.addEventListener(LANGUAGE_EVENT, load);
load();
