// webhook.mjs — a notification gateway stand-in for tests: an HTTP server on loopback that
// keeps every JSON body POSTed to it (what `serve --notify-webhook URL` sends).
//   const rx = await startReceiver();   // rx.url for --notify-webhook
//   await rx.waitFor((m) => m.to === '+98…' && m.template === 'request_claimed');
//   rx.got                              // every message so far, in arrival order
import http from 'node:http';

/** A webhook receiver on loopback: every JSON POST is kept. */
export async function startReceiver({ fail = () => false } = {}) {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      let msg;
      try { msg = JSON.parse(body); } catch { msg = { bad: body }; }
      if (fail(msg)) { res.writeHead(503); res.end('busy'); return; }
      got.push(msg);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/sms`,
    got,
    async waitFor(pred, timeoutMs = 15000) {
      const t0 = Date.now();
      while (Date.now() - t0 < timeoutMs) {
        const m = got.filter(pred);
        if (m.length) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no webhook message matched within ${timeoutMs} ms; got ${JSON.stringify(got.map((g) => g.template))}`);
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

