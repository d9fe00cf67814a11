// accounts.mjs — helpers for tests that need accounts: a cookie-keeping client, accounts made
// with the CLI (`hamyari user add`, `hamyari token create`), volunteer sign-ups, reading the
// store directly (the outbox) and the controllable clock (HAMYARI_TEST_CLOCK_FILE).
//
//   const clock = makeClock();                       // a file holding seconds to add to real time
//   const srv = await startServer({ env: clock.env, args: ['--password-list', COMMON_LIST] });
//   await addUser(srv, { email: 'a@example.org', role: 'admin' });
//   const admin = await signIn(srv, 'a@example.org');   // Client with cookie + CSRF token
//   await admin.get('/api/v1/audit');
//   clock.advance(31 * 60);
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { ROOT, runCli } from './server.mjs';

/** A small common-password list for --password-list (tests/api/fixtures/). */
export const COMMON_LIST = join(ROOT, 'tests', 'api', 'fixtures', 'common-passwords.txt');
/** A password every test account gets unless it says otherwise. */
export const PASSWORD = 'correct horse battery staple';

/** The value of cookie `name` from a response's Set-Cookie headers, with its attributes:
 *  { value, attrs: { path, httponly, samesite, secure, 'max-age' … }, raw } or null. */
export function setCookie(headers, name = 'hy_session') {
  const list = typeof headers.getSetCookie === 'function'
    ? headers.getSetCookie()
    : (headers.get('set-cookie') ? [headers.get('set-cookie')] : []);
  for (const raw of list) {
    const parts = raw.split(';').map((s) => s.trim());
    const [k, ...v] = parts[0].split('=');
    if (k !== name) continue;
    const attrs = {};
    for (const p of parts.slice(1)) {
      const i = p.indexOf('=');
      if (i < 0) attrs[p.toLowerCase()] = true;
      else attrs[p.slice(0, i).toLowerCase()] = p.slice(i + 1);
    }
    return { value: v.join('='), attrs, raw };
  }
  return null;
}

/** Talks to one server as one browser would: keeps the session cookie and the CSRF token, and
 *  sends X-CSRF-Token on state-changing requests (unless csrf: false). */
export class Client {
  constructor(srv, { cookie = null, csrf = null, bearer = null } = {}) {
    this.srv = srv;
    this.cookie = cookie;
    this.csrf = csrf;
    this.bearer = bearer;
  }

  async request(method, path, { body, headers = {}, csrf = true, form } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie ??= `hy_session=${this.cookie}`;
    if (this.bearer) h.authorization ??= `Bearer ${this.bearer}`;
    if (csrf && this.csrf && method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] ??= this.csrf;
    let raw;
    if (form) {
      raw = new URLSearchParams(form).toString();
      h['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await this.srv.request(method, path, { body, headers: h, raw });
    const c = setCookie(res.headers);
    if (c) this.cookie = c.value || null;
    if (res.json && typeof res.json.csrf_token === 'string') this.csrf = res.json.csrf_token;
    res.cookie = c;
    return res;
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.request('PATCH', path, { ...opts, body }); }

  /** POST /api/v1/auth/login; asserts 200 unless expect is given. */
  async login(login, password = PASSWORD, { expect = 200, headers } = {}) {
    const r = await this.request('POST', '/api/v1/auth/login', { body: { login, password }, headers });
    assert.equal(r.status, expect, `login ${login}: ${r.status} ${r.text}`);
    return r;
  }

  /** GET /api/v1/me: the JSON, or null when not signed in (401). */
  async me() {
    const r = await this.get('/api/v1/me');
    if (r.status === 401) return null;
    assert.equal(r.status, 200, r.text);
    return r.json;
  }
}

/** A signed-in Client (asserts the login succeeds). */
export async function signIn(srv, login, password = PASSWORD) {
  const c = new Client(srv);
  await c.login(login, password);
  return c;
}

/** `hamyari user add` against the server's store (home: { lat, lon } and radius_km for a
 *  volunteer's service area). Returns the new account's id. */
export async function addUser(srv, { email, phone, role = 'volunteer', password = PASSWORD, name, language, home, radius_km } = {}) {
  const args = ['user', 'add', '--db', srv.dbUrl, '--role', role, '--password-stdin'];
  if (email) args.push('--email', email);
  if (phone) args.push('--phone', phone);
  if (name) args.push('--name', name);
  if (language) args.push('--language', language);
  if (home) args.push('--home', `${home.lat},${home.lon}`);
  if (radius_km !== undefined) args.push('--radius-km', String(radius_km));
  const r = await runCli(args, { input: `${password}\n` });
  assert.equal(r.code, 0, `user add ${email || phone}: ${r.stderr}`);
  const m = r.stdout.match(/created \S+ ([0-9a-f]{32})/);
  assert.ok(m, `user add printed no id: ${r.stdout}`);
  return m[1];
}

/** `hamyari token create --user LOGIN`: the token (the last line of its output). */
export async function createToken(srv, login) {
  const r = await runCli(['token', 'create', '--db', srv.dbUrl, '--user', login]);
  assert.equal(r.code, 0, `token create ${login}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return lines[lines.length - 1].trim();
}

let counter = 0;
/** A fresh, valid-looking Iranian mobile number in E.164 (+98912…). */
export function freshPhone() {
  counter++;
  const n = (Date.now() % 1000000) * 10 + (counter % 10) + counter * 7;
  return `+98912${String(n % 10000000).padStart(7, '0')}`;
}

/** POST /api/v1/volunteers with sensible defaults; returns the response. */
export async function signUp(srv, fields = {}, headers = {}) {
  const body = { name: 'Test Volunteer', phone: freshPhone(), password: PASSWORD, consent: true, ...fields };
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k];
  return srv.request('POST', '/api/v1/volunteers', { body, headers });
}

/** Signs a volunteer up (asserts 201): { id, phone, email }. */
export async function newVolunteer(srv, fields = {}) {
  const phone = fields.phone || freshPhone();
  const r = await signUp(srv, { ...fields, phone });
  assert.equal(r.status, 201, `sign-up: ${r.text}`);
  return { id: r.json.id, phone, email: fields.email };
}

/** Runs one SQL query on the server's store with the sqlite3 or psql command-line client;
 *  returns the rows as arrays of strings (columns split on a tab). */
export function sql(srv, query) {
  const url = srv.dbUrl;
  let out;
  if (url.startsWith('sqlite:')) {
    out = execFileSync('sqlite3', ['-batch', '-separator', '\t', url.slice('sqlite:'.length), query], { encoding: 'utf8' });
  } else {
    out = execFileSync('psql', [url, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' });
  }
  return out.split('\n').filter((l) => l.length).map((l) => l.split('\t'));
}

/** The payloads (parsed JSON) of outbox messages to `recipient`, oldest first. */
export function outbox(srv, recipient) {
  const q = `SELECT payload FROM outbox WHERE recipient = '${recipient.replace(/'/g, "''")}' ORDER BY created_at, id`;
  return sql(srv, q).map((row) => JSON.parse(row.join('\t')));
}

/** A controllable clock: a file the server re-reads on every call, holding seconds to add to
 *  real time. Give clock.env to every process that should share it. */
export function makeClock() {
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-clock-'));
  const path = join(dir, 'clock');
  let offset = 0;
  let stopped = null; // the time the clock stands at, once stop() was called
  writeFileSync(path, '0\n');
  const write = () => writeFileSync(path, stopped === null ? `${offset}\n` : `=${stopped + offset}\n`);
  return {
    path,
    env: { HAMYARI_TEST_CLOCK_FILE: path },
    get offset() { return offset; },
    set(seconds) { offset = seconds; write(); },
    advance(seconds) { this.set(offset + seconds); },
    /** Stops the clock at the current (shifted) time: from then on only set()/advance() move
     *  it, so delays of a second or two can be tested without depending on speed. */
    stop() { stopped = Math.floor(Date.now() / 1000); write(); },
    remove() { rmSync(dir, { recursive: true, force: true }); },
  };
}
