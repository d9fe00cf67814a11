// board-pages.test.mjs — the board's server-rendered pages (/board/search): a typed place found in
// the gazetteer the group search uses (one place taken, several offered as a choice, none said),
// days in the reader's calendar (Solar Hijri with Persian digits in Persian), bad query values
// answered with a page in the site's shell (400), and what each reader may do with a post
// (signed out: sign in or join and come back; the author; another person: answer; moderators:
// hide or restore) — never anybody's name or number; on the store HY_TEST_STORE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServer, STORE } from './lib/server.mjs';
import { addUser, signIn } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const NOW = () => Math.floor(Date.now() / 1000);
const DAY = 86400;
const VANAK = { lat: 35.7575, lon: 51.41 };
const SH_MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];

const times = (html) => [...html.matchAll(/<time datetime="(\d{4}-\d\d-\d\d)">([^<]*)<\/time>/g)].map((m) => m[2]);

describe(`board pages ${S}`, () => {
  let srv, tmp, alice, bob, coord, anon;
  const ids = {};
  before(async () => {
    srv = await startServer({ args: ['--rate-login-ip', '1000'] });
    tmp = mkdtempSync(join(tmpdir(), 'hy-board-pages-'));
    const list = join(tmp, 'places.csv');
    // Vanak once; Narmak twice (two places of one name: the reader chooses).
    writeFileSync(list, 'name,alt_names,lat,lon,kind\n'
      + 'ونک,Vanak,35.7575,51.41,neighbourhood\n'
      + 'نارمک,Narmak,35.7420,51.5050,neighbourhood\n'
      + 'Narmak,,32.4000,53.9000,village\n');
    const imp = await runCli(['import', 'places', '--db', srv.dbUrl, list]);
    assert.equal(imp.code, 0, imp.stderr);
    ids.alice = await addUser(srv, { email: 'alice.pages@example.org', phone: '+989121110071', name: 'Alice Pageasker' });
    await addUser(srv, { email: 'bob.pages@example.org', phone: '+989121110072', name: 'Bob Pageoffer' });
    await addUser(srv, { email: 'coord.pages@example.org', role: 'coordinator' });
    [alice, bob, coord] = await Promise.all(['alice', 'bob', 'coord'].map((u) => signIn(srv, `${u}.pages@example.org`)));
    anon = { get: (p) => srv.request('GET', p) };
    const t = NOW();
    const r = await alice.post('/api/v1/board/posts', {
      kind: 'ask', category: 'medicine', body: 'Insulin from the pharmacy on Vali Asr, please', ...VANAK,
      place: 'Vanak', language: 'en', starts_at: t, ends_at: t + 3 * DAY,
    });
    assert.equal(r.status, 201, r.text);
    ids.post = r.json.id;
  });
  after(async () => {
    await srv?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const noPersonal = (html, what) => assert.ok(!/Pageasker|Pageoffer|alice\.pages|bob\.pages|\+98912111007/.test(html), `no personal details in ${what}`);

  it(`a typed place is found in the gazetteer, in English and in Persian ${S}`, async () => {
    for (const [q, lang] of [['Vanak', 'en'], ['ونک', 'fa'], ['vanak', 'fa']]) {
      const r = await anon.get(`/board/search?place=${encodeURIComponent(q)}&lang=${lang}`);
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('content-type'), /text\/html/);
      assert.ok(r.text.includes('Insulin from the pharmacy'), `${q}: the post near Vanak`);
      assert.ok(r.text.includes(lang === 'fa' ? `«<span dir="auto">${q}</span>»` : `“<span dir="auto">${q}</span>”`), `${q}: the place named in the heading`);
      assert.ok(r.text.includes(`value="${q}"`), `${q}: the form keeps the place`);
      assert.ok(r.text.includes(`place=${encodeURIComponent(q)}&amp;lang=${lang === 'fa' ? 'en' : 'fa'}"`), `${q}: the language switch keeps the place`);
      noPersonal(r.text, q);
    }
    // The same place far from any post: nothing, and no error.
    const far = await anon.get('/board/search?near=51.5,-3.2&lang=en');
    assert.equal(far.status, 200);
    assert.ok(!far.text.includes('Insulin'));
  });

  it(`several places of one name are offered as a choice; an unknown one is said ${S}`, async () => {
    const r = await anon.get('/board/search?place=Narmak&kind=ask&lang=en');
    assert.equal(r.status, 200, r.text);
    const choices = [...r.text.matchAll(/<input type="radio" name="near" value="(-?[\d.]+),(-?[\d.]+)"/g)];
    assert.equal(choices.length, 2, r.text);
    assert.ok(r.text.includes('<input type="hidden" name="kind" value="ask">'), 'the filters are kept');
    assert.ok(!r.text.includes('Insulin'), 'no list before the choice');
    const [lat, lon] = [choices[0][1], choices[0][2]];
    const chosen = await anon.get(`/board/search?place=Narmak&near=${lat},${lon}&kind=ask&lang=en`);
    assert.equal(chosen.status, 200);
    assert.match(chosen.text, /Open posts near/);
    const none = await anon.get('/board/search?place=Qqzzxx&lang=en');
    assert.equal(none.status, 200);
    assert.match(none.text, /No place found by that name/);
    const hostile = await anon.get(`/board/search?place=${encodeURIComponent('<script>x</script>')}&lang=en`);
    assert.equal(hostile.status, 200);
    assert.ok(!hostile.text.includes('<script>x'), 'the typed place is escaped');
  });

  it(`days are in the reader's calendar: Solar Hijri with Persian digits in Persian ${S}`, async () => {
    const fa = await anon.get(`/board/search?id=${ids.post}`);
    assert.equal(fa.status, 200);
    const days = times(fa.text);
    assert.ok(days.length >= 2, fa.text);
    for (const d of days) {
      const [day, month, year] = d.split(' ');
      assert.match(day, /^[۰-۹]+$/, d);
      assert.ok(SH_MONTHS.includes(month), d);
      assert.match(year, /^[۱][۴][۰-۹][۰-۹]$/, d);
    }
    const en = await anon.get(`/board/search?id=${ids.post}&lang=en`);
    for (const d of times(en.text)) assert.match(d, /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) 20\d\d$/, d);
    assert.match(fa.text, /<html lang="fa" dir="rtl">/);
    assert.match(en.text, /<html lang="en" dir="ltr">/);
  });

  it(`the plain-text asks write days as the pages do, distances as a reader says them ${S}`, async () => {
    for (const lang of ['fa', 'en']) {
      const page = await anon.get(`/board/search?id=${ids.post}&lang=${lang}`);
      const [, until] = times(page.text); // from, to
      const txt = await anon.get(`/api/v1/board/asks.txt?near=${VANAK.lat},${VANAK.lon}&lang=${lang}`);
      assert.equal(txt.status, 200, txt.text);
      assert.ok(txt.text.includes(lang === 'fa' ? `تا ${until}` : `until ${until}`), `${lang}: the day as the page writes it (${until}):\n${txt.text}`);
      assert.ok(!/\d{4}-\d\d-\d\d|[۰-۹]{4}-[۰-۹]{2}/.test(txt.text), `${lang}: no ISO date:\n${txt.text}`);
      // The post is in the reader's own cell: hundreds of metres, never "0 km".
      assert.match(txt.text, lang === 'fa' ? /حدود [۱-۹][۰-۹]* متر/ : /about [1-9]\d* m ·/);
      assert.ok(!/ 0 km|حدود ۰ /.test(txt.text), txt.text);
      assert.match(txt.text, new RegExp(`^  /board/search\\?id=${ids.post}&lang=${lang}$`, 'm'));
      if (lang === 'fa') assert.ok(!/[0-9]/.test(txt.text.replace(/\/board\/search\?id=\S+/g, '')), `Persian digits only:\n${txt.text}`);
    }
    const none = await anon.get('/api/v1/board/asks.txt?near=-33.9,18.4&lang=en');
    assert.match(none.text, /There are no open asks in this area\./);
  });

  it(`with --public-url the plain-text asks link to the post in full ${S}`, async () => {
    const other = await startServer({ db: srv.dbUrl, args: ['--public-url', 'https://help.example.org/'] });
    try {
      const txt = await other.request('GET', `/api/v1/board/asks.txt?near=${VANAK.lat},${VANAK.lon}&lang=en`);
      assert.match(txt.text, new RegExp(`^  https://help\\.example\\.org/board/search\\?id=${ids.post}&lang=en$`, 'm'), txt.text);
    } finally {
      await other.stop();
    }
  });

  it(`a post's page does not link to itself, says what its empty matches would be, and leads to the area ${S}`, async () => {
    const main = (html) => html.slice(html.indexOf('id="main"'), html.indexOf('</main>'));
    const fa = main((await anon.get(`/board/search?id=${ids.post}`)).text);
    assert.ok(!fa.includes(`href="/board/search?id=${ids.post}`), 'no link to the page itself');
    assert.match(fa, /هنوز پیشنهادی از این دسته با زمانی هم‌پوشان در ۵۰ کیلومتری نیست\./);
    assert.match(fa, /href="\/board\/search\?near=35\.75\d*,51\.4\d*&amp;lang=fa">همهٔ آگهی‌های باز این اطراف</);
    const en = main((await anon.get(`/board/search?id=${ids.post}&lang=en`)).text);
    assert.match(en, /No offers of this category with an overlapping time within 50 km yet\./);
    // In a list, each post links to its page.
    const list = main((await anon.get(`/board/search?near=${VANAK.lat},${VANAK.lon}&category=medicine&radius_km=5&lang=en`)).text);
    assert.ok(list.includes(`/board/search?id=${ids.post}&amp;lang=en`));
    assert.match(list, /asks\.txt\?near=[\d.]+,[\d.]+&amp;radius_km=5&amp;category=medicine&amp;lang=en/, 'the plain-text list keeps the filters');
  });

  it(`an area with no posts says so and how to post; English quotes in English ${S}`, async () => {
    const main = (html) => html.slice(html.indexOf('id="main"'), html.indexOf('</main>'));
    const fa = main((await anon.get('/board/search?near=-33.9,18.4&radius_km=3')).text);
    assert.match(fa, /در ۳ کیلومتری اینجا هنوز آگهی بازی نیست\. <a href="\/board-mine">/);
    assert.ok(!fa.includes('asks.txt') && !fa.includes('<ul class="board-list">'), 'no empty list, no plain-text link');
    const en = main((await anon.get('/board/search?near=-33.9,18.4&kind=offer&lang=en')).text);
    assert.match(en, /There are no open posts of this kind or category within 10 km yet\. <a href="\/board-mine">/);
    const vanak = main((await anon.get('/board/search?place=Vanak&lang=en')).text);
    assert.match(vanak, /Open posts near “<span dir="auto">Vanak<\/span>”: \d+</);
    assert.match(main((await anon.get('/board/search?place=Vanak')).text), /نزدیک «<span dir="auto">Vanak<\/span>»: [۰-۹]+</);
  });

  it(`bad query values are answered with a page in the shell, 400 ${S}`, async () => {
    for (const q of ['kind=lend', 'category=weapons', 'radius_km=99', 'radius_km=x', 'near=abc', 'near=91,10', `place=${'x'.repeat(101)}`, 'lang=de']) {
      for (const lang of q.startsWith('lang') ? [''] : ['&lang=en', '&lang=fa']) {
        const r = await anon.get(`/board/search?${q}${lang}`);
        assert.equal(r.status, 400, `${q}${lang}: ${r.status}`);
        assert.match(r.headers.get('content-type'), /text\/html/, q);
        assert.ok(r.text.includes('id="main"') && r.text.includes('role="alert"'), `${q}: a page that says what was wrong`);
        assert.ok(r.text.includes('action="/board/search"'), `${q}: with the form again`);
      }
    }
  });

  it(`what each reader may do with a post ${S}`, async () => {
    const path = `/board/search?id=${ids.post}&lang=en`;
    const out = await anon.get(path);
    assert.equal(out.status, 200);
    assert.ok(out.text.includes(`href="/signin?next=%2Fboard%2Fsearch%3Fid%3D${ids.post}%26lang%3Den"`), 'sign in and come back');
    assert.ok(out.text.includes(`href="/join?next=%2Fboard%2Fsearch%3Fid%3D${ids.post}%26lang%3Den"`), 'join and come back');
    assert.ok(!out.text.includes('id="board-answer"') && !out.text.includes('id="board-moderate"'));
    const b = await bob.get(path);
    assert.ok(b.text.includes(`<form id="board-answer" data-post="${ids.post}"`), 'another person may answer');
    assert.ok(!b.text.includes('id="board-moderate"'));
    const a = await alice.get(path);
    assert.ok(a.text.includes('This is your post') && !a.text.includes('id="board-answer"'), 'the author is told it is theirs');
    const c = await coord.get(path);
    assert.ok(c.text.includes('data-action="hide"'), 'a moderator may hide it');
    for (const r of [out, b, a, c]) noPersonal(r.text, 'the post page');

    const hide = await coord.post(`/api/v1/board/posts/${ids.post}/moderate`, { action: 'hide', reason: 'checking the page' });
    assert.equal(hide.status, 200, hide.text);
    const gone = await anon.get(path);
    assert.equal(gone.status, 404);
    assert.ok(gone.text.includes('No such post') && !gone.text.includes('Insulin'));
    assert.equal((await bob.get(path)).status, 404);
    const mod = await coord.get(path);
    assert.equal(mod.status, 200);
    assert.ok(mod.text.includes('data-action="restore"') && mod.text.includes('has been hidden'));
    const list = await anon.get('/board/search?place=Vanak&lang=en');
    assert.ok(!list.text.includes('Insulin'), 'a hidden post is not listed');
    const back = await coord.post(`/api/v1/board/posts/${ids.post}/moderate`, { action: 'restore', reason: 'fine after all' });
    assert.equal(back.status, 200, back.text);
    assert.equal((await anon.get(path)).status, 200);
    assert.equal((await anon.get('/board/search?id=not-an-id&lang=en')).status, 404);
  });
});
