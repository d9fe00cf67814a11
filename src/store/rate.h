/* rate.h — rate limits counted in the store, so that every process shares them.
 *
 * A key names what is limited and for whom, e.g. "login:ip:192.0.2.1" or
 * "track:code:ABCD2345"; the caller builds it (from the client's address, an account, a
 * tracking code). Hits fall into fixed windows of `window` seconds; a hit is over the limit
 * when more than `limit` hits (itself included) fell in its window. Every hit is counted, also
 * one that is over. */
#ifndef HY_STORE_RATE_H
#define HY_STORE_RATE_H

#include <stdbool.h>

#include "store/store.h"

/* Counts a hit on `key` inside the caller's write transaction (e.g. a group-commit job, so the
 * hit shares the commit of the work it guards); sets *ret_over when it is over `limit`.
 * HY_DB_ONE or a negative store status (then *ret_over is untouched). */
int hy_rate_hit(hy_store *s, const char *key, unsigned limit, unsigned window, bool *ret_over);

/* Counts `n` hits on `key` at once inside the caller's transaction; *ret_count is the
 * window's count after them (the last of them). HY_DB_ONE or a negative store status. */
int hy_rate_hits(hy_store *s, const char *key, unsigned n, unsigned window, int64_t *ret_count);

/* The same hit as one atomic statement of its own on `db` (HY_TX_ATOMIC: concurrent hits on
 * one key wait for each other instead of failing to serialize). HY_DB_ONE or a negative store
 * status. */
int hy_rate_count(hy_db *db, const char *key, unsigned limit, unsigned window, bool *ret_over);

/* Growing delays, for password guesses: a key (e.g. "login:pair:ACCOUNT|ADDRESS") may fail
 * `free` times; each failure from then on makes the next attempt wait twice as long as the one
 * before (1 s, 2 s, 4 s … up to `max` seconds). Failures are forgotten `forget` seconds after
 * the last allowed attempt, or at once by clearing the key (rate_clear) after a success. */
struct hy_delay_rule {
    unsigned free;   /* failures without a delay */
    unsigned max;    /* the longest delay, seconds */
    unsigned forget; /* seconds after which earlier failures no longer count */
};

/* One attempt on `key`, in a write transaction of its own on `db` (concurrent attempts on one
 * key wait for each other). When it may go on (*ret_wait = 0) it is counted as a failure at
 * once, before its outcome is known, so parallel attempts cannot share one free slot; the
 * caller clears the key if it succeeds. Otherwise nothing is counted and *ret_wait says how
 * many seconds remain. HY_DB_ONE or a negative store status. */
int hy_rate_delay_try(hy_db *db, const char *key, const struct hy_delay_rule *rule,
                      unsigned *ret_wait);

#endif
