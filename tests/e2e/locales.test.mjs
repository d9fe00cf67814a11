// Interface strings: fa.json and en.json have the same keys, no empty strings, and every key the
// pages and scripts use exists. Plain node, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WEB } from './lib/server.mjs';

const load = (lang) => JSON.parse(readFileSync(join(WEB, 'locales', `${lang}.json`), 'utf8'));
const fa = load('fa');
const en = load('en');
const LOCALES = { fa, en };

function files(dir, ext) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (e === 'vendor') continue;
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

// The API's error codes (server contract); each needs a sentence in both languages.
const API_ERROR_CODES = [
  'not_found', 'method_not_allowed', 'bad_json', 'bad_utf8', 'unsupported_media_type',
  'payload_too_large', 'invalid_field', 'missing_field', 'rate_limited', 'unauthorized',
  'forbidden', 'csrf_failed', 'conflict', 'internal', 'store_unavailable',
  'request_taken', 'idempotency_mismatch', 'bad_transition',
];

test('fa.json and en.json have exactly the same keys', () => {
  const a = Object.keys(fa), b = Object.keys(en);
  const onlyFa = a.filter((k) => !Object.hasOwn(en, k));
  const onlyEn = b.filter((k) => !Object.hasOwn(fa, k));
  assert.deepEqual(onlyFa, [], `keys only in fa.json: ${onlyFa.join(', ')}`);
  assert.deepEqual(onlyEn, [], `keys only in en.json: ${onlyEn.join(', ')}`);
});

test('no empty or non-string values; placeholders agree', () => {
  for (const [lang, strings] of Object.entries(LOCALES)) {
    for (const [k, v] of Object.entries(strings)) {
      assert.equal(typeof v, 'string', `${lang}: ${k} is not a string`);
      assert.ok(v.trim().length > 0, `${lang}: ${k} is empty`);
    }
  }
  const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const k of Object.keys(fa)) {
    if (Object.hasOwn(en, k)) assert.equal(vars(fa[k]), vars(en[k]), `placeholders differ for ${k}`);
  }
});

test('Persian strings use Persian digits, not Western ones', () => {
  for (const [k, v] of Object.entries(fa)) {
    assert.doesNotMatch(v, /[0-9]/, `fa.json ${k} contains Western digits: ${v}`);
  }
});

test('every data-i18n key in web/**/*.html exists in both languages', () => {
  const missing = [];
  for (const f of files(WEB, '.html')) {
    const html = readFileSync(f, 'utf8');
    const keys = [...html.matchAll(/\sdata-i18n="([^"]+)"/g)].map((m) => m[1]);
    for (const m of html.matchAll(/\sdata-i18n-attr="([^"]+)"/g)) {
      for (const pair of m[1].split(';')) keys.push(pair.split(':')[1]?.trim());
    }
    for (const k of keys) {
      if (/^\{\{[a-z_.]+\}\}$/.test(k || '')) continue; // web/_shell/ placeholders, filled by the build
      for (const [lang, strings] of Object.entries(LOCALES)) {
        if (!k || !Object.hasOwn(strings, k)) missing.push(`${relative(WEB, f)}: "${k}" not in ${lang}.json`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test("every t('…') literal in web/js exists in both languages", () => {
  const missing = [];
  let count = 0;
  for (const f of files(join(WEB, 'js'), '.js')) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\(\s*(['"])([\w.]+)\1/g)) {
      count++;
      for (const [lang, strings] of Object.entries(LOCALES)) {
        if (!Object.hasOwn(strings, m[2])) missing.push(`${relative(WEB, f)}: "${m[2]}" not in ${lang}.json`);
      }
    }
  }
  assert.ok(count > 5, 'expected to find t() calls in web/js');
  assert.deepEqual(missing, []);
});

test('every API error code has a translation, plus network and unknown', () => {
  for (const code of [...API_ERROR_CODES, 'network', 'unknown']) {
    for (const [lang, strings] of Object.entries(LOCALES)) {
      assert.ok(Object.hasOwn(strings, `error.${code}`), `${lang}.json lacks error.${code}`);
    }
  }
});

test('twelve Solar Hijri month names in each language', () => {
  for (let m = 1; m <= 12; m++) {
    for (const strings of Object.values(LOCALES)) assert.ok(strings[`date.jalaali_month_${m}`]);
  }
});
