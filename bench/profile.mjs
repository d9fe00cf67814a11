// bench/profile.mjs — CPU profiles for bench/run: where a measured answer's CPU goes.
//
// A profile is taken during an extra load run of its own, after the measured runs (perf's
// sampling costs CPU on a machine whose cores the server and the load generator already share,
// so the measured figures are never taken under perf). `perf record` samples the named processes
// (the server; on the PostgreSQL store also the PostgreSQL backends serving it) at PROFILE_HZ for
// a bounded number of seconds; `perf report --no-children --sort dso,symbol` gives each symbol's
// self share, summed by area (our code by source file, libmicrohttpd, zlib, libc and its malloc,
// the kernel, SQLite, libpq, PostgreSQL, …). When perf cannot sample here (not installed, or the
// kernel refuses: kernel.perf_event_paranoid, a container without the perf_event_open system
// call) the profile says why and the run goes on.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export const PROFILE_HZ = 499;
const TOP = 12;
const MALLOC = /^(malloc|free|cfree|calloc|realloc|_int_malloc|_int_free|_int_realloc|malloc_consolidate|unlink_chunk|tcache_|__libc_malloc|__libc_free|__libc_calloc|__libc_realloc|__GI___libc_malloc|__GI___libc_free|arena_|sysmalloc|_int_memalign|__posix_memalign|posix_memalign|aligned_alloc)/;

let status;
/** Whether perf can sample on this machine: { ok, why, paranoid }. Tried once, on a child of
 *  this process, so a refusal is found before any measurement. */
export function perfStatus(disabled) {
  if (status) return status;
  let paranoid = null;
  try { paranoid = Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim()); } catch { /* no such file */ }
  const root = process.getuid?.() === 0;
  if (disabled) return (status = { ok: false, paranoid, why: 'left out (--no-profile)' });
  if (spawnSync('sh', ['-c', 'command -v perf'], { stdio: 'ignore' }).status !== 0) {
    return (status = { ok: false, paranoid, why: 'perf is not installed (Debian package linux-perf)' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-perf-'));
  const r = spawnSync('perf', ['record', '-q', '-F', String(PROFILE_HZ), '-o', join(dir, 'probe.data'), '--',
    'sh', '-c', 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'], { encoding: 'utf8', timeout: 30000 });
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').filter(Boolean).slice(-1)[0] || `exit ${r.status}`;
    return (status = { ok: false, paranoid, why: `perf record does not work here (kernel.perf_event_paranoid = ${paranoid}`
      + `${root ? ', running as root' : ', not root: 2 or more forbids profiling other processes'}): ${why}` });
  }
  return (status = { ok: true, paranoid, why: '' });
}

/** Our binary's functions → their source file (relative to `root`), from its debug information
 *  (`nm -l`; the build is RelWithDebInfo). Static functions inlined into others count for the
 *  function they were inlined into. */
const fileMaps = new Map();
function sourceFiles(bin, root) {
  if (fileMaps.has(bin)) return fileMaps.get(bin);
  const m = new Map();
  const out = spawnSync('nm', ['-l', '--defined-only', bin], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout || '';
  for (const line of out.split('\n')) {
    const x = line.match(/^[0-9a-f]+ [tTwW] (\S+)\t(.+):\d+$/);
    if (x && !m.has(x[1])) m.set(x[1], x[2].startsWith(`${root}/`) ? x[2].slice(root.length + 1) : basename(x[2]));
  }
  fileMaps.set(bin, m);
  return m;
}

/** The area a symbol's CPU belongs to; for our code, its source file. */
function areaOf(dso, sym, ours, files) {
  if (dso === ours) {
    const f = files.get(sym.replace(/\.(constprop|isra|part|cold|lto_priv)\..*$|\.cold$/, ''));
    return { area: 'Hamyari', file: f || (sym.startsWith('hy_') ? 'hy_… (file unknown)' : '(file unknown)') };
  }
  if (/^\[kernel|^\[vdso\]/.test(dso)) return { area: 'kernel' };
  if (/^libmicrohttpd/.test(dso)) return { area: 'libmicrohttpd' };
  if (/^libz\.so/.test(dso)) return { area: 'zlib' };
  if (/^libc\.so|^libc-|^ld-linux|^libm\.so/.test(dso)) return { area: MALLOC.test(sym) ? 'libc: malloc/free' : 'libc' };
  if (/^libsqlite3/.test(dso)) return { area: 'SQLite' };
  if (/^libpq\.so/.test(dso)) return { area: 'libpq' };
  if (dso === 'postgres') return { area: 'PostgreSQL' };
  if (/^libjansson/.test(dso)) return { area: 'jansson' };
  if (/^libsodium/.test(dso)) return { area: 'libsodium' };
  if (/^libmd4c/.test(dso)) return { area: 'md4c' };
  if (/^lib(ssl|crypto|gnutls|nettle)/.test(dso)) return { area: 'TLS/crypto' };
  if (/^(nginx|libpcre|libcrypt)/.test(dso)) return { area: dso.replace(/\.so.*$/, '') };
  return { area: `other (${dso})` };
}

/** Parses `perf report --stdio --no-children -F overhead,sample,dso,sym` into symbols and areas. */
function summarise(text, ours, files) {
  // Lines "  25.25%  51  libc.so.6  [.] __strcmp_avx2": share, samples, object, symbol (the
  // header's own count is rounded: "2K").
  const syms = [];
  let samples = 0;
  for (const line of text.split('\n')) {
    const x = line.match(/^\s+([\d.]+)%\s+(\d+)\s+(\S+)\s+\[(.)\]\s+(.+?)\s*$/);
    if (!x) continue;
    samples += Number(x[2]);
    syms.push({ pct: Number(x[1]), samples: Number(x[2]), dso: x[3], kind: x[4], sym: x[5], ...areaOf(x[3], x[5], ours, files) });
  }
  const areas = new Map(), ourFiles = new Map();
  for (const s of syms) {
    areas.set(s.area, (areas.get(s.area) || 0) + s.pct);
    if (s.file) ourFiles.set(s.file, (ourFiles.get(s.file) || 0) + s.pct);
  }
  const sorted = (m) => [...m].map(([k, v]) => ({ name: k, pct: Math.round(v * 10) / 10 })).sort((a, b) => b.pct - a.pct);
  return { samples, top: syms.slice(0, TOP), areas: sorted(areas), our_files: sorted(ourFiles) };
}

/**
 * One profile: `perf record` of each part's processes for `seconds` while `load(seconds + 1)`
 * (a synchronous load run, e.g. wrk) runs. parts: [{ what, pids }]; the same `id` names the
 * profile in the results ("P1", …). Never throws: a failure is written into the profile.
 */
export async function profile({ id, title, target, store, parts, seconds, load, bin, root, log }) {
  const p = { id, title, target, store, seconds, hz: PROFILE_HZ, parts: [] };
  const st = perfStatus();
  if (!st.ok) {
    p.unavailable = st.why;
    log(`profile ${id} (${title}): none — ${st.why}`);
    return p;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hamyari-perf-'));
  try {
    const recs = parts.filter((x) => x.pids.length).map((x, i) => {
      const file = join(dir, `${i}.data`);
      const child = spawn('perf', ['record', '-q', '-F', String(PROFILE_HZ), '-o', file, '-p', x.pids.join(','),
        '--', 'sleep', String(seconds)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => { err += d; });
      const done = new Promise((res) => {
        const timer = setTimeout(() => child.kill('SIGINT'), (seconds + 30) * 1000);
        child.on('close', (code) => { clearTimeout(timer); res({ code, err }); });
        child.on('error', (e) => { clearTimeout(timer); res({ code: -1, err: e.message }); });
      });
      return { ...x, file, done };
    });
    log(`profile ${id} (${title}): perf record ${seconds} s at ${PROFILE_HZ} Hz during an extra, unmeasured load run`);
    try {
      // The answers within perf's window, pro rata from the load run's count (it runs a second
      // longer than perf samples, so the window is always under load).
      const r = load(seconds + 1);
      if (r?.requests) { p.requests = Math.round((r.requests * seconds) / (seconds + 1)); p.rps = r.rps; }
    } catch (e) { p.load_error = String(e.message || e).split('\n')[0]; }
    for (const r of recs) {
      const { code, err } = await r.done;
      if (code !== 0 || !existsSync(r.file)) {
        p.parts.push({ what: r.what, error: `perf record exited ${code}: ${err.trim().split('\n').pop() || ''}` });
        continue;
      }
      const rep = spawnSync('perf', ['report', '-i', r.file, '--stdio', '--no-children', '-g', 'none', '-F', 'overhead,sample,dso,sym'],
        { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120000 });
      if (rep.status !== 0) {
        p.parts.push({ what: r.what, error: `perf report exited ${rep.status}: ${(rep.stderr || '').trim().split('\n').pop() || ''}` });
        continue;
      }
      const s = summarise(rep.stdout, basename(bin), sourceFiles(bin, root));
      // CPU: each sample stands for 1/PROFILE_HZ s of one CPU.
      const cpu = { cpu_s: s.samples / PROFILE_HZ, ...(p.requests ? { cpu_us_per_answer: (s.samples / PROFILE_HZ / p.requests) * 1e6 } : {}) };
      p.parts.push({ what: r.what, processes: r.pids.length, ...s, ...cpu });
      log(`profile ${id} ${r.what}: ${s.samples} samples; ${s.areas.slice(0, 5).map((a) => `${a.name} ${a.pct} %`).join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return p;
}

/** The "Profiles" section of a results file. */
export function profilesMarkdown(profiles) {
  if (!profiles?.length) return '';
  const f = (v) => v.toFixed(1);
  let md = '\n## Profiles\n\n'
    + 'Where each measurement\'s CPU goes. Each profile is `perf record` of the named processes during an extra load run of '
    + 'its own after the measured runs (the same load, not counted in any figure: sampling costs CPU), summarised as '
    + '`perf report --stdio --no-children --sort dso,symbol`: each symbol\'s self share of the samples, then summed by area '
    + '(Hamyari by source file). Each sample stands for 1/' + PROFILE_HZ + ' s of one CPU, so the samples give CPU seconds and, over '
    + 'the answers of the window (counted pro rata from the load run\'s), the CPU an answer and each area\'s part of it. '
    + 'Kernel time is mostly the network (loopback TCP), scheduling and system calls.\n';
  for (const p of profiles) {
    md += `\n### Profile ${p.id}\n\n**${p.title}**${p.target ? ` (target ${p.target})` : ''}.`;
    if (p.unavailable) { md += ` No profile: ${p.unavailable.replace(/\.$/, '')}.\n`; continue; }
    md += ` perf record at ${p.hz} Hz for ${p.seconds} s${p.load_error ? `; the load run failed: ${p.load_error}` : ''}.\n`;
    for (const x of p.parts) {
      if (x.error) { md += `\n${x.what}: no profile (${x.error}).\n`; continue; }
      const us = (pct) => (x.cpu_us_per_answer != null ? `, ${f((x.cpu_us_per_answer * pct) / 100)} µs` : '');
      md += `\n${x.what} (${x.processes} process${x.processes === 1 ? '' : 'es'}, ${x.samples} samples: ${f(x.cpu_s)} CPU s in ${p.seconds} s`
        + `${x.cpu_us_per_answer != null ? `, ≈ ${f(x.cpu_us_per_answer)} µs of CPU an answer over ~${p.requests} answers` : ''}). By area (share`
        + `${x.cpu_us_per_answer != null ? ', CPU an answer' : ''}): `
        + x.areas.filter((a) => a.pct >= 0.1).map((a) => (a.name === 'Hamyari' && x.our_files.length
          ? `**Hamyari ${f(a.pct)} %${us(a.pct)}** (${x.our_files.filter((o) => o.pct >= 0.1).slice(0, 8).map((o) => `${o.name} ${f(o.pct)} %`).join(', ')})`
          : `${a.name} ${f(a.pct)} %${us(a.pct)}`)).join('; ') + '.\n\n'
        + '| self % | area | symbol |\n|---:|---|---|\n'
        + x.top.map((s) => `| ${s.pct.toFixed(2)} | ${s.file ? `Hamyari (${s.file})` : s.area} | \`${s.sym.replace(/\|/g, '\\|')}\` |`).join('\n') + '\n';
    }
  }
  return md;
}
