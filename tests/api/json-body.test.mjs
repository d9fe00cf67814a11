// json-body.test.mjs — bad bodies on a route that takes JSON: malformed JSON (400 bad_json),
// invalid UTF-8 (400 bad_utf8), a wrong Content-Type (415), a body over --body-max (413, sent or
// only announced). Each with the JSON error body, and the server unharmed afterwards.
//
// The route is the first one in `hamyari routes` whose body is "json" or "json+form"; without
// one, the tests are skipped with a message.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, assertSecurityHeaders, jsonRoute, startServer, STORE } from './lib/server.mjs';

const BODY_MAX = 2048;
const route = jsonRoute();
const NO_ROUTE = 'no route takes a JSON body yet (hamyari routes lists none with body "json" or "json+form")';

describe(`JSON bodies${route ? ` on ${route.method} ${route.path}` : ''} [${STORE}]`, () => {
  let srv, health;
  before(async () => {
    if (!route) return;
    srv = await startServer({ args: ['--body-max', String(BODY_MAX)] });
    health = (await srv.request('GET', '/healthz')).json;
  });
  after(async () => {
    if (!srv) return;
    const r = await srv.request('GET', '/healthz');
    assert.deepEqual(r.json, health, 'the server and its store are unchanged');
    await srv.stop();
  });

  const send = (body, headers = {}) => srv.request(route.method, route.url, { raw: body, headers: { 'content-type': 'application/json', ...headers } });
  const cases = [
    ['malformed JSON is 400 bad_json', async () => {
      for (const body of ['{', '{"a":', '{"a":1,}', "{'a':1}", 'nul', '{"a":1}{"b":2}', '{"a":1,"a":2}']) {
        const r = await send(body);
        assertError(r, 400, 'bad_json', JSON.stringify(body));
        assertSecurityHeaders(r.headers, 'bad_json');
      }
    }],
    ['a JSON value that is not an object is 400 bad_json', async () => {
      for (const body of ['[]', '"text"', '42', 'null', 'true']) assertError(await send(body), 400, 'bad_json', body);
    }],
    ['invalid UTF-8 in the body is 400 bad_utf8', async () => {
      for (const bytes of [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]]) {
        const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
        assertError(await send(body), 400, 'bad_utf8', Buffer.from(bytes).toString('hex'));
      }
    }],
    ['a wrong or missing Content-Type is 415', async () => {
      for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/json-patch+json']) {
        assertError(await send('{}', { 'content-type': ct }), 415, 'unsupported_media_type', ct);
      }
      const r = await srv.raw(`${route.method} ${route.url} HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      assertError(r, 415, 'unsupported_media_type', 'no Content-Type');
      if (route.body !== 'json+form') assertError(await send('a=b', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type', 'form on a JSON-only route');
    }],
    ['Content-Type parameters and case are accepted', async () => {
      for (const ct of ['application/json; charset=utf-8', 'Application/JSON']) {
        const r = await send('{', { 'content-type': ct });
        assertError(r, 400, 'bad_json', `${ct} reached the JSON parser`);
      }
    }],
    ['a body over --body-max is 413', async () => {
      const big = JSON.stringify({ pad: 'x'.repeat(BODY_MAX) });
      assertError(await send(big), 413, 'payload_too_large', 'sent');
    }],
    ['a body announced over --body-max is 413 before it is sent', async () => {
      const c = srv.connect();
      try {
        await c.write(`${route.method} ${route.url} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n`);
        const r = await c.next(10000);
        assertError(r, 413, 'payload_too_large', 'announced');
        assert.ok(await c.closed(10000), 'the connection is closed');
      } finally {
        c.close();
      }
    }],
  ];

  for (const [name, fn] of cases) {
    it(`${name} [${STORE}]`, async (t) => {
      if (!route) { t.skip(NO_ROUTE); return; }
      await fn();
    });
  }
});
