// bench/run.mjs — see bench/README.md. Loopback only; every load is bounded in time.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync, copyFileSync, existsSync,
  readdirSync, chmodSync, createWriteStream, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import net from 'node:net';
import { perfStatus, profile, profilesMarkdown, PROFILE_HZ } from './profile.mjs';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`Usage: bench/run [--quick] [--duration SECONDS] [--connections N] [--skip-pg] [--keep]
                 [--lighthouse-only] [--skip-lighthouse] [--lighthouse-runs N] [--open-data-only]
                 [--only SECTIONS] [--voting-only] [--board-only [--pg-url URL]]
                 [--scale [--scale-groups LIST] [--scale-docs LIST] [--scale-max N]] [--targets]
                 [--no-profile] [--profile-seconds S]

Benchmarks Hamyari against references on this machine (loopback only) and prints ratios:
nginx (static file, /healthz bytes, a pre-rendered nearest-groups answer), PostgreSQL+PostGIS
through pgbench (nearest groups, library full text + facets) and the sqlite3 shell (library);
then the pages in a browser: Lighthouse's performance score of home, groups, help and library,
fa and en, mobile and desktop, with the demo data (goal: ≥ 90 on mobile).
Without a section option: everything below, then the targets of both rounds (the second round's
six in a table of their own: measured, target, met or missed), the run time and each section's.
A whole run takes about 40 minutes on 2 cores; each section is logged as it starts and ends
with the minutes so far.
Profiles: every measurement a target of the second round is judged by (1: nearest groups from
memory, and nginx serving the same answer; 3: library search without the answer cache; 5: each
row of how cost grows) gets a CPU profile with perf record, taken during an extra load run after
the measured ones (sampling costs CPU, so no measured figure is taken under perf): the server's
and, on the PostgreSQL store, the PostgreSQL backends' top symbols by self share and their sum by
area (Hamyari by source file, libmicrohttpd, zlib, libc, malloc/free, kernel, SQLite, libpq,
PostgreSQL). The results file gets a "Profiles" section (P1, P2, …); a missed target's row
points to its profiles and says what would reach it (the REACH table in bench/run.mjs). Peak
memory (target 4) is shown by phase: server started, indexes built, after each load, after a
library rebuild, with what each structure reports of its own size. Where perf cannot sample
(not installed, kernel.perf_event_paranoid, no perf_event_open in a container) the results say
so and the run goes on.
  --no-profile      no CPU profiles (their extra runs add about 1.5 min to a whole run)
  --profile-seconds S  seconds each profile samples (default 5; --quick 3)
  --quick           short run: 3 s per measurement and smaller datasets (100,000 groups,
                    10,000 documents, 2,000 volunteers, 10,000 requests)
  --duration S      seconds per measurement (default 10; --quick 3)
  --connections N   concurrent connections for wrk (default 64)
  --skip-pg         leave out everything that needs PostgreSQL
  --keep            keep the working folder (datasets, stores, logs) and print its path
  --lighthouse-only only the Lighthouse part (about 5 minutes)
  --open-data-only  only the open-data part (dataset loads and the dashboard's aggregates),
                    on SQLite and, unless --skip-pg, PostgreSQL
  --voting-only     only the voting burst (10,000 votes from 1,000 people on SQLite)
  --skip-lighthouse leave the Lighthouse part out
  --lighthouse-runs N  runs of each page, the median reported (default 3; --quick 1)
  --only SECTIONS   only these sections, comma-separated, on SQLite and PostgreSQL (unless
                    --skip-pg): trees (decision-tree evaluation), faq (FAQ answers over the
                    bench's library, imported first), near (nearest groups from the
                    in-memory index against nginx serving the same answer, --near-runs N runs
                    (default 3) with CPU time per answer and load average, and once with
                    --group-index off), submissions (request submissions with
                    durable commits, --runs times on a fresh store each: req/s, spread, load
                    average, and on PostgreSQL round trips, commits and CPU per submission),
                    claims (16 volunteers race for 10,000 requests, --quick 1,000: claims/s,
                    winners, double winners); results in bench/results/<date>-only.md
  --runs N          runs of the submissions section (default 3)
  --board-only      only the neighbour-help board's matching: 100,000 posts (--quick 20,000)
                    in a fresh SQLite store and, with --pg-url URL (a database it may create
                    databases in), a fresh PostgreSQL one; 5,000 compatible-posts queries in
                    process (bench/board_near.c); goal p99 < 20 ms
  --scale           only how cost grows: nearest groups at 10,000, 100,000, 1,000,000 and
                    10,000,000 groups and library search at 10,000, 100,000 and 1,000,000
                    documents, each on a fresh SQLite store (no answer cache): req/s, p99, CPU
                    per request, peak memory, load time and the growth per ×10 of data; results
                    in bench/results/<date>-scale.md. --scale-groups / --scale-docs LIST take
                    that kind's sizes instead (comma-separated, "none" for none), e.g.
                    --scale-groups 10000000 --scale-docs none for the largest point alone;
                    --scale-max N leaves out sizes above N; --scale-timeout S bounds each
                    import (default 3600). Groups are written in the store's Hilbert order and
                    library documents imported 100,000 a file; each import's progress is shown
  --targets         only what the second round's six targets are measured by, as in the whole
                    run (nearest groups from memory against nginx, library without the answer
                    cache, peak memory, submissions, the 16 × 10,000 claim race, on SQLite and
                    PostgreSQL; how cost grows up to 1,000,000 groups and 100,000 documents),
                    then the targets table; results in bench/results/<date>-targets.md
  --help            show this text
Results go to bench/results/<date>.md and .json.`);
  process.exit(0);
}
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const QUICK = args.includes('--quick');
const DURATION = Number(opt('--duration', QUICK ? 3 : 10));
const WARMUP = QUICK ? 1 : 2; // seconds of discarded load before each wrk measurement
const CONNS = Number(opt('--connections', 64));
const SKIP_PG = args.includes('--skip-pg');
const LH_ONLY = args.includes('--lighthouse-only');
const OPEN_DATA_ONLY = args.includes('--open-data-only');
const VOTING_ONLY = args.includes('--voting-only');
const BOARD_ONLY = args.includes('--board-only');
const SKIP_LH = args.includes('--skip-lighthouse');
const LH_RUNS = Math.max(1, Number(opt('--lighthouse-runs', QUICK ? 1 : 3)) || 1);
const ONLY = args.includes('--only') ? opt('--only', '').split(',').filter(Boolean) : null;
if (ONLY && (!ONLY.length || ONLY.some((x) => !['trees', 'faq', 'near', 'submissions', 'claims'].includes(x)))) {
  console.error('bench/run: --only takes trees, faq, near, submissions, claims (comma-separated)');
  process.exit(2);
}
const SIZES = QUICK
  ? { groups: 100000, docs: 10000, volunteers: 2000, requests: 10000 }
  : { groups: 1000000, docs: 100000, volunteers: 10000, requests: 100000 };
// pgbench runs each reference at every one of these client counts and keeps the best: the
// reference is PostgreSQL at its fastest on this machine.
const PG_CLIENTS = [2, 4, 8, 16];
const CLAIM_RACERS = 16;
const SUB_RUNS = Math.max(1, Number(opt('--runs', 3)) || 3);
const RACE_REQUESTS = QUICK ? 1000 : 10000, RACE_AT_ONCE = 8;
const BIN = process.env.HAMYARI_BIN || join(ROOT, 'build/hamyari');
const log = (...m) => console.error('bench:', ...m);
// CPU profiles (bench/profile.mjs): one extra, unmeasured load run per target 1/3/5 measurement.
const NO_PROFILE = args.includes('--no-profile');
const PROFILE_S = Math.max(1, Number(opt('--profile-seconds', QUICK ? 3 : 5)) || 5);
const PROFILES = [];

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
function ensurePackages() {
  const missing = [];
  if (!have('wrk')) missing.push('wrk');
  if (!existsSync('/usr/sbin/nginx')) missing.push('nginx-light');
  if (!have('sqlite3')) missing.push('sqlite3');
  if (!SKIP_PG && !existsSync('/usr/share/postgresql/15/extension/postgis.control')) missing.push('postgresql-15-postgis-3');
  if (!SKIP_PG && !have('pgbench')) missing.push('postgresql-client-15');
  if (missing.length === 0) return;
  log(`installing ${missing.join(' ')}`);
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], {
    stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
function freePort() {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
}
function startHamyari(db, extra = []) {
  const t0 = process.hrtime.bigint();
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db,
    '--web', join(ROOT, 'web'), '--access-log', 'off', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error('hamyari did not start in 60 s')), 60000);
    child.stderr.on('data', (d) => {
      buf += d;
      const m = buf.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        res({ child, port: Number(m[1]), startMs: ms, base: `http://127.0.0.1:${m[1]}`, log: () => buf });
      }
    });
    child.on('exit', (c) => { clearTimeout(timer); rej(new Error(`hamyari exited ${c}: ${buf}`)); });
  });
}
/** Waits until the server logged its library index as built (serve builds it in the background
 *  at start; searches before that read the store, which is not what the library rows measure). */
async function libraryIndexReady(h, timeoutMs = 300000) {
  const t0 = Date.now();
  while (!/library index: \d+ published documents/.test(h.log())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('hamyari did not build its library index in time');
    await new Promise((r) => setTimeout(r, 100));
  }
  const line = h.log().match(/library index: [^\n]*/)[0];
  log(line);
  return Number((line.match(/, (\d+) KiB, built in/) || [])[1]) || null;
}
/** The server's closing "group commit: N writes in M commits" line (after stop()). */
function groupCommit(h) {
  const m = h.log().match(/group commit: (\d+) writes in (\d+) commits/);
  return m ? { writes: Number(m[1]), commits: Number(m[2]) } : null;
}

/** Servers this run started and that are still running: a run that stops on an error stops them
 *  too, so no server outlives its bench. */
const started = new Set();
function stopAll() { for (const c of started) c.kill('SIGTERM'); }
process.on('exit', stopAll);

function stop(child) {
  return new Promise((res) => {
    if (child.exitCode !== null) return res(child.exitCode);
    child.once('close', (c) => res(c));
    child.kill('SIGTERM');
  });
}
function rssPeakMB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : null;
  } catch { return null; }
}
function wrk(url, script, env = {}, seconds = DURATION) {
  const a = ['-t2', `-c${CONNS}`, `-d${seconds}s`, '--latency', '--timeout', '5s'];
  if (script) a.push('-s', script);
  a.push(url);
  const out = execFileSync('wrk', a, { encoding: 'utf8', timeout: (DURATION + 30) * 1000,
    env: { ...process.env, ...env } });
  const rps = Number((out.match(/Requests\/sec:\s+([\d.]+)/) || [])[1]);
  const toMs = (v, u) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[u] ?? 1);
  const pct = (p) => { const m = out.match(new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`)); return m ? toMs(m[1], m[2]) : null; };
  const errors = (out.match(/Non-2xx or 3xx responses:\s+(\d+)/) || [0, 0])[1];
  const sockErr = out.match(/Socket errors: (.*)/);
  const total = Number((out.match(/(\d+) requests in/) || [])[1]);
  return { rps, p50: pct(50), p99: pct(99), non2xx: Number(errors), socketErrors: sockErr ? sockErr[1] : '', requests: total };
}
async function startNginx(dir, port) {
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `worker_processes ${cpus().length};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/octet-stream;
  types { application/json json; image/svg+xml svg; text/css css; }
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; root ${dir}/www; etag on; }
}
`);
  const child = spawn('/usr/sbin/nginx', ['-c', conf, '-p', dir], { stdio: 'ignore' });
  started.add(child);
  child.once('exit', () => started.delete(child));
  for (let i = 0; i < 100; i++) {
    try { await fetch(`http://127.0.0.1:${port}/healthz.json`); return child; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error('nginx did not start');
}
function timed(what, fn) {
  const t0 = process.hrtime.bigint();
  const r = fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  log(`${what}: ${s.toFixed(1)} s`);
  return { s, r };
}
async function timedAsync(what, fn) {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  log(`${what}: ${s.toFixed(1)} s`);
  return { s, r };
}
function pct(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
// Runs fn(i) for i in 0..n-1 with at most `conc` at once.
// wrk runs synchronously, so the event loop stands still while it measures; keep-alive sockets
// that fetch() pooled before and that the server closed meanwhile (it drops a connection idle for
// --header-timeout, 10 s) are only noticed once the loop turns. One turn of the loop (timers,
// then the I/O poll that delivers those sockets' end) before the first fetch keeps a POST from
// being written into a socket the server has already closed.
/** A GET after wrk has run (see pool() below): one turn of the event loop first, and once more on
 *  a fresh connection if the pooled one turns out closed all the same. */
async function fetchAfterWrk(url) {
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setImmediate(r));
  try {
    return await fetch(url);
  } catch (e) {
    if (e?.cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, { headers: { Connection: 'close' } });
  }
}
async function pool(n, conc, fn) {
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setImmediate(r));
  let next = 0;
  const worker = async () => { while (next < n) { const i = next++; await fn(i); } };
  await Promise.all(Array.from({ length: conc }, worker));
}

// ---- PostgreSQL
function psql(url, sql, extra = []) {
  return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', url, ...extra, '-c', sql],
    { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
}
/** pgbench at each of PG_CLIENTS client counts: the best run, with every count's rate. */
function pgbench(url, script, vars, dir, tag) {
  const runs = PG_CLIENTS.map((c) => ({ clients: c, ...pgbenchAt(c, url, script, vars, dir, `${tag}-c${c}`) }));
  for (const r of runs) log(`pgbench ${tag} -c${r.clients}: ${r.rps.toFixed(0)}/s`);
  const best = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
  return { ...best, by_clients: Object.fromEntries(runs.map((r) => [r.clients, Math.round(r.rps)])) };
}
function pgbenchAt(clients, url, script, vars, dir, tag) {
  const logdir = join(dir, `pgb-${tag}`);
  mkdirSync(logdir, { recursive: true });
  chmodSync(logdir, 0o777);
  const a = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(DURATION),
    '-f', script, '-l', `--log-prefix=${join(logdir, 'tx')}`];
  for (const [k, v] of Object.entries(vars)) a.push('-D', `${k}=${v}`);
  a.push(url);
  const out = execFileSync('pgbench', a, { encoding: 'utf8', cwd: logdir, timeout: (DURATION + 60) * 1000 });
  const tps = Number((out.match(/tps = ([\d.]+)/) || [])[1]);
  const failed = Number((out.match(/number of failed transactions: (\d+)/) || [0, 0])[1]);
  const lat = [];
  for (const f of readdirSync(logdir)) {
    for (const line of readFileSync(join(logdir, f), 'utf8').split('\n')) {
      const x = line.split(' ');
      if (x.length >= 3) lat.push(Number(x[2]) / 1000);
    }
  }
  lat.sort((p, q) => p - q);
  return { rps: tps, p50: pct(lat, 50), p99: pct(lat, 99), non2xx: failed, requests: lat.length };
}

// ---- pages in a browser: Lighthouse (npm lighthouse, Debian's Chromium), demo data.
const LH_PAGES = ['/', '/groups', '/help', '/library'];
async function lighthouseBench(dir) {
  const { launchChrome, audit } = await import('../tests/e2e/lib/lighthouse.mjs');
  const h = await startHamyari(`sqlite:${join(dir, 'lighthouse.db')}`, ['--demo']);
  const chrome = await launchChrome();
  const out = [];
  try {
    for (const formFactor of ['mobile', 'desktop']) {
      for (const lang of ['fa', 'en']) {
        for (const path of LH_PAGES) {
          const runs = [];
          for (let i = 0; i < LH_RUNS; i++) {
            runs.push(await audit(`${h.base}${path}?lang=${lang}`, { port: chrome.port, formFactor, categories: ['performance'] }));
          }
          // The run with the median performance score (Lighthouse's advice for noisy machines).
          runs.sort((a, b) => a.scores.performance - b.scores.performance);
          const m = runs[Math.floor(runs.length / 2)];
          const r = { page: path, lang, form_factor: formFactor, runs: runs.length, performance: m.scores.performance,
            all_scores: runs.map((x) => x.scores.performance), fcp_ms: m.fcp, lcp_ms: m.lcp, tbt_ms: m.tbt, cls: m.cls,
            si_ms: m.si, bytes: m.bytes, requests: m.requests };
          out.push(r);
          log(`lighthouse ${path} ${lang} ${formFactor}: performance ${r.performance} (runs ${r.all_scores.join(', ')}), `
            + `TBT ${Math.round(r.tbt_ms)} ms, LCP ${Math.round(r.lcp_ms)} ms, CLS ${r.cls.toFixed(3)}, ${Math.round(r.bytes / 1024)} KB`);
        }
      }
    }
  } finally {
    await chrome.close();
    await stop(h.child);
  }
  return out;
}

function lighthouseTarget(results) {
  const mobile = (results.lighthouse || []).filter((r) => r.form_factor === 'mobile');
  if (!mobile.length) return { what: 'Lighthouse performance ≥ 90 on mobile (home, groups, help, library; fa, en)', ok: null, value: '–' };
  const worst = mobile.reduce((a, b) => (b.performance < a.performance ? b : a));
  return { what: 'Lighthouse performance ≥ 90 on mobile (home, groups, help, library; fa, en)',
    ok: worst.performance >= 90, value: `lowest ${worst.performance} (${worst.page} ${worst.lang})` };
}

function lighthouseMarkdown(results) {
  if (!results.lighthouse?.length) return results.lighthouse_error ? `\nLighthouse did not run to the end: ${results.lighthouse_error}\n` : '';
  const f = (v, d = 0) => (v == null ? '–' : v.toFixed(d));
  return `\n## Pages in a browser (Lighthouse ${results.versions.lighthouse}, ${results.versions.chromium})\n\n`
    + `Demo data, \`?lang=\`; mobile = Lighthouse's simulated Moto G Power on slow 4G; the median of ${LH_RUNS} run(s) by score.\n\n`
    + '| page | lang | form | performance | runs | FCP ms | LCP ms | TBT ms | CLS | Speed Index ms | KB |\n'
    + '|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|\n'
    + results.lighthouse.map((r) => `| ${r.page} | ${r.lang} | ${r.form_factor} | ${r.performance} | ${r.all_scores.join(', ')} | `
      + `${f(r.fcp_ms)} | ${f(r.lcp_ms)} | ${f(r.tbt_ms)} | ${f(r.cls, 3)} | ${f(r.si_ms)} | ${f(r.bytes / 1024)} |`).join('\n') + '\n';
}

function lighthouseVersions(results) {
  results.versions.lighthouse = JSON.parse(readFileSync(join(ROOT, 'node_modules/lighthouse/package.json'), 'utf8')).version;
  results.versions.chromium = (spawnSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout || '').trim();
}

async function lighthouseOnly() {
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-bench-'));
  results = { date: new Date().toISOString(), quick: QUICK, cores: cpus().length, cpu: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30), versions: { hamyari: execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim(), node: process.version } };
  lighthouseVersions(results);
  results.lighthouse = await lighthouseBench(dir);
  results.targets = [lighthouseTarget(results)];
  const md = `# Benchmark ${results.date}: pages in a browser only\n\n${results.cores} cores (${results.cpu}), ${results.memory_gb} GB. `
    + `Versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join('; ')}.\n`
    + lighthouseMarkdown(results)
    + `\n| target | measured | met |\n|---|---|---|\n${results.targets.map((x) => `| ${x.what} | ${x.value} | ${x.ok == null ? 'not measured' : x.ok ? 'yes' : 'NO'} |`).join('\n')}\n`;
  const stamp = results.date.replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}-lighthouse.md`), md);
  writeFileSync(join(ROOT, `bench/results/${stamp}-lighthouse.json`), JSON.stringify(results, null, 2) + '\n');
  console.log(md);
  rmSync(dir, { recursive: true, force: true });
}

// The neighbour-help board: bench/board_near.c, built against the server's own libraries,
// loads the posts through the store's functions and times the compatible-posts query (the
// other kind, same category, overlapping window, 10 nearest within 50 km) in process.
function boardBench() {
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-bench-'));
  const exe = join(dir, 'board_near');
  const libs = execFileSync('pkg-config', ['--libs', 'sqlite3', 'libpq', 'jansson', 'libsodium', 'md4c-html', 'zlib'],
    { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('cc', ['-O2', '-std=c11', '-D_GNU_SOURCE', `-I${join(ROOT, 'src')}`, join(ROOT, 'bench/board_near.c'),
    ...['libhy_store.a', 'libhy_domain.a', 'libhy_util.a'].map((l) => join(dirname(BIN), l)), ...libs,
    '-lpthread', '-lm', '-o', exe]);
  const posts = QUICK ? '20000' : '100000';
  const out = [];
  const run = (url) => {
    log(`board: loading ${posts} posts into ${url.split(':')[0]}`);
    const r = JSON.parse(execFileSync(exe, [url, posts, '5000'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    log(`board (${r.store}): p50 ${(r.p50_us / 1000).toFixed(2)} ms, p99 ${(r.p99_us / 1000).toFixed(2)} ms ` +
      `(goal < 20 ms: ${r.p99_us < 20000 ? 'met' : 'NOT met'}), ${r.matches_avg} matches a query`);
    out.push(r);
  };
  run(`sqlite:${join(dir, 'board.db')}`);
  const pg = opt('--pg-url', '');
  if (pg && !SKIP_PG) {
    const name = `board_bench_${process.pid}`;
    execFileSync('psql', ['-X', '-q', pg, '-c', `CREATE DATABASE ${name}`]);
    try { run(pg.replace(/\/[^/?]*(\?|$)/, `/${name}$1`)); } finally { execFileSync('psql', ['-X', '-q', pg, '-c', `DROP DATABASE ${name}`]); }
  }
  const stamp = new Date().toISOString().replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}-board.json`), JSON.stringify({ cores: cpus().length, board: out }, null, 2) + '\n');
  console.log(JSON.stringify(out, null, 2));
  rmSync(dir, { recursive: true, force: true });
}

let results, row, measure;

// ---- the run's sections: each logged as it starts, with the minutes so far; their durations go
// to the results (what a whole run spends where).
const RUN_T0 = Date.now();
const SECTIONS = [];
function section(name) {
  const now = Date.now();
  const min = (ms) => `${(ms / 60000).toFixed(1)} min`;
  const last = SECTIONS.at(-1);
  if (last && last.s == null) {
    last.s = (now - last.t0) / 1000;
    log(`── section ${SECTIONS.length} done: ${last.name} took ${min(now - last.t0)} (${min(now - RUN_T0)} into the run)`);
  }
  if (name === 'report') return SECTIONS.push({ name, t0: now, s: null });
  SECTIONS.push({ name, t0: now, s: null });
  log(`── section ${SECTIONS.length}: ${name} (${min(now - RUN_T0)} into the run)`);
}
/** Closes the last section; the sections with their seconds, and the run's seconds so far. */
function sectionsDone() {
  section('report');
  SECTIONS.pop();
  return { sections: SECTIONS.map(({ name, s }) => ({ name, s })), total_s: (Date.now() - RUN_T0) / 1000 };
}
function sectionsMarkdown(t) {
  if (!t) return '';
  const m = (x) => `${Math.floor(x / 60)} min ${Math.round(x % 60)} s`;
  const top = [...t.sections].sort((a, b) => b.s - a.s).slice(0, 3);
  // A whole run is meant to fit in about 40 minutes on an idle two-core machine.
  const whole = !TARGETS && !ONLY && !QUICK;
  return `\nRun time: ${m(t.total_s)}${whole ? ` (a whole run is meant to take about 40 min on an idle 2-core machine${t.total_s > 2400 ? ': OVER' : ''})` : ''}. `
    + `Costliest sections: ${top.map((x) => `${x.name} ${m(x.s)}`).join('; ')}. Sections in order: ${t.sections.map((x) => `${x.name} ${m(x.s)}`).join('; ')}.\n`;
}

function initMeasure() {
  row = (name, r, ref, extra = {}) => {
    results.rows.push({ name, ref, ...r, ...extra });
    log(`${name}: ${r.rps?.toFixed(0)}/s p50 ${r.p50?.toFixed(2)} ms p99 ${r.p99?.toFixed(2)} ms${r.non2xx ? ` ERRORS ${r.non2xx}` : ''}`);
    return r;
  };
  measure = (name, url, ref, script, env, extra) => {
    // A discarded warm-up run first, for every row alike (caches, page cache, connections).
    log(`${name}: wrk ${WARMUP}s warm-up, then ${DURATION}s`);
    wrk(url, script, env, WARMUP);
    const r = wrk(url, script, env);
    if (r.non2xx > 0 && !extra?.allowErrors) throw new Error(`${name}: ${r.non2xx} answers were not 2xx — the comparison would be void`);
    return row(name, r, ref, { url: url.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''), ...(extra || {}) });
  };
}

async function main() {
  if (!existsSync(BIN)) {
    log('building hamyari');
    execFileSync('bash', [join(ROOT, 'scripts/build.sh')], { stdio: 'inherit' });
  }
  // The pages Lighthouse loads are built from web/_pages (only what changed is rewritten).
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs'), '--quiet'], { stdio: 'inherit' });
  if (LH_ONLY) return lighthouseOnly();
  if (OPEN_DATA_ONLY) return openDataOnly();
  if (VOTING_ONLY) return votingOnly();
  if (BOARD_ONLY) return boardBench();
  const perf = perfStatus(NO_PROFILE);
  log(perf.ok ? `profiles: perf record works here (kernel.perf_event_paranoid = ${perf.paranoid}); ${PROFILE_S} s at ${PROFILE_HZ} Hz each, on extra load runs`
    : `profiles: none in this run — ${perf.why}`);
  if (SCALE) return scaleBench();
  ensurePackages();
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-bench-'));
  mkdirSync(join(dir, 'www'));
  // nginx's workers and PostgreSQL run as unprivileged users: let them read the folder.
  execFileSync('chmod', ['755', dir, join(dir, 'www')]);
  results = { date: new Date().toISOString(), quick: QUICK, cores: cpus().length, cpu: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30), duration_s: DURATION, connections: CONNS,
    pgbench_clients: PG_CLIENTS, datasets: SIZES, versions: {}, load_s: {}, rss_peak_mb: {}, rows: [] };
  results.versions.hamyari = execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim();
  results.versions.nginx = spawnSync('/usr/sbin/nginx', ['-v'], { encoding: 'utf8' }).stderr.trim();
  results.versions.wrk = (spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout || '').split('\n')[0].trim();
  results.versions.sqlite3 = execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).split(' ')[0];
  if (!SKIP_PG) results.versions.pgbench = execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim();
  results.versions.node = process.version;

  initMeasure();
  if (ONLY) return onlySections(dir);
  if (TARGETS) return targetsRun(dir);

  // ---- datasets (fixed seed)
  section('datasets');
  const data = join(dir, 'data');
  timed(`datasets (${SIZES.groups} groups, ${SIZES.docs} documents)`, () => execFileSync('node',
    [join(ROOT, 'bench/datasets.mjs'), data, '--groups', String(SIZES.groups), '--docs', String(SIZES.docs)],
    { stdio: ['ignore', 'ignore', 'inherit'] }));
  execFileSync('chmod', ['-R', 'a+rX', data]);
  const env = { BENCH_POINTS: join(data, 'points.tsv'), BENCH_QUERIES: join(data, 'queries.tsv') };
  const points = readFileSync(env.BENCH_POINTS, 'utf8').trim().split('\n');
  const queries = readFileSync(env.BENCH_QUERIES, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const lua = (n) => join(ROOT, 'bench/lua', n);

  // ---- cold start: median of five fresh starts on an empty store.
  section('cold start');
  const starts = [];
  for (let i = 0; i < 5; i++) {
    const h = await startHamyari(`sqlite:${join(dir, `cold${i}.db`)}`);
    starts.push(h.startMs);
    await stop(h.child);
  }
  starts.sort((a, b) => a - b);
  results.cold_start_ms = starts[2];
  log(`cold start median ${starts[2].toFixed(0)} ms`);

  // ---- SQLite store: load through Hamyari's import path
  const sqdb = `sqlite:${join(dir, 'bench.db')}`;
  section('SQLite: imports');
  results.load_s.sqlite_groups = timed('import groups (SQLite)', () => execFileSync(BIN, ['import', 'groups', '--db', sqdb, join(data, 'groups.csv')], { stdio: 'ignore' })).s;
  results.load_s.sqlite_library = timed('import library (SQLite)', () => execFileSync(BIN, ['import', 'library', '--db', sqdb, join(data, 'library.json')], { stdio: 'ignore' })).s;

  // The claim race measures the race itself: the per-volunteer claim limits (open claims, give-backs
  // an hour) are off, and the racers live where the requests are (a claim needs a service area).
  const serveExtra = ['--rate-form-ip', '1000000000', '--requests-auto-open', 'on', '--per-ip-limit', '4096',
    '--max-open-claims', '0', '--claim-cycles-per-hour', '0'];
  let h = await startHamyari(sqdb, serveExtra);
  // Cold start with the full store (the first figure is an empty store).
  results.cold_start_full_ms = h.startMs;
  memPhase(h, 'sqlite', 'started (indexes not yet built)');

  // ---- nginx references
  section('SQLite: reads against nginx and the bare references');
  const health = Buffer.from(await (await fetch(`${h.base}/healthz`)).arrayBuffer());
  writeFileSync(join(dir, 'www/healthz.json'), health);
  const [la0, lo0] = points[0].split('\t');
  const nearAnswer = Buffer.from(await (await fetch(`${h.base}/api/v1/groups?near=${la0},${lo0}&limit=10`)).arrayBuffer());
  writeFileSync(join(dir, 'www/near.json'), nearAnswer);
  const staticName = 'favicon.svg';
  copyFileSync(join(ROOT, 'web', staticName), join(dir, 'www', staticName));
  execFileSync('chmod', ['644', join(dir, 'www', staticName), join(dir, 'www/healthz.json'), join(dir, 'www/near.json')]);
  const nport = await freePort();
  const nginx = await startNginx(dir, nport);
  const nbase = `http://127.0.0.1:${nport}`;

  measure('nginx: static file', `${nbase}/${staticName}`, null);
  measure('nginx: /healthz bytes as a file', `${nbase}/healthz.json`, null);
  measure(`nginx: pre-rendered nearest-groups answer (${nearAnswer.length} B)`, `${nbase}/near.json`, null);
  measure('hamyari: /healthz (SQLite)', `${h.base}/healthz`, 'nginx: /healthz bytes as a file');
  measure('hamyari: static file', `${h.base}/${staticName}`, 'nginx: static file');
  nginx.kill('SIGQUIT');

  // ---- SQLite: nearest groups and library search
  measure(`hamyari: nearest 10 groups of ${SIZES.groups} (SQLite)`, h.base, 'pgbench: PostGIS nearest 10 (bare query)', lua('near.lua'), env);
  section('SQLite: nearest groups from memory against nginx, runs and spread');
  await nearBench(dir, h, sqdb, 'SQLite', 'sqlite', env, lua);
  memPhase(h, 'sqlite', 'groups index built, after the nearest-groups load');
  section('SQLite: library and FAQ');
  results.library_index_kib = { sqlite: await libraryIndexReady(h) };
  measure(`hamyari: library q+type+lang, facets, ${SIZES.docs} docs (SQLite)`, h.base, 'pgbench: library full text + facets (bare query)', lua('library.lua'), env);
  measure(`hamyari: FAQ answers, a typed question, ${SIZES.docs} docs (SQLite)`, h.base, null, lua('faq.lua'), env);
  memPhase(h, 'sqlite', 'library index built, after the library and FAQ loads');
  await libraryRebuild(h, sqdb, data);
  memPhase(h, 'sqlite', 'after a library rebuild (one document changed)');
  await noCacheLibrary('SQLite', sqdb, serveExtra, env, lua);
  log('sqlite3 shell: library queries');
  row('sqlite3 shell: library full text + facets (bare query, 2 shells)', await sqliteRef(join(dir, 'bench.db'), queries, dir), null);
  results.rows.at(-2).ref2 = results.rows.at(-1).name;

  // ---- Forecast (stateless, so measured once, on this server)
  section('forecast, decision trees, voting burst');
  forecastBench(h, dir);
  treesBench('SQLite', h);
  results.voting = await votingBurst(dir);

  // ---- Open data: loading a dataset while the server runs, and the dashboard's aggregates
  section('open data');
  await openDataBench(h, sqdb, dir);

  // ---- SQLite: volunteers, request submission, the claim race
  section('SQLite: writes');
  const writes = await writeBench('SQLite', h, sqdb, dir);
  results.load_s.sqlite_volunteers = writes.volunteers_s;
  results.load_s.sqlite_requests = writes.requests_s;
  results.rss_peak_mb.sqlite = rssPeakMB(h.child.pid);
  memPhase(h, 'sqlite', 'after forecast, trees, open data and the writes');
  await stop(h.child);
  memStructures(h, 'sqlite');
  results.group_commit = { sqlite: groupCommit(h) };
  section('SQLite: submissions on fresh stores, the claim race');
  await submissionRuns('sqlite', sqdb);
  await claimRace('sqlite', sqdb);

  // ---- PostgreSQL
  if (!SKIP_PG) {
    const pgdir = join(dir, 'pg');
    section('PostgreSQL: imports');
    const url = startDurablePg(pgdir);
    try {
      results.load_s.pg_groups = timed('import groups (PostgreSQL)', () => execFileSync(BIN, ['import', 'groups', '--db', url, join(data, 'groups.csv')], { stdio: 'ignore' })).s;
      results.load_s.pg_library = timed('import library (PostgreSQL)', () => execFileSync(BIN, ['import', 'library', '--db', url, join(data, 'library.json')], { stdio: 'ignore' })).s;
      results.versions.postgis = psql(url, 'SELECT extversion FROM pg_extension WHERE extname = \'postgis\'');
      psql(url, 'CREATE TABLE bench_points(i serial PRIMARY KEY, lat float8, lon float8); CREATE TABLE bench_queries(i serial PRIMARY KEY, word text, type text, lang text)');
      psql(url, `\\copy bench_points(lat, lon) FROM '${env.BENCH_POINTS}'`);
      psql(url, `\\copy bench_queries(word, type, lang) FROM '${env.BENCH_QUERIES}'`);
      psql(url, 'ANALYZE');
      section('PostgreSQL: reads');
      const pg = await startHamyari(url, serveExtra);
      memPhase(pg, 'postgresql', 'started (indexes not yet built)');
      measure(`hamyari: nearest 10 groups of ${SIZES.groups} (PostgreSQL store)`, pg.base, 'pgbench: PostGIS nearest 10 (bare query)', lua('near.lua'), env);
      await nearBench(dir, pg, url, 'PostgreSQL store', 'postgresql', env, lua);
      memPhase(pg, 'postgresql', 'groups index built, after the nearest-groups load');
      results.library_index_kib.postgresql = await libraryIndexReady(pg);
      measure(`hamyari: library q+type+lang, facets, ${SIZES.docs} docs (PostgreSQL store)`, pg.base, 'pgbench: library full text + facets (bare query)', lua('library.lua'), env);
      measure(`hamyari: FAQ answers, a typed question, ${SIZES.docs} docs (PostgreSQL store)`, pg.base, null, lua('faq.lua'), env);
      memPhase(pg, 'postgresql', 'library index built, after the library and FAQ loads');
      await libraryRebuild(pg, url, data);
      memPhase(pg, 'postgresql', 'after a library rebuild (one document changed)');
      await noCacheLibrary('PostgreSQL store', url, serveExtra, env, lua);
      treesBench('PostgreSQL store', pg);
      section('PostgreSQL: writes');
      const pw = await writeBench('PostgreSQL', pg, url, dir);
      results.load_s.pg_volunteers = pw.volunteers_s;
      results.load_s.pg_requests = pw.requests_s;
      results.rss_peak_mb.postgresql = rssPeakMB(pg.child.pid);
      memPhase(pg, 'postgresql', 'after the trees and the writes');
      await stop(pg.child);
      memStructures(pg, 'postgresql');
      results.group_commit.postgresql = groupCommit(pg);
      section('PostgreSQL: submissions on fresh databases, the claim race');
      await submissionRuns('postgresql', url);
      await claimRace('postgresql', url);
      section('pgbench references');
      log('pgbench: nearest groups');
      row('pgbench: PostGIS nearest 10 (bare query)', pgbench(url, join(ROOT, 'bench/sql/near.pgbench'), { npoints: points.length }, dir, 'near'), null,
        { note: 'best of -c 2, 4, 8, 16; -M prepared' });
      log('pgbench: library');
      row('pgbench: library full text + facets (bare query)', pgbench(url, join(ROOT, 'bench/sql/library.pgbench'), { nqueries: queries.length }, dir, 'lib'), null,
        { note: 'best of -c 2, 4, 8, 16; -M prepared' });
    } finally {
      spawnSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'stop', pgdir], { stdio: 'ignore' });
    }
  }
  section('how cost grows');
  results.scale = await scaleRows(targetScalePlan(), dir);
  if (!SKIP_LH) {
    section('pages in a browser (Lighthouse)');
    // A page that fails to load is reported, and fails the run, after the other figures are
    // written: twenty minutes of measurements are not thrown away for it.
    try {
      lighthouseVersions(results);
      results.lighthouse = await lighthouseBench(dir);
    } catch (e) {
      results.lighthouse_error = String(e?.message || e);
      log(`lighthouse failed: ${results.lighthouse_error}`);
      process.exitCode = 1;
    }
  }
  results.timing = sectionsDone();
  report(results, dir);
}

// ---- the targets of the second performance round, from this run's own measurements

/** What would reach each target of the second round when a run misses it, printed under the
 *  targets table beside the profiles that show why. Keyed by target number, or number:store
 *  (sqlite, postgresql) where the stores differ. Written from the profiles and memory phases of
 *  the runs of 2026-12-07 (docs/capacity.md and docs/spatial-index.md give the details); to be
 *  rewritten when a run's profiles say otherwise. */
const REACH = {
  '1:sqlite': 'about 40 % of the server\'s CPU is the kernel sending the answer (nginx: about 80 %, one write), the rest the tree walk and unpacking (~23 %) and libmicrohttpd\'s per-answer work (its 32 KiB connection pool cleared, nine headers copied, ~4 µs an answer): a response whose fixed headers are prepared once, and a smaller pool once the largest accepted request header allows it',
  '1:postgresql': 'the version read itself is one prepared single-row SELECT a batch (2–5 % of the server, 3–5 µs of PostgreSQL an answer); about a quarter of the server\'s CPU is suspending and resuming each waiting request in libmicrohttpd (epoll_ctl, epoll_wait, the eventfd write per resume): resume a batch with one wake-up (or keep a batch\'s requests in one thread), which libmicrohttpd 0.9.75 does not offer. On a guest where re-enabling interrupts traps to the hypervisor (pvm_irq_enable, 30 % of the server\'s samples on 2026-12-07 05:25) each wake-up costs more, so this store\'s answer cost 53 µs against SQLite\'s 25 there; malloc/free was 12 % of it (6.5 µs an answer, SQLite 1.2 µs), and more malloc arenas (MALLOC_ARENA_MAX=8 instead of serve\'s 2) measured within the noise',
  2: 'fewer round trips a submission (pipeline mode, one statement per submission); commits stay batched',
  '3:sqlite': 'at 64 connections on 2 cores even nginx\'s static answer has p99 ~6–7 ms, so p99 < 10 ms needs a search near a static answer\'s cost (~0.1 CPU ms, today ~0.43): zlib decoding the page\'s texts (~25 %, the decoding itself: the dictionary copy is 0.3–0.6 µs of a record\'s 3.7 µs) and the snippets (~20 %) — a text codec with no per-record setup at today\'s 3.4× compression, and a "word hits the body" bit in the postings so only the snippet\'s own text is read',
  '3:postgresql': 'as on SQLite (the page comes from the in-memory index on both stores), plus the library version read a PostgreSQL backend does per search: coalesce it the way nearest groups do',
  4: 'the start, both indexes built one after the other, peaks at about 200 MB (199–203 MB in ten starts and two bench runs on 2026-12-07; one run\'s 328.7 MB was not seen again). With both indexes and the loads the server holds 170–186 MB, so a library rebuild, which builds the new search part (~29 MiB: posting lists, document arrays, words) beside the index it replaces, cannot stay under 200 MB however its builder is written; today it adds 50–60 MB (the per-word posting lists, grown by doubling, held with their copy into one array; taking each list over in its own malloc block instead was tried: 10 MB less at the peak, but 6–27 MB more resident after, from the holes it leaves in malloc\'s arenas). What would reach it: a smaller steady state (of the groups index\'s 84 MiB, 61 are its packed answers, beside the 23 MiB spatial part) and a rebuild of only the changed documents, or the postings in chunks of the index\'s own (block chains compacted chunk by chunk)',
  5: 'library CPU a search grows ×1.9 per ×10 of documents mostly because the bench\'s pages fill up (every query fills its page of 20 at 100,000 documents, about a quarter at 10,000): the per-item cost (inflating, snippet, JSON) is what grows; the matches\' own work (postings, scores, facet counts) is ~12 %. Where the groups half misses (×1.55 from 100,000 to 1,000,000 groups on 2026-12-07 05:25), that row\'s server spent three times the CPU in malloc and free as the target-1 server at the same size (the same code and data; why its heap cost more after the build is not yet known), and the tree walk grows by ~1.5 µs as the 23 MiB spatial part leaves the CPU\'s caches',
  6: 'claims ride the submissions\' group commit; more claims a commit',
};
function reachLine(n, store) {
  return REACH[`${n}:${store}`] ?? REACH[n] ?? 'to update: no line in bench/run.mjs\'s REACH table yet';
}

/** Profile Pn: `load(seconds)` run once more against the server `h` while perf samples it and,
 *  on the PostgreSQL store (db not sqlite:), the backends connected to its database. */
async function profileLoad(title, target, store, h, db, load, extraParts = []) {
  const parts = h ? [{ what: 'hamyari serve', pids: [h.child.pid] }] : [];
  if (h && db && !db.startsWith('sqlite:')) {
    let pids = [];
    try {
      pids = psql(db, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
        .split('\n').map(Number).filter(Boolean);
    } catch { /* the list stays empty: the part is left out */ }
    parts.push({ what: 'PostgreSQL backends serving it', pids });
  }
  parts.push(...extraParts);
  const p = await profile({ id: `P${PROFILES.length + 1}`, title, target, store, parts, seconds: PROFILE_S, load, bin: BIN, root: ROOT, log });
  PROFILES.push(p);
  return p;
}
const profileLinks = (ps) => ps.map((p) => `[${p.id}](#profile-${p.id.toLowerCase()})`).join(', ');

/** Samples a server's memory every 50 ms while the bench itself waits (during a load run, which
 *  blocks the bench's event loop, it is not sampled): the highest resident set seen since the
 *  last phase, split into its anonymous (heap, indexes), file-backed and shared parts, when it
 *  was seen and the line the server had logged last, so that a phase's peak can be placed. */
function memWatch(h) {
  const t0 = Date.now();
  const timer = setInterval(() => {
    let m;
    try { m = rssMB(h.child.pid); } catch { return; }
    if (h.memHigh && m.rss <= h.memHigh.rss_mb) return;
    const text = h.log().trimEnd();
    const last = text.slice(text.lastIndexOf('\n') + 1);
    h.memHigh = { rss_mb: m.rss, anon_mb: m.anon, file_mb: m.file, shmem_mb: m.shmem,
      at_s: (Date.now() - t0) / 1000, after: last.replace(/^\S+ \w+ /, '').slice(0, 90) };
  }, 50);
  timer.unref();
  h.child.once('exit', () => clearInterval(timer));
  h.memWatched = true;
}
/** Target 4's evidence: the server's resident set (VmRSS) and peak so far (VmHWM) at a phase, and
 *  the highest resident set sampled since the previous phase (memWatch, started at the first). */
function memPhase(h, store, phase) {
  const m = rssMB(h.child.pid);
  const high = h.memHigh || null;
  h.memHigh = null;
  if (!h.memWatched) memWatch(h);
  ((results.memory ??= {})[store] ??= { phases: [], structures: [] }).phases.push({ phase, rss_mb: m.rss, hwm_mb: m.hwm, high });
  log(`memory (${store}): ${phase}: resident ${m.rss.toFixed(1)} MB, peak so far ${m.hwm.toFixed(1)} MB`
    + (high ? `; highest sampled since the last phase ${high.rss_mb.toFixed(1)} MB (anonymous ${high.anon_mb.toFixed(1)}, files ${high.file_mb.toFixed(1)}, shared ${high.shmem_mb.toFixed(1)}) at ${high.at_s.toFixed(1)} s, after "${high.after}"` : ''));
}
/** After the server stopped: what its structures logged of their own size. */
function memStructures(h, store) {
  const lines = h.log().split('\n').filter((l) => /library index: \d+|groups index: \d+|answer cache:/.test(l))
    .map((l) => l.replace(/^.*?((library|groups) index|[\w-]+ answer cache)/, '$1').trim());
  ((results.memory ??= {})[store] ??= { phases: [], structures: [] }).structures = lines;
}
/** One document more in the library through the command line while the server runs (the first
 *  of the bench's file under a new title), then one search so the server sees the new version;
 *  resolves when the server has logged its rebuilt library index. */
async function libraryRebuild(h, db, data) {
  const seen = () => (h.log().match(/library index: \d+ published/g) || []).length;
  const n0 = seen();
  const buf = Buffer.alloc(1 << 20);
  const fd = openSync(join(data, 'library.json'), 'r');
  const got = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const doc = JSON.parse(buf.subarray(0, got).toString('utf8').split('\n')[1].replace(/,\s*$/, ''));
  const file = join(data, 'rebuild.json');
  writeFileSync(file, JSON.stringify([{ ...doc, title: `Rebuild ${Date.now()}` }]));
  execFileSync(BIN, ['import', 'library', '--db', db, file], { stdio: 'ignore' });
  // On a connection of its own, closed after the answer: no kept-alive socket is left in the
  // pool for the server to close while a later wrk run blocks the event loop.
  await new Promise((r) => setImmediate(r));
  const ask = () => fetch(`${h.base}/api/v1/library?q=rebuild`, { headers: { Connection: 'close' } });
  const res = await ask().catch((e) => { if (e?.cause?.code === 'UND_ERR_SOCKET') return ask(); throw e; });
  await res.arrayBuffer();
  const t0 = Date.now();
  while (seen() <= n0) {
    if (Date.now() - t0 > 300000) throw new Error('hamyari did not rebuild its library index in 5 min');
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`library rebuilt after one change in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
function memoryMarkdown(mem) {
  if (!mem || !Object.keys(mem).length) return '';
  const f = (v) => (v == null ? '–' : v.toFixed(1));
  let md = '\n## Memory by phase\n\nThe server\'s resident set (VmRSS) and its peak so far (VmHWM) at each phase, so the phase '
    + 'that sets target 4\'s peak shows. Target 4\'s figure is the peak where the run takes it: \`--targets\` after the library load '
    + '(before the rebuild, as in earlier runs), the whole run at the end (after the rebuild and the writes). '
    + 'The last column is the highest resident set the bench sampled (every 50 ms while it waited, not during load runs) '
    + 'since the previous phase: anonymous memory (heap, indexes) / file-backed / shared, the seconds since the server '
    + 'started, and the line the server had logged last before it.\n\n'
    + '| store | phase | resident MB | peak so far MB | highest sampled since the previous phase: MB (anonymous / files / shared), when, after |\n|---|---|---:|---:|---|\n';
  const hi = (x) => (x.high ? `${f(x.high.rss_mb)} (${f(x.high.anon_mb)} / ${f(x.high.file_mb)} / ${f(x.high.shmem_mb)}), ${f(x.high.at_s)} s, after “${x.high.after.replace(/[|\n]/g, ' ')}”` : '–');
  for (const [store, m] of Object.entries(mem)) md += m.phases.map((x) => `| ${store} | ${x.phase} | ${f(x.rss_mb)} | ${f(x.hwm_mb)} | ${hi(x)} |`).join('\n') + '\n';
  for (const [store, m] of Object.entries(mem)) {
    if (m.structures.length) md += `\nWhat the structures report of themselves (${store}):\n\n${m.structures.map((l) => `- ${l}`).join('\n')}\n`;
  }
  return md;
}

/** Median and spread of `k` over runs. */
function medianOf(xs, k) {
  const v = xs.map((x) => x[k]).filter((x) => x != null).sort((a, b) => a - b);
  return v.length ? { med: v[Math.floor(v.length / 2)], min: v[0], max: v.at(-1), n: v.length } : null;
}

/** The six targets: each with what was measured, the target, and met (true/false; null when the
 *  run did not measure it). */
function round2Targets(results) {
  const f = (v, d = 2) => (v == null || Number.isNaN(v) ? '–' : v.toFixed(d));
  const span = (m, d = 0) => (!m ? '–' : m.n > 1 ? `${f(m.med, d)} (median of ${m.n} runs, ${f(m.min, d)}–${f(m.max, d)})` : `${f(m.med, d)} (1 run)`);
  const out = [];
  const t = (n, what, target, ok, value) => out.push({ n, what, target, ok: ok == null ? null : !!ok, value });
  const near = results.near || {};
  const ng = near.nginx ? medianOf(near.nginx, 'rps') : null;
  for (const [store, name] of [['sqlite', 'SQLite'], ['postgresql', 'PostgreSQL']]) {
    const n = near[store];
    const rps = n ? medianOf(n.index_runs, 'rps') : null, p99 = n ? medianOf(n.index_runs, 'p99') : null;
    const ratio = rps && ng ? rps.med / ng.med : null;
    t(1, `nearest groups, ${name} store, from memory`, '≥ 0.8× nginx serving the same answer as a file; p99 < 5 ms at '
      + `${CONNS} connections`, ratio == null ? null : ratio >= 0.8 && p99.med < 5,
    ratio == null ? '–' : `${f(ratio)}× nginx (${span(rps)}/s against ${span(ng)}/s); p99 ${span(p99, 2)} ms`);
  }
  const sub = results.rows.find((r) => r.runs && /request submission.*PostgreSQL/.test(r.name));
  t(2, 'durable submissions, PostgreSQL store', '≥ 3,000/s, zero errors', sub ? sub.rps >= 3000 && !sub.non2xx : null,
    sub ? `${f(sub.rps, 0)}/s ${sub.runs.length > 1 ? `median of ${sub.runs.length} fresh databases (${f(sub.spread[0], 0)}–${f(sub.spread[1], 0)})` : 'on one fresh database'}, ${sub.non2xx} errors, `
      + `${f(medianOf(sub.runs, 'round_trips_per_submission')?.med)} round trips a submission` : '–');
  for (const store of ['SQLite', 'PostgreSQL store']) {
    const r = results.rows.find((x) => /no answer cache/.test(x.name) && x.name.endsWith(`(${store})`));
    t(3, `library search without the answer cache, ${store}, ${SIZES.docs.toLocaleString('en')} documents`, 'p99 < 10 ms',
      r ? r.p99 < 10 : null, r ? `p99 ${f(r.p99)} ms, p50 ${f(r.p50)} ms, ${f(r.rps, 0)}/s` : '–');
  }
  const mem = results.rss_peak_mb || {};
  const ix = ['sqlite', 'postgresql'].filter((s) => near[s]).map((s) => `${s} groups index ${f(near[s].index.kib / 1024, 1)} MiB`);
  if (results.library_index_kib) ix.push(...Object.entries(results.library_index_kib).map(([k, v]) => `${k} library index ${f(v / 1024, 1)} MiB`));
  const peaks = Object.values(mem).filter((v) => v != null);
  t(4, `peak memory, ${SIZES.groups.toLocaleString('en')} groups and ${SIZES.docs.toLocaleString('en')} documents loaded`, '< 200 MB',
    peaks.length ? Math.max(...peaks) < 200 : null,
    `${Object.entries(mem).map(([k, v]) => `${k} ${f(v, 1)} MB`).join(', ') || '–'}${ix.length ? ` (${ix.join(', ')})` : ''}`);
  const sc = results.scale?.target;
  const sizes = (k) => (results.scale?.rows || []).filter((r) => r.kind === k).map((r) => r.n.toLocaleString('en')).join(', ') || 'none';
  t(5, `how cost grows (SQLite; groups ${sizes('groups')}; documents ${sizes('docs')}; 10,000,000 groups and 1,000,000 documents only with --scale)`,
    'CPU a request ≤ 1.5× and memory ≤ 11× per ×10 of data', sc ? sc.ok : null, sc ? sc.value : '–');
  const races = results.rows.filter((r) => r.double_winners != null);
  for (const r of races) {
    t(6, `claim race, ${r.name.match(/\(([^)]+)\)$/)[1]}`, `${CLAIM_RACERS} volunteers × ${RACE_REQUESTS.toLocaleString('en')} requests: exactly one winner each, claims/s`,
      r.double_winners === 0 && r.no_winner === 0 && !r.non2xx && r.rounds === RACE_REQUESTS,
      `${f(r.rps, 0)} claims/s, ${r.winners} winners for ${r.rounds} requests, ${r.double_winners} double winners, ${r.no_winner} without, `
      + `${r.non2xx} errors${r.group_commit ? `; ${f(r.group_commit.writes / r.group_commit.commits, 1)} writes a commit` : ''}`);
  }
  if (!races.length) t(6, 'claim race', `${CLAIM_RACERS} volunteers × ${RACE_REQUESTS} requests: exactly one winner each`, null, '–');
  // The evidence: each row's profiles (targets 1, 3, 5; nginx's reference profile with both
  // rows of target 1) and, when missed, what would reach it.
  for (const x of out) {
    x.store = /PostgreSQL/.test(x.what) ? 'postgresql' : /SQLite/.test(x.what) ? 'sqlite' : null;
    x.profiles = PROFILES.filter((p) => p.target === x.n && (p.store == null || x.store == null || p.store === x.store)).map((p) => p.id);
    if (x.ok === false) x.reach = reachLine(x.n, x.store);
  }
  return out;
}

const TARGETS = args.includes('--targets');

/** --targets: only what the six targets of the second round are measured by, the same way as in
 *  the whole run: per store (SQLite, then PostgreSQL unless --skip-pg) the imports, nearest groups
 *  from memory against nginx (--near-runs runs, and the store path once), the library with and
 *  without the answer cache, the server's peak memory, submissions on fresh stores (--runs) and
 *  the claim race; then how cost grows (SQLite, up to 1,000,000 groups and 100,000 documents). */
async function targetsRun(dir) {
  const lua = (n) => join(ROOT, 'bench/lua', n);
  const data = join(dir, 'data');
  section('datasets');
  timed(`datasets (${SIZES.groups} groups, ${SIZES.docs} documents)`, () => execFileSync('node',
    [join(ROOT, 'bench/datasets.mjs'), data, '--groups', String(SIZES.groups), '--docs', String(SIZES.docs)],
    { stdio: ['ignore', 'ignore', 'inherit'] }));
  execFileSync('chmod', ['-R', 'a+rX', data]);
  const env = { BENCH_POINTS: join(data, 'points.tsv'), BENCH_QUERIES: join(data, 'queries.tsv') };
  const serveExtra = ['--per-ip-limit', '4096'];
  results.library_index_kib = {};
  const perStore = async (store, db) => {
    const name = store === 'sqlite' ? 'SQLite' : 'PostgreSQL store';
    section(`${name}: imports`);
    results.load_s[`${store}_groups`] = timed(`import groups (${name})`, () => execFileSync(BIN, ['import', 'groups', '--db', db, join(data, 'groups.csv')], { stdio: 'ignore' })).s;
    results.load_s[`${store}_library`] = timed(`import library (${name})`, () => execFileSync(BIN, ['import', 'library', '--db', db, join(data, 'library.json')], { stdio: 'ignore' })).s;
    if (store !== 'sqlite') psql(db, 'ANALYZE');
    section(`${name}: nearest groups from memory against nginx`);
    const h = await startHamyari(db, serveExtra);
    try {
      memPhase(h, store, 'started (indexes not yet built)');
      await groupIndexReady(h);
      results.library_index_kib[store] = await libraryIndexReady(h);
      memPhase(h, store, 'groups and library indexes built');
      await nearBench(dir, h, db, name, store, env, lua);
      memPhase(h, store, 'after the nearest-groups load (and the store-path server)');
      section(`${name}: library`);
      measure(`hamyari: library q+type+lang, facets, ${SIZES.docs} docs (${name})`, h.base, null, lua('library.lua'), env);
      memPhase(h, store, 'after the library load');
      results.rss_peak_mb[store] = rssPeakMB(h.child.pid);
      await libraryRebuild(h, db, data);
      memPhase(h, store, 'after a library rebuild (one document changed)');
    } finally {
      await stop(h.child);
      memStructures(h, store);
    }
    await noCacheLibrary(name, db, serveExtra, env, lua);
    section(`${name}: submissions on fresh stores, the claim race`);
    await submissionRuns(store, db);
    await claimRace(store, db);
  };
  await onBothStores(dir, perStore);
  section('how cost grows');
  results.scale = await scaleRows(targetScalePlan(), dir);
  results.timing = sectionsDone();
  const f = (v, d = 0) => (v == null || Number.isNaN(v) ? '–' : v.toFixed(d));
  const md = `# Benchmark ${results.date}: the second round's targets only${QUICK ? ' (--quick: smaller datasets, 3 s runs — not the issue\'s figures)' : ''}\n\n`
    + `${results.cores} cores (${results.cpu}), ${results.memory_gb} GB; server and load generator share them. `
    + `wrk -t2 -c${results.connections} -d${results.duration_s}s on loopback. Datasets (fixed seed): ${SIZES.groups} groups, ${SIZES.docs} library documents.\n`
    + `Versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join('; ')}.\n\n`
    + '| measurement | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n'
    + results.rows.map((r) => `| ${r.name} | ${f(r.rps)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.non2xx}${r.socketErrors ? ` (${r.socketErrors})` : ''} |`).join('\n') + '\n'
    + `\nLoad times (s): ${Object.entries(results.load_s).map(([k, v]) => `${k} ${f(v, 1)}`).join(', ')}.\n`
    + (results.near ? nearTable(results.near) : '')
    + round2Markdown(results);
  const stamp = results.date.replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}-targets${QUICK ? '-quick' : ''}.md`), md);
  writeFileSync(join(ROOT, `bench/results/${stamp}-targets${QUICK ? '-quick' : ''}.json`), JSON.stringify(results, null, 2) + '\n');
  console.log(md);
  if (args.includes('--keep')) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

function round2Markdown(results) {
  results.targets_round2 = round2Targets(results);
  results.profiles = PROFILES;
  const rows = results.targets_round2;
  const met = rows.filter((x) => x.ok).length, missed = rows.filter((x) => x.ok === false).length;
  return `\n## Targets of the second round (${met} met, ${missed} missed, ${rows.length - met - missed} not measured)\n\n`
    + '| # | what | measured | target | met |\n|---|---|---|---|---|\n'
    + rows.map((x) => `| ${x.n} | ${x.what} | ${x.value} | ${x.target} | ${x.ok == null ? 'not measured' : x.ok ? 'met' : '**missed**'}`
      + `${x.ok === false ? evidence(x) : ''} |`).join('\n') + '\n'
    + (missed ? '\nWhat would reach the missed targets (bench/run.mjs\'s REACH table):\n\n'
      + rows.filter((x) => x.ok === false).map((x) => `- ${x.n}${x.store ? ` (${x.store})` : ''}: ${x.reach}${evidence(x)}`).join('\n') + '\n' : '')
    + (results.scale ? `\n## How cost grows\n\n${scaleMarkdown(results.scale)}` : '')
    + memoryMarkdown(results.memory)
    + profilesMarkdown(PROFILES)
    + sectionsMarkdown(results.timing);
}
/** Where a missed row's evidence is: its profiles, or for memory the phases. */
function evidence(x) {
  if (x.n === 4) return ' — see [memory by phase](#memory-by-phase)';
  const ps = PROFILES.filter((p) => x.profiles?.includes(p.id));
  if (!ps.length) return [1, 3, 5].includes(x.n) ? ' — no profile taken' : '';
  const none = ps.filter((p) => p.unavailable);
  return none.length === ps.length ? ` — no profile: ${none[0].unavailable}` : ` — profiles ${profileLinks(ps.filter((p) => !p.unavailable))}`;
}

/** The library row again from a second server without the whole-answer cache
 * (--library-cache 0): what every answer costs when it is computed (index, documents,
 * snippets, JSON). */
async function noCacheLibrary(store, db, serveExtra, env, lua) {
  // The groups index off: this server answers library searches only, and a 1,000,000-group index
  // built in its background would otherwise share the CPU with the measured searches.
  const h = await startHamyari(db, [...serveExtra, '--library-cache', '0', '--group-index', 'off']);
  try {
    await libraryIndexReady(h);
    measure(`hamyari: library q+type+lang, facets, ${SIZES.docs} docs, no answer cache (${store})`, h.base, 'pgbench: library full text + facets (bare query)', lua('library.lua'), env);
    await profileLoad(`library search without the answer cache, ${SIZES.docs.toLocaleString('en')} documents, ${store}`, 3,
      db.startsWith('sqlite:') ? 'sqlite' : 'postgresql', h, db, (s) => wrk(h.base, lua('library.lua'), env, s));
  } finally {
    await stop(h.child);
  }
}

// Bench tables in PostgreSQL: filled from the same files as the wrk scripts.
async function sqliteRef(dbPath, queries, dir) {
  const tmpl = readFileSync(join(ROOT, 'bench/sql/library.sqlite.sql'), 'utf8').replace(/^--.*\n/gm, '');
  const n = Math.min(queries.length, QUICK ? 500 : 2000);
  const files = [0, 1].map((k) => {
    let sql = '.timer on\n.output /dev/null\n';
    for (let i = k; i < n; i += 2) {
      const [w, t, l] = queries[i];
      sql += tmpl.replaceAll(':word', w.replaceAll("'", "''").replaceAll('"', '""')).replaceAll(':type', t).replaceAll(':lang', l);
    }
    const f = join(dir, `sqlite-ref-${k}.sql`);
    writeFileSync(f, sql);
    return f;
  });
  const t0 = process.hrtime.bigint();
  const outs = await Promise.all(files.map((f) => new Promise((res, rej) => {
    const c = spawn('sqlite3', ['-readonly', dbPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.stderr.on('data', (d) => { out += d; });
    c.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(`sqlite3 exited ${code}: ${out.slice(0, 500)}`))));
    c.stdin.end(readFileSync(f));
  })));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const lat = [];
  for (const o of outs) for (const m of o.matchAll(/Run Time: real ([\d.]+)/g)) lat.push(Number(m[1]) * 1000);
  lat.sort((a, b) => a - b);
  return { rps: n / s, p50: pct(lat, 50), p99: pct(lat, 99), non2xx: 0, requests: n };
}

// Volunteers (sign-up through the API), request submission with wrk (durable commits), the
// rest of the requests through the API, and the claim race.
// The forecast: a plain run (CHIME's defaults, doubling time 4) and the same with ranges of all
// five ranged parameters (1,000 Monte Carlo runs), over HTTP; then both in process, without HTTP,
// by bench/forecast_time.c built against the server's own library.
const FORECAST_PLAIN = 'doubling_time=4&current_date=2020-04-20';
const FORECAST_BANDS = `${FORECAST_PLAIN}&doubling_time_min=3&doubling_time_max=6` +
  '&relative_contact_rate_min=0.3&relative_contact_rate_max=0.6&hospitalized_rate_min=0.02' +
  '&hospitalized_rate_max=0.03&icu_rate_min=0.005&icu_rate_max=0.01' +
  '&ventilated_rate_min=0.003&ventilated_rate_max=0.007';
function forecastBench(h, dir) {
  measure('hamyari: forecast, CHIME defaults, plain run', `${h.base}/api/v1/forecast?${FORECAST_PLAIN}`, null);
  measure('hamyari: forecast, 1,000-run Monte Carlo bands', `${h.base}/api/v1/forecast?${FORECAST_BANDS}`, null);
  const exe = join(dir, 'forecast_time');
  const libs = execFileSync('pkg-config', ['--libs', 'libmicrohttpd', 'sqlite3', 'libpq', 'jansson', 'libsodium',
    'md4c-html', 'zlib'], { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('cc', ['-O2', '-std=c11', '-D_GNU_SOURCE', `-I${join(ROOT, 'src')}`, join(ROOT, 'bench/forecast_time.c'),
    join(dirname(BIN), 'libhy_domain.a'), join(dirname(BIN), 'libhy_util.a'), ...libs, '-lpthread', '-lm', '-o', exe]);
  results.forecast_ms = JSON.parse(execFileSync(exe, [QUICK ? '10' : '30'], { encoding: 'utf8' }));
  const fm = results.forecast_ms;
  log(`forecast in process: plain ${fm.plain_ms} ms, bands ${fm.bands_ms} ms (max ${fm.bands_max_ms}), ` +
    `bands with the mitigation date 14 days back ${fm.bands_mitigation_past_ms} ms`);
}

/** A throwaway PostgreSQL cluster in `pgdir` (scripts/pg-cluster.sh), its version noted; the
 *  test cluster runs with fsync off, so commits are made durable again. Returns its URL. */
function startDurablePg(pgdir) {
  const url = execFileSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'start', pgdir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  results.versions.postgresql = psql(url, 'SHOW server_version');
  psql(url, 'ALTER SYSTEM SET fsync = on');
  psql(url, 'ALTER SYSTEM SET synchronous_commit = on');
  psql(url, 'ALTER SYSTEM SET full_page_writes = on');
  psql(url, 'SELECT pg_reload_conf()');
  return url;
}

/** fn(store, db) on a SQLite store in `dir`, then, unless --skip-pg, on a throwaway PostgreSQL
 *  cluster with durable commits (stopped afterwards, whatever happens). */
async function onBothStores(dir, fn) {
  await fn('sqlite', `sqlite:${join(dir, 'bench.db')}`);
  if (SKIP_PG) return;
  const pgdir = join(dir, 'pg');
  const url = startDurablePg(pgdir);
  try {
    await fn('postgresql', url);
  } finally {
    spawnSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'stop', pgdir], { stdio: 'ignore' });
  }
}

/** --only: the named sections alone (trees, faq), on SQLite and, unless --skip-pg, PostgreSQL;
 *  the FAQ searches the bench's own library, generated and imported as in the whole run. */
async function onlySections(dir) {
  const faq = ONLY.includes('faq'), trees = ONLY.includes('trees'), near = ONLY.includes('near');
  const lua = (n) => join(ROOT, 'bench/lua', n);
  const data = join(dir, 'data');
  let env = {};
  if (faq || near) {
    const ng = near ? SIZES.groups : 1000, nd = faq ? SIZES.docs : 1000;
    timed(`datasets (${ng} groups, ${nd} documents)`, () => execFileSync('node',
      [join(ROOT, 'bench/datasets.mjs'), data, '--groups', String(ng), '--docs', String(nd)],
      { stdio: ['ignore', 'ignore', 'inherit'] }));
    execFileSync('chmod', ['-R', 'a+rX', data]);
    env = { BENCH_POINTS: join(data, 'points.tsv'), BENCH_QUERIES: join(data, 'queries.tsv') };
  }
  const section = async (store, db) => {
    if (ONLY.includes('submissions')) await submissionRuns(store, db);
    if (ONLY.includes('claims')) await claimRace(store, db);
    if (!faq && !trees && !near) return;
    if (faq) results.load_s[`${store}_library`] = timed(`import library (${store})`, () => execFileSync(BIN, ['import', 'library', '--db', db, join(data, 'library.json')], { stdio: 'ignore' })).s;
    if (near) results.load_s[`${store}_groups`] = timed(`import groups (${store})`, () => execFileSync(BIN, ['import', 'groups', '--db', db, join(data, 'groups.csv')], { stdio: 'ignore' })).s;
    const h = await startHamyari(db, ['--per-ip-limit', '4096']);
    const name = store === 'sqlite' ? 'SQLite' : 'PostgreSQL store';
    if (near) await nearBench(dir, h, db, name, store, env, lua);
    if (faq) {
      await libraryIndexReady(h);
      measure(`hamyari: FAQ answers, a typed question, ${SIZES.docs} docs (${name})`, h.base, null, lua('faq.lua'), env);
    }
    if (trees) treesBench(name, h);
    results.rss_peak_mb[store] = rssPeakMB(h.child.pid);
    await stop(h.child);
  };
  await onBothStores(dir, section);
  const f = (v, d = 0) => (v == null || Number.isNaN(v) ? '–' : v.toFixed(d));
  const md = `# Benchmark ${results.date}: ${ONLY.join(', ')} only${QUICK ? ' (--quick)' : ''}\n\n`
    + `${results.cores} cores (${results.cpu}), ${results.memory_gb} GB; server and load generator share them. `
    + `wrk -t2 -c${results.connections} -d${results.duration_s}s on loopback.\n`
    + `Versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join('; ')}.\n\n`
    + '| measurement | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n'
    + results.rows.map((r) => `| ${r.name} | ${f(r.rps)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.non2xx}${r.socketErrors ? ` (${r.socketErrors})` : ''} |`).join('\n') + '\n'
    + results.rows.filter((r) => r.runs).map((r) => `\n${r.name}: ${r.runs.length} runs, ${r.spread.map((v) => f(v)).join('–')}/s; `
      + r.runs.map((x) => `${f(x.rps)}/s (load ${x.load.join(' → ')}; CPU a submission: server ${f(x.server_cpu_ms, 3)} ms`
        + `${x.pg_cpu_ms != null ? `, PostgreSQL ${f(x.pg_cpu_ms, 3)} ms` : ''}; ${f(x.writes / x.commits, 1)} a commit`
        + `${x.round_trips ? `; ${f(x.round_trips_per_submission, 2)} round trips to PostgreSQL a submission` : ''})`).join('; ') + '.\n').join('')
    + results.rows.filter((r) => r.double_winners != null).map((r) => `\n${r.name}: ${r.winners} winners for ${r.rounds} requests, `
      + `${r.double_winners} double winners, ${r.no_winner} without a winner; load ${r.load.join(' → ')}.\n`).join('')
    + (Object.keys(results.load_s).length ? `\nLoad times (s): ${Object.entries(results.load_s).map(([k, v]) => `${k} ${f(v, 1)}`).join(', ')}.\n` : '')
    + `Peak resident memory of the server (VmHWM): ${Object.entries(results.rss_peak_mb).map(([k, v]) => `${k} ${f(v, 1)} MB`).join(', ')}.\n`
    + (results.near ? nearTable(results.near) : '')
    + profilesMarkdown(PROFILES);
  results.profiles = PROFILES;
  const stamp = results.date.replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}-only${QUICK ? '-quick' : ''}.md`), md);
  writeFileSync(join(ROOT, `bench/results/${stamp}-only${QUICK ? '-quick' : ''}.json`), JSON.stringify(results, null, 2) + '\n');
  console.log(md);
  rmSync(dir, { recursive: true, force: true });
}

/** Decision-tree evaluation through the API (the sample tree): stopping at a question (read
 *  only), and ending in a result (each walk counted: one write). */
function treesBench(store, h) {
  const script = join(ROOT, 'bench/lua/tree.lua');
  measure(`hamyari: decision tree, next question (${store})`, h.base, null, script, { TREE_DONE: '0' });
  measure(`hamyari: decision tree, result counted (${store})`, h.base, null, script, { TREE_DONE: '1' });
}

// Open data: a 100,000-row dataset (50 areas over 2,000 days; with the full run also one of
// 1,000,000 rows) loaded with `hamyari import dataset` into the running server's store, then the
// dashboard's two data requests over HTTP: the daily sums with 7-day averages of a year over
// all areas, and the totals and latest values per area.
function openDataCsv(path, days, areas) {
  const out = createWriteStream(path);
  out.write('date,area,admissions,icu\n');
  for (let d = 0; d < days; d++) {
    const date = new Date(Date.UTC(2015, 0, 1 + d)).toISOString().slice(0, 10);
    let chunk = '';
    for (let a = 0; a < areas; a++) chunk += `${date},A${a},${(d * 7 + a * 13) % 400},${(d + a) % 30}\n`;
    out.write(chunk);
  }
  return new Promise((resolve) => out.end(resolve));
}

async function openDataBench(h, db, dir, store = 'SQLite') {
  const sets = [['bench-100k', 2000, 50]];
  if (!QUICK) sets.push(['bench-1m', 20000, 50]);
  const key = store === 'SQLite' ? 'sqlite' : 'pg';
  for (const [id, days, areas] of sets) {
    const file = join(dir, `${id}.csv`);
    if (!existsSync(file)) await openDataCsv(file, days, areas);
    results.load_s[`${key}_dataset_${id.slice(6)}`] = timed(`import dataset ${days * areas} rows (${store}, server running)`, () =>
      execFileSync(BIN, ['import', 'dataset', '--db', db, '--id', id, '--title-fa', id, '--title-en', id, file], { stdio: 'ignore' })).s;
  }
  const base = `${h.base}/api/v1/datasets/bench-100k`;
  const year = 'from=2019-01-01&to=2019-12-31', all = 'from=2015-01-01&to=2020-06-22';
  const suffix = store === 'SQLite' ? '' : ` (${store})`;
  const out = {
    daily: measure(`hamyari: open data, daily sums + 7-day averages, a year of 100,000 rows${suffix}`, `${base}/daily?${year}`, null),
    areas: measure(`hamyari: open data, totals and latest per area, 100,000 rows${suffix}`, `${base}/areas?${year}`, null),
    daily_all: measure(`hamyari: open data, daily sums + 7-day averages, all 2,000 days${suffix}`, `${base}/daily?${all}`, null),
    daily_area: measure(`hamyari: open data, daily sums of one area, all 2,000 days${suffix}`, `${base}/daily?${all}&area=A7`, null),
    areas_all: measure(`hamyari: open data, totals and latest per area, all 2,000 days${suffix}`, `${base}/areas?${all}`, null),
    // Any period: random ones, so the answers kept per dataset version seldom help.
    random: measure(`hamyari: open data, random periods (daily, one area, per area), 100,000 rows${suffix}`, h.base, null, join(ROOT, 'bench/lua/open-data.lua'), {}),
  };
  if (key === 'sqlite') results.open_data = out;
  else results.open_data_pg = out;
}

/* The open-data part alone: a fresh store each, the server started on it, the loads and the
 * aggregates measured. */
async function openDataOnly() {
  ensurePackages();
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-bench-'));
  execFileSync('chmod', ['755', dir]);
  results = { date: new Date().toISOString(), quick: QUICK, cores: cpus().length, cpu: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30), duration_s: DURATION, connections: CONNS, versions: {}, load_s: {}, rows: [] };
  results.versions.hamyari = execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim();
  initMeasure();
  const sqdb = `sqlite:${join(dir, 'bench.db')}`;
  let h = await startHamyari(sqdb);
  await openDataBench(h, sqdb, dir);
  await stop(h.child);
  if (!SKIP_PG) {
    const pgdir = join(dir, 'pg');
    const url = execFileSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'start', pgdir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    try {
      execFileSync(BIN, ['migrate', '--db', url], { stdio: 'ignore' });
      h = await startHamyari(url);
      await openDataBench(h, url, dir, 'PostgreSQL');
      await stop(h.child);
    } finally {
      spawnSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'stop', pgdir], { stdio: 'ignore' });
    }
  }
  const md = `# Benchmark ${results.date}: open data only${QUICK ? ' (--quick: no 1,000,000-row load)' : ''}\n\n`
    + `${results.cores} cores (${results.cpu}), ${results.memory_gb} GB; wrk ${CONNS} connections, ${DURATION} s each.\n\n`
    + `Loads: ${Object.entries(results.load_s).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join('; ')}.\n\n`
    + `| measurement | req/s | p50 ms | p99 ms |\n|---|---|---|---|\n`
    + results.rows.map((r) => `| ${r.name} | ${r.rps?.toFixed(0)} | ${r.p50?.toFixed(2)} | ${r.p99?.toFixed(2)} |`).join('\n') + '\n';
  const stamp = results.date.replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}-open-data.md`), md);
  writeFileSync(join(ROOT, `bench/results/${stamp}-open-data.json`), JSON.stringify(results, null, 2) + '\n');
  console.log(md);
  rmSync(dir, { recursive: true, force: true });
}

async function writeBench(store, h, db, dir) {
  const out = {};
  const nvol = SIZES.volunteers;
  let failed = 0;
  out.volunteers_s = (await timedAsync(`${nvol} volunteer sign-ups (${store})`, () => pool(nvol, 32, async (i) => {
    const r = await fetch(`${h.base}/api/v1/volunteers`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Bench volunteer ${i}`, phone: `+98935${String(i).padStart(7, '0')}`,
        lat: 35.6 + (i % 101) / 500, lon: 51.3 + (i % 103) / 500, radius_km: 5, skills: ['groceries'], language: 'en', consent: true }) });
    if (r.status >= 300) { failed++; if (failed < 3) log(`sign-up: ${r.status} ${await r.text()}`); }
    else await r.arrayBuffer();
  }))).s;
  if (failed) throw new Error(`${store}: ${failed} volunteer sign-ups failed`);

  const r = measure(`hamyari: request submission, durable commits (${store})`, h.base, null, join(ROOT, 'bench/lua/submit.lua'), {}, { allowErrors: true });
  // Top the requests up to the dataset size through the same API.
  const more = Math.max(0, SIZES.requests - r.requests);
  out.requests_s = (await timedAsync(`${more} more requests to reach ${SIZES.requests} (${store})`, () => pool(more, 32, async (i) => {
    const x = await fetch(`${h.base}/api/v1/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Top-up ${i}`, phone: `+98936${String(i).padStart(7, '0')}`, address: 'x', lat: 35.7, lon: 51.4, kind: 'groceries', consent: true }) });
    if (x.status >= 300) failed++;
    await x.arrayBuffer();
  }))).s + r.requests / (r.rps || 1);
  if (failed) throw new Error(`${store}: ${failed} request submissions failed`);

  // The claim race (CLAIM_RACERS volunteers × RACE_REQUESTS requests) runs on a fresh store of
  // its own: claimRace(), called after this server stops.
  return out;
}

// The voting burst: 1,000 members of the public (accounts and API tokens made in the store
// beforehand) send 10,000 votes at once over 10 ideas of one challenge, each person picking
// ideas at random, repeats included. Counted: every (person, idea) pair once, and nothing else —
// the sum of the ideas' totals and the 201 answers both equal the distinct pairs sent.
async function votingBurst(dir) {
  const PEOPLE = 1000, VOTES = 10000, IDEAS = 10;
  const path = join(dir, 'voting.db'), db = `sqlite:${path}`;
  rmSync(path, { force: true });
  execFileSync(BIN, ['migrate', '--db', db], { stdio: 'ignore' });
  execFileSync(BIN, ['user', 'add', '--db', db, '--email', 'organiser@bench.invalid', '--role', 'coordinator', '--password-stdin'],
    { input: 'correct horse battery staple organiser\n', stdio: ['pipe', 'ignore', 'ignore'] });
  const now = Math.floor(Date.now() / 1000);
  const ids = Array.from({ length: PEOPLE }, (_, i) => `b07e${String(i).padStart(28, '0')}`);
  execFileSync('sqlite3', [path], { input: `BEGIN;\n${ids.map((id, i) =>
    `INSERT INTO users(id, email, name, role, status, language, created_at, updated_at) VALUES ('${id}', 'voter${i}@bench.invalid', 'Voter ${i}', 'member', 'approved', 'fa', ${now}, ${now});`).join('\n')}\nCOMMIT;\n` });
  const tok = (login) => execFileSync(BIN, ['token', 'create', '--db', db, '--user', login], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).pop();
  const organiser = tok('organiser@bench.invalid');
  // The voters' API tokens are written into the store as `hamyari token create` would (a
  // 256-bit secret in unpadded base64url, stored as its BLAKE2b-256 hash): one process
  // instead of a thousand.
  log(`voting burst: ${PEOPLE} members and their API tokens`);
  const made = execFileSync('python3', ['-c', `
import base64, hashlib, json, os, sys
ids = json.load(sys.stdin)
out = []
for i in ids:
    t = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b'=')
    out.append([i, t.decode(), hashlib.blake2b(t, digest_size=32).hexdigest()])
json.dump(out, sys.stdout)`], { input: JSON.stringify(ids), encoding: 'utf8' });
  const rows = JSON.parse(made);
  execFileSync('sqlite3', [path], { input: `BEGIN;\n${rows.map(([id, , h]) =>
    `INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES ('${h}', '${id}', 'bench', ${now});`).join('\n')}\nCOMMIT;\n` });
  const tokens = rows.map((r) => r[1]);
  // The challenge opens for ideas now; the server's clock is then moved a day on (the test
  // clock file) to open voting.
  const clockFile = join(dir, 'voting-clock');
  writeFileSync(clockFile, '0\n');
  const env = { ...process.env, HAMYARI_TEST_CLOCK_FILE: clockFile };
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, '--web', join(ROOT, 'web'), '--access-log', 'off'],
    { stdio: ['ignore', 'ignore', 'pipe'], env });
  started.add(child);
  child.once('exit', () => started.delete(child));
  const base = await new Promise((res, rej) => {
    let buf = '';
    child.stderr.on('data', (d) => { buf += d; const m = buf.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/); if (m) res(m[1]); });
    child.once('exit', (c) => rej(new Error(`hamyari exited ${c}: ${buf}`)));
  });
  const call = async (method, url, t, body) => {
    const x = await fetch(`${base}${url}`, { method, headers: { Authorization: `Bearer ${t}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: x.status, json: await x.json().catch(() => null) };
  };
  const ch = await call('POST', '/api/v1/challenges', organiser, { title_en: 'Voting burst', ideas_at: now - 60, ideas_days: 1, voting_days: 1 });
  if (ch.status !== 201) throw new Error(`voting burst: challenge ${ch.status}`);
  const ideas = [];
  for (let i = 0; i < IDEAS; i++) {
    const r = await call('POST', `/api/v1/challenges/${ch.json.id}/ideas`, organiser, { title: `Idea ${i}`, description: `The burst's idea number ${i}.` });
    if (r.status !== 201) throw new Error(`voting burst: idea ${r.status}`);
    ideas.push(r.json.id);
  }
  writeFileSync(clockFile, `${86400 + 60}\n`);
  let seed = 12345;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const plan = Array.from({ length: VOTES }, (_, i) => [i % PEOPLE, ideas[rand(IDEAS)]]);
  const pairs = new Set(plan.map(([p, idea]) => `${p}:${idea}`));
  let counted = 0, repeats = 0, errors = 0;
  const lat = [];
  const t0 = process.hrtime.bigint();
  await pool(VOTES, 64, async (i) => {
    const [p, idea] = plan[i];
    const s0 = process.hrtime.bigint();
    const r = await call('POST', `/api/v1/ideas/${idea}/vote`, tokens[p]);
    lat.push(Number(process.hrtime.bigint() - s0) / 1e6);
    if (r.status === 201) counted++;
    else if (r.status === 200) repeats++;
    else errors++;
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  writeFileSync(clockFile, `${2 * 86400 + 120}\n`); // results: totals shown
  const view = await call('GET', `/api/v1/challenges/${ch.json.id}?sort=votes`, organiser);
  const total = view.json.ideas_list.reduce((a, x) => a + x.votes, 0);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  lat.sort((a, b) => a - b);
  const out = { votes_sent: VOTES, people: PEOPLE, distinct_pairs: pairs.size, counted, repeats, errors, total,
    double_counts: Math.max(0, total - pairs.size) + Math.max(0, counted - pairs.size),
    missing: Math.max(0, pairs.size - total), rps: VOTES / s, p50: pct(lat, 50), p99: pct(lat, 99) };
  log(`voting burst (SQLite): ${VOTES} votes from ${PEOPLE} people in ${s.toFixed(2)} s (${out.rps.toFixed(0)}/s, p50 ${out.p50.toFixed(2)} ms, ` +
    `p99 ${out.p99.toFixed(2)} ms): ${pairs.size} distinct (person, idea) pairs, ${counted} counted, ${repeats} repeats answered 200, ` +
    `${errors} errors, totals ${total}: ${out.double_counts} double counts, ${out.missing} missing`);
  return out;
}

async function votingOnly() {
  ensurePackages();
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-bench-'));
  try {
    const v = await votingBurst(dir);
    console.log(JSON.stringify(v, null, 2));
    if (v.double_counts || v.missing || v.errors) process.exitCode = 1;
  } finally {
    stopAll();
    if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

function report(results, dir) {
  for (const r of results.rows) {
    const ref = results.rows.find((x) => x.name === r.ref);
    r.ratio = ref && ref.rps ? r.rps / ref.rps : null;
    const ref2 = results.rows.find((x) => x.name === r.ref2);
    if (ref2) r.ratio2 = r.rps / ref2.rps;
  }
  const get = (re) => results.rows.find((r) => re.test(r.name));
  const t = (what, ok, value) => ({ what, ok: ok == null ? null : !!ok, value });
  const nsq = get(/^hamyari: nearest.*\(SQLite\)/), npg = get(/^hamyari: nearest.*PostgreSQL/);
  const lsq = get(/^hamyari: library(?!.*no answer cache).*\(SQLite\)/);
  const lpg = get(/^hamyari: library(?!.*no answer cache).*PostgreSQL/);
  const hz = get(/^hamyari: \/healthz/);
  const ssq = get(/^hamyari: request submission.*SQLite/), spg = get(/^hamyari: request submission.*PostgreSQL/);
  const csq = get(/^hamyari: claim race.*SQLite/), cpg = get(/^hamyari: claim race.*PostgreSQL/);
  const f2 = (v) => (v == null ? '–' : v.toFixed(2));
  results.targets = [
    t('nearest, SQLite store: ≥ 4× PostGIS bare (pgbench)', nsq?.ratio == null ? null : nsq.ratio >= 4, `${f2(nsq?.ratio)}×`),
    t('nearest, SQLite store: p99 < 20 ms', nsq && nsq.p99 < 20, `${f2(nsq?.p99)} ms`),
    t('nearest, PostgreSQL store: ≥ 0.8× PostGIS bare (pgbench)', npg?.ratio == null ? null : npg.ratio >= 0.8, `${f2(npg?.ratio)}×`),
    t('/healthz ≥ 1.5× nginx (same bytes)', hz && hz.ratio >= 1.5, `${f2(hz?.ratio)}×`),
    t('library, SQLite store: p50 < 5 ms', lsq && lsq.p50 < 5, `${f2(lsq?.p50)} ms`),
    t('library, SQLite store: p99 < 50 ms', lsq && lsq.p99 < 50, `${f2(lsq?.p99)} ms`),
    t('library, SQLite store: ≥ 2× PostgreSQL bare (pgbench)', lsq?.ratio == null ? null : lsq.ratio >= 2, `${f2(lsq?.ratio)}×`),
    t('library, PostgreSQL store: p50 < 5 ms, p99 < 50 ms', lpg ? lpg.p50 < 5 && lpg.p99 < 50 : null, lpg ? `${f2(lpg.p50)} / ${f2(lpg.p99)} ms` : '–'),
    t('library, PostgreSQL store: ≥ 2× PostgreSQL bare (pgbench)', lpg?.ratio == null ? null : lpg.ratio >= 2, `${f2(lpg?.ratio)}×`),
    t('submissions, SQLite: ≥ 3,000/s durable, zero errors', ssq && ssq.rps >= 3000 && !ssq.non2xx && !ssq.socketErrors, `${ssq?.rps?.toFixed(0)}/s, ${ssq?.non2xx} errors`),
    t('submissions, PostgreSQL: ≥ 3,000/s durable, zero errors', spg ? spg.rps >= 3000 && !spg.non2xx && !spg.socketErrors : null, spg ? `${spg.rps.toFixed(0)}/s, ${spg.non2xx} errors` : '–'),
    t('claim race, SQLite: exactly one winner every time', csq && csq.rounds_without_exactly_one_winner === 0 && !csq.non2xx, csq ? `${csq.winners}/${csq.rounds} winners` : '–'),
    t('claim race, PostgreSQL: exactly one winner every time', cpg ? cpg.rounds_without_exactly_one_winner === 0 && !cpg.non2xx : null, cpg ? `${cpg.winners}/${cpg.rounds} winners` : '–'),
    t('voting burst: 10,000 votes from 1,000 people, 0 double counts', results.voting ? results.voting.double_counts === 0 : null,
      results.voting ? `${results.voting.double_counts} double counts, ${f2(results.voting.rps)} votes/s, p99 ${f2(results.voting.p99)} ms` : '–'),
    t(`peak memory < 200 MB (${results.datasets.groups}-group store)`, Math.max(...Object.values(results.rss_peak_mb).map((v) => v ?? 1e9)) < 200,
      Object.entries(results.rss_peak_mb).map(([k, v]) => `${k} ${f2(v)} MB`).join(', ')),
    t('open data: daily aggregates of 100,000 rows p99 < 20 ms', results.open_data ? results.open_data.daily.p99 < 20 : null, results.open_data ? `${f2(results.open_data.daily.p99)} ms` : '–'),
    t('open data: per-area aggregates of 100,000 rows p99 < 20 ms', results.open_data ? results.open_data.areas.p99 < 20 : null, results.open_data ? `${f2(results.open_data.areas.p99)} ms` : '–'),
    t('forecast bands: 1,000 runs in process < 100 ms', results.forecast_ms ? results.forecast_ms.bands_ms < 100 : null,
      results.forecast_ms ? `${f2(results.forecast_ms.bands_ms)} ms (plain run ${results.forecast_ms.plain_ms.toFixed(3)} ms)` : '–'),
    t('cold start < 1 s', results.cold_start_ms < 1000 && (results.cold_start_full_ms ?? 0) < 1000,
      `${results.cold_start_ms.toFixed(0)} ms empty, ${results.cold_start_full_ms?.toFixed(0)} ms full store`),
    lighthouseTarget(results),
  ];
  const f = (v, d = 0) => (v == null || Number.isNaN(v) ? '–' : v.toFixed(d));
  let md = `# Benchmark ${results.date}${results.quick ? ' (--quick: smaller datasets, 3 s runs — not the issue\'s figures)' : ''}\n\n` +
    `${results.cores} cores (${results.cpu}), ${results.memory_gb} GB; server and load generator share them. ` +
    `wrk -t2 -c${results.connections} -d${results.duration_s}s on loopback; pgbench -j2 -M prepared at -c ${[].concat(results.pgbench_clients).join(', ')}, the best kept.\n` +
    `Versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join('; ')}.\n\n` +
    `Datasets (fixed seed): ${results.datasets.groups} groups, ${results.datasets.docs} library documents (fa+en), ` +
    `${results.datasets.volunteers} volunteers, ${results.datasets.requests} requests.\n\n` +
    `| measurement | req/s | p50 ms | p99 ms | errors | ratio to reference |\n|---|---:|---:|---:|---:|---:|\n`;
  for (const r of results.rows) {
    let ratio = r.ratio ? `${f(r.ratio, 2)}× ${r.ref.replace(/ \(bare query\)/, '')}` : '';
    if (r.ratio2) ratio += `; ${f(r.ratio2, 2)}× sqlite3 shell`;
    let extra = r.rounds_without_exactly_one_winner != null ? ` (${r.winners} winners in ${r.rounds} races)` : '';
    if (r.by_clients) extra += ` (best at -c${r.clients}; ${Object.entries(r.by_clients).map(([c, v]) => `-c${c} ${v}/s`).join(', ')})`;
    md += `| ${r.name}${extra} | ${f(r.rps)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.non2xx}${r.socketErrors ? ` (${r.socketErrors})` : ''} | ${ratio} |\n`;
  }
  md += `\nLoad times (s): ${Object.entries(results.load_s).map(([k, v]) => `${k} ${f(v, 1)}`).join(', ')}.\n`;
  md += `Cold start (median of 5, empty store): ${f(results.cold_start_ms)} ms; with the full store: ${f(results.cold_start_full_ms)} ms. ` +
    `Peak resident memory of the server (VmHWM, after all loads): ${Object.entries(results.rss_peak_mb).map(([k, v]) => `${k} ${f(v, 1)} MB`).join(', ')}. ` +
    `Group commit (all writes of the run): ${Object.entries(results.group_commit || {}).filter(([, v]) => v).map(([k, v]) => `${k} ${v.writes} writes in ${v.commits} commits (${f(v.writes / v.commits, 1)} a commit)`).join(', ') || 'not reported'}.\n\n`;
  if (results.forecast_ms) {
    const fm = results.forecast_ms;
    md += `Forecast in process (median of ${fm.repeats}; bench/forecast_time.c): plain run ${f(fm.plain_ms, 3)} ms; ` +
      `1,000-run bands ${f(fm.bands_ms, 1)} ms (slowest ${f(fm.bands_max_ms, 1)}); the same bands with the mitigation date ` +
      `14 days before the current date ${f(fm.bands_mitigation_past_ms, 1)} ms.\n\n`;
  }
  md += lighthouseMarkdown(results) + '\n';
  md += `| target | measured | met |\n|---|---|---|\n` + results.targets.map((x) => `| ${x.what} | ${x.value} | ${x.ok == null ? 'not measured' : x.ok ? 'yes' : 'NO'} |`).join('\n') + '\n';
  md += round2Markdown(results);
  const stamp = results.date.replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}${results.quick ? '-quick' : ''}.md`), md);
  writeFileSync(join(ROOT, `bench/results/${stamp}${results.quick ? '-quick' : ''}.json`), JSON.stringify(results, null, 2) + '\n');
  console.log(md);
  if (args.includes('--keep')) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
// ---- How cost grows (--scale): nearest groups and library search at data sizes ten times apart,
// each on a fresh SQLite store holding only that data, one server each. A row: req/s, p50/p99,
// the server's CPU time per request (utime + stime over the measured run / requests: the machine
// is shared, so wall-clock latency carries the neighbours' load; the load average is beside it),
// its peak and current resident memory, the load time (import; for the library also the index
// build the server logs), and the growth factor against the row ten times smaller.
const SCALE = args.includes('--scale');
const SCALE_MAX = Number(opt('--scale-max', 0)) || Infinity;
/** --scale-groups / --scale-docs LIST: the sizes of that kind (comma-separated; "none" for none). */
function scaleSizes(name, dflt) {
  if (!args.includes(name)) return dflt;
  const v = opt(name, '');
  if (v === 'none') return [];
  const xs = v.split(',').map((x) => Number(x.replace(/_/g, '')));
  if (!xs.length || xs.some((x) => !Number.isInteger(x) || x < 1)) {
    console.error(`bench/run: ${name} takes sizes like 1000000,10000000 (or none)`);
    process.exit(2);
  }
  return xs;
}
const SCALE_GROUPS = scaleSizes('--scale-groups', [10000, 100000, 1000000, 10000000]);
const SCALE_DOCS = scaleSizes('--scale-docs', [10000, 100000, 1000000]);
const SCALE_DOCS_PER_FILE = 100000; // library documents an import transaction (and in memory)
const SCALE_IMPORT_TIMEOUT_S = Number(opt('--scale-timeout', 3600));

function rssMB(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number((s.match(new RegExp(`${k}:\\s+(\\d+) kB`)) || [0, 0])[1]);
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024, file: kb('RssFile') / 1024,
    shmem: kb('RssShmem') / 1024 };
}

/** `hamyari import KIND --db DB FILE`, its progress lines passed on to the bench's log as they
 *  come; resolves with { s: the seconds it took, cpu_s: its CPU time (user + system, sampled
 *  every half second: a figure the machine's other load does not inflate) }. */
function importLogged(label, kind, db, file) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(BIN, ['import', kind, '--db', db, file], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.add(child);
    let tail = '', last = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), SCALE_IMPORT_TIMEOUT_S * 1000);
    let ticks = 0;
    const sampler = setInterval(() => { ticks = Math.max(ticks, cpuTicks(child.pid)); }, 500);
    child.stderr.on('data', (d) => {
      const lines = (tail + d).split('\n');
      tail = lines.pop();
      for (const l of lines) if (/^import: /.test(l)) log(`${label}: ${l.slice(8)}`);
      last = (last + d).slice(-2000);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      clearInterval(sampler);
      started.delete(child);
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code === 0) resolve({ s, cpu_s: ticks / 100 });
      else reject(new Error(`import ${kind} ${code ?? sig} after ${s.toFixed(0)} s: ${last.trim().split('\n').pop()}`));
    });
  });
}

async function scaleRow(kind, n, dir) {
  const t0 = Date.now();
  const data = join(dir, `${kind}-${n}`);
  const gen = kind === 'groups' ? ['--groups', String(n), '--docs', '0']
    : ['--groups', '1', '--docs', String(n), '--docs-per-file', String(SCALE_DOCS_PER_FILE)];
  timed(`scale: datasets for ${n} ${kind}`, () => execFileSync('node', [join(ROOT, 'bench/datasets.mjs'), data, ...gen],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: SCALE_IMPORT_TIMEOUT_S * 1000 }));
  const db = `sqlite:${join(dir, `${kind}-${n}.db`)}`;
  // Library documents in files of SCALE_DOCS_PER_FILE, imported one after the other (the
  // import holds a file's documents in memory).
  const files = kind === 'groups' ? ['groups.csv']
    : readdirSync(data).filter((f) => /^library(-\d+)?\.json$/.test(f))
      .sort((a, b) => Number(a.replace(/\D/g, '') || 0) - Number(b.replace(/\D/g, '') || 0));
  let load = 0, loadCpu = 0;
  for (const [k, f] of files.entries()) {
    const label = `scale: import ${n} ${kind}${files.length > 1 ? `, file ${k + 1} of ${files.length}` : ''}`;
    const x = await importLogged(label, kind === 'groups' ? 'groups' : 'library', db, join(data, f));
    load += x.s;
    loadCpu += x.cpu_s;
    log(`${label}: ${x.s.toFixed(1)} s, ${x.cpu_s.toFixed(1)} s CPU (${load.toFixed(1)} s in all)`);
  }
  const h = await startHamyari(db, ['--library-cache', '0', '--per-ip-limit', '4096']);
  let built = null;
  try {
    if (kind === 'docs') {
      await libraryIndexReady(h, SCALE_IMPORT_TIMEOUT_S * 1000);
      const m = h.log().match(/library index: \d+ published documents, \d+ words, (\d+) KiB, built in (\d+) ms[^\n]*?texts (\d+) KiB, deflated from (\d+) KiB/);
      if (m) built = { index_kib: Number(m[1]), build_ms: Number(m[2]), texts_kib: Number(m[3]), texts_plain_kib: Number(m[4]) };
    } else {
      // The rows measure the in-memory index, not the store path it falls back to while it builds.
      const ix = await groupIndexReady(h, SCALE_IMPORT_TIMEOUT_S * 1000);
      built = { index_kib: ix.kib, spatial_kib: ix.spatial_kib, build_ms: ix.build_ms };
    }
    const env = { BENCH_POINTS: join(data, 'points.tsv'), BENCH_QUERIES: join(data, 'queries.tsv') };
    const script = join(ROOT, 'bench/lua', kind === 'groups' ? 'near.lua' : 'library.lua');
    log(`scale: ${kind} ${n}: wrk ${WARMUP}s warm-up, then ${DURATION}s`);
    wrk(h.base, script, env, WARMUP);
    const c0 = cpuTicks(h.child.pid);
    const r = wrk(h.base, script, env);
    const c1 = cpuTicks(h.child.pid);
    const mem = rssMB(h.child.pid);
    const la = loadavg();
    const prof = await profileLoad(`how cost grows: ${kind === 'groups' ? `nearest 10 of ${n.toLocaleString('en')} groups`
      : `library search, ${n.toLocaleString('en')} documents`} (SQLite, no answer cache)`, 5, 'sqlite', h, db, (s) => wrk(h.base, script, env, s));
    const out = { kind, n, ...r, cpu_ms_per_request: r.requests ? ((c1 - c0) * 10) / r.requests : null,
      loadavg: la, rss_peak_mb: mem.hwm, rss_mb: mem.rss, load_s: load, load_cpu_s: loadCpu, ...(built || {}), profile: prof.id, wall_s: (Date.now() - t0) / 1000 };
    log(`scale: ${kind} ${n}: ${r.rps.toFixed(0)}/s p99 ${r.p99?.toFixed(2)} ms, ${out.cpu_ms_per_request?.toFixed(3)} CPU ms a request, `
      + `peak ${mem.hwm.toFixed(1)} MB, load ${load.toFixed(1)} s${built ? `, index ${built.index_kib} KiB built in ${built.build_ms} ms` : ''} (load average ${out.loadavg.join(' ')})`);
    if (r.non2xx) throw new Error(`scale: ${kind} ${n}: ${r.non2xx} answers were not 2xx`);
    return out;
  } finally {
    await stop(h.child);
    rmSync(data, { recursive: true, force: true });
    for (const ext of ['', '-wal', '-shm']) rmSync(join(dir, `${kind}-${n}.db${ext}`), { force: true });
  }
}

/** The scale rows of `plan` ([kind, size] pairs), each on a fresh store under `dir`; `after(res)`
 *  runs after each row (what is measured so far survives a later failure). */
async function scaleRows(plan, dir, after = () => {}) {
  const res = { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model, duration_s: DURATION,
    connections: CONNS, store: 'sqlite', library_cache: 0, rows: [] };
  // The server alone on an empty store: what every row's memory starts from.
  const h0 = await startHamyari(`sqlite:${join(dir, 'empty.db')}`, ['--library-cache', '0']);
  await new Promise((r) => setTimeout(r, 500));
  res.empty_rss_mb = rssMB(h0.child.pid);
  await stop(h0.child);
  for (const ext of ['', '-wal', '-shm']) rmSync(join(dir, `empty.db${ext}`), { force: true });
  log(`scale: the server on an empty store: ${res.empty_rss_mb.hwm.toFixed(1)} MB peak`);
  let i = 0;
  const t0 = Date.now();
  for (const [kind, n] of plan) {
    log(`scale: step ${++i} of ${plan.length}: ${kind} ${n} (${((Date.now() - t0) / 60000).toFixed(1)} min so far)`);
    try {
      res.rows.push(await scaleRow(kind, n, dir));
    } catch (e) {
      log(`scale: ${kind} ${n} failed: ${e.message}`);
      res.rows.push({ kind, n, error: String(e.message).slice(0, 300) });
    }
    after(res);
  }
  res.target = scaleTarget(res);
  return res;
}

/** The sizes the whole run and --targets measure (10,000,000 groups and 1,000,000 documents only
 *  with --scale). */
function targetScalePlan() {
  const g = QUICK ? [10000, 100000] : [10000, 100000, 1000000];
  const d = QUICK ? [10000] : [10000, 100000];
  return [...g.map((n) => ['groups', n]), ...d.map((n) => ['docs', n])];
}

async function scaleBench() {
  ensurePackages();
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-bench-'));
  const plan = [...SCALE_GROUPS.map((n) => ['groups', n]), ...SCALE_DOCS.map((n) => ['docs', n])].filter(([, n]) => n <= SCALE_MAX);
  const res = await scaleRows(plan, dir, writeScale);
  console.log(writeScale(res));
  rmSync(dir, { recursive: true, force: true });
}

/** Target 5, how cost grows: near-flat cost per request (CPU time a request at most 1.5× per ×10
 *  of data: logarithmic, not linear) and memory at most linear (the server's peak above an empty
 *  store's at most 11× per ×10), over every pair of rows ten times apart. */
function scaleTarget(res) {
  const steps = [];
  for (const r of res.rows) {
    const p = res.rows.find((x) => x.kind === r.kind && x.n * 10 === r.n && !x.error);
    if (!p || r.error) continue;
    const base = res.empty_rss_mb?.hwm ?? 0;
    steps.push({ kind: r.kind, n: r.n, cpu: r.cpu_ms_per_request / p.cpu_ms_per_request, p99: r.p99 / p.p99,
      mem: (r.rss_peak_mb - base) / Math.max(1, p.rss_peak_mb - base) });
  }
  const failed = res.rows.filter((r) => r.error).map((r) => `${r.kind} ${r.n}`);
  const worst = (k) => (steps.length ? Math.max(...steps.map((x) => x[k])) : null);
  const ok = steps.length && !failed.length ? worst('cpu') <= 1.5 && worst('mem') <= 11 : null;
  const f = (v) => (v == null ? '–' : `×${v.toFixed(2)}`);
  return { ok, steps, value: `${steps.length} step${steps.length === 1 ? '' : 's'} of ×10: CPU a request at most ${f(worst('cpu'))}, p99 at most ${f(worst('p99'))}, `
    + `memory above an empty server at most ${f(worst('mem'))} per ×10${failed.length ? `; failed: ${failed.join(', ')}` : ''}` };
}

function writeScale(res) {
  res.profiles = PROFILES;
  const md = `# Benchmark ${res.date}: how cost grows\n\n${res.cores} cores (${res.cpu}); ` + scaleMarkdown(res)
    + (res.target ? `\nTarget (near-flat cost, linear memory): ${res.target.value}: ${res.target.ok == null ? 'not measured' : res.target.ok ? 'met' : 'MISSED'}`
      + `${res.target.ok === false ? `; what would reach it: ${reachLine(5, 'sqlite')}` : ''}.\n` : '')
    + profilesMarkdown(PROFILES);
  const stamp = res.date.replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}-scale.md`), md);
  writeFileSync(join(ROOT, `bench/results/${stamp}-scale.json`), JSON.stringify(res, null, 2) + '\n');
  return md;
}

/** The scale table (rows, growth per ×10) and how to read it. */
function scaleMarkdown(res) {
  const f = (v, d = 0) => (v == null || Number.isNaN(v) ? '–' : Number(v).toFixed(d));
  const growth = (rows, r, key) => {
    const prev = rows.find((x) => x.kind === r.kind && x.n * 10 === r.n && !x.error);
    return prev && prev[key] && r[key] != null ? `×${(r[key] / prev[key]).toFixed(2)}` : '';
  };
  let md = `SQLite store, one fresh store and server a row `
    + `(the data of that row only), \`--library-cache 0\` (every library answer computed); wrk -t2 -c${res.connections} -d${res.duration_s}s. `
    + `CPU ms = the server's CPU time over the measured run divided by its requests (the machine is shared: wall-clock latency `
    + `includes the neighbours' load, shown as the load average). Memory: the server's peak resident set (VmHWM) at the end of the row; `
    + `on an empty store it is ${f(res.empty_rss_mb?.hwm, 1)} MB. Growth: the figure divided by the row with ten times less data.\n\n`
    + `Load: the import (\`hamyari import\`, one transaction a file; groups written in the order of the store's Hilbert layout, `
    + `library documents in files of ${SCALE_DOCS_PER_FILE.toLocaleString('en')}); index: the server's in-memory index of that data, its size and `
    + `build time as the server logs them (the rows wait for it).\n\n`
    + '| data | req/s | p50 ms | p99 ms | CPU ms a request | peak MB | load s (CPU s) | index | load average | growth ×10: req/s, p99, CPU, memory, load, index build |\n'
    + '|---|---:|---:|---:|---:|---:|---:|---|---|---|\n';
  for (const r of res.rows) {
    const what = (r.kind === 'groups' ? `nearest 10 of ${r.n.toLocaleString('en')} groups` : `library search, ${r.n.toLocaleString('en')} documents`)
      + (r.profile ? ` (profile [${r.profile}](#profile-${r.profile.toLowerCase()}))` : '');
    if (r.error) { md += `| ${what} | failed: ${r.error.replace(/\|/g, '/')} | | | | | | | | |\n`; continue; }
    const g = ['rps', 'p99', 'cpu_ms_per_request', 'rss_peak_mb', 'load_s', 'build_ms'].map((k) => growth(res.rows, r, k)).filter(Boolean).join(', ');
    md += `| ${what} | ${f(r.rps)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.cpu_ms_per_request, 3)} | ${f(r.rss_peak_mb, 1)} | ${f(r.load_s, 1)}${r.load_cpu_s != null ? ` (${f(r.load_cpu_s, 1)})` : ''} | `
      + `${r.index_kib ? `${f(r.index_kib / 1024, 1)} MiB (${r.kind === 'groups' ? `spatial ${f(r.spatial_kib / 1024, 1)}` : `texts ${f(r.texts_kib / 1024, 1)}`}), built in ${f(r.build_ms / 1000, 1)} s` : ''} | ${r.loadavg.join(' ')} | ${g} |\n`;
  }
  return md;
}

main().catch((e) => { console.error(e); stopAll(); process.exit(1); });

// ---- nearest groups from the in-memory index (--only near)

const NEAR_RUNS = Math.max(1, Number(opt('--near-runs', 3)) || 3);
/** CPU seconds (user + system) used so far by the processes `pids`. */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
    } catch { /* gone */ }
  }
  return ticks / 100; // USER_HZ
}
function childPids(pid) {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout || '';
  return out.split('\n').map((x) => Number(x.trim())).filter(Boolean);
}
/** wrk runs of `name`, each with the CPU time of `pids` per answer and the load average. */
function nearRuns(name, url, pids, runs, env, lua, ref) {
  log(`${name}: wrk ${WARMUP}s warm-up, then ${runs} × ${DURATION}s`);
  wrk(url, lua('near.lua'), env, WARMUP);
  const out = [];
  for (let i = 0; i < runs; i++) {
    const c0 = cpuSeconds(pids);
    const r = wrk(url, lua('near.lua'), env);
    const cpu = cpuSeconds(pids) - c0;
    if (r.non2xx > 0) throw new Error(`${name}: ${r.non2xx} answers were not 2xx`);
    out.push({ ...r, cpu_us: (cpu * 1e6) / r.requests, load: loadavg()[0] });
    row(`${name} (run ${i + 1})`, r, ref, { cpu_us: out.at(-1).cpu_us, load: out.at(-1).load });
  }
  return out;
}
async function groupIndexReady(h, timeoutMs = 900000) {
  const re = /groups index: (\d+) approved groups, (\d+) KiB \(spatial (\d+) KiB\), built in (\d+) ms/;
  const t0 = Date.now();
  await (await fetchAfterWrk(`${h.base}/api/v1/groups?near=0,0&limit=1`)).arrayBuffer();
  while (!re.test(h.log())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('hamyari did not build its groups index in time');
    await new Promise((r) => setTimeout(r, 200));
  }
  const m = h.log().match(re);
  log(m[0]);
  return { groups: Number(m[1]), kib: Number(m[2]), spatial_kib: Number(m[3]), build_ms: Number(m[4]) };
}
async function nearBench(dir, h, db, name, store, env, lua) {
  results.near ??= { runs: NEAR_RUNS };
  const rss = () => Number((readFileSync(`/proc/${h.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/) || [0, 0])[1]) / 1024;
  const before = rss();
  const ix = await groupIndexReady(h);
  const n = { index: ix, rss_before_mb: before, rss_after_build_mb: rss() };
  if (!results.near.nginx) {
    const [la0, lo0] = readFileSync(env.BENCH_POINTS, 'utf8').split('\n')[0].split('\t');
    const answer = Buffer.from(await (await fetchAfterWrk(`${h.base}/api/v1/groups?near=${la0},${lo0}&limit=10`)).arrayBuffer());
    writeFileSync(join(dir, 'www/near.json'), answer);
    execFileSync('chmod', ['644', join(dir, 'www/near.json')]);
    const port = await freePort();
    const nginx = await startNginx(dir, port);
    const workers = childPids(nginx.pid);
    results.near.nginx = nearRuns(`nginx: pre-rendered nearest-groups answer (${answer.length} B)`, `http://127.0.0.1:${port}/near.json`,
      [nginx.pid, ...workers], NEAR_RUNS, {}, () => null, null);
    await profileLoad('nginx serving the same nearest-groups answer as a file (the reference of target 1)', 1, null, null, null,
      (s) => wrk(`http://127.0.0.1:${port}/near.json`, null, {}, s), [{ what: 'nginx (master and workers)', pids: [nginx.pid, ...workers] }]);
    nginx.kill('SIGQUIT');
  }
  n.index_runs = nearRuns(`hamyari: nearest 10 of ${SIZES.groups}, index (${name})`, h.base, [h.child.pid], NEAR_RUNS, env, lua, 'nginx');
  n.profile = (await profileLoad(`nearest 10 of ${SIZES.groups.toLocaleString('en')} groups from memory, ${name}`, 1, store, h, db,
    (s) => wrk(h.base, lua('near.lua'), env, s))).id;
  n.rss_after_mb = rss();
  const off = await startHamyari(db, ['--per-ip-limit', '4096', '--group-index', 'off']);
  n.store_runs = nearRuns(`hamyari: nearest 10 of ${SIZES.groups}, store path (${name})`, off.base, [off.child.pid], 1, env, lua, 'nginx');
  n.rss_store_path_mb = rssPeakMB(off.child.pid);
  await stop(off.child);
  results.near[store] = n;
}
function nearTable(near) {
  const f = (v, d = 0) => (v == null || Number.isNaN(v) ? '–' : v.toFixed(d));
  const span = (xs, k, d = 0) => (xs.length > 1 ? `${f(Math.min(...xs.map((x) => x[k])), d)}–${f(Math.max(...xs.map((x) => x[k])), d)}` : f(xs[0][k], d));
  const med = (xs, k) => [...xs.map((x) => x[k])].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ng = near.nginx;
  let md = `\n## Nearest groups from memory (${near.runs} runs each; median, then the spread)\n\n`
    + '| server | req/s | p99 ms | CPU µs an answer | load average (1 min) | req/s ÷ nginx | CPU ÷ nginx\'s |\n|---|---:|---:|---:|---:|---:|---:|\n'
    + `| nginx, the same answer as a file | ${f(med(ng, 'rps'))} (${span(ng, 'rps')}) | ${f(med(ng, 'p99'), 2)} (${span(ng, 'p99', 2)}) | ${f(med(ng, 'cpu_us'), 1)} (${span(ng, 'cpu_us', 1)}) | ${span(ng, 'load', 1)} | 1 | 1 |\n`;
  for (const store of ['sqlite', 'postgresql']) {
    const n = near[store];
    if (!n) continue;
    for (const [what, xs] of [['index', n.index_runs], ['store path', n.store_runs]]) {
      md += `| hamyari ${store}, ${what} | ${f(med(xs, 'rps'))} (${span(xs, 'rps')}) | ${f(med(xs, 'p99'), 2)} (${span(xs, 'p99', 2)}) | ${f(med(xs, 'cpu_us'), 1)} (${span(xs, 'cpu_us', 1)}) | ${span(xs, 'load', 1)} | ${f(med(xs, 'rps') / med(ng, 'rps'), 2)} | ${f(med(xs, 'cpu_us') / med(ng, 'cpu_us'), 2)} |\n`;
    }
  }
  md += '\nIndex memory: ' + ['sqlite', 'postgresql'].filter((s) => near[s]).map((s) => {
    const n = near[s];
    return `${s} ${n.index.groups} groups, ${f(n.index.kib / 1024, 1)} MiB (spatial ${f(n.index.spatial_kib / 1024, 1)} MiB, the rest answer bytes), built in ${f(n.index.build_ms / 1000, 1)} s; `
      + `server RSS ${f(n.rss_before_mb, 1)} MB before the build, ${f(n.rss_after_build_mb, 1)} MB after, ${f(n.rss_after_mb, 1)} MB after the load (store path only: peak ${f(n.rss_store_path_mb, 1)} MB)`;
  }).join('; ') + '.\n';
  return md;
}

// ---- --only submissions, claims: the group commit's figures (docs/capacity.md)

const cpuTicks = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (1/100 s)
  } catch { return 0; }
};
/** The CPU ticks of a PostgreSQL cluster: its postmaster (the first line of postmaster.pid) and
 *  every process it started. */
function pgTicks(pgdata) {
  let pm;
  try { pm = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]); } catch { return 0; }
  const kids = spawnSync('ps', ['--ppid', String(pm), '-o', 'pid='], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean);
  return [pm, ...kids.map(Number)].reduce((s, p) => s + cpuTicks(p), 0);
}
/** A fresh database for one run: a new SQLite file, or a new database on the cluster. */
function freshDb(store, db, tag) {
  if (store === 'sqlite') return `sqlite:${db.replace(/^sqlite:/, '').replace(/\.db$/, '')}-${tag}.db`;
  const name = `bench_${tag}`;
  psql(db, `DROP DATABASE IF EXISTS ${name}`);
  psql(db, `CREATE DATABASE ${name}`);
  return db.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
}

/** Request submissions (bench/lua/submit.lua, durable commits), SUB_RUNS times, each on a fresh
 *  store: after the warm-up the store's statistics are taken (ANALYZE on PostgreSQL, as
 *  autovacuum keeps them in service: on a store created a second ago PostgreSQL plans the
 *  per-recipient count and the foreign-key checks as scans of tables it believes empty), then
 *  wrk measures. Reported per run: req/s, p50/p99, errors, the load average, the server's and
 *  (PostgreSQL) the cluster's CPU time per submission, and from the server's closing log the
 *  commits and round trips to PostgreSQL per submission — figures that do not depend on what
 *  else runs on the machine. */
async function submissionRuns(store, db) {
  const name = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const runs = [];
  for (let i = 0; i < SUB_RUNS; i++) {
    const url = freshDb(store, db, `sub${i}`);
    const h = await startHamyari(url, ['--rate-form-ip', '1000000000', '--requests-auto-open', 'on', '--per-ip-limit', '4096']);
    const script = join(ROOT, 'bench/lua/submit.lua');
    wrk(h.base, script, {}, WARMUP);
    if (store !== 'sqlite') psql(url, 'ANALYZE');
    const count = () => store === 'sqlite'
      ? Number(execFileSync('sqlite3', [url.slice(7), 'SELECT count(*) FROM help_requests'], { encoding: 'utf8' }))
      : Number(psql(url, 'SELECT count(*) FROM help_requests'));
    const pgdata = store === 'sqlite' ? null : psql(db, 'SHOW data_directory');
    const n0 = count(), c0 = cpuTicks(h.child.pid), p0 = pgdata ? pgTicks(pgdata) : 0, l0 = loadavg();
    const r = wrk(h.base, script);
    const n1 = count(), c1 = cpuTicks(h.child.pid), p1 = pgdata ? pgTicks(pgdata) : 0, l1 = loadavg();
    await stop(h.child);
    const gc = groupCommit(h);
    const trips = Number((h.log().match(/store round trips: (\d+)/) || [])[1] || 0);
    const n = Math.max(1, n1 - n0);
    const run = { ...r, load: [l0[0], l1[0]], server_cpu_ms: ((c1 - c0) * 10) / n, pg_cpu_ms: pgdata ? ((p1 - p0) * 10) / n : null,
      writes: gc?.writes, commits: gc?.commits, round_trips: trips, round_trips_per_submission: gc ? trips / gc.writes : null,
      commits_per_submission: gc ? gc.commits / gc.writes : null };
    runs.push(run);
    log(`submissions (${name}) run ${i + 1}/${SUB_RUNS}: ${r.rps.toFixed(0)}/s, ${r.non2xx} errors, load ${l0[0]} → ${l1[0]}, `
      + `server ${run.server_cpu_ms.toFixed(3)} ms CPU a submission${pgdata ? `, PostgreSQL ${run.pg_cpu_ms.toFixed(3)} ms` : ''}, `
      + `${gc ? (gc.writes / gc.commits).toFixed(1) : '–'} a commit${trips ? `, ${run.round_trips_per_submission.toFixed(2)} round trips a submission` : ''}`);
  }
  const rates = runs.map((x) => x.rps).sort((a, b) => a - b);
  const med = rates[Math.floor(rates.length / 2)];
  row(`hamyari: request submission, durable commits (${name}), median of ${runs.length} runs`,
    { rps: med, p50: runs.find((x) => x.rps === med).p50, p99: Math.max(...runs.map((x) => x.p99)),
      non2xx: runs.reduce((s, x) => s + x.non2xx, 0), requests: runs.reduce((s, x) => s + x.requests, 0) },
    null, { runs, spread: [rates[0], rates.at(-1)] });
}

/** The claim race through the group commit: CLAIM_RACERS volunteers race for each of RACE_REQUESTS
 *  open requests, RACE_AT_ONCE requests at a time (so batches hold claims of several requests).
 *  Every request must have exactly one winner (double winners: 0). */
async function claimRace(store, db) {
  const name = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const url = freshDb(store, db, 'race');
  execFileSync(BIN, ['migrate', '--db', url], { stdio: 'ignore' });
  const tokens = [];
  for (let i = 0; i < CLAIM_RACERS; i++) {
    const login = `racer${i}@bench.invalid`;
    execFileSync(BIN, ['user', 'add', '--db', url, '--email', login, '--role', 'volunteer', '--home', '35.7,51.4', '--password-stdin'],
      { input: 'correct horse battery staple racer\n', stdio: ['pipe', 'ignore', 'ignore'] });
    tokens.push(execFileSync(BIN, ['token', 'create', '--db', url, '--user', login], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/).pop());
  }
  const h = await startHamyari(url, ['--rate-form-ip', '1000000000', '--requests-auto-open', 'on', '--per-ip-limit', '4096',
    '--max-open-claims', '0', '--claim-cycles-per-hour', '0']);
  try {
    const ids = [];
    await timedAsync(`${RACE_REQUESTS} open requests (${name})`, () => pool(RACE_REQUESTS, 32, async (i) => {
      const x = await fetch(`${h.base}/api/v1/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `Race ${i}`, phone: `+98937${String(i).padStart(7, '0')}`, address: 'x', lat: 35.7, lon: 51.4, kind: 'medicine', consent: true }) });
      const j = await x.json();
      if (x.status !== 201) throw new Error(`race request: ${x.status}`);
      ids[i] = j.id;
    }));
    if (store !== 'sqlite') psql(url, 'ANALYZE');
    let wins = 0, losses = 0, errors = 0, double = 0, none = 0;
    const lat = [];
    const l0 = loadavg();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ids.length; i += RACE_AT_ONCE) {
      await Promise.all(ids.slice(i, i + RACE_AT_ONCE).map(async (id) => {
        const res = await claimRound(h.base, tokens, id, lat);
        const w = res.filter((s) => s === 200).length;
        wins += w; losses += res.filter((s) => s === 409).length;
        errors += res.filter((s) => s !== 200 && s !== 409).length;
        if (w > 1) double++;
        if (w === 0) none++;
      }));
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    const l1 = loadavg();
    lat.sort((a, b) => a - b);
    row(`hamyari: claim race through the group commit, ${CLAIM_RACERS} volunteers × ${ids.length} requests, ${RACE_AT_ONCE} at a time (${name})`,
      { rps: (wins + losses + errors) / s, p50: pct(lat, 50), p99: pct(lat, 99), non2xx: errors, requests: wins + losses + errors },
      null, { winners: wins, rounds: ids.length, rounds_without_exactly_one_winner: double + none, double_winners: double,
        no_winner: none, load: [l0[0], l1[0]] });
    log(`claim race (${name}): ${wins} winners for ${ids.length} requests, ${double} double winners, ${none} without a winner, `
      + `${errors} errors, ${((wins + losses + errors) / s).toFixed(0)} claims/s, load ${l0[0]} → ${l1[0]}`);
  } finally {
    await stop(h.child);
  }
  // The writes of the race's server (its requests and claims) and the commits they shared.
  const last = results.rows.at(-1);
  if (last?.double_winners != null) last.group_commit = groupCommit(h);
}

/** Every token claims request `id` at once; the answers' statuses, each latency (ms) pushed to `lat`. */
function claimRound(base, tokens, id, lat) {
  return Promise.all(tokens.map(async (t) => {
    const s0 = process.hrtime.bigint();
    const x = await fetch(`${base}/api/v1/requests/${id}/claim`, { method: 'POST', headers: { Authorization: `Bearer ${t}` } });
    await x.arrayBuffer();
    lat.push(Number(process.hrtime.bigint() - s0) / 1e6);
    return x.status;
  }));
}
