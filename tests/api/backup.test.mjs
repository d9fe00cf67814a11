// backup.test.mjs — `hamyari backup` while the server takes writes, `hamyari restore`
// into a new file, a server started on the copy: everything acknowledged before the backup
// began is there, and the copy passes PRAGMA integrity_check. On PostgreSQL both commands
// print the pg_dump / pg_restore command to use and exit with 2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

// Files the program creates hold personal data: the store and its -wal/-shm, backups, restored
// stores, decrypted dumps and secret keys are created readable by their owner only (0600),
// whatever the umask. Backups can be encrypted to an operator's public key (libsodium: the
// random file key in a sealed box, the data in a secretstream): the server holds only the
// public key, so a stolen backup or server discloses nothing; restoring needs the secret key,
// kept elsewhere.
const mode = (f) => (statSync(f).mode & 0o777).toString(8).padStart(4, '0');
const PHONE_TYPED = '0912 777 4242', PHONE_DIGITS = '9127774242';

async function plantRequest(srv) {
  const r = await srv.request('POST', '/api/v1/requests', {
    headers: { 'idempotency-key': `plant-${Date.now()}` },
    body: { name: 'Parvin Planted', phone: PHONE_TYPED, address: 'Planted Street 7', kind: 'groceries', details: 'planted for the backup test', consent: true, language: 'en' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

async function keygen(dir, name = 'backup.key') {
  const key = join(dir, name);
  const r = await runCli(['backup', 'keygen', '--out', key]);
  assert.equal(r.code, 0, r.stderr);
  return { secret: key, public: `${key}.pub`, out: r.stdout + r.stderr };
}

describe(`private files and encrypted backups ${S}`, () => {
  let dir;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'hamyari-enc-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`keygen writes a secret key only its owner can read, and its public key; never over an existing key ${S}`, async () => {
    const k = await keygen(dir, 'k1.key');
    assert.equal(mode(k.secret), '0600');
    assert.match(readFileSync(k.public, 'utf8'), /^hamyari-backup-public-key-1 [A-Za-z0-9_-]{43}\n$/);
    assert.match(readFileSync(k.secret, 'utf8'), /^hamyari-backup-secret-key-1 [A-Za-z0-9_-]{43}\n$/);
    assert.match(k.out, /key id [0-9a-f]{16}/);
    const again = await runCli(['backup', 'keygen', '--out', k.secret]);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /exists/);
    // A public key where a secret one is wanted, and the other way round, are named as such.
    const src = join(dir, 'plain.txt');
    writeFileSync(src, 'hello');
    const swapped = await runCli(['backup', 'encrypt', '--encrypt-to', k.secret, '--in', src, '--out', join(dir, 'x.enc')]);
    assert.equal(swapped.code, 2, swapped.stderr);
    assert.match(swapped.stderr, /secret key/);
    assert.ok(!existsSync(join(dir, 'x.enc')));
  });

  it(`the store, its WAL and shared memory, backups and restored stores are created 0600 ${S}`, { skip: STORE !== 'sqlite' && 'SQLite files only' }, async () => {
    const db = join(dir, 'modes.db');
    const srv = await startServer({ db: `sqlite:${db}`, args: ['--rate-form-ip', '1000'] });
    try {
      await plantRequest(srv);
      for (const f of [db, `${db}-wal`, `${db}-shm`]) assert.equal(mode(f), '0600', f);
      const copy = join(dir, 'modes-backup.db');
      const b = await runCli(['backup', '--db', `sqlite:${db}`, '--to', copy]);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(mode(copy), '0600');
      const k = await keygen(dir, 'modes.key');
      const enc = join(dir, 'modes-backup.db.enc');
      const e = await runCli(['backup', '--db', `sqlite:${db}`, '--to', enc, '--encrypt-to', k.public]);
      assert.equal(e.code, 0, e.stderr);
      assert.equal(mode(enc), '0600');
      const restored = join(dir, 'modes-restored.db');
      const r = await runCli(['restore', '--from', enc, '--decrypt-with', k.secret, '--db', `sqlite:${restored}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(mode(restored), '0600');
      // A store left readable by others (made by an older version, or copied with cp) is
      // named in a warning when a command opens it.
      chmodSync(restored, 0o644);
      const m = await runCli(['migrate', '--db', `sqlite:${restored}`]);
      assert.equal(m.code, 0, m.stderr);
      assert.match(m.stderr, /can be read by other users \(mode 0644\)/);
    } finally {
      await srv.stop();
    }
  });

  it(`an encrypted backup restores; it holds no planted phone; a wrong key, a damaged or cut file are refused ${S}`, { skip: STORE !== 'sqlite' && 'SQLite backups' }, async () => {
    const db = join(dir, 'live.db');
    const srv = await startServer({ db: `sqlite:${db}`, args: ['--rate-form-ip', '1000'] });
    let id;
    try {
      id = await plantRequest(srv);
    } finally {
      await srv.stop();
    }
    const k = await keygen(dir, 'op.key');
    const other = await keygen(dir, 'other.key');
    const plain = join(dir, 'live-plain.db'), enc = join(dir, 'live.db.enc');
    assert.equal((await runCli(['backup', '--db', `sqlite:${db}`, '--to', plain])).code, 0);
    // The sniffing below can find the phone: the plain copy has it.
    assert.ok(readFileSync(plain).includes(PHONE_DIGITS), 'the plain backup holds the phone');
    const e = await runCli(['backup', '--db', `sqlite:${db}`, '--to', enc, '--encrypt-to', k.public]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stderr, /encrypt: .*\(100%\)/, 'progress on stderr');
    const ct = readFileSync(enc);
    for (const needle of [PHONE_DIGITS, PHONE_TYPED, '7774242', 'Parvin Planted', 'Planted Street', 'SQLite format'])
      assert.ok(!ct.includes(needle), `the encrypted backup contains ${needle}`);
    assert.ok(ct.length > 4096, 'a whole database went in');
    const leftovers = readdirSync(dir).filter((f) => /live\.db\.|\.part$|backup-/.test(f) && f !== 'live.db.enc');
    assert.deepEqual(leftovers, [], 'no plaintext temporary left behind');

    // Restoring an encrypted backup without the key, or with another key: refused, nothing made.
    const target = join(dir, 'restored.db');
    let r = await runCli(['restore', '--from', enc, '--db', `sqlite:${target}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /encrypted.*--decrypt-with/);
    r = await runCli(['restore', '--from', enc, '--decrypt-with', other.secret, '--db', `sqlite:${target}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /another key/);
    assert.ok(!existsSync(target), 'no store made with the wrong key');
    // A public key is not a secret key.
    r = await runCli(['restore', '--from', enc, '--decrypt-with', k.public, '--db', `sqlite:${target}`]);
    assert.equal(r.code, 2, r.stderr);
    // A flipped byte, or a file cut short, is refused (authenticated encryption).
    for (const [what, bytes] of [
      ['a flipped byte', (() => { const b = Buffer.from(ct); b[Math.floor(b.length / 2)] ^= 1; return b; })()],
      ['a cut file', ct.subarray(0, ct.length - 100)],
      ['a file cut at a chunk boundary', ct.subarray(0, 120 + 65536 + 17)],
      ['bytes after its end', Buffer.concat([ct, Buffer.from('x')])],
      ['another file key sealed in', Buffer.concat([ct.subarray(0, 16), Buffer.alloc(80, 7), ct.subarray(96)])],
    ]) {
      const bad = join(dir, 'bad.enc');
      writeFileSync(bad, bytes);
      r = await runCli(['restore', '--from', bad, '--decrypt-with', k.secret, '--db', `sqlite:${target}`]);
      assert.equal(r.code, 1, `${what}: ${r.stderr}`);
      assert.ok(!existsSync(target), `${what}: no store made`);
    }
    // The right key restores it, phone and all.
    r = await runCli(['restore', '--from', enc, '--decrypt-with', k.secret, '--db', `sqlite:${target}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /decrypt: .*\(100%\)/);
    assert.equal(sqlite(target, 'PRAGMA integrity_check'), 'ok');
    assert.equal(sqlite(target, `SELECT count(*) FROM help_requests WHERE id = '${id}'`), '1');
    assert.ok(readFileSync(target).includes(PHONE_DIGITS), 'the restored store has the phone back');
    // An unencrypted backup with --decrypt-with is refused rather than taken as it is.
    r = await runCli(['restore', '--from', plain, '--decrypt-with', k.secret, '--db', `sqlite:${join(dir, 'r2.db')}`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /not encrypted/);
  });

  it(`any dump (e.g. pg_dump's) goes through backup encrypt and restore decrypt unchanged ${S}`, async () => {
    const k = await keygen(dir, 'stream.key');
    const other = await keygen(dir, 'stream-other.key');
    const dump = join(dir, 'dump.sql'), enc = join(dir, 'dump.sql.enc'), back = join(dir, 'dump-back.sql');
    if (STORE === 'postgres') {
      const srv = await startServer({ args: ['--rate-form-ip', '1000'] });
      try {
        await plantRequest(srv);
        execFileSync('pg_dump', ['--format=plain', `--file=${dump}`, `--dbname=${srv.dbUrl}`]);
      } finally {
        await srv.stop();
      }
    } else {
      // Sizes around the 64 KiB chunk: exactly two chunks, then the planted phone.
      writeFileSync(dump, Buffer.concat([Buffer.alloc(2 * 65536, 'a'), Buffer.from(`phone ${PHONE_DIGITS}\n`)]));
    }
    assert.ok(readFileSync(dump).includes(PHONE_DIGITS), 'the dump holds the phone');
    let r = await runCli(['backup', 'encrypt', '--encrypt-to', k.public, '--in', dump, '--out', enc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mode(enc), '0600');
    assert.ok(!readFileSync(enc).includes(PHONE_DIGITS), 'the encrypted dump holds no phone');
    r = await runCli(['restore', 'decrypt', '--decrypt-with', other.secret, '--in', enc, '--out', back]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!existsSync(back), 'nothing written with the wrong key');
    r = await runCli(['restore', 'decrypt', '--decrypt-with', k.secret, '--in', enc, '--out', back]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mode(back), '0600');
    assert.ok(readFileSync(back).equals(readFileSync(dump)), 'decrypted dump equals the original');
    // Exactly one chunk's worth, and nothing at all, round-trip too.
    for (const size of [65536, 0]) {
      writeFileSync(dump, Buffer.alloc(size, 'b'));
      rmSync(enc, { force: true });
      rmSync(back, { force: true });
      assert.equal((await runCli(['backup', 'encrypt', '--encrypt-to', k.public, '--in', dump, '--out', enc])).code, 0);
      assert.equal((await runCli(['restore', 'decrypt', '--decrypt-with', k.secret, '--in', enc, '--out', back])).code, 0);
      assert.equal(readFileSync(back).length, size);
    }
  });
});
