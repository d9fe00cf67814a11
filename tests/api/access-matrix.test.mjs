// access-matrix.test.mjs — every route × every role, against the route table.
//
// `hamyari routes` lists every route; MATRIX below says, by hand, what each of seven callers
// gets from each one:
//   'ok'  anything but 401 and 403 (the caller gets past access control; the handler may still
//         answer 400 for the minimal body, 404 for a made-up id …). A 5xx counts as a failure.
//   401   must sign in first          403   signed in, not allowed
// The test fails when a route has no row, when a row names no route, and when any call gets
// another class than its row says.
//
// Callers: anon (no session), pending (a volunteer who signed up and is not approved yet),
// volunteer (approved), coordA / coordB (coordinators of group A / group B), editor, admin.
// Each signed-in caller uses a browser session: cookie + X-CSRF-Token. Bodies are minimal: `{}`
// for routes that take JSON, nothing otherwise. Path parameters are filled from `params` of the
// row (a fixture name: a real id) or, by default, a random 128-bit id ('0' for tile numbers).
//
// Group-scoped rows (issues 5/6): coordinators of group A and B differ only where a route acts
// on one group. Such a row says `group: true`, names the group in params (`{ id: 'groupA' }`)
// and gives coordB its own class, e.g. { ...COORDINATOR, coordB: 403, group: true,
// params: { id: 'groupA' } }. setupGroups() creates the groups through the API when the group
// routes exist; until then those rows are skipped with a message saying why.
//
// A new route: add its row here (its access rule in src/api/routes.c, plus any object-level
// rule its handler enforces), in the same change that adds the route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { routes, startServer, STORE } from './lib/server.mjs';
import { addUser, Client, COMMON_LIST, createToken, newVolunteer, PASSWORD, signIn } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const ROLES = ['anon', 'pending', 'volunteer', 'coordA', 'coordB', 'editor', 'admin', 'member'];

// One class per role, for each access rule of src/domain/access.h.
const PUBLIC = { anon: 'ok', pending: 'ok', volunteer: 'ok', coordA: 'ok', coordB: 'ok', editor: 'ok', admin: 'ok', member: 'ok' };
const SIGNED_IN = { anon: 401, pending: 'ok', volunteer: 'ok', coordA: 'ok', coordB: 'ok', editor: 'ok', admin: 'ok', member: 'ok' };
const VOLUNTEER = { anon: 401, pending: 403, volunteer: 'ok', coordA: 'ok', coordB: 'ok', editor: 403, admin: 'ok', member: 403 };
const COORDINATOR = { anon: 401, pending: 403, volunteer: 403, coordA: 'ok', coordB: 'ok', editor: 403, admin: 'ok', member: 403 };
const EDITOR = { anon: 401, pending: 403, volunteer: 403, coordA: 403, coordB: 403, editor: 'ok', admin: 'ok', member: 403 };
const ADMIN = { anon: 401, pending: 403, volunteer: 403, coordA: 403, coordB: 403, editor: 403, admin: 'ok', member: 403 };

// "METHOD /path as in the route table" → { class per role, params?, group?, note? }
const MATRIX = {
  'GET /healthz': PUBLIC,
  'GET /api/v1/config': PUBLIC,
  'GET /tiles/{z}/{x}/{y}': PUBLIC,

  // Accounts
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/logout': PUBLIC,
  'POST /api/v1/auth/reset': PUBLIC,
  'POST /api/v1/auth/reset/confirm': PUBLIC,
  'GET /api/v1/me': SIGNED_IN,
  'PATCH /api/v1/me': SIGNED_IN,
  'POST /api/v1/volunteers': PUBLIC,
  'POST /api/v1/members': PUBLIC,
  'GET /api/v1/volunteers': COORDINATOR,
  'POST /api/v1/volunteers/{id}/approve': { ...COORDINATOR, params: { id: 'target' } },
  'POST /api/v1/volunteers/{id}/suspend': { ...COORDINATOR, params: { id: 'target' } },
  'GET /api/v1/users': ADMIN,
  'POST /api/v1/users/{id}/role': { ...ADMIN, params: { id: 'target' } },
  'GET /api/v1/audit': ADMIN,
  'GET /api/v1/outbox': ADMIN,
  // API tokens: a person's own (a made-up id is 404 to everyone signed in), and every token
  // for admins.
  'GET /api/v1/me/tokens': SIGNED_IN,
  'POST /api/v1/me/tokens': SIGNED_IN,
  'DELETE /api/v1/me/tokens/{id}': SIGNED_IN,
  'GET /api/v1/tokens': ADMIN,
  'DELETE /api/v1/tokens/{id}': ADMIN,

  // Help requests and dispatch. Object-level rules (the assignee, coordinators) act
  // on a real request; with a made-up id every caller allowed by the route rule gets 404.
  'POST /api/v1/requests': PUBLIC,
  'GET /api/v1/requests': VOLUNTEER,
  'GET /api/v1/requests/sent': PUBLIC,
  'GET /api/v1/requests/status': PUBLIC,
  'POST /api/v1/requests/status': PUBLIC,
  'POST /api/v1/requests/cancel': PUBLIC,
  'POST /api/v1/requests/phone': COORDINATOR,
  'GET /api/v1/requests/mine': VOLUNTEER,
  'GET /api/v1/requests/stats': COORDINATOR,
  'GET /api/v1/requests.csv': COORDINATOR,
  'GET /api/v1/requests/{id}': VOLUNTEER,
  'POST /api/v1/requests/{id}/claim': VOLUNTEER,
  'POST /api/v1/requests/{id}/release': VOLUNTEER,
  'POST /api/v1/requests/{id}/status': VOLUNTEER,
  'POST /api/v1/requests/{id}/assign': COORDINATOR,
  'GET /api/v1/requests/{id}/suggestions': COORDINATOR,
  'POST /api/v1/requests/{id}/area': COORDINATOR,
  'POST /api/v1/requests/{id}/notes': VOLUNTEER,
  'POST /api/v1/requests/{id}/delivery': VOLUNTEER,
  'GET /api/v1/coverage': PUBLIC,
  // The SMS gateway authenticates with a shared secret, not a role: this server has none
  // configured (404 for everyone); with one, a call without X-Hamyari-Secret gets 403.
  'POST /api/v1/inbound/sms': PUBLIC,

  // Mutual-aid groups
  'GET /api/v1/groups': PUBLIC,
  'POST /api/v1/groups': SIGNED_IN,
  'POST /api/v1/groups/import': COORDINATOR,
  'GET /api/v1/groups.geojson': PUBLIC,
  'GET /api/v1/groups.csv': PUBLIC,
  'GET /api/v1/groups/{id}': { ...PUBLIC, params: { id: 'groupA' }, group: true },
  // The handler lets the group's owners and every coordinator and admin edit (is_staff() in
  // src/api/groups.c): a coordinator of group B may edit group A today. Others get 403.
  'PATCH /api/v1/groups/{id}': { ...COORDINATOR, coordB: 403, params: { id: 'groupA' }, group: true },
  'GET /api/v1/group-changes': COORDINATOR,
  'POST /api/v1/groups/{id}/changes/approve': COORDINATOR,
  'POST /api/v1/groups/{id}/changes/reject': COORDINATOR,
  'POST /api/v1/groups/{id}/approve': COORDINATOR,
  // Reject and delete: coordinators and admins (a coordinator's delete of an approved group is
  // 403 in the handler; here the id is made up: 404).
  'POST /api/v1/groups/{id}/reject': COORDINATOR,
  'DELETE /api/v1/groups/{id}': COORDINATOR,
  'POST /api/v1/groups/{id}/coordinators': ADMIN,
  'DELETE /api/v1/groups/{id}/coordinators/{user_id}': ADMIN,
  'GET /api/v1/geocode': PUBLIC,
  'GET /api/v1/map/places': PUBLIC,

  // Knowledge library
  'GET /api/v1/library': PUBLIC,
  'POST /api/v1/library': EDITOR,
  'GET /api/v1/library/{id}': PUBLIC,
  'PATCH /api/v1/library/{id}': EDITOR,
  'POST /api/v1/library/{id}/submit': EDITOR,
  'POST /api/v1/library/{id}/publish': ADMIN,
  'POST /api/v1/library/{id}/unpublish': ADMIN,
  'GET /api/v1/library/{id}/revisions': EDITOR,
  'POST /api/v1/library/{id}/attachments': EDITOR,
  'DELETE /api/v1/library/{id}/attachments/{attachment_id}': EDITOR,
  'GET /api/v1/attachments/{id}': PUBLIC,
  'GET /api/v1/communities': PUBLIC,
  'GET /library.atom': PUBLIC,
  // Decision trees (drafts, revisions and outcome counts: editors and admins)
  'GET /api/v1/trees': PUBLIC,
  'POST /api/v1/trees': EDITOR,
  'GET /api/v1/trees/{id}': PUBLIC,
  'PUT /api/v1/trees/{id}': EDITOR,
  'POST /api/v1/trees/{id}/publish': EDITOR,
  'POST /api/v1/trees/{id}/unpublish': EDITOR,
  'GET /api/v1/trees/{id}/revisions': EDITOR,
  'GET /api/v1/trees/{id}/revisions/{version}': EDITOR,
  'POST /api/v1/trees/{id}/evaluate': PUBLIC,
  'GET /trees': PUBLIC,
  'GET /trees/{id}': PUBLIC,
  'POST /trees/{id}': PUBLIC,
  'GET /sitemap.xml': PUBLIC,
  // FAQ assistant (feedback on a made-up id is 404 to everyone) and the editors' synonyms
  'GET /api/v1/faq/answers': PUBLIC,
  'POST /api/v1/faq/{id}/feedback': PUBLIC,
  'GET /faq/answers': PUBLIC,
  'GET /api/v1/synonyms': EDITOR,
  'PUT /api/v1/synonyms': EDITOR,

  // Official news and fact checks (library documents; written through the library's routes)
  'GET /news': PUBLIC,
  'GET /news.atom': PUBLIC,
  'GET /news.json': PUBLIC,
  'GET /news/{id}.cap': PUBLIC,
  'GET /news/{id}': PUBLIC,
  'GET /api/v1/news/institutions': PUBLIC,
  'PUT /api/v1/news/institutions/{slug}': EDITOR,
  'GET /factchecks': PUBLIC,
  'GET /factchecks.atom': PUBLIC,
  'GET /factchecks/submit': PUBLIC,
  'POST /api/v1/factchecks/claims': PUBLIC,
  'GET /api/v1/factchecks/claims': EDITOR,
  'GET /factchecks/{id}': PUBLIC,

  // Hospital-load forecast: stateless and public (400 for the empty query).
  'GET /api/v1/forecast': PUBLIC,
  // Open data: the index, descriptions, downloads and aggregates are public; uploads editors'.
  'GET /api/v1/datasets': PUBLIC,
  'POST /api/v1/datasets': EDITOR,
  'GET /api/v1/datasets/{id}.csv': PUBLIC,
  'GET /api/v1/datasets/{id}.json': PUBLIC,
  'GET /api/v1/datasets/{id}': PUBLIC,
  'GET /api/v1/datasets/{id}/data.csv': PUBLIC,
  'GET /api/v1/datasets/{id}/datapackage.json': PUBLIC,
  'GET /api/v1/datasets/{id}/daily': PUBLIC,
  'GET /api/v1/datasets/{id}/areas': PUBLIC,
  // Skills matching. Organisation rules (staff, owner) are object-level: with a made-up id every
  // signed-in caller gets past access control to a 404; tests/api/skills.test.mjs attacks them.
  'GET /api/v1/skills': PUBLIC,
  'POST /api/v1/skills': ADMIN,
  'PATCH /api/v1/skills/{slug}': ADMIN,
  'GET /api/v1/me/skills': SIGNED_IN,
  'PUT /api/v1/me/skills': VOLUNTEER,
  'GET /api/v1/me/offers': SIGNED_IN,
  'GET /api/v1/orgs': PUBLIC,
  'POST /api/v1/orgs': SIGNED_IN,
  'GET /api/v1/orgs/{id}': PUBLIC,
  'POST /api/v1/orgs/{id}/verify': COORDINATOR,
  'POST /api/v1/orgs/{id}/staff': SIGNED_IN,
  'POST /api/v1/orgs/{id}/needs': SIGNED_IN,
  'GET /api/v1/needs': PUBLIC,
  'GET /api/v1/needs/mine': VOLUNTEER,
  'GET /api/v1/needs/{id}': PUBLIC,
  'POST /api/v1/needs/{id}/status': SIGNED_IN,
  'GET /api/v1/needs/{id}/candidates': SIGNED_IN,
  'GET /api/v1/needs/{id}/offers': SIGNED_IN,
  'POST /api/v1/needs/{id}/offers': VOLUNTEER,
  'POST /api/v1/needs/{id}/offers/{user_id}/accept': SIGNED_IN,
  'POST /api/v1/needs/{id}/offers/{user_id}/decline': SIGNED_IN,

  // Challenges, ideas and votes: organisers are coordinators and admins.
  'POST /api/v1/challenges': COORDINATOR,
  'GET /api/v1/challenges': PUBLIC,
  'GET /api/v1/challenges/{id}': PUBLIC,
  'POST /api/v1/challenges/{id}/ideas': SIGNED_IN,
  'POST /api/v1/challenges/{id}/moderation': COORDINATOR,
  'GET /api/v1/challenges/{id}/reports': COORDINATOR,
  'GET /api/v1/challenges/{id}/ideas.csv': COORDINATOR,
  'GET /api/v1/ideas/{id}': PUBLIC,
  'POST /api/v1/ideas/{id}/vote': SIGNED_IN,
  'DELETE /api/v1/ideas/{id}/vote': SIGNED_IN,
  'POST /api/v1/ideas/{id}/comments': SIGNED_IN,
  'POST /api/v1/ideas/{id}/reports': SIGNED_IN,
  // The neighbour-help board: reading is public; posting and answering need an account (any
  // signed-in one); a made-up post or conversation id is 404 to everyone the rule lets in
  // (another person's conversation is 404 too; moderators may read it, audited).
  'GET /api/v1/board/posts': PUBLIC,
  'POST /api/v1/board/posts': SIGNED_IN,
  'GET /api/v1/board/asks.txt': PUBLIC,
  'GET /api/v1/board/mine': SIGNED_IN,
  'GET /api/v1/board/posts/{id}': PUBLIC,
  'PATCH /api/v1/board/posts/{id}': SIGNED_IN,
  'POST /api/v1/board/posts/{id}/close': SIGNED_IN,
  'POST /api/v1/board/posts/{id}/moderate': COORDINATOR,
  'POST /api/v1/board/posts/{id}/conversations': SIGNED_IN,
  'GET /api/v1/board/conversations/{id}': SIGNED_IN,
  'POST /api/v1/board/conversations/{id}/messages': SIGNED_IN,
  'POST /api/v1/board/conversations/{id}/consent': SIGNED_IN,
  'GET /board/search': PUBLIC,
};

/** Fills {params} of a route path: a fixture's id, or a made-up id ('0' for tile numbers). */
function fillPath(path, row, fixtures) {
  return path.replace(/\{([^}]+)\}/g, (_, name) => {
    const want = row.params?.[name];
    if (want) {
      assert.ok(fixtures[want], `fixture '${want}' for {${name}} of ${path} was not set up`);
      return fixtures[want];
    }
    if (['z', 'x', 'y'].includes(name)) return '0';
    return randomBytes(16).toString('hex');
  });
}

const classOf = (status) => (status === 401 || status === 403 ? status : 'ok');

/**
 * Groups A and B with coordA/coordB as their coordinators, through the API, when the routes
 * exist. Returns { groupA, groupB } ids, or a string saying why there are none.
 * Adjust to the groups API once it lands: how a group is created and how a
 * coordinator is attached to it.
 */
async function setupGroups(table, callers, ids) {
  const has = (k) => table.has(k);
  if (!has('POST /api/v1/groups')) return 'no POST /api/v1/groups route yet';
  const addCoord = [...table.keys()].find((k) => /^POST \/api\/v1\/groups\/\{id\}\/coordinators$/.test(k));
  if (!addCoord) return 'no route to make a coordinator of a group yet';
  const out = {};
  for (const [key, coord] of [['groupA', 'coordA'], ['groupB', 'coordB']]) {
    const r = await callers.admin.post('/api/v1/groups', {
      name: `Matrix group ${key}`, lat: 35.7, lon: 51.4, description: 'access matrix test',
    });
    if (r.status !== 201 && r.status !== 200) return `could not create ${key}: ${r.status} ${r.text}`;
    out[key] = r.json.id;
    const c = await callers.admin.post(`/api/v1/groups/${out[key]}/coordinators`, { user_id: ids[coord] });
    if (c.status >= 300) return `could not make ${coord} a coordinator of ${key}: ${c.status} ${c.text}`;
  }
  return out;
}

async function signUpMember(srv, email) {
  const r = await srv.request('POST', '/api/v1/members', { body: { name: 'Matrix Member', email, password: PASSWORD, consent: true } });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

describe(`access-control matrix ${S}`, () => {
  const table = new Map(routes().map((r) => [`${r.method} ${r.path}`, r]));
  let srv;
  const callers = {}; // role → Client (anon: a Client without cookie)
  const logins = {};  // role → login
  const ids = {};     // role → account id
  const fixtures = {};
  let groupsMissing = null;

  before(async () => {
    srv = await startServer({
      args: ['--password-list', COMMON_LIST, '--rate-login-ip', '100000', '--rate-form-ip', '100000',
        '--rate-login-account', '100000'],
    });
    for (const [role, r] of [['admin', 'admin'], ['coordA', 'coordinator'], ['coordB', 'coordinator'], ['editor', 'editor']]) {
      logins[role] = `${role.toLowerCase()}@matrix.example`;
      ids[role] = await addUser(srv, { email: logins[role], role: r });
    }
    const pending = await newVolunteer(srv, { email: 'pending@matrix.example' });
    const volunteer = await newVolunteer(srv, { email: 'volunteer@matrix.example' });
    Object.assign(logins, { pending: pending.phone, volunteer: volunteer.phone });
    Object.assign(ids, { pending: pending.id, volunteer: volunteer.id });
    // A member of the public: signed up through the API, active at once.
    logins.member = 'member@matrix.example';
    const m = await signUpMember(srv, logins.member);
    ids.member = m;
    callers.anon = new Client(srv);
    for (const role of ROLES.slice(1)) callers[role] = await signIn(srv, logins[role]);
    const ok = await callers.admin.post(`/api/v1/volunteers/${volunteer.id}/approve`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await callers.volunteer.me()).status, 'approved');
    assert.equal((await callers.pending.me()).status, 'pending');
    // A volunteer the calls may approve, suspend or re-role, so that no caller's own account
    // changes under the matrix.
    fixtures.target = (await newVolunteer(srv)).id;
    const g = await setupGroups(table, callers, ids);
    if (typeof g === 'string') groupsMissing = g;
    else Object.assign(fixtures, g);
  });
  after(async () => { await srv?.stop(); });

  it(`every route has a row and every row names a route ${S}`, () => {
    const missing = [...table.keys()].filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !table.has(k));
    assert.deepEqual({ missing, stale }, { missing: [], stale: [] },
      `routes without a row in MATRIX: ${JSON.stringify(missing)}; rows naming no route: ${JSON.stringify(stale)}`);
    for (const [k, row] of Object.entries(MATRIX)) {
      for (const role of ROLES) assert.ok([401, 403, 'ok'].includes(row[role]), `${k}: no class for ${role}`);
    }
  });

  // State-changing calls last, deletions at the very end, so that one route's effect cannot
  // change what an earlier route sees.
  const order = { GET: 0, HEAD: 0, POST: 1, PUT: 1, PATCH: 1, DELETE: 2 };
  const keys = [...table.keys()].filter((k) => k in MATRIX)
    .sort((a, b) => order[a.split(' ')[0]] - order[b.split(' ')[0]]);

  for (const key of keys) {
    it(`${key} ${S}`, async (t) => {
      const row = MATRIX[key];
      const route = table.get(key);
      if (row.group && groupsMissing) {
        t.skip(`group-scoped row skipped: ${groupsMissing}`);
        return;
      }
      const wrong = [];
      // Least privileged first.
      for (const role of ['anon', 'pending', 'member', 'volunteer', 'editor', 'coordB', 'coordA', 'admin']) {
        const c = callers[role];
        const path = fillPath(route.path, row, fixtures);
        const body = route.body === 'json' || route.body === 'json+form' ? {} : undefined;
        const r = await c.request(route.method, path, { body });
        const got = classOf(r.status);
        if (got !== row[role]) wrong.push(`${role}: expected ${row[role]}, got ${r.status} ${r.text.slice(0, 160)}`);
        else if (r.status >= 500) wrong.push(`${role}: ${r.status} ${r.text.slice(0, 160)}`);
        if (r.status === 429) wrong.push(`${role}: rate limited, the matrix cannot tell (${r.text})`);
        // A call may end the caller's session (logout, a role change): sign in again.
        if (role !== 'anon' && route.method !== 'GET' && (await c.get('/api/v1/me')).status === 401) {
          callers[role] = await signIn(srv, logins[role]);
        }
      }
      assert.deepEqual(wrong, [], `${key}:\n  ${wrong.join('\n  ')}`);
    });
  }

  it(`API tokens get the same answers as sessions (spot check) ${S}`, async () => {
    const token = await createToken(srv, logins.editor);
    const bot = new Client(srv, { bearer: token });
    assert.equal((await bot.get('/api/v1/me')).status, 200);
    assert.equal((await bot.get('/api/v1/volunteers')).status, 403);
    assert.equal((await bot.get('/api/v1/audit')).status, 403);
    const admin = new Client(srv, { bearer: await createToken(srv, logins.admin) });
    assert.equal((await admin.get('/api/v1/audit')).status, 200);
  });

  it(`a suspended volunteer is anonymous everywhere ${S}`, async () => {
    const v = await newVolunteer(srv);
    const c = await signIn(srv, v.phone);
    await callers.admin.post(`/api/v1/volunteers/${v.id}/approve`);
    assert.equal((await c.get('/api/v1/me')).status, 200);
    await callers.admin.post(`/api/v1/volunteers/${v.id}/suspend`);
    for (const [key, row] of Object.entries(MATRIX)) {
      if (!table.has(key) || row.group) continue;
      const route = table.get(key);
      if (route.method !== 'GET') continue;
      const r = await c.request('GET', fillPath(route.path, row, fixtures));
      assert.equal(classOf(r.status), row.anon, `${key} for a suspended volunteer: ${r.status}`);
    }
    await new Client(srv).login(v.phone, PASSWORD, { expect: 401 });
  });
});
