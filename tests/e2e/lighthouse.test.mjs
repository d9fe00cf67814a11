// Lighthouse budgets that do not depend on the machine's speed, on the pages people arrive at
// (home, groups, help, library), in Persian and English (?lang=), as a phone (Lighthouse's
// mobile: Moto G Power, simulated slow 4G) and as a desktop, with the demo data:
//   accessibility, best practices and SEO: 100; cumulative layout shift < 0.05; bytes per page.
// The performance score depends on the machine: bench/run measures it (goal ≥ 90 on mobile).
// The figures of every run are printed, performance included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launchChrome, audit } from './lib/lighthouse.mjs';

// Compressed bytes of everything a first visit loads (Lighthouse's total-byte-weight: fonts,
// the API's answers and the map included), with room for content to grow. Measured with the
// demo data (2026-12): home 39 KB (en) / 93 KB (fa, with the Persian font), help 43/97,
// library 96/111, groups 53/107 on a phone (the map waits until it is scrolled to) and
// 351/357 on a desktop (map libraries, outlines and the groups in view).
export const BYTES = {
  '/': { mobile: 140, desktop: 140 },
  '/help': { mobile: 140, desktop: 140 },
  '/library': { mobile: 170, desktop: 170 },
  '/groups': { mobile: 170, desktop: 480 },
};
export const MAX_CLS = 0.05;
const PAGES = Object.keys(BYTES);

let server, chrome;
const rows = [];

before(async () => {
  server = await startServer({ args: ['--demo'], timeoutMs: 60000 });
  chrome = await launchChrome();
});

after(async () => {
  await chrome?.close();
  if (server) assert.equal(await server.stop(), 0, `hamyari did not exit 0:\n${server.stderr}`);
  if (rows.length) {
    const f = (v, d = 0) => (v == null ? '–' : v.toFixed(d));
    console.log('Lighthouse 12 (performance depends on this machine; see bench/run):\n'
      + '  page      lang form     perf a11y  bp seo   CLS    TBT ms LCP ms  KB\n'
      + rows.map((r) => `  ${r.path.padEnd(9)} ${r.lang}   ${r.formFactor.padEnd(8)} ${f(r.scores.performance).padStart(4)} `
        + `${f(r.scores.accessibility).padStart(4)} ${f(r.scores['best-practices']).padStart(3)} ${f(r.scores.seo).padStart(3)} `
        + `${f(r.cls, 3).padStart(6)} ${f(r.tbt).padStart(6)} ${f(r.lcp).padStart(6)} ${f(r.bytes / 1024).padStart(4)}`).join('\n'));
  }
});

for (const formFactor of ['mobile', 'desktop']) {
  for (const lang of ['fa', 'en']) {
    for (const path of PAGES) {
      test(`${path} (${lang}, ${formFactor}): accessibility, best practices, SEO 100; CLS < ${MAX_CLS}; ≤ ${BYTES[path][formFactor]} KB`, async (t) => {
        const r = await audit(`${server.url}${path}?lang=${lang}`, { port: chrome.port, formFactor, fast: true });
        rows.push({ ...r, path, lang });
        t.diagnostic(`performance ${r.scores.performance}, CLS ${r.cls?.toFixed(3)}, TBT ${Math.round(r.tbt)} ms, ${Math.round(r.bytes / 1024)} KB, ${r.requests} requests`);
        const why = r.failing.length ? `\n    ${r.failing.join('\n    ')}` : '';
        for (const c of ['accessibility', 'best-practices', 'seo']) assert.equal(r.scores[c], 100, `${c} ${r.scores[c]}${why}`);
        assert.ok(r.cls !== null && r.cls < MAX_CLS, `cumulative layout shift ${r.cls}`);
        assert.ok(r.bytes <= BYTES[path][formFactor] * 1024, `${Math.round(r.bytes / 1024)} KB > ${BYTES[path][formFactor]} KB`);
      });
    }
  }
}
