// The street map pipeline: scripts/osm-tiles.sh turns a tiny made-up OpenStreetMap extract
// (tests/fixtures/osm/vanak.osm: named streets, places, a park, a pond, a province border)
// into vector MBTiles with osmium-tool and tilemaker, and `hamyari serve --tiles` serves them
// as gzip-compressed Mapbox vector tiles. The browser side is tests/e2e/street-map.test.mjs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { startServer, STORE } from './lib/server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'osm-tiles.sh');
const OSM = join(ROOT, 'tests', 'fixtures', 'osm', 'vanak.osm');

// The XYZ tile holding a point.
function tileOf(lat, lon, z) {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x, y };
}

const run = (args) => spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 120000 });

describe(`street map pipeline [${STORE}]`, () => {
  let dir, srv, file, build;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hamyari-osm-'));
    file = join(dir, 'vanak.mbtiles');
    build = run(['--bbox', '51.398,35.748,51.418,35.768', '--out', file, OSM]);
    srv = await startServer({ args: ['--tiles', file] });
  });
  after(async () => {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds vector MBTiles from the extract, reporting each step', () => {
    assert.equal(build.status, 0, build.stderr);
    for (const step of ['1/3', '2/3', '3/3']) assert.match(build.stderr, new RegExp(`osm-tiles: ${step} done`));
    assert.ok(existsSync(file));
    const meta = Object.fromEntries(execFileSync('sqlite3', ['-separator', '\t', file, 'SELECT name, value FROM metadata'], { encoding: 'utf8' })
      .trim().split('\n').map((l) => l.split('\t')));
    assert.equal(meta.format, 'pbf');
    assert.equal(meta.maxzoom, '14');
    assert.match(meta.attribution, /OpenStreetMap/);
    const layers = JSON.parse(meta.json).vector_layers.map((l) => l.id);
    for (const l of ['transportation', 'place', 'water', 'landuse', 'boundary']) assert.ok(layers.includes(l), l);
  });

  it(`serves the tiles as gzip-compressed vector tiles holding the streets' names [${STORE}]`, async () => {
    const { x, y } = tileOf(35.7575, 51.41, 14);
    const t = await srv.http(`/tiles/14/${x}/${y}.pbf`);
    assert.equal(t.status, 200);
    assert.equal(t.headers['content-type'], 'application/x-protobuf');
    assert.equal(t.headers['content-encoding'], 'gzip');
    const pbf = gunzipSync(t.body).toString('utf8');
    // Protocol buffers keep strings as UTF-8 bytes: the layer names and the tag values show.
    for (const s of ['transportation', 'place', 'خیابان ولیعصر', 'Valiasr Street', 'ونک', 'Vanak', 'primary']) {
      assert.ok(pbf.includes(s), `tile lacks ${s}`);
    }
    const config = (await srv.request('GET', '/api/v1/config')).json.tiles;
    assert.deepEqual(config, { url: '/tiles/{z}/{x}/{y}', max_zoom: 14, attribution: '© OpenStreetMap contributors (ODbL)', format: 'vector' });
    // A tile outside the extract is not there.
    assert.equal((await srv.http('/tiles/14/0/0.pbf')).status, 404);
  });

  it('refuses bad arguments clearly and writes nothing', () => {
    const out = join(dir, 'bad.mbtiles');
    for (const [args, msg] of [
      [['--bbox', '51.4,35.7', '--out', out, OSM], /W,S,E,N/],
      [['--bbox', '52,35,51,36', '--out', out, OSM], /W < E/],
      [['--out', out, join(dir, 'missing.osm')], /cannot read/],
      [['--threads', '0', '--out', out, OSM], /--threads/],
      [['--frobnicate', OSM], /unknown option/],
      [['--bbox', '10,10,11,11', '--out', out, OSM], /no tile|holds no/],
    ]) {
      const r = run(args);
      assert.notEqual(r.status, 0, `${args}: ${r.stderr}`);
      assert.match(r.stderr, msg, `${args}`);
      assert.ok(!existsSync(out), `${args} wrote ${out}`);
    }
    const help = run(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: scripts\/osm-tiles\.sh/);
  });
});
