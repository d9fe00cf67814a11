// malformed.test.mjs — requests no browser would send, over a bare socket: every one gets a
// clean 4xx with the JSON error body, nothing crashes, and the server stays healthy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startServer, STORE } from './lib/server.mjs';

const BODY_MAX = 1024;

describe(`malformed HTTP [${STORE}]`, () => {
  let srv, health;
  before(async () => {
    srv = await startServer({ args: ['--body-max', String(BODY_MAX)] });
    health = (await srv.request('GET', '/healthz')).json;
  });
  after(async () => {
    // Whatever was sent, the store is as it was and the server is alive.
    const r = await srv.request('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, health);
    await srv.stop();
  });

  it(`two Content-Length headers are 400 [${STORE}]`, async () => {
    const r = await srv.raw('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx');
    assertError(r, 400, 'bad_request', 'duplicate Content-Length');
    const r2 = await srv.raw('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\ncontent-length: 5\r\n\r\nhello');
    assertError(r2, 400, 'bad_request', 'conflicting Content-Length');
  });

  it(`Content-Length together with Transfer-Encoding is 400 [${STORE}]`, async () => {
    const r = await srv.raw('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assertError(r, 400, 'bad_request', 'CL+TE');
    const r2 = await srv.raw('GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n');
    assertError(r2, 400, 'bad_request', 'TE+CL');
  });

  it(`an HTTP/1.1 request without Host is 400, and with two Hosts too [${STORE}]`, async () => {
    assertError(await srv.raw('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'bad_request', 'no Host');
    assertError(await srv.raw('GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n'), 400, 'bad_request', 'two Hosts');
  });

  it(`an HTTP/1.0 request needs no Host [${STORE}]`, async () => {
    const r = await srv.raw('GET /healthz HTTP/1.0\r\n\r\n');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'ok');
  });

  it(`a Content-Length that is not a number is 400 [${STORE}]`, async () => {
    for (const cl of ['-1', 'abc', '1x', '99999999999999999999999']) {
      const r = await srv.raw(`GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: ${cl}\r\nConnection: close\r\n\r\n`);
      assert.ok(r.status === 400 || r.status === 413, `Content-Length: ${cl} → ${r.status}`);
    }
  });

  it(`invalid UTF-8 or NUL in the path or query is 400 bad_utf8 [${STORE}]`, async () => {
    for (const target of ['/api/v1/%ff', '/%c3%28', '/a%00b', '/healthz?q=%ff%fe', '/healthz?%c0%af=1', '/api/v1/config?x=%00']) {
      const r = await srv.raw(`GET ${target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      assertError(r, 400, 'bad_utf8', target);
    }
    const raw = Buffer.concat([Buffer.from('GET /caf'), Buffer.from([0xe9]), Buffer.from(' HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')]);
    const r = await srv.raw(raw);
    assert.equal(r.status, 400, 'a raw Latin-1 byte in the path');
  });

  it(`valid UTF-8 in the path and query is fine [${STORE}]`, async () => {
    const r = await srv.request('GET', `/healthz?q=${encodeURIComponent('کمک')}`);
    assert.equal(r.status, 200);
  });

  it(`a body announced over --body-max is 413 before the body is sent [${STORE}]`, async () => {
    const c = srv.connect();
    try {
      await c.write('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 1073741824\r\n\r\n');
      const r = await c.next(10000);
      assertError(r, 413, 'payload_too_large', 'huge Content-Length');
      assert.equal(r.headers.connection, 'close', 'the unread body makes the connection unusable');
      assert.ok(await c.closed(10000), 'the server closes the connection');
    } finally {
      c.close();
    }
  });

  it(`a body one byte over --body-max is 413, at the limit it is read [${STORE}]`, async () => {
    const over = await srv.raw(`GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: ${BODY_MAX + 1}\r\nConnection: close\r\n\r\n`);
    assertError(over, 413, 'payload_too_large', 'one over');
    const at = await srv.raw(`GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: ${BODY_MAX}\r\nConnection: close\r\n\r\n${'x'.repeat(BODY_MAX)}`);
    assert.equal(at.status, 200, 'a body at the limit is accepted');
  });

  it(`a chunked body that grows over --body-max is 413 [${STORE}]`, async () => {
    const chunk = 'y'.repeat(600);
    const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`;
    const r = await srv.raw(`GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body}`);
    assertError(r, 413, 'payload_too_large', 'chunked over the limit');
  });

  it(`a static path with a huge announced body is 413 before the body is sent [${STORE}]`, async () => {
    const r = await srv.raw('GET /index.html HTTP/1.1\r\nHost: t\r\nContent-Length: 1073741824\r\n\r\n', { timeoutMs: 3000 });
    assertError(r, 413, 'payload_too_large', 'static + huge Content-Length');
  });

  it(`garbage instead of a request line gets a 4xx or a closed connection, never a crash [${STORE}]`, async () => {
    for (const junk of ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\nHost: t\r\n\r\n', 'GET / HTTP/1.1\r\nHost t\r\n\r\n', ' / HTTP/1.1\r\n\r\n']) {
      const c = srv.connect();
      try {
        await c.write(junk);
        const r = await c.next(5000).catch(() => null);
        if (r) assert.ok(r.status >= 400 && r.status < 500 || r.status === 505, `${JSON.stringify(junk)} → ${r.status}`);
        else assert.ok(await c.closed(5000), `${JSON.stringify(junk)}: no answer and the connection stays open`);
      } finally {
        c.close();
      }
    }
  });

  it(`a header block over the server's buffer is refused [${STORE}]`, async () => {
    const r = await srv.raw(`GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(100000)}\r\nConnection: close\r\n\r\n`).catch(() => null);
    if (r) assert.ok(r.status === 431 || r.status === 413 || r.status === 400, `status ${r.status}`);
    const ok = await srv.request('GET', '/healthz');
    assert.equal(ok.status, 200);
  });
});
