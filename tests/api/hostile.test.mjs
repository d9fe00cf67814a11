// hostile.test.mjs — issue 9: requests an attacker would send, over bare sockets. Each is
// answered with a 4xx (or 505) or the connection is closed; the server never crashes and
// /healthz answers after every one. Then slow clients: 300 connections dribbling their headers
// and 100 dribbling a body while /healthz is measured (its p99 is printed), the server closing
// them once they fall idle for --conn-timeout; and the per-address connection limit.
//
// Figures go to stdout as "hostile: …" lines (the test command keeps them in its log).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer, STORE } from './lib/server.mjs';

const S = `[${STORE}]`;
const CONN_TIMEOUT = 2; // seconds: --conn-timeout of the servers below

/** Sends `data` on a fresh connection and returns { status, text } of the first answer, or
 *  { closed: true } when the server closes the connection without one. Never hangs: after
 *  timeoutMs without an answer or a close it returns { open: true }. */
async function attempt(srv, data, timeoutMs = (CONN_TIMEOUT + 3) * 1000) {
  const c = srv.connect();
  try {
    await c.write(data).catch(() => {});
    try {
      const r = await c.next(timeoutMs);
      return { status: r.status, text: r.text, headers: r.headers, conn: c };
    } catch {
      return c.ended ? { closed: true } : { open: true };
    }
  } finally {
    c.close();
  }
}

function assertRefused(r, what) {
  if (r.closed) return;
  assert.ok(!r.open, `${what}: neither answered nor closed`);
  assert.ok((r.status >= 400 && r.status < 500) || r.status === 505, `${what}: answered ${r.status} ${r.text?.slice(0, 200)}`);
}

// On a fresh connection: the servers here close idle keep-alive connections after
// --conn-timeout, and a pooled connection reused at that moment would fail for that reason alone.
async function healthy(srv, what) {
  const r = await attempt(srv, 'GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
  assert.equal(r.status, 200, `/healthz after ${what}: ${r.status}`);
  assert.equal(srv.exitCode, undefined, `the server exited after ${what}`);
}

const POST = (extra, body = '') =>
  `POST /api/v1/volunteers HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n${extra}\r\n${body}`;

describe(`hostile HTTP ${S}`, () => {
  let srv;
  before(async () => {
    srv = await startServer({ args: ['--conn-timeout', String(CONN_TIMEOUT), '--per-ip-limit', '1000', '--body-max', '64k', '--rate-form-ip', '100000'] });
  });
  after(async () => {
    if (!srv) return;
    await healthy(srv, 'everything');
    const r = await srv.stop(); // asserts exit code 0 on SIGTERM
    assert.equal(r.signal, null);
  });

  it(`NUL in the path: %00 is 400, a raw NUL byte is refused ${S}`, async () => {
    for (const target of ['/healthz%00', '/api/v1/config%00x', '/%00']) {
      const r = await attempt(srv, `GET ${target} HTTP/1.1\r\nHost: t\r\n\r\n`);
      assert.equal(r.status, 400, `${target}: ${r.status}`);
      await healthy(srv, target);
    }
    // A raw NUL where the truncated path is no route: refused either way.
    const r = await attempt(srv, Buffer.concat([Buffer.from('GET /a'), Buffer.from([0]), Buffer.from('b HTTP/1.1\r\nHost: t\r\n\r\n')]));
    assertRefused(r, 'raw NUL in /a\\0b');
    await healthy(srv, 'raw NUL');
  });

  // libmicrohttpd 0.9.75 hands the path and header values on as C strings, so a raw NUL byte
  // would end them early: "GET /healthz<NUL>junk" would be served as /healthz. The server spots
  // a NUL in the request target (src/http/server.c, uri_seen) and refuses it.
  it(`a raw NUL byte in the request target is refused ${S}`, async () => {
    const r1 = await attempt(srv, Buffer.concat([Buffer.from('GET /healthz'), Buffer.from([0]), Buffer.from('x HTTP/1.1\r\nHost: t\r\n\r\n')]));
    assertRefused(r1, 'raw NUL after /healthz');
    const r3 = await attempt(srv, Buffer.concat([Buffer.from('GET /api/v1/config'), Buffer.from([0]), Buffer.from('?a=1 HTTP/1.1\r\nHost: t\r\n\r\n')]));
    assertRefused(r3, 'raw NUL before a query string');
    // A query string and encoded characters are not mistaken for one.
    const ok = await attempt(srv, 'GET /healthz?x=%41&y=2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    assert.equal(ok.status, 200);
  });

  // A NUL inside a header value ("Content-Length: 0<NUL>5" is read as 0) is not spotted yet:
  // libmicrohttpd reports the truncated length. It cannot crash anything; nginx in front refuses
  // such requests (docs/deploy.md).
  it(`a raw NUL byte in a header value is refused ${S}`, { todo: 'libmicrohttpd 0.9.75 reports header values cut at a NUL' }, async () => {
    const r2 = await attempt(srv, Buffer.concat([Buffer.from('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0'), Buffer.from([0]), Buffer.from('5\r\n\r\n')]));
    assertRefused(r2, 'raw NUL in Content-Length');
  });

  it(`bare LF line endings are read as CRLF (RFC 9112 §2.2) or refused, never mixed up ${S}`, async () => {
    for (const req of ['GET /healthz HTTP/1.1\nHost: t\n\n', 'GET /healthz HTTP/1.1\r\nHost: t\nX-A: b\r\n\r\n']) {
      const r = await attempt(srv, req);
      if (r.status === 200) assert.match(r.text, /"status":"ok"/);
      else assertRefused(r, JSON.stringify(req));
    }
    // A bare-LF request that hides a second Content-Length must not slip through.
    const r = await attempt(srv, POST('Content-Length: 2\nContent-Length: 40\n', '{}'));
    if (!r.closed) assert.ok(r.status >= 400 && r.status < 500, `hidden second Content-Length: ${r.status}`);
    await healthy(srv, 'bare LF');
  });

  it(`duplicate Content-Length, Content-Length with Transfer-Encoding, no Host ${S}`, async () => {
    assertRefused(await attempt(srv, POST('Content-Length: 2\r\nContent-Length: 2\r\n', '{}')), 'two equal CL');
    assertRefused(await attempt(srv, POST('Content-Length: 2\r\nContent-Length: 3\r\n', '{} ')), 'two CL');
    assertRefused(await attempt(srv, POST('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n')), 'CL+TE');
    assertRefused(await attempt(srv, POST('Transfer-Encoding: gzip\r\n')), 'TE gzip');
    assertRefused(await attempt(srv, 'GET /healthz HTTP/1.1\r\n\r\n'), 'no Host');
    await healthy(srv, 'framing');
  });

  it(`negative, non-numeric, 2^64 and larger Content-Length ${S}`, async () => {
    const values = ['-1', '-0', '+5', '0x10', '1 2', '', 'abc', '5abc', '1e3',
      '18446744073709551615', '18446744073709551616', '184467440737095516160', '9'.repeat(200)];
    for (const v of values) {
      const r = await attempt(srv, POST(`Content-Length: ${v}\r\n`, '{}'));
      assertRefused(r, `Content-Length: ${v}`);
      if (!r.closed && /^\d+$/.test(v) && v.length > 15) assert.equal(r.status, 413, `Content-Length: ${v}`);
    }
    for (const size of ['FFFFFFFFFFFFFFFFFF', 'zz', '-1']) {
      const r = await attempt(srv, POST('Transfer-Encoding: chunked\r\n', `${size}\r\n`));
      assertRefused(r, `chunk size ${size}`);
    }
    await healthy(srv, 'sizes');
  });

  it(`an oversized body (announced or chunked) is 413 ${S}`, async () => {
    const big = 'x'.repeat(70 * 1024);
    assertRefused(await attempt(srv, POST(`Content-Length: ${big.length}\r\n`, big)), 'oversized body');
    assert.equal((await attempt(srv, POST(`Content-Length: ${big.length}\r\n`))).status, 413);
    const chunk = 'y'.repeat(8192);
    let body = '';
    for (let i = 0; i < 10; i++) body += `2000\r\n${chunk}\r\n`;
    const r = await attempt(srv, POST('Transfer-Encoding: chunked\r\n', `${body}0\r\n\r\n`));
    assert.equal(r.status, 413, `chunked over the cap: ${r.status}`);
    await healthy(srv, 'oversized');
  });

  it(`obs-fold header lines are refused or folded, never a second header ${S}`, async () => {
    const r1 = await attempt(srv, 'GET /healthz HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n b\r\n\r\n');
    assert.ok(r1.closed || r1.status === 200 || r1.status === 400, `folded X- header: ${r1.status}`);
    // A folded Content-Length must not frame a body the server then reads as a request.
    const r2 = await attempt(srv, POST('Content-Length:\r\n 2\r\n', '{}'));
    assertRefused(r2, 'folded Content-Length');
    const r3 = await attempt(srv, 'GET /healthz HTTP/1.1\r\nHost: t\r\n Host: u\r\n\r\n');
    assert.ok(r3.closed || r3.status === 200 || r3.status === 400, `folded Host: ${r3.status}`);
    await healthy(srv, 'obs-fold');
  });

  it(`a request line or a header line over the limit is 414/431 or closed ${S}`, async () => {
    const r1 = await attempt(srv, `GET /${'a'.repeat(100000)} HTTP/1.1\r\nHost: t\r\n\r\n`);
    assertRefused(r1, 'long request line');
    const r2 = await attempt(srv, `GET /healthz HTTP/1.1\r\nHost: t\r\nX-Long: ${'b'.repeat(100000)}\r\n\r\n`);
    assertRefused(r2, 'long header line');
    let many = 'GET /healthz HTTP/1.1\r\nHost: t\r\n';
    for (let i = 0; i < 5000; i++) many += `X-${i}: v\r\n`;
    assertRefused(await attempt(srv, `${many}\r\n`), '5000 header lines');
    // The path limit of the server itself (2048 bytes), under the buffer limit.
    assert.equal((await attempt(srv, `GET /${'c'.repeat(3000)} HTTP/1.1\r\nHost: t\r\n\r\n`)).status, 400);
    await healthy(srv, 'long lines');
  });

  it(`HTTP/0.9, HTTP/2.0 and unknown versions are refused; HTTP/1.x works ${S}`, async () => {
    for (const req of ['GET /healthz\r\n\r\n', 'GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n', 'GET /healthz HTTP/3\r\nHost: t\r\n\r\n',
      'GET /healthz FOO/1.1\r\nHost: t\r\n\r\n', 'GET /healthz HTTP/1.1 extra\r\nHost: t\r\n\r\n', 'GET  /healthz  HTTP/1.1\r\nHost: t\r\n\r\n',
      '\r\n\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']) {
      const r = await attempt(srv, req);
      if (r.status === 200) assert.match(req, /HTTP\/1\.\d/, `${JSON.stringify(req)} was answered 200`);
      else assertRefused(r, JSON.stringify(req));
    }
    await healthy(srv, 'versions');
  });

  it(`requests pipelined after an error are not answered on that connection ${S}`, async () => {
    const smuggled = 'GET /api/v1/config HTTP/1.1\r\nHost: t\r\n\r\n';
    for (const first of [
      'GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx',
      'GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      POST(`Content-Length: ${1 << 30}\r\n`),
    ]) {
      const c = srv.connect();
      try {
        await c.write(first + smuggled);
        const r = await c.next(5000);
        assert.ok(r.status >= 400 && r.status < 500, `first answer ${r.status}`);
        assert.equal(r.headers.connection, 'close', 'the error closes the connection');
        assert.ok(await c.closed(5000), 'the connection is closed');
        assert.equal(c.buf.length, 0, `bytes after the error: ${c.buf.toString('latin1').slice(0, 100)}`);
      } finally {
        c.close();
      }
    }
    // After a clean 4xx without a body the next request is either answered in order or the
    // connection is closed (libmicrohttpd closes after an answer queued before the request's
    // end): never anything in between.
    const c = srv.connect();
    try {
      await c.write(`GET /api/nothing HTTP/1.1\r\nHost: t\r\n\r\n${smuggled}`);
      assert.equal((await c.next(5000)).status, 404);
      const second = await c.next(5000).catch(() => null);
      if (second) assert.equal(second.status, 200);
      else assert.ok(await c.closed(5000));
    } finally {
      c.close();
    }
    await healthy(srv, 'pipelining');
  });

  it(`300 slow-header and 100 slow-body clients: /healthz keeps answering; idle ones are closed ${S}`, async () => {
    const SLOW_HEADERS = 300, SLOW_BODIES = 100, DRIBBLE_MS = 400, PROBES = 500;
    const head = 'GET /healthz HTTP/1.1\r\nHost: t\r\nUser-Agent: slowloris\r\nX-Padding: ' + 'p'.repeat(200);
    const bodyHead = 'POST /api/v1/volunteers HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"';
    const socks = [];
    const open = (prefix, dribble) => new Promise((res) => {
      const s = net.connect(srv.port, '127.0.0.1');
      const st = { s, closedAt: 0, dribble, i: 0, timer: null };
      s.on('error', () => {});
      s.on('close', () => { st.closedAt = Date.now(); clearInterval(st.timer); });
      s.on('data', () => {});
      s.once('connect', () => {
        if (prefix) s.write(prefix);
        st.timer = setInterval(() => { if (!s.destroyed) s.write(st.dribble[st.i++ % st.dribble.length]); }, DRIBBLE_MS);
        res(st);
      });
    });
    for (let i = 0; i < SLOW_HEADERS; i++) socks.push(await open('', head));
    for (let i = 0; i < SLOW_BODIES; i++) socks.push(await open(bodyHead, 'x'));

    // Measure /healthz on fresh connections while the slow clients hold theirs.
    const lat = [];
    const agent = new http.Agent({ keepAlive: false });
    let failures = 0;
    for (let i = 0; i < PROBES; i++) {
      const s = process.hrtime.bigint();
      const status = await new Promise((res) => {
        const req = http.get({ host: '127.0.0.1', port: srv.port, path: '/healthz', agent }, (r) => { r.resume(); r.on('end', () => res(r.statusCode)); });
        req.on('error', () => res(0));
        req.setTimeout(5000, () => req.destroy());
      });
      lat.push(Number(process.hrtime.bigint() - s) / 1e6);
      if (status !== 200) failures++;
    }
    const stillOpen = socks.filter((x) => !x.closedAt).length;
    lat.sort((a, b) => a - b);
    const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(2);
    console.log(`hostile ${S}: /healthz under ${SLOW_HEADERS} slow-header + ${SLOW_BODIES} slow-body connections: ` +
      `${lat.length} requests, ${failures} failed, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${lat[lat.length - 1].toFixed(2)} ms; ` +
      `${stillOpen} of ${socks.length} slow connections still open while dribbling`);
    assert.equal(failures, 0, '/healthz failed under the slow-client attack');

    // While they dribble faster than --conn-timeout the server keeps them (the timeout is an
    // idle timeout). Once they fall silent, every one is closed within the timeout.
    const silentAt = Date.now();
    for (const x of socks) clearInterval(x.timer);
    const deadline = silentAt + (CONN_TIMEOUT + 4) * 1000;
    while (Date.now() < deadline && socks.some((x) => !x.closedAt)) await new Promise((r) => setTimeout(r, 100));
    const open2 = socks.filter((x) => !x.closedAt).length;
    const closeMs = socks.filter((x) => x.closedAt >= silentAt).map((x) => x.closedAt - silentAt).sort((a, b) => a - b);
    console.log(`hostile ${S}: after falling silent, ${socks.length - open2} of ${socks.length} slow connections closed by the server ` +
      `(slowest after ${closeMs.length ? closeMs[closeMs.length - 1] : 0} ms, --conn-timeout ${CONN_TIMEOUT} s)`);
    for (const x of socks) x.s.destroy();
    assert.equal(open2, 0, 'slow connections left open past --conn-timeout');
    await healthy(srv, 'slow clients');
  });
});

describe(`per-address connection limit ${S}`, () => {
  let srv;
  const LIMIT = 5;
  before(async () => {
    srv = await startServer({ args: ['--conn-timeout', '10', '--per-ip-limit', String(LIMIT)] });
  });
  after(async () => { if (srv) await srv.stop(); });

  it(`the (N+1)th concurrent connection from one address is refused; N are served ${S}`, async () => {
    const held = [];
    for (let i = 0; i < LIMIT; i++) {
      const c = srv.connect();
      await c.write('GET /healthz HTTP/1.1\r\nHost: t\r\n'); // headers never finished
      held.push(c);
    }
    await new Promise((r) => setTimeout(r, 200)); // let the server accept them all
    const extra = await attempt(srv, 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n', 3000);
    assert.ok(extra.closed || extra.status >= 400, `connection ${LIMIT + 1}: ${JSON.stringify(extra.status ?? extra)}`);
    // The held ones still work when they finish their request.
    await held[0].write('\r\n');
    assert.equal((await held[0].next(5000)).status, 200);
    for (const c of held) c.close();
    await new Promise((r) => setTimeout(r, 200));
    const again = await srv.request('GET', '/healthz');
    assert.equal(again.status, 200, 'a connection is accepted again once the others closed');
  });
});

describe(`a forged Host header never reaches the feed or the sitemap ${S}`, () => {
  let srv;
  const PUBLIC = 'https://help.example.org';
  before(async () => {
    srv = await startServer({ args: ['--demo', '--public-url', `${PUBLIC}/`] });
  });
  after(async () => { if (srv) await srv.stop(); });

  it(`with --public-url every link and id is under it, whatever Host says ${S}`, async () => {
    for (const path of ['/library.atom', '/library.atom?covid=true', '/sitemap.xml']) {
      const honest = (await srv.http(path)).body.toString('utf8');
      for (const host of ['evil.example', 'evil.example:8443', 'help.example.org.evil.example', '[::1]', 'a"b<c']) {
        const r = await srv.http(path, { headers: { host } });
        if (r.status !== 200) { assert.ok(r.status >= 400 && r.status < 500, `${path} Host ${host}: ${r.status}`); continue; }
        assert.equal(r.body.toString('utf8'), honest, `${path} with Host ${host}`);
      }
      const urls = [...honest.matchAll(/(?:href="|<loc>|<id>)([^"<]+)/g)].map((m) => m[1]);
      assert.ok(urls.length > 3, path);
      for (const u of urls) assert.ok(u.startsWith(`${PUBLIC}/`), `${path}: ${u}`);
    }
    const feed = (await srv.http('/library.atom?covid=true')).body.toString('utf8');
    assert.match(feed, /<id>https:\/\/help\.example\.org\/library\?covid=true<\/id>/);
    assert.match(feed, /<entry[^]*?<id>https:\/\/help\.example\.org\/doc\?id=[0-9a-f]{32}<\/id>/);
  });
});
