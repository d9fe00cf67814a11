// Every page × both languages, each on a cold cache: loads without console errors, failed
// requests or requests to other hosts; is in the right language and direction; has no serious or
// critical axe-core violation; fits 360 px without sideways scrolling; stays within the weight
// budget; and leaves a screenshot at 360 px and 1280 px in test-output/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';
import { listPages, LANGS, pageAddress } from './lib/pages.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';

export const BUDGET_BYTES = 150 * 1024; // first load, compressed, fonts excluded
// Pages whose map is in view at once (1280 × 900) also load Leaflet, markercluster,
// topojson-client and the coarse outlines (~100 KB of it), and the place labels' module.
export const MAP_BUDGET_BYTES = 185 * 1024;
const MAP_PAGES = new Set(['groups', 'coverage']);

let server, browser, shots;
const weights = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `hamyari exited with ${code} after SIGTERM; stderr:\n${server.stderr}`);
  }
  if (weights.length) {
    const lines = weights.map((w) => `  ${w.name.padEnd(10)} ${w.lang}  ${(w.bytes / 1024).toFixed(1).padStart(6)} KB`
      + `  (fonts ${(w.fonts / 1024).toFixed(1)} KB, ${w.requests} requests)`);
    console.log(`first-load weight, compressed bytes on the wire, fonts excluded (budget ${BUDGET_BYTES / 1024} KB; `
      + `with a map in view ${MAP_BUDGET_BYTES / 1024} KB):\n${lines.join('\n')}`);
  }
});

const EXPECTED = { fa: { dir: 'rtl' }, en: { dir: 'ltr' } };

for (const p of listPages()) {
  for (const lang of LANGS) {
    test(`${p.name} (${lang}): loads cleanly, accessible, within budget, screenshots`, async (t) => {
      const context = await newContext(browser, { lang, viewport: { width: 1280, height: 900 } });
      try {
        // Pages the server renders in the language of their address are asked for in it (else
        // their script asks again in the reader's language, and the first load is cut short).
        const url = server.url + (p.status === 404 ? p.path : pageAddress(p.path, lang));
        const { page, problems, bytes } = await instrumentedPage(context, {
          allowedOrigin: server.url,
          measure: true,
          // The 404 page is itself served with status 404; Chromium logs that as a console error.
          allowStatus: (u, status) => p.status === 404 && status === 404 && u === url,
        });
        const res = await page.goto(url);
        assert.equal(res.status(), p.status, `${p.path} answered ${res.status()}`);
        await waitForShell(page);

        const ignorable = (s) => p.status === 404 && /status of 404/.test(s) && s.includes(url);
        assert.deepEqual(problems.filter((s) => !ignorable(s)), [], 'problems while loading');

        const html = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          dir: document.documentElement.dir,
          title: document.title,
          h1: document.querySelector('h1')?.textContent || '',
        }));
        assert.equal(html.lang, lang);
        assert.equal(html.dir, EXPECTED[lang].dir);
        assert.ok(html.title && html.h1, 'page has a title and an h1');
        if (lang === 'fa') assert.match(html.h1, /[\u0600-\u06FF]/, 'Persian heading');
        else assert.doesNotMatch(html.h1 + html.title, /[\u0600-\u06FF]/, 'English heading and title');

        const b = bytes();
        const fonts = b.total - b.excludingFonts;
        weights.push({ name: p.name, lang, bytes: b.excludingFonts, fonts, requests: b.byFile.length });
        t.diagnostic(`first load ${(b.excludingFonts / 1024).toFixed(1)} KB without fonts (${b.byFile.length} requests)`);
        const budget = MAP_PAGES.has(p.name) ? MAP_BUDGET_BYTES : BUDGET_BYTES;
        assert.ok(b.excludingFonts <= budget,
          `first load is ${b.excludingFonts} bytes > ${budget}:\n${b.byFile.map((f) => `  ${f.path} ${f.bytes}`).join('\n')}`);

        const axe = await runAxe(page);
        if (axe.violations.length) t.diagnostic(`axe (all impacts): ${axe.violations.map((v) => `${v.id}/${v.impact}`).join(', ')}`);
        assert.equal(axe.blocking.length, 0, `axe-core serious/critical violations:\n${describeViolations(axe.blocking)}`);

        await page.screenshot({ path: join(shots, `${p.name}-${lang}-1280.png`), fullPage: true });
        await page.setViewportSize({ width: 360, height: 740 });
        await page.waitForTimeout(150);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `at 360 px the page scrolls sideways by ${overflow} px`);
        const axe360 = await runAxe(page);
        assert.equal(axe360.blocking.length, 0, `axe-core at 360 px:\n${describeViolations(axe360.blocking)}`);
        await page.screenshot({ path: join(shots, `${p.name}-${lang}-360.png`), fullPage: true });
        assert.deepEqual(problems.filter((s) => !ignorable(s)), [], 'problems after resizing');
      } finally {
        await context.close();
      }
    });
  }
}
