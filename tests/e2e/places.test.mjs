// The help form says which place it understood before the request is sent: «ونک» is Vanak (the
// operator's own place list), never Vancouver; «تهران» is Tehran, Iran — in Persian and English,
// on a phone and on a desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, serverBinary, ROOT } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';

let server, browser, shots, tmp;

function hamyari(args) {
  return execFileSync(serverBinary(), args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hy-e2e-places-'));
  server = await startServer();
  // GeoNames rows: Tehran, and Vancouver, whose Persian name «ونکوور» starts with «ونک».
  const geonames = join(tmp, 'geonames.tsv');
  writeFileSync(geonames, [
    ['112931', 'Tehran', 'Tehran', 'Tehran,تهران', '35.69439', '51.42151', 'P', 'PPLC', 'IR', '', '26', '', '', '', '7153309', '', '', 'Asia/Tehran', '2022-01-01'],
    ['6173331', 'Vancouver', 'Vancouver', 'Vancouver,ونکوور', '49.24966', '-123.11934', 'P', 'PPL', 'CA', '', '02', '', '', '', '600000', '', '', 'America/Vancouver', '2019-09-05'],
  ].map((r) => r.join('\t')).join('\n') + '\n');
  hamyari(['import', 'places', '--db', server.db, geonames]);
  const list = join(tmp, 'places.csv');
  writeFileSync(list, 'name,alt_names,lat,lon,kind\nونک,Vanak,35.7575,51.41,neighbourhood\n');
  hamyari(['import', 'places', '--db', server.db, list]);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const VIEWS = [
  { lang: 'fa', viewport: { width: 360, height: 740 } },
  { lang: 'en', viewport: { width: 1280, height: 900 } },
];

for (const { lang, viewport } of VIEWS) {
  test(`help form (${lang}, ${viewport.width} px) shows the place it understood`, async () => {
    const context = await newContext(browser, { lang, viewport });
    try {
      const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
      await page.goto(`${server.url}/help`);
      await waitForShell(page);
      const understood = page.locator('#help-place-understood');
      const say = async (typed) => {
        await page.fill('#help-place', '');
        await page.locator('#help-place').pressSequentially(typed, { delay: 20 });
        await page.locator('#help-place').blur();
        await page.waitForFunction((t) => {
          const el = document.getElementById('help-place-understood');
          return !el.hidden && document.getElementById('help-place').value.trim() === t && el.textContent;
        }, typed);
        return (await understood.textContent()).trim();
      };
      const vanak = await say('ونک');
      assert.equal(vanak, lang === 'fa' ? 'برداشت ما: ونک' : 'We understood: ونک');
      assert.doesNotMatch(vanak, /Vancouver|کانادا|Canada/);
      const tehran = await say('تهران');
      assert.equal(tehran, lang === 'fa' ? 'برداشت ما: Tehran، ایران' : 'We understood: Tehran, Iran');
      // A partial name of a far-away city is not understood as it.
      const partial = await say('ونکو');
      assert.doesNotMatch(partial, /Vancouver/);
      assert.match(partial, lang === 'fa' ? /پیدا نکردیم/ : /could not find/);
      assert.equal(await page.locator('#help-place').getAttribute('aria-describedby'), 'help-area-hint help-place-understood');
      await say('ونک');
      await understood.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, `help-place-understood-${lang}-${viewport.width}.png`), fullPage: false });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
