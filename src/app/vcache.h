/* vcache.h — one process's copy of something built from the store at a version number the store
 * keeps (the library index, the groups index): the current copy, handed out only to a caller
 * that read exactly the version it was built at, and rebuilt in a background thread when a
 * caller read another (app/libindex.h, app/grindex.h say what the versions count).
 *
 * The copies are reference-counted and immutable: a rebuild swaps in the new one and the old
 * one goes when its last user releases it. A failed build is retried no sooner than 5 s later. */
#ifndef HY_APP_VCACHE_H
#define HY_APP_VCACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* What the cache keeps, as callbacks on an opaque copy. */
struct hy_vcache_kind {
    /* Builds a copy from `db`: HY_DB_ONE with *ret set, a negative store status, or
     * HY_DB_ABORT when *stop became true meanwhile. `prev` is the current copy (NULL before
     * the first build), which the load may take unchanged parts from. */
    int (*load)(hy_db *db, void *arg, void *prev, const _Atomic bool *stop, void **ret);
    int64_t (*version)(const void *copy);
    void *(*retain)(void *copy);
    void (*release)(void *copy);
    /* Logs a finished build that took `ms` milliseconds. */
    void (*built)(const void *copy, int64_t ms);
    const char *what; /* for the log: "library index" */
};

typedef struct hy_vcache hy_vcache;

/* A cache building from `db` (the primary; it must outlive the cache) with kind->load(db, arg).
 * NULL when out of memory. Nothing is built until hy_vcache_refresh() or a miss. */
hy_vcache *hy_vcache_new(hy_db *db, const struct hy_vcache_kind *kind, void *arg);
/* Starts a build in the background unless one is running. */
void hy_vcache_refresh(hy_vcache *c);
/* The current copy with a reference when it was built at exactly `version`; else NULL, and a
 * background rebuild starts when none is running and the copy is older than `version` or
 * `primary` is set (the version was read on the database the cache builds from; a read replica
 * that lags behind does not cause rebuilds). Accepts a NULL cache. */
void *hy_vcache_get(hy_vcache *c, int64_t version, bool primary);
/* The current copy (whatever its version) with a reference, or NULL before the first build. */
void *hy_vcache_current(hy_vcache *c);
/* Stops a running build, waits for its thread and frees the cache and its copy. Accepts NULL. */
void hy_vcache_free(hy_vcache *c);
/* Builds finished since the cache was made. */
uint64_t hy_vcache_builds(const hy_vcache *c);

#endif
