#!/usr/bin/env node
// bench/memory.mjs — what the server's memory is made of, phase by phase (SQLite store).
//
//   node bench/memory.mjs [--groups N] [--docs N] [--duration S] [--data DIR] [--keep]
//                         [--db URL] [-- SERVE_OPTIONS...]
//
// Loads N groups (default 1,000,000) and N documents (default 100,000) into one SQLite store
// with the bench's generator (bench/datasets.mjs) and `hamyari import`, starts `hamyari serve`
// with its default settings (only the address, the store, the web folder, no access log and a
// per-address limit that lets wrk through; anything after `--` is passed on), and then:
//   1. waits until the library index and the groups' spatial index are built;
//   2. drives nearest-groups load (bench/lua/near.lua) for S seconds;
//   3. drives library-search load (bench/lua/library.lua) for S seconds;
//   4. changes the library (one document imported by the command line), so the index is
//      rebuilt: once with no load, once while library-search load goes on (searches at the new
//      version read the store until the rebuilt index is in);
// printing after each phase the resident set (VmRSS), its highest value sampled during the
// phase (every 50 ms) and the process's peak (VmHWM), and at the end what each structure
// reports of itself (the `library index: …`, `groups index: …` and `… answer cache: …` log
// lines). Memory figures do not depend on the machine's load; times do.
//
// --data DIR keeps the generated data and the loaded store in DIR and reuses them on the next
// run (loading 100,000 documents takes about a minute); --keep leaves a fresh temporary one.
// Smaller sizes for a quick check: --groups 100000 --docs 10000 --duration 3.
// --db URL (a PostgreSQL store, say) measures that store instead of the SQLite one: it must hold
// the same generated data already (`hamyari import groups|library --db URL` of the files in
// DIR/gN-dN, made by one run with --data DIR); the load queries still come from DIR.
// Each phase also shows the anonymous part of the resident set (heap, malloc's arenas, the
// indexes; /proc/PID/smaps_rollup) and the threads the process has.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const args = dash >= 0 ? argv.slice(0, dash) : argv;
const serveExtra = dash >= 0 ? argv.slice(dash + 1) : [];
if (args.includes('--help') || args.includes('-h')) {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//')))
    .map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const opt = (n, d) => { const i = args.indexOf(n); return i >= 0 && args[i + 1] ? args[i + 1] : d; };
const NGROUPS = Number(opt('--groups', 1000000));
const NDOCS = Number(opt('--docs', 100000));
const DURATION = Number(opt('--duration', 8));
const BIN = process.env.HAMYARI_BIN || join(ROOT, 'build/hamyari');
const log = (...m) => console.error('memory:', ...m);

const dataRoot = opt('--data', null);
const dir = dataRoot ? resolve(dataRoot) : mkdtempSync(join(tmpdir(), 'hamyari-memory-'));
mkdirSync(dir, { recursive: true });
const data = join(dir, `g${NGROUPS}-d${NDOCS}`);
const dbFile = join(dir, `g${NGROUPS}-d${NDOCS}.db`);
const storeUrl = opt('--db', null);
const db = storeUrl || `sqlite:${dbFile}`;

function status(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number((s.match(new RegExp(`${k}:\\s+(\\d+) kB`)) || [0, 0])[1]);
  let anon = 0;
  try {
    const r = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    anon = Number((r.match(/^Anonymous:\s+(\d+) kB/m) || [0, 0])[1]) / 1024;
  } catch { /* not there: 0 */ }
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024, anon, threads: Number((s.match(/Threads:\s+(\d+)/) || [0, 0])[1]) };
}

function timed(what, fn) {
  const t0 = Date.now();
  log(`${what} …`);
  const r = fn();
  log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

function load() {
  if (storeUrl) { log(`measuring the store at ${storeUrl.replace(/\/\/[^@]*@/, '//')}`); return; }
  if (existsSync(dbFile) && dataRoot) { log(`reusing ${dbFile}`); return; }
  if (!existsSync(join(data, 'queries.tsv'))) timed(`data for ${NGROUPS} groups and ${NDOCS} documents`, () => execFileSync('node',
    [join(ROOT, 'bench/datasets.mjs'), data, '--groups', String(NGROUPS), '--docs', String(NDOCS)],
    { stdio: ['ignore', 'ignore', 'inherit'] }));
  timed('import groups', () => execFileSync(BIN, ['import', 'groups', '--db', db, join(data, 'groups.csv')], { stdio: 'ignore' }));
  timed('import library', () => execFileSync(BIN, ['import', 'library', '--db', db, join(data, 'library.json')], { stdio: 'ignore' }));
}

function startServer(dbUrl, extra) {
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', dbUrl, '--web', join(ROOT, 'web'),
    '--access-log', 'off', '--per-ip-limit', '4096', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let buf = '';
  child.stderr.on('data', (d) => { buf += d; });
  return new Promise((res, rej) => {
    const timer = setInterval(() => {
      const m = buf.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearInterval(timer); res({ child, base: `http://127.0.0.1:${m[1]}`, log: () => buf }); }
    }, 20);
    child.on('exit', (c) => { clearInterval(timer); rej(new Error(`hamyari exited ${c}: ${buf}`)); });
  });
}

function stop(child) {
  return new Promise((res) => {
    if (child.exitCode !== null) return res(child.exitCode);
    child.once('close', (c) => res(c));
    child.kill('SIGTERM');
  });
}

async function until(pred, what, timeoutMs = 600000) {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function wrk(url, script, env) {
  return new Promise((res, rej) => {
    const c = spawn('wrk', ['-t2', '-c64', `-d${DURATION}s`, '--timeout', '5s', '-s', script, url],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.on('exit', (code) => {
      if (code !== 0) return rej(new Error(`wrk exited ${code}`));
      const rps = Number((out.match(/Requests\/sec:\s+([\d.]+)/) || [])[1]);
      const non2xx = Number((out.match(/Non-2xx or 3xx responses:\s+(\d+)/) || [0, 0])[1]);
      res({ rps, non2xx });
    });
  });
}

const rows = [];
/** Runs one phase while sampling VmRSS every 50 ms; records resident, highest, peak. */
async function phase(h, name, fn) {
  let high = 0;
  const timer = setInterval(() => { try { high = Math.max(high, status(h.child.pid).rss); } catch { /* exited */ } }, 50);
  const t0 = Date.now();
  const note = await fn();
  clearInterval(timer);
  const s = status(h.child.pid);
  high = Math.max(high, s.rss);
  const row = { phase: name, rss_mb: s.rss, high_mb: high, hwm_mb: s.hwm, anon_mb: s.anon, threads: s.threads, s: (Date.now() - t0) / 1000, note: note || '' };
  rows.push(row);
  log(`${name}: resident ${s.rss.toFixed(1)} MB (anonymous ${s.anon.toFixed(1)}), highest in phase ${high.toFixed(1)} MB, peak ${s.hwm.toFixed(1)} MB, ${s.threads} threads ${row.note}`);
}

/** The first 1 MiB of a file, as text. */
function head(path) {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(1 << 20);
  const n = readSync(fd, b, 0, b.length, 0);
  closeSync(fd);
  return b.subarray(0, n).toString('utf8');
}

const count = (h, re) => (h.log().match(re) || []).length;

/** Imports one more document (the generator's first, retitled) with the command line while the
 *  server runs, asks once so the server sees the new version, and waits for the rebuilt index
 *  (and for `load`, a running wrk, when given). */
async function change(h, load) {
  const before = count(h, /library index: \d+/g);
  const doc = join(dir, 'change.json');
  const first = JSON.parse(head(join(data, 'library.json')).split('\n', 2)[1].replace(/,$/, ''));
  writeFileSync(doc, JSON.stringify([{ ...first, title: `Memory check ${Date.now()}` }]));
  execFileSync(BIN, ['import', 'library', '--db', db, doc], { stdio: 'ignore' });
  await fetch(`${h.base}/api/v1/library?q=memory`);
  await until(() => count(h, /library index: \d+/g) > before, 'the rebuild');
  if (!load) return '';
  const r = await load;
  return `${r.rps.toFixed(0)}/s, ${r.non2xx} not 2xx`;
}

async function main() {
  // The server alone on an empty store.
  const empty = join(dir, 'empty.db');
  const h0 = await startServer(`sqlite:${empty}`, serveExtra);
  await phase(h0, 'server on an empty store', () => new Promise((r) => setTimeout(r, 500)));
  await stop(h0.child);
  for (const ext of ['', '-wal', '-shm']) rmSync(empty + ext, { force: true });

  load();
  const env = { BENCH_POINTS: join(data, 'points.tsv'), BENCH_QUERIES: join(data, 'queries.tsv') };
  const h = await startServer(db, serveExtra);
  try {
    await phase(h, 'start: both indexes built', async () => {
      await until(() => /library index: \d+/.test(h.log()) && /groups index: \d+/.test(h.log()), 'indexes');
    });
    await phase(h, `${DURATION} s of nearest groups`, async () => {
      const r = await wrk(h.base, join(ROOT, 'bench/lua/near.lua'), env);
      return `${r.rps.toFixed(0)}/s, ${r.non2xx} not 2xx`;
    });
    await phase(h, `${DURATION} s of library searches`, async () => {
      const r = await wrk(h.base, join(ROOT, 'bench/lua/library.lua'), env);
      return `${r.rps.toFixed(0)}/s, ${r.non2xx} not 2xx`;
    });
    // A change with no searches going on: the rebuild's own cost. Then one under search load:
    // searches at the new version read the store until the new index is in.
    await phase(h, 'one library change, rebuilt (no load)', () => change(h, null));
    await phase(h, 'one library change, rebuilt under search load', () =>
      change(h, wrk(h.base, join(ROOT, 'bench/lua/library.lua'), env)));
  } finally {
    await stop(h.child);
  }
  const lines = h.log().split('\n').filter((l) => /library index: \d+|groups index: \d+|answer cache:/.test(l))
    .map((l) => l.replace(/^.*?(library index|groups index|library answer cache|open-data answer cache)/, '$1'));
  const out = [`Memory of \`hamyari serve\` (${storeUrl ? storeUrl.split(':')[0] : 'SQLite'}, ${NGROUPS} groups, ${NDOCS} documents${serveExtra.length ? `, ${serveExtra.join(' ')}` : ', default settings'}):`, '',
    '| phase | resident MB | of it anonymous MB | highest in phase MB | peak (VmHWM) MB | threads | notes |', '|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.phase} | ${r.rss_mb.toFixed(1)} | ${r.anon_mb.toFixed(1)} | ${r.high_mb.toFixed(1)} | ${r.hwm_mb.toFixed(1)} | ${r.threads} | ${r.note} |`),
    '', 'What the structures report:', '', ...lines.map((l) => `- ${l}`), ''];
  console.log(out.join('\n'));
  if (!dataRoot && !args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  else log(`data kept in ${dir}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
