// challenges-pages.test.mjs — the server-rendered challenge pages (/challenges, /challenges/{id},
// /ideas/{id}): readable without scripts in Persian (Solar Hijri, Persian digits) and English,
// the current phase marked, the rules a participant needs, the ideas in the order the API gives
// that person, the votes left for a signed-in person, sign-in / join links that return to the
// page, hidden content kept from the public, results ranked by votes, every value escaped, and
// bad addresses answered with a page; on the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, makeClock, signIn, PASSWORD } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const DAY = 86400;
const HOSTILE = '<script>alert(1)</script>"\'&';

describe(`challenge pages ${S}`, () => {
  let srv, organiser, member, memberId, other;
  const clock = makeClock();
  const as = (tok) => ({
    get: (p) => srv.request('GET', p, tok ? { headers: { authorization: `Bearer ${tok}` } } : {}),
    post: (p, body) => srv.request('POST', p, { body, headers: { authorization: `Bearer ${tok}` } }),
  });
  const main = (html) => {
    const m = /<main[^>]*>([\s\S]*)<\/main>/.exec(html);
    assert.ok(m, 'the page has a <main>');
    return m[1];
  };

  before(async () => {
    srv = await startServer({ args: ['--rate-form-ip', '100000'], env: clock.env });
    await addUser(srv, { email: 'organiser@example.org', role: 'coordinator', name: 'Olga Organiser' });
    organiser = await createToken(srv, 'organiser@example.org');
    for (const [email, name] of [['member@example.org', 'Mina Member'], ['other@example.org', 'Omid Other']]) {
      const r = await srv.request('POST', '/api/v1/members', { body: { name, email, password: PASSWORD, consent: true } });
      assert.equal(r.status, 201, r.text);
    }
    member = await createToken(srv, 'member@example.org');
    other = await createToken(srv, 'other@example.org');
    memberId = (await as(member).get('/api/v1/me')).json.id;
  });
  after(async () => {
    await srv.stop();
    clock.remove();
  });

  const now = () => Math.floor(Date.now() / 1000) + clock.offset;
  async function challenge(extra = {}) {
    const r = await as(organiser).post('/api/v1/challenges', {
      title_fa: 'چالش صفحه‌ها', title_en: 'Pages challenge', problem_en: 'First paragraph.\n\nSecond paragraph.',
      problem_fa: 'مسئلهٔ آزمایشی', ideas_at: now() - 10, ideas_days: 2, voting_days: 3, votes_per_person: 2, threshold: 2, ...extra,
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  }
  async function idea(chId, tok, title, extra = {}) {
    const r = await as(tok).post(`/api/v1/challenges/${chId}/ideas`, { title, description: `The idea called ${title}, described.`, ...extra });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  }

  it(`every value is escaped: titles, descriptions, teams, tags, links, comments ${S}`, async () => {
    const ch = await challenge({ title_en: `Title ${HOSTILE}`, problem_en: `Problem ${HOSTILE}` });
    const id = await idea(ch.id, member, `Idea ${HOSTILE}`, {
      team: `Team ${HOSTILE}`, tags: [`tag${HOSTILE}`], links: ['https://example.org/?a="><script>x</script>'],
      language: 'en',
    });
    assert.equal((await as(other).post(`/api/v1/ideas/${id}/comments`, { body: `Comment ${HOSTILE}` })).status, 201);
    for (const p of ['/challenges?lang=en', `/challenges/${ch.id}?lang=en`, `/ideas/${id}?lang=en`]) {
      for (const tok of [null, member, organiser]) {
        const r = await as(tok).get(p);
        assert.equal(r.status, 200, `${p}: ${r.text.slice(0, 300)}`);
        assert.match(r.headers.get('content-type'), /^text\/html/);
        const m = main(r.text);
        assert.doesNotMatch(m, /<script>/, `${p}: no raw <script> in the content`);
        assert.doesNotMatch(m, /"><script>x/, `${p}: no attribute break-out`);
        assert.match(m, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `${p}: the hostile text shown, escaped`);
      }
    }
  });

  it(`the list and a challenge read without scripts, in Persian with Solar Hijri dates and Persian digits ${S}`, async () => {
    const ch = await challenge();
    const fa = main((await as(null).get('/challenges')).text);
    assert.match(fa, /<h1>چالش‌ها<\/h1>/);
    assert.ok(fa.includes(`href="/challenges/${ch.id}?lang=fa"`));
    assert.match(fa, /چالش صفحه‌ها/);
    assert.match(fa, /گردآوری ایده‌ها/, 'the phase in words');
    assert.match(fa, /(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}/, 'a Solar Hijri date');
    assert.doesNotMatch(fa.replace(/<[^>]*>/g, ''), /[0-9]/, 'no Latin digits in the Persian text');
    const en = main((await as(null).get('/challenges?lang=en')).text);
    assert.match(en, /Pages challenge/);
    assert.match(en, /Collecting ideas/);
    assert.match(en, /\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/);

    const page = main((await as(null).get(`/challenges/${ch.id}?lang=en`)).text);
    assert.match(page, /<h1 lang="en" dir="ltr">Pages challenge<\/h1>/);
    assert.match(page, /<p>First paragraph\.<\/p><p>Second paragraph\.<\/p>/, 'the problem in paragraphs');
    assert.match(page, /class="phase-step phase-current" aria-current="step"><strong>Collecting ideas<\/strong>/, 'the current phase marked');
    assert.match(page, /<dt>Votes per person<\/dt><dd>2<\/dd>/);
    assert.match(page, /<dt>Vote totals while voting is open<\/dt><dd>Hidden until the results<\/dd>/);
    assert.match(page, /<dt>Support threshold<\/dt><dd>2 votes<\/dd>/);
    // Signed out: sign in or join, returning here.
    const next = encodeURIComponent(`/challenges/${ch.id}?lang=en`).replace(/%2F/g, '/');
    assert.ok(page.includes(`href="/signin?next=${next}"`), 'sign in returns to the page');
    assert.ok(page.includes(`href="/join?next=${next}"`), 'join returns to the page');
    assert.doesNotMatch(page, /id="idea-form"/, 'no idea form for people signed out');
    // Signed in, in the ideas phase: the idea form, no sign-in box, no vote buttons yet.
    const mine = main((await as(member).get(`/challenges/${ch.id}?lang=en`)).text);
    assert.match(mine, /<form class="form" id="idea-form" data-challenge="[0-9a-f]{32}">/);
    assert.doesNotMatch(mine, /id="take-part"/);
    assert.doesNotMatch(mine, /class="idea-vote"/);
    // The Persian page of the same challenge.
    const pfa = main((await as(null).get(`/challenges/${ch.id}`)).text);
    assert.match(pfa, /<dt>رأی هر نفر<\/dt><dd>۲<\/dd>/);
    assert.match(pfa, /مسئلهٔ آزمایشی/);
  });

  it(`while voting: the person's own order (as the API gives it), votes used and left, the vote buttons ${S}`, async () => {
    const ch = await challenge();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await idea(ch.id, other, `Voting idea ${i}`));
    clock.advance(2 * DAY + 1);
    assert.equal((await as(member).post(`/api/v1/ideas/${ids[3]}/vote`)).status, 201);
    for (const tok of [member, other, null]) {
      const api = (await as(tok).get(`/api/v1/challenges/${ch.id}`)).json;
      assert.equal(api.order, 'random');
      const html = main((await as(tok).get(`/challenges/${ch.id}?lang=en`)).text);
      const shown = [...html.matchAll(/<li class="idea-card" id="idea-([0-9a-f]{32})">/g)].map((m) => m[1]);
      assert.deepEqual(shown, api.ideas_list.map((i) => i.id), 'the page lists the ideas in the API\'s order for this person');
    }
    const html = main((await as(member).get(`/challenges/${ch.id}?lang=en`)).text);
    assert.match(html, /id="votes-left"[^>]*data-budget="2" data-used="1">You have used 1 of your 2 votes; 1 left\.<\/p>/);
    assert.match(html, new RegExp(`<form class="idea-vote" data-idea="${ids[3]}" data-voted="1"`));
    assert.match(html, new RegExp(`<form class="idea-vote" data-idea="${ids[0]}" data-voted="0"`));
    assert.doesNotMatch(html, /id="idea-form"/, 'no idea form outside the ideas phase');
    assert.doesNotMatch(html, /class="idea-votes"/, 'totals hidden while voting (show_votes off)');
    const fa = main((await as(member).get(`/challenges/${ch.id}`)).text);
    assert.match(fa, /۱ رأی از ۲ رأی خود را داده‌اید؛ ۱ رأی مانده است\./);
    // The idea's page: the same votes left and its button.
    const ip = main((await as(member).get(`/ideas/${ids[3]}?lang=en`)).text);
    assert.match(ip, /You have used 1 of your 2 votes; 1 left\./);
    assert.match(ip, /data-voted="1"/);
    assert.match(ip, /id="comment-form"/);
    assert.match(ip, /Report this idea/);
    // Nobody's vote is shown to anyone else.
    const seen = main((await as(other).get(`/ideas/${ids[3]}?lang=en`)).text);
    assert.match(seen, /data-voted="0"/);
    assert.doesNotMatch(seen, new RegExp(memberId));
  });

  it(`results: ranked by votes with totals and the support threshold; no forms ${S}`, async () => {
    const ch = await challenge();
    const a = await idea(ch.id, other, 'Ranked low');
    const b = await idea(ch.id, other, 'Ranked high');
    clock.advance(2 * DAY + 1);
    assert.equal((await as(member).post(`/api/v1/ideas/${b}/vote`)).status, 201);
    assert.equal((await as(other).post(`/api/v1/ideas/${b}/vote`)).status, 201);
    assert.equal((await as(member).post(`/api/v1/ideas/${a}/vote`)).status, 201);
    // Totals hidden while voting: sort=votes falls back to the default order, and no link offers it.
    const voting = main((await as(null).get(`/challenges/${ch.id}?lang=en&sort=votes`)).text);
    assert.doesNotMatch(voting, /sort=votes/);
    assert.doesNotMatch(voting, /class="idea-votes"/);
    clock.advance(3 * DAY + 1);
    const page = main((await as(member).get(`/challenges/${ch.id}?lang=en&sort=votes`)).text);
    assert.match(page, /aria-current="step"><strong>Results<\/strong>/);
    const order = [...page.matchAll(/<li class="idea-card" id="idea-([0-9a-f]{32})">/g)].map((m) => m[1]);
    assert.deepEqual(order, [b, a], 'most votes first');
    assert.match(page, /<span class="idea-votes">2 votes<\/span> · <span class="badge idea-supported">Reached the support threshold<\/span>/);
    assert.match(page, /<span class="idea-votes">1 vote<\/span>/);
    assert.match(page, /sort=votes" aria-current="page">Most votes/);
    assert.doesNotMatch(page, /class="idea-vote"|id="idea-form"|id="take-part"/, 'no taking part in results');
    const ip = main((await as(member).get(`/ideas/${b}?lang=en`)).text);
    assert.doesNotMatch(ip, /id="comment-form"/);
    assert.match(ip, /New comments are not taken in this phase\./);
    // Without a sort, the results are ranked by votes too.
    const plain = main((await as(null).get(`/challenges/${ch.id}?lang=en`)).text);
    assert.deepEqual([...plain.matchAll(/<li class="idea-card" id="idea-([0-9a-f]{32})">/g)].map((m) => m[1]), [b, a]);
    assert.match(plain, /sort=votes" aria-current="page">Most votes/);
    assert.doesNotMatch(plain, />Default</, 'no separate default order in results');
    // Recent activity is offered too.
    assert.equal((await as(null).get(`/challenges/${ch.id}?lang=en&sort=recent`)).status, 200);
  });

  it(`hidden ideas and comments: gone for the public, marked with the reason for organisers ${S}`, async () => {
    const ch = await challenge();
    const id = await idea(ch.id, other, 'To be hidden');
    const c = await as(member).post(`/api/v1/ideas/${id}/comments`, { body: 'A comment to hide' });
    assert.equal(c.status, 201);
    const keep = await idea(ch.id, other, 'To be kept');
    const m = await as(organiser).post(`/api/v1/challenges/${ch.id}/moderation`, { ideas: [id], reason: 'Advertising, not an idea' });
    assert.equal(m.status, 200, m.text);
    const pub = main((await as(member).get(`/challenges/${ch.id}?lang=en`)).text);
    assert.doesNotMatch(pub, /To be hidden/);
    assert.match(pub, /To be kept/);
    const gone = await as(member).get(`/ideas/${id}?lang=en`);
    assert.equal(gone.status, 404);
    assert.match(gone.headers.get('content-type'), /^text\/html/);
    assert.doesNotMatch(gone.text, /To be hidden/);
    const org = main((await as(organiser).get(`/challenges/${ch.id}?lang=en`)).text);
    assert.match(org, /To be hidden/);
    assert.match(org, /Hidden: Advertising, not an idea/);
    assert.ok(org.includes(`href="/challenge-moderation?id=${ch.id}"`), 'organisers get the moderation link');
    assert.ok(org.includes(`href="/api/v1/challenges/${ch.id}/ideas.csv?bom=1"`), 'and the export');
    assert.doesNotMatch(pub, /challenge-moderation/);
    const m2 = await as(organiser).post(`/api/v1/challenges/${ch.id}/moderation`, { ideas: [id], comments: [c.json.id], hidden: true, reason: 'Off topic comment' });
    assert.equal(m2.status, 200, m2.text);
    const shownAgain = await as(organiser).post(`/api/v1/challenges/${ch.id}/moderation`, { ideas: [id], hidden: false, reason: 'Reviewed again' });
    assert.equal(shownAgain.status, 200);
    const ip = main((await as(null).get(`/ideas/${id}?lang=en`)).text);
    assert.doesNotMatch(ip, /A comment to hide/, 'the hidden comment is not shown to the public');
    const iporg = main((await as(organiser).get(`/ideas/${id}?lang=en`)).text);
    assert.match(iporg, /A comment to hide/);
    assert.match(iporg, /Hidden: Off topic comment/);
    assert.ok(keep);
  });

  it(`bad addresses get a page, not JSON: unknown sort, unknown or malformed ids ${S}`, async () => {
    const ch = await challenge();
    for (const [p, status] of [
      [`/challenges/${ch.id}?sort=bogus&lang=en`, 400], [`/challenges/${ch.id}?sort=%3Cscript%3E`, 400],
      ['/challenges/00000000000000000000000000000000?lang=en', 404], ['/challenges/not-an-id', 404],
      ['/ideas/00000000000000000000000000000000', 404], ['/ideas/%3Cb%3E?lang=en', 404],
    ]) {
      const r = await as(null).get(p);
      assert.equal(r.status, status, p);
      assert.match(r.headers.get('content-type'), /^text\/html/, `${p}: a page`);
      assert.match(r.text, /<main/);
      assert.doesNotMatch(r.text, /<b>|<script>/);
    }
    // Any other lang is Persian.
    const r = await as(null).get('/challenges?lang=%3Cx%3E');
    assert.equal(r.status, 200);
    assert.match(r.text, /<html lang="fa" dir="rtl">/);
  });

  it(`a cookie session sees its own state like a token does ${S}`, async () => {
    const ch = await challenge();
    const c = await signIn(srv, 'member@example.org');
    const html = main((await c.get(`/challenges/${ch.id}?lang=en`)).text);
    assert.match(html, /id="idea-form"/);
  });
});
