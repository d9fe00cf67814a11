/* anscache.h — a process-wide cache of whole answers, stored gzip-compressed, for a read whose
 * result depends only on its parameters and on one version number of the data (the library
 * search: the library version of migration 6, which every committed change raises).
 *
 * Entries are keyed by (version, key). Only the newest version seen is kept: storing an answer
 * for a newer version drops every older entry, an answer for an older one is not stored, and a
 * lookup for any other version misses — so a caller that reads the store's current version for
 * each request never sends an answer older than that version. The memory for entries is capped
 * (oldest out first). Thread-safe (one mutex, held only for lookups and inserts, never while
 * compressing). */
#ifndef HY_ANSCACHE_H
#define HY_ANSCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hy_anscache hy_anscache;

/* A cache holding at most cap_bytes of compressed answers; NULL when cap_bytes is 0 or out of
 * memory (callers then simply do not cache). */
hy_anscache *hy_anscache_new(size_t cap_bytes);
void hy_anscache_free(hy_anscache *c);

/* Looks up (version, key). On a hit returns true and a malloc'd copy of the gzip bytes in
 * *ret_gz (the caller frees it), their length and the length of the plain answer. */
bool hy_anscache_get(hy_anscache *c, int64_t version, const char *key, void **ret_gz,
                     size_t *ret_gzlen, size_t *ret_plainlen);
/* Stores the plain answer (compressed here with hy_gzip() at level 1, so the stored bytes are
 * those hy_gzip(plain, n, 1) gives; the caller keeps `plain`). hy_gunzip() gives it back. */
void hy_anscache_put(hy_anscache *c, int64_t version, const char *key, const void *plain,
                     size_t n);

struct hy_anscache_stats {
    uint64_t hits, misses, stored, evicted;
    size_t entries, bytes;
};
void hy_anscache_stats(hy_anscache *c, struct hy_anscache_stats *ret);

#endif
