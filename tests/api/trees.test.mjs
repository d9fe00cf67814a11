// trees.test.mjs — decision trees on the store of HY_TEST_STORE: the published list and one
// tree per language, evaluation (next question, result, invalid answers naming the node,
// answers off the path), anonymous outcome counts, saving as an editor (422 with the offending
// node ids and nothing changed, optimistic locking, revisions), publishing, access per role
// (anonymous too), and the server-rendered pages that work without JavaScript.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, runCli, assertError, STORE, ROOT } from './lib/server.mjs';
import { addUser, createToken } from './lib/accounts.mjs';

const SAMPLE = 'epidemic-self-check';
const sampleEn = JSON.parse(readFileSync(join(ROOT, 'src/cli/trees/self-check.en.json'), 'utf8'));

let srv;
const tokens = {};

async function call(method, path, { who, body, raw, headers = {} } = {}) {
  const h = { ...headers };
  if (who) h.authorization = `Bearer ${tokens[who]}`;
  return srv.request(method, path, { body, raw, headers: h });
}

/** A form post as a browser without JavaScript sends it. */
async function post(path, fields) {
  const body = new URLSearchParams(fields).toString();
  const r = await srv.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: new URL(srv.url('/')).origin },
    body,
  });
  return { status: r.status, text: await r.text(), type: r.headers.get('content-type') };
}

/** A 422 answer: the error body with every problem of the tree and the nodes they concern. */
function assertProblems(r) {
  assert.equal(r.status, 422, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const e = r.json.error;
  assert.equal(e.code, 'invalid_tree');
  assert.deepEqual(Object.keys(e).sort(), ['code', 'message', 'nodes', 'problems', 'truncated']);
  assert.ok(e.problems.length > 0 && e.message.length > 0);
  return e;
}

/** A small valid tree: a yes/no question and two results. */
function small(id, over = {}) {
  return {
    id, title: 'Small <b>tree</b>', version: 1, reviewed_at: '2026-01-10', language: 'en',
    start: 'q1',
    nodes: [
      { id: 'q1', type: 'single_choice', text: 'Is it *raining*?', options: [
        { label: 'Yes', value: 'yes', next: 'wet' }, { label: 'No', value: 'no', next: 'dry' }] },
      { id: 'wet', type: 'result', title: 'Take an umbrella', severity: 'info', text: 'Stay dry.' },
      { id: 'dry', type: 'result', title: 'Enjoy', severity: 'info', text: 'Nothing to do.' },
    ],
    ...over,
  };
}

before(async () => {
  srv = await startServer();
  for (const role of ['admin', 'editor', 'coordinator']) {
    await addUser(srv, { email: `${role}@example.org`, role });
    tokens[role] = await createToken(srv, `${role}@example.org`);
  }
});
after(() => srv?.stop());

describe(`decision trees: reading and evaluating [${STORE}]`, () => {
  it('lists the published sample tree in Persian and English, with when it was reviewed', async () => {
    const r = await call('GET', '/api/v1/trees');
    assert.equal(r.status, 200);
    const mine = r.json.trees.filter((t) => t.id === SAMPLE);
    assert.deepEqual(mine.map((t) => t.language).sort(), ['en', 'fa']);
    for (const t of mine) {
      assert.equal(t.published, true);
      assert.match(t.reviewed_at, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal(typeof t.review_age_days, 'number');
    }
    const en = await call('GET', '/api/v1/trees?lang=en');
    assert.ok(en.json.trees.every((t) => t.language === 'en'));
    assertError(await call('GET', '/api/v1/trees?lang=e%20n'), 400, 'invalid_query');
    assertError(await call('GET', '/api/v1/trees?all=yes'), 400, 'invalid_query');
  });

  it('gives one tree in the language asked (Persian by default) without outcome counts to the public', async () => {
    const fa = await call('GET', `/api/v1/trees/${SAMPLE}`);
    assert.equal(fa.status, 200);
    assert.equal(fa.json.language, 'fa');
    assert.equal(fa.json.document.id, SAMPLE);
    assert.deepEqual(fa.json.languages.sort(), ['en', 'fa']);
    assert.equal(fa.json.outcomes, undefined);
    const en = await call('GET', `/api/v1/trees/${SAMPLE}?lang=en`);
    assert.equal(en.json.document.language, 'en');
    assertError(await call('GET', `/api/v1/trees/${SAMPLE}?lang=de`), 404, 'not_found');
    assertError(await call('GET', '/api/v1/trees/no-such-tree'), 404, 'not_found');
    assertError(await call('GET', '/api/v1/trees/bad%20id'), 404, 'not_found');
  });

  it('answers the next question, then the result; only the count of the result is kept', async () => {
    const before = await call('GET', `/api/v1/trees/${SAMPLE}?lang=en`, { who: 'editor' });
    const count = (r, node) => (r.json.outcomes.find((o) => o.node === node) || { count: 0 }).count;
    const first = await call('POST', `/api/v1/trees/${SAMPLE}/evaluate?lang=en`, { body: { answers: {} } });
    assert.equal(first.status, 200);
    assert.equal(first.json.done, false);
    assert.equal(first.json.node.id, sampleEn.start);
    assert.deepEqual(first.json.path, []);
    assert.ok(first.json.node.options.length > 1);
    const answers = { danger: ['none'], who: 'self', symptoms: ['none'], need: 'info' };
    const last = await call('POST', `/api/v1/trees/${SAMPLE}/evaluate?lang=en`, { body: { answers } });
    assert.equal(last.status, 200, last.text);
    assert.equal(last.json.done, true);
    assert.equal(last.json.node.id, 'info');
    assert.match(last.json.node.text, /not medical advice/i);
    assert.deepEqual(last.json.path, ['danger', 'who', 'symptoms', 'need']);
    const emergency = await call('POST', `/api/v1/trees/${SAMPLE}/evaluate?lang=en`,
      { body: { answers: { danger: ['breathing'] } } });
    assert.equal(emergency.json.node.id, 'emergency');
    assert.equal(emergency.json.node.severity, 'emergency');
    assert.equal(emergency.json.node.contact.phone, '112');
    const afterR = await call('GET', `/api/v1/trees/${SAMPLE}?lang=en`, { who: 'editor' });
    assert.equal(count(afterR, 'info'), count(before, 'info') + 1);
    assert.equal(count(afterR, 'emergency'), count(before, 'emergency') + 1);
    for (const o of afterR.json.outcomes) assert.deepEqual(Object.keys(o).sort(), ['count', 'node']);
  });

  it('refuses an invalid answer with 400 naming the node, and changes nothing', async () => {
    const before = await call('GET', `/api/v1/trees/${SAMPLE}?lang=en`, { who: 'editor' });
    const path = `/api/v1/trees/${SAMPLE}/evaluate?lang=en`;
    const cases = [
      [{ danger: ['no-such-option'] }, 'answers.danger'],
      [{ danger: ['none', 'breathing'] }, 'answers.danger'], // "none" is exclusive
      [{ danger: ['none'], who: 'self', symptoms: ['fever'], age: 'old' }, 'answers.age'],
      [{ danger: ['none'], who: 'self', symptoms: ['fever'], age: 100000 }, 'answers.age'],
      [{ danger: ['none'], who: 'self', need: 'info' }, 'answers.need'], // not on the path
      [{ emergency: 'x' }, 'answers.emergency'],
    ];
    for (const [answers, field] of cases) {
      const r = await call('POST', path, { body: { answers } });
      assertError(r, 400, 'invalid_answer', JSON.stringify(answers));
      assert.equal(r.json.error.field, field, JSON.stringify(answers));
    }
    assertError(await call('POST', path, { body: { answers: [] } }), 400, 'invalid_field');
    assertError(await call('POST', path, { body: {} }), 400, 'missing_field');
    assertError(await call('POST', path, { body: { answers: {}, who: 'me' } }), 400, 'unknown_field');
    assertError(await call('POST', path, { raw: '{"answers":', headers: { 'content-type': 'application/json' } }), 400, 'bad_json');
    assertError(await call('POST', '/api/v1/trees/nope/evaluate', { body: { answers: {} } }), 404, 'not_found');
    const afterR = await call('GET', `/api/v1/trees/${SAMPLE}?lang=en`, { who: 'editor' });
    assert.deepEqual(afterR.json.outcomes, before.json.outcomes);
  });
});

describe(`decision trees: editing [${STORE}]`, () => {
  it('lets only editors and admins write, and only them see drafts and revisions', async () => {
    const body = small('access-check');
    assertError(await call('POST', '/api/v1/trees', { body }), 401, 'unauthorized');
    assertError(await call('POST', '/api/v1/trees', { body, who: 'coordinator' }), 403, 'forbidden');
    assertError(await call('GET', '/api/v1/trees?all=true'), 401, 'unauthorized');
    assertError(await call('GET', '/api/v1/trees?all=true', { who: 'coordinator' }), 403, 'forbidden');
    assertError(await call('PUT', `/api/v1/trees/${SAMPLE}`, { body: sampleEn }), 401, 'unauthorized');
    assertError(await call('POST', `/api/v1/trees/${SAMPLE}/unpublish?lang=en`), 401, 'unauthorized');
    assertError(await call('GET', `/api/v1/trees/${SAMPLE}/revisions?lang=en`, { who: 'coordinator' }), 403, 'forbidden');
    const list = await call('GET', '/api/v1/trees');
    assert.ok(!list.json.trees.some((t) => t.id === 'access-check'));
  });

  it('refuses a broken tree with 422 and every offending node id, and stores nothing', async () => {
    const broken = small('broken', {
      nodes: [
        { id: 'q1', type: 'single_choice', text: 'Q?', options: [
          { label: 'A', value: 'a', next: 'q2' }, { label: 'B', value: 'b', next: 'nowhere' }] },
        { id: 'q2', type: 'single_choice', text: 'Loop?', options: [{ label: 'Again', value: 'x', next: 'q3' }] },
        { id: 'q3', type: 'single_choice', text: 'Loop!', options: [{ label: 'Back', value: 'y', next: 'q2' }] },
        { id: 'empty', type: 'single_choice', text: 'None?', options: [], next: 'end' },
        { id: 'end', type: 'result', title: 'End', severity: 'info', text: 'End.' },
        { id: 'end', type: 'result', title: 'Twice', severity: 'info', text: 'Twice.' },
      ],
    });
    const r = await call('POST', '/api/v1/trees', { body: broken, who: 'editor' });
    assertProblems(r);
    const codes = r.json.error.problems.map((p) => p.code);
    for (const c of ['dangling_next', 'cycle', 'no_options', 'duplicate_id'])
      assert.ok(codes.includes(c), `${c} in ${codes}`);
    for (const n of ['q1', 'q2', 'q3', 'empty', 'end']) assert.ok(r.json.error.nodes.includes(n), `${n} named`);
    const dangling = r.json.error.problems.find((p) => p.code === 'dangling_next');
    assert.equal(dangling.node, 'q1');
    assert.equal(dangling.field, 'options[1].next');
    assertError(await call('GET', '/api/v1/trees/broken?lang=en', { who: 'editor' }), 404, 'not_found');
    assertError(await call('POST', '/api/v1/trees', { raw: 'not json', who: 'editor', headers: { 'content-type': 'application/json' } }), 400, 'bad_json');
    const dup = await call('POST', '/api/v1/trees', { raw: '{"id":"a","id":"b"}', who: 'editor', headers: { 'content-type': 'application/json' } });
    assertError(dup, 400, 'bad_json');
  });

  it('creates a draft, saves versions with revisions, refuses a stale save, publishes and withdraws', async () => {
    const id = 'umbrella';
    const c = await call('POST', '/api/v1/trees', { body: small(id), who: 'editor' });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.published, false);
    assert.equal(c.json.version, 1);
    assertError(await call('POST', '/api/v1/trees', { body: small(id), who: 'editor' }), 409, 'conflict');
    assertError(await call('GET', `/api/v1/trees/${id}?lang=en`), 404, 'not_found');
    assertError(await call('POST', `/api/v1/trees/${id}/evaluate?lang=en`, { body: { answers: {} } }), 404, 'not_found');
    // An editor previews the draft; previews are not counted.
    const preview = await call('POST', `/api/v1/trees/${id}/evaluate?lang=en`, { body: { answers: { q1: 'yes' } }, who: 'editor' });
    assert.equal(preview.json.node.id, 'wet');

    const v1 = (await call('GET', `/api/v1/trees/${id}?lang=en`, { who: 'editor' })).json.document;
    const edited = { ...v1, title: 'Umbrella or not', reviewed_at: '2026-12-01' };
    const u = await call('PUT', `/api/v1/trees/${id}`, { body: edited, who: 'admin' });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.version, 2);
    assert.equal(u.json.document.version, 2);
    assert.equal(u.json.title, 'Umbrella or not');
    // Someone still editing version 1 cannot overwrite version 2.
    const stale = await call('PUT', `/api/v1/trees/${id}`, { body: { ...v1, title: 'Lost update' }, who: 'editor' });
    assertError(stale, 409, 'conflict');
    assert.equal(stale.json.error.field, 'version');
    assertError(await call('PUT', `/api/v1/trees/${id}`, { body: small('other', { version: 2 }), who: 'editor' }), 400, 'invalid_field');
    assertError(await call('PUT', '/api/v1/trees/missing', { body: small('missing'), who: 'editor' }), 404, 'not_found');
    const badEdit = await call('PUT', `/api/v1/trees/${id}`, { body: { ...u.json.document, start: 'nowhere' }, who: 'editor' });
    assert.equal(assertProblems(badEdit).problems[0].code, 'unknown_start');
    assert.equal((await call('GET', `/api/v1/trees/${id}?lang=en`, { who: 'editor' })).json.title, 'Umbrella or not');

    const revs = await call('GET', `/api/v1/trees/${id}/revisions?lang=en`, { who: 'editor' });
    assert.equal(revs.status, 200);
    assert.deepEqual(revs.json.revisions.map((r) => [r.version, r.action]), [[2, 'edit'], [1, 'create']]);
    assert.ok(revs.json.revisions.every((r) => typeof r.author_id === 'string' && r.at > 0));
    assert.notEqual(revs.json.revisions[0].author_id, revs.json.revisions[1].author_id, 'admin then editor');
    const r1 = await call('GET', `/api/v1/trees/${id}/revisions/1?lang=en`, { who: 'editor' });
    assert.equal(r1.json.document.title, 'Small <b>tree</b>');
    assertError(await call('GET', `/api/v1/trees/${id}/revisions/9?lang=en`, { who: 'editor' }), 404, 'not_found');
    assertError(await call('GET', `/api/v1/trees/${id}/revisions/x?lang=en`, { who: 'editor' }), 404, 'not_found');

    assertError(await call('POST', `/api/v1/trees/${id}/publish`, { who: 'editor' }), 400, 'missing_field');
    const p = await call('POST', `/api/v1/trees/${id}/publish?lang=en`, { who: 'editor' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.published, true);
    assert.ok((await call('GET', '/api/v1/trees')).json.trees.some((t) => t.id === id));
    const walk = await call('POST', `/api/v1/trees/${id}/evaluate?lang=en`, { body: { answers: { q1: 'no' } } });
    assert.equal(walk.json.node.id, 'dry');
    const counted = await call('GET', `/api/v1/trees/${id}?lang=en`, { who: 'editor' });
    assert.deepEqual(counted.json.outcomes, [{ node: 'dry', count: 1 }], 'the preview was not counted');
    const w = await call('POST', `/api/v1/trees/${id}/unpublish?lang=en`, { who: 'editor' });
    assert.equal(w.json.published, false);
    assertError(await call('GET', `/api/v1/trees/${id}?lang=en`), 404, 'not_found');
    assertError(await call('POST', '/api/v1/trees/nope/publish?lang=en', { who: 'editor' }), 404, 'not_found');
  });
});

describe(`decision trees: pages without JavaScript [${STORE}]`, () => {
  it('lists the trees and asks the first question, right to left in Persian', async () => {
    const list = await srv.fetch('/trees?lang=fa');
    assert.equal(list.status, 200);
    const html = await list.text();
    assert.match(html, /<html lang="fa" dir="rtl">/);
    assert.ok(html.includes(`/trees/${SAMPLE}?lang=fa`));
    assert.match(html, /آخرین بازبینی/);
    const en = await (await srv.fetch(`/trees/${SAMPLE}?lang=en`)).text();
    assert.match(en, /<html lang="en" dir="ltr">/);
    assert.match(en, /not medical advice/i);
    assert.match(en, /name="q" value="danger"/);
    assert.match(en, /Last reviewed:/);
    assert.equal((await srv.fetch('/trees/no-such-tree?lang=en')).status, 404);
  });

  it('walks to a result with form posts carrying the answers, goes back and starts again', async () => {
    const path = `/trees/${SAMPLE}?lang=en`;
    let r = await post(path, { q: 'danger', answer: 'none', go: 'next' });
    assert.equal(r.status, 200);
    assert.match(r.text, /name="a.danger" value="none"/);
    assert.match(r.text, /name="q" value="who"/);
    r = await post(path, { 'a.danger': 'none', q: 'who', answer: 'self', go: 'next' });
    assert.match(r.text, /name="q" value="symptoms"/);
    const body = new URLSearchParams([['a.danger', 'none'], ['a.who', 'self'], ['q', 'symptoms'],
      ['answer', 'fever'], ['answer', 'cough'], ['go', 'next']]);
    const multi = await srv.fetch(path, { method: 'POST', body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: new URL(srv.url('/')).origin } });
    const mt = await multi.text();
    assert.match(mt, /name="a.symptoms" value="fever"/);
    assert.match(mt, /name="a.symptoms" value="cough"/);
    assert.match(mt, /name="q" value="age"/);
    r = await post(path, { 'a.danger': 'breathing', go: 'next' });
    assert.match(r.text, /class="tree-result tree-emergency"/);
    assert.match(r.text, /href="tel:112"/);
    assert.doesNotMatch(r.text, /name="q" value=/); // no question left (the FAQ box at the foot has its own q)
    const back = await post(path, { 'a.danger': 'none', 'a.who': 'self', go: 'back' });
    assert.match(back.text, /name="q" value="who"/);
    assert.doesNotMatch(back.text, /name="a.who"/);
    const restart = await post(path, { 'a.danger': 'none', 'a.who': 'self', go: 'restart' });
    assert.match(restart.text, /name="q" value="danger"/);
    assert.doesNotMatch(restart.text, /name="a\./);
  });

  it('asks again, saying why, when an answer is missing or wrong; refuses tampered answers', async () => {
    const path = `/trees/${SAMPLE}?lang=fa`;
    const none = await post(path, { 'a.danger': 'none', q: 'who', go: 'next' });
    assert.equal(none.status, 400);
    assert.match(none.text, /name="q" value="who"/);
    assert.match(none.text, /role="alert"/);
    const base = { 'a.danger': 'none', 'a.who': 'self', 'a.symptoms': 'fever' };
    const age = await post(path, { ...base, q: 'age', answer: 'صد و بیست', go: 'next' });
    assert.equal(age.status, 400);
    assert.match(age.text, /name="q" value="age"/);
    const persian = await post(path, { ...base, q: 'age', answer: '۷۰', go: 'next' });
    assert.equal(persian.status, 200);
    assert.match(persian.text, /name="a.age" value="70"/);
    const tampered = await post(path, { 'a.danger': 'none', 'a.need': 'info', q: 'who', answer: 'self' });
    assert.equal(tampered.status, 400);
    assert.match(tampered.text, /شروع دوباره/);
    assert.match(tampered.type, /^text\/html/);
  });

  it('escapes what editors wrote', async () => {
    const id = 'escape-check';
    const t = small(id, { title: '<script>alert(1)</script>', nodes: small(id).nodes.map((n) =>
      n.id === 'q1' ? { ...n, options: [{ label: '<img src=x onerror=alert(1)>', value: 'yes', next: 'wet' },
        { label: 'No', value: 'no', next: 'dry' }] } : n) });
    assert.equal((await call('POST', '/api/v1/trees', { body: t, who: 'editor' })).status, 201);
    assert.equal((await call('POST', `/api/v1/trees/${id}/publish?lang=en`, { who: 'editor' })).status, 200);
    const html = await (await srv.fetch(`/trees/${id}?lang=en`)).text();
    assert.ok(!html.includes('<script>alert'), 'title escaped');
    assert.ok(!html.includes('<img src=x'), 'label escaped');
    assert.ok(html.includes('&lt;script&gt;'));
  });
});
