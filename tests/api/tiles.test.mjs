// tiles.test.mjs — map tiles: GET /tiles/{z}/{x}/{y} from an MBTiles file (made here with the
// sqlite3 command), /api/v1/config pointing at them, and --tile-url adding its origin to the CSP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertError, assertSecurityHeaders, startServer, STORE } from './lib/server.mjs';

// MBTiles rows use the TMS scheme (row 0 in the south); the URL uses XYZ (row 0 in the north).
// At zoom 1, XYZ y=0 is TMS row 1.
const TILE = '89504e470d0a1a0a0000000d49484452'; // the start of a PNG, enough to tell tiles apart
const SQL = `
CREATE TABLE metadata (name TEXT, value TEXT);
CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
INSERT INTO metadata VALUES ('format', 'png'), ('maxzoom', '5'), ('attribution', 'Test tiles');
INSERT INTO tiles VALUES (0, 0, 0, X'${TILE}00'), (1, 1, 1, X'${TILE}11'), (1, 1, 0, X'${TILE}10');
`;

describe(`map tiles [${STORE}]`, () => {
  let srv, dir;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hamyari-tiles-'));
    const file = join(dir, 'test.mbtiles');
    execFileSync('sqlite3', [file], { input: SQL });
    srv = await startServer({ args: ['--tiles', file] });
  });
  after(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`serves a tile with its type, converting XYZ rows to the file's TMS rows [${STORE}]`, async () => {
    const t0 = await srv.http('/tiles/0/0/0');
    assert.equal(t0.status, 200);
    assert.equal(t0.headers['content-type'], 'image/png');
    assert.equal(t0.body.toString('hex'), `${TILE}00`);
    assert.match(t0.headers['cache-control'], /max-age=\d+/);
    assertSecurityHeaders(t0.headers, 'tile');
    assert.equal((await srv.http('/tiles/1/1/0')).body.toString('hex'), `${TILE}11`, 'XYZ y=0 is TMS row 1');
    assert.equal((await srv.http('/tiles/1/1/1.png')).body.toString('hex'), `${TILE}10`, 'with an extension');
  });

  it(`a missing or impossible tile is a JSON 404 [${STORE}]`, async () => {
    for (const p of ['/tiles/1/0/0', '/tiles/0/1/0', '/tiles/25/0/0', '/tiles/a/0/0', '/tiles/1/1/-1', '/tiles/1/1/1.toolong', '/tiles/99999999999999999999/0/0']) {
      assertError(await srv.request('GET', p), 404, 'not_found', p);
    }
  });

  it(`/api/v1/config points the front-end at these tiles [${STORE}]`, async () => {
    const r = await srv.request('GET', '/api/v1/config');
    assert.deepEqual(r.json.tiles, { url: '/tiles/{z}/{x}/{y}', max_zoom: 5, attribution: 'Test tiles', format: 'raster' });
  });
});

describe(`external tiles [${STORE}]`, () => {
  let srv;
  before(async () => {
    srv = await startServer({ args: ['--tile-url', 'https://tiles.example.org/{z}/{x}/{y}.png', '--tile-attribution', '© Example'] });
  });
  after(async () => { await srv?.stop(); });

  it(`config names the external server and the CSP allows its images, nothing more [${STORE}]`, async () => {
    const r = await srv.request('GET', '/api/v1/config');
    assert.equal(r.json.tiles.url, 'https://tiles.example.org/{z}/{x}/{y}.png');
    assert.equal(r.json.tiles.attribution, '© Example');
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /img-src [^;]*https:\/\/tiles\.example\.org/);
    assert.doesNotMatch(csp, /(script|connect|default)-src [^;]*tiles\.example\.org/);
    assertError(await srv.request('GET', '/tiles/0/0/0'), 404, 'not_found', 'no local tiles');
  });

  it(`a tile URL that is not absolute http(s) stops the server [${STORE}]`, async () => {
    await assert.rejects(startServer({ args: ['--tile-url', 'javascript:alert(1)'] }), /did not start/);
  });
});
