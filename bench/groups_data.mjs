#!/usr/bin/env node
// groups_data.mjs N — writes N synthetic groups as CSV for `hamyari import groups` (benchmarks):
// three in four scattered around eight city centres (normal, σ ≈ 0.8°), one in four anywhere
// between 60°S and 70°N; every tenth with a 2 km coverage radius. Deterministic.
const n = Number(process.argv[2] || 100000);
const cities = [[35.69, 51.39], [51.5, -0.12], [53.48, -2.24], [32.65, 51.67], [40.71, -74.0], [-33.87, 151.2], [48.85, 2.35], [55.75, 37.6]];
let s = 5;
const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
const gauss = () => Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd());
const out = ['name,lat,lon,description,tags,languages,radius_km'];
for (let i = 0; i < n; i++) {
  let lat, lon;
  if (i % 4 === 0) { lat = -60 + 130 * rnd(); lon = -180 + 360 * rnd(); }
  else { const c = cities[i % 8]; lat = c[0] + 0.8 * gauss(); lon = c[1] + 0.8 * gauss(); }
  lat = Math.max(-90, Math.min(90, lat));
  lon = ((lon + 540) % 360) - 180;
  out.push(`Bench group ${i},${lat.toFixed(6)},${lon.toFixed(6)},Neighbourhood help ${i % 100},food;medicine,en,${i % 10 === 0 ? 2 : ''}`);
  if (out.length >= 10000) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
