// The demo data: content that fits where it is (Persian people with Iranian numbers, documents
// tagged Iran about Iran, no "(demo)" filler), Tehran's neighbourhoods in the place search, and
// `hamyari demo remove`, which takes every demo row and nothing else — attacked with real rows
// made and edited after the demo was loaded, and a real request held by a demo volunteer. Runs
// on the store HY_TEST_STORE names (the test command runs it on both).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStore, startServer, runCli } from './lib/server.mjs';
import { addUser, createToken, newVolunteer, sql } from './lib/accounts.mjs';

let srv, st, tmp;
const tokens = {};

async function call(method, path, { who, body } = {}) {
  const headers = who ? { authorization: `Bearer ${tokens[who]}` } : {};
  return srv.request(method, path, { body, headers });
}
async function must(who, method, path, body) {
  const r = await call(method, path, { who, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}
const one = (q) => sql(srv, q)[0]?.[0];
const count = (q) => Number(one(q));
const ARABIC = /[\u0600-\u06FF]/;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'hy-demo-'));
  st = await makeStore();
  srv = await startServer({ db: st.url, args: ['--demo'] });
  await addUser(srv, { email: 'coord@example.org', role: 'coordinator' });
  await addUser(srv, { email: 'editor@example.org', role: 'editor' });
  await addUser(srv, { email: 'owner@example.org', role: 'volunteer', home: { lat: 35.70, lon: 51.40 } });
  for (const [who, login] of [['coord', 'coord@example.org'], ['editor', 'editor@example.org'], ['owner', 'owner@example.org']])
    tokens[who] = await createToken(srv, login);
});

after(async () => {
  await srv?.stop();
  await st?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('demo people look real and fit where they are: Iranian numbers for Persian names, no "(demo)" filler', () => {
  const people = sql(srv, 'SELECT name, phone FROM users WHERE demo ORDER BY name');
  assert.equal(people.length, 12);
  for (const [name, phone] of people) {
    assert.doesNotMatch(name, /demo|نمونه/i, name);
    if (ARABIC.test(name)) assert.match(phone, /^\+989123456\d{3}$/, `${name}: ${phone}`);
    else assert.match(phone, /^\+447700900\d{3}$/, `${name}: ${phone}`);
  }
  const requesters = sql(srv, 'SELECT c.name, c.phone, c.address, h.language FROM help_requests h ' +
    'JOIN request_contacts c ON c.request_id = h.id WHERE h.demo');
  assert.equal(requesters.length, 4);
  for (const [name, phone, address, lang] of requesters) {
    assert.doesNotMatch(`${name} ${address}`, /demo|نمونه/i);
    assert.match(phone, lang === 'fa' ? /^\+989123456\d{3}$/ : /^\+447700900\d{3}$/, `${name}: ${phone}`);
    assert.equal(ARABIC.test(name), lang === 'fa', name);
  }
  assert.equal(count("SELECT count(*) FROM aid_groups WHERE demo AND (name LIKE '%demo%' OR name LIKE '%نمونه%' " +
    "OR description LIKE '%demo%' OR description LIKE '%نمونه%')"), 0);
  for (const [contact, name] of sql(srv, 'SELECT contact, name FROM aid_groups WHERE demo')) {
    const c = JSON.parse(contact);
    assert.match(c.phone, ARABIC.test(name) ? /^\+98 912 345 60\d\d$/ : /^\+44 7700 900\d{3}$/, `${name}: ${c.phone}`);
    assert.match(c.email, /@example\.org$/);
  }
  assert.equal(count("SELECT count(*) FROM lib_docs WHERE origin = 'demo' AND (title LIKE '%demo%' OR title LIKE '%نمونه%')"), 0);
  // The FAQ page lists questions of type faq: no examples among them.
  assert.equal(count("SELECT count(*) FROM lib_docs WHERE origin = 'demo' AND type = 'faq'"), 0);
  // Six library types, and official news and fact checks.
  assert.equal(count("SELECT count(DISTINCT type) FROM lib_docs WHERE origin = 'demo'"), 8);
  // A challenge in its voting phase with ideas in both languages.
  assert.equal(count("SELECT count(*) FROM challenges WHERE demo AND title_fa <> '' AND title_en <> ''"), 1);
  assert.equal(count("SELECT count(DISTINCT language) FROM ideas WHERE demo"), 2);
});

test('demo documents tagged Iran are about Iran, and the others are not about Iran', () => {
  const IRAN = /Tehran|Tabriz|Shiraz|Mashhad|Isfahan|Kerman|Rasht|Yazd|تهران|تبریز|شیراز|مشهد|اصفهان|کرمان|رشت|یزد/;
  const docs = sql(srv, "SELECT country, title FROM lib_docs WHERE origin = 'demo'");
  assert.ok(docs.filter(([c]) => c === 'IR').length > 20, 'enough Iranian documents');
  assert.ok(new Set(docs.map(([c]) => c)).size > 15, 'many countries');
  for (const [country, title] of docs) assert.equal(IRAN.test(title), country === 'IR', `${country}: ${title}`);
  // Persian text with Persian digits.
  for (const [summary] of sql(srv, "SELECT summary FROM lib_docs WHERE origin = 'demo' AND language = 'fa'"))
    assert.doesNotMatch(summary, /[0-9]/, summary);
});

test('serve --demo loads Tehran\'s neighbourhoods through the operator place list: «ونک» and «نارمک» resolve', async () => {
  for (const [q, lat, lon] of [['ونک', 35.7575, 51.4097], ['نارمک', 35.7456, 51.503], ['Tajrish', 35.8047, 51.434]]) {
    const r = await call('GET', `/api/v1/geocode?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, r.text);
    const [p] = r.json.places;
    assert.ok(p, `${q}: nothing found`);
    assert.ok(Math.abs(p.lat - lat) < 0.01 && Math.abs(p.lon - lon) < 0.01, `${q}: ${JSON.stringify(p)}`);
  }
  assert.equal(count('SELECT count(*) FROM places WHERE demo'), count('SELECT count(*) FROM places WHERE geonameid < 0'));
  assert.ok(srv.lines.some((l) => /demo: loading the place list .*tehran-places\.csv/.test(l)), srv.stderr());
});

test('hamyari demo remove: --help, a dry run that changes nothing, then only demo rows go', async () => {
  const help = await runCli(['demo', 'remove', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--dry-run/);
  assert.match(help.stdout, /--keep-edited/);
  assert.equal((await runCli(['demo', 'frobnicate'])).code, 2);

  // Real rows made after the demo was loaded, and edited.
  const realGroup = (await must('owner', 'POST', '/api/v1/groups',
    { name: 'Narmak Neighbours', description: 'Shopping for older neighbours', lat: 35.745, lon: 51.503, radius_km: 2 })).id;
  await must('coord', 'POST', `/api/v1/groups/${realGroup}/approve`);
  await must('owner', 'PATCH', `/api/v1/groups/${realGroup}`, { description: 'Shopping and prescriptions for older neighbours' });
  await must('coord', 'POST', `/api/v1/groups/${realGroup}/changes/approve`);
  const realDoc = (await must('editor', 'POST', '/api/v1/library',
    { type: 'guide', language: 'fa', title: 'راهنمای خرید برای همسایه‌ها', summary: 'چطور برای همسایهٔ سالمند خرید کنیم' })).id;
  await must('editor', 'PATCH', `/api/v1/library/${realDoc}`, { summary: 'چطور برای همسایهٔ سالمند خرید کنیم و رسید بگیریم' });
  // A demo group and a demo document someone edited since.
  const [editedGroup] = sql(srv, "SELECT id FROM aid_groups WHERE demo AND status = 'approved' ORDER BY id LIMIT 1")[0];
  // (Demo groups have no owners, so no one edits them through the API; the store may still be
  // edited by other means, e.g. a later owner.)
  sql(srv, `UPDATE aid_groups SET description = 'Our real group now', updated_at = updated_at + 60 WHERE id = '${editedGroup}'`);
  const [editedDoc] = sql(srv, "SELECT id FROM lib_docs WHERE origin = 'demo' AND status = 'draft' ORDER BY id LIMIT 1")[0];
  await must('editor', 'PATCH', `/api/v1/library/${editedDoc}`, { summary: 'Rewritten by our editors.' });
  assert.equal(one(`SELECT origin FROM lib_docs WHERE id = '${editedDoc}'`), 'demo', 'an edit keeps the mark');
  // A real volunteer, and a real request a coordinator assigned to a demo volunteer.
  const realVol = await newVolunteer(srv, { email: 'real-volunteer@example.org', lat: 35.7, lon: 51.4 });
  const [demoVol] = sql(srv, "SELECT id FROM users WHERE demo AND status = 'approved' ORDER BY id LIMIT 1")[0];
  const req = await must(null, 'POST', '/api/v1/requests', {
    name: 'Maryam Test', phone: '0912 555 0199', address: 'Vanak Sq 1', lat: 35.7575, lon: 51.4097,
    kind: 'groceries', urgency: 'normal', for_whom: 'self', language: 'fa', consent: true,
  });
  await must('coord', 'POST', `/api/v1/requests/${req.id}/status`, { status: 'open' });
  await must('coord', 'POST', `/api/v1/requests/${req.id}/assign`, { volunteer_id: demoVol });
  assert.equal(one(`SELECT status FROM help_requests WHERE id = '${req.id}'`), 'claimed');

  // Open data: a real dataset, and a demo one an editor uploaded a new version of.
  const csvDir = mkdtempSync(join(tmpdir(), 'hy-demo-ds-'));
  const csv = join(csvDir, 'real.csv');
  writeFileSync(csv, 'date,area,beds\n2024-05-01,Tehran,10\n2024-05-02,Tehran,12\n');
  for (const id of ['real-beds', 'demo-beds']) {
    const imp = await runCli(['import', 'dataset', '--db', srv.dbUrl, '--id', id, '--title-fa', 'تخت‌ها', '--title-en', 'Beds', csv]);
    assert.equal(imp.code, 0, imp.stderr);
  }
  rmSync(csvDir, { recursive: true, force: true });
  const demoSets = (await must(null, 'GET', '/api/v1/datasets')).datasets.filter((d) => d.demo).map((d) => d.id);
  assert.deepEqual(demoSets, ['demo-admissions', 'demo-admissions-national', 'demo-beds']);

  // An aggregate answer the server keeps, of a demo dataset about to go.
  const keptBefore = (await must(null, 'GET', '/api/v1/datasets/demo-admissions-national/daily')).days.length;
  assert.ok(keptBefore > 100);


  // Skills matching: the demo's organisations and needs in both languages, and a real one.
  assert.equal(count('SELECT count(*) FROM orgs WHERE demo'), 3);
  assert.equal(count('SELECT count(*) FROM needs WHERE demo'), 6);
  assert.ok(count("SELECT count(*) FROM needs n JOIN orgs o ON o.id = n.org_id WHERE n.demo AND o.status = 'verified' AND n.status = 'open'") === 6);
  const realOrg = (await must('owner', 'POST', '/api/v1/orgs', { name: 'Narmak Clinic', kind: 'clinic', area: 'Narmak', contact: 'desk@example.org' })).id;
  const snapshot = () => ['aid_groups', 'lib_docs', 'users', 'help_requests', 'places', 'audit_log', 'datasets', 'dataset_values', 'dataset_days']
    .map((t) => count(`SELECT count(*) FROM ${t}`));
  const before = snapshot();
  const demoGroups = count('SELECT count(*) FROM aid_groups WHERE demo');
  const demoDocs = count("SELECT count(*) FROM lib_docs WHERE origin = 'demo'");

  // The dry run counts and changes nothing.
  let r = await runCli(['demo', 'remove', '--db', srv.dbUrl, '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^would remove: ${demoGroups} groups, ${demoDocs} library documents, 12 volunteers, 4 help requests, 36 places$`, 'm'));
  assert.match(r.stdout, /^among them: 1 groups and 1 documents edited since the demo loaded them/m);
  assert.match(r.stdout, /^would return 1 real requests held by a demo volunteer back to open$/m);
  assert.match(r.stdout, /^would remove: 3 open-data datasets$/m);
  assert.match(r.stdout, /^among them: 1 datasets with a version uploaded since the demo loaded them/m);
  assert.match(r.stderr, /counting the demo rows/);
  assert.deepEqual(snapshot(), before);
  r = await runCli(['demo', 'remove', '--db', srv.dbUrl, '--dry-run', '--keep-edited']);
  assert.match(r.stdout, new RegExp(`^would remove: ${demoGroups - 1} groups, ${demoDocs - 1} library documents`, 'm'));

  // The removal, keeping what was edited since.
  r = await runCli(['demo', 'remove', '--db', srv.dbUrl, '--keep-edited']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^removed: ${demoGroups - 1} groups, ${demoDocs - 1} library documents, 12 volunteers, 4 help requests, 36 places$`, 'm'));
  assert.match(r.stderr, /removing the demo rows/);
  assert.match(r.stdout, /^removed: 2 open-data datasets$/m);
  assert.match(r.stdout, /^kept: 1 datasets with a version uploaded since the demo loaded them \(now your own\)$/m);
  // The demo datasets are gone with their versions, cells and summaries; the real one and the
  // edited one stay, no longer marked.
  const left = (await must(null, 'GET', '/api/v1/datasets')).datasets;
  assert.deepEqual(left.map((d) => [d.id, d.demo]), [['demo-beds', false], ['real-beds', false]]);
  for (const t of ['dataset_versions', 'dataset_values', 'dataset_totals', 'dataset_days', 'dataset_series'])
    assert.equal(count(`SELECT count(*) FROM ${t} WHERE dataset_id LIKE 'demo-admissions%'`), 0, t);
  assert.equal((await call('GET', '/api/v1/datasets/demo-admissions/daily')).status, 404);
  assert.equal((await must(null, 'GET', '/api/v1/datasets/real-beds/daily')).days.length, 2);
  // The same id uploaded again starts at version 1 again: the running server answers with the
  // new data, not an answer it kept of the removed one.
  const again = join(mkdtempSync(join(tmpdir(), 'hy-demo-ds-')), 'again.csv');
  writeFileSync(again, 'date,admissions\n2024-06-01,7\n2024-06-02,9\n');
  const imp = await runCli(['import', 'dataset', '--db', srv.dbUrl, '--id', 'demo-admissions-national', '--title-fa', 'دوباره', '--title-en', 'Again', again]);
  assert.equal(imp.code, 0, imp.stderr);
  const fresh = await must(null, 'GET', '/api/v1/datasets/demo-admissions-national/daily');
  assert.equal(fresh.version, 1);
  assert.deepEqual(fresh.days.map((d) => d.total[0]), [7, 9]);
  for (const q of ['SELECT count(*) FROM aid_groups WHERE demo', "SELECT count(*) FROM lib_docs WHERE origin = 'demo'",
    'SELECT count(*) FROM users WHERE demo', 'SELECT count(*) FROM help_requests WHERE demo', 'SELECT count(*) FROM places WHERE demo',
    'SELECT count(*) FROM challenges', 'SELECT count(*) FROM ideas'])
    assert.equal(count(q), 0, q);
  assert.equal(count('SELECT count(*) FROM orgs WHERE demo'), 0);
  assert.equal(count('SELECT count(*) FROM needs WHERE demo'), 0);
  assert.equal(count(`SELECT count(*) FROM orgs WHERE id = '${realOrg}'`), 1);
  // Real rows stay, whoever made or edited them; the edited demo rows are now the operator's.
  assert.equal(count(`SELECT count(*) FROM aid_groups WHERE id IN ('${realGroup}', '${editedGroup}')`), 2);
  assert.equal(count(`SELECT count(*) FROM lib_docs WHERE id IN ('${realDoc}', '${editedDoc}')`), 2);
  assert.equal(one(`SELECT origin FROM lib_docs WHERE id = '${editedDoc}'`), 'user');
  assert.equal(count(`SELECT count(*) FROM users WHERE id = '${realVol.id}'`), 1);
  assert.equal(count("SELECT count(*) FROM users WHERE email IN ('coord@example.org', 'editor@example.org', 'owner@example.org')"), 3);
  assert.equal(count("SELECT count(*) FROM lib_docs WHERE origin = 'seed'") > 0, true, 'the starter library stays');
  // The real request held by the demo volunteer is back in the coordinators' queue, and says why.
  assert.deepEqual(sql(srv, `SELECT status, coalesce(assignee_id, '-') FROM help_requests WHERE id = '${req.id}'`)[0], ['open', '-']);
  assert.deepEqual(sql(srv, `SELECT from_status, to_status, reason FROM request_events WHERE request_id = '${req.id}' ORDER BY id DESC LIMIT 1`)[0],
    ['claimed', 'open', 'demo_volunteer_removed']);
  const queue = await must('coord', 'GET', '/api/v1/requests?status=open');
  assert.ok(queue.requests.some((x) => x.id === req.id), 'in the queue');
  // The running server sees it at once: no demo group near Tehran, the real ones are found.
  const near = await must(null, 'GET', '/api/v1/groups?near=35.745,51.503&limit=50');
  assert.ok(near.groups.every((g) => !g.demo), 'no demo group left');
  assert.ok(near.groups.some((g) => g.id === realGroup));
  assert.equal((await call('GET', `/api/v1/geocode?q=${encodeURIComponent('نارمک')}`)).json.places.length, 0);
  // One audit entry with the counts.
  const [detail] = sql(srv, "SELECT detail FROM audit_log WHERE action = 'demo_removed'")[0];
  assert.match(detail, new RegExp(`^groups=${demoGroups - 1} documents=${demoDocs - 1} volunteers=12 requests=4 places=36 released=1 datasets=2 keep_edited$`));

  // Started again with --demo, the server does not bring the demo back.
  await srv.stop();
  srv = await startServer({ db: st.url, args: ['--demo'] });
  assert.ok(srv.lines.some((l) => /demo: the demo data was removed .*not loaded again/.test(l)), srv.stderr());
  assert.equal(count('SELECT count(*) FROM aid_groups WHERE demo'), 0);
  assert.equal(count('SELECT count(*) FROM places'), 0);
});

test('demo remove on an operator\'s own place list and GeoNames places: they stay', async () => {
  const list = join(tmp, 'own.csv');
  writeFileSync(list, 'name,alt_names,lat,lon,kind\nنارمک,Narmak,35.745,51.503,neighbourhood\n');
  let r = await runCli(['import', 'places', '--db', srv.dbUrl, list]);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(['demo', 'remove', '--db', srv.dbUrl]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^removed: 0 groups, 0 library documents, 0 volunteers, 0 help requests, 0 places$/m);
  assert.equal(count('SELECT count(*) FROM places'), 1);
  assert.equal((await call('GET', `/api/v1/geocode?q=${encodeURIComponent('نارمک')}`)).json.places[0]?.name, 'نارمک');
});
