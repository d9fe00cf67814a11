/* grindex.h — one process's index of the approved groups for nearest-groups answers: the
 * spatial index (domain/spindex.h) with each group's answer bytes, loaded from the store, kept
 * while it matches the store's groups version, rebuilt in the background.
 *
 * Freshness, as for the library's index (app/libindex.h): the store keeps a groups version
 * that every committed change to a group that is or was approved raises (store/groups.h
 * `version`). An index remembers the version it was read at (in the same snapshot as the
 * groups) and answers only a request that read that same version; hy_grindex_cache_get()
 * hands it out on that condition and otherwise starts a rebuild in a background thread, so a
 * request never waits for one (it reads the store meanwhile) and several processes on one
 * database never serve each other's stale state.
 *
 * The answer bytes: a group's JSON in a nearest answer is everything the group alone decides
 * (hy_group_json_write() without the distance, kept per group) followed by the query's
 * `"distance_m"` and `"covers"`. The writer is passed in (the API layer owns the JSON shape),
 * so the bytes are those of the store path by construction. */
#ifndef HY_APP_GRINDEX_H
#define HY_APP_GRINDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/group.h"
#include "store/store.h"
#include "util/buf.h"

/* Writes one group's JSON object to b (with_distance: its distance_m and covers last, just
 * before the closing brace). 0 or a hy_buf error. */
typedef int (*hy_grindex_write_fn)(hy_buf *b, const struct hy_group *g, bool with_distance);

typedef struct hy_grindex hy_grindex;

/* Reads every approved group and the groups version in one HY_TX_READ on `db` and builds the
 * index. HY_DB_ONE, a negative store status (HY_DB_HARD also when a stored group cannot be
 * indexed), or HY_DB_ABORT when *stop became true meanwhile (stop may be NULL). */
int hy_grindex_load(hy_db *db, hy_grindex_write_fn write, const _Atomic bool *stop,
                    hy_grindex **ret);

hy_grindex *hy_grindex_retain(hy_grindex *ix);
/* Accepts NULL. */
void hy_grindex_release(hy_grindex *ix);
int64_t hy_grindex_version(const hy_grindex *ix);
size_t hy_grindex_groups(const hy_grindex *ix);
/* Memory held: the spatial index, the answer bytes and their offsets. */
size_t hy_grindex_bytes(const hy_grindex *ix);
size_t hy_grindex_bytes_spatial(const hy_grindex *ix);

/* Writes the answer's groups to b, comma-separated, as the store path writes them
 * (hy_group_json_write(g, true) of each group near() returns, in its order), and sets
 * *ret_n to their number. 0, -EINVAL for a query the store refuses too, -ENOMEM, or a hy_buf
 * error. */
int hy_grindex_near_write(const hy_grindex *ix, const struct hy_group_near *q, hy_buf *b,
                          size_t *ret_n);

/* ---- one per process: the current index and its rebuilds ---- */

typedef struct hy_grindex_cache hy_grindex_cache;

/* A cache that builds from `db` (the primary; it must outlive the cache) with `write`. NULL
 * when out of memory. Nothing is built until hy_grindex_cache_refresh() or a miss. */
hy_grindex_cache *hy_grindex_cache_new(hy_db *db, hy_grindex_write_fn write);
/* Starts a build in the background unless one is running. */
void hy_grindex_cache_refresh(hy_grindex_cache *c);
/* The current index with a reference the caller drops with hy_grindex_release(), when it was
 * built at exactly `version` (the groups version the caller read after its request arrived);
 * else NULL, and a background rebuild starts when none is running and the index is older than
 * `version` or `primary` is set (the version was read on the database the cache builds from;
 * a read replica that lags behind does not cause rebuilds). Accepts a NULL cache. */
hy_grindex *hy_grindex_cache_get(hy_grindex_cache *c, int64_t version, bool primary);
/* The groups version as a read that began after this call did sees it, on `db`: the primary
 * (the database the cache builds from) or a read replica. On a PostgreSQL primary the reads
 * are shared: one is in flight at a time, and a caller waits for the next one to begin and
 * end, so a batch of callers costs one round trip and each still sees every change committed
 * before it called. On SQLite the version is read again only when the store's change stamp
 * (hy_db_change_stamp: the WAL-index header, which every commit of any process rewrites) is
 * not the one read before the last version read; otherwise that version still holds. On a
 * replica the caller reads on its own. HY_DB_ONE or a negative store status. */
int hy_grindex_cache_version(hy_grindex_cache *c, hy_db *db, int64_t *ret);
/* The same version without blocking the caller, where reads are shared (a PostgreSQL
 * primary): `w` (the caller's memory, alive until done runs) joins the callers of the next
 * read, which the cache's reader thread begins after this call; then done(arg, status,
 * version) runs on that thread, once. 0 when queued; -ENOTSUP where reads are not shared
 * (read with hy_grindex_cache_version() instead), -ENOMEM when the reader thread cannot
 * start. */
typedef void (*hy_grindex_version_fn)(void *arg, int status, int64_t version);
/* True where version reads are shared (hy_grindex_cache_version_later() queues). */
bool hy_grindex_cache_shares_reads(const hy_grindex_cache *c);
struct hy_grindex_waiter {
    struct hy_grindex_waiter *next;
    hy_grindex_version_fn done;
    void *arg;
};
int hy_grindex_cache_version_later(hy_grindex_cache *c, struct hy_grindex_waiter *w,
                                   hy_grindex_version_fn done, void *arg);
/* Stops a running build, waits for its thread and frees the cache and its index. Accepts
 * NULL. */
void hy_grindex_cache_free(hy_grindex_cache *c);
/* Builds finished since the cache was made (diagnostics and tests). */
uint64_t hy_grindex_cache_builds(const hy_grindex_cache *c);

#endif
