// bench/run.mjs — see bench/README.md. Loopback only; every load is bounded in time.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, rmSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`Usage: bench/run [--quick] [--duration SECONDS] [--connections N]

Benchmarks Hamyari against nginx on this machine (loopback only) and prints ratios.
  --quick           3 s per measurement instead of 10
  --duration S      seconds per measurement
  --connections N   concurrent connections for wrk (default 64)
  --help            show this text
Results go to bench/results/.`);
  process.exit(0);
}
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const DURATION = Number(opt('--duration', args.includes('--quick') ? 3 : 10));
const CONNS = Number(opt('--connections', 64));
const log = (...m) => console.error('bench:', ...m);

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
function ensurePackages() {
  const missing = [];
  if (!have('wrk')) missing.push('wrk');
  if (!existsSync('/usr/sbin/nginx')) missing.push('nginx-light');
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
function startHamyari(dbPath, extra = []) {
  const bin = process.env.HAMYARI_BIN || join(ROOT, 'build/hamyari');
  const t0 = process.hrtime.bigint();
  const child = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--db', `sqlite:${dbPath}`,
    '--web', join(ROOT, 'web'), '--access-log', 'off', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((res, rej) => {
    let buf = '';
    const timer = setTimeout(() => rej(new Error('hamyari did not start in 30 s')), 30000);
    child.stderr.on('data', (d) => {
      buf += d;
      const m = buf.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        res({ child, port: Number(m[1]), startMs: ms });
      }
    });
    child.on('exit', (c) => { clearTimeout(timer); rej(new Error(`hamyari exited ${c}: ${buf}`)); });
  });
}
function stop(child) {
  return new Promise((res) => {
    if (child.exitCode !== null) return res(child.exitCode);
    child.once('exit', (c) => res(c));
    child.kill('SIGTERM');
  });
}
function rssPeakMB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : null;
  } catch { return null; }
}
function wrk(url, script) {
  const a = ['-t2', `-c${CONNS}`, `-d${DURATION}s`, '--latency', '--timeout', '5s'];
  if (script) a.push('-s', script);
  a.push(url);
  const out = execFileSync('wrk', a, { encoding: 'utf8', timeout: (DURATION + 30) * 1000 });
  const rps = Number((out.match(/Requests\/sec:\s+([\d.]+)/) || [])[1]);
  const toMs = (v, u) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[u] ?? 1);
  const pct = (p) => { const m = out.match(new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`)); return m ? toMs(m[1], m[2]) : null; };
  const errors = (out.match(/Non-2xx or 3xx responses:\s+(\d+)/) || [0, 0])[1];
  const sockErr = out.match(/Socket errors: (.*)/);
  return { rps, p50: pct(50), p99: pct(99), non2xx: Number(errors), socketErrors: sockErr ? sockErr[1] : '' };
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
  for (let i = 0; i < 100; i++) {
    try { await fetch(`http://127.0.0.1:${port}/healthz.json`); return child; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error('nginx did not start');
}

async function main() {
  ensurePackages();
  if (!existsSync(join(ROOT, 'build/hamyari')) && !process.env.HAMYARI_BIN) {
    log('building hamyari');
    execFileSync('bash', [join(ROOT, 'scripts/build.sh')], { stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-bench-'));
  mkdirSync(join(dir, 'www'));
  // nginx's workers run as an unprivileged user: let them read the folder.
  execFileSync('chmod', ['755', dir, join(dir, 'www')]);
  const results = { date: new Date().toISOString(), cores: cpus().length, cpu: cpus()[0]?.model,
    duration_s: DURATION, connections: CONNS, versions: {}, rows: [] };
  results.versions.hamyari = execFileSync(process.env.HAMYARI_BIN || join(ROOT, 'build/hamyari'), ['--version'], { encoding: 'utf8' }).trim();
  results.versions.nginx = spawnSync('/usr/sbin/nginx', ['-v'], { encoding: 'utf8' }).stderr.trim();
  results.versions.wrk = (spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout || '').split('\n')[0].trim();

  // Cold start: median of five fresh starts on an empty store.
  const starts = [];
  for (let i = 0; i < 5; i++) {
    const h = await startHamyari(join(dir, `cold${i}.db`));
    starts.push(h.startMs);
    await stop(h.child);
  }
  starts.sort((a, b) => a - b);
  results.cold_start_ms = starts[2];
  log(`cold start median ${starts[2].toFixed(0)} ms`);

  const h = await startHamyari(join(dir, 'bench.db'));
  const base = `http://127.0.0.1:${h.port}`;
  const health = Buffer.from(await (await fetch(`${base}/healthz`)).arrayBuffer());
  writeFileSync(join(dir, 'www/healthz.json'), health);
  const staticName = 'favicon.svg';
  copyFileSync(join(ROOT, 'web', staticName), join(dir, 'www', staticName));
  execFileSync('chmod', ['644', join(dir, 'www', staticName), join(dir, 'www/healthz.json')]);
  const nport = await freePort();
  const nginx = await startNginx(dir, nport);
  const nbase = `http://127.0.0.1:${nport}`;

  const measure = (name, url, ref) => {
    log(`${name}: wrk ${DURATION}s`);
    const r = wrk(url);
    if (r.non2xx > 0) throw new Error(`${name}: ${r.non2xx} answers were not 2xx — the comparison would be void`);
    results.rows.push({ name, url: url.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''), ref, ...r });
    return r;
  };
  measure('nginx: static file', `${nbase}/${staticName}`, null);
  measure('nginx: /healthz bytes as a file', `${nbase}/healthz.json`, null);
  measure('hamyari: /healthz (SQLite)', `${base}/healthz`, 'nginx: /healthz bytes as a file');
  measure('hamyari: static file', `${base}/${staticName}`, 'nginx: static file');
  results.hamyari_rss_peak_mb = rssPeakMB(h.child.pid);

  await stop(h.child);
  nginx.kill('SIGQUIT');
  for (const r of results.rows) {
    const ref = results.rows.find((x) => x.name === r.ref);
    r.ratio = ref ? r.rps / ref.rps : null;
  }
  const targets = [
    { what: '/healthz ≥ 1.5× nginx (same bytes)', ok: (results.rows.find((r) => r.name.startsWith('hamyari: /healthz'))?.ratio ?? 0) >= 1.5 },
    { what: 'cold start < 1 s', ok: results.cold_start_ms < 1000 },
    { what: 'peak memory < 200 MB', ok: (results.hamyari_rss_peak_mb ?? 1e9) < 200 },
  ];
  results.targets = targets;
  const f = (v, d = 0) => (v == null || Number.isNaN(v) ? '–' : v.toFixed(d));
  let md = `# Benchmark ${results.date}\n\n${results.cores} cores (${results.cpu}); wrk -t2 -c${CONNS} -d${DURATION}s on loopback; ` +
    `${results.versions.hamyari}, ${results.versions.nginx}, ${results.versions.wrk}\n\n` +
    `| measurement | req/s | p50 ms | p99 ms | non-2xx | ratio to reference |\n|---|---:|---:|---:|---:|---:|\n`;
  for (const r of results.rows) md += `| ${r.name} | ${f(r.rps)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.non2xx} | ${r.ratio ? f(r.ratio, 2) + '×' : ''} |\n`;
  md += `\nCold start (median of 5): ${f(results.cold_start_ms)} ms. Peak resident memory under load: ${f(results.hamyari_rss_peak_mb, 1)} MB.\n\n`;
  md += `| target | met |\n|---|---|\n` + targets.map((t) => `| ${t.what} | ${t.ok ? 'yes' : 'NO'} |`).join('\n') + '\n';
  const stamp = results.date.replace(/[:]/g, '').replace(/\..*/, '');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, `bench/results/${stamp}.md`), md);
  writeFileSync(join(ROOT, `bench/results/${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  console.log(md);
  rmSync(dir, { recursive: true, force: true });
}
main().catch((e) => { console.error(e); process.exit(1); });
