/* requests.h — a help request's workflow: each step reads the request, asks the rules
 * (domain/requests.h) for a plan and carries it out in the store — the status change, the
 * request's events, the message to the requester, the audit entries — all inside the
 * caller's write transaction, so a step happens entirely or not at all.
 *
 * Each step is a transaction callback (hy_tx_fn: hy_db_run(), or a group-commit job) over a
 * struct the caller fills: inputs first, then what the step found. The callbacks may run more
 * than once (a retried transaction); they recompute every output each time. They return a
 * store status; HY_DB_ABORT means the step was refused and `refusal` (and `why`) say why, or,
 * for a submission, that `mismatch` is set. Strings found live in `arena`. */
#ifndef HY_APP_REQUESTS_H
#define HY_APP_REQUESTS_H

#include <stdbool.h>

#include "domain/access.h"
#include "domain/phone.h"
#include "domain/requests.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/arena.h"

/* ---- asking for help ---- */

struct hy_rq_submission {
    hy_arena *arena;
    const char *actor_id; /* the caller for the audit entry, or NULL */
    const char *route;    /* the name space of idempotency keys */
    const char *idem_key; /* or NULL */
    char hash[65];        /* with idem_key: a hash of what was submitted */
    struct hy_request r;  /* status, kind, … and times; id and tracking code are made here */
    struct hy_request_contact c;
    /* Writes the answer to a new request (JSON text in the arena, NULL when out of memory);
     * it is made inside the transaction so that an idempotency key can keep it. */
    const char *(*answer)(const struct hy_request *r, hy_arena *a);
    /* A per-address limit counted in the same transaction, or NULL (the caller counted it).
     * Every new submission is counted, whatever its key; a replay of a stored answer is not. */
    const char *rate_key;
    unsigned rate_limit, rate_window;
    /* found */
    bool limited;     /* over rate_limit: nothing was submitted */
    bool mismatch;    /* the key was used for something else: nothing was submitted */
    int status;       /* 201, or the status stored with the key */
    const char *body; /* the answer, new or stored with the key */
};

/* Stores a new request with its events, the requester's message and the audit entry, or finds
 * the answer an idempotency key already has. ctx: struct hy_rq_submission. */
int hy_rq_submit_tx(hy_store *s, void *ctx);

/* Looks the submission's idempotency key up only: sets `status` to the status of the answer
 * stored with it (a replay, which no rate limit counts), 0 when there is none or no key.
 * ctx: struct hy_rq_submission. */
int hy_rq_replay_tx(hy_store *s, void *ctx);

/* ---- the requester: status, and cancelling with tracking code + phone ---- */

struct hy_rq_track {
    hy_arena *arena;
    const char *actor_id; /* the caller for the audit entry, or NULL */
    char code[HY_RQ_CODE_LEN + 1];
    char phone[HY_PHONE_MAX];
    bool code_ok, phone_ok; /* code and phone were read; otherwise nothing matches */
    bool cancel;            /* cancel the request too */
    /* found */
    bool matched; /* the code and the phone belong to one request */
    struct hy_request r;
    enum hy_rq_refusal refusal;
    const char *why;
};

/* Finds the request by code and phone, comparing the phone in constant time whether or not the
 * code matched, so both failures take the same path; cancels it when asked. ctx: struct
 * hy_rq_track. HY_DB_ABORT when nothing matched (matched false) or the cancel was refused. */
int hy_rq_track_tx(hy_store *s, void *ctx);

/* ---- claim, move, assign ---- */

enum hy_rq_step { HY_RQ_STEP_CLAIM, HY_RQ_STEP_MOVE, HY_RQ_STEP_ASSIGN, HY_RQ_STEP_AREA };

struct hy_rq_move {
    hy_arena *arena;
    const struct hy_principal *who; /* the signed-in caller */
    enum hy_rq_step step;
    const char *id;
    const char *to;        /* HY_RQ_STEP_MOVE: the new status (release: "open") */
    const char *reason;    /* HY_RQ_STEP_MOVE: may be NULL */
    const char *volunteer; /* HY_RQ_STEP_ASSIGN: the account to give the request to */
    bool has_area;         /* HY_RQ_STEP_MOVE: a coordinator also places the request;
                            * HY_RQ_STEP_AREA: always (only places it) */
    double lat, lon;
    /* HY_RQ_STEP_CLAIM: limits on a volunteer's own claims (NULL: none). A volunteer claims
     * only inside their service area, whatever the limits. */
    const struct hy_rq_claim_limits *limits;
    /* found */
    enum hy_rq_refusal refusal;
    const char *why;
    int64_t retry_after; /* HY_RQ_TOO_MANY_CYCLES: seconds until the first release ages out */
    struct hy_request r;         /* the request after the step */
    struct hy_request_contact c; /* with has_contact */
    bool has_contact;            /* the caller is shown the requester's contact */
};

/* ctx: struct hy_rq_move. */
int hy_rq_move_tx(hy_store *s, void *ctx);

/* ---- delivery: checklist, receipt, reimbursement ---- */

struct hy_rq_delivery {
    hy_arena *arena;
    const struct hy_principal *who;
    const char *id;
    bool items[HY_RQ_CHECKLIST_ITEMS], has_item[HY_RQ_CHECKLIST_ITEMS]; /* hy_rq_checklist_items */
    bool has_amount;
    double amount;
    const char *reimbursement; /* NULL: unchanged */
    /* found */
    enum hy_rq_refusal refusal;
    const char *why;
    struct hy_request r; /* the request after the step */
};

/* ctx: struct hy_rq_delivery. */
int hy_rq_delivery_tx(hy_store *s, void *ctx);

#endif
