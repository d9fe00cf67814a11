// uPlot, loaded on demand (vendored by the build under /vendor/uplot/): its stylesheet goes
// before the site's own, so the site's rules win. One load per page; a failed one may be retried.

const UPLOT = '/vendor/uplot/uPlot.iife.min.js';
const UPLOT_CSS = '/vendor/uplot/uPlot.min.css';

let uplotPromise = null;

/** Resolves to the uPlot constructor. */
export function loadUplot() {
  uplotPromise ??= new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = UPLOT_CSS;
    const app = document.querySelector('link[rel="stylesheet"][href*="/css/app."]');
    document.head.insertBefore(link, app);
    const s = document.createElement('script');
    s.src = UPLOT;
    s.onload = () => (window.uPlot ? resolve(window.uPlot) : reject(new Error('uPlot did not load')));
    s.onerror = () => reject(new Error('uPlot could not be loaded'));
    document.head.append(s);
  });
  uplotPromise.catch(() => { uplotPromise = null; });
  return uplotPromise;
}
