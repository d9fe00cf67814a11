// cli.test.mjs — the command line: --help on every sub-command, --version, bad options, and the
// precedence of settings: command-line flag > environment variable > built-in default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStore, ROOT, runCli, startServer, STORE } from './lib/server.mjs';

/** The sub-commands `hamyari --help` lists under "Commands:". */
async function subcommands() {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  const section = r.stdout.split(/\nCommands:\n/)[1];
  assert.ok(section, `no Commands: section in\n${r.stdout}`);
  const names = [];
  for (const line of section.split('\n')) {
    const m = line.match(/^ {2}([a-z][a-z0-9-]*)\s{2,}\S/);
    if (m) names.push(m[1]);
    else if (line.trim() === '') break;
  }
  return names;
}

describe(`command line [${STORE}]`, () => {
  it(`hamyari --help lists the sub-commands and exits 0 [${STORE}]`, async () => {
    const names = await subcommands();
    for (const c of ['serve', 'migrate', 'routes']) assert.ok(names.includes(c), `${c} missing from ${names}`);
  });

  it(`every sub-command takes --help, exits 0 and prints Usage [${STORE}]`, async () => {
    for (const c of await subcommands()) {
      for (const flag of ['--help', '-h']) {
        const r = await runCli([c, flag]);
        assert.equal(r.code, 0, `hamyari ${c} ${flag}: exit ${r.code}\n${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: hamyari ${c}\\b`), `hamyari ${c} ${flag}`);
      }
    }
  });

  it(`--version prints the project version [${STORE}]`, async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    const cmake = readFileSync(join(ROOT, 'CMakeLists.txt'), 'utf8').match(/project\(hamyari VERSION (\S+)/)[1];
    assert.equal(r.stdout.trim(), `hamyari ${cmake}`);
  });

  it(`no command, an unknown command or an unknown option exits 2 with a message [${STORE}]`, async () => {
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage/);
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command/);
    const opt = await runCli(['serve', '--no-such-option']);
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /unknown option/);
    const val = await runCli(['serve', '--threads', 'many']);
    assert.equal(val.code, 2);
    assert.match(val.stderr, /not a valid value/);
  });

  it(`hamyari routes prints the route table as JSON [${STORE}]`, async () => {
    const r = await runCli(['routes']);
    assert.equal(r.code, 0);
    const table = JSON.parse(r.stdout);
    assert.ok(Array.isArray(table) && table.length > 0);
    for (const x of table) {
      assert.deepEqual(Object.keys(x).sort(), ['access', 'body', 'method', 'path', 'summary']);
      assert.match(x.path, /^\//);
      assert.ok(x.summary.length > 0, `${x.method} ${x.path} has no summary`);
    }
    assert.ok(table.some((x) => x.method === 'GET' && x.path === '/healthz'));
  });

  it(`hamyari migrate brings a new ${STORE} store to the newest schema [${STORE}]`, async () => {
    const st = await makeStore();
    try {
      const r = await runCli(['migrate', '--db', st.url]);
      assert.equal(r.code, 0, r.stderr);
      const m = r.stdout.match(/^schema version (\d+) \((\w+)\)$/m);
      assert.ok(m, r.stdout);
      assert.equal(m[2], STORE);
      const again = await runCli(['migrate'], { env: { HAMYARI_DB: st.url } });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, r.stdout, 'a second migrate changes nothing');
    } finally {
      await st.cleanup();
    }
  });
});

describe(`settings precedence: flag > environment > default [${STORE}]`, () => {
  it(`HAMYARI_LISTEN is used when there is no --listen [${STORE}]`, async () => {
    const srv = await startServer({ listen: null, env: { HAMYARI_LISTEN: '127.0.0.2:0' } });
    try {
      assert.equal(srv.host, '127.0.0.2');
      const r = await fetch(`http://127.0.0.2:${srv.port}/healthz`);
      assert.equal(r.status, 200);
    } finally {
      await srv.stop();
    }
  });

  it(`--listen wins over HAMYARI_LISTEN [${STORE}]`, async () => {
    const srv = await startServer({ listen: '127.0.0.1:0', env: { HAMYARI_LISTEN: '127.0.0.2:0' } });
    try {
      assert.equal(srv.host, '127.0.0.1');
      assert.equal((await srv.request('GET', '/healthz')).status, 200);
    } finally {
      await srv.stop();
    }
  });

  it(`--db wins over HAMYARI_DB, which wins over the default [${STORE}]`, async () => {
    // A HAMYARI_DB that cannot work proves the flag is used instead.
    const srv = await startServer({ env: { HAMYARI_DB: 'nosuchbackend:x' } });
    try {
      const h = await srv.request('GET', '/healthz');
      assert.equal(h.json.store, STORE);
    } finally {
      await srv.stop();
    }
    const st = await makeStore();
    try {
      const srv2 = await startServer({ db: null, env: { HAMYARI_DB: st.url } });
      const h = await srv2.request('GET', '/healthz');
      await srv2.stop();
      assert.equal(h.json.store, STORE, 'HAMYARI_DB alone is used');
    } finally {
      await st.cleanup();
    }
    const bad = await runCli(['serve', '--listen', '127.0.0.1:0'], { env: { HAMYARI_DB: 'nosuchbackend:x' } });
    assert.equal(bad.code, 1, 'a bad HAMYARI_DB stops the server when no --db is given');
    assert.match(bad.stderr, /sqlite:PATH or postgres/);
  });

  it(`--access-log overrides HAMYARI_ACCESS_LOG, which overrides the default (on) [${STORE}]`, async () => {
    const cases = [
      [{}, [], true],
      [{ HAMYARI_ACCESS_LOG: 'off' }, [], false],
      [{ HAMYARI_ACCESS_LOG: 'off' }, ['--access-log', 'on'], true],
      [{ HAMYARI_ACCESS_LOG: 'on' }, ['--access-log=off'], false],
    ];
    for (const [env, args, logged] of cases) {
      const srv = await startServer({ env, args });
      try {
        assert.equal((await srv.request('GET', '/healthz')).status, 200);
        await srv.request('GET', '/api/v1/config');
      } finally {
        await srv.stop();
      }
      // After a clean stop every completed request has been logged.
      const n = srv.accessLog().length;
      assert.equal(n > 0, logged, `env ${JSON.stringify(env)} args ${args.join(' ')}: ${n} access-log lines`);
    }
  });

  it(`--body-max overrides HAMYARI_BODY_MAX [${STORE}]`, async () => {
    const probe = async (srv, n) => (await srv.raw(`GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: ${n}\r\nConnection: close\r\n\r\n${'x'.repeat(n)}`)).status;
    const envOnly = await startServer({ env: { HAMYARI_BODY_MAX: '100' } });
    try {
      assert.equal(await probe(envOnly, 100), 200);
      assert.equal(await probe(envOnly, 101), 413);
    } finally {
      await envOnly.stop();
    }
    const both = await startServer({ env: { HAMYARI_BODY_MAX: '100' }, args: ['--body-max', '2k'] });
    try {
      assert.equal(await probe(both, 2048), 200);
      assert.equal(await probe(both, 2049), 413);
    } finally {
      await both.stop();
    }
  });

  it(`an invalid environment value is reported with the variable's name [${STORE}]`, async () => {
    const r = await runCli(['serve'], { env: { HAMYARI_THREADS: 'lots' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /HAMYARI_THREADS/);
  });
});
