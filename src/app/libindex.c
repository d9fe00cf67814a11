/* libindex.c — the library index of one process (app/libindex.h): loading it from the store,
 * keeping the current one, and rebuilding it in a background thread. */
#include "app/libindex.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "store/faq.h"
#include "store/library.h"
#include "util/log.h"

#define PAGE_ROWS 1000

/* ---------------------------------------------------------------- loading */

struct load_ctx {
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

int hy_libindex_load(hy_db *db, const _Atomic bool *stop, hy_libindex **ret) {
    struct load_ctx c = {.stop = stop};
    int r = hy_db_run(db, HY_TX_READ, load_tx, &c);
    if (r < 0) {
        hy_libindex_release(c.ix);
        return r;
    }
    *ret = c.ix;
    return HY_DB_ONE;
}

/* ---------------------------------------------------------------- the process's cache */

#define RETRY_AFTER_FAILURE_US 5000000

struct hy_libindex_cache {
    hy_db *db;
    pthread_mutex_t mu;
    hy_libindex *cur; /* holds one reference */
    bool building, started;
    pthread_t th;
    int64_t failed_at; /* hy_db_clock_us() of the last failed build, 0 = none */
    _Atomic bool stop;
    _Atomic uint64_t builds;
};

hy_libindex_cache *hy_libindex_cache_new(hy_db *db) {
    hy_libindex_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->db = db;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return NULL;
    }
    atomic_init(&c->stop, false);
    atomic_init(&c->builds, 0);
    return c;
}

static void *build_main(void *arg) {
    hy_libindex_cache *c = arg;
    int64_t t0 = hy_db_clock_us();
    hy_libindex *ix = NULL;
    int r = hy_libindex_load(c->db, &c->stop, &ix);
    hy_db_release(c->db);
    int64_t ms = (hy_db_clock_us() - t0) / 1000;
    if (r == HY_DB_ONE)
        hy_info("library index: %zu published documents, %zu words, %zu KiB, built in %lld ms "
                "(library version %lld)",
                hy_libindex_docs(ix), hy_libindex_words(ix), hy_libindex_bytes(ix) / 1024,
                (long long)ms, (long long)hy_libindex_version(ix));
    else if (r != HY_DB_ABORT)
        hy_warn("library index: the build failed (store status %d); searches read the store", r);
    hy_libindex *old = NULL;
    pthread_mutex_lock(&c->mu);
    if (r == HY_DB_ONE) {
        old = c->cur;
        c->cur = ix;
        c->failed_at = 0;
        atomic_fetch_add(&c->builds, 1);
    } else if (r != HY_DB_ABORT) {
        c->failed_at = hy_db_clock_us();
    }
    c->building = false;
    pthread_mutex_unlock(&c->mu);
    hy_libindex_release(old);
    return NULL;
}

/* Starts a build unless one runs. Called with c->mu held. */
static void start_locked(hy_libindex_cache *c) {
    if (c->building || atomic_load(&c->stop)) return;
    if (c->failed_at && hy_db_clock_us() - c->failed_at < RETRY_AFTER_FAILURE_US) return;
    if (c->started) {
        pthread_join(c->th, NULL); /* finished: building is false */
        c->started = false;
    }
    c->building = true;
    if (pthread_create(&c->th, NULL, build_main, c) != 0) {
        c->building = false;
        c->failed_at = hy_db_clock_us();
        hy_warn("library index: cannot start a build thread");
        return;
    }
    c->started = true;
}

void hy_libindex_cache_refresh(hy_libindex_cache *c) {
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    start_locked(c);
    pthread_mutex_unlock(&c->mu);
}

hy_libindex *hy_libindex_cache_get(hy_libindex_cache *c, int64_t version, bool primary) {
    if (!c) return NULL;
    hy_libindex *ix = NULL;
    pthread_mutex_lock(&c->mu);
    if (c->cur && hy_libindex_version(c->cur) == version) {
        ix = hy_libindex_retain(c->cur);
    } else if (!c->cur || version > hy_libindex_version(c->cur) || primary) {
        start_locked(c);
    }
    pthread_mutex_unlock(&c->mu);
    return ix;
}

hy_libindex *hy_libindex_cache_current(hy_libindex_cache *c) {
    if (!c) return NULL;
    pthread_mutex_lock(&c->mu);
    hy_libindex *ix = hy_libindex_retain(c->cur);
    pthread_mutex_unlock(&c->mu);
    return ix;
}

void hy_libindex_cache_free(hy_libindex_cache *c) {
    if (!c) return;
    atomic_store(&c->stop, true);
    pthread_mutex_lock(&c->mu);
    bool started = c->started;
    c->started = false;
    pthread_mutex_unlock(&c->mu);
    if (started) pthread_join(c->th, NULL);
    hy_libindex_release(c->cur);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

uint64_t hy_libindex_cache_builds(const hy_libindex_cache *c) {
    return c ? atomic_load(&((hy_libindex_cache *)c)->builds) : 0;
}
