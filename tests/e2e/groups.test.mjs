// The group directory in the browser: the map with its list, searching «تهران» / "Tehran" with
// the keyboard (distances in the reader's digits), the group page, the submit form round trip,
// the embeddable widget inside an iframe on another origin; axe-clean, screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { startServer, serverBinary, ROOT } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

const PASSWORD = 'correct horse battery staple';
let server, browser, shots, host, hostUrl;

function hamyari(args, input) {
  return execFileSync(serverBinary(), args, { cwd: ROOT, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

before(async () => {
  server = await startServer({ args: ['--demo'] });
  hamyari(['import', 'places', '--db', server.db, join(ROOT, 'tests', 'fixtures', 'places-small.tsv')]);
  hamyari(['user', 'add', '--db', server.db, '--email', 'organiser@example.org', '--role', 'volunteer', '--password-stdin'], `${PASSWORD}\n`);
  browser = await launchBrowser();
  shots = await screenshotDir();
  // Another origin that frames the widget.
  host = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Host</title></head><body><h1>A neighbour's site</h1>
<iframe id="w" title="Mutual-aid groups" width="400" height="500" src="${server.url}/embed/groups?near=35.7,51.4&limit=5"></iframe></body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${host.address().port}`;
});

after(async () => {
  await browser?.close();
  host?.close();
  if (server) assert.equal(await server.stop(), 0);
});

async function axeClean(page, what) {
  const { blocking } = await runAxe(page);
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

for (const lang of ['fa', 'en']) {
  test(`groups page (${lang}): map and list, search with the keyboard, distances`, async () => {
    const context = await newContext(browser, { lang });
    try {
      const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
      await page.goto(`${server.url}/groups`);
      await waitForShell(page);
      // The map of the demo groups, with the list beside it following the view.
      await page.waitForSelector('#groups-map[data-state="ready"]');
      await page.waitForFunction(() => Number(document.getElementById('groups-map').dataset.markers) > 0);
      const listed = await page.locator('#groups-list li[data-marker-id]').count();
      assert.ok(listed > 10, `list shows the groups in view (${listed})`);
      // Type, pick the first suggestion with the arrow key and Enter.
      const q = lang === 'fa' ? 'تهران' : 'Tehran';
      await page.locator('#group-q').focus();
      await page.keyboard.type(q, { delay: 20 });
      await page.waitForSelector('#group-suggestions li[role="option"]');
      assert.equal(await page.locator('#group-q').getAttribute('aria-expanded'), 'true');
      await page.keyboard.press('ArrowDown');
      assert.match(await page.locator('#group-q').getAttribute('aria-activedescendant'), /group-suggestions-0/);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#group-result-list li[data-group-id]');
      const items = await page.locator('#group-result-list li[data-group-id]').allTextContents();
      assert.ok(items.length >= 5, `nearest groups listed (${items.length})`);
      const distances = await page.locator('#group-result-list .group-distance').allTextContents();
      if (lang === 'fa') {
        assert.match(distances[0], /[۰-۹]/, 'Persian digits');
        assert.doesNotMatch(distances.join(' '), /[0-9]/);
        assert.match(distances.join(' '), /متر|کیلومتر/);
        assert.match(items[0], /نمونه/, 'demo groups carry the example badge');
        assert.doesNotMatch(items[0], /\(نمونه\)/, 'not in their name');
      } else {
        assert.match(distances[0], /[0-9]/);
        assert.match(distances.join(' '), /\bk?m\b/);
      }
      // Typed text stays as typed: «تهران» is not turned into its Latin name.
      const heading = await page.locator('#group-results-heading').textContent();
      if (lang === 'fa') {
        assert.equal(heading.trim(), 'نزدیک‌ترین گروه‌ها به تهران');
        assert.equal(await page.locator('#group-q').inputValue(), 'تهران');
      } else {
        assert.match(heading, /Tehran/);
      }
      // The suggestions say which country a place is in, in the page's language.
      await page.fill('#group-q', '');
      await page.locator('#group-q').focus();
      await page.keyboard.type(lang === 'fa' ? 'تهرا' : 'Tehra', { delay: 20 });
      await page.waitForSelector('#group-suggestions li[role="option"]');
      assert.match(await page.locator('#group-suggestions .combo-option-detail').first().textContent(),
        lang === 'fa' ? /ایران/ : /Iran/);
      await page.keyboard.press('Escape');
      // Zoomed in on the place, the groups' coverage areas are drawn (not at country zoom).
      await page.waitForFunction(() => document.querySelectorAll('#groups-map .leaflet-overlay-pane path').length > 0);
      await axeClean(page, `groups ${lang} after a search`);
      await page.screenshot({ path: join(shots, `groups-search-${lang}.png`), fullPage: true });
      // Clicking the map finds the groups nearest that point.
      await page.locator('#groups-map').click({ position: { x: 200, y: 150 } });
      await page.waitForFunction(() => /نقطه|point/.test(document.getElementById('group-results-heading').textContent));
      // The group page.
      await page.locator('#group-result-list a.group-result-name').first().click();
      await page.waitForSelector('#group-body:not([hidden])');
      const h1 = await page.locator('h1').textContent();
      assert.ok(h1.length > 3);
      assert.ok(await page.locator('#group-facts dt').count() >= 3);
      await axeClean(page, `group page ${lang}`);
      await page.screenshot({ path: join(shots, `group-page-${lang}.png`), fullPage: true });
      // The group's link was followed while the map may still have been fetching the groups
      // near the clicked point: that request is cut off (net::ERR_ABORTED), no fault.
      assert.deepEqual(faults(problems), []);
    } finally {
      await context.close();
    }
  });
}

test('on a phone the map loads when the reader scrolls to it; the search works before', async () => {
  const context = await newContext(browser, { lang: 'fa', viewport: { width: 360, height: 640 } });
  try {
    const { page, problems, requests } = await instrumentedPage(context, { allowedOrigin: server.url });
    await page.goto(`${server.url}/groups`);
    await waitForShell(page);
    const state = () => page.evaluate(() => document.getElementById('groups-map').dataset.state ?? null);
    assert.equal(await state(), null, 'no map below the fold');
    assert.ok(!requests.some((u) => /leaflet/.test(u)), 'Leaflet not fetched');
    // The search answers without the map.
    await page.fill('#group-q', 'Tehran');
    // Enter sends the form (the suggestions, when they come, may cover the button).
    await page.locator('#group-q').press('Enter');
    await page.waitForSelector('#group-result-list li[data-group-id]');
    assert.equal(await state(), null);
    // Scrolled into view, the map comes, showing the place searched for.
    await page.locator('#groups-map').scrollIntoViewIfNeeded();
    await page.waitForSelector('#groups-map[data-state="ready"]');
    await page.waitForFunction(() => window.hamyariGroupsMap?.map?.getZoom() >= 9, null, { timeout: 10000 });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a place that is not in the gazetteer says so', async () => {
  const context = await newContext(browser, { lang: 'en' });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/groups?q=Xyzzyville`);
    await waitForShell(page);
    await page.waitForFunction(() => document.getElementById('group-status').textContent.length > 0);
    assert.match(await page.locator('#group-status').textContent(), /No place/);
  } finally {
    await context.close();
  }
});

test('use my location: granted and denied', async () => {
  const context = await newContext(browser, { lang: 'en', geolocation: { latitude: 51.5074, longitude: -0.1278 }, permissions: ['geolocation'] });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/groups`);
    await waitForShell(page);
    await page.click('#group-locate');
    await page.waitForSelector('#group-result-list li[data-group-id]');
    assert.match(await page.locator('#group-result-list').textContent(), /London/);
  } finally {
    await context.close();
  }
  const denied = await newContext(browser, { lang: 'en' });
  try {
    const page = await denied.newPage();
    await page.goto(`${server.url}/groups`);
    await waitForShell(page);
    await page.click('#group-locate');
    await page.waitForFunction(() => /did not share|cannot share/.test(document.getElementById('group-status').textContent), null, { timeout: 20000 });
  } finally {
    await denied.close();
  }
});

test('submit form round trip: a signed-in organiser submits; the group waits for approval', async () => {
  const context = await newContext(browser, { lang: 'en' });
  try {
    // Sign in as the sign-in page would: the session cookie lands in the browser context.
    const login = await context.request.post(`${server.url}/api/v1/auth/login`, {
      data: { login: 'organiser@example.org', password: PASSWORD },
      headers: { origin: server.url },
    });
    assert.equal(login.status(), 200, await login.text());
    await context.addInitScript(() => localStorage.setItem('hamyari.signed_in', '1'));
    const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
    await page.goto(`${server.url}/group-edit`);
    await waitForShell(page);
    await page.waitForSelector('#groupedit-form:not([hidden])');
    await page.fill('#ge-name', 'Brixton Mutual Aid (test)');
    await page.fill('#ge-description', 'Shopping and prescriptions in Brixton.');
    // Typed as on a Persian or Arabic keyboard: the server reads every script's digits.
    await page.fill('#ge-lat', '۵۱٫۴۶۱۳');
    await page.fill('#ge-lon', '-٠,١١٥٦');
    await page.fill('#ge-radius', '۲');
    await page.fill('#ge-email', 'brixton@example.org');
    await page.fill('#ge-languages', 'en, pt');
    await page.fill('#ge-tags', 'shopping, medicine');
    await axeClean(page, 'submit form');
    await page.screenshot({ path: join(shots, 'group-edit-en.png'), fullPage: true });
    await page.click('#groupedit-form button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('groupedit-message').textContent.length > 0);
    assert.match(await page.locator('#groupedit-message').textContent(), /once approved/);
    const href = await page.locator('#groupedit-view').getAttribute('href');
    const id = href.match(/id=([0-9a-f]{32})/)[1];
    // The owner sees it (pending); the public does not.
    await page.goto(`${server.url}${href}`);
    await page.waitForSelector('#group-body:not([hidden])');
    assert.equal(await page.locator('h1').textContent(), 'Brixton Mutual Aid (test)');
    assert.equal(await page.locator('#group-pending').isVisible(), true);
    assert.equal(await page.locator('#group-edit').isVisible(), true);
    const anon = await fetch(`${server.url}/api/v1/groups/${id}`);
    assert.equal(anon.status, 404);
    const mine = await page.evaluate(async (gid) => (await fetch(`/api/v1/groups/${gid}`)).json(), id);
    assert.ok(Math.abs(mine.lat - 51.4613) < 0.01 && Math.abs(mine.lon + 0.1156) < 0.01 && mine.radius_km === 2,
      JSON.stringify(mine));
    // Edit it through the form.
    await page.click('#group-edit');
    await page.waitForFunction(() => document.getElementById('ge-name').value.length > 0);
    await page.fill('#ge-name', 'Brixton Mutual Aid Network (test)');
    await page.click('#groupedit-form button[type="submit"]');
    await page.waitForFunction(() => /saved/.test(document.getElementById('groupedit-message').textContent));
    // The test follows links without waiting for the maps to settle: what they still fetched
    // then is cut off (net::ERR_ABORTED), as for a person who clicks on.
    assert.deepEqual(faults(problems), []);
  } finally {
    await context.close();
  }
});

test('the embeddable widget loads in an iframe on another origin', async () => {
  const context = await newContext(browser, { lang: 'fa' });
  try {
    const page = await context.newPage();
    await page.goto(hostUrl);
    const frame = page.frameLocator('#w');
    await frame.locator('#embed-list li[data-group-id]').first().waitFor();
    const n = await frame.locator('#embed-list li[data-group-id]').count();
    assert.equal(n, 5);
    assert.match(await frame.locator('#embed-list').textContent(), /[۰-۹]/);
    const target = await frame.locator('#embed-list a').first().getAttribute('target');
    assert.equal(target, '_blank');
    await page.screenshot({ path: join(shots, 'embed-in-iframe-fa.png') });
    // The widget itself is accessible.
    const own = await context.newPage();
    await own.goto(`${server.url}/embed/groups?near=35.7,51.4`);
    await waitForShell(own);
    await own.waitForSelector('#embed-list li');
    await axeClean(own, 'embed widget');
  } finally {
    await context.close();
  }
});
