// faq.test.mjs — search synonyms and the FAQ assistant on the store of HY_TEST_STORE: the
// editors' synonym list (access, checks, audit, and every search sees a change at once,
// cached answers included), «کرونا» finding the «کووید» documents, FAQ answers for questions
// typed with Arabic ي/ك and without ZWNJ, feedback counts and their limit, and the
// no-JavaScript answers page with its schema.org FAQPage data.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, runCli, assertError } from './lib/server.mjs';

let srv;
const tokens = {};

function call(method, path, { who, body, headers = {} } = {}) {
  const h = { ...headers };
  if (who) h.authorization = `Bearer ${tokens[who]}`;
  return srv.request(method, path, { body, headers: h });
}
const enc = encodeURIComponent;

before(async () => {
  srv = await startServer({ args: ['--demo', '--inbound-secret', 'gateway-secret-123'] });
  for (const role of ['admin', 'editor', 'volunteer', 'coordinator']) {
    const r = await runCli(['user', 'add', '--db', srv.dbUrl, '--email', `${role}@example.org`, '--role', role, '--password-stdin'],
      { input: 'correct horse battery staple\n' });
    assert.equal(r.code, 0, r.stderr);
    const t = await runCli(['token', 'create', '--db', srv.dbUrl, '--user', `${role}@example.org`]);
    assert.equal(t.code, 0, t.stderr);
    tokens[role] = t.stdout.trim().split('\n').pop().trim();
  }
});
after(async () => { await srv?.stop(); });

async function search(q, extra = '') {
  const r = await call('GET', `/api/v1/library?q=${enc(q)}&per_page=100${extra}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

describe('search synonyms', () => {
  it('only editors and admins read and change the list', async () => {
    assertError(await call('GET', '/api/v1/synonyms'), 401, 'unauthorized');
    assertError(await call('GET', '/api/v1/synonyms', { who: 'volunteer' }), 403, 'forbidden');
    assertError(await call('PUT', '/api/v1/synonyms', { who: 'coordinator', body: { groups: [['a1', 'b1']] } }), 403, 'forbidden');
    const r = await call('GET', '/api/v1/synonyms', { who: 'editor' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.default, true);
    assert.equal(r.json.updated_at, null);
    const corona = r.json.groups.find((g) => g.includes('کرونا'));
    assert.ok(corona && corona.includes('کووید') && corona.includes('COVID-19') && corona.includes('coronavirus'), JSON.stringify(corona));
    assert.ok(r.json.groups.some((g) => g.includes('دارو') && g.includes('medicine')));
    assert.ok(r.json.groups.some((g) => g.includes('خرید') && g.includes('groceries')));
  });

  it('«کرونا» finds the «کووید» documents, as does "coronavirus"', async () => {
    const kovid = await search('کووید');
    assert.ok(kovid.total > 0);
    const corona = await search('کرونا');
    assert.ok(corona.total >= kovid.total, `${corona.total} < ${kovid.total}`);
    const ids = new Set(corona.items.map((d) => d.id));
    const missing = kovid.items.filter((d) => !ids.has(d.id));
    assert.deepEqual(missing, [], 'every «کووید» document is found by «کرونا»');
    assert.deepEqual(corona.terms, ['کرونا'], 'the terms are the words as typed');
    // Arabic yeh/kaf and Arabic-Indic digits fold the same way
    const arabic = await search('كرونا');
    assert.equal(arabic.total, corona.total);
    const en = await search('coronavirus', '&lang=fa');
    assert.ok(en.total > 0, 'an English word finds the Persian documents');
    // a snippet marks the synonym that matched
    assert.ok(corona.items.some((d) => /\x02[^\x03]*کووید/.test(d.snippet)), 'the matching synonym is marked');
  });

  it('bad lists are refused and change nothing', async () => {
    const before = await search('کرونا');
    const bad = [
      undefined, 'x', [['only-one']], [['a1', 42]], [['a1', 'a1']], [['a1', 'x'.repeat(61)]], [['a1', 'b\u0001']], [['a1', '---']], Array.from({ length: 501 }, (_, i) => [`w${i}a`, `w${i}b`]),
      [Array.from({ length: 13 }, (_, i) => `w${i}`)],
    ];
    for (const groups of bad) {
      const body = groups === undefined ? {} : { groups };
      const r = await call('PUT', '/api/v1/synonyms', { who: 'editor', body });
      assert.equal(r.status, 400, `${JSON.stringify(groups)?.slice(0, 80)}: ${r.text}`);
      assert.equal(r.json.error.field, 'groups');
    }
    assertError(await call('PUT', '/api/v1/synonyms', { who: 'editor', body: { groups: [['a1', 'b1']], extra: 1 } }), 400, 'unknown_field');
    const r = await call('GET', '/api/v1/synonyms', { who: 'editor' });
    assert.equal(r.json.default, true);
    assert.equal((await search('کرونا')).total, before.total);
  });

  it('a saved list is audited and every search sees it at once, cached answers included', async () => {
    const url = `/api/v1/library?q=${enc('کرونا')}`;
    const first = await call('GET', url);
    const again = await call('GET', url); // now from the answer cache
    assert.equal(again.text, first.text);
    assert.ok(first.json.total > 0);
    const list = (await call('GET', '/api/v1/synonyms', { who: 'editor' })).json.groups;
    const without = list.filter((g) => !g.includes('کرونا'));
    const r = await call('PUT', '/api/v1/synonyms', { who: 'editor', body: { groups: without } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.default, false);
    assert.equal(typeof r.json.updated_at, 'number');
    const after = await call('GET', url);
    assert.ok(after.json.total < first.json.total, `${after.json.total} !< ${first.json.total}`);
    // a new word joins a group
    const more = list.map((g) => (g.includes('کرونا') ? [...g, 'zebrapox'] : g));
    assert.equal((await call('PUT', '/api/v1/synonyms', { who: 'editor', body: { groups: more } })).status, 200);
    const z = await search('zebrapox');
    assert.equal(z.total, first.json.total);
    const audit = await call('GET', '/api/v1/audit?action=synonyms_saved', { who: 'admin' });
    assert.equal(audit.status, 200, audit.text);
    const saved = (audit.json.items ?? audit.json.entries ?? audit.json).filter?.((e) => e.action === 'synonyms_saved') ?? [];
    assert.ok(saved.length >= 2, audit.text.slice(0, 300));
    // back to the list as seeded
    assert.equal((await call('PUT', '/api/v1/synonyms', { who: 'editor', body: { groups: list } })).status, 200);
    assert.equal((await call('GET', url)).json.total, first.json.total);
  });
});

describe('synonyms in the group directory', () => {
  it('a group search for a synonym finds the groups of the listed word', async () => {
    const gj = await call('GET', '/api/v1/groups.geojson');
    assert.equal(gj.status, 200, gj.text.slice(0, 200));
    const names = gj.json.features.map((f) => f.properties.name);
    const word = names.flatMap((n) => n.split(/[\s\u200c،,()-]+/)).find((w) => [...w].length >= 4);
    assert.ok(word, 'a word of a demo group name');
    const plain = await call('GET', `/api/v1/groups?q=${enc(word)}&limit=100`);
    assert.equal(plain.status, 200, plain.text);
    assert.ok(plain.json.total > 0);
    assert.equal((await call('GET', '/api/v1/groups?q=zebrapantry&limit=100')).json.total, 0);
    const list = (await call('GET', '/api/v1/synonyms', { who: 'editor' })).json.groups;
    assert.equal((await call('PUT', '/api/v1/synonyms', { who: 'editor', body: { groups: [...list, ['zebrapantry', word]] } })).status, 200);
    const syn = await call('GET', '/api/v1/groups?q=zebrapantry&limit=100');
    assert.equal(syn.json.total, plain.json.total);
    assert.deepEqual(syn.json.groups.map((g) => g.id).sort(), plain.json.groups.map((g) => g.id).sort());
    assert.equal((await call('PUT', '/api/v1/synonyms', { who: 'editor', body: { groups: list } })).status, 200);
    assert.equal((await call('GET', '/api/v1/groups?q=zebrapantry&limit=100')).json.total, 0);
  });
});

describe('FAQ assistant', () => {
  async function ask(q, lang) {
    const r = await call('GET', `/api/v1/faq/answers?q=${enc(q)}${lang ? `&lang=${lang}` : ''}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  it('answers a question with at most three FAQ documents, best first', async () => {
    const a = await ask('How do I become a volunteer?');
    assert.equal(a.language, 'en');
    assert.ok(a.answers.length >= 1 && a.answers.length <= 3);
    assert.match(a.answers[0].question, /volunteer/i);
    for (const x of a.answers) {
      assert.match(x.url, /^\/doc\?id=[0-9a-f]{32}$/);
      assert.equal(x.language, 'en');
      const doc = await call('GET', `/api/v1/library/${x.id}`);
      assert.equal(doc.json.type, 'faq');
    }
    const fa = await ask('چطور داوطلب شوم؟');
    assert.equal(fa.language, 'fa');
    assert.match(fa.answers[0].question, /داوطلب/);
  });

  it('Persian typed with Arabic ي/ك and without ZWNJ gets the same answers', async () => {
    const right = await ask('چه کسی نشانی و شمارهٔ مرا می‌بیند؟');
    assert.ok(right.answers.length > 0);
    const typed = await ask('چه كسي نشاني و شماره مرا ميبيند؟');
    assert.deepEqual(typed.answers.map((x) => x.id), right.answers.map((x) => x.id));
  });

  it('synonyms reach the answers: «کرونا» finds the «کووید» answer, "medication" the medicine one', async () => {
    const a = await ask('اگر کرونا گرفتم چه کنم', 'fa');
    assert.ok(a.answers.some((x) => /کرونا|کووید/.test(x.question + x.summary + x.snippet)), JSON.stringify(a));
    const m = await ask('Can someone bring my medication?', 'en');
    assert.ok(m.answers.some((x) => /medicine/i.test(x.question + x.summary + x.snippet)), JSON.stringify(m));
  });

  it('never makes up an answer: nothing found is an empty list', async () => {
    assert.deepEqual((await ask('zzqx wwqy')).answers, []);
    assert.deepEqual((await ask('')).answers, []);
    assert.deepEqual((await ask('the and of')).answers, []);
  });

  it('bad questions get a JSON error', async () => {
    assertError(await call('GET', `/api/v1/faq/answers?q=${'x'.repeat(301)}`), 400, 'invalid_query');
    assertError(await call('GET', '/api/v1/faq/answers?q=a&lang=de'), 400, 'invalid_query');
  });

  it('feedback is counted per document, checked and limited', async () => {
    const a = await ask('Where is my phone number kept?');
    const id = a.answers[0].id;
    const y = await call('POST', `/api/v1/faq/${id}/feedback`, { body: { helped: true } });
    assert.equal(y.status, 200, y.text);
    assert.deepEqual(y.json, { id, helped: 1, not_helped: 0 });
    const n = await call('POST', `/api/v1/faq/${id}/feedback`, { body: { helped: false } });
    assert.deepEqual(n.json, { id, helped: 1, not_helped: 1 });
    assertError(await call('POST', `/api/v1/faq/${'0'.repeat(32)}/feedback`, { body: { helped: true } }), 404, 'not_found');
    assertError(await call('POST', '/api/v1/faq/nope/feedback', { body: { helped: true } }), 404, 'not_found');
    assertError(await call('POST', `/api/v1/faq/${id}/feedback`, { body: { helped: 'maybe' } }), 400, 'invalid_field');
    assertError(await call('POST', `/api/v1/faq/${id}/feedback`, { body: {} }), 400, 'missing_field');
    assertError(await call('POST', `/api/v1/faq/${id}/feedback`, { body: { helped: true, name: 'x' } }), 400, 'unknown_field');
    // a form post (no JavaScript) gets a page
    const f = await srv.fetch(`/api/v1/faq/${id}/feedback`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'helped=true&lang=en',
    });
    assert.equal(f.status, 200);
    assert.match(await f.text(), /Thank you/);
    // the limit per address: 30 an hour (3 counted above, 1 refused as not found counts too)
    let limited = null;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await call('POST', `/api/v1/faq/${id}/feedback`, { body: { helped: true } });
      if (r.status === 429) limited = r;
      else assert.equal(r.status, 200, r.text);
    }
    assert.ok(limited, 'the limit was reached');
    assertError(limited, 429, 'rate_limited');
  });

  it('the answers page works without JavaScript and carries FAQPage data', async () => {
    const r = await srv.fetch(`/faq/answers?q=${enc('How do I ask for help?')}&lang=en`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    const html = await r.text();
    assert.match(html, /<html lang="en" dir="ltr">/);
    assert.match(html, /action="\/api\/v1\/faq\/[0-9a-f]{32}\/feedback"/);
    assert.match(html, /action="\/api\/v1\/requests"/, 'talk to a person');
    const ld = [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]));
    assert.equal(ld.length, 1);
    checkFaqPage(ld[0]);
    assert.ok(ld[0].mainEntity.length >= 1 && ld[0].mainEntity.length <= 3);
    // the whole FAQ in Persian, no question asked
    const all = await (await srv.fetch('/faq/answers?lang=fa')).text();
    assert.match(all, /<html lang="fa" dir="rtl">/);
    const ld2 = JSON.parse(all.match(/<script type="application\/ld\+json">([^<]*)<\/script>/)[1]);
    checkFaqPage(ld2);
    assert.ok(ld2.mainEntity.length >= 15, `${ld2.mainEntity.length} Persian questions`);
    // what was typed is escaped, in the page and in the data
    const x = await (await srv.fetch(`/faq/answers?q=${enc('<script>alert(1)</script> volunteer')}&lang=en`)).text();
    assert.ok(!x.includes('<script>alert(1)'), 'escaped');
  });

  it('an inbound SMS that is a question gets the top answer by SMS; anything else is a request', async () => {
    const sms = (text, from = '+989121234567') => call('POST', '/api/v1/inbound/sms',
      { body: { from, text }, headers: { 'x-hamyari-secret': 'gateway-secret-123' } });
    const q = await sms('How do I become a volunteer?');
    assert.equal(q.status, 200, q.text);
    assert.equal(q.json.kind, 'answer');
    assert.match(q.json.url, /\/doc\?id=[0-9a-f]{32}$/);
    assert.match(q.json.question, /volunteer/i);
    assert.equal(q.json.queued, true);
    const fa = await sms('سوال: چطور داوطلب شوم');
    assert.equal(fa.status, 200, fa.text);
    assert.match(fa.json.question, /داوطلب/);
    const typed = await sms('چه كسي شماره مرا ميبيند؟');
    assert.equal(typed.json.doc_id, (await sms('چه کسی شمارهٔ مرا می‌بیند؟')).json.doc_id);
    // requests: no question mark, a need, or a question the FAQ cannot answer
    for (const text of ['I need my medicine from the pharmacy', 'Can you help, I urgently need food?',
      'دارو لازم دارم؟', 'zzqx wwqy?']) {
      const r = await sms(text);
      assert.equal(r.status, 201, `${text}: ${r.text}`);
      assert.equal(r.json.status, 'new');
    }
    assertError(await call('POST', '/api/v1/inbound/sms', { body: { from: '+989121234567', text: 'How do I volunteer?' } }), 403, 'forbidden');
  });

  it('the starter content has at least 15 real questions and answers in each language', async () => {
    for (const lang of ['fa', 'en']) {
      const r = await call('GET', `/api/v1/library?type=faq&lang=${lang}&per_page=100`);
      assert.ok(r.json.total >= 15, `${lang}: ${r.json.total}`);
      for (const d of r.json.items) assert.ok(!/\(demo\)|\(نمونه\)/.test(d.title), d.title);
    }
  });
});

/** schema.org FAQPage as Google's structured-data rules describe it: a FAQPage whose
 * mainEntity is a list of Question items, each with a non-empty name and an acceptedAnswer
 * of type Answer with non-empty text. */
function checkFaqPage(ld) {
  assert.equal(ld['@context'], 'https://schema.org');
  assert.equal(ld['@type'], 'FAQPage');
  assert.ok(Array.isArray(ld.mainEntity));
  for (const q of ld.mainEntity) {
    assert.deepEqual(Object.keys(q).sort(), ['@type', 'acceptedAnswer', 'name']);
    assert.equal(q['@type'], 'Question');
    assert.ok(typeof q.name === 'string' && q.name.trim().length > 0);
    assert.equal(q.acceptedAnswer['@type'], 'Answer');
    assert.ok(typeof q.acceptedAnswer.text === 'string' && q.acceptedAnswer.text.trim().length > 0);
  }
}
