/* requests.h — the store's help-request functions: help requests, their personal
 * contact data, the transition log, coordinators' notes and call log, idempotency keys, the
 * outbox worker's queue operations, and the retention purge.
 *
 * Personal data (the requester's name, phone, address, free-text details and exact position)
 * lives only in request_contacts and is read only through contact_get(), whose callers have
 * checked the caller's role (coordinator, admin, or the request's current assignee) and write
 * an audit entry. Every other function returns only what a volunteer may see: kind, urgency,
 * times, and a position already rounded to about 500 m when it was stored.
 *
 * Statuses: new → open → claimed → in_progress → delivered → closed, and cancelled,
 * unable_to_help (domain/requests.h decides which moves are legal and for whom).
 * Strings returned live in the arena passed in; statuses as store.h describes. */
#ifndef HY_STORE_REQUESTS_H
#define HY_STORE_REQUESTS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/requests.h"
#include "store/store.h"

struct hy_request_ops {
    /* Inserts a request with its contact row. HY_DB_NONE when the id or tracking code is
     * taken (pick new ones and try again). */
    int (*insert)(hy_store *s, const struct hy_request *r, const struct hy_request_contact *c);
    int (*get)(hy_store *s, const char *id, hy_arena *a, struct hy_request *ret);
    int (*by_code)(hy_store *s, const char *code, hy_arena *a, struct hy_request *ret);
    /* The personal data of a request; HY_DB_NONE when none (unknown id or purged). */
    int (*contact_get)(hy_store *s, const char *id, hy_arena *a, struct hy_request_contact *ret);
    /* Requests matching the filter, oldest first (created_at, id). Returns the count. */
    int (*list)(hy_store *s, const struct hy_request_filter *f, hy_arena *a,
                struct hy_request **ret);
    /* open and unheld → claimed by user_id, in one statement. HY_DB_NONE when it was not open
     * and unheld (someone else won, or it moved on). */
    int (*claim)(hy_store *s, const char *id, const char *user_id, int64_t now);
    /* Moves a request from `from` to `to` only if its status is still `from` (HY_DB_NONE
     * otherwise). assignee: NULL keeps it, "" clears it, an id sets it. Sets opened_at when
     * `to` is open, claimed_at when an assignee is set, closed_at for closed, cancelled and
     * unable_to_help; `reason` (may be NULL) replaces the stored one when not NULL. */
    int (*set_status)(hy_store *s, const char *id, const char *from, const char *to,
                      const char *assignee, const char *reason, int64_t now);
    int (*event_insert)(hy_store *s, const char *id, const struct hy_request_event *e);
    /* The transitions of a request, oldest first. Returns the count. */
    int (*events)(hy_store *s, const char *id, hy_arena *a, struct hy_request_event **ret);
    int (*note_insert)(hy_store *s, const char *id, const struct hy_request_note *n);
    /* Notes and calls of a request, oldest first. Returns the count. */
    int (*notes)(hy_store *s, const char *id, hy_arena *a, struct hy_request_note **ret);
    /* Sets the area: the rounded position on the request, the exact one on its contact row. */
    int (*set_area)(hy_store *s, const char *id, double lat, double lon, double exact_lat,
                    double exact_lon, int64_t now);
    /* The delivery record: checklist (JSON object), receipt amount (has_receipt false keeps
     * it), reimbursement (NULL keeps it). */
    int (*set_delivery)(hy_store *s, const char *id, const char *checklist, bool has_receipt,
                        double amount, const char *reimbursement, int64_t now);
    /* Approved volunteers whose home area is inside the box (all when box is NULL), with their
     * current load, ordered by user id. At most `limit`. Returns the count. */
    int (*volunteers)(hy_store *s, const double *box, size_t limit, hy_arena *a,
                      struct hy_request_volunteer **ret);
    /* What a volunteer about to claim has: their service area and how many requests they
     * hold and gave back themselves after `since` (struct hy_rq_claimer). HY_DB_NONE when
     * there is no such account. */
    int (*claimer)(hy_store *s, const char *user_id, int64_t since, hy_arena *a,
                   struct hy_rq_claimer *ret);
    /* Counts by status, kind, day and rounded position. Returns the number of rows. */
    int (*stats)(hy_store *s, hy_arena *a, struct hy_request_stat_row **ret);

    /* Idempotency keys: the stored answer to (key, route), HY_DB_NONE when none. */
    int (*idem_get)(hy_store *s, const char *key, const char *route, hy_arena *a,
                    struct hy_idempotency *ret);
    /* Stores an answer; HY_DB_NONE when (key, route) is already there. */
    int (*idem_put)(hy_store *s, const char *key, const char *route,
                    const struct hy_idempotency *v);

    /* Erases the personal data of requests closed, cancelled or unable_to_help before
     * `finished_before` (contact rows, notes, reasons, the outbox messages to their phones
     * whatever their state, but for those still waiting to be sent to a number another
     * request's contact or an account holds), idempotency keys created before `idem_before`,
     * and every outbox message created before `outbox_before`, delivered or not. Anonymous
     * fields stay for statistics. */
    int (*purge)(hy_store *s, int64_t now, int64_t finished_before, int64_t idem_before,
                 int64_t outbox_before, struct hy_purge_counts *ret);
    /* Outside any transaction: makes erased bytes unrecoverable from the files where the
     * engine allows (SQLite: checkpoint and truncate the WAL; PostgreSQL: VACUUM the tables
     * that held personal data). */
    int (*compact)(hy_store *s);

    /* Takes up to `limit` due messages (pending with next_attempt_at <= now, or sending with
     * an expired lease) and leases them until `lease_until`; each message is taken by one
     * caller even with several processes. Returns the count. */
    int (*outbox_take)(hy_store *s, int64_t now, int64_t lease_until, size_t limit,
                       hy_arena *a, struct hy_outbox_item **ret);
    int (*outbox_sent)(hy_store *s, int64_t id, int64_t now);
    /* Records a failed attempt (take() counted it): back to pending at next_at, or failed
     * when `give_up`. `error` is a short reason without personal data. */
    int (*outbox_retry)(hy_store *s, int64_t id, int64_t next_at, bool give_up,
                        const char *error);
    /* Counts of outbox messages by status (pending, sending, sent, failed, and dropped by the
     * per-recipient cap within the retention period), for diagnostics. */
    int (*outbox_counts)(hy_store *s, int64_t ret[HY_OUTBOX_STATES]);
    /* Up to `limit` outbox messages (without their payload), newest first, of `status` (NULL:
     * any) with ids below `before` (0: from the newest). Returns the count. */
    int (*outbox_page)(hy_store *s, const char *status, int64_t before, size_t limit,
                       hy_arena *a, struct hy_outbox_entry **ret);
    /* Makes the transactions that move requests for `user_id` take turns until they end
     * (PostgreSQL: a transaction-scoped advisory lock; SQLite has one writer anyway), so what
     * claimer() counts after it includes what the other committed — also in a group commit's
     * READ COMMITTED batch. A write whose caller needs no answer (sent ahead if it can be). */
    int (*actor_lock)(hy_store *s, const char *user_id);
};

extern const struct hy_request_ops hy_sq_request_ops;
extern const struct hy_request_ops hy_pg_request_ops;

#endif
