// tree-schema.test.mjs — docs/tree.schema.json, the JSON Schema of decision trees: it compiles
// (draft 2020-12, Ajv strict mode), accepts the sample trees and the valid trees of the fuzz
// corpus, refuses documents of the wrong shape, and states the same limits, node types,
// severities and operators as src/domain/tree.[ch]. No server is started.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => readFileSync(join(ROOT, p), 'utf8');
const schema = JSON.parse(read('docs/tree.schema.json'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);
const errors = () => ajv.errorsText(validate.errors);

const samples = read('src/cli/trees/seed.list').split('\n').map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#')).map((f) => `src/cli/trees/${f}`);
// Fuzz seeds the C validator accepts (the tree is the part before a NUL byte).
const validSeeds = ['base', 'base-walk', 'base-answers', 'contact-hours', 'dates', 'operators']
  .map((f) => `tests/fuzz/corpus/tree/${f}`);
const treeOf = (p) => JSON.parse(readFileSync(join(ROOT, p)).toString('utf8').split('\0')[0]);

describe('decision tree JSON Schema', () => {
  it('accepts the sample trees and the valid fuzz seeds', () => {
    assert.ok(samples.length >= 2);
    for (const p of [...samples, ...validSeeds]) assert.ok(validate(treeOf(p)), `${p}: ${errors()}`);
  });

  const base = () => treeOf('tests/fuzz/corpus/tree/base');
  const node = (t, id) => t.nodes.find((n) => n.id === id);
  const bad = {
    'an unknown field': (t) => { t.author = 'x'; },
    'a misspelt node field': (t) => { node(t, 'q1').nxt = 'q2'; },
    'options on a number': (t) => { node(t, 'q2').options = []; },
    'next on a result': (t) => { node(t, 'r1').next = 'q1'; },
    'a version as text': (t) => { t.version = '1'; },
    'version 0': (t) => { t.version = 0; },
    'an unknown node type': (t) => { node(t, 'q2').type = 'slider'; },
    'an unknown severity': (t) => { node(t, 'r1').severity = 'mild'; },
    'a blank title': (t) => { t.title = '   '; },
    'a two-line label': (t) => { node(t, 'q1').options[0].label = 'A\nB'; },
    'a control character': (t) => { node(t, 'r1').text = 'a\u0001b'; },
    'a label over 200 characters': (t) => { node(t, 'q1').options[0].label = 'ب'.repeat(201); },
    'a text over 4000 characters': (t) => { node(t, 'r1').text = 'ب'.repeat(4001); },
    'an empty option list': (t) => { node(t, 'q3').options = []; },
    'a node id with a space': (t) => { node(t, 'r1').id = 'r 1'; },
    'a date that is not YYYY-MM-DD': (t) => { t.reviewed_at = '1404/01/01'; },
    'a one-digit phone': (t) => { node(t, 'r2').contact.phone = '1'; },
    'a phone with words': (t) => { node(t, 'r2').contact.phone = 'call 112'; },
    'an hour past 24:00': (t) => { node(t, 'r2').contact.open = [{ days: ['mon'], from: '08:00', to: '25:00' }]; },
    'a day named twice': (t) => { node(t, 'r2').contact.open = [{ days: ['mon', 'mon'], from: '08:00', to: '09:00' }]; },
    'a javascript: source': (t) => { t.source_url = 'javascript:alert(1)'; },
    'a contact url to another host without scheme': (t) => { node(t, 'r2').contact.url = '//evil.example'; },
    'a test with two operators': (t) => { node(t, 'q3').rules[0].if = { node: 'q2', gte: 5, lte: 7 }; },
    'a test without operator': (t) => { node(t, 'q3').rules[0].if = { node: 'q2' }; },
    'an unknown operator': (t) => { node(t, 'q3').rules[0].if = { node: 'q2', like: 5 }; },
    'an empty all': (t) => { node(t, 'q3').rules[0].if = { all: [] }; },
    'a rule without next': (t) => { delete node(t, 'q3').rules[0].next; },
    '201 nodes': (t) => {
      for (let i = 0; i < 196; i++) t.nodes.push({ id: `x${i}`, type: 'result', severity: 'info', title: 'x', text: 'x' });
    },
    '33 options': (t) => {
      for (let i = 3; i < 33; i++) node(t, 'q3').options.push({ label: `o${i}`, value: `o${i}` });
    },
  };
  for (const [what, change] of Object.entries(bad)) {
    it(`refuses ${what}`, () => {
      const t = base();
      assert.ok(validate(t), errors());
      change(t);
      assert.equal(validate(t), false, JSON.stringify(t).slice(0, 200));
    });
  }

  it('states the limits of src/domain/tree.h', () => {
    const h = read('src/domain/tree.h');
    const def = (name) => {
      const m = h.match(new RegExp(`#define HY_TREE_${name} \\(?([0-9e* ]+)\\)?`));
      assert.ok(m, name);
      return Function(`return ${m[1]}`)();
    };
    const d = schema.$defs;
    const nodeOf = (title) => d.node.oneOf.find((n) => n.title === title);
    assert.equal(schema.properties.nodes.maxItems, def('NODES_MAX'));
    assert.equal(d.id.pattern, `^[A-Za-z0-9][A-Za-z0-9_-]{0,${def('ID_MAX') - 1}}$`);
    assert.equal(d.line.maxLength, def('TITLE_MAX'));
    assert.equal(d.markdown.maxLength, def('TEXT_MAX'));
    assert.equal(d.help.anyOf[1].maxLength, def('HELP_MAX'));
    assert.equal(nodeOf('number').properties.unit.anyOf[1].maxLength, def('UNIT_MAX'));
    assert.equal(d.absoluteUrl.maxLength, def('URL_MAX'));
    assert.equal(d.link.maxLength, def('URL_MAX'));
    assert.equal(d.contact.properties.phone.maxLength, def('PHONE_MAX'));
    assert.equal(nodeOf('single_choice').properties.options.maxItems, def('OPTIONS_MAX'));
    assert.equal(nodeOf('multiple_choice').properties.options.maxItems, def('OPTIONS_MAX'));
    assert.equal(d.values.maxItems, def('OPTIONS_MAX'));
    assert.equal(d.rules.maxItems, def('RULES_MAX'));
    assert.equal(d.conditions.maxItems, def('COND_TESTS'));
    assert.equal(d.contact.properties.open.anyOf[2].maxItems, def('HOURS_MAX'));
    assert.equal(d.test.properties.days_ago_gte.maximum, def('DAYS_MAX'));
    assert.equal(d.number.maximum, def('NUMBER_ABS'));
  });

  it('names the node types, severities and operators of src/domain/tree.c', () => {
    const c = read('src/domain/tree.c');
    const list = (name) => {
      const m = c.match(new RegExp(`${name}\\[[A-Z_]+\\] = \\{([^}]*)\\}`));
      assert.ok(m, name);
      return [...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
    };
    assert.deepEqual(schema.$defs.node.oneOf.map((n) => n.properties.type.const),
      list('hy_tree_type_names'));
    assert.deepEqual(schema.$defs.severity.enum, list('hy_tree_severity_names'));
    const ops = list('hy_tree_op_names');
    const tests = Object.keys(schema.$defs.test.properties).filter((k) => k !== 'node');
    assert.deepEqual(tests, ops.slice(3));
    assert.deepEqual(schema.$defs.condition.oneOf.slice(0, 3).map((x) => x.required[0]), ops.slice(0, 3));
  });
});
