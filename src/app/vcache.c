/* vcache.c — a copy built from the store, kept per version, rebuilt in a background thread
 * (app/vcache.h). */
#include "app/vcache.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util/allocator.h"
#include "util/log.h"

#define RETRY_AFTER_FAILURE_US 5000000

struct hy_vcache {
    hy_db *db;
    const struct hy_vcache_kind *kind;
    void *arg;
    pthread_mutex_t mu;
    void *cur; /* holds one reference */
    bool building, started;
    pthread_t th;
    int64_t failed_at; /* hy_db_clock_us() of the last failed build, 0 = none */
    int64_t wanted;    /* the newest version a caller asked for */
    _Atomic bool stop;
    _Atomic uint64_t builds;
};

hy_vcache *hy_vcache_new(hy_db *db, const struct hy_vcache_kind *kind, void *arg) {
    hy_vcache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->db = db;
    c->kind = kind;
    c->arg = arg;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return NULL;
    }
    atomic_init(&c->stop, false);
    atomic_init(&c->builds, 0);
    return c;
}

/* One build at a time in the process: a build holds its rows, its builder's arrays and its
 * connection's page cache until it finishes (the library index's ~50 MB over 100,000 documents,
 * the groups index's more over 1,000,000 groups), and the caches all start building when the
 * server starts. A build waits its turn (the store answers meanwhile), giving up when its cache
 * is being freed. */
static pthread_mutex_t turn_mu = PTHREAD_MUTEX_INITIALIZER;
#define TURN_POLL_NS 20000000L

static bool take_turn(hy_vcache *c) {
    while (pthread_mutex_trylock(&turn_mu) != 0) {
        if (atomic_load(&c->stop)) return false;
        struct timespec ts = {0, TURN_POLL_NS};
        nanosleep(&ts, NULL);
    }
    return true;
}

/* One build: HY_DB_ONE when it swapped in a new copy. */
static int build_once(hy_vcache *c) {
    int64_t t0 = hy_db_clock_us();
    void *copy = NULL;
    void *prev = hy_vcache_current(c);
    int r = c->kind->load(c->db, c->arg, prev, &c->stop, &copy);
    if (prev) c->kind->release(prev);
    hy_db_release(c->db);
    if (r == HY_DB_ONE)
        c->kind->built(copy, (hy_db_clock_us() - t0) / 1000);
    else if (r != HY_DB_ABORT)
        hy_warn("%s: the build failed (store status %d); requests read the store", c->kind->what,
                r);
    void *old = NULL;
    pthread_mutex_lock(&c->mu);
    if (r == HY_DB_ONE) {
        old = c->cur;
        c->cur = copy;
        c->failed_at = 0;
        atomic_fetch_add(&c->builds, 1);
    } else if (r != HY_DB_ABORT) {
        c->failed_at = hy_db_clock_us();
    }
    pthread_mutex_unlock(&c->mu);
    if (old) c->kind->release(old);
    return r;
}

/* What a build grew and read was freed into its thread's malloc arena, which glibc keeps
 * (~40 MB over 100,000 documents) until the next build: give it back. One trim at a time: two
 * caches build at once when the server starts. Under AddressSanitizer malloc is not glibc's, and
 * glibc's malloc_trim() would then set up glibc's arenas from a build thread, which two threads
 * doing at once corrupts (an abort when the second exits). */
static void give_back_memory(void) {
#ifndef HY_OWN_ALLOCATOR
    static pthread_mutex_t trim_mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&trim_mu);
    malloc_trim(0);
    pthread_mutex_unlock(&trim_mu);
#endif
}

/* Builds until the copy is at least at the newest version a caller asked for meanwhile: a
 * change committed while a build read the store is caught up without waiting for the next
 * miss. */
static void *build_main(void *arg) {
    hy_vcache *c = arg;
    for (;;) {
        if (!take_turn(c)) { /* being freed */
            pthread_mutex_lock(&c->mu);
            c->building = false;
            pthread_mutex_unlock(&c->mu);
            return NULL;
        }
        int r = build_once(c);
        pthread_mutex_lock(&c->mu);
        bool again = r == HY_DB_ONE && !atomic_load(&c->stop) &&
                     c->wanted > c->kind->version(c->cur);
        c->wanted = 0; /* asked once: a version that went back (a restore) is not chased */
        if (!again) c->building = false;
        pthread_mutex_unlock(&c->mu);
        give_back_memory();
        pthread_mutex_unlock(&turn_mu);
        if (!again) return NULL;
    }
}

/* Starts a build unless one runs. Called with c->mu held. */
static void start_locked(hy_vcache *c) {
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
        hy_warn("%s: cannot start a build thread", c->kind->what);
        return;
    }
    c->started = true;
}

void hy_vcache_refresh(hy_vcache *c) {
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    start_locked(c);
    pthread_mutex_unlock(&c->mu);
}

void *hy_vcache_get(hy_vcache *c, int64_t version, bool primary) {
    if (!c) return NULL;
    void *copy = NULL;
    pthread_mutex_lock(&c->mu);
    int64_t have = c->cur ? c->kind->version(c->cur) : 0;
    if (c->cur && have == version) {
        copy = c->kind->retain(c->cur);
    } else if (!c->cur || version > have || primary) {
        if (version > c->wanted) c->wanted = version;
        start_locked(c);
    }
    pthread_mutex_unlock(&c->mu);
    return copy;
}

void *hy_vcache_current(hy_vcache *c) {
    if (!c) return NULL;
    pthread_mutex_lock(&c->mu);
    void *copy = c->cur ? c->kind->retain(c->cur) : NULL;
    pthread_mutex_unlock(&c->mu);
    return copy;
}

void hy_vcache_free(hy_vcache *c) {
    if (!c) return;
    atomic_store(&c->stop, true);
    pthread_mutex_lock(&c->mu);
    bool started = c->started;
    c->started = false;
    pthread_mutex_unlock(&c->mu);
    if (started) pthread_join(c->th, NULL);
    if (c->cur) c->kind->release(c->cur);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

uint64_t hy_vcache_builds(const hy_vcache *c) {
    return c ? atomic_load(&((hy_vcache *)c)->builds) : 0;
}
