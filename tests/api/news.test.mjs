// news.test.mjs — official news and fact checks on the store of HY_TEST_STORE: documents of
// the library's types "news" and "factcheck" and their own fields (validation, nothing stored
// on bad input), the institutions list, drafts hidden from the public but previewed by editors,
// scheduled publishing, the pages without JavaScript (escaping, filters, counts), the Atom
// feeds and the JSON Feed 1.1 (well-formed, filtered), alerts as CAP 1.2, ClaimReview JSON-LD.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, assertError, STORE, ROOT } from './lib/server.mjs';
import { addUser, createToken } from './lib/accounts.mjs';

let srv;
const tokens = {};
const tmp = mkdtempSync(join(tmpdir(), 'hy-news-'));

async function call(method, path, { who, body } = {}) {
  const headers = {};
  if (who) headers.authorization = `Bearer ${tokens[who]}`;
  return srv.request(method, path, { body, headers });
}

/** Well-formed XML, checked by libxml2's xmllint (exit status 0, nothing on stderr). */
function xmlWellFormed(text, name) {
  const f = join(tmp, name);
  writeFileSync(f, text);
  execFileSync('xmllint', ['--noout', '--nonet', f], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function makeNews(fields, { publish = true } = {}) {
  const r = await call('POST', '/api/v1/library', { who: 'editor', body: { type: 'news', language: 'en', ...fields } });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  if (publish) {
    const p = await call('POST', `/api/v1/library/${r.json.id}/publish`, { who: 'admin' });
    assert.equal(p.status, 200, JSON.stringify(p.json));
  }
  return r.json;
}

async function makeFactcheck(fields, factcheck) {
  const r = await call('POST', '/api/v1/library', {
    who: 'editor',
    body: { type: 'factcheck', language: 'en', factcheck: { organisation: 'Hamyari checks', rating: 'false', ...factcheck }, ...fields },
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const p = await call('POST', `/api/v1/library/${r.json.id}/publish`, { who: 'admin' });
  assert.equal(p.status, 200);
  return r.json;
}

const ALERT = { event: 'Flood', urgency: 'Immediate', severity: 'Severe', certainty: 'Likely', area: 'River quarter <north> & "old town"', expires: null };
let alert, draft, later, fcFalse;

before(async () => {
  srv = await startServer();
  for (const role of ['admin', 'editor', 'coordinator']) {
    await addUser(srv, { email: `${role}@example.org`, role });
    tokens[role] = await createToken(srv, `${role}@example.org`);
  }
  for (const [slug, en, fa, colour] of [['health-ministry', 'Ministry of <Health>', 'وزارت بهداشت', '#C0392B'],
    ['city-council', 'City council', 'شورای شهر', '#2471a3']]) {
    const r = await call('PUT', `/api/v1/news/institutions/${slug}`, { who: 'editor', body: { name_fa: fa, name_en: en, colour } });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  alert = await makeNews({ title: 'Flood alert for the river quarter', summary: 'Move to higher ground.', body: 'Leave **now**.',
    news: { institution: 'health-ministry', category: 'alert', alert: ALERT } });
  await makeNews({ title: 'Clinics open on Friday', summary: 'Opening hours', language: 'fa',
    news: { institution: 'city-council', category: 'information' } });
  await makeNews({ title: 'Water guidance <script>x</script>', summary: 'Boil water', news: { institution: 'city-council', category: 'guidance' } });
  draft = await makeNews({ title: 'Unpublished decision', news: { institution: 'city-council', category: 'decision' } }, { publish: false });
  later = await makeNews({ title: 'Scheduled tomorrow', news: { institution: 'city-council', category: 'update', publish_at: Math.floor(Date.now() / 1000) + 86400 } });
  fcFalse = await makeFactcheck({ title: 'No, garlic does not cure the flu', body: 'Studies show **no** effect.', country: 'ir', year: 2024 },
    { claim: 'Eating garlic cures the flu', claimant: 'A viral post', rating: 'false', appearances: [{ url: 'https://example.org/post/1' }],
      first_seen: '2024-02-29', sources: [{ url: 'https://example.org/study', title: 'A study' }] });
  await makeFactcheck({ title: 'Partly true: shelters', language: 'fa', country: 'IR' }, { claim: 'All shelters are full', rating: 'partly_true', organisation: 'Other org' });
});
after(() => srv?.stop());

describe(`news and fact-check documents [${STORE}]`, () => {
  it('keeps the kind fields with the document and in its revisions', async () => {
    const r = await call('GET', `/api/v1/library/${alert.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.type, 'news');
    assert.deepEqual(r.json.news, { institution: 'health-ministry', category: 'alert', publish_at: null, alert: ALERT });
    assert.equal(r.json.factcheck, undefined);
    const revs = await call('GET', `/api/v1/library/${alert.id}/revisions`, { who: 'editor' });
    assert.equal(revs.status, 200);
    const snap = revs.json.revisions.at(-1).snapshot;
    assert.equal(snap.news.category, 'alert');
  });

  it('refuses bad kind fields with the field named, and stores nothing', async () => {
    const before = await call('GET', '/api/v1/library?status=any&type=news&per_page=100', { who: 'editor' });
    const bad = [
      [{ type: 'news', title: 't' }, 400, 'missing_field', 'news'],
      [{ type: 'news', title: 't', news: { institution: 'city-council', category: 'rumour' } }, 400, 'invalid_field', 'news.category'],
      [{ type: 'news', title: 't', news: { institution: 'nobody', category: 'information' } }, 400, 'invalid_field', 'news.institution'],
      [{ type: 'news', title: 't', news: { institution: 'city-council', category: 'alert' } }, 400, 'invalid_field', 'news.alert'],
      [{ type: 'news', title: 't', news: { institution: 'city-council', category: 'information', alert: ALERT } }, 400, 'invalid_field', 'news.alert'],
      [{ type: 'news', title: 't', news: { institution: 'city-council', category: 'alert', alert: { ...ALERT, urgency: 'Now' } } }, 400, 'invalid_field', 'news.alert.urgency'],
      [{ type: 'news', title: 't', news: { institution: 'city-council', category: 'information', colour: 'red' } }, 400, 'invalid_field', 'news'],
      [{ type: 'news', title: 't', news: { institution: 'city-council', category: 'information', publish_at: -5 } }, 400, 'invalid_field', 'news.publish_at'],
      [{ type: 'guide', title: 't', news: { institution: 'city-council', category: 'information' } }, 400, 'invalid_field', 'news'],
      [{ type: 'factcheck', title: 't', factcheck: { claim: 'x', rating: 'pants_on_fire', organisation: 'o' } }, 400, 'invalid_field', 'factcheck.rating'],
      [{ type: 'factcheck', title: 't', factcheck: { claim: '', rating: 'false', organisation: 'o' } }, 400, 'invalid_field', 'factcheck.claim'],
      [{ type: 'factcheck', title: 't', factcheck: { claim: 'x', rating: 'false', organisation: 'o', first_seen: '2023-02-29' } }, 400, 'invalid_field', 'factcheck.first_seen'],
      [{ type: 'factcheck', title: 't', factcheck: { claim: 'x', rating: 'false', organisation: 'o', sources: [{ url: 'javascript:alert(1)' }] } }, 400, 'invalid_field', 'factcheck.sources'],
      [{ type: 'factcheck', title: 't', factcheck: { claim: 'x\u0001', rating: 'false', organisation: 'o' } }, 400, 'invalid_field', 'factcheck.claim'],
    ];
    for (const [body, status, code, field] of bad) {
      const r = await call('POST', '/api/v1/library', { who: 'editor', body: { language: 'en', ...body } });
      assertError(r, status, code, JSON.stringify(body));
      assert.equal(r.json.error.field, field, JSON.stringify(body));
    }
    const after = await call('GET', '/api/v1/library?status=any&type=news&per_page=100', { who: 'editor' });
    assert.equal(after.json.total, before.json.total);
  });

  it('an edit that makes a document news needs the news fields; a bad edit changes nothing', async () => {
    const g = await call('POST', '/api/v1/library', { who: 'editor', body: { type: 'guide', language: 'en', title: 'A guide' } });
    assertError(await call('PATCH', `/api/v1/library/${g.json.id}`, { who: 'editor', body: { type: 'news' } }), 400, 'missing_field');
    const ok = await call('PATCH', `/api/v1/library/${g.json.id}`, { who: 'editor', body: { type: 'news', news: { institution: 'city-council', category: 'update' } } });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.news.category, 'update');
    assertError(await call('PATCH', `/api/v1/library/${g.json.id}`, { who: 'editor', body: { news: { institution: 'gone', category: 'update' } } }), 400, 'invalid_field');
    const back = await call('PATCH', `/api/v1/library/${g.json.id}`, { who: 'editor', body: { type: 'guide' } });
    assert.equal(back.status, 200);
    assert.equal(back.json.news, undefined);
  });

  it('institutions: public list, editors only to change, colours checked', async () => {
    const l = await call('GET', '/api/v1/news/institutions');
    assert.equal(l.status, 200);
    assert.deepEqual(l.json.institutions.map((i) => [i.slug, i.colour]), [['city-council', '#2471a3'], ['health-ministry', '#c0392b']]);
    for (const who of [undefined, 'coordinator'])
      assert.ok([401, 403].includes((await call('PUT', '/api/v1/news/institutions/x', { who, body: { name_fa: 'a', name_en: 'a', colour: '#000000' } })).status));
    assertError(await call('PUT', '/api/v1/news/institutions/x', { who: 'editor', body: { name_fa: 'a', name_en: 'a', colour: 'red' } }), 400, 'invalid_field');
    assertError(await call('PUT', '/api/v1/news/institutions/x', { who: 'editor', body: { name_fa: 'a', name_en: 'a', colour: '#000000', website: 'ftp://x' } }), 400, 'invalid_field');
    assertError(await call('PUT', '/api/v1/news/institutions/Bad%20Slug', { who: 'editor', body: { name_fa: 'a', name_en: 'a', colour: '#000000' } }), 404, 'not_found');
    const u = await call('PUT', '/api/v1/news/institutions/city-council', { who: 'editor', body: { name_fa: 'شورای شهر', name_en: 'City council', colour: '#2471A3', website: 'https://example.org' } });
    assert.equal(u.status, 200);
    assert.equal(u.json.website, 'https://example.org');
    assert.equal((await call('GET', '/api/v1/news/institutions')).json.institutions.length, 2);
  });
});

describe(`news pages and feeds [${STORE}]`, () => {
  it('the list page shows published, due items with escaped text, filters and counts, without JavaScript', async () => {
    const r = await srv.fetch('/news?lang=en');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    const html = await r.text();
    // The site's whole shell, in the page's language; every word of the content is in the HTML
    // (readable without scripts); the only scripts are the shell's own files.
    assert.match(html, /<html lang="en" dir="ltr">/);
    assert.match(html, /<nav class="site-nav"/);
    assert.match(html, /<a href="\/news" aria-current="page" data-i18n="nav.news">/, 'the section is marked in the navigation');
    assert.match(html, /<footer class="site-footer">[\s\S]*<input [^>]*name="q"/, 'the FAQ box at the foot');
    assert.match(html, /<a class="lang-switch lang-switch-server" id="lang-switch" href="\/news\?lang=fa" hreflang="fa" data-lang="fa">/);
    assert.match(html, /data-page-lang="en"/);
    for (const tag of html.match(/<script\b[^>]*>/g) || []) assert.match(tag, /^<script [^>]*\bsrc="\/assets\/js\/[^"]+\.js"/);
    assert.match(html, /Flood alert for the river quarter/);
    assert.match(html, /Water guidance &lt;script&gt;x&lt;\/script&gt;/);
    assert.ok(!html.includes('Unpublished decision'), 'a draft is not listed');
    assert.ok(!html.includes('Scheduled tomorrow'), 'an item before its publish time is not listed');
    assert.match(html, /Ministry of &lt;Health&gt;/);
    assert.match(html, /<circle cx="6" cy="6" r="5.5" fill="#c0392b"\/><\/svg>Ministry/, 'the institution\'s colour, without a style attribute');
    assert.ok(!/ style=/.test(html), 'no style attributes (the Content-Security-Policy refuses them)');
    assert.match(html, /<p class="news-total">3<\/p>/);
    const f = await (await srv.fetch('/news?lang=en&category=alert')).text();
    assert.match(f, /<p class="news-total">1<\/p>/);
    assert.match(f, /Guidance <span class="count">\(1\)<\/span>/, 'other categories are still counted');
    const q = await (await srv.fetch('/news?q=clinic')).text();
    assert.match(q, /<p class="news-total">1<\/p>/);
    assert.match(q, /<html lang="fa" dir="rtl">/);
    const inst = await (await srv.fetch('/news?institution=city-council&doc_lang=fa&lang=fa')).text();
    assert.match(inst, /<html lang="fa" dir="rtl">/);
    assert.match(inst, /<p class="news-total">1<\/p>/);
    assertError(await call('GET', '/news?doc_lang=de'), 400, 'invalid_query');
    // An unknown page language is the default one, as on every page.
    assert.match(await (await srv.fetch('/news?lang=de')).text(), /<html lang="fa" dir="rtl">/);
    assertError(await call('GET', '/news?category=rumour'), 400, 'invalid_query');
    assertError(await call('GET', '/news?institution=<x>'), 400, 'invalid_query');
  });

  it('an address of the previous release (?ui=, ?lang= for the items) is sent on to today\'s, once and for good', async () => {
    for (const [from, to] of [
      ['/news?ui=en', '/news?lang=en'],
      ['/news?ui=fa&lang=en&category=alert&q=%D8%A2%D8%A8', '/news?q=%D8%A2%D8%A8&doc_lang=en&lang=fa&category=alert'],
      ['/factchecks?ui=en&rating=false', '/factchecks?lang=en&rating=false'],
      [`/news/${alert.id}?ui=en`, `/news/${alert.id}?lang=en`],
      [`/factchecks/${fcFalse.id}?ui=fa`, `/factchecks/${fcFalse.id}?lang=fa`],
      ['/factchecks/submit?ui=en', '/factchecks/submit?lang=en'],
    ]) {
      const r = await srv.fetch(from, { redirect: 'manual' });
      assert.equal(r.status, 301, from);
      assert.equal(r.headers.get('location'), to, from);
    }
    assertError(await call('GET', '/news?ui=de'), 400, 'invalid_query');
  });

  it('an item page: the shell, the section marked, the heading in the item\'s language, the switch to the same item', async () => {
    const html = await (await srv.fetch(`/news/${alert.id}?lang=fa`)).text();
    assert.match(html, /<html lang="fa" dir="rtl">/);
    assert.match(html, /<a href="\/news" aria-current="true" data-i18n="nav.news">/, 'below the section: marked as the current section');
    assert.match(html, /<h1 lang="en" dir="ltr">Flood alert for the river quarter<\/h1>/);
    assert.match(html, new RegExp(`<a class="lang-switch lang-switch-server" id="lang-switch" href="/news/${alert.id}\\?lang=en"`));
    assert.match(html, /<footer class="site-footer">[\s\S]*<input [^>]*name="q"/);
  });

  it('in English the shell speaks English without JavaScript: header, navigation, footer, labels', async () => {
    const fa = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'fa.json'), 'utf8'));
    const en = JSON.parse(readFileSync(join(ROOT, 'web', 'locales', 'en.json'), 'utf8'));
    for (const path of ['/news', `/news/${alert.id}`, '/factchecks', '/factchecks/submit', '/trees']) {
      const html = await (await srv.fetch(`${path}?lang=en`)).text();
      const shell = html.slice(0, html.indexOf('<main')) + html.slice(html.indexOf('</main>'));
      // The only Persian outside <main>: the switch's own name, marked as Persian.
      const persian = shell.replace('<span class="lang-switch-name" lang="fa">فارسی</span>', '').match(/[^<>"]*[\u0600-\u06FF][^<>"]*/g);
      assert.equal(persian, null, `${path}: Persian in the English shell: ${persian}`);
      assert.ok(shell.includes(`data-i18n="nav.news">${en['nav.news']}<`), path);
      assert.ok(shell.includes(`aria-label="${en['nav.label']}"`), path);
      const faHtml = await (await srv.fetch(`${path}?lang=fa`)).text();
      assert.ok(faHtml.includes(`data-i18n="nav.news">${fa['nav.news']}<`), `${path}: the Persian shell stays Persian`);
    }
    // The section stays marked below it, in English too.
    const item = await (await srv.fetch(`/news/${alert.id}?lang=en`)).text();
    assert.ok(item.includes(`<a href="/news" aria-current="true" data-i18n="nav.news">${en['nav.news']}</a>`));
  });

  it('an item page for the public; a draft is a preview for editors only', async () => {
    const r = await srv.fetch(`/news/${alert.id}?lang=en`);
    assert.equal(r.status, 200);
    const html = await r.text();
    assert.match(html, /<strong>now<\/strong>/);
    assert.match(html, /River quarter &lt;north&gt; &amp; &quot;old town&quot;/);
    assert.match(html, new RegExp(`href="/news/${alert.id}.cap"`));
    for (const id of [draft.id, later.id]) {
      assertError(await call('GET', `/news/${id}`), 404, 'not_found');
      assertError(await call('GET', `/news/${id}`, { who: 'coordinator' }), 404, 'not_found');
      const p = await call('GET', `/news/${id}?lang=en`, { who: 'editor' });
      assert.equal(p.status, 200);
      assert.match(p.text, /Preview: this is not published yet/);
    }
    assertError(await call('GET', `/news/${fcFalse.id}`), 404, 'not_found', 'a fact check is not a news item');
    assertError(await call('GET', '/news/nope'), 404, 'not_found');
  });

  it('Atom and JSON Feed 1.1, filtered by institution and category', async () => {
    const a = await srv.fetch('/news.atom');
    assert.equal(a.status, 200);
    assert.match(a.headers.get('content-type'), /^application\/atom\+xml/);
    const atom = await a.text();
    xmlWellFormed(atom, 'news.atom');
    assert.equal((atom.match(/<entry /g) || []).length, 3);
    assert.match(atom, /<title>Water guidance &lt;script&gt;x&lt;\/script&gt;<\/title>/);
    const fa = await (await srv.fetch('/news.atom?category=alert')).text();
    assert.equal((fa.match(/<entry /g) || []).length, 1);
    assert.match(fa, /href="\/news.atom\?category=alert"/);
    const j = await srv.fetch('/news.json?institution=city-council');
    assert.equal(j.status, 200);
    assert.match(j.headers.get('content-type'), /^application\/feed\+json/);
    const feed = await j.json();
    assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(typeof feed.title, 'string');
    assert.equal(feed.items.length, 2);
    const ids = new Set();
    for (const it of feed.items) {
      assert.equal(typeof it.id, 'string');
      assert.ok(!ids.has(it.id));
      ids.add(it.id);
      assert.ok(it.content_html !== undefined || it.content_text !== undefined, 'an item has content');
      assert.ok(!Number.isNaN(Date.parse(it.date_published)));
      assert.equal(it.authors[0].name, it.language === 'en' ? 'City council' : 'شورای شهر', 'the institution, named in the item\'s language');
    }
    assertError(await call('GET', '/news.json?category=x'), 400, 'invalid_query');
  });

  it('an alert as CAP 1.2; other items and drafts have none', async () => {
    const r = await srv.fetch(`/news/${alert.id}.cap`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/cap\+xml/);
    const cap = await r.text();
    xmlWellFormed(cap, 'alert.cap');
    assert.match(cap, /<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">/);
    for (const el of ['identifier', 'sender', 'sent', 'status', 'msgType', 'scope'])
      assert.match(cap, new RegExp(`<${el}>[^<]+</${el}>`), el);
    assert.match(cap, /<sent>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-00:00<\/sent>/);
    assert.match(cap, /<urgency>Immediate<\/urgency>\n<severity>Severe<\/severity>\n<certainty>Likely<\/certainty>/);
    assert.match(cap, /<areaDesc>River quarter &lt;north&gt; &amp; &quot;old town&quot;<\/areaDesc>/);
    const other = (await (await srv.fetch('/news.json?category=guidance')).json()).items[0].url.split('/').pop();
    assertError(await call('GET', `/news/${other}.cap`), 404, 'not_found');
    assertError(await call('GET', `/news/${draft.id}.cap`, { who: 'editor' }), 404, 'not_found');
  });
});

describe(`fact-check pages and feed [${STORE}]`, () => {
  it('a fact-check page carries ClaimReview JSON-LD with the required properties', async () => {
    const html = await (await srv.fetch(`/factchecks/${fcFalse.id}?lang=en`)).text();
    const m = html.match(/<script type="application\/ld\+json">(.*?)<\/script>/s);
    assert.ok(m, 'JSON-LD present');
    const ld = JSON.parse(m[1]);
    assert.equal(ld['@context'], 'https://schema.org');
    assert.equal(ld['@type'], 'ClaimReview');
    assert.equal(ld.claimReviewed, 'Eating garlic cures the flu');
    assert.equal(ld.reviewRating['@type'], 'Rating');
    assert.equal(ld.reviewRating.alternateName, 'False');
    assert.ok(ld.reviewRating.ratingValue >= ld.reviewRating.worstRating && ld.reviewRating.ratingValue <= ld.reviewRating.bestRating);
    assert.match(ld.url, new RegExp(`/factchecks/${fcFalse.id}$`));
    assert.equal(ld.author.name, 'Hamyari checks');
    assert.match(ld.datePublished, /^\d{4}-\d\d-\d\d$/);
    assert.equal(ld.itemReviewed.datePublished, '2024-02-29');
    assert.equal(ld.itemReviewed.appearance[0].url, 'https://example.org/post/1');
  });

  it('the list is faceted by rating, country, language, organisation and year', async () => {
    const all = await (await srv.fetch('/factchecks?lang=en')).text();
    assert.match(all, /<p class="news-total">2<\/p>/);
    for (const facet of ['Rating', 'Country', 'Language', 'Checked by', 'Year']) assert.match(all, new RegExp(`<h2>${facet}</h2>`));
    const r = await (await srv.fetch('/factchecks?lang=en&rating=false&country=ir&year=2024')).text();
    assert.match(r, /<p class="news-total">1<\/p>/);
    assert.match(r, /garlic/);
    const org = await (await srv.fetch('/factchecks?organisation=Other%20org')).text();
    assert.match(org, /<p class="news-total">1<\/p>/);
    assertError(await call('GET', '/factchecks?rating=pants'), 400, 'invalid_query');
    assertError(await call('GET', '/factchecks?year=20x4'), 400, 'invalid_query');
    const atom = await (await srv.fetch('/factchecks.atom?rating=partly_true')).text();
    xmlWellFormed(atom, 'fc.atom');
    assert.equal((atom.match(/<entry /g) || []).length, 1);
  });
});

describe(`claims sent to be checked [${STORE}]`, () => {
  it('a new claim is stored; a near-duplicate of a fact check or a claim is pointed out and not stored', async () => {
    const fresh = await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'The bridge on Main Street closed for good', language: 'en' } });
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(fresh.json.duplicate, false);
    const again = await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'the bridge on main street has closed for good!' } });
    assert.equal(again.status, 200);
    assert.equal(again.json.duplicate, true);
    assert.equal(again.json.match.kind, 'claim');
    assert.equal(again.json.match.id, fresh.json.id);
    const checked = await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'eating garlic cures flu' } });
    assert.equal(checked.json.duplicate, true);
    assert.equal(checked.json.match.kind, 'factcheck');
    assert.equal(checked.json.match.url, `/factchecks/${fcFalse.id}`);
    const list = await call('GET', '/api/v1/factchecks/claims', { who: 'editor' });
    assert.equal(list.status, 200);
    assert.equal(list.json.claims.filter((c) => /bridge/i.test(c.claim)).length, 1, 'the duplicate was not stored');
    assert.ok(!list.json.claims.some((c) => /garlic/.test(c.claim)));
    for (const who of [undefined, 'coordinator']) assert.ok([401, 403].includes((await call('GET', '/api/v1/factchecks/claims', { who })).status));
  });

  it('Persian spelling variants (Arabic ي/ك, ZWNJ) count as the same claim', async () => {
    const a = await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'کلینیک‌های شهر یکشنبه بسته می‌شوند' } });
    assert.equal(a.status, 201);
    const b = await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'كلينيكهاي شهر يكشنبه بسته ميشوند' } });
    assert.equal(b.json.duplicate, true, JSON.stringify(b.json));
  });

  it('refuses bad claims and stores nothing; a plain form post gets a page', async () => {
    const before = (await call('GET', '/api/v1/factchecks/claims', { who: 'editor' })).json.claims.length;
    assertError(await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'hey' } }), 400, 'invalid_field');
    assertError(await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'x'.repeat(1001) } }), 400, 'invalid_field');
    assertError(await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'A long enough claim', url: 'javascript:alert(1)' } }), 400, 'invalid_field');
    assertError(await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'A long enough claim', who: 'me' } }), 400, 'unknown_field');
    assertError(await call('POST', '/api/v1/factchecks/claims', { body: { claim: 'A long enough claim', language: 'de' } }), 400, 'invalid_field');
    assert.equal((await call('GET', '/api/v1/factchecks/claims', { who: 'editor' })).json.claims.length, before);
    const page = await srv.fetch('/factchecks/submit?lang=en');
    assert.match(await page.text(), /<form class="fc-submit" method="post" action="\/api\/v1\/factchecks\/claims">/);
    const r = await srv.fetch('/api/v1/factchecks/claims', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ claim: 'Tap water in the north <b>is</b> unsafe', ui: 'en', language: 'en' }).toString(),
    });
    assert.equal(r.status, 201);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(await r.text(), /Your claim was received/);
  });

  it('one address may send at most 10 claims an hour (429 with Retry-After, nothing stored)', async () => {
    let status = 0, i = 0;
    const before = (await call('GET', '/api/v1/factchecks/claims', { who: 'editor' })).json.claims.length;
    let stored = 0;
    for (; i < 12 && status !== 429; i++) {
      const r = await call('POST', '/api/v1/factchecks/claims', { body: { claim: `Distinct claim number ${i} about ${'abcdefghijkl'[i]}${i}zz topic${i}` } });
      status = r.status;
      if (r.status === 201) stored++;
      if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) > 0);
    }
    assert.equal(status, 429, 'the limit was reached');
    assert.equal((await call('GET', '/api/v1/factchecks/claims', { who: 'editor' })).json.claims.length, before + stored);
  });
});
