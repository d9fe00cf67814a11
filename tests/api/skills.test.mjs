// Skills matching: the skills list admins keep, organisations and their verification, needs,
// volunteers' skills, the ranking of volunteers for a need and of needs for a volunteer,
// offers, and contact details shared only after the organisation accepts — attacked first
// from every side. Runs on the store HY_TEST_STORE names (the test command runs it on both).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertError, STORE } from './lib/server.mjs';
import { Client, addUser, createToken, freshPhone, sql } from './lib/accounts.mjs';

let srv, anon;
const who = {}; // name → { id, client, phone, email }

async function person(name, role, home) {
  const email = `${name}@example.org`;
  const phone = freshPhone();
  const id = await addUser(srv, { email, phone, role, name: `Person ${name}`, home, radius_km: home ? 20 : undefined });
  const client = new Client(srv, { bearer: await createToken(srv, email) });
  who[name] = { id, client, phone, email };
  return who[name];
}

// A date (YYYY-MM-DD, UTC) some days from now: needs end on a date, and one already over is refused.
const dayFromNow = (days) => new Date(Date.now() + days * 86400e3).toISOString().slice(0, 10);
const ok = (r, status = 200) => { assert.equal(r.status, status, `${r.status} ${r.text}`); return r.json; };

before(async () => {
  srv = await startServer();
  anon = new Client(srv);
  await person('admin', 'admin');
  await person('coord', 'coordinator');
  // Organisation people are ordinary signed-in accounts.
  await person('hospital', 'volunteer');
  await person('school', 'volunteer');
  await person('nurse', 'volunteer');
  // Volunteers around Tehran (Vanak), nearer and farther from the hospital's place.
  await person('near', 'volunteer', { lat: 35.757, lon: 51.41 });
  await person('far', 'volunteer', { lat: 35.65, lon: 51.40 });
  await person('expert', 'volunteer', { lat: 35.70, lon: 51.35 });
  await person('basic', 'volunteer', { lat: 35.758, lon: 51.41 });
  await person('nohome', 'volunteer');
  await person('outsider', 'volunteer', { lat: 35.75, lon: 51.41 });
});

test('the skills list: public, admins add, rename and retire; bad input changes nothing', async () => {
  const list = ok(await anon.get('/api/v1/skills'));
  assert.deepEqual(list.levels, ['basic', 'experienced', 'expert']);
  for (const slug of ['software', 'data', 'design', 'translation', 'medical', 'legal', 'logistics', 'driving'])
    assert.ok(list.skills.find((s) => s.slug === slug && s.name_fa && s.name_en), slug);
  assertError(await who.coord.client.post('/api/v1/skills', { slug: 'x-ray', name_fa: 'رادیولوژی', name_en: 'X-ray' }), 403, 'forbidden');
  assertError(await anon.post('/api/v1/skills', { slug: 'x-ray', name_fa: 'رادیولوژی', name_en: 'X-ray' }), 401, 'unauthorized');
  assertError(await who.admin.client.post('/api/v1/skills', { slug: 'X Ray', name_fa: 'a', name_en: 'b' }), 400, 'invalid_field');
  assertError(await who.admin.client.post('/api/v1/skills', { slug: 'xray', name_fa: 'a', name_en: 'b', retired: true }), 400, 'unknown_field');
  const added = ok(await who.admin.client.post('/api/v1/skills', { slug: 'x-ray', name_fa: 'رادیولوژی', name_en: 'X-ray' }), 201);
  assert.equal(added.retired, false);
  assertError(await who.admin.client.post('/api/v1/skills', { slug: 'x-ray', name_fa: 'دیگر', name_en: 'Other' }), 409, 'conflict');
  const renamed = ok(await who.admin.client.patch('/api/v1/skills/x-ray', { name_en: 'Radiography' }));
  assert.equal(renamed.name_en, 'Radiography');
  assert.equal(renamed.name_fa, 'رادیولوژی');
  assertError(await who.admin.client.patch('/api/v1/skills/nope', { name_en: 'N' }), 404, 'not_found');
  const retired = ok(await who.admin.client.patch('/api/v1/skills/x-ray', { retired: true }));
  assert.equal(retired.retired, true);
  // A retired skill stays in the list (rows use it) but cannot be newly chosen.
  assert.ok(ok(await anon.get('/api/v1/skills')).skills.find((s) => s.slug === 'x-ray' && s.retired));
  assertError(await who.near.client.request('PUT', '/api/v1/me/skills', { body: { skills: [{ skill: 'x-ray', level: 'basic' }] } }), 400, 'invalid_field');
  const audit = sql(srv, "SELECT action FROM audit_log WHERE action IN ('skill_added','skill_changed')").map((r) => r[0]);
  assert.deepEqual(audit.sort(), ['skill_added', 'skill_changed', 'skill_changed']);
});

test('volunteers keep skills and levels; bad lists are refused whole', async () => {
  const put = (c, skills) => c.request('PUT', '/api/v1/me/skills', { body: { skills } });
  assertError(await put(anon, []), 401, 'unauthorized');
  assertError(await put(who.near.client, [{ skill: 'medical', level: 'guru' }]), 400, 'invalid_field');
  assertError(await put(who.near.client, [{ skill: 'medical', level: 'basic' }, { skill: 'medical', level: 'expert' }]), 400, 'invalid_field');
  assertError(await put(who.near.client, [{ skill: 'no-such', level: 'basic' }]), 400, 'invalid_field');
  assertError(await put(who.near.client, 'medical'), 400, 'invalid_field');
  assert.deepEqual(ok(await who.near.client.get('/api/v1/me/skills')).skills, []);
  const mine = ok(await put(who.near.client, [{ skill: 'medical', level: 'experienced' }, { skill: 'driving', level: 'basic' }]));
  assert.deepEqual(mine.skills, [{ skill: 'driving', level: 'basic' }, { skill: 'medical', level: 'experienced' }]);
  ok(await put(who.far.client, [{ skill: 'medical', level: 'experienced' }, { skill: 'driving', level: 'expert' }]));
  ok(await put(who.expert.client, [{ skill: 'medical', level: 'expert' }]));
  ok(await put(who.basic.client, [{ skill: 'medical', level: 'basic' }, { skill: 'translation', level: 'expert' }]));
  ok(await put(who.nohome.client, [{ skill: 'medical', level: 'experienced' }, { skill: 'driving', level: 'basic' }]));
  ok(await put(who.outsider.client, [{ skill: 'software', level: 'expert' }]));
  // Replacing is whole: a refused list leaves the old one.
  assertError(await put(who.near.client, [{ skill: 'medical', level: 'expert' }, { skill: 'nope', level: 'basic' }]), 400, 'invalid_field');
  assert.equal(ok(await who.near.client.get('/api/v1/me/skills')).skills.length, 2);
});

let hospital, need, school, schoolNeed;

test('organisations: registered pending, hidden until a coordinator verifies them', async () => {
  assertError(await anon.post('/api/v1/orgs', { name: 'Hospital', kind: 'hospital', area: 'Vanak', contact: '021 1234' }), 401, 'unauthorized');
  assertError(await who.hospital.client.post('/api/v1/orgs', { name: 'H', kind: 'castle', area: 'Vanak', contact: '021 1234' }), 400, 'invalid_field');
  assertError(await who.hospital.client.post('/api/v1/orgs', { name: 'Hospital', kind: 'hospital', area: 'Vanak', contact: '021 1234', status: 'verified' }), 400, 'unknown_field');
  hospital = ok(await who.hospital.client.post('/api/v1/orgs', {
    name: 'بیمارستان ونک', kind: 'hospital', area: 'ونک، تهران', lat: 35.7571, lon: 51.4102, contact: 'reception 021 8888 0000',
  }), 201);
  assert.equal(hospital.status, 'pending');
  school = ok(await who.school.client.post('/api/v1/orgs', { name: 'Yousefabad School', kind: 'school', area: 'Yousefabad', contact: 'office@school.example' }), 201);
  // Pending: not public, not visible to another organisation.
  assertError(await anon.get(`/api/v1/orgs/${hospital.id}`), 404, 'not_found');
  assertError(await who.school.client.get(`/api/v1/orgs/${hospital.id}`), 404, 'not_found');
  assert.equal(ok(await who.hospital.client.get(`/api/v1/orgs/${hospital.id}`)).staff, true);
  assert.ok(!ok(await anon.get('/api/v1/orgs')).orgs.find((o) => o.id === hospital.id));
  assert.ok(ok(await who.hospital.client.get('/api/v1/orgs?mine=true')).orgs.find((o) => o.id === hospital.id));
  assertError(await who.hospital.client.get('/api/v1/orgs?status=pending'), 403, 'forbidden');
  assert.ok(ok(await who.coord.client.get('/api/v1/orgs?status=pending')).orgs.find((o) => o.id === hospital.id));
  // Its staff post needs while it is pending; nobody else sees them.
  need = ok(await who.hospital.client.post(`/api/v1/orgs/${hospital.id}/needs`, {
    title: 'Night-shift drivers and medics', description: 'Patient transport between wards.',
    skills: [{ skill: 'medical', min_level: 'experienced' }, { skill: 'driving', min_level: 'basic' }],
    people: 2, commitment: '2 nights a week', remote: false, lat: 35.7571, lon: 51.4102,
    starts_on: dayFromNow(4), ends_on: dayFromNow(35),
  }), 201);
  assert.equal(need.accepted, 0);
  assert.equal(need.status, 'open');
  assertError(await anon.get(`/api/v1/needs/${need.id}`), 404, 'not_found');
  assertError(await who.near.client.post(`/api/v1/needs/${need.id}/offers`), 404, 'not_found');
  const v = ok(await who.coord.client.post(`/api/v1/orgs/${hospital.id}/verify`));
  assert.equal(v.status, 'verified');
  assertError(await who.hospital.client.post(`/api/v1/orgs/${school.id}/verify`), 403, 'forbidden');
  ok(await who.coord.client.post(`/api/v1/orgs/${school.id}/verify`));
  assert.equal(ok(await anon.get(`/api/v1/needs/${need.id}`)).skills.length, 2);
  assert.ok(ok(await anon.get('/api/v1/needs')).needs.find((n) => n.id === need.id));
  const audit = sql(srv, `SELECT action FROM audit_log WHERE subject_id = '${hospital.id}' ORDER BY id`).map((r) => r[0]);
  assert.deepEqual(audit, ['org_registered', 'org_verified']);
});

test('needs: only staff post; the owner invites staff; input is checked', async () => {
  const body = { title: 'Translators', skills: [{ skill: 'translation', min_level: 'basic' }], people: 1, commitment: 'a few hours', remote: true };
  assertError(await who.school.client.post(`/api/v1/orgs/${hospital.id}/needs`, body), 403, 'forbidden');
  assertError(await who.nurse.client.post(`/api/v1/orgs/${hospital.id}/needs`, body), 403, 'forbidden');
  assertError(await who.school.client.post(`/api/v1/orgs/${hospital.id}/staff`, { email: who.nurse.email }), 403, 'forbidden');
  assertError(await who.hospital.client.post(`/api/v1/orgs/${hospital.id}/staff`, { email: 'nobody@example.org' }), 400, 'invalid_field');
  ok(await who.hospital.client.post(`/api/v1/orgs/${hospital.id}/staff`, { email: who.nurse.email.toUpperCase() }));
  // Staff may post but only the owner invites.
  assertError(await who.nurse.client.post(`/api/v1/orgs/${hospital.id}/staff`, { email: who.school.email }), 403, 'forbidden');
  const bad = [
    [{ ...body, people: 0 }, 'people'], [{ ...body, people: 1.5 }, 'people'], [{ ...body, skills: [] }, 'skills'],
    [{ ...body, skills: [{ skill: 'translation', level: 'basic' }] }, 'skills'], [{ ...body, remote: false }, 'lat'],
    [{ ...body, starts_on: '2026-13-01' }, 'starts_on'], [{ ...body, starts_on: '2026-12-10', ends_on: '2026-12-01' }, 'ends_on'],
    [{ ...body, skills: [{ skill: 'x-ray', min_level: 'basic' }] }, 'skills'],
  ];
  const before = sql(srv, 'SELECT count(*) FROM needs')[0][0];
  for (const [b, field] of bad) {
    const r = await who.nurse.client.post(`/api/v1/orgs/${hospital.id}/needs`, b);
    assert.equal(r.status, 400, `${field}: ${r.text}`);
  }
  assert.equal(sql(srv, 'SELECT count(*) FROM needs')[0][0], before);
  const t = ok(await who.nurse.client.post(`/api/v1/orgs/${hospital.id}/needs`, body), 201);
  assert.equal(t.remote, true);
  schoolNeed = ok(await who.school.client.post(`/api/v1/orgs/${school.id}/needs`, {
    title: 'School nurse', skills: [{ skill: 'medical', min_level: 'basic' }], people: 1, commitment: 'mornings', remote: false, lat: 35.729, lon: 51.41,
  }), 201);
});

test('candidates are ranked by skills met, level, then distance — without contact details', async () => {
  assertError(await anon.get(`/api/v1/needs/${need.id}/candidates`), 401, 'unauthorized');
  assertError(await who.school.client.get(`/api/v1/needs/${need.id}/candidates`), 403, 'forbidden');
  assertError(await who.near.client.get(`/api/v1/needs/${need.id}/candidates`), 403, 'forbidden');
  const c = ok(await who.hospital.client.get(`/api/v1/needs/${need.id}/candidates`));
  // far: medical experienced + driving expert (2 met, sum 5); near: 2 met, sum 3, 0 km;
  // nohome: 2 met, sum 3, no distance; expert: 1 met (medical 3); basic: medical below the
  // minimum, driving not held → left out; outsider holds neither.
  assert.deepEqual(c.candidates.map((x) => x.user_id), [who.far.id, who.near.id, who.nohome.id, who.expert.id]);
  assert.deepEqual(c.candidates.map((x) => x.skills_met), [2, 2, 2, 1]);
  assert.equal(c.candidates[2].distance_km, null);
  assert.ok(c.candidates[1].distance_km < c.candidates[0].distance_km);
  const text = JSON.stringify(c);
  for (const p of [who.near, who.far, who.expert, who.nohome]) {
    assert.ok(!text.includes(p.phone), 'a phone number in the candidates');
    assert.ok(!text.includes(p.email), 'an e-mail in the candidates');
  }
  // Areas are rounded to the 500 m cell.
  for (const x of c.candidates.filter((x) => x.lat !== null)) {
    assert.ok(Math.abs(x.lat * 1e6 - Math.round(x.lat * 1e6)) < 1);
  }
  assert.equal(ok(await who.coord.client.get(`/api/v1/needs/${need.id}/candidates`)).candidates.length, 4);
});

test('each volunteer sees needs ranked for them', async () => {
  assertError(await anon.get('/api/v1/needs/mine'), 401, 'unauthorized');
  const r = ok(await who.basic.client.get('/api/v1/needs/mine'));
  // basic: translation expert meets the remote need; medical basic meets the school's.
  const ids = r.needs.map((n) => n.id);
  assert.ok(ids.includes(schoolNeed.id));
  assert.ok(!ids.includes(need.id), 'a need whose minimum level is not met');
  const near = ok(await who.near.client.get('/api/v1/needs/mine'));
  assert.equal(near.needs[0].id, need.id, 'two skills met come before one');
  assert.equal(near.needs[0].match.skills_met, 2);
  assert.equal(near.needs[1].id, schoolNeed.id);
  assert.equal(ok(await who.outsider.client.get('/api/v1/needs/mine')).needs.length, 0);
});

test('offers: contact only after acceptance, attacked from every side first', async () => {
  assertError(await anon.post(`/api/v1/needs/${need.id}/offers`), 401, 'unauthorized');
  ok(await who.near.client.post(`/api/v1/needs/${need.id}/offers`), 201);
  assertError(await who.near.client.post(`/api/v1/needs/${need.id}/offers`), 409, 'conflict');
  ok(await who.far.client.post(`/api/v1/needs/${need.id}/offers`), 201);
  ok(await who.expert.client.post(`/api/v1/needs/${need.id}/offers`), 201);
  ok(await who.basic.client.post(`/api/v1/needs/${schoolNeed.id}/offers`), 201);
  const noContact = (json, p) => {
    const t = JSON.stringify(json);
    assert.ok(!t.includes(p.phone) && !t.includes(p.email), `contact of ${p.email} leaked: ${t}`);
  };
  // The organisation before acceptance.
  const before = ok(await who.hospital.client.get(`/api/v1/needs/${need.id}/offers`));
  assert.equal(before.offers.length, 3);
  for (const o of before.offers) assert.equal(o.contact, null);
  noContact(before, who.near);
  // Another organisation, a volunteer of another need, signed out.
  assertError(await who.school.client.get(`/api/v1/needs/${need.id}/offers`), 403, 'forbidden');
  assertError(await who.basic.client.get(`/api/v1/needs/${need.id}/offers`), 403, 'forbidden');
  assertError(await anon.get(`/api/v1/needs/${need.id}/offers`), 401, 'unauthorized');
  assertError(await who.school.client.post(`/api/v1/needs/${need.id}/offers/${who.near.id}/accept`), 403, 'forbidden');
  assertError(await who.near.client.post(`/api/v1/needs/${need.id}/offers/${who.near.id}/accept`), 403, 'forbidden');
  assertError(await anon.post(`/api/v1/needs/${need.id}/offers/${who.near.id}/accept`), 401, 'unauthorized');
  // The volunteer's own view before acceptance: no contact of the organisation's person.
  const mineBefore = ok(await who.near.client.get('/api/v1/me/offers'));
  assert.equal(mineBefore.offers[0].status, 'offered');
  assert.equal(mineBefore.offers[0].contact, null);
  noContact(mineBefore, who.hospital);
  // No acceptance without an offer.
  assertError(await who.hospital.client.post(`/api/v1/needs/${need.id}/offers/${who.outsider.id}/accept`), 409, 'conflict');
  assert.equal(ok(await anon.get(`/api/v1/needs/${need.id}`)).accepted, 0);
  // Accept: contact both ways.
  const acc = ok(await who.nurse.client.post(`/api/v1/needs/${need.id}/offers/${who.near.id}/accept`));
  assert.equal(acc.status, 'accepted');
  assert.equal(acc.contact.phone, who.near.phone);
  assert.deepEqual(acc.need, { people: 2, accepted: 1, status: 'open' });
  assertError(await who.hospital.client.post(`/api/v1/needs/${need.id}/offers/${who.near.id}/accept`), 409, 'conflict');
  const mine = ok(await who.near.client.get('/api/v1/me/offers'));
  assert.equal(mine.offers[0].contact.phone, who.hospital.phone);
  assert.equal(mine.offers[0].contact.email, who.hospital.email);
  // The others stay without contact.
  const after = ok(await who.hospital.client.get(`/api/v1/needs/${need.id}/offers`));
  for (const o of after.offers) assert.equal(o.contact === null, o.user_id !== who.near.id);
  noContact(after, who.far);
  // Another organisation's volunteer sees nothing of this acceptance.
  noContact(ok(await who.basic.client.get('/api/v1/me/offers')), who.hospital);
  // Decline, then the need fills and closes.
  const dec = ok(await who.hospital.client.post(`/api/v1/needs/${need.id}/offers/${who.far.id}/decline`));
  assert.equal(dec.contact, null);
  const last = ok(await who.hospital.client.post(`/api/v1/needs/${need.id}/offers/${who.expert.id}/accept`));
  assert.deepEqual(last.need, { people: 2, accepted: 2, status: 'filled' });
  assertError(await who.nohome.client.post(`/api/v1/needs/${need.id}/offers`), 409, 'conflict');
  assert.ok(!ok(await anon.get('/api/v1/needs')).needs.find((n) => n.id === need.id));
  const audit = sql(srv, `SELECT action FROM audit_log WHERE subject_id = '${need.id}' ORDER BY id`).map((r) => r[0]);
  assert.equal(audit.filter((a) => a === 'need_offer_accepted').length, 2);
  assert.equal(audit.filter((a) => a === 'need_offer_declined').length, 1);
});

test('staff close and reopen a need; nobody else can; a full need does not reopen', async () => {
  const n = ok(await who.nurse.client.post(`/api/v1/orgs/${hospital.id}/needs`, {
    title: 'Legal aid desk', skills: [{ skill: 'legal', min_level: 'basic' }], people: 1, commitment: 'weekly', remote: true,
  }), 201);
  for (const c of [who.school.client, who.near.client, who.coord.client])
    assertError(await c.post(`/api/v1/needs/${n.id}/status`, { status: 'closed' }), 403, 'forbidden');
  assertError(await anon.post(`/api/v1/needs/${n.id}/status`, { status: 'closed' }), 401, 'unauthorized');
  assertError(await who.hospital.client.post(`/api/v1/needs/${n.id}/status`, { status: 'filled' }), 400, 'invalid_field');
  assert.equal(ok(await who.hospital.client.post(`/api/v1/needs/${n.id}/status`, { status: 'closed' })).status, 'closed');
  assertError(await who.far.client.post(`/api/v1/needs/${n.id}/offers`), 409, 'conflict');
  assert.ok(!ok(await anon.get('/api/v1/needs')).needs.find((x) => x.id === n.id));
  assert.equal(ok(await who.hospital.client.post(`/api/v1/needs/${n.id}/status`, { status: 'open' })).status, 'open');
  ok(await who.far.client.post(`/api/v1/needs/${n.id}/offers`), 201);
  ok(await who.hospital.client.post(`/api/v1/needs/${n.id}/offers/${who.far.id}/accept`));
  assert.equal(ok(await who.hospital.client.post(`/api/v1/needs/${n.id}/status`, { status: 'closed' })).status, 'closed');
  assertError(await who.hospital.client.post(`/api/v1/needs/${n.id}/status`, { status: 'open' }), 409, 'conflict');
  // The full need was still filled: a closed one reopens only with places left.
  assert.equal(ok(await anon.get(`/api/v1/needs/${n.id}`)).accepted, 1);
});

test('concurrent accepts never exceed the people a need asks for', async () => {
  const org = ok(await who.school.client.post(`/api/v1/orgs/${school.id}/needs`, {
    title: 'Three tutors', skills: [{ skill: 'medical', min_level: 'basic' }], people: 3, commitment: 'weekly', remote: true,
  }), 201);
  const volunteers = [];
  for (let i = 0; i < 12; i++) {
    const p = await person(`race${i}`, 'volunteer');
    ok(await p.client.post(`/api/v1/needs/${org.id}/offers`), 201);
    volunteers.push(p);
  }
  // On PostgreSQL half the accepts go through a second server process on the same store.
  const second = STORE === 'postgres' ? await startServer({ db: srv.dbUrl }) : null;
  const staff = second ? new Client(second, { bearer: who.school.client.bearer }) : who.school.client;
  const res = await Promise.all(volunteers.map((p, i) =>
    (i % 2 ? staff : who.school.client).post(`/api/v1/needs/${org.id}/offers/${p.id}/accept`)));
  if (second) await second.stop();
  const statuses = res.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 3, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 9, statuses.join(','));
  const n = ok(await anon.get(`/api/v1/needs/${org.id}`));
  assert.equal(n.accepted, 3);
  assert.equal(n.status, 'filled');
  assert.equal(sql(srv, `SELECT count(*) FROM need_offers WHERE need_id = '${org.id}' AND status = 'accepted'`)[0][0], '3');
});
