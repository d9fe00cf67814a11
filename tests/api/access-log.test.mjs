// access-log.test.mjs — one line per request on stderr: `http METHOD PATH STATUS BYTES
// MICROSECONDS`, never a query string, a header value or a body (they can hold personal data).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACCESS_RE, jsonRoute, startServer, STORE } from './lib/server.mjs';

const PHONE = '+989121234567';

describe(`access log [${STORE}]`, () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv?.stop(); });

  it(`each request gets one line: method, path, status, bytes, microseconds [${STORE}]`, async () => {
    const from = srv.lines.length;
    const r = await srv.request('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(await srv.waitForAccess('GET', '/healthz', from), 200);
    const lines = srv.lines.slice(from).filter((l) => / http /.test(l));
    assert.equal(lines.length, 1, lines.join('\n'));
    const m = lines[0].match(ACCESS_RE);
    assert.ok(m, lines[0]);
    assert.equal(m[1], 'GET');
    assert.equal(m[2], '/healthz');
    assert.equal(Number(m[3]), 200);
    assert.equal(Number(m[4]), Buffer.byteLength(r.text), 'BYTES is the body size');
    assert.ok(Number(m[5]) >= 0);
    assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info http /, 'timestamped info line');
  });

  it(`errors are logged with their status [${STORE}]`, async () => {
    let from = srv.lines.length;
    await srv.request('GET', '/api/v1/missing');
    assert.equal(await srv.waitForAccess('GET', '/api/v1/missing', from), 404);
    from = srv.lines.length;
    await srv.request('DELETE', '/healthz');
    assert.equal(await srv.waitForAccess('DELETE', '/healthz', from), 405);
  });

  it(`a query string never reaches the log [${STORE}]`, async () => {
    const from = srv.lines.length;
    const q = `?phone=${encodeURIComponent(PHONE)}&name=${encodeURIComponent('مریم')}`;
    await srv.request('GET', `/healthz${q}`);
    await srv.request('GET', `/api/v1/missing${q}`);
    await srv.request('GET', `/no-such-page${q}`);
    assert.equal(await srv.waitForAccess('GET', '/no-such-page', from), 404);
    const text = srv.lines.slice(from).join('\n');
    for (const needle of ['phone', '989121234567', '%2B98', 'name=', 'مریم', '?']) {
      assert.ok(!text.includes(needle), `the log holds '${needle}':\n${text}`);
    }
    assert.ok(srv.accessLog().some((a) => a.path === '/healthz' && a.status === 200));
  });

  it(`header values and bodies never reach the log [${STORE}]`, async () => {
    const from = srv.lines.length;
    const secret = `secret-${PHONE}`;
    await srv.request('GET', '/healthz', { headers: { authorization: `Bearer ${secret}`, cookie: `s=${secret}`, 'x-phone': PHONE } });
    const route = jsonRoute();
    const path = route ? route.url : '/healthz';
    const method = route ? route.method : 'GET';
    await srv.raw(`${method} ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(`{"phone":"${PHONE}"}`)}\r\nConnection: close\r\n\r\n{"phone":"${PHONE}"}`);
    await srv.waitForAccess(method, path, from);
    const text = srv.lines.slice(from).join('\n');
    assert.ok(!text.includes('989121234567'), `the log holds the phone number:\n${text}`);
    assert.ok(!text.includes('secret-'), `the log holds a header value:\n${text}`);
  });

  it(`control characters in a path are not written raw [${STORE}]`, async () => {
    const from = srv.lines.length;
    const r = await srv.raw('GET /x%0d%0afake%20line HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 404);
    await srv.waitForLog(/ http GET \/x/, 10000, from);
    const text = srv.lines.slice(from).join('\n');
    assert.ok(!srv.lines.slice(from).some((l) => l.startsWith('fake line')), `a forged log line:\n${text}`);
  });
});
