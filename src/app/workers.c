/* workers.c — the background work (outbox, nearby batch, daily purge) and the worker thread
 * of `serve` that does it; `hamyari purge` and `hamyari outbox` (cli/jobs.c) do the same work
 * by hand. */
#include "app/workers.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/auth.h"
#include "domain/geo.h"
#include "store/board.h"
#include "util/clock.h"
#include "util/log.h"

#define META_NEARBY "nearby_batch_at"
#define META_PURGE "purge_at"
#define PURGE_EVERY 86400

/* ---- the nearby batch ---- */

struct batch_ctx {
    unsigned minutes;
    bool force;
    int queued;
};

static int meta_time(hy_store *s, const char *key, int64_t *ret) {
    char *v = NULL;
    int r = s->ops->meta_get(s, key, &v);
    if (r < 0) return r;
    *ret = r == HY_DB_ONE && v ? strtoll(v, NULL, 10) : 0;
    free(v);
    return r;
}

static int meta_set_time(hy_store *s, const char *key, int64_t t) {
    char v[32];
    snprintf(v, sizeof v, "%" PRId64, t);
    return s->ops->meta_set(s, key, v);
}

static int batch_tx(hy_store *s, void *ctx) {
    struct batch_ctx *b = ctx;
    b->queued = 0;
    int64_t now = hy_clock_now(), last = 0;
    int r = meta_time(s, META_NEARBY, &last);
    if (r < 0) return r;
    int64_t every = (int64_t)b->minutes * 60;
    if (r == HY_DB_NONE) last = now - (every ? every : 86400); /* first run */
    if (!b->force && now - last < every) return HY_DB_NONE;
    if ((r = meta_set_time(s, META_NEARBY, now)) < 0) return r;
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    struct hy_request_filter f = {.statuses = ",open,", .opened_after = last, .limit = 5000};
    struct hy_request *reqs;
    int n = s->ops->requests->list(s, &f, a, &reqs);
    struct hy_request_volunteer *v = NULL;
    int nv = n > 0 ? s->ops->requests->volunteers(s, NULL, 100000, a, &v) : 0;
    if (n < 0 || nv < 0) {
        hy_arena_free(a);
        return n < 0 ? n : nv;
    }
    for (int i = 0; i < nv && r >= 0; i++) {
        if (!v[i].phone) continue;
        long count = 0;
        for (int k = 0; k < n; k++)
            if (reqs[k].has_area &&
                hy_geo_distance_m(v[i].lat, v[i].lon, reqs[k].lat, reqs[k].lon) <=
                    v[i].radius_km * 1000.0)
                count++;
        if (!count) continue;
        json_t *p = json_pack("{s:I}", "count", (json_int_t)count);
        char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
        json_decref(p);
        if (!payload) {
            r = HY_DB_HARD;
            break;
        }
        struct hy_outbox_message m = {.created_at = now, .recipient = v[i].phone,
                                      .channel = "sms", .language = v[i].language,
                                      .template_name = "nearby_requests", .payload = payload};
        r = s->ops->outbox_insert(s, &m);
        free(payload);
        if (r == HY_DB_ONE) b->queued++; /* not when the per-recipient cap dropped it */
    }
    hy_arena_free(a);
    return r < 0 ? r : HY_DB_ONE;
}

int hy_nearby_batch(hy_db *db, unsigned minutes, bool force, int *ret_queued) {
    struct batch_ctx b = {minutes, force, 0};
    int r = hy_db_run(db, HY_TX_WRITE, batch_tx, &b);
    *ret_queued = r >= 0 ? b.queued : 0;
    return r < 0 ? r : 0;
}

/* ---- the purge ---- */

struct purge_ctx {
    int64_t now, finished_before, idem_before, outbox_before;
    struct hy_purge_counts c;
};

static int purge_tx(hy_store *s, void *ctx) {
    struct purge_ctx *p = ctx;
    /* Rate-limit counters name network addresses: none outlives a day. */
    int r = s->ops->expired_purge(s, p->now, p->now - 86400);
    if (r >= 0) r = s->ops->reset_outbox_expire(s, p->now - HY_RESET_TTL, p->now);
    /* The board: expired posts are archived; relayed messages live as long as finished
     * requests' personal data. */
    if (r >= 0) r = s->ops->board->archive_expired(s, p->now);
    if (r >= 0) r = s->ops->board->msg_purge(s, p->finished_before);
    if (r < 0) return r;
    return s->ops->requests->purge(s, p->now, p->finished_before, p->idem_before,
                                   p->outbox_before, &p->c);
}

int hy_purge_run(hy_db *db, unsigned days, struct hy_purge_counts *ret) {
    int64_t now = hy_clock_now();
    struct purge_ctx p = {.now = now,
                          .finished_before = now - (int64_t)days * 86400,
                          .idem_before = now - 86400,
                          .outbox_before = now - (int64_t)days * 86400};
    int r = hy_db_run(db, HY_TX_WRITE, purge_tx, &p);
    if (r < 0) return r;
    hy_store *s = hy_db_conn(db);
    if (!s) return HY_DB_HARD;
    /* The checkpoint needs a moment without readers on SQLite: try a few times. */
    for (int i = 0; i < 20; i++) {
        r = s->ops->requests->compact(s);
        if (r != HY_DB_SOFT) break;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (ret) *ret = p.c;
    return r < 0 ? r : 0;
}

struct due_ctx {
    int64_t now;
    bool due;
};

static int purge_due_read(hy_store *s, void *ctx) {
    struct due_ctx *d = ctx;
    int64_t last = 0;
    int r = meta_time(s, META_PURGE, &last);
    if (r < 0) return r;
    d->due = d->now - last >= PURGE_EVERY;
    return HY_DB_ONE;
}

static int purge_due_take(hy_store *s, void *ctx) {
    struct due_ctx *d = ctx;
    int r = purge_due_read(s, ctx);
    if (r < 0 || !d->due) return r;
    return meta_set_time(s, META_PURGE, d->now);
}

/* ---- the thread ---- */

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running, stop;
    hy_db *db;
    struct hy_notify_config cfg;
} W = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void *worker_main(void *arg) {
    (void)arg;
    int64_t last_batch_check = 0;
    for (;;) {
        pthread_mutex_lock(&W.lock);
        bool stop = W.stop;
        pthread_mutex_unlock(&W.lock);
        if (stop) break;
        int sent = 0, failed = 0;
        if (hy_outbox_pass(W.db, &W.cfg, 50, &sent, &failed) < 0)
            hy_warn("outbox: the store is not available");
        if (sent) hy_info("outbox: %d message(s) delivered", sent);
        int64_t now = hy_clock_now();
        if (W.cfg.batch_minutes && now - last_batch_check >= 30) {
            last_batch_check = now;
            int queued = 0;
            if (hy_nearby_batch(W.db, W.cfg.batch_minutes, false, &queued) == 0 && queued)
                hy_info("outbox: new-requests notices queued for %d volunteer(s)", queued);
        }
        struct due_ctx d = {.now = now};
        if (hy_db_run(W.db, HY_TX_READ, purge_due_read, &d) >= 0 && d.due &&
            hy_db_run(W.db, HY_TX_WRITE, purge_due_take, &d) >= 0 && d.due) {
            struct hy_purge_counts c = {0};
            if (hy_purge_run(W.db, W.cfg.retention_days, &c) < 0)
                hy_warn("purge: failed; will try again");
            else
                hy_info("purge: erased the personal data of %" PRId64 " request(s); removed %" PRId64
                        " outbox message(s) and %" PRId64 " idempotency key(s)",
                        c.requests, c.outbox, c.idempotency);
        }
        if (sent + failed >= 50) continue; /* more may be due */
        pthread_mutex_lock(&W.lock);
        if (!W.stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += W.cfg.interval;
            pthread_cond_timedwait(&W.wake, &W.lock, &ts);
        }
        pthread_mutex_unlock(&W.lock);
    }
    hy_db_release(W.db);
    return NULL;
}

int hy_workers_start(hy_db *db, const struct hy_notify_config *c) {
    if (W.running) return -1;
    W.db = db;
    W.cfg = *c;
    W.stop = false;
    if (pthread_create(&W.thread, NULL, worker_main, NULL) != 0) return -1;
    W.running = true;
    return 0;
}

void hy_workers_stop(void) {
    if (!W.running) return;
    pthread_mutex_lock(&W.lock);
    W.stop = true;
    pthread_cond_broadcast(&W.wake);
    pthread_mutex_unlock(&W.lock);
    pthread_join(W.thread, NULL);
    W.running = false;
}
