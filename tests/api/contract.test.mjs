// contract.test.mjs — docs/openapi.yaml as a contract, checked against the running server.
//
// Generated from the document: for every operation, as every kind of caller (anonymous, a
// pending and an approved volunteer, a coordinator, an editor, an admin, and an API token of the
// admin), and for every documented enum value and boundary of every parameter and of every
// top-level field of a JSON body (min, max, one past each, empty, absent), the suite calls the
// server and checks the answer against the document:
//   - the status is one the operation lists, the Content-Type one that status lists, the body
//     validates against its schema (ajv; OpenAPI 3.1 schemas are JSON Schema 2020-12), the
//     documented headers are there and valid, and every answer carries the headers of the
//     document's x-headers-on-every-answer;
//   - x-access: an anonymous caller of a non-public operation gets 401, a signed-in caller
//     without the role 403, an allowed caller never 401;
//   - a value the parameter's (or field's) schema refuses is a 400 naming it; a value the schema
//     allows is never a 400 naming it. x-only-with / x-not-with on a parameter name the
//     parameters it needs or excludes (a mode of the operation); x-maximum-with raises a
//     maximum while another parameter is given;
//   - GET answers HEAD alike without a body; an Accept the operation cannot satisfy is a 406; a
//     body of an undocumented media type is a 415; a method the path does not take is a 405
//     with Allow listing the documented ones;
//   - /healthz answers after each operation: the server must stay up through the whole run.
// Answer schemas must be closed (additionalProperties or unevaluatedProperties stated), so
// that a field the server adds without documenting it fails here.
//
// What the document cannot know — ids of real objects, and which object a call consumes — comes
// from FIXTURES: per operation, the path parameters (and required query or header values, body
// overrides) for a caller; `fresh` ones are made again once a call consumed them. Objects are created
// through the API and the CLI (tests/api/lib/accounts.mjs) on a server started with --demo.
// KNOWN lists the mismatches not fixed yet, each with its reason; a listed one that no longer
// occurs fails too, so the list only shrinks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import SwaggerParser from '@apidevtools/swagger-parser';
import { ROOT, routes, runCli, startServer, STORE } from './lib/server.mjs';
import { addUser, COMMON_LIST, createToken, freshPhone, outbox, PASSWORD, signIn, signUp } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const doc = YAML.parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8'));
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const CALLERS = ['anon', 'pending', 'volunteer', 'coordinator', 'editor', 'admin', 'token'];
const SIGNED_IN = CALLERS.filter((c) => c !== 'anon');
// Who passes each x-access rule (src/domain/access.h); the token is the admin's.
const ALLOWED = {
  public: CALLERS,
  signed_in: SIGNED_IN,
  volunteer: ['volunteer', 'coordinator', 'admin', 'token'],
  coordinator: ['coordinator', 'admin', 'token'],
  editor: ['editor', 'admin', 'token'],
  admin: ['admin', 'token'],
};
const INBOUND_SECRET = 'contract-suite-inbound-secret';

// Mismatches between the document and the server that are not fixed yet: { op: 'METHOD /path'
// or '*', match: a RegExp on the problem's text, reason }. Keep it empty.
const KNOWN = [];

// ---------------------------------------------------------------- the document

/** Follows $ref (for parameters, responses, headers, request bodies; schemas go to ajv). */
function deref(node) {
  const seen = new Set();
  while (node && typeof node.$ref === 'string') {
    assert.ok(!seen.has(node.$ref), `$ref loop at ${node.$ref}`);
    seen.add(node.$ref);
    let n = doc;
    for (const part of node.$ref.replace(/^#\//, '').split('/')) n = n?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    assert.ok(n, `unresolved $ref ${node.$ref}`);
    node = n;
  }
  return node;
}

/** A schema with its $refs resolved at the top (not inside). */
const top = (schema) => deref(schema) || {};

/** An object schema with the parts of its allOf merged in (for generating cases). */
function flat(schema) {
  const s = top(schema);
  const out = { ...s, properties: { ...(s.properties || {}) }, required: [...(s.required || [])] };
  for (const part of s.allOf || []) {
    const f = flat(part);
    Object.assign(out.properties, f.properties);
    out.required.push(...f.required);
    if (f.additionalProperties === false || f.unevaluatedProperties === false) out.closed = true;
  }
  if (s.additionalProperties === false || s.unevaluatedProperties === false) out.closed = true;
  return out;
}

/** The top-level fields an invalid body is blamed on, from ajv's errors. */
function blamed(schema, value) {
  const v = validator(schema);
  if (v(value)) return [];
  const out = new Set();
  for (const e of v.errors) {
    const first = e.instancePath.split('/')[1];
    if (first) out.add(first);
    for (const k of ['missingProperty', 'additionalProperty', 'unevaluatedProperty', 'property']) if (e.params?.[k]) out.add(e.params[k]);
  }
  return [...out];
}

/** Text of exactly n code points that no password list holds (for strings without a pattern). */
function text(n) {
  const abc = 'Tq7mZ2vR9kXp4wLs8nHc3jBf6yGd5tVa';
  let out = '';
  for (let i = 0; i < n; i++) out += abc[(i * 7 + Math.floor(i / abc.length)) % abc.length];
  return out;
}
const COMPONENTS = 'https://hamyari.invalid/openapi/components';
function forAjv(schema) {
  return JSON.parse(JSON.stringify(schema), (k, v) => (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
    ? `${COMPONENTS}#/$defs/${v.slice('#/components/schemas/'.length)}` : v));
}

// strictRequired is off: GroupCreate and LibraryDocumentCreate require fields that allOf brings.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('binary', true);
ajv.addVocabulary(['example']); // OpenAPI's own annotation keyword in schemas
ajv.addSchema({ $id: COMPONENTS, $defs: forAjv(doc.components?.schemas || {}) });
const compiled = new Map();
function validator(schema) {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(forAjv(schema)));
  return compiled.get(key);
}
function validate(schema, value) {
  const v = validator(schema);
  if (v(value)) return null;
  return v.errors.slice(0, 8).map((e) => {
    const extra = e.params?.additionalProperty ?? e.params?.unevaluatedProperty ?? e.params?.allowedValues ?? e.params?.missingProperty;
    return `${e.instancePath || '/'} ${e.message}${extra !== undefined ? ` (${JSON.stringify(extra)})` : ''}`;
  }).join('; ');
}

/** Every operation: { key, method, path, op, params, access, body }. */
function operations() {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      if (!item[m]) continue;
      const op = item[m];
      const params = [...(item.parameters || []), ...(op.parameters || [])].map(deref);
      const body = op.requestBody ? deref(op.requestBody) : null;
      out.push({ key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path, op, params, access: op['x-access'], body });
    }
  }
  return out;
}
const OPS = operations();

const isJson = (media) => /^application\/(?:[\w.+-]+\+)?json$/.test(media || '');

/** The headers every answer carries (x-headers-on-every-answer): [name, header object]. */
const EVERY = Object.entries(doc['x-headers-on-every-answer'] || {}).map(([k, v]) => [k, deref(v)]);

// ---------------------------------------------------------------- checking an answer

/** Problems of one answer against the operation's documented responses. */
function checkAnswer(o, res, method = o.method) {
  const p = [];
  const code = String(res.status);
  const documented = o.op.responses[code] ?? o.op.responses[`${code[0]}XX`] ?? o.op.responses.default;
  if (!documented) {
    return [`status ${res.status} is not documented (${Object.keys(o.op.responses).join(', ')}): ${res.text.slice(0, 160)}`];
  }
  const spec = deref(documented);
  for (const [name, h] of EVERY) {
    const v = res.headers.get(name);
    if (v === null) p.push(`${res.status}: no ${name}`);
    else if (h.schema && validate(h.schema, v)) p.push(`${res.status}: ${name}: ${validate(h.schema, v)} (${v})`);
  }
  for (const [name, h0] of Object.entries(spec.headers || {})) {
    const h = deref(h0);
    const v = res.headers.get(name);
    if (v === null) {
      if (h.required) p.push(`${res.status}: no ${name} header`);
      continue;
    }
    const s = top(h.schema);
    const value = (s.type === 'integer' || s.type === 'number') && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    const err = h.schema && validate(h.schema, value);
    if (err) p.push(`${res.status}: header ${name}: ${err} (${v})`);
  }
  const ct = res.headers.get('content-type');
  const media = ct ? ct.split(';')[0].trim().toLowerCase() : null;
  const content = spec.content || {};
  const types = Object.keys(content);
  if (!types.length) {
    if (res.bytes) p.push(`${res.status}: a body (${ct}) where the document lists none`);
    return p;
  }
  const mt = types.find((t) => t === media) ?? types.find((t) => t.endsWith('/*') && media?.startsWith(t.slice(0, -1)));
  if (!mt) {
    p.push(`${res.status}: Content-Type ${ct} is not among ${types.join(', ')}`);
    return p;
  }
  if (method === 'HEAD') {
    if (res.bytes) p.push('HEAD answered a body');
    return p;
  }
  const schema = content[mt].schema;
  if (schema && isJson(media)) {
    if (res.json === undefined) p.push(`${res.status}: the body is not JSON: ${res.text.slice(0, 160)}`);
    else {
      const err = validate(schema, res.json);
      if (err) p.push(`${res.status} body: ${err}`);
    }
  } else if (schema && top(schema).type === 'string' && !res.bytes && res.status !== 204) {
    p.push(`${res.status}: an empty body`);
  }
  return p;
}

/** Problems with the access rule: 401 for anonymous callers of non-public operations, 403 for
 *  callers without the role, never 401 for allowed ones. */
function checkAccess(o, who, res) {
  const allowed = ALLOWED[o.access];
  if (!allowed) return [`x-access '${o.access}' is not a rule the suite knows`];
  if (allowed.includes(who)) return res.status === 401 ? [`an allowed caller got 401: ${res.text.slice(0, 120)}`] : [];
  const want = who === 'anon' ? 401 : 403;
  const p = res.status === want ? [] : [`expected ${want} for x-access ${o.access}, got ${res.status}`];
  if (want === 401 && res.status === 401 && !res.headers.get('www-authenticate')) p.push('401 without WWW-Authenticate');
  return p;
}

// ---------------------------------------------------------------- the server and its callers

let srv;
const ctx = { callers: {}, ids: {} };
let calls = 0; // HTTP calls made, reported at the end

/** Sends a request as `who` (cookie + CSRF token, bearer token, or nothing) without changing the
 *  caller's session. Answers { status, headers, text, json, bytes }. */
async function send(who, method, url, { body, raw, headers = {} } = {}) {
  const c = ctx.callers[who] || {};
  const h = { ...headers };
  if (c.cookie) h.cookie = `hy_session=${c.cookie}`;
  if (c.bearer) h.authorization = `Bearer ${c.bearer}`;
  if (c.csrf && method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] = c.csrf;
  let payload = raw;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
  }
  calls++;
  const r = await srv.fetch(url, { method, headers: h, body: payload });
  const buf = Buffer.from(await r.arrayBuffer());
  const text = buf.toString('utf8');
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json, bytes: buf.length };
}

/** The same as send() but asserts a 2xx: for setting up fixtures. */
async function must(who, method, url, body) {
  const r = await send(who, method, url, body === undefined ? {} : { body });
  assert.ok(r.status >= 200 && r.status < 300, `fixture: ${who} ${method} ${url}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

// ---------------------------------------------------------------- fixtures

const HOME = { lat: 35.7, lon: 51.4 };
let counter = 0;
const uniq = () => `${Date.now().toString(36)}${(++counter).toString(36)}`;

/** A help request: { id, code, phone }, made open (a coordinator's call-back) when asked, and
 *  claimed by `claim` (a caller), and then moved to `status`. */
async function helpRequest({ open = false, claim = null, status = null } = {}) {
  const phone = freshPhone();
  const r = await must('anon', 'POST', '/api/v1/requests', {
    name: 'Contract Requester', phone, address: 'Contract Street 1', kind: 'groceries', consent: true, ...HOME,
  });
  const out = { id: r.id, code: r.tracking_code, phone };
  if (open || claim) await must('coordinator', 'POST', `/api/v1/requests/${r.id}/status`, { status: 'open', ...HOME });
  if (claim) await must(claim, 'POST', `/api/v1/requests/${r.id}/claim`);
  if (status) await must(claim, 'POST', `/api/v1/requests/${r.id}/status`, { status });
  return out;
}

/** A skills-matching organisation of `owner` (verified unless asked not to): its id. */
async function org({ owner = 'admin', verify = true } = {}) {
  const o = await must(owner, 'POST', '/api/v1/orgs', { name: `Contract org ${uniq()}`, kind: 'clinic', area: 'Contract Street', contact: 'desk 021 0000' });
  if (verify) await must('coordinator', 'POST', `/api/v1/orgs/${o.id}/verify`);
  return o.id;
}

/** An open, remote need of a verified organisation of the admin, with an offer of the volunteer
 *  when asked: its id. */
async function need({ offer = false } = {}) {
  const n = await must('admin', 'POST', `/api/v1/orgs/${ctx.ids.org}/needs`, { title: `Contract need ${uniq()}`, skills: [{ skill: 'translation', min_level: 'basic' }], people: 5, commitment: 'an hour', remote: true });
  if (offer) await must('volunteer', 'POST', `/api/v1/needs/${n.id}/offers`);
  return n.id;
}

/** A board time window from now: the body fields a post needs besides the example's. */
const boardWindow = () => { const t = Math.floor(Date.now() / 1000); return { starts_at: t, ends_at: t + 2 * 86400 }; };
/** An open board post by `owner` (a signed-in caller; others' posts are the volunteer's). */
async function boardPost(owner = 'volunteer') {
  const by = owner === 'anon' || owner === 'token' ? 'volunteer' : owner;
  const p = await must(by, 'POST', '/api/v1/board/posts', {
    kind: 'ask', category: 'errands', body: `Contract board post ${uniq()}`, ...HOME, ...boardWindow(), confirm: true,
  });
  return p.id;
}
/** A conversation: the volunteer answers the admin's post. */
async function boardConv() {
  const post = await boardPost('admin');
  const c = await must('volunteer', 'POST', `/api/v1/board/posts/${post}/conversations`, { body: 'Contract reply' });
  return c.id;
}

/** The caller that takes a request in a fixture for `who`: itself when it may, else the volunteer. */
const taker = (who) => (ALLOWED.volunteer.includes(who) ? who : 'volunteer');

async function pendingVolunteer() {
  const r = await signUp(srv, { name: 'Contract Signup', password: undefined }); // no hash to compute
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

async function group({ approve = true, owner = 'volunteer' } = {}) {
  const g = await must(owner, 'POST', '/api/v1/groups', { name: `Contract group ${uniq()}`, description: 'made by the contract suite', ...HOME, radius_km: 2 });
  if (approve) await must('coordinator', 'POST', `/api/v1/groups/${g.id}/approve`);
  return g.id;
}

/** An approved group of the volunteer with a change waiting for review. */
async function groupChange() {
  const id = await group({ owner: 'volunteer' });
  await must('volunteer', 'PATCH', `/api/v1/groups/${id}`, { description: `changed by the contract suite ${uniq()}` });
  return id;
}

async function libraryDoc(status = 'draft') {
  const d = await must('editor', 'POST', '/api/v1/library', { type: 'guide', language: 'en', title: `Contract document ${uniq()}`, summary: 'made by the contract suite' });
  if (status === 'in_review' || status === 'published') await must('editor', 'POST', `/api/v1/library/${d.id}/submit`);
  if (status === 'published') await must('admin', 'POST', `/api/v1/library/${d.id}/publish`);
  return d.id;
}

/** A draft decision tree in English (published when asked), made by an editor. */
async function tree(publish = false) {
  const nodes = [
    { id: 'q', type: 'single_choice', text: 'Is it raining?', options: [{ label: 'Yes', value: 'yes', next: 'r' }] },
    { id: 'r', type: 'result', title: 'Umbrella', severity: 'info', text: 'Take one.' },
  ];
  const t = await must('editor', 'POST', '/api/v1/trees', { id: `contract-${uniq()}`, title: 'Contract tree', version: 1, reviewed_at: '2026-12-01', language: 'en', start: 'q', nodes });
  if (publish) await must('editor', 'POST', `/api/v1/trees/${t.id}/publish?lang=en`);
  return t;
}

/** A published alert (a news item of category alert) or fact check: its id. */
async function newsDoc(type) {
  await must('editor', 'PUT', '/api/v1/news/institutions/contract-inst', { name_fa: 'نهاد', name_en: 'Institution', colour: '#336699' });
  const fields = type === 'news'
    ? { news: { institution: 'contract-inst', category: 'alert', alert: { event: 'Flood', urgency: 'Expected', severity: 'Moderate', certainty: 'Possible', area: 'North' } } }
    : { factcheck: { claim: 'A contract claim', rating: 'misleading', organisation: 'Contract checkers' } };
  const d = await must('editor', 'POST', '/api/v1/library', { type, language: 'en', title: `Contract ${type} ${uniq()}`, ...fields });
  await must('admin', 'POST', `/api/v1/library/${d.id}/publish`);
  return d.id;
}

async function attachment(docId) {
  const r = await send('editor', 'POST', `/api/v1/library/${docId}/attachments?filename=notes.txt`, {
    raw: 'Plain text notes.\n', headers: { 'content-type': 'text/plain' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

/** The id of a fresh API token of `login`'s account, made with the CLI (which no per-account
 *  limit stops; calls of POST /api/v1/me/tokens may have used an account's 20 up). */
async function apiTokenId(login) {
  const r = await runCli(['token', 'create', '--db', srv.dbUrl, '--user', login, '--name', 'contract fixture']);
  assert.equal(r.code, 0, r.stderr);
  const m = r.stdout.match(/^API token ([0-9a-f]{32}) /m);
  assert.ok(m, `no token id in: ${r.stdout}`);
  return m[1];
}

/** A password-reset code (from the outbox) of a fresh account, with its login. */
async function resetCode() {
  const phone = freshPhone();
  const r = await signUp(srv, { name: 'Contract Reset', phone, password: undefined });
  assert.equal(r.status, 201, r.text);
  assert.equal((await send('anon', 'POST', '/api/v1/auth/reset', { body: { login: phone } })).status, 202);
  const [msg] = outbox(srv, phone);
  assert.ok(msg?.token, `no reset code in the outbox for ${phone}`);
  return { login: phone, code: msg.token };
}

// A challenge in its ideas phase with one idea (votes answer 409 wrong_phase, documented).
let challengeMade = null;
async function challengeFixture() {
  if (challengeMade) return challengeMade;
  const c = await send('admin', 'POST', '/api/v1/challenges', { body: { title_en: 'Contract challenge', ideas_at: Math.floor(Date.now() / 1000) - 60, ideas_days: 30, voting_days: 7 } });
  assert.equal(c.status, 201, c.text);
  const i = await send('admin', 'POST', `/api/v1/challenges/${c.json.id}/ideas`, { body: { title: 'Contract idea', description: 'An idea for the contract suite.' } });
  assert.equal(i.status, 201, i.text);
  challengeMade = { challenge: c.json.id, idea: i.json.id };
  return challengeMade;
}

// Per operation: params(who) → { path and required query/header values, body: overrides };
// fresh: made again after each call that succeeded (it consumed the object); as: the caller of
// the parameter and body variants (default admin).
const FIXTURES = {
  'GET /tiles/{z}/{x}/{y}': { params: async () => ({ z: '0', x: '0', y: '0' }) },
  'POST /api/v1/auth/login': { params: async () => ({ body: { login: ctx.logins.volunteer, password: PASSWORD } }), as: 'anon' },
  'POST /api/v1/auth/reset': { params: async () => ({ body: { login: ctx.logins.volunteer } }), as: 'anon' },
  'POST /api/v1/auth/reset/confirm': { fresh: true, params: async () => ({ body: await resetCode() }), as: 'anon' },
  'POST /api/v1/volunteers': { fresh: true, params: async () => ({ body: { phone: freshPhone(), email: `v${uniq()}@example.org`, consent: true } }), as: 'anon' },
  'GET /api/v1/challenges/{id}': { params: async () => ({ id: (await challengeFixture()).challenge }) },
  'POST /api/v1/challenges/{id}/ideas': { params: async () => ({ id: (await challengeFixture()).challenge, body: { title: 'Contract idea', description: 'An idea the contract suite submits.' } }) },
  'POST /api/v1/challenges/{id}/moderation': { params: async () => ({ id: (await challengeFixture()).challenge, body: { ideas: [(await challengeFixture()).idea], hidden: false, reason: 'Contract check' } }) },
  'GET /api/v1/challenges/{id}/reports': { params: async () => ({ id: (await challengeFixture()).challenge }) },
  'GET /api/v1/challenges/{id}/ideas.csv': { params: async () => ({ id: (await challengeFixture()).challenge }) },
  'GET /api/v1/ideas/{id}': { params: async () => ({ id: (await challengeFixture()).idea }) },
  'POST /api/v1/ideas/{id}/vote': { params: async () => ({ id: (await challengeFixture()).idea }) },
  'DELETE /api/v1/ideas/{id}/vote': { params: async () => ({ id: (await challengeFixture()).idea }) },
  'POST /api/v1/ideas/{id}/comments': { params: async () => ({ id: (await challengeFixture()).idea, body: { body: 'A contract comment.' } }) },
  'POST /api/v1/ideas/{id}/reports': { params: async () => ({ id: (await challengeFixture()).idea, body: { reason: 'Contract report' } }) },
  'POST /api/v1/members': { fresh: true, params: async () => ({ body: { phone: freshPhone(), email: `m${uniq()}@example.org`, consent: true } }), as: 'anon' },
  'POST /api/v1/volunteers/{id}/approve': { fresh: true, params: async () => ({ id: await pendingVolunteer() }) },
  'POST /api/v1/volunteers/{id}/suspend': { fresh: true, params: async () => ({ id: await pendingVolunteer() }) },
  'POST /api/v1/users/{id}/role': { fresh: true, params: async () => ({ id: await pendingVolunteer() }) },
  // The caller's own token (the admin's for the admin's bearer token, never the one it calls with).
  'DELETE /api/v1/me/tokens/{id}': {
    fresh: true,
    params: async (who) => ({ id: await apiTokenId(ctx.logins[who === 'token' || who === 'anon' ? 'admin' : who]) }),
  },
  'DELETE /api/v1/tokens/{id}': { fresh: true, params: async () => ({ id: await apiTokenId(ctx.logins.volunteer) }) },
  'POST /api/v1/requests': { fresh: true, params: async () => ({ body: { phone: freshPhone() } }), as: 'anon' },
  'GET /api/v1/requests': { params: async () => ({ near: '35.7,51.4' }) },
  'GET /api/v1/requests/sent': { params: async () => ({ code: ctx.ids.request.code }), as: 'anon' },
  'GET /api/v1/requests/status': { params: async () => ({ code: ctx.ids.request.code, phone: ctx.ids.request.phone }), as: 'anon' },
  'POST /api/v1/requests/status': { params: async () => ({ body: { code: ctx.ids.request.code, phone: ctx.ids.request.phone } }), as: 'anon' },
  'POST /api/v1/requests/cancel': {
    fresh: true, as: 'anon',
    params: async () => { const r = await helpRequest(); return { body: { code: r.code, phone: r.phone } }; },
  },
  'GET /api/v1/requests/{id}': { params: async () => ({ id: ctx.ids.openRequest }) },
  'POST /api/v1/requests/{id}/claim': { fresh: true, params: async () => ({ id: (await helpRequest({ open: true })).id }) },
  'POST /api/v1/requests/{id}/release': { fresh: true, params: async (who) => ({ id: (await helpRequest({ claim: taker(who) })).id }) },
  'POST /api/v1/requests/{id}/status': { fresh: true, params: async (who) => ({ id: (await helpRequest({ claim: taker(who) })).id }) },
  'POST /api/v1/requests/{id}/assign': {
    fresh: true,
    params: async () => ({ id: (await helpRequest({ open: true })).id, body: { volunteer_id: ctx.ids.volunteer } }),
  },
  'GET /api/v1/requests/{id}/suggestions': { params: async () => ({ id: ctx.ids.openRequest }) },
  'POST /api/v1/requests/{id}/area': { fresh: true, params: async () => ({ id: (await helpRequest()).id }) },
  'POST /api/v1/requests/phone': { fresh: true, params: async () => ({ body: { phone: freshPhone() } }) },
  'POST /api/v1/requests/{id}/notes': { fresh: true, params: async (who) => ({ id: (await helpRequest({ claim: taker(who) })).id }) },
  'POST /api/v1/requests/{id}/delivery': {
    fresh: true, params: async (who) => ({ id: (await helpRequest({ claim: taker(who), status: 'in_progress' })).id }),
  },
  'POST /api/v1/inbound/sms': { fresh: true, params: async () => ({ headers: { 'X-Hamyari-Secret': INBOUND_SECRET }, body: { message_id: `m-${uniq()}` } }), as: 'anon' },
  'GET /api/v1/groups/{id}': { params: async () => ({ id: ctx.ids.group }) },
  'PATCH /api/v1/groups/{id}': { params: async () => ({ id: ctx.ids.ownGroup }) },
  'POST /api/v1/groups/{id}/approve': { fresh: true, params: async () => ({ id: await group({ approve: false }) }) },
  // Submitted by other accounts than the volunteer: each account may submit 30 groups an hour.
  'POST /api/v1/groups/{id}/reject': { fresh: true, params: async () => ({ id: await group({ approve: false, owner: 'editor' }), body: { reason: 'Not a mutual-aid group.' } }) },
  'DELETE /api/v1/groups/{id}': { fresh: true, params: async () => ({ id: await group({ approve: false, owner: 'admin' }) }) },
  'POST /api/v1/groups/{id}/changes/approve': { fresh: true, params: async () => ({ id: await groupChange() }) },
  'POST /api/v1/groups/{id}/changes/reject': { fresh: true, params: async () => ({ id: await groupChange() }) },
  'POST /api/v1/groups/{id}/coordinators': { params: async () => ({ id: ctx.ids.group, body: { user_id: ctx.ids.coordinator } }) },
  'DELETE /api/v1/groups/{id}/coordinators/{user_id}': { params: async () => ({ id: ctx.ids.group, user_id: ctx.ids.coordinator }) },
  'GET /api/v1/library/{id}': { params: async () => ({ id: ctx.ids.published }) },
  'PATCH /api/v1/library/{id}': { params: async () => ({ id: ctx.ids.draft }) },
  'POST /api/v1/library/{id}/submit': { fresh: true, params: async () => ({ id: await libraryDoc('draft') }) },
  'POST /api/v1/library/{id}/publish': { fresh: true, params: async () => ({ id: await libraryDoc('in_review') }) },
  'POST /api/v1/library/{id}/unpublish': { fresh: true, params: async () => ({ id: await libraryDoc('published') }) },
  'GET /api/v1/library/{id}/revisions': { params: async () => ({ id: ctx.ids.draft }) },
  'POST /api/v1/library/{id}/attachments': { params: async () => ({ id: ctx.ids.draft, filename: 'notes.txt' }) },
  'GET /api/v1/attachments/{id}': { params: async () => ({ id: ctx.ids.attachment }) },
  'POST /api/v1/faq/{id}/feedback': { params: async () => ({ id: ctx.ids.published }) },
  'DELETE /api/v1/library/{id}/attachments/{attachment_id}': {
    fresh: true, params: async () => { const id = await libraryDoc('draft'); return { id, attachment_id: await attachment(id) }; },
  },
  'GET /api/v1/trees/{id}': { params: async () => ({ id: 'epidemic-self-check' }) },
  'GET /api/v1/trees/{id}/revisions': { params: async () => ({ id: 'epidemic-self-check' }) },
  'GET /api/v1/trees/{id}/revisions/{version}': { params: async () => ({ id: 'epidemic-self-check', version: '1' }) },
  'POST /api/v1/trees/{id}/evaluate': { params: async () => ({ id: 'epidemic-self-check' }) },
  'GET /trees/{id}': { params: async () => ({ id: 'epidemic-self-check' }) },
  'POST /trees/{id}': { params: async () => ({ id: 'epidemic-self-check' }), as: 'anon' },
  'POST /api/v1/trees': { fresh: true, params: async () => ({ body: { id: `contract-${uniq()}` } }) },
  'PUT /api/v1/trees/{id}': {
    fresh: true, params: async () => { const t = await tree(); return { id: t.id, body: t.document }; },
  },
  'POST /api/v1/trees/{id}/publish': { fresh: true, params: async () => ({ id: (await tree()).id, lang: 'en' }) },
  'POST /api/v1/trees/{id}/unpublish': { fresh: true, params: async () => ({ id: (await tree(true)).id, lang: 'en' }) },
  // Open data: the demo's dataset (loaded by --demo).
  'GET /api/v1/datasets/{id}': { params: async () => ({ id: 'demo-admissions' }) },
  'GET /api/v1/datasets/{id}.csv': { params: async () => ({ id: 'demo-admissions' }) },
  'GET /api/v1/datasets/{id}.json': { params: async () => ({ id: 'demo-admissions' }) },
  'GET /api/v1/datasets/{id}/data.csv': { params: async () => ({ id: 'demo-admissions' }) },
  'GET /api/v1/datasets/{id}/datapackage.json': { params: async () => ({ id: 'demo-admissions' }) },
  'GET /api/v1/datasets/{id}/daily': { params: async () => ({ id: 'demo-admissions' }) },
  'GET /api/v1/datasets/{id}/areas': { params: async () => ({ id: 'demo-admissions' }) },
  'GET /news/{id}': { params: async () => ({ id: ctx.ids.alert }) },
  'GET /news/{id}.cap': { params: async () => ({ id: ctx.ids.alert }) },
  'GET /factchecks/{id}': { params: async () => ({ id: ctx.ids.factcheck }) },
  'PUT /api/v1/news/institutions/{slug}': { params: async () => ({ slug: `contract-${uniq()}` }) },
  // Skills matching: the admin's verified organisation and its need; offers of the volunteer.
  'POST /api/v1/skills': { fresh: true, params: async () => ({ body: { slug: `c-${uniq()}` } }) },
  'PATCH /api/v1/skills/{slug}': { fresh: true, params: async () => ({ slug: (await must('admin', 'POST', '/api/v1/skills', { slug: `c-${uniq()}`, name_fa: 'آزمون', name_en: 'Contract' })).slug }) },
  'GET /api/v1/orgs/{id}': { params: async () => ({ id: ctx.ids.org }) },
  'POST /api/v1/orgs/{id}/verify': { fresh: true, params: async () => ({ id: await org({ verify: false }) }) },
  'POST /api/v1/orgs/{id}/staff': { params: async () => ({ id: ctx.ids.org, body: { email: ctx.logins.editor } }) },
  'POST /api/v1/orgs/{id}/needs': { params: async () => ({ id: ctx.ids.org }) },
  'GET /api/v1/needs/{id}': { params: async () => ({ id: ctx.ids.need }) },
  'POST /api/v1/needs/{id}/status': { fresh: true, params: async () => ({ id: await need() }) },
  'GET /api/v1/needs/{id}/candidates': { params: async () => ({ id: ctx.ids.need }) },
  'GET /api/v1/needs/{id}/offers': { params: async () => ({ id: ctx.ids.need }) },
  'POST /api/v1/needs/{id}/offers': { fresh: true, params: async () => ({ id: await need() }) },
  'POST /api/v1/needs/{id}/offers/{user_id}/accept': { fresh: true, params: async () => ({ id: await need({ offer: true }), user_id: ctx.ids.volunteer }) },
  'POST /api/v1/needs/{id}/offers/{user_id}/decline': { fresh: true, params: async () => ({ id: await need({ offer: true }), user_id: ctx.ids.volunteer }) },
  // The neighbour-help board: the caller's own post where it may have one.
  'POST /api/v1/board/posts': { params: async () => ({ body: boardWindow() }) },
  'GET /api/v1/board/posts/{id}': { params: async () => ({ id: await boardPost('volunteer') }) },
  'PATCH /api/v1/board/posts/{id}': { params: async (who) => ({ id: await boardPost(who) }) },
  'POST /api/v1/board/posts/{id}/close': { fresh: true, params: async (who) => ({ id: await boardPost(who) }) },
  'POST /api/v1/board/posts/{id}/moderate': { fresh: true, params: async () => ({ id: await boardPost('volunteer') }) },
  'POST /api/v1/board/posts/{id}/conversations': { params: async () => ({ id: await boardPost('admin') }) },
  'GET /api/v1/board/conversations/{id}': { params: async () => ({ id: await boardConv() }) },
  'POST /api/v1/board/conversations/{id}/messages': { params: async () => ({ id: await boardConv() }) },
  'POST /api/v1/board/conversations/{id}/consent': { params: async () => ({ id: await boardConv() }) },
  // Last: every caller's session ends here.
  'POST /api/v1/auth/logout': { last: true },
};

// ---------------------------------------------------------------- building calls

/** Example value of a parameter: its example, its schema's example or first example. */
function paramExample(prm) {
  const s = top(prm.schema);
  return prm.example ?? s.example ?? s.examples?.[0] ?? prm.examples?.[Object.keys(prm.examples)[0]]?.value;
}

/** The request body's media type and example for an operation (JSON first). */
function bodyExample(o) {
  if (!o.body) return null;
  const ex = (mt) => mt.example ?? top(mt.schema).example ?? top(mt.schema).examples?.[0];
  const entries = Object.entries(o.body.content);
  const [media, mt] = entries.find(([, x]) => ex(x) !== undefined) || entries[0];
  return { media, example: structuredClone(ex(mt)), schema: mt.schema };
}

/**
 * The call for one case: { url, body | raw, headers }. `v` holds fixture values (path and
 * required query/header parameters, body overrides); `set` the parameter under test
 * (name → value, undefined = leave out); `bodyEdit(body)` changes the body.
 */
function buildCall(o, v, { set = {}, bodyEdit, accept, contentType } = {}) {
  const values = {};
  for (const prm of o.params) {
    if (prm.name in set) values[prm.name] = set[prm.name];
    else if (v[prm.name] !== undefined) values[prm.name] = v[prm.name];
    else if (prm.required) values[prm.name] = paramExample(prm);
  }
  const path = o.path.replace(/\{([^}]+)\}/g, (_, n) => {
    assert.ok(values[n] !== undefined, `${o.key}: no value for {${n}} (add a fixture)`);
    return encodeURIComponent(values[n]);
  });
  const q = new URLSearchParams();
  const headers = { ...(v.headers || {}) };
  for (const prm of o.params) {
    const val = values[prm.name];
    if (val === undefined) continue;
    if (prm.in === 'query') q.append(prm.name, String(val));
    if (prm.in === 'header') headers[prm.name] = String(val);
  }
  if (accept) headers.accept = accept;
  const url = path + (q.size ? `?${q}` : '');
  const b = bodyExample(o);
  if (!b) return { url, headers };
  let body = b.example;
  if (body && typeof body === 'object' && !Array.isArray(body) && v.body) body = { ...body, ...v.body };
  if (bodyEdit) body = bodyEdit(body);
  headers['content-type'] = contentType || b.media;
  if (isJson(b.media)) return { url, headers, raw: JSON.stringify(body) };
  return { url, headers, raw: typeof body === 'string' ? body : String(body ?? '') };
}

/** Fixture values for one call as `who`: made once per operation and caller; a `fresh` one
 *  again after a call consumed it (a 2xx: an answer of 300 or more changes nothing). */
async function fixtureFor(o, who, cache) {
  const fx = FIXTURES[o.key];
  if (!fx?.params) return {};
  if (!cache.has(who)) cache.set(who, await fx.params(who));
  return cache.get(who);
}

// ---------------------------------------------------------------- generated cases

const numeric = (s) => s.type === 'integer' || s.type === 'number' || (Array.isArray(s.type) && (s.type.includes('integer') || s.type.includes('number')));

/** Values at and past the bounds of a schema: [{ value, what }]. */
function boundaryValues(s0, { query = false } = {}) {
  const s = top(s0);
  const out = [];
  const step = (b) => (s.type === 'integer' || (Array.isArray(s.type) && s.type.includes('integer')) ? 1 : Math.max(0.001, Math.abs(b) / 1000));
  if (s.enum) {
    for (const e of s.enum) out.push({ value: e, what: `enum ${JSON.stringify(e)}` });
    out.push({ value: 'no-such-value', what: 'a value outside the enum' });
  }
  if (s.const !== undefined) out.push({ value: s.const, what: 'the const' });
  if (numeric(s)) {
    if (s.minimum !== undefined) out.push({ value: s.minimum, what: 'minimum' }, { value: s.minimum - step(s.minimum), what: 'below the minimum' });
    if (s.maximum !== undefined) out.push({ value: s.maximum, what: 'maximum' }, { value: s.maximum + step(s.maximum), what: 'above the maximum' });
    if (s.exclusiveMinimum !== undefined) out.push({ value: s.exclusiveMinimum, what: 'the exclusive minimum' }, { value: s.exclusiveMinimum + step(s.exclusiveMinimum), what: 'just above the exclusive minimum' });
    if (s.exclusiveMaximum !== undefined) out.push({ value: s.exclusiveMaximum, what: 'the exclusive maximum' }, { value: s.exclusiveMaximum - step(s.exclusiveMaximum), what: 'just below the exclusive maximum' });
    if (query) out.push({ value: 'x', what: 'not a number' });
  }
  // Strings of the bounding lengths (a pattern or format the text does not match makes the
  // case one the document refuses, which the server must refuse too).
  if ((s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'))) && !s.enum && s.const === undefined) {
    if (s.maxLength !== undefined) out.push({ value: text(s.maxLength), what: 'maxLength' }, { value: text(s.maxLength + 1), what: 'one past maxLength' });
    if (s.minLength) out.push({ value: text(s.minLength), what: 'minLength' }, { value: text(s.minLength - 1), what: 'one below minLength' });
  }
  return out;
}

/** A query or header value as the schema sees it (numbers parsed). */
function asSchemaValue(s0, str) {
  const s = top(s0);
  if (numeric(s) && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(str)) return Number(str);
  return str;
}

/** Cases for one parameter: [{ set, what, valid, need }]. */
function paramCases(o, prm) {
  const cases = [];
  const s = prm.schema || {};
  // allowEmptyValue: an empty value counts as absent.
  const ok = (str) => (str === '' && prm.allowEmptyValue ? !prm.required : validate(s, asSchemaValue(s, str)) === null);
  if (prm.in === 'path') {
    const t = top(s);
    if (t.pattern) cases.push({ set: { [prm.name]: 'not-an-id' }, what: 'a value outside the pattern', valid: ok('not-an-id') });
    return cases;
  }
  const with_ = [].concat(prm['x-only-with'] || []);
  const need = {};
  for (const n of with_) {
    const other = o.params.find((x) => x.name === n);
    assert.ok(other, `${o.key}: ${prm.name} x-only-with ${n}, which is not a parameter`);
    need[n] = paramExample(other);
    for (const m of [].concat(other['x-only-with'] || [])) need[m] = paramExample(o.params.find((x) => x.name === m));
  }
  cases.push({ set: { [prm.name]: undefined }, what: 'absent', valid: !prm.required });
  cases.push({ set: { [prm.name]: '' }, what: 'empty', valid: ok('') });
  for (const b of boundaryValues(s, { query: true })) {
    cases.push({ set: { [prm.name]: String(b.value) }, what: b.what, valid: ok(String(b.value)) });
  }
  const ex = paramExample(prm);
  if (ex !== undefined) cases.push({ set: { [prm.name]: String(ex) }, what: 'the example', valid: true });
  for (const c of cases) c.set = { ...need, ...c.set };
  // A parameter of a mode: refused without what it needs, and with what it excludes.
  if (ex !== undefined) {
    for (const n of with_) cases.push({ set: { [prm.name]: String(ex) }, what: `without ${n}`, valid: false });
    for (const n of [].concat(prm['x-not-with'] || [])) {
      const other = o.params.find((x) => x.name === n);
      cases.push({ set: { [prm.name]: String(ex), [n]: String(paramExample(other)) }, what: `with ${n}`, valid: false, blame: [prm.name, n] });
    }
  }
  // A maximum that another parameter raises (x-maximum-with: { name: max }).
  for (const [n, max] of Object.entries(prm['x-maximum-with'] || {})) {
    const other = o.params.find((x) => x.name === n);
    const set = { [n]: String(paramExample(other)) };
    for (const m of [].concat(other['x-only-with'] || [])) set[m] = String(paramExample(o.params.find((x) => x.name === m)));
    cases.push({ set: { ...set, [prm.name]: String(max) }, what: `${max} with ${n}`, valid: true });
    cases.push({ set: { ...set, [prm.name]: String(max + 1) }, what: `${max + 1} with ${n}`, valid: false });
    // Without it the document's maximum holds (the case above the maximum), so the raised
    // one must be refused.
    cases.push({ set: { [prm.name]: String(max) }, what: `${max} without ${n}`, valid: top(s).maximum >= max });
  }
  return cases;
}

/** Cases for the top-level fields of a JSON body: [{ edit(body), what, valid, field }]. */
function bodyCases(o, skip = []) {
  const b = bodyExample(o);
  if (!b || !isJson(b.media)) return [];
  const s = flat(b.schema);
  const cases = [];
  const whole = (edit) => (base) => edit(structuredClone(base));
  for (const [name, p] of Object.entries(s.properties || {})) {
    if (skip.includes(name)) continue;
    const set = (value) => whole((x) => ({ ...x, [name]: value }));
    const drop = whole((x) => { delete x[name]; return x; });
    cases.push({ edit: drop, what: `${name} absent`, field: name, required: (s.required || []).includes(name) });
    const t = top(p);
    if (t.type === 'string' || (Array.isArray(t.type) && t.type.includes('string'))) cases.push({ edit: set(''), what: `${name} empty`, field: name });
    for (const v of boundaryValues(p)) cases.push({ edit: set(v.value), what: `${name}: ${v.what}`, field: name });
    if (t.type === 'array' && t.maxItems !== undefined) {
      const item = (i) => {
        const it = top(t.items);
        if (it.enum) return it.enum[i % it.enum.length];
        if (it.type === 'string') return `i${i}`;
        return b.example?.[name]?.[0];
      };
      cases.push({ edit: set([...Array(t.maxItems).keys()].map(item)), what: `${name}: maxItems`, field: name });
      cases.push({ edit: set([...Array(t.maxItems + 1).keys()].map(item)), what: `${name}: one past maxItems`, field: name });
    }
  }
  if (s.closed) cases.push({ edit: whole((x) => ({ ...x, not_a_field: 1 })), what: 'an unknown field', field: 'not_a_field' });
  return cases;
}

// ---------------------------------------------------------------- the run

const problems = new Map(); // op key → [text]
const seenKnown = new Set();

function report(key, list) {
  const left = [];
  for (const t of list) {
    const k = KNOWN.find((x) => (x.op === key || x.op === '*') && x.match.test(t));
    if (k) seenKnown.add(k);
    else left.push(t);
  }
  problems.set(key, left);
  assert.deepEqual(left, [], `${key}: ${left.length} mismatch(es) with docs/openapi.yaml:\n  ${left.join('\n  ')}`);
}

describe(`docs/openapi.yaml as a contract ${S}`, () => {
  let tilesDir;
  before(async () => {
    tilesDir = mkdtempSync(join(tmpdir(), 'hamyari-contract-'));
    const tiles = join(tilesDir, 't.mbtiles');
    execFileSync('sqlite3', [tiles], {
      input: "CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
        + "INSERT INTO metadata VALUES ('format', 'png'), ('maxzoom', '2'), ('attribution', 'Contract tiles');"
        + "INSERT INTO tiles VALUES (0, 0, 0, X'89504e470d0a1a0a00');",
    });
    srv = await startServer({
      args: ['--demo', '--tiles', tiles, '--password-list', COMMON_LIST, '--inbound-secret', INBOUND_SECRET,
        '--rate-form-ip', '1000000', '--rate-login-ip', '1000000', '--rate-login-account', '1000000',
        '--rate-track-ip', '1000000', '--rate-track-code', '1000000', '--notify-interval', '3600',
        // The fixtures claim many requests as one volunteer (tests/api/hostile-claims checks the limits).
        '--max-open-claims', '0', '--claim-cycles-per-hour', '0',
        '--board-posts-per-day', '0', '--board-messages-per-hour', '0'],
    });
    rmSync(tilesDir, { recursive: true, force: true }); // the server has it open
    const u = uniq();
    const logins = {};
    for (const role of ['volunteer', 'coordinator', 'editor', 'admin']) {
      logins[role] = `${role}-${u}@example.org`;
      // The volunteer serves HOME, where the fixtures' requests are, so that it may claim them.
      ctx.ids[role] = await addUser(srv, { email: logins[role], role, name: `Contract ${role}`, ...(role === 'volunteer' ? { home: HOME } : {}) });
    }
    const pendingPhone = freshPhone();
    const p = await signUp(srv, { name: 'Contract Pending', phone: pendingPhone, password: PASSWORD });
    assert.equal(p.status, 201, p.text);
    ctx.ids.pending = p.json.id;
    logins.pending = pendingPhone;
    ctx.logins = logins;
    for (const who of ['pending', 'volunteer', 'coordinator', 'editor', 'admin']) {
      const c = await signIn(srv, logins[who]);
      ctx.callers[who] = { cookie: c.cookie, csrf: c.csrf };
    }
    ctx.callers.token = { bearer: await createToken(srv, logins.admin) };
    ctx.callers.anon = {};
    // Shared objects that calls only read.
    ctx.ids.request = await helpRequest();
    ctx.ids.openRequest = (await helpRequest({ open: true })).id;
    ctx.ids.group = await group({ owner: 'admin' });
    ctx.ids.org = await org();
    ctx.ids.need = await need();
    ctx.ids.ownGroup = await group({ owner: 'volunteer' });
    ctx.ids.draft = await libraryDoc('draft');
    // Files are added while a draft (editors cannot change a published document's files).
    ctx.ids.published = await libraryDoc('draft');
    ctx.ids.attachment = await attachment(ctx.ids.published);
    await must('editor', 'POST', `/api/v1/library/${ctx.ids.published}/submit`);
    await must('admin', 'POST', `/api/v1/library/${ctx.ids.published}/publish`);
    ctx.ids.alert = await newsDoc('news');
    ctx.ids.factcheck = await newsDoc('factcheck');
  });
  after(async () => { await srv?.stop(); });

  it(`the document passes swagger-parser's validation ${S}`, async () => {
    await SwaggerParser.validate(structuredClone(doc));
  });

  it(`lists exactly the route table's operations, each with what the suite needs ${S}`, () => {
    const table = routes().map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(OPS.map((o) => o.key).sort(), table);
    const missing = [];
    for (const o of OPS) {
      if (/\{/.test(o.path) && !FIXTURES[o.key]?.params) missing.push(`${o.key}: no fixture for its path parameters`);
      if (o.body && bodyExample(o).example === undefined) missing.push(`${o.key}: the request body has no example`);
      for (const prm of o.params) if (prm.required && prm.in !== 'path' && paramExample(prm) === undefined && !FIXTURES[o.key]?.params) missing.push(`${o.key}: required ${prm.name} has no example`);
    }
    for (const k of Object.keys(FIXTURES)) if (!OPS.some((o) => o.key === k)) missing.push(`FIXTURES names ${k}, which the document lacks`);
    assert.deepEqual(missing, []);
  });

  it(`every answer schema is closed (additionalProperties or unevaluatedProperties stated) ${S}`, () => {
    const open = [];
    // An object must state additionalProperties or unevaluatedProperties, unless it is a part
    // of an allOf whose parent closes it with unevaluatedProperties.
    const walk = (s0, where, seen, closedByParent = false) => {
      if (!s0 || typeof s0 !== 'object') return;
      const s = deref(s0);
      if (seen.has(s) && !closedByParent) return;
      seen.add(s);
      const stated = s.additionalProperties !== undefined || s.unevaluatedProperties !== undefined;
      const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties;
      if ((isObject || s.allOf) && !stated && !closedByParent) open.push(where);
      for (const [k, p] of Object.entries(s.properties || {})) walk(p, `${where}.${k}`, seen);
      if (s.items) walk(s.items, `${where}[]`, seen);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}{}`, seen);
      (s.allOf || []).forEach((x, i) => walk(x, `${where}.allOf[${i}]`, seen, s.unevaluatedProperties === false || closedByParent));
      for (const k of ['oneOf', 'anyOf']) (s[k] || []).forEach((x, i) => walk(x, `${where}.${k}[${i}]`, seen));
    };
    for (const o of OPS) {
      for (const [code, r] of Object.entries(o.op.responses)) {
        for (const [media, mt] of Object.entries(deref(r).content || {})) {
          if (isJson(media) && mt.schema) walk(mt.schema, `${o.key} ${code} ${media}`, new Set());
        }
      }
    }
    assert.deepEqual([...new Set(open)], []);
  });

  const order = [...OPS.filter((o) => !FIXTURES[o.key]?.last), ...OPS.filter((o) => FIXTURES[o.key]?.last)];
  const firstOfPath = new Set();
  for (const o of order) {
    const checkMethods = !firstOfPath.has(o.path);
    firstOfPath.add(o.path);
    it(`${o.key} ${S}`, async (t) => {
      const p = [];
      const calls0 = calls;
      const fx = FIXTURES[o.key] || {};
      const cache = new Map();
      const as = fx.as || 'admin';
      const run = async (who, opts = {}, method = o.method, fixture = undefined) => {
        const v = fixture ?? await fixtureFor(o, who, cache);
        const call = buildCall(o, v, opts);
        const res = await send(who, method, call.url, { raw: method === 'HEAD' ? undefined : call.raw, headers: call.headers });
        if (fx.fresh && res.status < 300) cache.delete(who);
        return res;
      };
      // Every caller, with the documented example.
      for (const who of CALLERS) {
        const res = await run(who);
        for (const t of [...checkAnswer(o, res), ...checkAccess(o, who, res)]) p.push(`${who}: ${t}`);
      }
      // HEAD answers as GET does, without a body.
      if (o.method === 'GET') {
        const g = await run(as);
        const h = await run(as, {}, 'HEAD');
        if (h.status !== g.status) p.push(`HEAD: ${h.status}, GET: ${g.status}`);
        for (const t of checkAnswer(o, h, 'HEAD')) p.push(`HEAD: ${t}`);
      }
      // An Accept the operation cannot satisfy.
      const produced = Object.values(o.op.responses).flatMap((r) => Object.keys(deref(r).content || {}));
      const accept = produced.includes('application/xml') ? 'text/csv' : 'application/xml';
      const na = await run(as, { accept });
      if (na.status !== 406) p.push(`Accept: ${accept} answered ${na.status}, not 406`);
      for (const t of checkAnswer(o, na)) p.push(`Accept: ${accept}: ${t}`);
      // A body of a media type the operation does not take.
      if (o.body) {
        const types = Object.keys(o.body.content);
        const wrong = types.includes('text/plain') ? 'application/x-unknown' : 'text/plain';
        const um = await run(as, { contentType: wrong });
        if (um.status !== 415) p.push(`Content-Type: ${wrong} answered ${um.status}, not 415`);
        for (const t of checkAnswer(o, um)) p.push(`Content-Type: ${wrong}: ${t}`);
      }
      // Parameters: every enum value and boundary.
      for (const prm of o.params) {
        for (const c of paramCases(o, prm)) {
          const res = await run(as, { set: c.set });
          const label = `${prm.in} ${prm.name} ${c.what} (${new URLSearchParams(Object.entries(c.set).filter(([, x]) => x !== undefined)).toString().slice(0, 60)})`;
          for (const t of checkAnswer(o, res)) p.push(`${label}: ${t}`);
          const field = res.json?.error?.field;
          const blame = c.blame || [prm.name];
          if (c.valid && res.status === 400 && blame.includes(field)) p.push(`${label}: a documented value was refused: ${res.text.slice(0, 160)}`);
          if (!c.valid) {
            const okStatus = prm.in === 'path' ? [400, 404] : [400];
            if (!okStatus.includes(res.status)) p.push(`${label}: a value the document refuses answered ${res.status}`);
            else if (res.status === 400 && !blame.includes(field) && prm.in !== 'header') p.push(`${label}: 400 names '${field}', not ${prm.name}`);
          }
        }
      }
      // Body fields: every enum value and boundary, absent, empty, an unknown field.
      const b = bodyExample(o);
      for (const c of bodyCases(o, fx.skipFields)) {
        const v0 = await fixtureFor(o, as, cache);
        const base = { ...b.example, ...(v0.body || {}) };
        const edited = c.edit(base);
        const blame = blamed(b.schema, edited);
        const res = await run(as, { bodyEdit: () => edited }, o.method, v0);
        const label = `body ${c.what}`;
        for (const t of checkAnswer(o, res)) p.push(`${label}: ${t}`);
        const field = res.json?.error?.field;
        if (!blame.length && res.status === 400 && field === c.field) p.push(`${label}: a documented value was refused: ${res.text.slice(0, 160)}`);
        if (blame.length) {
          if (res.status !== 400) p.push(`${label}: a body the document refuses (${blame.join(', ')}) answered ${res.status}`);
          else if (!blame.includes(field)) p.push(`${label}: 400 names '${field}', not ${blame.join(' or ')}`);
        }
      }
      // A method the path does not take: 405 with Allow listing the documented ones.
      if (checkMethods) {
        // Methods of this path and of every templated path its URL also matches.
        const segs = o.path.split('/');
        const matches = (p2) => { const t = p2.split('/'); return t.length === segs.length && t.every((x, i) => x === segs[i] || /^\{.*\}$/.test(x)); };
        const documented = [...new Set(Object.keys(doc.paths).filter(matches).flatMap((p2) => METHODS.filter((m) => doc.paths[p2][m]).map((m) => m.toUpperCase())))];
        const v = await fixtureFor(o, as, cache);
        const url = buildCall(o, v).url.split('?')[0];
        for (const m of ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'].filter((x) => !documented.includes(x))) {
          const r = await send(as, m, url, m === 'GET' ? {} : { raw: '{}', headers: { 'content-type': 'application/json' } });
          if (r.status !== 405) { p.push(`${m} (not documented): ${r.status}, not 405`); continue; }
          const allow = (r.headers.get('allow') || '').split(/,\s*/).filter(Boolean).sort();
          const want = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort();
          if (allow.join() !== want.join()) p.push(`${m}: Allow ${allow.join(', ')}, documented ${want.join(', ')}`);
          const spec = doc['x-method-not-allowed'];
          const err = validate(spec.content['application/json'].schema, r.json) || validate(spec.headers.Allow.schema, r.headers.get('allow') || '');
          if (err) p.push(`${m}: 405: ${err}`);
        }
      }
      // The server is still up.
      const h = await srv.request('GET', '/healthz');
      if (h.status !== 200) p.push(`/healthz after the operation: ${h.status} ${h.text}`);
      t.diagnostic(`${calls - calls0} calls`);
      report(o.key, p);
    });
  }

  it(`every mismatch listed in KNOWN still occurs ${S}`, (t) => {
    t.diagnostic(`${OPS.length} operations, ${calls} calls`);
    const gone = KNOWN.filter((k) => !seenKnown.has(k)).map((k) => `${k.op} ${k.match}`);
    assert.deepEqual(gone, [], 'fixed: remove these from KNOWN');
  });
});
