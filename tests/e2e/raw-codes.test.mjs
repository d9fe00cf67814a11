// No raw codes anywhere in the interface: every page, in Persian and English, as each role
// (signed out, volunteer, coordinator, editor, admin), with data that carries every kind of
// code — skills, languages a browser may not name («gu»), group languages, request statuses
// with underscores, roles. The codes are taken from the locales (every closed list the pages
// translate: skill.*, langname.*, rqstatus.* …) and from the data itself; a page fails when
// one shows as text. Lists are joined as the language joins them: «، » in Persian, ", " in
// English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, addUsers, serverBinary, LOCALES, COMMON_PASSWORDS, ROOT } from './lib/server.mjs';
import { launchBrowser, newContext, waitForShell } from './lib/browser.mjs';
import { listPages, pageAddress } from './lib/pages.mjs';

const PASSWORD = 'raw codes passphrase 2026';
const ROLES = ['volunteer', 'coordinator', 'editor', 'admin'];
// Logins without a code word in them (the account page shows the e-mail address).
const EMAIL = { volunteer: 'vida@codes.example', coordinator: 'kaveh@codes.example', editor: 'ella@codes.example', admin: 'ada@codes.example' };
const HOME = { lat: 35.7575, lon: 51.4098 };
const DATA_LANGS = ['gu', 'az', 'ku'];
// The closed lists whose codes the pages must name in words.
const PREFIXES = ['kind', 'urgency', 'for_whom', 'rqstatus', 'rqstaff', 'skill', 'langname', 'role', 'vstatus', 'outcome', 'source', 'reimb'];
const CODES = new Set(DATA_LANGS);
// News and fact checks: CAP's urgency, severity and certainty, and the fact-check ratings.
for (const code of ['Immediate', 'Severe', 'Likely', 'partly_true', 'unverifiable', 'misleading']) CODES.add(code);
for (const key of Object.keys(LOCALES.en)) {
  const dot = key.indexOf('.');
  if (PREFIXES.includes(key.slice(0, dot))) CODES.add(key.slice(dot + 1));
}

let server, browser, groupId;
// The pages the server renders below the lists of the manifest (one item; the claim form).
const serverPages = [];

async function api(method, path, body, session) {
  const headers = { 'content-type': 'application/json' };
  if (session) Object.assign(headers, { cookie: session.cookie, 'x-csrf-token': session.csrf });
  const r = await fetch(`${server.url}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function login(role) {
  const r = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: EMAIL[role], password: PASSWORD }),
  });
  assert.equal(r.status, 200);
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: (await r.json()).csrf_token };
}

before(async () => {
  server = await startServer({ args: ['--password-list', COMMON_PASSWORDS, '--rate-login-ip', '1000', '--rate-form-ip', '1000'] });
  addUsers(server, ROLES.filter((r) => r !== 'volunteer').map((role, i) => ({ email: EMAIL[role], name: `آزمون ${'ابپ'[i]}`, role })), PASSWORD);
  const v = spawnSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', EMAIL.volunteer, '--name', 'آزمون داوطلب',
    '--role', 'volunteer', '--home', `${HOME.lat},${HOME.lon}`, '--password-stdin'], { input: `${PASSWORD}\n`, encoding: 'utf8', cwd: ROOT });
  assert.equal(v.status, 0, v.stderr);
  const coord = await login('coordinator');
  // A pending volunteer with skills and languages (one no locale names).
  await api('POST', '/api/v1/volunteers', { name: 'Pending Person', phone: '0912 555 0911', skills: ['shopping', 'tech'], languages: DATA_LANGS, consent: true });
  // An approved group speaking those languages.
  const g = await api('POST', '/api/v1/groups', { name: 'Codes test group', description: 'Shopping for older neighbours.', lat: HOME.lat, lon: HOME.lon,
    radius_km: 2, contact: { phone: '+989121234567' }, languages: DATA_LANGS, tags: ['همسایگی'] }, coord);
  groupId = g.id;
  await api('POST', `/api/v1/groups/${groupId}/approve`, {}, coord);
  // Requests in statuses with underscores, one without an area, one held by the volunteer.
  const ask = (extra) => api('POST', '/api/v1/requests', { name: 'Req Person', phone: '0912 555 0912', address: 'Street 1', kind: 'companionship', urgency: 'low', consent: true, language: 'en', ...extra });
  const held = await ask({ lat: HOME.lat, lon: HOME.lon });
  const me = await api('GET', '/api/v1/me', null, await login('volunteer'));
  await api('POST', `/api/v1/requests/${held.id}/assign`, { volunteer_id: me.id }, coord);
  await api('POST', `/api/v1/requests/${held.id}/status`, { status: 'in_progress' }, coord);
  const unable = await ask({ lat: HOME.lat, lon: HOME.lon });
  await api('POST', `/api/v1/requests/${unable.id}/status`, { status: 'unable_to_help', reason: 'nobody free' }, coord);
  await ask({ place: 'Nowhere-codes-xyz' });
  // An alert and a fact check with codes in them (CAP's scales, a rating with an underscore),
  // whose pages the server renders below the news and fact-check lists.
  const editor = await login('editor');
  await api('PUT', '/api/v1/news/institutions/codes-office', { name_fa: 'دفتر آزمون', name_en: 'Test office', colour: '#2471a3' }, editor);
  const item = await api('POST', '/api/v1/library', { type: 'news', language: 'fa', title: 'هشدار آزمون', summary: 'خلاصهٔ هشدار', body: 'متن هشدار',
    news: { institution: 'codes-office', category: 'alert', alert: { event: 'سیل', urgency: 'Immediate', severity: 'Severe', certainty: 'Likely', area: 'محلهٔ کنار رود', expires: null } } }, editor);
  const check = await api('POST', '/api/v1/library', { type: 'factcheck', language: 'fa', title: 'راستی‌آزمایی آزمون', body: 'توضیح',
    factcheck: { claim: 'ادعای آزمون', organisation: 'راستی‌آزمای آزمون', rating: 'partly_true' } }, editor);
  const admin = await login('admin');
  for (const id of [item.id, check.id]) await api('POST', `/api/v1/library/${id}/publish`, null, admin);
  serverPages.push(`/news/${item.id}`, `/factchecks/${check.id}`, '/factchecks/submit');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, server.stderr);
});

/** The raw codes in a page's text: in Persian any Latin word that is a code; in English the
 *  codes no English sentence uses (with an underscore, or a language code). A word is letters
 *  and underscores standing alone: the letters inside an identifier («request 3fa1c2d0…», the
 *  audit log's short request ids, which are random hex) are not a word. */
function rawCodes(text, lang) {
  const words = text.match(/(?<![A-Za-z0-9_])[A-Za-z][A-Za-z_]*(?![A-Za-z0-9_])/g) || [];
  return [...new Set(words.filter((w) => CODES.has(w) && (lang === 'fa' || w.includes('_') || DATA_LANGS.includes(w) || LOCALES.en[`langname.${w}`])))];
}

/** The visible text of the page in its own language: what people typed or wrote in another
 *  language (marked lang="…", e.g. a library document in English on the Persian page) is
 *  content, not interface. */
function pageText(page) {
  return page.evaluate(() => {
    const lang = document.documentElement.lang;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent.trim() || ['SCRIPT', 'STYLE', 'TEXTAREA'].includes(el.tagName)) continue;
      if (!el.checkVisibility()) continue;
      const marked = el.closest('[lang]');
      if (marked && marked !== document.documentElement && !marked.lang.startsWith(lang)) continue;
      out.push(n.textContent);
    }
    return out.join('\n');
  });
}

test('a code is found where it stands alone, never inside a random id', () => {
  assert.deepEqual(rawCodes('request 3fa1c2d0… — 0fa, fa9', 'fa'), []);
  assert.deepEqual(rawCodes('ad-fa: other', 'fa'), ['fa', 'other']);
  assert.deepEqual(rawCodes('request 3fa1c2d0… — state: in_progress (en)', 'en'), ['in_progress', 'en']);
  assert.deepEqual(rawCodes('Delivered, in progress; 12ku34', 'en'), []);
});

const pages = (lang) => [
  ...listPages().map((p) => (['/group', '/group-edit'].includes(p.path) ? `${p.path}?id=${groupId}` : pageAddress(p.path, lang))),
  ...serverPages.map((path) => `${path}?lang=${lang}`),
];

for (const lang of ['fa', 'en']) {
  for (const role of ['anon', ...ROLES]) {
    test(`no raw code on any page, ${role}, ${lang}`, async () => {
      const context = await newContext(browser, { lang });
      try {
        const page = await context.newPage();
        if (role !== 'anon') {
          await page.goto(`${server.url}/signin`);
          await waitForShell(page);
          await page.fill('#signin-login', EMAIL[role]);
          await page.fill('#signin-password', PASSWORD);
          await page.click('#signin-submit');
          await page.waitForURL(/\/account$/);
        }
        const found = [];
        for (const path of pages(lang)) {
          await page.goto(`${server.url}${path}`);
          await waitForShell(page);
          if (path === '/dispatch' && await page.isVisible('#dispatch-board')) {
            // Open each request: its contact, area and history.
            const opens = page.locator('#dispatch-queue button');
            for (let i = 0; i < await opens.count(); i++) {
              await opens.nth(i).click();
              await page.waitForSelector('#dispatch-detail:not([hidden])');
              await page.waitForLoadState('networkidle');
              const bad = rawCodes(await pageText(page), lang);
              if (bad.length) found.push(`${path} (request ${i + 1}): ${bad.join(' ')}`);
            }
          }
          const text = await pageText(page);
          const bad = rawCodes(text, lang);
          if (bad.length) found.push(`${path}: ${bad.join(' ')}`);
          // Between Latin words: a Persian comma inside Persian content (a tree's title) is its own.
          if (lang === 'en') assert.doesNotMatch(text, /[A-Za-z0-9)]، [A-Za-z0-9(]/, `${path}: a Persian list separator in English`);
        }
        assert.deepEqual(found, []);
      } finally {
        await context.close();
      }
    });
  }
}
