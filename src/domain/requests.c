#include "domain/requests.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/geo.h"

const char *const hy_rq_statuses[] = {"new",       "open",      "claimed",        "in_progress",
                                      "delivered", "closed",    "cancelled",      "unable_to_help",
                                      NULL};
const char *const hy_rq_kinds[] = {"groceries", "medicine", "errand", "companionship", "other",
                                   NULL};
const char *const hy_rq_urgencies[] = {"low", "normal", "high", NULL};
const char *const hy_rq_for_whom[] = {"self", "other", NULL};

static bool in_list(const char *const *list, const char *s) {
    if (!s) return false;
    for (; *list; list++)
        if (!strcmp(*list, s)) return true;
    return false;
}

bool hy_rq_status_valid(const char *status) { return in_list(hy_rq_statuses, status); }

bool hy_rq_status_final(const char *status) {
    return status && (!strcmp(status, "closed") || !strcmp(status, "cancelled") ||
                      !strcmp(status, "unable_to_help"));
}

/* Each legal move and the actors who may make it (a bit per enum hy_rq_actor). */
#define A(x) (1u << (x))
#define REQ A(HY_RQ_REQUESTER)
#define VOL A(HY_RQ_VOLUNTEER)
#define ASG A(HY_RQ_ASSIGNEE)
#define COO A(HY_RQ_COORDINATOR)
#define SYS A(HY_RQ_SYSTEM)

static const struct {
    const char *from, *to;
    unsigned who;
} moves[] = {
    {"new", "open", COO | SYS},               /* after the coordinator's call-back */
    {"new", "cancelled", REQ | COO},
    {"new", "unable_to_help", COO},
    {"open", "claimed", VOL | COO},           /* a volunteer claims; a coordinator assigns */
    {"open", "cancelled", REQ | COO},
    {"open", "unable_to_help", COO},
    {"claimed", "open", ASG | COO},           /* release */
    {"claimed", "in_progress", ASG | COO},
    {"claimed", "cancelled", REQ | COO},
    {"claimed", "unable_to_help", COO},
    {"in_progress", "open", ASG | COO},       /* release */
    {"in_progress", "delivered", ASG | COO},
    {"in_progress", "cancelled", COO},
    {"in_progress", "unable_to_help", COO},
    {"delivered", "closed", COO | SYS},
};

enum hy_rq_verdict hy_rq_transition(const char *from, const char *to, enum hy_rq_actor actor) {
    if (!from || !to || actor < 0 || actor >= HY_RQ__ACTORS) return HY_RQ_ILLEGAL;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to))
            return (moves[i].who & A(actor)) ? HY_RQ_OK : HY_RQ_FORBIDDEN;
    return HY_RQ_ILLEGAL;
}

void hy_rq_code_new(char *out) {
    static const char alphabet[] = HY_RQ_CODE_ALPHABET;
    const uint32_t n = (uint32_t)(sizeof alphabet - 1);
    for (int i = 0; i < HY_RQ_CODE_LEN; i++) out[i] = alphabet[randombytes_uniform(n)];
    out[HY_RQ_CODE_LEN] = '\0';
}

bool hy_rq_code_normalise(const char *in, char *out) {
    if (!in) return false;
    size_t w = 0;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (!strchr(HY_RQ_CODE_ALPHABET, c) || c == '\0') return false;
        if (w >= HY_RQ_CODE_LEN) return false;
        out[w++] = c;
    }
    if (w != HY_RQ_CODE_LEN) return false;
    out[w] = '\0';
    return true;
}

bool hy_rq_may_see_contact(enum hy_rq_actor actor) {
    return actor == HY_RQ_COORDINATOR || actor == HY_RQ_ASSIGNEE;
}

double hy_rq_match_score(double distance_km, double radius_km, bool speaks_language,
                         bool has_availability, long load) {
    double score = distance_km;
    if (radius_km > 0 && distance_km > radius_km) score += 10 + (distance_km - radius_km);
    if (!speaks_language) score += 5;
    if (!has_availability) score += 1;
    if (load > 0) score += 3.0 * (double)load;
    return score;
}

enum hy_rq_actor hy_rq_actor_of(const struct hy_principal *who, const char *assignee_id) {
    if (hy_is_role(who, "coordinator") || hy_is_role(who, "admin")) return HY_RQ_COORDINATOR;
    if (assignee_id && assignee_id[0] && who && who->signed_in &&
        !strcmp(assignee_id, who->user_id))
        return HY_RQ_ASSIGNEE;
    return HY_RQ_VOLUNTEER;
}

bool hy_rq_may_be_assigned(const char *role, const char *status) {
    return status && role && !strcmp(status, "approved") &&
           (!strcmp(role, "volunteer") || !strcmp(role, "coordinator"));
}

const char *const hy_rq_checklist_items[] = {"mask", "gloves", "leave_at_door", "step_back", NULL};

/* ---- plans ---- */

static enum hy_rq_refusal refuse(struct hy_rq_plan *p, enum hy_rq_refusal r, const char *why) {
    p->why = why;
    return r;
}

static void add_event(struct hy_rq_plan *p, const char *from, const char *to, const char *reason) {
    p->events[p->nevents++] = (struct hy_rq_event_plan){from, to, reason};
}

enum hy_rq_refusal hy_rq_refuse_missing(struct hy_rq_plan *ret) {
    *ret = (struct hy_rq_plan){0};
    return refuse(ret, HY_RQ_NOT_FOUND, "No such request.");
}

void hy_rq_plan_submit(const char *status, const char *source, struct hy_rq_plan *ret) {
    *ret = (struct hy_rq_plan){.message = "request_received", .audit = "request_created",
                               .audit_detail = source};
    add_event(ret, "", "new", source);
    if (!strcmp(status, "open")) add_event(ret, "new", "open", "auto_open");
}

enum hy_rq_refusal hy_rq_plan_cancel(const char *from, struct hy_rq_plan *ret) {
    *ret = (struct hy_rq_plan){0};
    if (hy_rq_transition(from, "cancelled", HY_RQ_REQUESTER) != HY_RQ_OK)
        return refuse(ret, HY_RQ_BAD_TRANSITION,
                      "This request can no longer be cancelled here; call the coordinators.");
    ret->to = "cancelled";
    ret->reason = "requester";
    add_event(ret, from, "cancelled", "requester");
    ret->message = "request_cancelled";
    ret->audit = "request_cancelled";
    ret->audit_detail = "requester";
    return HY_RQ_ALLOWED;
}

enum hy_rq_refusal hy_rq_check_claim(const struct hy_request *r, const struct hy_rq_claimer *v,
                                     const struct hy_rq_claim_limits *lim,
                                     struct hy_rq_plan *ret) {
    *ret = (struct hy_rq_plan){0};
    if (!v->has_area)
        return refuse(ret, HY_RQ_NO_SERVICE_AREA,
                      "Your volunteer profile has no home area, so you cannot take requests "
                      "yourself; a coordinator can assign requests to you.");
    if (!r->has_area ||
        hy_geo_distance_m(v->lat, v->lon, r->lat, r->lon) > v->radius_km * 1000.0)
        return refuse(ret, HY_RQ_OUTSIDE_AREA,
                      "This request is outside the area you serve; a coordinator can assign it.");
    if (lim && lim->max_open && v->open_claims >= (int64_t)lim->max_open)
        return refuse(ret, HY_RQ_TOO_MANY_OPEN,
                      "You hold as many requests as you may at once; finish or give one back "
                      "first.");
    if (lim && lim->cycles_per_hour && v->releases >= (int64_t)lim->cycles_per_hour)
        return refuse(ret, HY_RQ_TOO_MANY_CYCLES,
                      "You have given back too many requests within the hour; try again later.");
    return HY_RQ_ALLOWED;
}

void hy_rq_plan_claim(bool first, struct hy_rq_plan *ret) {
    *ret = (struct hy_rq_plan){.message = first ? "request_claimed" : NULL,
                               .contact_view = "assignee", .audit = "request_claimed",
                               .audit_detail = ""};
    add_event(ret, "open", "claimed", NULL);
}

enum hy_rq_refusal hy_rq_refuse_claim(const char *status, enum hy_rq_actor actor,
                                      struct hy_rq_plan *ret) {
    /* A volunteer does not learn of a request before it is opened. */
    if (!status || (actor == HY_RQ_VOLUNTEER && !strcmp(status, "new")))
        return hy_rq_refuse_missing(ret);
    *ret = (struct hy_rq_plan){0};
    return refuse(ret, HY_RQ_TAKEN,
                  "Someone else has taken this request, or it is no longer open.");
}

/* Volunteers see open requests only: of any other they learn nothing, not even that it
 * exists. */
static bool hidden_from(enum hy_rq_actor actor, const char *status) {
    return actor == HY_RQ_VOLUNTEER && strcmp(status, "open") != 0;
}

enum hy_rq_refusal hy_rq_plan_move(const char *from, const char *to, const char *reason,
                                   enum hy_rq_actor actor, bool sets_area,
                                   struct hy_rq_plan *ret) {
    if (hidden_from(actor, from)) return hy_rq_refuse_missing(ret);
    *ret = (struct hy_rq_plan){0};
    enum hy_rq_verdict v = hy_rq_transition(from, to, actor);
    if (v == HY_RQ_FORBIDDEN)
        return refuse(ret, HY_RQ_NOT_PERMITTED, "You may not make this change.");
    if (v != HY_RQ_OK)
        return refuse(ret, HY_RQ_BAD_TRANSITION,
                      "This change is not possible in the request's current status.");
    if (sets_area && actor != HY_RQ_COORDINATOR)
        return refuse(ret, HY_RQ_NOT_PERMITTED, "Only coordinators set a request's area.");
    ret->to = to;
    ret->assignee = !strcmp(to, "open") ? "" : NULL;
    ret->reason = reason;
    add_event(ret, from, to, reason);
    if (!strcmp(to, "delivered")) ret->message = "request_delivered";
    else if (!strcmp(to, "cancelled")) ret->message = "request_cancelled";
    if (hy_rq_may_see_contact(actor) && strcmp(to, "open") != 0)
        ret->contact_view = actor == HY_RQ_ASSIGNEE ? "assignee" : "coordinator";
    if (!strcmp(to, "cancelled")) {
        /* Who cancelled, as the requester's own cancel says "requester". */
        ret->audit = "request_cancelled";
        ret->audit_detail = "coordinator";
        return HY_RQ_ALLOWED;
    }
    ret->audit = "request_status";
    snprintf(ret->buf, sizeof ret->buf, "%s>%s", from, to);
    ret->audit_detail = ret->buf;
    return HY_RQ_ALLOWED;
}

enum hy_rq_refusal hy_rq_plan_area(const char *from, enum hy_rq_actor actor,
                                   struct hy_rq_plan *ret) {
    if (hidden_from(actor, from)) return hy_rq_refuse_missing(ret);
    *ret = (struct hy_rq_plan){0};
    if (actor != HY_RQ_COORDINATOR)
        return refuse(ret, HY_RQ_NOT_PERMITTED, "Only coordinators set a request's area.");
    if (strcmp(from, "new") && strcmp(from, "open") && strcmp(from, "claimed") &&
        strcmp(from, "in_progress"))
        return refuse(ret, HY_RQ_BAD_TRANSITION, "A finished request keeps its area.");
    ret->audit = "request_area_set";
    return HY_RQ_ALLOWED;
}

enum hy_rq_refusal hy_rq_plan_assign(const char *from, enum hy_rq_actor actor,
                                     const char *volunteer_id, const char *role,
                                     const char *status, bool first, struct hy_rq_plan *ret) {
    if (hidden_from(actor, from)) return hy_rq_refuse_missing(ret);
    *ret = (struct hy_rq_plan){0};
    /* A new request too: the coordinator who has spoken to the requester gives it straight to
     * a volunteer. */
    bool is_new = !strcmp(from, "new");
    if (is_new && actor != HY_RQ_COORDINATOR)
        return refuse(ret, HY_RQ_NOT_PERMITTED, "You may not make this change.");
    if (!is_new && strcmp(from, "open") && strcmp(from, "claimed") && strcmp(from, "in_progress"))
        return refuse(ret, HY_RQ_BAD_TRANSITION, "Only active requests can be assigned.");
    if (!hy_rq_may_be_assigned(role, status))
        return refuse(ret, HY_RQ_NOT_VOLUNTEER, "This is not an approved volunteer.");
    bool fresh = is_new || !strcmp(from, "open");
    ret->to = fresh ? "claimed" : from;
    ret->assignee = volunteer_id;
    ret->reason = fresh ? "assigned" : "reassigned";
    add_event(ret, from, ret->to, ret->reason);
    ret->message = fresh && first ? "request_claimed" : NULL;
    ret->contact_view = "coordinator";
    ret->audit = "request_assigned";
    ret->audit_detail = volunteer_id;
    return HY_RQ_ALLOWED;
}

enum hy_rq_refusal hy_rq_plan_delivery(const char *status, enum hy_rq_actor actor, bool paid,
                                       bool money, const char *reimbursement,
                                       struct hy_rq_plan *ret) {
    if (actor == HY_RQ_VOLUNTEER) return hy_rq_refuse_missing(ret);
    *ret = (struct hy_rq_plan){0};
    if (reimbursement && !strcmp(reimbursement, "paid") && actor != HY_RQ_COORDINATOR)
        return refuse(ret, HY_RQ_NOT_PERMITTED, NULL);
    bool closed = !strcmp(status, "closed");
    if (strcmp(status, "claimed") && strcmp(status, "in_progress") &&
        strcmp(status, "delivered") && !closed)
        return refuse(ret, HY_RQ_BAD_TRANSITION, "The request is not being delivered.");
    if (actor != HY_RQ_COORDINATOR && closed)
        return refuse(ret, HY_RQ_NOT_PERMITTED,
                      "The request is closed: only a coordinator can correct its delivery record.");
    if (actor != HY_RQ_COORDINATOR && paid && money)
        return refuse(ret, HY_RQ_NOT_PERMITTED,
                      "The reimbursement has been paid: only a coordinator can change the receipt "
                      "or the reimbursement.");
    ret->audit = (closed || paid) && money ? "request_delivery_corrected" : "request_delivery";
    ret->audit_detail = reimbursement ? reimbursement : "";
    return HY_RQ_ALLOWED;
}
