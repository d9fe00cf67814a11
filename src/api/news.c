/* news.c — official news and fact checks for the public: server-made pages that need no
 * JavaScript, the feeds (Atom, JSON Feed 1.1), alerts as CAP 1.2, the issuing institutions.
 *
 *   GET /news                    ?q=&institution=&category=&doc_lang=&lang=   the list, with filters
 *   GET /news/{id}               one item; a draft or one in review only for editors (preview)
 *   GET /news/{id}.cap           an alert as CAP 1.2
 *   GET /news.atom, /news.json   ?institution=&category=&lang=&q=        the newest 50
 *   GET /factchecks              ?q=&rating=&country=&language=&organisation=&year=&lang=
 *   GET /factchecks/{id}         one fact check, with schema.org ClaimReview JSON-LD
 *   GET /factchecks.atom         the same filters
 *   GET /factchecks/submit       the form to send a claim to be checked
 *
 * The pages are in the site's shell (api/shell.h) and in the language of their address
 * (`lang`, Persian by default); an address of the previous release with `ui=` is sent on to
 * the one with `lang=` (and its `lang=`, then the items' language, becomes `doc_lang=`).
 *   GET /api/v1/news/institutions              the institutions that issue news
 *   PUT /api/v1/news/institutions/{slug}       editors: add or change one
 *
 * News items and fact checks are library documents (types "news" and "factcheck"): they are
 * written, reviewed, published and revised through /api/v1/library like any other. Here they
 * are listed: the newest HY_NEWS_LIST_MAX published documents of the type are read and
 * filtered, counted and matched in C (the words of `q` must each start a word of the title,
 * summary or body, folded as the library's search folds them), the same on both stores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/feed.h"
#include "api/pages.h"
#include "api/shell.h"
#include "domain/auth.h"
#include "domain/library.h"
#include "domain/news.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/library.h"
#include "store/news.h"
#include "util/clock.h"
#include "util/utf8.h"

#define FEED_ITEMS 50
#define PAGE_ITEMS 30
#define MAX_VALUES 16

/* ---------------------------------------------------------------- selection */

enum kind { NEWS, FACTCHECK };

struct facet {
    const char *name;
    const char *key; /* the value is this field of the document's own fields, or … */
    /* … the document's value of this facet (arena or static string), or NULL for none. */
    const char *(*get)(hy_arena *a, const struct hy_lib_doc *d);
};

static const char *x_str(const json_t *x, const char *k) {
    return json_string_value(json_object_get(x, k));
}
static const char *f_country(hy_arena *a, const struct hy_lib_doc *d) {
    (void)a;
    return d->country;
}
static const char *f_language(hy_arena *a, const struct hy_lib_doc *d) {
    (void)a;
    return d->language;
}
/* The year of a fact check: its own year, else the year it was published. */
static const char *f_year(hy_arena *a, const struct hy_lib_doc *d) {
    if (d->year > 0) return hy_arena_printf(a, "%d", d->year);
    if (!d->published_at) return NULL;
    char t[32];
    hy_feed_time(d->published_at, t);
    return hy_arena_strndup(a, t, 4);
}

static const struct facet news_facets[] = {{"institution", "institution", NULL},
                                           {"category", "category", NULL}};
static const struct facet fc_facets[] = {{"rating", "rating", NULL},
                                         {"country", NULL, f_country},
                                         {"language", NULL, f_language},
                                         {"organisation", "organisation", NULL},
                                         {"year", NULL, f_year}};
#define NFACETS_MAX 5

struct count {
    const char *value;
    size_t n;
};

struct selection {
    enum kind kind;
    const struct facet *facets;
    size_t nfacets;
    const char *terms[HY_LIB_MAX_TERMS];
    size_t nterms;
    const char *lang; /* news: documents in this language only; NULL = any */
    const char *want[NFACETS_MAX][MAX_VALUES];
    size_t nwant[NFACETS_MAX];
    /* results */
    struct hy_lib_doc *docs; /* the matches, newest first */
    json_t **extra;          /* each match's own fields */
    size_t n;
    struct count *counts[NFACETS_MAX];
    size_t ncounts[NFACETS_MAX];
    struct hy_news_inst *insts;
    int ninsts;
    /* read */
    struct hy_lib_doc *all;
    int nall;
};

static bool all_terms_hit(const struct hy_lib_doc *d, const char *const *terms, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!hy_lib_text_hits(d->title, &terms[i], 1) && !hy_lib_text_hits(d->summary, &terms[i], 1) &&
            !hy_lib_text_hits(d->body_text, &terms[i], 1))
            return false;
    return true;
}

static bool wanted(const struct selection *s, size_t f, const char *v) {
    if (!s->nwant[f]) return true;
    for (size_t i = 0; v && i < s->nwant[f]; i++)
        if (!strcmp(s->want[f][i], v)) return true;
    return false;
}

static void count_value(hy_arena *a, struct selection *s, size_t f, const char *v) {
    if (!v) return;
    for (size_t i = 0; i < s->ncounts[f]; i++)
        if (!strcmp(s->counts[f][i].value, v)) {
            s->counts[f][i].n++;
            return;
        }
    /* v may live in a document's fields that are freed before the page is written. */
    const char *copy = hy_arena_strdup(a, v);
    if (!copy) return;
    s->counts[f][s->ncounts[f]++] = (struct count){.value = copy, .n = 1};
}

static int cmp_count(const void *x, const void *y) {
    const struct count *a = x, *b = y;
    return strcmp(a->value, b->value);
}

/* Filters, matches and counts s->all into the results. false when out of memory. */
static bool select_docs(hy_arena *a, struct selection *s) {
    int64_t now = hy_clock_now();
    s->docs = hy_arena_alloc(a, (size_t)(s->nall ? s->nall : 1) * sizeof *s->docs);
    s->extra = hy_arena_alloc(a, (size_t)(s->nall ? s->nall : 1) * sizeof(json_t *));
    for (size_t f = 0; f < s->nfacets; f++) {
        s->counts[f] = hy_arena_alloc(a, (size_t)(s->nall ? s->nall : 1) * sizeof **s->counts);
        if (!s->counts[f]) return false;
    }
    if (!s->docs || !s->extra) return false;
    s->n = 0;
    for (int i = 0; i < s->nall; i++) {
        const struct hy_lib_doc *d = &s->all[i];
        json_t *x = hy_news_extra_json(d->extra);
        json_t *pub = json_object_get(x, "publish_at");
        bool ok = !(s->kind == NEWS && json_is_integer(pub) && json_integer_value(pub) > now) &&
                  (!s->lang || !strcmp(d->language, s->lang)) &&
                  all_terms_hit(d, s->terms, s->nterms);
        const char *vals[NFACETS_MAX] = {0};
        size_t misses = 0, missed = 0;
        for (size_t f = 0; ok && f < s->nfacets; f++) {
            vals[f] = s->facets[f].key ? x_str(x, s->facets[f].key) : s->facets[f].get(a, d);
            if (!wanted(s, f, vals[f])) misses++, missed = f;
        }
        if (ok) {
            /* A facet's counts: the documents that pass every other facet's filter. */
            for (size_t f = 0; f < s->nfacets; f++)
                if (misses == 0 || (misses == 1 && missed == f)) count_value(a, s, f, vals[f]);
        }
        if (!ok || misses) {
            json_decref(x);
            continue;
        }
        s->docs[s->n] = *d;
        s->extra[s->n++] = x;
    }
    for (size_t f = 0; f < s->nfacets; f++)
        if (s->ncounts[f] > 1) qsort(s->counts[f], s->ncounts[f], sizeof *s->counts[f], cmp_count);
    return true;
}

static void selection_free(struct selection *s) {
    for (size_t i = 0; i < s->n; i++) json_decref(s->extra[i]);
    s->n = 0;
}

struct read_ctx {
    hy_req *req;
    struct selection *sel;
    const char *type;
    const char *id; /* one document */
    struct hy_lib_doc doc;
    struct hy_lib_attachment *atts;
    int natts;
};

static int list_tx(hy_store *s, void *ctx) {
    struct read_ctx *c = ctx;
    c->sel->nall = s->ops->news->doc_list(s, c->type, "published", HY_NEWS_LIST_MAX,
                                          c->req->arena, &c->sel->all);
    if (c->sel->nall < 0) return c->sel->nall;
    c->sel->ninsts = s->ops->news->inst_list(s, c->req->arena, &c->sel->insts);
    return c->sel->ninsts < 0 ? c->sel->ninsts : HY_DB_ONE;
}

/* Reads the query's words and filters into *s. false when a value is not allowed (answered,
 * *ret holds the result). */
static bool read_filters(hy_req *req, const char *lang_name, struct selection *s, hy_result *ret) {
    const char *q = hy_req_query(req, "q");
    if (q && hy_utf8_length(q, strlen(q)) > 200) {
        *ret = hy_reply_error(req, HY_E_INVALID_QUERY, "q is at most 200 characters.", "q");
        return false;
    }
    s->nterms = hy_lib_terms(req->arena, q, s->terms);
    for (size_t f = 0; f < s->nfacets; f++) {
        const char *v = hy_req_query(req, s->facets[f].name);
        if (!v || !*v) continue;
        char *copy = hy_arena_strdup(req->arena, v);
        for (char *p = copy; p && *p;) {
            char *e = strchr(p, ',');
            if (e) *e = '\0';
            bool ok = *p && strlen(p) <= 200 && s->nwant[f] < MAX_VALUES &&
                      hy_utf8_valid(p, strlen(p), 0);
            if (ok && !strcmp(s->facets[f].name, "category")) ok = hy_lib_one_of(p, hy_news_categories);
            if (ok && !strcmp(s->facets[f].name, "rating")) ok = hy_lib_one_of(p, hy_fc_ratings);
            if (ok && !strcmp(s->facets[f].name, "institution")) ok = hy_lib_theme_valid(p, strlen(p));
            if (ok && !strcmp(s->facets[f].name, "language")) ok = hy_lib_one_of(p, hy_lib_languages);
            if (ok && !strcmp(s->facets[f].name, "country")) {
                char cc[3];
                ok = hy_lib_country_parse(p, cc);
                if (ok) memcpy(p, cc, 3);
            }
            if (ok && !strcmp(s->facets[f].name, "year"))
                ok = strlen(p) == 4 && strspn(p, "0123456789") == 4;
            if (!ok) {
                *ret = hy_reply_error(req, HY_E_INVALID_QUERY, "A filter value is not allowed.",
                                      s->facets[f].name);
                return false;
            }
            s->want[f][s->nwant[f]++] = p;
            p = e ? e + 1 : NULL;
        }
    }
    const char *lang = hy_req_query(req, lang_name);
    if (lang && *lang) {
        if (!hy_lib_one_of(lang, hy_lib_languages)) {
            *ret = hy_reply_error(req, HY_E_INVALID_QUERY,
                                  hy_arena_printf(req->arena, "%s must be fa or en.", lang_name),
                                  lang_name);
            return false;
        }
        s->lang = lang;
    }
    return true;
}

static void setup(struct selection *s, enum kind k) {
    memset(s, 0, sizeof *s);
    s->kind = k;
    s->facets = k == NEWS ? news_facets : fc_facets;
    s->nfacets = k == NEWS ? sizeof news_facets / sizeof news_facets[0]
                           : sizeof fc_facets / sizeof fc_facets[0];
}

/* Reads and selects; false when answered (bad filter, store error). `lang_name` is the query
 * parameter that names the items' language: "lang" in feeds, "doc_lang" on pages (whose
 * "lang" is the page's own). */
static bool load(hy_req *req, const char *lang_name, struct selection *s, enum kind k,
                 hy_result *ret) {
    setup(s, k);
    if (!read_filters(req, lang_name, s, ret)) return false;
    struct read_ctx c = {.req = req, .sel = s, .type = k == NEWS ? "news" : "factcheck"};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, list_tx, &c);
    if (r < 0) {
        *ret = hy_reply_store_error(req, r);
        return false;
    }
    if (!select_docs(req->arena, s)) {
        selection_free(s);
        *ret = hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        return false;
    }
    return true;
}

static const struct hy_news_inst *find_inst(const struct selection *s, const char *slug) {
    for (int i = 0; slug && i < s->ninsts; i++)
        if (!strcmp(s->insts[i].slug, slug)) return &s->insts[i];
    return NULL;
}

/* ---------------------------------------------------------------- words */

struct word {
    const char *key, *fa, *en;
};

static const struct word words[] = {
    {"news", "اخبار رسمی", "Official news"},
    {"factchecks", "راستی‌آزمایی", "Fact checks"},
    {"search", "جست‌وجو", "Search"},
    {"all", "همه", "All"},
    {"none", "چیزی پیدا نشد.", "Nothing found."},
    {"institution", "نهاد", "Institution"},
    {"category", "دسته", "Category"},
    {"rating", "داوری", "Rating"},
    {"country", "کشور", "Country"},
    {"language", "زبان", "Language"},
    {"organisation", "راستی‌آزما", "Checked by"},
    {"year", "سال", "Year"},
    {"information", "آگاهی", "Information"},
    {"decision", "تصمیم", "Decision"},
    {"alert", "هشدار", "Alert"},
    {"guidance", "راهنمایی", "Guidance"},
    {"update", "تازه‌ها", "Update"},
    {"false", "نادرست", "False"},
    {"misleading", "گمراه‌کننده", "Misleading"},
    {"partly_true", "نیمه‌درست", "Partly true"},
    {"true", "درست", "True"},
    {"unverifiable", "تأییدنشدنی", "Unverifiable"},
    {"fa", "فارسی", "Persian"},
    {"en", "انگلیسی", "English"},
    {"claim", "ادعا", "Claim"},
    {"claimant", "گوینده", "Claimed by"},
    {"appeared", "کجا دیده شد", "Where it appeared"},
    {"first_seen", "نخستین بار", "First seen"},
    {"sources", "منبع‌ها", "Sources"},
    {"links", "پیوندها", "Links"},
    {"attachments", "پیوست‌ها", "Attachments"},
    {"preview", "پیش‌نمایش: این نوشته هنوز منتشر نشده است.", "Preview: this is not published yet."},
    {"feeds", "خوراک‌ها", "Feeds"},
    {"cap", "هشدار به قالب CAP", "This alert as CAP"},
    {"back", "بازگشت به فهرست", "Back to the list"},
    {"urgency", "فوریت", "Urgency"},
    {"severity", "شدت", "Severity"},
    {"certainty", "قطعیت", "Certainty"},
    {"area", "منطقه", "Area"},
    {"published", "انتشار", "Published"},
    {"submit_claim", "ادعایی را برای بررسی بفرستید", "Send a claim to be checked"},
    {"filter", "پالایش", "Filter"},
    /* CAP 1.2's urgency, severity and certainty, in words */
    {"Immediate", "فوری", "Immediate"},
    {"Expected", "به‌زودی", "Expected"},
    {"Future", "در آینده", "Future"},
    {"Past", "گذشته", "Past"},
    {"Unknown", "نامعلوم", "Unknown"},
    {"Extreme", "بسیار شدید", "Extreme"},
    {"Severe", "شدید", "Severe"},
    {"Moderate", "متوسط", "Moderate"},
    {"Minor", "کم", "Minor"},
    {"Observed", "دیده‌شده", "Observed"},
    {"Likely", "محتمل", "Likely"},
    {"Possible", "ممکن", "Possible"},
    {"Unlikely", "نامحتمل", "Unlikely"},
};

static const char *w(const char *key, bool fa) {
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(words[i].key, key)) return fa ? words[i].fa : words[i].en;
    return key;
}

/* A query value as it goes into an address: letters, digits and -_. as they are, the rest
 * %-encoded. */
static void put_qvalue(hy_buf *b, const char *v) {
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            hy_buf_putc(b, (char)*p);
        else
            hy_buf_printf(b, "%%%02X", *p);
    }
}

/* The parameters a page's address may carry (its language, the search, every filter). */
static const char *const page_params[] = {"q",        "doc_lang", "lang",         "institution",
                                          "category", "rating",   "country",      "language",
                                          "organisation", "year"};
#define NPAGE_PARAMS (sizeof page_params / sizeof page_params[0])

/* The interface language of a page: ?lang=en, else Persian (the site's default), as on every
 * page. The previous release named it ?ui= (and the items' language ?lang=): such an address
 * is sent on, once and for good (301), to the same page with today's names. false when
 * answered (*ret holds the result). */
static bool page_lang(hy_req *req, const char *path, bool *ret_fa, hy_result *ret) {
    const char *ui = hy_req_query(req, "ui");
    *ret_fa = strcmp(hy_page_lang(hy_req_query(req, "lang")), "en") != 0;
    if (!ui) return true;
    if (strcmp(ui, "en") && strcmp(ui, "fa")) {
        *ret = hy_reply_error(req, HY_E_INVALID_QUERY, "ui is fa or en.", "ui");
        return false;
    }
    const char *doc_lang = hy_req_query(req, "doc_lang");
    if (!doc_lang || !*doc_lang) doc_lang = hy_req_query(req, "lang");
    hy_buf b = HY_BUF_INIT(16384);
    hy_buf_puts(&b, path);
    char sep = '?';
    for (size_t i = 0; i < NPAGE_PARAMS; i++) {
        const char *name = page_params[i];
        const char *v = !strcmp(name, "lang") ? ui : !strcmp(name, "doc_lang") ? doc_lang
                                                                               : hy_req_query(req, name);
        if (!v || !*v) continue;
        hy_buf_printf(&b, "%c%s=", sep, name);
        put_qvalue(&b, v);
        sep = '&';
    }
    const char *loc = hy_buf_error(&b) || !b.data ? NULL : hy_arena_strdup(req->arena, b.data);
    hy_buf_free(&b);
    if (!loc || hy_req_add_header(req, "Location", loc) < 0)
        *ret = hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    else
        *ret = hy_reply_bytes(req, 301, "text/plain; charset=utf-8", "", 0);
    return false;
}

static void put_esc(hy_buf *b, hy_arena *a, const char *s) {
    char *e = hy_html_escape(a, s ? s : "");
    hy_buf_puts(b, e ? e : "");
}

/* A date as the reader's calendar would print it is the browser's business; pages print
 * ISO dates, which both languages read, in a <time> element. */
static void put_date(hy_buf *b, int64_t t) {
    char iso[32];
    hy_feed_time(t, iso);
    hy_buf_printf(b, "<time datetime=\"%s\">%.10s</time>", iso, iso);
}

static const char *inst_name(const struct hy_news_inst *in, bool fa) {
    return in ? (fa ? in->name_fa : in->name_en) : NULL;
}

static void put_inst_badge(hy_buf *b, hy_arena *a, const struct hy_news_inst *in,
                           const char *slug, bool fa) {
    /* The colour as an SVG fill: the site's Content-Security-Policy allows no style attributes. */
    hy_buf_printf(b, "<span class=\"news-inst\"><svg class=\"news-swatch\" width=\"12\" height=\"12\" "
                     "viewBox=\"0 0 12 12\" aria-hidden=\"true\" focusable=\"false\"><circle cx=\"6\" "
                     "cy=\"6\" r=\"5.5\" fill=\"%s\"/></svg>",
                  in ? in->colour : "#777777");
    put_esc(b, a, in ? inst_name(in, fa) : slug);
    hy_buf_puts(b, "</span>");
}

/* The page's query with one parameter's value replaced (NULL: removed), for the filter links
 * and the language switch. */
static void put_href(hy_buf *b, hy_req *req, const char *path, const struct selection *s,
                     const char *param, const char *value) {
    hy_buf_puts(b, path);
    char sep = '?';
    const char *names[NFACETS_MAX + 3];
    size_t n = 0;
    names[n++] = "q";
    names[n++] = "doc_lang";
    names[n++] = "lang";
    for (size_t f = 0; f < s->nfacets; f++) names[n++] = s->facets[f].name;
    for (size_t i = 0; i < n; i++) {
        const char *v = !strcmp(names[i], param ? param : "") ? value : hy_req_query(req, names[i]);
        if (!v || !*v) continue;
        hy_buf_printf(b, "%c%s=", sep, names[i]);
        put_qvalue(b, v);
        sep = '&';
    }
}

static const char *value_label(const struct selection *s, const char *facet, const char *v,
                               bool fa) {
    if (!strcmp(facet, "institution")) {
        const struct hy_news_inst *in = find_inst(s, v);
        return in ? inst_name(in, fa) : v;
    }
    if (!strcmp(facet, "category") || !strcmp(facet, "rating") || !strcmp(facet, "language"))
        return w(v, fa);
    return v;
}

static void put_facets(hy_buf *b, hy_arena *a, hy_req *req, const char *path,
                       const struct selection *s, bool fa) {
    hy_buf_printf(b, "<nav class=\"news-facets\" aria-label=\"%s\">", w("filter", fa));
    for (size_t f = 0; f < s->nfacets; f++) {
        const char *name = s->facets[f].name;
        hy_buf_printf(b, "<section><h2>%s</h2><ul>", w(name, fa));
        hy_buf_puts(b, "<li><a href=\"");
        put_href(b, req, path, s, name, NULL);
        hy_buf_printf(b, "\"%s>%s</a></li>", s->nwant[f] ? "" : " aria-current=\"true\"", w("all", fa));
        for (size_t i = 0; i < s->ncounts[f]; i++) {
            const struct count *c = &s->counts[f][i];
            bool on = s->nwant[f] && wanted(s, f, c->value);
            hy_buf_puts(b, "<li><a href=\"");
            put_href(b, req, path, s, name, c->value);
            hy_buf_printf(b, "\"%s>", on ? " aria-current=\"true\"" : "");
            put_esc(b, a, value_label(s, name, c->value, fa));
            hy_buf_printf(b, " <span class=\"count\">(%zu)</span></a></li>", c->n);
        }
        hy_buf_puts(b, "</ul></section>");
    }
    hy_buf_puts(b, "</nav>");
}

static void put_search(hy_buf *b, hy_arena *a, hy_req *req, const char *path,
                       const struct selection *s, bool fa) {
    hy_buf_printf(b, "<form class=\"news-search\" role=\"search\" method=\"get\" action=\"%s\">"
                     "<label for=\"news-q\">%s</label> <input class=\"input\" id=\"news-q\" "
                     "name=\"q\" type=\"search\" maxlength=\"200\" value=\"",
                  path, w("search", fa));
    const char *q = hy_req_query(req, "q");
    put_esc(b, a, q ? q : "");
    hy_buf_puts(b, "\">");
    for (size_t f = 0; f < s->nfacets; f++) {
        const char *v = hy_req_query(req, s->facets[f].name);
        if (!v || !*v) continue;
        hy_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", s->facets[f].name);
        put_esc(b, a, v);
        hy_buf_puts(b, "\">");
    }
    const char *doc_lang = hy_req_query(req, "doc_lang");
    if (doc_lang && *doc_lang) {
        hy_buf_puts(b, "<input type=\"hidden\" name=\"doc_lang\" value=\"");
        put_esc(b, a, doc_lang);
        hy_buf_puts(b, "\">");
    }
    if (!fa) hy_buf_puts(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
    hy_buf_printf(b, " <button class=\"button\" type=\"submit\">%s</button></form>", w("search", fa));
}

static void put_links(hy_buf *b, hy_arena *a, const char *heading, const json_t *links) {
    if (!json_array_size(links)) return;
    hy_buf_printf(b, "<h2>%s</h2><ul class=\"news-links\">", heading);
    size_t i;
    const json_t *l;
    json_array_foreach(links, i, l) {
        const char *url = json_string_value(json_object_get(l, "url"));
        const char *title = json_string_value(json_object_get(l, "title"));
        hy_buf_puts(b, "<li><a rel=\"noopener nofollow\" href=\"");
        put_esc(b, a, url);
        hy_buf_puts(b, "\">");
        put_esc(b, a, title && *title ? title : url);
        hy_buf_puts(b, "</a></li>");
    }
    hy_buf_puts(b, "</ul>");
}

/* How a page is framed: its section (news or fact checks; one item is below the section's
 * list), its language, its heading (in `title_lang`, the language of an item) and the address
 * of the page in the other language. */
struct frame {
    enum kind k;
    bool below, fa;
    const char *title, *title_lang, *switch_href;
};

/* Answers the page: `body` (trusted markup, every value in it escaped) in the site's shell. */
static hy_result reply_page(hy_req *req, unsigned status, const struct frame *f, hy_buf *body) {
    struct hy_shell sh;
    hy_shell_init(&sh, req, f->k == NEWS ? "/news.html" : "/factchecks.html", f->fa ? "fa" : "en");
    sh.below = f->below;
    hy_buf out = HY_BUF_INIT(4 * 1024 * 1024);
    hy_shell_start(&sh, &out, f->title, f->k == NEWS ? "news-page" : "fc-page", f->switch_href);
    if (f->title_lang && strcmp(f->title_lang, sh.lang))
        hy_buf_printf(&out, "<h1 lang=\"%s\" dir=\"%s\">", f->title_lang,
                      strcmp(f->title_lang, "en") ? "rtl" : "ltr");
    else
        hy_buf_puts(&out, "<h1>");
    put_esc(&out, req->arena, f->title);
    hy_buf_puts(&out, "</h1>\n");
    if (body->data) hy_buf_append(&out, body->data, body->len);
    hy_shell_end(&sh, &out);
    bool bad = hy_buf_error(body) || hy_buf_error(&out);
    hy_buf_free(body);
    char *html = bad ? NULL : hy_arena_alloc(req->arena, out.len + 1);
    size_t len = out.len;
    if (html) memcpy(html, out.data, len + 1);
    hy_buf_free(&out);
    if (!html) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_bytes(req, status, "text/html; charset=utf-8", html, len);
}

/* An address (path + query) made by put_href, in the arena. */
static const char *href(hy_req *req, const char *path, const struct selection *s,
                        const char *param, const char *value) {
    hy_buf b = HY_BUF_INIT(16384);
    put_href(&b, req, path, s, param, value);
    const char *r = hy_buf_error(&b) || !b.data ? path : hy_arena_strdup(req->arena, b.data);
    hy_buf_free(&b);
    return r ? r : path;
}

/* ---------------------------------------------------------------- list pages */

static hy_result list_page(hy_req *req, enum kind k) {
    struct selection s;
    hy_result res;
    bool fa;
    const char *path = k == NEWS ? "/news" : "/factchecks";
    if (!page_lang(req, path, &fa, &res) || !load(req, "doc_lang", &s, k, &res)) return res;
    hy_arena *a = req->arena;
    hy_buf b = HY_BUF_INIT(0);
    put_search(&b, a, req, path, &s, fa);
    hy_buf_puts(&b, "<div class=\"news-layout\">");
    put_facets(&b, a, req, path, &s, fa);
    hy_buf_printf(&b, "<section class=\"news-list\" aria-live=\"polite\"><p class=\"news-total\">%zu</p>", s.n);
    if (!s.n) hy_buf_printf(&b, "<p>%s</p>", w("none", fa));
    hy_buf_puts(&b, "<ol class=\"news-items\">");
    for (size_t i = 0; i < s.n && i < PAGE_ITEMS; i++) {
        const struct hy_lib_doc *d = &s.docs[i];
        const json_t *x = s.extra[i];
        hy_buf_printf(&b, "<li class=\"news-item\" lang=\"%s\"><h3><a href=\"%s/%s%s\">", d->language,
                      path, d->id, fa ? "" : "?lang=en");
        put_esc(&b, a, d->title);
        hy_buf_puts(&b, "</a></h3><p class=\"news-meta\">");
        if (k == NEWS) {
            const char *slug = x_str(x, "institution");
            put_inst_badge(&b, a, find_inst(&s, slug), slug, fa);
            hy_buf_printf(&b, " <span class=\"news-cat news-cat-%s\">%s</span> ",
                          x_str(x, "category"), w(x_str(x, "category"), fa));
        } else {
            hy_buf_printf(&b, "<span class=\"fc-rating fc-%s\">%s</span> ", x_str(x, "rating"),
                          w(x_str(x, "rating"), fa));
            put_esc(&b, a, x_str(x, "organisation"));
            hy_buf_puts(&b, " ");
        }
        put_date(&b, d->published_at);
        hy_buf_puts(&b, "</p><p>");
        put_esc(&b, a, k == NEWS ? d->summary : x_str(x, "claim"));
        hy_buf_puts(&b, "</p></li>");
    }
    hy_buf_puts(&b, "</ol></section></div>");
    hy_buf_printf(&b, "<p class=\"news-feeds\">%s: <a href=\"%s.atom\">Atom</a>", w("feeds", fa), path);
    if (k == NEWS) hy_buf_puts(&b, " · <a href=\"/news.json\">JSON Feed</a>");
    hy_buf_puts(&b, "</p>");
    if (k == FACTCHECK)
        hy_buf_printf(&b, "<p><a href=\"/factchecks/submit%s\">%s</a></p>", fa ? "" : "?lang=en",
                      w("submit_claim", fa));
    selection_free(&s);
    struct frame f = {.k = k, .fa = fa, .title = w(k == NEWS ? "news" : "factchecks", fa),
                      .switch_href = href(req, path, &s, "lang", fa ? "en" : "fa")};
    return reply_page(req, 200, &f, &b);
}

hy_result hy_api_show_news(hy_req *req) { return list_page(req, NEWS); }
hy_result hy_api_show_factchecks(hy_req *req) { return list_page(req, FACTCHECK); }

/* ---------------------------------------------------------------- one item */

static int item_tx(hy_store *s, void *ctx) {
    struct read_ctx *c = ctx;
    int r = s->ops->library->doc_get(s, c->id, c->req->arena, &c->doc);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (strcmp(c->doc.type, c->type)) return HY_DB_ABORT;
    c->sel->ninsts = s->ops->news->inst_list(s, c->req->arena, &c->sel->insts);
    if (c->sel->ninsts < 0) return c->sel->ninsts;
    c->natts = s->ops->library->attachment_list(s, c->id, c->req->arena, &c->atts);
    return c->natts < 0 ? c->natts : HY_DB_ONE;
}

/* The document `id` of the kind, when this reader may see it: published (and, for news,
 * past its publish time), or any status for editors (a preview). *ret answered otherwise. */
static bool load_item(hy_req *req, enum kind k, const char *id, struct read_ctx *c,
                      struct selection *sel, json_t **ret_x, bool *ret_preview, hy_result *ret) {
    setup(sel, k);
    *c = (struct read_ctx){.req = req, .sel = sel, .type = k == NEWS ? "news" : "factcheck", .id = id};
    if (!hy_id_valid(id)) {
        *ret = hy_reply_error(req, HY_E_NOT_FOUND, "No such item.", NULL);
        return false;
    }
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, item_tx, c);
    if (r < 0 && r != HY_DB_ABORT) {
        *ret = hy_reply_store_error(req, r);
        return false;
    }
    bool editor = hy_access_decide(HY_ACCESS_EDITOR, hy_req_principal(req)) == 0;
    json_t *x = r == HY_DB_ABORT ? NULL : hy_news_extra_json(c->doc.extra);
    json_t *pub = json_object_get(x, "publish_at");
    bool visible = x && !strcmp(c->doc.status, "published") &&
                   !(json_is_integer(pub) && json_integer_value(pub) > hy_clock_now());
    if (!x || (!visible && !editor)) {
        json_decref(x);
        *ret = hy_reply_error(req, HY_E_NOT_FOUND, "No such item.", NULL);
        return false;
    }
    *ret_x = x;
    *ret_preview = !visible;
    return true;
}

static void put_jsonld(hy_buf *b, struct hy_feed_site *site, const struct hy_lib_doc *d,
                       const json_t *x) {
    static const int ratings[] = {1, 2, 3, 5, 0}; /* false … unverifiable on a 1–5 scale */
    const char *rating = x_str(x, "rating");
    int value = 0;
    for (int i = 0; hy_fc_ratings[i]; i++)
        if (!strcmp(hy_fc_ratings[i], rating ? rating : "")) value = ratings[i];
    char date[32];
    hy_feed_time(d->published_at ? d->published_at : d->updated_at, date);
    date[10] = '\0';
    const char *labels[] = {"False", "Misleading", "Partly true", "True", "Unverifiable"};
    const char *label = "Unverifiable";
    for (int i = 0; hy_fc_ratings[i]; i++)
        if (!strcmp(hy_fc_ratings[i], rating ? rating : "")) label = labels[i];
    json_t *rr = json_pack("{s:s,s:s}", "@type", "Rating", "alternateName", label);
    if (value) {
        json_object_set_new(rr, "ratingValue", json_integer(value));
        json_object_set_new(rr, "bestRating", json_integer(5));
        json_object_set_new(rr, "worstRating", json_integer(1));
    }
    json_t *item = json_pack("{s:s}", "@type", "Claim");
    const char *who = x_str(x, "claimant");
    if (who && *who) json_object_set_new(item, "author", json_pack("{s:s,s:s}", "@type", "Person", "name", who));
    json_t *first = json_object_get(x, "first_seen");
    if (json_is_string(first)) json_object_set(item, "datePublished", first);
    json_t *apps = json_object_get(x, "appearances");
    if (json_array_size(apps)) {
        json_t *arr = json_array();
        size_t i;
        json_t *l;
        json_array_foreach(apps, i, l) {
            json_array_append_new(arr, json_pack("{s:s,s:O}", "@type", "CreativeWork", "url",
                                                 json_object_get(l, "url")));
        }
        json_object_set_new(item, "appearance", arr);
    }
    char *url = NULL;
    if (asprintf(&url, "%s/factchecks/%s", site->base, d->id) < 0) url = NULL;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:{s:s,s:s}}", "@context",
                          "https://schema.org", "@type", "ClaimReview", "url", url ? url : "",
                          "claimReviewed", x_str(x, "claim") ? x_str(x, "claim") : "",
                          "reviewRating", rr, "itemReviewed", item, "datePublished", date,
                          "author", "@type", "Organization", "name",
                          x_str(x, "organisation") ? x_str(x, "organisation") : "");
    free(url);
    if (d->language) json_object_set_new(o, "inLanguage", json_string(d->language));
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(o);
    if (!text) return;
    hy_buf_puts(b, "<script type=\"application/ld+json\">");
    /* JSON_ENSURE_ASCII leaves '<' alone; written as \u003c it cannot close the script. */
    for (const char *p = text; *p; p++) {
        if (*p == '<') hy_buf_puts(b, "\\u003c");
        else if (*p == '>') hy_buf_puts(b, "\\u003e");
        else if (*p == '&') hy_buf_puts(b, "\\u0026");
        else hy_buf_putc(b, *p);
    }
    hy_buf_puts(b, "</script>");
    free(text);
}

static hy_result item_page(hy_req *req, enum kind k, const char *id) {
    struct read_ctx c;
    struct selection sel;
    json_t *x;
    bool preview, fa;
    hy_result res;
    const char *path = k == NEWS ? "/news" : "/factchecks";
    const char *self = hy_arena_printf(req->arena, "%s/%s", path, hy_id_valid(id) ? id : "");
    if (!self) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    if (!page_lang(req, self, &fa, &res) || !load_item(req, k, id, &c, &sel, &x, &preview, &res))
        return res;
    struct hy_feed_site site = {.base = ""};
    int r = hy_feed_site_get(req, &site);
    if (r < 0) {
        json_decref(x);
        return hy_reply_store_error(req, r);
    }
    hy_arena *a = req->arena;
    const struct hy_lib_doc *d = &c.doc;
    hy_buf b = HY_BUF_INIT(0);
    if (preview) hy_buf_printf(&b, "<p class=\"notice notice-warn\" role=\"status\">%s</p>", w("preview", fa));
    if (k == FACTCHECK) put_jsonld(&b, &site, d, x);
    hy_buf_printf(&b, "<article class=\"news-article\" lang=\"%s\" dir=\"%s\"><p class=\"news-meta\">",
                  d->language, strcmp(d->language, "en") ? "rtl" : "ltr");
    if (k == NEWS) {
        const char *slug = x_str(x, "institution");
        put_inst_badge(&b, a, find_inst(&sel, slug), slug, fa);
        hy_buf_printf(&b, " <span class=\"news-cat news-cat-%s\">%s</span> ", x_str(x, "category"),
                      w(x_str(x, "category"), fa));
    } else {
        hy_buf_printf(&b, "<span class=\"fc-rating fc-%s\">%s: %s</span> ", x_str(x, "rating"),
                      w("rating", fa), w(x_str(x, "rating"), fa));
    }
    if (d->published_at) put_date(&b, d->published_at);
    hy_buf_puts(&b, "</p>");
    if (k == NEWS && d->summary && *d->summary) {
        hy_buf_puts(&b, "<p class=\"lead\">");
        put_esc(&b, a, d->summary);
        hy_buf_puts(&b, "</p>");
    }
    const json_t *alert = json_object_get(x, "alert");
    if (k == NEWS && json_is_object(alert)) {
        hy_buf_puts(&b, "<dl class=\"news-alert\">");
        static const char *const keys[] = {"urgency", "severity", "certainty", "area"};
        for (size_t i = 0; i < 4; i++) {
            const char *v = x_str(alert, keys[i]);
            hy_buf_printf(&b, "<dt>%s</dt><dd>", w(keys[i], fa));
            /* The three scales are CAP's closed lists, said in words; the area is the editor's. */
            if (i < 3 && v) {
                put_esc(&b, a, w(v, fa));
            } else {
                /* The area is in the item's language. */
                hy_buf_printf(&b, "<span lang=\"%s\">", d->language);
                put_esc(&b, a, v);
                hy_buf_puts(&b, "</span>");
            }
            hy_buf_puts(&b, "</dd>");
        }
        hy_buf_printf(&b, "</dl><p><a href=\"/news/%s.cap\">%s</a></p>", d->id, w("cap", fa));
    }
    if (k == FACTCHECK) {
        hy_buf_printf(&b, "<dl class=\"fc-claim\"><dt>%s</dt><dd>", w("claim", fa));
        put_esc(&b, a, x_str(x, "claim"));
        const char *who = x_str(x, "claimant");
        if (who && *who) {
            hy_buf_printf(&b, "</dd><dt>%s</dt><dd>", w("claimant", fa));
            put_esc(&b, a, who);
        }
        const char *first = x_str(x, "first_seen");
        if (first) {
            hy_buf_printf(&b, "</dd><dt>%s</dt><dd>", w("first_seen", fa));
            put_esc(&b, a, first);
        }
        hy_buf_printf(&b, "</dd><dt>%s</dt><dd>", w("organisation", fa));
        put_esc(&b, a, x_str(x, "organisation"));
        hy_buf_puts(&b, "</dd></dl>");
    }
    hy_buf_puts(&b, "<div class=\"doc-body\">");
    hy_buf_puts(&b, d->body_html ? d->body_html : ""); /* rendered and sanitised at save time */
    hy_buf_puts(&b, "</div>");
    if (k == FACTCHECK) {
        put_links(&b, a, w("appeared", fa), json_object_get(x, "appearances"));
        put_links(&b, a, w("sources", fa), json_object_get(x, "sources"));
    }
    json_t *links = json_loads(d->links ? d->links : "[]", 0, NULL);
    put_links(&b, a, w("links", fa), links);
    json_decref(links);
    if (c.natts > 0) {
        hy_buf_printf(&b, "<h2>%s</h2><ul>", w("attachments", fa));
        for (int i = 0; i < c.natts; i++) {
            hy_buf_printf(&b, "<li><a href=\"/api/v1/attachments/%s\">", c.atts[i].id);
            put_esc(&b, a, c.atts[i].filename);
            hy_buf_puts(&b, "</a></li>");
        }
        hy_buf_puts(&b, "</ul>");
    }
    hy_buf_printf(&b, "</article><p><a href=\"%s%s\">%s</a></p>", path, fa ? "" : "?lang=en",
                  w("back", fa));
    json_decref(x);
    struct frame f = {.k = k, .below = true, .fa = fa, .title = d->title,
                      .title_lang = d->language,
                      .switch_href = hy_arena_printf(req->arena, "%s?lang=%s", self, fa ? "en" : "fa")};
    return reply_page(req, 200, &f, &b);
}

hy_result hy_api_show_news_item(hy_req *req) { return item_page(req, NEWS, req->args[0]); }
hy_result hy_api_show_factcheck(hy_req *req) { return item_page(req, FACTCHECK, req->args[0]); }

/* ---------------------------------------------------------------- CAP 1.2 */

hy_result hy_api_get_news_cap(hy_req *req) {
    struct read_ctx c;
    struct selection sel;
    json_t *x;
    bool preview;
    hy_result res;
    if (!load_item(req, NEWS, req->args[0], &c, &sel, &x, &preview, &res)) return res;
    const json_t *alert = json_object_get(x, "alert");
    if (preview || !json_is_object(alert)) {
        json_decref(x);
        return hy_reply_error(req, HY_E_NOT_FOUND, "Only a published alert is offered as CAP.", NULL);
    }
    struct hy_feed_site site;
    int r = hy_feed_site_get(req, &site);
    if (r < 0) {
        json_decref(x);
        return hy_reply_store_error(req, r);
    }
    const struct hy_lib_doc *d = &c.doc;
    const struct hy_news_inst *in = find_inst(&sel, x_str(x, "institution"));
    char sent[32];
    hy_feed_time(d->published_at, sent);
    memcpy(sent + 19, "-00:00", 7); /* CAP's dateTime form: no "Z" */
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n<identifier>");
    hy_feed_xml_put(&b, site.tag ? site.tag : site.base);
    hy_buf_printf(&b, "/news/%s</identifier>\n<sender>", d->id);
    hy_feed_xml_put(&b, in ? in->slug : x_str(x, "institution"));
    hy_buf_puts(&b, "@hamyari</sender>\n<sent>");
    hy_buf_puts(&b, sent);
    hy_buf_puts(&b, "</sent>\n<status>Actual</status>\n<msgType>Alert</msgType>\n"
                    "<scope>Public</scope>\n<info>\n<language>");
    hy_buf_puts(&b, strcmp(d->language, "en") ? "fa-IR" : "en-US");
    hy_buf_puts(&b, "</language>\n<category>Other</category>\n<event>");
    hy_feed_xml_put(&b, x_str(alert, "event"));
    hy_buf_puts(&b, "</event>\n<urgency>");
    hy_feed_xml_put(&b, x_str(alert, "urgency"));
    hy_buf_puts(&b, "</urgency>\n<severity>");
    hy_feed_xml_put(&b, x_str(alert, "severity"));
    hy_buf_puts(&b, "</severity>\n<certainty>");
    hy_feed_xml_put(&b, x_str(alert, "certainty"));
    hy_buf_puts(&b, "</certainty>\n");
    json_t *ex = json_object_get(alert, "expires");
    if (json_is_integer(ex)) {
        char t[32];
        hy_feed_time(json_integer_value(ex), t);
        memcpy(t + 19, "-00:00", 7);
        hy_buf_printf(&b, "<expires>%s</expires>\n", t);
    }
    hy_buf_puts(&b, "<senderName>");
    hy_feed_xml_put(&b, in ? (strcmp(d->language, "en") ? in->name_fa : in->name_en) : x_str(x, "institution"));
    hy_buf_puts(&b, "</senderName>\n<headline>");
    hy_feed_xml_put(&b, d->title);
    hy_buf_puts(&b, "</headline>\n<description>");
    hy_feed_xml_put(&b, d->summary && *d->summary ? d->summary : d->body_text);
    hy_buf_puts(&b, "</description>\n<web>");
    hy_feed_xml_put(&b, site.base);
    hy_buf_printf(&b, "/news/%s</web>\n<area>\n<areaDesc>", d->id);
    hy_feed_xml_put(&b, x_str(alert, "area"));
    hy_buf_puts(&b, "</areaDesc>\n</area>\n</info>\n</alert>\n");
    json_decref(x);
    if (hy_buf_error(&b)) {
        hy_buf_free(&b);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    struct hy_cache hc = {.last_modified = d->updated_at};
    res = hy_reply_cached(req, "application/cap+xml; charset=utf-8", b.data, b.len, &hc);
    hy_buf_free(&b);
    return res;
}

/* ---------------------------------------------------------------- feeds */

static const char *feed_query(hy_req *req, enum kind k) {
    static const char *const news_names[] = {"institution", "category", "lang", "q"};
    static const char *const fc_names[] = {"rating", "country", "language", "organisation", "year", "q"};
    return k == NEWS ? hy_feed_query(req, news_names, 4) : hy_feed_query(req, fc_names, 6);
}

static int64_t newest_of(const struct selection *s, size_t n) {
    int64_t newest = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t t = s->docs[i].updated_at > s->docs[i].published_at ? s->docs[i].updated_at
                                                                    : s->docs[i].published_at;
        if (t > newest) newest = t;
    }
    return newest;
}

/* What every feed starts from: the selection of kind k, the site's base and tag, and the query
 * string of its filters. false with *ret_res the answer when one of them cannot be had. */
static bool feed_start(hy_req *req, enum kind k, struct selection *s, struct hy_feed_site *site,
                       const char **ret_query, hy_result *ret_res) {
    if (!load(req, "lang", s, k, ret_res)) return false;
    int r = hy_feed_site_get(req, site);
    *ret_query = r < 0 ? NULL : feed_query(req, k);
    if (r >= 0 && *ret_query) return true;
    selection_free(s);
    *ret_res = r < 0 ? hy_reply_store_error(req, r) : hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return false;
}

static hy_result atom(hy_req *req, enum kind k) {
    struct selection s;
    struct hy_feed_site site;
    const char *query;
    hy_result res;
    if (!feed_start(req, k, &s, &site, &query, &res)) return res;
    const char *path = k == NEWS ? "/news" : "/factchecks";
    size_t n = s.n < FEED_ITEMS ? s.n : FEED_ITEMS;
    int64_t newest = newest_of(&s, n);
    char t[32];
    hy_feed_time(newest, t);
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>%s</title>\n<id>",
                  k == NEWS ? "Hamyari official news — اخبار رسمی همیاری"
                            : "Hamyari fact checks — راستی‌آزمایی همیاری");
    hy_feed_xml_put(&b, site.tag ? site.tag : site.base);
    hy_buf_puts(&b, path);
    hy_feed_xml_put(&b, query);
    hy_buf_puts(&b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    hy_feed_xml_put(&b, site.base);
    hy_buf_printf(&b, "%s.atom", path);
    hy_feed_xml_put(&b, query);
    hy_buf_puts(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    hy_feed_xml_put(&b, site.base);
    hy_buf_puts(&b, path);
    hy_feed_xml_put(&b, query);
    hy_buf_printf(&b, "\"/>\n<updated>%s</updated>\n", t);
    for (size_t i = 0; i < n; i++) {
        const struct hy_lib_doc *d = &s.docs[i];
        const json_t *x = s.extra[i];
        char pub[32], upd[32];
        hy_feed_time(d->published_at, pub);
        hy_feed_time(d->updated_at > d->published_at ? d->updated_at : d->published_at, upd);
        hy_buf_printf(&b, "<entry xml:lang=\"%s\">\n<title>", strcmp(d->language, "en") ? "fa" : "en");
        hy_feed_xml_put(&b, d->title);
        hy_buf_puts(&b, "</title>\n<id>");
        hy_feed_xml_put(&b, site.tag ? site.tag : site.base);
        hy_buf_printf(&b, "%s/%s</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"", path, d->id);
        hy_feed_xml_put(&b, site.base);
        hy_buf_printf(&b, "%s/%s\"/>\n<published>%s</published>\n<updated>%s</updated>\n", path,
                      d->id, pub, upd);
        const char *term = x_str(x, k == NEWS ? "category" : "rating");
        hy_buf_puts(&b, "<category term=\"");
        hy_feed_xml_put(&b, term);
        hy_buf_puts(&b, "\"/>\n<author><name>");
        const struct hy_news_inst *in = k == NEWS ? find_inst(&s, x_str(x, "institution")) : NULL;
        hy_feed_xml_put(&b, k == NEWS ? (in ? (strcmp(d->language, "en") ? in->name_fa : in->name_en)
                                            : x_str(x, "institution"))
                                      : x_str(x, "organisation"));
        hy_buf_puts(&b, "</name></author>\n<summary>");
        hy_feed_xml_put(&b, k == NEWS ? d->summary : x_str(x, "claim"));
        hy_buf_puts(&b, "</summary>\n</entry>\n");
    }
    hy_buf_puts(&b, "</feed>\n");
    selection_free(&s);
    if (hy_buf_error(&b)) {
        hy_buf_free(&b);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    struct hy_cache hc = {.last_modified = newest};
    res = hy_reply_cached(req, "application/atom+xml; charset=utf-8", b.data, b.len, &hc);
    hy_buf_free(&b);
    return res;
}

hy_result hy_api_get_news_atom(hy_req *req) { return atom(req, NEWS); }
hy_result hy_api_get_factchecks_atom(hy_req *req) { return atom(req, FACTCHECK); }

hy_result hy_api_get_news_jsonfeed(hy_req *req) {
    struct selection s;
    struct hy_feed_site site;
    const char *query;
    hy_result res;
    if (!feed_start(req, NEWS, &s, &site, &query, &res)) return res;
    size_t n = s.n < FEED_ITEMS ? s.n : FEED_ITEMS;
    hy_arena *a = req->arena;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct hy_lib_doc *d = &s.docs[i];
        const json_t *x = s.extra[i];
        char pub[32], upd[32];
        hy_feed_time(d->published_at, pub);
        hy_feed_time(d->updated_at > d->published_at ? d->updated_at : d->published_at, upd);
        const struct hy_news_inst *in = find_inst(&s, x_str(x, "institution"));
        const char *author = in ? (strcmp(d->language, "en") ? in->name_fa : in->name_en)
                                : x_str(x, "institution");
        const char *url = hy_arena_printf(a, "%s/news/%s", site.base, d->id);
        const char *id = site.tag ? hy_arena_printf(a, "%s/news/%s", site.tag, d->id) : url;
        json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s],s:[{s:s}],s:s}", "id", id ? id : "",
                               "url", url ? url : "", "title", d->title, "summary",
                               d->summary ? d->summary : "", "content_html",
                               d->body_html ? d->body_html : "", "date_published", pub,
                               "date_modified", upd, "tags", x_str(x, "category"), "authors",
                               "name", author ? author : "", "language", d->language);
        json_array_append_new(items, it);
    }
    const char *home = hy_arena_printf(a, "%s/news%s", site.base, query);
    const char *feed = hy_arena_printf(a, "%s/news.json%s", site.base, query);
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "version",
                             "https://jsonfeed.org/version/1.1", "title",
                             "Hamyari official news — اخبار رسمی همیاری", "home_page_url",
                             home ? home : "", "feed_url", feed ? feed : "", "description",
                             "Official news from the institutions, published by Hamyari's editors.",
                             "items", items);
    int64_t newest = newest_of(&s, n);
    selection_free(&s);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    struct hy_cache hc = {.last_modified = newest};
    res = hy_reply_cached(req, "application/feed+json; charset=utf-8", text, strlen(text), &hc);
    free(text);
    return res;
}

/* ---------------------------------------------------------------- institutions */

static json_t *inst_json(const struct hy_news_inst *in) {
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "slug", in->slug, "name_fa", in->name_fa,
                          "name_en", in->name_en, "colour", in->colour);
    json_object_set_new(o, "website", in->website ? json_string(in->website) : json_null());
    return o;
}

struct inst_list_ctx {
    hy_arena *a;
    struct hy_news_inst *insts;
    int n;
};

static int inst_list_tx(hy_store *s, void *ctx) {
    struct inst_list_ctx *c = ctx;
    c->n = s->ops->news->inst_list(s, c->a, &c->insts);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_list_institutions(hy_req *req) {
    struct inst_list_ctx c = {.a = req->arena};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, inst_list_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *arr = json_array();
    for (int i = 0; i < c.n; i++) json_array_append_new(arr, inst_json(&c.insts[i]));
    return hy_reply_json(req, 200, json_pack("{s:o}", "institutions", arr));
}

struct inst_put_ctx {
    hy_req *req;
    struct hy_news_inst in;
    bool created;
};

static int inst_put_tx(hy_store *s, void *ctx) {
    struct inst_put_ctx *c = ctx;
    struct hy_news_inst old;
    int r = s->ops->news->inst_get(s, c->in.slug, c->req->arena, &old);
    if (r < 0) return r;
    c->created = r == HY_DB_NONE;
    if ((r = s->ops->news->inst_put(s, &c->in)) < 0) return r;
    return hy_audit(s, hy_req_actor(c->req), "news_institution_saved", c->in.slug, c->in.colour);
}

hy_result hy_api_put_institution(hy_req *req) {
    hy_result res;
    json_t *body = hy_req_json(req, &res);
    if (!body) return res;
    struct inst_put_ctx c = {.req = req};
    const char *website = NULL;
    struct hy_field spec[] = {
        HY_F_STR("name_fa", HY_REQUIRED, 1, 200, &c.in.name_fa),
        HY_F_STR("name_en", HY_REQUIRED, 1, 200, &c.in.name_en),
        HY_F_STR("colour", HY_REQUIRED, 7, 7, &c.in.colour),
        HY_F_STR("website", HY_OPTIONAL | HY_NULLABLE, 1, 2000, &website),
        HY_F_END,
    };
    struct hy_parse_error err = {0};
    if (!hy_fields_check(body, spec, false, req->arena, &err))
        return hy_reply_error(req, err.code, err.message, err.field);
    c.in.slug = req->args[0];
    c.in.website = website && *website ? website : NULL;
    char colour[8];
    struct hy_news_error ne = {0};
    if (!hy_news_inst_valid(&c.in, colour, &ne))
        return hy_reply_error(req, strcmp(ne.field, "slug") ? HY_E_INVALID_FIELD : HY_E_NOT_FOUND,
                              ne.message, strcmp(ne.field, "slug") ? ne.field : NULL);
    c.in.colour = colour;
    c.in.updated_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, inst_put_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, c.created ? 201 : 200, inst_json(&c.in));
}

/* ---------------------------------------------------------------- claims to check */

#define CLAIMS_PER_HOUR 10

struct claim_ctx {
    hy_req *req;
    struct hy_fc_claim claim;
    /* the near-duplicate found, if any */
    const char *dup_kind, *dup_id, *dup_text;
    double dup_score;
    struct hy_fc_claim *claims;
    int nclaims;
};

static void consider(struct claim_ctx *c, const char *kind, const char *id, const char *text) {
    double sim = hy_fc_similarity(c->req->arena, c->claim.claim, text);
    if (sim >= HY_FC_DUPLICATE && sim > c->dup_score) {
        c->dup_score = sim;
        c->dup_kind = kind;
        c->dup_id = id;
        c->dup_text = text;
    }
}

/* Compares the claim with every fact check (its claim and its title) and every claim sent
 * before; stores it only when none is a near-duplicate. */
static int claim_tx(hy_store *s, void *ctx) {
    struct claim_ctx *c = ctx;
    c->dup_kind = NULL;
    c->dup_score = 0;
    struct hy_lib_doc *docs;
    int n = s->ops->news->doc_list(s, "factcheck", "published", HY_NEWS_LIST_MAX, c->req->arena, &docs);
    if (n < 0) return n;
    for (int i = 0; i < n; i++) {
        json_t *x = hy_news_extra_json(docs[i].extra);
        const char *claim = x_str(x, "claim");
        if (claim) consider(c, "factcheck", docs[i].id, hy_arena_strdup(c->req->arena, claim));
        consider(c, "factcheck", docs[i].id, docs[i].title);
        json_decref(x);
    }
    struct hy_fc_claim *cl;
    n = s->ops->news->claim_list(s, HY_NEWS_LIST_MAX, c->req->arena, &cl);
    if (n < 0) return n;
    for (int i = 0; i < n; i++) consider(c, "claim", cl[i].id, cl[i].claim);
    if (c->dup_kind) return HY_DB_ONE;
    int r = s->ops->news->claim_insert(s, &c->claim);
    return r < 0 ? r : HY_DB_ONE;
}

hy_result hy_api_submit_claim(hy_req *req) {
    const char *claim = NULL, *url = NULL, *language = "fa", *ui = NULL;
    struct hy_field spec[] = {
        HY_F_STR("claim", HY_REQUIRED | HY_MULTILINE, 5, 1000, &claim),
        HY_F_STR("url", HY_OPTIONAL | HY_NULLABLE, 0, 2000, &url),
        HY_F_ENUM("language", HY_OPTIONAL, hy_lib_languages, &language),
        HY_F_ENUM("ui", HY_OPTIONAL, hy_lib_languages, &ui),
        HY_F_END,
    };
    bool form = hy_req_is_form(req);
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    const char *lang = ui ? ui : language;
    if (url && *url) {
        json_t *l = json_pack("[{s:s}]", "url", url);
        bool ok = l && hy_news_links_valid(l, 1);
        json_decref(l);
        if (!ok) return hy_page_problem(req, form, lang, HY_E_INVALID_FIELD, "url is an http(s) address.", "url");
    }
    char key[96];
    snprintf(key, sizeof key, "fc_claim:ip:%s", hy_req_client_ip(req));
    if (!hy_rate_allow(req, key, CLAIMS_PER_HOUR, 3600, &res)) return res;
    struct claim_ctx c = {.req = req};
    hy_id_new(c.claim.id);
    c.claim.claim = claim;
    c.claim.url = url && *url ? url : NULL;
    c.claim.language = language;
    c.claim.created_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, claim_tx, &c);
    if (r < 0) return form ? hy_page_problem(req, form, lang, HY_E_STORE_UNAVAILABLE, NULL, NULL)
                           : hy_reply_store_error(req, r);
    bool fa = strcmp(lang, "en") != 0;
    if (!form) {
        if (!c.dup_kind)
            return hy_reply_json(req, 201, json_pack("{s:b,s:s,s:s}", "duplicate", 0, "id",
                                                     c.claim.id, "status", "received"));
        json_t *m = json_pack("{s:s,s:s,s:s,s:f}", "kind", c.dup_kind, "id", c.dup_id, "text",
                              c.dup_text, "similarity", c.dup_score);
        if (!strcmp(c.dup_kind, "factcheck"))
            json_object_set_new(m, "url", json_string(hy_arena_printf(req->arena, "/factchecks/%s", c.dup_id)));
        return hy_reply_json(req, 200, json_pack("{s:b,s:o}", "duplicate", 1, "match", m));
    }
    hy_buf b = HY_BUF_INIT(0);
    if (!c.dup_kind) {
        hy_buf_printf(&b, "<p role=\"status\">%s</p>",
                      fa ? "ادعا رسید. ویراستاران آن را بررسی می‌کنند."
                         : "Your claim was received. Our editors will look into it.");
    } else {
        hy_buf_printf(&b, "<p role=\"status\">%s</p><blockquote>",
                      fa ? "این ادعا پیش‌تر فرستاده یا بررسی شده است:"
                         : "This claim has been sent or checked already:");
        put_esc(&b, req->arena, c.dup_text);
        hy_buf_puts(&b, "</blockquote>");
        if (!strcmp(c.dup_kind, "factcheck"))
            hy_buf_printf(&b, "<p><a href=\"/factchecks/%s%s\">%s</a></p>", c.dup_id,
                          fa ? "" : "?lang=en", fa ? "خواندن راستی‌آزمایی" : "Read the fact check");
    }
    hy_buf_printf(&b, "<p><a href=\"/factchecks%s\">%s</a></p>", fa ? "" : "?lang=en", w("back", fa));
    struct frame f = {.k = FACTCHECK, .below = true, .fa = fa, .title = w("submit_claim", fa),
                      .switch_href = fa ? "/factchecks/submit?lang=en" : "/factchecks/submit?lang=fa"};
    return reply_page(req, c.dup_kind ? 200 : 201, &f, &b);
}

/* The form to send a claim (a plain form post: no JavaScript needed). */
hy_result hy_api_show_claim_form(hy_req *req) {
    bool fa;
    hy_result res;
    if (!page_lang(req, "/factchecks/submit", &fa, &res)) return res;
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_printf(&b,
                  "<p>%s</p><form class=\"fc-submit\" method=\"post\" action=\"/api/v1/factchecks/claims\">"
                  "<input type=\"hidden\" name=\"ui\" value=\"%s\">"
                  "<label class=\"field-label\" for=\"fc-claim\">%s</label>"
                  "<textarea class=\"input\" id=\"fc-claim\" name=\"claim\" required minlength=\"5\" "
                  "maxlength=\"1000\" rows=\"4\"></textarea>"
                  "<label class=\"field-label\" for=\"fc-url\">%s</label>"
                  "<input class=\"input\" id=\"fc-url\" name=\"url\" type=\"url\" maxlength=\"2000\">"
                  "<label class=\"field-label\" for=\"fc-lang\">%s</label>"
                  "<select class=\"input input-short\" id=\"fc-lang\" name=\"language\">"
                  "<option value=\"fa\"%s>%s</option><option value=\"en\"%s>%s</option></select>"
                  "<p><button class=\"button\" type=\"submit\">%s</button></p></form>"
                  "<p><a href=\"/factchecks%s\">%s</a></p>",
                  fa ? "ادعایی را که دیده‌اید بفرستید تا بررسی شود. اگر پیش‌تر بررسی شده باشد، همان را نشانتان می‌دهیم."
                     : "Send a claim you have seen to be checked. If it has been checked already, we show you that check.",
                  fa ? "fa" : "en", w("claim", fa),
                  fa ? "کجا دیدید (نشانی، اختیاری)" : "Where you saw it (address, optional)",
                  w("language", fa), fa ? " selected" : "", w("fa", fa), fa ? "" : " selected",
                  w("en", fa), fa ? "فرستادن" : "Send", fa ? "" : "?lang=en", w("back", fa));
    struct frame f = {.k = FACTCHECK, .below = true, .fa = fa, .title = w("submit_claim", fa),
                      .switch_href = fa ? "/factchecks/submit?lang=en" : "/factchecks/submit?lang=fa"};
    return reply_page(req, 200, &f, &b);
}

struct claims_ctx {
    hy_arena *a;
    struct hy_fc_claim *claims;
    int n;
};

static int claims_tx(hy_store *s, void *ctx) {
    struct claims_ctx *c = ctx;
    c->n = s->ops->news->claim_list(s, 200, c->a, &c->claims);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_list_claims(hy_req *req) {
    struct claims_ctx c = {.a = req->arena};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, claims_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *arr = json_array();
    for (int i = 0; i < c.n; i++) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "id", c.claims[i].id, "claim", c.claims[i].claim,
                              "language", c.claims[i].language, "created_at",
                              (json_int_t)c.claims[i].created_at);
        json_object_set_new(o, "url", c.claims[i].url ? json_string(c.claims[i].url) : json_null());
        json_array_append_new(arr, o);
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "claims", arr));
}
