/* libindex.c — the library index of one process (app/libindex.h): loading it from the store,
 * keeping the current one, and rebuilding it in a background thread. */
#include "app/libindex.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app/vcache.h"
#include "store/faq.h"
#include "store/library.h"
#include "util/log.h"

#define PAGE_ROWS 1000

/* ---------------------------------------------------------------- loading */

struct load_ctx {
    hy_libindex *prev;
    const _Atomic bool *stop;
    hy_libindex *ix;
};

static int load_tx(hy_store *s, void *ctx) {
    struct load_ctx *c = ctx;
    hy_libindex_release(c->ix); /* from an attempt whose commit failed */
    c->ix = NULL;
    int64_t version = 0;
    int r = s->ops->library->version(s, &version);
    if (r < 0) return r;
    hy_libindex_builder *b = hy_libindex_builder_new();
    if (!b) return HY_DB_HARD;
    hy_libindex_builder_follow(b, c->prev);
    char after[HY_ID_LEN + 1] = "";
    for (;;) {
        if (c->stop && atomic_load(c->stop)) {
            hy_libindex_builder_free(b);
            return HY_DB_ABORT;
        }
        hy_arena *a = hy_arena_new(0);
        if (!a) {
            hy_libindex_builder_free(b);
            return HY_DB_HARD;
        }
        struct hy_lib_row *rows = NULL;
        int n = s->ops->library->index_rows(s, *after ? after : NULL, PAGE_ROWS, a, &rows);
        if (n < 0 || hy_libindex_builder_add(b, rows, (size_t)(n > 0 ? n : 0)) < 0) {
            hy_arena_free(a);
            hy_libindex_builder_free(b);
            return n < 0 ? n : HY_DB_HARD;
        }
        if (n > 0) memcpy(after, rows[n - 1].id, sizeof after);
        hy_arena_free(a);
        if (n < PAGE_ROWS) break;
    }
    c->ix = hy_libindex_builder_finish(b, version);
    if (!c->ix) return HY_DB_HARD;
    hy_synonyms *syn = NULL;
    r = hy_libindex_read_synonyms(s, &syn);
    if (r < 0) return r;
    hy_libindex_set_synonyms(c->ix, syn);
    return HY_DB_ONE;
}

int hy_libindex_read_synonyms(hy_store *s, hy_synonyms **ret) {
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    const char *json = NULL;
    int r = s->ops->faq->synonyms_get(s, a, &json, NULL, NULL);
    if (r >= 0) {
        *ret = hy_synonyms_new(r == HY_DB_ONE ? json : NULL);
        r = *ret ? HY_DB_ONE : HY_DB_HARD;
    }
    hy_arena_free(a);
    return r;
}

int hy_libindex_load(hy_db *db, hy_libindex *prev, const _Atomic bool *stop, hy_libindex **ret) {
    struct load_ctx c = {.prev = prev, .stop = stop};
    int r = hy_db_run(db, HY_TX_READ, load_tx, &c);
    if (r < 0) {
        hy_libindex_release(c.ix);
        return r;
    }
    *ret = c.ix;
    return HY_DB_ONE;
}

/* ---------------------------------------------------------------- the process's cache */

static int kind_load(hy_db *db, void *arg, void *prev, const _Atomic bool *stop, void **ret) {
    (void)arg;
    hy_libindex *ix = NULL;
    int r = hy_libindex_load(db, prev, stop, &ix);
    if (r == HY_DB_ONE) *ret = ix;
    return r;
}
static int64_t kind_version(const void *ix) { return hy_libindex_version(ix); }
static void *kind_retain(void *ix) { return hy_libindex_retain(ix); }
static void kind_release(void *ix) { hy_libindex_release(ix); }
static void kind_built(const void *copy, int64_t ms) {
    const hy_libindex *ix = copy;
    hy_info("library index: %zu published documents, %zu words, %zu KiB, built in %lld ms "
            "(library version %lld); texts %zu KiB, deflated from %zu KiB, %zu of them kept "
            "from the previous index (%zu KiB shared with it)",
            hy_libindex_docs(ix), hy_libindex_words(ix), hy_libindex_bytes(ix) / 1024,
            (long long)ms, (long long)hy_libindex_version(ix), hy_libindex_text_bytes(ix) / 1024,
            hy_libindex_text_plain(ix) / 1024, hy_libindex_text_reused(ix),
            hy_libindex_text_shared(ix) / 1024);
}

static const struct hy_vcache_kind KIND = {
    .load = kind_load,
    .version = kind_version,
    .retain = kind_retain,
    .release = kind_release,
    .built = kind_built,
    .what = "library index",
};

hy_libindex_cache *hy_libindex_cache_new(hy_db *db) {
    return (hy_libindex_cache *)hy_vcache_new(db, &KIND, NULL);
}

void hy_libindex_cache_refresh(hy_libindex_cache *c) { hy_vcache_refresh((hy_vcache *)c); }

hy_libindex *hy_libindex_cache_get(hy_libindex_cache *c, int64_t version, bool primary) {
    return hy_vcache_get((hy_vcache *)c, version, primary);
}

hy_libindex *hy_libindex_cache_current(hy_libindex_cache *c) {
    return hy_vcache_current((hy_vcache *)c);
}

void hy_libindex_cache_free(hy_libindex_cache *c) { hy_vcache_free((hy_vcache *)c); }

uint64_t hy_libindex_cache_builds(const hy_libindex_cache *c) {
    return hy_vcache_builds((const hy_vcache *)c);
}
