// server.mjs — the HTTP test harness: starts the real `hamyari serve` on a free port against a
// throwaway store, and talks to it with fetch, node:http (raw bytes, no decoding) or a bare
// socket (for requests no client library would send).
//
// Store: env HY_TEST_STORE = sqlite (default; a fresh file in a temporary folder per server) or
// postgres (a fresh database per server in the cluster at HY_TEST_PG_URL, dropped on stop).
// Binary: env HAMYARI_BIN, default build/hamyari. Works on Node 18 and later.
//
// A crash anywhere fails the test file, not only the request that meets it: a server that
// dies (a signal the test did not send, a non-zero exit once it listened) or prints a
// sanitizer report (ASan, LSan, UBSan) throws an uncaught error, which node:test counts as a
// failure of the file, and makes stop() fail too. Servers a test leaves running are stopped
// after the file's last test with the same check (SIGTERM, exit code 0).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after } from 'node:test';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = resolve(ROOT, process.env.HAMYARI_BIN || 'build/hamyari');
export const STORE = process.env.HY_TEST_STORE || 'sqlite';
export const PG_URL = process.env.HY_TEST_PG_URL || '';

if (STORE !== 'sqlite' && STORE !== 'postgres')
  throw new Error(`HY_TEST_STORE must be sqlite or postgres, not '${STORE}'`);
if (STORE === 'postgres' && !PG_URL)
  throw new Error('HY_TEST_STORE=postgres needs HY_TEST_PG_URL (scripts/pg-cluster.sh start DIR prints one)');

// Under the sanitizers everything is several times slower.
const START_TIMEOUT_MS = Number(process.env.HY_TEST_START_TIMEOUT_MS || 30000);

const live = new Set(); // servers not yet stopped, killed if the test process exits early
process.on('exit', () => {
  for (const s of live) {
    if (s.problem) process.exitCode = 1;
    s.sent = 'SIGKILL';
    try { s.proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
});
// Servers a test did not stop are stopped after the file's tests, exit code checked.
after(async () => {
  const left = [...live];
  const errors = [];
  for (const s of left) await s.stop().catch((e) => errors.push(e));
  if (errors.length) throw errors[0];
});

/** A line of a sanitizer's report on stderr (AddressSanitizer, LeakSanitizer, UBSan). */
export const SANITIZER_RE = /(?:ERROR|WARNING): \w*Sanitizer\b|^SUMMARY: \w*Sanitizer\b|^\S+:\d+:\d+: runtime error: /;

let dbCounter = 0;

function execFileP(file, args, opts = {}) {
  return new Promise((res, rej) => {
    execFile(file, args, { timeout: 60000, ...opts }, (err, stdout, stderr) => {
      if (err) { err.message += `\n${stderr}`; rej(err); } else res({ stdout, stderr });
    });
  });
}

async function psql(sql, url = PG_URL) {
  await execFileP('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
}

/** A fresh store for one server: { url, cleanup() }. */
export async function makeStore(store = STORE) {
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hamyari-test-'));
    return { url: `sqlite:${join(dir, 'test.db')}`, dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `hy_t_${process.pid}_${++dbCounter}_${Math.random().toString(36).slice(2, 8)}`;
  await psql(`CREATE DATABASE ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    cleanup: async () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** The test process's environment without HAMYARI_* settings, so that the server under test
 *  sees only the settings a test gives it. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HAMYARI_')));
}

/** Runs `hamyari ARGS…` to completion: { code, stdout, stderr }. `input` (string) is written to
 *  its standard input (e.g. for --password-stdin); without it stdin is /dev/null. */
export async function runCli(args, { env = {}, timeout = 60000, input } = {}) {
  return new Promise((res, rej) => {
    const p = spawn(BIN, args, { cwd: ROOT, env: { ...cleanEnv(), ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) {
      p.stdin.on('error', () => {}); // the command may exit before reading it all
      p.stdin.end(input);
    }
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { p.kill('SIGKILL'); rej(new Error(`hamyari ${args.join(' ')} did not finish in ${timeout} ms`)); }, timeout);
    p.on('error', (e) => { clearTimeout(timer); rej(e); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const report = stderr.split('\n').find((l) => SANITIZER_RE.test(l));
      if (report || (signal && signal !== 'SIGKILL')) {
        rej(new Error(`hamyari ${args.join(' ')} ${report ? 'printed a sanitizer report' : `died of ${signal}`}:\n${stderr.slice(-4000)}`));
      } else {
        res({ code, signal, stdout, stderr });
      }
    });
  });
}

/** The route table as `hamyari routes` prints it. */
export function routes() {
  return JSON.parse(execFileSync(BIN, ['routes'], { cwd: ROOT, encoding: 'utf8' }));
}

/** The first route that takes a JSON body, with its {params} filled in, or null. */
export function jsonRoute() {
  const r = routes().find((x) => x.body === 'json' || x.body === 'json+form');
  if (!r) return null;
  return { ...r, url: r.path.replace(/\{[^}]+\}/g, '1') };
}

/**
 * Starts `hamyari serve` and waits until it listens.
 *   store   'sqlite' | 'postgres' (default HY_TEST_STORE)
 *   args    extra arguments, appended
 *   env     extra environment variables
 *   listen, web, db   the value for that flag; undefined = the default
 *                     (127.0.0.1:0, web/, a fresh store), null = leave the flag out.
 *                     A second process on the same store (e.g. limits shared across processes
 *                     on one PostgreSQL): startServer({ db: first.dbUrl }); the store is removed
 *                     only by the server that created it (stop the second one first).
 * Resolves with a server object; rejects (with its stderr) if it exits or does not listen in time.
 */
export async function startServer({ store = STORE, args = [], env = {}, listen, web, db } = {}) {
  const st = db === undefined ? await makeStore(store) : null;
  const argv = ['serve'];
  if (listen !== null) argv.push('--listen', listen ?? '127.0.0.1:0');
  if (web !== null) argv.push('--web', web ?? join(ROOT, 'web'));
  if (db !== null) argv.push('--db', db ?? st.url);
  argv.push(...args);
  // --demo leaves the gazetteer empty here (loading 135,000 places would slow every test down);
  // a test that wants it passes --demo-places.
  const proc = spawn(BIN, argv, { cwd: ROOT, env: { ...cleanEnv(), HAMYARI_DEMO_PLACES: 'none', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const srv = new Server(proc, st, argv);
  srv.dbUrl = db === undefined ? st.url : db; // the store's URL (null when --db was left out)
  live.add(srv);
  try {
    const m = await srv.waitForLog(/listening on http:\/\/([^\s]+):(\d+)$/, START_TIMEOUT_MS);
    srv.host = m[1];
    srv.port = Number(m[2]);
    srv.listening = true;
  } catch (e) {
    srv.sent = 'SIGKILL';
    proc.kill('SIGKILL');
    await srv.exited;
    live.delete(srv);
    if (st) await st.cleanup().catch(() => {});
    // A server that may not start (bad settings) is expected to exit with an error, but never
    // to crash: the 'close' handler fails the file even when the test expects startServer()
    // to reject.
    throw new Error(`hamyari ${argv.join(' ')} did not start: ${e.message}\n--- stderr:\n${srv.stderr()}`);
  }
  return srv;
}

export class Server {
  constructor(proc, st, argv) {
    this.proc = proc;
    this.store = st;
    this.argv = argv;
    this.lines = [];
    this.waiters = [];
    this.exitCode = undefined;
    this.listening = false; // set once it logged "listening on"
    this.sent = null;       // the signal the harness sent it (kill(), stop()), if any
    this.stopping = false;  // stop() runs: it checks the exit code itself
    this.sanitizer = null;  // the first line of a sanitizer report on stderr
    this.problem = null;    // why this server counts as crashed, once it does
    let partial = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      partial += chunk;
      let i;
      while ((i = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, i);
        partial = partial.slice(i + 1);
        this.lines.push(line);
        if (process.env.HY_TEST_VERBOSE) process.stderr.write(`[hamyari:${proc.pid}] ${line}\n`);
        if (!this.sanitizer && SANITIZER_RE.test(line)) {
          this.sanitizer = line;
          process.exitCode = 1; // whatever happens next, this file fails
        }
        this.#wake();
      }
    });
    proc.stdout.resume();
    this.exited = new Promise((res) => {
      proc.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        this.#wake();
        res({ code, signal });
      });
    });
    // Once stderr is read to its end (a sanitizer report is complete), a crash is reported.
    this.closed = new Promise((res) => {
      proc.on('close', () => {
        if (partial) this.lines.push(partial);
        partial = '';
        this.#wake();
        if (!this.stopping) this.checkDeath({ uncaught: true });
        res();
      });
    });
  }

  /** Why the server counts as crashed (null when it does not): a signal the harness did not
   *  send, a non-zero exit code after it listened (SIGTERM and SIGINT must give 0), or a
   *  sanitizer report. Call after it exited. */
  death() {
    if (this.sanitizer) return `printed a sanitizer report (${this.sanitizer.trim()})`;
    if (this.exitSignal && this.exitSignal !== this.sent) return `died of ${this.exitSignal}`;
    if (this.exitCode && this.listening && !['SIGKILL', 'SIGQUIT', 'SIGABRT'].includes(this.sent))
      return `exited with code ${this.exitCode}${this.sent ? ` after ${this.sent}` : ' by itself'}`;
    return null;
  }

  /** Records a crash (see death()); with `uncaught`, also throws it outside any test so that
   *  node:test fails the file even when no request noticed. Returns the reason or null. */
  checkDeath({ uncaught = false } = {}) {
    const why = this.problem || this.death();
    if (!why || this.problem) return why;
    this.problem = why;
    process.exitCode = 1;
    if (uncaught) {
      const err = new Error(`hamyari (pid ${this.proc.pid}, ${this.argv.slice(0, 1).join(' ')}) ${why}; stderr:\n${this.stderr().slice(-4000)}`);
      setImmediate(() => { throw err; });
    }
    return why;
  }

  #wake() {
    for (const w of [...this.waiters]) w();
  }

  get base() { return `http://127.0.0.1:${this.port}`; }
  url(path) { return this.base + path; }
  stderr() { return this.lines.join('\n'); }

  /** Resolves with the match of the first stderr line (from `from` on) matching re, waiting at
   *  most timeoutMs; rejects if the process exits first. */
  waitForLog(re, timeoutMs = 10000, from = 0) {
    return new Promise((res, rej) => {
      let i = from;
      const check = () => {
        for (; i < this.lines.length; i++) {
          const m = this.lines[i].match(re);
          if (m) { done(); res(m); return; }
        }
        if (this.exitCode !== undefined || this.exitSignal) {
          done();
          rej(new Error(`the server exited (code ${this.exitCode}, signal ${this.exitSignal}) before logging ${re}`));
        }
      };
      const timer = setTimeout(() => { done(); rej(new Error(`no stderr line matched ${re} within ${timeoutMs} ms`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== check); };
      this.waiters.push(check);
      check();
    });
  }

  /** Access-log lines (`http METHOD PATH STATUS BYTES MICROSECONDS`) as objects. */
  accessLog() {
    const out = [];
    for (const l of this.lines) {
      const m = l.match(ACCESS_RE);
      if (m) out.push({ line: l, method: m[1], path: m[2], status: Number(m[3]), bytes: Number(m[4]), us: Number(m[5]), aborted: !!m[6] });
    }
    return out;
  }

  /** Waits until the access log has a line for method+path (from line index `from`). */
  async waitForAccess(method, path, from = 0, timeoutMs = 10000) {
    const esc = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = await this.waitForLog(new RegExp(` http ${method} ${esc} (\\d{3}) \\d+ \\d+( aborted)?$`), timeoutMs, from);
    return Number(m[1]);
  }

  fetch(path, init = {}) {
    return fetch(this.url(path), { redirect: 'manual', ...init });
  }

  /** A request with a JSON body (or none): { status, headers, text, json }. */
  async request(method, path, { body, headers = {}, raw } = {}) {
    const h = { ...headers };
    let b = raw;
    if (body !== undefined) {
      b = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const r = await this.fetch(path, { method, headers: h, body: b });
    const text = await r.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: r.status, headers: r.headers, text, json };
  }

  /** node:http request that returns the body bytes as sent (no gzip decoding). */
  http(path, { method = 'GET', headers = {}, body } = {}) {
    return new Promise((res, rej) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, path, method, headers, agent: false }, (resp) => {
        const chunks = [];
        resp.on('data', (c) => chunks.push(c));
        resp.on('end', () => res({ status: resp.statusCode, headers: resp.headers, body: Buffer.concat(chunks) }));
        resp.on('error', rej);
      });
      req.on('error', rej);
      req.setTimeout(15000, () => req.destroy(new Error('timeout')));
      req.end(body);
    });
  }

  /** Sends `data` over a fresh socket; see rawRequest(). */
  raw(data, opts) { return rawRequest(this.port, data, opts); }

  /** A connection for several requests in turn (keep-alive, pipelining, partial sends). */
  connect() { return new RawConnection(this.port); }

  /** Sends a signal and waits for the process to exit: { code, signal, ms }. */
  async kill(sig = 'SIGTERM', timeoutMs = 30000) {
    const t0 = Date.now();
    if (this.exitCode === undefined && !this.exitSignal) {
      this.sent = sig;
      this.proc.kill(sig);
    }
    let timer;
    const timeout = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`the server did not exit within ${timeoutMs} ms of ${sig}`)), timeoutMs); });
    try {
      const r = await Promise.race([this.exited, timeout]);
      return { ...r, ms: Date.now() - t0 };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the server with SIGTERM, removes its store, and asserts it exited with 0 (unless
   *  expectCode is null). Leak reports of the sanitizer build make the exit code non-zero.
   *  Fails, whatever expectCode says, when the server crashed before or while stopping. */
  async stop({ expectCode = 0 } = {}) {
    let r;
    const before = this.problem || (this.exitCode !== undefined || this.exitSignal ? this.death() : null);
    this.stopping = true;
    try {
      r = await this.kill('SIGTERM');
      // The rest of stderr (a sanitizer's report is written just before the exit); a child
      // process that inherited the pipe may keep it open, so this waits a bounded time.
      let timer;
      await Promise.race([this.closed, new Promise((res) => { timer = setTimeout(res, 5000); })]);
      clearTimeout(timer);
    } catch (e) {
      this.sent = 'SIGKILL';
      this.proc.kill('SIGKILL');
      await this.exited;
      throw e;
    } finally {
      live.delete(this);
      if (this.store) await this.store.cleanup().catch(() => {});
    }
    const tail = `stderr:\n${this.stderr().slice(-4000)}`;
    // A crash while stopping fails the file even when the caller catches this rejection.
    const during = this.sanitizer ? `printed a sanitizer report (${this.sanitizer.trim()})`
      : r.signal && !before ? `died of ${r.signal} while stopping` : null;
    if (during && !this.problem) {
      this.problem = during;
      process.exitCode = 1;
      const err = new Error(`hamyari (pid ${this.proc.pid}) ${during}; ${tail}`);
      setImmediate(() => { throw err; });
    }
    assert.equal(before, null, `hamyari had crashed before stop(): ${before}; ${tail}`);
    assert.equal(this.sanitizer, null, `hamyari printed a sanitizer report; ${tail}`);
    assert.equal(r.signal, null, `hamyari died of ${r.signal} while stopping; ${tail}`);
    if (expectCode !== null) assert.equal(r.code, expectCode, `hamyari exited with ${r.code}; ${tail}`);
    if (r.code) this.problem ??= `exited with code ${r.code} on SIGTERM`;
    return r;
  }
}

export const ACCESS_RE = / http (\S+) (\S+) (\d{3}) (\d+) (\d+)( aborted)?$/;

/** Parses one HTTP/1.x response from the start of buf: { status, headers (lower-case names),
 *  body, length } or null when incomplete. A body without Content-Length runs to the end. */
export function parseResponse(buf, ended = false) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = head[0].match(/^HTTP\/1\.[01] (\d{3})/);
  if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(head[0])}`);
  const headers = {};
  for (const l of head.slice(1)) {
    const i = l.indexOf(':');
    const k = l.slice(0, i).trim().toLowerCase();
    const v = l.slice(i + 1).trim();
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  const status = Number(m[1]);
  let len;
  if (status === 100) len = 0;
  else if ('content-length' in headers) len = Number(headers['content-length']);
  else if (status === 204 || status === 304) len = 0;
  else if (!ended) return null;
  else len = buf.length - end - 4;
  if (buf.length < end + 4 + len) return null;
  const body = buf.subarray(end + 4, end + 4 + len);
  let json;
  try { json = JSON.parse(body.toString('utf8')); } catch { json = undefined; }
  return { status, headers, body, text: body.toString('utf8'), json, length: end + 4 + len };
}

/** A raw TCP connection: write bytes, read responses one at a time. */
export class RawConnection {
  constructor(port) {
    this.buf = Buffer.alloc(0);
    this.ended = false;
    this.waiters = [];
    this.sock = net.connect(port, '127.0.0.1');
    this.ready = new Promise((res, rej) => { this.sock.once('connect', res); this.sock.once('error', rej); });
    this.sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.#wake(); });
    this.sock.on('end', () => { this.ended = true; this.#wake(); });
    this.sock.on('close', () => { this.ended = true; this.#wake(); });
    this.sock.on('error', (e) => { this.error = e; this.ended = true; this.#wake(); });
  }

  #wake() { for (const w of [...this.waiters]) w(); }

  async write(data) {
    await this.ready;
    await new Promise((res, rej) => this.sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (e) => (e ? rej(e) : res())));
  }

  /** The next response; rejects after timeoutMs or when the connection closes first. */
  next(timeoutMs = 10000) {
    return new Promise((res, rej) => {
      const check = () => {
        let r;
        try { r = parseResponse(this.buf, this.ended); } catch (e) { done(); rej(e); return; }
        if (r) {
          this.buf = this.buf.subarray(r.length);
          done();
          res(r);
        } else if (this.ended) {
          done();
          rej(new Error(`connection closed before a full response (got ${this.buf.length} bytes${this.error ? `; ${this.error.message}` : ''})`));
        }
      };
      const timer = setTimeout(() => { done(); rej(new Error(`no complete response within ${timeoutMs} ms (got ${JSON.stringify(this.buf.toString('latin1').slice(0, 200))})`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== check); };
      this.waiters.push(check);
      check();
    });
  }

  /** Resolves true once the server has closed the connection, false after timeoutMs. */
  closed(timeoutMs = 10000) {
    return new Promise((res) => {
      const check = () => { if (this.ended) { done(); res(true); } };
      const timer = setTimeout(() => { done(); res(false); }, timeoutMs);
      const done = () => { clearTimeout(timer); this.waiters = this.waiters.filter((w) => w !== check); };
      this.waiters.push(check);
      check();
    });
  }

  close() { this.sock.destroy(); }
}

/**
 * Sends `data` (string, taken byte for byte, or Buffer) over a fresh connection without ending
 * our side, and resolves with the first response ({ status, headers, body, text, json }).
 * Rejects when none arrives within timeoutMs.
 */
export async function rawRequest(port, data, { timeoutMs = 10000 } = {}) {
  const c = new RawConnection(port);
  try {
    await c.write(data);
    return await c.next(timeoutMs);
  } finally {
    c.close();
  }
}

/** Asserts the security headers every response carries. `h` is a fetch Headers or a plain
 *  object with lower-case names. */
export function assertSecurityHeaders(h, what = 'response') {
  const get = (k) => (typeof h.get === 'function' ? h.get(k) : h[k]);
  const csp = get('content-security-policy');
  assert.ok(csp, `${what}: no Content-Security-Policy`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP lacks frame-ancestors`);
  assert.match(csp, /default-src 'self'/, `${what}: CSP lacks default-src 'self'`);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/, `${what}: CSP allows inline or eval`);
  assert.equal(get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(get('cross-origin-opener-policy'), 'same-origin', `${what}: Cross-Origin-Opener-Policy`);
  assert.match(get('permissions-policy') || '', /camera=\(\)/, `${what}: Permissions-Policy`);
}

/** Asserts the standard error body {"error":{"code","message"[,"field"]}} with this code. */
export function assertError(res, status, code, what = '') {
  const ctx = `${what} ${res.status} ${res.text ?? ''}`.trim();
  assert.equal(res.status, status, ctx);
  const ct = typeof res.headers.get === 'function' ? res.headers.get('content-type') : res.headers['content-type'];
  assert.match(ct || '', /^application\/json/, `${ctx}: Content-Type ${ct}`);
  assert.ok(res.json && typeof res.json.error === 'object', `${ctx}: no error object`);
  assert.equal(res.json.error.code, code, ctx);
  assert.equal(typeof res.json.error.message, 'string', ctx);
  assert.ok(res.json.error.message.length > 0, ctx);
  for (const k of Object.keys(res.json.error)) assert.ok(['code', 'message', 'field'].includes(k), `${ctx}: unexpected key ${k}`);
  assert.deepEqual(Object.keys(res.json), ['error'], ctx);
}
