/* requests_track.c — the requester follows and cancels a request with the tracking code and
 * the phone number given, with JavaScript (JSON) or without it (plain form posts that get a
 * page back, for any phone's browser).
 *
 *   POST /api/v1/requests/status  {code, phone}: the requester's view; a form post (the /track
 *                                 page without JavaScript) gets a page
 *                                 with the status in words and, while it can be cancelled, a
 *                                 cancel button
 *   GET  /api/v1/requests/status  ?code=&phone=: the same JSON, deprecated (the phone number
 *                                 would sit in every proxy's access log); answers carry
 *                                 Deprecation, Sunset and Link headers until it is removed
 *   POST /api/v1/requests/cancel  {code, phone}: cancels; a form post first gets a page that
 *                                 asks "are you sure?" and cancels only with confirm=yes
 *
 * The phone number travels only in bodies. Pages carry it onward in hidden fields of forms
 * that post (never in a link), and every answer is Cache-Control: no-store. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/pages.h"
#include "api/requests.h"
#include "app/requests.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/rate.h"

static const char *const langs[] = {"fa", "en", NULL};

/* The GET look-up's retirement (docs/requests.md): deprecated since 2026-12-06, answered until
 * 2027-06-30. Deprecation is a structured-field date (RFC 9745), Sunset an HTTP date
 * (RFC 8594); Link names the POST that replaces it. */
#define STATUS_GET_DEPRECATED "@1796515200"
#define STATUS_GET_SUNSET "Wed, 30 Jun 2027 23:59:59 GMT"
#define STATUS_GET_LINK                                                                     \
    "</api/v1/requests/status>; rel=\"successor-version\"; type=\"application/json\""

/* What a look-up came to. */
enum outcome {
    FOUND,     /* t.r is the request (cancelled already when asked to cancel) */
    NOT_FOUND, /* no request has this code and this phone */
    LIMITED,   /* too many look-ups from this address or for this code */
    REFUSED,   /* the cancel was refused: t.refusal, t.why */
    FAILED,    /* the store failed: *ret_status */
};

/* Counts the look-up against the limits, then finds the request (and cancels it when
 * `cancel`). Both limits are counted before anything is read, so a wrong guess costs the same
 * as a right one. */
static enum outcome look_up(hy_req *req, const char *code, const char *phone, bool cancel,
                            struct hy_rq_track *t, int *ret_status) {
    const struct hy_server_config *cfg = req->srv->cfg;
    char key[128];
    bool over = false;
    snprintf(key, sizeof key, "track:ip:%s", hy_req_client_ip(req));
    int r = hy_rate_count(req->srv->db, key, cfg->rate_track_ip, 3600, &over);
    if (r < 0) {
        *ret_status = r;
        return FAILED;
    }
    if (over) return LIMITED;
    *t = (struct hy_rq_track){.arena = req->arena, .actor_id = hy_req_actor(req), .cancel = cancel};
    t->code_ok = hy_rq_code_normalise(code, t->code);
    t->phone_ok = hy_phone_normalise(phone, cfg->calling_code, t->phone);
    if (t->code_ok) {
        snprintf(key, sizeof key, "track:code:%s", t->code);
        r = hy_rate_count(req->srv->db, key, cfg->rate_track_code, 3600, &over);
        if (r < 0) {
            *ret_status = r;
            return FAILED;
        }
        if (over) return LIMITED;
    }
    r = hy_db_run(req->srv->db, cancel ? HY_TX_WRITE : HY_TX_READ, hy_rq_track_tx, t);
    if (r == HY_DB_ABORT && t->refusal != HY_RQ_ALLOWED) return REFUSED;
    if (r == HY_DB_ABORT || (r >= 0 && !t->matched)) return NOT_FOUND;
    if (r < 0) {
        *ret_status = r;
        return FAILED;
    }
    return FOUND;
}

static bool can_cancel(const struct hy_request *q) {
    return hy_rq_transition(q->status, "cancelled", HY_RQ_REQUESTER) == HY_RQ_OK;
}

/* The JSON answer of a look-up or a cancel. */
static hy_result answer_json(hy_req *req, enum outcome o, const struct hy_rq_track *t,
                             int status) {
    switch (o) {
    case LIMITED: return hy_rate_reply(req, 3600);
    case REFUSED: return hy_api_reply_refusal(req, t->refusal, t->why);
    case NOT_FOUND:
        return hy_reply_error(req, HY_E_NOT_FOUND,
                              "No request matches this tracking code and phone number.", NULL);
    case FAILED: return hy_reply_store_error(req, status);
    case FOUND: break;
    }
    const struct hy_request *q = &t->r;
    json_t *body = json_pack(
        "{s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:b}", "tracking_code", q->tracking_code, "status",
        q->status, "kind", q->kind, "urgency", q->urgency, "created_at", (json_int_t)q->created_at,
        "updated_at", (json_int_t)q->updated_at, "volunteer_assigned", q->assignee_id[0] != 0,
        "can_cancel", can_cancel(q));
    return hy_reply_json(req, 200, body);
}

/* ---- pages (form posts) ---- */

/* A hidden form field; `value` is escaped. */
static void hidden(hy_buf *b, hy_arena *a, const char *name, const char *value) {
    char *e = hy_html_escape(a, value ? value : "");
    hy_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, e ? e : "");
}

/* The form that asks for the phone number of request `code` (already checked: alphabet only)
 * and posts both to the status look-up; `code` NULL asks for the code too. */
static void phone_form(hy_buf *b, hy_arena *a, const char *code, bool fa) {
    hy_buf_printf(b, "<form class=\"form\" method=\"post\" action=\"/api/v1/requests/status\">");
    hidden(b, a, "lang", fa ? "fa" : "en");
    if (code) {
        hidden(b, a, "code", code);
    } else {
        hy_buf_printf(b,
                      "<div class=\"field\"><label class=\"field-label\" for=\"t-code\">%s</label>"
                      "<input class=\"input input-short\" id=\"t-code\" name=\"code\" type=\"text\" "
                      "autocomplete=\"off\" autocapitalize=\"characters\" dir=\"ltr\" required "
                      "maxlength=\"20\"></div>",
                      fa ? "کد پیگیری" : "Tracking code");
    }
    hy_buf_printf(b,
                  "<div class=\"field\"><label class=\"field-label\" for=\"t-phone\">%s</label>"
                  "<p class=\"field-hint\" id=\"t-phone-hint\">%s</p>"
                  "<input class=\"input input-short\" id=\"t-phone\" name=\"phone\" type=\"tel\" "
                  "autocomplete=\"tel\" inputmode=\"tel\" dir=\"ltr\" required maxlength=\"40\" "
                  "aria-describedby=\"t-phone-hint\"></div>"
                  "<div class=\"button-row\"><button class=\"button\" type=\"submit\">%s</button>"
                  "</div></form>",
                  fa ? "شمارهٔ تلفن" : "Phone number",
                  fa ? "همان شماره‌ای که هنگام درخواست کمک دادید."
                     : "The number you gave when you asked for help.",
                  fa ? "نمایش وضعیت" : "Show the status");
}

/* The code as the page shows it (LTR, in a box people can read out on the phone). */
static void code_line(hy_buf *b, const char *code, bool fa) {
    hy_buf_printf(b,
                  "<p>%s <strong class=\"tracking-code\" lang=\"en\" dir=\"ltr\">%s</strong></p>",
                  fa ? "کد پیگیری:" : "Tracking code:", code);
}

static void links(hy_buf *b, bool fa) {
    hy_buf_printf(b, "<p><a href=\"/track%s\">%s</a></p><p><a href=\"/%s\">%s</a></p>",
                  fa ? "" : "?lang=en", fa ? "پیگیری درخواستی دیگر" : "Track another request",
                  fa ? "" : "?lang=en", fa ? "صفحهٔ اول" : "Home page");
}

static hy_result page_from_buf(hy_req *req, unsigned status, bool fa, const char *title,
                               hy_buf *b) {
    char *body = hy_buf_error(b) ? NULL : hy_arena_strdup(req->arena, b->data ? b->data : "");
    hy_buf_free(b);
    if (!body) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_page_reply(req, status, fa ? "fa" : "en", title, body);
}

/* The page of a look-up, a cancel or a failure of either. `asked_cancel`: the form was the
 * cancel form (then FOUND means it was cancelled). */
static hy_result answer_page(hy_req *req, enum outcome o, const struct hy_rq_track *t,
                             bool fa, bool asked_cancel) {
    hy_buf b = HY_BUF_INIT(32768);
    hy_arena *a = req->arena;
    if (o == LIMITED || o == FAILED) {
        (void)hy_req_add_header(req, "Retry-After", o == LIMITED ? "3600" : "60");
        hy_buf_printf(&b, "<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p></div>",
                      o == LIMITED ? (fa ? "از این دستگاه یا برای این کد، دفعه‌های زیادی وضعیت "
                                           "پرسیده شده است. یک ساعت دیگر دوباره امتحان کنید، یا "
                                           "منتظر تماس ما بمانید."
                                         : "The status was asked too many times from this "
                                           "device or for this code. Please try again in an "
                                           "hour, or wait for our call.")
                                   : (fa ? "اکنون نمی‌توانیم وضعیت را نشان دهیم. چند دقیقهٔ دیگر "
                                           "دوباره امتحان کنید."
                                         : "We cannot show the status just now. Please try "
                                           "again in a few minutes."));
        links(&b, fa);
        return page_from_buf(req, o == LIMITED ? 429 : 503, fa,
                             fa ? "اکنون ممکن نیست" : "Not possible just now", &b);
    }
    if (o == NOT_FOUND) {
        hy_buf_printf(&b, "<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p></div>",
                      fa ? "درخواستی با این کد پیگیری و این شمارهٔ تلفن پیدا نشد. هر دو را "
                           "دوباره بررسی کنید."
                         : "No request matches this tracking code and phone number. Please "
                           "check both and try again.");
        phone_form(&b, a, t->code_ok ? t->code : NULL, fa);
        links(&b, fa);
        return page_from_buf(req, 404, fa, fa ? "پیدا نشد" : "Not found", &b);
    }
    const struct hy_request *q = &t->r;
    if (o == REFUSED) {
        hy_buf_printf(&b, "<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p></div>",
                      fa ? "این درخواست دیگر لغوشدنی نیست."
                         : "This request can no longer be cancelled.");
        links(&b, fa);
        return page_from_buf(req, 409, fa, fa ? "لغو نشد" : "Not cancelled", &b);
    }
    if (asked_cancel) {
        code_line(&b, q->tracking_code, fa);
        hy_buf_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>",
                      fa ? "درخواست شما لغو شد. هر وقت دوباره کمک لازم داشتید، می‌توانید "
                           "درخواست تازه‌ای بفرستید."
                         : "Your request has been cancelled. Whenever you need help again, you "
                           "can send a new request.");
        hy_buf_printf(&b, "<p><a href=\"/help%s\">%s</a></p>", fa ? "" : "?lang=en",
                      fa ? "درخواست کمک" : "Ask for help");
        links(&b, fa);
        return page_from_buf(req, 200, fa, fa ? "درخواست لغو شد" : "Request cancelled", &b);
    }
    const char *name, *explain;
    hy_page_status_words(q->status, fa, &name, &explain);
    code_line(&b, q->tracking_code, fa);
    hy_buf_printf(&b,
                  "<div class=\"notice\" role=\"status\"><p>%s <strong>%s</strong></p><p>%s</p>"
                  "</div><dl class=\"details\"><dt>%s</dt><dd>%s</dd></dl>",
                  fa ? "وضعیت:" : "Status:", name, explain, fa ? "نوع کمک" : "Kind of help",
                  hy_page_kind_name(q->kind, fa));
    if (can_cancel(q)) {
        hy_buf_printf(&b, "<form method=\"post\" action=\"/api/v1/requests/cancel\">");
        hidden(&b, a, "lang", fa ? "fa" : "en");
        hidden(&b, a, "code", q->tracking_code);
        hidden(&b, a, "phone", t->phone);
        hy_buf_printf(&b,
                      "<div class=\"button-row\"><button class=\"button button-secondary\" "
                      "type=\"submit\">%s</button></div></form>",
                      fa ? "لغو درخواست من…" : "Cancel my request…");
    }
    links(&b, fa);
    return page_from_buf(req, 200, fa, fa ? "وضعیت درخواست شما" : "Your request's status", &b);
}

/* The "are you sure?" page of a cancel form: cancels nothing, shows the request found. */
static hy_result confirm_page(hy_req *req, const struct hy_rq_track *t, bool fa) {
    const struct hy_request *q = &t->r;
    if (!can_cancel(q)) return answer_page(req, FOUND, t, fa, false);
    hy_buf b = HY_BUF_INIT(32768);
    hy_arena *a = req->arena;
    code_line(&b, q->tracking_code, fa);
    hy_buf_printf(&b, "<div class=\"notice notice-warning\"><p>%s</p></div>",
                  fa ? "اگر درخواست را لغو کنید، هیچ داوطلبی برای آن نمی‌آید. این کار برگشت "
                       "ندارد، اما هر وقت بخواهید می‌توانید درخواست تازه‌ای بفرستید."
                     : "If you cancel, no volunteer will come for this request. This cannot be "
                       "undone, but you can send a new request whenever you want.");
    hy_buf_printf(&b, "<div class=\"button-row\"><form method=\"post\" "
                      "action=\"/api/v1/requests/cancel\">");
    hidden(&b, a, "lang", fa ? "fa" : "en");
    hidden(&b, a, "code", q->tracking_code);
    hidden(&b, a, "phone", t->phone);
    hidden(&b, a, "confirm", "yes");
    hy_buf_printf(&b,
                  "<button class=\"button\" type=\"submit\">%s</button></form>"
                  "<form method=\"post\" action=\"/api/v1/requests/status\">",
                  fa ? "بله، درخواستم را لغو کن" : "Yes, cancel my request");
    hidden(&b, a, "lang", fa ? "fa" : "en");
    hidden(&b, a, "code", q->tracking_code);
    hidden(&b, a, "phone", t->phone);
    hy_buf_printf(&b,
                  "<button class=\"button button-secondary\" type=\"submit\">%s</button></form>"
                  "</div>",
                  fa ? "نه، درخواستم بماند" : "No, keep my request");
    return page_from_buf(req, 200, fa, fa ? "لغو درخواست؟" : "Cancel your request?", &b);
}

/* ---- handlers ---- */

/* Reads {code, phone} (and from a form: lang, and `confirm` when `with_confirm`). Answers bad
 * input itself (a page for a form post) and returns false. */
static bool read_track_input(hy_req *req, bool with_confirm, const char **code,
                             const char **phone, bool *ret_form, bool *ret_fa, bool *ret_confirm,
                             hy_result *ret) {
    bool form = hy_req_is_form(req);
    const char *lang = "fa", *confirm = NULL;
    struct hy_field spec[] = {
        HY_F_STR("code", HY_REQUIRED, 1, 40, code),
        HY_F_STR("phone", HY_REQUIRED, 1, 40, phone),
        /* form posts only: the page's language, and the cancel form's confirmation */
        HY_F_ENUM("lang", HY_OPTIONAL, langs, &lang),
        HY_F_STR("confirm", HY_OPTIONAL, 0, 10, &confirm),
        HY_F_END,
    };
    if (!form) spec[2] = (struct hy_field)HY_F_END; /* JSON: code and phone, nothing else */
    else if (!with_confirm) spec[3] = (struct hy_field)HY_F_END;
    *ret_form = form;
    if (!form) {
        *ret_fa = true;
        *ret_confirm = true;
        return hy_input_parse(req, spec, ret);
    }
    if (!req->json) req->json = hy_form_parse(req->body.data ? req->body.data : "", req->body.len);
    struct hy_parse_error err;
    if (!req->json || !hy_fields_check(req->json, spec, true, req->arena, &err)) {
        json_t *lj = req->json ? json_object_get(req->json, "lang") : NULL;
        bool fa = !(json_is_string(lj) && !strcmp(json_string_value(lj), "en"));
        hy_buf b = HY_BUF_INIT(16384);
        hy_buf_printf(&b, "<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p></div>",
                      fa ? "کد پیگیری و شمارهٔ تلفن را بنویسید."
                         : "Please give the tracking code and the phone number.");
        phone_form(&b, req->arena, NULL, fa);
        *ret = page_from_buf(req, 400, fa, fa ? "کد و شماره لازم است" : "Code and number needed",
                             &b);
        return false;
    }
    *ret_fa = strcmp(lang, "en") != 0;
    *ret_confirm = confirm && !strcmp(confirm, "yes");
    return true;
}

hy_result hy_api_check_request_status(hy_req *req) {
    const char *code, *phone;
    bool form, fa, confirm;
    hy_result res;
    if (!read_track_input(req, false, &code, &phone, &form, &fa, &confirm, &res)) return res;
    struct hy_rq_track t;
    int st = 0;
    enum outcome o = look_up(req, code, phone, false, &t, &st);
    return form ? answer_page(req, o, &t, fa, false) : answer_json(req, o, &t, st);
}

hy_result hy_api_get_request_status(hy_req *req) {
    if (hy_req_add_header(req, "Deprecation", STATUS_GET_DEPRECATED) < 0 ||
        hy_req_add_header(req, "Sunset", STATUS_GET_SUNSET) < 0 ||
        hy_req_add_header(req, "Link", STATUS_GET_LINK) < 0)
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    const char *code = hy_req_query(req, "code"), *phone = hy_req_query(req, "phone");
    if (!code || !*code) return hy_reply_error(req, HY_E_INVALID_QUERY, "Give code.", "code");
    if (!phone || !*phone) return hy_reply_error(req, HY_E_INVALID_QUERY, "Give phone.", "phone");
    if (strlen(code) > 40 || strlen(phone) > 40)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "Too long.",
                              strlen(code) > 40 ? "code" : "phone");
    struct hy_rq_track t;
    int st = 0;
    enum outcome o = look_up(req, code, phone, false, &t, &st);
    return answer_json(req, o, &t, st);
}

hy_result hy_api_cancel_request(hy_req *req) {
    const char *code, *phone;
    bool form, fa, confirm;
    hy_result res;
    if (!read_track_input(req, true, &code, &phone, &form, &fa, &confirm, &res)) return res;
    struct hy_rq_track t;
    int st = 0;
    /* A form post without confirm=yes only finds the request, to ask. */
    enum outcome o = look_up(req, code, phone, confirm, &t, &st);
    if (!form) return answer_json(req, o, &t, st);
    if (o == FOUND && !confirm) return confirm_page(req, &t, fa);
    return answer_page(req, o, &t, fa, true);
}
