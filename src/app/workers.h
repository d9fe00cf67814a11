/* workers.h — the background work of `hamyari serve`, also runnable by hand:
 *
 *   - the notification outbox: due messages are taken (each by one process, see
 *     store/requests.h outbox_take), rendered in the recipient's language (domain/messages.h)
 *     and sent through the configured channel — an HTTP webhook (JSON POST, http:// only) or a
 *     command run without a shell (text on stdin, recipient as the last argument) — with
 *     exponential backoff and a cap on attempts;
 *   - the "new requests near you" batch for volunteers, at most once per interval across every
 *     process (a timestamp in the store's meta table, changed in a write transaction);
 *   - the daily retention purge (store/requests.h purge, then compact).
 *
 * Nothing here logs personal data: recipients are never written to the log. */
#ifndef HY_WORKERS_H
#define HY_WORKERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/requests.h"
#include "store/store.h"

struct hy_notify_config {
    const char *webhook;      /* http://host[:port]/path, or NULL */
    const char *command;      /* a program and its arguments, split on spaces, or NULL */
    unsigned interval;        /* seconds between outbox passes (default 2) */
    unsigned max_attempts;    /* attempts before a message is marked failed (default 8) */
    unsigned batch_minutes;   /* "new requests near you" at most this often (default 15; 0 off) */
    unsigned retention_days;  /* personal data of finished requests kept this long (default 30) */
    unsigned timeout;         /* seconds a channel may take for one message (default 10) */
    const char *site;         /* the public URL (--public-url), or NULL: messages about a
                               * request then end with a link to its tracking page */
    unsigned per_recipient;   /* messages queued to one recipient in any hour, whatever
                               * triggers them (default HY_OUTBOX_PER_HOUR_DEFAULT); the
                               * excess is dropped and counted (store.h outbox_insert) */
};

void hy_notify_defaults(struct hy_notify_config *c);
/* Checks the channel settings; on a problem returns false and sets *ret_problem (static). */
bool hy_notify_check(const struct hy_notify_config *c, const char **ret_problem);

/* One outbox pass: takes up to `limit` due messages and sends them. Sets the counts of
 * messages sent and failed attempts. Returns 0, or a negative store status. */
int hy_outbox_pass(hy_db *db, const struct hy_notify_config *c, unsigned limit, int *ret_sent,
                   int *ret_failed);

/* Queues "new requests near you" for every approved volunteer whose area covers a request
 * opened since the last batch, if the last batch is at least `minutes` old (force: now).
 * Sets *ret_queued. Returns 0 or a negative store status. */
int hy_nearby_batch(hy_db *db, unsigned minutes, bool force, int *ret_queued);

/* Erases what the retention rules say must go (store/requests.h purge) and compacts. */
int hy_purge_run(hy_db *db, unsigned days, struct hy_purge_counts *ret);

/* Starts / stops the worker thread of `serve`. Start returns 0 or -1. */
int hy_workers_start(hy_db *db, const struct hy_notify_config *c);
void hy_workers_stop(void);

#endif
