// The toolkit navigator: published toolkits grouped by purpose (their themes), in the reader's
// language.
import { ready, t, formatNumber, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { facetLabel, docHref } from './library-common.js';

await ready;
const navEl = document.getElementById('toolkit-nav');
const statusEl = document.getElementById('toolkit-status');

async function load() {
  try {
    const r = await getJSON(`/api/v1/library?type=toolkit&lang=${getLanguage()}&sort=newest&per_page=100`);
    const byTheme = new Map();
    for (const item of r.items) for (const th of item.themes.length ? item.themes : ['other'])
      (byTheme.get(th) || byTheme.set(th, []).get(th)).push(item);
    const themes = [...byTheme.keys()].sort((a, b) => facetLabel('theme', a).localeCompare(facetLabel('theme', b)));
    navEl.replaceChildren(...themes.map((th) => {
      const sec = document.createElement('section');
      sec.className = 'toolkit-group';
      const h = document.createElement('h2');
      h.textContent = `${facetLabel('theme', th)} (${formatNumber(byTheme.get(th).length)})`;
      const ul = document.createElement('ul');
      ul.className = 'list-bullet';
      for (const item of byTheme.get(th)) {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = docHref(item.id);
        a.textContent = item.title;
        const p = document.createElement('p');
        p.className = 'meta';
        p.textContent = item.summary;
        li.append(a, p);
        ul.append(li);
      }
      sec.append(h, ul);
      return sec;
    }));
    statusEl.textContent = r.items.length ? '' : t('toolkits.none');
  } catch (e) {
    statusEl.textContent = e.message;
  }
}
document.addEventListener(LANGUAGE_EVENT, load);
load();
