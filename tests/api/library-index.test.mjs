// library-index.test.mjs — library search through the in-memory index (domain/libindex.h) on
// the store of HY_TEST_STORE: a published, edited or unpublished document shows in the very
// next search (the index answers only at the library version the search reads, else the
// store is read), the same searches answer alike before and after the index catches up, and
// with two server processes on one database a write through one is seen by a search on the
// other at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, runCli, STORE } from './lib/server.mjs';

const BUILT = /library index: (\d+) published documents, \d+ words, \d+ KiB, built in \d+ ms \(library version (\d+)\)/;

let a, b;
const tokens = {};

async function call(srv, method, path, { who, body } = {}) {
  const headers = who ? { authorization: `Bearer ${tokens[who]}` } : {};
  return srv.request(method, path, { body, headers });
}

/** Waits until `srv` logs an index built at a version other than the ones listed in `seen`. */
async function built(srv, from = 0) {
  const m = await srv.waitForLog(BUILT, 60000, from);
  return { docs: Number(m[1]), version: Number(m[2]) };
}

const SEARCHES = ['', 'q=food', 'q=گروه', 'q=vol&sort=newest', 'type=case_study,faq&level=local',
  'year=2020&covid=true&theme=health', 'lang=fa&sort=year&per_page=7&page=3', 'country=IR,GB&q=d',
  'q=zebrapantry', 'q=quokkapantry'];

async function answers(srv) {
  const out = [];
  for (const q of SEARCHES) {
    const r = await call(srv, 'GET', `/api/v1/library?${q}`);
    assert.equal(r.status, 200, r.text);
    out.push(r.json);
  }
  return out;
}

before(async () => {
  a = await startServer({ args: ['--demo'] });
  await built(a);
  for (const role of ['admin', 'editor']) {
    const r = await runCli(['user', 'add', '--db', a.dbUrl, '--email', `${role}@example.org`, '--role', role, '--password-stdin'],
      { input: 'correct horse battery staple\n' });
    assert.equal(r.code, 0, r.stderr);
    const t = await runCli(['token', 'create', '--db', a.dbUrl, '--user', `${role}@example.org`]);
    assert.equal(t.code, 0, t.stderr);
    tokens[role] = t.stdout.trim().split('\n').pop().trim();
  }
  b = await startServer({ db: a.dbUrl });
  await built(b);
});
after(async () => {
  await b?.stop();
  await a?.stop();
});

/** Random public searches (fixed seed): words and prefixes of both languages, filters, sorts,
 *  pages. */
function randomSearches(n) {
  let x = 0x2545f491;
  const rnd = (k) => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x % k; };
  const words = ['food', 'foo', 'vol', 'volunteer', 'health', 'community', 'school', 'water', 'd', 'a',
    'گروه', 'گر', 'غذا', 'دارو', 'داروها', 'کرونا', 'كرونا', 'محله', 'ن', 'تهران', 'covid', 'medicine', 'open data'];
  const types = ['case_study', 'project', 'publication', 'toolkit', 'faq', 'resource', 'guide'];
  const out = [];
  for (let i = 0; i < n; i++) {
    const p = new URLSearchParams();
    if (rnd(4)) p.set('q', Array.from({ length: 1 + rnd(2) }, () => words[rnd(words.length)]).join(' '));
    if (!rnd(3)) p.set('type', [types[rnd(7)], types[rnd(7)]].join(','));
    if (!rnd(2)) p.set('lang', rnd(2) ? 'fa' : 'en');
    if (!rnd(5)) p.set('covid', rnd(2) ? 'true' : 'false');
    if (!rnd(3)) p.set('sort', ['relevance', 'newest', 'year'][rnd(3)]);
    if (!rnd(3)) p.set('page', String(1 + rnd(4)));
    if (!rnd(4)) p.set('per_page', String(1 + rnd(40)));
    out.push(p.toString());
  }
  return out;
}

describe(`library search index [${STORE}]`, () => {
  it('the Atom feed names each entry\'s first author when the index answers, as the store does', async () => {
    const feed = await (await a.fetch('/library.atom')).text();
    const entries = [...feed.matchAll(/<entry[^]*?\/doc\?id=([0-9a-f]{32})"[^]*?<author><name>([^<]*)<\/name>/g)];
    assert.ok(entries.length > 5, feed.slice(0, 400));
    let named = 0;
    for (const [, id, author] of entries) {
      const d = await call(a, 'GET', `/api/v1/library/${id}`);
      assert.equal(d.status, 200, d.text);
      const first = (d.json.authors ?? [])[0];
      if (first) named++;
      assert.equal(author, first ?? 'Hamyari', `the feed's author of ${id}`);
    }
    assert.ok(named > 0, 'the demo documents have authors');
  });

  it('answers from memory exactly as from the store (items, snippets, facets), over random searches', async () => {
    // An editor's search of every status reads the store; with every document published it is
    // the public set.
    const from = b.lines.length;
    let published = 0;
    for (const st of ['draft', 'in_review']) {
      const d = await call(a, 'GET', `/api/v1/library?status=${st}&per_page=100`, { who: 'editor' });
      for (const it of d.json.items) {
        assert.equal((await call(a, 'POST', `/api/v1/library/${it.id}/publish`, { who: 'admin' })).status, 200);
        published++;
      }
    }
    if (published) { // the other process's index catches up: its answers come from memory
      await call(b, 'GET', '/api/v1/library');
      await built(b, from);
    }
    assert.equal((await call(a, 'GET', '/api/v1/library?status=any', { who: 'editor' })).json.total,
      (await call(a, 'GET', '/api/v1/library')).json.total, 'every document is published');
    let hits = 0, snippets = 0;
    for (const q of randomSearches(300)) {
      const mem = await call(b, 'GET', `/api/v1/library?${q}`);
      const sto = await call(b, 'GET', `/api/v1/library?${q}&status=any`, { who: 'editor' });
      assert.equal(mem.status, 200, mem.text);
      assert.equal(sto.status, 200, sto.text);
      assert.deepEqual(mem.json, sto.json, q);
      hits += mem.json.items.length;
      snippets += mem.json.items.filter((it) => it.snippet.includes('\u0002')).length;
    }
    assert.ok(hits > 1000, `items compared: ${hits}`);
    assert.ok(snippets > 100, `snippets with a marked word: ${snippets}`);
  });

  const doc = { type: 'case_study', language: 'en', title: 'Zebrapantry in Leeds', summary: 'A street pantry.',
    body: 'Hello', country: 'GB', level: 'local', year: 2021, stage: 'evaluation', themes: ['food'], covid: true };
  let id;

  it('answers the same before and after the index catches up with a change', async () => {
    const r = await call(a, 'POST', '/api/v1/library', { who: 'editor', body: doc });
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
    const from = a.lines.length;
    assert.equal((await call(a, 'POST', `/api/v1/library/${id}/publish`, { who: 'admin' })).status, 200);
    const fresh = await answers(a); // right after the write: the store, or an index already rebuilt
    await built(a, from);
    const later = await answers(a);
    assert.deepEqual(later, fresh);
    assert.equal(fresh[SEARCHES.indexOf('q=zebrapantry')].total, 1);
  });

  it('shows a published document in the next search, on this process and the other', async () => {
    for (const srv of [a, b]) {
      const s = await call(srv, 'GET', '/api/v1/library?q=zebrapantry&type=case_study&lang=en');
      assert.equal(s.json.total, 1, s.text);
      assert.equal(s.json.items[0].id, id);
      assert.equal(s.json.items[0].title, 'Zebrapantry in Leeds');
      assert.equal(s.json.items[0].summary, 'A street pantry.');
      assert.equal(s.json.facets.country.GB, 1);
    }
    // Once the other process's index holds it, its title, summary and snippet come from memory.
    const from = b.lines.length;
    await call(b, 'GET', '/api/v1/library?q=zebra');
    await built(b, from);
    const s = await call(b, 'GET', '/api/v1/library?q=zebrapantry%20hello&sort=newest');
    assert.equal(s.json.total, 1, s.text);
    assert.equal(s.json.items[0].title, 'Zebrapantry in Leeds');
    assert.ok(s.json.items[0].snippet.includes('\u0002Hello\u0003'), s.text); // the body's word, marked
  });

  it('shows an edit in the next search, on both processes', async () => {
    const e = await call(b, 'PATCH', `/api/v1/library/${id}`, { who: 'admin',
      body: { title: 'Quokkapantry in York', country: 'IR', year: 2019 } });
    assert.equal(e.status, 200, e.text);
    for (const srv of [a, b]) {
      assert.equal((await call(srv, 'GET', '/api/v1/library?q=zebrapantry')).json.total, 0);
      const s = await call(srv, 'GET', '/api/v1/library?q=quokkapantry&year=2019');
      assert.equal(s.json.total, 1, s.text);
      assert.equal(s.json.items[0].title, 'Quokkapantry in York');
      assert.deepEqual(s.json.facets.country, { IR: 1 });
      assert.equal((await call(srv, 'GET', '/api/v1/library?q=quokkapantry&year=2021')).json.total, 0);
    }
  });

  it('drops an unpublished document from the next search, on both processes', async () => {
    const before = (await call(a, 'GET', '/api/v1/library')).json.total;
    assert.equal((await call(a, 'POST', `/api/v1/library/${id}/unpublish`, { who: 'admin' })).status, 200);
    for (const srv of [b, a]) {
      assert.equal((await call(srv, 'GET', '/api/v1/library?q=quokkapantry')).json.total, 0);
      assert.equal((await call(srv, 'GET', '/api/v1/library')).json.total, before - 1);
      // Editors still find the draft (those searches always read the store).
      const d = await call(srv, 'GET', '/api/v1/library?q=quokkapantry&status=draft', { who: 'editor' });
      assert.equal(d.json.total, 1, d.text);
    }
  });

  it('keeps whole answers (gzip for clients that take it) and never sends one older than the library', async () => {
    // An answer of 1 KiB and more: smaller ones go uncompressed.
    const path = '/api/v1/library?lang=en&sort=newest';
    const first = await call(a, 'GET', path);
    assert.ok(Buffer.byteLength(first.text) >= 1024, `${Buffer.byteLength(first.text)} bytes`);
    const again = await call(a, 'GET', path);
    assert.equal(again.text, first.text);
    assert.equal(again.headers.get('vary'), 'Accept-Encoding');
    const gz = await fetch(`${a.base}${path}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.equal(await gz.text(), first.text); // fetch inflates
    const plain = await fetch(`${a.base}${path}`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), first.text);
    // A server without the cache answers the same bytes.
    const c = await startServer({ db: a.dbUrl, args: ['--library-cache', '0'] });
    try {
      assert.equal((await call(c, 'GET', path)).text, first.text);
    } finally {
      await c.stop();
    }
    // A change through the other process: the next answer here is the new one.
    const titles = (r) => r.json.items.map((x) => x.title);
    const r = await call(b, 'POST', '/api/v1/library', { who: 'editor',
      body: { ...doc, title: 'Numbatpantry in Bath' } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(titles(await call(a, 'GET', path)), titles(first), 'a draft changes nothing public');
    assert.equal((await call(b, 'POST', `/api/v1/library/${r.json.id}/publish`, { who: 'admin' })).status, 200);
    const after = await call(a, 'GET', path);
    assert.equal(after.json.total, first.json.total + 1);
    assert.equal(after.json.items[0].title, 'Numbatpantry in Bath');
  });

  it('sees a change made outside the server (the CLI import) at once', async () => {
    const from = b.lines.length;
    const dir = mkdtempSync(join(tmpdir(), 'hamyari-libindex-'));
    const file = join(dir, 'library.json');
    writeFileSync(file, JSON.stringify([{ ...doc, title: 'Wombatpantry in Hull' }]));
    const r = await runCli(['import', 'library', '--db', a.dbUrl, file]);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    for (const srv of [a, b]) {
      const s = await call(srv, 'GET', '/api/v1/library?q=wombatpantry');
      assert.equal(s.json.total, 1, s.text);
    }
    await built(b, from);
    assert.equal((await call(b, 'GET', '/api/v1/library?q=wombatpantry')).json.total, 1);
  });
});
