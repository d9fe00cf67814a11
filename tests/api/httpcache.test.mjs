// httpcache.test.mjs — answers as caches and slow links see them: gzip for every compressible
// answer of 1 KiB and more (JSON API answers, GeoJSON, CSV, Atom, the sitemap, static files)
// when Accept-Encoding allows it, with Vary: Accept-Encoding; none for small answers or answers
// that carry a CSRF token (too small today to test); the gzip and the plain variant with different ETags; 304 answers
// that repeat Cache-Control, ETag and Vary and carry no Content-Length: 0; Last-Modified and
// If-Modified-Since. Runs on the store HY_TEST_STORE names (the test command runs it on both).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { startServer, STORE } from './lib/server.mjs';
import { addUser, signIn } from './lib/accounts.mjs';

const S = `[${STORE}]`;
let srv;

before(async () => {
  srv = await startServer({ args: ['--demo'] });
  await addUser(srv, { email: 'admin@example.org', role: 'admin' });
});
after(() => srv?.stop());

// Public answers of at least 1 KiB, each a different kind.
const BIG = [
  ['/api/v1/groups?limit=100', /^application\/json/],
  ['/api/v1/groups.geojson', /^application\/geo\+json/],
  ['/api/v1/groups.csv', /^text\/csv/],
  ['/api/v1/library', /^application\/json/],
  ['/api/v1/library?q=covid', /^application\/json/],
  ['/api/v1/communities', /^application\/json/],
  ['/library.atom', /^application\/atom\+xml/],
  ['/sitemap.xml', /^application\/xml/],
  ['/', /^text\/html/],
];
// Those clients poll: validated by ETag.
const VALIDATED = ['/api/v1/groups.geojson', '/api/v1/groups.csv', '/api/v1/library', '/library.atom', '/sitemap.xml', '/'];

describe(`compression ${S}`, () => {
  it('every compressible answer of 1 KiB or more is gzip when asked, plain otherwise, the same bytes either way', async () => {
    for (const [path, type] of BIG) {
      const plain = await srv.http(path);
      const gz = await srv.http(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(plain.status, 200, path);
      assert.equal(gz.status, 200, path);
      assert.match(gz.headers['content-type'], type, path);
      assert.ok(plain.body.length >= 1024, `${path} is ${plain.body.length} bytes`);
      assert.equal(plain.headers['content-encoding'], undefined, path);
      assert.equal(gz.headers['content-encoding'], 'gzip', path);
      for (const r of [plain, gz]) assert.match(r.headers.vary ?? '', /Accept-Encoding/, `${path}: Vary`);
      assert.ok(gz.body.length < plain.body.length, `${path}: ${gz.body.length} ≥ ${plain.body.length}`);
      assert.equal(Number(gz.headers['content-length']), gz.body.length, path);
      assert.deepEqual(gunzipSync(gz.body), plain.body, `${path}: the same answer`);
    }
  });

  it('gzip;q=0, identity and no header get the plain answer', async () => {
    for (const ae of ['gzip;q=0', 'identity', 'br']) {
      const r = await srv.http('/api/v1/groups.geojson', { headers: { 'accept-encoding': ae } });
      assert.equal(r.headers['content-encoding'], undefined, ae);
      JSON.parse(r.body.toString('utf8'));
    }
  });

  it('answers under 1 KiB and errors go as they are', async () => {
    for (const path of ['/healthz', '/api/v1/groups?limit=1', '/api/v1/library?type=novel']) {
      const r = await srv.http(path, { headers: { 'accept-encoding': 'gzip' } });
      assert.ok(r.body.length < 1024 || r.status >= 400, path);
      assert.equal(r.headers['content-encoding'], undefined, path);
    }
  });
});

describe(`validators and 304 ${S}`, () => {
  it('the gzip and the plain variant have different strong ETags; each revalidates only itself', async () => {
    for (const path of VALIDATED) {
      const plain = await srv.http(path);
      const gz = await srv.http(path, { headers: { 'accept-encoding': 'gzip' } });
      assert.match(plain.headers.etag, /^"[0-9a-f]{16}"$/, path);
      assert.match(gz.headers.etag, /^"[0-9a-f]{16}"$/, path);
      assert.notEqual(gz.headers.etag, plain.headers.etag, path);
      // The same request again: the same tag (no time or randomness in the bytes).
      assert.equal((await srv.http(path)).headers.etag, plain.headers.etag, path);
      const hit = await srv.http(path, { headers: { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag } });
      assert.equal(hit.status, 304, path);
      // The plain variant's tag does not validate the gzip one.
      const miss = await srv.http(path, { headers: { 'accept-encoding': 'gzip', 'if-none-match': plain.headers.etag } });
      assert.equal(miss.status, 200, path);
      assert.equal(miss.headers['content-encoding'], 'gzip', path);
      // A list of tags, weak prefixes and * (RFC 9110, section 13.1.2).
      for (const inm of [`"x", ${plain.headers.etag}`, `W/${plain.headers.etag}`, '*'])
        assert.equal((await srv.http(path, { headers: { 'if-none-match': inm } })).status, 304, `${path} ${inm}`);
    }
  });

  it('a 304 repeats Cache-Control, ETag and Vary, has no body and no Content-Length: 0', async () => {
    for (const path of VALIDATED) {
      for (const ae of [undefined, 'gzip']) {
        const headers = ae ? { 'accept-encoding': ae } : {};
        const full = await srv.http(path, { headers });
        const r = await srv.http(path, { headers: { ...headers, 'if-none-match': full.headers.etag } });
        assert.equal(r.status, 304, path);
        assert.equal(r.body.length, 0, path);
        for (const h of ['cache-control', 'etag', 'vary', 'last-modified'])
          assert.equal(r.headers[h], full.headers[h], `${path} ${ae}: ${h}`);
        assert.equal(r.headers['content-encoding'], undefined, path);
        assert.equal(r.headers['transfer-encoding'], undefined, path);
        // Content-Length, if sent, is the one of the 200 the 304 stands for (RFC 9110, 8.6).
        if (r.headers['content-length'] !== undefined)
          assert.equal(r.headers['content-length'], full.headers['content-length'], `${path} ${ae}`);
      }
    }
  });

  it('a 304 on a kept-alive connection has no body: the next answer follows its head at once', async () => {
    const first = await srv.http('/library.atom');
    const bytes = await new Promise((res, rej) => {
      const sock = net.connect(srv.port, '127.0.0.1');
      const chunks = [];
      sock.on('data', (d) => chunks.push(d));
      sock.on('end', () => res(Buffer.concat(chunks).toString('latin1')));
      sock.on('error', rej);
      sock.setTimeout(10000, () => sock.destroy(new Error('timeout')));
      sock.write(`GET /library.atom HTTP/1.1\r\nHost: t\r\nIf-None-Match: ${first.headers.etag}\r\n\r\n` +
        'GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    });
    const [head304, rest] = [bytes.slice(0, bytes.indexOf('\r\n\r\n') + 4), bytes.slice(bytes.indexOf('\r\n\r\n') + 4)];
    assert.match(head304, /^HTTP\/1\.1 304 /);
    assert.match(rest, /^HTTP\/1\.1 200 [^]*"status":"ok"/, 'nothing between the 304 and the next answer');
  });

  it('If-Modified-Since where the answer has a date; a date that does not parse is ignored', async () => {
    for (const path of ['/library.atom', '/sitemap.xml']) {
      const r = await srv.http(path);
      const lm = r.headers['last-modified'];
      assert.match(lm, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.equal((await srv.http(path, { headers: { 'if-modified-since': lm } })).status, 304, path);
      const later = new Date(Date.parse(lm) + 86400e3).toUTCString();
      assert.equal((await srv.http(path, { headers: { 'if-modified-since': later } })).status, 304, path);
      const earlier = new Date(Date.parse(lm) - 1000).toUTCString();
      assert.equal((await srv.http(path, { headers: { 'if-modified-since': earlier } })).status, 200, path);
      for (const bad of ['yesterday', '', 'Sun, 99 Foo 2020 00:00:00 GMT', `${lm} trailing`])
        assert.equal((await srv.http(path, { headers: { 'if-modified-since': bad } })).status, 200, `${path} ${bad}`);
    }
  });

  it('a change shows at once: a new group changes the export\'s ETag', async () => {
    const before = await srv.http('/api/v1/groups.csv');
    const c = await signIn(srv, 'admin@example.org');
    const g = await c.post('/api/v1/groups', { name: 'Cache test group', lat: 35.7, lon: 51.4 });
    assert.equal(g.status, 201, g.text);
    assert.equal((await c.post(`/api/v1/groups/${g.json.id}/approve`)).status, 200);
    const r = await srv.http('/api/v1/groups.csv', { headers: { 'if-none-match': before.headers.etag } });
    assert.equal(r.status, 200);
    assert.notEqual(r.headers.etag, before.headers.etag);
    assert.match(r.body.toString('utf8'), /Cache test group/);
  });
});
