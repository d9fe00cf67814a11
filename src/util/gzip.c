/* gzip.c — gzip in memory (see gzip.h). */
#include "util/gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

bool hy_gzip(const void *in, size_t n, int level, unsigned char **ret, size_t *ret_len) {
    if (n > (size_t)UINT32_MAX / 2) return false; /* one deflate call takes a uInt */
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip wrapper around a 32 KiB window. */
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
    size_t cap = deflateBound(&z, (uLong)n);
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return false;
    }
    z.next_in = (Bytef *)(const unsigned char *)in; /* zlib does not write through next_in */
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    size_t len = z.total_out;
    deflateEnd(&z);
    if (r != Z_STREAM_END) {
        free(out);
        return false;
    }
    *ret = out;
    *ret_len = len;
    return true;
}

char *hy_gunzip(const void *gz, size_t gzlen, size_t plainlen) {
    if (gzlen > (size_t)UINT32_MAX / 2 || plainlen > (size_t)UINT32_MAX / 2) return NULL;
    char *out = malloc(plainlen + 1);
    if (!out) return NULL;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        free(out);
        return NULL;
    }
    z.next_in = (Bytef *)(const unsigned char *)gz;
    z.avail_in = (uInt)gzlen;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)plainlen;
    int r = inflate(&z, Z_FINISH);
    bool ok = r == Z_STREAM_END && z.total_out == plainlen;
    inflateEnd(&z);
    if (!ok) {
        free(out);
        return NULL;
    }
    out[plainlen] = '\0';
    return out;
}
