// The world's country outlines for the offline map's world and country views (zoom 5 and out),
// made lighter for the first load: world-atlas's 110m TopoJSON keeps its points to 1/100 000 of
// the world's width and height (0.0036° × 0.0017°), finer than those views show. Quantized again
// to 1/10 000 (0.036° × 0.017°, under a pixel at zoom 5, where a pixel is 0.044°) and without
// what the map does not use (the `land` object, the countries' names and numbers), it is 27 KB
// gzip instead of 38. The detailed 50m outlines (zoom 6 and in) are copied as they are.

import { quantize, transform } from 'topojson-client';

/** countries-110m.json's bytes → its countries' shapes only, quantized to `n` steps. */
export function coarseOutlines(bytes, n = 1e4) {
  const topo = JSON.parse(bytes);
  const absolute = topo.arcs.map((arc) => {
    const t = transform(topo.transform); // delta decoding is per arc: a new transformer each
    return arc.map((p, i) => t(p, i));
  });
  const countries = {
    type: 'GeometryCollection',
    geometries: topo.objects.countries.geometries.map(({ type, arcs }) => ({ type, arcs })),
  };
  const plain = { type: 'Topology', bbox: topo.bbox, objects: { countries }, arcs: absolute };
  const q = quantize(plain, n);
  // Every arc stays (`land` is the countries' union: it has none of its own), so the countries'
  // arc indices keep their meaning.
  return JSON.stringify(q);
}
