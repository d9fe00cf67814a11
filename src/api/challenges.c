/* challenges.c — challenges, ideas, votes, comments, reports and moderation.
 *
 *   POST /api/v1/challenges                   organisers (coordinators, admins) open one
 *   GET  /api/v1/challenges                   anyone: the list, with each one's phase
 *   GET  /api/v1/challenges/{id}              anyone: the challenge and its ideas, ?sort=
 *   POST /api/v1/challenges/{id}/ideas        signed in, in the ideas phase
 *   POST /api/v1/challenges/{id}/moderation   organisers: hide or show ideas and comments in
 *                                             bulk, with a reason (audit log)
 *   GET  /api/v1/challenges/{id}/reports      organisers: what people reported
 *   GET  /api/v1/challenges/{id}/ideas.csv    organisers: ideas and totals as CSV
 *   GET  /api/v1/ideas/{id}                   anyone: an idea and its comments
 *   POST /api/v1/ideas/{id}/vote, DELETE      signed in, in the voting phase
 *   POST /api/v1/ideas/{id}/comments          signed in, until results
 *   POST /api/v1/ideas/{id}/reports           signed in: report an idea or a comment
 *
 * A secret ballot: no answer, export or audit entry says who voted for what. A person sees
 * only their own votes (`my_vote`, `votes_used`); totals only when the challenge shows them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/auth.h"
#include "domain/challenge.h"
#include "http/parse.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/challenges.h"
#include "util/clock.h"
#include "util/csv.h"

#define IDEAS_MAX 2000
#define COMMENTS_MAX 500
#define CHALLENGES_MAX 200
#define TIME_MAX 4102444800.0 /* 2100-01-01 */

static const char *const languages[] = {"fa", "en", NULL};

/* A list read in one statement. */
struct list_ctx {
    hy_req *req;
    const char *id;
    void *items;
    int n;
};

static int challenges_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    c->n = s->ops->challenges->challenge_list(s, CHALLENGES_MAX, c->req->arena,
                                              (struct hy_challenge **)&c->items);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static int reports_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    c->n = s->ops->challenges->report_list(s, c->id, 500, c->req->arena,
                                           (struct hy_content_report **)&c->items);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* The signed-in caller's id, or NULL. */
static const char *caller(hy_req *req) {
    const struct hy_principal *who = hy_req_principal(req);
    return who && who->signed_in ? who->user_id : NULL;
}

static bool organiser(hy_req *req) {
    const struct hy_principal *who = hy_req_principal(req);
    return hy_access_decide(HY_ACCESS_COORDINATOR, who) == 0;
}

static hy_result wrong_phase(hy_req *req, enum hy_phase p, const char *message) {
    json_t *body = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "wrong_phase", "message",
                             message, "phase", hy_phase_name(p));
    return hy_reply_json(req, 409, body);
}

static json_t *json_array_text(const char *text) {
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    return json_is_array(v) ? v : (json_decref(v), json_array());
}

static json_t *challenge_json(const struct hy_challenge *c, int64_t now) {
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:I,s:b,s:b,s:I,s:I,s:b}", "id", c->id,
                     "title_fa", c->title_fa, "title_en", c->title_en, "problem_fa", c->problem_fa,
                     "problem_en", c->problem_en, "ideas_at", (json_int_t)c->ideas_at, "voting_at",
                     (json_int_t)c->voting_at, "results_at", (json_int_t)c->results_at, "phase",
                     hy_phase_name(hy_challenge_phase(c, now)), "votes_per_person",
                     (json_int_t)c->votes_per_person, "show_votes", c->show_votes, "random_order",
                     c->random_order, "threshold", (json_int_t)c->threshold, "ideas",
                     (json_int_t)c->ideas, "demo", c->demo);
}

/* An idea as anyone may see it: its total only when shown; a hidden one (organisers only)
 * with its reason. */
static json_t *idea_json(const struct hy_idea *i, bool votes_shown, int64_t threshold) {
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:I,s:I,s:I,s:b}", "id", i->id,
                          "challenge_id", i->challenge_id, "author_name",
                          i->author_name ? i->author_name : "", "title", i->title, "description",
                          i->description, "team", i->team, "links", json_array_text(i->links),
                          "tags", json_array_text(i->tags), "language", i->language, "comments",
                          (json_int_t)i->comments, "created_at", (json_int_t)i->created_at,
                          "activity_at", (json_int_t)i->activity_at, "demo", i->demo);
    if (!o) return NULL;
    if (votes_shown) {
        json_object_set_new(o, "votes", json_integer(i->votes));
        if (threshold) json_object_set_new(o, "supported", json_boolean(i->votes >= threshold));
    }
    if (i->hidden) {
        json_object_set_new(o, "hidden", json_true());
        json_object_set_new(o, "hidden_reason", json_string(i->hidden_reason ? i->hidden_reason : ""));
    }
    return o;
}

/* ---- open a challenge ---- */

struct create_ctx {
    hy_req *req;
    struct hy_challenge c;
};

static int create_tx(hy_store *s, void *ctx) {
    struct create_ctx *c = ctx;
    int r = s->ops->challenges->challenge_insert(s, &c->c);
    if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    return hy_audit(s, hy_req_actor(c->req), "challenge_opened", c->c.id, "");
}

hy_result hy_api_create_challenge(hy_req *req) {
    struct create_ctx c = {.req = req};
    const char *tfa = "", *ten = "", *pfa = "", *pen = "";
    long long ideas_at, ideas_days, voting_days, budget = 0, threshold = 0;
    bool show = false, random_order = true;
    struct hy_field spec[] = {
        HY_F_STR("title_fa", HY_OPTIONAL, 0, 200, &tfa),
        HY_F_STR("title_en", HY_OPTIONAL, 0, 200, &ten),
        HY_F_STR("problem_fa", HY_OPTIONAL | HY_MULTILINE, 0, 5000, &pfa),
        HY_F_STR("problem_en", HY_OPTIONAL | HY_MULTILINE, 0, 5000, &pen),
        HY_F_INT("ideas_at", HY_REQUIRED, 0, TIME_MAX, &ideas_at),
        HY_F_INT("ideas_days", HY_REQUIRED, 1, 365, &ideas_days),
        HY_F_INT("voting_days", HY_REQUIRED, 1, 365, &voting_days),
        HY_F_INT("votes_per_person", HY_OPTIONAL, 0, 1000, &budget),
        HY_F_BOOL("show_votes", HY_OPTIONAL, &show),
        HY_F_BOOL("random_order", HY_OPTIONAL, &random_order),
        HY_F_INT("threshold", HY_OPTIONAL, 0, 1000000, &threshold),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!*tfa && !*ten)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Give a title in Persian, English or both.", "title_fa");
    int64_t now = hy_clock_now();
    hy_id_new(c.c.id);
    c.c.title_fa = tfa;
    c.c.title_en = ten;
    c.c.problem_fa = pfa;
    c.c.problem_en = pen;
    c.c.ideas_at = ideas_at;
    /* The phases follow each other: ideas, then voting, then results. */
    c.c.voting_at = ideas_at + ideas_days * 86400;
    c.c.results_at = c.c.voting_at + voting_days * 86400;
    c.c.votes_per_person = budget;
    c.c.show_votes = show;
    c.c.random_order = random_order;
    c.c.threshold = threshold;
    c.c.created_by = hy_req_actor(req);
    c.c.created_at = c.c.updated_at = now;
    int r = hy_db_run(req->srv->db, HY_TX_INSERT, create_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 201, challenge_json(&c.c, now));
}

/* ---- read ---- */

hy_result hy_api_list_challenges(hy_req *req) {
    struct list_ctx c = {.req = req};
    int r = hy_db_run(req->srv->db, HY_TX_SINGLE, challenges_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_challenge *list = c.items;
    int n = c.n;
    int64_t now = hy_clock_now();
    json_t *items = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(items, challenge_json(&list[i], now));
    return hy_reply_json(req, 200, json_pack("{s:o}", "challenges", items));
}

struct keyed {
    uint64_t key;
    struct hy_idea *idea;
};

static int keyed_cmp(const void *a, const void *b) {
    const struct keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return strcmp(x->idea->id, y->idea->id);
}

struct show_ctx {
    hy_req *req;
    const char *id, *who;
    enum hy_idea_sort sort;
    bool hidden;
    struct hy_challenge c;
    struct hy_idea *ideas;
    int n;
    char (*mine)[HY_ID_LEN + 1];
    int nmine;
    int64_t used;
};

static int show_tx(hy_store *s, void *ctx) {
    struct show_ctx *c = ctx;
    const struct hy_challenge_ops *o = s->ops->challenges;
    int r = o->challenge_get(s, c->id, c->req->arena, &c->c);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    c->n = o->idea_list(s, c->id, c->sort, c->hidden, IDEAS_MAX, c->req->arena, &c->ideas);
    if (c->n < 0) return c->n;
    if (c->who) {
        c->nmine = o->vote_mine(s, c->id, c->who, c->req->arena, &c->mine);
        if (c->nmine < 0) return c->nmine;
        if ((r = o->vote_used(s, c->id, c->who, &c->used)) < 0) return r;
    }
    return HY_DB_ONE;
}

hy_result hy_api_get_challenge(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    struct show_ctx c = {.req = req, .id = req->args[0], .who = caller(req), .hidden = organiser(req)};
    const char *sort = hy_req_query(req, "sort");
    bool want_random = !sort;
    if (sort && !strcmp(sort, "votes")) c.sort = HY_IDEAS_VOTES;
    else if (sort && !strcmp(sort, "recent")) c.sort = HY_IDEAS_ACTIVITY;
    else if (sort && !strcmp(sort, "newest")) c.sort = HY_IDEAS_NEWEST;
    else if (sort && !strcmp(sort, "random")) want_random = true;
    else if (sort)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "sort must be random, votes, recent or newest.", "sort");
    int r = hy_db_run(req->srv->db, HY_TX_READ, show_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    int64_t now = hy_clock_now();
    enum hy_phase phase = hy_challenge_phase(&c.c, now);
    bool shown = hy_challenge_votes_shown(&c.c, now);
    /* Ranking by votes would tell hidden totals: then the default order (`order` says). */
    if (c.sort == HY_IDEAS_VOTES && !shown) {
        c.sort = HY_IDEAS_NEWEST;
        want_random = true;
        if (hy_db_run(req->srv->db, HY_TX_READ, show_tx, &c) < 0) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    const char *order = c.sort == HY_IDEAS_VOTES ? "votes" : c.sort == HY_IDEAS_ACTIVITY ? "recent" : "newest";
    struct keyed *k = NULL;
    if (want_random && phase == HY_PHASE_VOTING && c.c.random_order) {
        /* Each person's own order, the same on every call and in every process. */
        k = hy_arena_zalloc(req->arena, ((size_t)c.n + 1) * sizeof *k);
        if (!k) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        for (int i = 0; i < c.n; i++) {
            k[i].idea = &c.ideas[i];
            k[i].key = hy_idea_order_key(c.who ? c.who : "", c.c.id, c.ideas[i].id);
        }
        qsort(k, (size_t)c.n, sizeof *k, keyed_cmp);
        order = "random";
    }
    json_t *body = challenge_json(&c.c, now);
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) {
        const struct hy_idea *idea = k ? k[i].idea : &c.ideas[i];
        json_t *o = idea_json(idea, shown, c.c.threshold);
        if (c.who) {
            bool mine = false;
            for (int j = 0; j < c.nmine && !mine; j++) mine = !strcmp(c.mine[j], idea->id);
            json_object_set_new(o, "my_vote", json_boolean(mine));
        }
        json_array_append_new(items, o);
    }
    json_object_set_new(body, "ideas_list", items);
    json_object_set_new(body, "order", json_string(order));
    if (c.who) json_object_set_new(body, "votes_used", json_integer(c.used));
    return hy_reply_json(req, 200, body);
}

struct idea_ctx {
    hy_req *req;
    const char *id, *who;
    bool hidden;
    struct hy_idea idea;
    struct hy_challenge c;
    struct hy_idea_comment *comments;
    int n;
    char (*mine)[HY_ID_LEN + 1];
    int nmine;
};

static int idea_tx(hy_store *s, void *ctx) {
    struct idea_ctx *c = ctx;
    const struct hy_challenge_ops *o = s->ops->challenges;
    int r = o->idea_get(s, c->id, c->req->arena, &c->idea);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (c->idea.hidden && !c->hidden) return HY_DB_ABORT;
    if ((r = o->challenge_get(s, c->idea.challenge_id, c->req->arena, &c->c)) <= 0)
        return r < 0 ? r : HY_DB_HARD;
    c->n = o->comment_list(s, c->id, c->hidden, COMMENTS_MAX, c->req->arena, &c->comments);
    if (c->n < 0) return c->n;
    if (c->who) {
        c->nmine = o->vote_mine(s, c->idea.challenge_id, c->who, c->req->arena, &c->mine);
        if (c->nmine < 0) return c->nmine;
    }
    return HY_DB_ONE;
}

hy_result hy_api_get_idea(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea.", NULL);
    struct idea_ctx c = {.req = req, .id = req->args[0], .who = caller(req), .hidden = organiser(req)};
    int r = hy_db_run(req->srv->db, HY_TX_READ, idea_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    int64_t now = hy_clock_now();
    json_t *body = idea_json(&c.idea, hy_challenge_votes_shown(&c.c, now), c.c.threshold);
    json_object_set_new(body, "phase", json_string(hy_phase_name(hy_challenge_phase(&c.c, now))));
    if (c.who) {
        bool mine = false;
        for (int j = 0; j < c.nmine && !mine; j++) mine = !strcmp(c.mine[j], c.idea.id);
        json_object_set_new(body, "my_vote", json_boolean(mine));
    }
    json_t *list = json_array();
    for (int i = 0; i < c.n; i++) {
        const struct hy_idea_comment *m = &c.comments[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "id", m->id, "author_name",
                              m->author_name ? m->author_name : "", "body", m->body, "created_at",
                              (json_int_t)m->created_at);
        if (m->hidden) {
            json_object_set_new(o, "hidden", json_true());
            json_object_set_new(o, "hidden_reason", json_string(m->hidden_reason ? m->hidden_reason : ""));
        }
        json_array_append_new(list, o);
    }
    json_object_set_new(body, "comments_list", list);
    return hy_reply_json(req, 200, body);
}

/* ---- ideas ---- */

struct submit_ctx {
    hy_req *req;
    struct hy_idea idea;
    struct hy_challenge c;
    enum hy_phase phase;
};

static int submit_tx(hy_store *s, void *ctx) {
    struct submit_ctx *c = ctx;
    const struct hy_challenge_ops *o = s->ops->challenges;
    int r = o->challenge_get(s, c->idea.challenge_id, c->req->arena, &c->c);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    c->phase = hy_challenge_phase(&c->c, c->idea.created_at);
    if (c->phase != HY_PHASE_IDEAS) return HY_DB_ABORT;
    r = o->idea_insert(s, &c->idea);
    return r <= 0 ? (r < 0 ? r : HY_DB_HARD) : HY_DB_ONE;
}

hy_result hy_api_create_idea(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    const char *title, *description, *team = "", *language = "fa";
    struct hy_strings links = {0}, tags = {0};
    struct hy_field spec[] = {
        HY_F_STR("title", HY_REQUIRED, 3, 200, &title),
        HY_F_STR("description", HY_REQUIRED | HY_MULTILINE, 10, 10000, &description),
        HY_F_STR("team", HY_OPTIONAL, 0, 500, &team),
        HY_F_STRS("links", HY_OPTIONAL, 10, 500, NULL, &links),
        HY_F_STRS("tags", HY_OPTIONAL, 10, 40, NULL, &tags),
        HY_F_ENUM("language", HY_OPTIONAL, languages, &language),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    for (size_t i = 0; i < links.count; i++)
        if (strncmp(links.items[i], "https://", 8) && strncmp(links.items[i], "http://", 7))
            return hy_reply_error(req, HY_E_INVALID_FIELD, "Links must start with https:// or http://.", "links");
    struct submit_ctx c = {.req = req};
    hy_id_new(c.idea.id);
    memcpy(c.idea.challenge_id, req->args[0], HY_ID_LEN + 1);
    c.idea.author_id = hy_req_actor(req);
    c.idea.title = title;
    c.idea.description = description;
    c.idea.team = team;
    char *lk = hy_api_strings_json(&links), *tg = hy_api_strings_json(&tags);
    c.idea.links = lk ? hy_arena_strdup(req->arena, lk) : NULL;
    c.idea.tags = tg ? hy_arena_strdup(req->arena, tg) : NULL;
    free(lk);
    free(tg);
    if (!c.idea.links || !c.idea.tags) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    c.idea.language = language;
    c.idea.created_at = c.idea.activity_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_INSERT, submit_tx, &c);
    if (r == HY_DB_ABORT && !c.c.id[0]) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    if (r == HY_DB_ABORT) return wrong_phase(req, c.phase, "Ideas are taken only in the ideas phase.");
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_principal *who = hy_req_principal(req);
    c.idea.author_name = who && who->name ? who->name : "";
    return hy_reply_json(req, 201, idea_json(&c.idea, false, 0));
}

/* ---- votes ---- */

struct vote_ctx {
    hy_req *req;
    const char *idea_id, *who;
    bool add;
    int64_t now;
    struct hy_idea idea;
    struct hy_challenge c;
    enum hy_phase phase;
    int outcome; /* HY_VOTE_… or, taking back, HY_DB_ONE / HY_DB_NONE */
    int64_t used;
};

static int vote_tx(hy_store *s, void *ctx) {
    struct vote_ctx *c = ctx;
    const struct hy_challenge_ops *o = s->ops->challenges;
    c->c.id[0] = 0;
    int r = o->idea_get(s, c->idea_id, c->req->arena, &c->idea);
    if (r <= 0 || c->idea.hidden) return r < 0 ? r : HY_DB_ABORT;
    if ((r = o->challenge_get(s, c->idea.challenge_id, c->req->arena, &c->c)) <= 0)
        return r < 0 ? r : HY_DB_HARD;
    c->phase = hy_challenge_phase(&c->c, c->now);
    if (c->phase != HY_PHASE_VOTING) return HY_DB_ABORT;
    if (c->add) {
        c->outcome = o->vote_add(s, c->c.id, c->idea_id, c->who, c->c.votes_per_person, c->now);
        if (c->outcome < 0) return c->outcome;
        if (c->outcome == HY_VOTE_BUDGET_SPENT) return HY_DB_ABORT; /* undoes the vote row */
    } else {
        c->outcome = o->vote_remove(s, c->c.id, c->idea_id, c->who, c->now);
        if (c->outcome < 0) return c->outcome;
    }
    return o->vote_used(s, c->c.id, c->who, &c->used);
}

static hy_result vote(hy_req *req, bool add) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea.", NULL);
    struct vote_ctx c = {.req = req, .idea_id = req->args[0], .who = hy_req_actor(req), .add = add,
                         .now = hy_clock_now()};
    if (!c.who) return hy_reply_error(req, HY_E_UNAUTHORIZED, NULL, NULL);
    /* READ COMMITTED on PostgreSQL: the vote's key and the ballot row's lock decide. */
    int r = hy_db_run(req->srv->db, HY_TX_INSERT, vote_tx, &c);
    if (r == HY_DB_ABORT) {
        if (!c.c.id[0]) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea.", NULL);
        if (c.phase != HY_PHASE_VOTING) return wrong_phase(req, c.phase, "Votes are taken only in the voting phase.");
        return hy_reply_error(req, HY_E_VOTE_BUDGET_SPENT, "You have used all your votes in this challenge; take one back first.", NULL);
    }
    if (r < 0) return hy_reply_store_error(req, r);
    bool counted = add ? c.outcome == HY_VOTE_COUNTED : c.outcome == HY_DB_ONE;
    json_t *body = json_pack("{s:s,s:b,s:b,s:I}", "idea_id", c.idea_id, "my_vote", add, "changed",
                             counted, "votes_used", (json_int_t)c.used);
    if (c.c.votes_per_person)
        json_object_set_new(body, "votes_left", json_integer(c.c.votes_per_person - c.used));
    return hy_reply_json(req, add && counted ? 201 : 200, body);
}

hy_result hy_api_vote_idea(hy_req *req) { return vote(req, true); }
hy_result hy_api_unvote_idea(hy_req *req) { return vote(req, false); }

/* ---- comments and reports ---- */

struct comment_ctx {
    hy_req *req;
    struct hy_idea_comment m;
    struct hy_idea idea;
    struct hy_challenge c;
    enum hy_phase phase;
};

static int comment_tx(hy_store *s, void *ctx) {
    struct comment_ctx *c = ctx;
    const struct hy_challenge_ops *o = s->ops->challenges;
    int r = o->idea_get(s, c->m.idea_id, c->req->arena, &c->idea);
    if (r <= 0 || c->idea.hidden) return r < 0 ? r : HY_DB_ABORT;
    if ((r = o->challenge_get(s, c->idea.challenge_id, c->req->arena, &c->c)) <= 0)
        return r < 0 ? r : HY_DB_HARD;
    c->phase = hy_challenge_phase(&c->c, c->m.created_at);
    if (c->phase != HY_PHASE_IDEAS && c->phase != HY_PHASE_VOTING) return HY_DB_ABORT;
    return o->comment_insert(s, &c->m);
}

hy_result hy_api_comment_idea(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea.", NULL);
    const char *body;
    struct hy_field spec[] = {HY_F_STR("body", HY_REQUIRED | HY_MULTILINE, 1, 2000, &body), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    struct comment_ctx c = {.req = req};
    hy_id_new(c.m.id);
    memcpy(c.m.idea_id, req->args[0], HY_ID_LEN + 1);
    c.m.author_id = hy_req_actor(req);
    c.m.body = body;
    c.m.created_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_INSERT, comment_tx, &c);
    if (r == HY_DB_ABORT && !c.c.id[0]) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea.", NULL);
    if (r == HY_DB_ABORT) return wrong_phase(req, c.phase, "Comments are taken while ideas or votes are.");
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_principal *who = hy_req_principal(req);
    return hy_reply_json(req, 201, json_pack("{s:s,s:s,s:s,s:I}", "id", c.m.id, "author_name",
                                             who && who->name ? who->name : "", "body", body,
                                             "created_at", (json_int_t)c.m.created_at));
}

struct report_ctx {
    hy_req *req;
    const char *id, *idea_id, *comment_id, *reason;
};

static int report_tx(hy_store *s, void *ctx) {
    struct report_ctx *c = ctx;
    int r = s->ops->challenges->report_insert(s, c->id, c->idea_id, c->comment_id,
                                              hy_req_actor(c->req), c->reason, hy_clock_now());
    return r == HY_DB_NONE ? HY_DB_ABORT : r;
}

hy_result hy_api_report_idea(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea.", NULL);
    const char *comment_id = NULL, *reason;
    struct hy_field spec[] = {
        HY_F_STR("comment_id", HY_OPTIONAL, 32, 32, &comment_id),
        HY_F_STR("reason", HY_REQUIRED | HY_MULTILINE, 3, 1000, &reason),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (comment_id && !hy_id_valid(comment_id))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "comment_id is not an id.", "comment_id");
    char key[96];
    snprintf(key, sizeof key, "report:acct:%s", hy_req_actor(req));
    if (!hy_rate_allow(req, key, req->srv->cfg->rate_form_ip, 3600, &res)) return res;
    char id[HY_ID_LEN + 1];
    hy_id_new(id);
    struct report_ctx c = {.req = req, .id = id, .idea_id = req->args[0], .comment_id = comment_id, .reason = reason};
    int r = hy_db_run(req->srv->db, HY_TX_INSERT, report_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such idea or comment.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 201, json_pack("{s:s}", "id", id));
}

/* ---- organisers: moderation, reports, export ---- */

struct moderate_ctx {
    hy_req *req;
    const char *challenge_id, *reason;
    struct hy_strings ideas, comments;
    bool hidden;
    size_t changed;
    const char *missing;
};

static int moderate_tx(hy_store *s, void *ctx) {
    struct moderate_ctx *c = ctx;
    c->changed = 0;
    for (int k = 0; k < 2; k++) {
        const struct hy_strings *v = k ? &c->comments : &c->ideas;
        for (size_t i = 0; i < v->count; i++) {
            int r = s->ops->challenges->hide(s, c->challenge_id, k == 1, v->items[i], c->hidden, c->reason);
            if (r < 0) return r;
            if (r == HY_DB_NONE) {
                c->missing = v->items[i];
                return HY_DB_ABORT; /* all or nothing */
            }
            /* The audit entry names the item and carries the reason (no personal data). */
            char detail[1100];
            snprintf(detail, sizeof detail, "%s: %s", k ? "comment" : "idea", c->reason);
            if ((r = hy_audit(s, hy_req_actor(c->req), c->hidden ? "content_hidden" : "content_shown",
                              v->items[i], detail)) < 0)
                return r;
            c->changed++;
        }
    }
    return HY_DB_ONE;
}

hy_result hy_api_moderate_challenge(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    struct moderate_ctx c = {.req = req, .challenge_id = req->args[0], .hidden = true};
    struct hy_field spec[] = {
        HY_F_STRS("ideas", HY_OPTIONAL, 200, 32, NULL, &c.ideas),
        HY_F_STRS("comments", HY_OPTIONAL, 200, 32, NULL, &c.comments),
        HY_F_BOOL("hidden", HY_OPTIONAL, &c.hidden),
        HY_F_STR("reason", HY_REQUIRED, 3, 1000, &c.reason),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!c.ideas.count && !c.comments.count)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Name the ideas or comments to moderate.", "ideas");
    for (int k = 0; k < 2; k++) {
        const struct hy_strings *v = k ? &c.comments : &c.ideas;
        for (size_t i = 0; i < v->count; i++)
            if (!hy_id_valid(v->items[i]))
                return hy_reply_error(req, HY_E_INVALID_FIELD, "An item is not an id.", k ? "comments" : "ideas");
    }
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, moderate_tx, &c);
    if (r == HY_DB_ABORT) {
        char msg[120];
        snprintf(msg, sizeof msg, "%s is not an idea or comment of this challenge; nothing was changed.", c.missing);
        return hy_reply_error(req, HY_E_NOT_FOUND, msg, NULL);
    }
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, json_pack("{s:I,s:b}", "changed", (json_int_t)c.changed, "hidden", c.hidden));
}

hy_result hy_api_list_challenge_reports(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    struct list_ctx c = {.req = req, .id = req->args[0]};
    int r = hy_db_run(req->srv->db, HY_TX_SINGLE, reports_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_content_report *list = c.items;
    int n = c.n;
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "id", list[i].id, "idea_id", list[i].idea_id,
                              "reason", list[i].reason, "created_at", (json_int_t)list[i].created_at);
        json_object_set_new(o, "comment_id", list[i].comment_id ? json_string(list[i].comment_id) : json_null());
        json_array_append_new(items, o);
    }
    return hy_reply_json(req, 200, json_pack("{s:o}", "reports", items));
}

struct export_ctx {
    hy_req *req;
    const char *id;
    struct hy_challenge c;
    struct hy_idea *ideas;
    int n;
};

static int export_tx(hy_store *s, void *ctx) {
    struct export_ctx *c = ctx;
    const struct hy_challenge_ops *o = s->ops->challenges;
    int r = o->challenge_get(s, c->id, c->req->arena, &c->c);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    c->n = o->idea_list(s, c->id, HY_IDEAS_VOTES, true, IDEAS_MAX, c->req->arena, &c->ideas);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* Ideas with their totals (never who voted), most votes first; `bom=1` for spreadsheets. */
hy_result hy_api_export_challenge(hy_req *req) {
    if (!hy_id_valid(req->args[0])) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    bool bom = false;
    const char *bom_s = hy_req_query(req, "bom");
    if (bom_s && !hy_csv_bom_option(bom_s, &bom))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "bom must be 0 or 1.", "bom");
    struct export_ctx c = {.req = req, .id = req->args[0]};
    int r = hy_db_run(req->srv->db, HY_TX_READ, export_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such challenge.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    hy_buf out = HY_BUF_INIT((size_t)64 << 20);
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, &out, bom);
    static const char *const head[] = {"rank", "idea_id", "title", "team", "language", "tags", "votes",
                                       "supported", "comments", "hidden", "created_at", NULL};
    hy_csv_header(&w, head);
    int rank = 0;
    for (int i = 0; i < c.n; i++) {
        const struct hy_idea *d = &c.ideas[i];
        json_t *tags = json_array_text(d->tags);
        hy_buf t = HY_BUF_INIT(4096);
        size_t j;
        json_t *v;
        json_array_foreach(tags, j, v) {
            if (j) hy_buf_puts(&t, ";");
            hy_buf_puts(&t, json_string_value(v));
        }
        json_decref(tags);
        hy_csv_int(&w, d->hidden ? 0 : ++rank);
        hy_csv_text(&w, d->id);
        hy_csv_text(&w, d->title);
        hy_csv_text(&w, d->team);
        hy_csv_text(&w, d->language);
        hy_csv_text(&w, t.data ? t.data : "");
        hy_buf_free(&t);
        hy_csv_int(&w, d->votes);
        hy_csv_text(&w, c.c.threshold && d->votes >= c.c.threshold ? "yes" : "no");
        hy_csv_int(&w, d->comments);
        hy_csv_text(&w, d->hidden ? "yes" : "no");
        hy_csv_int(&w, d->created_at);
        hy_csv_end_row(&w);
    }
    return hy_api_reply_csv(req, &w, &out, "ideas.csv");
}
