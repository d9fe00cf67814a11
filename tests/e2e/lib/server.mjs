// Start and stop a real `hamyari serve` for browser tests.
//   const server = await startServer();   // server.url = 'http://127.0.0.1:PORT'
//   ...; const code = await server.stop(); // SIGTERM; resolves with the exit code, 0
// The binary comes from $HAMYARI_BIN (default build/hamyari, relative to the repo root); the
// database is a fresh SQLite file in a temporary folder, removed on stop.
//
// A crash fails the test file wherever it happens: a server that exits while it should be
// serving (a signal or any exit code), or prints a sanitizer report, throws an uncaught error
// (node:test fails the file), and stop() rejects unless the server exited 0 on SIGTERM.
// Servers a test leaves running are stopped, with the same check, after the file's tests.

import { after } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { constants, readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const WEB = join(ROOT, 'web');

const SANITIZER_RE = /(?:ERROR|WARNING): \w*Sanitizer\b|^SUMMARY: \w*Sanitizer\b|^\S+:\d+:\d+: runtime error: /m;

const live = new Set(); // servers not yet stopped
after(async () => {
  const errors = [];
  for (const s of [...live]) await s.stop().catch((e) => errors.push(e));
  if (errors.length) throw errors[0];
});

export function serverBinary() {
  return resolve(ROOT, process.env.HAMYARI_BIN || 'build/hamyari');
}

/**
 * options: bin, web (folder), args (extra arguments after `serve …`), env, timeoutMs
 */
export async function startServer({ bin = serverBinary(), web = WEB, args = [], env = {}, timeoutMs = 15000 } = {}) {
  try {
    await access(bin, constants.X_OK);
  } catch {
    throw new Error(`hamyari binary not found or not executable at ${bin}: build it `
      + '(cmake -S . -B build && cmake --build build -j2) or set HAMYARI_BIN');
  }
  const dir = await mkdtemp(join(tmpdir(), 'hamyari-e2e-'));
  const db = join(dir, 'hamyari.db');
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', `sqlite:${db}`, '--web', web, ...args], {
    cwd: ROOT,
    env: { ...process.env, HAMYARI_DEMO_PLACES: 'none', ...env }, // no gazetteer: see tests/api/lib/server.mjs
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  let listening = false;
  let stopping = false;
  let crashed = null; // why the server counts as crashed, once it does
  let killedForTimeout = false;
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  // stderr read to its end: a crash while serving (not while stopping) fails the file.
  const closed = new Promise((res) => child.once('close', res));
  closed.then(async () => {
    const { code, signal } = await exited;
    if (stopping) return;
    const report = SANITIZER_RE.test(stderr);
    if (signal === 'SIGKILL' && killedForTimeout) return;
    if (!report && !signal && (code === 0 || !listening)) return; // a refused start is the caller's
    crashed = report ? 'printed a sanitizer report' : signal ? `died of ${signal}` : `exited with code ${code}`;
    process.exitCode = 1;
    const err = new Error(`hamyari (pid ${child.pid}) ${crashed}; stderr:\n${stderr.slice(-4000)}`);
    setImmediate(() => { throw err; });
  });

  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => {
      killedForTimeout = true;
      child.kill('SIGKILL');
      rej(new Error(`hamyari did not say "listening on" within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stderr);
      if (m && !listening) { listening = true; clearTimeout(timer); res(m[1]); }
    });
    child.once('error', (e) => { clearTimeout(timer); rej(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`hamyari exited early (code ${code}, signal ${signal}); stderr:\n${stderr}`));
    });
  });

  let stopped = null;
  const server = {
    url,
    port: Number(new URL(url).port),
    db: `sqlite:${db}`, // the store, for `hamyari user add --db …` and similar set-up
    pid: child.pid,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    /** SIGTERM, wait (SIGKILL after killAfterMs); resolves with the exit code, 0. Rejects
     *  when the server crashed before, or did not exit 0 (a signal, a non-zero code, a
     *  sanitizer report: leaks make the exit code non-zero). */
    stop({ killAfterMs = 10000 } = {}) {
      stopped ??= (async () => {
        const before = crashed;
        stopping = true;
        live.delete(server);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const { code, signal } = await exited;
        clearTimeout(timer);
        let wait;
        await Promise.race([closed, new Promise((res) => { wait = setTimeout(res, 5000); })]);
        clearTimeout(wait);
        await rm(dir, { recursive: true, force: true });
        const tail = `stderr:\n${stderr.slice(-4000)}`;
        if (before) throw new Error(`hamyari had crashed (${before}); ${tail}`);
        if (SANITIZER_RE.test(stderr)) throw new Error(`hamyari printed a sanitizer report; ${tail}`);
        if (signal || code !== 0) throw new Error(`hamyari did not exit 0 on SIGTERM (code ${code}, signal ${signal}); ${tail}`);
        return code;
      })();
      return stopped;
    },
  };
  live.add(server);
  return server;
}

/** Strings of both languages, for assertions: LOCALES.fa['nav.home']. */
export const LOCALES = Object.fromEntries(['fa', 'en'].map((l) => [l, JSON.parse(readFileSync(join(WEB, 'locales', `${l}.json`), 'utf8'))]));

/** The common-password list the API tests use (short, so test passwords pass). */
export const COMMON_PASSWORDS = join(ROOT, 'tests', 'api', 'fixtures', 'common-passwords.txt');

/** Accounts made with `hamyari user add` (approved): [{email, name, role}], one password. */
export function addUsers(server, people, password) {
  for (const p of people) {
    const r = spawnSync(serverBinary(), ['user', 'add', '--db', server.db, '--email', p.email, '--name', p.name,
      '--role', p.role, '--password-stdin'], { input: `${password}\n`, encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`hamyari user add ${p.email}: ${r.stderr}`);
  }
}

/** The operator's own place list (CSV: name,alt_names,lat,lon,kind), imported into the store
 *  with `hamyari import places`: a gazetteer for a test. `rows` are the lines after the header. */
export function importPlaces(server, rows) {
  const dir = mkdtempSync(join(tmpdir(), 'hy-e2e-places-'));
  try {
    const list = join(dir, 'places.csv');
    writeFileSync(list, `name,alt_names,lat,lon,kind\n${rows.join('\n')}\n`);
    const r = spawnSync(serverBinary(), ['import', 'places', '--db', server.db, list], { encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`hamyari import places: ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
