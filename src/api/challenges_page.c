/* challenges_page.c — the challenges' public pages, rendered by the server in the site's shell
 * so that they can be read without JavaScript:
 *
 *   GET /challenges?lang=              the challenges, with each one's phase and dates
 *   GET /challenges/{id}?lang=&sort=   the problem, the phases (the current one marked), the
 *                                      settings a participant needs, and the ideas in the order
 *                                      the API gives them (each person's own while voting is
 *                                      open; by votes, recent activity or newest on request)
 *   GET /ideas/{id}?lang=              an idea with its team, links, tags and comments
 *
 * Signed in (the session cookie), the pages carry the forms for taking part — vote, take a
 * vote back, submit an idea, comment, report — which web/js/challenges.js sends to the JSON
 * API; signed out, a link to sign in or join that returns to the page. Every value put into a
 * page is escaped. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/challenges.h"
#include "api/pages.h"
#include "api/shell.h"
#include "domain/tree.h"
#include "util/clock.h"

/* A page being written: the shell (web/challenges.html) and the bytes so far. */
struct page {
    struct hy_shell sh;
    hy_buf b;
    hy_req *req;
    const char *lang; /* "fa" or "en" */
    bool fa;
};

static const char *esc(struct page *p, const char *s) { return hy_shell_esc(&p->sh, s); }

static const char *tr(const struct page *p, const char *fa, const char *en) {
    return p->fa ? fa : en;
}

static const char *num(struct page *p, int64_t v) {
    char s[32];
    snprintf(s, sizeof s, "%lld", (long long)v);
    const char *d = hy_arena_strdup(p->req->arena, s);
    return hy_shell_digits(&p->sh, d ? d : "");
}

/* A moment as a <time> element: its UTC day in the reader's calendar. */
static void put_date(struct page *p, int64_t t) {
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int y, m, d;
    hy_tree_ymd((int32_t)day, &y, &m, &d);
    hy_buf_printf(&p->b, "<time datetime=\"%04d-%02d-%02d\">%s</time>", y, m, d,
                  hy_shell_date(&p->sh, t));
}

static void page_init(struct page *p, hy_req *req) {
    p->req = req;
    p->b = (hy_buf)HY_BUF_INIT(8 * 1024 * 1024);
    hy_shell_init(&p->sh, req, "/challenges.html", hy_req_query(req, "lang"));
    p->lang = p->sh.lang;
    p->fa = p->sh.fa;
}

static hy_result page_end(struct page *p, unsigned status) {
    return hy_shell_reply(&p->sh, &p->b, status);
}

/* A page that only says what went wrong, with a way on. */
static hy_result notice_page(struct page *p, unsigned status, const char *title, const char *text) {
    p->sh.below = true;
    hy_shell_start(&p->sh, &p->b, title, "challenge-page",
                   p->fa ? "/challenges?lang=en" : "/challenges?lang=fa");
    hy_buf_printf(&p->b,
                  "<h1>%s</h1>\n<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p></div>\n"
                  "<p><a href=\"/challenges?lang=%s\">%s</a></p>\n",
                  esc(p, title), esc(p, text), p->lang, tr(p, "همهٔ چالش‌ها", "All challenges"));
    return page_end(p, status);
}

static hy_result missing(struct page *p, const char *what_fa, const char *what_en) {
    return notice_page(p, 404, tr(p, "پیدا نشد", "Not found"), tr(p, what_fa, what_en));
}

/* The title in the page's language, else the other one; *ret_lang is the text's language. */
static const char *pick(const struct page *p, const char *fa, const char *en, const char **ret_lang) {
    bool use_fa = p->fa ? (fa && *fa) : !(en && *en);
    *ret_lang = use_fa ? "fa" : "en";
    return use_fa ? fa : en;
}

static const char *dir_of(const char *lang) { return strcmp(lang, "fa") ? "ltr" : "rtl"; }

/* Plain text as paragraphs: a blank line parts them, a line break stays one. */
static void paragraphs(struct page *p, const char *text, const char *cls, const char *lang) {
    const char *e = esc(p, text);
    hy_buf_printf(&p->b, "<div class=\"%s\" lang=\"%s\" dir=\"%s\"><p>", cls, lang, dir_of(lang));
    for (const char *s = e; *s; s++) {
        if (s[0] == '\n' && s[1] == '\n') {
            hy_buf_puts(&p->b, "</p><p>");
            while (s[1] == '\n') s++;
        } else if (*s == '\n') {
            hy_buf_puts(&p->b, "<br>");
        } else if (*s != '\r') {
            hy_buf_putc(&p->b, *s);
        }
    }
    hy_buf_puts(&p->b, "</p></div>\n");
}

static const char *phase_words(const struct page *p, enum hy_phase ph) {
    switch (ph) {
    case HY_PHASE_UPCOMING: return tr(p, "هنوز آغاز نشده", "Not open yet");
    case HY_PHASE_IDEAS: return tr(p, "گردآوری ایده‌ها", "Collecting ideas");
    case HY_PHASE_VOTING: return tr(p, "رأی‌گیری", "Voting");
    default: return tr(p, "نتایج", "Results");
    }
}

/* "/challenges/ID?lang=fa" as a ?next= value (a path of this site, percent-encoded). */
static const char *next_value(struct page *p, const char *path) {
    hy_buf b = HY_BUF_INIT(4096);
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            strchr("/-_.~", *s))
            hy_buf_putc(&b, (char)*s);
        else
            hy_buf_printf(&b, "%%%02X", *s);
    }
    const char *r = hy_buf_error(&b) || !b.data ? "/challenges" : hy_arena_strdup(p->req->arena, b.data);
    hy_buf_free(&b);
    return r ? r : "/challenges";
}

/* Signed out: where to sign in or join, returning to this page. */
static void take_part(struct page *p, const char *self) {
    const char *next = next_value(p, self);
    hy_buf_printf(&p->b,
                  "<div class=\"notice challenge-signin\" id=\"take-part\"><p>%s</p><p>"
                  "<a class=\"button button-primary\" href=\"/signin?next=%s\">%s</a> "
                  "<a class=\"button\" href=\"/join?next=%s\">%s</a></p></div>\n",
                  tr(p, "برای ایده دادن، نظر نوشتن و رأی دادن وارد شوید یا عضو شوید.",
                     "Sign in or join to take part: submit ideas, comment and vote."),
                  next, tr(p, "ورود", "Sign in"), next, tr(p, "عضویت", "Join"));
}

/* The caller's votes: how many are used and left (signed in, while voting is open). */
static void budget(struct page *p, const struct hy_challenge *c, int64_t used) {
    hy_buf_printf(&p->b, "<p class=\"challenge-budget\" id=\"votes-left\" aria-live=\"polite\" "
                         "data-budget=\"%lld\" data-used=\"%lld\">",
                  (long long)c->votes_per_person, (long long)used);
    const char *u = num(p, used), *all = num(p, c->votes_per_person),
               *left = num(p, c->votes_per_person - used);
    if (c->votes_per_person && p->fa)
        hy_buf_printf(&p->b, "%s رأی از %s رأی خود را داده‌اید؛ %s رأی مانده است.", u, all, left);
    else if (c->votes_per_person)
        hy_buf_printf(&p->b, "You have used %s of your %s votes; %s left.", u, all, left);
    else if (p->fa)
        hy_buf_printf(&p->b, "به %s ایده رأی داده‌اید؛ شمار رأی‌ها محدود نیست.", u);
    else
        hy_buf_printf(&p->b, "You have voted for %s ideas; there is no limit.", u);
    hy_buf_puts(&p->b, "</p>\n");
}

/* The vote button of an idea (signed in, voting open): web/js/challenges.js sends it. */
static void vote_form(struct page *p, const char *idea_id, bool mine) {
    hy_buf_printf(&p->b,
                  "<form class=\"idea-vote\" data-idea=\"%s\" data-voted=\"%d\" "
                  "data-label-vote=\"%s\" data-label-unvote=\"%s\" data-label-voted=\"%s\">"
                  "<button class=\"button%s\" type=\"submit\" disabled>%s</button> "
                  "<span class=\"idea-voted\"%s>%s</span>"
                  "<span class=\"idea-vote-msg\" role=\"status\"></span></form>\n",
                  esc(p, idea_id), mine ? 1 : 0, tr(p, "رأی می‌دهم", "Vote for this idea"),
                  tr(p, "پس گرفتن رأی", "Take my vote back"),
                  tr(p, "به این ایده رأی داده‌اید.", "You voted for this idea."),
                  mine ? "" : " button-primary",
                  mine ? tr(p, "پس گرفتن رأی", "Take my vote back")
                       : tr(p, "رأی می‌دهم", "Vote for this idea"),
                  mine ? "" : " hidden", tr(p, "به این ایده رأی داده‌اید.", "You voted for this idea."));
}

static void needs_js(struct page *p) {
    hy_buf_printf(&p->b, "<noscript><p class=\"notice notice-warning\">%s</p></noscript>\n",
                  tr(p, "برای رأی دادن، فرستادن ایده و نظر به جاوااسکریپت نیاز است؛ خواندن بدون آن "
                        "ممکن است.",
                     "Voting, submitting ideas and comments need JavaScript; reading does not."));
}

/* A JSON array of strings (links, tags) as a list; links as links. */
static void string_list(struct page *p, const char *json, const char *cls, const char *label,
                        bool links) {
    json_t *a = json ? json_loads(json, 0, NULL) : NULL;
    if (json_is_array(a) && json_array_size(a)) {
        hy_buf_printf(&p->b, "<ul class=\"%s\" aria-label=\"%s\">", cls, label);
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) {
            const char *s = json_string_value(v);
            if (!s) continue;
            if (links && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)))
                hy_buf_printf(&p->b, "<li><a href=\"%s\" rel=\"nofollow ugc noopener\" dir=\"ltr\">%s</a></li>",
                              esc(p, s), esc(p, s));
            else
                hy_buf_printf(&p->b, "<li dir=\"auto\">%s</li>", esc(p, s));
        }
        hy_buf_puts(&p->b, "</ul>\n");
    }
    json_decref(a);
}

/* The report form for an idea or one of its comments (signed in). */
static void report_form(struct page *p, const char *idea_id, const char *comment_id) {
    const char *key = comment_id ? comment_id : idea_id;
    hy_buf_printf(&p->b,
                  "<details class=\"report\"><summary>%s</summary>"
                  "<form class=\"report-form form\" data-idea=\"%s\" data-comment=\"%s\" "
                  "data-done=\"%s\">"
                  "<div class=\"field\"><label class=\"field-label\" for=\"report-%s\">%s</label>"
                  "<textarea class=\"input\" id=\"report-%s\" name=\"reason\" rows=\"3\" "
                  "minlength=\"3\" maxlength=\"1000\" required dir=\"auto\"></textarea></div>"
                  "<p><button class=\"button\" type=\"submit\" disabled>%s</button></p>"
                  "<p class=\"report-msg\" role=\"status\"></p></form></details>\n",
                  comment_id ? tr(p, "گزارش این نظر", "Report this comment")
                             : tr(p, "گزارش این ایده", "Report this idea"),
                  esc(p, idea_id), comment_id ? esc(p, comment_id) : "",
                  tr(p, "گزارش شما رسید؛ گردانندگان آن را بررسی می‌کنند.",
                     "Thank you: the organisers will look at your report."),
                  esc(p, key), tr(p, "چرا؟ (دلیل گزارش)", "Why? (the reason for the report)"),
                  esc(p, key), tr(p, "فرستادن گزارش", "Send the report"));
}

/* ---------------------------------------------------------------- the list */

hy_result hy_api_show_challenges_page(hy_req *req) {
    struct page p;
    page_init(&p, req);
    struct hy_challenge *list;
    int n = hy_api_challenge_list(req, &list);
    if (n < 0) return hy_reply_store_error(req, n);
    int64_t now = hy_clock_now();
    const char *title = tr(&p, "چالش‌ها", "Challenges");
    hy_shell_start(&p.sh, &p.b, title, "challenge-page",
                   p.fa ? "/challenges?lang=en" : "/challenges?lang=fa");
    hy_buf_printf(&p.b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", title,
                  tr(&p, "برای مسئله‌های محله ایده بدهید، دربارهٔ ایده‌های دیگران نظر بنویسید و به "
                         "بهترین‌ها رأی دهید. هر چالش سه مرحله دارد: گردآوری ایده‌ها، رأی‌گیری و نتایج.",
                     "Give ideas for the neighbourhood's problems, comment on others' ideas and "
                     "vote for the best. Each challenge has three phases: ideas, voting and "
                     "results."));
    if (n == 0)
        hy_buf_printf(&p.b, "<p>%s</p>\n", tr(&p, "هنوز چالشی باز نشده است.", "No challenge has been opened yet."));
    hy_buf_puts(&p.b, "<ul class=\"challenge-list\">\n");
    for (int i = 0; i < n; i++) {
        const struct hy_challenge *c = &list[i];
        const char *tl;
        const char *t = pick(&p, c->title_fa, c->title_en, &tl);
        enum hy_phase ph = hy_challenge_phase(c, now);
        hy_buf_printf(&p.b,
                      "<li class=\"challenge-item\"><h2 class=\"challenge-item-title\"><a "
                      "href=\"/challenges/%s?lang=%s\" lang=\"%s\" dir=\"%s\">%s</a></h2>"
                      "<p class=\"challenge-item-meta\"><span class=\"badge phase-%s\">%s</span> · ",
                      esc(&p, c->id), p.lang, tl, dir_of(tl), esc(&p, t), hy_phase_name(ph),
                      phase_words(&p, ph));
        hy_buf_printf(&p.b, "%s ", tr(&p, "ایده‌ها از", "Ideas from"));
        put_date(&p, c->ideas_at);
        hy_buf_printf(&p.b, " · %s ", tr(&p, "رأی‌گیری از", "voting from"));
        put_date(&p, c->voting_at);
        hy_buf_printf(&p.b, " · %s ", tr(&p, "نتایج از", "results from"));
        put_date(&p, c->results_at);
        hy_buf_printf(&p.b, " · %s %s</p></li>\n", num(&p, c->ideas),
                      tr(&p, "ایده", c->ideas == 1 ? "idea" : "ideas"));
    }
    hy_buf_puts(&p.b, "</ul>\n");
    return page_end(&p, 200);
}

/* ---------------------------------------------------------------- one challenge */

static void phases(struct page *p, const struct hy_challenge *c, enum hy_phase now) {
    static const enum hy_phase steps[3] = {HY_PHASE_IDEAS, HY_PHASE_VOTING, HY_PHASE_RESULTS};
    const int64_t from[3] = {c->ideas_at, c->voting_at, c->results_at};
    hy_buf_printf(&p->b, "<section aria-labelledby=\"phases-h\"><h2 id=\"phases-h\">%s</h2>"
                         "<ol class=\"challenge-phases\">\n",
                  tr(p, "مرحله‌ها", "Phases"));
    for (int i = 0; i < 3; i++) {
        bool cur = steps[i] == now;
        hy_buf_printf(&p->b, "<li class=\"phase-step%s\"%s><strong>%s</strong> ",
                      cur ? " phase-current" : "", cur ? " aria-current=\"step\"" : "",
                      phase_words(p, steps[i]));
        if (i < 2) {
            hy_buf_printf(&p->b, "%s ", tr(p, "از", "from"));
            put_date(p, from[i]);
            hy_buf_printf(&p->b, " %s ", tr(p, "تا", "to"));
            put_date(p, from[i + 1]);
        } else {
            hy_buf_printf(&p->b, "%s ", tr(p, "از", "from"));
            put_date(p, from[i]);
        }
        if (cur) hy_buf_printf(&p->b, " <span class=\"badge\">%s</span>", tr(p, "اکنون", "now"));
        hy_buf_puts(&p->b, "</li>\n");
    }
    hy_buf_puts(&p->b, "</ol>\n");
    if (now == HY_PHASE_UPCOMING) {
        hy_buf_printf(&p->b, "<p>%s ", tr(p, "گردآوری ایده‌ها آغاز می‌شود:", "Ideas open on"));
        put_date(p, c->ideas_at);
        hy_buf_puts(&p->b, "</p>\n");
    }
    hy_buf_puts(&p->b, "</section>\n");
}

static void settings(struct page *p, const struct hy_challenge *c) {
    hy_buf_printf(&p->b, "<section aria-labelledby=\"rules-h\"><h2 id=\"rules-h\">%s</h2>"
                         "<dl class=\"challenge-rules\">\n<dt>%s</dt><dd>",
                  tr(p, "قاعده‌ها", "Rules"), tr(p, "رأی هر نفر", "Votes per person"));
    if (c->votes_per_person) hy_buf_puts(&p->b, num(p, c->votes_per_person));
    else hy_buf_puts(&p->b, tr(p, "بی‌شمار", "Unlimited"));
    hy_buf_printf(&p->b, "</dd>\n<dt>%s</dt><dd>%s</dd>\n",
                  tr(p, "شمار رأی‌ها در زمان رأی‌گیری", "Vote totals while voting is open"),
                  c->show_votes ? tr(p, "نشان داده می‌شود", "Shown")
                                : tr(p, "تا اعلام نتایج پنهان است", "Hidden until the results"));
    hy_buf_printf(&p->b, "<dt>%s</dt><dd>", tr(p, "آستانهٔ پشتیبانی", "Support threshold"));
    if (c->threshold)
        hy_buf_printf(&p->b, "%s %s", num(p, c->threshold), tr(p, "رأی", "votes"));
    else
        hy_buf_puts(&p->b, tr(p, "ندارد", "None"));
    hy_buf_printf(&p->b, "</dd>\n<dt>%s</dt><dd>%s</dd>\n</dl>\n<p class=\"challenge-secret\">%s</p></section>\n",
                  tr(p, "ترتیب ایده‌ها در رأی‌گیری", "Order of ideas while voting"),
                  c->random_order ? tr(p, "ترتیبی ویژهٔ هر نفر، تا ایده‌های زودتر پیشی نگیرند",
                                       "An order of each person's own, so that early ideas get "
                                       "no head start")
                                  : tr(p, "تازه‌ترین نخست", "Newest first"),
                  tr(p, "رأی‌ها مخفی است: هیچ‌کس، حتی گردانندگان، نمی‌بیند چه کسی به چه ایده‌ای رأی داده است.",
                     "Voting is secret: nobody, organisers included, can see who voted for which idea."));
}

static void sort_links(struct page *p, const struct hy_api_challenge_view *v, const char *sort) {
    struct {
        const char *key, *fa, *en;
        bool on;
    } opts[] = {
        {NULL, "پیش‌فرض", "Default", v->phase != HY_PHASE_RESULTS},
        {"votes", "بیشترین رأی", "Most votes", v->shown},
        {"recent", "تازه‌ترین فعالیت", "Recent activity", true},
        {"newest", "تازه‌ترین ایده", "Newest ideas", true},
    };
    hy_buf_printf(&p->b, "<nav class=\"idea-sort\" aria-label=\"%s\"><span>%s</span> <ul>",
                  tr(p, "ترتیب ایده‌ها", "Order of the ideas"), tr(p, "ترتیب:", "Order:"));
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        if (!opts[i].on) continue;
        bool cur = opts[i].key ? sort && !strcmp(sort, opts[i].key) : !sort || !strcmp(sort, "random");
        /* votes: the order in force (the results' default too), never one refused. */
        if (opts[i].key && !strcmp(opts[i].key, "votes")) cur = !strcmp(v->order, "votes");
        hy_buf_printf(&p->b, "<li><a href=\"/challenges/%s?lang=%s%s%s\"%s>%s</a></li>",
                      esc(p, v->c.id), p->lang, opts[i].key ? "&amp;sort=" : "",
                      opts[i].key ? opts[i].key : "", cur ? " aria-current=\"page\"" : "",
                      tr(p, opts[i].fa, opts[i].en));
    }
    hy_buf_puts(&p->b, "</ul></nav>\n");
    if (!strcmp(v->order, "random"))
        hy_buf_printf(&p->b, "<p class=\"idea-order-note\">%s</p>\n",
                      tr(p, "ایده‌ها به ترتیبی ویژهٔ شما آمده‌اند تا ایده‌های زودتر پیشی نگیرند.",
                         "The ideas are listed in an order of your own, so that early ideas get no head start."));
}

static void idea_votes(struct page *p, const struct hy_idea *d, bool shown, int64_t threshold) {
    if (shown) {
        hy_buf_printf(&p->b, "<span class=\"idea-votes\">%s %s</span>", num(p, d->votes),
                      tr(p, "رأی", d->votes == 1 ? "vote" : "votes"));
        if (threshold && d->votes >= threshold)
            hy_buf_printf(&p->b, " · <span class=\"badge idea-supported\">%s</span>",
                          tr(p, "به آستانهٔ پشتیبانی رسیده", "Reached the support threshold"));
        hy_buf_puts(&p->b, " · ");
    }
}

static void idea_card(struct page *p, const struct hy_api_challenge_view *v, int i) {
    const struct hy_idea *d = &v->ideas[i];
    const char *l = strcmp(d->language, "en") ? "fa" : "en";
    hy_buf_printf(&p->b,
                  "<li class=\"idea-card\" id=\"idea-%s\"><article aria-labelledby=\"idea-%s-t\">"
                  "<h3 id=\"idea-%s-t\" lang=\"%s\" dir=\"%s\"><a href=\"/ideas/%s?lang=%s\">%s</a></h3>\n",
                  esc(p, d->id), esc(p, d->id), esc(p, d->id), l, dir_of(l), esc(p, d->id), p->lang,
                  esc(p, d->title));
    if (d->hidden)
        hy_buf_printf(&p->b, "<p class=\"notice notice-warning\">%s %s</p>\n",
                      tr(p, "پنهان شده:", "Hidden:"), esc(p, d->hidden_reason));
    paragraphs(p, d->description, "idea-desc", l);
    if (d->team && *d->team)
        hy_buf_printf(&p->b, "<p class=\"idea-team\"><strong>%s</strong> <span dir=\"auto\">%s</span></p>\n",
                      tr(p, "گروه:", "Team:"), esc(p, d->team));
    string_list(p, d->tags, "idea-tags", tr(p, "برچسب‌ها", "Tags"), false);
    hy_buf_puts(&p->b, "<p class=\"idea-meta\">");
    idea_votes(p, d, v->shown, v->c.threshold);
    hy_buf_printf(&p->b, "<a href=\"/ideas/%s?lang=%s#comments\">%s %s</a></p>\n", esc(p, d->id),
                  p->lang, num(p, d->comments), tr(p, "نظر", d->comments == 1 ? "comment" : "comments"));
    if (v->who && v->phase == HY_PHASE_VOTING && !d->hidden) vote_form(p, d->id, v->mine[i]);
    hy_buf_puts(&p->b, "</article></li>\n");
}

static void idea_form(struct page *p, const char *challenge_id) {
    hy_buf_printf(&p->b,
                  "<section class=\"idea-new\" aria-labelledby=\"idea-new-h\"><h2 id=\"idea-new-h\">%s</h2>\n"
                  "<form class=\"form\" id=\"idea-form\" data-challenge=\"%s\">\n"
                  "<div class=\"field\"><label class=\"field-label\" for=\"idea-title\">%s</label>"
                  "<input class=\"input\" id=\"idea-title\" name=\"title\" required minlength=\"3\" "
                  "maxlength=\"200\" dir=\"auto\"></div>\n"
                  "<div class=\"field\"><label class=\"field-label\" for=\"idea-description\">%s</label>"
                  "<textarea class=\"input\" id=\"idea-description\" name=\"description\" rows=\"6\" "
                  "required minlength=\"10\" maxlength=\"10000\" dir=\"auto\"></textarea></div>\n"
                  "<div class=\"field\"><label class=\"field-label\" for=\"idea-team\">%s</label>"
                  "<p class=\"field-hint\" id=\"idea-team-hint\">%s</p>"
                  "<input class=\"input\" id=\"idea-team\" name=\"team\" maxlength=\"500\" dir=\"auto\" "
                  "aria-describedby=\"idea-team-hint\"></div>\n"
                  "<div class=\"field\"><label class=\"field-label\" for=\"idea-links\">%s</label>"
                  "<p class=\"field-hint\" id=\"idea-links-hint\">%s</p>"
                  "<textarea class=\"input\" id=\"idea-links\" name=\"links\" rows=\"3\" dir=\"ltr\" "
                  "aria-describedby=\"idea-links-hint\"></textarea></div>\n"
                  "<div class=\"field\"><label class=\"field-label\" for=\"idea-tags\">%s</label>"
                  "<p class=\"field-hint\" id=\"idea-tags-hint\">%s</p>"
                  "<input class=\"input\" id=\"idea-tags\" name=\"tags\" dir=\"auto\" "
                  "aria-describedby=\"idea-tags-hint\"></div>\n"
                  "<div class=\"field\"><label class=\"field-label\" for=\"idea-language\">%s</label>"
                  "<select class=\"input input-short\" id=\"idea-language\" name=\"language\">"
                  "<option value=\"fa\"%s>فارسی</option><option value=\"en\"%s>English</option>"
                  "</select></div>\n"
                  "<p class=\"notice notice-important form-error\" id=\"idea-error\" role=\"alert\" hidden></p>\n"
                  "<p><button class=\"button button-primary\" type=\"submit\" disabled>%s</button></p>\n"
                  "</form></section>\n",
                  tr(p, "ایدهٔ خود را بفرستید", "Submit your idea"), esc(p, challenge_id),
                  tr(p, "عنوان", "Title"), tr(p, "شرح ایده", "What the idea is"),
                  tr(p, "گروه (اختیاری)", "Team (optional)"),
                  tr(p, "چه کسانی با شما روی این ایده کار می‌کنند.", "Who works on the idea with you."),
                  tr(p, "پیوندها (اختیاری)", "Links (optional)"),
                  tr(p, "هر پیوند در یک سطر، با https:// آغاز شود؛ تا ۱۰ پیوند.",
                     "One link a line, starting with https://; up to 10."),
                  tr(p, "برچسب‌ها (اختیاری)", "Tags (optional)"),
                  tr(p, "با ویرگول جدا کنید؛ تا ۱۰ برچسب.", "Separated by commas; up to 10."),
                  tr(p, "زبان ایده", "The idea's language"), p->fa ? " selected" : "",
                  p->fa ? "" : " selected", tr(p, "فرستادن ایده", "Submit the idea"));
}

hy_result hy_api_show_challenge_page(hy_req *req) {
    struct page p;
    page_init(&p, req);
    const char *sort = hy_req_query(req, "sort");
    if (sort && !*sort) sort = NULL; /* an empty choice: the default order */
    struct hy_api_challenge_view v;
    int r = hy_api_challenge_view(req, req->args[0], sort, &v);
    if (r == -EINVAL)
        return notice_page(&p, 400, tr(&p, "ترتیب نادرست", "Unknown order"),
                           tr(&p, "ترتیب ایده‌ها یکی از این‌هاست: پیش‌فرض، بیشترین رأی، تازه‌ترین فعالیت، تازه‌ترین ایده.",
                              "The ideas can be ordered by default, most votes, recent activity or newest."));
    if (r == HY_DB_NONE) return missing(&p, "چنین چالشی نیست.", "There is no such challenge.");
    if (r < 0) return hy_reply_store_error(req, r);
    /* The results are ranked by votes unless another order is asked for. */
    if (!sort && v.phase == HY_PHASE_RESULTS) {
        r = hy_api_challenge_view(req, req->args[0], "votes", &v);
        if (r == HY_DB_NONE) return missing(&p, "چنین چالشی نیست.", "There is no such challenge.");
        if (r < 0) return hy_reply_store_error(req, r);
    }
    const struct hy_challenge *c = &v.c;
    const char *tl;
    const char *title = pick(&p, c->title_fa, c->title_en, &tl);
    const char *self = hy_arena_printf(req->arena, "/challenges/%s?lang=%s", c->id, p.lang);
    const char *other = hy_arena_printf(req->arena, "/challenges/%s?lang=%s", c->id, p.fa ? "en" : "fa");
    p.sh.below = true;
    hy_shell_start(&p.sh, &p.b, title, "challenge-page", other ? other : "/challenges");
    hy_buf_printf(&p.b,
                  "<p class=\"breadcrumb\"><a href=\"/challenges?lang=%s\">%s</a></p>\n"
                  "<h1 lang=\"%s\" dir=\"%s\">%s</h1>\n"
                  "<p class=\"challenge-phase-now\">%s <strong class=\"badge phase-%s\">%s</strong></p>\n",
                  p.lang, tr(&p, "همهٔ چالش‌ها", "All challenges"), tl, dir_of(tl), esc(&p, title),
                  tr(&p, "مرحلهٔ کنونی:", "Current phase:"), hy_phase_name(v.phase),
                  phase_words(&p, v.phase));
    const char *pl;
    const char *problem = pick(&p, c->problem_fa, c->problem_en, &pl);
    if (problem && *problem) {
        hy_buf_printf(&p.b, "<section aria-labelledby=\"problem-h\"><h2 id=\"problem-h\">%s</h2>\n",
                      tr(&p, "مسئله", "The problem"));
        paragraphs(&p, problem, "challenge-problem", pl);
        hy_buf_puts(&p.b, "</section>\n");
    }
    phases(&p, c, v.phase);
    settings(&p, c);
    bool open = v.phase == HY_PHASE_IDEAS || v.phase == HY_PHASE_VOTING;
    if (!v.who && open) take_part(&p, self ? self : "/challenges");
    if (v.who && v.phase == HY_PHASE_VOTING) budget(&p, c, v.used);
    if (v.who && open) needs_js(&p);
    if (v.organiser)
        hy_buf_printf(&p.b,
                      "<p class=\"challenge-organiser\"><a class=\"button\" href=\"/challenge-moderation?id=%s\">%s</a> "
                      "<a class=\"button\" href=\"/api/v1/challenges/%s/ideas.csv?bom=1\" download>%s</a></p>\n",
                      esc(&p, c->id), tr(&p, "بازبینی و گزارش‌ها", "Moderation and reports"),
                      esc(&p, c->id), tr(&p, "خروجی CSV ایده‌ها و رأی‌ها", "Export ideas and totals (CSV)"));
    if (v.who && v.phase == HY_PHASE_IDEAS) idea_form(&p, c->id);
    hy_buf_printf(&p.b, "<section aria-labelledby=\"ideas-h\"><h2 id=\"ideas-h\">%s (%s)</h2>\n",
                  tr(&p, "ایده‌ها", "Ideas"), num(&p, v.n));
    if (v.n) sort_links(&p, &v, sort);
    if (v.phase == HY_PHASE_RESULTS && !strcmp(v.order, "votes"))
        hy_buf_printf(&p.b, "<p>%s</p>\n", tr(&p, "نتایج: ایده‌ها به ترتیب رأی.", "Results: the ideas ranked by votes."));
    if (!v.n)
        hy_buf_printf(&p.b, "<p>%s</p>\n", tr(&p, "هنوز ایده‌ای فرستاده نشده است.", "No idea has been submitted yet."));
    hy_buf_puts(&p.b, "<ol class=\"idea-list\">\n");
    for (int i = 0; i < v.n; i++) idea_card(&p, &v, i);
    hy_buf_puts(&p.b, "</ol></section>\n");
    return page_end(&p, 200);
}

/* ---------------------------------------------------------------- one idea */

static void comment_item(struct page *p, const struct hy_api_idea_view *v, const struct hy_idea_comment *m) {
    hy_buf_printf(&p->b,
                  "<li class=\"comment\" id=\"comment-%s\"><p class=\"comment-meta\"><strong "
                  "dir=\"auto\">%s</strong> · ",
                  esc(p, m->id), esc(p, m->author_name && *m->author_name ? m->author_name
                                                                         : tr(p, "بی‌نام", "Anonymous")));
    put_date(p, m->created_at);
    hy_buf_puts(&p->b, "</p>\n");
    if (m->hidden)
        hy_buf_printf(&p->b, "<p class=\"notice notice-warning\">%s %s</p>\n",
                      tr(p, "پنهان شده:", "Hidden:"), esc(p, m->hidden_reason));
    hy_buf_printf(&p->b, "<p class=\"comment-body\" dir=\"auto\">%s</p>\n", esc(p, m->body));
    if (v->who && !m->hidden) report_form(p, v->idea.id, m->id);
    hy_buf_puts(&p->b, "</li>\n");
}

hy_result hy_api_show_idea_page(hy_req *req) {
    struct page p;
    page_init(&p, req);
    struct hy_api_idea_view v;
    int r = hy_api_idea_view(req, req->args[0], &v);
    if (r == HY_DB_NONE) return missing(&p, "چنین ایده‌ای نیست.", "There is no such idea.");
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_idea *d = &v.idea;
    const char *l = strcmp(d->language, "en") ? "fa" : "en";
    const char *self = hy_arena_printf(req->arena, "/ideas/%s?lang=%s", d->id, p.lang);
    const char *other = hy_arena_printf(req->arena, "/ideas/%s?lang=%s", d->id, p.fa ? "en" : "fa");
    const char *tl;
    const char *ctitle = pick(&p, v.c.title_fa, v.c.title_en, &tl);
    p.sh.below = true;
    hy_shell_start(&p.sh, &p.b, d->title, "challenge-page", other ? other : "/challenges");
    hy_buf_printf(&p.b,
                  "<p class=\"breadcrumb\"><a href=\"/challenges?lang=%s\">%s</a> › "
                  "<a href=\"/challenges/%s?lang=%s\" lang=\"%s\" dir=\"%s\">%s</a></p>\n"
                  "<h1 lang=\"%s\" dir=\"%s\">%s</h1>\n",
                  p.lang, tr(&p, "چالش‌ها", "Challenges"), esc(&p, v.c.id), p.lang, tl, dir_of(tl),
                  esc(&p, ctitle), l, dir_of(l), esc(&p, d->title));
    if (d->hidden)
        hy_buf_printf(&p.b, "<p class=\"notice notice-warning\">%s %s</p>\n",
                      tr(&p, "این ایده پنهان شده است:", "This idea is hidden:"), esc(&p, d->hidden_reason));
    hy_buf_printf(&p.b, "<p class=\"idea-meta\">%s <strong dir=\"auto\">%s</strong> · ",
                  tr(&p, "از", "By"),
                  esc(&p, d->author_name && *d->author_name ? d->author_name : tr(&p, "بی‌نام", "Anonymous")));
    put_date(&p, d->created_at);
    hy_buf_printf(&p.b, " · %s <span class=\"badge phase-%s\">%s</span></p>\n",
                  tr(&p, "مرحلهٔ چالش:", "Challenge phase:"), hy_phase_name(v.phase),
                  phase_words(&p, v.phase));
    paragraphs(&p, d->description, "idea-desc", l);
    if (d->team && *d->team)
        hy_buf_printf(&p.b, "<p class=\"idea-team\"><strong>%s</strong> <span dir=\"auto\">%s</span></p>\n",
                      tr(&p, "گروه:", "Team:"), esc(&p, d->team));
    if (d->links && strcmp(d->links, "[]")) {
        hy_buf_printf(&p.b, "<h2>%s</h2>\n", tr(&p, "پیوندها", "Links"));
        string_list(&p, d->links, "idea-links", tr(&p, "پیوندها", "Links"), true);
    }
    string_list(&p, d->tags, "idea-tags", tr(&p, "برچسب‌ها", "Tags"), false);
    hy_buf_puts(&p.b, "<p class=\"idea-meta\">");
    idea_votes(&p, d, v.shown, v.c.threshold);
    hy_buf_printf(&p.b, "%s %s</p>\n", num(&p, v.n), tr(&p, "نظر", v.n == 1 ? "comment" : "comments"));
    bool open = v.phase == HY_PHASE_IDEAS || v.phase == HY_PHASE_VOTING;
    if (!v.who && open) take_part(&p, self ? self : "/challenges");
    if (v.who && open) needs_js(&p);
    if (v.who && v.phase == HY_PHASE_VOTING && !d->hidden) {
        budget(&p, &v.c, v.used);
        vote_form(&p, d->id, v.my_vote);
    }
    if (v.who && !d->hidden) report_form(&p, d->id, NULL);
    hy_buf_printf(&p.b, "<section id=\"comments\" aria-labelledby=\"comments-h\"><h2 id=\"comments-h\">%s</h2>\n",
                  tr(&p, "نظرها", "Comments"));
    if (!v.n)
        hy_buf_printf(&p.b, "<p id=\"comments-none\">%s</p>\n",
                      tr(&p, "هنوز نظری نوشته نشده است.", "No comments yet."));
    hy_buf_puts(&p.b, "<ol class=\"comment-list\">\n");
    for (int i = 0; i < v.n; i++) comment_item(&p, &v, &v.comments[i]);
    hy_buf_puts(&p.b, "</ol>\n");
    if (v.who && open && !d->hidden)
        hy_buf_printf(&p.b,
                      "<form class=\"form\" id=\"comment-form\" data-idea=\"%s\">"
                      "<div class=\"field\"><label class=\"field-label\" for=\"comment-body\">%s</label>"
                      "<textarea class=\"input\" id=\"comment-body\" name=\"body\" rows=\"4\" required "
                      "maxlength=\"2000\" dir=\"auto\"></textarea></div>"
                      "<p class=\"notice notice-important form-error\" id=\"comment-error\" role=\"alert\" hidden></p>"
                      "<p><button class=\"button button-primary\" type=\"submit\" disabled>%s</button></p></form>\n",
                      esc(&p, d->id), tr(&p, "نظر شما", "Your comment"), tr(&p, "فرستادن نظر", "Post the comment"));
    else if (!open)
        hy_buf_printf(&p.b, "<p>%s</p>\n", tr(&p, "در این مرحله نظر تازه پذیرفته نمی‌شود.",
                                             "New comments are not taken in this phase."));
    hy_buf_puts(&p.b, "</section>\n");
    return page_end(&p, 200);
}
