// challenges.test.mjs — challenges, ideas and votes: phases (409 with the phase outside
// them), one vote per person under concurrent tries (and, on PostgreSQL, across two server
// processes on one database), the vote budget under concurrency, each person's stable random
// order, the secret ballot, moderation with a reason in the audit log, reports, ranking and the
// CSV export; on the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, makeClock, PASSWORD } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const DAY = 86400;

describe(`challenges, ideas and votes ${S}`, () => {
  const servers = [];
  const clock = makeClock();
  let organiser, members = []; // bearer tokens
  const as = (tok, srv = servers[0]) => ({
    get: (p) => srv.request('GET', p, tok ? { headers: { authorization: `Bearer ${tok}` } } : {}),
    post: (p, body) => srv.request('POST', p, { body, headers: { authorization: `Bearer ${tok}` } }),
    del: (p) => srv.request('DELETE', p, { headers: { authorization: `Bearer ${tok}` } }),
  });

  before(async () => {
    const args = ['--rate-form-ip', '100000', '--rate-login-ip', '100000'];
    const first = await startServer({ args, env: clock.env });
    servers.push(first);
    // Two processes on one PostgreSQL database; SQLite is one process.
    if (STORE === 'postgres') servers.push(await startServer({ db: first.dbUrl, args, env: clock.env }));
    await addUser(first, { email: 'organiser@example.org', role: 'coordinator' });
    organiser = await createToken(first, 'organiser@example.org');
    for (let i = 0; i < 4; i++) {
      const r = await first.request('POST', '/api/v1/members', { body: { name: `Voter ${i}`, email: `voter${i}@example.org`, password: PASSWORD, consent: true } });
      assert.equal(r.status, 201, r.text);
      members.push(await createToken(first, `voter${i}@example.org`));
    }
  });
  after(async () => {
    for (const s of servers.slice().reverse()) await s.stop();
    clock.remove();
  });

  const now = () => Math.floor(Date.now() / 1000) + clock.offset;
  // A challenge whose ideas phase is open now and whose voting opens in a day.
  async function challenge(extra = {}) {
    const t = now();
    const r = await as(organiser).post('/api/v1/challenges', {
      title_fa: 'چالش آزمایشی', title_en: 'Test challenge', problem_en: 'A problem to solve.',
      ideas_at: t - 10, ideas_days: 1, voting_days: 1, ...extra,
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.phase, 'ideas');
    return r.json;
  }
  async function idea(chId, tok, title) {
    const r = await as(tok).post(`/api/v1/challenges/${chId}/ideas`, { title, description: `The idea called ${title}, described.`, tags: ['test'] });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  }

  // Attack first: every answer an organiser or anyone can get, after votes were cast, must not
  // tell who voted for what.
  it(`secret ballot: no answer, export or audit entry says who voted for what ${S}`, async () => {
    const ch = await challenge({ show_votes: true });
    const a = await idea(ch.id, members[0], 'Alpha');
    const b = await idea(ch.id, members[1], 'Beta');
    clock.advance(DAY + 1);
    assert.equal((await as(members[2]).post(`/api/v1/ideas/${a}/vote`)).status, 201);
    assert.equal((await as(members[3]).post(`/api/v1/ideas/${b}/vote`)).status, 201);
    const voterIds = [];
    for (const t of [members[2], members[3]]) voterIds.push((await as(t).get('/api/v1/me')).json.id);
    const seen = [];
    for (const tok of [organiser, members[0], null]) {
      for (const p of [`/api/v1/challenges/${ch.id}`, `/api/v1/ideas/${a}`, `/api/v1/ideas/${b}`, '/api/v1/challenges',
        `/api/v1/challenges/${ch.id}/ideas.csv`, `/api/v1/challenges/${ch.id}/reports`]) {
        const r = await as(tok).get(p);
        seen.push(r.text);
      }
    }
    // The admin's audit log.
    await addUser(servers[0], { email: 'auditor@example.org', role: 'admin' });
    const admin = await createToken(servers[0], 'auditor@example.org');
    const audit = await as(admin).get('/api/v1/audit?per_page=200');
    assert.equal(audit.status, 200, audit.text);
    // The log names voters for their own sign-up and tokens, never with an idea or a vote.
    for (const e of audit.json.entries) {
      assert.ok(!/vote/.test(e.action), `a vote in the audit log: ${JSON.stringify(e)}`);
      const text = JSON.stringify(e);
      if (voterIds.some((id) => text.includes(id))) assert.ok(!text.includes(a) && !text.includes(b), text);
    }
    for (const text of seen) {
      for (const id of voterIds) assert.ok(!text.includes(id), `a voter's id appears: ${text.slice(0, 300)}`);
      assert.ok(!/Voter [23]/.test(text), `a voter's name appears: ${text.slice(0, 300)}`);
    }
    // Totals are shown (the challenge shows them while voting).
    const got = await as(null).get(`/api/v1/ideas/${a}`);
    assert.equal(got.json.votes, 1);
    // A voter sees their own vote only.
    assert.equal((await as(members[2]).get(`/api/v1/ideas/${a}`)).json.my_vote, true);
    assert.equal((await as(members[3]).get(`/api/v1/ideas/${a}`)).json.my_vote, false);
    clock.set(0);
  });

  it(`outside its phase an idea or a vote gets 409 with the phase ${S}`, async () => {
    const t = now();
    const up = await as(organiser).post('/api/v1/challenges', { title_en: 'Later', ideas_at: t + DAY, ideas_days: 1, voting_days: 1 });
    assert.equal(up.status, 201, up.text);
    let r = await as(members[0]).post(`/api/v1/challenges/${up.json.id}/ideas`, { title: 'Too early', description: 'Submitted before ideas open.' });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'wrong_phase');
    assert.equal(r.json.error.phase, 'upcoming');
    const ch = await challenge();
    const a = await idea(ch.id, members[0], 'Gamma');
    r = await as(members[1]).post(`/api/v1/ideas/${a}/vote`);
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.phase, 'ideas');
    clock.advance(DAY + 1);
    r = await as(members[1]).post(`/api/v1/challenges/${ch.id}/ideas`, { title: 'Too late', description: 'Submitted while voting.' });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.phase, 'voting');
    clock.advance(DAY);
    r = await as(members[1]).post(`/api/v1/ideas/${a}/vote`);
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.phase, 'results');
    assert.equal((await as(null).get(`/api/v1/ideas/${a}`)).json.votes, 0, 'no vote was counted');
    clock.set(0);
  });

  it(`one vote per person under 20 concurrent tries${servers.length > 1 ? ', across two processes' : ''} ${S}`, async () => {
    const ch = await challenge();
    const a = await idea(ch.id, members[0], 'Delta');
    clock.advance(DAY + 1);
    for (const tok of members) {
      const rs = await Promise.all([...Array(20).keys()].map((i) => as(tok, servers[i % servers.length]).post(`/api/v1/ideas/${a}/vote`)));
      const counted = rs.filter((r) => r.status === 201).length;
      assert.equal(counted, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
      assert.ok(rs.every((r) => r.status === 201 || (r.status === 200 && r.json.changed === false)), rs.map((r) => r.status).join());
    }
    const organiserView = await as(organiser).get(`/api/v1/challenges/${ch.id}/ideas.csv`);
    assert.match(organiserView.text, new RegExp(`${a},Delta,,fa,test,4,`));
    // Taking it back twice at once: once.
    const back = await Promise.all([0, 1].map((i) => as(members[0], servers[i % servers.length]).del(`/api/v1/ideas/${a}/vote`)));
    assert.deepEqual(back.map((r) => r.json.changed).sort(), [false, true]);
    clock.advance(DAY);
    assert.equal((await as(null).get(`/api/v1/ideas/${a}`)).json.votes, 3);
    clock.set(0);
  });

  it(`the budget is never exceeded under concurrency ${S}`, async () => {
    const ch = await challenge({ votes_per_person: 3 });
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await idea(ch.id, members[i % 2], `Budget ${i}`));
    clock.advance(DAY + 1);
    const rs = await Promise.all(ids.flatMap((id, i) => [0, 1].map((k) => as(members[2], servers[(i + k) % servers.length]).post(`/api/v1/ideas/${id}/vote`))));
    assert.equal(rs.filter((r) => r.status === 201).length, 3, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
    assert.ok(rs.every((r) => [201, 200, 409].includes(r.status)));
    assert.ok(rs.filter((r) => r.status === 409).every((r) => r.json.error.code === 'vote_budget_spent'));
    const view = await as(members[2]).get(`/api/v1/challenges/${ch.id}`);
    assert.equal(view.json.votes_used, 3);
    assert.equal(view.json.ideas_list.filter((x) => x.my_vote).length, 3);
    // Taking one back frees one.
    const mine = view.json.ideas_list.find((x) => x.my_vote).id;
    assert.equal((await as(members[2]).del(`/api/v1/ideas/${mine}/vote`)).json.votes_left, 1);
    const other = view.json.ideas_list.find((x) => !x.my_vote).id;
    assert.equal((await as(members[2]).post(`/api/v1/ideas/${other}/vote`)).status, 201);
    assert.equal((await as(members[2]).post(`/api/v1/ideas/${mine}/vote`)).status, 409);
    clock.set(0);
  });

  it(`each person's random order is stable while voting, across processes, and differs between people ${S}`, async () => {
    const ch = await challenge({ random_order: true });
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await idea(ch.id, members[0], `Order ${i}`));
    clock.advance(DAY + 1);
    const order = async (tok, srv) => (await as(tok, srv).get(`/api/v1/challenges/${ch.id}`)).json.ideas_list.map((x) => x.id);
    const orders = [];
    for (const tok of members) {
      const o1 = await order(tok, servers[0]);
      const o2 = await order(tok, servers[servers.length - 1]);
      assert.deepEqual(o2, o1, 'the same person, the same order');
      assert.deepEqual([...o1].sort(), [...ids].sort());
      orders.push(o1.join());
    }
    assert.ok(new Set(orders).size >= 3, 'people get orders of their own');
    const newest = [...ids].reverse().join();
    assert.ok(orders.some((o) => o !== newest), 'not the order of submission');
    assert.equal((await as(members[0]).get(`/api/v1/challenges/${ch.id}`)).json.order, 'random');
    // Ranking by votes while totals are hidden would tell them: the person's own order instead.
    const r = await as(members[0]).get(`/api/v1/challenges/${ch.id}?sort=votes`);
    assert.equal(r.json.order, 'random');
    assert.deepEqual(r.json.ideas_list.map((x) => x.id).join(), orders[0]);
    clock.set(0);
  });

  it(`ranking by votes and by recent activity ${S}`, async () => {
    const ch = await challenge({ show_votes: true });
    const [x, y, z] = [await idea(ch.id, members[0], 'Xray'), await idea(ch.id, members[0], 'Yankee'), await idea(ch.id, members[0], 'Zulu')];
    clock.advance(DAY + 1);
    for (const tok of members.slice(0, 3)) assert.equal((await as(tok).post(`/api/v1/ideas/${y}/vote`)).status, 201);
    for (const tok of members.slice(0, 2)) assert.equal((await as(tok).post(`/api/v1/ideas/${z}/vote`)).status, 201);
    let r = await as(null).get(`/api/v1/challenges/${ch.id}?sort=votes`);
    assert.deepEqual(r.json.ideas_list.map((i) => [i.title, i.votes]), [['Yankee', 3], ['Zulu', 2], ['Xray', 0]]);
    clock.advance(60);
    assert.equal((await as(members[1]).post(`/api/v1/ideas/${x}/comments`, { body: 'A comment brings it up.' })).status, 201);
    r = await as(null).get(`/api/v1/challenges/${ch.id}?sort=recent`);
    assert.equal(r.json.ideas_list[0].title, 'Xray');
    clock.set(0);
  });

  it(`moderation hides in bulk with a reason in the audit log; reports reach the organisers ${S}`, async () => {
    const ch = await challenge();
    const a = await idea(ch.id, members[0], 'Spam one');
    const b = await idea(ch.id, members[0], 'Spam two');
    const keep = await idea(ch.id, members[0], 'Keeper');
    const c = await as(members[1]).post(`/api/v1/ideas/${keep}/comments`, { body: 'Rude words here.' });
    assert.equal(c.status, 201, c.text);
    // Reports.
    let r = await as(members[2]).post(`/api/v1/ideas/${a}/reports`, { reason: 'This is advertising.' });
    assert.equal(r.status, 201, r.text);
    r = await as(members[2]).post(`/api/v1/ideas/${keep}/reports`, { comment_id: c.json.id, reason: 'Insulting.' });
    assert.equal(r.status, 201, r.text);
    r = await as(members[2]).post(`/api/v1/ideas/${a}/reports`, { comment_id: c.json.id, reason: 'Wrong idea.' });
    assert.equal(r.status, 404, 'a comment of another idea');
    const reports = await as(organiser).get(`/api/v1/challenges/${ch.id}/reports`);
    assert.equal(reports.json.reports.length, 2);
    assert.equal((await as(members[2]).get(`/api/v1/challenges/${ch.id}/reports`)).status, 403);
    // Members cannot moderate; a bad id changes nothing.
    assert.equal((await as(members[0]).post(`/api/v1/challenges/${ch.id}/moderation`, { ideas: [a], reason: 'mine' })).status, 403);
    r = await as(organiser).post(`/api/v1/challenges/${ch.id}/moderation`, { ideas: [a, 'f'.repeat(32)], reason: 'Advertising' });
    assert.equal(r.status, 404, r.text);
    assert.equal((await as(null).get(`/api/v1/ideas/${a}`)).status, 200, 'nothing was hidden');
    r = await as(organiser).post(`/api/v1/challenges/${ch.id}/moderation`, { ideas: [a, b], comments: [c.json.id], reason: 'Advertising and insults' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.changed, 3);
    assert.equal((await as(null).get(`/api/v1/ideas/${a}`)).status, 404);
    const list = await as(members[3]).get(`/api/v1/challenges/${ch.id}`);
    assert.deepEqual(list.json.ideas_list.map((i) => i.title), ['Keeper']);
    assert.equal((await as(null).get(`/api/v1/ideas/${keep}`)).json.comments_list.length, 0);
    const orgView = await as(organiser).get(`/api/v1/ideas/${a}`);
    assert.equal(orgView.json.hidden, true);
    assert.equal(orgView.json.hidden_reason, 'Advertising and insults');
    await addUser(servers[0], { email: 'audit2@example.org', role: 'admin' });
    const admin = await createToken(servers[0], 'audit2@example.org');
    const audit = await as(admin).get('/api/v1/audit?per_page=200');
    const hidden = audit.json.entries.filter((e) => e.action === 'content_hidden');
    for (const id of [a, b, c.json.id]) {
      const e = hidden.find((x) => x.subject_id === id);
      assert.ok(e, `no audit entry for ${id}`);
      assert.match(e.detail, /Advertising and insults/);
    }
  });

  it(`bad input changes nothing ${S}`, async () => {
    const t = now();
    const ok = { title_en: 'x', ideas_at: t, ideas_days: 1, voting_days: 1 };
    for (const body of [{}, { ...ok, ideas_days: 0 }, { ...ok, voting_days: 366 }, { ...ok, title_en: '' },
      { ...ok, ideas_at: 'soon' }, { ...ok, role: 'x' }, { ...ok, votes_per_person: -1 }, { ...ok, ideas_days: 1.5 }]) {
      const r = await as(organiser).post('/api/v1/challenges', body);
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    }
    assert.equal((await as(members[0]).post('/api/v1/challenges', ok)).status, 403);
    const ch = await challenge();
    const r = await as(members[0]).post(`/api/v1/challenges/${ch.id}/ideas`, { title: 'Link', description: 'An idea with a bad link.', links: ['javascript:alert(1)'] });
    assert.equal(r.status, 400, r.text);
    assert.equal((await as(null).get(`/api/v1/challenges/${ch.id}`)).json.ideas_list.length, 0);
    assert.equal((await as(null).get('/api/v1/challenges/nope')).status, 404);
    assert.equal((await as(null).get(`/api/v1/ideas/${'0'.repeat(32)}`)).status, 404);
  });
});
