// static.test.mjs — the web front-end's files: MIME types, ETag/304, gzip, 404.html, and that no
// request can reach a file outside the web folder. Uses its own small web folder so the
// assertions do not depend on what web/ holds today.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { assertError, assertSecurityHeaders, startServer, STORE } from './lib/server.mjs';

const SECRET = 'TOP-SECRET-c4f1e0-outside-the-web-folder';
const BIG = 'Hamyari static text that compresses well. '.repeat(200);
const FILES = {
  'index.html': ['<!doctype html><title>index</title><p>home</p>', /^text\/html; charset=utf-8$/],
  'about.html': ['<!doctype html><title>about</title>', /^text\/html; charset=utf-8$/],
  'sub/index.html': ['<!doctype html><title>sub</title>', /^text\/html; charset=utf-8$/],
  'css/app.css': ['body { color: black }', /^text\/css; charset=utf-8$/],
  'js/app.js': ['export const x = 1;', /^text\/javascript; charset=utf-8$/],
  'js/mod.mjs': ['export default 2;', /^text\/javascript; charset=utf-8$/],
  'locales/fa.json': ['{"hello":"سلام"}', /^application\/json; charset=utf-8$/],
  'img/logo.svg': ['<svg xmlns="http://www.w3.org/2000/svg"/>', /^image\/svg\+xml$/],
  'img/dot.png': [Buffer.from('89504e470d0a1a0a', 'hex'), /^image\/png$/],
  'fonts/f.woff2': [Buffer.from('774f4632', 'hex'), /^font\/woff2$/],
  'manifest.webmanifest': ['{"name":"Hamyari"}', /^application\/manifest\+json/],
  'big.txt': [BIG, /^text\/plain; charset=utf-8$/],
  'data.bin': [Buffer.from([0, 1, 2, 3]), /^application\/octet-stream$/],
  '404.html': ['<!doctype html><title>not found</title><p>custom 404</p>', /^text\/html; charset=utf-8$/],
  // What scripts/build-web.mjs writes: content-hashed copies and their list.
  'assets/css/app.0123456789.css': ['body { color: navy }', /^text\/css; charset=utf-8$/],
  'assets/js/i18n.abcdef0123.js': ['export const y = 2;', /^text\/javascript; charset=utf-8$/],
  'assets/vendor/font/f.0a1b2c3d4e.woff2': [Buffer.from('774f4632', 'hex'), /^font\/woff2$/],
  'assets/manifest.json': ['{"assets":{}}', /^application\/json; charset=utf-8$/],
  'assets/js/short.abc.js': ['export const z = 3;', /^text\/javascript; charset=utf-8$/],
  'assets/js/upper.ABCDEF0123.js': ['export const u = 4;', /^text\/javascript; charset=utf-8$/],
  'css/app.0123456789.css': ['body { color: teal }', /^text\/css; charset=utf-8$/],
  'vendor/lib/lib.js': ['window.lib = 1;', /^text\/javascript; charset=utf-8$/],
};
// The build's sources: never served.
const SOURCES = { '_pages/index.html': '<!--\ntitle: home.title\n-->\n<h1>source</h1>', '_shell/nav.json': '{"sections":[]}' };

function makeWeb(root, { with404 = true } = {}) {
  const web = join(root, 'web');
  for (const [name, [content]] of Object.entries(FILES)) {
    if (name === '404.html' && !with404) continue;
    mkdirSync(join(web, name, '..'), { recursive: true });
    writeFileSync(join(web, name), content);
  }
  for (const [name, content] of Object.entries(SOURCES)) {
    mkdirSync(join(web, name, '..'), { recursive: true });
    writeFileSync(join(web, name), content);
  }
  writeFileSync(join(web, '.hidden'), SECRET);
  symlinkSync(join(root, 'secret.txt'), join(web, 'link.txt'));
  symlinkSync(root, join(web, 'linkdir'));
  return web;
}

describe(`static files [${STORE}]`, () => {
  let srv, root;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hamyari-web-'));
    writeFileSync(join(root, 'secret.txt'), SECRET);
    srv = await startServer({ web: makeWeb(root) });
  });
  after(async () => {
    await srv?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(`serves each file with its MIME type [${STORE}]`, async () => {
    for (const [name, [content, mime]] of Object.entries(FILES)) {
      if (name === '404.html') continue;
      const r = await srv.http(`/${name}`);
      assert.equal(r.status, 200, name);
      assert.match(r.headers['content-type'], mime, name);
      assert.ok(r.body.equals(Buffer.from(content)), `${name}: body differs`);
      assertSecurityHeaders(r.headers, name);
    }
  });

  it(`maps / to index.html, /sub/ to sub/index.html and /about to about.html [${STORE}]`, async () => {
    for (const [path, file] of [['/', 'index.html'], ['/sub/', 'sub/index.html'], ['/about', 'about.html']]) {
      const r = await srv.http(path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body.toString(), FILES[file][0], path);
    }
  });

  it(`HEAD gives the headers without the body [${STORE}]`, async () => {
    const r = await srv.http('/css/app.css', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.equal(Number(r.headers['content-length']), FILES['css/app.css'][0].length);
  });

  it(`answers If-None-Match with 304 and no body [${STORE}]`, async () => {
    const first = await srv.http('/js/app.js');
    const etag = first.headers.etag;
    assert.match(etag, /^"[0-9a-f]+"$/);
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const r = await srv.http('/js/app.js', { headers: { 'if-none-match': inm } });
      assert.equal(r.status, 304, `If-None-Match: ${inm}`);
      assert.equal(r.body.length, 0);
      assert.equal(r.headers.etag, etag);
    }
    const miss = await srv.http('/js/app.js', { headers: { 'if-none-match': '"nope"' } });
    assert.equal(miss.status, 200);
    const other = await srv.http('/css/app.css');
    assert.notEqual(other.headers.etag, etag, 'different files, different ETags');
  });

  it(`content-hashed files under /assets/ are cached for a year; everything else is revalidated [${STORE}]`, async () => {
    const IMMUTABLE = 'public, max-age=31536000, immutable';
    const expect = {
      '/assets/css/app.0123456789.css': IMMUTABLE,
      '/assets/js/i18n.abcdef0123.js': IMMUTABLE,
      '/assets/vendor/font/f.0a1b2c3d4e.woff2': IMMUTABLE,
      '/assets/manifest.json': 'no-cache', // no hash in the name
      '/assets/js/short.abc.js': 'no-cache', // too short for a hash
      '/assets/js/upper.ABCDEF0123.js': 'no-cache', // the build writes lowercase hex
      '/css/app.0123456789.css': 'no-cache', // hashed-looking, but not under /assets/
      '/vendor/lib/lib.js': 'public, max-age=86400',
      '/': 'no-cache',
      '/about': 'no-cache',
      '/js/app.js': 'no-cache',
    };
    for (const [path, cc] of Object.entries(expect)) {
      const r = await srv.http(path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['cache-control'], cc, path);
      // A revalidation answer repeats the same Cache-Control.
      const again = await srv.http(path, { headers: { 'if-none-match': r.headers.etag } });
      assert.equal(again.status, 304, `${path}: 304`);
      assert.equal(again.headers['cache-control'], cc, `${path}: 304 Cache-Control`);
    }
  });

  it(`never serves the front-end build's sources (names starting with "_") [${STORE}]`, async () => {
    for (const p of ['/_pages/index.html', '/_pages/index', '/_pages/', '/_shell/nav.json']) {
      const r = await srv.http(p);
      assert.equal(r.status, 404, p);
      assert.ok(!r.body.toString().includes('source') && !r.body.toString().includes('sections'), `${p} served a source`);
    }
  });

  it(`gzips when Accept-Encoding allows it, and only then [${STORE}]`, async () => {
    const gz = await srv.http('/big.txt', { headers: { 'accept-encoding': 'gzip, deflate' } });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.match(gz.headers.vary || '', /Accept-Encoding/i);
    assert.ok(gz.body.length < BIG.length / 4, `compressed ${gz.body.length} of ${BIG.length}`);
    assert.equal(gunzipSync(gz.body).toString(), BIG);
    for (const ae of [undefined, 'identity', 'gzip;q=0', 'br']) {
      const r = await srv.http('/big.txt', { headers: ae ? { 'accept-encoding': ae } : {} });
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-encoding'], undefined, `Accept-Encoding: ${ae}`);
      assert.equal(r.body.toString(), BIG, `Accept-Encoding: ${ae}`);
    }
    const small = await srv.http('/css/app.css', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(small.headers['content-encoding'], undefined, 'a tiny file is sent as it is');
    const png = await srv.http('/img/dot.png', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(png.headers['content-encoding'], undefined, 'images are not gzipped');
  });

  it(`serves web/404.html with status 404 for unknown pages [${STORE}]`, async () => {
    const r = await srv.http('/no/such/page');
    assert.equal(r.status, 404);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.equal(r.body.toString(), FILES['404.html'][0]);
    assertSecurityHeaders(r.headers, 'custom 404');
    const api = await srv.request('GET', '/api/v1/no-such-thing');
    assertError(api, 404, 'not_found', 'API paths keep the JSON 404');
  });

  it(`POST to a static file is 405 with Allow: GET, HEAD [${STORE}]`, async () => {
    const r = await srv.request('POST', '/css/app.css', { raw: 'x', headers: { 'content-type': 'text/plain' } });
    assertError(r, 405, 'method_not_allowed', 'POST static');
    assert.match(r.headers.get('allow'), /GET/);
  });

  it(`never serves dot-files or follows symbolic links [${STORE}]`, async () => {
    for (const p of ['/.hidden', '/link.txt', '/linkdir/secret.txt', '/linkdir/web/index.html']) {
      const r = await srv.http(p);
      assert.equal(r.status, 404, p);
      assert.ok(!r.body.toString().includes(SECRET), `${p} leaked the secret`);
    }
  });

  it(`no traversal, encoded or not, reaches outside the web folder [${STORE}]`, async () => {
    const attempts = [
      '/../secret.txt', '/../../secret.txt', '/sub/../../secret.txt', '/./../secret.txt',
      '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/.%2e/secret.txt', '/%2e./secret.txt',
      '/..%2fsecret.txt', '/..%2Fsecret.txt', '/sub%2f..%2f..%2fsecret.txt', '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt', '/..\\secret.txt', '/%252e%252e/secret.txt', '/%c0%ae%c0%ae/secret.txt',
      '//secret.txt', `/${root.slice(1)}/secret.txt`, `/${encodeURIComponent(root)}/secret.txt`,
      `//${root.slice(1)}/secret.txt`, '/etc/passwd', '//etc/passwd', '/../../../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/secret.txt%00.html', '/index.html%00/../../secret.txt',
      `${root}/secret.txt`, '/..;/secret.txt',
    ];
    for (const p of attempts) {
      const r = await srv.raw(`GET ${p} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      assert.ok([400, 404].includes(r.status), `${p}: status ${r.status}`);
      assert.ok(!r.text.includes(SECRET), `${p} leaked the secret`);
      assert.ok(!r.text.includes('root:x:0:0'), `${p} leaked /etc/passwd`);
      if (r.status === 400) assert.ok(r.json?.error?.code, `${p}: 400 without the JSON error body`);
    }
    const ok = await srv.request('GET', '/healthz');
    assert.equal(ok.status, 200, 'still healthy after the attempts');
  });
});

describe(`static files without a 404.html [${STORE}]`, () => {
  let srv, root;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hamyari-web-'));
    writeFileSync(join(root, 'secret.txt'), SECRET);
    srv = await startServer({ web: makeWeb(root, { with404: false }) });
  });
  after(async () => {
    await srv?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(`an unknown page is the JSON 404 [${STORE}]`, async () => {
    const r = await srv.request('GET', '/no/such/page');
    assertError(r, 404, 'not_found', 'no 404.html');
    assertSecurityHeaders(r.headers, 'JSON 404');
  });
});

describe(`serving without a web folder [${STORE}]`, () => {
  let srv;
  before(async () => { srv = await startServer({ web: '' }); });
  after(async () => { await srv?.stop(); });

  it(`the API works and every page is a JSON 404 [${STORE}]`, async () => {
    assert.equal((await srv.request('GET', '/healthz')).status, 200);
    assertError(await srv.request('GET', '/'), 404, 'not_found', '/');
    assertError(await srv.request('GET', '/index.html'), 404, 'not_found', '/index.html');
  });
});
