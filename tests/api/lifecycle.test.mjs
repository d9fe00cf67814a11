// lifecycle.test.mjs — shutdown: SIGTERM and SIGINT end the server with exit code 0, promptly,
// after letting a request that is in flight finish.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, STORE } from './lib/server.mjs';

describe(`shutdown [${STORE}]`, () => {
  it(`SIGTERM with nothing to do exits 0 promptly [${STORE}]`, async () => {
    const srv = await startServer();
    assert.equal((await srv.request('GET', '/healthz')).status, 200);
    const r = await srv.stop();
    assert.equal(r.code, 0);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    await srv.waitForLog(/ info stopped$/, 1000);
  });

  it(`SIGINT exits 0 as well [${STORE}]`, async () => {
    const srv = await startServer();
    try {
      const r = await srv.kill('SIGINT');
      assert.equal(r.code, 0, srv.stderr());
      assert.match(srv.stderr(), /received SIGINT/);
    } finally {
      await srv.stop({ expectCode: null });
    }
  });

  it(`an idle keep-alive connection does not delay SIGTERM [${STORE}]`, async () => {
    const srv = await startServer({ args: ['--shutdown-timeout', '20'] });
    const c = srv.connect();
    try {
      await c.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
      assert.equal((await c.next()).status, 200);
      const r = await srv.stop();
      assert.ok(r.ms < 5000, `an idle connection held shutdown for ${r.ms} ms`);
    } finally {
      c.close();
    }
  });

  it(`a request in flight at SIGTERM is answered before the server exits 0 [${STORE}]`, async () => {
    const srv = await startServer({ args: ['--shutdown-timeout', '20'] });
    const c = srv.connect();
    try {
      // Expect: 100-continue makes the server say when it has taken the request (its handler's
      // first call), so the signal surely arrives while the request is in flight.
      await c.write('GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
      const cont = await c.next();
      assert.equal(cont.status, 100);
      const from = srv.lines.length;
      srv.proc.kill('SIGTERM');
      await srv.waitForLog(/received SIGTERM/, 10000, from);
      assert.equal(srv.exitCode, undefined, 'the server waits for the request');
      await c.write('hello');
      const r = await c.next();
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'ok');
      const done = await srv.stop();
      assert.equal(done.code, 0);
      const access = srv.accessLog().find((a) => a.path === '/healthz' && a.method === 'GET');
      assert.equal(access?.status, 200, 'the finished request was logged');
    } finally {
      c.close();
    }
  });
});
