// feeds-valid.test.mjs — the news and fact-check feeds as their judges read them, on the demo data
// of a server with a public address (feeds want absolute URLs):
// - JSON Feed 1.1 against the JSON Schema of the npm package jsonfeed-schema, with ajv and
//   ajv-formats (so that URIs and dates are checked too); the validator is shown to refuse a
//   broken copy first, so that a pass means something;
// - Atom: well-formed (libxml2's xmllint) and RFC 4287's required elements;
// - CAP 1.2: well-formed, and the rules of OASIS's CAP 1.2 schema (which neither Debian nor npm
//   ships) in code: the elements in the order of the schema's sequences, the closed lists, the
//   date-time form and the identifier's characters;
// - the fact-check pages' ClaimReview JSON-LD by structured-data-testing-tool's Google preset.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startServer, STORE } from './lib/server.mjs';

const require = createRequire(import.meta.url);
const SCHEMA = JSON.parse(readFileSync(require.resolve('jsonfeed-schema/schema-v1.1.json'), 'utf8'));
const PUBLIC = 'https://hamyari.example';
let srv;
const dir = mkdtempSync(join(tmpdir(), 'hy-feeds-'));

before(async () => {
  srv = await startServer({ args: ['--demo', '--public-url', PUBLIC] });
});
after(async () => {
  await srv?.stop();
});

async function get(path, type) {
  const r = await srv.fetch(path);
  assert.equal(r.status, 200, path);
  assert.match(r.headers.get('content-type'), type, path);
  return r.text();
}

/** Well-formed XML, by libxml2's xmllint (exit status 0, nothing on stderr). */
function wellFormed(xml, name) {
  const f = join(dir, name.replace(/[^a-z0-9.]/gi, '_'));
  writeFileSync(f, xml);
  execFileSync('xmllint', ['--noout', '--nonet', f], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A small reader of the XML we write (elements, attributes, text; no CDATA or comments):
 *  {name, attrs, children, text}. */
function parseXml(xml) {
  const root = { name: '#doc', attrs: {}, children: [], text: '' };
  const stack = [root];
  const re = /<(\/?)([A-Za-z][\w.:-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|<\?[^>]*\?>|([^<]+)/g;
  for (const m of xml.matchAll(re)) {
    const top = stack.at(-1);
    if (m[5] !== undefined) { top.text += m[5]; continue; }
    if (!m[2]) continue;
    if (m[1]) { assert.equal(stack.pop().name, m[2], 'closing tag matches'); continue; }
    const attrs = Object.fromEntries([...m[3].matchAll(/([\w:.-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    const el = { name: m[2], attrs, children: [], text: '' };
    top.children.push(el);
    if (!m[4]) stack.push(el);
  }
  assert.equal(stack.length, 1, 'every element closed');
  return root.children[0];
}

/** The children's names follow `sequence`: [name, min, max] in order (max Infinity). */
function inSequence(el, sequence, where) {
  const names = el.children.map((c) => c.name);
  let i = 0;
  for (const [name, min, max] of sequence) {
    let n = 0;
    while (i < names.length && names[i] === name) { i++; n++; }
    assert.ok(n >= min && n <= max, `${where}: <${name}> ${n} times (schema: ${min}..${max}); children ${names.join(', ')}`);
  }
  assert.equal(i, names.length, `${where}: <${names[i]}> is not in the schema's sequence, or out of order`);
}

const one = (el, name) => el.children.find((c) => c.name === name);

describe(`JSON Feed 1.1 against its JSON Schema [${STORE}]`, () => {
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(SCHEMA);
  const check = (feed, what) => assert.ok(validate(feed), `${what}: ${ajv.errorsText(validate.errors)}`);

  it('the validator refuses a broken feed (so that a pass means something)', async () => {
    const feed = JSON.parse(await get('/news.json', /^application\/feed\+json/));
    for (const [what, broken] of [
      ['an item without id', { ...feed, items: [{ ...feed.items[0], id: undefined }] }],
      ['a relative home page', { ...feed, home_page_url: '/news' }],
      ['a date that is not RFC 3339', { ...feed, items: [{ ...feed.items[0], date_published: '6 December 2026' }] }],
      ['no title', { ...feed, title: undefined }],
    ]) assert.equal(validate(JSON.parse(JSON.stringify(broken))), false, what);
  });

  it('/news.json, whole and filtered, in both languages, is valid', async () => {
    for (const q of ['', '?category=alert', '?institution=health-ministry', '?lang=fa', '?lang=en&category=guidance', '?q=%D8%AF%D8%A7%D8%B1%D9%88']) {
      const feed = JSON.parse(await get(`/news.json${q}`, /^application\/feed\+json/));
      check(feed, `/news.json${q}`);
      assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
      const self = new URL(feed.feed_url);
      assert.equal(`${self.origin}${self.pathname}`, `${PUBLIC}/news.json`);
      assert.deepEqual([...self.searchParams].sort(), [...new URLSearchParams(q)].sort(), 'the feed names its own filters');
      for (const item of feed.items) assert.ok(item.url.startsWith(`${PUBLIC}/news/`), item.url);
    }
    assert.ok(JSON.parse(await get('/news.json', /json/)).items.length >= 2, 'the demo news are in the feed');
  });
});

describe(`Atom (RFC 4287) [${STORE}]`, () => {
  for (const path of ['/news.atom', '/news.atom?category=alert', '/factchecks.atom', '/factchecks.atom?rating=false']) {
    it(`${path}: well-formed, with the required elements and absolute links`, async () => {
      const xml = await get(path, /^application\/atom\+xml/);
      wellFormed(xml, `feed${path}.xml`);
      const feed = parseXml(xml);
      assert.equal(feed.name, 'feed');
      assert.equal(feed.attrs.xmlns, 'http://www.w3.org/2005/Atom');
      const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
      for (const el of [feed, ...feed.children.filter((c) => c.name === 'entry')]) {
        for (const name of ['id', 'title', 'updated'])
          assert.equal(el.children.filter((c) => c.name === name).length, 1, `<${el.name}> has one <${name}>`);
        assert.match(one(el, 'updated').text, rfc3339);
        assert.match(one(el, 'id').text, /^[a-z][a-z0-9+.-]*:\S+$/i, 'an IRI');
        for (const l of el.children.filter((c) => c.name === 'link')) assert.ok(l.attrs.href.startsWith(PUBLIC), l.attrs.href);
      }
      const self = feed.children.find((c) => c.name === 'link' && c.attrs.rel === 'self');
      assert.ok(self, 'a self link');
      assert.equal(self.attrs.href.replace(/&amp;/g, '&'), `${PUBLIC}${path}`);
      assert.ok(feed.children.some((c) => c.name === 'author') || feed.children.filter((c) => c.name === 'entry').every((e) => one(e, 'author')),
        'an author on the feed or on every entry');
      assert.ok(feed.children.some((c) => c.name === 'entry'), 'the demo data gives entries');
    });
  }
});

describe(`CAP 1.2 by the rules of OASIS's schema [${STORE}]`, () => {
  const ALERT = [['identifier', 1, 1], ['sender', 1, 1], ['sent', 1, 1], ['status', 1, 1], ['msgType', 1, 1],
    ['source', 0, 1], ['scope', 1, 1], ['restriction', 0, 1], ['addresses', 0, 1], ['code', 0, Infinity], ['note', 0, 1],
    ['references', 0, 1], ['incidents', 0, 1], ['info', 0, Infinity]];
  const INFO = [['language', 0, 1], ['category', 1, Infinity], ['event', 1, 1], ['responseType', 0, Infinity],
    ['urgency', 1, 1], ['severity', 1, 1], ['certainty', 1, 1], ['audience', 0, 1], ['eventCode', 0, Infinity],
    ['effective', 0, 1], ['onset', 0, 1], ['expires', 0, 1], ['senderName', 0, 1], ['headline', 0, 1],
    ['description', 0, 1], ['instruction', 0, 1], ['web', 0, 1], ['contact', 0, 1], ['parameter', 0, Infinity],
    ['resource', 0, Infinity], ['area', 0, Infinity]];
  const AREA = [['areaDesc', 1, 1], ['polygon', 0, Infinity], ['circle', 0, Infinity], ['geocode', 0, Infinity],
    ['altitude', 0, 1], ['ceiling', 0, 1]];
  const LISTS = {
    status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
    msgType: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
    scope: ['Public', 'Restricted', 'Private'],
    category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
    responseType: ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'],
    urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
    severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
    certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
  };
  // The schema's dateTime restriction: seconds, and an offset, never "Z".
  const CAP_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$/;

  it('every demo alert, in both languages', async () => {
    const feed = JSON.parse(await get('/news.json?category=alert', /json/));
    assert.ok(feed.items.length >= 2, 'the demo data has alerts in Persian and English');
    for (const item of feed.items) {
      const path = `${new URL(item.url).pathname}.cap`;
      const xml = await get(path, /^application\/cap\+xml/);
      wellFormed(xml, `alert${path}.xml`);
      const alert = parseXml(xml);
      assert.equal(alert.name, 'alert');
      assert.equal(alert.attrs.xmlns, 'urn:oasis:names:tc:emergency:cap:1.2');
      inSequence(alert, ALERT, `${path} <alert>`);
      for (const name of ['identifier', 'sender']) assert.doesNotMatch(one(alert, name).text, /[\s,<&]/, `${path}: <${name}>`);
      assert.match(one(alert, 'sent').text, CAP_TIME, `${path}: <sent>`);
      const infos = alert.children.filter((c) => c.name === 'info');
      assert.ok(infos.length >= 1, `${path}: an <info>`);
      for (const info of infos) {
        inSequence(info, INFO, `${path} <info>`);
        for (const el of [alert, info])
          for (const c of el.children)
            if (LISTS[c.name]) assert.ok(LISTS[c.name].includes(c.text), `${path}: <${c.name}>${c.text}</${c.name}> is not in CAP's list`);
        for (const name of ['effective', 'onset', 'expires']) if (one(info, name)) assert.match(one(info, name).text, CAP_TIME, `${path}: <${name}>`);
        if (one(info, 'language')) assert.match(one(info, 'language').text, /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, `${path}: <language>`);
        for (const area of info.children.filter((c) => c.name === 'area')) inSequence(area, AREA, `${path} <area>`);
        assert.ok(one(info, 'area'), `${path}: the alert names its area`);
      }
    }
  });
});

// ClaimReview JSON-LD on every demo fact-check page, by Google's rules as the npm package
// structured-data-testing-tool writes them (its Google preset: ClaimReview with url,
// reviewRating and claimReviewed required; author, datePublished and itemReviewed expected),
// after the same tool is shown to refuse a page whose ClaimReview lacks its rating.
describe(`fact-check pages' ClaimReview, by structured-data-testing-tool [${STORE}]`, () => {
  const { structuredDataTest } = require('structured-data-testing-tool');
  const { Google } = require('structured-data-testing-tool/presets');
  const judge = async (html) => {
    try {
      const res = await structuredDataTest(html, { presets: [Google], schemas: ['ClaimReview'] });
      return { ok: true, failed: res.failed, warnings: res.warnings };
    } catch (err) {
      if (err.type !== 'VALIDATION_FAILED') throw err;
      return { ok: false, failed: err.res.failed, warnings: err.res.warnings };
    }
  };
  const names = (tests) => tests.map((t) => t.test);

  it('passes with no warning on every demo fact check, in both languages; a page without the rating fails', async () => {
    const atom = await get('/factchecks.atom', /atom\+xml/);
    const paths = [...new Set([...atom.matchAll(/<link [^>]*href="https:\/\/hamyari\.example(\/factchecks\/[0-9a-f]{32})"/g)].map((m) => m[1]))];
    assert.ok(paths.length >= 2, 'the demo data has fact checks');
    let last;
    for (const path of paths) {
      for (const lang of ['fa', 'en']) {
        const html = await get(`${path}?lang=${lang}`, /text\/html/);
        const r = await judge(html);
        assert.deepEqual([r.ok, names(r.failed), names(r.warnings)], [true, [], []], `${path}?lang=${lang}`);
        last = html;
      }
    }
    const broken = last.replace(/"reviewRating"\s*:/, '"reviewRatingGone":');
    assert.notEqual(broken, last, 'the page has a reviewRating to take away');
    const r = await judge(broken);
    assert.equal(r.ok, false);
    assert.ok(names(r.failed).some((t) => /reviewRating/.test(t)), names(r.failed).join(', '));
  });
});
