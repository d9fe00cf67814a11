// crash-load.mjs — the write load of scripts/crash-test.sh: asks for help (POST /api/v1/requests)
// as fast as WORKERS clients can, each request unique, and appends the id of every request the
// server acknowledged (201) to ACK_FILE, one per line, before sending the next. Connection errors
// (the server is being killed and restarted) are counted and retried after a short pause.
// Runs until SIGTERM; prints its counts on stderr when it stops.
//
//   node scripts/crash-load.mjs PORT ACK_FILE [WORKERS]
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const [port, ackFile, workersArg] = process.argv.slice(2);
if (!port || !ackFile) {
  console.error('usage: node scripts/crash-load.mjs PORT ACK_FILE [WORKERS]');
  process.exit(2);
}
const WORKERS = Number(workersArg || 8);
const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
let acked = 0, refused = 0, errors = 0, running = true;

function post(body, key) {
  return new Promise((res) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request({
      host: '127.0.0.1', port: Number(port), path: '/api/v1/requests', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': data.length, 'idempotency-key': key },
    }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      r.on('error', () => res({ status: 0 }));
    });
    req.on('error', () => res({ status: 0 }));
    req.setTimeout(10000, () => req.destroy());
    req.end(data);
  });
}

async function worker(w) {
  let n = 0;
  while (running) {
    const tag = `${process.pid}-${w}-${++n}-${randomBytes(4).toString('hex')}`;
    const phone = `+98912${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const r = await post({
      name: `crash ${tag}`, phone, address: `Street ${n}`, kind: 'groceries', details: tag,
      consent: true, language: 'en',
    }, `crash-${tag}`);
    if (r.status === 201) {
      const id = JSON.parse(r.text).id;
      appendFileSync(ackFile, `${id}\n`); // recorded before the next request is sent
      acked++;
    } else if (r.status === 0) {
      errors++;
      await new Promise((s) => setTimeout(s, 20));
    } else {
      refused++; // 4xx/5xx: not acknowledged, so not counted
      await new Promise((s) => setTimeout(s, 5));
    }
  }
}

process.on('SIGTERM', () => { running = false; });
process.on('SIGINT', () => { running = false; });
await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
agent.destroy();
console.error(`crash-load: ${acked} acknowledged, ${refused} answered without acknowledgement, ${errors} connection errors`);
