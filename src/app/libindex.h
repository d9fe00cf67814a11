/* libindex.h — one process's library search index (domain/libindex.h): loaded from the store,
 * kept while it matches the store's library version, rebuilt in the background.
 *
 * Freshness: the store keeps a library version that every change to the documents raises
 * (store/library.h `version`). An index remembers the version it was built at and answers
 * only a search that read the same version; hy_libindex_cache_get() hands it out on that
 * condition and otherwise starts a rebuild in a background thread, so a search never waits
 * for one and several processes on one database never serve each other's stale state. */
#ifndef HY_APP_LIBINDEX_H
#define HY_APP_LIBINDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/libindex.h"
#include "store/store.h"

/* Reads every published document and the library version in one HY_TX_READ on `db` and
 * builds the index. HY_DB_ONE, a negative store status, or HY_DB_ABORT when *stop became
 * true meanwhile (stop may be NULL). */
int hy_libindex_load(hy_db *db, const _Atomic bool *stop, hy_libindex **ret);

/* The synonym list in force (the saved one, else the default), read in the caller's
 * transaction: the index reads it with the documents, at the same library version (saving
 * the list raises it). HY_DB_ONE or a negative store status. */
int hy_libindex_read_synonyms(hy_store *s, hy_synonyms **ret);

/* ---- one per process: the current index and its rebuilds ---- */

typedef struct hy_libindex_cache hy_libindex_cache;

/* A cache that builds from `db` (the primary; it must outlive the cache). NULL when out of
 * memory. Nothing is built until hy_libindex_cache_refresh() or a miss. */
hy_libindex_cache *hy_libindex_cache_new(hy_db *db);
/* Starts a build in the background unless one is running. */
void hy_libindex_cache_refresh(hy_libindex_cache *c);
/* The current index with a reference the caller drops with hy_libindex_release(), when it
 * was built at exactly `version` (the version the caller's transaction read); else NULL, and
 * a background rebuild starts when none is running and the index is older than `version` or
 * `primary` is set (the version was read on the database the cache builds from; a read
 * replica that lags behind does not cause rebuilds). Accepts a NULL cache. */
hy_libindex *hy_libindex_cache_get(hy_libindex_cache *c, int64_t version, bool primary);
/* The current index (whatever its version) with a reference, or NULL before the first build.
 * Starts nothing: a caller that finds it stale goes through hy_libindex_cache_get(). */
hy_libindex *hy_libindex_cache_current(hy_libindex_cache *c);
/* Stops a running build, waits for its thread and frees the cache and its index. Accepts
 * NULL. */
void hy_libindex_cache_free(hy_libindex_cache *c);
/* Builds finished since the cache was made (diagnostics and tests). */
uint64_t hy_libindex_cache_builds(const hy_libindex_cache *c);

#endif
