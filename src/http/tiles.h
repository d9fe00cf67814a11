/* tiles.h — map tiles from an MBTiles file (itself an SQLite database), so a full street map
 * needs no third-party tile server and no visitor's position leaks to one. */
#ifndef HY_TILES_H
#define HY_TILES_H

#include <stddef.h>

#include "http/http.h"

struct hy_tiles;

/* Opens `path` read-only and checks it is an MBTiles file. Returns 0 or negative errno. */
int hy_tiles_open(const char *path, struct hy_tiles **ret);
void hy_tiles_close(struct hy_tiles *t);
/* Copies the tile z/x/y (XYZ numbering; MBTiles rows are flipped) into a malloc()ed buffer.
 * Returns 1 with *ret_data and *ret_len set, 0 when absent, negative on error. */
int hy_tiles_get(struct hy_tiles *t, unsigned z, unsigned x, unsigned y, void **ret_data,
                 size_t *ret_len);
/* "image/png", "image/jpeg", "image/webp" or "application/x-protobuf". */
const char *hy_tiles_mime(const struct hy_tiles *t);
/* The file's metadata: max zoom and attribution (may be ""). */
unsigned hy_tiles_max_zoom(const struct hy_tiles *t);
const char *hy_tiles_attribution(const struct hy_tiles *t);
/* Writes "scheme://host[:port]" of a tile URL template into out; returns its length (0 if the
 * template is not an absolute http(s) URL). */
size_t hy_tiles_origin(const char *url, char *out, size_t n);

#endif
