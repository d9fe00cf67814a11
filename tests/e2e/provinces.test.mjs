// Province borders on the offline map: at a country and a region zoom the groups page's map draws
// Iran's provinces' borders (thin lines, under the markers) and their names in the page's
// language, clear of the cities' names, and names them again when the language is switched; at a
// city zoom they are gone; the file is fetched once. fa and en, a phone (360 px) and a desktop;
// the coverage page's map too. Screenshots: test-output/screenshots/provinces-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './lib/server.mjs';
import { geonamesRow, IRAN_CITIES, importPlaces, openGroupsMap } from './lib/map.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROVINCES = JSON.parse(readFileSync(join(ROOT, 'web', 'vendor', 'admin1', 'IR.geojson'), 'utf8')).features;
const NAMES = {
  fa: new Set(PROVINCES.map((f) => f.properties.name_fa)),
  en: new Set(PROVINCES.map((f) => f.properties.name_en)),
};

// A few cities, so that the provinces' names have the cities' to make way for.
const GEONAMES = [...IRAN_CITIES, geonamesRow(111822, 'Yazd', 'Yazd,یزد', 31.89722, 54.3675, 'PPLA', 477905)].join('\n') + '\n';

let server, browser;
before(async () => {
  server = await startServer();
  importPlaces(server, { 'geonames.tsv': GEONAMES });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, `hamyari did not exit 0 on SIGTERM:\n${server.stderr}`);
});

// What the map in `sel` shows: the provinces' names, the places' names (boxes in the map's
// frame), the countries drawn and how many of the border layer's pixels are painted.
async function shown(page, sel) {
  return page.evaluate((s) => {
    const frame = document.querySelector(`${s} .hy-map-canvas`);
    const f = frame.getBoundingClientRect();
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent, lang: el.lang, left: r.left - f.left, top: r.top - f.top, right: r.right - f.left, bottom: r.bottom - f.top };
    };
    const canvas = frame.querySelector('.leaflet-provinces-pane canvas');
    let painted = 0;
    if (canvas && canvas.width && canvas.height) {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i]) painted++;
    }
    return {
      countries: frame.dataset.provinces ?? null,
      provinces: [...frame.querySelectorAll('.hy-province-label')].map(box),
      places: [...frame.querySelectorAll('.hy-place-labels:not(.hy-province-labels) .hy-place-label')].map(box),
      painted,
      width: f.width, height: f.height,
      zIndex: Object.fromEntries(['provinces', 'provinceLabels', 'placeLabels', 'marker', 'overlay', 'tile']
        .map((p) => [p, Number(getComputedStyle(frame.querySelector(`.leaflet-${p}-pane`)).zIndex)])),
    };
  }, sel);
}

// Moves the groups page's map and waits until the provinces and the places are drawn for it.
async function viewAt(page, center, zoom) {
  await page.evaluate(([c, z]) => { window.hamyariGroupsMap.map.setView(c, z, { animate: false }); }, [center, zoom]);
  await page.waitForFunction((z) => {
    const c = document.querySelector('#groups-map .hy-map-canvas');
    return c?.dataset.placeLabelsZoom === String(z) && c.dataset.provincesZoom === String(z)
      && !c.querySelector('.hy-province-labels').hidden && !c.querySelector('.leaflet-placeLabels-pane').hidden;
  }, zoom);
  return shown(page, '#groups-map');
}

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

function assertNames(view, lang, what) {
  assert.ok(view.provinces.length >= 3, `${what}: ${view.provinces.map((p) => p.text)}`);
  for (const p of view.provinces) {
    assert.ok(NAMES[lang].has(p.text), `${what}: «${p.text}» is a province's ${lang} name`);
    assert.equal(p.lang, lang);
    assert.ok(p.left >= 0 && p.top >= 0 && p.right <= view.width + 0.5 && p.bottom <= view.height + 0.5, `${what}: «${p.text}» inside the map`);
  }
  const all = [...view.provinces, ...view.places];
  for (const [i, a] of all.entries()) {
    for (const b of all.slice(i + 1)) assert.ok(!overlaps(a, b), `${what}: «${a.text}» and «${b.text}» overlap`);
  }
}

for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`province borders and names on the offline map, ${lang} at ${width} px`, async () => {
      const { context, page, problems, requests } = await openGroupsMap(browser, server, lang, width);
      const shots = await screenshotDir();

      // Iran filling the map: borders drawn, names in the page's language, none over a city's.
      const country = await viewAt(page, [32.5, 53.7], 5);
      assert.equal(country.countries, 'IR');
      assert.ok(country.painted > 500, `border pixels painted: ${country.painted}`);
      assertNames(country, lang, 'zoom 5');
      assert.ok(country.places.some((p) => p.text === (lang === 'fa' ? 'تهران' : 'Tehran')), 'the cities are named too');
      // The lines lie above the basemap and any tiles, under the areas, the names and the markers.
      const z = country.zIndex;
      assert.ok(z.tile < z.provinces && z.provinces < z.overlay && z.overlay < z.provinceLabels
        && z.provinceLabels < z.placeLabels && z.placeLabels < z.marker, JSON.stringify(z));
      await page.locator('#groups-map').screenshot({ path: join(shots, `provinces-${lang}-${width}-z5.png`) });

      // A marker on a border (between Tehran and Alborz) is what a tap there finds.
      // (The page sets its own markers from the groups in view: this one is added to the map.)
      const region = await viewAt(page, [35.75, 50.97], 7);
      await page.evaluate(() => { window.L.marker([35.75, 50.97], { title: 'on the border' }).addTo(window.hamyariGroupsMap.map); });
      await page.waitForSelector('#groups-map .leaflet-marker-icon');
      assert.equal(region.countries, 'IR');
      assert.ok(region.painted > 200, `border pixels painted at zoom 7: ${region.painted}`);
      assertNames(region, lang, 'zoom 7');
      const hit = await page.evaluate(() => {
        const r = document.querySelector('#groups-map .leaflet-marker-icon').getBoundingClientRect();
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.classList.contains('leaflet-marker-icon');
      });
      assert.ok(hit, 'the marker is on top');
      await page.locator('#groups-map').screenshot({ path: join(shots, `provinces-${lang}-${width}-z7.png`) });

      // The other language: the provinces are named again.
      await page.click('#lang-switch');
      const other = lang === 'fa' ? 'en' : 'fa';
      await page.waitForFunction((l) => document.documentElement.lang === l, other);
      await page.waitForFunction((l) => {
        const els = [...document.querySelectorAll('#groups-map .hy-province-label')];
        return els.length && els.every((el) => el.lang === l);
      }, other);
      assertNames(await shown(page, '#groups-map'), other, `zoom 7 after switching to ${other}`);

      // A city's view: no province lines or names, and the file was fetched once.
      const city = await viewAt(page, [35.7, 51.4], 12);
      assert.equal(city.countries, '');
      assert.equal(city.provinces.length, 0);
      assert.equal(city.painted, 0);
      // Away from Iran at a region zoom: nothing to fetch or draw.
      const away = await viewAt(page, [52, -1.5], 6);
      assert.equal(away.countries, '');
      assert.equal(requests.filter((u) => u.includes('/vendor/admin1/IR.borders')).length, 1, 'the borders fetched once');
      assert.ok(requests.every((u) => !u.includes('IR.geojson')), 'the map needs not the whole GeoJSON');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('the coverage page’s map draws the provinces too (fa, 360 px)', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 360, height: 740 } });
  const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
  await page.goto(`${server.url}/coverage`);
  await waitForShell(page);
  await page.locator('#coverage-map').scrollIntoViewIfNeeded();
  await page.waitForSelector('#coverage-map[data-state="ready"]');
  await page.waitForFunction(() => document.querySelector('#coverage-map .hy-map-canvas')?.dataset.provinces === 'IR');
  const view = await shown(page, '#coverage-map');
  assert.ok(view.painted > 200, `border pixels painted: ${view.painted}`);
  assert.ok(view.provinces.every((p) => NAMES.fa.has(p.text)));
  await page.locator('#coverage-map').screenshot({ path: join(await screenshotDir(), 'provinces-coverage-fa-360.png') });
  assert.deepEqual(problems, []);
  await context.close();
});
