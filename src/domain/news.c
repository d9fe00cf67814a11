/* news.c — the fields of news items and fact checks (domain/news.h). */
#include "domain/news.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "domain/library.h"
#include "util/utf8.h"

const char *const hy_news_categories[] = {"information", "decision", "alert", "guidance",
                                          "update", NULL};
const char *const hy_news_urgencies[] = {"Immediate", "Expected", "Future", "Past", "Unknown",
                                         NULL};
const char *const hy_news_severities[] = {"Extreme", "Severe", "Moderate", "Minor", "Unknown",
                                          NULL};
const char *const hy_news_certainties[] = {"Observed", "Likely", "Possible", "Unlikely",
                                           "Unknown", NULL};
const char *const hy_fc_ratings[] = {"false", "misleading", "partly_true", "true",
                                     "unverifiable", NULL};

#define TIME_MAX 4102444800LL /* 2100-01-01 */

static bool fail(struct hy_news_error *err, const char *field, const char *msg) {
    err->field = field;
    err->message = msg;
    return false;
}

/* A string of 1…max code points (0…max when `empty_ok`), valid UTF-8, no control characters
 * unless `multiline` (then line breaks and tabs only). */
static bool text_ok(const json_t *v, size_t max, bool empty_ok, bool multiline) {
    const char *s = json_string_value(v);
    if (!s) return false;
    size_t n = json_string_length(v);
    if (strlen(s) != n || !hy_utf8_valid(s, n, 0)) return false;
    if (!multiline)
        for (size_t i = 0; i < n; i++)
            if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') return false;
    size_t cp = hy_utf8_length(s, n);
    return cp <= max && (empty_ok || cp > 0);
}

bool hy_news_links_valid(const json_t *v, size_t max) {
    if (!json_is_array(v) || json_array_size(v) > max) return false;
    size_t i;
    const json_t *l;
    json_array_foreach(v, i, l) {
        const json_t *u = json_object_get(l, "url"), *t = json_object_get(l, "title");
        const char *us = json_string_value(u);
        if (!json_is_object(l) || !us || json_object_size(l) != (t ? 2u : 1u)) return false;
        if (!text_ok(u, 2000, false, false) || (t && !text_ok(t, 200, true, false))) return false;
        if (strncmp(us, "https://", 8) && strncmp(us, "http://", 7)) return false;
        for (const char *p = us; *p; p++)
            if (*p == ' ' || *p == '"' || *p == '<' || *p == '>') return false;
    }
    return true;
}

bool hy_news_kind(const char *type) {
    return type && (!strcmp(type, "news") || !strcmp(type, "factcheck"));
}

json_t *hy_news_extra_json(const char *extra) {
    json_t *o = json_loads(extra ? extra : "{}", 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    return o;
}

/* The object's keys must all be in `allowed`. */
static const char *unknown_key(const json_t *o, const char *const *allowed) {
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        (void)v;
        if (!hy_lib_one_of(k, allowed)) return k;
    }
    return NULL;
}

static bool time_ok(const json_t *v) {
    return json_is_null(v) ||
           (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < TIME_MAX);
}

static bool date_ok(const char *s) {
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
    return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

static bool enum_ok(const json_t *v, const char *const *list) {
    return json_is_string(v) && hy_lib_one_of(json_string_value(v), list);
}

static json_t *news_fields(const json_t *in, struct hy_news_error *err) {
    static const char *const keys[] = {"institution", "category", "publish_at", "alert", NULL};
    static const char *const akeys[] = {"event",     "urgency", "severity", "certainty",
                                        "area",      "expires", NULL};
    if (unknown_key(in, keys)) return fail(err, "news", "news takes institution, category, publish_at and alert."), NULL;
    const json_t *inst = json_object_get(in, "institution"), *cat = json_object_get(in, "category"),
                 *pub = json_object_get(in, "publish_at"), *alert = json_object_get(in, "alert");
    const char *slug = json_string_value(inst);
    if (!slug || !hy_lib_theme_valid(slug, strlen(slug)))
        return fail(err, "news.institution", "institution is the slug of an issuing institution."), NULL;
    if (!enum_ok(cat, hy_news_categories))
        return fail(err, "news.category", "category is information, decision, alert, guidance or update."), NULL;
    if (pub && !time_ok(pub))
        return fail(err, "news.publish_at", "publish_at is a time in Unix seconds, or null."), NULL;
    bool is_alert = !strcmp(json_string_value(cat), "alert");
    if (is_alert != (alert != NULL && !json_is_null(alert)))
        return fail(err, "news.alert", "An alert needs its alert fields; other categories take none."), NULL;
    json_t *out = json_pack("{s:s,s:s}", "institution", slug, "category", json_string_value(cat));
    json_object_set_new(out, "publish_at", pub && !json_is_null(pub) ? json_integer(json_integer_value(pub)) : json_null());
    if (is_alert) {
        const char *bad = NULL, *msg = NULL;
        if (!json_is_object(alert) || unknown_key(alert, akeys))
            bad = "news.alert", msg = "alert takes event, urgency, severity, certainty, area and expires.";
        else if (!text_ok(json_object_get(alert, "event"), 200, false, false))
            bad = "news.alert.event", msg = "event names the hazard (1 to 200 characters).";
        else if (!enum_ok(json_object_get(alert, "urgency"), hy_news_urgencies))
            bad = "news.alert.urgency", msg = "urgency is Immediate, Expected, Future, Past or Unknown.";
        else if (!enum_ok(json_object_get(alert, "severity"), hy_news_severities))
            bad = "news.alert.severity", msg = "severity is Extreme, Severe, Moderate, Minor or Unknown.";
        else if (!enum_ok(json_object_get(alert, "certainty"), hy_news_certainties))
            bad = "news.alert.certainty", msg = "certainty is Observed, Likely, Possible, Unlikely or Unknown.";
        else if (!text_ok(json_object_get(alert, "area"), 500, false, false))
            bad = "news.alert.area", msg = "area describes the affected area (1 to 500 characters).";
        else if (json_object_get(alert, "expires") && !time_ok(json_object_get(alert, "expires")))
            bad = "news.alert.expires", msg = "expires is a time in Unix seconds, or null.";
        if (bad) {
            json_decref(out);
            return fail(err, bad, msg), NULL;
        }
        const json_t *ex = json_object_get(alert, "expires");
        json_t *a = json_pack("{s:O,s:O,s:O,s:O,s:O}", "event", json_object_get(alert, "event"),
                              "urgency", json_object_get(alert, "urgency"), "severity",
                              json_object_get(alert, "severity"), "certainty",
                              json_object_get(alert, "certainty"), "area",
                              json_object_get(alert, "area"));
        json_object_set_new(a, "expires", ex && !json_is_null(ex) ? json_integer(json_integer_value(ex)) : json_null());
        json_object_set_new(out, "alert", a);
    }
    return out;
}

static json_t *factcheck_fields(const json_t *in, struct hy_news_error *err) {
    static const char *const keys[] = {"claim",  "claimant",     "appearances", "first_seen",
                                       "rating", "organisation", "sources",     NULL};
    if (unknown_key(in, keys))
        return fail(err, "factcheck", "factcheck takes claim, claimant, appearances, first_seen, rating, organisation and sources."), NULL;
    const json_t *claim = json_object_get(in, "claim"), *who = json_object_get(in, "claimant"),
                 *app = json_object_get(in, "appearances"), *first = json_object_get(in, "first_seen"),
                 *rating = json_object_get(in, "rating"), *org = json_object_get(in, "organisation"),
                 *src = json_object_get(in, "sources");
    if (!text_ok(claim, 1000, false, true))
        return fail(err, "factcheck.claim", "claim is the claim as made (1 to 1000 characters)."), NULL;
    if (who && !text_ok(who, 200, true, false))
        return fail(err, "factcheck.claimant", "claimant is at most 200 characters."), NULL;
    if (app && !hy_news_links_valid(app, 10))
        return fail(err, "factcheck.appearances", "appearances is a list of at most 10 {url, title}."), NULL;
    if (first && !json_is_null(first) && !(json_is_string(first) && date_ok(json_string_value(first))))
        return fail(err, "factcheck.first_seen", "first_seen is a date YYYY-MM-DD, or null."), NULL;
    if (!enum_ok(rating, hy_fc_ratings))
        return fail(err, "factcheck.rating", "rating is false, misleading, partly_true, true or unverifiable."), NULL;
    if (!text_ok(org, 200, false, false))
        return fail(err, "factcheck.organisation", "organisation names the checking organisation (1 to 200 characters)."), NULL;
    if (src && !hy_news_links_valid(src, 20))
        return fail(err, "factcheck.sources", "sources is a list of at most 20 {url, title}."), NULL;
    json_t *out = json_pack("{s:O,s:s,s:O,s:O}", "claim", claim, "claimant",
                            who ? json_string_value(who) : "", "rating", rating, "organisation", org);
    json_object_set_new(out, "appearances", app ? json_deep_copy(app) : json_array());
    json_object_set_new(out, "first_seen", first && !json_is_null(first) ? json_deep_copy(first) : json_null());
    json_object_set_new(out, "sources", src ? json_deep_copy(src) : json_array());
    return out;
}

char *hy_news_extra(hy_arena *a, const char *type, const json_t *in, struct hy_news_error *err) {
    const char *name = type && !strcmp(type, "news") ? "news" : "factcheck";
    if (!hy_news_kind(type)) return fail(err, name, "Only news items and fact checks take these fields."), NULL;
    if (!json_is_object(in)) return fail(err, name, "These fields are a JSON object."), NULL;
    json_t *out = !strcmp(type, "news") ? news_fields(in, err) : factcheck_fields(in, err);
    if (!out) return NULL;
    char *t = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(out);
    char *r = t ? hy_arena_strdup(a, t) : NULL;
    free(t);
    if (!r) err->field = NULL, err->message = "out of memory";
    return r;
}

bool hy_news_inst_valid(const struct hy_news_inst *in, char out_colour[8],
                        struct hy_news_error *err) {
    if (!in->slug || !hy_lib_theme_valid(in->slug, strlen(in->slug)))
        return fail(err, "slug", "A slug is 1 to 40 of a-z, 0-9, - and _.");
    json_t *fa = json_string(in->name_fa ? in->name_fa : ""), *en = json_string(in->name_en ? in->name_en : "");
    bool ok_fa = text_ok(fa, 200, false, false), ok_en = text_ok(en, 200, false, false);
    json_decref(fa);
    json_decref(en);
    if (!ok_fa) return fail(err, "name_fa", "name_fa is 1 to 200 characters.");
    if (!ok_en) return fail(err, "name_en", "name_en is 1 to 200 characters.");
    const char *c = in->colour ? in->colour : "";
    if (strlen(c) != 7 || c[0] != '#') return fail(err, "colour", "colour is #rrggbb.");
    out_colour[0] = '#';
    for (int i = 1; i < 7; i++) {
        if (!isxdigit((unsigned char)c[i])) return fail(err, "colour", "colour is #rrggbb.");
        out_colour[i] = (char)tolower((unsigned char)c[i]);
    }
    out_colour[7] = '\0';
    if (in->website) {
        json_t *l = json_pack("[{s:s}]", "url", in->website);
        bool ok = l && hy_news_links_valid(l, 1);
        json_decref(l);
        if (!ok) return fail(err, "website", "website is an http(s) URL.");
    }
    return true;
}

/* Sorted unique words of s. */
static size_t words(hy_arena *a, const char *s, const char ***ret) {
    char *t = hy_lib_tokens(a, s ? s : "", s ? strlen(s) : 0, true);
    *ret = NULL;
    if (!t || !*t) return 0;
    size_t n = 1;
    for (const char *p = t; *p; p++) n += *p == ' ';
    const char **w = hy_arena_alloc(a, n * sizeof *w);
    if (!w) return 0;
    size_t k = 0;
    for (char *p = t; p;) {
        char *e = strchr(p, ' ');
        if (e) *e = '\0';
        if (*p) w[k++] = p;
        p = e ? e + 1 : NULL;
    }
    *ret = w;
    return k;
}

double hy_fc_similarity(hy_arena *a, const char *x, const char *y) {
    const char **wx, **wy;
    size_t nx = words(a, x, &wx), ny = words(a, y, &wy);
    if (!nx || !ny) return 0.0;
    size_t common = 0;
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++)
            if (!strcmp(wx[i], wy[j])) {
                common++;
                break;
            }
    return 2.0 * (double)common / (double)(nx + ny);
}
