// accounts.test.mjs — sign-in, sessions, CSRF, rate limits, passwords, volunteer
// sign-up and vetting, password reset, roles and the audit log, on the store HY_TEST_STORE.
//
// Time moves through the controllable clock (HAMYARI_TEST_CLOCK_FILE, see lib/accounts.mjs): a
// test that moves it starts its own server with its own clock file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { assertError, runCli, startServer, STORE } from './lib/server.mjs';
import { startReceiver } from './lib/webhook.mjs';
import {
  addUser, Client, COMMON_LIST, createToken, freshPhone, makeClock, newVolunteer, outbox,
  PASSWORD, setCookie, signIn, signUp, sql,
} from './lib/accounts.mjs';

const S = `[${STORE}]`;
const ID_RE = /^[0-9a-f]{32}$/;

/** Starts a server with the fixture password list, its own clock file and generous limits
 *  (tests that check a limit set their own). */
async function server({ args = [], clock = makeClock() } = {}) {
  const srv = await startServer({
    env: clock.env,
    args: ['--password-list', COMMON_LIST, '--rate-form-ip', '1000', '--rate-login-ip', '1000', ...args],
  });
  srv.clock = clock;
  return srv;
}

async function stop(...servers) {
  for (const s of servers) {
    if (!s) continue;
    await s.stop();
    s.clock?.remove();
  }
}

const origin = (srv) => `http://127.0.0.1:${srv.port}`;

describe(`accounts: sign-in ${S}`, () => {
  let srv;
  before(async () => {
    srv = await server();
    await addUser(srv, { email: 'Mina@Example.org', role: 'coordinator', name: 'Mina' });
    await addUser(srv, { phone: '09121234567', role: 'volunteer', name: 'Reza' });
  });
  after(() => stop(srv));

  it(`signs in by e-mail in any letter case ${S}`, async () => {
    for (const login of ['mina@example.org', 'MINA@EXAMPLE.ORG', 'Mina@Example.org']) {
      const c = new Client(srv);
      const r = await c.login(login);
      assert.equal(r.json.user.email, 'mina@example.org');
      assert.equal(r.json.user.role, 'coordinator');
      assert.match(r.json.csrf_token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal((await c.me()).name, 'Mina');
    }
  });

  it(`signs in by phone typed as 0912…, +98…, 0098…, with spaces, Persian and Arabic digits ${S}`, async () => {
    for (const login of ['09121234567', '+989121234567', '00989121234567', '0912 123 4567',
      '+98 (912) 123-4567', '۰۹۱۲۱۲۳۴۵۶۷', '٠٩١٢١٢٣٤٥٦٧', '9121234567']) {
      const c = new Client(srv);
      const r = await c.login(login);
      assert.equal(r.json.user.phone, '+989121234567', login);
      assert.equal(r.json.user.name, 'Reza');
    }
  });

  it(`a wrong password and an unknown login get the same 401 body ${S}`, async () => {
    const wrong = await new Client(srv).login('mina@example.org', 'not the password at all', { expect: 401 });
    const unknown = await new Client(srv).login('nobody@example.org', 'not the password at all', { expect: 401 });
    const junk = await new Client(srv).login('not a login', 'not the password at all', { expect: 401 });
    assertError(wrong, 401, 'unauthorized');
    assert.equal(wrong.text, unknown.text);
    assert.equal(wrong.text, junk.text);
    assert.equal(wrong.cookie, null, 'no cookie on a failed login');
    assert.equal(unknown.cookie, null);
  });

  it(`missing fields and unknown fields are 400 ${S}`, async () => {
    assertError(await srv.request('POST', '/api/v1/auth/login', { body: { login: 'mina@example.org' } }), 400, 'missing_field');
    assertError(await srv.request('POST', '/api/v1/auth/login', { body: { login: 'mina@example.org', password: PASSWORD, role: 'admin' } }), 400, 'unknown_field');
  });

  it(`the login route also takes a form post (answers JSON) ${S}`, async () => {
    const c = new Client(srv);
    const r = await c.request('POST', '/api/v1/auth/login', { form: { login: 'mina@example.org', password: PASSWORD } });
    assert.equal(r.status, 200, r.text);
    assert.ok(c.cookie);
    assert.equal((await c.me()).email, 'mina@example.org');
  });

  it(`the cookie is HttpOnly, SameSite=Lax, Path=/, not Secure on plain http ${S}`, async () => {
    const r = await new Client(srv).login('mina@example.org');
    const c = r.cookie;
    assert.ok(c, 'a Set-Cookie hy_session');
    assert.match(c.value, /^[A-Za-z0-9_-]{43}$/, '256-bit token, base64url');
    assert.equal(c.attrs.httponly, true);
    assert.equal(c.attrs.samesite, 'Lax');
    assert.equal(c.attrs.path, '/');
    assert.equal(c.attrs.secure, undefined, `no Secure over http: ${c.raw}`);
    assert.equal(c.attrs['max-age'], String(12 * 3600));
  });

  it(`every login gets a new token; the old session stays valid until it ends ${S}`, async () => {
    const a = new Client(srv);
    await a.login('mina@example.org');
    const first = a.cookie, firstCsrf = a.csrf;
    await a.login('mina@example.org');
    assert.notEqual(a.cookie, first);
    assert.notEqual(a.csrf, firstCsrf);
    // A token sent with the login request is not reused (no session fixation). A browser that
    // holds a session sends a same-origin Origin with its POST (a cookie POST without Origin or
    // X-CSRF-Token is refused, login included).
    const b = new Client(srv, { cookie: first });
    await b.login('mina@example.org', PASSWORD, { expect: 403 });
    await b.login('mina@example.org', PASSWORD, { headers: { origin: origin(srv) } });
    assert.notEqual(b.cookie, first);
  });

  it(`the store keeps only hashes of session tokens ${S}`, async () => {
    const c = await signIn(srv, 'mina@example.org');
    const rows = sql(srv, 'SELECT token_hash FROM sessions');
    assert.ok(rows.length > 0);
    for (const [h] of rows) {
      assert.notEqual(h, c.cookie);
      assert.match(h, /^[0-9a-f]{64}$/);
    }
  });

  it(`logout revokes the session on the server: the old cookie gets 401 ${S}`, async () => {
    const c = await signIn(srv, 'mina@example.org');
    const cookie = c.cookie;
    const r = await c.post('/api/v1/auth/logout');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.signed_in, false);
    assert.equal(r.cookie.value, '', 'the cookie is cleared');
    assert.equal(r.cookie.attrs['max-age'], '0');
    const replay = new Client(srv, { cookie });
    assertError(await replay.get('/api/v1/me'), 401, 'unauthorized');
    // Logging out twice, or without a session, is harmless.
    assert.equal((await new Client(srv).post('/api/v1/auth/logout')).status, 200);
  });

  it(`GET /api/v1/me without a session is 401; with a made-up cookie too ${S}`, async () => {
    assertError(await srv.request('GET', '/api/v1/me'), 401, 'unauthorized');
    const fake = new Client(srv, { cookie: randomBytes(32).toString('base64url') });
    assertError(await fake.get('/api/v1/me'), 401, 'unauthorized');
  });

  it(`API tokens: hamyari token create works as Bearer, a wrong token is 401, no CSRF needed ${S}`, async () => {
    const token = await createToken(srv, 'MINA@example.org');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const bot = new Client(srv, { bearer: token });
    const me = await bot.me();
    assert.equal(me.email, 'mina@example.org');
    assert.equal(me.csrf_token, undefined, 'token callers get no CSRF token');
    // State-changing call with Bearer only: no Origin, no X-CSRF-Token.
    const r = await bot.patch('/api/v1/me', { language: 'en' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.language, 'en');
    // The coordinator's token reaches coordinator routes.
    assert.equal((await bot.get('/api/v1/volunteers')).status, 200);
    const wrong = new Client(srv, { bearer: randomBytes(32).toString('base64url') });
    assertError(await wrong.get('/api/v1/me'), 401, 'unauthorized');
    assertError(await new Client(srv, { bearer: 'short' }).get('/api/v1/me'), 401, 'unauthorized');
    // A phone login works for token create too, in any typed form.
    const t2 = await createToken(srv, '۰۹۱۲۱۲۳۴۵۶۷');
    assert.equal((await new Client(srv, { bearer: t2 }).me()).phone, '+989121234567');
    // The store keeps only the hash.
    const rows = sql(srv, 'SELECT token_hash FROM api_tokens');
    assert.ok(rows.every(([h]) => h !== token && /^[0-9a-f]{64}$/.test(h)));
  });

  it(`CSRF: a cookie POST from a foreign Origin is 403 csrf_failed ${S}`, async () => {
    const c = await signIn(srv, 'mina@example.org');
    const r = await c.patch('/api/v1/me', { name: 'Evil' }, { headers: { origin: 'https://evil.example' } });
    assertError(r, 403, 'csrf_failed');
    // Even with the right token: the Origin is wrong.
    assertError(await c.post('/api/v1/auth/logout', undefined, { headers: { origin: 'http://localhost.evil' } }), 403, 'csrf_failed');
    assert.equal((await c.me()).name, 'Mina', 'nothing changed, still signed in');
    // A foreign Origin is refused on public forms too.
    assertError(await signUp(srv, {}, { origin: 'https://evil.example' }), 403, 'csrf_failed');
  });

  it(`CSRF: a cookie POST with no Origin and no X-CSRF-Token is 403; a wrong token too ${S}`, async () => {
    const c = await signIn(srv, 'mina@example.org');
    assertError(await c.patch('/api/v1/me', { name: 'Evil' }, { csrf: false }), 403, 'csrf_failed');
    assertError(await c.post('/api/v1/auth/logout', undefined, { csrf: false }), 403, 'csrf_failed');
    assertError(await c.patch('/api/v1/me', { name: 'Evil' }, { headers: { 'x-csrf-token': 'x'.repeat(43) } }), 403, 'csrf_failed');
    assert.ok(await c.me(), 'still signed in');
  });

  it(`CSRF: the token from /me, or a same-origin Origin, lets the request through ${S}`, async () => {
    const c = await signIn(srv, 'mina@example.org');
    const fresh = new Client(srv, { cookie: c.cookie });
    const me = await fresh.me();
    assert.equal(me.csrf_token, c.csrf, '/me gives the session\'s CSRF token');
    let r = await fresh.patch('/api/v1/me', { name: 'Mina K' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, 'Mina K');
    r = await c.patch('/api/v1/me', { name: 'Mina' }, { csrf: false, headers: { origin: origin(srv) } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, 'Mina');
    // GET needs no token.
    assert.ok(await new Client(srv, { cookie: c.cookie }).me());
  });

  // Under Referrer-Policy: no-referrer a browser posts our own forms with "Origin: null" and
  // Sec-Fetch-Site: same-origin; a page of another site (or a sandboxed frame) that sets the same
  // policy also sends "Origin: null", but with Sec-Fetch-Site: cross-site.
  it(`CSRF: "Origin: null" passes only with Sec-Fetch-Site: same-origin ${S}`, async () => {
    const c = await signIn(srv, 'mina@example.org');
    for (const site of [undefined, 'cross-site', 'same-site', 'none', 'same-origin, cross-site']) {
      const headers = { origin: 'null', ...(site ? { 'sec-fetch-site': site } : {}) };
      assertError(await c.patch('/api/v1/me', { name: 'Evil' }, { csrf: false, headers }), 403, 'csrf_failed', `cookie, ${site}`);
      // With the session's token too: a null Origin from another site is refused whatever it carries.
      assertError(await c.patch('/api/v1/me', { name: 'Evil' }, { headers }), 403, 'csrf_failed', `cookie+token, ${site}`);
      assertError(await signUp(srv, {}, headers), 403, 'csrf_failed', `sign-up, ${site}`);
    }
    assert.equal((await c.me()).name, 'Mina', 'nothing changed');
    const ours = { origin: 'null', 'sec-fetch-site': 'same-origin' };
    const r = await c.patch('/api/v1/me', { name: 'Mina N' }, { csrf: false, headers: ours });
    assert.equal(r.status, 200, r.text);
    assert.equal((await c.patch('/api/v1/me', { name: 'Mina' }, { headers: ours })).status, 200);
    assert.equal((await signUp(srv, {}, ours)).status, 201);
    // Sec-Fetch-Site cannot vouch for a named foreign Origin.
    assertError(await c.patch('/api/v1/me', { name: 'Evil' }, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' } }), 403, 'csrf_failed');
  });
});

describe(`accounts: Secure cookies behind TLS ${S}`, () => {
  it(`--public-url https://… makes the cookie Secure ${S}`, async () => {
    const srv = await server({ args: ['--public-url', 'https://help.example.org'] });
    try {
      await addUser(srv, { email: 'a@example.org', role: 'admin' });
      const r = await new Client(srv).login('a@example.org');
      assert.equal(r.cookie.attrs.secure, true, r.cookie.raw);
      assert.equal(r.cookie.attrs.httponly, true);
      // The public URL counts as our own origin.
      const c = new Client(srv, { cookie: r.cookie.value });
      const p = await c.patch('/api/v1/me', { language: 'en' }, { headers: { origin: 'https://help.example.org' } });
      assert.equal(p.status, 200, p.text);
      const out = await c.post('/api/v1/auth/logout', undefined, { headers: { origin: 'https://help.example.org' } });
      assert.equal(out.cookie.attrs.secure, true);
    } finally { await stop(srv); }
  });

  it(`--trust-proxy with X-Forwarded-Proto: https makes it Secure; without the header not ${S}`, async () => {
    const srv = await server({ args: ['--trust-proxy', 'on'] });
    try {
      await addUser(srv, { email: 'a@example.org', role: 'admin' });
      const tls = await new Client(srv).login('a@example.org', PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(tls.cookie.attrs.secure, true, tls.cookie.raw);
      const plain = await new Client(srv).login('a@example.org');
      assert.equal(plain.cookie.attrs.secure, undefined, plain.cookie.raw);
    } finally { await stop(srv); }
  });

  it(`without --trust-proxy, X-Forwarded-Proto is ignored ${S}`, async () => {
    const srv = await server();
    try {
      await addUser(srv, { email: 'a@example.org', role: 'admin' });
      const r = await new Client(srv).login('a@example.org', PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(r.cookie.attrs.secure, undefined, r.cookie.raw);
    } finally { await stop(srv); }
  });
});

describe(`accounts: session lifetime (controllable clock) ${S}`, () => {
  it(`a session unused for 31 minutes has ended (default idle limit 30 min) ${S}`, async () => {
    const srv = await server();
    try {
      await addUser(srv, { email: 'a@example.org', role: 'editor' });
      const c = await signIn(srv, 'a@example.org');
      srv.clock.advance(29 * 60);
      assert.ok(await c.me(), 'still valid after 29 min');
      const d = await signIn(srv, 'a@example.org');
      srv.clock.advance(31 * 60);
      assertError(await d.get('/api/v1/me'), 401, 'unauthorized');
      // An ended session is removed from the store.
      assert.equal(sql(srv, 'SELECT count(*) FROM sessions')[0][0], '1', 'only the session touched at 29 min is left');
    } finally { await stop(srv); }
  });

  it(`use moves last_seen; a session used every 20 min lasts until 12 h, then ends ${S}`, async () => {
    const srv = await server();
    try {
      await addUser(srv, { email: 'a@example.org', role: 'editor' });
      const c = await signIn(srv, 'a@example.org');
      const seen = () => Number(sql(srv, 'SELECT last_seen FROM sessions')[0][0]);
      const t0 = seen();
      srv.clock.advance(20 * 60);
      assert.ok(await c.me());
      assert.ok(seen() >= t0 + 20 * 60, `last_seen touched: ${seen()} vs ${t0}`);
      let t = 20 * 60;
      while (t + 20 * 60 < 12 * 3600) {
        srv.clock.advance(20 * 60);
        t += 20 * 60;
        assert.ok(await c.me(), `still signed in at ${t / 60} min`);
      }
      srv.clock.set(12 * 3600);
      assertError(await c.get('/api/v1/me'), 401, 'unauthorized');
    } finally { await stop(srv); }
  });

  it(`--session-idle and --session-max change the limits ${S}`, async () => {
    const srv = await server({ args: ['--session-idle', '120', '--session-max', '600'] });
    try {
      await addUser(srv, { email: 'a@example.org', role: 'editor' });
      const idle = await signIn(srv, 'a@example.org');
      const busy = await signIn(srv, 'a@example.org');
      const r = await new Client(srv).login('a@example.org');
      assert.equal(r.cookie.attrs['max-age'], '600');
      srv.clock.advance(100);
      assert.ok(await busy.me());
      assert.ok(await idle.me(), 'idle 100 s < 120 s');
      srv.clock.advance(121);
      assertError(await idle.get('/api/v1/me'), 401, 'unauthorized');
      assert.ok(await busy.me() === null, 'busy was last used 121 s ago too');
      const c = await signIn(srv, 'a@example.org');
      for (let i = 0; i < 5; i++) {
        srv.clock.advance(100);
        assert.ok(await c.me(), `at ${(i + 1) * 100} s`);
      }
      srv.clock.advance(100); // 600 s after sign-in
      assertError(await c.get('/api/v1/me'), 401, 'unauthorized');
    } finally { await stop(srv); }
  });
});

describe(`accounts: rate limits ${S}`, () => {
  it(`failed sign-ins slow down the (account, address) pair with a growing delay, never lock the account; a success clears it ${S}`, async () => {
    const srv = await server({ args: ['--login-delay-after', '3', '--login-delay-max', '8'] });
    srv.clock.stop(); // delays of 1, 2, 4 s: time moves only when the test says
    try {
      await addUser(srv, { email: 'a@example.org', phone: '09121110000', role: 'editor' });
      const wrong = (login = 'a@example.org', expect = 401) => new Client(srv).login(login, 'wrong password here', { expect });
      for (let i = 0; i < 3; i++) await wrong();
      // The pair waits 1 s, then 2, 4, 8 and no more (--login-delay-max): each wait is told in
      // Retry-After, and an attempt during it is refused without counting.
      for (const wait of [1, 2, 4, 8, 8]) {
        const r = await wrong('A@EXAMPLE.ORG', 429); // any form of the login …
        assertError(r, 429, 'rate_limited');
        assert.equal(r.headers.get('retry-after'), String(wait));
        assertError(await wrong('0912 111 0000', 429), 429, 'rate_limited'); // … or its phone
        // Even the right password waits here: this address is guessing.
        assertError(await new Client(srv).login('a@example.org', PASSWORD, { expect: 429 }), 429, 'rate_limited');
        srv.clock.advance(wait - 1);
        assertError(await wrong('a@example.org', 429), 429, 'rate_limited');
        srv.clock.advance(1);
        await wrong();
      }
      // Only allowed attempts reached the password check.
      assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'login_failed'")[0][0], '8');
      // Other accounts from the same address are not affected.
      await addUser(srv, { email: 'b@example.org', role: 'editor' });
      await new Client(srv).login('b@example.org');
      // Once the wait is over the right password works, and clears the pair's failures.
      srv.clock.advance(8);
      await new Client(srv).login('a@example.org');
      for (let i = 0; i < 3; i++) await wrong();
      assert.equal((await wrong('a@example.org', 429)).headers.get('retry-after'), '1');
      // A day later the failures are forgotten.
      srv.clock.advance(86400 + 8);
      for (let i = 0; i < 3; i++) await wrong();
      assert.equal((await wrong('a@example.org', 429)).headers.get('retry-after'), '1');
      // An unknown login is slowed down the same way.
      for (let i = 0; i < 3; i++) await wrong('nobody@example.org');
      assert.equal((await wrong('nobody@example.org', 429)).headers.get('retry-after'), '1');
    } finally { await stop(srv); }
  });

  it(`login attempts per address are limited (--rate-login-ip) ${S}`, async () => {
    const srv = await server({ args: ['--rate-login-ip', '5'] });
    try {
      await addUser(srv, { email: 'a@example.org', role: 'editor' });
      for (let i = 0; i < 5; i++) await new Client(srv).login(`user${i}@example.org`, 'wrong password here', { expect: 401 });
      const r = await new Client(srv).login('a@example.org', PASSWORD, { expect: 429 });
      assertError(r, 429, 'rate_limited');
      assert.ok(r.headers.get('retry-after'));
      srv.clock.advance(3601);
      await new Client(srv).login('a@example.org');
    } finally { await stop(srv); }
  });

  it(`changing one's password checks the current one like a sign-in: counted per address (--rate-login-ip) and per account (--rate-login-account) ${S}`, async () => {
    const srv = await server({ args: ['--rate-login-ip', '4', '--rate-login-account', '2'] });
    try {
      await addUser(srv, { email: 'a@example.org', role: 'volunteer' });
      await addUser(srv, { email: 'b@example.org', role: 'volunteer' });
      const a = await signIn(srv, 'a@example.org'); // 1 check from this address
      const wrong = { password: 'a brand new passphrase', current_password: 'not my password at all' };
      for (let i = 0; i < 2; i++) {
        const r = await a.patch('/api/v1/me', wrong); // 2, 3
        assertError(r, 403, 'forbidden');
      }
      // The account has had its two checks this hour, right or wrong.
      let r = await a.patch('/api/v1/me', { ...wrong, current_password: PASSWORD }); // 4
      assertError(r, 429, 'rate_limited');
      assert.ok(Number(r.headers.get('retry-after')) > 0);
      // The address has had its four: another account's sign-in from it waits too.
      assertError(await new Client(srv).login('b@example.org', PASSWORD, { expect: 429 }), 429, 'rate_limited');
      assert.equal(sql(srv, "SELECT count(*) FROM audit_log WHERE action = 'password_changed'")[0][0], '0');
      srv.clock.advance(3600); // both windows have passed (and the session has ended)
      const again = await signIn(srv, 'a@example.org');
      r = await again.patch('/api/v1/me', { ...wrong, current_password: PASSWORD });
      assert.equal(r.status, 200, r.text);
    } finally { await stop(srv); }
  });

  it(`public forms per address are limited (--rate-form-ip): sign-up ${S}`, async () => {
    const srv = await server({ args: ['--rate-form-ip', '3'] });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await signUp(srv)).status, 201);
      const r = await signUp(srv);
      assertError(r, 429, 'rate_limited');
      assert.ok(Number(r.headers.get('retry-after')) > 0);
      assert.equal(sql(srv, "SELECT count(*) FROM users")[0][0], '3', 'nothing created by the refused post');
      srv.clock.advance(3600);
      assert.equal((await signUp(srv)).status, 201);
    } finally { await stop(srv); }
  });

  it(`the limits hold across two server processes on one store ${S}`, async (t) => {
    if (STORE !== 'postgres') {
      // SQLite is one file on one machine; several processes can still share it, so test that too.
      t.diagnostic('two processes on one SQLite file');
    }
    const clock = makeClock();
    clock.stop(); // the first delay is 1 s: time moves only when the test says
    const a = await server({ clock, args: ['--login-delay-after', '6', '--rate-form-ip', '4'] });
    const b = await startServer({ db: a.dbUrl, env: clock.env, args: ['--password-list', COMMON_LIST, '--login-delay-after', '6', '--rate-form-ip', '4', '--rate-login-ip', '1000'] });
    try {
      await addUser(a, { email: 'a@example.org', role: 'editor' });
      for (let i = 0; i < 6; i++) await new Client(i % 2 ? a : b).login('a@example.org', 'wrong password here', { expect: 401 });
      assertError(await new Client(a).login('a@example.org', PASSWORD, { expect: 429 }), 429, 'rate_limited');
      assertError(await new Client(b).login('a@example.org', PASSWORD, { expect: 429 }), 429, 'rate_limited');
      for (let i = 0; i < 4; i++) assert.equal((await signUp(i % 2 ? a : b)).status, 201);
      assertError(await signUp(a), 429, 'rate_limited');
      assertError(await signUp(b), 429, 'rate_limited');
      // The clock moves for both.
      clock.advance(3600);
      const c = await signIn(b, 'a@example.org');
      // Sessions are shared too: a cookie from b works on a, and logout on a ends it on b.
      const onA = new Client(a, { cookie: c.cookie, csrf: c.csrf });
      assert.equal((await onA.me()).email, 'a@example.org');
      assert.equal((await onA.post('/api/v1/auth/logout')).status, 200);
      assert.equal(await c.me(), null);
    } finally {
      await b.stop();
      await stop(a);
    }
  });
});

describe(`accounts: passwords ${S}`, () => {
  let srv;
  before(async () => { srv = await server(); });
  after(() => stop(srv));

  const cases = [
    ['11 characters', 'abcdefghijk', /at least 12/],
    ['129 characters', 'a'.repeat(64) + 'b'.repeat(65), /at most 128/],
    ['on the common-password list', 'letmein123456', /too common/],
    ['on the list in other letter case', 'LetMeIn123456', /too common/],
    ['one repeated character', 'zzzzzzzzzzzzzzzz', /too common/],
  ];
  for (const [what, pw, msg] of cases) {
    it(`sign-up refuses a password ${what} (400 invalid_field password), creating nothing ${S}`, async () => {
      const before = sql(srv, 'SELECT count(*) FROM users')[0][0];
      const r = await signUp(srv, { password: pw });
      assertError(r, 400, 'invalid_field');
      assert.equal(r.json.error.field, 'password');
      assert.match(r.json.error.message, msg);
      assert.equal(sql(srv, 'SELECT count(*) FROM users')[0][0], before);
    });
  }

  it(`12 and 128 characters are accepted; 12 Persian letters count as 12 characters ${S}`, async () => {
    assert.equal((await signUp(srv, { password: 'abcdefghijk1' })).status, 201);
    assert.equal((await signUp(srv, { password: 'x'.repeat(64) + 'y'.repeat(64) })).status, 201);
    assert.equal((await signUp(srv, { password: 'همیاری‌همسایه' })).status, 201);
  });

  it(`the CLI refuses the same passwords ${S}`, async () => {
    const { runCli } = await import('./lib/server.mjs');
    for (const pw of ['short', 'letmein123456', 'qqqqqqqqqqqqqq']) {
      const r = await runCli(['user', 'add', '--db', srv.dbUrl, '--email', 'cli@example.org', '--role', 'admin',
        '--password-stdin', '--password-list', COMMON_LIST], { input: `${pw}\n` });
      assert.equal(r.code, 2, `${pw}: ${r.stderr}`);
    }
  });

  it(`password hashes are Argon2id with at least 19 MiB and t >= 2 ${S}`, async () => {
    const { id } = await newVolunteer(srv);
    const [[hash]] = sql(srv, `SELECT password_hash FROM users WHERE id = '${id}'`);
    const m = hash.match(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=\d+\$/);
    assert.ok(m, hash);
    assert.ok(Number(m[1]) >= 19 * 1024, `m=${m[1]} KiB`);
    assert.ok(Number(m[2]) >= 2, `t=${m[2]}`);
  });
});

describe(`accounts: volunteer sign-up and vetting ${S}`, () => {
  let srv, coord, admin;
  before(async () => {
    srv = await server();
    await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
    await addUser(srv, { email: 'admin@example.org', role: 'admin' });
    coord = await signIn(srv, 'coord@example.org');
    admin = await signIn(srv, 'admin@example.org');
  });
  after(() => stop(srv));

  it(`sign-up normalises the phone and e-mail and starts pending ${S}`, async () => {
    const r = await signUp(srv, { phone: '۰۹۳۵ ۱۱۱ ۲۲۳۳', email: 'Sara@Example.ORG', name: 'Sara' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.id, ID_RE);
    assert.equal(r.json.status, 'pending');
    const list = await coord.get('/api/v1/volunteers?status=pending');
    const v = list.json.volunteers.find((x) => x.id === r.json.id);
    assert.equal(v.phone, '+989351112233');
    assert.equal(v.email, 'sara@example.org');
    assert.equal(v.status, 'pending');
    assert.equal(v.role, 'volunteer');
    // The same phone in another form is the same account: 409.
    assertError(await signUp(srv, { phone: '+98 935 111 2233' }), 409, 'conflict');
  });

  it(`sign-up stores the home area rounded to about 500 m, with both lat and lon or neither ${S}`, async () => {
    const { id, phone } = await newVolunteer(srv, { lat: 35.712345, lon: 51.401234, radius_km: 3, skills: ['shopping', 'driving'], languages: ['fa', 'az'], availability: 'evenings' });
    const vc = await signIn(srv, phone);
    const me = await vc.me();
    assert.equal(me.id, id);
    assert.ok(Math.abs(me.volunteer.lat - 35.712345) < 0.005, me.volunteer.lat);
    assert.ok(Math.abs(me.volunteer.lon - 51.401234) < 0.006, me.volunteer.lon);
    assert.ok(me.volunteer.lat !== 35.712345 || me.volunteer.lon !== 51.401234, 'the position is rounded');
    assert.deepEqual(me.volunteer.skills, ['shopping', 'driving']);
    assert.deepEqual(me.volunteer.languages, ['fa', 'az']);
    assert.equal(me.volunteer.radius_km, 3);
    for (const half of [{ lat: 35.7 }, { lon: 51.4 }]) {
      const r = await signUp(srv, half);
      assertError(r, 400, 'missing_field');
    }
    assertError(await signUp(srv, { lat: 95, lon: 51.4 }), 400, 'invalid_field');
    const none = await newVolunteer(srv);
    const m2 = await (await signIn(srv, none.phone)).me();
    assert.equal(m2.volunteer.lat, undefined);
  });

  it(`sign-up refuses a bad phone or e-mail ${S}`, async () => {
    for (const phone of ['hello', '12', '0912-abc-4567']) {
      const r = await signUp(srv, { phone });
      assert.equal(r.status, 400, `${phone}: ${r.text}`);
      assert.equal(r.json.error.field, 'phone');
    }
    const r = await signUp(srv, { email: 'not-an-email' });
    assertError(r, 400, 'invalid_field');
    assert.equal(r.json.error.field, 'email');
    assertError(await signUp(srv, { name: undefined }), 400, 'missing_field');
  });

  it(`mass assignment: role, status, id or owner in a sign-up is 400 unknown_field and creates nothing ${S}`, async () => {
    const before = sql(srv, 'SELECT count(*) FROM users')[0][0];
    for (const extra of [{ role: 'admin' }, { status: 'approved' }, { id: 'a'.repeat(32) }, { owner_id: 'x' }, { user_id: 'x' }, { password_hash: 'x' }]) {
      const r = await signUp(srv, extra);
      assertError(r, 400, 'unknown_field', JSON.stringify(extra));
      assert.equal(r.json.error.field, Object.keys(extra)[0]);
    }
    assert.equal(sql(srv, 'SELECT count(*) FROM users')[0][0], before);
    // And through PATCH /me.
    const v = await newVolunteer(srv);
    const vc = await signIn(srv, v.phone);
    for (const extra of [{ role: 'admin' }, { status: 'approved' }, { id: 'a'.repeat(32) }, { email: 'x@example.org' }]) {
      assertError(await vc.patch('/api/v1/me', { name: 'X', ...extra }), 400, 'unknown_field');
    }
    const me = await vc.me();
    assert.equal(me.role, 'volunteer');
    assert.equal(me.status, 'pending');
    assert.equal(me.name, 'Test Volunteer');
    // Role change takes only a role.
    const u = await admin.post(`/api/v1/users/${v.id}/role`, { role: 'editor', status: 'approved' });
    assertError(u, 400, 'unknown_field');
  });

  it(`a form post signs up too ${S}`, async () => {
    const phone = freshPhone();
    const r = await srv.request('POST', '/api/v1/volunteers', {
      raw: new URLSearchParams({ name: 'Form Person', phone, password: PASSWORD, consent: 'true' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(r.status, 201, r.text);
    const r2 = await srv.request('POST', '/api/v1/volunteers', {
      raw: new URLSearchParams({ name: 'Form Person', phone: freshPhone(), role: 'admin', consent: 'true' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertError(r2, 400, 'unknown_field');
  });

  it(`a pending volunteer signs in and reads /me, but is refused volunteer-only routes ${S}`, async () => {
    const v = await newVolunteer(srv);
    const vc = await signIn(srv, v.phone);
    const me = await vc.me();
    assert.equal(me.status, 'pending');
    assertError(await vc.get('/api/v1/volunteers'), 403, 'forbidden');
    assertError(await vc.post(`/api/v1/volunteers/${v.id}/approve`), 403, 'forbidden', 'cannot approve oneself');
    assert.equal((await vc.me()).status, 'pending');
  });

  it(`approve → approved; suspend → sessions end, sign-in refused; approve again → can sign in ${S}`, async () => {
    const v = await newVolunteer(srv);
    const vc = await signIn(srv, v.phone);
    let r = await coord.post(`/api/v1/volunteers/${v.id}/approve`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { id: v.id, status: 'approved' });
    assert.equal((await vc.me()).status, 'approved', 'the same session sees the new status');
    // Approving twice changes nothing.
    assert.equal((await coord.post(`/api/v1/volunteers/${v.id}/approve`)).json.status, 'approved');
    r = await coord.post(`/api/v1/volunteers/${v.id}/suspend`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'suspended');
    assertError(await vc.get('/api/v1/me'), 401, 'unauthorized');
    const again = await new Client(srv).login(v.phone, PASSWORD, { expect: 401 });
    assertError(again, 401, 'unauthorized');
    const wrong = await new Client(srv).login(v.phone, 'a wrong password', { expect: 401 });
    assert.equal(again.text, wrong.text, 'a suspended account looks like a wrong password');
    // An API token of a suspended account stops working too.
    r = await admin.post(`/api/v1/volunteers/${v.id}/approve`);
    assert.equal(r.json.status, 'approved');
    const back = await signIn(srv, v.phone);
    assert.equal((await back.me()).status, 'approved');
    const token = await createToken(srv, v.phone);
    await coord.post(`/api/v1/volunteers/${v.id}/suspend`);
    assertError(await new Client(srv, { bearer: token }).get('/api/v1/me'), 401, 'unauthorized');
  });

  it(`approve/suspend of an unknown id, a malformed id or a non-volunteer is 404 ${S}`, async () => {
    assertError(await coord.post(`/api/v1/volunteers/${randomBytes(16).toString('hex')}/approve`), 404, 'not_found');
    assertError(await coord.post('/api/v1/volunteers/not-an-id/suspend'), 404, 'not_found');
    const adminMe = await admin.me();
    assertError(await coord.post(`/api/v1/volunteers/${adminMe.id}/suspend`), 404, 'not_found', 'coordinators cannot suspend an admin');
    assert.ok(await admin.me());
  });

  it(`the vetting list filters by status, pages and caps per_page ${S}`, async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await newVolunteer(srv, { name: `Paging ${i}` })).id);
    await coord.post(`/api/v1/volunteers/${ids[0]}/approve`);
    const pending = await coord.get('/api/v1/volunteers?status=pending&per_page=200');
    assert.equal(pending.status, 200);
    assert.ok(pending.json.volunteers.every((v) => v.status === 'pending'));
    assert.ok(pending.json.volunteers.some((v) => v.id === ids[1]));
    assert.ok(!pending.json.volunteers.some((v) => v.id === ids[0]));
    const approved = await coord.get('/api/v1/volunteers?status=approved');
    assert.ok(approved.json.volunteers.some((v) => v.id === ids[0]));
    const p1 = await coord.get('/api/v1/volunteers?per_page=2&page=1');
    const p2 = await coord.get('/api/v1/volunteers?per_page=2&page=2');
    assert.equal(p1.json.volunteers.length, 2);
    assert.equal(p1.json.total, p2.json.total);
    assert.ok(p1.json.total >= 3);
    const seen = new Set([...p1.json.volunteers, ...p2.json.volunteers].map((v) => v.id));
    assert.equal(seen.size, p1.json.volunteers.length + p2.json.volunteers.length, 'pages do not overlap');
    assertError(await coord.get('/api/v1/volunteers?per_page=201'), 400, 'invalid_query');
    assertError(await coord.get('/api/v1/volunteers?status=admin'), 400, 'invalid_query');
    assertError(await coord.get('/api/v1/volunteers?page=0'), 400, 'invalid_query');
  });

  it(`ids are 32 hex characters and two sign-ups differ ${S}`, async () => {
    const a = await newVolunteer(srv), b = await newVolunteer(srv);
    assert.match(a.id, ID_RE);
    assert.match(b.id, ID_RE);
    assert.notEqual(a.id, b.id);
    // 128 bits: no visible sequence.
    assert.notEqual(a.id.slice(0, 16), b.id.slice(0, 16));
  });
});

describe(`accounts: my account ${S}`, () => {
  let srv;
  before(async () => { srv = await server(); });
  after(() => stop(srv));

  it(`PATCH /me changes name and language; bad values are 400 and change nothing ${S}`, async () => {
    const v = await newVolunteer(srv);
    const c = await signIn(srv, v.phone);
    let r = await c.patch('/api/v1/me', { name: 'New Name', language: 'en' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, 'New Name');
    assert.equal(r.json.language, 'en');
    assertError(await c.patch('/api/v1/me', { language: 'de' }), 400, 'invalid_field');
    assertError(await c.patch('/api/v1/me', { name: '' }), 400, 'invalid_field');
    assertError(await c.patch('/api/v1/me', { name: 'x'.repeat(101) }), 400, 'invalid_field');
    const me = await c.me();
    assert.equal(me.name, 'New Name');
    assert.equal(me.language, 'en');
    assertError(await new Client(srv).patch('/api/v1/me', { name: 'X' }), 401, 'unauthorized');
  });

  it(`changing the password needs the current one, ends the other sessions and keeps this one ${S}`, async () => {
    const v = await newVolunteer(srv);
    const here = await signIn(srv, v.phone);
    const other = await signIn(srv, v.phone);
    const NEW = 'a brand new passphrase';
    let r = await here.patch('/api/v1/me', { password: NEW });
    assertError(r, 400, 'missing_field');
    assert.equal(r.json.error.field, 'current_password');
    r = await here.patch('/api/v1/me', { password: NEW, current_password: 'wrong wrong wrong' });
    assertError(r, 403, 'forbidden');
    assert.equal(r.json.error.field, 'current_password');
    r = await here.patch('/api/v1/me', { password: 'letmein123456', current_password: PASSWORD });
    assertError(r, 400, 'invalid_field');
    assert.ok(await other.me(), 'failed attempts end nothing');
    const oldCookie = here.cookie;
    r = await here.patch('/api/v1/me', { password: NEW, current_password: PASSWORD });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(here.cookie, oldCookie, 'a fresh session for this browser');
    assert.ok(await here.me(), 'this browser stays signed in');
    assert.equal(await other.me(), null, 'other sessions end');
    assert.equal(await new Client(srv, { cookie: oldCookie }).me(), null, 'the old token is gone');
    await new Client(srv).login(v.phone, PASSWORD, { expect: 401 });
    await new Client(srv).login(v.phone, NEW);
  });
});

const CODE_RE = /^[2-9A-HJKMNP-Z]{8}$/;
const confirm = (srv, body, opts = {}) => srv.request('POST', '/api/v1/auth/reset/confirm', { body, ...opts });

describe(`accounts: password reset ${S}`, () => {
  let srv;
  before(async () => { srv = await server(); });
  after(() => stop(srv));

  it(`the same 202 for unknown and known logins; a short typeable code lands in the outbox ${S}`, async () => {
    const email = 'reset@example.org';
    await addUser(srv, { email, role: 'editor' });
    const known = await srv.request('POST', '/api/v1/auth/reset', { body: { login: 'RESET@example.org' } });
    const unknown = await srv.request('POST', '/api/v1/auth/reset', { body: { login: 'nobody@example.org' } });
    const junk = await srv.request('POST', '/api/v1/auth/reset', { body: { login: 'not a login' } });
    assert.equal(known.status, 202);
    assert.equal(known.text, unknown.text);
    assert.equal(known.text, junk.text);
    assert.equal(outbox(srv, 'nobody@example.org').length, 0);
    const msgs = outbox(srv, email);
    assert.equal(msgs.length, 1);
    assert.match(msgs[0].token, CODE_RE, '8 characters without 0, O, 1, I or L');
    assert.equal(sql(srv, `SELECT channel, template FROM outbox WHERE recipient = '${email}'`)[0].join(' '), 'email password_reset');
    // The store keeps only the code's hash, bound to the account.
    const rows = sql(srv, 'SELECT token_hash FROM password_resets');
    assert.ok(rows.every(([h]) => !h.includes(msgs[0].token)));
  });

  it(`confirm sets the password once, ends sessions, and the code cannot be used again ${S}`, async () => {
    const v = await newVolunteer(srv);
    const session = await signIn(srv, v.phone);
    const local = v.phone.replace('+98', '0');
    assert.equal((await srv.request('POST', '/api/v1/auth/reset', { body: { login: local } })).status, 202);
    const [msg] = outbox(srv, v.phone);
    assert.ok(msg, 'an SMS for the phone');
    const NEW = 'reset gave me this one';
    assertError(await confirm(srv, { login: local, code: msg.token, password: 'short' }), 400, 'invalid_field');
    // The code as a person types it: lower case, a dash in the middle.
    const typed = `${msg.token.slice(0, 4).toLowerCase()}-${msg.token.slice(4)}`;
    let r = await confirm(srv, { login: local, code: typed, password: NEW });
    assert.equal(r.status, 200, r.text);
    assert.equal(await session.me(), null, 'sessions end on reset');
    await new Client(srv).login(v.phone, NEW);
    await new Client(srv).login(v.phone, PASSWORD, { expect: 401 });
    // Attack: the same code twice.
    r = await confirm(srv, { login: v.phone, code: msg.token, password: 'and another new one' });
    assertError(r, 410, 'gone');
    await new Client(srv).login(v.phone, NEW);
    // Malformed codes: 400 naming the field, and nothing counted as a try.
    for (const code of ['abc', 'ABCDEFG0', 'OOOOOOOO', 'ABCDEFGHJ', 'ABCD<EFG']) {
      const bad = await confirm(srv, { login: v.phone, code, password: NEW });
      assertError(bad, 400, 'invalid_field');
      assert.equal(bad.json.error.field, 'code');
    }
    assertError(await confirm(srv, { code: msg.token, password: NEW }), 400, 'missing_field');
  });

  it(`Persian and Arabic digits in the code are read as digits ${S}`, async () => {
    const v = await newVolunteer(srv);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const [msg] = outbox(srv, v.phone);
    const fa = msg.token.replace(/[2-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]);
    const r = await confirm(srv, { login: v.phone, code: fa, password: 'persian digits typed' });
    assert.equal(r.status, 200, r.text);
    await new Client(srv).login(v.phone, 'persian digits typed');
  });

  // Attack: a code is bound to its account; it cannot be tried against another login.
  it(`a right code with another account's login is refused, and does not use up that code ${S}`, async () => {
    const a = await newVolunteer(srv);
    const b = await newVolunteer(srv);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: a.phone } });
    const [msg] = outbox(srv, a.phone);
    assertError(await confirm(srv, { login: b.phone, code: msg.token, password: 'on the wrong account' }), 410, 'gone');
    assertError(await confirm(srv, { login: 'nobody@example.org', code: msg.token, password: 'on no account at all' }), 410, 'gone');
    await new Client(srv).login(b.phone, 'on the wrong account', { expect: 401 });
    const r = await confirm(srv, { login: a.phone, code: msg.token, password: 'on the right account' });
    assert.equal(r.status, 200, r.text);
  });

  // Attack: guessing. 8 characters of 31 are safe only because the tries are few.
  it(`five tries an hour per account: the sixth is refused and voids the code, even the right one ${S}`, async () => {
    const v = await newVolunteer(srv);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const [msg] = outbox(srv, v.phone);
    const wrong = msg.token[0] === 'A' ? 'BBBBBBBB' : 'AAAAAAAA';
    for (let i = 0; i < 5; i++)
      assertError(await confirm(srv, { login: v.phone, code: wrong, password: 'a guess at the code' }), 410, 'gone');
    // Parallel guesses do not share a free slot either.
    const burst = await Promise.all([0, 1, 2].map(() => confirm(srv, { login: v.phone, code: wrong, password: 'a guess at the code' })));
    for (const r of burst) assertError(r, 429, 'rate_limited');
    assertError(await confirm(srv, { login: v.phone, code: msg.token, password: 'right but too late' }), 429, 'rate_limited');
    assert.equal(sql(srv, `SELECT count(*) FROM password_resets WHERE user_id = '${v.id}'`)[0][0], '0', 'the code is void');
    await new Client(srv).login(v.phone, 'right but too late', { expect: 401 });
    // An hour later tries are taken again, but the voided code stays dead.
    srv.clock.advance(61 * 60);
    assertError(await confirm(srv, { login: v.phone, code: msg.token, password: 'right but too late' }), 410, 'gone');
    assert.ok(sql(srv, `SELECT count(*) FROM audit_log WHERE action = 'password_reset_voided' AND subject_id = '${v.id}'`)[0][0] === '1');
    srv.clock.set(0);
  });

  // Attack: flooding an account's phone with codes.
  it(`five codes an hour per account, whatever the address ${S}`, async () => {
    const v = await newVolunteer(srv);
    for (let i = 0; i < 5; i++)
      assert.equal((await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } })).status, 202);
    assertError(await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone.replace('+98', '0') } }), 429, 'rate_limited');
    assert.equal(outbox(srv, v.phone).length, 1, 'one undelivered code at a time');
  });

  it(`a reset code expires after an hour ${S}`, async () => {
    const v = await newVolunteer(srv);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const [first] = outbox(srv, v.phone);
    srv.clock.advance(59 * 60);
    const r = await confirm(srv, { login: v.phone, code: first.token, password: 'fifty nine minutes in' });
    assert.equal(r.status, 200, r.text);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const [second] = outbox(srv, v.phone);
    srv.clock.advance(61 * 60);
    assertError(await confirm(srv, { login: v.phone, code: second.token, password: 'sixty one minutes in' }), 410, 'gone');
    await new Client(srv).login(v.phone, 'fifty nine minutes in');
    srv.clock.set(0);
  });

  // Attack: a code read from an old message (a shared phone, a forwarded e-mail) after the owner
  // asked for a new one, or after they reset their password.
  it(`a new reset code voids every earlier one and its undelivered message ${S}`, async () => {
    const v = await newVolunteer(srv);
    const count = () => sql(srv, `SELECT count(*) FROM password_resets WHERE user_id = '${v.id}'`)[0][0];
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const [first] = outbox(srv, v.phone);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const msgs = outbox(srv, v.phone);
    assert.equal(msgs.length, 1, 'one undelivered reset message at a time');
    const [second] = msgs;
    assert.notEqual(second.token, first.token);
    assert.deepEqual(Object.keys(second).sort(), ['token', 'valid_minutes'], 'the message keeps only what it needs');
    assert.equal(count(), '1', 'one valid code per account');
    assertError(await confirm(srv, { login: v.phone, code: first.token, password: 'the old code tries' }), 410, 'gone');
    await new Client(srv).login(v.phone, 'the old code tries', { expect: 401 });
    // A successful reset voids any other code of the account (one planted in the store here).
    sql(srv, `INSERT INTO password_resets(token_hash, user_id, expires_at) VALUES ('${'ab'.repeat(32)}', '${v.id}', ${Math.floor(Date.now() / 1000) + 3000})`);
    assert.equal(count(), '2');
    const r = await confirm(srv, { login: v.phone, code: second.token, password: 'the second code wins' });
    assert.equal(r.status, 200, r.text);
    assert.equal(count(), '0');
    assert.equal(outbox(srv, v.phone).length, 0, 'no reset code left in the outbox');
    await new Client(srv).login(v.phone, 'the second code wins');
  });

  it(`a suspended account gets no reset message ${S}`, async () => {
    await addUser(srv, { email: 'boss@example.org', role: 'admin' });
    const boss = await signIn(srv, 'boss@example.org');
    const v = await newVolunteer(srv);
    await boss.post(`/api/v1/volunteers/${v.id}/suspend`);
    assert.equal((await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } })).status, 202);
    assert.equal(outbox(srv, v.phone).length, 0);
  });

  // The /forgot and /reset pages work without JavaScript: their form posts get pages back.
  it(`form posts get HTML pages in the form's language ${S}`, async () => {
    const v = await newVolunteer(srv);
    const form = (path, fields) => srv.request('POST', path, {
      raw: new URLSearchParams(fields).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
    });
    let r = await form('/api/v1/auth/reset', { login: v.phone, lang: 'en' });
    assert.equal(r.status, 202);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(r.text, /an 8-character code/);
    assert.match(r.text, /href="\/reset\?lang=en"/);
    const [msg] = outbox(srv, v.phone);
    r = await form('/api/v1/auth/reset/confirm', { login: v.phone, code: 'AAAAAAAA', password: 'a wrong code by form', lang: 'fa' });
    assert.equal(r.status, 410);
    assert.match(r.text, /<html lang="fa"/);
    assert.match(r.text, /href="\/reset"/);
    r = await form('/api/v1/auth/reset/confirm', { login: v.phone, code: msg.token, password: 'short', lang: 'en' });
    assert.equal(r.status, 400);
    assert.match(r.text, /at least 12 characters/);
    r = await form('/api/v1/auth/reset/confirm', { login: v.phone, code: msg.token, password: 'the right code by form', lang: 'en' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /href="\/signin\?lang=en"/);
    await new Client(srv).login(v.phone, 'the right code by form');
    // A field missing: a page too, not JSON.
    r = await form('/api/v1/auth/reset/confirm', { login: v.phone, lang: 'en' });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type'), /text\/html/);
  });
});

describe(`accounts: reset codes leave no copy behind ${S}`, () => {
  let srv, receiver;
  before(async () => {
    receiver = await startReceiver();
    srv = await server({ args: ['--notify-webhook', receiver.url, '--notify-interval', '1', '--notify-batch-minutes', '0'] });
  });
  after(async () => { await stop(srv); await receiver?.close(); });

  // Attack: someone who gets a copy of the database (a backup, a stolen disk) finds no code
  // that still works, nor any code at all once it was delivered.
  it(`the delivered code is erased from the outbox; the store holds no code in clear ${S}`, async () => {
    const v = await newVolunteer(srv);
    const codes = [];
    for (let i = 0; i < 2; i++) {
      assert.equal((await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } })).status, 202);
      const [m] = await receiver.waitFor((x) => x.to === v.phone && x.template === 'password_reset' && !codes.some((c) => x.text.includes(c)));
      const code = m.text.match(/\b[2-9A-HJKMNP-Z]{8}\b/)[0];
      codes.push(code);
    }
    // Delivered: the outbox rows keep no payload.
    const rows = sql(srv, `SELECT status, payload FROM outbox WHERE recipient = '${v.phone}'`);
    assert.ok(rows.length >= 1);
    for (const [status, payload] of rows) {
      assert.equal(status, 'sent');
      assert.equal(payload, '{}');
    }
    // The first code died when the second was asked for.
    assertError(await confirm(srv, { login: v.phone, code: codes[0], password: 'first code, too late' }), 410, 'gone');
    // Nowhere in the store in clear: every text column of the tables that ever held it.
    for (const code of codes) {
      for (const q of [`SELECT count(*) FROM outbox WHERE payload LIKE '%${code}%'`,
        `SELECT count(*) FROM password_resets WHERE token_hash LIKE '%${code}%'`,
        `SELECT count(*) FROM audit_log WHERE detail LIKE '%${code}%'`]) assert.equal(sql(srv, q)[0][0], '0', q);
    }
    if (STORE === 'sqlite') {
      // The raw bytes of the database file and its WAL, after a checkpoint (hamyari purge).
      const r = await runCli(['purge', '--db', srv.dbUrl], { env: srv.clock.env });
      assert.equal(r.code, 0, r.stderr);
      const file = srv.dbUrl.slice('sqlite:'.length);
      for (const f of [file, `${file}-wal`]) {
        if (!existsSync(f)) continue;
        const bytes = readFileSync(f);
        for (const code of codes) assert.equal(bytes.indexOf(Buffer.from(code)), -1, `a reset code found in ${f}`);
      }
    }
    const ok = await confirm(srv, { login: v.phone, code: codes[1], password: 'second code is fine' });
    assert.equal(ok.status, 200, ok.text);
  });
});

describe(`accounts: an undelivered reset code expires with its message ${S}`, () => {
  let srv;
  before(async () => { srv = await server(); });
  after(() => stop(srv));

  it(`with no notifier, the purge gives up the message once the code has expired and erases it ${S}`, async () => {
    const v = await newVolunteer(srv);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const [m] = outbox(srv, v.phone);
    assert.match(m.token, CODE_RE);
    let r = await runCli(['purge', '--db', srv.dbUrl], { env: srv.clock.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sql(srv, `SELECT status FROM outbox WHERE recipient = '${v.phone}'`), [['pending']], 'still valid: kept');
    srv.clock.advance(61 * 60);
    r = await runCli(['purge', '--db', srv.dbUrl], { env: srv.clock.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sql(srv, `SELECT status, payload, last_error FROM outbox WHERE recipient = '${v.phone}'`), [['failed', '{}', 'expired']]);
    srv.clock.set(0);
  });
});

describe(`accounts: API tokens ${S}`, () => {
  let srv, admin, adminId;
  const cli = (...args) => runCli(['token', ...args, '--db', srv.dbUrl], { env: srv.clock.env });
  const works = async (token) => (await new Client(srv, { bearer: token }).get('/api/v1/me')).status === 200;
  before(async () => {
    srv = await server({ args: ['--token-max-days', '30'] });
    adminId = await addUser(srv, { email: 'tokadmin@example.org', role: 'admin' });
    admin = await signIn(srv, 'tokadmin@example.org');
  });
  after(() => stop(srv));

  it(`hamyari token create|list|revoke, with --help; expiry dates and the lifetime cap ${S}`, async () => {
    for (const sub of [[], ['create'], ['list'], ['revoke']]) {
      const r = await runCli(['token', ...sub, '--help']);
      assert.equal(r.code, 0, `token ${sub.join(' ')} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: hamyari token/);
    }
    const id = await addUser(srv, { email: 'script@example.org', role: 'coordinator' });
    let r = await cli('create', '--user', 'script@example.org', '--name', 'nightly', '--days', '2');
    assert.equal(r.code, 0, r.stderr);
    const [, tokId] = r.stdout.match(/^API token ([0-9a-f]{32}) for ([0-9a-f]{32}) \(coordinator\), expires \d{4}-\d\d-\d\dT/m);
    const two = r.stdout.trim().split('\n').pop();
    assert.ok(await works(two));
    // Beyond the cap: refused, nothing made.
    r = await cli('create', '--user', 'script@example.org', '--days', '400');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cap of 365 days/);
    r = await cli('list', '--user', 'script@example.org');
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.equal(rows.length, 1);
    assert.equal(rows[0][0], tokId);
    assert.equal(rows[0][1], id);
    assert.equal(rows[0][2], 'nightly');
    assert.ok(!r.stdout.includes(two), 'the list never shows a token');
    // Its own date: 2 days.
    srv.clock.advance(2 * 86400 + 5);
    assert.equal(await works(two), false, 'expired after 2 days');
    srv.clock.set(0);
    assert.ok(await works(two));
    // No date of its own (--days 0 where the CLI is told of no cap): the server's cap of 30 days ends it.
    r = await cli('create', '--user', 'script@example.org', '--days', '0', '--token-max-days', '0');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /expires never/);
    const forever = r.stdout.trim().split('\n').pop();
    assert.ok(await works(forever));
    srv.clock.advance(30 * 86400 + 5);
    assert.equal(await works(forever), false, 'past --token-max-days');
    srv.clock.set(0);
    // revoke ID, then revoke --user.
    r = await cli('revoke', tokId);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await works(two), false, 'revoked');
    assert.ok(await works(forever));
    assert.equal((await cli('revoke', tokId)).code, 1, 'revoking twice: no such token');
    assert.equal((await cli('revoke', 'not-an-id')).code, 2);
    assert.equal((await cli('revoke')).code, 2);
    r = await cli('revoke', '--user', 'script@example.org');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /revoked 1 token/);
    assert.equal(await works(forever), false);
    const audit = (await admin.get('/api/v1/audit?limit=500')).json.entries.filter((e) => e.subject_id === id).map((e) => e.action);
    assert.ok(audit.includes('api_token_revoked') && audit.includes('api_tokens_revoked'), audit.join());
  });

  it(`a person lists, makes and revokes their own tokens; the secret is shown once ${S}`, async () => {
    const v = await newVolunteer(srv);
    const me = await signIn(srv, v.phone);
    let r = await me.post('/api/v1/me/tokens', { name: 'my phone app', expires_in_days: 7 });
    assert.equal(r.status, 201, r.text);
    const { token, secret } = r.json;
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(token.user_id, v.id);
    assert.equal(token.name, 'my phone app');
    assert.equal(token.expires_at - token.created_at, 7 * 86400);
    assert.equal(token.last_used_at, null, 'never used yet');
    const bot = new Client(srv, { bearer: secret });
    assert.equal((await bot.me()).id, v.id);
    r = await me.get('/api/v1/me/tokens');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.tokens.map((t) => t.id), [token.id]);
    // Its last use is recorded, to the minute: a use a few seconds later changes nothing, one
    // two minutes later moves it.
    const firstUse = r.json.tokens[0].last_used_at;
    assert.ok(Number.isInteger(firstUse) && firstUse >= token.created_at, `last_used_at ${firstUse}`);
    await bot.me();
    assert.equal((await me.get('/api/v1/me/tokens')).json.tokens[0].last_used_at, firstUse);
    srv.clock.advance(120);
    await bot.me();
    srv.clock.set(0);
    assert.ok((await me.get('/api/v1/me/tokens')).json.tokens[0].last_used_at >= firstUse + 120);
    r = await me.get('/api/v1/me/tokens');
    assert.ok(!r.text.includes(secret), 'no secret in the list');
    assert.ok(!sql(srv, 'SELECT token_hash FROM api_tokens').some(([h]) => r.text.includes(h)), 'no hash in the list');
    // Attack: a leaked token mints itself a successor that would outlive its revocation.
    assertError(await bot.post('/api/v1/me/tokens', { name: 'successor' }), 403, 'forbidden');
    // Bad input changes nothing.
    for (const body of [{ expires_in_days: 0 }, { expires_in_days: 31 }, { expires_in_days: 1.5 }, { name: 'x'.repeat(101) }, { name: 'a\nb' }, { nope: 1 }]) {
      const bad = await me.post('/api/v1/me/tokens', body);
      assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.status}`);
    }
    assert.equal((await me.get('/api/v1/me/tokens')).json.total, 1);
    // Attack: someone else revokes (or learns of) my token by its id.
    const other = await signIn(srv, (await newVolunteer(srv)).phone);
    assertError(await other.request('DELETE', `/api/v1/me/tokens/${token.id}`), 404, 'not_found');
    assert.equal((await other.get('/api/v1/me/tokens')).json.total, 0);
    assert.ok(await works(secret));
    r = await me.request('DELETE', `/api/v1/me/tokens/${token.id}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { id: token.id, revoked: true });
    assert.equal(await works(secret), false);
    assertError(await me.request('DELETE', `/api/v1/me/tokens/${token.id}`), 404, 'not_found');
    // At most 20 at once; revoking one makes room.
    const ids = [];
    for (let i = 0; i < 20; i++) {
      const m = await me.post('/api/v1/me/tokens', { name: `t${i}` });
      assert.equal(m.status, 201, m.text);
      ids.push(m.json.token.id);
    }
    assertError(await me.post('/api/v1/me/tokens', {}), 409, 'conflict');
    assert.equal((await me.request('DELETE', `/api/v1/me/tokens/${ids[0]}`)).status, 200);
    r = await me.post('/api/v1/me/tokens', {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.token.expires_at - r.json.token.created_at, 30 * 86400, 'the default 90 days, cut to the cap');
  });

  it(`admins list every token and revoke any; others cannot ${S}`, async () => {
    const v = await newVolunteer(srv);
    const me = await signIn(srv, v.phone);
    const { json: { token, secret } } = await me.post('/api/v1/me/tokens', { name: 'listed' });
    let r = await admin.get(`/api/v1/tokens?user_id=${v.id}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.tokens.map((t) => t.id), [token.id]);
    assert.equal(r.json.total, 1);
    r = await admin.get('/api/v1/tokens?per_page=200');
    assert.ok(r.json.tokens.some((t) => t.id === token.id));
    assert.ok(!r.text.includes(secret));
    assertError(await admin.get('/api/v1/tokens?user_id=nope'), 400, 'invalid_query');
    assertError(await me.get('/api/v1/tokens'), 403, 'forbidden');
    assertError(await me.request('DELETE', `/api/v1/tokens/${token.id}`), 403, 'forbidden');
    r = await admin.request('DELETE', `/api/v1/tokens/${token.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(await works(secret), false);
    assertError(await admin.request('DELETE', `/api/v1/tokens/${token.id}`), 404, 'not_found');
    const entry = (await admin.get('/api/v1/audit?limit=50')).json.entries.find((e) => e.action === 'api_token_revoked' && e.detail === token.id.slice(0, 8));
    assert.ok(entry, 'the revocation is audited');
    assert.equal(entry.actor_id, adminId);
    assert.equal(entry.subject_id, v.id);
  });

  // Attack: a token taken from someone keeps working after they reset their password, after an
  // admin takes a role away, or after a coordinator suspends them.
  it(`a password reset, a role change and a suspension revoke every token of the account ${S}`, async () => {
    const v = await newVolunteer(srv);
    await admin.post(`/api/v1/volunteers/${v.id}/approve`);
    const mint = async () => {
      const c = await signIn(srv, v.phone, v.password ?? PASSWORD);
      const r = await c.post('/api/v1/me/tokens', {});
      assert.equal(r.status, 201, r.text);
      return r.json.secret;
    };
    // A CLI-made token too.
    const fromCli = (await cli('create', '--user', v.phone)).stdout.trim().split('\n').pop();
    const t1 = await mint();
    assert.ok(await works(t1) && await works(fromCli));
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: v.phone } });
    const msg = outbox(srv, v.phone).find((m) => m.token); // after the approval message
    const NEW = 'a fresh password for tokens';
    assert.equal((await srv.request('POST', '/api/v1/auth/reset/confirm', { body: { login: v.phone, code: msg.token, password: NEW } })).status, 200);
    assert.equal(await works(t1), false, 'reset revokes');
    assert.equal(await works(fromCli), false, 'reset revokes CLI tokens too');
    v.password = NEW;
    const t2 = await mint();
    assert.equal((await admin.post(`/api/v1/volunteers/${v.id}/suspend`)).status, 200);
    assert.equal((await admin.post(`/api/v1/volunteers/${v.id}/approve`)).status, 200);
    assert.equal(await works(t2), false, 'a suspension revokes (re-approval does not bring it back)');
    const t3 = await mint();
    assert.equal((await admin.post(`/api/v1/users/${v.id}/role`, { role: 'editor' })).status, 200);
    assert.equal(await works(t3), false, 'a role change revokes');
    assert.equal(sql(srv, `SELECT count(*) FROM api_tokens WHERE user_id = '${v.id}'`)[0][0], '0');
    const actions = (await admin.get('/api/v1/audit?limit=500')).json.entries.filter((e) => e.subject_id === v.id && e.action === 'api_tokens_revoked');
    assert.deepEqual(actions.map((e) => e.detail), ['1', '1', '2']);
  });
});

describe(`accounts: roles and the audit log ${S}`, () => {
  let srv, admin, adminId;
  before(async () => {
    srv = await server();
    adminId = await addUser(srv, { email: 'root@example.org', role: 'admin', name: 'Root Person' });
    admin = await signIn(srv, 'root@example.org');
  });
  after(() => stop(srv));

  it(`an admin changes a role; the account's sessions end; admins cannot change their own ${S}`, async () => {
    const v = await newVolunteer(srv, { email: 'vol@example.org', name: 'Vol Unteer' });
    const vc = await signIn(srv, v.phone);
    await admin.post(`/api/v1/volunteers/${v.id}/approve`);
    let r = await admin.post(`/api/v1/users/${v.id}/role`, { role: 'coordinator' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.role, 'coordinator');
    assert.equal(r.json.phone, undefined, 'the answer has no contact details');
    assert.equal(await vc.me(), null, 'a role change signs the account out');
    const again = await signIn(srv, v.phone);
    assert.equal((await again.get('/api/v1/volunteers')).status, 200, 'now a coordinator');
    assertError(await admin.post(`/api/v1/users/${v.id}/role`, { role: 'king' }), 400, 'invalid_field');
    assertError(await admin.post(`/api/v1/users/${randomBytes(16).toString('hex')}/role`, { role: 'editor' }), 404, 'not_found');
    assertError(await admin.post(`/api/v1/users/${adminId}/role`, { role: 'volunteer' }), 409, 'conflict');
    assertError(await again.post(`/api/v1/users/${v.id}/role`, { role: 'admin' }), 403, 'forbidden');
    const users = await admin.get('/api/v1/users?role=coordinator');
    assert.ok(users.json.users.some((u) => u.id === v.id));
  });

  it(`the audit log records security events with ids only — no phone, e-mail or name ${S}`, async () => {
    const v = await newVolunteer(srv, { email: 'audited@example.org', name: 'Audited Person', phone: '+989127654321' });
    await new Client(srv).login('audited@example.org', 'wrong password!!', { expect: 401 });
    const vc = await signIn(srv, 'audited@example.org');
    await vc.post('/api/v1/auth/logout');
    await admin.post(`/api/v1/volunteers/${v.id}/approve`);
    await admin.post(`/api/v1/volunteers/${v.id}/suspend`);
    await srv.request('POST', '/api/v1/auth/reset', { body: { login: 'root@example.org' } });
    await createToken(srv, 'root@example.org');
    const r = await admin.get('/api/v1/audit?limit=500');
    assert.equal(r.status, 200, r.text);
    const entries = r.json.entries;
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ['user_created_cli', 'volunteer_signed_up', 'login', 'login_failed', 'logout',
      'volunteer_approved', 'volunteer_suspended', 'password_reset_requested', 'api_token_created', 'role_changed']) {
      assert.ok(actions.has(a), `audit has ${a}: ${[...actions]}`);
    }
    const mine = entries.filter((e) => e.subject_id === v.id).map((e) => e.action);
    assert.ok(mine.includes('volunteer_approved') && mine.includes('volunteer_suspended') && mine.includes('login_failed'));
    const approved = entries.find((e) => e.subject_id === v.id && e.action === 'volunteer_approved');
    assert.equal(approved.actor_id, adminId, 'the actor is the admin');
    const forbidden = ['audited@example.org', '+989127654321', '9127654321', 'Audited Person', 'root@example.org',
      'Root Person', 'vol@example.org', 'Vol Unteer'];
    for (const e of entries) {
      assert.deepEqual(Object.keys(e).sort(), ['action', 'actor_id', 'at', 'detail', 'id', 'subject_id']);
      for (const k of ['actor_id', 'subject_id']) if (e[k] !== null) assert.match(e[k], ID_RE, `${e.action}.${k}`);
      const text = JSON.stringify(e);
      for (const f of forbidden) assert.ok(!text.includes(f), `audit entry ${text} holds ${f}`);
      assert.ok(!/@|\+\d{6,}|\d{9,}/.test(e.detail), `detail looks personal: ${e.detail}`);
    }
    // Newest first and paged with before=.
    assert.ok(entries[0].id > entries[entries.length - 1].id);
    const older = await admin.get(`/api/v1/audit?before=${entries[0].id}&limit=1`);
    assert.equal(older.json.entries[0].id, entries[1].id);
    assertError(await admin.get('/api/v1/audit?limit=501'), 400, 'invalid_query');
  });

  it(`hamyari user list shows accounts ${S}`, async () => {
    const { runCli } = await import('./lib/server.mjs');
    const r = await runCli(['user', 'list', '--db', srv.dbUrl, '--role', 'admin']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(rows.find((x) => x[0] === adminId), [adminId, 'admin', 'approved', 'root@example.org', 'Root Person']);
    const bad = await runCli(['user', 'add', '--db', srv.dbUrl, '--email', 'root@example.org', '--role', 'admin', '--password-stdin'], { input: `${PASSWORD}\n` });
    assert.notEqual(bad.code, 0, 'a duplicate login is refused');
  });
});
