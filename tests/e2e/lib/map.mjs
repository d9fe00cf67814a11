// For the offline map's tests: a small gazetteer (GeoNames rows of Iranian cities, imported
// into a test server's store with `hamyari import places`) and the groups page's map opened.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverBinary } from './server.mjs';
import { newContext, instrumentedPage, waitForShell } from './browser.mjs';

/** One row of a GeoNames dump (cities1000.txt's 19 columns) for a place in Iran. */
export const geonamesRow = (id, name, alt, lat, lon, code, pop) =>
  [id, name, name, alt, lat, lon, 'P', code, 'IR', '', '26', '', '', '', pop, '', '', 'Asia/Tehran', '2022-01-01'].join('\t');

/** Iran's biggest cities, with their Persian names among the alternatives. */
export const IRAN_CITIES = [
  geonamesRow(112931, 'Tehran', 'Tehran,تهران,طهران', 35.69439, 51.42151, 'PPLC', 7153309),
  geonamesRow(115019, 'Shiraz', 'Shiraz,شيراز,شیراز', 29.61031, 52.53113, 'PPLA', 1249942),
  geonamesRow(124665, 'Mashhad', 'Mashhad,مشهد', 36.29807, 59.60567, 'PPLA', 2307177),
  geonamesRow(113646, 'Tabriz', 'Tabriz,تبریز', 38.08, 46.2919, 'PPLA', 1424641),
  geonamesRow(418863, 'Isfahan', 'Isfahan,اصفهان', 32.65246, 51.67462, 'PPLA', 1547164),
  geonamesRow(128747, 'Karaj', 'Karaj,کرج', 35.83266, 50.99155, 'PPLA', 1448075),
];

/** Imports files {name: text} (GeoNames .tsv, or the operator's .csv place list) into the server's store. */
export function importPlaces(server, files) {
  const dir = mkdtempSync(join(tmpdir(), 'hy-gazetteer-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      execFileSync(serverBinary(), ['import', 'places', '--db', server.db, join(dir, name)], { stdio: 'pipe' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Opens the groups page in `lang` at `width` px (a phone's height at 360) and waits for its map;
 * returns {context, page, problems, requests}.
 */
export async function openGroupsMap(browser, server, lang, width) {
  const context = await newContext(browser, { lang, viewport: { width, height: width === 360 ? 740 : 900 } });
  const { page, problems, requests } = await instrumentedPage(context, { allowedOrigin: server.url });
  await page.goto(`${server.url}/groups`);
  await waitForShell(page);
  await page.locator('#groups-map').scrollIntoViewIfNeeded(); // a phone loads it when seen
  await page.waitForSelector('#groups-map[data-state="ready"]');
  return { context, page, problems, requests };
}
