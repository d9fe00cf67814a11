// Static checks of web/: CSP-safe HTML, one shell on every page, Persian fallback text in step
// with fa.json, vendor files built. Plain node, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { WEB, ROOT } from './lib/server.mjs';
import { listPages } from './lib/pages.mjs';
import { syncHtml } from '../../scripts/build-web.mjs';

const pages = listPages();
const read = (f) => readFileSync(join(WEB, f), 'utf8');
const fa = JSON.parse(read('locales/fa.json'));
const hrefs = (html, selector) => {
  const block = html.match(selector)?.[0] || '';
  return [...block.matchAll(/<a\s[^>]*href="([^"]+)"/g)].map((m) => m[1]);
};
const NAV = /<nav class="site-nav"[\s\S]*?<\/nav>/;
const FOOTER = /<footer[\s\S]*?<\/footer>/;

test('pages were found', () => {
  const names = pages.map((p) => p.file);
  for (const f of ['index.html', 'about.html', 'privacy.html', '404.html', 'groups.html', 'help.html',
    'volunteer.html', 'library.html', 'signin.html']) assert.ok(names.includes(f), `missing web/${f}`);
});

for (const p of pages) {
  test(`${p.file}: shell, CSP-safe markup, accessible basics`, () => {
    const html = read(p.file);
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /<html lang="fa" dir="rtl">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.doesNotMatch(html, /user-scalable|maximum-scale/, 'zoom must not be disabled');
    assert.match(html, /<link rel="stylesheet" href="\/css\/app.css">/);
    assert.match(html, /<script src="\/js\/boot.js"><\/script>/);
    assert.match(html, /<script type="module" src="\/js\/shell.js"><\/script>/);
    // CSP: no inline script, style block, style attribute or event handler attribute.
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(m[1], /\ssrc="\/[^"]+"/, 'every script has a same-origin src');
      assert.equal(m[2].trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /<style[\s>]/, 'no <style> block');
    assert.doesNotMatch(html, /\sstyle="/, 'no style attribute');
    assert.doesNotMatch(html, /\son[a-z]+="/, 'no inline event handler');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing loaded from another host');
    // Shell
    const body = html.slice(html.indexOf('<body>'));
    assert.match(body, /^<body>\s*<a class="skip-link" href="#main"/, 'skip link first in body');
    assert.match(html, /<main id="main"/);
    assert.equal((html.match(/<h1[\s>]/g) || []).length, 1, 'exactly one h1');
    assert.match(html, /<div class="lang-slot" id="lang-slot"><\/div>/);
    for (const m of html.matchAll(/<img\b[^>]*>/g)) assert.match(m[0], /\salt="/, `img without alt: ${m[0]}`);
  });
}

test('every page has the same navigation and footer links as the home page', () => {
  const home = read('index.html');
  const nav = hrefs(home, NAV), footer = hrefs(home, FOOTER);
  assert.deepEqual(nav, ['/', '/groups', '/help', '/volunteer', '/library', '/signin']);
  assert.deepEqual(footer, ['/about', '/privacy']);
  // Pages under embed/ are widgets other sites show in an iframe: no site navigation.
  for (const p of pages.filter((x) => !x.file.startsWith('embed/'))) {
    const html = read(p.file);
    assert.deepEqual(hrefs(html, NAV), nav, `${p.file}: navigation differs`);
    assert.deepEqual(hrefs(html, FOOTER), footer, `${p.file}: footer differs`);
  }
});

test('nav and footer links point at pages that exist', () => {
  for (const h of [...hrefs(read('index.html'), NAV), ...hrefs(read('index.html'), FOOTER)]) {
    const file = h === '/' ? 'index.html' : `${h.slice(1)}.html`;
    assert.ok(existsSync(join(WEB, file)), `${h} has no web/${file}`);
  }
});

test('the Persian text in the HTML matches fa.json (node scripts/build-web.mjs --sync-html fixes it)', () => {
  for (const p of pages) {
    const html = read(p.file);
    const { html: synced, missing } = syncHtml(html, fa);
    assert.deepEqual(missing, [], `${p.file}: keys missing from fa.json`);
    assert.equal(synced, html, `${p.file} is out of step with fa.json`);
  }
});

test('front-end scripts use no eval and no inline-style HTML strings', () => {
  for (const f of readdirSync(join(WEB, 'js'))) {
    const src = read(`js/${f}`);
    assert.doesNotMatch(src, /\beval\(|new Function\(/, `${f} uses eval`);
    assert.doesNotMatch(src, /style="/, `${f} builds a style attribute (blocked by CSP)`);
  }
});

test('web/vendor is built and up to date (node scripts/build-web.mjs)', () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--check', '--quiet'], { stdio: 'pipe' });
});

test('the manifest and favicon are valid', () => {
  const m = JSON.parse(read('manifest.webmanifest'));
  assert.equal(m.start_url, '/');
  assert.ok(m.icons.every((i) => existsSync(join(WEB, i.src))));
  assert.match(read('favicon.svg'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});
