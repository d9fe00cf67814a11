// diskfull.test.mjs — the SQLite store on a full disk. The store lives on a small tmpfs
// (8 MiB, mounted for the test: needs root and permission to mount; skipped otherwise); a
// filler file takes every free byte; then writes answer 507 insufficient_storage with the JSON
// error body (never 500, never a crash), reads keep answering (a view that must be audited is
// refused with the same 507), and once the filler is removed
// writes succeed again without a restart. Every write acknowledged before is still there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, STORE } from './lib/server.mjs';
import { addUser, createToken } from './lib/accounts.mjs';

const S = `[${STORE}]`;

/** Mounts an 8 MiB tmpfs on a fresh folder: the folder, or the reason it could not. */
function mountSmallFs() {
  if (STORE !== 'sqlite') return { skip: 'the disk-full test runs on the SQLite store (a PostgreSQL server out of space answers SQLSTATE 53100, mapped to the same 507)' };
  if (process.getuid?.() !== 0) return { skip: 'needs root to mount a small tmpfs' };
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmdirSync(dir);
    return { skip: `mount is not permitted here (${String(e.stderr || e.message).trim().split('\n')[0]})` };
  }
  return { dir };
}

/** Writes zeros into `path` until the file system is full; returns the bytes written. */
function fill(path) {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024);
  let total = 0;
  try {
    for (;;) {
      let n;
      try { n = writeSync(fd, block, 0, block.length); } catch (e) {
        if (e.code !== 'ENOSPC') throw e;
        // The last partial block.
        for (let small = 4096; small >= 1; small >>= 1) {
          try { for (;;) total += writeSync(fd, block, 0, small); } catch { /* next size */ }
        }
        return total;
      }
      total += n;
    }
  } finally {
    closeSync(fd);
  }
}

const m = mountSmallFs();

describe(`disk full ${S}`, { skip: m.skip || false }, () => {
  let srv, token;
  const acked = [];
  let n = 0;
  const ask = () => srv.request('POST', '/api/v1/requests', {
    headers: { 'idempotency-key': `full-${process.pid}-${++n}` },
    body: { name: `Full ${n}`, phone: '0912 555 0101', address: `Street ${n} ${'x'.repeat(250)}`, kind: 'groceries', details: 'y'.repeat(1900), consent: true, language: 'en' },
  });

  before(async () => {
    srv = await startServer({ db: `sqlite:${join(m.dir, 'test.db')}`, args: ['--rate-form-ip', '1000000'] });
    await addUser(srv, { email: 'admin@example.org', role: 'admin' });
    token = await createToken(srv, 'admin@example.org');
  });
  after(async () => {
    try {
      if (srv) await srv.stop();
    } finally {
      try { execFileSync('umount', ['-l', m.dir]); } catch { /* already gone */ }
      rmSync(m.dir, { recursive: true, force: true });
    }
  });

  it(`writes answer 507 when the disk is full, reads go on, and writes resume once space returns ${S}`, async () => {
    for (let i = 0; i < 5; i++) {
      const r = await ask();
      assert.equal(r.status, 201, r.text);
      acked.push(r.json.id);
    }
    const filler = join(m.dir, 'filler');
    const bytes = fill(filler);
    // SQLite first reuses the room it already has (the WAL after a checkpoint): keep writing
    // until the disk really runs out.
    const statuses = {};
    let full = null;
    for (let i = 0; i < 3000 && !full; i++) {
      const r = await ask();
      statuses[r.status] = (statuses[r.status] || 0) + 1;
      if (r.status === 201) acked.push(r.json.id);
      else if (r.status === 507 || r.status === 503) full = r;
      else assert.fail(`a write on a full disk answered ${r.status}: ${r.text}`);
    }
    console.log(`diskfull ${S}: filler took ${(bytes / 1024).toFixed(0)} KiB; answers while filling: ${JSON.stringify(statuses)}`);
    assert.ok(full, 'no write was refused on the full disk');
    assert.equal(full.status, 507, `expected 507, got ${full.status} ${full.text}`);
    assert.match(full.headers.get('content-type'), /^application\/json/);
    assert.equal(full.json.error.code, 'insufficient_storage');
    // More writes: the same clean answer, the server alive.
    for (let i = 0; i < 20; i++) {
      const r = await ask();
      assert.ok(r.status === 507 || r.status === 201, `write ${i} on the full disk: ${r.status} ${r.text}`);
      if (r.status === 201) acked.push(r.json.id);
    }
    // Reads still answer.
    for (const path of ['/healthz', '/api/v1/config', '/api/v1/groups', '/api/v1/library?q=food', '/index.html'])
      assert.equal((await srv.request('GET', path)).status, 200, `GET ${path} on the full disk`);
    // Viewing a request's personal data writes an audit entry first: without room for it the
    // view is refused the same clean way (no unaudited access).
    const one = await srv.request('GET', `/api/v1/requests/${acked[0]}`, { headers: { authorization: `Bearer ${token}` } });
    assert.ok(one.status === 200 || one.status === 507, `audited read on the full disk: ${one.status} ${one.text}`);

    // Space returns: writes succeed again, without a restart.
    unlinkSync(filler);
    let ok = null;
    for (let i = 0; i < 20 && !ok; i++) {
      const r = await ask();
      if (r.status === 201) ok = r;
      else await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(ok, 'writes did not resume after the disk had room again');
    acked.push(ok.json.id);
    console.log(`diskfull ${S}: 507 insufficient_storage while full, reads answered, writes resumed after freeing space; ${acked.length} acknowledged writes`);

    // Nothing acknowledged was lost.
    const admin = { authorization: `Bearer ${token}` };
    for (const id of acked) {
      const r = await srv.request('GET', `/api/v1/requests/${id}`, { headers: admin });
      assert.equal(r.status, 200, `acknowledged request ${id}: ${r.status}`);
    }
    assert.equal(srv.exitCode, undefined, 'the server is alive');
    const check = execFileSync('sqlite3', ['-batch', join(m.dir, 'test.db'), 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();
    assert.equal(check, 'ok', 'integrity_check after the disk was full');
  });
});
