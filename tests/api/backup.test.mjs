// backup.test.mjs — `hamyari backup` while the server takes writes, `hamyari restore`
// into a new file, a server started on the copy: everything acknowledged before the backup
// began is there, and the copy passes PRAGMA integrity_check. On PostgreSQL both commands
// print the pg_dump / pg_restore command to use and exit with 2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServer, STORE } from './lib/server.mjs';

const S = `[${STORE}]`;
const sqlite = (file, q) => execFileSync('sqlite3', ['-batch', file, q], { encoding: 'utf8' }).trim();

describe(`backup and restore ${S}`, () => {
  it(`on PostgreSQL, backup and restore name pg_dump and pg_restore and exit 2 ${S}`, async () => {
    const url = 'postgres://hamyari:s3cret@127.0.0.1:5432/hamyari';
    const b = await runCli(['backup', '--db', url, '--to', 'hamyari.dump']);
    assert.equal(b.code, 2, b.stderr);
    assert.match(b.stdout, /pg_dump --format=custom --file=hamyari\.dump/);
    assert.doesNotMatch(b.stdout, /s3cret/, 'the password is not printed');
    const r = await runCli(['restore', '--db', url, '--from', 'hamyari.dump']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /pg_restore .*hamyari\.dump/);
    assert.match(r.stdout, /hamyari migrate/);
  });

  it(`refuses what it cannot do: no --to, a missing store, a file that is not a backup ${S}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hamyari-bk-'));
    try {
      assert.equal((await runCli(['backup', '--db', `sqlite:${join(dir, 'a.db')}`])).code, 2);
      const missing = await runCli(['backup', '--db', `sqlite:${join(dir, 'none.db')}`, '--to', join(dir, 'x.db')]);
      assert.equal(missing.code, 1, missing.stderr);
      assert.ok(!existsSync(join(dir, 'none.db')), 'backup does not create the store it reads');
      writeFileSync(join(dir, 'junk.db'), 'this is not a database '.repeat(100));
      const junk = await runCli(['restore', '--from', join(dir, 'junk.db'), '--db', `sqlite:${join(dir, 'b.db')}`]);
      assert.equal(junk.code, 1, junk.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`a backup taken under a write load restores into a working store ${S}`, { skip: STORE !== 'sqlite' && 'SQLite only' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hamyari-bk-'));
    const src = join(dir, 'live.db'), copy = join(dir, 'backup.db'), dst = join(dir, 'restored.db');
    const srv = await startServer({ db: `sqlite:${src}`, args: ['--rate-form-ip', '1000000', '--access-log', 'off'] });
    let srv2;
    try {
      const acked = [];
      let running = true, n = 0;
      const worker = async () => {
        while (running) {
          const k = ++n;
          const r = await srv.request('POST', '/api/v1/requests', {
            headers: { 'idempotency-key': `bk-${k}` },
            body: { name: `Backup ${k}`, phone: '0912 555 0101', address: `Street ${k}`, kind: 'groceries', details: 'x'.repeat(1500), consent: true, language: 'en' },
          });
          assert.equal(r.status, 201, r.text);
          acked.push(r.json.id);
        }
      };
      const load = Promise.all([worker(), worker(), worker(), worker()]);
      await new Promise((res) => setTimeout(res, 700));
      const ackedBefore = acked.slice();
      const t0 = Date.now();
      const b = await runCli(['backup', '--db', `sqlite:${src}`, '--to', copy]);
      const backupMs = Date.now() - t0;
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stderr, /pages \(100%\)/, 'progress on stderr');
      assert.match(b.stderr, /integrity ok/);
      const during = acked.length - ackedBefore.length;
      await new Promise((res) => setTimeout(res, 300));
      running = false;
      await load;
      // A second backup to the same name is refused without --force.
      assert.equal((await runCli(['backup', '--db', `sqlite:${src}`, '--to', copy])).code, 1);

      const r = await runCli(['restore', '--from', copy, '--db', `sqlite:${dst}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(sqlite(dst, 'PRAGMA integrity_check'), 'ok');
      const stored = new Set(sqlite(dst, 'SELECT id FROM help_requests').split('\n'));
      const missing = ackedBefore.filter((id) => !stored.has(id));
      console.log(`backup ${S}: backup of ${stored.size} requests took ${backupMs} ms while ${during} more were acknowledged; ` +
        `${ackedBefore.length - missing.length} of ${ackedBefore.length} acknowledged before it are in the restored copy`);
      assert.equal(missing.length, 0, `acknowledged before the backup but missing: ${missing.slice(0, 3)}`);
      // Restoring over a store that has data needs --force.
      const again = await runCli(['restore', '--from', copy, '--db', `sqlite:${dst}`]);
      assert.equal(again.code, 1, 'restore over a non-empty store without --force');
      assert.match(again.stderr, /--force/);
      assert.equal((await runCli(['restore', '--from', copy, '--db', `sqlite:${dst}`, '--force'])).code, 0);

      // A server on the restored copy answers and has the data.
      srv2 = await startServer({ db: `sqlite:${dst}` });
      const h = await srv2.request('GET', '/healthz');
      assert.equal(h.status, 200);
      assert.equal(h.json.status, 'ok');
      assert.equal(sqlite(dst, `SELECT count(*) FROM help_requests WHERE id = '${ackedBefore[0]}'`), '1');
    } finally {
      if (srv2) await srv2.stop();
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
