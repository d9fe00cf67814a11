// library.test.mjs — the knowledge library's API on the store of HY_TEST_STORE: search, every
// facet and combinations, Persian normalisation (ي/ك, ZWNJ, digits), pagination stability, the
// editorial workflow and access per role (anonymous too), mass assignment, attachments, the
// Atom feed and the sitemap, import/export.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, assertError, STORE } from './lib/server.mjs';

let srv;
const tokens = {};

async function call(method, path, { who, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (who) h.authorization = `Bearer ${tokens[who]}`;
  return srv.request(method, path, { body, raw, headers: h });
}

before(async () => {
  srv = await startServer({ args: ['--demo'] });
  const db = srv.argv[srv.argv.indexOf('--db') + 1];
  for (const role of ['admin', 'editor', 'coordinator']) {
    const r = await runCli(['user', 'add', '--db', db, '--email', `${role}@example.org`, '--role', role, '--password-stdin'],
      { input: 'correct horse battery staple\n' });
    assert.equal(r.code, 0, r.stderr);
    const t = await runCli(['token', 'create', '--db', db, '--user', `${role}@example.org`]);
    assert.equal(t.code, 0, t.stderr);
    tokens[role] = t.stdout.trim().split('\n').pop().trim();
  }
});
after(() => srv?.stop());

describe(`library search [${STORE}]`, () => {
  it('lists published documents with every facet', async () => {
    const r = await call('GET', '/api/v1/library');
    assert.equal(r.status, 200);
    assert.ok(r.json.total > 300, `total ${r.json.total}`);
    for (const f of ['type', 'country', 'level', 'year', 'stage', 'theme'])
      assert.ok(Object.keys(r.json.facets[f]).length > 0, `facet ${f} has values`);
    assert.equal(Object.keys(r.json.facets.type).length, 9, "seven library types, news and fact checks");
    assert.ok(r.json.items.every((i) => i.status === 'published'));
    const sum = Object.values(r.json.facets.type).reduce((a, b) => a + b, 0);
    assert.equal(sum, r.json.total, 'type counts add up to the total without a type filter');
  });

  it('combines filters: AND across facets, OR within one; counts exclude their own facet', async () => {
    const a = await call('GET', '/api/v1/library?type=case_study');
    const b = await call('GET', '/api/v1/library?type=case_study,faq');
    const c = await call('GET', '/api/v1/library?type=case_study,faq&level=local');
    assert.equal(b.json.total, a.json.facets.type.case_study + a.json.facets.type.faq);
    assert.ok(c.json.total <= b.json.total);
    assert.equal(c.json.total, b.json.facets.level.local);
    assert.equal(c.json.facets.type.case_study + c.json.facets.type.faq, c.json.total);
    const y = await call('GET', '/api/v1/library?year=2020&covid=true&theme=health');
    for (const i of y.json.items) {
      assert.equal(i.year, 2020);
      assert.equal(i.covid, true);
      assert.ok(i.themes.includes('health'));
    }
    const st = await call('GET', '/api/v1/library?stage=implementation&country=ir,gb');
    for (const i of st.json.items) {
      assert.equal(i.stage, 'implementation');
      assert.ok(['IR', 'GB'].includes(i.country));
    }
  });

  it('refuses bad filter values', async () => {
    assertError(await call('GET', '/api/v1/library?type=novel'), 400, 'invalid_query');
    assertError(await call('GET', '/api/v1/library?country=IRN'), 400, 'invalid_query');
    assertError(await call('GET', '/api/v1/library?per_page=1000'), 400, 'invalid_query');
    assertError(await call('GET', '/api/v1/library?sort=random'), 400, 'invalid_query');
    assertError(await call('GET', '/api/v1/library?status=draft'), 403, 'forbidden');
  });

  it('an editor\'s "All" filter (status=any) answers and the server stays up', async () => {
    // status=any leaves the status filter empty; with the answer cache on (the default) this
    // once dereferenced it and killed the server.
    for (const who of ['editor', 'admin']) {
      const r = await call('GET', '/api/v1/library?status=any', { who });
      assert.equal(r.status, 200, r.text);
      const pub = await call('GET', '/api/v1/library', { who });
      assert.ok(r.json.total >= pub.json.total, 'any includes at least the published ones');
    }
    assertError(await call('GET', '/api/v1/library?status=any'), 403, 'forbidden');
    assert.equal((await call('GET', '/healthz')).status, 200);
  });

  it('Persian queries ignore ي/ك, ZWNJ and digit forms, and highlight matches', async () => {
    const persian = await call('GET', `/api/v1/library?q=${encodeURIComponent('بانک غذا')}`);
    const arabic = await call('GET', `/api/v1/library?q=${encodeURIComponent('بانك غذا')}`);
    assert.ok(persian.json.total > 0);
    assert.deepEqual(arabic.json.items.map((i) => i.id), persian.json.items.map((i) => i.id));
    const zwnj = await call('GET', `/api/v1/library?q=${encodeURIComponent('گروه‌های محله')}`);
    const joined = await call('GET', `/api/v1/library?q=${encodeURIComponent('گروههای محله')}`);
    assert.ok(zwnj.json.total > 0);
    assert.equal(zwnj.json.total, joined.json.total);
    assert.ok(persian.json.items.some((i) => /\u0002[^\u0003]+\u0003/.test(i.snippet)));
    const digits = await call('GET', `/api/v1/library?q=${encodeURIComponent('۲۰۱۵')}`);
    const ascii = await call('GET', '/api/v1/library?q=2015');
    assert.equal(digits.json.total, ascii.json.total);
  });

  it('ranks title matches first and pages stably', async () => {
    const r = await call('GET', '/api/v1/library?q=food&per_page=100');
    const scores = r.json.items.map((i) => i.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    const seen = new Set();
    let n = 0;
    for (let page = 1; page <= 5; page++) {
      const p = await call('GET', `/api/v1/library?sort=year&per_page=50&page=${page}`);
      for (const i of p.json.items) { assert.ok(!seen.has(i.id), 'no id on two pages'); seen.add(i.id); n++; }
      const again = await call('GET', `/api/v1/library?sort=year&per_page=50&page=${page}`);
      assert.deepEqual(again.json.items.map((i) => i.id), p.json.items.map((i) => i.id));
    }
    assert.equal(n, 250);
  });
});

describe(`library workflow and access [${STORE}]`, () => {
  let id;
  const doc = { type: 'case_study', language: 'en', title: 'Street pantry in Leeds', summary: 'A pantry.',
    body: 'Hello', country: 'GB', level: 'local', year: 2021, stage: 'evaluation', themes: ['food'], covid: true };

  it('anonymous and volunteers-side roles cannot write', async () => {
    assertError(await call('POST', '/api/v1/library', { body: doc }), 401, 'unauthorized');
    assertError(await call('POST', '/api/v1/library', { who: 'coordinator', body: doc }), 403, 'forbidden');
  });

  it('refuses mass assignment of status, id and origin', async () => {
    for (const extra of [{ status: 'published' }, { id: 'a'.repeat(32) }, { origin: 'seed' }])
      assertError(await call('POST', '/api/v1/library', { who: 'editor', body: { ...doc, ...extra } }), 400, 'unknown_field');
  });

  it('editor creates a draft that only editors see', async () => {
    const r = await call('POST', '/api/v1/library', { who: 'editor', body: doc });
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
    assert.equal(r.json.status, 'draft');
    assertError(await call('GET', `/api/v1/library/${id}`), 404, 'not_found');
    assert.equal((await call('GET', `/api/v1/library/${id}`, { who: 'editor' })).status, 200);
    const s = await call('GET', `/api/v1/library?q=pantry`);
    assert.equal(s.json.total, 0);
  });

  it('edit adds a revision; submit, publish and illegal moves', async () => {
    const e = await call('PATCH', `/api/v1/library/${id}`, { who: 'editor', body: { summary: 'A street pantry.' } });
    assert.equal(e.status, 200, e.text);
    assertError(await call('POST', `/api/v1/library/${id}/publish`, { who: 'editor' }), 403, 'forbidden');
    assert.equal((await call('POST', `/api/v1/library/${id}/submit`, { who: 'editor' })).status, 200);
    assertError(await call('POST', `/api/v1/library/${id}/submit`, { who: 'editor' }), 409, 'bad_transition');
    assert.equal((await call('POST', `/api/v1/library/${id}/publish`, { who: 'admin' })).status, 200);
    assertError(await call('PATCH', `/api/v1/library/${id}`, { who: 'editor', body: { title: 'x' } }), 409, 'conflict');
    const pub = await call('GET', `/api/v1/library/${id}`);
    assert.equal(pub.json.status, 'published');
    const s = await call('GET', '/api/v1/library?q=pantry');
    assert.equal(s.json.total, 1);
    const revs = await call('GET', `/api/v1/library/${id}/revisions`, { who: 'editor' });
    assert.deepEqual(revs.json.revisions.map((r) => r.action), ['publish', 'submit', 'edit', 'create']);
    assertError(await call('GET', `/api/v1/library/${id}/revisions`), 401, 'unauthorized');
  });

  it('attachments: type, magic bytes and size are checked; downloads are inert', async () => {
    // The document is published: only an admin changes its files (hostile.test.mjs tries).
    const pdf = Buffer.from('%PDF-1.4\n%test\n');
    const ok = await call('POST', `/api/v1/library/${id}/attachments?filename=report.pdf`,
      { who: 'admin', raw: pdf, headers: { 'content-type': 'application/pdf' } });
    assert.equal(ok.status, 201, ok.text);
    assertError(await call('POST', `/api/v1/library/${id}/attachments?filename=x.png`,
      { who: 'admin', raw: pdf, headers: { 'content-type': 'image/png' } }), 415, 'unsupported_media_type');
    assertError(await call('POST', `/api/v1/library/${id}/attachments?filename=x.html`,
      { who: 'admin', raw: '<script>', headers: { 'content-type': 'text/html' } }), 415, 'unsupported_media_type');
    // Over 10 MiB: answered 413 from the announced length, before the body is read (the client
    // may see the connection close while it is still sending).
    const from = srv.lines.length;
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x20);
    await call('POST', `/api/v1/library/${id}/attachments?filename=big.txt`,
      { who: 'admin', raw: big, headers: { 'content-type': 'text/plain' } }).catch(() => null);
    await srv.waitForLog(new RegExp(` http POST /api/v1/library/${id}/attachments 413 `), 10000, from);
    const mid = await call('POST', `/api/v1/library/${id}/attachments?filename=mid.txt`,
      { who: 'admin', raw: Buffer.alloc(2 * 1024 * 1024, 0x41), headers: { 'content-type': 'text/plain' } });
    assert.equal(mid.status, 201, 'bodies above --body-max but under 10 MiB are accepted here');
    const dl = await srv.fetch(ok.json.url);
    assert.equal(dl.status, 200);
    assert.match(dl.headers.get('content-disposition'), /^attachment; filename="report\.pdf"/);
    assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), pdf);
  });

  it('Markdown is rendered with raw HTML off and unsafe links made inert', async () => {
    const r = await call('POST', '/api/v1/library', { who: 'editor', body: { ...doc,
      body: '<script>alert(1)</script> [a](javascript:alert(1)) [b](JaVaScRiPt:x) <data:text/html,x> [c](https://example.org)' } });
    const html = r.json.body_html;
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /href="(?!#|https:)/i);
    assert.match(html, /href="https:\/\/example\.org"/);
  });

  it('Atom feed and sitemap are well-formed and escaped', async () => {
    const t = await call('POST', '/api/v1/library', { who: 'editor', body: { ...doc, title: 'Fish & <chips> "quoted"' } });
    await call('POST', `/api/v1/library/${t.json.id}/publish`, { who: 'admin' });
    const atom = await srv.fetch('/library.atom');
    assert.match(atom.headers.get('content-type'), /^application\/atom\+xml/);
    const text = await atom.text();
    assert.match(text, /Fish &amp; &lt;chips&gt; &quot;quoted&quot;/);
    assert.doesNotMatch(text, /<chips>/);
    assert.match(text, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    const sm = await (await srv.fetch('/sitemap.xml')).text();
    assert.match(sm, /<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
    assert.ok(sm.includes(`/doc?id=${id}</loc>`));
    for (const x of [text, sm]) assert.equal((x.match(/</g) || []).length, (x.match(/>/g) || []).length);
  });

  it('the feed takes the search\'s filters: /library.atom?covid=true holds exactly the COVID-19 documents', async () => {
    const all = await srv.fetch('/library.atom');
    const covid = await srv.fetch('/library.atom?covid=true');
    assert.equal(covid.status, 200);
    const ids = (x) => [...x.matchAll(/<link rel="alternate" type="text\/html" href="[^"]*\/doc\?id=([0-9a-f]{32})"/g)].map((m) => m[1]);
    const inCovid = ids(await covid.text()), inAll = ids(await all.text());
    assert.ok(inCovid.length > 0);
    assert.notDeepEqual(inCovid, inAll, 'the filter changes the feed');
    const search = await call('GET', '/api/v1/library?covid=true&sort=newest&per_page=50');
    assert.deepEqual(inCovid, search.json.items.map((i) => i.id), 'the same documents, newest first, as the search');
    for (const [q, field] of [['covid=maybe', 'covid'], ['lang=xx', 'lang'], ['type=novel', 'type']])
      assertError(await call('GET', `/library.atom?${q}`), 400, 'invalid_query');
    const en = await (await srv.fetch('/library.atom?lang=en&type=case_study')).text();
    assert.ok([...en.matchAll(/<entry xml:lang="(\w+)">/g)].every((m) => m[1] === 'en'));
  });

  it('feed and sitemap ids are permanent tag: URIs and links relative without --public-url, whatever Host says', async () => {
    const get = async (path, host) => (await srv.http(path, { headers: host ? { host } : {} })).body.toString('utf8');
    const a = await get('/library.atom?covid=true'), b = await get('/library.atom?covid=true', 'evil.example:666');
    assert.equal(b, a, 'the Host header changes nothing');
    for (const x of [a, await get('/sitemap.xml', 'evil.example')]) assert.doesNotMatch(x, /evil|(href="|<loc>|<id>)\w+:\/\//i);
    const feedId = a.match(/<feed[^]*?<id>([^<]+)<\/id>/)[1];
    assert.match(feedId, /^tag:hamyari\.invalid,2020:[0-9a-f]{32}\/library\?covid=true$/);
    const entryIds = [...a.matchAll(/<entry[^]*?<id>([^<]+)<\/id>/g)].map((m) => m[1]);
    assert.ok(entryIds.length > 0);
    for (const e of entryIds) assert.match(e, /^tag:hamyari\.invalid,2020:[0-9a-f]{32}\/doc\/[0-9a-f]{32}$/);
    assert.match(a, /<link rel="self" type="application\/atom\+xml" href="\/library\.atom\?covid=true"\/>/);
    // The parameters in another order name the same feed.
    const c = await get('/library.atom?lang=en&covid=1'), d = await get('/library.atom?covid=1&lang=en');
    assert.equal(c.match(/<id>([^<]+)<\/id>/)[1], d.match(/<id>([^<]+)<\/id>/)[1]);
  });

  it('feed and sitemap answer conditional requests (ETag, Last-Modified)', async () => {
    for (const path of ['/library.atom', '/library.atom?covid=true', '/sitemap.xml']) {
      const r = await srv.http(path);
      assert.equal(r.status, 200);
      const etag = r.headers.etag, lm = r.headers['last-modified'];
      assert.match(etag, /^"[0-9a-f]{16}"$/, path);
      assert.match(lm, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/, path);
      assert.equal(r.headers['cache-control'], 'no-cache', path);
      const inm = await srv.http(path, { headers: { 'if-none-match': etag } });
      assert.equal(inm.status, 304, path);
      assert.equal(inm.body.length, 0);
      assert.equal(inm.headers.etag, etag);
      const ims = await srv.http(path, { headers: { 'if-modified-since': lm } });
      assert.equal(ims.status, 304, path);
      const older = new Date(Date.parse(lm) - 1000).toUTCString();
      assert.equal((await srv.http(path, { headers: { 'if-modified-since': older } })).status, 200, path);
      // If-None-Match wins over If-Modified-Since (RFC 9110, section 13.2.2).
      assert.equal((await srv.http(path, { headers: { 'if-none-match': '"0000000000000000"', 'if-modified-since': lm } })).status, 200, path);
    }
  });

  it('communities are seeded', async () => {
    const r = await call('GET', '/api/v1/communities');
    const slugs = r.json.organisations.map((o) => o.slug);
    for (const s of ['code-for-japan', 'codeando-mexico', 'covid-mutual-aid-uk', 'oecd-opsi', 'invisible-hands'])
      assert.ok(slugs.includes(s), s);
  });
});

describe(`library import and export [${STORE}]`, () => {
  it('imports all or nothing, with a row report, and exports what it takes', async () => {
    const db = srv.argv[srv.argv.indexOf('--db') + 1];
    const dir = mkdtempSync(join(tmpdir(), 'hy-lib-import-'));
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'type,language,title,year\ncase_study,en,Good row,2020\nnovel,en,Bad type,2020\ncase_study,xx,Bad language,1800\n');
    const r1 = await runCli(['import', 'library', '--db', db, bad]);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /row 3: type:/);
    assert.match(r1.stderr, /row 4: language:/);
    const before = (await call('GET', '/api/v1/library?q=good+row')).json.total;
    assert.equal(before, 0, 'nothing imported');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify([
      { type: 'publication', language: 'fa', title: 'گزارش واردشده', themes: ['health'], year: 2019 },
      { type: 'resource', language: 'en', title: 'Imported resource', status: 'draft' },
    ]));
    const r2 = await runCli(['import', 'library', '--db', db, good]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((await call('GET', `/api/v1/library?q=${encodeURIComponent('واردشده')}`)).json.total, 1);
    const ex = await runCli(['export', 'library', '--db', db]);
    assert.equal(ex.code, 0, ex.stderr);
    const docs = JSON.parse(ex.stdout);
    assert.ok(docs.some((d) => d.title === 'گزارش واردشده'));
    assert.ok(!docs.some((d) => d.title === 'Imported resource'), 'drafts are not exported by default');
    const csv = await runCli(['export', 'library', '--db', db, '--format', 'csv']);
    assert.match(csv.stdout.split('\n')[0], /^id,translation_group,type,language,title/);
  });
});
