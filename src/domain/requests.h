/* requests.h — the rules of a help request's life (issue 6), without HTTP or SQL.
 *
 *   new ──► open ──► claimed ──► in_progress ──► delivered ──► closed
 *    │        ▲         │  │          │  │
 *    │        └─release─┘  │          │  └─release─► open
 *    └──► cancelled / unable_to_help (from any state before delivered)
 *
 * Who may make each move is decided here, for every actor, so one unit test can enumerate the
 * whole matrix. Also here: tracking codes, the statuses' and kinds' names, who may see a
 * request's personal data, and the ranking of volunteers suggested for a request. */
#ifndef HY_DOMAIN_REQUESTS_H
#define HY_DOMAIN_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>

#define HY_RQ_CODE_LEN 8
/* The tracking code's alphabet: digits and capitals without 0, O, 1, I and L. */
#define HY_RQ_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

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

#endif
