/* trees_page.c — the decision trees' public pages, rendered by the server so that they work
 * without JavaScript:
 *
 *   GET  /trees?lang=            the published trees of a language
 *   GET  /trees/{id}?lang=       the introduction and the first question
 *   POST /trees/{id}?lang=       a plain form post: the answers so far (hidden fields "a.NODE"),
 *                                the question answered ("q") and its answer ("answer"), and
 *                                which button was pressed ("go": next, back, restart)
 *
 * One question at a time, with back and restart; the answers travel in the form and nothing
 * about the person is kept (only the count of walks that ended at each result). Every value
 * put into a page is escaped; Markdown texts go through the library's renderer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/pages.h"
#include "api/shell.h"
#include "api/trees.h"
#include "domain/markdown.h"
#include "http/parse.h"
#include "store/trees.h"

/* A tree reviewed longer ago than this is flagged: its advice may be out of date. */
#define STALE_DAYS 180

struct page {
    hy_req *req;
    hy_buf b;
    bool fa;
    const char *lang;
    struct hy_shell sh; /* the site's shell: web/trees.html */
};

static const char *esc(struct page *p, const char *s) { return hy_shell_esc(&p->sh, s); }

/* ASCII digits as Persian ones on Persian pages. */
static const char *digits(struct page *p, const char *s) {
    return hy_shell_digits(&p->sh, s);
}

/* A day as people read it: Solar Hijri with Persian digits, or "6 December 2026". */
static const char *day_text(struct page *p, int32_t day) {
    return hy_shell_day(&p->sh, day);
}

static const char *tr(const struct page *p, const char *fa, const char *en) {
    return p->fa ? fa : en;
}

static void page_start(struct page *p, const char *title, const char *switch_href) {
    hy_shell_start(&p->sh, &p->b, title, "tree-page", switch_href);
}

/* Ends the page and answers it; when `counted` is set, once that walk's result is counted. */
static hy_result page_end_counted(struct page *p, unsigned status, const struct hy_api_tree *counted,
                                  int node) {
    hy_shell_end(&p->sh, &p->b);
    char *html = hy_buf_error(&p->b) ? NULL : hy_arena_alloc(p->req->arena, p->b.len + 1);
    size_t len = p->b.len;
    if (html) memcpy(html, p->b.data, len + 1);
    hy_buf_free(&p->b);
    if (!html) return hy_reply_error(p->req, HY_E_INTERNAL, NULL, NULL);
    static const char type[] = "text/html; charset=utf-8";
    if (counted) return hy_api_tree_reply_counted(p->req, counted, node, status, type, html, len);
    return hy_reply_bytes(p->req, status, type, html, len);
}

static hy_result page_end(struct page *p, unsigned status) {
    return page_end_counted(p, status, NULL, 0);
}

static hy_result simple_page(struct page *p, unsigned status, const char *title,
                             const char *text, const char *back_href, const char *back_text) {
    page_start(p, title, p->fa ? "/trees?lang=en" : "/trees?lang=fa");
    hy_buf_printf(&p->b,
                  "<h1>%s</h1>\n<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p>"
                  "</div>\n<p><a href=\"%s\">%s</a></p>\n",
                  esc(p, title), esc(p, text), esc(p, back_href), esc(p, back_text));
    return page_end(p, status);
}

static void page_init(struct page *p, hy_req *req, const char *lang) {
    p->req = req;
    p->b = (hy_buf)HY_BUF_INIT(4 * 1024 * 1024);
    hy_shell_init(&p->sh, req, "/trees.html", lang);
    p->lang = p->sh.lang;
    p->fa = p->sh.fa;
}

/* When the tree was last reviewed (a warning when that is long ago), and its source. */
static void review_note(struct page *p, const struct hy_tree *t, int32_t today) {
    int32_t age = today - t->reviewed_day;
    hy_buf_printf(&p->b, "<footer class=\"tree-meta\"><p>%s <time datetime=\"%s\">%s</time>",
                  tr(p, "آخرین بازبینی:", "Last reviewed:"), esc(p, t->reviewed_at),
                  day_text(p, t->reviewed_day));
    if (t->source_url)
        hy_buf_printf(&p->b, " · %s <a href=\"%s\" rel=\"noopener\">%s</a>",
                      tr(p, "منبع:", "Source:"), esc(p, t->source_url), esc(p, t->source_url));
    hy_buf_puts(&p->b, "</p>");
    if (age > STALE_DAYS)
        hy_buf_printf(&p->b, "<p class=\"notice notice-warning tree-stale\">%s</p>",
                      tr(p, "این راهنما بیش از شش ماه است که بازبینی نشده است؛ ممکن است به‌روز "
                            "نباشد.",
                         "This guide has not been reviewed for more than six months; it may be "
                         "out of date."));
    hy_buf_printf(&p->b, "<p class=\"tree-privacy\">%s</p></footer>\n",
                  tr(p, "پاسخ‌های شما ذخیره نمی‌شود؛ فقط شمار رسیدن به هر نتیجه شمرده می‌شود.",
                     "Your answers are not stored; only how often each outcome is reached is "
                     "counted."));
}

static void markdown(struct page *p, const char *md, const char *cls) {
    char *html = NULL, *plain = NULL;
    if (!md || hy_md_render(p->req->arena, md, strlen(md), &html, &plain) < 0) return;
    hy_buf_printf(&p->b, "<div class=\"%s\">%s</div>\n", cls, html);
}

/* The answers so far as hidden fields. */
static void hidden_answers(struct page *p, json_t *answers) {
    const char *key;
    json_t *v;
    json_object_foreach(answers, key, v) {
        char num[64];
        if (json_is_array(v)) {
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) {
                hy_buf_printf(&p->b, "<input type=\"hidden\" name=\"a.%s\" value=\"%s\">\n",
                              esc(p, key), esc(p, json_string_value(item)));
            }
            continue;
        }
        const char *s = json_string_value(v);
        if (!s && json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            s = num;
        } else if (!s && json_is_real(v)) {
            snprintf(num, sizeof num, "%.17g", json_real_value(v));
            s = num;
        }
        hy_buf_printf(&p->b, "<input type=\"hidden\" name=\"a.%s\" value=\"%s\">\n", esc(p, key),
                      esc(p, s));
    }
}

static void buttons(struct page *p, bool question, bool can_go_back) {
    hy_buf_puts(&p->b, "<div class=\"tree-actions\">");
    if (question)
        hy_buf_printf(&p->b,
                      "<button class=\"button button-primary\" type=\"submit\" name=\"go\" "
                      "value=\"next\">%s</button>",
                      tr(p, "ادامه", "Next"));
    if (can_go_back)
        hy_buf_printf(&p->b,
                      "<button class=\"button\" type=\"submit\" name=\"go\" value=\"back\" "
                      "formnovalidate>%s</button>",
                      tr(p, "بازگشت", "Back"));
    hy_buf_printf(&p->b,
                  "<button class=\"button\" type=\"submit\" name=\"go\" value=\"restart\" "
                  "formnovalidate>%s</button></div>\n",
                  tr(p, "شروع دوباره", "Start again"));
}

static const char *number_text(double v) {
    static _Thread_local char s[48];
    snprintf(s, sizeof s, "%.15g", v);
    return s;
}

static void question(struct page *p, const struct hy_tree *t, const struct hy_tree_node *n,
                     int32_t today, const char *error) {
    /* The question may hold paragraphs and lists, which a legend may not: it names the group
     * instead. */
    hy_buf_printf(&p->b,
                  "<div class=\"tree-question\" role=\"group\" aria-labelledby=\"tree-q\"%s>"
                  "<div id=\"tree-q\" class=\"tree-text\">",
                  error ? " aria-describedby=\"tree-error\"" : "");
    markdown(p, n->text, "tree-q-text");
    hy_buf_puts(&p->b, "</div>\n");
    if (n->help) markdown(p, n->help, "tree-help");
    if (error)
        hy_buf_printf(&p->b,
                      "<p class=\"notice notice-warning\" id=\"tree-error\" role=\"alert\">%s</p>\n",
                      esc(p, error));
    switch (n->type) {
    case HY_TREE_SINGLE_CHOICE:
    case HY_TREE_MULTIPLE_CHOICE: {
        bool multi = n->type == HY_TREE_MULTIPLE_CHOICE;
        if (multi)
            hy_buf_printf(&p->b, "<p class=\"tree-hint\">%s</p>\n",
                          tr(p, "هر گزینه‌ای را که درست است انتخاب کنید.",
                             "Choose every option that applies."));
        hy_buf_puts(&p->b, "<ul class=\"tree-options\">\n");
        for (size_t i = 0; i < n->noptions; i++)
            hy_buf_printf(&p->b,
                          "<li><label><input type=\"%s\" name=\"answer\" value=\"%s\"%s> "
                          "<span>%s</span></label></li>\n",
                          multi ? "checkbox" : "radio", esc(p, n->options[i].value),
                          multi ? "" : " required", esc(p, n->options[i].label));
        hy_buf_puts(&p->b, "</ul>\n");
        break;
    }
    case HY_TREE_NUMBER: {
        const char *lo = hy_arena_strdup(p->req->arena, number_text(n->min));
        const char *hi = hy_arena_strdup(p->req->arena, number_text(n->max));
        hy_buf_printf(&p->b,
                      "<p><label for=\"tree-answer\">%s%s%s</label><br>"
                      "<input id=\"tree-answer\" name=\"answer\" inputmode=\"%s\" "
                      "autocomplete=\"off\" required size=\"10\" dir=\"ltr\"></p>\n"
                      "<p class=\"tree-hint\">%s %s – %s</p>\n",
                      tr(p, "عدد", "A number"), n->unit ? " · " : "", n->unit ? esc(p, n->unit) : "",
                      n->integer ? "numeric" : "decimal", tr(p, "از", "From"),
                      digits(p, lo ? lo : ""), digits(p, hi ? hi : ""));
        break;
    }
    case HY_TREE_DATE:
        hy_buf_printf(&p->b,
                      "<p><label for=\"tree-answer\">%s</label><br>"
                      "<input id=\"tree-answer\" name=\"answer\" type=\"%s\" autocomplete=\"off\" "
                      "required dir=\"ltr\" placeholder=\"%s\"></p>\n",
                      tr(p, "تاریخ (سال/ماه/روز)", "Date"), p->fa ? "text" : "date",
                      p->fa ? "۱۴۰۵/۰۹/۱۵" : "YYYY-MM-DD");
        break;
    default:
        break;
    }
    (void)t;
    (void)today;
    hy_buf_puts(&p->b, "</div>\n");
}

static void result(struct page *p, const struct hy_tree_node *n) {
    hy_buf_printf(&p->b,
                  "<section class=\"tree-result tree-%s\" aria-labelledby=\"tree-result-title\">"
                  "<h2 id=\"tree-result-title\">%s</h2>\n",
                  hy_tree_severity_names[n->severity], esc(p, n->title));
    markdown(p, n->text, "tree-text");
    if (n->type == HY_TREE_CONTACT) {
        const struct hy_tree_contact *c = &n->contact;
        /* tel: wants the digits and + only. */
        char tel[HY_TREE_PHONE_MAX + 1];
        size_t k = 0;
        for (const char *s = c->phone; *s && k < sizeof tel - 1; s++)
            if ((*s >= '0' && *s <= '9') || *s == '+') tel[k++] = *s;
        tel[k] = '\0';
        hy_buf_printf(&p->b,
                      "<div class=\"tree-contact\"><p><strong>%s</strong></p>"
                      "<p><a class=\"button button-primary tree-call\" href=\"tel:%s\">%s "
                      "<span dir=\"ltr\">%s</span></a></p><p>%s</p>",
                      esc(p, c->name), tel, tr(p, "تماس با", "Call"),
                      esc(p, digits(p, c->phone)), esc(p, c->hours));
        if (c->url)
            hy_buf_printf(&p->b, "<p><a href=\"%s\">%s</a></p>", esc(p, c->url),
                          tr(p, "بیشتر بدانید", "Find out more"));
        hy_buf_puts(&p->b, "</div>\n");
    }
    hy_buf_puts(&p->b, "</section>\n");
}

/* Renders the step the answers lead to: a question (with `error` about its answer, if any)
 * or the result. */
static hy_result step_page(struct page *p, const struct hy_api_tree *at,
                           const struct hy_tree_step *s, int32_t today, const char *error,
                           unsigned status, bool count) {
    const struct hy_tree *t = at->tree;
    const struct hy_tree_node *n = &t->nodes[s->node];
    char *self = hy_arena_printf(p->req->arena, "/trees/%s?lang=%s", t->id, at->rec.language);
    char *other = hy_arena_printf(p->req->arena, "/trees/%s?lang=%s", t->id,
                                  p->fa ? "en" : "fa");
    p->sh.below = true;
    page_start(p, t->title, other ? other : "/trees");
    hy_buf_printf(&p->b, "<h1>%s</h1>\n", esc(p, t->title));
    if (s->npath == 0 && !s->done && t->intro) markdown(p, t->intro, "tree-intro");
    if (!s->done) {
        char num[16];
        snprintf(num, sizeof num, "%zu", s->npath + 1);
        hy_buf_printf(&p->b, "<p class=\"tree-step\">%s %s</p>\n", tr(p, "پرسش", "Question"),
                      digits(p, num));
    }
    json_t *answers = hy_tree_answers_json(t, s, s->npath);
    hy_buf_printf(&p->b, "<form class=\"tree-form\" method=\"post\" action=\"%s\">\n",
                  esc(p, self));
    if (answers) hidden_answers(p, answers);
    json_decref(answers);
    if (s->done) {
        result(p, n);
    } else {
        hy_buf_printf(&p->b, "<input type=\"hidden\" name=\"q\" value=\"%s\">\n", esc(p, n->id));
        question(p, t, n, today, error);
    }
    buttons(p, !s->done, s->npath > 0);
    hy_buf_puts(&p->b, "</form>\n");
    review_note(p, t, today);
    return page_end_counted(p, status, count && s->done ? at : NULL, s->node);
}

static hy_result missing(struct page *p) {
    return simple_page(p, 404, tr(p, "پیدا نشد", "Not found"),
                       tr(p, "این راهنما در این زبان منتشر نشده است.",
                          "This guide is not published in this language."),
                       p->fa ? "/trees?lang=fa" : "/trees?lang=en",
                       tr(p, "همهٔ راهنماها", "All guides"));
}

static hy_result load(struct page *p, struct hy_api_tree *t, bool *ret_done) {
    *ret_done = true;
    int r = hy_api_tree_load(p->req, p->req->args[0], p->lang, false, t);
    if (r == HY_DB_NONE) return missing(p);
    if (r == -EINVAL) return hy_reply_error(p->req, HY_E_INTERNAL, NULL, NULL);
    if (r != HY_DB_ONE) return hy_reply_store_error(p->req, r < 0 ? r : HY_DB_HARD);
    *ret_done = false;
    return 0;
}

hy_result hy_api_show_tree_page(hy_req *req) {
    struct page p;
    page_init(&p, req, hy_req_query(req, "lang"));
    struct hy_api_tree t = {0};
    bool done;
    hy_result res = load(&p, &t, &done);
    if (done) return res;
    int32_t today = hy_api_tree_today();
    struct hy_tree_step s;
    struct hy_tree_error err;
    json_t *none = json_object();
    int r = hy_tree_evaluate(t.tree, none, today, req->arena, &s, &err);
    json_decref(none);
    if (r < 0) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return step_page(&p, &t, &s, today, NULL, 200, false);
}

/* The answers carried by the form: "a.NODE" fields, a repeated one as an array. */
static json_t *carried_answers(json_t *form) {
    json_t *answers = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(form, key, v) {
        if (strncmp(key, "a.", 2) != 0) continue;
        json_object_set(answers, key + 2, v);
    }
    return answers;
}

/* What the person said in words the page can show. */
static const char *answer_problem(const struct page *p, const struct hy_tree_node *n) {
    switch (n->type) {
    case HY_TREE_SINGLE_CHOICE: return tr(p, "یکی از گزینه‌ها را انتخاب کنید.", "Choose one of the options.");
    case HY_TREE_MULTIPLE_CHOICE:
        return tr(p, "دست‌کم یک گزینه را انتخاب کنید («هیچ‌کدام» را فقط به تنهایی).",
                  "Choose at least one option (\"none of these\" only on its own).");
    case HY_TREE_NUMBER:
        return tr(p, "عددی در بازهٔ خواسته‌شده بنویسید.", "Enter a number within the range shown.");
    case HY_TREE_DATE:
        return tr(p, "تاریخی درست بنویسید، مانند ۱۴۰۵/۰۹/۱۵.",
                  "Enter a real date, such as 2026-12-06.");
    default: return tr(p, "پاسخ را بررسی کنید.", "Check the answer.");
    }
}

hy_result hy_api_walk_tree_page(hy_req *req) {
    struct page p;
    page_init(&p, req, hy_req_query(req, "lang"));
    json_t *form = hy_req_is_form(req) ? hy_form_parse(req->body.data ? req->body.data : "",
                                                       req->body.len)
                                       : NULL;
    if (!form)
        return simple_page(&p, 400, tr(&p, "فرم خوانده نشد", "The form could not be read"),
                           tr(&p, "پاسخ‌ها خوانده نشد. از اول شروع کنید.",
                              "The answers could not be read. Please start again."),
                           "/trees", tr(&p, "همهٔ راهنماها", "All guides"));
    struct hy_api_tree t = {0};
    bool done;
    hy_result res = load(&p, &t, &done);
    if (done) {
        json_decref(form);
        return res;
    }
    int32_t today = hy_api_tree_today();
    const char *go = json_string_value(json_object_get(form, "go"));
    const char *q = json_string_value(json_object_get(form, "q"));
    json_t *answer = json_object_get(form, "answer");
    json_t *answers = carried_answers(form);
    struct hy_tree_error err = {0};
    struct hy_tree_step s;
    int r = 0;
    const char *error = NULL;
    if (go && !strcmp(go, "restart")) {
        json_object_clear(answers);
    } else if (go && !strcmp(go, "back")) {
        json_t *before = NULL;
        r = hy_tree_back(t.tree, answers, today, req->arena, &before, &err);
        if (r == 0) {
            json_decref(answers);
            answers = before;
        }
    } else if (q) {
        if (answer) json_object_set(answers, q, answer);
        else error = answer_problem(&p, &t.tree->nodes[0]); /* replaced below by q's own */
    }
    if (r == 0) r = hy_tree_evaluate(t.tree, answers, today, req->arena, &s, &err);
    json_t *carried = NULL;
    if (r == -EINVAL && q && err.node && !strcmp(err.node, q)) {
        /* The new answer was refused: ask the same question again, saying why. */
        carried = carried_answers(form);
        r = hy_tree_evaluate(t.tree, carried, today, req->arena, &s, &err);
        if (r == 0 && !s.done && !strcmp(t.tree->nodes[s.node].id, q))
            error = answer_problem(&p, &t.tree->nodes[s.node]);
        else if (r == 0)
            r = -EINVAL;
    } else if (r == 0 && error && q) {
        /* No answer was given: the step reached is the question itself. */
        error = !s.done && !strcmp(t.tree->nodes[s.node].id, q)
                    ? answer_problem(&p, &t.tree->nodes[s.node])
                    : NULL;
    }
    json_decref(carried);
    json_decref(answers);
    json_decref(form);
    if (r == -EINVAL) {
        char *restart = hy_arena_printf(req->arena, "/trees/%s?lang=%s", t.rec.id, t.rec.language);
        return simple_page(&p, 400, tr(&p, "پاسخ‌ها خوانده نشد", "The answers could not be read"),
                           tr(&p, "پاسخ‌های پیشین با این راهنما جور درنمی‌آید. از اول شروع کنید.",
                              "The earlier answers do not fit this guide. Please start again."),
                           restart ? restart : "/trees", tr(&p, "شروع دوباره", "Start again"));
    }
    if (r < 0) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return step_page(&p, &t, &s, today, error, error ? 400 : 200, !error);
}

/* ---------------------------------------------------------------- the list */

hy_result hy_api_show_trees_page(hy_req *req) {
    struct page p;
    page_init(&p, req, hy_req_query(req, "lang"));
    struct {
        struct hy_tree_rec *items;
        int n;
    } c;
    c.n = hy_api_tree_list(req, p.lang, false, &c.items);
    if (c.n < 0) return hy_reply_store_error(req, c.n);
    int32_t today = hy_api_tree_today();
    page_start(&p, tr(&p, "چه کنم؟", "What should I do?"), p.fa ? "/trees?lang=en" : "/trees?lang=fa");
    hy_buf_printf(&p.b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n",
                  tr(&p, "چه کنم؟", "What should I do?"),
                  tr(&p, "به چند پرسش ساده، یکی‌یکی، پاسخ دهید تا بدانید چه کاری درست است و با چه "
                         "کسی تماس بگیرید. پاسخ‌های شما ذخیره نمی‌شود. این راهنماها توصیهٔ پزشکی "
                         "نیستند؛ در خطر جانی همین حالا با اورژانس تماس بگیرید.",
                     "Answer a few simple questions, one at a time, to find out what to do and "
                     "whom to call. Your answers are not stored. These guides are not medical "
                     "advice: if a life is in danger, call the emergency number now."));
    if (c.n == 0)
        hy_buf_printf(&p.b, "<p>%s</p>\n",
                      tr(&p, "هنوز راهنمایی به این زبان منتشر نشده است.",
                         "No guide has been published in this language yet."));
    hy_buf_puts(&p.b, "<ul class=\"tree-list\">\n");
    for (int i = 0; i < c.n; i++) {
        const struct hy_tree_rec *t = &c.items[i];
        int32_t day = 0;
        bool has_day = hy_tree_date_parse(t->reviewed_at, strlen(t->reviewed_at), &day);
        hy_buf_printf(&p.b,
                      "<li><a class=\"tree-link\" href=\"/trees/%s?lang=%s\">%s</a>"
                      "<br><small>%s <time datetime=\"%s\">%s</time>%s</small></li>\n",
                      esc(&p, t->id), esc(&p, t->language), esc(&p, t->title),
                      tr(&p, "آخرین بازبینی:", "Last reviewed:"), esc(&p, t->reviewed_at),
                      has_day ? day_text(&p, day) : esc(&p, t->reviewed_at),
                      has_day && today - day > STALE_DAYS
                          ? tr(&p, " — ممکن است به‌روز نباشد", " — may be out of date")
                          : "");
    }
    hy_buf_puts(&p.b, "</ul>\n");
    return page_end(&p, 200);
}
