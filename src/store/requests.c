/* requests.c — help requests, their contacts, events, notes, idempotency keys, the outbox
 * worker's queue and the retention purge (store/requests.h), written once for every backend;
 * the statements are store/sql/requests.def. Compaction is each backend's own. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/engine.h"
#include "store/requests.h"
#include "store/shared.h"

/* ---- requests ---- */

int hy_st_rq_insert(hy_store *s, const struct hy_request *r, const struct hy_request_contact *c) {
    int x = hy_st_write(s, HY_Q_RQ_INSERT,
                       HY_ARGS(hy_arg_text(r->id), hy_arg_text(r->tracking_code),
                               hy_arg_text(r->status), hy_arg_text(r->kind),
                               hy_arg_text(r->urgency), hy_arg_text(r->for_whom),
                               hy_arg_text(r->language), hy_arg_text(r->source),
                               hy_arg_f64_if(r->has_area, r->lat),
                               hy_arg_f64_if(r->has_area, r->lon), hy_arg_i64(r->created_at),
                               hy_arg_i64_nonzero(r->opened_at)));
    if (x <= 0) return x;
    x = hy_st_write(s, HY_Q_RQ_CONTACT_INSERT,
                   HY_ARGS(hy_arg_text(r->id), hy_arg_text(c->name), hy_arg_text(c->phone),
                           hy_arg_text_or(c->address, ""), hy_arg_text_or(c->details, ""),
                           hy_arg_f64_if(c->has_exact, c->lat),
                           hy_arg_f64_if(c->has_exact, c->lon),
                           hy_arg_text_or(c->call_window, "")));
    return x == HY_DB_NONE ? HY_DB_HARD : x;
}

int hy_st_rq_get(hy_store *s, const char *id, hy_arena *a, struct hy_request *ret) {
    return hy_st_one(s, HY_Q_RQ_GET, HY_ARGS(hy_arg_text(id)), &hy_row_request, a, ret);
}

int hy_st_rq_by_code(hy_store *s, const char *code, hy_arena *a, struct hy_request *ret) {
    return hy_st_one(s, HY_Q_RQ_BY_CODE, HY_ARGS(hy_arg_text(code)), &hy_row_request, a, ret);
}

int hy_st_rq_contact_get(hy_store *s, const char *id, hy_arena *a,
                         struct hy_request_contact *ret) {
    return hy_st_one(s, HY_Q_RQ_CONTACT_GET, HY_ARGS(hy_arg_text(id)), &hy_row_request_contact, a,
                     ret);
}

int hy_st_rq_list(hy_store *s, const struct hy_request_filter *f, hy_arena *a,
                  struct hy_request **ret) {
    bool box = f->has_box;
    return hy_st_list(s, HY_Q_RQ_LIST,
                      HY_ARGS(hy_arg_text(f->statuses), hy_arg_text(f->kind),
                              hy_arg_text(f->urgency), hy_arg_text(f->assignee_id),
                              hy_arg_i64(box), hy_arg_f64(box ? f->min_lat : 0),
                              hy_arg_f64(box ? f->max_lat : 0), hy_arg_f64(box ? f->min_lon : 0),
                              hy_arg_f64(box ? f->max_lon : 0), hy_arg_i64(f->created_after),
                              hy_arg_i64(f->created_before), hy_arg_i64(f->opened_after),
                              hy_arg_size(f->limit)),
                      &hy_row_request, SIZE_MAX, a, ret);
}

int hy_st_rq_claim(hy_store *s, const char *id, const char *user_id, int64_t now) {
    return hy_st_exec(s, HY_Q_RQ_CLAIM,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(user_id), hy_arg_i64(now)));
}

int hy_st_rq_set_status(hy_store *s, const char *id, const char *from, const char *to,
                        const char *assignee, const char *reason, int64_t now) {
    return hy_st_exec(s, HY_Q_RQ_SET_STATUS,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(from), hy_arg_text(to),
                              hy_arg_text(assignee), hy_arg_text(reason), hy_arg_i64(now)));
}

int hy_st_rq_event_insert(hy_store *s, const char *id, const struct hy_request_event *e) {
    return hy_st_write(s, HY_Q_RQ_EVENT_INSERT,
                      HY_ARGS(hy_arg_text(id), hy_arg_i64(e->at), hy_arg_text(e->actor_id),
                              hy_arg_text(e->from_status), hy_arg_text(e->to_status),
                              hy_arg_text(e->reason)));
}

int hy_st_rq_events(hy_store *s, const char *id, hy_arena *a, struct hy_request_event **ret) {
    return hy_st_list(s, HY_Q_RQ_EVENTS, HY_ARGS(hy_arg_text(id)), &hy_row_request_event,
                      SIZE_MAX, a, ret);
}

int hy_st_rq_note_insert(hy_store *s, const char *id, const struct hy_request_note *n) {
    return hy_st_exec(s, HY_Q_RQ_NOTE_INSERT,
                      HY_ARGS(hy_arg_text(id), hy_arg_i64(n->at), hy_arg_text(n->author_id),
                              hy_arg_text(n->kind), hy_arg_text(n->text),
                              hy_arg_text(n->outcome)));
}

int hy_st_rq_notes(hy_store *s, const char *id, hy_arena *a, struct hy_request_note **ret) {
    return hy_st_list(s, HY_Q_RQ_NOTES, HY_ARGS(hy_arg_text(id)), &hy_row_request_note,
                      SIZE_MAX, a, ret);
}

int hy_st_rq_set_area(hy_store *s, const char *id, double lat, double lon, double exact_lat,
                      double exact_lon, int64_t now) {
    if (!isfinite(lat) || !isfinite(lon) || !isfinite(exact_lat) || !isfinite(exact_lon))
        return HY_DB_HARD;
    int r = hy_st_exec(s, HY_Q_RQ_AREA,
                       HY_ARGS(hy_arg_text(id), hy_arg_f64(lat), hy_arg_f64(lon),
                               hy_arg_i64(now)));
    if (r <= 0) return r;
    r = hy_st_exec(s, HY_Q_RQ_AREA_EXACT,
                   HY_ARGS(hy_arg_text(id), hy_arg_f64(exact_lat), hy_arg_f64(exact_lon)));
    return r < 0 ? r : HY_DB_ONE;
}

int hy_st_rq_set_delivery(hy_store *s, const char *id, const char *checklist, bool has_receipt,
                          double amount, const char *reimbursement, int64_t now) {
    if (has_receipt && !isfinite(amount)) return HY_DB_HARD;
    return hy_st_exec(s, HY_Q_RQ_DELIVERY,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(checklist), hy_arg_bool(has_receipt),
                              hy_arg_f64(has_receipt ? amount : 0), hy_arg_text(reimbursement),
                              hy_arg_i64(now)));
}

int hy_st_rq_volunteers(hy_store *s, const double *box, size_t limit, hy_arena *a,
                        struct hy_request_volunteer **ret) {
    return hy_st_list(s, HY_Q_RQ_VOLUNTEERS,
                      HY_ARGS(hy_arg_i64(box != NULL), hy_arg_f64(box ? box[0] : 0),
                              hy_arg_f64(box ? box[1] : 0), hy_arg_f64(box ? box[2] : 0),
                              hy_arg_f64(box ? box[3] : 0), hy_arg_size(limit)),
                      &hy_row_request_volunteer, SIZE_MAX, a, ret);
}

int hy_st_rq_claimer(hy_store *s, const char *user_id, int64_t since, hy_arena *a,
                     struct hy_rq_claimer *ret) {
    return hy_st_one(s, HY_Q_RQ_CLAIMER, HY_ARGS(hy_arg_text(user_id), hy_arg_i64(since)),
                     &hy_row_rq_claimer, a, ret);
}

int hy_st_rq_actor_lock(hy_store *s, const char *user_id) {
    return hy_st_write(s, HY_Q_RQ_ACTOR_LOCK, HY_ARGS(hy_arg_text(user_id)));
}

int hy_st_rq_stats(hy_store *s, hy_arena *a, struct hy_request_stat_row **ret) {
    return hy_st_list(s, HY_Q_RQ_STATS, HY_NO_ARGS, &hy_row_request_stat, SIZE_MAX, a, ret);
}

/* ---- idempotency ---- */

int hy_st_rq_idem_get(hy_store *s, const char *key, const char *route, hy_arena *a,
                      struct hy_idempotency *ret) {
    return hy_st_one(s, HY_Q_RQ_IDEM_GET, HY_ARGS(hy_arg_text(key), hy_arg_text(route)),
                     &hy_row_idempotency, a, ret);
}

int hy_st_rq_idem_put(hy_store *s, const char *key, const char *route,
                      const struct hy_idempotency *v) {
    return hy_st_exec(s, HY_Q_RQ_IDEM_PUT,
                      HY_ARGS(hy_arg_text(key), hy_arg_text(route), hy_arg_text(v->request_hash),
                              hy_arg_i64(v->status), hy_arg_text(v->body),
                              hy_arg_i64(v->created_at)));
}

/* ---- retention ---- */

/* The purge's steps run in this order: the outbox rows are found through the contacts, so
 * they go first, and the requests are marked last. */
int hy_st_rq_purge(hy_store *s, int64_t now, int64_t finished_before, int64_t idem_before,
                   int64_t outbox_before, struct hy_purge_counts *ret) {
    struct hy_purge_counts c = {0};
    const struct {
        int stmt;
        int64_t cutoff; /* $1 */
        bool at_now;    /* $2 is the time of the purge */
        int64_t *count; /* what the rows touched add to, or NULL */
    } steps[] = {
        {HY_Q_RQ_PURGE_OUTBOX_PHONES, finished_before, false, &c.outbox},
        {HY_Q_RQ_PURGE_NOTES, finished_before, false, &c.notes},
        {HY_Q_RQ_PURGE_EVENTS, finished_before, false, NULL},
        {HY_Q_RQ_PURGE_CONTACTS, finished_before, false, NULL},
        {HY_Q_RQ_PURGE_REQUESTS, finished_before, true, &c.requests},
        {HY_Q_RQ_PURGE_IDEM, idem_before, false, &c.idempotency},
        {HY_Q_RQ_PURGE_OUTBOX_OLD, outbox_before, false, &c.outbox},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const struct hy_arg args[] = {hy_arg_i64(steps[i].cutoff), hy_arg_i64(now)};
        int n = hy_st_changes(s, steps[i].stmt, args, steps[i].at_now ? 2 : 1);
        if (n < 0) return n;
        if (steps[i].count) *steps[i].count += n;
    }
    if (ret) *ret = c;
    return HY_DB_ONE;
}

/* ---- the outbox queue ---- */

static int cmp_item(const void *x, const void *y) {
    const struct hy_outbox_item *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

int hy_st_rq_outbox_take(hy_store *s, int64_t now, int64_t lease_until, size_t limit,
                         hy_arena *a, struct hy_outbox_item **ret) {
    struct hy_outbox_item *items;
    int n = hy_st_list(s, HY_Q_RQ_OUTBOX_TAKE,
                       HY_ARGS(hy_arg_i64(now), hy_arg_i64(lease_until), hy_arg_size(limit)),
                       &hy_row_outbox_item, SIZE_MAX, a, &items);
    if (n < 0) return n;
    /* UPDATE … RETURNING hands the rows back in no promised order: oldest first. */
    if (n > 1) qsort(items, (size_t)n, sizeof *items, cmp_item);
    *ret = items;
    return n;
}

int hy_st_rq_outbox_sent(hy_store *s, int64_t id, int64_t now) {
    return hy_st_exec(s, HY_Q_RQ_OUTBOX_SENT, HY_ARGS(hy_arg_i64(id), hy_arg_i64(now)));
}

int hy_st_rq_outbox_retry(hy_store *s, int64_t id, int64_t next_at, bool give_up,
                          const char *error) {
    return hy_st_exec(s, HY_Q_RQ_OUTBOX_RETRY,
                      HY_ARGS(hy_arg_i64(id), hy_arg_i64(next_at), hy_arg_bool(give_up),
                              hy_arg_text(error)));
}

int hy_st_rq_outbox_page(hy_store *s, const char *status, int64_t before, size_t limit,
                         hy_arena *a, struct hy_outbox_entry **ret) {
    if (!limit || limit > 1000) return HY_DB_HARD;
    return hy_st_list(s, HY_Q_RQ_OUTBOX_PAGE,
                      HY_ARGS(hy_arg_text(status ? status : ""),
                              hy_arg_i64(before > 0 ? before : INT64_MAX), hy_arg_size(limit)),
                      &hy_row_outbox_entry, limit, a, ret);
}

int hy_st_rq_outbox_counts(hy_store *s, int64_t ret[HY_OUTBOX_STATES]) {
    static const char *const names[HY_OUTBOX_STATES] = {"pending", "sending", "sent", "failed",
                                                        "dropped"};
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    struct hy_row_count *rows;
    int n = hy_st_list(s, HY_Q_RQ_OUTBOX_COUNTS, HY_NO_ARGS, &hy_row_count, SIZE_MAX, a, &rows);
    if (n >= 0) {
        int64_t c[HY_OUTBOX_STATES] = {0};
        for (int i = 0; i < n; i++)
            for (int k = 0; k < HY_OUTBOX_STATES; k++)
                if (rows[i].key && !strcmp(rows[i].key, names[k])) c[k] = rows[i].count;
        memcpy(ret, c, sizeof c);
    }
    hy_arena_free(a);
    return n < 0 ? n : HY_DB_ONE;
}
