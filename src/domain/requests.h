/* requests.h — the rules of a help request's life, without HTTP or SQL.
 *
 *   new ──► open ──► claimed ──► in_progress ──► delivered ──► closed
 *    │        ▲         │  │          │  │
 *    │        └─release─┘  │          │  └─release─► open
 *    └──► cancelled / unable_to_help (from any state before delivered)
 *
 * Who may make each move is decided here, for every actor, so one unit test can enumerate the
 * whole matrix. Also here: tracking codes, the statuses' and kinds' names, who may see a
 * request's personal data, the ranking of volunteers suggested for a request, and for each
 * step of a request's life what it writes besides the request itself (a plan: events,
 * messages, audit entries), which app/requests.c carries out in the store. The records the
 * store fills (a request, its contact, events, notes …) are declared here too; strings in
 * them point into the arena passed to the store function that filled them. */
#ifndef HY_DOMAIN_REQUESTS_H
#define HY_DOMAIN_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/id.h"

#include "domain/access.h"

#define HY_RQ_CODE_LEN 8
/* The tracking code's alphabet: digits and capitals without 0, O, 1, I and L. */
#define HY_RQ_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
/* What volunteers and the public ever see of a request's position: it is stored rounded to
 * a cell of this size (domain/geo.h hy_geo_round). */
#define HY_RQ_AREA_CELL_M 500.0

/* ---- records ---- */

#define HY_TRACKING_LEN HY_RQ_CODE_LEN

struct hy_request {
    char id[HY_ID_LEN + 1];
    char tracking_code[HY_TRACKING_LEN + 1];
    const char *status;
    const char *kind;     /* groceries, medicine, errand, companionship, other */
    const char *urgency;  /* low, normal, high */
    const char *for_whom; /* self, other */
    const char *language; /* the requester's language for messages: fa, en */
    const char *source;   /* web, sms */
    bool has_area;
    double lat, lon;            /* rounded to about 500 m */
    char assignee_id[HY_ID_LEN + 1]; /* "" when nobody holds it */
    const char *assignee_name;  /* the assignee's display name (list/get), or NULL */
    const char *reason;         /* why it was cancelled / could not be helped, or NULL */
    const char *checklist;      /* JSON object of the contactless-delivery checklist */
    bool has_receipt;
    double receipt_amount;
    const char *reimbursement; /* none, pending, paid */
    int64_t created_at, updated_at;
    int64_t opened_at, claimed_at, closed_at; /* 0 = not (yet) */
    bool purged;                              /* the personal data has been erased */
    bool demo; /* an example of `serve --demo` (read only; the demo loader marks it) */
};

/* Personal data: read only after checking the caller may see it. */
struct hy_request_contact {
    const char *name;
    const char *phone; /* E.164 */
    const char *address;
    const char *details;
    const char *call_window; /* when the requester prefers to be called, as they put it */
    bool has_exact;
    double lat, lon; /* the exact position given, if any */
};

struct hy_request_filter {
    const char *statuses; /* ",open,claimed," (commas around each), or NULL for any */
    const char *kind;     /* NULL = any */
    const char *urgency;  /* NULL = any */
    const char *assignee_id; /* NULL = any */
    bool has_box;         /* only requests with an area inside the box */
    double min_lat, max_lat, min_lon, max_lon;
    int64_t created_after;  /* 0 = no bound; created_at >= this */
    int64_t created_before; /* 0 = no bound; created_at < this */
    int64_t opened_after;   /* 0 = no bound; opened_at > this */
    size_t limit;
};

struct hy_request_event {
    int64_t at;
    const char *actor_id; /* NULL for the requester, an SMS or the system */
    const char *from_status, *to_status;
    const char *reason; /* NULL or a short code/text (never personal data) */
};

struct hy_request_note {
    int64_t id, at;
    const char *author_id;
    const char *author_name;
    const char *kind;    /* note, call */
    const char *text;    /* may be personal: erased by the purge */
    const char *outcome; /* calls: reached, no_answer, wrong_number, or NULL */
};

/* An approved volunteer with a home area, for suggestions and notifications. */
struct hy_request_volunteer {
    char user_id[HY_ID_LEN + 1];
    const char *name;
    const char *phone;    /* personal; used only to enqueue notifications */
    const char *language; /* the account's interface language */
    const char *languages;    /* JSON array */
    const char *availability; /* free text */
    double lat, lon, radius_km;
    int64_t load; /* requests it holds now (claimed or in_progress) */
};

/* What the store knows of a volunteer about to claim: the service area (the home position and
 * radius of their profile) and how much they have claimed lately. */
struct hy_rq_claimer {
    bool has_area; /* a home position is on the profile */
    double lat, lon, radius_km;
    int64_t open_claims; /* requests held now (claimed or in_progress) */
    int64_t releases;    /* requests they gave back themselves since the window began */
    int64_t first_release; /* the time of the first of those, 0 when none */
};

/* Limits on a volunteer's own claims (a coordinator's assignment is not limited). 0 = none. */
struct hy_rq_claim_limits {
    unsigned max_open;        /* requests held at once */
    unsigned cycles_per_hour; /* own releases in the last hour after which claims wait */
};

struct hy_request_stat_row {
    const char *status, *kind;
    int64_t day; /* days since the epoch (UTC) of created_at */
    bool has_area;
    double lat, lon;
    int64_t count;
};

struct hy_idempotency {
    const char *request_hash;
    int status;
    const char *body;
    int64_t created_at;
};

struct hy_outbox_item {
    int64_t id;
    int64_t attempts; /* including the one this take() starts */
    const char *recipient, *channel, *language, *template_name, *payload;
};

/* One outbox message as the admins' status page lists it: what it is and how its delivery
 * goes, never what it says (the payload); the recipient is masked before it leaves the server
 * (domain/phone.h hy_recipient_mask). sent_at is 0 until it is sent. */
struct hy_outbox_entry {
    int64_t id, created_at, next_attempt_at, sent_at, attempts;
    const char *status, *channel, *template_name, *language, *last_error, *recipient;
};

/* The outbox states counted by outbox_counts: pending, sending, sent, failed, dropped. */
#define HY_OUTBOX_STATES 5

struct hy_purge_counts {
    int64_t requests, notes, outbox, idempotency;
};

/* ---- rules ---- */

/* Who is acting on a request. */
enum hy_rq_actor {
    HY_RQ_REQUESTER,   /* the person who asked, proven by tracking code + phone */
    HY_RQ_VOLUNTEER,   /* an approved volunteer who does not hold the request */
    HY_RQ_ASSIGNEE,    /* the volunteer who holds it */
    HY_RQ_COORDINATOR, /* coordinators and admins */
    HY_RQ_SYSTEM,      /* the server itself (e.g. auto-open) */
    HY_RQ__ACTORS
};

enum hy_rq_verdict {
    HY_RQ_OK = 0,
    HY_RQ_ILLEGAL = 1,   /* no such move from this status: 409 */
    HY_RQ_FORBIDDEN = 2, /* the move exists, but not for this actor: 403 */
};

extern const char *const hy_rq_statuses[];  /* NULL-terminated, lifecycle order */
extern const char *const hy_rq_kinds[];     /* groceries, medicine, errand, companionship, other */
extern const char *const hy_rq_urgencies[]; /* low, normal, high */
extern const char *const hy_rq_for_whom[];  /* self, other */

bool hy_rq_status_valid(const char *status);
/* closed, cancelled, unable_to_help */
bool hy_rq_status_final(const char *status);

/* May `actor` move a request from `from` to `to`? Claiming (open → claimed) is a move too:
 * volunteers claim for themselves, coordinators assign. */
enum hy_rq_verdict hy_rq_transition(const char *from, const char *to, enum hy_rq_actor actor);

/* A fresh tracking code (HY_RQ_CODE_LEN characters of the alphabet + NUL). */
void hy_rq_code_new(char *out);
/* Reads what a person typed as a tracking code: ignores spaces and dashes, takes lower case,
 * and reads the look-alikes o/O as 0 → not in the alphabet, so they are refused. Writes the
 * canonical code into out (HY_RQ_CODE_LEN + 1 bytes). False when it cannot be a code. */
bool hy_rq_code_normalise(const char *in, char *out);

/* May this actor see the request's personal data (name, phone, address, details)? Only
 * coordinators (and admins) and the current assignee. */
bool hy_rq_may_see_contact(enum hy_rq_actor actor);

/* A suggested volunteer's rank for a request: lower is better. Distance in km dominates; a
 * volunteer outside their own radius, without the request's language, with no stated
 * availability, or carrying requests already, is pushed down. */
double hy_rq_match_score(double distance_km, double radius_km, bool speaks_language,
                         bool has_availability, long load);

/* ---- who is acting ---- */

/* The actor a signed-in caller is for a request held by `assignee_id` ("" or NULL: nobody):
 * coordinators and admins act as coordinators, the holder as assignee, anyone else as a
 * volunteer. */
enum hy_rq_actor hy_rq_actor_of(const struct hy_principal *who, const char *assignee_id);

/* May an account with this role and status be given requests? Approved volunteers and
 * coordinators. */
bool hy_rq_may_be_assigned(const char *role, const char *status);

/* The delivery checklist's items, NULL-terminated (HY_RQ_CHECKLIST_ITEMS of them). */
#define HY_RQ_CHECKLIST_ITEMS 4
extern const char *const hy_rq_checklist_items[];

/* ---- the steps of a request's life and what each writes ---- */

/* Why a step is refused; HY_RQ_ALLOWED when it may go on. */
enum hy_rq_refusal {
    HY_RQ_ALLOWED = 0,
    HY_RQ_NOT_FOUND,      /* no such request, or none the caller may know of */
    HY_RQ_TAKEN,          /* a claim lost: someone else holds it, or it is no longer open */
    HY_RQ_BAD_TRANSITION, /* not possible from the request's current status */
    HY_RQ_NOT_PERMITTED,  /* possible, but not for this caller */
    HY_RQ_NOT_VOLUNTEER,  /* the account to assign is not an approved volunteer */
    HY_RQ_NO_SERVICE_AREA, /* the claiming volunteer's profile has no home position */
    HY_RQ_OUTSIDE_AREA,    /* the request is not inside the claiming volunteer's radius */
    HY_RQ_TOO_MANY_OPEN,   /* the volunteer holds as many requests as they may */
    HY_RQ_TOO_MANY_CYCLES, /* the volunteer gave back too many requests within the hour */
};

/* An entry of a request's history (its events). */
struct hy_rq_event_plan {
    const char *from, *to, *reason;
};

/* What one step writes besides the request row, in this order: the status change (`to`,
 * unless NULL), its events, a message to the requester (when their phone is known), an audit
 * entry saying the caller was shown the requester's contact (when it is known), and the
 * step's own audit entry. On a refusal only `why` is set: a sentence for the answer. Strings
 * are static, the caller's, or in `buf`. */
struct hy_rq_plan {
    const char *to;       /* the status after the step, or NULL: the status stays */
    const char *assignee; /* with `to`: NULL keeps the holder, "" clears it, else the new one */
    const char *reason;   /* stored with the status */
    struct hy_rq_event_plan events[2];
    size_t nevents;
    const char *message;      /* the requester's message template, or NULL */
    const char *contact_view; /* the caller sees the contact: "assignee" or "coordinator" */
    const char *audit;        /* the step's audit action */
    const char *audit_detail; /* never personal data */
    const char *why;          /* on a refusal */
    char buf[64];
};

/* A new request, in `status` ("new", or "open" when requests open at once), from `source`
 * (web, sms). */
void hy_rq_plan_submit(const char *status, const char *source, struct hy_rq_plan *ret);
/* The requester cancels (tracking code and phone proven) a request in status `from`. */
enum hy_rq_refusal hy_rq_plan_cancel(const char *from, struct hy_rq_plan *ret);
/* May volunteer `v` claim the open request `r` under `lim` (NULL: no count limits)? The
 * request must be placed, inside the volunteer's radius of their home position (both as
 * stored, rounded); they must hold fewer than lim->max_open requests and have given back fewer
 * than lim->cycles_per_hour within the hour. Coordinators are not checked: they assign. */
enum hy_rq_refusal hy_rq_check_claim(const struct hy_request *r, const struct hy_rq_claimer *v,
                                     const struct hy_rq_claim_limits *lim,
                                     struct hy_rq_plan *ret);
/* A claim the store granted (the store's claim sets the status and holder in one statement,
 * so the plan has no `to`). `first`: nobody had claimed the request before, so the requester
 * is told; a claim after a release tells them nothing new. */
void hy_rq_plan_claim(bool first, struct hy_rq_plan *ret);
/* Why a claim the store refused failed: `status` is the request's (NULL: there is none). */
enum hy_rq_refusal hy_rq_refuse_claim(const char *status, enum hy_rq_actor actor,
                                      struct hy_rq_plan *ret);
/* `actor` moves a request from `from` to `to` (release is a move to open), giving `reason`
 * (may be NULL); `sets_area`: the move also places the request. */
enum hy_rq_refusal hy_rq_plan_move(const char *from, const char *to, const char *reason,
                                   enum hy_rq_actor actor, bool sets_area,
                                   struct hy_rq_plan *ret);
/* `actor` (a coordinator) places a request in status `from` (any before delivered): the
 * request keeps its status; an audit entry records it. */
enum hy_rq_refusal hy_rq_plan_area(const char *from, enum hy_rq_actor actor,
                                   struct hy_rq_plan *ret);
/* `actor` gives a request in status `from` to the account `volunteer_id`, whose role and
 * status are `role` and `status` (NULL: there is no such account). `first`: nobody had
 * claimed the request before (the requester is told only then). */
enum hy_rq_refusal hy_rq_plan_assign(const char *from, enum hy_rq_actor actor,
                                     const char *volunteer_id, const char *role,
                                     const char *status, bool first, struct hy_rq_plan *ret);
/* `actor` records the delivery checklist and, when `money`, the receipt amount or the
 * reimbursement (`reimbursement`, NULL: unchanged) of a request in `status` whose
 * reimbursement is `paid` already. Once a request is closed its record is frozen for the
 * volunteer, and once paid so are the receipt and the reimbursement; coordinators can still
 * correct them, audited as request_delivery_corrected. */
enum hy_rq_refusal hy_rq_plan_delivery(const char *status, enum hy_rq_actor actor, bool paid,
                                       bool money, const char *reimbursement,
                                       struct hy_rq_plan *ret);
/* The refusal for a request that does not exist. */
enum hy_rq_refusal hy_rq_refuse_missing(struct hy_rq_plan *ret);

#endif
