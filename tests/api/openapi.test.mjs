// openapi.test.mjs — docs/openapi.yaml and the route table (`hamyari routes`) describe the same
// endpoints, both ways; summaries match; the error codes listed match src/http/errors.h.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, routes, STORE } from './lib/server.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

let YAML;
try {
  YAML = await import('yaml');
} catch {
  throw new Error("the npm package 'yaml' is missing: run `npm ci` (or scripts/deps.sh)");
}

const doc = YAML.parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8'));

/** "METHOD /path" → operation, from the document. HEAD is implied by GET and not listed. */
function documented() {
  const ops = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) if (item[m]) ops.set(`${m.toUpperCase()} ${path}`, item[m]);
  }
  return ops;
}

describe(`docs/openapi.yaml [${STORE}]`, () => {
  it(`is an OpenAPI 3.1 document with info and paths [${STORE}]`, () => {
    assert.match(String(doc.openapi), /^3\.1\.\d+$/);
    assert.ok(doc.info?.title && doc.info?.version, 'info.title and info.version');
    assert.ok(doc.paths && Object.keys(doc.paths).length > 0, 'paths');
  });

  it(`documents every route of the route table [${STORE}]`, () => {
    const ops = documented();
    const missing = routes().filter((r) => !ops.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, [], `routes missing from docs/openapi.yaml: ${missing.join(', ')}`);
  });

  it(`documents no endpoint the route table lacks [${STORE}]`, () => {
    const table = new Set(routes().map((r) => `${r.method} ${r.path}`));
    const extra = [];
    for (const key of documented().keys()) {
      const [m, p] = key.split(' ');
      if (table.has(key)) continue;
      if (m === 'HEAD' && table.has(`GET ${p}`)) continue; // HEAD comes with every GET
      extra.push(key);
    }
    assert.deepEqual(extra, [], `docs/openapi.yaml describes endpoints the server does not have: ${extra.join(', ')}`);
  });

  it(`uses the route table's one-line summaries [${STORE}]`, () => {
    const ops = documented();
    const differ = [];
    for (const r of routes()) {
      const op = ops.get(`${r.method} ${r.path}`);
      if (op && op.summary !== r.summary) differ.push(`${r.method} ${r.path}: yaml '${op.summary}' vs routes '${r.summary}'`);
    }
    assert.deepEqual(differ, [], differ.join('\n'));
  });

  it(`gives each operation the route's access rule as x-access [${STORE}]`, () => {
    // `hamyari routes` prints the rule as its name or as its number in enum hy_access.
    const header = readFileSync(join(ROOT, 'src', 'domain', 'access.h'), 'utf8');
    const names = [...(header.match(/enum hy_access \{([\s\S]*?)\}/)?.[1] || '').matchAll(/HY_ACCESS_([A-Z_]+)/g)]
      .map((m) => m[1]).filter((n) => !n.startsWith('_')).map((n) => n.toLowerCase());
    const ops = documented();
    const differ = [];
    for (const r of routes()) {
      const want = typeof r.access === 'number' ? names[r.access] : r.access;
      const op = ops.get(`${r.method} ${r.path}`);
      if (op && op['x-access'] !== want) differ.push(`${r.method} ${r.path}: x-access ${op['x-access']} vs ${want}`);
    }
    assert.deepEqual(differ, [], differ.join('\n'));
  });

  it(`declares each path parameter and an answer for each operation [${STORE}]`, () => {
    for (const [key, op] of documented()) {
      const path = key.split(' ')[1];
      const item = doc.paths[path];
      const params = [...(item.parameters || []), ...(op.parameters || [])].map((p) => (p.$ref ? resolveRef(p.$ref) : p));
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])) {
        assert.ok(params.some((p) => p.in === 'path' && p.name === name && p.required === true), `${key}: path parameter {${name}} not declared`);
      }
      assert.ok(op.responses && Object.keys(op.responses).length > 0, `${key}: no responses`);
      assert.ok(op.operationId, `${key}: no operationId`);
    }
  });

  it(`lists exactly the error codes of src/http/errors.h [${STORE}]`, () => {
    const header = readFileSync(join(ROOT, 'src', 'http', 'errors.h'), 'utf8');
    const fromC = [...header.matchAll(/X\(\w+, "([a-z0-9_]+)", (\d{3}),/g)].map((m) => m[1]).sort();
    assert.ok(fromC.length > 0, 'no codes found in errors.h');
    const schema = doc.components?.schemas?.Error?.properties?.error?.properties?.code;
    assert.ok(schema?.enum, 'components.schemas.Error.properties.error.properties.code.enum');
    assert.deepEqual([...schema.enum].sort(), fromC);
    // The table in the Error schema's description gives each code's status: it must match too.
    const statusC = Object.fromEntries([...header.matchAll(/X\(\w+, "([a-z0-9_]+)", (\d{3}),/g)].map((m) => [m[1], Number(m[2])]));
    const rows = [...(doc.components.schemas.Error.description || '').matchAll(/^\| ([a-z0-9_]+) \| (\d{3}) \|/gm)];
    const statusDoc = Object.fromEntries(rows.map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(statusDoc, statusC, 'the code/status table in the Error schema');
  });

  function resolveRef(ref) {
    let node = doc;
    for (const part of ref.replace(/^#\//, '').split('/')) node = node?.[part];
    assert.ok(node, `unresolved $ref ${ref}`);
    return node;
  }

  it(`every $ref resolves [${STORE}]`, () => {
    const walk = (node) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        if (typeof node.$ref === 'string') resolveRef(node.$ref);
        Object.values(node).forEach(walk);
      }
    };
    walk(doc);
  });
});
