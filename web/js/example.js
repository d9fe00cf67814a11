// The "example" badge on rows of the demo data (`serve --demo`) while they exist: groups,
// library documents, volunteers and help requests. `hamyari demo remove` takes them all.
import { t } from './i18n.js';

/** A badge saying the row is an example, with a tooltip that says it is not real. */
export function exampleBadge() {
  const b = document.createElement('span');
  b.className = 'badge badge-example';
  b.textContent = t('demo.example');
  b.title = t('demo.example_hint');
  return b;
}
