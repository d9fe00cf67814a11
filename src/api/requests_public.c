/* requests_public.c — asking for help, without an account, and following one's request.
 *
 *   POST /api/v1/requests         ask for help (JSON, or a form post that gets a page back);
 *                                 Idempotency-Key honoured
 *   POST /api/v1/requests/phone   coordinators: a request taken by phone, the same workflow
 *   GET  /api/v1/requests/sent    the confirmation page after a form post
 *   POST /api/v1/inbound/sms      the SMS gateway (X-Hamyari-Secret): a text becomes a request
 *
 * A submission is stored by the group commit (hy_db_run_batched): the handler checks the
 * input, suspends the request and queues one job; the answer is given once its commit is
 * done. The workflow itself is app/requests.h; following and cancelling a request is
 * requests_track.c. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/pages.h"
#include "api/requests.h"
#include "app/faq.h"
#include "app/requests.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "domain/phone.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/groups.h"
#include "util/clock.h"

static const char *const langs[] = {"fa", "en", NULL};

/* "fa" when the text has Arabic-script letters, else "en". */
static const char *guess_language(const char *text) {
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p == 0xD8 || *p == 0xD9 || *p == 0xDA || *p == 0xDB) return "fa";
    return "en";
}

/* ---- asking for help ---- */

#define SUBMIT_ROUTE "POST /api/v1/requests"

struct submit {
    hy_req *req;
    struct hy_rq_submission sub; /* the request, its rate limit and what its storing found */
    /* the group commit (submit_queue): the request waits while the writer runs the job */
    bool form;              /* answer as a page (a form post), not JSON */
    const char *lang;       /* the language of a page answer */
    int result;             /* the job's status */
    char phone[HY_PHONE_MAX];
    char rate_buf[96];
    /* The rate-limit hit counted by the writer before the batch (a backend whose ops say
     * rate_hit_outside_batch), when `counted` is set. */
    struct hy_batch_hit hit;
    bool counted;
};

/* The answer to a new request (hy_rq_submission.answer). */
static const char *submit_answer_body(const struct hy_request *r, hy_arena *a) {
    bool open = !strcmp(r->status, "open");
    json_t *body = json_pack("{s:s,s:s,s:s,s:o,s:s}", "id", r->id, "status", r->status,
                             "tracking_code", r->tracking_code, "next_steps",
                             hy_page_next_steps(r->language, r->tracking_code, open), "track_url",
                             "/track");
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    const char *copy = text ? hy_arena_strdup(a, text) : NULL;
    free(text);
    return copy;
}

/* One submission as a job of the group commit: the rate-limit hit (if counted there) and the
 * request itself share one savepoint of the writer's transaction, so a submission costs one
 * share of one durable commit. */
static int submit_job(hy_store *s, void *ctx) {
    struct submit *x = ctx;
    if (x->counted && x->hit.over) { /* over the limit: the hit stays, nothing is stored */
        x->sub.limited = true;
        return HY_DB_ONE;
    }
    return hy_rq_submit_tx(s, &x->sub);
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
    if (hy_db_run_batched_hit(req->srv->db, submit_job, x, submit_done,
                              x->counted ? &x->hit : NULL) != HY_DB_ONE) {
        if (x->counted) { /* counted in the job's own transaction instead */
            x->counted = false;
            x->sub.rate_key = x->hit.key;
            x->sub.rate_limit = x->hit.limit;
        }
        x->result = hy_db_run(req->srv->db, HY_TX_WRITE, submit_job, x);
        hy_req_wake(req);
    }
    return res;
}

enum input { INPUT_OK, INPUT_BAD /* *err says what */, INPUT_ANSWERED /* *ret is the answer */ };

/* Reads the body as the route allows, JSON or form, and checks it against spec; answers only
 * a body that cannot be read at all. */
static enum input read_input(hy_req *req, const struct hy_field *spec, bool *form,
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
            return INPUT_BAD;
        }
    } else {
        if (req->body.len == 0) {
            *ret = hy_reply_error(req, HY_E_BAD_JSON, "The body is empty; send a JSON object.", NULL);
            return INPUT_ANSWERED;
        }
        obj = hy_req_json(req, ret);
        if (!obj) return INPUT_ANSWERED;
    }
    return hy_fields_check(obj, spec, *form, req->arena, err) ? INPUT_OK : INPUT_BAD;
}

struct geo_ctx {
    hy_arena *a;
    struct hy_geocode_query q;
    struct hy_place *p;
    int n;
};

static int geo_tx(hy_store *s, void *ctx) {
    struct geo_ctx *c = ctx;
    if (!s->ops->groups || !s->ops->groups->geocode) {
        c->n = 0;
        return HY_DB_ONE;
    }
    c->n = s->ops->groups->geocode(s, &c->q, c->a, &c->p);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* Looks `place` up in the gazetteer (when the store has one). */
static bool geocode_place(hy_req *req, const char *place, double *lat, double *lon) {
    struct geo_ctx c = {.a = req->arena,
                        .q = {.prefix = hy_search_text(req->arena, place),
                              .country = req->srv->cfg->region_country,
                              .limit = 1}};
    char key[16];
    if (hy_postcode_key(place, key, sizeof key) && strpbrk(key, "0123456789"))
        c.q.postcode_key = key;
    if (!c.q.prefix || (!*c.q.prefix && !c.q.postcode_key)) return false;
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
    if (r >= 0 && x->sub.limited) return hy_rate_reply(req, x->sub.rate_window);
    if (r == HY_DB_ABORT && x->sub.mismatch)
        return hy_page_problem(req, form, language, HY_E_IDEMPOTENCY_MISMATCH,
                             "This Idempotency-Key was used with a different request.", NULL);
    if (r < 0) return form ? hy_page_problem(req, form, language, HY_E_STORE_UNAVAILABLE, NULL, NULL)
                           : hy_reply_store_error(req, r);
    if (form) {
        json_error_t e;
        json_t *b = json_loads(x->sub.body, 0, &e);
        const char *code = b ? json_string_value(json_object_get(b, "tracking_code")) : NULL;
        char *loc = hy_arena_printf(req->arena, "/api/v1/requests/sent?code=%s&lang=%s",
                                    code ? code : "", hy_page_lang(language));
        json_decref(b);
        if (!loc || hy_req_add_header(req, "Location", loc) < 0)
            return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        return hy_reply_bytes(req, 303, "text/plain; charset=utf-8", "", 0);
    }
    return hy_reply_bytes(req, (unsigned)x->sub.status, "application/json; charset=utf-8",
                          x->sub.body, strlen(x->sub.body));
}

/* A request from the public form (`phone` false), or one a coordinator types in while on the
 * phone with the requester (`phone` true): the same fields, checks and workflow; the latter is
 * marked as taken by phone, opens at once (the call is the call-back), names the coordinator
 * in its events and audit entry, and counts against the coordinator's limit rather than the
 * address's (an office's coordinators share one). */
static hy_result submit(hy_req *req, bool phone_intake) {
    const char *name, *phone_raw, *address = "", *place = NULL, *kind, *details = "",
                                  *urgency = "normal", *for_whom = "self", *language = "fa";
    double lat = 0, lon = 0;
    bool has_lat = false, has_lon = false, consent = false;
    const char *call_window = "";
    struct hy_field spec[] = {
        HY_F_STR("name", HY_REQUIRED, 1, 100, &name),
        HY_F_STR("phone", HY_REQUIRED, 5, 40, &phone_raw),
        HY_F_STR("address", HY_REQUIRED, 1, 300, &address),
        HY_F_STR("call_window", HY_OPTIONAL, 0, 100, &call_window),
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
    enum input in = read_input(req, spec, &form, &err, &res);
    if (in == INPUT_ANSWERED) return res;
    if (in == INPUT_BAD) {
        /* The language field may be what failed; the page falls back to Persian. */
        const char *l = "fa";
        json_t *lj = req->json ? json_object_get(req->json, "language") : NULL;
        if (json_is_string(lj) && !strcmp(json_string_value(lj), "en")) l = "en";
        return hy_page_problem(req, form, l, err.code, err.message, err.field);
    }
    if (!consent)
        return hy_page_problem(req, form, language, HY_E_INVALID_FIELD,
                             "Consent to the stated use and retention of the data is required.",
                             "consent");
    if (has_lat != has_lon)
        return hy_page_problem(req, form, language, HY_E_MISSING_FIELD,
                             "Give both lat and lon, or neither.", has_lat ? "lon" : "lat");
    if (has_lat && !hy_geo_valid(lat, lon))
        return hy_page_problem(req, form, language, HY_E_INVALID_FIELD, "Not a position.", "lat");
    bool geocoded = false;
    if (!has_lat && place && *place) {
        /* The gazetteer of the group directory: the best match becomes the area. A place it
         * does not know (or an empty gazetteer) never costs the person their request: it is
         * kept with its area unknown, the place as typed joins the address the coordinator
         * reads, and the coordinator places it when they call. */
        if (geocode_place(req, place, &lat, &lon)) {
            has_lat = has_lon = geocoded = true;
        } else if (!strstr(address, place)) {
            const char *joined = hy_arena_printf(req->arena, "%s%s%s", address,
                                                 strcmp(language, "en") ? "، " : ", ", place);
            if (!joined) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
            address = joined;
        }
    }
    char phone[HY_PHONE_MAX];
    if (!hy_phone_normalise(phone_raw, req->srv->cfg->calling_code, phone))
        return hy_page_problem(req, form, language, HY_E_INVALID_FIELD,
                             "This is not a phone number we can use.", "phone");

    struct submit *x = hy_arena_zalloc(req->arena, sizeof *x);
    if (!x) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    x->req = req;
    x->sub.arena = req->arena;
    x->sub.actor_id = hy_req_actor(req);
    x->sub.route = phone_intake ? "POST /api/v1/requests/phone" : SUBMIT_ROUTE;
    x->sub.answer = submit_answer_body;
    x->form = form;
    x->lang = language;
    memcpy(x->phone, phone, sizeof x->phone);
    const char *key = hy_req_header(req, "Idempotency-Key");
    if (key) {
        if (!idem_key_ok(key))
            return hy_page_problem(req, form, language, HY_E_BAD_REQUEST,
                                 "Idempotency-Key must be 1 to 128 visible ASCII characters.",
                                 NULL);
        x->sub.idem_key = key;
        unsigned char h[32];
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, sizeof h);
        crypto_generichash_update(&st, (const unsigned char *)(form ? "form:" : "json:"), 5);
        crypto_generichash_update(&st, (const unsigned char *)(req->body.data ? req->body.data : ""),
                                  req->body.len);
        crypto_generichash_final(&st, h, sizeof h);
        sodium_bin2hex(x->sub.hash, sizeof x->sub.hash, h, sizeof h);
    }
    /* Every new submission counts against the address's limit, with or without a key; a
     * replay of a stored answer does not. */
    if (phone_intake)
        snprintf(x->rate_buf, sizeof x->rate_buf, "request:user:%s", hy_req_actor(req));
    else
        snprintf(x->rate_buf, sizeof x->rate_buf, "request:ip:%s", hy_req_client_ip(req));
    x->sub.rate_window = 3600;
    if (hy_db_ops(req->srv->db)->rate_hit_outside_batch) {
        /* Several writers (e.g. PostgreSQL's): one address's counter in their batches would
         * make concurrent batches wait for each other's commits, so the writer counts the
         * batch's hits first, in a short transaction of their own (hy_db_run_batched_hit) —
         * unless the key already has its answer. */
        int st = key ? hy_db_run(req->srv->db, HY_TX_SINGLE, hy_rq_replay_tx, &x->sub) : 0;
        if (st < 0) return form ? hy_page_problem(req, form, language, HY_E_STORE_UNAVAILABLE, NULL, NULL)
                                : hy_reply_store_error(req, st);
        if (x->sub.status == 0) {
            x->hit = (struct hy_batch_hit){x->rate_buf, req->srv->cfg->rate_form_ip, 3600, false};
            x->counted = true;
        }
    } else { /* counted in the submission's own job, after a replay is answered */
        x->sub.rate_key = x->rate_buf;
        x->sub.rate_limit = req->srv->cfg->rate_form_ip;
        x->sub.rate_window = 3600;
    }

    int64_t now = hy_clock_now();
    bool auto_open = phone_intake || req->srv->cfg->requests_auto_open;
    x->sub.r.status = auto_open ? "open" : "new";
    x->sub.r.kind = kind;
    x->sub.r.urgency = urgency;
    x->sub.r.for_whom = for_whom;
    x->sub.r.language = language;
    x->sub.r.source = phone_intake ? "phone" : "web";
    x->sub.r.created_at = x->sub.r.updated_at = now;
    x->sub.r.opened_at = auto_open ? now : 0;
    if (has_lat) {
        x->sub.r.has_area = true;
        hy_geo_round(lat, lon, HY_RQ_AREA_CELL_M, &x->sub.r.lat, &x->sub.r.lon);
        /* A place's centre is not the person's position: keep no exact one for it. */
        x->sub.c.has_exact = !geocoded;
        x->sub.c.lat = lat;
        x->sub.c.lon = lon;
    }
    x->sub.c.name = name;
    x->sub.c.phone = x->phone;
    x->sub.c.address = address;
    x->sub.c.details = details;
    x->sub.c.call_window = call_window;
    return submit_queue(req, x, submit_answer);
}

hy_result hy_api_submit_request(hy_req *req) { return submit(req, false); }

hy_result hy_api_take_phone_request(hy_req *req) { return submit(req, true); }

/* The page a form post is sent on to: the code (from the query, checked against the alphabet,
 * so nothing else can be echoed) and the next steps. Reveals nothing: the code alone opens
 * nothing without the phone number. */
struct sent {
    hy_req *req;
    const char *code;
};

static int sent_tx(hy_store *s, void *ctx) {
    struct sent *c = ctx;
    struct hy_request r;
    return s->ops->requests->by_code(s, c->code, c->req->arena, &r);
}

hy_result hy_api_show_request_sent(hy_req *req) {
    const char *lang = hy_page_lang(hy_req_query(req, "lang"));
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
        return hy_page_reply(req, 404, lang, fa ? "پیدا نشد" : "Not found",
                          fa ? "<p><a href=\"/help\">درخواست کمک</a></p>"
                             : "<p><a href=\"/help\">Ask for help</a></p>");
    json_t *steps = hy_page_next_steps(lang, code, req->srv->cfg->requests_auto_open);
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
        char *e = hy_html_escape(req->arena, json_string_value(v));
        hy_buf_printf(&b, "<li>%s</li>", e ? e : "");
    }
    /* The tracking page works without JavaScript; with it, the code is filled in. */
    hy_buf_printf(&b, "</ol>\n<p><a href=\"/track?code=%s%s\">%s</a></p>", code,
                  fa ? "" : "&amp;lang=en", fa ? "پیگیری یا لغو درخواست" : "Track or cancel my request");
    json_decref(steps);
    char *body = hy_arena_strdup(req->arena, b.data ? b.data : "");
    hy_buf_free(&b);
    return hy_page_reply(req, 200, lang, fa ? "درخواست شما رسید" : "Request received",
                      body ? body : "");
}

/* ---- inbound SMS ---- */

/* Answers an inbound SMS once its commit is done (runs on a server thread). */
static hy_result inbound_answer(hy_req *req, void *ctx) {
    struct submit *x = ctx;
    int r = x->result;
    if (r == HY_DB_ABORT && x->sub.mismatch)
        return hy_reply_error(req, HY_E_IDEMPOTENCY_MISMATCH,
                              "This message id was used for another message.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_bytes(req, (unsigned)x->sub.status, "application/json; charset=utf-8", x->sub.body,
                          strlen(x->sub.body));
}

hy_result hy_api_receive_sms(hy_req *req) {
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
    /* A question gets the FAQ's best answer by SMS instead (app/faq.h says which are). */
    hy_result answered;
    if (hy_faq_is_question(text) && hy_api_answer_sms(req, phone, text, &answered)) return answered;
    struct submit *x = hy_arena_zalloc(req->arena, sizeof *x);
    if (!x) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    x->req = req;
    x->sub.arena = req->arena;
    x->sub.actor_id = hy_req_actor(req);
    x->sub.route = "POST /api/v1/inbound/sms";
    x->sub.answer = submit_answer_body;
    memcpy(x->phone, phone, sizeof x->phone);
    if (message_id && *message_id && idem_key_ok(message_id)) {
        /* A gateway that retries sends the same message id: create nothing new. */
        x->sub.idem_key = message_id;
        unsigned char h[32];
        crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text),
                           (const unsigned char *)phone, strlen(phone));
        sodium_bin2hex(x->sub.hash, sizeof x->sub.hash, h, sizeof h);
    }
    int64_t now = hy_clock_now();
    x->sub.r.status = "new"; /* awaiting a coordinator's call-back, whatever the setting */
    x->sub.r.kind = "other";
    x->sub.r.urgency = "normal";
    x->sub.r.for_whom = "self";
    x->sub.r.language = guess_language(text);
    x->sub.r.source = "sms";
    x->sub.r.created_at = x->sub.r.updated_at = now;
    x->sub.c.name = "";
    x->sub.c.phone = x->phone;
    x->sub.c.address = "";
    x->sub.c.details = text;
    return submit_queue(req, x, inbound_answer);
}
