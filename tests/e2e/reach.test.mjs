// reach.test.mjs — no page that can only be reached by typing its address: for each kind of
// person (signed out, volunteer, coordinator, editor, admin) the test starts at the home page
// and follows the links a person can see and click, page after page, and checks that every
// page of the site meant for that person was reached. The pages come from the build's manifest,
// so a new page that no navigation leads to fails here. Pages that need an object to show (one
// group, one document, a group's editor, a widget) are reached through their lists' links when
// there is data; they are named below and checked by their own tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUsers, COMMON_PASSWORDS } from './lib/server.mjs';
import { launchBrowser, newContext, waitForShell } from './lib/browser.mjs';
import { listPages } from './lib/pages.mjs';

const PASSWORD = 'a long enough passphrase for reach';
// Pages shown for one object (?id=…) or meant for other sites (widgets), and the 404 page.
const OBJECT_PAGES = new Set(['/group', '/group-edit', '/doc']);
// Pages only signed-in people of these roles use; every other page is for everyone.
const ROLE_PAGES = {
  '/tasks': ['volunteer'],
  '/dispatch': ['coordinator', 'admin'],
  '/vetting': ['coordinator', 'admin'],
  '/pending-groups': ['coordinator', 'admin'],
  '/editor': ['editor', 'admin'],
  '/tree-editor': ['editor', 'admin'],
  '/synonyms': ['editor', 'admin'],
  '/data-upload': ['editor', 'admin'],
  '/admin/users': ['admin'],
  '/admin/audit': ['admin'],
  '/admin/outbox': ['admin'],
  '/account': ['volunteer', 'coordinator', 'editor', 'admin'],
  '/tokens': ['volunteer', 'coordinator', 'editor', 'admin'],
  // Signing in and a forgotten password are for people who are not signed in.
  '/signin': ['anonymous'],
  '/forgot': ['anonymous'],
  '/reset': ['anonymous'],
};
const ROLES = ['anonymous', 'volunteer', 'coordinator', 'editor', 'admin'];

let server, browser;

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000'] });
  addUsers(server, ROLES.slice(1).map((role) => ({ email: `${role}@reach.example`, name: `Reach ${role}`, role })), PASSWORD);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

/** The pages a person in `role` should be able to reach. */
function expected(role) {
  return listPages()
    .filter((p) => p.status !== 404 && p.layout !== 'embed' && !OBJECT_PAGES.has(p.path))
    .map((p) => p.path)
    .filter((path) => !ROLE_PAGES[path] || ROLE_PAGES[path].includes(role))
    .sort();
}

/** The site addresses of the links a person sees on the page (not API or file links). */
function visibleLinks(page) {
  return page.$$eval('a[href]', (as) => as
    .filter((a) => a.checkVisibility({ visibilityProperty: true }) || a.closest('details.nav-menu'))
    .map((a) => new URL(a.getAttribute('href'), location.href))
    .filter((u) => u.origin === location.origin)
    .map((u) => u.pathname));
}

for (const role of ROLES) {
  test(`${role}: every page for this person is reached by following visible links from the home page`, async () => {
    for (const width of [1280, 360]) {
      const context = await newContext(browser, { lang: 'en', viewport: { width, height: 900 } });
      try {
        const page = await context.newPage();
        if (role !== 'anonymous') {
          await page.goto(`${server.url}/signin`);
          await waitForShell(page);
          await page.fill('#signin-login', `${role}@reach.example`);
          await page.fill('#signin-password', PASSWORD);
          await page.click('#signin-submit');
          await page.waitForURL(/\/account$/);
        }
        const want = expected(role);
        const isPage = (p) => !p.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(p) && p !== '/tiles';
        const seen = new Set(['/']);
        const from = new Map();
        const queue = ['/'];
        while (queue.length) {
          const path = queue.shift();
          await page.goto(`${server.url}${path}`);
          await waitForShell(page);
          // On a phone the sections are behind the menu button: open it as a person would.
          if (width === 360 && await page.isVisible('#nav-menu summary')) await page.click('#nav-menu summary');
          for (const next of await visibleLinks(page)) {
            if (seen.has(next) || !isPage(next)) continue;
            seen.add(next);
            from.set(next, path);
            if (want.includes(next)) queue.push(next);
          }
        }
        const missing = want.filter((p) => !seen.has(p));
        assert.deepEqual(missing, [], `${role} at ${width} px cannot reach ${missing.join(', ')} by clicking`);
        // Nothing of another role is offered.
        const foreign = [...seen].filter((p) => ROLE_PAGES[p] && !ROLE_PAGES[p].includes(role) && !ROLE_PAGES[p].includes('anonymous') && p !== '/account');
        assert.deepEqual(foreign, [], `${role} is shown links to ${foreign.map((p) => `${p} (on ${from.get(p)})`).join(', ')}`);
      } finally {
        await context.close();
      }
    }
  });
}
