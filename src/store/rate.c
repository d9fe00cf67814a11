/* rate.c — rate limits counted in the store (rate.h). */
#include "store/rate.h"

#include "util/clock.h"

int hy_rate_hit(hy_store *s, const char *key, unsigned limit, unsigned window, bool *ret_over) {
    int64_t count = 0;
    int r = s->ops->rate_hit(s, key, hy_clock_now(), window, &count);
    if (r < 0) return r;
    *ret_over = count > (int64_t)limit;
    return HY_DB_ONE;
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
