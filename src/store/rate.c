/* rate.c — rate limits counted in the store (rate.h). */
#include "store/rate.h"

#include "store/engine.h"
#include "store/rows.h"
#include "util/clock.h"

int hy_rate_hit(hy_store *s, const char *key, unsigned limit, unsigned window, bool *ret_over) {
    int64_t count = 0;
    int r = s->ops->rate_hit(s, key, hy_clock_now(), window, &count);
    if (r < 0) return r;
    *ret_over = count > (int64_t)limit;
    return HY_DB_ONE;
}

int hy_rate_hits(hy_store *s, const char *key, unsigned n, unsigned window, int64_t *ret_count) {
    int r = hy_st_i64(s, HY_Q_RATE_HITS,
                      HY_ARGS(hy_arg_text(key), hy_arg_i64(hy_clock_now()), hy_arg_i64(window),
                              hy_arg_i64(n)),
                      ret_count);
    return r == HY_DB_NONE ? HY_DB_HARD : r;
}

struct hit {
    const char *key;
    unsigned limit, window;
    bool over;
};

static int hit_tx(hy_store *s, void *ctx) {
    struct hit *h = ctx;
    return hy_rate_hit(s, h->key, h->limit, h->window, &h->over);
}

int hy_rate_count(hy_db *db, const char *key, unsigned limit, unsigned window, bool *ret_over) {
    struct hit h = {key, limit, window, false};
    int r = hy_db_run(db, HY_TX_ATOMIC, hit_tx, &h);
    if (r < 0) return r;
    *ret_over = h.over;
    return HY_DB_ONE;
}

/* ---- growing delays ---- */

/* The wait after the n-th failure. */
static int64_t delay_after(int64_t n, const struct hy_delay_rule *rule) {
    if (n < (int64_t)rule->free) return 0;
    int64_t k = n - (int64_t)rule->free;
    if (k >= 31) return rule->max;
    int64_t d = (int64_t)1 << k;
    return d < (int64_t)rule->max ? d : (int64_t)rule->max;
}

struct delay {
    const char *key;
    const struct hy_delay_rule *rule;
    int64_t now;
    unsigned wait;
};

static int delay_tx(hy_store *s, void *ctx) {
    struct delay *d = ctx;
    struct hy_row_i64x2 row;
    int r = hy_st_one(s, HY_Q_DELAY_LOCK, HY_ARGS(hy_arg_text(d->key)), &hy_row_i64x2, NULL, &row);
    if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    int64_t not_before = row.v[0], failures = row.v[1];
    if (d->now < not_before) {
        int64_t w = not_before - d->now;
        d->wait = w > UINT32_MAX ? UINT32_MAX : (unsigned)w;
        return HY_DB_ONE;
    }
    d->wait = 0;
    /* Failures long past are forgotten; the row's time is the last allowed attempt's at most
     * `max` seconds later. */
    if (failures > 0 && d->now - not_before >= (int64_t)d->rule->forget) failures = 0;
    failures++;
    r = hy_st_exec(s, HY_Q_DELAY_SET,
                   HY_ARGS(hy_arg_text(d->key), hy_arg_i64(d->now + delay_after(failures, d->rule)),
                           hy_arg_i64(failures)));
    return r < 0 ? r : HY_DB_ONE;
}

int hy_rate_delay_try(hy_db *db, const char *key, const struct hy_delay_rule *rule,
                      unsigned *ret_wait) {
    struct delay d = {key, rule, hy_clock_now(), 0};
    /* READ COMMITTED on PostgreSQL (as HY_TX_INSERT): the first statement's upsert locks the
     * key's row and returns its newest version, so concurrent attempts on one key take turns
     * and each decides on what the one before wrote — where SERIALIZABLE would make a flood of
     * them fail each other and run out of retries. */
    int r = hy_db_run(db, HY_TX_INSERT, delay_tx, &d);
    if (r < 0) return r;
    *ret_wait = d.wait;
    return HY_DB_ONE;
}
