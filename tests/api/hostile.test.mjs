// hostile.test.mjs — requests an attacker would send, over bare sockets. Each is
// answered with a 4xx (or 505) or the connection is closed; the server never crashes and
// /healthz answers after every one. Then slow clients: 300 connections dribbling their headers
// and 100 dribbling a body while /healthz is measured (its p99 is printed), the server closing
// them once they fall idle for --conn-timeout; and the per-address connection limit. Last,
// password guessing: floods of wrong passwords get 429s and bounded 503s while /healthz keeps
// answering with every hashing thread held busy.
//
// Figures go to stdout as "hostile: …" lines (the test command keeps them in its log).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { assertError, runCli, startServer, STORE } from './lib/server.mjs';
import { addUser, COMMON_LIST, createToken, makeClock, newVolunteer, signIn, signUp, sql } from './lib/accounts.mjs';

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

  // A page of another site that sets Referrer-Policy: no-referrer (or a sandboxed frame) posts a
  // plain form with "Origin: null"; only Sec-Fetch-Site: same-origin makes "null" ours.
  it(`a cross-site form post with "Origin: null" is refused; nothing is stored ${S}`, async () => {
    const body = 'name=X&phone=09125550199&password=correct+horse+battery';
    for (const site of ['', 'Sec-Fetch-Site: cross-site\r\n', 'Sec-Fetch-Site: same-site\r\n']) {
      const r = await attempt(srv, `POST /api/v1/volunteers HTTP/1.1\r\nHost: t\r\nConnection: close\r\n` +
        `Origin: null\r\n${site}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      assert.equal(r.status, 403, `${site || 'no Sec-Fetch-Site'}: ${r.status} ${r.text?.slice(0, 200)}`);
      assert.match(r.text, /"csrf_failed"/);
    }
    await healthy(srv, 'Origin: null');
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

// Cross-site request forgery: the Origin of a state-changing request must be this server's own
// origin, scheme, host and port each: --public-url when it is set, otherwise the request's own
// scheme (https over TLS or, with --trust-proxy, X-Forwarded-Proto) and Host. Without an Origin,
// a Referer from another origin is refused the same way.
describe(`CSRF: Origin and Referer compared by scheme, host and port ${S}`, () => {
  const servers = [];
  async function server(args = []) {
    const srv = await startServer({ args: ['--password-list', COMMON_LIST, '--rate-form-ip', '1000', '--rate-login-ip', '1000', ...args] });
    servers.push(srv);
    await addUser(srv, { email: 'mina@example.org', role: 'coordinator', name: 'Mina' });
    return srv;
  }
  after(async () => { for (const s of servers) await s.stop(); });

  /** PATCH /me on a cookie session, with its CSRF token (so only the origin check can refuse),
   *  over node:http, which sends a Host header of our choosing as a proxy would. */
  async function patchAs(c, headers, name = 'Evil') {
    const body = JSON.stringify({ name });
    const r = await c.srv.http('/api/v1/me', {
      method: 'PATCH',
      body,
      headers: { cookie: `hy_session=${c.cookie}`, 'x-csrf-token': c.csrf, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
    });
    const text = r.body.toString('utf8');
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: r.status, headers: r.headers, text, json };
  }

  it(`without --public-url: same host on another port, https for http, and a foreign Referer are refused ${S}`, async () => {
    const srv = await server();
    const own = `http://127.0.0.1:${srv.port}`;
    const c = await signIn(srv, 'mina@example.org');
    for (const origin of [
      `http://127.0.0.1:${srv.port + 1}`, // same host, another port
      `https://127.0.0.1:${srv.port}`,    // https where the server speaks http
      'http://127.0.0.1',                 // the default port, not ours
      `http://localhost:${srv.port}`,     // another name
      'null',
    ]) {
      assertError(await patchAs(c, { origin }), 403, 'csrf_failed', `Origin ${origin}`);
      assertError(await signUp(srv, {}, { origin }), 403, 'csrf_failed', `sign-up with Origin ${origin}`);
    }
    // No Origin, a Referer from elsewhere: refused, signed in (with the token) or not.
    for (const referer of [`https://evil.example/form`, `https://127.0.0.1:${srv.port}/`, `http://127.0.0.1:${srv.port + 1}/page`, 'not a url']) {
      assertError(await patchAs(c, { referer }), 403, 'csrf_failed', `Referer ${referer}`);
      assertError(await signUp(srv, {}, { referer }), 403, 'csrf_failed', `sign-up with Referer ${referer}`);
    }
    assert.equal((await c.me()).name, 'Mina', 'nothing changed');
    // Our own origin, in any letter case, goes through; so does a same-origin Referer.
    let r = await patchAs(c, { origin: own.toUpperCase() }, 'Mina');
    assert.equal(r.status, 200, r.text);
    r = await patchAs(c, { referer: `${own}/dispatch?x=1` }, 'Mina');
    assert.equal(r.status, 200, r.text);
    r = await signUp(srv, {}, { referer: `${own}/volunteer` });
    assert.equal(r.status, 201, r.text);
    r = await signUp(srv, {}, { origin: own });
    assert.equal(r.status, 201, r.text);
  });

  it(`with --public-url https://…: only that origin; http, another port or the listening address are refused ${S}`, async () => {
    const srv = await server(['--public-url', 'https://help.example.org/']);
    const c = await signIn(srv, 'mina@example.org');
    for (const [origin, host] of [
      ['http://help.example.org', 'help.example.org'],        // downgraded scheme, Host agrees
      ['https://help.example.org:8443', 'help.example.org:8443'], // same host, another port
      [`http://127.0.0.1:${srv.port}`, `127.0.0.1:${srv.port}`],  // the listening address
      ['https://help.example.org.evil.example', 'help.example.org'],
    ]) {
      assertError(await patchAs(c, { origin, host }), 403, 'csrf_failed', `Origin ${origin}`);
      assertError(await signUp(srv, {}, { origin, host }), 403, 'csrf_failed', `sign-up with Origin ${origin}`);
    }
    assertError(await patchAs(c, { referer: 'http://help.example.org/account' }), 403, 'csrf_failed', 'http Referer');
    assert.equal((await c.me()).name, 'Mina', 'nothing changed');
    let r = await patchAs(c, { origin: 'https://help.example.org' }, 'Mina');
    assert.equal(r.status, 200, r.text);
    r = await patchAs(c, { origin: 'https://HELP.example.org:443' }, 'Mina');
    assert.equal(r.status, 200, r.text);
    r = await signUp(srv, {}, { referer: 'https://help.example.org/volunteer' });
    assert.equal(r.status, 201, r.text);
  });

  it(`behind a proxy (--trust-proxy): the scheme is X-Forwarded-Proto's ${S}`, async () => {
    const srv = await server(['--trust-proxy', 'on']);
    const c = await signIn(srv, 'mina@example.org');
    const host = 'help.example.org';
    assertError(await patchAs(c, { host, 'x-forwarded-proto': 'https', origin: 'http://help.example.org' }), 403, 'csrf_failed');
    assertError(await patchAs(c, { host, origin: 'https://help.example.org' }), 403, 'csrf_failed');
    assertError(await patchAs(c, { host, 'x-forwarded-proto': 'https', origin: 'https://help.example.org:8443' }), 403, 'csrf_failed');
    assert.equal((await c.me()).name, 'Mina', 'nothing changed');
    const r = await patchAs(c, { host, 'x-forwarded-proto': 'https', origin: 'https://help.example.org' }, 'Mina');
    assert.equal(r.status, 200, r.text);
  });

  it(`--public-url must be an http(s) origin, with a path at most ${S}`, async () => {
    for (const bad of ['help.example.org', 'ftp://help.example.org', 'https://user@help.example.org', 'https://help.example.org:99999']) {
      await assert.rejects(startServer({ args: ['--public-url', bad] }), /--public-url/, bad);
    }
  });
});

// Slow headers: the idle timeout (--conn-timeout) restarts on every byte, so a client sending
// one header byte at a time would keep its connection for ever. --header-timeout is a deadline
// for the whole request head, counted from the connection's start (or from the end of the
// previous answer on a kept-alive connection). The servers here use a deadline of 1 s and an
// idle timeout of 60 s; the trickling clients send a byte every 100 ms, far more often than the
// idle timeout, so only the head deadline can close them. Each waits for the close event,
// bounded by the test's own timeout.
describe(`slow headers: a deadline for the whole request head ${S}`, () => {
  let srv;
  before(async () => {
    srv = await startServer({ args: ['--header-timeout', '1', '--conn-timeout', '60', '--per-ip-limit', '1000'] });
  });
  after(async () => { if (srv) await srv.stop(); });

  /** Writes `head` one byte every 100 ms (repeating its last line) until the connection closes. */
  function trickle(c, head) {
    let i = 0;
    const timer = setInterval(() => {
      if (c.ended) { clearInterval(timer); return; }
      const ch = i < head.length ? head[i] : 'x';
      i++;
      c.write(ch).catch(() => {});
    }, 100);
    return () => clearInterval(timer);
  }

  it(`a head trickled a byte at a time is closed at the deadline, though never idle ${S}`, { timeout: 30000 }, async () => {
    const c = srv.connect();
    await c.ready;
    const stop = trickle(c, 'GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ');
    try {
      while (!(await c.closed(60000)));
      assert.equal(c.buf.length, 0, `no answer to a head never finished: ${c.buf.toString('latin1').slice(0, 100)}`);
    } finally { stop(); c.close(); }
    assert.equal((await srv.request('GET', '/healthz')).status, 200);
  });

  it(`a request line trickled a byte at a time is closed too ${S}`, { timeout: 30000 }, async () => {
    const c = srv.connect();
    await c.ready;
    const stop = trickle(c, 'GET /' + 'a'.repeat(1000));
    try { while (!(await c.closed(60000))); } finally { stop(); c.close(); }
  });

  it(`on a kept-alive connection the deadline covers the next head as well ${S}`, { timeout: 30000 }, async () => {
    const c = srv.connect();
    await c.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
    assert.equal((await c.next(10000)).status, 200);
    const stop = trickle(c, 'GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ');
    try { while (!(await c.closed(60000))); } finally { stop(); c.close(); }
  });

  it(`a body sent slowly after a prompt head is not cut by the head deadline ${S}`, { timeout: 30000 }, async () => {
    const c = srv.connect();
    const body = JSON.stringify({ name: 'x' }).padEnd(24, ' ');
    await c.write(`POST /api/v1/volunteers HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    // 24 bytes, one every 100 ms: 2.4 s in all, past the 1 s head deadline.
    for (const ch of body) {
      await new Promise((r) => setTimeout(r, 100));
      await c.write(ch);
    }
    const r = await c.next(10000);
    assert.equal(r.status, 400, `${r.status} ${r.text}`); // answered (the body lacks fields), not closed
    c.close();
  });
});
// ---- password guessing and hashing floods ----
//
// The server hashes passwords (Argon2id, slow on purpose) on threads of its own. The test gate
// (HAMYARI_TEST_HASH_GATE, two FIFOs) lets a test see how many hashing jobs are running and
// hold them there, so "/healthz answers while every hashing thread is busy" is shown by order of
// events, not by timing.

/** A hashing gate: `started` yields one byte per job that began, `go` lets n jobs finish. */
async function hashGate() {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { open } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-gate-'));
  execFileSync('mkfifo', [join(dir, 'started'), join(dir, 'go')]);
  let started = null;
  return {
    env: { HAMYARI_TEST_HASH_GATE: dir },
    /** Resolves once n more hashing jobs have begun (they then wait at the gate). */
    async started(n) {
      started ??= await open(join(dir, 'started'), 'r');
      const buf = Buffer.alloc(n);
      for (let got = 0; got < n;) got += (await started.read(buf, got, n - got)).bytesRead;
    },
    /** Lets n waiting (or future) jobs go on. */
    go(n) { writeFileSync(join(dir, 'go'), 'g'.repeat(n)); },
    async remove() { await started?.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Starts every request at once; resolves `settled(n)` once n of them have answered, so a test
 *  can check which answered first without knowing when. */
function inParallel(makers) {
  const done = [];
  let wake = () => {};
  const all = makers.map((make, i) => make().then((r) => { done.push({ i, r }); wake(); return r; }));
  return {
    all: Promise.all(all),
    done,
    async settled(n) { while (done.length < n) await new Promise((res) => { wake = res; }); return done.slice(0, n); },
  };
}

describe(`password hashing floods ${S}`, () => {
  const THREADS = 2;     // --max-hashes: hashing threads
  const QUEUE = 3;       // --hash-queue: jobs waiting for a thread
  let srv, gate, accounts;
  before(async () => {
    gate = await hashGate();
    accounts = await import('./lib/accounts.mjs');
    srv = await startServer({
      env: gate.env,
      args: ['--threads', '2', '--max-hashes', String(THREADS), '--hash-queue', String(QUEUE),
        '--rate-login-account', String(THREADS), '--rate-login-ip', '100000', '--per-ip-limit', '1000',
        '--password-list', accounts.COMMON_LIST],
    });
  });
  after(async () => {
    if (srv) await srv.stop();
    await gate?.remove();
  });

  it(`24 parallel wrong current passwords: 429s beyond the per-account limit, /healthz answers while every hashing thread is busy, a full queue answers 503 busy ${S}`, async () => {
    await accounts.addUser(srv, { email: 'flood@example.org', role: 'volunteer' });
    const token = await accounts.createToken(srv, 'flood@example.org');
    const bearer = { authorization: `Bearer ${token}` };
    const patch = () => srv.request('PATCH', '/api/v1/me', {
      headers: bearer, body: { password: 'a brand new passphrase', current_password: 'not my password at all' },
    });
    // 1. The flood: only --rate-login-account checks reach the hasher; the rest are 429 at once.
    const flood = inParallel(Array.from({ length: 24 }, () => patch));
    const early = await flood.settled(24 - THREADS);
    for (const { r } of early) {
      assertError429(r);
    }
    // 2. The checks that got through are hashing now, held at the gate: every hashing thread
    // is busy, and the server still answers.
    await gate.started(THREADS);
    const h = await srv.request('GET', '/healthz');
    assert.equal(h.status, 200, `/healthz while ${THREADS} hashes run: ${h.status}`);
    assert.equal((await srv.request('GET', '/api/v1/config')).status, 200);
    assert.equal(flood.done.length, 24 - THREADS, 'no held password check answered yet');
    // 3. Sign-ins now wait in the queue; beyond --hash-queue they are refused at once.
    const logins = inParallel(Array.from({ length: QUEUE + 2 }, (_, i) => () =>
      srv.request('POST', '/api/v1/auth/login', { body: { login: `nobody${i}@example.org`, password: 'wrong password here' } })));
    const refused = await logins.settled(2);
    for (const { r } of refused) {
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json?.error?.code, 'busy');
      assert.match(r.headers.get('retry-after') || '', /^[1-9]\d*$/);
    }
    assert.equal((await srv.request('GET', '/healthz')).status, 200, '/healthz with a full hashing queue');
    // 4. Let every held job finish: each gets its real answer.
    gate.go(THREADS + QUEUE);
    const results = await flood.all;
    assert.equal(results.filter((r) => r.status === 403 && r.json?.error?.field === 'current_password').length, THREADS);
    assert.equal(results.filter((r) => r.status === 429).length, 24 - THREADS);
    const answered = await logins.all;
    assert.equal(answered.filter((r) => r.status === 401).length, QUEUE);
    assert.equal(answered.filter((r) => r.status === 503).length, 2);
    await gate.started(QUEUE); // the queued jobs passed the gate too
  });
});

/** POST /api/v1/auth/login from the loopback address `from` (127.0.0.x: every one is this
 *  machine, each a different client address to the server): { status, headers, json }. */
function loginFrom(srv, from, login, password) {
  const body = JSON.stringify({ login, password });
  return new Promise((res, rej) => {
    const req = http.request({
      host: '127.0.0.1', port: srv.port, path: '/api/v1/auth/login', method: 'POST', localAddress: from, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (resp) => {
      let text = '';
      resp.setEncoding('utf8');
      resp.on('data', (c) => { text += c; });
      resp.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        res({ status: resp.statusCode, headers: { get: (k) => resp.headers[k.toLowerCase()] ?? null }, json, text });
      });
    });
    req.on('error', rej);
    req.end(body);
  });
}

describe(`sign-in guessing cannot lock anyone out ${S}`, () => {
  let srv, accounts, clock;
  const ATTACKER = '127.0.0.10', ADMIN = '127.0.0.11', OTHER = '127.0.0.12';
  const FREE = 3;
  before(async () => {
    accounts = await import('./lib/accounts.mjs');
    clock = accounts.makeClock();
    clock.stop(); // the 1 s delay must not run out while the test runs
    srv = await startServer({
      env: clock.env,
      args: ['--login-delay-after', String(FREE), '--rate-login-ip', '100000', '--per-ip-limit', '1000',
        '--password-list', accounts.COMMON_LIST],
    });
    await accounts.addUser(srv, { email: 'admin@example.org', phone: '09120000001', role: 'admin' });
  });
  after(async () => { if (srv) await srv.stop(); clock?.remove(); });

  it(`an attacker's wrong guesses, in parallel, get 429s at their address after the free ones, while the admin signs in from another ${S}`, async () => {
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      loginFrom(srv, ATTACKER, i % 2 ? 'admin@example.org' : '+989120000001', `guess number ${i} wrong`)));
    // The failures are counted as the attempts begin, so parallel guesses cannot share the
    // free ones: exactly FREE reached the password check.
    assert.equal(guesses.filter((r) => r.status === 401).length, FREE);
    const slowed = guesses.filter((r) => r.status === 429);
    assert.equal(slowed.length, 30 - FREE);
    for (const r of slowed) assertError429(r);
    // The attacker's address is slowed down even with the right password …
    assert.equal((await loginFrom(srv, ATTACKER, 'admin@example.org', accounts.PASSWORD)).status, 429);
    // … and the admin, from elsewhere, is not.
    const mine = await loginFrom(srv, ADMIN, 'admin@example.org', accounts.PASSWORD);
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.user.role, 'admin');
    // A wrong guess by the admin from their own address is just a wrong password (401), and a
    // third address is untouched as well.
    assert.equal((await loginFrom(srv, ADMIN, 'admin@example.org', 'a typo in my password')).status, 401);
    assert.equal((await loginFrom(srv, OTHER, '09120000001', accounts.PASSWORD)).status, 200);
    // Still slowed down where the guessing came from.
    assert.equal((await loginFrom(srv, ATTACKER, 'admin@example.org', 'one more guess here')).status, 429);
  });
});

function assertError429(r) {
  assert.equal(r.status, 429, `expected 429, got ${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, 'rate_limited');
  assert.match(r.headers.get('retry-after') || '', /^[1-9]\d*$/);
}
// ---- the help form as an SMS cannon ----

const HELP = {
  name: 'Flood Test', address: 'Flood St 1', lat: 35.7, lon: 51.4, kind: 'groceries',
  language: 'en', consent: true,
};
const askHelp = (srv, phone, key, extra = {}) => srv.request('POST', '/api/v1/requests', {
  body: { ...HELP, phone, ...extra }, headers: key ? { 'idempotency-key': key } : {},
});
const pendingTo = (srv, phone) =>
  Number(sql(srv, `SELECT count(*) FROM outbox WHERE recipient = '${phone}'`)[0][0]);

describe(`help-form flood: every submission counts against the per-address limit ${S}`, () => {
  const LIMIT = 5;
  let srv, clock;
  before(async () => {
    clock = makeClock();
    srv = await startServer({ env: clock.env, args: ['--rate-form-ip', String(LIMIT), '--notify-per-recipient', '100'] });
  });
  after(async () => { await srv?.stop(); clock?.remove(); });

  it(`a fresh Idempotency-Key per post does not skip the limit: 429 after ${LIMIT} ${S}`, async () => {
    clock.advance(3600);
    const statuses = [];
    for (let i = 0; i < 3 * LIMIT; i++) statuses.push((await askHelp(srv, '+989120000111', `fresh-${i}-${Date.now()}`)).status);
    assert.deepEqual(statuses.slice(0, LIMIT), Array(LIMIT).fill(201), statuses.join(' '));
    assert.deepEqual(statuses.slice(LIMIT), Array(2 * LIMIT).fill(429), statuses.join(' '));
    assert.equal(pendingTo(srv, '+989120000111'), LIMIT, 'only the accepted posts queued a message');
    // Without a key: the same counter.
    assert.equal((await askHelp(srv, '+989120000111')).status, 429);
  });

  it(`a replay of a key returns its first answer, is not counted again, and is answered even over the limit ${S}`, async () => {
    clock.advance(3600);
    const key = `replayed-${Date.now()}`;
    const first = await askHelp(srv, '+989120000112', key);
    assert.equal(first.status, 201, first.text);
    for (let i = 0; i < 3; i++) {
      const again = await askHelp(srv, '+989120000112', key);
      assert.equal(again.status, 201, again.text);
      assert.equal(again.json.id, first.json.id);
      assert.equal(again.json.tracking_code, first.json.tracking_code);
    }
    // The replays used none of the limit: LIMIT - 1 fresh posts still go through.
    for (let i = 0; i < LIMIT - 1; i++) assert.equal((await askHelp(srv, '+989120000112', `${key}-${i}`)).status, 201);
    assert.equal((await askHelp(srv, '+989120000112', `${key}-over`)).status, 429);
    const late = await askHelp(srv, '+989120000112', key);
    assert.equal(late.status, 201, 'the replay is answered over the limit too');
    assert.equal(late.json.id, first.json.id);
    assert.equal(pendingTo(srv, '+989120000112'), LIMIT);
  });
});

describe(`one recipient is sent at most --notify-per-recipient messages an hour ${S}`, () => {
  const CAP = 3;
  let srv, other, clock, coordToken;
  before(async () => {
    clock = makeClock();
    const args = ['--rate-form-ip', '1000', '--notify-per-recipient', String(CAP)];
    srv = await startServer({ env: clock.env, args });
    // A second server process on the same store: the cap is kept in the store.
    other = await startServer({ env: clock.env, args, db: srv.dbUrl });
    await addUser(srv, { email: 'cap-coord@example.org', role: 'coordinator' });
    coordToken = await createToken(srv, 'cap-coord@example.org');
  });
  after(async () => { await other?.stop(); await srv?.stop(); clock?.remove(); });

  it(`40 posts to one phone through two processes queue ${CAP} messages; the rest are dropped and counted ${S}`, async () => {
    const phone = '+989120000222';
    const before = await runCli(['outbox', 'status', '--db', srv.dbUrl], { env: clock.env });
    assert.equal(before.code, 0, before.stderr);
    const dropped0 = Number(before.stdout.match(/dropped (\d+)/)?.[1]);
    assert.ok(Number.isInteger(dropped0), before.stdout);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      askHelp(i % 2 ? other : srv, phone, `cap-${i}-${Date.now()}`)));
    for (const a of answers) assert.equal(a.status, 201, a.text); // the requests themselves are stored
    assert.equal(pendingTo(srv, phone), CAP);
    const st = await runCli(['outbox', 'status', '--db', srv.dbUrl], { env: clock.env });
    assert.equal(st.code, 0, st.stderr);
    assert.equal(Number(st.stdout.match(/dropped (\d+)/)?.[1]) - dropped0, 40 - CAP, st.stdout);
    // A dropped message keeps no recipient.
    assert.equal(sql(srv, `SELECT count(*) FROM outbox WHERE status = 'dropped' AND recipient <> ''`)[0][0], '0');

    // Other triggers count against the same cap: a coordinator's status change.
    const id = answers[0].json.id;
    const c = await srv.request('POST', `/api/v1/requests/${id}/status`, {
      body: { status: 'cancelled', reason: 'flood' }, headers: { authorization: `Bearer ${coordToken}` } });
    assert.equal(c.status, 200, c.text);
    assert.equal(pendingTo(srv, phone), CAP);

    // Another phone is not affected; an hour later the phone may be sent to again.
    assert.equal((await askHelp(srv, '+989120000223', `cap-other-${Date.now()}`)).status, 201);
    assert.equal(pendingTo(srv, '+989120000223'), 1);
    clock.advance(3601);
    assert.equal((await askHelp(other, phone, `cap-later-${Date.now()}`)).status, 201);
    assert.equal(pendingTo(srv, phone), CAP + 1);
  });
});

// Hostile clients inside the rules of HTTP: what a caller with a valid account (or none) tries
// in order to read what it should not or change what it may not.
describe(`hostile clients: personal data and rights ${S}`, () => {
  let srv, coord, vol;
  const staff = {};
  before(async () => {
    srv = await startServer({ args: ['--rate-form-ip', '1000', '--rate-track-ip', '1000'] });
    await addUser(srv, { email: 'h-coord@example.org', role: 'coordinator' });
    const v = await newVolunteer(srv, { email: 'h-vol@example.org', lat: 35.7, lon: 51.4, radius_km: 5 });
    coord = { token: await createToken(srv, 'h-coord@example.org') };
    assert.equal((await call(coord, 'POST', `/api/v1/volunteers/${v.id}/approve`)).status, 200);
    vol = { id: v.id, token: await createToken(srv, 'h-vol@example.org') };
    for (const role of ['editor', 'admin']) {
      await addUser(srv, { email: `h-${role}@example.org`, role });
      staff[role] = { token: await createToken(srv, `h-${role}@example.org`) };
    }
  });
  after(async () => { if (srv) await srv.stop(); });

  const call = (who, method, path, body) =>
    srv.request(method, path, { body, headers: who ? { authorization: `Bearer ${who.token}` } : {} });
  const form = (path, fields) => srv.fetch(path, {
    method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.base },
  });
  async function askHelp(phone) {
    const r = await srv.request('POST', '/api/v1/requests', {
      body: { name: 'Hostile Test', phone, address: 'Somewhere 1', lat: 35.7, lon: 51.4, kind: 'groceries',
        urgency: 'normal', for_whom: 'self', language: 'en', consent: true },
    });
    assert.equal(r.status, 201, r.text);
    return r.json.tracking_code;
  }
  /** A request assigned to `vol` and brought to `delivered` with a receipt of 12.5, pending. */
  async function deliveredRequest() {
    const r = await srv.request('POST', '/api/v1/requests', {
      body: { name: 'Hostile Test', phone: '09125550170', address: 'Somewhere 1', lat: 35.7, lon: 51.4, kind: 'groceries',
        urgency: 'normal', for_whom: 'self', language: 'en', consent: true },
    });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    for (const [who, path, body] of [
      [coord, 'status', { status: 'open' }], [coord, 'assign', { volunteer_id: vol.id }],
      [vol, 'status', { status: 'in_progress' }], [vol, 'delivery', { mask: true, receipt_amount: 12.5, reimbursement: 'pending' }],
      [vol, 'status', { status: 'delivered' }]]) {
      const x = await call(who, 'POST', `/api/v1/requests/${id}/${path}`, body);
      assert.equal(x.status, 200, `${path}: ${x.text}`);
    }
    return id;
  }
  const money = async (id) => {
    const d = await call(coord, 'GET', `/api/v1/requests/${id}`);
    assert.equal(d.status, 200, d.text);
    return [d.json.receipt_amount, d.json.reimbursement];
  };

  it(`the requester's phone number never needs to travel in a URL ${S}`, async () => {
    const phone = '09125550177';
    const code = await askHelp(phone);
    // JSON body.
    const ok = await srv.request('POST', '/api/v1/requests/status', { body: { code, phone } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.tracking_code, code);
    assert.equal(ok.json.status, 'new');
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.equal(ok.headers.get('deprecation'), null);
    const wrong = await srv.request('POST', '/api/v1/requests/status', { body: { code, phone: '09125550178' } });
    assert.equal(wrong.status, 404);
    assert.equal(wrong.json.error.code, 'not_found');
    const extra = await srv.request('POST', '/api/v1/requests/status', { body: { code, phone, lang: 'en' } });
    assert.equal(extra.status, 400, 'JSON takes code and phone only');
    // Form post (the /track page without JavaScript): a page with the status in words, and a
    // cancel form that carries the number onward in a posted field, never in a link.
    const page = await form('/api/v1/requests/status', { code: code.toLowerCase(), phone, lang: 'en' });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    const html = await page.text();
    assert.match(html, /Received: a coordinator will call you/);
    assert.match(html, /<form method="post" action="\/api\/v1\/requests\/cancel">/);
    for (const m of html.matchAll(/(?:href|action)="([^"]*)"/g)) assert.doesNotMatch(m[1], /phone|555/, `link ${m[1]}`);
    const notFound = await form('/api/v1/requests/status', { code, phone: '09125550178', lang: 'en' });
    assert.equal(notFound.status, 404);
    assert.match(await notFound.text(), /No request matches/);
    const missing = await form('/api/v1/requests/status', { code, lang: 'en' });
    assert.equal(missing.status, 400);
    assert.match(missing.headers.get('content-type'), /^text\/html/);
    const foreign = await srv.fetch('/api/v1/requests/status', {
      method: 'POST', body: new URLSearchParams({ code, phone }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    assert.equal(foreign.status, 403, 'a form from another site is refused');
    // A cancel form asks first, and cancels only when confirmed.
    const ask = await form('/api/v1/requests/cancel', { code, phone, lang: 'en' });
    assert.equal(ask.status, 200);
    assert.match(await ask.text(), /name="confirm" value="yes"/);
    assert.equal((await srv.request('POST', '/api/v1/requests/status', { body: { code, phone } })).json.status, 'new');
    const done = await form('/api/v1/requests/cancel', { code, phone, lang: 'en', confirm: 'yes' });
    assert.equal(done.status, 200);
    assert.match(await done.text(), /has been cancelled/);
    assert.equal((await srv.request('POST', '/api/v1/requests/status', { body: { code, phone } })).json.status, 'cancelled');
    // The GET of the last release still answers, marked deprecated with its successor.
    const old = await srv.request('GET', `/api/v1/requests/status?code=${code}&phone=${phone}`);
    assert.equal(old.status, 200, old.text);
    assert.equal(old.json.status, 'cancelled');
    assert.match(old.headers.get('deprecation') ?? '', /^@\d+$/);
    assert.ok(Date.parse(old.headers.get('sunset')) > Date.parse('2027-01-01'), old.headers.get('sunset'));
    assert.match(old.headers.get('link') ?? '', /<\/api\/v1\/requests\/status>; rel="successor-version"/);
    const oldBad = await srv.request('GET', `/api/v1/requests/status?code=${code}`);
    assert.equal(oldBad.status, 400);
    assert.match(oldBad.headers.get('deprecation') ?? '', /^@\d+$/, 'errors are marked deprecated too');
    // The tracking page works without JavaScript: its form posts, it has no phone in a link.
    const track = await (await srv.fetch('/track?lang=en')).text();
    assert.match(track, /<form[^>]*id="track-form"[^>]*method="post"[^>]*action="\/api\/v1\/requests\/status"/);
    assert.doesNotMatch(track, /<form[^>]*id="track-form"[^>]*hidden/);
  });

  it(`a volunteer cannot rewrite the receipt or the reimbursement once paid or closed ${S}`, async () => {
    const id = await deliveredRequest();
    // Paid: the money is settled; the volunteer can no longer change either.
    assert.equal((await call(coord, 'POST', `/api/v1/requests/${id}/delivery`, { reimbursement: 'paid' })).status, 200);
    for (const body of [{ receipt_amount: 99 }, { reimbursement: 'pending' }, { reimbursement: 'none' }]) {
      const r = await call(vol, 'POST', `/api/v1/requests/${id}/delivery`, body);
      assert.equal(r.status, 403, `paid, ${JSON.stringify(body)}: ${r.status} ${r.text}`);
      assert.equal(r.json.error.code, 'forbidden');
    }
    assert.deepEqual(await money(id), [12.5, 'paid']);
    // Closed: the whole delivery record is frozen for the volunteer.
    assert.equal((await call(coord, 'POST', `/api/v1/requests/${id}/status`, { status: 'closed' })).status, 200);
    for (const body of [{ receipt_amount: 99 }, { reimbursement: 'pending' }, { receipt_amount: 99, reimbursement: 'pending' }, { gloves: true }]) {
      const r = await call(vol, 'POST', `/api/v1/requests/${id}/delivery`, body);
      assert.equal(r.status, 403, `closed, ${JSON.stringify(body)}: ${r.status} ${r.text}`);
    }
    assert.deepEqual(await money(id), [12.5, 'paid']);
    // A coordinator can correct it, and the correction is audited with the old and new values.
    const fix = await call(coord, 'POST', `/api/v1/requests/${id}/delivery`, { receipt_amount: 10.25, reimbursement: 'pending' });
    assert.equal(fix.status, 200, fix.text);
    assert.deepEqual(await money(id), [10.25, 'pending']);
    const audit = sql(srv, `SELECT action, detail FROM audit_log WHERE subject_id = '${id}' AND action LIKE 'request_delivery%' ORDER BY id`);
    const last = audit[audit.length - 1];
    assert.equal(last[0], 'request_delivery_corrected', JSON.stringify(audit));
    assert.match(last[1], /receipt_amount 12\.5 -> 10\.25/);
    assert.match(last[1], /reimbursement paid -> pending/);
    // Before it is paid or closed, the volunteer still records it.
    const open = await deliveredRequest();
    const ok = await call(vol, 'POST', `/api/v1/requests/${open}/delivery`, { receipt_amount: 13 });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(await money(open), [13, 'pending']);
  });

  it(`an editor cannot add or remove files of a published library document ${S}`, async () => {
    const { editor, admin } = staff;
    const attach = (who, id, name) => srv.request('POST', `/api/v1/library/${id}/attachments?filename=${name}`,
      { raw: 'Plain text notes.\n', headers: { authorization: `Bearer ${who.token}`, 'content-type': 'text/plain' } });
    const files = async (id) => (await call(admin, 'GET', `/api/v1/library/${id}`)).json.attachments.map((a) => a.filename).sort();
    const d = await call(editor, 'POST', '/api/v1/library', { type: 'guide', language: 'en', title: 'Hostile attachments', summary: 'files' });
    assert.equal(d.status, 201, d.text);
    const id = d.json.id;
    // A draft: the editor adds and removes files.
    const a1 = await attach(editor, id, 'kept.txt');
    assert.equal(a1.status, 201, a1.text);
    const a2 = await attach(editor, id, 'dropped.txt');
    assert.equal(a2.status, 201, a2.text);
    const rm = await call(editor, 'DELETE', `/api/v1/library/${id}/attachments/${a2.json.id}`);
    assert.equal(rm.status, 200, rm.text);
    assert.equal((await srv.fetch(a2.json.url)).status, 404, 'a removed file is gone');
    assert.deepEqual(await files(id), ['kept.txt']);
    assert.equal((await call(editor, 'POST', `/api/v1/library/${id}/submit`)).status, 200);
    assert.equal((await call(admin, 'POST', `/api/v1/library/${id}/publish`)).status, 200);
    // Published: editing it is for admins only (409, as for PATCH), and so are its files.
    const patch = await call(editor, 'PATCH', `/api/v1/library/${id}`, { title: 'Changed' });
    assert.equal(patch.status, 409, patch.text);
    const add = await attach(editor, id, 'sneaked.txt');
    assert.equal(add.status, 409, `editor adds to a published document: ${add.status} ${add.text}`);
    assert.equal(add.json.error.code, patch.json.error.code);
    const del = await call(editor, 'DELETE', `/api/v1/library/${id}/attachments/${a1.json.id}`);
    assert.equal(del.status, 409, `editor removes from a published document: ${del.status} ${del.text}`);
    assert.deepEqual(await files(id), ['kept.txt']);
    // Others get nothing; an attachment of another document is not found through this one.
    assert.equal((await call(vol, 'DELETE', `/api/v1/library/${id}/attachments/${a1.json.id}`)).status, 403);
    assert.equal((await call(null, 'DELETE', `/api/v1/library/${id}/attachments/${a1.json.id}`)).status, 401);
    const other = await call(editor, 'POST', '/api/v1/library', { type: 'guide', language: 'en', title: 'Other', summary: 'x' });
    assert.equal((await call(admin, 'DELETE', `/api/v1/library/${other.json.id}/attachments/${a1.json.id}`)).status, 404);
    // An admin can do both, and each is in the audit log.
    const a3 = await attach(admin, id, 'by-admin.txt');
    assert.equal(a3.status, 201, a3.text);
    assert.equal((await call(admin, 'DELETE', `/api/v1/library/${id}/attachments/${a1.json.id}`)).status, 200);
    assert.deepEqual(await files(id), ['by-admin.txt']);
    const audit = sql(srv, `SELECT action FROM audit_log WHERE subject_id = '${id}' AND action LIKE 'library_attachment%' ORDER BY id`).map((r) => r[0]);
    assert.deepEqual(audit, ['library_attachment_added', 'library_attachment_added', 'library_attachment_removed',
      'library_attachment_added', 'library_attachment_removed']);
  });

  it(`an approved group's owner cannot change its public face without review ${S}`, async () => {
    const { admin } = staff;
    const owner = vol; // any signed-in account may submit a group and owns it
    const pub = (id) => call(null, 'GET', `/api/v1/groups/${id}`);
    const g = await call(owner, 'POST', '/api/v1/groups', {
      name: 'Kindly Neighbours of Zeitoun', description: 'We shop for neighbours.', lat: 35.71, lon: 51.41,
      radius_km: 2, contact: { website: 'https://example.org/kindly' }, tags: ['food'],
    });
    assert.equal(g.status, 201, g.text);
    const id = g.json.id;
    // While pending, the owner edits freely: nobody sees it yet.
    const early = await call(owner, 'PATCH', `/api/v1/groups/${id}`, { description: 'We shop and cook for neighbours.' });
    assert.equal(early.status, 200, early.text);
    assert.equal(early.json.description, 'We shop and cook for neighbours.');
    assert.equal((await call(coord, 'POST', `/api/v1/groups/${id}/approve`)).status, 200);
    // Approved: the owner turns it into something else.
    const evil = { name: 'Send Money Here', description: 'Pay the fee first: https://evil.example/pay',
      contact: { website: 'https://evil.example/pay' }, tags: ['donate'] };
    const p = await call(owner, 'PATCH', `/api/v1/groups/${id}`, evil);
    assert.equal(p.status, 202, `owner's edit of an approved group: ${p.status} ${p.text}`);
    assert.equal(p.json.name, 'Kindly Neighbours of Zeitoun', 'the answer shows what is public');
    assert.deepEqual(p.json.pending_change.fields, ['name', 'description', 'contact', 'tags']);
    assert.equal(p.json.pending_change.proposed.name, 'Send Money Here');
    // The public sees the old version everywhere.
    const seen = await pub(id);
    assert.equal(seen.json.name, 'Kindly Neighbours of Zeitoun');
    assert.equal(seen.json.pending_change, undefined, 'the public does not see the proposal');
    assert.equal((await call(null, 'GET', '/api/v1/groups?q=money')).json.groups.length, 0);
    const near = await call(null, 'GET', '/api/v1/groups?near=35.71,51.41&limit=5');
    assert.ok(near.json.groups.some((x) => x.id === id && x.name === 'Kindly Neighbours of Zeitoun'));
    const csv = await srv.fetch('/api/v1/groups.csv');
    assert.doesNotMatch(await csv.text(), /evil\.example|Send Money/);
    // The owner sees the proposal waiting; a second edit adds to it.
    assert.equal((await call(owner, 'GET', `/api/v1/groups/${id}`)).json.pending_change.proposed.name, 'Send Money Here');
    const p2 = await call(owner, 'PATCH', `/api/v1/groups/${id}`, { languages: ['fa'] });
    assert.equal(p2.status, 202, p2.text);
    assert.deepEqual(p2.json.pending_change.fields, ['name', 'description', 'contact', 'languages', 'tags']);
    // The owner cannot approve it; the moderation queue shows it to coordinators only.
    assert.equal((await call(owner, 'POST', `/api/v1/groups/${id}/changes/approve`)).status, 403);
    assert.equal((await call(owner, 'GET', '/api/v1/group-changes')).status, 403);
    assert.equal((await call(null, 'GET', '/api/v1/group-changes')).status, 401);
    const q = await call(coord, 'GET', '/api/v1/group-changes');
    assert.equal(q.status, 200, q.text);
    const item = q.json.changes.find((c) => c.group.id === id);
    assert.ok(item, JSON.stringify(q.json));
    assert.equal(item.group.name, 'Kindly Neighbours of Zeitoun');
    assert.equal(item.change.proposed.name, 'Send Money Here');
    assert.equal(item.change.submitted_by, owner.id);
    // Rejected: discarded, the old version stays.
    const rj = await call(coord, 'POST', `/api/v1/groups/${id}/changes/reject`);
    assert.equal(rj.status, 200, rj.text);
    assert.equal((await pub(id)).json.name, 'Kindly Neighbours of Zeitoun');
    assert.equal((await call(owner, 'GET', `/api/v1/groups/${id}`)).json.pending_change, undefined);
    assert.equal((await call(coord, 'POST', `/api/v1/groups/${id}/changes/reject`)).status, 404, 'nothing left to reject');
    // An honest change, approved: applied, and searchable.
    assert.equal((await call(owner, 'PATCH', `/api/v1/groups/${id}`, { name: 'Kindly Neighbours of Zeitoun and Yusefabad' })).status, 202);
    const ap = await call(coord, 'POST', `/api/v1/groups/${id}/changes/approve`);
    assert.equal(ap.status, 200, ap.text);
    assert.equal(ap.json.name, 'Kindly Neighbours of Zeitoun and Yusefabad');
    assert.equal((await pub(id)).json.name, 'Kindly Neighbours of Zeitoun and Yusefabad');
    assert.equal((await call(null, 'GET', '/api/v1/groups?q=yusefabad')).json.groups[0]?.id, id);
    // Sending the same values again is no change; staff edit directly.
    const same = await call(owner, 'PATCH', `/api/v1/groups/${id}`, { name: 'Kindly Neighbours of Zeitoun and Yusefabad' });
    assert.equal(same.status, 200, same.text);
    const byAdmin = await call(admin, 'PATCH', `/api/v1/groups/${id}`, { description: 'Checked by an admin.' });
    assert.equal(byAdmin.status, 200, byAdmin.text);
    assert.equal((await pub(id)).json.description, 'Checked by an admin.');
    const audit = sql(srv, `SELECT action FROM audit_log WHERE subject_id = '${id}' AND action LIKE 'group_change%' ORDER BY id`).map((r) => r[0]);
    assert.deepEqual(audit, ['group_change_submitted', 'group_change_submitted', 'group_change_rejected',
      'group_change_submitted', 'group_change_approved']);
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
