// Lighthouse (npm `lighthouse`, pinned in package.json) against Debian's Chromium.
//
//   const chrome = await launchChrome();
//   const r = await audit(`${url}/library?lang=en`, { port: chrome.port, formFactor: 'mobile' });
//   r.scores.accessibility, r.cls, r.bytes, r.failing …
//   await chrome.close();
//
// One Chromium serves every run (Lighthouse opens a fresh tab and clears the origin's cache and
// storage for each). Chromium is started by hand, with the flags that keep it off the network
// (see tests/e2e/lib/browser.mjs), and a fresh profile folder that is removed on close.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { CHROMIUM } from './browser.mjs';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/** Starts headless Chromium with a DevTools port; resolves with {port, close()}. */
export async function launchChrome({ chromium = process.env.CHROME_PATH || CHROMIUM, args = [] } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'hamyari-lh-'));
  const child = spawn(chromium, [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', '--no-default-browser-check', '--mute-audio',
    `--user-data-dir=${profile}`, '--remote-debugging-port=0', ...args, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((res) => child.once('exit', res));
  const port = await new Promise((res, rej) => {
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`chromium did not open a DevTools port:\n${err}`)); }, 30000);
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err);
      if (m) { clearTimeout(timer); res(Number(m[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); rej(new Error(`chromium exited (${code}):\n${err}`)); });
  });
  return {
    port,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One Lighthouse navigation. formFactor 'mobile' (Lighthouse's default: Moto G Power, simulated
 * slow 4G and 4× CPU slowdown) or 'desktop'. Returns the figures the tests and the benchmark use,
 * plus `failing`: every audit of the non-performance categories that scored below 1.
 */
export async function audit(url, { port, formFactor = 'mobile', categories = CATEGORIES, fast = false } = {}) {
  const flags = { port, output: 'json', logLevel: 'error', onlyCategories: categories };
  // fast: no page screenshots (the budgets do not use them; the performance score's Speed Index
  // does, so it is left out then).
  if (fast) Object.assign(flags, { disableFullPageScreenshot: true, skipAudits: ['screenshot-thumbnails', 'final-screenshot', 'speed-index'] });
  const config = formFactor === 'desktop' ? desktopConfig : undefined;
  let lhr = null;
  // Recording the trace fails now and then (NO_NAVSTART and the like: Chromium's, not the
  // page's); such a run is repeated, at most twice. A page that fails to load fails every time.
  for (let attempt = 1; ; attempt++) {
    const result = await lighthouse(url, flags, config);
    if (!result?.lhr) throw new Error(`lighthouse gave no result for ${url}`);
    lhr = result.lhr;
    if (!lhr.runtimeError) break;
    const retry = /^(NO_NAVSTART|NO_TRACING_STARTED|NO_DCL|NO_FCP|PROTOCOL_TIMEOUT)$/.test(lhr.runtimeError.code);
    if (!retry || attempt >= 3) throw new Error(`lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
  }
  const a = lhr.audits;
  const num = (id) => (a[id] && typeof a[id].numericValue === 'number' ? a[id].numericValue : null);
  const scores = {};
  for (const [id, c] of Object.entries(lhr.categories)) scores[id] = c.score === null ? null : Math.round(c.score * 100);
  const failing = [];
  for (const c of Object.values(lhr.categories)) {
    if (c.id === 'performance') continue;
    for (const ref of c.auditRefs) {
      const x = a[ref.id];
      if (ref.weight > 0 && x && x.score !== null && x.score < 1) {
        const items = (x.details?.items || []).slice(0, 3).map((i) => i.node?.snippet || i.url || i.source?.snippet || JSON.stringify(i).slice(0, 160));
        failing.push(`${c.id}/${x.id}: ${x.title}${items.length ? `\n      ${items.join('\n      ')}` : ''}`);
      }
    }
  }
  const shifts = (a['layout-shifts']?.details?.items || []).map((i) => `${(i.score ?? 0).toFixed(3)} ${i.node?.selector || i.node?.snippet || ''}`);
  return {
    url,
    formFactor,
    scores,
    cls: num('cumulative-layout-shift'),
    tbt: num('total-blocking-time'),
    lcp: num('largest-contentful-paint'),
    fcp: num('first-contentful-paint'),
    si: num('speed-index'),
    bytes: num('total-byte-weight'),
    requests: a['network-requests']?.details?.items?.length ?? null,
    failing,
    shifts,
    warnings: lhr.runWarnings || [],
  };
}
