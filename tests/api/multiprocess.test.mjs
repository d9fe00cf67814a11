// multiprocess.test.mjs — several hamyari processes on one PostgreSQL database, behind
// nginx with the checked-in deploy/nginx/hamyari.conf (made plain HTTP for the test).
//
// Covered elsewhere, on two processes: the per-account and form rate limits and a session used
// and ended across processes (accounts.test.mjs, "the limits hold across two server processes"),
// claims racing and each notification delivered once with the outbox worker running in both
// (requests-race.test.mjs). Here: sessions, the per-address sign-in limit and the spreading of
// requests through nginx, where every client address comes from X-Forwarded-For.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertError, ROOT, Server, startServer, STORE } from './lib/server.mjs';
import { addUser, Client, COMMON_LIST, PASSWORD } from './lib/accounts.mjs';

const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const skip = STORE !== 'postgres' ? 'PostgreSQL only (HY_TEST_STORE=postgres)'
  : !existsSync(NGINX) ? `no nginx at ${NGINX} (apt-get install nginx-light)`
  : false;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portFree(port) {
  return new Promise((res) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); res(false); });
    s.on('error', () => res(true));
  });
}

/** deploy/nginx/hamyari.conf over plain HTTP on `port`, in front of `backends` (ports), its
 *  logs in `logDir` instead of /var/log/nginx. */
export function testConfig(conf, port, backends, logDir = '/var/log/nginx') {
  const out = [];
  conf = conf.replaceAll('/var/log/nginx/', `${logDir}/`);
  let skipping = false;
  for (const line of conf.split('\n')) {
    if (/#\s*BEGIN-TLS-ONLY/.test(line)) { skipping = true; continue; }
    if (/#\s*END-TLS-ONLY/.test(line)) { skipping = false; continue; }
    if (skipping || /#\s*tls\s*$/.test(line)) continue;
    if (/^\s*server 127\.0\.0\.1:\d+/.test(line)) continue; // the example processes
    out.push(line);
    if (/^\s*upstream hamyari \{/.test(line))
      for (const b of backends) out.push(`    server 127.0.0.1:${b} max_fails=3 fail_timeout=10s;`);
    if (/^\s*server_name /.test(line)) out.push(`    listen 127.0.0.1:${port};`);
  }
  return out.join('\n');
}

describe('several processes behind nginx (deploy/nginx/hamyari.conf)', { skip, timeout: 120000 }, () => {
  let a, b, dir, nginx, nginxLog = '', proxy;

  before(async () => {
    const args = ['--trust-proxy', 'on', '--per-ip-limit', '4096', '--password-list', COMMON_LIST,
      '--rate-login-ip', '6', '--rate-login-account', '1000', '--rate-form-ip', '1000'];
    a = await startServer({ args });
    b = await startServer({ db: a.dbUrl, args });
    await addUser(a, { email: 'proxy@example.org', role: 'coordinator', name: 'Proxy' });

    dir = mkdtempSync(join(tmpdir(), 'hamyari-nginx-'));
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
    const conf = readFileSync(join(ROOT, 'deploy', 'nginx', 'hamyari.conf'), 'utf8');
    for (let attempt = 0; ; attempt++) {
      let port;
      do port = 20000 + Math.floor(Math.random() * 10000); while (!(await portFree(port)));
      writeFileSync(join(dir, 'hamyari.conf'), testConfig(conf, port, [a.port, b.port], dir));
      writeFileSync(join(dir, 'nginx.conf'), [
        'daemon off;',
        'master_process off;',
        process.getuid?.() === 0 ? 'user root;' : '',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')} warn;`,
        'events { worker_connections 256; }',
        'http {',
        `  access_log ${join(dir, 'access.log')};`,
        `  client_body_temp_path ${join(dir, 'body')};`,
        `  proxy_temp_path ${join(dir, 'proxy')};`,
        `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
        `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
        `  scgi_temp_path ${join(dir, 'scgi')};`,
        `  include ${join(dir, 'hamyari.conf')};`,
        '}',
        '',
      ].join('\n'));
      nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      nginx.stderr.on('data', (d) => { nginxLog += d; });
      let up = false;
      for (let i = 0; i < 100 && nginx.exitCode === null; i++) {
        if (!(await portFree(port))) { up = true; break; }
        await sleep(50);
      }
      if (up) {
        proxy = Object.assign(Object.create(Server.prototype), { port });
        break;
      }
      nginx.kill('SIGKILL');
      const errLog = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
      if (attempt >= 3 || !/Address already in use/.test(errLog + nginxLog))
        throw new Error(`nginx did not start:\n${nginxLog}\n${errLog}`);
    }
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await new Promise((r) => { nginx.once('exit', r); setTimeout(r, 5000); });
    }
    if (b) await b.stop();
    if (a) await a.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const count = (srv, path) => srv.accessLog().filter((l) => l.path === path).length;

  it('spreads requests over both processes', async () => {
    const a0 = count(a, '/healthz'), b0 = count(b, '/healthz');
    for (let i = 0; i < 20; i++) {
      const r = await proxy.request('GET', '/healthz');
      assert.equal(r.status, 200, r.text);
    }
    await sleep(100);
    const da = count(a, '/healthz') - a0, db = count(b, '/healthz') - b0;
    assert.equal(da + db, 20);
    assert.ok(da >= 5 && db >= 5, `round robin: ${da} on one process, ${db} on the other`);
  });

  it('keeps a session across processes and ends it everywhere', async () => {
    const c = new Client(proxy);
    await c.login('proxy@example.org');
    const a0 = count(a, '/api/v1/me'), b0 = count(b, '/api/v1/me');
    for (let i = 0; i < 8; i++) assert.equal((await c.me())?.email, 'proxy@example.org', `request ${i}`);
    await sleep(100);
    assert.ok(count(a, '/api/v1/me') > a0 && count(b, '/api/v1/me') > b0, 'both processes saw the session');
    const cookie = c.cookie;
    assert.equal((await c.post('/api/v1/auth/logout')).status, 200);
    // The old cookie, replayed: refused through nginx and by each process directly.
    for (let i = 0; i < 4; i++) assert.equal(await new Client(proxy, { cookie }).me(), null, `after logout, request ${i}`);
    assert.equal(await new Client(a, { cookie }).me(), null);
    assert.equal(await new Client(b, { cookie }).me(), null);
  });

  it('counts sign-in attempts per client address across processes (X-Forwarded-For from nginx)', async () => {
    const a0 = count(a, '/api/v1/auth/login'), b0 = count(b, '/api/v1/auth/login');
    // The limit is 6 an hour for an address; the previous test signed in once from this one.
    let i = 1;
    for (; i < 6; i++) await new Client(proxy).login('proxy@example.org', 'not the password', { expect: 401 });
    await sleep(100);
    assert.ok(count(a, '/api/v1/auth/login') > a0 && count(b, '/api/v1/auth/login') > b0, 'both processes counted');
    // A forged X-Forwarded-For does not help: nginx appends the real address, which hamyari takes.
    for (const fake of ['203.0.113.7', '198.51.100.1, 203.0.113.8']) {
      const r = await new Client(proxy).login('proxy@example.org', PASSWORD, { expect: 429, headers: { 'x-forwarded-for': fake } });
      assertError(r, 429, 'rate_limited');
    }
    // Straight to a process (no proxy header: the address is 127.0.0.1 as well) — same count.
    assertError(await new Client(b).login('proxy@example.org', PASSWORD, { expect: 429 }), 429, 'rate_limited');
  });

  it('logs /api/ routes without their query string (a phone number there stays out of the log)', async () => {
    const phone = '09125550166';
    assert.equal((await proxy.request('GET', `/api/v1/requests/status?code=ABCDEFGH&phone=${phone}`)).status, 404);
    assert.equal((await proxy.request('GET', '/track?lang=en')).status, 200);
    const log = readFileSync(join(dir, 'hamyari.access.log'), 'utf8');
    assert.match(log, /"GET \/api\/v1\/requests\/status\?- HTTP\/1\.1" 404 /);
    assert.match(log, /"GET \/track\?lang=en HTTP\/1\.1" 200 /, 'pages keep their query');
    assert.doesNotMatch(log, /5550166|ABCDEFGH/);
  });
});

describe('deploy/ files', () => {
  it('the nginx test variant drops TLS and lists the processes', () => {
    const conf = readFileSync(join(ROOT, 'deploy', 'nginx', 'hamyari.conf'), 'utf8');
    const t = testConfig(conf, 1234, [5001, 5002]);
    assert.doesNotMatch(t, /ssl_|443|return 301/);
    assert.match(t, /server 127\.0\.0\.1:5001 /);
    assert.match(t, /server 127\.0\.0\.1:5002 /);
    assert.match(t, /listen 127\.0\.0\.1:1234;/);
    assert.doesNotMatch(testConfig(conf, 1234, [5001], '/tmp/x'), /\/var\/log\//);
    assert.match(conf, /access_log \/var\/log\/nginx\/hamyari\.access\.log hamyari;/);
    assert.match(conf, /Strict-Transport-Security/);
    assert.match(conf, /X-Forwarded-Proto \$scheme/);
  });

  it('the systemd unit and pgbouncer example say what the code needs', () => {
    const unit = readFileSync(join(ROOT, 'deploy', 'systemd', 'hamyari@.service'), 'utf8');
    assert.match(unit, /HAMYARI_LISTEN=127\.0\.0\.1:%i/);
    assert.match(unit, /NoNewPrivileges=yes/);
    assert.match(unit, /ProtectSystem=strict/);
    const pgb = readFileSync(join(ROOT, 'deploy', 'pgbouncer', 'pgbouncer.ini'), 'utf8');
    assert.match(pgb, /^pool_mode = session$/m);
  });
});
