/* requests_dispatch.c — volunteers and coordinators at work on help requests.
 *
 *   GET  /api/v1/requests                  volunteers: open requests near them (no personal
 *                                          data); coordinators: the dispatch queue
 *   GET  /api/v1/requests/mine             a volunteer's tasks, with contact details
 *   GET  /api/v1/requests/{id}             one request; contact only for coordinators/assignee
 *   POST /api/v1/requests/{id}/claim       exactly one volunteer wins; others get 409
 *   POST /api/v1/requests/{id}/release     back to open, contact hidden again
 *   POST /api/v1/requests/{id}/status      {status, reason, lat, lon}
 *   POST /api/v1/requests/{id}/assign      coordinators: {volunteer_id}
 *   GET  /api/v1/requests/{id}/suggestions coordinators: volunteers ranked for this request
 *   POST /api/v1/requests/{id}/notes       coordinators and the assignee: notes and call log
 *   POST /api/v1/requests/{id}/delivery    checklist, receipt amount, reimbursement
 *
 * Who may see what is decided by domain/requests.h; every view of a request's personal data
 * writes an audit entry "request_contact_viewed" naming the request (and nothing personal).
 * The tracking code, which lets whoever holds it act as the requester (cancel), is in
 * coordinators' answers only, never in a volunteer's or the assignee's. A volunteer claims
 * only inside their service area and within the claim limits. The steps of a request's life
 * are app/requests.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/requests.h"
#include "app/requests.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/audit.h"
#include "util/clock.h"
#include "util/numtext.h"

#define SCAN_MAX 2000         /* requests read to answer one list */
#define LIST_MAX 200
#define KM_PER_DEG 111.19492664455873 /* on the mean-radius sphere of domain/geo.c */

static const char *const outcomes[] = {"reached", "no_answer", "wrong_number", "left_message",
                                       NULL};
static const char *const note_kinds[] = {"note", "call", NULL};
static const char *const reimbursements[] = {"none", "pending", "paid", NULL};

/* ---- small helpers ---- */

static bool is_coordinator(const struct hy_principal *w) {
    return hy_is_role(w, "coordinator") || hy_is_role(w, "admin");
}

static int urgency_rank(const char *u) {
    return !strcmp(u, "high") ? 0 : !strcmp(u, "normal") ? 1 : 2;
}

static void box_around(double lat, double lon, double km, double box[4]) {
    double dlat = km / KM_PER_DEG;
    double c = cos(lat * M_PI / 180.0);
    double dlon = c > 0.01 ? km / (KM_PER_DEG * c) : 180;
    box[0] = lat - dlat;
    box[1] = lat + dlat;
    box[2] = lon - dlon;
    box[3] = lon + dlon;
}

static json_t *request_json(const struct hy_request *r, bool coordinator, int64_t now) {
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "id", r->id, "status", r->status, "kind",
                          r->kind, "urgency", r->urgency, "created_at", (json_int_t)r->created_at,
                          "age_minutes", (json_int_t)((now - r->created_at) / 60));
    if (!j) return NULL;
    if (r->has_area) {
        json_object_set_new(j, "lat", json_real(hy_api_round6(r->lat)));
        json_object_set_new(j, "lon", json_real(hy_api_round6(r->lon)));
    } else {
        json_object_set_new(j, "lat", json_null());
        json_object_set_new(j, "lon", json_null());
    }
    json_object_set_new(j, "language", json_string(r->language));
    if (r->demo) json_object_set_new(j, "demo", json_true());
    if (coordinator) {
        json_object_set_new(j, "tracking_code", json_string(r->tracking_code));
        json_object_set_new(j, "for_whom", json_string(r->for_whom));
        json_object_set_new(j, "source", json_string(r->source));
        json_object_set_new(j, "updated_at", json_integer(r->updated_at));
        json_object_set_new(j, "opened_at", r->opened_at ? json_integer(r->opened_at) : json_null());
        json_object_set_new(j, "claimed_at", r->claimed_at ? json_integer(r->claimed_at) : json_null());
        json_object_set_new(j, "closed_at", r->closed_at ? json_integer(r->closed_at) : json_null());
        json_object_set_new(j, "reason", r->reason ? json_string(r->reason) : json_null());
        json_object_set_new(j, "purged", json_boolean(r->purged));
        json_object_set_new(j, "assignee",
                            r->assignee_id[0]
                                ? json_pack("{s:s,s:s?}", "id", r->assignee_id, "name",
                                            r->assignee_name)
                                : json_null());
    }
    return j;
}

static void add_delivery(json_t *j, const struct hy_request *r) {
    json_error_t e;
    json_t *cl = json_loads(r->checklist ? r->checklist : "{}", 0, &e);
    json_object_set_new(j, "checklist", cl ? cl : json_object());
    json_object_set_new(j, "receipt_amount", r->has_receipt ? json_real(r->receipt_amount) : json_null());
    json_object_set_new(j, "reimbursement", json_string(r->reimbursement ? r->reimbursement : "none"));
}

static json_t *contact_json(const struct hy_request_contact *c) {
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", c->name ? c->name : "", "phone",
                          c->phone ? c->phone : "", "address", c->address ? c->address : "",
                          "details", c->details ? c->details : "", "call_window",
                          c->call_window ? c->call_window : "");
    if (j && c->has_exact) {
        json_object_set_new(j, "lat", json_real(c->lat));
        json_object_set_new(j, "lon", json_real(c->lon));
    }
    return j;
}

/* ---- lists ---- */

/* Query numbers as typed, in any script (util/numtext.h). */
static bool parse_near(const char *s, double *lat, double *lon) {
    double v[2];
    if (!hy_number_list(s, 2, v)) return false;
    *lat = v[0];
    *lon = v[1];
    return hy_geo_valid(*lat, *lon);
}

static bool parse_num(const char *s, double min, double max, double *out) {
    double v;
    if (!s || !hy_number_parse(s, strlen(s), true, &v) || v < min || v > max) return false;
    *out = v;
    return true;
}

/* A comma-separated status list → ",a,b," (each checked), in the arena. */
static const char *status_set(hy_arena *a, const char *list) {
    size_t n = strlen(list);
    if (n == 0 || n > 200) return NULL;
    char *out = hy_arena_alloc(a, n + 3);
    if (!out) return NULL;
    size_t w = 0;
    out[w++] = ',';
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        char tok[32];
        if (k == 0 || k >= sizeof tok) return NULL;
        memcpy(tok, p, k);
        tok[k] = '\0';
        if (!hy_rq_status_valid(tok)) return NULL;
        memcpy(out + w, tok, k);
        w += k;
        out[w++] = ',';
        p += k;
        if (*p == ',') p++;
    }
    out[w] = '\0';
    return out;
}

struct listed {
    struct hy_request *r;
    double dist;
};

int hy_api_rq_list_tx(hy_store *s, void *ctx) {
    struct hy_api_rq_list *c = ctx;
    int r = s->ops->requests->list(s, &c->f, c->req->arena, &c->rows);
    if (r < 0) return r;
    c->n = r;
    return HY_DB_ONE;
}

static int by_distance(const void *x, const void *y) {
    const struct listed *a = x, *b = y;
    if (a->dist != b->dist) return a->dist < b->dist ? -1 : 1;
    int u = urgency_rank(a->r->urgency) - urgency_rank(b->r->urgency);
    if (u) return u;
    if (a->r->created_at != b->r->created_at) return a->r->created_at < b->r->created_at ? -1 : 1;
    return strcmp(a->r->id, b->r->id);
}

static int by_queue(const void *x, const void *y) {
    const struct listed *a = x, *b = y;
    int u = urgency_rank(a->r->urgency) - urgency_rank(b->r->urgency);
    if (u) return u;
    if (a->r->created_at != b->r->created_at) return a->r->created_at < b->r->created_at ? -1 : 1;
    return strcmp(a->r->id, b->r->id);
}

hy_result hy_api_list_requests(hy_req *req) {
    const struct hy_principal *who = hy_req_principal(req);
    bool coord = is_coordinator(who);
    const char *near = hy_req_query(req, "near"), *status = hy_req_query(req, "status"),
               *kind = hy_req_query(req, "kind"), *urgency = hy_req_query(req, "urgency");
    double lat = 0, lon = 0, radius = 5, limit = 50, max_age = 0, min_age = 0;
    bool has_near = near && *near;
    if (has_near && !parse_near(near, &lat, &lon))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "near must be LAT,LON.", "near");
    const char *q;
    if ((q = hy_req_query(req, "radius_km")) && !parse_num(q, 0.1, 100, &radius))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "radius_km must be 0.1 to 100.", "radius_km");
    if ((q = hy_req_query(req, "limit")) && !parse_num(q, 1, LIST_MAX, &limit))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be 1 to 200.", "limit");
    if ((q = hy_req_query(req, "max_age_hours")) && !parse_num(q, 0, 24 * 365, &max_age))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "max_age_hours is not valid.", "max_age_hours");
    if ((q = hy_req_query(req, "min_age_hours")) && !parse_num(q, 0, 24 * 365, &min_age))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "min_age_hours is not valid.", "min_age_hours");
    bool kind_ok = !kind, urg_ok = !urgency;
    for (int i = 0; kind && hy_rq_kinds[i]; i++) kind_ok |= !strcmp(kind, hy_rq_kinds[i]);
    for (int i = 0; urgency && hy_rq_urgencies[i]; i++) urg_ok |= !strcmp(urgency, hy_rq_urgencies[i]);
    if (!kind_ok) return hy_reply_error(req, HY_E_INVALID_QUERY, "Unknown kind.", "kind");
    if (!urg_ok) return hy_reply_error(req, HY_E_INVALID_QUERY, "Unknown urgency.", "urgency");

    struct hy_api_rq_list c = {.req = req};
    if (!coord) {
        /* Volunteers see open requests near them, and nothing else. */
        if (!has_near)
            return hy_reply_error(req, HY_E_INVALID_QUERY, "Give near=LAT,LON.", "near");
        if (status && strcmp(status, "open") != 0)
            return hy_reply_error(req, HY_E_FORBIDDEN, "Volunteers see open requests only.", "status");
        c.f.statuses = ",open,";
    } else if (status) {
        c.f.statuses = status_set(req->arena, status);
        if (!c.f.statuses)
            return hy_reply_error(req, HY_E_INVALID_QUERY, "Unknown status.", "status");
    } else {
        c.f.statuses = ",new,open,claimed,in_progress,delivered,";
    }
    c.f.kind = kind;
    c.f.urgency = urgency;
    int64_t now = hy_clock_now();
    if (max_age > 0) c.f.created_after = now - (int64_t)(max_age * 3600);
    if (min_age > 0) c.f.created_before = now - (int64_t)(min_age * 3600);
    if (has_near) {
        double box[4];
        box_around(lat, lon, radius, box);
        c.f.has_box = true;
        c.f.min_lat = box[0];
        c.f.max_lat = box[1];
        c.f.min_lon = box[2];
        c.f.max_lon = box[3];
    }
    c.f.limit = SCAN_MAX;
    int r = hy_db_run(req->srv->db, HY_TX_READ, hy_api_rq_list_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    struct listed *l = hy_arena_alloc(req->arena, sizeof *l * (size_t)(c.n ? c.n : 1));
    if (!l) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    size_t n = 0;
    for (int i = 0; i < c.n; i++) {
        struct hy_request *x = &c.rows[i];
        double d = 0;
        if (has_near) {
            d = hy_geo_distance_m(lat, lon, x->lat, x->lon) / 1000.0;
            if (d > radius) continue;
        }
        l[n++] = (struct listed){x, d};
    }
    qsort(l, n, sizeof *l, has_near && !coord ? by_distance : by_queue);
    json_t *arr = json_array();
    for (size_t i = 0; i < n && i < (size_t)limit; i++) {
        json_t *j = request_json(l[i].r, coord, now);
        if (has_near) json_object_set_new(j, "distance_km", json_real(round(l[i].dist * 10) / 10));
        json_array_append_new(arr, j);
    }
    return hy_reply_json(req, 200, json_pack("{s:o,s:I}", "requests", arr, "total", (json_int_t)n));
}

/* ---- a volunteer's own tasks ---- */

struct mine_ctx {
    hy_req *req;
    struct hy_request *rows;
    struct hy_request_contact *contacts;
    bool *has;
    int n;
};

static int mine_tx(hy_store *s, void *ctx) {
    struct mine_ctx *c = ctx;
    struct hy_request_filter f = {.statuses = ",claimed,in_progress,delivered,",
                                  .assignee_id = c->req->who->user_id,
                                  .limit = LIST_MAX};
    int r = s->ops->requests->list(s, &f, c->req->arena, &c->rows);
    if (r < 0) return r;
    c->n = r;
    c->contacts = hy_arena_zalloc(c->req->arena, sizeof *c->contacts * (size_t)(r ? r : 1));
    c->has = hy_arena_zalloc(c->req->arena, sizeof *c->has * (size_t)(r ? r : 1));
    if (!c->contacts || !c->has) return HY_DB_HARD;
    for (int i = 0; i < r; i++) {
        int x = s->ops->requests->contact_get(s, c->rows[i].id, c->req->arena, &c->contacts[i]);
        if (x < 0) return x;
        c->has[i] = x == HY_DB_ONE;
        if (c->has[i] && (x = hy_audit(s, hy_req_actor(c->req), "request_contact_viewed", c->rows[i].id,
                                       "assignee")) < 0)
            return x;
    }
    return HY_DB_ONE;
}

hy_result hy_api_list_my_requests(hy_req *req) {
    hy_req_principal(req);
    struct mine_ctx c = {.req = req};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, mine_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    int64_t now = hy_clock_now();
    json_t *arr = json_array();
    for (int i = 0; i < c.n; i++) {
        json_t *j = request_json(&c.rows[i], false, now);
        add_delivery(j, &c.rows[i]);
        if (c.has[i]) json_object_set_new(j, "contact", contact_json(&c.contacts[i]));
        json_array_append_new(arr, j);
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "requests", arr));
}

/* ---- one request ---- */

struct one_ctx {
    hy_req *req;
    const char *id;
    struct hy_request r;
    enum hy_rq_actor actor;
    struct hy_request_contact c;
    bool has_contact, hidden;
    struct hy_request_event *ev;
    int nev;
    struct hy_request_note *notes;
    int nnotes;
};

static int one_tx(hy_store *s, void *ctx) {
    struct one_ctx *c = ctx;
    const struct hy_request_ops *q = s->ops->requests;
    c->has_contact = c->hidden = false;
    c->nev = c->nnotes = 0;
    int r = q->get(s, c->id, c->req->arena, &c->r);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    c->actor = hy_rq_actor_of(c->req->who, c->r.assignee_id);
    if (c->actor == HY_RQ_VOLUNTEER && strcmp(c->r.status, "open") != 0) {
        c->hidden = true;
        return HY_DB_ABORT;
    }
    if (!hy_rq_may_see_contact(c->actor)) return HY_DB_ONE;
    r = q->contact_get(s, c->id, c->req->arena, &c->c);
    if (r < 0) return r;
    c->has_contact = r == HY_DB_ONE;
    if (c->has_contact &&
        (r = hy_audit(s, hy_req_actor(c->req), "request_contact_viewed", c->id,
                      c->actor == HY_RQ_ASSIGNEE ? "assignee" : "coordinator")) < 0)
        return r;
    if ((r = q->events(s, c->id, c->req->arena, &c->ev)) < 0) return r;
    c->nev = r;
    if ((r = q->notes(s, c->id, c->req->arena, &c->notes)) < 0) return r;
    c->nnotes = r;
    return HY_DB_ONE;
}

hy_result hy_api_get_request(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct one_ctx c = {.req = req, .id = req->args[0]};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, one_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    bool coord = c.actor == HY_RQ_COORDINATOR;
    json_t *j = request_json(&c.r, coord, hy_clock_now());
    if (hy_rq_may_see_contact(c.actor)) {
        add_delivery(j, &c.r);
        json_object_set_new(j, "contact", c.has_contact ? contact_json(&c.c) : json_null());
        json_t *ev = json_array();
        for (int i = 0; i < c.nev; i++)
            json_array_append_new(ev, json_pack("{s:I,s:s?,s:s,s:s,s:s?}", "at", (json_int_t)c.ev[i].at,
                                                "actor_id", c.ev[i].actor_id, "from",
                                                c.ev[i].from_status, "to", c.ev[i].to_status,
                                                "reason", c.ev[i].reason));
        json_object_set_new(j, "events", ev);
        json_t *nt = json_array();
        for (int i = 0; i < c.nnotes; i++)
            json_array_append_new(nt, json_pack("{s:I,s:I,s:s?,s:s?,s:s,s:s,s:s?}", "id",
                                                (json_int_t)c.notes[i].id, "at",
                                                (json_int_t)c.notes[i].at, "author_id",
                                                c.notes[i].author_id, "author_name",
                                                c.notes[i].author_name, "kind", c.notes[i].kind,
                                                "text", c.notes[i].text ? c.notes[i].text : "",
                                                "outcome", c.notes[i].outcome));
        json_object_set_new(j, "notes", nt);
    }
    return hy_reply_json(req, 200, j);
}

/* ---- claim, release, status, assign ---- */

/* The answer to a refused step. */
hy_result hy_api_reply_refusal(hy_req *req, enum hy_rq_refusal refusal, const char *why) {
    switch (refusal) {
    case HY_RQ_NOT_FOUND: return hy_reply_error(req, HY_E_NOT_FOUND, why, NULL);
    case HY_RQ_TAKEN: return hy_reply_error(req, HY_E_REQUEST_TAKEN, why, NULL);
    case HY_RQ_BAD_TRANSITION: return hy_reply_error(req, HY_E_BAD_TRANSITION, why, NULL);
    case HY_RQ_NOT_PERMITTED: return hy_reply_error(req, HY_E_FORBIDDEN, why, NULL);
    case HY_RQ_NOT_VOLUNTEER: return hy_reply_error(req, HY_E_INVALID_FIELD, why, "volunteer_id");
    case HY_RQ_NO_SERVICE_AREA: return hy_reply_error(req, HY_E_NO_SERVICE_AREA, why, NULL);
    case HY_RQ_OUTSIDE_AREA: return hy_reply_error(req, HY_E_OUTSIDE_SERVICE_AREA, why, NULL);
    case HY_RQ_TOO_MANY_OPEN: return hy_reply_error(req, HY_E_TOO_MANY_OPEN_CLAIMS, why, NULL);
    case HY_RQ_TOO_MANY_CYCLES: return hy_reply_error(req, HY_E_CLAIM_CYCLES_EXCEEDED, why, NULL);
    case HY_RQ_ALLOWED: break;
    }
    return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
}

/* The answer to a step that ran with status r. */
static hy_result move_reply(hy_req *req, const struct hy_rq_move *m, int r, unsigned ok_status) {
    if ((r == HY_DB_ABORT || r >= 0) && m->refusal != HY_RQ_ALLOWED) {
        char *retry = m->retry_after > 0
                          ? hy_arena_printf(req->arena, "%lld", (long long)m->retry_after)
                          : NULL;
        /* Retry-After only advises: without it the answer is still 429. */
        if (retry) (void)hy_req_add_header(req, "Retry-After", retry);
        return hy_api_reply_refusal(req, m->refusal, m->why);
    }
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_principal *who = req->who;
    json_t *j = request_json(&m->r, is_coordinator(who), hy_clock_now());
    if (m->has_contact) {
        json_object_set_new(j, "contact", contact_json(&m->c));
        add_delivery(j, &m->r);
    }
    return hy_reply_json(req, ok_status, j);
}

static hy_result run_move(hy_req *req, struct hy_rq_move *m, unsigned ok_status) {
    return move_reply(req, m, hy_db_run(req->srv->db, HY_TX_WRITE, hy_rq_move_tx, m), ok_status);
}

/* Claims and assignments go through the group commit (hy_db_run_batched), as submissions do:
 * the request is suspended while a writer runs the step with others in one transaction and
 * one durable commit. Every rule is still checked inside that transaction: the claim is one
 * compare-and-set statement (of racing volunteers exactly one wins, in any process), and the
 * volunteer's own limits are counted after actor_lock(), so concurrent claims of one
 * volunteer take turns even where the batch runs READ COMMITTED. */
struct move_job {
    hy_req *req;
    struct hy_rq_move m;
    struct hy_rq_claim_limits limits;
    unsigned ok_status;
    int result;
};

static int move_job_tx(hy_store *s, void *ctx) {
    struct move_job *x = ctx;
    int r = hy_rq_move_tx(s, &x->m);
    /* Every refusal comes before the step writes anything: in a batch it is an answer, not a
     * failed job (which would run the whole batch again with a savepoint around each job). */
    if (r == HY_DB_ABORT && x->m.refusal != HY_RQ_ALLOWED) return HY_DB_NONE;
    return r;
}

static void move_done(void *ctx, int status) {
    struct move_job *x = ctx;
    x->result = status;
    hy_req_wake(x->req); /* x and the request are not ours any more */
}

static hy_result move_answer(hy_req *req, void *ctx) {
    struct move_job *x = ctx;
    return move_reply(req, &x->m, x->result, x->ok_status);
}

/* Queues the step `x` (in the request's arena) for the group commit; without a writer
 * (stopping) it runs here in a transaction of its own. */
static hy_result queue_move(hy_req *req, struct move_job *x) {
    x->req = req;
    hy_result res = hy_req_defer(req, move_answer, x);
    if (hy_db_run_batched_in_order(req->srv->db, move_job_tx, x, move_done, x->m.id) != HY_DB_ONE) {
        x->result = hy_db_run(req->srv->db, HY_TX_WRITE, move_job_tx, x);
        hy_req_wake(req);
    }
    return res;
}

hy_result hy_api_claim_request(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    const struct hy_server_config *cfg = req->srv->cfg;
    struct move_job *x = hy_arena_zalloc(req->arena, sizeof *x);
    if (!x) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    x->limits = (struct hy_rq_claim_limits){.max_open = cfg->max_open_claims,
                                            .cycles_per_hour = cfg->claim_cycles_per_hour};
    x->m = (struct hy_rq_move){.arena = req->arena, .who = req->who, .step = HY_RQ_STEP_CLAIM,
                               .id = req->args[0], .limits = &x->limits};
    x->ok_status = 200;
    return queue_move(req, x);
}

hy_result hy_api_release_request(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct hy_rq_move m = {.arena = req->arena, .who = req->who, .step = HY_RQ_STEP_MOVE,
                           .id = req->args[0], .to = "open", .reason = "released"};
    return run_move(req, &m, 200);
}

hy_result hy_api_move_request(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    const char *to, *reason = NULL;
    double lat = 0, lon = 0;
    bool has_lat = false, has_lon = false;
    struct hy_field spec[] = {
        HY_F_ENUM("status", HY_REQUIRED, hy_rq_statuses, &to),
        HY_F_STR("reason", HY_OPTIONAL | HY_NULLABLE, 1, 500, &reason),
        {"lat", HY_FT_NUMBER, HY_NULLABLE, -90, 90, &lat, NULL, 0, &has_lat},
        {"lon", HY_FT_NUMBER, HY_NULLABLE, -180, 180, &lon, NULL, 0, &has_lon},
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (has_lat != has_lon)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Give both lat and lon, or neither.", has_lat ? "lon" : "lat");
    if (!strcmp(to, "claimed"))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "Use claim or assign to give a request to a volunteer.", "status");
    if (!strcmp(to, "unable_to_help") && !reason)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Say why the request cannot be helped.", "reason");
    struct hy_rq_move m = {.arena = req->arena, .who = req->who, .step = HY_RQ_STEP_MOVE,
                           .id = req->args[0], .to = to, .reason = reason, .has_area = has_lat,
                           .lat = lat, .lon = lon};
    return run_move(req, &m, 200);
}

hy_result hy_api_assign_request(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    const char *vid;
    struct hy_field spec[] = {HY_F_STR("volunteer_id", HY_REQUIRED, 32, 32, &vid), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_id_valid(vid))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "This is not an approved volunteer.", "volunteer_id");
    struct move_job *x = hy_arena_zalloc(req->arena, sizeof *x);
    if (!x) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    x->m = (struct hy_rq_move){.arena = req->arena, .who = req->who, .step = HY_RQ_STEP_ASSIGN,
                               .id = req->args[0], .volunteer = vid};
    x->ok_status = 200;
    return queue_move(req, x);
}

/* A coordinator places a request whose area is unknown or wrong (a position found by place
 * search, a map click or typed coordinates in any script), whatever its status before
 * delivery; it is stored rounded like any other, the exact point with the contact. */
hy_result hy_api_place_request(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    double lat = 0, lon = 0;
    struct hy_field spec[] = {
        HY_F_NUM("lat", HY_REQUIRED, -90, 90, &lat),
        HY_F_NUM("lon", HY_REQUIRED, -180, 180, &lon),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_geo_valid(lat, lon)) return hy_reply_error(req, HY_E_INVALID_FIELD, "Not a position.", "lat");
    struct hy_rq_move m = {.arena = req->arena, .who = req->who, .step = HY_RQ_STEP_AREA,
                           .id = req->args[0], .has_area = true, .lat = lat, .lon = lon};
    return run_move(req, &m, 200);
}

/* ---- suggestions ---- */

struct suggest_ctx {
    hy_req *req;
    const char *id;
    struct hy_request r;
    struct hy_request_volunteer *v;
    int n;
};

static int suggest_tx(hy_store *s, void *ctx) {
    struct suggest_ctx *c = ctx;
    int r = s->ops->requests->get(s, c->id, c->req->arena, &c->r);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (!c->r.has_area) {
        c->n = 0;
        return HY_DB_ONE;
    }
    double box[4];
    box_around(c->r.lat, c->r.lon, 50, box);
    r = s->ops->requests->volunteers(s, box, 2000, c->req->arena, &c->v);
    if (r < 0) return r;
    c->n = r;
    return HY_DB_ONE;
}

struct ranked {
    struct hy_request_volunteer *v;
    double dist, score;
    bool speaks;
};

static int by_score(const void *x, const void *y) {
    const struct ranked *a = x, *b = y;
    if (a->score != b->score) return a->score < b->score ? -1 : 1;
    return strcmp(a->v->user_id, b->v->user_id);
}

static bool speaks(const char *languages_json, const char *lang) {
    json_error_t e;
    json_t *a = json_loads(languages_json ? languages_json : "[]", 0, &e);
    bool yes = false;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), lang)) yes = true;
    json_decref(a);
    return yes;
}

hy_result hy_api_suggest_volunteers(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct suggest_ctx c = {.req = req, .id = req->args[0]};
    int r = hy_db_run(req->srv->db, HY_TX_READ, suggest_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    struct ranked *k = hy_arena_alloc(req->arena, sizeof *k * (size_t)(c.n ? c.n : 1));
    if (!k) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    for (int i = 0; i < c.n; i++) {
        struct hy_request_volunteer *v = &c.v[i];
        double d = hy_geo_distance_m(c.r.lat, c.r.lon, v->lat, v->lon) / 1000.0;
        bool sp = speaks(v->languages, c.r.language);
        k[i] = (struct ranked){v, d, hy_rq_match_score(d, v->radius_km, sp,
                                                       v->availability && *v->availability,
                                                       (long)v->load),
                               sp};
    }
    qsort(k, (size_t)c.n, sizeof *k, by_score);
    json_t *arr = json_array();
    for (int i = 0; i < c.n && i < 10; i++) {
        json_error_t e;
        json_t *lj = json_loads(k[i].v->languages ? k[i].v->languages : "[]", 0, &e);
        json_array_append_new(
            arr, json_pack("{s:s,s:s,s:f,s:f,s:o,s:b,s:s,s:I,s:f}", "user_id", k[i].v->user_id,
                           "name", k[i].v->name ? k[i].v->name : "", "distance_km",
                           round(k[i].dist * 10) / 10, "radius_km", k[i].v->radius_km,
                           "languages", lj ? lj : json_array(), "speaks_language", k[i].speaks,
                           "availability", k[i].v->availability ? k[i].v->availability : "",
                           "load", (json_int_t)k[i].v->load, "score",
                           round(k[i].score * 100) / 100));
    }
    return hy_reply_json(req, 200, json_pack("{s:o,s:b}", "volunteers", arr, "has_area", c.r.has_area));
}

/* ---- notes and call log ---- */

struct note_ctx {
    hy_req *req;
    const char *id;
    struct hy_request_note n;
    bool forbidden;
};

static int note_tx(hy_store *s, void *ctx) {
    struct note_ctx *c = ctx;
    struct hy_request r;
    int x = s->ops->requests->get(s, c->id, c->req->arena, &r);
    if (x <= 0) return x < 0 ? x : HY_DB_ABORT;
    enum hy_rq_actor a = hy_rq_actor_of(c->req->who, r.assignee_id);
    if (a != HY_RQ_COORDINATOR && a != HY_RQ_ASSIGNEE) {
        c->forbidden = a == HY_RQ_VOLUNTEER && !strcmp(r.status, "open");
        return HY_DB_ABORT;
    }
    if (r.purged) return HY_DB_ABORT;
    x = s->ops->requests->note_insert(s, c->id, &c->n);
    return x <= 0 ? (x < 0 ? x : HY_DB_HARD) : HY_DB_ONE;
}

hy_result hy_api_add_request_note(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct note_ctx c = {.req = req, .id = req->args[0]};
    const char *kind = "note", *text, *outcome = NULL;
    struct hy_field spec[] = {
        HY_F_ENUM("kind", HY_OPTIONAL, note_kinds, &kind),
        HY_F_STR("text", HY_REQUIRED | HY_MULTILINE, 1, 2000, &text),
        HY_F_ENUM("outcome", HY_OPTIONAL | HY_NULLABLE, outcomes, &outcome),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    c.n = (struct hy_request_note){.at = hy_clock_now(), .author_id = req->who->user_id,
                                   .kind = kind, .text = text, .outcome = outcome};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, note_tx, &c);
    if (r == HY_DB_ABORT)
        return c.forbidden ? hy_reply_error(req, HY_E_FORBIDDEN, NULL, NULL)
                           : hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 201, json_pack("{s:I,s:s,s:s,s:s?}", "at", (json_int_t)c.n.at, "kind",
                                             kind, "text", text, "outcome", outcome));
}

/* ---- delivery: checklist, receipt, reimbursement ---- */

hy_result hy_api_record_delivery(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct hy_rq_delivery d = {.arena = req->arena, .who = req->who, .id = req->args[0]};
    struct hy_field spec[] = {
        {"mask", HY_FT_BOOL, 0, 0, 0, &d.items[0], NULL, 0, &d.has_item[0]},
        {"gloves", HY_FT_BOOL, 0, 0, 0, &d.items[1], NULL, 0, &d.has_item[1]},
        {"leave_at_door", HY_FT_BOOL, 0, 0, 0, &d.items[2], NULL, 0, &d.has_item[2]},
        {"step_back", HY_FT_BOOL, 0, 0, 0, &d.items[3], NULL, 0, &d.has_item[3]},
        {"receipt_amount", HY_FT_NUMBER, HY_NULLABLE, 0, 1e9, &d.amount, NULL, 0, &d.has_amount},
        HY_F_ENUM("reimbursement", HY_OPTIONAL, reimbursements, &d.reimbursement),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, hy_rq_delivery_tx, &d);
    if (r == HY_DB_ABORT && d.refusal != HY_RQ_ALLOWED) return hy_api_reply_refusal(req, d.refusal, d.why);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *j = request_json(&d.r, is_coordinator(req->who), hy_clock_now());
    add_delivery(j, &d.r);
    return hy_reply_json(req, 200, j);
}
