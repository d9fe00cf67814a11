// The site's pages, found from web/ so that a new page is tested without editing this list.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WEB } from './server.mjs';

/** [{file: 'privacy.html', path: '/privacy', name: 'privacy', status: 200}] */
export function listPages() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir)) {
      const full = join(dir, e);
      if (e === 'vendor') continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (e.endsWith('.html')) {
        const rel = relative(WEB, full).split('\\').join('/');
        let path;
        if (rel === 'index.html') path = '/';
        else if (rel.endsWith('/index.html')) path = `/${rel.slice(0, -'index.html'.length)}`;
        else path = `/${rel.slice(0, -'.html'.length)}`;
        const name = rel.replace(/\.html$/, '').replace(/\//g, '_');
        out.push({ file: rel, path: rel === '404.html' ? '/this-page-does-not-exist' : path, name, status: rel === '404.html' ? 404 : 200 });
      }
    }
  };
  walk(WEB);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

export const LANGS = ['fa', 'en'];
