/* requests.c — help requests and volunteer dispatch (issue 6).
 *
 *   POST /api/v1/requests                  ask for help, no account (JSON, or a form post that
 *                                          gets a page back); Idempotency-Key honoured
 *   GET  /api/v1/requests/sent             the confirmation page after a form post
 *   GET  /api/v1/requests/status           ?code=&phone= the requester's view
 *   POST /api/v1/requests/cancel           {code, phone} the requester cancels
 *   GET  /api/v1/requests                  volunteers: open requests near them (no personal
 *                                          data); coordinators: the dispatch queue
 *   GET  /api/v1/requests/mine             a volunteer's tasks, with contact details
 *   GET  /api/v1/requests/stats            coordinators: counts by status, kind, day, area
 *   GET  /api/v1/requests.csv              coordinators: export without personal data
 *   GET  /api/v1/requests/{id}             one request; contact only for coordinators/assignee
 *   POST /api/v1/requests/{id}/claim       exactly one volunteer wins; others get 409
 *   POST /api/v1/requests/{id}/release     back to open, contact hidden again
 *   POST /api/v1/requests/{id}/status      {status, reason, lat, lon}
 *   POST /api/v1/requests/{id}/assign      coordinators: {volunteer_id}
 *   GET  /api/v1/requests/{id}/suggestions coordinators: volunteers ranked for this request
 *   POST /api/v1/requests/{id}/notes       coordinators and the assignee: notes and call log
 *   POST /api/v1/requests/{id}/delivery    checklist, receipt amount, reimbursement
 *   GET  /api/v1/coverage                  public: volunteers per ~1 km cell, cells < 3 hidden
 *   POST /api/v1/inbound/sms               the SMS gateway (X-Hamyari-Secret)
 *
 * Who may see what is decided by domain/requests.h; every view of a request's personal data
 * writes an audit entry "request_contact_viewed" naming the request (and nothing personal). */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "domain/phone.h"
#include "domain/requests.h"
#include "http/parse.h"
#include "http/server.h"
#include "http/session.h"
#include "store/groups.h"
#include "store/requests.h"
#include "util/clock.h"

#define AREA_CELL_M 500.0     /* what volunteers and the public ever see of a position */
#define COVERAGE_CELL_M 1000.0
#define COVERAGE_MIN 3        /* cells with fewer volunteers are not shown */
#define STATS_CELL_M 5000.0
#define SCAN_MAX 2000         /* requests read to answer one list */
#define LIST_MAX 200
#define CSV_MAX 50000
#define KM_PER_DEG 111.19492664455873 /* on the mean-radius sphere of domain/geo.c */

static const char *const langs[] = {"fa", "en", NULL};
static const char *const outcomes[] = {"reached", "no_answer", "wrong_number", "left_message",
                                       NULL};
static const char *const note_kinds[] = {"note", "call", NULL};
static const char *const reimbursements[] = {"none", "pending", "paid", NULL};

/* ---- small helpers ---- */

static bool is_coordinator(const struct hy_principal *w) {
    return hy_is_role(w, "coordinator") || hy_is_role(w, "admin");
}

static enum hy_rq_actor actor_of(const struct hy_principal *w, const struct hy_request *r) {
    if (is_coordinator(w)) return HY_RQ_COORDINATOR;
    if (r && r->assignee_id[0] && w && w->signed_in && !strcmp(r->assignee_id, w->user_id))
        return HY_RQ_ASSIGNEE;
    return HY_RQ_VOLUNTEER;
}

static const char *lang_of(const char *l) { return l && !strcmp(l, "en") ? "en" : "fa"; }

/* "fa" when the text has Arabic-script letters, else "en". */
static const char *guess_language(const char *text) {
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p == 0xD8 || *p == 0xD9 || *p == 0xDA || *p == 0xDB) return "fa";
    return "en";
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

/* Rounds to 6 decimals for the answer (the value is a cell centre already). */
static double r6(double v) { return round(v * 1e6) / 1e6; }

static json_t *request_json(const struct hy_request *r, bool coordinator, int64_t now) {
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "id", r->id, "status", r->status, "kind",
                          r->kind, "urgency", r->urgency, "created_at", (json_int_t)r->created_at,
                          "age_minutes", (json_int_t)((now - r->created_at) / 60));
    if (!j) return NULL;
    if (r->has_area) {
        json_object_set_new(j, "lat", json_real(r6(r->lat)));
        json_object_set_new(j, "lon", json_real(r6(r->lon)));
    } else {
        json_object_set_new(j, "lat", json_null());
        json_object_set_new(j, "lon", json_null());
    }
    json_object_set_new(j, "language", json_string(r->language));
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
    json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "name", c->name ? c->name : "", "phone",
                          c->phone ? c->phone : "", "address", c->address ? c->address : "",
                          "details", c->details ? c->details : "");
    if (j && c->has_exact) {
        json_object_set_new(j, "lat", json_real(c->lat));
        json_object_set_new(j, "lon", json_real(c->lon));
    }
    return j;
}

/* Queues a message to a requester or volunteer (rendered later by the delivery worker). */
static int enqueue(hy_store *s, const char *to, const char *language, const char *tmpl,
                   json_t *params, int64_t now) {
    char *payload = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(params);
    if (!payload) return HY_DB_HARD;
    struct hy_outbox_message m = {
        .created_at = now,
        .recipient = to,
        .channel = "sms",
        .language = lang_of(language),
        .template_name = tmpl,
        .payload = payload,
    };
    int r = s->ops->outbox_insert(s, &m);
    free(payload);
    return r < 0 ? r : HY_DB_ONE;
}

static int log_event(hy_store *s, const char *id, const char *actor, const char *from,
                     const char *to, const char *reason, int64_t now) {
    struct hy_request_event e = {now, actor, from, to, reason};
    int r = s->ops->requests->event_insert(s, id, &e);
    return r <= 0 ? (r < 0 ? r : HY_DB_HARD) : HY_DB_ONE;
}

static const char *actor_id(hy_req *req) {
    return req->who && req->who->signed_in ? req->who->user_id : NULL;
}

/* ---- pages for form posts (people without JavaScript) ---- */

static char *html_escape(hy_arena *a, const char *s) {
    size_t n = 0;
    for (const char *p = s; *p; p++) n += (*p == '&') ? 5 : (*p == '<' || *p == '>') ? 4 : (*p == '"' || *p == '\'') ? 6 : 1;
    char *out = hy_arena_alloc(a, n + 1), *w = out;
    if (!out) return NULL;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: *w++ = *p; continue;
        }
        size_t k = strlen(rep);
        memcpy(w, rep, k);
        w += k;
    }
    *w = '\0';
    return out;
}

/* Answers a small, self-contained page in the site's style. `body` is trusted markup; every
 * value in it was escaped by the caller. */
static hy_result reply_page(hy_req *req, unsigned status, const char *lang, const char *title,
                            const char *body) {
    bool fa = strcmp(lang, "en") != 0;
    char *page = hy_arena_printf(
        req->arena,
        "<!doctype html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>%s — %s</title>\n<link rel=\"stylesheet\" href=\"/css/app.css\">\n</head>\n"
        "<body>\n<header class=\"site-header\"><div class=\"container header-bar\">"
        "<a class=\"brand\" href=\"/\"><span class=\"brand-text\"><span class=\"brand-name\">%s"
        "</span></span></a></div></header>\n<main id=\"main\" class=\"container\">\n<h1>%s</h1>\n"
        "%s\n</main>\n</body>\n</html>\n",
        fa ? "fa" : "en", fa ? "rtl" : "ltr", title, fa ? "همیاری" : "Hamyari",
        fa ? "همیاری" : "Hamyari", title, body);
    if (!page) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_bytes(req, status, "text/html; charset=utf-8", page, strlen(page));
}

static const char *field_label(const char *field, bool fa) {
    static const struct {
        const char *f, *fa, *en;
    } labels[] = {
        {"name", "نام", "name"},
        {"phone", "شمارهٔ تلفن", "phone number"},
        {"address", "نشانی یا نزدیک‌ترین نشانه", "address or nearest landmark"},
        {"kind", "نوع کمک", "kind of help"},
        {"details", "توضیحات", "details"},
        {"urgency", "فوریت", "urgency"},
        {"for_whom", "برای چه کسی", "for whom"},
        {"consent", "رضایت", "consent"},
        {"place", "محدوده", "area"},
        {"lat", "محدوده روی نقشه", "area on the map"},
        {"lon", "محدوده روی نقشه", "area on the map"},
    };
    for (size_t i = 0; field && i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].f, field)) return fa ? labels[i].fa : labels[i].en;
    return NULL;
}

/* A problem with a submission: JSON for scripts, a page with a way back for form posts. */
static hy_result reply_problem(hy_req *req, bool form, const char *lang, enum hy_error e,
                               const char *message, const char *field) {
    if (!form) return hy_reply_error(req, e, message, field);
    bool fa = strcmp(lang, "en") != 0;
    const char *label = field_label(field, fa);
    const char *what;
    if (e == HY_E_RATE_LIMITED)
        what = fa ? "درخواست‌های زیادی از این دستگاه فرستاده شده است. کمی بعد دوباره امتحان کنید."
                  : "Too many requests came from this device. Please try again later.";
    else if (e == HY_E_STORE_UNAVAILABLE || e == HY_E_INTERNAL)
        what = fa ? "درخواست شما ثبت نشد. لطفاً چند دقیقهٔ دیگر دوباره بفرستید."
                  : "Your request was not saved. Please send it again in a few minutes.";
    else if (field && !strcmp(field, "consent"))
        what = fa ? "برای ثبت درخواست باید با نحوهٔ استفاده و نگهداری اطلاعات موافقت کنید."
                  : "To send a request you must agree to how your details are used and kept.";
    else if (field && (!strcmp(field, "place") || !strcmp(field, "lat") || !strcmp(field, "lon")))
        what = fa ? "محدودهٔ خود را روی نقشه نشان دهید، یا جای آن را خالی بگذارید تا هماهنگ‌کننده "
                    "هنگام تماس بپرسد."
                  : "Give the area on the map, or leave it empty and the coordinator will ask "
                    "when they call.";
    else
        what = fa ? "بخشی از فرم کامل یا درست نیست." : "Part of the form is missing or not valid.";
    char *body = hy_arena_printf(
        req->arena,
        "<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p>%s%s%s</div>\n"
        "<p><a href=\"/help\">%s</a></p>",
        what, label ? "<p>" : "", label ? html_escape(req->arena, label) : "",
        label ? "</p>" : "", fa ? "بازگشت به فرم" : "Back to the form");
    return reply_page(req, hy_error_status(e), lang, fa ? "درخواست ثبت نشد" : "Request not sent",
                      body ? body : "");
}

/* ---- asking for help ---- */

#define SUBMIT_ROUTE "POST /api/v1/requests"

struct submit {
    hy_req *req;
    const char *route; /* the idempotency keys' name space */
    const char *idem_key;
    char hash[65];
    struct hy_request r;
    struct hy_request_contact c;
    /* answers */
    bool mismatch;
    int status;
    const char *body;
    /* the group commit (submit_queue): the request waits while the writer runs the job */
    bool form;              /* answer as a page (a form post), not JSON */
    const char *lang;       /* the language of a page answer */
    const char *rate_key;   /* a rate limit counted in the same transaction, or NULL */
    unsigned rate_limit, rate_window;
    bool limited;           /* the hit was over rate_limit: nothing was submitted */
    int result;             /* the job's status */
    char phone[HY_PHONE_MAX];
    char rate_buf[96];
};

static json_t *next_steps(const char *lang, const char *code, bool open) {
    bool fa = strcmp(lang, "en") != 0;
    json_t *a = json_array();
    char buf[256];
    snprintf(buf, sizeof buf, fa ? "کد پیگیری خود را نگه دارید: %s" : "Keep your tracking code: %s",
             code);
    json_array_append_new(a, json_string(buf));
    json_array_append_new(
        a, json_string(open ? (fa ? "داوطلبان نزدیک شما اکنون درخواست را بدون نام و شماره‌تان "
                                    "می‌بینند؛ کسی که آن را بپذیرد با شما تماس می‌گیرد."
                                  : "Volunteers near you can now see the request, without your "
                                    "name or number; the one who takes it will call you.")
                            : (fa ? "یکی از هماهنگ‌کنندگان با شمارهٔ شما تماس می‌گیرد تا جزئیات را "
                                    "بپرسد."
                                  : "A coordinator will call you on the number you gave to go "
                                    "through the details.")));
    json_array_append_new(a, json_string(fa ? "برای دیدن وضعیت یا لغو، کد و شمارهٔ تلفن را در صفحهٔ "
                                              "«پیگیری درخواست» وارد کنید."
                                            : "To check or cancel, enter the code and your phone "
                                              "number on the Track page."));
    json_array_append_new(a, json_string(fa ? "در موارد اضطراری همین حالا با اورژانس تماس بگیرید."
                                            : "In an emergency, call your local emergency number "
                                              "now."));
    return a;
}

static int submit_tx(hy_store *s, void *ctx) {
    struct submit *x = ctx;
    const struct hy_request_ops *q = s->ops->requests;
    hy_arena *a = x->req->arena;
    x->mismatch = false;
    int r;
    if (x->idem_key) {
        struct hy_idempotency v;
        r = q->idem_get(s, x->idem_key, x->route, a, &v);
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
    r = HY_DB_NONE;
    for (int i = 0; i < 5 && r == HY_DB_NONE; i++) {
        hy_id_new(x->r.id);
        hy_rq_code_new(x->r.tracking_code);
        r = q->insert(s, &x->r, &x->c);
    }
    if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    int64_t now = x->r.created_at;
    if ((r = log_event(s, x->r.id, NULL, "", "new", x->r.source, now)) < 0) return r;
    if (!strcmp(x->r.status, "open") &&
        (r = log_event(s, x->r.id, NULL, "new", "open", "auto_open", now)) < 0)
        return r;
    if ((r = enqueue(s, x->c.phone, x->r.language, "request_received",
                     json_pack("{s:s}", "code", x->r.tracking_code), now)) < 0)
        return r;
    if ((r = hy_audit(s, x->req, "request_created", x->r.id, x->r.source)) < 0) return r;
    json_t *body = json_pack("{s:s,s:s,s:s,s:o,s:s}", "id", x->r.id, "status", x->r.status,
                             "tracking_code", x->r.tracking_code, "next_steps",
                             next_steps(x->r.language, x->r.tracking_code,
                                        !strcmp(x->r.status, "open")),
                             "track_url", "/track");
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) return HY_DB_HARD;
    x->body = hy_arena_strdup(a, text);
    free(text);
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

/* One submission as a job of the group commit: the rate-limit hit (if any) and the request
 * itself share one savepoint of the writer's transaction, so a submission costs one share of
 * one durable commit. */
static int submit_job(hy_store *s, void *ctx) {
    struct submit *x = ctx;
    x->limited = false;
    if (x->rate_key) {
        int r = hy_rate_hit(s, x->rate_key, x->rate_limit, x->rate_window, &x->limited);
        if (r < 0) return r;
        if (x->limited) return HY_DB_ONE; /* the hit counts; nothing else happens */
    }
    return submit_tx(s, x);
}

/* Runs on the writer thread once the batch holding the job has committed (or failed). */
static void submit_done(void *ctx, int status) {
    struct submit *x = ctx;
    x->result = status;
    hy_req_wake(x->req); /* x and the request are not ours any more */
}

/* Hands the submission `x` (in the request's arena) to the store's writer and suspends the
 * request; `answer` answers once the commit is done. Without a writer (stopping) the job runs
 * here, in a transaction of its own. */
static hy_result submit_queue(hy_req *req, struct submit *x, hy_then_fn answer) {
    hy_result res = hy_req_defer(req, answer, x);
    if (hy_db_run_batched(req->srv->db, submit_job, x, submit_done) != HY_DB_ONE) {
        x->result = hy_db_run(req->srv->db, HY_TX_WRITE, submit_job, x);
        hy_req_wake(req);
    }
    return res;
}

/* Reads the body as the route allows, without answering: JSON or form. */
static bool read_input(hy_req *req, const struct hy_field *spec, bool *form,
                       struct hy_parse_error *err, hy_result *ret) {
    *form = hy_req_is_form(req);
    json_t *obj;
    if (*form) {
        if (!req->json) req->json = hy_form_parse(req->body.data ? req->body.data : "", req->body.len);
        obj = req->json;
        if (!obj) {
            err->code = HY_E_BAD_REQUEST;
            err->field = NULL;
            snprintf(err->message, sizeof err->message, "The form data is malformed.");
            return false;
        }
    } else {
        if (req->body.len == 0) {
            *ret = hy_reply_error(req, HY_E_BAD_JSON, "The body is empty; send a JSON object.", NULL);
            err->code = HY_E__COUNT;
            return false;
        }
        obj = hy_req_json(req, ret);
        if (!obj) {
            err->code = HY_E__COUNT; /* answered */
            return false;
        }
    }
    return hy_fields_check(obj, spec, *form, req->arena, err);
}

struct geo_ctx {
    hy_arena *a;
    const char *prefix, *pkey;
    struct hy_place *p;
    int n;
};

static int geo_tx(hy_store *s, void *ctx) {
    struct geo_ctx *c = ctx;
    if (!s->ops->groups || !s->ops->groups->geocode) {
        c->n = 0;
        return HY_DB_ONE;
    }
    c->n = s->ops->groups->geocode(s, c->prefix, c->pkey, 1, c->a, &c->p);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* Looks `place` up in the gazetteer (when the store has one). */
static bool geocode_place(hy_req *req, const char *place, double *lat, double *lon) {
    struct geo_ctx c = {.a = req->arena, .prefix = hy_search_text(req->arena, place)};
    char key[16];
    if (hy_postcode_key(place, key, sizeof key) && strpbrk(key, "0123456789")) c.pkey = key;
    if (!c.prefix || (!*c.prefix && !c.pkey)) return false;
    if (hy_db_run(req->srv->db, HY_TX_READ, geo_tx, &c) < 0 || c.n < 1) return false;
    *lat = c.p[0].lat;
    *lon = c.p[0].lon;
    return hy_geo_valid(*lat, *lon);
}

static bool idem_key_ok(const char *k) {
    size_t n = strlen(k);
    if (n < 1 || n > 128) return false;
    for (const char *p = k; *p; p++)
        if (*p < 0x21 || *p > 0x7e) return false;
    return true;
}

/* Answers a submission once its commit is done (runs on a server thread). */
static hy_result submit_answer(hy_req *req, void *ctx) {
    struct submit *x = ctx;
    int r = x->result;
    bool form = x->form;
    const char *language = x->lang;
    if (r >= 0 && x->limited) return hy_rate_reply(req, x->rate_window);
    if (r == HY_DB_ABORT && x->mismatch)
        return reply_problem(req, form, language, HY_E_CONFLICT,
                             "This Idempotency-Key was used with a different request.", NULL);
    if (r < 0) return form ? reply_problem(req, form, language, HY_E_STORE_UNAVAILABLE, NULL, NULL)
                           : hy_reply_store_error(req, r);
    if (form) {
        json_error_t e;
        json_t *b = json_loads(x->body, 0, &e);
        const char *code = b ? json_string_value(json_object_get(b, "tracking_code")) : NULL;
        char *loc = hy_arena_printf(req->arena, "/api/v1/requests/sent?code=%s&lang=%s",
                                    code ? code : "", lang_of(language));
        json_decref(b);
        if (!loc) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        hy_req_add_header(req, "Location", loc);
        return hy_reply_bytes(req, 303, "text/plain; charset=utf-8", "", 0);
    }
    return hy_reply_bytes(req, (unsigned)x->status, "application/json; charset=utf-8", x->body,
                          strlen(x->body));
}

hy_result hy_api_request_submit(hy_req *req) {
    const char *name, *phone_raw, *address = "", *place = NULL, *kind, *details = "",
                                  *urgency = "normal", *for_whom = "self", *language = "fa";
    double lat = 0, lon = 0;
    bool has_lat = false, has_lon = false, consent = false;
    struct hy_field spec[] = {
        HY_F_STR("name", HY_REQUIRED, 1, 100, &name),
        HY_F_STR("phone", HY_REQUIRED, 5, 40, &phone_raw),
        HY_F_STR("address", HY_REQUIRED, 1, 300, &address),
        {"lat", HY_FT_NUMBER, HY_NULLABLE, -90, 90, &lat, NULL, 0, &has_lat},
        {"lon", HY_FT_NUMBER, HY_NULLABLE, -180, 180, &lon, NULL, 0, &has_lon},
        HY_F_STR("place", HY_OPTIONAL | HY_NULLABLE, 0, 200, &place),
        HY_F_ENUM("kind", HY_REQUIRED, hy_rq_kinds, &kind),
        HY_F_STR("details", HY_OPTIONAL | HY_MULTILINE, 0, 2000, &details),
        HY_F_ENUM("urgency", HY_OPTIONAL, hy_rq_urgencies, &urgency),
        HY_F_ENUM("for_whom", HY_OPTIONAL, hy_rq_for_whom, &for_whom),
        HY_F_ENUM("language", HY_OPTIONAL, langs, &language),
        HY_F_BOOL("consent", HY_REQUIRED, &consent),
        HY_F_END,
    };
    bool form = false;
    struct hy_parse_error err;
    hy_result res = 0;
    if (!read_input(req, spec, &form, &err, &res)) {
        if (err.code == HY_E__COUNT) return res;
        /* The language field may be what failed; the page falls back to Persian. */
        const char *l = "fa";
        json_t *lj = req->json ? json_object_get(req->json, "language") : NULL;
        if (json_is_string(lj) && !strcmp(json_string_value(lj), "en")) l = "en";
        return reply_problem(req, form, l, err.code, err.message, err.field);
    }
    if (!consent)
        return reply_problem(req, form, language, HY_E_INVALID_FIELD,
                             "Consent to the stated use and retention of the data is required.",
                             "consent");
    if (has_lat != has_lon)
        return reply_problem(req, form, language, HY_E_MISSING_FIELD,
                             "Give both lat and lon, or neither.", has_lat ? "lon" : "lat");
    if (has_lat && !hy_geo_valid(lat, lon))
        return reply_problem(req, form, language, HY_E_INVALID_FIELD, "Not a position.", "lat");
    bool geocoded = false;
    if (!has_lat && place && *place) {
        /* The gazetteer of the group directory: the best match becomes the area. */
        if (!geocode_place(req, place, &lat, &lon))
            return reply_problem(req, form, language, HY_E_INVALID_FIELD,
                                 "We could not find this place: give the area on the map, or "
                                 "another place name.",
                                 "place");
        has_lat = has_lon = geocoded = true;
    }
    char phone[HY_PHONE_MAX];
    if (!hy_phone_normalise(phone_raw, req->srv->cfg->calling_code, phone))
        return reply_problem(req, form, language, HY_E_INVALID_FIELD,
                             "This is not a phone number we can use.", "phone");

    struct submit *x = hy_arena_zalloc(req->arena, sizeof *x);
    if (!x) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    x->req = req;
    x->route = SUBMIT_ROUTE;
    x->form = form;
    x->lang = language;
    memcpy(x->phone, phone, sizeof x->phone);
    const char *key = hy_req_header(req, "Idempotency-Key");
    if (key) {
        if (!idem_key_ok(key))
            return reply_problem(req, form, language, HY_E_BAD_REQUEST,
                                 "Idempotency-Key must be 1 to 128 visible ASCII characters.",
                                 NULL);
        x->idem_key = key;
        unsigned char h[32];
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, sizeof h);
        crypto_generichash_update(&st, (const unsigned char *)(form ? "form:" : "json:"), 5);
        crypto_generichash_update(&st, (const unsigned char *)(req->body.data ? req->body.data : ""),
                                  req->body.len);
        crypto_generichash_final(&st, h, sizeof h);
        sodium_bin2hex(x->hash, sizeof x->hash, h, sizeof h);
    } else {
        /* A replay of a stored answer is not counted; a new submission is. */
        snprintf(x->rate_buf, sizeof x->rate_buf, "request:ip:%s", hy_req_client_ip(req));
        if (!strcmp(hy_db_backend(req->srv->db), "postgres")) {
            /* PostgreSQL has several writers (server.c): one address's counter in their
             * batches would make concurrent batches conflict, so it is counted first, by
             * itself (one atomic statement). */
            hy_result limited;
            if (!hy_rate_allow(req, x->rate_buf, req->srv->cfg->rate_form_ip, 3600, &limited))
                return limited;
        } else { /* SQLite: counted in the submission's own job */
            x->rate_key = x->rate_buf;
            x->rate_limit = req->srv->cfg->rate_form_ip;
            x->rate_window = 3600;
        }
    }

    int64_t now = hy_clock_now();
    bool auto_open = req->srv->cfg->requests_auto_open;
    x->r.status = auto_open ? "open" : "new";
    x->r.kind = kind;
    x->r.urgency = urgency;
    x->r.for_whom = for_whom;
    x->r.language = language;
    x->r.source = "web";
    x->r.created_at = x->r.updated_at = now;
    x->r.opened_at = auto_open ? now : 0;
    if (has_lat) {
        x->r.has_area = true;
        hy_geo_round(lat, lon, AREA_CELL_M, &x->r.lat, &x->r.lon);
        /* A place's centre is not the person's position: keep no exact one for it. */
        x->c.has_exact = !geocoded;
        x->c.lat = lat;
        x->c.lon = lon;
    }
    x->c.name = name;
    x->c.phone = x->phone;
    x->c.address = address;
    x->c.details = details;
    return submit_queue(req, x, submit_answer);
}

struct sent {
    hy_req *req;
    const char *code;
};

static int sent_tx(hy_store *s, void *ctx) {
    struct sent *c = ctx;
    struct hy_request r;
    return s->ops->requests->by_code(s, c->code, c->req->arena, &r);
}

/* The page a form post is sent on to: the code (from the query, checked against the alphabet,
 * so nothing else can be echoed) and the next steps. Reveals nothing: the code alone opens
 * nothing without the phone number. */
hy_result hy_api_request_sent(hy_req *req) {
    const char *lang = lang_of(hy_req_query(req, "lang"));
    bool fa = !strcmp(lang, "fa");
    char code[HY_RQ_CODE_LEN + 1];
    const char *raw = hy_req_query(req, "code");
    int found = HY_DB_NONE;
    if (raw && hy_rq_code_normalise(raw, code)) {
        /* Unknown codes are 404 too: look-ups count as the status page's do (per address), so
         * that this page is no better for guessing codes. */
        char key[128];
        hy_result res;
        snprintf(key, sizeof key, "track:ip:%s", hy_req_client_ip(req));
        if (!hy_rate_allow(req, key, req->srv->cfg->rate_track_ip, 3600, &res)) return res;
        struct sent c = {req, code}; /* the primary: a replica may not have it yet */
        found = hy_db_run(req->srv->db, HY_TX_READ, sent_tx, &c);
        if (found < 0) return hy_reply_store_error(req, found);
    }
    if (found != HY_DB_ONE)
        return reply_page(req, 404, lang, fa ? "پیدا نشد" : "Not found",
                          fa ? "<p><a href=\"/help\">درخواست کمک</a></p>"
                             : "<p><a href=\"/help\">Ask for help</a></p>");
    json_t *steps = next_steps(lang, code, req->srv->cfg->requests_auto_open);
    hy_buf b = HY_BUF_INIT(16384);
    hy_buf_printf(&b,
                  "<div class=\"notice notice-important\" role=\"status\"><p>%s</p>"
                  "<p class=\"tracking-code\" id=\"tracking-code\" lang=\"en\" dir=\"ltr\">%s</p></div>\n<ol>",
                  fa ? "درخواست شما ثبت شد. کد پیگیری شما:" : "Your request has been received. "
                                                              "Your tracking code:",
                  code);
    size_t i;
    json_t *v;
    json_array_foreach(steps, i, v) {
        char *e = html_escape(req->arena, json_string_value(v));
        hy_buf_printf(&b, "<li>%s</li>", e ? e : "");
    }
    hy_buf_printf(&b, "</ol>\n<p><a href=\"/track\">%s</a></p>",
                  fa ? "پیگیری درخواست" : "Track my request");
    json_decref(steps);
    char *body = hy_arena_strdup(req->arena, b.data ? b.data : "");
    hy_buf_free(&b);
    return reply_page(req, 200, lang, fa ? "درخواست شما رسید" : "Request received",
                      body ? body : "");
}

/* ---- the requester: status and cancel with code + phone ---- */

struct track {
    hy_req *req;
    char code[HY_RQ_CODE_LEN + 1];
    char phone[HY_PHONE_MAX];
    bool code_ok, phone_ok, cancel;
    struct hy_request r;
    bool matched, illegal;
};

static int track_tx(hy_store *s, void *ctx) {
    struct track *t = ctx;
    t->matched = t->illegal = false;
    const struct hy_request_ops *q = s->ops->requests;
    struct hy_request r;
    struct hy_request_contact c = {0};
    int x = t->code_ok ? q->by_code(s, t->code, t->req->arena, &r) : HY_DB_NONE;
    if (x < 0) return x;
    if (x == HY_DB_ONE) {
        int y = q->contact_get(s, r.id, t->req->arena, &c);
        if (y < 0) return y;
        if (y == HY_DB_NONE) c.phone = NULL;
    }
    /* Compare even when nothing was found, so both failures take the same path. */
    bool same = hy_secret_equal(c.phone ? c.phone : "+000000000000000", t->phone_ok ? t->phone : "-");
    if (x != HY_DB_ONE || !c.phone || !same) return HY_DB_ABORT;
    t->matched = true;
    t->r = r;
    if (!t->cancel) return HY_DB_ONE;
    if (hy_rq_transition(r.status, "cancelled", HY_RQ_REQUESTER) != HY_RQ_OK) {
        t->illegal = true;
        return HY_DB_ABORT;
    }
    int64_t now = hy_clock_now();
    x = q->set_status(s, r.id, r.status, "cancelled", NULL, "requester", now);
    if (x <= 0) return x < 0 ? x : HY_DB_SOFT;
    if ((x = log_event(s, r.id, NULL, r.status, "cancelled", "requester", now)) < 0) return x;
    if ((x = enqueue(s, c.phone, r.language, "request_cancelled",
                     json_pack("{s:s}", "code", r.tracking_code), now)) < 0)
        return x;
    if ((x = hy_audit(s, t->req, "request_cancelled", r.id, "requester")) < 0) return x;
    t->r.status = "cancelled";
    return HY_DB_ONE;
}

static hy_result track(hy_req *req, const char *code, const char *phone, bool cancel) {
    hy_result res;
    const struct hy_server_config *cfg = req->srv->cfg;
    char key[128];
    snprintf(key, sizeof key, "track:ip:%s", hy_req_client_ip(req));
    if (!hy_rate_allow(req, key, cfg->rate_track_ip, 3600, &res)) return res;
    struct track t = {.req = req, .cancel = cancel};
    t.code_ok = hy_rq_code_normalise(code, t.code);
    t.phone_ok = hy_phone_normalise(phone, cfg->calling_code, t.phone);
    if (t.code_ok) {
        snprintf(key, sizeof key, "track:code:%s", t.code);
        if (!hy_rate_allow(req, key, cfg->rate_track_code, 3600, &res)) return res;
    }
    int r = hy_db_run(req->srv->db, cancel ? HY_TX_WRITE : HY_TX_READ, track_tx, &t);
    if (r == HY_DB_ABORT && t.illegal)
        return hy_reply_error(req, HY_E_CONFLICT, "This request can no longer be cancelled here; "
                                                  "call the coordinators.", NULL);
    if (r == HY_DB_ABORT || !t.matched)
        return hy_reply_error(req, HY_E_NOT_FOUND,
                              "No request matches this tracking code and phone number.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_request *q = &t.r;
    json_t *body = json_pack(
        "{s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:b}", "tracking_code", q->tracking_code, "status",
        q->status, "kind", q->kind, "urgency", q->urgency, "created_at", (json_int_t)q->created_at,
        "updated_at", (json_int_t)q->updated_at, "volunteer_assigned", q->assignee_id[0] != 0,
        "can_cancel", hy_rq_transition(q->status, "cancelled", HY_RQ_REQUESTER) == HY_RQ_OK);
    return hy_reply_json(req, 200, body);
}

hy_result hy_api_request_status(hy_req *req) {
    const char *code = hy_req_query(req, "code"), *phone = hy_req_query(req, "phone");
    if (!code || !*code) return hy_reply_error(req, HY_E_INVALID_QUERY, "Give code.", "code");
    if (!phone || !*phone) return hy_reply_error(req, HY_E_INVALID_QUERY, "Give phone.", "phone");
    if (strlen(code) > 40 || strlen(phone) > 40)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "Too long.", strlen(code) > 40 ? "code" : "phone");
    return track(req, code, phone, false);
}

hy_result hy_api_request_cancel(hy_req *req) {
    const char *code, *phone;
    struct hy_field spec[] = {
        HY_F_STR("code", HY_REQUIRED, 1, 40, &code),
        HY_F_STR("phone", HY_REQUIRED, 1, 40, &phone),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    return track(req, code, phone, true);
}

/* ---- lists ---- */

static bool parse_near(const char *s, double *lat, double *lon) {
    char *end;
    *lat = strtod(s, &end);
    if (end == s || *end != ',') return false;
    const char *p = end + 1;
    *lon = strtod(p, &end);
    return end != p && *end == '\0' && hy_geo_valid(*lat, *lon);
}

static bool parse_num(const char *s, double min, double max, double *out) {
    if (!s) return false;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < min || v > max) return false;
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

struct list_ctx {
    hy_req *req;
    struct hy_request_filter f;
    struct hy_request *rows;
    int n;
};

static int list_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
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

hy_result hy_api_request_list(hy_req *req) {
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

    struct list_ctx c = {.req = req};
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
    int r = hy_db_run(req->srv->db, HY_TX_READ, list_tx, &c);
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
        if (c->has[i] && (x = hy_audit(s, c->req, "request_contact_viewed", c->rows[i].id,
                                       "assignee")) < 0)
            return x;
    }
    return HY_DB_ONE;
}

hy_result hy_api_request_mine(hy_req *req) {
    hy_req_principal(req);
    struct mine_ctx c = {.req = req};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, mine_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    int64_t now = hy_clock_now();
    json_t *arr = json_array();
    for (int i = 0; i < c.n; i++) {
        json_t *j = request_json(&c.rows[i], false, now);
        json_object_set_new(j, "tracking_code", json_string(c.rows[i].tracking_code));
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
    c->actor = actor_of(c->req->who, &c->r);
    if (c->actor == HY_RQ_VOLUNTEER && strcmp(c->r.status, "open") != 0) {
        c->hidden = true;
        return HY_DB_ABORT;
    }
    if (!hy_rq_may_see_contact(c->actor)) return HY_DB_ONE;
    r = q->contact_get(s, c->id, c->req->arena, &c->c);
    if (r < 0) return r;
    c->has_contact = r == HY_DB_ONE;
    if (c->has_contact &&
        (r = hy_audit(s, c->req, "request_contact_viewed", c->id,
                      c->actor == HY_RQ_ASSIGNEE ? "assignee" : "coordinator")) < 0)
        return r;
    if ((r = q->events(s, c->id, c->req->arena, &c->ev)) < 0) return r;
    c->nev = r;
    if ((r = q->notes(s, c->id, c->req->arena, &c->notes)) < 0) return r;
    c->nnotes = r;
    return HY_DB_ONE;
}

hy_result hy_api_request_get(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct one_ctx c = {.req = req, .id = req->args[0]};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, one_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    bool coord = c.actor == HY_RQ_COORDINATOR;
    json_t *j = request_json(&c.r, coord, hy_clock_now());
    if (c.actor == HY_RQ_ASSIGNEE) json_object_set_new(j, "tracking_code", json_string(c.r.tracking_code));
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

enum move_kind { MOVE_CLAIM, MOVE_STATUS, MOVE_ASSIGN };

struct move {
    hy_req *req;
    enum move_kind kind;
    const char *id;
    const char *to;        /* MOVE_STATUS */
    const char *reason;    /* may be NULL */
    const char *volunteer; /* MOVE_ASSIGN */
    bool has_area;
    double lat, lon;
    /* answers */
    struct hy_request r;
    struct hy_request_contact c;
    bool has_contact;
    enum hy_error fail;
    const char *fail_msg;
};

static int move_fail(struct move *m, enum hy_error e, const char *msg) {
    m->fail = e;
    m->fail_msg = msg;
    return HY_DB_ABORT;
}

static int verdict_fail(struct move *m, enum hy_rq_verdict v) {
    return v == HY_RQ_FORBIDDEN ? move_fail(m, HY_E_FORBIDDEN, "You may not make this change.")
                                : move_fail(m, HY_E_CONFLICT, "This change is not possible in the request's current status.");
}

/* Reads the contact for the answer and the requester's message; audits the view when the
 * caller is shown it. */
static int move_contact(hy_store *s, struct move *m, bool shown) {
    int r = s->ops->requests->contact_get(s, m->id, m->req->arena, &m->c);
    if (r < 0) return r;
    m->has_contact = r == HY_DB_ONE;
    if (m->has_contact && shown)
        return hy_audit(s, m->req, "request_contact_viewed", m->id,
                        m->kind == MOVE_CLAIM ? "assignee" : "coordinator");
    return HY_DB_ONE;
}

static int move_tx(hy_store *s, void *ctx) {
    struct move *m = ctx;
    const struct hy_request_ops *q = s->ops->requests;
    hy_arena *a = m->req->arena;
    const char *me = actor_id(m->req);
    int64_t now = hy_clock_now();
    m->fail = HY_E__COUNT;
    m->has_contact = false;
    int r;
    if (m->kind == MOVE_CLAIM) {
        r = q->claim(s, m->id, me, now);
        if (r < 0) return r;
        if (r == HY_DB_NONE) {
            struct hy_request cur;
            int x = q->get(s, m->id, a, &cur);
            if (x < 0) return x;
            if (x == HY_DB_NONE || (actor_of(m->req->who, &cur) == HY_RQ_VOLUNTEER &&
                                    !strcmp(cur.status, "new")))
                return move_fail(m, HY_E_NOT_FOUND, "No such request.");
            return move_fail(m, HY_E_CONFLICT, "Someone else has taken this request, or it is no longer open.");
        }
        if ((r = q->get(s, m->id, a, &m->r)) <= 0) return r < 0 ? r : HY_DB_HARD;
        if ((r = log_event(s, m->id, me, "open", "claimed", NULL, now)) < 0) return r;
        if ((r = move_contact(s, m, true)) < 0) return r;
        if (m->has_contact &&
            (r = enqueue(s, m->c.phone, m->r.language, "request_claimed",
                         json_pack("{s:s}", "code", m->r.tracking_code), now)) < 0)
            return r;
        return hy_audit(s, m->req, "request_claimed", m->id, "");
    }

    if ((r = q->get(s, m->id, a, &m->r)) < 0) return r;
    if (r == HY_DB_NONE) return move_fail(m, HY_E_NOT_FOUND, "No such request.");
    enum hy_rq_actor actor = actor_of(m->req->who, &m->r);
    const char *from = m->r.status;
    if (actor == HY_RQ_VOLUNTEER && strcmp(from, "open") != 0)
        return move_fail(m, HY_E_NOT_FOUND, "No such request.");

    if (m->kind == MOVE_ASSIGN) {
        if (strcmp(from, "open") && strcmp(from, "claimed") && strcmp(from, "in_progress"))
            return move_fail(m, HY_E_CONFLICT, "Only open or taken requests can be assigned.");
        struct hy_user u;
        if ((r = s->ops->user_get(s, m->volunteer, a, &u)) < 0) return r;
        if (r == HY_DB_NONE || strcmp(u.status, "approved") != 0 ||
            (strcmp(u.role, "volunteer") && strcmp(u.role, "coordinator")))
            return move_fail(m, HY_E_INVALID_FIELD, "This is not an approved volunteer.");
        bool fresh = !strcmp(from, "open");
        const char *to = fresh ? "claimed" : from;
        r = q->set_status(s, m->id, from, to, m->volunteer, fresh ? "assigned" : "reassigned", now);
        if (r <= 0) return r < 0 ? r : HY_DB_SOFT;
        if ((r = log_event(s, m->id, me, from, to, fresh ? "assigned" : "reassigned", now)) < 0)
            return r;
        if ((r = move_contact(s, m, true)) < 0) return r;
        if (fresh && m->has_contact &&
            (r = enqueue(s, m->c.phone, m->r.language, "request_claimed",
                         json_pack("{s:s}", "code", m->r.tracking_code), now)) < 0)
            return r;
        if ((r = hy_audit(s, m->req, "request_assigned", m->id, m->volunteer)) < 0) return r;
        return q->get(s, m->id, a, &m->r);
    }

    /* MOVE_STATUS (release is a move to open) */
    const char *to = m->to;
    enum hy_rq_verdict v = hy_rq_transition(from, to, actor);
    if (v != HY_RQ_OK) return verdict_fail(m, v);
    if (m->has_area && actor != HY_RQ_COORDINATOR)
        return move_fail(m, HY_E_FORBIDDEN, "Only coordinators set a request's area.");
    const char *assignee = !strcmp(to, "open") ? "" : NULL;
    r = q->set_status(s, m->id, from, to, assignee, m->reason, now);
    if (r <= 0) return r < 0 ? r : HY_DB_SOFT;
    if ((r = log_event(s, m->id, me, from, to, m->reason, now)) < 0) return r;
    if (m->has_area) {
        double rl, ro;
        hy_geo_round(m->lat, m->lon, AREA_CELL_M, &rl, &ro);
        if ((r = q->set_area(s, m->id, rl, ro, m->lat, m->lon, now)) < 0) return r;
    }
    bool shown = hy_rq_may_see_contact(actor) && strcmp(to, "open") != 0;
    if ((r = move_contact(s, m, false)) < 0) return r;
    if (m->has_contact && !strcmp(to, "delivered") &&
        (r = enqueue(s, m->c.phone, m->r.language, "request_delivered",
                     json_pack("{s:s}", "code", m->r.tracking_code), now)) < 0)
        return r;
    if (m->has_contact && !strcmp(to, "cancelled") &&
        (r = enqueue(s, m->c.phone, m->r.language, "request_cancelled",
                     json_pack("{s:s}", "code", m->r.tracking_code), now)) < 0)
        return r;
    if (!shown) m->has_contact = false;
    else if (m->has_contact && (r = hy_audit(s, m->req, "request_contact_viewed", m->id,
                                             actor == HY_RQ_ASSIGNEE ? "assignee" : "coordinator")) < 0)
        return r;
    char detail[64];
    snprintf(detail, sizeof detail, "%s>%s", from, to);
    if ((r = hy_audit(s, m->req, "request_status", m->id, detail)) < 0) return r;
    return q->get(s, m->id, a, &m->r);
}

static hy_result run_move(hy_req *req, struct move *m, unsigned ok_status) {
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, move_tx, m);
    if (r == HY_DB_ABORT && m->fail != HY_E__COUNT)
        return hy_reply_error(req, m->fail, m->fail_msg, m->fail == HY_E_INVALID_FIELD ? "volunteer_id" : NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_principal *who = req->who;
    json_t *j = request_json(&m->r, is_coordinator(who), hy_clock_now());
    if (m->has_contact) {
        json_object_set_new(j, "contact", contact_json(&m->c));
        json_object_set_new(j, "tracking_code", json_string(m->r.tracking_code));
        add_delivery(j, &m->r);
    }
    return hy_reply_json(req, ok_status, j);
}

hy_result hy_api_request_claim(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct move m = {.req = req, .kind = MOVE_CLAIM, .id = req->args[0]};
    return run_move(req, &m, 200);
}

hy_result hy_api_request_release(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct move m = {.req = req, .kind = MOVE_STATUS, .id = req->args[0], .to = "open",
                     .reason = "released"};
    return run_move(req, &m, 200);
}

hy_result hy_api_request_move(hy_req *req) {
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
    struct move m = {.req = req, .kind = MOVE_STATUS, .id = req->args[0], .to = to,
                     .reason = reason, .has_area = has_lat, .lat = lat, .lon = lon};
    return run_move(req, &m, 200);
}

hy_result hy_api_request_assign(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    const char *vid;
    struct hy_field spec[] = {HY_F_STR("volunteer_id", HY_REQUIRED, 32, 32, &vid), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_id_valid(vid))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "This is not an approved volunteer.", "volunteer_id");
    struct move m = {.req = req, .kind = MOVE_ASSIGN, .id = req->args[0], .volunteer = vid};
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

hy_result hy_api_request_suggestions(hy_req *req) {
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
    enum hy_rq_actor a = actor_of(c->req->who, &r);
    if (a != HY_RQ_COORDINATOR && a != HY_RQ_ASSIGNEE) {
        c->forbidden = a == HY_RQ_VOLUNTEER && !strcmp(r.status, "open");
        return HY_DB_ABORT;
    }
    if (r.purged) return HY_DB_ABORT;
    x = s->ops->requests->note_insert(s, c->id, &c->n);
    return x <= 0 ? (x < 0 ? x : HY_DB_HARD) : HY_DB_ONE;
}

hy_result hy_api_request_note(hy_req *req) {
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

static const char *const checklist_items[] = {"mask", "gloves", "leave_at_door", "step_back", NULL};

struct delivery_ctx {
    hy_req *req;
    const char *id;
    bool items[4], has_item[4];
    bool has_amount;
    double amount;
    const char *reimbursement;
    struct hy_request r;
    enum hy_error fail;
};

static int delivery_tx(hy_store *s, void *ctx) {
    struct delivery_ctx *c = ctx;
    const struct hy_request_ops *q = s->ops->requests;
    c->fail = HY_E__COUNT;
    int x = q->get(s, c->id, c->req->arena, &c->r);
    if (x < 0) return x;
    if (x == HY_DB_NONE) return c->fail = HY_E_NOT_FOUND, HY_DB_ABORT;
    enum hy_rq_actor a = actor_of(c->req->who, &c->r);
    if (a == HY_RQ_VOLUNTEER) return c->fail = HY_E_NOT_FOUND, HY_DB_ABORT;
    if (c->reimbursement && !strcmp(c->reimbursement, "paid") && a != HY_RQ_COORDINATOR)
        return c->fail = HY_E_FORBIDDEN, HY_DB_ABORT;
    if (strcmp(c->r.status, "claimed") && strcmp(c->r.status, "in_progress") &&
        strcmp(c->r.status, "delivered") && strcmp(c->r.status, "closed"))
        return c->fail = HY_E_CONFLICT, HY_DB_ABORT;
    json_error_t e;
    json_t *cl = json_loads(c->r.checklist ? c->r.checklist : "{}", 0, &e);
    if (!json_is_object(cl)) {
        json_decref(cl);
        cl = json_object();
    }
    for (int i = 0; i < 4; i++)
        if (c->has_item[i]) json_object_set_new(cl, checklist_items[i], json_boolean(c->items[i]));
    char *text = json_dumps(cl, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(cl);
    if (!text) return HY_DB_HARD;
    x = q->set_delivery(s, c->id, text, c->has_amount, c->amount, c->reimbursement, hy_clock_now());
    free(text);
    if (x <= 0) return x < 0 ? x : HY_DB_HARD;
    if ((x = hy_audit(s, c->req, "request_delivery", c->id, c->reimbursement ? c->reimbursement : "")) < 0)
        return x;
    return q->get(s, c->id, c->req->arena, &c->r);
}

hy_result hy_api_request_delivery(hy_req *req) {
    hy_req_principal(req);
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such request.", NULL);
    struct delivery_ctx c = {.req = req, .id = req->args[0]};
    struct hy_field spec[] = {
        {"mask", HY_FT_BOOL, 0, 0, 0, &c.items[0], NULL, 0, &c.has_item[0]},
        {"gloves", HY_FT_BOOL, 0, 0, 0, &c.items[1], NULL, 0, &c.has_item[1]},
        {"leave_at_door", HY_FT_BOOL, 0, 0, 0, &c.items[2], NULL, 0, &c.has_item[2]},
        {"step_back", HY_FT_BOOL, 0, 0, 0, &c.items[3], NULL, 0, &c.has_item[3]},
        {"receipt_amount", HY_FT_NUMBER, HY_NULLABLE, 0, 1e9, &c.amount, NULL, 0, &c.has_amount},
        HY_F_ENUM("reimbursement", HY_OPTIONAL, reimbursements, &c.reimbursement),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, delivery_tx, &c);
    if (r == HY_DB_ABORT && c.fail != HY_E__COUNT)
        return hy_reply_error(req, c.fail,
                              c.fail == HY_E_NOT_FOUND ? "No such request."
                              : c.fail == HY_E_CONFLICT ? "The request is not being delivered."
                                                        : NULL,
                              NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *j = request_json(&c.r, is_coordinator(req->who), hy_clock_now());
    add_delivery(j, &c.r);
    return hy_reply_json(req, 200, j);
}

/* ---- statistics and export ---- */

struct stats_ctx {
    hy_req *req;
    struct hy_request_stat_row *rows;
    int n;
};

static int stats_tx(hy_store *s, void *ctx) {
    struct stats_ctx *c = ctx;
    int r = s->ops->requests->stats(s, c->req->arena, &c->rows);
    if (r < 0) return r;
    c->n = r;
    return HY_DB_ONE;
}

static void day_string(int64_t day, char out[11]) {
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void bump(json_t *obj, const char *key, json_int_t n) {
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer((v ? json_integer_value(v) : 0) + n));
}

hy_result hy_api_request_stats(hy_req *req) {
    struct stats_ctx c = {.req = req};
    int r = hy_db_run(req->srv->db, HY_TX_READ, stats_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *by_status = json_object(), *by_kind = json_object(), *days = json_object(),
           *cells = json_object();
    for (int i = 0; hy_rq_statuses[i]; i++) json_object_set_new(by_status, hy_rq_statuses[i], json_integer(0));
    for (int i = 0; hy_rq_kinds[i]; i++) json_object_set_new(by_kind, hy_rq_kinds[i], json_integer(0));
    json_int_t total = 0, no_area = 0;
    for (int i = 0; i < c.n; i++) {
        struct hy_request_stat_row *x = &c.rows[i];
        total += x->count;
        bump(by_status, x->status, x->count);
        bump(by_kind, x->kind, x->count);
        char d[11];
        day_string(x->day, d);
        bump(days, d, x->count);
        if (!x->has_area) {
            no_area += x->count;
            continue;
        }
        double la, lo;
        hy_geo_round(x->lat, x->lon, STATS_CELL_M, &la, &lo);
        char key[64];
        snprintf(key, sizeof key, "%.6f,%.6f", la, lo);
        bump(cells, key, x->count);
    }
    json_t *by_day = json_array(), *by_area = json_array();
    const char *k;
    json_t *v;
    /* Days in order (an object's keys come in insertion order). */
    size_t nd = json_object_size(days), w = 0;
    const char **keys = hy_arena_alloc(req->arena, sizeof *keys * (nd ? nd : 1));
    if (!keys) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    json_object_foreach(days, k, v) keys[w++] = k;
    for (size_t i = 1; i < w; i++)
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    for (size_t i = 0; i < w; i++)
        json_array_append_new(by_day, json_pack("{s:s,s:O}", "day", keys[i], "count", json_object_get(days, keys[i])));
    json_object_foreach(cells, k, v) {
        char *comma;
        double la = strtod(k, &comma), lo = *comma == ',' ? strtod(comma + 1, NULL) : 0;
        json_array_append_new(by_area, json_pack("{s:f,s:f,s:O}", "lat", la, "lon", lo, "count", v));
    }
    json_decref(days);
    json_decref(cells);
    return hy_reply_json(req, 200,
                         json_pack("{s:I,s:o,s:o,s:o,s:o,s:I,s:f}", "total", total, "by_status",
                                   by_status, "by_kind", by_kind, "by_day", by_day, "by_area",
                                   by_area, "without_area", no_area, "area_cell_km",
                                   STATS_CELL_M / 1000));
}

hy_result hy_api_request_csv(hy_req *req) {
    struct list_ctx c = {.req = req};
    c.f.limit = CSV_MAX;
    int r = hy_db_run(req->srv->db, HY_TX_READ, list_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    hy_buf b = HY_BUF_INIT(64u * 1024 * 1024);
    hy_buf_puts(&b, "id,created_at,status,kind,urgency,for_whom,language,source,lat,lon,"
                    "opened_at,claimed_at,closed_at,receipt_amount,reimbursement\r\n");
    for (int i = 0; i < c.n; i++) {
        const struct hy_request *x = &c.rows[i];
        char lat[32] = "", lon[32] = "", amount[32] = "", o[24] = "", cl[24] = "", cd[24] = "";
        if (x->has_area) {
            snprintf(lat, sizeof lat, "%.6f", x->lat);
            snprintf(lon, sizeof lon, "%.6f", x->lon);
        }
        if (x->has_receipt) snprintf(amount, sizeof amount, "%.2f", x->receipt_amount);
        if (x->opened_at) snprintf(o, sizeof o, "%lld", (long long)x->opened_at);
        if (x->claimed_at) snprintf(cl, sizeof cl, "%lld", (long long)x->claimed_at);
        if (x->closed_at) snprintf(cd, sizeof cd, "%lld", (long long)x->closed_at);
        /* Every field is from a fixed vocabulary, a number or a hex id: nothing to quote. */
        if (hy_buf_printf(&b, "%s,%lld,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", x->id,
                          (long long)x->created_at, x->status, x->kind, x->urgency, x->for_whom,
                          x->language, x->source, lat, lon, o, cl, cd, amount,
                          x->reimbursement ? x->reimbursement : "") < 0) {
            hy_buf_free(&b);
            return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        }
    }
    hy_req_add_header(req, "Content-Disposition", "attachment; filename=\"requests.csv\"");
    hy_result res = hy_reply_bytes(req, 200, "text/csv; charset=utf-8", b.data ? b.data : "", b.len);
    hy_buf_free(&b);
    return res;
}

/* ---- the public coverage map ---- */

struct cov_ctx {
    hy_req *req;
    struct hy_request_volunteer *v;
    int n;
};

static int cov_tx(hy_store *s, void *ctx) {
    struct cov_ctx *c = ctx;
    int r = s->ops->requests->volunteers(s, NULL, 200000, c->req->arena, &c->v);
    if (r < 0) return r;
    c->n = r;
    return HY_DB_ONE;
}

struct cell {
    double lat, lon;
    long count;
};

static int by_cell(const void *x, const void *y) {
    const struct cell *a = x, *b = y;
    if (a->lat != b->lat) return a->lat < b->lat ? -1 : 1;
    if (a->lon != b->lon) return a->lon < b->lon ? -1 : 1;
    return 0;
}

hy_result hy_api_coverage(hy_req *req) {
    struct cov_ctx c = {.req = req};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, cov_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    struct cell *cells = hy_arena_alloc(req->arena, sizeof *cells * (size_t)(c.n ? c.n : 1));
    if (!cells) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    for (int i = 0; i < c.n; i++) {
        cells[i].count = 1;
        hy_geo_round(c.v[i].lat, c.v[i].lon, COVERAGE_CELL_M, &cells[i].lat, &cells[i].lon);
    }
    qsort(cells, (size_t)c.n, sizeof *cells, by_cell);
    json_t *arr = json_array();
    for (int i = 0; i < c.n;) {
        int j = i;
        while (j < c.n && by_cell(&cells[i], &cells[j]) == 0) j++;
        if (j - i >= COVERAGE_MIN)
            json_array_append_new(arr, json_pack("{s:f,s:f,s:i}", "lat", r6(cells[i].lat), "lon",
                                                 r6(cells[i].lon), "count", j - i));
        i = j;
    }
    return hy_reply_json(req, 200, json_pack("{s:o,s:f,s:i}", "cells", arr, "cell_km",
                                             COVERAGE_CELL_M / 1000, "min_count", COVERAGE_MIN));
}

/* ---- inbound SMS ---- */

/* Answers an inbound SMS once its commit is done (runs on a server thread). */
static hy_result inbound_answer(hy_req *req, void *ctx) {
    struct submit *x = ctx;
    int r = x->result;
    if (r == HY_DB_ABORT && x->mismatch)
        return hy_reply_error(req, HY_E_CONFLICT, "This message id was used for another message.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_bytes(req, (unsigned)x->status, "application/json; charset=utf-8", x->body,
                          strlen(x->body));
}

hy_result hy_api_inbound_sms(hy_req *req) {
    const struct hy_server_config *cfg = req->srv->cfg;
    if (!cfg->inbound_secret || !*cfg->inbound_secret)
        return hy_reply_error(req, HY_E_NOT_FOUND, "Inbound SMS is not configured.", NULL);
    const char *given = hy_req_header(req, "X-Hamyari-Secret");
    if (!given || !hy_secret_equal(given, cfg->inbound_secret))
        return hy_reply_error(req, HY_E_FORBIDDEN, "Wrong or missing X-Hamyari-Secret.", NULL);
    const char *from, *text, *to = NULL, *message_id = NULL;
    json_t *received_at = NULL;
    struct hy_field spec[] = {
        HY_F_STR("from", HY_REQUIRED, 3, 40, &from),
        HY_F_STR("text", HY_REQUIRED | HY_MULTILINE, 1, 1600, &text),
        HY_F_STR("to", HY_OPTIONAL | HY_NULLABLE, 0, 40, &to),
        HY_F_STR("message_id", HY_OPTIONAL | HY_NULLABLE, 0, 200, &message_id),
        HY_F_ANY("received_at", HY_OPTIONAL, &received_at),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    char phone[HY_PHONE_MAX];
    if (!hy_phone_normalise(from, cfg->calling_code, phone))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "This is not a phone number we can use.", "from");
    struct submit *x = hy_arena_zalloc(req->arena, sizeof *x);
    if (!x) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    x->req = req;
    x->route = "POST /api/v1/inbound/sms";
    memcpy(x->phone, phone, sizeof x->phone);
    if (message_id && *message_id && idem_key_ok(message_id)) {
        /* A gateway that retries sends the same message id: create nothing new. */
        x->idem_key = message_id;
        unsigned char h[32];
        crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text),
                           (const unsigned char *)phone, strlen(phone));
        sodium_bin2hex(x->hash, sizeof x->hash, h, sizeof h);
    }
    int64_t now = hy_clock_now();
    x->r.status = "new"; /* awaiting a coordinator's call-back, whatever the setting */
    x->r.kind = "other";
    x->r.urgency = "normal";
    x->r.for_whom = "self";
    x->r.language = guess_language(text);
    x->r.source = "sms";
    x->r.created_at = x->r.updated_at = now;
    x->c.name = "";
    x->c.phone = x->phone;
    x->c.address = "";
    x->c.details = text;
    return submit_queue(req, x, inbound_answer);
}
