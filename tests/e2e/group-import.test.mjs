// group-import.test.mjs — a coordinator imports groups from a file on /pending-groups (reached
// from the coordinator's navigation): a file with bad rows is checked and its rows and fields
// listed, nothing stored; a good file is checked (a count, nothing stored yet), then imported,
// and its groups wait in the queue above. In English at desktop size and in Persian at 360 px,
// axe-clean, screenshots in test-output/screenshots/group-import-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, addUsers, LOCALES, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, signedIn, waitForShell, screenshotDir, faults } from './lib/browser.mjs';
import { assertAxeClean } from './lib/axe.mjs';

const PASSWORD = 'group import passphrase';
const COORD = { email: 'cy@import.example', name: 'Cyrus Coordinator', role: 'coordinator' };

let server, browser, shots;
const sql = (q) => execFileSync('sqlite3', ['-batch', server.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
const count = () => Number(sql('SELECT count(*) FROM aid_groups'));

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, [COORD], PASSWORD);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

const CASES = [
  { lang: 'en', viewport: null },
  { lang: 'fa', viewport: { width: 360, height: 740 } },
];

for (const c of CASES) {
  test(`groups imported from a file: bad rows listed, then a good file checked and imported (${c.lang}${c.viewport ? ', 360 px' : ''})`, async () => {
    const L = LOCALES[c.lang];
    const { context, page, problems } = await signedIn(browser, server.url, { login: COORD.email, password: PASSWORD, lang: c.lang, viewport: c.viewport });
    try {
      await page.click('.work-nav a[href="/pending-groups"]');
      await waitForShell(page);
      await page.waitForSelector('#pgroups-view:not([hidden])');
      const before = count();
      // A file with two bad rows: each named, nothing stored, no import button.
      await page.setInputFiles('#pgroups-import-file', {
        name: 'groups.csv', mimeType: 'text/csv',
        buffer: Buffer.from('name,lat,lon\nGood Row,35.7,51.4\n,35.7,51.4\nFar Away,95,51.4\n'),
      });
      await page.click('#pgroups-import-check');
      await page.waitForSelector('#pgroups-import-problems:not([hidden])');
      const listed = await page.textContent('#pgroups-import-list');
      assert.ok(listed.includes('name') && listed.includes('lat'), listed);
      assert.equal(await page.locator('#pgroups-import-list li').count(), 2);
      assert.ok(await page.isHidden('#pgroups-import-go'));
      assert.equal(count(), before);
      await assertAxeClean(page, `import refused (${c.lang})`);
      await page.screenshot({ path: join(shots, `group-import-refused-${c.lang}.png`), fullPage: true });
      // A good GeoJSON file: checked, counted, still nothing stored; then imported.
      const name = `Imported ${c.lang} Group`;
      await page.setInputFiles('#pgroups-import-file', {
        name: 'groups.geojson', mimeType: 'application/geo+json',
        buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [
          { type: 'Feature', geometry: { type: 'Point', coordinates: [51.41, 35.75] }, properties: { name, tags: ['food'] } },
          { type: 'Feature', geometry: { type: 'Point', coordinates: [51.42, 35.76] }, properties: { name: `${name} Two` } },
        ] })),
      });
      await page.click('#pgroups-import-check');
      await page.waitForSelector('#pgroups-import-go:not([hidden])');
      assert.ok(await page.isHidden('#pgroups-import-problems'));
      assert.equal(count(), before, 'a dry run stores nothing');
      await page.click('#pgroups-import-go');
      await page.locator('#pgroups-list li', { hasText: name }).first().waitFor();
      assert.equal(count(), before + 2);
      assert.ok(await page.isHidden('#pgroups-import-go'));
      const status = await page.textContent('#pgroups-import-status');
      assert.ok(status.length > 0 && /[0-9۰-۹]/.test(status), status);
      assert.equal(sql(`SELECT status FROM aid_groups WHERE name = '${name}'`), 'pending');
      assert.ok(!(await page.textContent('main')).includes('pgroups.'), 'no raw keys');
      assert.equal(await page.textContent('#pgroups-import-h'), L['pgroups.import_h']);
      await assertAxeClean(page, `imported (${c.lang})`);
      await page.screenshot({ path: join(shots, `group-import-done-${c.lang}.png`), fullPage: true });
      assert.deepEqual(faults(problems).filter((p) => !/ 422\b|status of 422/.test(p)), []);
    } finally {
      await context.close();
    }
  });
}
