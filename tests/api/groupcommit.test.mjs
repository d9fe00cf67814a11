// groupcommit.test.mjs — request submissions share durable commits: many at once are
// all answered, each with its own request, and the store holds exactly those; an
// Idempotency-Key sent twice at once creates one request; a bad submission among good ones
// fails alone; the form rate limit still holds under concurrency; clients that go away while
// their submission waits do not harm the server; SIGTERM answers submissions in flight.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, STORE } from './lib/server.mjs';
import { sql } from './lib/accounts.mjs';

const CODE_RE = /^[2-9A-HJKMNP-Z]{8}$/;

function body(i, extra = {}) {
  return {
    name: `Concurrent ${i}`, phone: `+98912${String(1000000 + i).padStart(7, '0')}`,
    address: `Street ${i}`, lat: 35.7 + (i % 50) / 1000, lon: 51.4 + (i % 40) / 1000,
    kind: 'groceries', details: `item ${i}`, language: 'en', consent: true, ...extra,
  };
}

function submit(srv, b, headers = {}) {
  return srv.request('POST', '/api/v1/requests', { body: b, headers });
}

function count(srv, where = '') {
  return Number(sql(srv, `SELECT count(*) FROM help_requests${where}`)[0][0]);
}

const ARGS = ['--rate-form-ip', '100000', '--per-ip-limit', '1024'];

describe(`group commit of submissions [${STORE}]`, () => {
  it('200 submissions at once: all 201, distinct ids and codes, exactly those stored', async () => {
    const srv = await startServer({ args: ARGS });
    try {
      const N = 200;
      const rs = await Promise.all([...Array(N).keys()].map((i) => submit(srv, body(i))));
      for (const r of rs) {
        assert.equal(r.status, 201, r.text);
        assert.match(r.json.tracking_code, CODE_RE);
      }
      const ids = new Set(rs.map((r) => r.json.id));
      const codes = new Set(rs.map((r) => r.json.tracking_code));
      assert.equal(ids.size, N);
      assert.equal(codes.size, N);
      const stored = sql(srv, 'SELECT id, tracking_code FROM help_requests');
      assert.equal(stored.length, N);
      for (const [id, code] of stored) {
        assert.ok(ids.has(id), `stored ${id} was not answered`);
        assert.ok(codes.has(code));
      }
      // Each request's contact is its own submission's.
      const phones = sql(srv, 'SELECT r.tracking_code, c.phone FROM help_requests r JOIN request_contacts c ON c.request_id = r.id');
      const byCode = new Map(rs.map((r, i) => [r.json.tracking_code, body(i).phone]));
      assert.equal(phones.length, N);
      for (const [code, phone] of phones) assert.equal(phone, byCode.get(code));
    } finally {
      await srv.stop();
    }
  });

  it('the same Idempotency-Key twice at once: one request, the same answer', async () => {
    const srv = await startServer({ args: ARGS });
    try {
      const key = 'gc-same-key-1';
      const b = body(7001);
      const others = [...Array(30).keys()].map((i) => submit(srv, body(7100 + i)));
      const [a1, a2] = await Promise.all([submit(srv, b, { 'idempotency-key': key }), submit(srv, b, { 'idempotency-key': key })]);
      for (const r of await Promise.all(others)) assert.equal(r.status, 201, r.text);
      assert.equal(a1.status, 201, a1.text);
      assert.equal(a2.status, 201, a2.text);
      assert.equal(a1.text, a2.text);
      assert.equal(count(srv, ` WHERE id = '${a1.json.id}'`), 1);
      assert.equal(count(srv), 31);
    } finally {
      await srv.stop();
    }
  });

  it('a key reused with another body fails alone; the submissions around it succeed', async () => {
    const srv = await startServer({ args: ARGS });
    try {
      const key = 'gc-mismatch-key';
      const good = [...Array(40).keys()].map((i) => submit(srv, body(8000 + i)));
      const [k1, k2] = await Promise.all([
        submit(srv, body(8100), { 'idempotency-key': key }),
        submit(srv, body(8101), { 'idempotency-key': key }),
      ]);
      const goods = await Promise.all(good);
      for (const r of goods) assert.equal(r.status, 201, r.text);
      assert.deepEqual([k1.status, k2.status].sort(), [201, 409]);
      const refused = k1.status === 409 ? k1 : k2;
      assert.equal(refused.json.error.code, 'idempotency_mismatch');
      assert.equal(count(srv), 41);
    } finally {
      await srv.stop();
    }
  });

  it('the form rate limit holds under concurrency: exactly the limit is accepted', async () => {
    const LIMIT = 10;
    const srv = await startServer({ args: ['--rate-form-ip', String(LIMIT), '--per-ip-limit', '1024'] });
    try {
      const rs = await Promise.all([...Array(30).keys()].map((i) => submit(srv, body(9000 + i))));
      const ok = rs.filter((r) => r.status === 201);
      const limited = rs.filter((r) => r.status === 429);
      assert.equal(ok.length, LIMIT);
      assert.equal(limited.length, 30 - LIMIT);
      for (const r of limited) {
        assert.equal(r.headers.get('retry-after'), '3600');
        assert.equal(r.json.error.code, 'rate_limited');
      }
      assert.equal(count(srv), LIMIT);
    } finally {
      await srv.stop();
    }
  });

  it('clients that hang up while their submission waits do not harm the server', async () => {
    const srv = await startServer({ args: ARGS });
    try {
      const N = 100;
      await Promise.all([...Array(N).keys()].map((i) => new Promise((res) => {
        const text = JSON.stringify(body(10000 + i));
        const sock = net.connect(srv.port, '127.0.0.1', () => {
          sock.write(`POST /api/v1/requests HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`, () => {
            sock.destroy();
            res();
          });
        });
        sock.on('error', () => res());
      })));
      // The server still answers, and a submission after them is stored.
      const r = await submit(srv, body(10999));
      assert.equal(r.status, 201, r.text);
      const h = await srv.request('GET', '/healthz');
      assert.equal(h.status, 200);
      assert.ok(count(srv) >= 1);
    } finally {
      await srv.stop(); // exit code 0: under the sanitizers, no use after free and no leak
    }
  });

  it('submissions in flight at SIGTERM are all answered and stored', async () => {
    const srv = await startServer({ args: [...ARGS, '--shutdown-timeout', '20'] });
    const N = 40;
    const conns = [];
    try {
      const texts = [...Array(N).keys()].map((i) => JSON.stringify(body(11000 + i)));
      // Expect: 100-continue: the server says when it has taken each request in.
      for (let i = 0; i < N; i++) {
        const c = srv.connect();
        conns.push(c);
        await c.write(`POST /api/v1/requests HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(texts[i])}\r\nExpect: 100-continue\r\n\r\n`);
        assert.equal((await c.next()).status, 100);
      }
      const from = srv.lines.length;
      srv.proc.kill('SIGTERM');
      await srv.waitForLog(/received SIGTERM/, 10000, from);
      const answers = conns.map((c, i) => c.write(texts[i]).then(() => c.next(30000)));
      const rs = await Promise.all(answers);
      for (const r of rs) assert.equal(r.status, 201, r.text);
      const codes = new Set(rs.map((r) => r.json.tracking_code));
      assert.equal(codes.size, N);
      const done = await srv.kill('SIGTERM');
      assert.equal(done.code, 0, srv.stderr().slice(-2000));
      // The store (still there: kill() does not remove it) holds every answered request.
      const stored = sql(srv, 'SELECT tracking_code FROM help_requests');
      assert.equal(stored.length, N);
      for (const [code] of stored) assert.ok(codes.has(code));
    } finally {
      for (const c of conns) c.close();
      await srv.stop().catch(() => {});
    }
  });
});
