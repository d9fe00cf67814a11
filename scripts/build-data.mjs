#!/usr/bin/env node
// Builds the data files the server reads at run time from pinned npm packages into data/
// (gitignored). Node built-ins only; idempotent: a file is rewritten only when its bytes differ.
// Run `npm ci` first.
//
//   data/common-passwords.txt  from @zxcvbn-ts/language-common (src/passwords.json, MIT):
//                              the entries of 12 or more characters, one a line. The server
//                              (`hamyari serve --password-list`, default this file) refuses them
//                              as passwords; shorter ones are refused by the length rule anyway.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NM = join(ROOT, 'node_modules');
const MIN_CHARS = 12; // HY_PASSWORD_MIN in src/domain/auth.h

const HELP = `Usage: node scripts/build-data.mjs [--out DIR] [--check] [--quiet] [--help]

Writes the data files the server reads at run time, from pinned npm packages
(run \`npm ci\` first), into data/ (not committed):

  common-passwords.txt   common passwords of ${MIN_CHARS}+ characters, one a line, from
                         @zxcvbn-ts/language-common (src/passwords.json); read by
                         \`hamyari serve --password-list\` (its default path)

  --out DIR   write into DIR instead of data/
  --check     change nothing; exit 1 if a file is missing or out of date
  --quiet     print only errors
  --help      show this text
`;

function parseArgs(argv) {
  const o = { out: join(ROOT, 'data'), check: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') { process.stdout.write(HELP); process.exit(0); }
    else if (a === '--check') o.check = true;
    else if (a === '--quiet') o.quiet = true;
    else if (a === '--out' && i + 1 < argv.length) o.out = resolve(argv[++i]);
    else if (a.startsWith('--out=')) o.out = resolve(a.slice(6));
    else {
      process.stderr.write(`build-data: unknown argument '${a}' (see --help)\n`);
      process.exit(2);
    }
  }
  return o;
}

/** The common-password list: entries of MIN_CHARS+ code points, without line breaks, each once. */
async function commonPasswords() {
  const src = join(NM, '@zxcvbn-ts', 'language-common', 'src', 'passwords.json');
  let list;
  try {
    list = JSON.parse(await readFile(src, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${src} (${e.code || e.message}); run \`npm ci\``);
  }
  if (!Array.isArray(list)) throw new Error(`${src} is not a JSON array`);
  const seen = new Set();
  const out = [];
  for (const p of list) {
    if (typeof p !== 'string' || /[\r\n\0]/.test(p)) continue;
    if ([...p].length < MIN_CHARS || seen.has(p)) continue;
    seen.add(p);
    out.push(p);
  }
  return `${out.join('\n')}\n`;
}

const OUTPUTS = [
  ['common-passwords.txt', commonPasswords],
];

async function main() {
  const o = parseArgs(process.argv.slice(2));
  let stale = 0;
  for (const [name, build] of OUTPUTS) {
    const text = await build();
    const dest = join(o.out, name);
    let old = null;
    try { old = await readFile(dest, 'utf8'); } catch { /* missing */ }
    const lines = text.split('\n').length - 1;
    if (old === text) {
      if (!o.quiet) console.log(`build-data: ${dest} up to date (${lines} lines)`);
      continue;
    }
    if (o.check) {
      console.error(`build-data: ${dest} is ${old === null ? 'missing' : 'out of date'}`);
      stale++;
      continue;
    }
    await mkdir(o.out, { recursive: true });
    await writeFile(dest, text);
    if (!o.quiet) console.log(`build-data: wrote ${dest} (${lines} lines)`);
  }
  if (stale) process.exit(1);
}

main().catch((e) => {
  console.error(`build-data: ${e.message}`);
  process.exit(1);
});
