// health.test.mjs — /healthz, /api/v1/config, unknown routes (404), wrong methods (405 + Allow),
// 401 with WWW-Authenticate, Accept (406), and the security headers on every kind of answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertError, assertSecurityHeaders, ROOT, runCli, startServer, STORE } from './lib/server.mjs';
import { sql } from './lib/accounts.mjs';

describe(`health and routing [${STORE}]`, () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  it(`GET /healthz reports ok, the ${STORE} store, its schema version and the program version [${STORE}]`, async () => {
    const r = await srv.request('GET', '/healthz');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.json.status, 'ok');
    assert.equal(r.json.store, STORE);
    assert.ok(Number.isInteger(r.json.schema_version) && r.json.schema_version >= 1, r.text);
    assert.ok(['loaded', 'empty'].includes(r.json.gazetteer), r.text);
    const v = await runCli(['--version']);
    assert.equal(`hamyari ${r.json.version}`, v.stdout.trim());
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  it(`a store without a gazetteer: said at start in the log and on /healthz; after an import another process on the same store reports it [${STORE}]`, async () => {
    assert.match(srv.stderr(), /gazetteer: empty: place names typed in the help form are not resolved/);
    assert.equal((await srv.request('GET', '/healthz')).json.gazetteer, 'empty');
    const imp = await runCli(['import', 'places', '--db', srv.dbUrl, join(ROOT, 'tests/fixtures/places-small.tsv')]);
    assert.equal(imp.code, 0, imp.stderr);
    const second = await startServer({ db: srv.dbUrl });
    try {
      assert.match(second.stderr(), /gazetteer: \d+ places/);
      const r = await second.request('GET', '/healthz');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.gazetteer, 'loaded');
    } finally {
      await second.stop();
    }
  });

  it(`HEAD /healthz answers 200 with no body [${STORE}]`, async () => {
    const r = await srv.http('/healthz', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assertSecurityHeaders(r.headers, 'HEAD /healthz');
  });

  it(`GET /api/v1/config describes languages and tiles [${STORE}]`, async () => {
    const r = await srv.request('GET', '/api/v1/config');
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.version, 'string');
    assert.ok(Array.isArray(r.json.languages) && r.json.languages.includes('fa') && r.json.languages.includes('en'), r.text);
    assert.ok(r.json.languages.includes(r.json.default_language), r.text);
    assert.equal(r.json.tiles, null, 'no tiles were configured');
  });

  it(`GET /tiles/{z}/{x}/{y} without tiles configured is a JSON 404 [${STORE}]`, async () => {
    assertError(await srv.request('GET', '/tiles/1/0/0'), 404, 'not_found', 'tile');
  });

  it(`an unknown API route is a JSON 404 [${STORE}]`, async () => {
    for (const path of ['/api/v1/nothing-here', '/api/v1', '/api', '/api/v2/config', '/healthz/extra']) {
      const r = await srv.request('GET', path);
      if (path.startsWith('/api')) assertError(r, 404, 'not_found', path);
      else assert.equal(r.status, 404, path);
      assertSecurityHeaders(r.headers, `404 ${path}`);
    }
  });

  it(`an unknown route with another method is a JSON 404 too [${STORE}]`, async () => {
    for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      assertError(await srv.request(m, '/api/v1/nothing-here'), 404, 'not_found', `${m} unknown`);
    }
  });

  it(`a wrong method is 405 with an Allow header and the JSON error body [${STORE}]`, async () => {
    for (const [m, path] of [['POST', '/healthz'], ['DELETE', '/healthz'], ['PUT', '/api/v1/config'], ['PATCH', '/api/v1/config'], ['POST', '/tiles/1/2/3']]) {
      const r = await srv.request(m, path);
      assertError(r, 405, 'method_not_allowed', `${m} ${path}`);
      const allow = (r.headers.get('allow') || '').split(/,\s*/);
      assert.ok(allow.includes('GET'), `${m} ${path}: Allow ${r.headers.get('allow')}`);
      assert.ok(!allow.includes(m), `${m} ${path}: Allow must not list ${m}`);
      assertSecurityHeaders(r.headers, `405 ${m} ${path}`);
    }
  });

  it(`an unknown method is 405 with an Allow header [${STORE}]`, async () => {
    const r = await srv.raw('BREW /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assertError(r, 405, 'method_not_allowed', 'BREW');
    assert.ok(r.headers.allow, 'Allow header');
  });

  it(`a 401 says how to authenticate (WWW-Authenticate) [${STORE}]`, async () => {
    const r = await srv.request('GET', '/api/v1/me');
    assertError(r, 401, 'unauthorized', 'GET /api/v1/me');
    assert.equal(r.headers.get('www-authenticate'), 'Bearer realm="hamyari"');
    const ok = await srv.request('GET', '/healthz');
    assert.equal(ok.headers.get('www-authenticate'), null);
  });

  it(`an Accept header that admits no answer of the endpoint is a 406 [${STORE}]`, async () => {
    for (const accept of ['application/xml', 'text/html', 'application/json;q=0, */*', 'image/*']) {
      const r = await srv.request('GET', '/api/v1/config', { headers: { accept } });
      assertError(r, 406, 'not_acceptable', `Accept: ${accept}`);
      assertSecurityHeaders(r.headers, `406 ${accept}`);
    }
    for (const accept of ['application/json', 'application/*', '*/*', 'text/html, */*;q=0.1', 'application/json; charset=utf-8', 'APPLICATION/JSON']) {
      assert.equal((await srv.request('GET', '/api/v1/config', { headers: { accept } })).status, 200, accept);
    }
    // An answer of another type (the sitemap is XML) is acceptable as such.
    assert.equal((await srv.request('GET', '/sitemap.xml', { headers: { accept: 'application/xml' } })).status, 200);
    // Errors are sent as they are; HEAD is checked as GET.
    assertError(await srv.request('GET', '/api/v1/me', { headers: { accept: 'application/xml' } }), 401, 'unauthorized');
    assert.equal((await srv.http('/healthz', { method: 'HEAD', headers: { accept: 'text/csv' } })).status, 406);
  });

  it(`a write whose answer would not be acceptable is refused before it changes anything [${STORE}]`, async () => {
    const body = { name: 'Accept test', phone: '09121234567', address: 'Somewhere 1', kind: 'other', consent: true };
    const r = await srv.request('POST', '/api/v1/requests', { body, headers: { accept: 'application/xml' } });
    assertError(r, 406, 'not_acceptable', 'POST with Accept: application/xml');
    // A form post answers with a page: text/html is acceptable for it, not for JSON.
    const form = new URLSearchParams({ ...body, consent: 'on' }).toString();
    const f = await srv.fetch('/api/v1/requests', {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: srv.base },
    });
    assert.equal(f.status, 303);
    const code = new URL(f.headers.get('location'), srv.base).searchParams.get('code');
    const j = await srv.request('POST', '/api/v1/requests', { body, headers: { accept: 'text/html' } });
    assertError(j, 406, 'not_acceptable', 'JSON post with Accept: text/html');
    // Only the form post made a request.
    assert.equal((await srv.fetch(`/api/v1/requests/sent?code=${code}`)).status, 200);
    assert.deepEqual(sql(srv, 'SELECT tracking_code FROM help_requests'), [[code]]);
  });

  it(`security headers are on API answers, errors and static files [${STORE}]`, async () => {
    assertSecurityHeaders((await srv.fetch('/healthz')).headers, '/healthz');
    assertSecurityHeaders((await srv.fetch('/api/v1/config')).headers, '/api/v1/config');
    assertSecurityHeaders((await srv.fetch('/api/v1/none')).headers, '404');
    assertSecurityHeaders((await srv.fetch('/healthz', { method: 'POST' })).headers, '405');
    const bad = await srv.raw('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(bad.status, 400);
    assertSecurityHeaders(bad.headers, '400 no Host');
    const st = await srv.fetch('/locales/en.json');
    if (st.status === 200) assertSecurityHeaders(st.headers, 'static /locales/en.json');
  });
});
