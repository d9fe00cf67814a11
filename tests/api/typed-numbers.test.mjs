// typed-numbers.test.mjs — numbers as people type them on a Persian or Arabic keyboard
// («۳۵٫۷۲», «٣٥,٧٢», «۳۵.۷۲», «۱٬۲۵۰») are read the same in every numeric field, in a form post
// and in a JSON body; what cannot be read as one number is refused with invalid_field naming
// the field, changes nothing, and the no-JavaScript page says so in the page's language.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startServer, STORE } from './lib/server.mjs';
import { addUser, createToken, freshPhone, sql } from './lib/accounts.mjs';

const S = `[${STORE}]`;
const REQUEST = {
  name: 'Typed Numbers', phone: '0912 555 0199', address: 'Valiasr St 12', kind: 'groceries',
  details: 'rice', urgency: 'normal', for_whom: 'self', language: 'en', consent: true,
};

describe(`numbers typed in Persian and Arabic ${S}`, () => {
  let srv, coord;
  before(async () => {
    srv = await startServer({ args: ['--rate-form-ip', '1000'] });
    await addUser(srv, { email: 'typed-coord@example.org', role: 'coordinator' });
    coord = await createToken(srv, 'typed-coord@example.org');
  });
  after(async () => { if (srv) await srv.stop(); });

  const form = (path, fields, accept = 'text/html') => srv.fetch(path, {
    method: 'POST', body: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.base, accept },
  });
  const count = () => Number(sql(srv, 'SELECT count(*) FROM help_requests')[0][0]);
  /** Asserts the request's area is 35.72, 51.42 (as coordinators see it: on a ~500 m grid, so
   *  within 0.006°; a misread separator gives 35.0, 3572 or 35.7). */
  async function assertArea(id) {
    const r = await srv.request('GET', `/api/v1/requests/${id}`, { headers: { authorization: `Bearer ${coord}` } });
    assert.equal(r.status, 200, r.text);
    assert.ok(Math.abs(r.json.lat - 35.72) < 0.006 && Math.abs(r.json.lon - 51.42) < 0.006,
      `area ${r.json.lat}, ${r.json.lon}`);
  }

  for (const [lat, lon, what] of [
    ['۳۵٫۷۲', '۵۱٫۴۲', 'Persian digits, Arabic decimal separator'],
    ['٣٥,٧٢', '٥١,٤٢', 'Arabic-Indic digits, decimal comma'],
    ['۳۵.۷۲', '۵۱.۴۲', 'Persian digits, ASCII point'],
    ['\u200f۳۵٫۷۲\u200e', '\u200f۵۱٫۴۲', 'with direction marks copied from a page'],
  ]) {
    it(`a help request's area: ${what}, as JSON ${S}`, async () => {
      const r = await srv.request('POST', '/api/v1/requests', { body: { ...REQUEST, lat, lon } });
      assert.equal(r.status, 201, r.text);
      await assertArea(r.json.id);
    });
  }

  it(`a help request's area typed into the form without JavaScript ${S}`, async () => {
    const r = await form('/api/v1/requests', { ...REQUEST, consent: 'on', lat: '۳۵٫۷۲', lon: '٥١,٤٢' });
    assert.equal(r.status, 303, await r.text());
    const code = new URL(r.headers.get('location'), srv.base).searchParams.get('code');
    const id = sql(srv, `SELECT id FROM help_requests WHERE tracking_code = '${code}'`)[0][0];
    await assertArea(id);
  });

  for (const [lat, why] of [
    ['۳۵٫۷٫۲', 'two decimal separators'],
    ['۱٬۲۵۰,۵', 'a thousands separator with a comma'],
    ['۳۵ک', 'a letter'],
    ['۹۰٫۵', 'out of range'],
    ['3.5e1', 'an exponent'],
  ]) {
    it(`refused, naming the field, changing nothing: ${why} ${S}`, async () => {
      const before = count();
      const r = await srv.request('POST', '/api/v1/requests', { body: { ...REQUEST, lat, lon: '۵۱٫۴' } });
      assertError(r, 400, 'invalid_field', why);
      assert.equal(r.json.error.field, 'lat');
      assert.equal(count(), before);
    });
  }

  it(`the no-JavaScript form names the field in the page's language ${S}`, async () => {
    const before = count();
    for (const [language, label, title] of [['fa', 'محدوده', 'درخواست ثبت نشد'], ['en', 'area', 'Request not sent']]) {
      const r = await form('/api/v1/requests', { ...REQUEST, consent: 'on', language, lat: '۳۵٫۷٫۲', lon: '۵۱' });
      assert.equal(r.status, 400);
      const html = await r.text();
      assert.ok(html.includes(title), `${language}: ${html.slice(0, 600)}`);
      assert.match(html, new RegExp(label, 'i'), `${language}: the field is not named: ${html.slice(0, 900)}`);
    }
    assert.equal(count(), before);
  });

  it(`query parameters typed in Persian: groups near a place, the dispatch queue's filters ${S}`, async () => {
    const q = (s) => encodeURIComponent(s);
    const near = await srv.request('GET', `/api/v1/groups?near=${q('۳۵٫۷,۵۱٫۴')}&radius_km=${q('۱۰٫۵')}&limit=${q('۲۰')}`);
    assert.equal(near.status, 200, near.text);
    const bad = await srv.request('GET', `/api/v1/groups?near=${q('۳۵٫۷٫۱,۵۱')}`);
    assertError(bad, 400, 'invalid_query');
    assert.equal(bad.json.error.field, 'near');
    const auth = { headers: { authorization: `Bearer ${coord}` } };
    const mine = await srv.request('POST', '/api/v1/requests', { body: { ...REQUEST, lat: '۳۵٫۷۲', lon: '۵۱٫۴۲' } });
    assert.equal(mine.status, 201, mine.text);
    const queue = await srv.request('GET', `/api/v1/requests?near=${q('۳۵٫۷۲,۵۱٫۴۲')}&radius_km=${q('۲')}&max_age_hours=${q('۱')}`, auth);
    assert.equal(queue.status, 200, queue.text);
    assert.ok(queue.json.requests.some((r) => r.id === mine.json.id), queue.text.slice(0, 400));
    assertError(await srv.request('GET', `/api/v1/requests?min_age_hours=${q('۱٫۲٫۳')}`, auth), 400, 'invalid_query');
  });

  it(`a volunteer's radius typed in Persian, and refused naming the field ${S}`, async () => {
    const phone = freshPhone();
    const r = await srv.request('POST', '/api/v1/volunteers', {
      body: { name: 'Typed Volunteer', phone, password: 'correct horse battery 9', consent: true, radius_km: '۷٫۵', lat: '۳۵٫۷', lon: '۵۱٫۴' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(Number(sql(srv, `SELECT radius_km FROM volunteer_profiles WHERE user_id = '${r.json.id}'`)[0][0]), 7.5);
    const bad = await srv.request('POST', '/api/v1/volunteers', {
      body: { name: 'Typed Volunteer', phone: freshPhone(), password: 'correct horse battery 9', consent: true, radius_km: '۷٫۵٫۱' },
    });
    assertError(bad, 400, 'invalid_field');
    assert.equal(bad.json.error.field, 'radius_km');
  });
});
