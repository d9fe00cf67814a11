#include "store/store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HY__DB_MAX_CONNS 256

struct hy__conn {
    pthread_t thread;
    hy_store *store;
};

struct hy_db {
    const struct hy_store_ops *ops;
    char *target; /* what the backend's connect() takes */
    pthread_mutex_t lock;
    struct hy__conn conns[HY__DB_MAX_CONNS];
    size_t nconns;
    atomic_uint_fast64_t retries;
};

/* The calling thread's connections, one slot per open hy_db (a thread rarely sees more than a
 * primary and a replica). */
#define HY__TLS_SLOTS 4
static _Thread_local struct {
    hy_db *db;
    hy_store *store;
} hy__tls[HY__TLS_SLOTS];

static char *hy__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
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
            *ret_err = hy__strdup("the database URL must be sqlite:PATH or postgres://...");
        return HY_DB_HARD;
    }
    hy_db *db = calloc(1, sizeof *db);
    if (!db) return HY_DB_HARD;
    db->ops = ops;
    db->target = hy__strdup(target);
    pthread_mutex_init(&db->lock, NULL);
    hy_store *probe = NULL;
    int r = ops->connect(db->target, &probe, ret_err);
    if (r < 0) {
        hy_db_close(db);
        return r;
    }
    /* Keep the probe connection as the opening thread's own. */
    db->conns[db->nconns++] = (struct hy__conn){pthread_self(), probe};
    for (int i = 0; i < HY__TLS_SLOTS; i++)
        if (!hy__tls[i].db) {
            hy__tls[i].db = db;
            hy__tls[i].store = probe;
            break;
        }
    *ret = db;
    return HY_DB_ONE;
}

hy_db *hy_db_close(hy_db *db) {
    if (!db) return NULL;
    for (size_t i = 0; i < db->nconns; i++) db->ops->disconnect(db->conns[i].store);
    for (int i = 0; i < HY__TLS_SLOTS; i++)
        if (hy__tls[i].db == db) hy__tls[i].db = NULL, hy__tls[i].store = NULL;
    pthread_mutex_destroy(&db->lock);
    free(db->target);
    free(db);
    return NULL;
}

const char *hy_db_backend(const hy_db *db) { return db->ops->name; }
const struct hy_store_ops *hy_db_ops(const hy_db *db) { return db->ops; }
uint64_t hy_db_retries(const hy_db *db) { return atomic_load(&((hy_db *)db)->retries); }

hy_store *hy_db_conn(hy_db *db) {
    int free_slot = -1;
    for (int i = 0; i < HY__TLS_SLOTS; i++) {
        if (hy__tls[i].db == db) return hy__tls[i].store;
        if (!hy__tls[i].db && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) return NULL;
    hy_store *s = NULL;
    char *err = NULL;
    if (db->ops->connect(db->target, &s, &err) < 0) {
        free(err);
        return NULL;
    }
    pthread_mutex_lock(&db->lock);
    if (db->nconns == HY__DB_MAX_CONNS) {
        pthread_mutex_unlock(&db->lock);
        db->ops->disconnect(s);
        return NULL;
    }
    db->conns[db->nconns++] = (struct hy__conn){pthread_self(), s};
    pthread_mutex_unlock(&db->lock);
    hy__tls[free_slot].db = db;
    hy__tls[free_slot].store = s;
    return s;
}

void hy_db_release(hy_db *db) {
    for (int i = 0; i < HY__TLS_SLOTS; i++) {
        if (hy__tls[i].db != db) continue;
        hy_store *s = hy__tls[i].store;
        hy__tls[i].db = NULL;
        hy__tls[i].store = NULL;
        pthread_mutex_lock(&db->lock);
        for (size_t k = 0; k < db->nconns; k++)
            if (db->conns[k].store == s) {
                db->conns[k] = db->conns[--db->nconns];
                break;
            }
        pthread_mutex_unlock(&db->lock);
        db->ops->disconnect(s);
        return;
    }
}

static void hy__backoff(int attempt) {
    /* 0.5 ms, 1 ms, 2 ms … capped at 50 ms, with jitter so racing writers spread out. */
    long us = 500L << (attempt < 7 ? attempt : 7);
    if (us > 50000) us = 50000;
    us = us / 2 + (long)((unsigned)rand() % (unsigned)(us / 2 + 1));
    struct timespec ts = {0, us * 1000L};
    nanosleep(&ts, NULL);
}

int hy_db_run(hy_db *db, enum hy_tx_mode mode, hy_tx_fn fn, void *ctx) {
    hy_store *s = hy_db_conn(db);
    if (!s) return HY_DB_HARD;
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
        atomic_fetch_add(&db->retries, 1);
        hy__backoff(attempt);
    }
}
