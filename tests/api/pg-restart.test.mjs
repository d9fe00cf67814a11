// pg-restart.test.mjs — PostgreSQL restarts under a write load. The test starts its own
// small cluster (scripts/pg-cluster.sh) so it can restart it without disturbing other tests,
// runs help-request submissions with Idempotency-Key headers from several clients, restarts
// PostgreSQL (pg_ctl restart -m fast) in the middle, and keeps going. A client that gets no
// 201 (a 5xx while the database is away, a dropped connection) sends the same request with the
// same key again until it gets one. Afterwards: every acknowledged request is stored exactly
// once, a key never made two requests, replays answer the same id, and /healthz recovered
// within a bound. PostgreSQL only; skipped on SQLite.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, STORE } from './lib/server.mjs';

const S = `[${STORE}]`;
const PG_BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';
const RECOVERY_BOUND_MS = 15000;

function run(cmd, args) {
  return new Promise((res, rej) => execFile(cmd, args, { timeout: 60000 }, (e, out, err) => (e ? rej(new Error(`${cmd} ${args.join(' ')}: ${e.message}\n${err}`)) : res(out.trim()))));
}
const asOwner = (prog, args) => (process.getuid?.() === 0
  ? run('runuser', ['-u', 'hamyari-test', '--', join(PG_BIN, prog), ...args])
  : run(join(PG_BIN, prog), args));

describe(`PostgreSQL restart under load ${S}`, { skip: STORE !== 'postgres' && 'PostgreSQL only (HY_TEST_STORE=postgres)' }, () => {
  let dir, url, srv;

  before(async () => {
    // A folder pg-cluster.sh makes itself (the cluster's owner must be able to reach it).
    dir = join(tmpdir(), `hamyari-pgr-${process.pid}-${Date.now().toString(36)}`);
    const base = await run('bash', [join(ROOT, 'scripts', 'pg-cluster.sh'), 'start', dir]);
    await run('psql', [base, '-X', '-q', '-c', 'CREATE DATABASE hy_restart']);
    // The throwaway cluster trades durability for speed (synchronous_commit=off); this test is
    // about durability across a restart, so commits must reach the WAL before they are confirmed,
    // as on any production server.
    await run('psql', [base, '-X', '-q', '-c', 'ALTER SYSTEM SET synchronous_commit = on']);
    await run('psql', [base, '-X', '-q', '-c', 'SELECT pg_reload_conf()']);
    url = base.replace(/\/postgres$/, '/hy_restart');
    srv = await startServer({ db: url, args: ['--rate-form-ip', '1000000', '--notify-interval', '3600'] });
  });
  after(async () => {
    try {
      if (srv) await srv.stop();
    } finally {
      if (dir) {
        await run('bash', [join(ROOT, 'scripts', 'pg-cluster.sh'), 'stop', dir]).catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it(`every acknowledged request is stored exactly once across a restart; keys hold ${S}`, async () => {
    const WORKERS = 6;
    const acked = new Map(); // key -> id
    const seen = {}; // status -> count, answers other than 201 (and 0 = no answer)
    let retries = 0, replayMismatch = 0, running = true;

    const send = async (key, n) => {
      try {
        const r = await srv.fetch('/api/v1/requests', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ name: `Restart ${key}`, phone: '0912 555 0101', address: `Street ${n}`, kind: 'groceries', details: key, consent: true, language: 'en' }),
          signal: AbortSignal.timeout(20000),
        });
        const text = await r.text();
        return { status: r.status, json: r.status === 201 ? JSON.parse(text) : null };
      } catch {
        return { status: 0 };
      }
    };

    const worker = async (w) => {
      for (let n = 0; running; n++) {
        const key = `pgr-${w}-${n}`;
        const t0 = Date.now();
        for (;;) {
          const r = await send(key, n);
          if (r.status === 201) { acked.set(key, r.json.id); break; }
          seen[r.status] = (seen[r.status] || 0) + 1;
          assert.ok(r.status === 0 || r.status >= 500, `an answer that is neither 201 nor 5xx: ${r.status}`);
          assert.ok(Date.now() - t0 < 30000, `key ${key} got no 201 within 30 s`);
          retries++;
          await new Promise((res) => setTimeout(res, 50));
        }
        // Every 10th: replay the same key; the answer names the same request.
        if (n % 10 === 0) {
          const again = await send(key, n);
          if (again.status === 201 && again.json.id !== acked.get(key)) replayMismatch++;
        }
      }
    };

    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await new Promise((res) => setTimeout(res, 1500));
    const before = acked.size;
    const ctl = (...args) => asOwner('pg_ctl', [...args, '-D', join(dir, 'data'), '-w', '-t', '60', '-l', join(dir, 'postgres.log')]);
    /** Waits until /healthz answers 200; the milliseconds since t0. */
    const recovered = async (t0) => {
      for (;;) {
        const h = await srv.request('GET', '/healthz').catch(() => ({ status: 0 }));
        if (h.status === 200) return Date.now() - t0;
        assert.ok(Date.now() - t0 < RECOVERY_BOUND_MS, '/healthz did not recover in time');
        await new Promise((res) => setTimeout(res, 50));
      }
    };
    // 1. pg_ctl restart -m immediate: no shutdown checkpoint to wait for, so the restart takes the
    //    same short time on a busy machine; committed work survives through the WAL (-l: the new postmaster must not inherit our output pipe, or
    //    execFile would wait for it).
    let t0 = Date.now();
    await ctl('restart', '-m', 'immediate');
    const restartMs = Date.now() - t0;
    const healthyMs = await recovered(t0);
    await new Promise((res) => setTimeout(res, 1000));
    // 2. Down for longer than the transaction runner's retry budget (2 s): requests fail with
    //    5xx meanwhile and the clients retry with the same key.
    const beforeOutage = acked.size;
    t0 = Date.now();
    await ctl('stop', '-m', 'immediate');
    await new Promise((res) => setTimeout(res, 3000));
    await ctl('start', '-o', `-p ${new URL(url).port}`); // restart reuses the options, start does not
    const outageMs = Date.now() - t0;
    const healthyAfterOutageMs = await recovered(t0);
    const atRestart = acked.size;
    await new Promise((res) => setTimeout(res, 1500));
    running = false;
    const tStop = Date.now();
    await load;
    if (process.env.HY_TEST_VERBOSE) console.log(`load stopped in ${Date.now() - tStop} ms`);
    assert.ok(acked.size > atRestart, 'writes resumed after the restart');

    const rows = execFileSync('psql', [url, '-X', '-A', '-t', '-c', 'SELECT id FROM help_requests'], { encoding: 'utf8', maxBuffer: 256 << 20 }).trim().split('\n').filter(Boolean);
    const counts = new Map();
    for (const id of rows) counts.set(id, (counts.get(id) || 0) + 1);
    const ids = new Set(acked.values());
    assert.equal(ids.size, acked.size, 'two keys were answered with the same request');
    const lost = [...ids].filter((id) => !counts.has(id));
    const dup = [...counts.values()].filter((c) => c > 1).length;
    const extra = rows.length - ids.size; // stored requests no client was told about
    const idem = Number(execFileSync('psql', [url, '-X', '-A', '-t', '-c', "SELECT count(*) FROM idempotency WHERE key LIKE 'pgr-%'"], { encoding: 'utf8' }).trim());
    console.log(`pg-restart ${S}: ${acked.size} requests acknowledged (${before} before the restart), ${retries} retries with the same key ` +
      `(answers meanwhile: ${JSON.stringify(seen)}); pg_ctl restart took ${restartMs} ms, /healthz 200 again ${healthyMs} ms after it began; ` +
      `a ${outageMs} ms outage (stop, 3 s, start): ${beforeOutage} acknowledged before it, /healthz 200 again ${healthyAfterOutageMs} ms after it began; ` +
      `lost ${lost.length}, duplicated ${dup}, stored without acknowledgement ${extra}, replays with another id ${replayMismatch}`);
    assert.equal(lost.length, 0, `acknowledged but lost: ${lost.slice(0, 5)}`);
    assert.equal(dup, 0, 'a request stored twice');
    assert.equal(extra, 0, 'a stored request whose key was never acknowledged (a retry duplicated it)');
    assert.equal(replayMismatch, 0, 'a replayed key answered another request');
    assert.equal(idem, acked.size, 'one idempotency record per key');
    assert.ok(healthyMs < RECOVERY_BOUND_MS && healthyAfterOutageMs < RECOVERY_BOUND_MS);
  });
});
