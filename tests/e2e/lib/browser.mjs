// Headless Debian Chromium through playwright-core, and a page instrumented for the checks the
// e2e tests share: console errors, page errors, failed requests, HTTP errors, requests to any
// host other than the test server, and transferred bytes (CDP Network.loadingFinished).

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './server.mjs';

export const CHROMIUM = process.env.HAMYARI_CHROMIUM || '/usr/bin/chromium';
export const OUTPUT = process.env.HAMYARI_TEST_OUTPUT || join(ROOT, 'test-output');

// playwright's launch() gives every browser a fresh, empty temporary profile (--user-data-dir).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
];

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A new context (own cache and storage). lang 'fa'|'en' becomes the browser's language. */
export async function newContext(browser, { lang = 'fa', viewport = { width: 1280, height: 900 }, ...rest } = {}) {
  const locale = lang === 'en' ? 'en-GB' : 'fa-IR';
  return browser.newContext({ locale, viewport, ...rest });
}

/**
 * Open a page that records problems. Returns {page, problems, requests, bytes()}.
 *   problems: strings (console errors, uncaught errors, failed requests, HTTP >= 400 and
 *             requests outside allowedOrigin); allowStatus(url, status) may excuse a status.
 *   bytes(): {total, byType: {ext: n}, excludingFonts} — encoded bytes received so far.
 */
export async function instrumentedPage(context, { allowedOrigin, allowStatus = () => false, measure = false } = {}) {
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location()?.url || ''})`);
    else if (msg.type() === 'warning' && /i18n: missing key/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    requests.push(req.url());
    const u = new URL(req.url());
    if (!['data:', 'blob:'].includes(u.protocol) && allowedOrigin && u.origin !== allowedOrigin) {
      problems.push(`request outside ${allowedOrigin}: ${req.url()}`);
    }
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText || ''}`));
  page.on('response', (res) => {
    if (res.status() >= 400 && !allowStatus(res.url(), res.status())) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  const sizes = new Map(); // requestId -> {url, bytes}
  if (measure) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    cdp.on('Network.requestWillBeSent', (e) => sizes.set(e.requestId, { url: e.request.url, bytes: 0 }));
    cdp.on('Network.loadingFinished', (e) => {
      const s = sizes.get(e.requestId);
      if (s) s.bytes = e.encodedDataLength;
    });
  }
  function bytes() {
    const byFile = [];
    let total = 0, excludingFonts = 0;
    for (const { url, bytes: n } of sizes.values()) {
      if (!/^https?:/.test(url)) continue;
      byFile.push({ path: new URL(url).pathname, bytes: n });
      total += n;
      if (!/\.woff2?$/.test(new URL(url).pathname)) excludingFonts += n;
    }
    return { total, excludingFonts, byFile };
  }
  return { page, problems, requests, bytes };
}

/** Wait until shell.js has translated the page (and the network has settled). */
// A request still under way when a test follows a link is cut off by the navigation: no fault.
export const faults = (problems) => problems.filter((s) => !/ net::ERR_ABORTED$/.test(s));

export async function waitForShell(page, { idle = true } = {}) {
  await page.waitForSelector('html[data-i18n-ready]', { timeout: 15000 });
  if (idle) await page.waitForLoadState('networkidle');
}

export async function screenshotDir() {
  const dir = join(OUTPUT, 'screenshots');
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * A new context (lang, viewport: null for the default) with an instrumented page signed in as
 * `login` through the sign-in form, on the account page: { context, page, problems }.
 */
export async function signedIn(browser, serverUrl, { login, password, lang = 'fa', viewport = null }) {
  const context = await newContext(browser, { lang, ...(viewport ? { viewport } : {}) });
  const ip = await instrumentedPage(context, { allowedOrigin: serverUrl });
  await ip.page.goto(`${serverUrl}/signin`);
  await waitForShell(ip.page);
  await ip.page.fill('#signin-login', login);
  await ip.page.fill('#signin-password', password);
  await ip.page.click('#signin-submit');
  await ip.page.waitForURL(/\/account$/);
  await waitForShell(ip.page);
  return { context, ...ip };
}
