// The site's pages and files as the build made them (web/assets/manifest.json, written by
// scripts/build-web.mjs), so that a new page is tested without editing a list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB } from './server.mjs';

let cached = null;
export function manifest() {
  if (!cached) {
    try {
      cached = JSON.parse(readFileSync(join(WEB, 'assets', 'manifest.json'), 'utf8'));
    } catch (e) {
      throw new Error(`web/assets/manifest.json: ${e.message} — build the front-end first: node scripts/build-web.mjs`);
    }
  }
  return cached;
}

/**
 * [{file: 'privacy.html', path: '/privacy', name: 'privacy', status: 200, robots, layout, source}]
 * The 404 page's path is an address that does not exist.
 */
export function listPages() {
  return manifest().pages.map((p) => ({
    ...p,
    name: p.file.replace(/\.html$/, '').replace(/\//g, '_'),
    path: p.status === 404 ? '/this-page-does-not-exist' : p.path,
  })).sort((a, b) => a.file.localeCompare(b.file));
}

/** The content-hashed address the build gave a file of web/, e.g. asset('/js/i18n.js'). */
export function asset(path) {
  const url = manifest().assets[path];
  if (!url) throw new Error(`no hashed copy of ${path} in web/assets/manifest.json`);
  return url;
}

export const LANGS = ['fa', 'en'];

/**
 * Pages the server renders in the language of their address (?lang=), in the site's shell
 * (src/api/shell.c): asked for in a language, they come back in it; with scripts, a page asked
 * for without one is asked for again in the reader's language. Their pages below them (one
 * guide, news item or fact check; the claim form) are not in the manifest: tests that go
 * through every page add those themselves.
 */
export const LANG_IN_ADDRESS = new Set(['/trees', '/news', '/factchecks']);

/** The address of a page in `lang`: ?lang= for the pages the server renders, else as it is. */
export function pageAddress(path, lang) {
  return LANG_IN_ADDRESS.has(path) ? `${path}?lang=${lang}` : path;
}
