/* faq.c — the FAQ assistant (answers from the library's FAQ documents, their feedback, the
 * no-JavaScript answers page with schema.org FAQPage data) and the search synonym list editors
 * keep (domain/synonyms.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/pages.h"
#include "app/app.h"
#include "app/faq.h"
#include "domain/auth.h"
#include "domain/synonyms.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/faq.h"
#include "store/rate.h"
#include "domain/account.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/utf8.h"

#define QUESTION_MAX 300   /* code points */
#define ANSWERS 3          /* answers per question */
#define SNIPPET_CP 240
#define FEEDBACK_PER_HOUR 30 /* feedback clicks per client address and hour */

/* ---------------------------------------------------------------- synonyms */

struct syn_ctx {
    hy_req *req;
    const char *json; /* the list to save, or the list read (NULL: never saved) */
    int64_t at;
    size_t ngroups;
};

static int syn_get_tx(hy_store *s, void *ctx) {
    struct syn_ctx *c = ctx;
    int r = s->ops->faq->synonyms_get(s, c->req->arena, &c->json, &c->at, NULL);
    if (r == HY_DB_NONE) c->json = NULL;
    return r < 0 ? r : HY_DB_ONE;
}

static hy_result syn_answer(hy_req *req, const char *json, int64_t at) {
    json_t *groups = json_loads(json ? json : hy_synonyms_default, 0, NULL);
    if (!groups) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_json(req, 200,
                         json_pack("{s:o,s:b,s:o}", "groups", groups, "default", json == NULL,
                                   "updated_at", json ? json_integer(at) : json_null()));
}

hy_result hy_api_get_synonyms(hy_req *req) {
    struct syn_ctx c = {.req = req};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, syn_get_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    return syn_answer(req, c.json, c.at);
}

static int syn_put_tx(hy_store *s, void *ctx) {
    struct syn_ctx *c = ctx;
    int r = s->ops->faq->synonyms_put(s, c->json, c->at, hy_req_actor(c->req));
    if (r < 0) return r;
    char detail[48];
    snprintf(detail, sizeof detail, "%zu groups", c->ngroups);
    r = hy_audit(s, hy_req_actor(c->req), "synonyms_saved", NULL, detail);
    return r < 0 ? r : HY_DB_ONE;
}

hy_result hy_api_save_synonyms(hy_req *req) {
    hy_result res;
    json_t *body = hy_req_json(req, &res);
    if (!body) return res;
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        if (strcmp(k, "groups"))
            return hy_reply_error(req, HY_E_UNKNOWN_FIELD, "The body is {\"groups\": [[word, …], …]}.",
                                  hy_arena_strdup(req->arena, k));
    }
    json_t *groups = json_object_get(body, "groups");
    if (!groups)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "The body is {\"groups\": [[word, …], …]}.",
                              "groups");
    long bad;
    const char *why = hy_synonyms_check(groups, &bad);
    if (why) {
        const char *msg = bad >= 0 ? hy_arena_printf(req->arena, "Group %ld: %s", bad + 1, why)
                                   : why;
        return hy_reply_error(req, HY_E_INVALID_FIELD, msg ? msg : why, "groups");
    }
    char *text = json_dumps(groups, JSON_COMPACT);
    struct syn_ctx c = {.req = req, .at = hy_clock_now(), .ngroups = json_array_size(groups)};
    c.json = text ? hy_arena_strdup(req->arena, text) : NULL;
    free(text);
    if (!c.json) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, syn_put_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    return syn_answer(req, c.json, c.at);
}

/* ---------------------------------------------------------------- answers */

/* The question (q) and language (lang: fa, en; default: the question's script) of a request,
 * or an answered error. */
static bool question_of(hy_req *req, const char **ret_q, const char **ret_lang, hy_result *res) {
    const char *q = hy_req_query(req, "q"), *lang = hy_req_query(req, "lang");
    if (q && hy_utf8_length(q, strlen(q)) > QUESTION_MAX) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "q is at most 300 characters.", "q");
        return false;
    }
    if (lang && strcmp(lang, "fa") && strcmp(lang, "en")) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "lang must be fa or en.", "lang");
        return false;
    }
    *ret_q = q ? q : "";
    if (!lang) {
        lang = "en";
        for (const unsigned char *p = (const unsigned char *)*ret_q; *p; p++)
            if (*p >= 0xD8 && *p <= 0xDB) {
                lang = "fa";
                break;
            }
    }
    *ret_lang = lang;
    return true;
}

static char *doc_url(hy_arena *a, const char *id) { return hy_arena_printf(a, "/doc?id=%s", id); }

hy_result hy_api_answer_question(hy_req *req) {
    const char *q, *lang;
    hy_result res;
    if (!question_of(req, &q, &lang, &res)) return res;
    struct hy_faq_answer ans[ANSWERS];
    const char **terms;
    size_t nterms;
    int n = hy_faq_find(hy_req_app(req), hy_req_read_db(req), req->arena, q, lang, ANSWERS, ans,
                        &terms, &nterms);
    if (n < 0) return hy_reply_store_error(req, n);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        const struct hy_lib_doc *d = &ans[i].doc;
        const char *src = d->body_text && *d->body_text ? d->body_text : d->summary;
        char *snip = hy_lib_snippet(req->arena, src ? src : "", terms, nterms, SNIPPET_CP);
        json_array_append_new(
            items, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "id", d->id, "language",
                             d->language, "question", d->title, "summary",
                             d->summary ? d->summary : "", "snippet", snip ? snip : "", "url",
                             doc_url(req->arena, d->id), "matched", ans[i].matched));
    }
    json_t *words = json_array();
    for (size_t i = 0; i < nterms; i++)
        json_array_append_new(words, json_stringn(terms[i], hy_syn_first_len(terms[i])));
    return hy_reply_json(req, 200, json_pack("{s:s,s:s,s:o,s:o}", "question", q, "language",
                                             lang, "words", words, "answers", items));
}

/* ---------------------------------------------------------------- feedback */

struct fb_ctx {
    const char *id;
    bool helped;
    int64_t yes, no;
};

static int feedback_tx(hy_store *s, void *ctx) {
    struct fb_ctx *c = ctx;
    int r = s->ops->faq->feedback_add(s, c->id, c->helped);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    r = s->ops->faq->feedback_get(s, c->id, &c->yes, &c->no);
    return r < 0 ? r : HY_DB_ONE;
}

hy_result hy_api_send_answer_feedback(hy_req *req) {
    bool helped = false;
    const char *lang = "fa";
    static const char *const langs[] = {"fa", "en", NULL};
    struct hy_field spec[] = {
        HY_F_BOOL("helped", HY_REQUIRED, &helped),
        HY_F_ENUM("lang", HY_OPTIONAL, langs, &lang),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    bool form = hy_req_is_form(req);
    struct fb_ctx c = {.id = req->args[0], .helped = helped};
    if (!hy_id_valid(c.id))
        return hy_page_problem(req, form, lang, HY_E_NOT_FOUND, "No such answer.", NULL);
    char key[96];
    snprintf(key, sizeof key, "faq_feedback:ip:%s", hy_req_client_ip(req));
    bool over = false;
    int r = hy_rate_count(req->srv->db, key, FEEDBACK_PER_HOUR, 3600, &over);
    if (r < 0) return hy_reply_store_error(req, r);
    if (over)
        return hy_page_problem(req, form, lang, HY_E_RATE_LIMITED,
                               "Thank you; we have counted enough feedback from here for now.",
                               NULL);
    r = hy_db_run(req->srv->db, HY_TX_WRITE, feedback_tx, &c);
    if (r == HY_DB_ABORT)
        return hy_page_problem(req, form, lang, HY_E_NOT_FOUND, "No such answer.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    if (form) {
        bool fa = strcmp(lang, "en") != 0;
        char *body = hy_arena_printf(
            req->arena, "<p>%s</p>\n<p><a href=\"/faq/answers?lang=%s\">%s</a> · <a href=\"/\">%s</a></p>",
            fa ? "سپاس! نظر شما ثبت شد و به ویراستاران کمک می‌کند پاسخ‌ها را بهتر کنند."
               : "Thank you! Your feedback was counted and helps the editors improve the answers.",
            fa ? "fa" : "en", fa ? "پرسش دیگری دارید؟" : "Another question?",
            fa ? "صفحهٔ اصلی" : "Home page");
        return hy_page_reply(req, 200, lang, fa ? "سپاس" : "Thank you", body ? body : "");
    }
    return hy_reply_json(req, 200, json_pack("{s:s,s:I,s:I}", "id", c.id, "helped",
                                             (json_int_t)c.yes, "not_helped", (json_int_t)c.no));
}

/* ---------------------------------------------------------------- the page */

/* JSON for inside <script>: "<" written as \u003c, so no "</script>" can end the block. */
static int put_script_json(hy_buf *b, json_t *v) {
    char *text = json_dumps(v, JSON_COMPACT);
    if (!text) return -1;
    for (const char *p = text; *p; p++) {
        if (*p == '<') hy_buf_puts(b, "\\u003c");
        else hy_buf_putc(b, *p);
    }
    free(text);
    return 0;
}

/* schema.org FAQPage of the documents: each a Question with its accepted Answer (the
 * document's plain text). */
static void put_faq_page_ld(hy_buf *b, const struct hy_lib_doc *docs, size_t n) {
    json_t *main_entity = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *text = docs[i].body_text && *docs[i].body_text ? docs[i].body_text
                                                                   : docs[i].summary;
        json_array_append_new(
            main_entity,
            json_pack("{s:s,s:s,s:{s:s,s:s}}", "@type", "Question", "name", docs[i].title,
                      "acceptedAnswer", "@type", "Answer", "text", text ? text : ""));
    }
    json_t *ld = json_pack("{s:s,s:s,s:o}", "@context", "https://schema.org", "@type", "FAQPage",
                           "mainEntity", main_entity);
    hy_buf_puts(b, "<script type=\"application/ld+json\">");
    put_script_json(b, ld);
    hy_buf_puts(b, "</script>\n");
    json_decref(ld);
}

#define E(s) hy_html_escape(req->arena, (s) ? (s) : "")

static void put_answer(hy_req *req, hy_buf *b, const struct hy_lib_doc *d, bool fa,
                       const char *lang, bool feedback) {
    hy_buf_printf(b, "<article class=\"faq-answer\">\n<h2><a href=\"/doc?id=%s\">%s</a></h2>\n",
                  E(d->id), E(d->title));
    hy_buf_printf(b, "<p>%s</p>\n", E(d->summary && *d->summary ? d->summary : d->body_text));
    hy_buf_printf(b, "<p><a href=\"/doc?id=%s\">%s</a></p>\n", E(d->id),
                  fa ? "پاسخ کامل را بخوانید" : "Read the full answer");
    if (feedback)
        hy_buf_printf(b,
                      "<form class=\"faq-feedback\" method=\"post\" action=\"/api/v1/faq/%s/feedback\">"
                      "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
                      "<button class=\"button\" type=\"submit\" name=\"helped\" value=\"true\">%s</button> "
                      "<button class=\"button button-secondary\" type=\"submit\" name=\"helped\" value=\"false\">%s</button></form>\n",
                      E(d->id), lang, fa ? "این کمک کرد" : "This helped",
                      fa ? "کمکی نکرد" : "This did not help");
    hy_buf_puts(b, "</article>\n");
}

hy_result hy_api_show_answers_page(hy_req *req) {
    const char *q, *lang;
    hy_result res;
    if (!question_of(req, &q, &lang, &res)) return res;
    bool fa = strcmp(lang, "en") != 0;
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_printf(&b,
                  "<form class=\"faq-ask faq-ask-page\" method=\"get\" action=\"/faq/answers\" role=\"search\">"
                  "<label for=\"faq-q\">%s</label> <input class=\"input\" id=\"faq-q\" name=\"q\" type=\"search\" "
                  "maxlength=\"300\" value=\"%s\" dir=\"auto\"> <input type=\"hidden\" name=\"lang\" "
                  "value=\"%s\"> <button class=\"button\" type=\"submit\">%s</button></form>\n",
                  fa ? "پرسش شما" : "Your question", E(q), lang, fa ? "بپرس" : "Ask");
    struct hy_lib_doc shown[HY_FAQ_MAX_LIST];
    size_t nshown = 0;
    if (*q) {
        struct hy_faq_answer ans[ANSWERS];
        const char **terms;
        size_t nterms;
        int n = hy_faq_find(hy_req_app(req), hy_req_read_db(req), req->arena, q, lang, ANSWERS,
                            ans, &terms, &nterms);
        if (n < 0) {
            hy_buf_free(&b);
            return hy_reply_store_error(req, n);
        }
        if (n == 0)
            hy_buf_printf(&b, "<p class=\"faq-none\">%s</p>\n",
                          fa ? "پاسخی در پرسش‌های رایج پیدا نکردیم. پرسش را با واژه‌های دیگری "
                               "بنویسید، در <a href=\"/library\">کتابخانه</a> بگردید یا از یک "
                               "نفر بخواهید با شما تماس بگیرد."
                             : "We found no answer among the frequently asked questions. Try "
                               "other words, search the <a href=\"/library\">library</a>, or "
                               "ask a person to call you back.");
        for (int i = 0; i < n; i++) {
            put_answer(req, &b, &ans[i].doc, fa, lang, true);
            shown[nshown++] = ans[i].doc;
        }
        /* Talk to a person: a call-back request in the coordinators' queue, through the
         * help-request form's own endpoint (its checks, limits and consent). */
        hy_buf_printf(
            &b,
            "<section class=\"faq-person\"><h2>%s</h2>\n<p>%s</p>\n"
            "<form method=\"post\" action=\"/api/v1/requests\">"
            "<input type=\"hidden\" name=\"kind\" value=\"other\">"
            "<input type=\"hidden\" name=\"language\" value=\"%s\">"
            "<input type=\"hidden\" name=\"details\" value=\"%s%s\">"
            "<p><label for=\"cb-name\">%s</label> <input class=\"input\" id=\"cb-name\" name=\"name\" required maxlength=\"100\" autocomplete=\"name\"></p>"
            "<p><label for=\"cb-phone\">%s</label> <input class=\"input\" id=\"cb-phone\" name=\"phone\" type=\"tel\" required maxlength=\"40\" autocomplete=\"tel\" dir=\"ltr\"></p>"
            "<p><label for=\"cb-address\">%s</label> <input class=\"input\" id=\"cb-address\" name=\"address\" required maxlength=\"300\"></p>"
            "<p><label><input type=\"checkbox\" name=\"consent\" value=\"true\" required> %s</label></p>"
            "<p><button class=\"button\" type=\"submit\">%s</button></p></form></section>\n",
            fa ? "با یک نفر صحبت کنید" : "Talk to a person",
            fa ? "یکی از هماهنگ‌کنندگان با شما تماس می‌گیرد. شماره و نام شما فقط برای همین تماس "
                 "به کار می‌رود (<a href=\"/privacy\">حریم خصوصی</a>)."
               : "A coordinator will call you back. Your name and number are used only for "
                 "that call (<a href=\"/privacy\">privacy</a>).",
            lang, fa ? "پرسش از دستیار پرسش‌های رایج: " : "Question from the FAQ assistant: ",
            E(q), fa ? "نام" : "Name", fa ? "شمارهٔ تلفن" : "Phone number",
            fa ? "محله یا شهر" : "Neighbourhood or town",
            fa ? "موافقم که نام و شماره‌ام برای تماس به هماهنگ‌کنندگان داده شود."
               : "I agree that my name and number go to the coordinators so they can call me.",
            fa ? "بخواهید با من تماس بگیرند" : "Ask for a call-back");
    } else {
        struct hy_lib_doc *docs = NULL;
        int n = hy_faq_list(hy_req_read_db(req), req->arena, lang, HY_FAQ_MAX_LIST, &docs);
        if (n < 0) {
            hy_buf_free(&b);
            return hy_reply_store_error(req, n);
        }
        for (int i = 0; docs && i < n; i++) {
            put_answer(req, &b, &docs[i], fa, lang, false);
            shown[nshown++] = docs[i];
        }
    }
    put_faq_page_ld(&b, shown, nshown);
    hy_buf_printf(&b, "<p><a href=\"/faq\">%s</a> · <a href=\"/faq/answers?lang=%s%s\">%s</a></p>\n",
                  fa ? "همهٔ پرسش‌های رایج" : "All frequently asked questions",
                  fa ? "en" : "fa", "", fa ? "English" : "فارسی");
    char *body = hy_buf_error(&b) ? NULL : hy_arena_strdup(req->arena, b.data ? b.data : "");
    hy_buf_free(&b);
    if (!body) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_page_reply(req, 200, lang, fa ? "پاسخ به پرسش شما" : "Answers to your question",
                         body);
}

/* ---------------------------------------------------------------- by text message */

struct sms_ctx {
    struct hy_outbox_message m;
    int queued;
};

static int sms_tx(hy_store *s, void *ctx) {
    struct sms_ctx *c = ctx;
    int r = s->ops->outbox_insert(s, &c->m);
    if (r < 0) return r;
    c->queued = r == HY_DB_ONE;
    return HY_DB_ONE;
}

bool hy_api_answer_sms(hy_req *req, const char *phone, const char *text, hy_result *ret) {
    const char *lang = "en";
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p >= 0xD8 && *p <= 0xDB) {
            lang = "fa";
            break;
        }
    struct hy_faq_answer ans[1];
    const char **terms;
    size_t nterms;
    /* the primary: the answer is sent, so it must be current */
    int n = hy_faq_find(hy_req_app(req), req->srv->db, req->arena, text, lang, 1, ans, &terms,
                        &nterms);
    if (n < 0) {
        *ret = hy_reply_store_error(req, n);
        return true;
    }
    if (n == 0) return false;
    const struct hy_lib_doc *d = &ans[0].doc;
    const char *base = req->srv->cfg->public_url ? req->srv->cfg->public_url : "";
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/') bl--;
    char *url = hy_arena_printf(req->arena, "%.*s/doc?id=%s", (int)bl, base, d->id);
    json_t *p = json_pack("{s:s,s:s,s:s}", "question", d->title, "answer",
                          d->summary ? d->summary : "", "url", url ? url : "");
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    struct sms_ctx c = {.m = {.created_at = hy_clock_now(), .recipient = phone, .channel = "sms",
                              .language = lang, .template_name = "faq_answer",
                              .payload = payload}};
    int r = payload ? hy_db_run(req->srv->db, HY_TX_WRITE, sms_tx, &c) : HY_DB_HARD;
    free(payload);
    if (r < 0) {
        *ret = hy_reply_store_error(req, r);
        return true;
    }
    *ret = hy_reply_json(req, 200,
                         json_pack("{s:s,s:s,s:s,s:s,s:b}", "kind", "answer", "doc_id", d->id,
                                   "question", d->title, "url", url ? url : "", "queued",
                                   c.queued));
    return true;
}
