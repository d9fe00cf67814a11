// Start and stop a real `hamyari serve` for browser tests.
//   const server = await startServer();   // server.url = 'http://127.0.0.1:PORT'
//   ...; const code = await server.stop(); // SIGTERM; resolves with the exit code
// The binary comes from $HAMYARI_BIN (default build/hamyari, relative to the repo root); the
// database is a fresh SQLite file in a temporary folder, removed on stop.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { constants, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const WEB = join(ROOT, 'web');

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
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));

  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`hamyari did not say "listening on" within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stderr);
      if (m) { clearTimeout(timer); res(m[1]); }
    });
    child.once('error', (e) => { clearTimeout(timer); rej(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`hamyari exited early (code ${code}, signal ${signal}); stderr:\n${stderr}`));
    });
  });

  let stopped = null;
  return {
    url,
    port: Number(new URL(url).port),
    db: `sqlite:${db}`, // the store, for `hamyari user add --db …` and similar set-up
    pid: child.pid,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    /** SIGTERM, wait (SIGKILL after killAfterMs); resolves with the exit code (null if killed). */
    stop({ killAfterMs = 10000 } = {}) {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const { code } = await exited;
        clearTimeout(timer);
        await rm(dir, { recursive: true, force: true });
        return code;
      })();
      return stopped;
    },
  };
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
