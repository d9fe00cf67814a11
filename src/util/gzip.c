/* gzip.c — gzip in memory (see gzip.h). */
#include "util/gzip.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A deflate stream per thread and level, kept between calls and reset for each (deflateInit
 * allocates and clears ~270 KiB, which costs more than compressing a 15 KiB answer; a reset
 * costs nearly nothing and gives the same bytes as a fresh stream). Freed when the thread
 * ends. */
#define LEVELS 10
struct streams {
    z_stream z[LEVELS];
    bool ready[LEVELS];
};
static pthread_key_t streams_key;
static pthread_once_t streams_once = PTHREAD_ONCE_INIT;
static bool streams_ok;

static void streams_free(void *p) {
    struct streams *st = p;
    for (int i = 0; i < LEVELS; i++)
        if (st->ready[i]) deflateEnd(&st->z[i]);
    free(st);
}

static void streams_init(void) { streams_ok = pthread_key_create(&streams_key, streams_free) == 0; }

/* This thread's stream for `level`, reset; NULL when none could be made. */
static z_stream *stream(int level) {
    pthread_once(&streams_once, streams_init);
    if (!streams_ok || level < 0 || level >= LEVELS) return NULL;
    struct streams *st = pthread_getspecific(streams_key);
    if (!st) {
        if (!(st = calloc(1, sizeof *st))) return NULL;
        if (pthread_setspecific(streams_key, st) != 0) {
            free(st);
            return NULL;
        }
    }
    z_stream *z = &st->z[level];
    if (st->ready[level]) return deflateReset(z) == Z_OK ? z : NULL;
    /* 15 + 16: a gzip wrapper around a 32 KiB window. */
    if (deflateInit2(z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    st->ready[level] = true;
    return z;
}

bool hy_gzip(const void *in, size_t n, int level, unsigned char **ret, size_t *ret_len) {
    if (n > (size_t)UINT32_MAX / 2) return false; /* one deflate call takes a uInt */
    z_stream *z = stream(level);
    if (!z) return false;
    size_t cap = deflateBound(z, (uLong)n);
    unsigned char *out = malloc(cap);
    if (!out) return false;
    z->next_in = (Bytef *)(const unsigned char *)in; /* zlib does not write through next_in */
    z->avail_in = (uInt)n;
    z->next_out = out;
    z->avail_out = (uInt)cap;
    int r = deflate(z, Z_FINISH);
    size_t len = z->total_out;
    z->next_in = NULL; /* nothing of the caller's is kept */
    z->avail_in = 0;
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
