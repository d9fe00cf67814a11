// replica.test.mjs — read replicas (serve --db-replica), PostgreSQL only.
//
// Starts its own primary (scripts/pg-cluster.sh, with pg_stat_statements loaded), clones it with
// pg_basebackup -R into a hot standby on another port, and runs hamyari with --db on the
// primary and --db-replica on the standby. pg_stat_statements on each server then shows where
// the library's queries ran: anonymous public reads on the standby, a signed-in caller's reads
// on the primary. Stopping the standby sends anonymous reads back to the primary.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, STORE } from './lib/server.mjs';
import { addUser, COMMON_LIST, signIn, signUp } from './lib/accounts.mjs';

const PG_BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';
const ROOT_USER = process.getuid?.() === 0;
const skip = STORE !== 'postgres' ? 'PostgreSQL only (HY_TEST_STORE=postgres)'
  : !existsSync(join(PG_BIN, 'pg_basebackup')) ? `no pg_basebackup in ${PG_BIN}`
  : false;

function run(file, args, opts = {}) {
  return new Promise((res, rej) => {
    execFile(file, args, { timeout: 60000, ...opts }, (err, stdout, stderr) => {
      if (err) { err.message += `\n${stderr}`; rej(err); } else res(stdout);
    });
  });
}

/** Runs a PostgreSQL program as the clusters' owner (hamyari-test when we are root). */
const asOwner = (prog, args) => (ROOT_USER
  ? run('runuser', ['-u', 'hamyari-test', '--', join(PG_BIN, prog), ...args])
  : run(join(PG_BIN, prog), args));

const psql = async (url, q) => (await run('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', q])).trim();

function portFree(port) {
  return new Promise((res) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); res(false); });
    s.on('error', () => res(true));
  });
}

async function freePort() {
  for (let i = 0; i < 50; i++) {
    const p = 20000 + Math.floor(Math.random() * 10000);
    if (await portFree(p)) return p;
  }
  throw new Error('no free port');
}

const withDb = (url, db) => { const u = new URL(url); u.pathname = `/${db}`; return u.toString(); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls of the library's queries that ran on the server at `url`: its documents, and the
 *  library version every search reads first (its answer may then come from the index). */
const libCalls = async (url) => Number(await psql(url,
  "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements " +
  "WHERE query LIKE '%FROM lib_docs%' OR query LIKE '%FROM lib_version%'"));

describe('read replicas (--db-replica)', { skip, timeout: 120000 }, () => {
  let dir, primaryUrl, replicaUrl, replicaData, srv, client;

  before(async () => {
    // The primary: a throwaway cluster, restarted with pg_stat_statements loaded.
    dir = mkdtempSync(join(tmpdir(), 'hamyari-replica-'));
    rmSync(dir, { recursive: true, force: true }); // pg-cluster.sh makes it itself
    const base = (await run('bash', [join(ROOT, 'scripts', 'pg-cluster.sh'), 'start', dir])).trim();
    await psql(base, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    await asOwner('pg_ctl', ['restart', '-D', join(dir, 'data'), '-w', '-t', '60', '-m', 'fast', '-l', join(dir, 'postgres.log')]);
    await psql(base, 'CREATE DATABASE hy_replica');
    primaryUrl = withDb(base, 'hy_replica');
    await psql(primaryUrl, 'CREATE EXTENSION pg_stat_statements');

    // The standby: pg_basebackup -R (writes primary_conninfo and standby.signal), another port.
    replicaData = join(dir, 'replica');
    const port = new URL(base).port;
    await asOwner('pg_basebackup', ['-d', `host=127.0.0.1 port=${port} user=hamyari_test`,
      '-D', replicaData, '-R', '-X', 'stream', '-c', 'fast']);
    let rport;
    for (let attempt = 0; ; attempt++) {
      rport = await freePort();
      try {
        await asOwner('pg_ctl', ['start', '-D', replicaData, '-w', '-t', '60', '-l', join(dir, 'replica.log'), '-o', `-p ${rport}`]);
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
      }
    }
    const ru = new URL(base);
    ru.port = String(rport);
    replicaUrl = withDb(ru.toString(), 'hy_replica');
    assert.equal(await psql(replicaUrl, 'SELECT pg_is_in_recovery()'), 't', 'the replica is a standby');

    srv = await startServer({
      db: primaryUrl,
      args: ['--db-replica', replicaUrl, '--password-list', COMMON_LIST, '--rate-form-ip', '1000',
        '--rate-login-ip', '1000', '--notify-interval', '3600'],
    });
    await addUser(srv, { email: 'editor@example.org', role: 'editor', name: 'Editor' });
    client = await signIn(srv, 'editor@example.org');
  });

  after(async () => {
    if (srv) await srv.stop().catch(() => {});
    if (replicaData) await asOwner('pg_ctl', ['stop', '-D', replicaData, '-m', 'immediate']).catch(() => {});
    if (dir) await run('bash', [join(ROOT, 'scripts', 'pg-cluster.sh'), 'stop', dir]).catch(() => {});
  });

  /** Waits until the standby has replayed everything the primary has written so far. The test
   *  cluster commits asynchronously (scripts/pg-cluster.sh: synchronous_commit = off), so a
   *  commit the primary already shows may still sit in its WAL buffers: wait for the insert
   *  position, not the write position, or the standby may be "caught up" without it. */
  async function waitReplicated() {
    const lsn = await psql(primaryUrl, 'SELECT pg_current_wal_insert_lsn()');
    for (let i = 0; i < 100; i++) {
      if (await psql(replicaUrl, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`) === 't') return;
      await sleep(100);
    }
    throw new Error(`the replica did not replay up to ${lsn} within 10 s`);
  }

  it('sends anonymous public reads to the replica, a signed-in caller\'s reads to the primary', async () => {
    // A write through the API, then wait until the standby has it.
    const r = await signUp(srv);
    assert.equal(r.status, 201, r.text);
    await waitReplicated();
    const n = await psql(replicaUrl, `SELECT count(*) FROM users WHERE id = '${r.json.id}'`);
    assert.equal(n, '1', 'the sign-up reached the replica');

    const p0 = await libCalls(primaryUrl);
    const r0 = await libCalls(replicaUrl);
    for (let i = 0; i < 12; i++) {
      const a = await srv.request('GET', '/api/v1/library');
      assert.equal(a.status, 200, a.text);
    }
    const atom = await srv.request('GET', '/library.atom');
    assert.equal(atom.status, 200);
    const p1 = await libCalls(primaryUrl);
    const r1 = await libCalls(replicaUrl);
    assert.ok(r1 - r0 >= 12, `the replica ran the anonymous reads (${r1 - r0} library queries)`);
    assert.equal(p1 - p0, 0, 'the primary ran none of the anonymous library reads');

    // Signed in: reads go to the primary (a session reads its own writes).
    for (let i = 0; i < 5; i++) {
      const a = await client.request('GET', '/api/v1/library');
      assert.equal(a.status, 200, a.text);
    }
    const p2 = await libCalls(primaryUrl);
    const r2 = await libCalls(replicaUrl);
    assert.ok(p2 - p1 >= 5, `the primary ran the signed-in reads (${p2 - p1})`);
    assert.equal(r2 - r1, 0, 'the replica ran none of the signed-in reads');

    // Writes still work while a replica is configured (they never touch it).
    const w = await signUp(srv);
    assert.equal(w.status, 201, w.text);
  });

  it('falls back to the primary when the replica is down, and logs the counts at exit', async () => {
    await asOwner('pg_ctl', ['stop', '-D', replicaData, '-m', 'immediate']);
    const p0 = await libCalls(primaryUrl);
    for (let i = 0; i < 6; i++) {
      const a = await srv.request('GET', '/api/v1/library');
      assert.equal(a.status, 200, `read ${i} with the replica down: ${a.text}`);
    }
    const p1 = await libCalls(primaryUrl);
    assert.ok(p1 - p0 >= 6, `the primary answered the reads (${p1 - p0})`);
    const s = srv;
    srv = null;
    await s.stop();
    const m = s.stderr().match(/read replica 1 served (\d+) reads, sent (\d+) to the primary/);
    assert.ok(m, `no replica summary in the log:\n${s.stderr().slice(-2000)}`);
    assert.ok(Number(m[1]) >= 13, `reads served by the replica: ${m[1]}`);
    assert.ok(Number(m[2]) >= 1, `reads sent on to the primary: ${m[2]}`);
  });
});

describe('--db-replica refuses what it cannot use', () => {
  it('needs a PostgreSQL primary and postgres:// replica URLs', async () => {
    const { runCli } = await import('./lib/server.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'hamyari-replica-'));
    try {
      const r = await runCli(['serve', '--listen', '127.0.0.1:0', '--db', `sqlite:${join(dir, 'x.db')}`,
        '--db-replica', 'sqlite:/tmp/other.db'], { timeout: 30000 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /--db-replica takes postgres:\/\/ URLs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
