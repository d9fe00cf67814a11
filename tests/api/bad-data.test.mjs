// bad-data.test.mjs — bad data at every endpoint that takes a JSON body (the list comes
// from `hamyari routes`). Invalid text (overlong UTF-8, surrogates raw or escaped, U+0000),
// 10,000-deep nesting, duplicate keys, numbers out of every range and a 900 KB string get a 4xx
// JSON error; SQL and HTML injection strings, being valid text, get a 4xx or are stored
// byte for byte (read back through the API). Nothing answers 5xx and the server stays up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { routes, startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, freshPhone, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;

/** Strings a form might receive from an attacker; all valid UTF-8 text. */
export const INJECTIONS = [
  "'); DROP TABLE users;--",
  "Robert'); DROP TABLE requests; --",
  '" OR 1=1 --',
  "1; SELECT pg_sleep(5); --",
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload=window.__pwned=1>',
  "javascript:window.__pwned=1",
  '{{constructor.constructor("window.__pwned=1")()}}',
  '%27%3B--%00 &amp; &lt;b&gt;',
  'مریم \u200c‌ زهرا 👩‍⚕️ ۱۲۳',
];

/** Raw bodies that are not acceptable JSON text: [label, Buffer]. */
function invalidBodies(field) {
  const j = (s) => Buffer.from(s, 'latin1');
  const depth = 10000;
  return [
    ['overlong UTF-8 C0 AF', Buffer.concat([j(`{"${field}":"a`), Buffer.from([0xc0, 0xaf]), j('"}')])],
    ['overlong UTF-8 E0 80 AF', Buffer.concat([j(`{"${field}":"a`), Buffer.from([0xe0, 0x80, 0xaf]), j('"}')])],
    ['raw surrogate ED A0 80', Buffer.concat([j(`{"${field}":"a`), Buffer.from([0xed, 0xa0, 0x80]), j('"}')])],
    ['lone surrogate escape \\ud800', j(`{"${field}":"a\\ud800b"}`)],
    ['lone low surrogate \\udc00', j(`{"${field}":"\\udc00"}`)],
    ['escaped U+0000', j(`{"${field}":"a\\u0000b"}`)],
    ['raw NUL byte', Buffer.concat([j(`{"${field}":"a`), Buffer.from([0]), j('b"}')])],
    ['invalid byte FF', Buffer.concat([j(`{"${field}":"`), Buffer.from([0xff, 0xfe]), j('"}')])],
    ['code point above U+10FFFF', Buffer.concat([j(`{"${field}":"`), Buffer.from([0xf4, 0x90, 0x80, 0x80]), j('"}')])],
    [`${depth}-deep arrays`, j(`{"${field}":${'['.repeat(depth)}${']'.repeat(depth)}}`)],
    [`${depth}-deep objects`, j(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)],
    ['unclosed nesting', j(`{"${field}":${'['.repeat(depth)}`)],
    ['duplicate keys', j(`{"${field}":"a","${field}":"b"}`)],
    ['1e400', j(`{"${field}":1e400}`)],
    ['-1e400', j(`{"${field}":-1e400}`)],
    ['2^64', j(`{"${field}":18446744073709551616}`)],
    ['-2^63-1', j(`{"${field}":-9223372036854775809}`)],
    ['a number of 5000 digits', j(`{"${field}":${'9'.repeat(5000)}}`)],
    ['NaN', j(`{"${field}":NaN}`)],
    ['not an object', j('[1,2,3]')],
    ['a bare string', j('"x"')],
    ['trailing garbage', j(`{"${field}":"a"} x`)],
    ['empty body', j('')],
    ['BOM first', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), j(`{"${field}":"a"}`)])],
  ];
}

/** Valid JSON that no field should take: [label, object]. */
function oddValues(field) {
  return [
    ['2^64 - 1 as a number', { [field]: 18446744073709551615 }],
    ['1e308', { [field]: 1e308 }],
    ['-0', { [field]: -0 }],
    ['a 900 KB string', { [field]: 'x'.repeat(900 * 1024) }],
    ['an object', { [field]: { $gt: '' } }],
    ['an array of 10,000 strings', { [field]: Array(10000).fill('a') }],
    ['null', { [field]: null }],
    ['a proto key', JSON.parse(`{"__proto__":{"admin":true},"${field}":"a"}`)],
  ];
}

/** srv.request with a deadline: a request the server never answers fails the test instead of
 *  hanging it. */
async function call(srv, method, path, { body, raw, headers = {} } = {}) {
  const h = { ...headers };
  let b = raw;
  if (body !== undefined) {
    b = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  let r;
  try {
    r = await srv.fetch(path, { method, headers: h, body: b, signal: AbortSignal.timeout(15000) });
  } catch (e) {
    throw new Error(`${method} ${path}: no answer (${e.message})`);
  }
  const text = await r.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

/** true when `v` (a parsed JSON value) holds the string `s` exactly, anywhere. */
function holds(v, s) {
  if (typeof v === 'string') return v === s;
  if (Array.isArray(v)) return v.some((x) => holds(x, s));
  if (v && typeof v === 'object') return Object.values(v).some((x) => holds(x, s));
  return false;
}

describe(`bad data at every JSON endpoint ${S}`, () => {
  let srv, token;
  const H = () => ({ authorization: `Bearer ${token}` });
  let sent = 0;

  before(async () => {
    srv = await startServer({ args: ['--rate-form-ip', '1000000', '--rate-login-ip', '1000000', '--rate-track-ip', '1000000', '--rate-track-code', '1000000'] });
    await addUser(srv, { email: 'admin@example.org', role: 'admin', name: 'Admin' });
    token = await createToken(srv, 'admin@example.org');
  });
  after(async () => {
    if (!srv) return;
    const r = await call(srv, 'GET', '/healthz');
    assert.equal(r.status, 200);
    // The injection strings were data: every table is still there.
    for (const t of ['users', 'help_requests', 'volunteer_profiles', 'schema_migrations'])
      assert.ok(sql(srv, `SELECT count(*) FROM ${t}`).length === 1, `table ${t}`);
    console.log(`bad-data ${S}: ${sent} hostile bodies sent, none answered 5xx`);
    await srv.stop();
  });

  /** Sends a raw body and asserts a 4xx JSON error (never 5xx). */
  async function expect4xx(method, path, body, what) {
    sent++;
    const r = await call(srv, method, path, { raw: body, headers: { ...H(), 'content-type': 'application/json' } });
    assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 300)}`);
    assert.ok(r.json && r.json.error && typeof r.json.error.code === 'string', `${what}: not a JSON error: ${r.text.slice(0, 300)}`);
    return r;
  }

  it(`invalid text, deep nesting, duplicate keys and huge numbers are 4xx at every JSON route ${S}`, async () => {
    const list = routes().filter((r) => r.body === 'json' || r.body === 'json+form');
    assert.ok(list.length >= 5, `only ${list.length} JSON routes`);
    const fakeId = randomBytes(16).toString('hex');
    for (const route of list) {
      const path = route.path.replace(/\{[^}]+\}/g, fakeId);
      for (const field of ['name', 'title']) {
        for (const [label, body] of invalidBodies(field))
          await expect4xx(route.method, path, body, `${route.method} ${route.path} ${label}`);
      }
      for (const [label, obj] of oddValues('name')) {
        sent++;
        const r = await call(srv, route.method, path, { body: obj, headers: H() });
        assert.ok(r.status < 500, `${route.method} ${route.path} ${label}: ${r.status} ${r.text.slice(0, 300)}`);
      }
      const h = await call(srv, 'GET', '/healthz');
      assert.equal(h.status, 200, `/healthz after ${route.method} ${route.path}`);
    }
  });

  it(`injection strings at every JSON route are 4xx or success, never 5xx ${S}`, async () => {
    const list = routes().filter((r) => r.body === 'json' || r.body === 'json+form');
    const fakeId = randomBytes(16).toString('hex');
    for (const route of list) {
      const path = route.path.replace(/\{[^}]+\}/g, fakeId);
      for (const s of INJECTIONS) {
        sent++;
        const r = await call(srv, route.method, path, { body: { name: s, title: s }, headers: H() });
        assert.ok(r.status < 500, `${route.method} ${route.path} ${JSON.stringify(s)}: ${r.status} ${r.text.slice(0, 300)}`);
      }
    }
  });

  it(`a volunteer's name and availability are stored verbatim ${S}`, async () => {
    let stored = 0;
    for (const s of INJECTIONS) {
      sent++;
      const r = await call(srv, 'POST', '/api/v1/volunteers', { body: { name: s, phone: freshPhone(), availability: `evenings ${s}`, consent: true } });
      if (r.status !== 201) {
        assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(s)}: ${r.status} ${r.text}`);
        continue;
      }
      stored++;
      const list = await call(srv, 'GET', '/api/v1/volunteers?status=pending&limit=100', { headers: H() });
      assert.equal(list.status, 200, list.text);
      const v = list.json.volunteers.find((x) => x.id === r.json.id);
      assert.ok(v, `volunteer ${r.json.id} not listed`);
      assert.equal(v.name, s, 'the name comes back byte for byte');
      assert.ok(holds(v, `evenings ${s}`), `availability of ${JSON.stringify(s)} not returned verbatim: ${JSON.stringify(v)}`);
    }
    assert.ok(stored >= INJECTIONS.length - 1, `only ${stored} of ${INJECTIONS.length} names were accepted`);
  });

  it(`a help request's name, address and details are stored verbatim ${S}`, async () => {
    for (const s of INJECTIONS) {
      sent++;
      const r = await call(srv, 'POST', '/api/v1/requests', {
        body: { name: s.slice(0, 100), phone: '0912 555 0101', address: s, kind: 'groceries', details: s, consent: true, language: 'en' },
      });
      if (r.status !== 201) {
        assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(s)}: ${r.status} ${r.text}`);
        continue;
      }
      const g = await call(srv, 'GET', `/api/v1/requests/${r.json.id}`, { headers: H() });
      assert.equal(g.status, 200, g.text);
      assert.ok(holds(g.json, s), `request ${r.json.id}: ${JSON.stringify(s)} not returned verbatim: ${g.text.slice(0, 500)}`);
    }
  });

  it(`a group's description and a library document's body are stored verbatim ${S}`, async () => {
    for (const s of INJECTIONS) {
      sent += 2;
      const g = await call(srv, 'POST', '/api/v1/groups', {
        headers: H(), body: { name: `Group ${randomBytes(4).toString('hex')}`, description: s, lat: 35.7, lon: 51.4 },
      });
      if (g.status === 201) {
        const back = await call(srv, 'GET', `/api/v1/groups/${g.json.id}`, { headers: H() });
        assert.equal(back.status, 200, back.text);
        assert.ok(holds(back.json, s), `group description ${JSON.stringify(s)}: ${back.text.slice(0, 400)}`);
      } else {
        assert.ok(g.status >= 400 && g.status < 500, `group ${JSON.stringify(s)}: ${g.status} ${g.text}`);
      }
      const d = await call(srv, 'POST', '/api/v1/library', {
        headers: H(), body: { type: 'guide', language: 'en', title: s, body: s, summary: s },
      });
      if (d.status === 201) {
        const back = await call(srv, 'GET', `/api/v1/library/${d.json.id}`, { headers: H() });
        assert.equal(back.status, 200, back.text);
        assert.ok(holds(back.json, s), `library title/body ${JSON.stringify(s)}: ${back.text.slice(0, 400)}`);
      } else {
        assert.ok(d.status >= 400 && d.status < 500, `library ${JSON.stringify(s)}: ${d.status} ${d.text}`);
      }
    }
  });
});
