// The shared page shell as people meet it: the navigation of each role once signed in (every work
// page reachable from it, the name and "sign out" instead of "Sign in"), the language chosen by
// the address (?lang=, remembered, hreflang alternates), the navigation without JavaScript, and a
// navigation of fourteen public sections at 360 px in both languages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, copyFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { startServer, addUsers, WEB, LOCALES, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, newContext, instrumentedPage, waitForShell, screenshotDir } from './lib/browser.mjs';
import { runAxe, describeViolations } from './lib/axe.mjs';
import { buildSite } from '../../scripts/site.mjs';
import { syncHtml } from '../../scripts/build-web.mjs';

const PASSWORD = 'a long enough passphrase for nav';
const NAV = JSON.parse(readFileSync(join(WEB, '_shell', 'nav.json'), 'utf8'));
// What each role's navigation offers (volunteers their tasks; coordinators the dispatch
// queue, the vetting queue and pending groups; editors the editor, the decision trees, the
// search synonyms and the open-data upload form; admins all of it, users and the audit log;
// everyone their API tokens and their organisations).
const PEOPLE = {
  volunteer: { name: 'Vera Volunteer', work: ['/tasks', '/tokens', '/orgs'] },
  coordinator: { name: 'کاوه هماهنگ‌کننده', work: ['/dispatch', '/vetting', '/pending-groups', '/tokens', '/orgs'] },
  editor: { name: 'Ella Editor', work: ['/editor', '/tree-editor', '/synonyms', '/data-upload', '/tokens', '/orgs'] },
  admin: { name: 'Ada Admin', work: ['/dispatch', '/vetting', '/pending-groups', '/editor', '/tree-editor', '/synonyms', '/data-upload', '/admin/users', '/admin/audit', '/admin/outbox', '/tokens', '/orgs'] },
};

let server, browser, shots;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, Object.entries(PEOPLE).map(([role, p]) => ({ email: `${role}@nav.example`, name: p.name, role })), PASSWORD);
  browser = await launchBrowser();
  shots = await screenshotDir();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

const visibleHrefs = (page, selector) => page.$$eval(selector, (as) => as.filter((a) => a.checkVisibility()).map((a) => a.getAttribute('href')));
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

async function axeClean(page, what) {
  const { blocking } = await runAxe(page);
  assert.deepEqual(blocking, [], `${what}:\n${describeViolations(blocking)}`);
}

for (const [role, person] of Object.entries(PEOPLE)) {
  test(`${role}: the navigation of the role, every work page reachable, name and sign-out in the header`, async () => {
    const context = await newContext(browser, { lang: 'en' });
    try {
      const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
      await page.goto(`${server.url}/`);
      await waitForShell(page);
      assert.deepEqual(await visibleHrefs(page, '.work-nav a'), [], 'no work links before signing in');
      assert.ok(await page.isVisible('#account-signin'), '"Sign in" in the header');
      await page.click('#account-signin');
      await page.waitForURL(/\/signin$/);
      await waitForShell(page);
      await page.fill('#signin-login', `${role}@nav.example`);
      await page.fill('#signin-password', PASSWORD);
      await page.click('#signin-submit');
      await page.waitForURL(/\/account$/);
      await waitForShell(page);
      // "Sign in" has become the name and "Sign out".
      await page.waitForFunction((n) => document.getElementById('account-name')?.textContent === n, person.name);
      assert.ok(await page.isHidden('#account-signin'));
      assert.ok(await page.isVisible('#sign-out'));
      assert.equal(await page.getAttribute('#account-link', 'href'), '/account');
      assert.deepEqual(await visibleHrefs(page, '.work-nav a'), person.work, 'work links of the role');

      // Each work page, reached by its link: it loads for this role (no "sign in" or "not
      // allowed" notice), marks its link as current, and the role's navigation is there from the
      // first paint (boot.js), before any request to the server.
      for (const href of person.work) {
        await page.click(`.work-nav a[href="${href}"]`);
        await page.waitForURL((u) => new URL(u).pathname === href);
        const early = await page.evaluate(() => ({ role: document.documentElement.dataset.role, signedIn: document.documentElement.classList.contains('signed-in') }));
        assert.deepEqual(early, { role, signedIn: true }, `${href}: role known at first paint`);
        await waitForShell(page);
        assert.equal(await page.getAttribute(`.work-nav a[href="${href}"]`, 'aria-current'), 'page', `${href} marked as current`);
        const refused = await page.$$eval('main [id$="-signin"], main [id$="-anon"], main [id$="-forbidden"]',
          (els) => els.filter((e) => e.checkVisibility()).map((e) => e.id));
        assert.deepEqual(refused, [], `${href} refused this ${role}`);
      }
      // Persian at 360 px: the header and work navigation fit, nothing scrolls sideways.
      await page.setViewportSize({ width: 360, height: 800 });
      await page.click('#lang-switch');
      await page.waitForFunction(() => document.documentElement.lang === 'fa');
      assert.deepEqual(await visibleHrefs(page, '.work-nav a'), person.work);
      assert.ok(await overflow(page) <= 0, 'no sideways scroll at 360 px');
      await axeClean(page, `${role} at 360 px`);
      await page.screenshot({ path: join(shots, `nav-${role}-fa-360.png`) });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: join(shots, `nav-${role}-fa-1280.png`) });

      // Sign out from the header: "Sign in" again, no work links, nothing of the role kept.
      await page.click('#sign-out');
      await page.waitForURL(/\/signin\?signed_out=1$/);
      await waitForShell(page);
      assert.ok(await page.isVisible('#account-signin'));
      assert.ok(await page.isHidden('#account-slot'));
      assert.deepEqual(await visibleHrefs(page, '.work-nav a'), []);
      assert.deepEqual(await page.evaluate(() => [localStorage.getItem('hamyari.role'), document.documentElement.dataset.role ?? null]), [null, null]);
      // A font still downloading when a link is followed is cut off by the navigation: no fault.
      assert.deepEqual(problems.filter((s) => !/\/api\/v1\/me/.test(s) && !/\.woff2 net::ERR_ABORTED$/.test(s)), []);
    } finally {
      await context.close();
    }
  });
}

test('the language by address: ?lang= chooses it, remembers it, and every page names its other-language addresses', async () => {
  const context = await newContext(browser, { lang: 'fa' });
  try {
    const { page, problems } = await instrumentedPage(context, { allowedOrigin: server.url });
    const state = () => page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      stored: localStorage.getItem('hamyari.lang'),
      h1: document.querySelector('h1').textContent,
      alternates: Object.fromEntries([...document.querySelectorAll('link[rel="alternate"][hreflang]')].map((l) => [l.hreflang, l.getAttribute('href')])),
      switchHref: document.getElementById('lang-switch').getAttribute('href'),
    }));
    // A Persian browser opens an English link in English, and the choice is kept.
    await page.goto(`${server.url}/library?lang=en&q=covid`);
    await waitForShell(page);
    let s = await state();
    assert.deepEqual([s.lang, s.dir, s.stored, s.h1], ['en', 'ltr', 'en', LOCALES.en['library.h1']]);
    assert.deepEqual(s.alternates, {
      fa: `${server.url}/library?lang=fa&q=covid`,
      en: `${server.url}/library?lang=en&q=covid`,
      'x-default': `${server.url}/library?q=covid`,
    }, 'absolute alternates of this address');
    assert.equal(s.switchHref, '/library?lang=fa&q=covid', 'the switch keeps the other parameters');
    await page.goto(`${server.url}/privacy`);
    await waitForShell(page);
    assert.equal((await state()).lang, 'en', 'remembered on the next page');
    // ?lang=fa back; an unknown language changes nothing.
    await page.goto(`${server.url}/about?lang=fa`);
    await waitForShell(page);
    assert.deepEqual([(await state()).lang, (await state()).stored], ['fa', 'fa']);
    await page.goto(`${server.url}/about?lang=de`);
    await waitForShell(page);
    assert.deepEqual([(await state()).lang, (await state()).stored], ['fa', 'fa']);
    // Switching on a page whose address names a language changes the address too.
    await page.goto(`${server.url}/help?lang=fa`);
    await waitForShell(page);
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'en');
    s = await state();
    assert.equal(s.switchHref, '/help?lang=fa');
    // The library's document-language filter is doc_lang, not the interface's lang.
    await page.goto(`${server.url}/library?lang=fa&doc_lang=en`);
    await waitForShell(page);
    assert.equal((await state()).lang, 'fa');
    assert.equal(await page.inputValue('#library-lang'), 'en');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the sitemap lists every public section of the navigation', async () => {
  const nav = NAV;
  const xml = await (await fetch(`${server.url}/sitemap.xml`)).text();
  const listed = new Set([...xml.matchAll(/<loc>[^<]*?(\/[^<]*)<\/loc>/g)].map((m) => new URL(m[1], server.url).pathname));
  for (const s of [...nav.sections, ...nav.footer]) assert.ok(listed.has(s.href), `${s.href} not in /sitemap.xml`);
  for (const w of nav.work) assert.ok(!listed.has(w.href), `${w.href} (signed-in people only) in /sitemap.xml`);
});

test('without JavaScript: the menu opens and leads to every section, the help form and the library read as plain HTML', async () => {
  for (const width of [360, 1280]) {
    const context = await newContext(browser, { lang: 'fa', viewport: { width, height: 800 }, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      assert.ok(await overflow(page) <= 0, `no sideways scroll at ${width} px`);
      assert.ok(await page.isHidden('#lang-switch'), 'no language switch: it needs scripts');
      assert.ok(await page.isVisible('#account-signin'), '"Sign in" is a plain link');
      assert.ok(await page.isHidden('#work-nav'));
      const nav = NAV;
      const before = await visibleHrefs(page, '.site-nav a');
      await page.click('#nav-menu summary');
      const open = await visibleHrefs(page, '.site-nav a');
      if (width === 360) {
        assert.deepEqual(before, [], 'on a phone the sections are behind the menu button');
        assert.deepEqual(open, nav.sections.map((s) => s.href));
      } else {
        assert.deepEqual(before, nav.sections.filter((s) => s.primary).map((s) => s.href));
        assert.deepEqual(open.sort(), nav.sections.map((s) => s.href).sort());
      }
      await page.screenshot({ path: join(shots, `nav-nojs-menu-${width}.png`) });
      await page.click('#nav-menu a[href="/track"]');
      await page.waitForURL(/\/track$/);
      // The help form: a plain form that posts to the server.
      await page.goto(`${server.url}/help`);
      const form = await page.$eval('#help-form', (f) => ({ method: f.method, action: new URL(f.action).pathname, visible: f.checkVisibility() }));
      assert.deepEqual(form, { method: 'post', action: '/api/v1/requests', visible: true });
      // The library: its heading, links and search form are there.
      await page.goto(`${server.url}/library`);
      assert.equal(await page.textContent('h1'), LOCALES.fa['library.h1']);
      assert.ok(await page.isVisible('#library-search'));
    } finally {
      await context.close();
    }
  }
});

test('fourteen public sections: the menu fits 360 px in both languages, with and without JavaScript', async () => {
  // The site built with a longer navigation (existing pages under the longest labels at hand).
  const labels = ['nav.home', 'home.card_groups_title', 'home.card_help_title', 'home.card_volunteer_title', 'nav.library',
    'nav.track', 'coverage.h1', 'nav.faq', 'toolkits.h1', 'communities.h1', 'nav.about', 'footer.privacy', 'nav.signin', 'home.privacy_link'];
  const hrefs = ['/', '/groups', '/help', '/volunteer', '/library', '/track', '/coverage', '/faq', '/toolkits', '/communities', '/about', '/privacy', '/signin', '/account'];
  const nav = { ...NAV, sections: hrefs.map((href, i) => ({ href, label: labels[i], primary: i < 5 })) };
  const { outputs } = await buildSite({ web: WEB, nav, syncHtml });
  const dir = await mkdtemp(join(tmpdir(), 'hamyari-nav14-'));
  let site;
  try {
    for (const [name, bytes] of outputs) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), bytes);
    }
    await copyFile(join(WEB, 'manifest.webmanifest'), join(dir, 'manifest.webmanifest'));
    site = await startServer({ web: dir });
    for (const lang of ['fa', 'en']) {
      for (const js of [true, false]) {
        const context = await newContext(browser, { lang, viewport: { width: 360, height: 740 }, javaScriptEnabled: js });
        try {
          const page = await context.newPage();
          await page.goto(`${site.url}/library${js ? `?lang=${lang}` : ''}`);
          if (js) await waitForShell(page);
          await page.click('#nav-menu summary');
          const links = await page.$$eval('#nav-menu a', (as) => as.filter((a) => a.checkVisibility()).map((a) => {
            const r = a.getBoundingClientRect();
            return { href: a.getAttribute('href'), w: r.width, h: r.height, left: r.left, right: r.right, text: a.textContent };
          }));
          assert.deepEqual(links.map((l) => l.href), hrefs, `${lang} js=${js}: every section in the menu`);
          for (const l of links) {
            assert.ok(l.h >= 44 && l.left >= 0 && l.right <= 360, `${lang} js=${js}: ${l.href} is a whole target inside the screen (${JSON.stringify(l)})`);
            assert.ok(l.text.trim(), `${l.href} has a label`);
          }
          assert.ok(await overflow(page) <= 0, `${lang} js=${js}: no sideways scroll with the menu open`);
          if (js) await axeClean(page, `14 sections, ${lang}, menu open`);
          await page.screenshot({ path: join(shots, `nav-14-${lang}-360${js ? '' : '-nojs'}.png`), fullPage: true });
          // Wide screens: five in the row, nine under "More", which opens inside the screen.
          await page.setViewportSize({ width: 1280, height: 800 });
          await page.click('#nav-menu summary'); // close
          const row = await page.$$eval('.nav-primary a', (as) => as.filter((a) => a.checkVisibility()).map((a) => a.getBoundingClientRect().top));
          assert.equal(row.length, 5);
          assert.equal(new Set(row.map(Math.round)).size, 1, `${lang}: the main sections fit one row`);
          await page.click('#nav-menu summary');
          const more = await page.$$eval('#nav-menu a', (as) => as.filter((a) => a.checkVisibility()).map((a) => a.getBoundingClientRect()));
          assert.equal(more.length, 9);
          assert.ok(more.every((r) => r.left >= 0 && r.right <= 1280), `${lang}: "More" opens inside the screen`);
          await page.screenshot({ path: join(shots, `nav-14-${lang}-1280${js ? '' : '-nojs'}.png`) });
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    if (site) assert.equal(await site.stop(), 0);
    await rm(dir, { recursive: true, force: true });
  }
});
