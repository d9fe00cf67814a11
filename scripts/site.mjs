// The web front-end's build: pages assembled from page bodies and the one shared shell, and
// content-hashed ("fingerprinted") copies of the stylesheets, scripts, strings, fonts and images
// they use. Node built-ins only. Used by scripts/build-web.mjs (the command) and by the tests.
//
//   web/_shell/page.html     the layout of every site page: head, header, navigation, footer
//   web/_shell/embed.html    the layout of widgets that other sites show in an iframe
//   web/_shell/*.html        pieces the layouts include ({{> head}}, {{> lang-switch}})
//   web/_shell/nav.json      the navigation: public sections, work pages per role, footer links
//   web/_pages/**/*.html     one file per page: a comment with its settings, then its <main>
//
// build → web/<page>.html (same path as under _pages/; served as /<page>) and
//         web/assets/<path>.<hash>.<ext> for every file a page loads, directly or through
//         another file (CSS url(), JS import and string literals naming a file), with the
//         references inside rewritten to the hashed names; web/assets/manifest.json lists both.
//
// A hashed name changes whenever the file or anything it references changes (the hash covers
// the whole reference closure), so the server can let browsers keep /assets/ files for a year
// (src/http/static.c); pages themselves are always revalidated.
//
// Folders and files whose name starts with "_" are sources, never served.

import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

export const SHELL_DIR = '_shell';
export const PAGES_DIR = '_pages';
export const ASSETS_DIR = 'assets';
export const BUILT_MARK = '<!-- Built by scripts/build-web.mjs';
export const ROLES = ['volunteer', 'coordinator', 'editor', 'admin'];

// Files that get a hashed copy when something references them. Not pages, not the web-app
// manifest (its address is its identity), not feeds.
const HASHABLE = /\.(?:js|mjs|css|json|svg|png|jpe?g|gif|webp|ico|woff2?|ttf|geojson|topojson)$/i;
// Files whose text is scanned for references (and rewritten): our scripts and every stylesheet.
const SCANNED_JS = /^\/js\/.*\.m?js$/;
const SCANNED_CSS = /\.css$/i;

const FRONT_KEYS = new Set(['title', 'description', 'scripts', 'styles', 'layout', 'section', 'robots']);

export class BuildError extends Error {}

const escapeAttr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function exists(path) {
  try { return (await stat(path)).isFile(); } catch { return false; }
}

async function walk(dir, skip = () => false) {
  const out = [];
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (skip(e.name, p, e)) continue;
    if (e.isDirectory()) out.push(...await walk(p, skip));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const rel = (root, full) => full.slice(root.length + 1).split('\\').join('/');

/** '/library' for 'library.html', '/' for 'index.html', '/admin/' for 'admin/index.html'. */
export function pagePath(file) {
  if (file === 'index.html') return '/';
  if (file.endsWith('/index.html')) return `/${file.slice(0, -'index.html'.length)}`;
  return `/${file.slice(0, -'.html'.length)}`;
}

/** Splits a page source into its settings (the leading comment) and its body. */
export function parsePage(text, name = 'page') {
  const m = /^\s*<!--([\s\S]*?)-->[ \t]*\r?\n?/.exec(text);
  if (!m) throw new BuildError(`${name}: a page starts with a comment of settings (title: KEY, …); see docs/frontend.md`);
  const settings = {};
  for (const raw of m[1].split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const kv = /^([a-z_]+)\s*:\s*(.*)$/.exec(line);
    if (!kv) throw new BuildError(`${name}: cannot read the setting line "${line}"`);
    if (!FRONT_KEYS.has(kv[1])) throw new BuildError(`${name}: unknown setting "${kv[1]}" (known: ${[...FRONT_KEYS].join(', ')})`);
    settings[kv[1]] = kv[2].trim();
  }
  if (!settings.title) throw new BuildError(`${name}: no "title:" setting (the fa.json/en.json key of the page title)`);
  const list = (v) => (v ? v.split(/[\s,]+/).filter(Boolean) : []);
  return {
    title: settings.title,
    description: settings.description || 'site.description',
    scripts: list(settings.scripts),
    styles: list(settings.styles),
    layout: settings.layout || 'page',
    section: settings.section || null,
    robots: settings.robots || 'index',
    body: text.slice(m[0].length).replace(/\s+$/, ''),
  };
}

/** Checks web/_shell/nav.json and returns it. */
export function checkNav(nav, { pages, strings }) {
  const problems = [];
  const known = new Set(pages.map((p) => p.path));
  for (const group of ['sections', 'work', 'footer']) {
    if (!Array.isArray(nav[group])) { problems.push(`nav.json: "${group}" must be a list`); continue; }
    for (const item of nav[group]) {
      if (!item || typeof item.href !== 'string' || typeof item.label !== 'string') {
        problems.push(`nav.json: ${group}: every entry has "href" and "label"`);
        continue;
      }
      if (!known.has(item.href)) problems.push(`nav.json: ${group}: ${item.href} has no page in web/${PAGES_DIR}/`);
      for (const [lang, s] of Object.entries(strings)) {
        if (typeof s[item.label] !== 'string') problems.push(`nav.json: ${group}: no string "${item.label}" in ${lang}.json`);
      }
      if (group === 'work') {
        if (!Array.isArray(item.roles) || !item.roles.length || item.roles.some((r) => !ROLES.includes(r))) {
          problems.push(`nav.json: work: ${item.href} needs "roles", some of ${ROLES.join(', ')}`);
        }
      }
    }
  }
  if (problems.length) throw new BuildError(problems.join('\n'));
  return nav;
}

function navList(items, here, section, { indent = '      ', extra = () => '' } = {}) {
  return items.map((item) => {
    let current = '';
    if (item.href === here) current = ' aria-current="page"';
    else if (item.href === section) current = ' aria-current="true"';
    return `${indent}<li${extra(item)}><a href="${escapeAttr(item.href)}"${current} data-i18n="${escapeAttr(item.label)}"></a></li>`;
  }).join('\n');
}

/** The navigation's pieces for one page, keyed as the layout's {{nav.*}} placeholders. */
export function renderNav(nav, here, section) {
  const primary = nav.sections.filter((s) => s.primary);
  return {
    'nav.primary': navList(primary, here, section, { indent: '        ' }),
    'nav.all': navList(nav.sections, here, section, {
      indent: '          ',
      extra: (item) => (item.primary ? ' class="nav-menu-primary"' : ''),
    }),
    'nav.more': nav.sections.some((s) => !s.primary) ? '' : ' nav-menu-no-more',
    'nav.work': navList(nav.work, here, section, { extra: (item) => ` data-roles="${item.roles.join(' ')}"` }),
    'nav.footer': navList(nav.footer, here, section, { indent: '        ' }),
  };
}

/**
 * Includes the shell's pieces ({{> head}} is web/_shell/head.html without its leading comment)
 * and fills the placeholders ({{title}}, {{nav.primary}} …).
 */
function fill(template, values, name, partials = {}, depth = 0) {
  template = template.replace(/\{\{> ([a-z][a-z-]*)\}\}/g, (all, part) => {
    if (!Object.hasOwn(partials, part) || depth > 4) throw new BuildError(`${name}: no piece web/${SHELL_DIR}/${part}.html for {{> ${part}}}`);
    const text = partials[part].replace(/^<!--[\s\S]*?-->\r?\n/, '').replace(/\r?\n$/, '');
    return fill(text, values, `web/${SHELL_DIR}/${part}.html`, partials, depth + 1);
  });
  return template.replace(/\{\{([a-z_.]+)\}\}/g, (all, key) => {
    if (!Object.hasOwn(values, key)) throw new BuildError(`${name}: the layout names {{${key}}}, which the build does not know`);
    return values[key];
  });
}

/** Assembles one page (asset addresses still the source ones). */
export function assemblePage({ page, layouts, nav }) {
  const layout = layouts[page.layout];
  if (!layout || !layout.includes('{{main}}')) throw new BuildError(`${page.source}: no layout "${page.layout}" (with {{main}}) in web/${SHELL_DIR}/`);
  const index = page.robots !== 'noindex';
  const head = [];
  for (const s of page.styles) head.push(`<link rel="stylesheet" href="/css/${escapeAttr(s)}.css">`);
  const scripts = page.scripts.map((s) => `<script type="module" src="/js/${escapeAttr(s)}.js"></script>`);
  const values = {
    source: `web/${PAGES_DIR}/${page.file}`,
    title: escapeAttr(page.title),
    description: escapeAttr(page.description),
    robots: index ? '' : '<meta name="robots" content="noindex">\n',
    alternates: index
      ? ['fa', 'en'].map((l) => `<link rel="alternate" hreflang="${l}" href="${escapeAttr(page.path)}?lang=${l}">\n`).join('')
        + `<link rel="alternate" hreflang="x-default" href="${escapeAttr(page.path)}">\n`
      : '',
    styles: head.map((l) => `${l}\n`).join(''),
    scripts: scripts.map((l) => `${l}\n`).join(''),
    preload: '{{preload}}', // filled once the module graph is known
    main: page.body,
    ...renderNav(nav, page.path, page.section),
  };
  return fill(layout, values, `web/${SHELL_DIR}/${page.layout}.html`, layouts).replace('{{preload}}', '\u0000PRELOAD\u0000');
}

// ---------------------------------------------------------------- references between files

/** Resolves a reference found in the file at `from` (a URL path) to a URL path, or null. */
function resolveRef(ref, from) {
  if (!ref || /^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//') || ref.startsWith('#')) return null;
  const clean = ref.replace(/[?#].*$/, '');
  if (!clean) return null;
  const path = clean.startsWith('/') ? posix.normalize(clean) : posix.normalize(posix.join(posix.dirname(from), clean));
  return path.startsWith('/') && !path.includes('..') ? path : null;
}

function suffixOf(ref) {
  const i = ref.search(/[?#]/);
  return i < 0 ? '' : ref.slice(i);
}

const JS_STRING = /(['"`])((?:\.{1,2}\/|\/)[^'"`\s$\\]*)\1/dg;
const CSS_URL = /url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3/dg;
const HTML_ATTR = /\s(?:src|href|data-[a-z0-9-]+)="([^"]*)"/dg;
const STATIC_IMPORT = /^[ \t]*(?:import|export)\b(?:[^'"`;]*?\bfrom)?\s*(['"])([^'"]+)\1/gm;

/** Every reference in a text file, as [{start, end, ref}] of the address inside the text. */
function findRefs(kind, text) {
  const re = { js: [JS_STRING, [2]], css: [CSS_URL, [2, 4]], html: [HTML_ATTR, [1]] }[kind];
  const out = [];
  for (const m of text.matchAll(re[0])) {
    const g = re[1].find((i) => m[i] !== undefined);
    const [start, end] = m.indices[g];
    out.push({ start, end, ref: m[g] });
  }
  return out;
}

function kindOf(path) {
  if (SCANNED_JS.test(path)) return 'js';
  if (SCANNED_CSS.test(path)) return 'css';
  return null;
}

function hashedName(path, hash) {
  const dot = path.lastIndexOf('.');
  return `/${ASSETS_DIR}${path.slice(0, dot)}.${hash}${path.slice(dot)}`;
}

/**
 * Builds the site in memory. Returns {outputs: Map(relative path → Buffer), pages, manifest}.
 *   web:   the web folder (sources: _shell/, _pages/, css/, js/, locales/, vendor/ …)
 *   nav:   a navigation to use instead of web/_shell/nav.json (tests)
 *   syncHtml(html, strings) → {html, missing}: fills Persian text from fa.json
 */
export async function buildSite({ web, nav: navOverride = null, syncHtml }) {
  const strings = {};
  for (const lang of ['fa', 'en']) {
    strings[lang] = JSON.parse(await readFile(join(web, 'locales', `${lang}.json`), 'utf8'));
  }
  const layouts = {};
  for (const f of await walk(join(web, SHELL_DIR))) {
    const name = rel(join(web, SHELL_DIR), f);
    if (name.endsWith('.html')) layouts[name.slice(0, -5)] = await readFile(f, 'utf8');
  }
  if (!layouts.page) throw new BuildError(`no web/${SHELL_DIR}/page.html`);
  const nav0 = navOverride || JSON.parse(await readFile(join(web, SHELL_DIR, 'nav.json'), 'utf8'));

  // Pages.
  const pages = [];
  for (const f of (await walk(join(web, PAGES_DIR))).sort()) {
    const file = rel(join(web, PAGES_DIR), f);
    if (!file.endsWith('.html')) continue;
    const source = `web/${PAGES_DIR}/${file}`;
    const page = { ...parsePage(await readFile(f, 'utf8'), source), file, source, path: pagePath(file) };
    if (file === '404.html') page.status = 404;
    pages.push(page);
  }
  if (!pages.length) throw new BuildError(`no pages in web/${PAGES_DIR}/`);
  const nav = checkNav(nav0, { pages, strings });

  // Assets: every hashable file reachable from the pages. Text files are scanned for references.
  const assets = new Map(); // url path → {path, bytes, text, kind, refs: [{start,end,ref,target}], deps:Set}
  const missing = [];
  async function asset(path) {
    if (assets.has(path)) return assets.get(path);
    if (!HASHABLE.test(path) || path.split('/').some((s) => s.startsWith('_') || s.startsWith('.'))
      || path.startsWith(`/${ASSETS_DIR}/`)) return null;
    const full = join(web, ...path.split('/').filter(Boolean));
    if (!await exists(full)) return null;
    const a = { path, bytes: await readFile(full), kind: kindOf(path), refs: [], deps: new Set() };
    assets.set(path, a);
    if (a.kind) {
      a.text = a.bytes.toString('utf8');
      for (const r of findRefs(a.kind, a.text)) {
        const target = resolveRef(r.ref, path);
        if (!target) continue;
        const dep = await asset(target);
        if (dep) {
          a.refs.push({ ...r, target });
          a.deps.add(target);
        } else if (a.kind === 'css' || /^\/(?:js|css|locales|vendor)\//.test(target) && HASHABLE.test(target)) {
          missing.push(`${path} names ${r.ref}, which is not in web/`);
        }
      }
    }
    return a;
  }

  const built = [];
  for (const page of pages) {
    const html = assemblePage({ page, layouts, nav });
    const refs = [];
    for (const r of findRefs('html', html)) {
      const target = resolveRef(r.ref, page.path.endsWith('/') ? `${page.path}index.html` : page.path);
      if (!target || !HASHABLE.test(target)) continue;
      if (await asset(target)) refs.push({ ...r, target });
      else missing.push(`${page.source} (or its layout) names ${r.ref}, which is not in web/`);
    }
    built.push({ page, html, refs });
  }
  if (missing.length) throw new BuildError([...new Set(missing)].join('\n'));

  // Fingerprints: the hash of every file in the reference closure (cycles are fine).
  const closure = (path) => {
    const seen = new Set();
    const stack = [path];
    while (stack.length) {
      const p = stack.pop();
      if (seen.has(p)) continue;
      seen.add(p);
      for (const d of assets.get(p).deps) stack.push(d);
    }
    return [...seen].sort();
  };
  const hashed = new Map(); // path → hashed url
  for (const path of assets.keys()) {
    const h = createHash('sha256');
    for (const p of closure(path)) h.update(p).update('\0').update(assets.get(p).bytes).update('\0');
    hashed.set(path, hashedName(path, h.digest('hex').slice(0, 10)));
  }
  const rewrite = (text, refs) => {
    let out = '', at = 0;
    for (const r of [...refs].sort((x, y) => x.start - y.start)) {
      out += text.slice(at, r.start) + hashed.get(r.target) + suffixOf(r.ref);
      at = r.end;
    }
    return out + text.slice(at);
  };

  const outputs = new Map();
  for (const a of assets.values()) {
    const data = a.kind ? Buffer.from(rewrite(a.text, a.refs)) : a.bytes;
    outputs.set(hashed.get(a.path).slice(1), data);
  }

  // Static module imports, for <link rel="modulepreload"> (the page's whole import tree is
  // fetched at once instead of level by level).
  const staticImports = (path) => {
    const a = assets.get(path);
    if (!a || a.kind !== 'js') return [];
    const out = [];
    for (const m of a.text.matchAll(STATIC_IMPORT)) {
      const target = resolveRef(m[2], path);
      if (target && assets.has(target)) out.push(target);
    }
    return out;
  };

  const manifest = { assets: {}, pages: [] };
  for (const [path, url] of [...hashed].sort()) manifest.assets[path] = url;
  for (const { page, html, refs } of built) {
    const entries = refs.filter((r) => html.includes(`<script type="module" src="${r.ref}"`)).map((r) => r.target);
    const tree = new Set();
    const stack = entries.flatMap(staticImports);
    while (stack.length) {
      const p = stack.pop();
      if (tree.has(p) || entries.includes(p)) continue;
      tree.add(p);
      stack.push(...staticImports(p));
    }
    const preload = [...tree].sort().map((p) => `<link rel="modulepreload" href="${hashed.get(p)}">\n`).join('');
    let out = rewrite(html, refs).replace('\u0000PRELOAD\u0000', preload);
    const synced = syncHtml(out, strings.fa);
    if (synced.missing.length) throw new BuildError(`${page.source}: no string ${synced.missing.map((k) => `"${k}"`).join(', ')} in fa.json`);
    out = synced.html;
    outputs.set(page.file, Buffer.from(out));
    manifest.pages.push({
      path: page.path, file: page.file, source: page.source, layout: page.layout,
      title: page.title, robots: page.robots, status: page.status || 200,
    });
  }
  outputs.set(`${ASSETS_DIR}/manifest.json`, Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`));
  return { outputs, pages, manifest, nav };
}

/**
 * Files in web/ that the build made before and would not make now (stale hashed copies, pages
 * whose source is gone), and hand-written pages outside web/_pages/ (legacy).
 */
export async function findLeftovers(web, outputs) {
  const stale = [], legacy = [];
  for (const f of await walk(join(web, ASSETS_DIR))) {
    const r = rel(web, f);
    if (!outputs.has(r)) stale.push(r);
  }
  const skip = (name) => name.startsWith('_') || name === ASSETS_DIR || name === 'vendor' || name === 'node_modules';
  for (const f of await walk(web, (name, p, e) => e.isDirectory() && skip(name))) {
    const r = rel(web, f);
    if (!r.endsWith('.html') || outputs.has(r)) continue;
    const head = (await readFile(f, 'utf8')).slice(0, 400);
    if (head.includes(BUILT_MARK)) stale.push(r);
    else legacy.push(r);
  }
  return { stale, legacy };
}

/**
 * Turns a hand-written page (a whole HTML document with its own header, navigation and footer)
 * into a page source: its settings and the inside of its <main>. Returns the source text.
 */
export function convertLegacyPage(html, name) {
  const title = /<title\b[^>]*\sdata-i18n="([^"]+)"/.exec(html)?.[1];
  if (!title) throw new BuildError(`${name}: no <title data-i18n="…"> to take the title key from`);
  const description = /<meta name="description"[^>]*data-i18n-attr="content:([^"]+)"/.exec(html)?.[1];
  const headEnd = html.indexOf('</head>');
  const head = headEnd > 0 ? html.slice(0, headEnd) : '';
  const scripts = [...head.matchAll(/<script type="module" src="\/js\/([^"]+)\.js"><\/script>/g)]
    .map((m) => m[1]).filter((s) => s !== 'shell');
  const styles = [...head.matchAll(/<link rel="stylesheet" href="\/css\/([^"]+)\.css">/g)]
    .map((m) => m[1]).filter((s) => s !== 'app');
  const main = /<main\b[^>]*>\r?\n?([\s\S]*?)\s*<\/main>/.exec(html);
  if (!main) throw new BuildError(`${name}: no <main> element`);
  const layout = /<header class="site-header"/.test(html) ? 'page' : 'embed';
  const lines = [`title: ${title}`];
  if (description && description !== 'site.description') lines.push(`description: ${description}`);
  if (layout !== 'page') lines.push(`layout: ${layout}`);
  if (styles.length) lines.push(`styles: ${styles.join(' ')}`);
  if (scripts.length) lines.push(`scripts: ${scripts.join(' ')}`);
  const body = main[1].replace(/^ {2}/gm, '');
  return `<!--\n${lines.join('\n')}\n-->\n${body}\n`;
}
