// The street map, end to end as an operator makes it: scripts/osm-tiles.sh builds vector tiles
// from a tiny made-up OpenStreetMap extract (tests/fixtures/osm/vanak.osm), `hamyari serve
// --tiles` serves them, and the groups page draws the streets (MapLibre GL under the markers)
// with their names in the page's language; fa and en, 360 px and desktop. Screenshots:
// test-output/screenshots/street-map-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, ROOT } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';

let server, browser, tmp;
before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hy-street-map-'));
  const tiles = join(tmp, 'vanak.mbtiles');
  execFileSync('bash', [join(ROOT, 'scripts', 'osm-tiles.sh'), '--out', tiles, join(ROOT, 'tests', 'fixtures', 'osm', 'vanak.osm')], { stdio: 'pipe' });
  server = await startServer({ args: ['--tiles', tiles] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, `hamyari did not exit 0 on SIGTERM:\n${server.stderr}`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const NAMES = {
  fa: { streets: ['خیابان ولیعصر', 'خیابان ونک', 'خیابان ملاصدرا'], place: 'ونک' },
  en: { streets: ['Valiasr Street', 'Vanak Street', 'Mollasadra Street'], place: 'Vanak' },
};

for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`streets and their names drawn from the operator's tiles, ${lang} at ${width} px`, async () => {
      const context = await newContext(browser, { lang, viewport: { width, height: width === 360 ? 740 : 900 } });
      // Tiles outside the extract are 404 (MapLibre draws them empty): the only errors allowed.
      const allowStatus = (url, status) => status === 404 && /\/tiles\/\d+\/\d+\/\d+$/.test(new URL(url).pathname);
      const { page, problems, requests } = await instrumentedPage(context, { allowedOrigin: server.url, allowStatus });
      await page.goto(`${server.url}/groups`);
      await waitForShell(page);
      await page.locator('#groups-map').scrollIntoViewIfNeeded();
      await page.waitForSelector('#groups-map[data-state="ready"]');
      assert.equal(await page.evaluate(() => document.querySelector('#groups-map .hy-map-canvas').dataset.streetMap), 'vector');
      await page.evaluate(() => { window.hamyariGroupsMap.followView = false; window.hamyariGroupsMap.map.setView([35.758, 51.41], 15, { animate: false }); });
      const n = NAMES[lang];
      // MapLibre has the streets on screen, with their names in the tiles …
      await page.waitForFunction(() => {
        const gl = window.hamyariGroupsMap.street?.glMap;
        return gl && gl.loaded() && gl.queryRenderedFeatures({ layers: ['streets'] }).length >= 4;
      });
      const rendered = await page.evaluate(() => {
        const gl = window.hamyariGroupsMap.street.glMap;
        return {
          streets: [...new Set(gl.queryRenderedFeatures({ layers: ['streets'] }).map((f) => f.properties.name_en))],
          places: gl.queryRenderedFeatures({ layers: ['places'] }).map((f) => f.properties.name_en),
          water: gl.queryRenderedFeatures({ layers: ['water'] }).length,
          parks: gl.queryRenderedFeatures({ layers: ['parks'] }).length,
        };
      });
      for (const s of ['Valiasr Street', 'Vanak Street']) assert.ok(rendered.streets.includes(s), JSON.stringify(rendered));
      assert.ok(rendered.places.includes('Vanak'), JSON.stringify(rendered));
      assert.ok(rendered.water > 0 && rendered.parks > 0, JSON.stringify(rendered));
      // … and the page writes them, in its language, none over another.
      await page.waitForFunction((names) => {
        const shown = [...document.querySelectorAll('#groups-map .hy-street-label')].map((el) => el.textContent);
        return names.some((s) => shown.includes(s));
      }, n.streets);
      const labels = await page.evaluate(() => [...document.querySelectorAll('#groups-map .hy-street-label')].map((el) => {
        const r = el.getBoundingClientRect();
        return { text: el.textContent, kind: el.dataset.kind, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }));
      const texts = labels.map((l) => l.text);
      assert.ok(texts.includes(n.place) || labels.filter((l) => l.kind === 'street').length >= 2, `${texts}`);
      const other = lang === 'fa' ? NAMES.en : NAMES.fa;
      assert.ok(!other.streets.some((s) => texts.includes(s)), `names in the page's language: ${texts}`);
      for (const [i, a] of labels.entries()) {
        for (const b of labels.slice(i + 1)) {
          assert.ok(!(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom), `«${a.text}» over «${b.text}»`);
        }
      }
      await page.locator('#groups-map').screenshot({ path: join(await screenshotDir(), `street-map-${lang}-${width}.png`) });
      assert.ok(requests.some((u) => /\/tiles\/1[45]\/\d+\/\d+/.test(u)), 'tiles fetched from the server');
      assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith('data:') || u.startsWith('blob:')), 'all requests to the test server');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
