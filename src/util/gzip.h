/* gzip.h — gzip in memory (zlib), one way for every compressed answer: whole-answer caches,
 * static files and API answers. */
#ifndef HY_GZIP_H
#define HY_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Answers shorter than this are sent as they are: the gzip header and a round trip of
 * inflating cost more than the bytes saved. */
#define HY_GZIP_MIN 1024

/* Compresses in[0..n) at `level` (1 fast … 9 small) into a malloc'd gzip member in *ret
 * (*ret_len bytes). False when out of memory or zlib fails. The same input, level and zlib
 * give the same bytes, so a compressed copy can be validated by its contents. */
bool hy_gzip(const void *in, size_t n, int level, unsigned char **ret, size_t *ret_len);
/* Inflates gzip bytes that hold exactly plainlen bytes into a malloc'd buffer of plainlen
 * bytes and a NUL; NULL when they do not (or out of memory). */
char *hy_gunzip(const void *gz, size_t gzlen, size_t plainlen);

#endif
