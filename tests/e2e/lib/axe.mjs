// Run axe-core in a page. The source is evaluated through the DevTools protocol, which the
// page's Content-Security-Policy does not apply to (an inline <script> would be blocked).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Returns {violations, blocking}; blocking = violations of impact serious or critical. */
export async function runAxe(page, { include = 'body' } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (sel) => {
    const r = await window.axe.run(document.querySelector(sel) || document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() || ''}`),
    }));
  }, include);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return { violations, blocking };
}

export function describeViolations(list) {
  return list.map((v) => `[${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

/** Fails with the violations listed when axe finds a serious or critical one; `what` names the state. */
export async function assertAxeClean(page, what) {
  const { blocking } = await runAxe(page);
  if (blocking.length) throw new Error(`${what}: axe:\n${describeViolations(blocking)}`);
}
