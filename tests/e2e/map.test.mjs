// The map component: offline basemap with no request beyond the test server, clustered markers
// with an accessible list kept in step, finer outlines on zoom, and tiles when configured.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, `hamyari did not exit 0 on SIGTERM:\n${server.stderr}`);
});

async function groupsPage(lang = 'fa', { routes } = {}) {
  const context = await newContext(browser, { lang });
  if (routes) await routes(context);
  const { page, problems, requests } = await instrumentedPage(context, { allowedOrigin: server.url });
  await page.goto(`${server.url}/groups`);
  await waitForShell(page);
  await page.waitForSelector('#groups-map[data-state="ready"]');
  return { context, page, problems, requests };
}

// 60 points around Tehran (they cluster) and 3 elsewhere in Iran.
const MARKERS = [
  ...Array.from({ length: 60 }, (_, i) => ({
    id: `t${i}`, lat: 35.6 + (i % 10) * 0.02, lon: 51.3 + Math.floor(i / 10) * 0.03,
    title: `Tehran group ${i + 1}`, description: `Neighbourhood ${i + 1}`,
  })),
  { id: 'shiraz', lat: 29.59, lon: 52.58, title: 'گروه همیاری شیراز', description: 'محلهٔ ارم' },
  { id: 'tabriz', lat: 38.08, lon: 46.29, title: 'Tabriz group', href: '/groups' },
  { id: 'mashhad', lat: 36.3, lon: 59.6, title: 'Mashhad group' },
];

test('groups page: offline basemap drawn, honest empty list, nothing fetched from other hosts', async () => {
  for (const lang of ['fa', 'en']) {
    const { context, page, problems, requests } = await groupsPage(lang);
    const info = await page.evaluate(() => {
      const el = document.getElementById('groups-map');
      const canvas = el.querySelector('.leaflet-basemap-pane canvas');
      return {
        basemap: el.dataset.basemap,
        outlines: Number(el.dataset.outlines),
        canvas: canvas ? { w: canvas.width, h: canvas.height } : null,
        empty: document.querySelector('#groups-list .hy-map-list-empty')?.textContent,
        label: el.getAttribute('aria-label'),
        // The zoom buttons are in a bar above the map, not on it (they would cover markers).
        zoomTitle: el.querySelector('.hy-map-toolbar .leaflet-control-zoom-in')?.getAttribute('title'),
        zoomOnMap: el.querySelectorAll('.leaflet-container .leaflet-control-zoom').length,
      };
    });
    assert.equal(info.basemap, 'coarse');
    assert.ok(info.outlines > 150, `country outlines drawn (${info.outlines})`);
    assert.ok(info.canvas && info.canvas.w > 100 && info.canvas.h > 100, 'basemap canvas has a size');
    assert.ok(info.empty && info.label && info.zoomTitle);
    assert.equal(info.zoomOnMap, 0, 'no control over the markers');
    assert.ok(requests.some((u) => /\/vendor\/world-atlas\/countries-110m\.[0-9a-f]{10}\.json$/.test(u)), 'coarse outlines (content-hashed name)');
    assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith('data:')), 'all requests to the test server');
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('markers cluster, the list mirrors them, and choosing from the list opens the marker', async () => {
  const { context, page, problems } = await groupsPage('fa');
  await page.evaluate(async (markers) => {
    // The groups page reloads its markers from the API as the view moves: stop that, so the
    // component is tested with these markers alone.
    window.hamyariGroupsMap.followView = false;
    window.hamyariGroupsMap.setMarkers(markers);
  }, MARKERS);
  await page.waitForSelector('#groups-map .hy-cluster');
  const counts = await page.evaluate(() => ({
    items: document.querySelectorAll('#groups-list li[data-marker-id]').length,
    clusters: document.querySelectorAll('#groups-map .hy-cluster').length,
    markers: document.querySelectorAll('#groups-map .leaflet-marker-icon:not(.hy-cluster)').length,
    clusterText: document.querySelector('#groups-map .hy-cluster').textContent,
    count: document.getElementById('groups-map').dataset.markers,
  }));
  assert.equal(counts.items, MARKERS.length, 'one list item per marker');
  assert.equal(counts.count, String(MARKERS.length));
  assert.ok(counts.clusters >= 1, 'nearby markers are clustered');
  assert.match(counts.clusterText, /[۰-۹]+/, 'cluster count in Persian digits');
  assert.ok(counts.markers >= 3, 'distant markers shown alone');

  // Keyboard: Tab to a list item and press Enter.
  await page.focus('#groups-list li[data-marker-id="t7"] button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#groups-map .leaflet-popup-content');
  const chosen = await page.evaluate(() => ({
    popup: document.querySelector('#groups-map .leaflet-popup-content').textContent,
    current: document.querySelector('#groups-list li[aria-current="true"]')?.dataset.markerId,
  }));
  assert.match(chosen.popup, /Tehran group 8/);
  assert.equal(chosen.current, 't7');

  // Clicking a lone marker on the map marks its list item.
  await page.evaluate(() => { window.hamyariGroupsMap.map.setView([36.3, 59.6], 7); });
  const marker = page.locator('#groups-map .leaflet-marker-icon[alt="Mashhad group"]');
  await marker.waitFor();
  await marker.click();
  await page.waitForFunction(() => document.querySelector('#groups-list li[aria-current="true"]')?.dataset.markerId === 'mashhad');

  await page.waitForTimeout(500); // let the popup finish fading in before measuring contrast
  const axe = await runAxe(page);
  assert.equal(axe.blocking.length, 0, describeViolations(axe.blocking));
  await page.screenshot({ path: join(await screenshotDir(), 'map-markers-fa-1280.png'), fullPage: true });

  // Switching language re-renders the list and controls in place.
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.locator('.hy-map-toolbar .leaflet-control-zoom-in').getAttribute('title'), 'Zoom in');
  assert.equal(await page.locator('#groups-list li[data-marker-id]').count(), MARKERS.length);
  assert.deepEqual(problems, []);
  await context.close();
});

test('zooming in loads the finer 50m outlines, still from this server', async () => {
  const { context, page, problems, requests } = await groupsPage('en');
  await page.evaluate(() => { window.hamyariGroupsMap.map.setZoom(7); });
  await page.waitForSelector('#groups-map[data-basemap="detailed"]', { timeout: 20000 });
  assert.ok(requests.some((u) => /\/vendor\/world-atlas\/countries-50m\.[0-9a-f]{10}\.json$/.test(u)), 'detailed outlines');
  assert.ok(requests.every((u) => u.startsWith(server.url) || u.startsWith('data:')));
  assert.deepEqual(problems, []);
  await context.close();
});

// A 1×1 PNG for the fake tiles.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAFAwIAS4NQTwAAAABJRU5ErkJggg==', 'base64');

test('when the server names tiles (MBTiles at /tiles/{z}/{x}/{y}) the map draws them', async () => {
  const tileRequests = [];
  const { context, page, problems } = await groupsPage('en', {
    routes: async (ctx) => {
      await ctx.route('**/api/v1/config', (r) => r.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ version: '0.1.0', default_language: 'fa', languages: ['fa', 'en'],
          tiles: { url: '/tiles/{z}/{x}/{y}', max_zoom: 9, attribution: 'Test tiles © contributors' } }),
      }));
      await ctx.route('**/tiles/**', (r) => { tileRequests.push(r.request().url()); r.fulfill({ contentType: 'image/png', body: PNG }); });
    },
  });
  await page.waitForFunction(() => document.querySelectorAll('#groups-map .leaflet-tile-loaded').length > 0);
  const attribution = await page.locator('#groups-map .leaflet-control-attribution').textContent();
  assert.match(attribution, /Test tiles/);
  assert.ok(tileRequests.length > 0 && tileRequests.every((u) => /\/tiles\/\d+\/\d+\/\d+$/.test(new URL(u).pathname)));
  assert.equal(await page.locator('.hy-map-note').count(), 0, 'no outside-service note for our own tiles');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an external tile URL is named under the map', async () => {
  const { context, page } = await groupsPage('fa', {
    routes: async (ctx) => {
      await ctx.route('**/api/v1/config', (r) => r.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ tiles: { url: 'https://tiles.example.org/{z}/{x}/{y}.png', max_zoom: 12, attribution: 'Example' } }),
      }));
      await ctx.route('https://tiles.example.org/**', (r) => r.fulfill({ contentType: 'image/png', body: PNG }));
    },
  });
  const note = await page.locator('.hy-map-note').textContent();
  assert.match(note, /tiles\.example\.org/);
  await context.close();
});
