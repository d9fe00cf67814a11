/* requests.c — a help request's workflow (app/requests.h): the rules decide
 * (domain/requests.h), this file writes what they decided. */
#include "app/requests.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/geo.h"
#include "store/audit.h"
#include "store/rate.h"
#include "util/clock.h"

/* The window of a volunteer's own releases counted before a claim (struct hy_rq_claim_limits). */
#define CYCLE_WINDOW 3600

static const char *lang_of(const char *l) { return l && !strcmp(l, "en") ? "en" : "fa"; }

/* Queues a message to the requester (rendered later by the delivery worker): the template
 * with the tracking code as its one parameter. */
static int enqueue(hy_store *s, const char *to, const struct hy_request *r, const char *tmpl,
                   int64_t now) {
    json_t *params = json_pack("{s:s}", "code", r->tracking_code);
    char *payload = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(params);
    if (!payload) return HY_DB_HARD;
    struct hy_outbox_message m = {
        .created_at = now,
        .recipient = to,
        .channel = "sms",
        .language = lang_of(r->language),
        .template_name = tmpl,
        .payload = payload,
    };
    int x = s->ops->outbox_insert(s, &m);
    free(payload);
    return x < 0 ? x : HY_DB_ONE;
}

/* Writes a plan's status change (a compare-and-set on the status the plan was made for:
 * HY_DB_SOFT when the request changed meanwhile, so the transaction runs again) and its
 * events. */
static int write_change(hy_store *s, const char *id, const char *from, const struct hy_rq_plan *p,
                        const char *actor_id, int64_t now) {
    const struct hy_request_ops *q = s->ops->requests;
    int x;
    if (p->to) {
        x = q->set_status(s, id, from, p->to, p->assignee, p->reason, now);
        if (x <= 0) return x < 0 ? x : HY_DB_SOFT;
    }
    for (size_t i = 0; i < p->nevents; i++) {
        const struct hy_rq_event_plan *e = &p->events[i];
        struct hy_request_event ev = {now, actor_id, e->from, e->to, e->reason};
        x = q->event_insert(s, id, &ev);
        if (x <= 0) return x < 0 ? x : HY_DB_HARD;
    }
    return HY_DB_ONE;
}

/* Writes the rest of a plan: the message to the requester and the audit entries (the
 * contact's view first). `c` is the requester's contact, NULL when not known. */
static int write_notices(hy_store *s, const struct hy_request *r,
                         const struct hy_request_contact *c, const struct hy_rq_plan *p,
                         const char *actor_id, int64_t now) {
    int x;
    if (p->message && c && (x = enqueue(s, c->phone, r, p->message, now)) < 0) return x;
    if (p->contact_view && c &&
        (x = hy_audit(s, actor_id, "request_contact_viewed", r->id, p->contact_view)) < 0)
        return x;
    if (p->audit && (x = hy_audit(s, actor_id, p->audit, r->id, p->audit_detail)) < 0) return x;
    return HY_DB_ONE;
}

/* ---- asking for help ---- */

int hy_rq_replay_tx(hy_store *s, void *ctx) {
    struct hy_rq_submission *x = ctx;
    x->status = 0;
    if (!x->idem_key) return HY_DB_ONE;
    struct hy_idempotency v;
    int r = s->ops->requests->idem_get(s, x->idem_key, x->route, x->arena, &v);
    if (r < 0) return r;
    if (r == HY_DB_ONE) x->status = v.status;
    return HY_DB_ONE;
}

int hy_rq_submit_tx(hy_store *s, void *ctx) {
    struct hy_rq_submission *x = ctx;
    const struct hy_request_ops *q = s->ops->requests;
    x->mismatch = x->limited = false;
    int r;
    if (x->idem_key) {
        struct hy_idempotency v;
        r = q->idem_get(s, x->idem_key, x->route, x->arena, &v);
        if (r < 0) return r;
        if (r == HY_DB_ONE) {
            if (strcmp(v.request_hash, x->hash) != 0) {
                x->mismatch = true;
                return HY_DB_ABORT;
            }
            x->status = v.status;
            x->body = v.body;
            return HY_DB_ONE;
        }
    }
    /* A new submission: counted whether or not it carries a key (a fresh key per post must
     * not escape the limit). The hit stays even though nothing else is written. */
    if (x->rate_key) {
        r = hy_rate_hit(s, x->rate_key, x->rate_limit, x->rate_window, &x->limited);
        if (r < 0) return r;
        if (x->limited) return HY_DB_ONE;
    }
    r = HY_DB_NONE;
    for (int i = 0; i < 5 && r == HY_DB_NONE; i++) { /* a new id and code on a collision */
        hy_id_new(x->r.id);
        hy_rq_code_new(x->r.tracking_code);
        r = q->insert(s, &x->r, &x->c);
    }
    if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    int64_t now = x->r.created_at;
    struct hy_rq_plan p;
    hy_rq_plan_submit(x->r.status, x->r.source, &p);
    /* The events name no actor (the requester has no account), except for a request a
     * coordinator took by phone: theirs is the hand that wrote it. */
    if ((r = write_change(s, x->r.id, x->r.status, &p,
                          strcmp(x->r.source, "phone") ? NULL : x->actor_id, now)) < 0)
        return r;
    if ((r = write_notices(s, &x->r, &x->c, &p, x->actor_id, now)) < 0) return r;
    x->body = x->answer(&x->r, x->arena);
    if (!x->body) return HY_DB_HARD;
    x->status = 201;
    if (x->idem_key) {
        struct hy_idempotency v = {x->hash, 201, x->body, now};
        r = q->idem_put(s, x->idem_key, x->route, &v);
        if (r < 0) return r;
        /* Another process stored this key first: start again and answer what it stored. */
        if (r == HY_DB_NONE) return HY_DB_SOFT;
    }
    return HY_DB_ONE;
}

/* ---- the requester ---- */

int hy_rq_track_tx(hy_store *s, void *ctx) {
    struct hy_rq_track *t = ctx;
    t->matched = false;
    t->refusal = HY_RQ_ALLOWED;
    t->why = NULL;
    const struct hy_request_ops *q = s->ops->requests;
    struct hy_request r;
    struct hy_request_contact c = {0};
    int x = t->code_ok ? q->by_code(s, t->code, t->arena, &r) : HY_DB_NONE;
    if (x < 0) return x;
    if (x == HY_DB_ONE) {
        int y = q->contact_get(s, r.id, t->arena, &c);
        if (y < 0) return y;
        if (y == HY_DB_NONE) c.phone = NULL;
    }
    /* Compare even when nothing was found, so both failures take the same path. */
    bool same =
        hy_secret_equal(c.phone ? c.phone : "+000000000000000", t->phone_ok ? t->phone : "-");
    if (x != HY_DB_ONE || !c.phone || !same) return HY_DB_ABORT;
    t->matched = true;
    t->r = r;
    if (!t->cancel) return HY_DB_ONE;
    struct hy_rq_plan p;
    if ((t->refusal = hy_rq_plan_cancel(r.status, &p)) != HY_RQ_ALLOWED) {
        t->why = p.why;
        return HY_DB_ABORT;
    }
    int64_t now = hy_clock_now();
    if ((x = write_change(s, r.id, r.status, &p, NULL, now)) < 0) return x;
    if ((x = write_notices(s, &r, &c, &p, t->actor_id, now)) < 0) return x;
    t->r.status = p.to;
    return HY_DB_ONE;
}

/* ---- claim, move, assign ---- */

/* A refused step: the refusal and the plan's sentence why (read here, after the call that
 * made the plan has run). */
static int move_refused(struct hy_rq_move *m, enum hy_rq_refusal refusal,
                        const struct hy_rq_plan *p) {
    m->refusal = refusal;
    m->why = p->why;
    return HY_DB_ABORT;
}

/* Sets *ret_never when no event of the request's history gives it to a volunteer (the
 * requester has not been told that someone took it). A store status. */
static int never_claimed(hy_store *s, const char *id, hy_arena *a, bool *ret_never) {
    struct hy_request_event *ev;
    int n = s->ops->requests->events(s, id, a, &ev);
    if (n < 0) return n;
    bool never = true;
    for (int i = 0; i < n; i++)
        if (ev[i].to_status && !strcmp(ev[i].to_status, "claimed")) never = false;
    *ret_never = never;
    return HY_DB_ONE;
}

int hy_rq_move_tx(hy_store *s, void *ctx) {
    struct hy_rq_move *m = ctx;
    const struct hy_request_ops *q = s->ops->requests;
    const char *me = m->who && m->who->signed_in ? m->who->user_id : NULL;
    int64_t now = hy_clock_now();
    m->refusal = HY_RQ_ALLOWED;
    m->why = NULL;
    m->retry_after = 0;
    m->has_contact = false;
    struct hy_rq_plan p;
    int r;
    const char *from;
    /* Where a volunteer's limits count their claims and give-backs, their moves take turns
     * (claims run READ COMMITTED in a group commit): what claimer() counts below includes
     * what the other committed. Only then: a lock held to the batch's commit, taken in no
     * particular order, could make batches of claims wait for each other in a circle. */
    bool limited = m->step == HY_RQ_STEP_CLAIM && m->limits &&
                   (m->limits->max_open || m->limits->cycles_per_hour);
    if (me && (limited || m->step == HY_RQ_STEP_MOVE) && (r = q->actor_lock(s, me)) < 0) return r;
    if (m->step == HY_RQ_STEP_CLAIM) {
        if ((r = q->get(s, m->id, m->arena, &m->r)) < 0) return r;
        if (r == HY_DB_NONE) return move_refused(m, hy_rq_refuse_missing(&p), &p);
        enum hy_rq_actor actor = hy_rq_actor_of(m->who, m->r.assignee_id);
        if (strcmp(m->r.status, "open") != 0 || m->r.assignee_id[0])
            return move_refused(m, hy_rq_refuse_claim(m->r.status, actor, &p), &p);
        if (actor == HY_RQ_VOLUNTEER) {
            /* Counted in this transaction, so the limits hold across server processes. */
            struct hy_rq_claimer v;
            if ((r = q->claimer(s, me, now - CYCLE_WINDOW, m->arena, &v)) < 0) return r;
            if (r == HY_DB_NONE) v = (struct hy_rq_claimer){0};
            enum hy_rq_refusal refusal = hy_rq_check_claim(&m->r, &v, m->limits, &p);
            if (refusal == HY_RQ_TOO_MANY_CYCLES) {
                int64_t wait = v.first_release + CYCLE_WINDOW - now;
                m->retry_after = wait > 0 ? wait : 1;
            }
            if (refusal != HY_RQ_ALLOWED) return move_refused(m, refusal, &p);
        }
        /* One statement takes the request if it is still open: of racing volunteers, exactly
         * one wins, with any number of server processes. */
        r = q->claim(s, m->id, me, now);
        if (r < 0) return r;
        if (r == HY_DB_NONE) {
            struct hy_request cur;
            int x = q->get(s, m->id, m->arena, &cur);
            if (x < 0) return x;
            enum hy_rq_refusal why =
                x == HY_DB_NONE
                    ? hy_rq_refuse_missing(&p)
                    : hy_rq_refuse_claim(cur.status, hy_rq_actor_of(m->who, cur.assignee_id), &p);
            return move_refused(m, why, &p);
        }
        bool first;
        if ((r = never_claimed(s, m->id, m->arena, &first)) < 0) return r;
        if ((r = q->get(s, m->id, m->arena, &m->r)) <= 0) return r < 0 ? r : HY_DB_HARD;
        hy_rq_plan_claim(first, &p);
        from = "open";
    } else {
        if ((r = q->get(s, m->id, m->arena, &m->r)) < 0) return r;
        if (r == HY_DB_NONE) return move_refused(m, hy_rq_refuse_missing(&p), &p);
        enum hy_rq_actor actor = hy_rq_actor_of(m->who, m->r.assignee_id);
        from = m->r.status;
        enum hy_rq_refusal refusal;
        if (m->step == HY_RQ_STEP_ASSIGN) {
            struct hy_user u = {0};
            bool first;
            if ((r = s->ops->user_get(s, m->volunteer, m->arena, &u)) < 0) return r;
            bool found = r == HY_DB_ONE;
            if ((r = never_claimed(s, m->id, m->arena, &first)) < 0) return r;
            refusal = hy_rq_plan_assign(from, actor, m->volunteer, found ? u.role : NULL,
                                        found ? u.status : NULL, first, &p);
        } else if (m->step == HY_RQ_STEP_AREA) {
            refusal = hy_rq_plan_area(from, actor, &p);
        } else {
            refusal = hy_rq_plan_move(from, m->to, m->reason, actor, m->has_area, &p);
        }
        if (refusal != HY_RQ_ALLOWED) return move_refused(m, refusal, &p);
    }
    if ((r = write_change(s, m->id, from, &p, me, now)) < 0) return r;
    if (m->has_area) {
        double rl, ro;
        hy_geo_round(m->lat, m->lon, HY_RQ_AREA_CELL_M, &rl, &ro);
        if ((r = q->set_area(s, m->id, rl, ro, m->lat, m->lon, now)) < 0) return r;
    }
    if (p.message || p.contact_view) {
        if ((r = q->contact_get(s, m->id, m->arena, &m->c)) < 0) return r;
        m->has_contact = r == HY_DB_ONE;
    }
    if ((r = write_notices(s, &m->r, m->has_contact ? &m->c : NULL, &p, me, now)) < 0) return r;
    /* The contact may have been read for the message only. */
    if (!p.contact_view) m->has_contact = false;
    if (m->step == HY_RQ_STEP_CLAIM) return HY_DB_ONE;
    return q->get(s, m->id, m->arena, &m->r);
}

/* ---- delivery ---- */

/* The audit detail of a change of the receipt or the reimbursement, from the request as it
 * was: the old and the new values ("receipt_amount 12.5 -> 10; reimbursement paid -> pending";
 * "none" for no amount), the unchanged ones left out. NULL when the arena is full. */
static const char *money_change(const struct hy_rq_delivery *d) {
    char was[32] = "none", now[32], text[192];
    if (d->r.has_receipt) snprintf(was, sizeof was, "%.15g", d->r.receipt_amount);
    snprintf(now, sizeof now, "%.15g", d->amount);
    const char *old_reimb = d->r.reimbursement ? d->r.reimbursement : "none";
    int n = 0;
    text[0] = 0;
    if (d->has_amount)
        n = snprintf(text, sizeof text, "receipt_amount %s -> %s", was, now);
    if (d->reimbursement && n >= 0 && (size_t)n < sizeof text)
        snprintf(text + n, sizeof text - (size_t)n, "%sreimbursement %s -> %s", n ? "; " : "",
                 old_reimb, d->reimbursement);
    return hy_arena_strdup(d->arena, text);
}

int hy_rq_delivery_tx(hy_store *s, void *ctx) {
    struct hy_rq_delivery *d = ctx;
    const struct hy_request_ops *q = s->ops->requests;
    d->refusal = HY_RQ_ALLOWED;
    d->why = NULL;
    struct hy_rq_plan p;
    int x = q->get(s, d->id, d->arena, &d->r);
    if (x < 0) return x;
    d->refusal = x == HY_DB_NONE
                     ? hy_rq_refuse_missing(&p)
                     : hy_rq_plan_delivery(d->r.status, hy_rq_actor_of(d->who, d->r.assignee_id),
                                           d->r.reimbursement && !strcmp(d->r.reimbursement, "paid"),
                                           d->has_amount || d->reimbursement, d->reimbursement, &p);
    if (d->refusal != HY_RQ_ALLOWED) {
        d->why = p.why;
        return HY_DB_ABORT;
    }
    json_error_t e;
    json_t *cl = json_loads(d->r.checklist ? d->r.checklist : "{}", 0, &e);
    if (!json_is_object(cl)) {
        json_decref(cl);
        cl = json_object();
    }
    for (int i = 0; i < HY_RQ_CHECKLIST_ITEMS; i++)
        if (d->has_item[i])
            json_object_set_new(cl, hy_rq_checklist_items[i], json_boolean(d->items[i]));
    char *text = json_dumps(cl, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(cl);
    if (!text) return HY_DB_HARD;
    int64_t now = hy_clock_now();
    if (d->has_amount || d->reimbursement) {
        p.audit_detail = money_change(d);
        if (!p.audit_detail) {
            free(text);
            return HY_DB_HARD;
        }
    }
    x = q->set_delivery(s, d->id, text, d->has_amount, d->amount, d->reimbursement, now);
    free(text);
    if (x <= 0) return x < 0 ? x : HY_DB_HARD;
    const char *me = d->who && d->who->signed_in ? d->who->user_id : NULL;
    if ((x = write_notices(s, &d->r, NULL, &p, me, now)) < 0) return x;
    return q->get(s, d->id, d->arena, &d->r);
}
