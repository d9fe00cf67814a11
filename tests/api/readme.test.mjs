// readme.test.mjs — the README and the scripts it names agree with the program: the
// configuration table matches `hamyari serve --help`, the Quick start is two commands that
// exist, .ci/run runs the test command, and every script answers --help.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, STORE } from './lib/server.mjs';
import { parseServeHelp, replaceTable, serveHelp, table } from '../../scripts/config-table.mjs';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe(`README and scripts [${STORE}]`, () => {
  it(`the configuration table matches hamyari serve --help (node scripts/config-table.mjs --write) [${STORE}]`, () => {
    const rows = parseServeHelp(serveHelp(BIN));
    assert.ok(rows.length >= 10, 'serve --help lists its options');
    assert.ok(rows.every((r) => r.env.startsWith('HAMYARI_')), 'every serve option has an environment variable');
    // Compare row by row, so a failure names the options that differ instead of printing files.
    const lines = (t) => t.split('\n').filter((l) => l.startsWith('| `'));
    const want = lines(table(rows));
    const have = lines(readme.slice(readme.indexOf('<!-- config-table:start'), readme.indexOf('<!-- config-table:end')));
    const missing = want.filter((l) => !have.includes(l));
    const stale = have.filter((l) => !want.includes(l));
    assert.ok(missing.length === 0 && stale.length === 0,
      `README.md's configuration table is out of date; run node scripts/config-table.mjs --write\n` +
      `rows --help has and README lacks:\n${missing.join('\n')}\nrows README has and --help lacks:\n${stale.join('\n')}`);
    assert.equal(replaceTable(readme, table(rows)) === readme, true, 'the table rows are in --help order');
  });

  it(`the Quick start is exactly two commands, and both scripts exist [${STORE}]`, () => {
    const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0];
    assert.ok(section, 'a "## Quick start" section');
    const block = section.match(/```sh\n([\s\S]*?)```/)[1];
    const commands = block.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
    assert.deepEqual(commands, ['bash scripts/demo.sh', 'bash scripts/test.sh']);
    for (const c of commands) accessSync(join(ROOT, c.split(' ')[1]), constants.R_OK);
  });

  it(`.ci/run is executable and runs scripts/test.sh [${STORE}]`, () => {
    const ci = join(ROOT, '.ci', 'run');
    accessSync(ci, constants.X_OK);
    const text = readFileSync(ci, 'utf8');
    assert.match(text, /^#!\/usr\/bin\/env bash\n/);
    assert.match(text, /set -euo pipefail/);
    assert.match(text, /^exec bash scripts\/test\.sh "\$@"$/m);
  });

  it(`every script answers --help with exit 0 and a usage line [${STORE}]`, () => {
    for (const [cmd, args] of [['bash', ['scripts/deps.sh']], ['bash', ['scripts/build.sh']], ['bash', ['scripts/demo.sh']], ['bash', ['scripts/test.sh']], ['bash', ['scripts/pg-cluster.sh']], ['node', ['scripts/config-table.mjs']], ['node', ['scripts/build-web.mjs']]]) {
      const out = execFileSync(cmd, [...args, '--help'], { cwd: ROOT, encoding: 'utf8' });
      assert.match(out, /^[Uu]sage: /m, `${args[0]} --help`);
    }
  });

  it(`the documents the README links to exist [${STORE}]`, () => {
    for (const m of readme.matchAll(/\]\(((?:docs|scripts|tests)\/[^)#]+)\)/g)) accessSync(join(ROOT, m[1]), constants.R_OK);
  });
});
