// The offline map at city zoom: with no tile server, the map names the cities, towns and
// neighbourhoods of the server's gazetteer, in the page's language, the big ones at a country
// zoom and the neighbourhoods at a city zoom, never one label over another; fa and en, a phone
// (360 px) and a desktop. Screenshots: test-output/screenshots/map-labels-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { geonamesRow as row, IRAN_CITIES, importPlaces, openGroupsMap } from './lib/map.mjs';
import { launchBrowser, screenshotDir } from './lib/browser.mjs';

const GEONAMES = [
  ...IRAN_CITIES,
  row(32767, 'Qarchak', 'Qarchak,قرچک', 35.42867, 51.57544, 'PPL', 251834),
  row(130001, 'Eslamshahr', 'Eslamshahr,اسلام‌شهر', 35.5522, 51.235, 'PPL', 357389),
  row(130002, 'Kan', 'Kan,کن', 35.7575, 51.27, 'PPL', 5000),
].join('\n') + '\n';
const LIST = [
  'name,alt_names,lat,lon,kind',
  'نارمک,Narmak,35.7456,51.5011,neighbourhood',
  'ونک,Vanak,35.7575,51.4100,neighbourhood',
  'تجریش,Tajrish,35.8043,51.4255,neighbourhood',
  'یوسف‌آباد,Yusefabad,35.7310,51.4060,neighbourhood',
  'امیرآباد,Amirabad,35.7390,51.3900,neighbourhood',
  'پونک,Punak,35.7620,51.3320,neighbourhood',
].join('\n') + '\n';

let server, browser;
before(async () => {
  server = await startServer();
  importPlaces(server, { 'geonames.tsv': GEONAMES, 'list.csv': LIST });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, `hamyari did not exit 0 on SIGTERM:\n${server.stderr}`);
});

// Moves the groups page's map and waits until the labels of that zoom are drawn; returns them.
async function labelsAt(page, center, zoom) {
  await page.evaluate(([c, z]) => { window.hamyariGroupsMap.map.setView(c, z, { animate: false }); }, [center, zoom]);
  await page.waitForFunction((z) => document.querySelector('#groups-map .hy-map-canvas')?.dataset.placeLabelsZoom === String(z)
    && !document.querySelector('#groups-map .hy-place-labels').hidden, zoom);
  return page.evaluate(() => {
    const frame = document.querySelector('#groups-map .hy-map-canvas').getBoundingClientRect();
    return [...document.querySelectorAll('#groups-map .hy-place-label')].map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent, kind: el.dataset.kind, dir: el.dir, cls: el.className,
        left: r.left - frame.left, top: r.top - frame.top, right: r.right - frame.left, bottom: r.bottom - frame.top,
        frameW: frame.width, frameH: frame.height };
    });
  });
}

function assertApart(labels, what) {
  for (const [i, a] of labels.entries()) {
    assert.ok(a.left >= 0 && a.top >= 0 && a.right <= a.frameW + 0.5 && a.bottom <= a.frameH + 0.5, `${what}: ${a.text} inside the map ${JSON.stringify(a)}`);
    assert.ok(a.right - a.left > 5 && a.bottom - a.top > 5, `${what}: ${a.text} has a size`);
    for (const b of labels.slice(i + 1)) {
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      assert.ok(!overlap, `${what}: «${a.text}» and «${b.text}» overlap`);
    }
  }
}

const NAMES = {
  fa: { tehran: 'تهران', shiraz: 'شیراز', vanak: 'ونک', qarchak: 'قرچک' },
  en: { tehran: 'Tehran', shiraz: 'Shiraz', vanak: 'Vanak', qarchak: 'Qarchak' },
};

for (const lang of ['fa', 'en']) {
  for (const width of [360, 1280]) {
    test(`place names on the offline map, ${lang} at ${width} px`, async () => {
      const { context, page, problems, requests } = await openGroupsMap(browser, server, lang, width);
      const n = NAMES[lang];
      const shots = await screenshotDir();

      // A country view: the big cities, no neighbourhood.
      const country = await labelsAt(page, [32.5, 53.7], 5);
      const texts = country.map((l) => l.text);
      assert.ok(texts.includes(n.tehran), `${texts}`);
      assert.ok(texts.includes(n.shiraz), `${texts}`);
      assert.ok(!texts.includes(n.vanak), `${texts}`);
      assert.ok(country.every((l) => l.dir === 'auto'));
      assert.match(country.find((l) => l.text === n.tehran).cls, /--large/);
      assertApart(country, 'zoom 5');
      await page.locator('#groups-map').screenshot({ path: join(shots, `map-labels-${lang}-${width}-z5.png`) });

      // Qarchak is next to Tehran: at zoom 6 it would sit on Tehran’s label and is left out;
      // at zoom 10 there is room for both.
      const z6 = (await labelsAt(page, [35.6, 51.45], 6)).map((l) => l.text);
      assert.ok(z6.includes(n.tehran) && !z6.includes(n.qarchak), `${z6}`);
      const z10 = await labelsAt(page, [35.56, 51.5], 10);
      assert.ok(z10.some((l) => l.text === n.qarchak), `${z10.map((l) => l.text)}`);
      assert.ok(!z10.some((l) => l.kind === 'neighbourhood'), 'no neighbourhood before zoom 11');
      assertApart(z10, 'zoom 10');

      // A city view: the neighbourhoods of the operator's list, in the page's language.
      const city = await labelsAt(page, [35.765, 51.43], 12);
      await page.locator('#groups-map').screenshot({ path: join(shots, `map-labels-${lang}-${width}-z12.png`) });
      const local = city.filter((l) => l.kind === 'neighbourhood').map((l) => l.text);
      assert.ok(local.includes(n.vanak), `${city.map((l) => l.text)}`);
      assert.ok(local.length >= 3, `${local}`);
      assertApart(city, 'zoom 12');

      // The other language: the same view is named again.
      await page.click('#lang-switch');
      const other = lang === 'fa' ? 'en' : 'fa';
      await page.waitForFunction((l) => document.documentElement.lang === l, other);
      await page.waitForFunction((name) => [...document.querySelectorAll('#groups-map .hy-place-label')].some((el) => el.textContent === name), NAMES[other].vanak);

      assert.ok(requests.some((u) => u.includes('/api/v1/map/places?')), 'labels asked of the server');
      assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith('data:')), 'all requests to the test server');
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
