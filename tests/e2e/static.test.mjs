// Static checks of web/: the pages are built from one shell (web/_shell/) and small page sources
// (web/_pages/), up to date; CSP-safe HTML; assets under content-hashed names that exist;
// hreflang alternates; Persian fallback text in step with fa.json; vendor files built.
// Plain node, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { WEB, ROOT } from './lib/server.mjs';
import { listPages, manifest } from './lib/pages.mjs';
import { syncHtml } from '../../scripts/build-web.mjs';
import { parsePage, renderNav, checkNav, buildSite, BuildError } from '../../scripts/site.mjs';

const pages = listPages();
const read = (f) => readFileSync(join(WEB, f), 'utf8');
const fa = JSON.parse(read('locales/fa.json'));
const en = JSON.parse(read('locales/en.json'));
const nav = JSON.parse(read('_shell/nav.json'));
const hrefs = (html, selector) => {
  const block = html.match(selector)?.[0] || '';
  return [...block.matchAll(/<a\s[^>]*href="([^"]+)"/g)].map((m) => m[1]);
};
const SITE_NAV = /<nav class="site-nav"[\s\S]*?<\/nav>/;
const WORK_NAV = /<nav class="work-nav"[\s\S]*?<\/nav>/;
const FOOTER = /<footer[\s\S]*?<\/footer>/;
const HASHED = (path) => new RegExp(`^/assets${path.replace(/\.(\w+)$/, '')}\\.[0-9a-f]{10}\\.${path.split('.').pop()}$`);

test('the build is up to date: node scripts/build-web.mjs --check (vendor files, pages, hashed files)', () => {
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), '--check'], { stdio: 'pipe' });
  } catch (e) {
    assert.fail(`web/ is not built or out of date — run node scripts/build-web.mjs\n${e.stdout}${e.stderr}`);
  }
});

test('pages were found', () => {
  const names = pages.map((p) => p.file);
  for (const f of ['index.html', 'about.html', 'privacy.html', '404.html', 'groups.html', 'help.html',
    'volunteer.html', 'library.html', 'signin.html', 'embed/groups.html']) assert.ok(names.includes(f), `missing web/${f}`);
});

test('page sources hold their settings and <main> only: the shell is written once, in web/_shell/', () => {
  const sources = readdirSync(join(WEB, '_pages'), { recursive: true }).filter((f) => String(f).endsWith('.html'));
  assert.equal(sources.length, pages.length);
  for (const f of sources) {
    const text = read(`_pages/${f}`);
    const page = parsePage(text, f);
    assert.ok(fa[page.title] && en[page.title], `${f}: title key ${page.title} in both languages`);
    assert.doesNotMatch(page.body, /<(?:!doctype|html|head|body|header|footer|main)\b|class="site-nav"|class="skip-link"/i,
      `${f} repeats part of the shell`);
  }
});

for (const p of pages) {
  test(`${p.file}: shell, hashed assets, CSP-safe markup, accessible basics`, () => {
    const html = read(p.file);
    assert.match(html, /^<!doctype html>\n<!-- Built by scripts\/build-web.mjs from web\/_pages\//i);
    assert.match(html, /<html lang="fa" dir="rtl">/);
    assert.match(html, /<meta charset="utf-8">/);
    assert.ok(html.indexOf('<meta charset="utf-8">') < 1024, 'charset within the first 1024 bytes');
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.doesNotMatch(html, /user-scalable|maximum-scale/, 'zoom must not be disabled');
    // App files under their content-hashed names, and nothing left under a source address.
    const css = html.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1];
    assert.match(css || '', HASHED('/css/app.css'));
    const boot = html.match(/<script src="([^"]+)"[^>]*><\/script>/)?.[1];
    assert.match(boot || '', HASHED('/js/boot.js'));
    assert.match(html, /<script type="module" src="\/assets\/js\/shell\.[0-9a-f]{10}\.js"><\/script>/);
    assert.doesNotMatch(html, /(?:src|href|data-[a-z-]+)="\/(?:js|css|locales|vendor)\//, 'an app file under its source address');
    for (const m of html.matchAll(/(?:src|href|data-[a-z-]+)="(\/assets\/[^"]+)"/g)) {
      assert.ok(existsSync(join(WEB, m[1])), `${m[1]} does not exist`);
    }
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
    assert.match(html, /<a class="lang-switch" id="lang-switch" href="\?lang=en" hreflang="en" data-lang="en">/);
    for (const m of html.matchAll(/<img\b[^>]*>/g)) assert.match(m[0], /\salt="/, `img without alt: ${m[0]}`);
    // Search engines: each language's address, or noindex.
    const alternates = [...html.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">/g)].map((m) => [m[1], m[2]]);
    if (p.robots === 'noindex') {
      assert.match(html, /<meta name="robots" content="noindex">/);
      assert.deepEqual(alternates, []);
    } else {
      assert.deepEqual(alternates, [['fa', `${p.path}?lang=fa`], ['en', `${p.path}?lang=en`], ['x-default', p.path]]);
    }
  });
}

test('every site page has the navigation of web/_shell/nav.json, the current page marked', () => {
  const site = pages.filter((p) => p.layout === 'page');
  assert.ok(site.length > 15);
  const sections = nav.sections.map((s) => s.href);
  const primary = nav.sections.filter((s) => s.primary).map((s) => s.href);
  for (const p of site) {
    const html = read(p.file);
    const block = html.match(SITE_NAV)?.[0] || '';
    assert.deepEqual(hrefs(block, /<ul class="nav-primary">[\s\S]*?<\/ul>/), primary, `${p.file}: primary links`);
    assert.deepEqual(hrefs(block, /<ul class="nav-menu-list">[\s\S]*?<\/ul>/), sections, `${p.file}: menu links`);
    assert.match(block, /<details class="nav-menu[^"]*" id="nav-menu">\s*<summary class="nav-menu-button">/, `${p.file}: menu disclosure`);
    assert.deepEqual(hrefs(html, WORK_NAV), nav.work.map((w) => w.href), `${p.file}: work links`);
    for (const w of nav.work) {
      assert.match(html, new RegExp(`<li data-roles="${w.roles.join(' ')}"><a href="${w.href}"`), `${p.file}: roles of ${w.href}`);
    }
    assert.deepEqual(hrefs(html, FOOTER), nav.footer.map((f) => f.href), `${p.file}: footer differs`);
    assert.match(html, /<a class="account-signin" id="account-signin" href="\/signin"/);
    const current = [...html.matchAll(/<a href="([^"]+)" aria-current="page"/g)].map((m) => m[1]);
    for (const h of current) assert.equal(h, p.path, `${p.file}: ${h} marked as the current page`);
    if ([...sections, ...nav.work.map((w) => w.href)].includes(p.path)) assert.ok(current.length > 0, `${p.file}: current page not marked`);
  }
  // Widgets shown inside other sites have no site navigation.
  for (const p of pages.filter((x) => x.layout === 'embed')) assert.doesNotMatch(read(p.file), /class="site-nav"|class="work-nav"/);
});

test('navigation entries point at pages that exist, with labels in both languages', () => {
  const paths = new Set(pages.map((p) => p.path));
  for (const item of [...nav.sections, ...nav.work, ...nav.footer]) {
    assert.ok(paths.has(item.href), `${item.href} has no page`);
    assert.ok(fa[item.label] && en[item.label], `${item.label} in both languages`);
  }
  assert.throws(() => checkNav({ ...nav, sections: [...nav.sections, { href: '/nowhere', label: 'nav.home' }] },
    { pages, strings: { fa, en } }), BuildError, 'a link to no page is refused');
  assert.throws(() => checkNav({ ...nav, work: [{ href: '/tasks', label: 'nav.tasks', roles: ['owner'] }] },
    { pages, strings: { fa, en } }), BuildError, 'an unknown role is refused');
});

test('renderNav: fourteen sections; the current page and its section are marked', () => {
  const many = {
    sections: Array.from({ length: 14 }, (_, i) => ({ href: `/s${i}`, label: `nav.s${i}`, primary: i < 5 })),
    work: [{ href: '/w', label: 'nav.w', roles: ['coordinator', 'admin'] }],
    footer: [{ href: '/f', label: 'nav.f' }],
  };
  const r = renderNav(many, '/s7', '/s2');
  assert.equal((r['nav.primary'].match(/<li>/g) || []).length, 5);
  assert.equal((r['nav.all'].match(/<li/g) || []).length, 14);
  assert.equal((r['nav.all'].match(/class="nav-menu-primary"/g) || []).length, 5);
  assert.match(r['nav.all'], /<a href="\/s7" aria-current="page"/);
  assert.match(r['nav.primary'], /<a href="\/s2" aria-current="true"/);
  assert.equal(r['nav.more'], '');
  assert.equal(renderNav({ ...many, sections: many.sections.map((s) => ({ ...s, primary: true })) }, '/', null)['nav.more'], ' nav-menu-no-more');
  assert.match(r['nav.work'], /<li data-roles="coordinator admin"><a href="\/w" data-i18n="nav.w"><\/a><\/li>/);
});

test('hashed names change with the content of the file or of anything it references', async () => {
  const { outputs, manifest: m } = await buildSite({ web: WEB, syncHtml });
  assert.deepEqual(m, manifest(), 'the build is deterministic');
  for (const [path, url] of Object.entries(m.assets)) {
    assert.match(url, HASHED(path));
    assert.ok(outputs.has(url.slice(1)));
  }
  // shell.js imports i18n.js: its copy names i18n.js's hashed copy.
  const shell = outputs.get(m.assets['/js/shell.js'].slice(1)).toString();
  assert.ok(shell.includes(m.assets['/js/i18n.js']), 'shell.js imports the hashed i18n.js');
  assert.doesNotMatch(shell, /from '\.\/i18n\.js'/);
});

test('the Persian text in the page sources and the shell matches fa.json (node scripts/build-web.mjs --sync-html fixes it)', () => {
  const files = [
    ...readdirSync(join(WEB, '_pages'), { recursive: true }).filter((f) => String(f).endsWith('.html')).map((f) => `_pages/${f}`),
    ...readdirSync(join(WEB, '_shell')).filter((f) => f.endsWith('.html')).map((f) => `_shell/${f}`),
  ];
  for (const f of files) {
    const html = read(f);
    const { html: synced, missing } = syncHtml(html, fa);
    assert.deepEqual(missing, [], `${f}: keys missing from fa.json`);
    assert.equal(synced, html, `${f} is out of step with fa.json`);
  }
});

test('front-end scripts use no eval and no inline-style HTML strings', () => {
  for (const f of readdirSync(join(WEB, 'js'))) {
    const src = read(`js/${f}`);
    assert.doesNotMatch(src, /\beval\(|new Function\(/, `${f} uses eval`);
    assert.doesNotMatch(src, /style="/, `${f} builds a style attribute (blocked by CSP)`);
  }
});

test('the manifest and favicon are valid', () => {
  const m = JSON.parse(read('manifest.webmanifest'));
  assert.equal(m.start_url, '/');
  assert.ok(m.icons.every((i) => existsSync(join(WEB, i.src))));
  assert.match(read('favicon.svg'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});
