#include "store/store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "store/rate.h"

#define DB_MAX_CONNS 256

struct conn {
    pthread_t thread;
    hy_store *store;
};

struct hy_db {
    const struct hy_store_ops *ops;
    char *target;    /* what the backend's connect() takes */
    uint64_t gen;    /* never 0, never reused within the process: names this db in TLS slots */
    hy_db *next;     /* the list of open dbs (open_dbs) */
    bool registered; /* on that list */
    pthread_mutex_t lock;
    struct conn conns[DB_MAX_CONNS];
    size_t nconns;
    atomic_uint_fast64_t retries;
    hy_db *fallback;                /* a replica's primary (hy_db_set_fallback), or NULL */
    struct store_batcher *batcher;    /* the group-commit writer (hy_db_batch_start), or NULL;
                                     * kept until hy_db_close() once started */
    atomic_uint_fast64_t batch_jobs, batches;
    atomic_int_fast64_t failed_at;  /* hy_db_clock_us() of the last read that failed here */
    atomic_uint_fast64_t reads, fallbacks;
    atomic_uint outbox_per_hour; /* copied into each connection when it is handed out */
    atomic_uint_fast64_t round_trips; /* of connections closed since (hy_db_round_trips) */
};

/* Every open hy_db, so that a thread can tell which of its TLS slots belong to dbs closed since
 * (their connections were freed by hy_db_close) and reuse them. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static hy_db *open_dbs;
static atomic_uint_fast64_t next_gen = 1;

/* The calling thread's connections, one slot per db it uses (a thread rarely sees more than a
 * primary and a replica). A slot belongs to the db whose generation it holds: a slot left over
 * from a closed db never matches a later db, even one allocated at the same address. */
#define TLS_SLOTS 12
static _Thread_local struct {
    uint64_t gen; /* 0 = free */
    hy_store *store;
} tls[TLS_SLOTS];

static char *dup_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

static bool gen_open_locked(uint64_t gen) {
    for (hy_db *d = open_dbs; d; d = d->next)
        if (d->gen == gen) return true;
    return false;
}

/* A TLS slot for a new connection of the calling thread: a free one, else one whose db has
 * been closed. -1 when every slot serves an open db. */
static int tls_free_slot(void) {
    for (int i = 0; i < TLS_SLOTS; i++)
        if (!tls[i].gen) return i;
    int slot = -1;
    pthread_mutex_lock(&open_lock);
    for (int i = 0; i < TLS_SLOTS; i++)
        if (!gen_open_locked(tls[i].gen)) {
            tls[i].gen = 0; /* stale: its store was freed by hy_db_close */
            tls[i].store = NULL;
            if (slot < 0) slot = i;
        }
    pthread_mutex_unlock(&open_lock);
    return slot;
}

int hy_db_open(const char *url, hy_db **ret, char **ret_err) {
    const struct hy_store_ops *ops = NULL;
    const char *target = NULL;
    if (!url) url = "";
    if (strncmp(url, "sqlite:", 7) == 0) {
        ops = &hy_store_sqlite_ops;
        target = url + 7;
    } else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        ops = &hy_store_pg_ops;
        target = url;
    }
    if (!ops || !*target) {
        if (ret_err)
            *ret_err = dup_text("the database URL must be sqlite:PATH or postgres://...");
        return HY_DB_HARD;
    }
    /* A backend built for an older contract leaves the newer functions NULL. */
    if (ops->abi < HY_STORE_ABI) {
        if (ret_err) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "the %s store implements store ABI %u, but this build needs ABI %u: "
                     "that backend is not complete yet",
                     ops->name ? ops->name : "?", ops->abi, (unsigned)HY_STORE_ABI);
            *ret_err = dup_text(msg);
        }
        return HY_DB_HARD;
    }
    hy_db *db = calloc(1, sizeof *db);
    if (!db) {
        if (ret_err) *ret_err = dup_text("cannot open the store: out of memory");
        return HY_DB_HARD;
    }
    db->ops = ops;
    db->gen = atomic_fetch_add(&next_gen, 1);
    atomic_init(&db->outbox_per_hour, HY_OUTBOX_PER_HOUR_DEFAULT);
    db->target = dup_text(target);
    if (!db->target || pthread_mutex_init(&db->lock, NULL) != 0) {
        if (ret_err) *ret_err = dup_text("cannot open the store: out of memory");
        free(db->target);
        free(db);
        return HY_DB_HARD;
    }
    hy_store *probe = NULL;
    int r = ops->connect(db->target, &probe, ret_err);
    if (r < 0) {
        hy_db_close(db);
        return r;
    }
    /* Keep the probe connection as the opening thread's own. */
    db->conns[db->nconns++] = (struct conn){pthread_self(), probe};
    pthread_mutex_lock(&open_lock);
    db->next = open_dbs;
    open_dbs = db;
    db->registered = true;
    pthread_mutex_unlock(&open_lock);
    int slot = tls_free_slot();
    if (slot >= 0) {
        tls[slot].gen = db->gen;
        tls[slot].store = probe;
    }
    *ret = db;
    return HY_DB_ONE;
}

static void batcher_free(hy_db *db);

hy_db *hy_db_close(hy_db *db) {
    if (!db) return NULL;
    batcher_free(db);
    if (db->registered) {
        pthread_mutex_lock(&open_lock);
        for (hy_db **p = &open_dbs; *p; p = &(*p)->next)
            if (*p == db) {
                *p = db->next;
                break;
            }
        pthread_mutex_unlock(&open_lock);
    }
    /* Other threads' slots for this db are recognised as stale by their generation. */
    for (int i = 0; i < TLS_SLOTS; i++)
        if (tls[i].gen == db->gen) tls[i].gen = 0, tls[i].store = NULL;
    for (size_t i = 0; i < db->nconns; i++)
        db->ops->disconnect(db->conns[i].store);
    pthread_mutex_destroy(&db->lock);
    free(db->target);
    free(db);
    return NULL;
}

const char *hy_db_backend(const hy_db *db) { return db->ops->name; }
const struct hy_store_ops *hy_db_ops(const hy_db *db) { return db->ops; }
uint64_t hy_db_retries(const hy_db *db) { return atomic_load(&((hy_db *)db)->retries); }

uint64_t hy_db_round_trips(hy_db *db) {
    pthread_mutex_lock(&db->lock);
    uint64_t n = atomic_load(&db->round_trips);
    for (size_t i = 0; i < db->nconns; i++) n += atomic_load(&db->conns[i].store->round_trips);
    pthread_mutex_unlock(&db->lock);
    return n;
}

void hy_db_set_fallback(hy_db *db, hy_db *fallback) { db->fallback = fallback; }
int64_t hy_db_failed_at(const hy_db *db) { return atomic_load(&((hy_db *)db)->failed_at); }
uint64_t hy_db_reads(const hy_db *db) { return atomic_load(&((hy_db *)db)->reads); }
uint64_t hy_db_fallbacks(const hy_db *db) { return atomic_load(&((hy_db *)db)->fallbacks); }

void hy_db_set_outbox_cap(hy_db *db, unsigned per_hour) {
    atomic_store(&db->outbox_per_hour, per_hour);
}

hy_store *hy_db_conn(hy_db *db) {
    for (int i = 0; i < TLS_SLOTS; i++)
        if (tls[i].gen == db->gen) {
            /* Only this thread uses its connection: the setting is copied without a race. */
            tls[i].store->outbox_per_hour = atomic_load(&db->outbox_per_hour);
            return tls[i].store;
        }
    int slot = tls_free_slot();
    if (slot < 0) return NULL;
    hy_store *s = NULL;
    char *err = NULL;
    if (db->ops->connect(db->target, &s, &err) < 0) {
        free(err);
        return NULL;
    }
    pthread_mutex_lock(&db->lock);
    if (db->nconns == DB_MAX_CONNS) {
        pthread_mutex_unlock(&db->lock);
        db->ops->disconnect(s);
        return NULL;
    }
    db->conns[db->nconns++] = (struct conn){pthread_self(), s};
    pthread_mutex_unlock(&db->lock);
    tls[slot].gen = db->gen;
    tls[slot].store = s;
    s->outbox_per_hour = atomic_load(&db->outbox_per_hour);
    return s;
}

void hy_db_release(hy_db *db) {
    for (int i = 0; i < TLS_SLOTS; i++) {
        if (tls[i].gen != db->gen) continue;
        hy_store *s = tls[i].store;
        tls[i].gen = 0;
        tls[i].store = NULL;
        pthread_mutex_lock(&db->lock);
        for (size_t k = 0; k < db->nconns; k++)
            if (db->conns[k].store == s) {
                db->conns[k] = db->conns[--db->nconns];
                break;
            }
        pthread_mutex_unlock(&db->lock);
        atomic_fetch_add(&db->round_trips, atomic_load(&s->round_trips));
        db->ops->disconnect(s);
        return;
    }
}

int hy_db_change_stamp(hy_db *db, unsigned char ret[HY_CHANGE_STAMP_SIZE]) {
    if (!db->ops->change_stamp) return HY_DB_NONE;
    hy_store *s = hy_db_conn(db);
    return s ? db->ops->change_stamp(s, ret) : HY_DB_NONE;
}

/* ---- the transaction runner ---- */

/* A per-thread xorshift64* generator for the backoff jitter: rand() shares one state between
 * threads (a lock, and racing writers drawing the same pauses). Seeded from getrandom(), or
 * failing that from the clock, the process id and the address of the thread's state. */
static _Thread_local uint64_t rng;

static uint64_t store_random(void) {
    if (!rng) {
        uint64_t seed = 0;
        if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            seed = ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 40) ^
                   (uint64_t)(uintptr_t)&rng;
        }
        rng = seed ? seed : 0x9e3779b97f4a7c15u;
    }
    uint64_t x = rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng = x;
    return x * 0x2545f4914f6cdd1du;
}

/* The pause before retry number attempt + 1, in microseconds: 0.5 ms, 1 ms, 2 ms … capped at
 * 250 ms, drawn from [half, whole] so that racing writers spread out. */
static long backoff_us(int attempt) {
    long us = 500L << (attempt < 9 ? attempt : 9);
    if (us > 250000) us = 250000;
    return us / 2 + (long)(store_random() % (uint64_t)(us / 2 + 1));
}

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t hy_db_clock_us(void) { return now_us(); }

static int store_run(hy_db *db, enum hy_tx_mode mode, hy_tx_fn fn, void *ctx);

int hy_db_run(hy_db *db, enum hy_tx_mode mode, hy_tx_fn fn, void *ctx) {
    if (!db->fallback) return store_run(db, mode, fn, ctx);
    /* A replica: writes belong to the primary; a failed read is tried there once more. */
    if (mode != HY_TX_READ && mode != HY_TX_SINGLE) return hy_db_run(db->fallback, mode, fn, ctx);
    int r = store_run(db, mode, fn, ctx);
    if (r >= 0 || r == HY_DB_ABORT) {
        atomic_fetch_add(&db->reads, 1);
        return r;
    }
    atomic_store(&db->failed_at, now_us());
    atomic_fetch_add(&db->fallbacks, 1);
    return hy_db_run(db->fallback, mode, fn, ctx);
}

static int store_run(hy_db *db, enum hy_tx_mode mode, hy_tx_fn fn, void *ctx) {
    hy_store *s = hy_db_conn(db);
    if (!s) return HY_DB_HARD;
    int64_t deadline = now_us() + (int64_t)HY_TX_RETRY_MS * 1000;
    for (int attempt = 0;; attempt++) {
        int r = s->ops->begin(s, mode);
        if (r >= 0) {
            r = fn(s, ctx);
            if (r >= 0) {
                int c = s->ops->commit(s);
                if (c >= 0) return r;
                r = c;
            }
            if (s->ops->in_transaction(s)) s->ops->rollback(s);
        }
        if (r != HY_DB_SOFT || attempt + 1 >= HY_TX_RETRIES) return r;
        long us = backoff_us(attempt);
        /* No attempt starts after the budget: the caller answers "busy, try again" instead. */
        if (now_us() + us > deadline) return r;
        atomic_fetch_add(&db->retries, 1);
        struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
        nanosleep(&ts, NULL);
    }
}

/* ---- group commit (hy_db_run_batched) ---- */

struct store_job {
    hy_tx_fn fn;
    void *ctx;
    hy_batch_done_fn done;
    struct hy_batch_hit *hit; /* or NULL */
    const char *order;        /* or NULL (hy_db_run_batched_in_order) */
    int status;
    struct store_job *next;
};

struct store_batcher {
    hy_db *db;
    unsigned max_jobs;
    pthread_t threads[HY_BATCH_WRITERS_MAX];
    unsigned nthreads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct store_job *head, *tail; /* the queue, oldest first */
    bool stopping; /* no more jobs are taken in */
    bool running;  /* the thread has not been joined */
};

/* After a batch's transaction failed with r: whether to run it again — a passing conflict
 * (HY_DB_SOFT) within the retry budget, after the back-off pause (counted as a retry). */
static bool batch_again(hy_db *db, int r, int *attempt, int64_t deadline) {
    if (r != HY_DB_SOFT || ++*attempt >= HY_TX_RETRIES) return false;
    long us = backoff_us(*attempt - 1);
    if (now_us() + us > deadline) return false;
    atomic_fetch_add(&db->retries, 1);
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
    return true;
}

/* Runs one batch (a list of at most max_jobs jobs) to its end: every job gets its status.
 *
 * A job that fails must undo only its own work, which a savepoint around each job gives; but a
 * savepoint costs a round trip or two per job (SAVEPOINT, RELEASE) and, on PostgreSQL, a
 * subtransaction with an id of its own. Jobs rarely fail, so a batch runs first without them;
 * if a job fails, that transaction is rolled back (nothing of it was answered) and the batch
 * runs again from the start with a savepoint around each job. At most one such extra run per
 * batch, and it does not count against the retry budget. */
static void batch_run(hy_db *db, hy_store *s, struct store_job *batch) {
    int r = HY_DB_HARD;
    if (!s) goto fail;
    bool savepoints = false;
    int64_t deadline = now_us() + (int64_t)HY_TX_RETRY_MS * 1000;
    for (int attempt = 0;;) {
        bool failed = false; /* a job failed in a run without savepoints */
        r = s->ops->begin(s, HY_TX_INSERT);
        /* The run without savepoints sends its writes ahead where the backend can (a round
         * trip saved per write); which job's write failed is found by the run with them. */
        bool deferred = !savepoints && r >= 0 && s->ops->defer_writes &&
                        s->ops->defer_writes(s) >= 0;
        for (struct store_job *j = batch; r >= 0 && j; j = j->next) {
            if (savepoints && (r = s->ops->savepoint(s)) < 0) break;
            int jr = j->fn(s, j->ctx);
            if (jr == HY_DB_SOFT) {
                r = jr; /* a conflict: the whole transaction goes again */
                break;
            }
            if (jr < 0 && !savepoints) {
                failed = true;
                break;
            }
            if (jr >= 0) {
                if (savepoints) r = s->ops->savepoint_release(s);
            } else {
                r = s->ops->savepoint_rollback(s);
                /* No savepoint to go back to (SQLite rolled everything back, e.g. disk full):
                 * the batch fails with what the job met. */
                if (r < 0 && jr != HY_DB_ABORT) r = jr;
            }
            j->status = jr;
        }
        if (deferred && !failed && r >= 0) {
            int fr = s->ops->flush_writes(s);
            if (fr == HY_DB_SOFT) r = fr; /* a conflict: the whole transaction goes again */
            else if (fr < 0) failed = true;
        }
        if (failed) {
            if (s->ops->in_transaction(s)) s->ops->rollback(s);
            savepoints = true;
            continue;
        }
        if (r >= 0) {
            r = s->ops->commit(s);
            if (r >= 0) return; /* every job keeps the status its fn gave */
        }
        if (s->ops->in_transaction(s)) s->ops->rollback(s);
        if (!batch_again(db, r, &attempt, deadline)) break;
    }
fail:
    for (struct store_job *j = batch; j; j = j->next) j->status = r;
}

/* Orders hits by key and window, then queue order (the jobs' place in the batch). */
struct hit_ref {
    struct hy_batch_hit *hit;
    size_t pos;
};

static int hit_cmp(const void *a, const void *b) {
    const struct hit_ref *x = a, *y = b;
    int c = strcmp(x->hit->key, y->hit->key);
    if (c) return c;
    if (x->hit->window != y->hit->window) return x->hit->window < y->hit->window ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Counts the hits of a batch's jobs (struct hy_batch_hit) in one short transaction of their
 * own: one statement per key (keys in order, so concurrent writers lock counters in one
 * order), each job's hit taking its place in queue order. HY_DB_ONE, or the status that every
 * job of the batch then gets. */
static int batch_hits(hy_db *db, hy_store *s, struct store_job *batch) {
    size_t n = 0;
    for (struct store_job *j = batch; j; j = j->next) n += j->hit != NULL;
    if (n == 0) return HY_DB_ONE;
    if (!s) return HY_DB_HARD;
    struct hit_ref *refs = malloc(n * sizeof *refs);
    if (!refs) return HY_DB_HARD;
    size_t k = 0, pos = 0;
    for (struct store_job *j = batch; j; j = j->next, pos++)
        if (j->hit) refs[k++] = (struct hit_ref){j->hit, pos};
    qsort(refs, n, sizeof *refs, hit_cmp);
    int r = HY_DB_HARD;
    int64_t deadline = now_us() + (int64_t)HY_TX_RETRY_MS * 1000;
    for (int attempt = 0;;) {
        r = s->ops->begin(s, HY_TX_INSERT);
        for (size_t i = 0; r >= 0 && i < n;) {
            size_t e = i + 1;
            while (e < n && !strcmp(refs[e].hit->key, refs[i].hit->key) &&
                   refs[e].hit->window == refs[i].hit->window)
                e++;
            int64_t count = 0;
            r = hy_rate_hits(s, refs[i].hit->key, (unsigned)(e - i), refs[i].hit->window, &count);
            /* The window's count after these hits: the k-th of them counted count - (e - i) + k. */
            for (size_t m = i; r >= 0 && m < e; m++)
                refs[m].hit->over = count - (int64_t)(e - m) + 1 > (int64_t)refs[m].hit->limit;
            i = e;
        }
        if (r >= 0) r = s->ops->commit(s);
        if (r >= 0) break;
        if (s->ops->in_transaction(s)) s->ops->rollback(s);
        if (!batch_again(db, r, &attempt, deadline)) break;
    }
    free(refs);
    return r >= 0 ? HY_DB_ONE : r;
}

/* Puts the jobs with an order name after the others, in the names' order (stable: merge
 * sort of the list). */
static bool job_before(const struct store_job *a, const struct store_job *b) {
    if (!a->order) return true; /* ties keep the left one first: a stable sort */
    if (!b->order) return false;
    return strcmp(a->order, b->order) <= 0;
}

static struct store_job *jobs_sorted(struct store_job *list) {
    if (!list || !list->next) return list;
    struct store_job *slow = list, *fast = list->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct store_job *right = slow->next;
    slow->next = NULL;
    struct store_job *a = jobs_sorted(list), *b = jobs_sorted(right), head = {0}, *t = &head;
    while (a && b) {
        if (job_before(a, b)) {
            t->next = a;
            a = a->next;
        } else {
            t->next = b;
            b = b->next;
        }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static void *batch_main(void *arg) {
    struct store_batcher *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        while (!b->head && !b->stopping) pthread_cond_wait(&b->wake, &b->lock);
        if (!b->head) { /* stopping, and nothing left */
            pthread_mutex_unlock(&b->lock);
            break;
        }
        struct store_job *batch = b->head, *last = batch;
        for (unsigned n = 1; n < b->max_jobs && last->next; n++) last = last->next;
        b->head = last->next;
        if (!b->head) b->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&b->lock);

        bool ordered = false;
        for (struct store_job *j = batch; j && !ordered; j = j->next) ordered = j->order != NULL;
        if (ordered) batch = jobs_sorted(batch);
        hy_store *s = hy_db_conn(b->db);
        int hr = batch_hits(b->db, s, batch);
        if (hr >= 0) {
            batch_run(b->db, s, batch);
        } else {
            for (struct store_job *j = batch; j; j = j->next) j->status = hr;
        }
        uint64_t n = 0;
        for (struct store_job *j = batch; j; j = j->next) n++;
        atomic_fetch_add(&b->db->batch_jobs, n);
        atomic_fetch_add(&b->db->batches, 1);
        while (batch) {
            struct store_job *next = batch->next;
            batch->done(batch->ctx, batch->status); /* ctx may be gone after this */
            free(batch);
            batch = next;
        }
    }
    hy_db_release(b->db);
    return NULL;
}

int hy_db_batch_start(hy_db *db, unsigned max_jobs, unsigned writers) {
    if (db->fallback) return hy_db_batch_start(db->fallback, max_jobs, writers);
    if (writers == 0) writers = 1;
    if (writers > HY_BATCH_WRITERS_MAX) writers = HY_BATCH_WRITERS_MAX;
    if (db->batcher) return 0;
    struct store_batcher *b = calloc(1, sizeof *b);
    if (!b) return -12; /* ENOMEM */
    b->db = db;
    b->max_jobs = max_jobs ? max_jobs : HY_BATCH_MAX;
    if (pthread_mutex_init(&b->lock, NULL) != 0) {
        free(b);
        return -12;
    }
    if (pthread_cond_init(&b->wake, NULL) != 0) {
        pthread_mutex_destroy(&b->lock);
        free(b);
        return -12;
    }
    int e = 0;
    for (unsigned i = 0; i < writers && !e; i++) {
        e = pthread_create(&b->threads[i], NULL, batch_main, b);
        if (!e) b->nthreads++;
    }
    if (e != 0 && b->nthreads == 0) {
        pthread_cond_destroy(&b->wake);
        pthread_mutex_destroy(&b->lock);
        free(b);
        return -e;
    }
    b->running = true; /* with fewer writers than asked if a thread could not start */
    db->batcher = b;
    return 0;
}

int hy_db_run_batched(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done) {
    return hy_db_run_batched_hit(db, fn, ctx, done, NULL);
}

static int run_batched(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done,
                       struct hy_batch_hit *hit, const char *order);

int hy_db_run_batched_hit(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done,
                          struct hy_batch_hit *hit) {
    return run_batched(db, fn, ctx, done, hit, NULL);
}

int hy_db_run_batched_in_order(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done,
                               const char *order) {
    return run_batched(db, fn, ctx, done, NULL, order);
}

static int run_batched(hy_db *db, hy_tx_fn fn, void *ctx, hy_batch_done_fn done,
                       struct hy_batch_hit *hit, const char *order) {
    if (db->fallback) return run_batched(db->fallback, fn, ctx, done, hit, order);
    struct store_batcher *b = db->batcher;
    if (!b || !fn || !done) return HY_DB_HARD;
    struct store_job *j = malloc(sizeof *j);
    if (!j) return HY_DB_HARD;
    if (hit) hit->over = false;
    *j = (struct store_job){fn, ctx, done, hit, order, HY_DB_HARD, NULL};
    pthread_mutex_lock(&b->lock);
    if (b->stopping) {
        pthread_mutex_unlock(&b->lock);
        free(j);
        return HY_DB_HARD;
    }
    if (b->tail) b->tail->next = j;
    else b->head = j;
    b->tail = j;
    pthread_cond_signal(&b->wake);
    pthread_mutex_unlock(&b->lock);
    return HY_DB_ONE;
}

void hy_db_batch_stop(hy_db *db) {
    struct store_batcher *b = db ? db->batcher : NULL;
    if (!b || !b->running) return;
    pthread_mutex_lock(&b->lock);
    b->stopping = true;
    pthread_cond_broadcast(&b->wake);
    pthread_mutex_unlock(&b->lock);
    for (unsigned i = 0; i < b->nthreads; i++) pthread_join(b->threads[i], NULL);
    /* The struct stays (a late hy_db_run_batched() finds it stopping) until hy_db_close(). */
    b->running = false;
}

static void batcher_free(hy_db *db) {
    struct store_batcher *b = db->batcher;
    if (!b) return;
    hy_db_batch_stop(db);
    pthread_cond_destroy(&b->wake);
    pthread_mutex_destroy(&b->lock);
    free(b);
    db->batcher = NULL;
}

void hy_db_batch_stats(const hy_db *db, uint64_t *ret_jobs, uint64_t *ret_batches) {
    if (db->fallback) {
        hy_db_batch_stats(db->fallback, ret_jobs, ret_batches);
        return;
    }
    *ret_jobs = atomic_load(&((hy_db *)db)->batch_jobs);
    *ret_batches = atomic_load(&((hy_db *)db)->batches);
}
