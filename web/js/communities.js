// The civic-tech communities directory: organisations by region, with their projects and links
// to the library documents about them.
import { ready, t, getLanguage, LANGUAGE_EVENT } from './i18n.js';
import { getJSON } from './api.js';
import { facetLabel, docHref } from './library-common.js';

await ready;
const listEl = document.getElementById('communities-list');
const statusEl = document.getElementById('communities-status');
let data = null;

function render() {
  if (!data) return;
  const fa = getLanguage() === 'fa';
  const regions = new Map();
  for (const o of data.organisations) (regions.get(o.region) || regions.set(o.region, []).get(o.region)).push(o);
  listEl.replaceChildren(...[...regions.keys()].map((region) => {
    const sec = document.createElement('section');
    const h = document.createElement('h2');
    h.textContent = t(`lib.region.${region}`);
    sec.append(h);
    const ul = document.createElement('ul');
    ul.className = 'entries community-list';
    for (const o of regions.get(region)) {
      const li = document.createElement('li');
      li.className = 'entry';
      const name = document.createElement('h3');
      name.textContent = fa ? o.name_fa : o.name_en;
      const desc = document.createElement('p');
      desc.className = 'entry-text';
      desc.textContent = fa ? o.description_fa : o.description_en;
      li.append(name, desc);
      if (o.country) {
        const c = document.createElement('p');
        c.className = 'meta';
        c.textContent = facetLabel('country', o.country);
        li.append(c);
      }
      if (o.website && /^https?:\/\//.test(o.website)) {
        const a = document.createElement('a');
        a.href = o.website;
        a.rel = 'nofollow noopener noreferrer';
        a.textContent = t('communities.website');
        li.append(a);
      }
      if (o.projects.length) {
        const pl = document.createElement('ul');
        pl.className = 'list-bullet';
        for (const p of o.projects) {
          const pli = document.createElement('li');
          const label = fa ? p.name_fa : p.name_en;
          if (p.doc_id) {
            const a = document.createElement('a');
            a.href = docHref(p.doc_id);
            a.textContent = label;
            pli.append(a);
          } else pli.append(label);
          if (p.covid) pli.append(` (${t('library.covid_badge')})`);
          pl.append(pli);
        }
        li.append(pl);
      }
      ul.append(li);
    }
    sec.append(ul);
    return sec;
  }));
}

try {
  data = await getJSON('/api/v1/communities');
  statusEl.textContent = data.organisations.length ? '' : t('communities.none');
  render();
} catch (e) {
  statusEl.textContent = e.message;
}
document.addEventListener(LANGUAGE_EVENT, render);
