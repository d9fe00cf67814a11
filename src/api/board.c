/* board.c — the neighbour-help board's API: offers and asks that signed-in people post (their
 * position rounded to about 500 m before it is stored), each shown with the nearest compatible
 * posts; the public list and a plain-text list of open asks for messaging groups (no personal
 * details in either); conversations through which people answer a post, whose messages are
 * relayed and whose two sides see each other's phone and e-mail only after both agreed;
 * moderation by coordinators and admins, whose reads of a conversation are audited. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/pages.h"
#include "api/shell.h"
#include "domain/auth.h"
#include "domain/board.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "domain/news.h"
#include "domain/text.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/board.h"
#include "util/clock.h"
#include "util/numtext.h"

#define MATCHES_SHOWN 10
#define LIST_LIMIT_MAX 100
#define TEXT_LIST_MAX 50       /* asks in one plain-text list */
#define CONV_MESSAGES_MAX 500
#define MINE_MAX 100

static const char *const kinds[] = {"offer", "ask", NULL};
static const char *const langs[] = {"fa", "en", NULL};

/* ---- helpers ---- */

static bool is_moderator(const struct hy_principal *who) {
    return who && who->signed_in && (hy_is_role(who, "admin") || hy_is_role(who, "coordinator"));
}

static bool int_param(hy_req *req, const char *name, long min, long max, long def, long *ret) {
    const char *v = hy_req_query(req, name);
    if (!v) {
        *ret = def;
        return true;
    }
    double d;
    if (!hy_number_parse(v, strlen(v), false, &d) || d != floor(d) || d < (double)min ||
        d > (double)max)
        return false;
    *ret = (long)d;
    return true;
}

/* A post as anyone may see it: no author, the rounded area only. */
static json_t *post_json(const struct hy_board_post *p, bool with_distance, bool mine) {
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:f,s:f,s:s,s:s,s:I,s:I,s:I,s:s,s:I,s:I,s:b}", "id",
                          p->id, "kind", p->kind, "category", p->category, "body", p->body, "lat",
                          p->lat, "lon", p->lon, "place", p->place ? p->place : "", "language",
                          p->language, "starts_at", (json_int_t)p->starts_at, "ends_at",
                          (json_int_t)p->ends_at, "expires_at", (json_int_t)p->expires_at,
                          "status", p->status, "created_at", (json_int_t)p->created_at,
                          "updated_at", (json_int_t)p->updated_at, "demo", p->demo);
    if (o && with_distance) json_object_set_new(o, "distance_m", json_integer((json_int_t)lround(p->distance_m)));
    if (o && mine) json_object_set_new(o, "mine", json_true());
    return o;
}

static json_t *posts_json(const struct hy_board_post *v, int n, bool with_distance) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(a, post_json(&v[i], with_distance, false));
    return a;
}

static bool parse_near(hy_req *req, double *lat, double *lon, hy_result *res) {
    const char *near = hy_req_query(req, "near");
    double ll[2] = {0, 0};
    if (!near || !hy_number_list(near, 2, ll) || !hy_geo_valid(ll[0], ll[1])) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY,
                              "near must be LAT,LON with latitude -90..90 and longitude -180..180.",
                              "near");
        return false;
    }
    *lat = ll[0];
    *lon = ll[1];
    return true;
}

/* ---- GET /api/v1/board/posts ---- */

struct near_ctx {
    struct hy_board_query q;
    hy_arena *a;
    struct hy_board_post *v;
    int n;
};

static int near_tx(hy_store *s, void *ctx) {
    struct near_ctx *c = ctx;
    c->n = s->ops->board->near(s, &c->q, c->a, &c->v);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* Reads near, radius_km, kind and category into c (kind `only_kind` when not NULL). */
static bool area_query(hy_req *req, struct near_ctx *c, const char *only_kind, long max_limit,
                       bool empty_is_all, hy_result *res) {
    c->a = req->arena;
    if (!parse_near(req, &c->q.lat, &c->q.lon, res)) return false;
    long radius, limit;
    if (!int_param(req, "radius_km", 1, (long)(HY_BOARD_REACH_M / 1000), 10, &radius)) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "radius_km must be from 1 to 50.",
                              "radius_km");
        return false;
    }
    if (!int_param(req, "limit", 1, max_limit, max_limit < 50 ? max_limit : 50, &limit)) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "limit is out of range.", "limit");
        return false;
    }
    const char *kind = only_kind ? only_kind : hy_req_query(req, "kind");
    const char *cat = hy_req_query(req, "category");
    if (empty_is_all && kind && !*kind) kind = NULL; /* a page's "all" */
    if (empty_is_all && cat && !*cat) cat = NULL;
    if (kind && strcmp(kind, "offer") != 0 && strcmp(kind, "ask") != 0) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "kind must be offer or ask.", "kind");
        return false;
    }
    if (cat && hy_board_category_index(cat) < 0) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "category is not one of the list.",
                              "category");
        return false;
    }
    c->q.reach_m = (double)radius * 1000;
    c->q.limit = (size_t)limit;
    c->q.kind = kind;
    c->q.category = cat;
    c->q.slot = kind && cat ? hy_board_slot(kind, cat) : -1;
    c->q.now = hy_clock_now();
    return true;
}

hy_result hy_api_list_board_posts(hy_req *req) {
    struct near_ctx c = {0};
    hy_result res;
    if (!area_query(req, &c, NULL, LIST_LIMIT_MAX, false, &res)) return res;
    int r = hy_db_run(hy_req_read_db(req), HY_TX_SINGLE, near_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "board: posts near a point", r);
    return hy_reply_json(req, 200, json_pack("{s:o}", "posts", posts_json(c.v, c.n, true)));
}

/* ---- GET /api/v1/board/asks.txt ---- */

/* A distance as a reader says it: under a kilometre in hundreds of metres (the area itself is
 * ~500 m), else in whole kilometres. */
static int64_t rounded_distance(double m, bool *ret_metres) {
    *ret_metres = m < 950;
    return *ret_metres ? 100 * (int64_t)fmax(1, lround(m / 100)) : (int64_t)lround(m / 1000);
}

static const char *category_name(const char *key, bool fa) {
    int i = hy_board_category_index(key);
    if (i < 0) return key;
    return fa ? hy_board_categories[i].fa : hy_board_categories[i].en;
}

hy_result hy_api_get_board_asks_text(hy_req *req) {
    struct near_ctx c = {0};
    hy_result res;
    if (!area_query(req, &c, "ask", TEXT_LIST_MAX, false, &res)) return res;
    const char *lang = hy_req_query(req, "lang");
    if (lang && strcmp(lang, "fa") != 0 && strcmp(lang, "en") != 0)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "lang must be fa or en.", "lang");
    bool fa = !lang || !strcmp(lang, "fa");
    /* Days as the pages write them: Solar Hijri with Persian digits in Persian. */
    struct hy_shell sh;
    hy_shell_init(&sh, req, "/board.html", fa ? "fa" : "en");
    /* Links that work once pasted elsewhere: absolute with --public-url. */
    const char *base = req->srv->cfg->public_url ? req->srv->cfg->public_url : "";
    int base_len = (int)strlen(base);
    while (base_len && base[base_len - 1] == '/') base_len--;
    int r = hy_db_run(hy_req_read_db(req), HY_TX_SINGLE, near_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "board: the plain-text asks", r);
    hy_buf b = {0};
    char n[24];
    hy_board_digits(c.n, fa, n);
    hy_buf_printf(&b, fa ? "درخواست‌های باز همیاری در این محدوده (%s)\n"
                         : "Open asks for help in this area (%s)\n",
                  n);
    for (int i = 0; i < c.n; i++) {
        const struct hy_board_post *p = &c.v[i];
        char d[24];
        bool metres;
        hy_board_digits(rounded_distance(p->distance_m, &metres), fa, d);
        hy_buf_printf(&b, "\n• %s%s%s\n  ", category_name(p->category, fa),
                      *p->place ? " — " : "", p->place);
        hy_buf_printf(&b, fa ? "حدود %s %s · تا %s" : "about %s %s · until %s", d,
                      metres ? (fa ? "متر" : "m") : (fa ? "کیلومتر" : "km"),
                      hy_shell_date(&sh, p->ends_at));
        hy_buf_puts(&b, "\n  ");
        /* The text on one line: line breaks would break a messaging app's list. */
        for (const char *s = p->body; *s; s++) hy_buf_putc(&b, *s == '\n' || *s == '\r' ? ' ' : *s);
        hy_buf_printf(&b, "\n  %.*s/board/search?id=%s&lang=%s\n", base_len, base, p->id,
                      sh.lang);
    }
    if (c.n == 0)
        hy_buf_puts(&b, fa ? "\nدر این محدوده درخواست بازی نیست.\n"
                           : "\nThere are no open asks in this area.\n");
    hy_result out = hy_reply_bytes(req, 200, "text/plain; charset=utf-8", b.data ? b.data : "",
                                   b.len);
    hy_buf_free(&b);
    return out;
}

/* ---- POST /api/v1/board/posts ---- */

struct post_input {
    const char *kind, *category, *body, *place, *language;
    double lat, lon;
    double starts_at, ends_at, expires_at;
    bool has_lat, has_lon, has_starts, has_ends, has_expires, has_place, has_category,
        has_body, has_language;
    bool confirm;
};

struct create_ctx {
    hy_req *req;
    struct hy_board_post p;
    bool confirm;
    int64_t now;
    bool over;
    struct hy_board_post similar[5];
    int nsimilar;
};

static int create_tx(hy_store *s, void *ctx) {
    struct create_ctx *c = ctx;
    int64_t made;
    c->nsimilar = 0;
    int r = s->ops->board->post_count_since(s, c->p.author_id, c->now - 86400, &made);
    if (r < 0) return r;
    unsigned cap = c->req->srv->cfg->board_posts_per_day;
    if (cap && made >= (int64_t)cap) {
        c->over = true;
        return HY_DB_ABORT;
    }
    if (!c->confirm) {
        struct hy_board_post *mine;
        int n = s->ops->board->post_mine_open(s, c->p.author_id, c->p.kind, c->p.category, c->now,
                                              100, c->req->arena, &mine);
        if (n < 0) return n;
        for (int i = 0; i < n && c->nsimilar < 5; i++) {
            double d = hy_geo_distance_m(c->p.lat, c->p.lon, mine[i].lat, mine[i].lon);
            if (d > HY_BOARD_DUP_M) continue;
            double sim = hy_fc_similarity(c->req->arena, mine[i].body, c->p.body);
            if (sim < HY_BOARD_DUP_SIMILARITY) continue;
            mine[i].distance_m = d;
            c->similar[c->nsimilar++] = mine[i];
        }
        if (c->nsimilar) return HY_DB_ABORT;
    }
    return s->ops->board->post_insert(s, &c->p);
}

/* Checks the window and expiry of p (times already set) against now. */
static const char *times_problem(const struct hy_board_post *p, int64_t now, const char **field) {
    if (p->ends_at <= p->starts_at) {
        *field = "ends_at";
        return "ends_at must come after starts_at.";
    }
    if (p->ends_at - p->starts_at > HY_BOARD_WINDOW_MAX) {
        *field = "ends_at";
        return "A time window may last 90 days at most.";
    }
    if (p->ends_at <= now) {
        *field = "ends_at";
        return "The time window has passed.";
    }
    if (p->expires_at <= now || p->expires_at > now + HY_BOARD_EXPIRY_MAX) {
        *field = "expires_at";
        return "expires_at must be in the next 60 days.";
    }
    return NULL;
}

static void set_position(struct hy_board_post *p, double lat, double lon) {
    hy_geo_round(lat, lon, HY_BOARD_CELL_M, &p->lat, &p->lon);
}

hy_result hy_api_create_board_post(hy_req *req) {
    struct post_input in = {.place = "", .language = "fa"};
    struct hy_field spec[] = {
        HY_F_ENUM("kind", HY_REQUIRED, kinds, &in.kind),
        HY_F_ENUM("category", HY_REQUIRED, hy_board_category_keys, &in.category),
        HY_F_STR("body", HY_REQUIRED | HY_MULTILINE, 10, HY_BOARD_BODY_MAX, &in.body),
        HY_F_NUM("lat", HY_REQUIRED, -90, 90, &in.lat),
        HY_F_NUM("lon", HY_REQUIRED, -180, 180, &in.lon),
        HY_F_STR("place", HY_OPTIONAL, 0, HY_BOARD_PLACE_MAX, &in.place),
        HY_F_ENUM("language", HY_OPTIONAL, langs, &in.language),
        HY_F_NUM("starts_at", HY_REQUIRED, 0, 4102444800.0, &in.starts_at),
        HY_F_NUM("ends_at", HY_REQUIRED, 0, 4102444800.0, &in.ends_at),
        {"expires_at", HY_FT_NUMBER, HY_OPTIONAL, 0, 4102444800.0, &in.expires_at, NULL, 0,
         &in.has_expires},
        HY_F_BOOL("confirm", HY_OPTIONAL, &in.confirm),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    const struct hy_principal *who = hy_req_principal(req);
    struct create_ctx c = {.req = req, .confirm = in.confirm, .now = hy_clock_now()};
    struct hy_board_post *p = &c.p;
    hy_id_new(p->id);
    memcpy(p->author_id, who->user_id, sizeof p->author_id);
    p->kind = in.kind;
    p->category = in.category;
    p->slot = hy_board_slot(in.kind, in.category);
    p->body = in.body;
    p->body_norm = hy_text_normalise(req->arena, in.body, strlen(in.body));
    set_position(p, in.lat, in.lon);
    p->place = in.place;
    p->language = in.language;
    p->starts_at = (int64_t)in.starts_at;
    p->ends_at = (int64_t)in.ends_at;
    p->expires_at = in.has_expires ? (int64_t)in.expires_at
                    : p->ends_at < c.now + HY_BOARD_EXPIRY_DEFAULT ? p->ends_at
                                                                   : c.now + HY_BOARD_EXPIRY_DEFAULT;
    p->status = "open";
    p->created_at = p->updated_at = c.now;
    const char *field = NULL, *problem = times_problem(p, c.now, &field);
    if (problem) return hy_reply_error(req, HY_E_INVALID_FIELD, problem, field);
    if (!p->body_norm) return hy_reply_store_failed(req, "board: normalising a post's text", 0);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, create_tx, &c);
    if (r == HY_DB_ABORT && c.over)
        return hy_reply_error(req, HY_E_RATE_LIMITED,
                              "You have posted as many times as you may today.", NULL);
    if (r == HY_DB_ABORT && c.nsimilar) {
        json_t *sim = json_array();
        for (int i = 0; i < c.nsimilar; i++)
            json_array_append_new(sim, post_json(&c.similar[i], false, true));
        enum hy_error e = HY_E_POSSIBLE_DUPLICATE;
        return hy_reply_json(req, hy_error_status(e),
                             json_pack("{s:{s:s,s:s},s:o}", "error", "code", hy_error_code(e),
                                       "message", hy_error_message(e), "similar", sim));
    }
    if (r < 0) return hy_reply_store_failed(req, "board: creating a post", r);
    return hy_reply_json(req, 201, post_json(p, false, true));
}

/* ---- GET /api/v1/board/posts/{id} ---- */

struct get_ctx {
    hy_req *req;
    const char *id;
    int64_t now; /* an open post expired by then is read as archived, without matches */
    struct hy_board_post p;
    struct near_ctx m;
};

static int get_tx(hy_store *s, void *ctx) {
    struct get_ctx *c = ctx;
    int r = s->ops->board->post_get(s, c->id, c->now, c->req->arena, &c->p);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (strcmp(c->p.status, "open") != 0) return HY_DB_ONE;
    struct hy_board_query *q = &c->m.q;
    q->lat = c->p.lat;
    q->lon = c->p.lon;
    q->reach_m = HY_BOARD_REACH_M;
    q->slot = hy_board_slot(hy_board_other_kind(c->p.kind), c->p.category);
    q->starts_at = c->p.starts_at;
    q->ends_at = c->p.ends_at;
    q->now = c->now;
    q->exclude_id = c->p.id;
    q->limit = MATCHES_SHOWN;
    c->m.a = c->req->arena;
    c->m.n = s->ops->board->near(s, q, c->m.a, &c->m.v);
    return c->m.n < 0 ? c->m.n : HY_DB_ONE;
}

/* Whether the caller may see a post in this status (hidden: its author and moderators). */
static bool may_see(const struct hy_principal *who, const struct hy_board_post *p) {
    if (strcmp(p->status, "hidden") != 0) return true;
    return who && who->signed_in && (is_moderator(who) || !strcmp(who->user_id, p->author_id));
}

hy_result hy_api_get_board_post(hy_req *req) {
    struct get_ctx c = {.req = req, .id = req->args[0], .now = hy_clock_now()};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such post.", NULL);
    const struct hy_principal *who = hy_req_principal(req);
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, get_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such post.", NULL);
    if (r < 0) return hy_reply_store_failed(req, "board: a post and its matches", r);
    if (!may_see(who, &c.p)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such post.", NULL);
    bool mine = who && who->signed_in && !strcmp(who->user_id, c.p.author_id);
    json_t *o = post_json(&c.p, false, mine);
    json_object_set_new(o, "matches", posts_json(c.m.v, c.m.n, true));
    return hy_reply_json(req, 200, o);
}

/* ---- PATCH /api/v1/board/posts/{id} and the status changes ---- */

struct edit_ctx {
    hy_req *req;
    const char *id;
    struct post_input in;
    const char *status, *reason; /* a status change instead of an edit */
    bool moderate;               /* a moderator's change (audited) */
    int64_t now;
    struct hy_board_post p;
    const char *problem, *field;
    enum hy_error err;
};

static int edit_tx(hy_store *s, void *ctx) {
    struct edit_ctx *c = ctx;
    int r = s->ops->board->post_get(s, c->id, c->now, c->req->arena, &c->p);
    if (r <= 0) {
        c->err = HY_E_NOT_FOUND;
        return r < 0 ? r : HY_DB_ABORT;
    }
    const struct hy_principal *who = c->req->who;
    bool author = !strcmp(who->user_id, c->p.author_id);
    if (c->moderate ? !is_moderator(who) : !author) {
        c->err = author || may_see(who, &c->p) ? HY_E_FORBIDDEN : HY_E_NOT_FOUND;
        return HY_DB_ABORT;
    }
    if (c->status) {
        bool ok = c->moderate ? !!strcmp(c->p.status, c->status)
                              : !strcmp(c->p.status, "open");
        if (!ok) {
            c->err = HY_E_BAD_TRANSITION;
            return HY_DB_ABORT;
        }
        r = s->ops->board->post_set_status(s, c->id, c->status, c->reason, c->now);
        if (r < 0) return r;
        c->p.status = c->status;
        c->p.updated_at = c->now;
        if (c->moderate)
            return s->ops->audit_insert(s, c->now, who->user_id,
                                        !strcmp(c->status, "hidden") ? "board_post_hidden"
                                                                     : "board_post_restored",
                                        c->id, c->reason ? c->reason : "");
        return HY_DB_ONE;
    }
    if (strcmp(c->p.status, "open") != 0) {
        c->err = HY_E_BAD_TRANSITION;
        return HY_DB_ABORT;
    }
    struct post_input *in = &c->in;
    struct hy_board_post *p = &c->p;
    if (in->has_category) p->category = in->category;
    p->slot = hy_board_slot(p->kind, p->category);
    if (in->has_body) {
        p->body = in->body;
        p->body_norm = hy_text_normalise(c->req->arena, in->body, strlen(in->body));
        if (!p->body_norm) return HY_DB_HARD;
    }
    if (in->has_lat != in->has_lon) {
        c->err = HY_E_INVALID_FIELD;
        c->problem = "Give lat and lon together.";
        c->field = in->has_lat ? "lon" : "lat";
        return HY_DB_ABORT;
    }
    if (in->has_lat) set_position(p, in->lat, in->lon);
    if (in->has_place) p->place = in->place;
    if (in->has_language) p->language = in->language;
    if (in->has_starts) p->starts_at = (int64_t)in->starts_at;
    if (in->has_ends) p->ends_at = (int64_t)in->ends_at;
    if (in->has_expires) p->expires_at = (int64_t)in->expires_at;
    if ((c->problem = times_problem(p, c->now, &c->field))) {
        c->err = HY_E_INVALID_FIELD;
        return HY_DB_ABORT;
    }
    p->updated_at = c->now;
    return s->ops->board->post_update(s, p);
}

static hy_result edit_reply(hy_req *req, struct edit_ctx *c, int r) {
    if (r == HY_DB_ABORT) {
        const char *msg = c->problem ? c->problem
                          : c->err == HY_E_NOT_FOUND ? "No such post."
                          : c->err == HY_E_BAD_TRANSITION ? "The post is not open."
                                                          : NULL;
        return hy_reply_error(req, c->err, msg, c->field);
    }
    if (r < 0) return hy_reply_store_failed(req, "board: changing a post", r);
    return hy_reply_json(req, 200, post_json(&c->p, false, !strcmp(c->p.author_id, req->who->user_id)));
}

hy_result hy_api_update_board_post(hy_req *req) {
    struct edit_ctx c = {.req = req, .id = req->args[0], .now = hy_clock_now()};
    struct post_input *in = &c.in;
    struct hy_field spec[] = {
        {"category", HY_FT_ENUM, HY_OPTIONAL, 0, 0, &in->category, hy_board_category_keys, 0,
         &in->has_category},
        {"body", HY_FT_STRING, HY_OPTIONAL | HY_MULTILINE, 10, HY_BOARD_BODY_MAX, &in->body,
         NULL, 0, &in->has_body},
        {"lat", HY_FT_NUMBER, HY_OPTIONAL, -90, 90, &in->lat, NULL, 0, &in->has_lat},
        {"lon", HY_FT_NUMBER, HY_OPTIONAL, -180, 180, &in->lon, NULL, 0, &in->has_lon},
        {"place", HY_FT_STRING, HY_OPTIONAL, 0, HY_BOARD_PLACE_MAX, &in->place, NULL, 0,
         &in->has_place},
        {"language", HY_FT_ENUM, HY_OPTIONAL, 0, 0, &in->language, langs, 0, &in->has_language},
        {"starts_at", HY_FT_NUMBER, HY_OPTIONAL, 0, 4102444800.0, &in->starts_at, NULL, 0,
         &in->has_starts},
        {"ends_at", HY_FT_NUMBER, HY_OPTIONAL, 0, 4102444800.0, &in->ends_at, NULL, 0,
         &in->has_ends},
        {"expires_at", HY_FT_NUMBER, HY_OPTIONAL, 0, 4102444800.0, &in->expires_at, NULL, 0,
         &in->has_expires},
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such post.", NULL);
    hy_req_principal(req);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, edit_tx, &c);
    return edit_reply(req, &c, r);
}

hy_result hy_api_close_board_post(hy_req *req) {
    struct edit_ctx c = {.req = req, .id = req->args[0], .now = hy_clock_now(), .status = "closed"};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such post.", NULL);
    hy_req_principal(req);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, edit_tx, &c);
    return edit_reply(req, &c, r);
}

hy_result hy_api_moderate_board_post(hy_req *req) {
    static const char *const actions[] = {"hide", "restore", NULL};
    const char *action = NULL, *reason = NULL;
    struct hy_field spec[] = {
        HY_F_ENUM("action", HY_REQUIRED, actions, &action),
        HY_F_STR("reason", HY_REQUIRED, 3, 500, &reason),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    struct edit_ctx c = {.req = req,
                         .id = req->args[0],
                         .now = hy_clock_now(),
                         .moderate = true,
                         .status = !strcmp(action, "hide") ? "hidden" : "open",
                         .reason = reason};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such post.", NULL);
    hy_req_principal(req);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, edit_tx, &c);
    return edit_reply(req, &c, r);
}

/* ---- conversations ---- */

struct conv_ctx {
    hy_req *req;
    const char *post_id, *conv_id, *body;
    bool agree;
    int64_t now;
    struct hy_board_conv c;
    struct hy_board_post p;
    struct hy_board_message *msgs;
    int nmsgs;
    struct hy_user other; /* the other side's account, read once both agreed */
    bool contact, moderator_read;
    bool created;
    enum hy_error err;
    const char *problem;
};

/* The caller's side of conversation c: 'a' author, 'r' responder, 0 neither. */
static char side(const struct hy_principal *who, const struct hy_board_conv *c) {
    if (!strcmp(who->user_id, c->author_id)) return 'a';
    if (!strcmp(who->user_id, c->responder_id)) return 'r';
    return 0;
}

static int fail(struct conv_ctx *c, enum hy_error e, const char *problem) {
    c->err = e;
    c->problem = problem;
    return HY_DB_ABORT;
}

/* Counts the caller's messages of the last hour; aborts when there are too many. */
static int message_allowed(hy_store *s, struct conv_ctx *c) {
    int64_t sent;
    int r = s->ops->board->msg_count_since(s, c->req->who->user_id, c->now - 3600, &sent);
    if (r < 0) return r;
    unsigned cap = c->req->srv->cfg->board_messages_per_hour;
    if (cap && sent >= (int64_t)cap)
        return fail(c, HY_E_RATE_LIMITED, "You have sent as many messages as you may this hour.");
    return HY_DB_ONE;
}

static int add_message(hy_store *s, struct conv_ctx *c) {
    struct hy_board_message m = {.body = c->body, .created_at = c->now};
    memcpy(m.conv_id, c->c.id, sizeof m.conv_id);
    memcpy(m.sender_id, c->req->who->user_id, sizeof m.sender_id);
    return s->ops->board->msg_insert(s, &m);
}

/* Reads what the caller sees of the conversation (messages; the other side's contact once
 * both agreed). */
static int read_view(hy_store *s, struct conv_ctx *c) {
    c->nmsgs = s->ops->board->msg_list(s, c->c.id, CONV_MESSAGES_MAX, c->req->arena, &c->msgs);
    if (c->nmsgs < 0) return c->nmsgs;
    char me = side(c->req->who, &c->c);
    if (me && c->c.author_agreed_at && c->c.responder_agreed_at) {
        const char *other = me == 'a' ? c->c.responder_id : c->c.author_id;
        int r = s->ops->user_get(s, other, c->req->arena, &c->other);
        if (r < 0) return r;
        c->contact = r == HY_DB_ONE;
    }
    return HY_DB_ONE;
}

static int start_tx(hy_store *s, void *ctx) {
    struct conv_ctx *c = ctx;
    int r = s->ops->board->post_get(s, c->post_id, c->now, c->req->arena, &c->p);
    if (r < 0) return r;
    const struct hy_principal *who = c->req->who;
    if (r == HY_DB_NONE || !may_see(who, &c->p)) return fail(c, HY_E_NOT_FOUND, "No such post.");
    if (!strcmp(c->p.author_id, who->user_id))
        return fail(c, HY_E_FORBIDDEN, "You cannot answer your own post.");
    if (strcmp(c->p.status, "open") != 0)
        return fail(c, HY_E_BAD_TRANSITION, "The post is not open.");
    if ((r = message_allowed(s, c)) != HY_DB_ONE) return r;
    r = s->ops->board->conv_by_pair(s, c->post_id, who->user_id, &c->c);
    if (r < 0) return r;
    if (r == HY_DB_NONE) {
        hy_id_new(c->c.id);
        memcpy(c->c.post_id, c->p.id, sizeof c->c.post_id);
        memcpy(c->c.author_id, c->p.author_id, sizeof c->c.author_id);
        memcpy(c->c.responder_id, who->user_id, sizeof c->c.responder_id);
        c->c.created_at = c->c.updated_at = c->now;
        if ((r = s->ops->board->conv_insert(s, &c->c)) != HY_DB_ONE) return r < 0 ? r : HY_DB_SOFT;
        c->created = true;
    }
    if ((r = add_message(s, c)) < 0) return r;
    return read_view(s, c);
}

/* Reads the conversation and checks the caller is in it (or, for reading, a moderator). */
static int load_conv(hy_store *s, struct conv_ctx *c, bool moderator_may) {
    int r = s->ops->board->conv_get(s, c->conv_id, &c->c);
    if (r < 0) return r;
    if (r == HY_DB_NONE) return fail(c, HY_E_NOT_FOUND, "No such conversation.");
    const struct hy_principal *who = c->req->who;
    if (side(who, &c->c)) return HY_DB_ONE;
    if (moderator_may && is_moderator(who)) {
        c->moderator_read = true;
        return HY_DB_ONE;
    }
    /* Not theirs: as if it did not exist (ids tell nothing). */
    return fail(c, HY_E_NOT_FOUND, "No such conversation.");
}

static int show_tx(hy_store *s, void *ctx) {
    struct conv_ctx *c = ctx;
    int r = load_conv(s, c, true);
    if (r != HY_DB_ONE) return r;
    if (c->moderator_read &&
        (r = s->ops->audit_insert(s, c->now, c->req->who->user_id, "board_conversation_read",
                                  c->c.id, c->c.post_id)) < 0)
        return r;
    return read_view(s, c);
}

static int message_tx(hy_store *s, void *ctx) {
    struct conv_ctx *c = ctx;
    int r = load_conv(s, c, false);
    if (r != HY_DB_ONE) return r;
    if ((r = message_allowed(s, c)) != HY_DB_ONE) return r;
    if ((r = add_message(s, c)) < 0) return r;
    if ((r = s->ops->board->conv_get(s, c->conv_id, &c->c)) < 0) return r;
    return read_view(s, c);
}

static int consent_tx(hy_store *s, void *ctx) {
    struct conv_ctx *c = ctx;
    int r = load_conv(s, c, false);
    if (r != HY_DB_ONE) return r;
    bool author = side(c->req->who, &c->c) == 'a';
    int64_t mine = author ? c->c.author_agreed_at : c->c.responder_agreed_at;
    if (c->agree && mine) return read_view(s, c); /* agreed already: the first time stands */
    r = s->ops->board->conv_agree(s, c->c.id, author, c->agree ? c->now : 0, c->now);
    if (r < 0) return r;
    if (r == HY_DB_NONE)
        return fail(c, HY_E_BAD_TRANSITION,
                    "Both sides have agreed: the contact details were shared.");
    if ((r = s->ops->board->conv_get(s, c->conv_id, &c->c)) < 0) return r;
    return read_view(s, c);
}

static json_t *conv_json(struct conv_ctx *c) {
    const struct hy_principal *who = c->req->who;
    char me = side(who, &c->c);
    json_t *msgs = json_array();
    for (int i = 0; i < c->nmsgs; i++) {
        const struct hy_board_message *m = &c->msgs[i];
        const char *from = !strcmp(m->sender_id, c->c.author_id) ? "author" : "responder";
        json_array_append_new(
            msgs, json_pack("{s:I,s:s,s:b,s:s,s:I}", "id", (json_int_t)m->id, "from", from,
                            "mine", !strcmp(m->sender_id, who->user_id), "body", m->body,
                            "created_at", (json_int_t)m->created_at));
    }
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:b,s:b,s:I,s:I,s:o}", "id", c->c.id, "post_id", c->c.post_id, "role",
        me == 'a' ? "author" : me == 'r' ? "responder" : "moderator", "author_agreed",
        c->c.author_agreed_at != 0, "responder_agreed", c->c.responder_agreed_at != 0,
        "created_at", (json_int_t)c->c.created_at, "updated_at", (json_int_t)c->c.updated_at,
        "messages", msgs);
    if (c->contact) {
        json_t *k = json_pack("{s:s}", "name", c->other.name ? c->other.name : "");
        if (c->other.phone) json_object_set_new(k, "phone", json_string(c->other.phone));
        if (c->other.email) json_object_set_new(k, "email", json_string(c->other.email));
        json_object_set_new(o, "contact", k);
    }
    return o;
}

static hy_result conv_reply(hy_req *req, struct conv_ctx *c, int r, unsigned ok_status) {
    if (r == HY_DB_ABORT) return hy_reply_error(req, c->err, c->problem, NULL);
    if (r < 0) return hy_reply_store_failed(req, "board: a conversation", r);
    return hy_reply_json(req, ok_status, conv_json(c));
}

hy_result hy_api_start_board_conversation(hy_req *req) {
    struct conv_ctx c = {.req = req, .post_id = req->args[0], .now = hy_clock_now()};
    struct hy_field spec[] = {
        HY_F_STR("body", HY_REQUIRED | HY_MULTILINE, 1, HY_BOARD_MESSAGE_MAX, &c.body),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!hy_id_valid(c.post_id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such post.", NULL);
    hy_req_principal(req);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, start_tx, &c);
    return conv_reply(req, &c, r, c.created ? 201 : 200);
}

/* Runs fn on conversation req->args[0] for the caller, the body (if any) already parsed into
 * c, and answers. */
static hy_result run_conv(hy_req *req, struct conv_ctx *c, int (*fn)(hy_store *, void *),
                          unsigned ok_status) {
    if (!hy_id_valid(c->conv_id))
        return hy_reply_error(req, HY_E_NOT_FOUND, "No such conversation.", NULL);
    hy_req_principal(req);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, fn, c);
    return conv_reply(req, c, r, ok_status);
}

hy_result hy_api_get_board_conversation(hy_req *req) {
    struct conv_ctx c = {.req = req, .conv_id = req->args[0], .now = hy_clock_now()};
    return run_conv(req, &c, show_tx, 200);
}

hy_result hy_api_send_board_message(hy_req *req) {
    struct conv_ctx c = {.req = req, .conv_id = req->args[0], .now = hy_clock_now()};
    struct hy_field spec[] = {
        HY_F_STR("body", HY_REQUIRED | HY_MULTILINE, 1, HY_BOARD_MESSAGE_MAX, &c.body),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    return run_conv(req, &c, message_tx, 201);
}

hy_result hy_api_set_board_consent(hy_req *req) {
    struct conv_ctx c = {.req = req, .conv_id = req->args[0], .now = hy_clock_now()};
    struct hy_field spec[] = {
        HY_F_BOOL("agree", HY_REQUIRED, &c.agree),
        HY_F_END,
    };
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    return run_conv(req, &c, consent_tx, 200);
}

/* ---- GET /api/v1/board/mine ---- */

struct mine_ctx {
    hy_req *req;
    int64_t now;
    struct hy_board_post *posts;
    int nposts;
    struct hy_board_conv *convs;
    int nconvs;
};

static int mine_tx(hy_store *s, void *ctx) {
    struct mine_ctx *c = ctx;
    const char *me = c->req->who->user_id;
    c->nposts = s->ops->board->post_mine(s, me, c->now, MINE_MAX, c->req->arena, &c->posts);
    if (c->nposts < 0) return c->nposts;
    c->nconvs = s->ops->board->conv_mine(s, me, MINE_MAX, c->req->arena, &c->convs);
    return c->nconvs < 0 ? c->nconvs : HY_DB_ONE;
}

hy_result hy_api_list_my_board(hy_req *req) {
    struct mine_ctx c = {.req = req, .now = hy_clock_now()};
    hy_req_principal(req);
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, mine_tx, &c);
    if (r < 0) return hy_reply_store_failed(req, "board: my posts and conversations", r);
    json_t *posts = json_array(), *convs = json_array();
    for (int i = 0; i < c.nposts; i++)
        json_array_append_new(posts, post_json(&c.posts[i], false, true));
    for (int i = 0; i < c.nconvs; i++) {
        const struct hy_board_conv *v = &c.convs[i];
        bool author = !strcmp(v->author_id, req->who->user_id);
        json_array_append_new(
            convs, json_pack("{s:s,s:s,s:s,s:b,s:b,s:I}", "id", v->id, "post_id", v->post_id,
                             "role", author ? "author" : "responder", "author_agreed",
                             v->author_agreed_at != 0, "responder_agreed",
                             v->responder_agreed_at != 0, "updated_at",
                             (json_int_t)v->updated_at));
    }
    return hy_reply_json(req, 200, json_pack("{s:o,s:o}", "posts", posts, "conversations", convs));
}

/* ---- GET /board/search: the board as a page that needs no JavaScript ---- */

#define PLACE_CHOICES 8

struct page {
    hy_req *req;
    struct hy_shell sh;
    bool fa;
    hy_buf b;
    const char *switch_href; /* the page in the other language */
};

static const char *tr(const struct page *pg, const char *fa, const char *en) {
    return pg->fa ? fa : en;
}

static void put_esc(struct page *pg, const char *s) {
    hy_buf_puts(&pg->b, hy_shell_esc(&pg->sh, s));
}

static void put_num(struct page *pg, int64_t n) {
    char d[24];
    hy_board_digits(n, pg->fa, d);
    hy_buf_puts(&pg->b, d);
}

/* A time as a day in the reader's calendar (Solar Hijri in Persian), in a <time> element. */
static void put_day(struct page *pg, int64_t t) {
    char iso[24];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
    hy_buf_printf(&pg->b, "<time datetime=\"%s\">%s</time>", iso, hy_shell_date(&pg->sh, t));
}

/* A post in a list (`listed`: with its distance and a link to its page) or on its own page. */
static void put_post_item(struct page *pg, const struct hy_board_post *p, bool listed) {
    bool ask = !strcmp(p->kind, "ask");
    hy_buf_printf(&pg->b, "<li class=\"board-post board-%s\"><p><strong>%s</strong> · %s",
                  ask ? "ask" : "offer", ask ? tr(pg, "درخواست", "Ask") : tr(pg, "پیشنهاد", "Offer"),
                  category_name(p->category, pg->fa));
    if (p->place && *p->place) {
        hy_buf_puts(&pg->b, " · <span dir=\"auto\">");
        put_esc(pg, p->place);
        hy_buf_puts(&pg->b, "</span>");
    }
    if (listed) {
        bool metres;
        hy_buf_puts(&pg->b, tr(pg, " · حدود ", " · about "));
        put_num(pg, rounded_distance(p->distance_m, &metres));
        hy_buf_puts(&pg->b, metres ? tr(pg, " متر", " m") : tr(pg, " کیلومتر", " km"));
    }
    hy_buf_printf(&pg->b, "</p><p dir=\"auto\" lang=\"%s\">", p->language);
    put_esc(pg, p->body);
    hy_buf_printf(&pg->b, "</p><p><small>%s ", tr(pg, "از", "from"));
    put_day(pg, p->starts_at);
    hy_buf_printf(&pg->b, " %s ", tr(pg, "تا", "to"));
    put_day(pg, p->ends_at);
    hy_buf_puts(&pg->b, "</small>");
    if (listed)
        hy_buf_printf(&pg->b, " · <a href=\"/board/search?id=%s&amp;lang=%s\">%s</a>", p->id,
                      pg->sh.lang, tr(pg, "جزئیات و موارد هم‌خوان", "Details and matches"));
    hy_buf_puts(&pg->b, "</p></li>");
}

static void put_select(struct page *pg, const char *name, const char *label, const char *all,
                       const char *const *values, const char *const *names, const char *chosen) {
    hy_buf_printf(&pg->b,
                  "<p><label>%s <select class=\"input input-short\" name=\"%s\"><option "
                  "value=\"\">%s</option>",
                  label, name, all);
    for (int i = 0; values[i] && names[i]; i++)
        hy_buf_printf(&pg->b, "<option value=\"%s\"%s>%s</option>", values[i],
                      chosen && !strcmp(chosen, values[i]) ? " selected" : "", names[i]);
    hy_buf_puts(&pg->b, "</select></label></p>");
}

/* The search form: a place (the gazetteer's, or a pin's position `near`), kind, category. */
static void put_search_form(struct page *pg, const char *place, const char *near,
                            const char *kind, const char *cat) {
    hy_buf_printf(&pg->b,
                  "<form method=\"get\" action=\"/board/search\" class=\"board-search\" "
                  "id=\"board-search\"><input type=\"hidden\" name=\"lang\" value=\"%s\">"
                  "<p><label class=\"field-label\" for=\"board-place\">%s</label> <span "
                  "class=\"field-hint\" id=\"board-place-hint\">%s</span></p><div class=\"combo "
                  "board-combo\"><input id=\"board-place\" class=\"input\" name=\"place\" "
                  "autocomplete=\"off\" maxlength=\"100\" role=\"combobox\" "
                  "aria-autocomplete=\"list\" aria-expanded=\"false\" "
                  "aria-controls=\"board-place-list\" aria-describedby=\"board-place-hint\" "
                  "value=\"",
                  pg->sh.lang, tr(pg, "محله، شهر یا کد پستی", "Neighbourhood, town or postcode"),
                  tr(pg, "مثلاً «ونک»، «Vanak» یا نام شهر",
                     "For example «ونک», “Vanak” or the name of a town"));
    put_esc(pg, place);
    hy_buf_puts(&pg->b, "\"><ul id=\"board-place-list\" class=\"combo-list\" role=\"listbox\" "
                        "hidden></ul></div><input type=\"hidden\" name=\"near\" "
                        "id=\"board-near\" value=\"");
    for (const char *p = near ? near : ""; *p; p++)
        if ((*p >= '0' && *p <= '9') || *p == '.' || *p == ',' || *p == '-') hy_buf_putc(&pg->b, *p);
    hy_buf_puts(&pg->b, "\">");
    static const char *const kind_fa[] = {"پیشنهادها", "درخواست‌ها", NULL};
    static const char *const kind_en[] = {"Offers", "Asks", NULL};
    put_select(pg, "kind", tr(pg, "نوع", "Kind"), tr(pg, "همه", "All"), kinds,
               pg->fa ? kind_fa : kind_en, kind);
    const char *cat_names[32] = {0};
    int ncat = 0;
    for (; ncat < 31 && hy_board_categories[ncat].key; ncat++)
        cat_names[ncat] = pg->fa ? hy_board_categories[ncat].fa : hy_board_categories[ncat].en;
    cat_names[ncat] = NULL;
    put_select(pg, "category", tr(pg, "دسته", "Category"), tr(pg, "همه", "All"),
               hy_board_category_keys, cat_names, cat);
    hy_buf_printf(&pg->b, "<p><button class=\"button\" type=\"submit\">%s</button></p></form>",
                  tr(pg, "نمایش آگهی‌ها", "Show posts"));
}

/* Why a post that is not open cannot be answered. */
static const char *status_note(const struct page *pg, const char *status) {
    if (!strcmp(status, "hidden"))
        return tr(pg, "این آگهی پنهان شده است.", "This post has been hidden.");
    if (!strcmp(status, "archived"))
        return tr(pg, "مهلت این آگهی گذشته است.", "This post has expired.");
    return tr(pg, "این آگهی بسته است.", "This post is closed.");
}

/* What a reader may do with a post: answer it, see it is their own, moderate it — or, signed
 * out, sign in or join first (and come back here). */
static void put_take_part(struct page *pg, const struct hy_board_post *p) {
    const struct hy_principal *who = hy_req_principal(pg->req);
    hy_buf_printf(&pg->b, "<section class=\"board-act\" aria-labelledby=\"board-act-h\"><h2 "
                          "id=\"board-act-h\">%s</h2>",
                  tr(pg, "شرکت کنید", "Take part"));
    if (!who || !who->signed_in) {
        hy_buf_printf(&pg->b,
                      "<p class=\"board-signin\">%s <a href=\"/signin?next=%%2Fboard%%2Fsearch%%3Fid%%3D%s"
                      "%%26lang%%3D%s\">%s</a> %s <a href=\"/join?next=%%2Fboard%%2Fsearch%%3Fid%%3D%s"
                      "%%26lang%%3D%s\">%s</a>.</p>",
                      tr(pg, "برای پاسخ دادن", "To answer this post,"), p->id, pg->sh.lang,
                      tr(pg, "وارد شوید", "sign in"), tr(pg, "یا", "or"), p->id, pg->sh.lang,
                      tr(pg, "عضو شوید", "join"));
    } else if (!strcmp(who->user_id, p->author_id)) {
        hy_buf_printf(&pg->b, "<p>%s <a href=\"/board-mine\">%s</a></p>",
                      tr(pg, "این آگهی شماست.", "This is your post."),
                      tr(pg, "آگهی‌ها و گفت‌وگوهای من", "My posts and conversations"));
    } else if (!strcmp(p->status, "open")) {
        hy_buf_printf(&pg->b,
                      "<form id=\"board-answer\" data-post=\"%s\" class=\"board-answer\">"
                      "<p><label for=\"board-answer-body\">%s</label><textarea "
                      "id=\"board-answer-body\" name=\"body\" rows=\"4\" maxlength=\"2000\" "
                      "required></textarea></p><p class=\"hint\">%s</p><p><button "
                      "type=\"submit\">%s</button></p><p class=\"notice notice-important\" "
                      "id=\"board-answer-error\" role=\"alert\" hidden></p></form>",
                      p->id, tr(pg, "پیام شما", "Your message"),
                      tr(pg, "پیام از راه همیاری می‌رسد. شماره یا ایمیل فقط وقتی نشان داده می‌شود که "
                             "هر دو طرف موافقت کنند.",
                         "The message passes through Hamyari. A phone number or e-mail is shown "
                         "only once both sides agree."),
                      tr(pg, "فرستادن پاسخ", "Send an answer"));
    } else {
        /* Why is said above the post. */
        hy_buf_printf(&pg->b, "<p>%s</p>",
                      tr(pg, "به این آگهی دیگر نمی‌شود پاسخ داد.",
                         "This post can no longer be answered."));
    }
    if (is_moderator(who)) {
        bool hidden = !strcmp(p->status, "hidden");
        hy_buf_printf(&pg->b,
                      "<form id=\"board-moderate\" data-post=\"%s\" data-action=\"%s\" "
                      "class=\"board-moderate\"><h3>%s</h3><p><label "
                      "for=\"board-moderate-reason\">%s</label> <input id=\"board-moderate-reason\" "
                      "name=\"reason\" minlength=\"3\" maxlength=\"500\" required></p><p><button "
                      "type=\"submit\">%s</button></p><p class=\"notice notice-important\" "
                      "id=\"board-moderate-error\" role=\"alert\" hidden></p></form>",
                      p->id, hidden ? "restore" : "hide", tr(pg, "مدیریت", "Moderation"),
                      tr(pg, "دلیل (در گزارش ثبت می‌شود)", "Reason (recorded in the audit log)"),
                      hidden ? tr(pg, "نمایش دوباره", "Restore")
                             : tr(pg, "پنهان کردن", "Hide"));
    }
    hy_buf_puts(&pg->b, "</section>");
}

static void put_post_page(struct page *pg, const char *id, int *ret_status) {
    struct get_ctx c = {.req = pg->req, .id = id, .now = hy_clock_now()};
    int r = hy_id_valid(id) ? hy_db_run(hy_req_read_db(pg->req), HY_TX_READ, get_tx, &c)
                            : HY_DB_ABORT;
    if (r < 0 && r != HY_DB_ABORT) {
        *ret_status = r;
        return;
    }
    if (r == HY_DB_ABORT || !may_see(hy_req_principal(pg->req), &c.p)) {
        *ret_status = 404;
        hy_buf_printf(&pg->b, "<p>%s</p>", tr(pg, "این آگهی پیدا نشد.", "No such post."));
        return;
    }
    bool open = !strcmp(c.p.status, "open");
    if (!open)
        hy_buf_printf(&pg->b, "<p class=\"notice notice-warning\">%s</p>",
                      status_note(pg, c.p.status));
    hy_buf_puts(&pg->b, "<ul class=\"board-list\">");
    put_post_item(pg, &c.p, false);
    hy_buf_puts(&pg->b, "</ul>");
    put_take_part(pg, &c.p);
    if (!open) return; /* a post no longer open is matched with nothing */
    hy_buf_printf(&pg->b, "<h2>%s</h2>",
                  tr(pg, "نزدیک‌ترین موارد هم‌خوان", "Nearest compatible posts"));
    if (!c.m.n) {
        /* What would show here, so that "nothing" is understood. */
        bool ask = !strcmp(c.p.kind, "ask");
        char km[24];
        hy_board_digits((int64_t)(HY_BOARD_REACH_M / 1000), pg->fa, km);
        hy_buf_printf(&pg->b,
                      pg->fa ? "<p class=\"board-empty\">هنوز %s از این دسته با زمانی هم‌پوشان در "
                               "%s کیلومتری نیست.</p>"
                             : "<p class=\"board-empty\">No %s of this category with an "
                               "overlapping time within %s km yet.</p>",
                      ask ? tr(pg, "پیشنهادی", "offers") : tr(pg, "درخواستی", "asks"), km);
    } else {
        hy_buf_puts(&pg->b, "<ul class=\"board-list\">");
        for (int i = 0; i < c.m.n; i++) put_post_item(pg, &c.m.v[i], true);
        hy_buf_puts(&pg->b, "</ul>");
    }
    hy_buf_printf(&pg->b, "<p><a href=\"/board/search?near=%.5f,%.5f&amp;lang=%s\">%s</a></p>",
                  c.p.lat, c.p.lon, pg->sh.lang,
                  tr(pg, "همهٔ آگهی‌های باز این اطراف", "All open posts around here"));
}

/* A place the reader typed: one place (or one whole-name match) is taken; several make a
 * choice list; none is said. Returns true with the position in ll when one was taken. */
static bool resolve_place(struct page *pg, const char *place, const char *kind, const char *cat,
                          double ll[2], int *ret_status) {
    struct hy_place *v;
    int n = hy_api_find_places(pg->req, place, PLACE_CHOICES, NULL, &v);
    if (n < 0) {
        *ret_status = n;
        return false;
    }
    int exact = 0, first_exact = -1;
    for (int i = 0; i < n; i++)
        if (v[i].exact && exact++ == 0) first_exact = i;
    int take = n == 1 ? 0 : exact == 1 ? first_exact : -1;
    if (take >= 0) {
        ll[0] = v[take].lat;
        ll[1] = v[take].lon;
        return true;
    }
    if (n == 0) {
        hy_buf_printf(&pg->b, "<p class=\"notice notice-warning\" role=\"status\">%s «",
                      tr(pg, "جایی با این نام پیدا نشد:", "No place found by that name:"));
        put_esc(pg, place);
        hy_buf_printf(&pg->b, "». %s</p>",
                      tr(pg, "نام محله یا شهر را طور دیگری بنویسید.",
                         "Try another spelling, or the name of the town."));
        return false;
    }
    hy_buf_printf(&pg->b,
                  "<form method=\"get\" action=\"/board/search\" class=\"board-choice\">"
                  "<fieldset><legend>%s</legend><input type=\"hidden\" name=\"lang\" "
                  "value=\"%s\"><input type=\"hidden\" name=\"place\" value=\"",
                  tr(pg, "کدام یک؟", "Which one?"), pg->sh.lang);
    put_esc(pg, place);
    hy_buf_puts(&pg->b, "\">");
    if (kind && *kind) hy_buf_printf(&pg->b, "<input type=\"hidden\" name=\"kind\" value=\"%s\">", kind);
    if (cat && *cat) hy_buf_printf(&pg->b, "<input type=\"hidden\" name=\"category\" value=\"%s\">", cat);
    for (int i = 0; i < n; i++) {
        hy_buf_printf(&pg->b, "<p><label><input type=\"radio\" name=\"near\" value=\"%.5f,%.5f\"%s> ",
                      v[i].lat, v[i].lon, i == 0 ? " required" : "");
        put_esc(pg, v[i].name);
        if (v[i].admin1 && *v[i].admin1) {
            hy_buf_puts(&pg->b, "، ");
            put_esc(pg, v[i].admin1);
        }
        if (v[i].country && *v[i].country) {
            hy_buf_puts(&pg->b, " (");
            put_esc(pg, v[i].country);
            hy_buf_puts(&pg->b, ")");
        }
        hy_buf_puts(&pg->b, "</label></p>");
    }
    hy_buf_printf(&pg->b, "<p><button type=\"submit\">%s</button></p></fieldset></form>",
                  tr(pg, "نمایش آگهی‌های آنجا", "Show the posts there"));
    return false;
}

/* s percent-encoded for a query string, in the arena ("" when it is full). */
static const char *query_value(hy_arena *a, const char *s) {
    size_t n = strlen(s);
    char *out = hy_arena_alloc(a, 3 * n + 1), *o = out;
    if (!out) return "";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            *o++ = (char)*p;
        else {
            *o++ = '%';
            *o++ = "0123456789ABCDEF"[*p >> 4];
            *o++ = "0123456789ABCDEF"[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* What was wrong with the query, naming the parameter (data-error-field) as a JSON error
 * would. */
static void put_problem(struct page *pg, const char *problem, const char *field) {
    hy_buf_printf(&pg->b, "<p class=\"notice notice-important\" role=\"alert\" "
                          "data-error-field=\"%s\">",
                  field);
    put_esc(pg, problem);
    hy_buf_puts(&pg->b, "</p>");
}

/* The posts near a place or a position, or what was wrong with the query. */
static void put_list_page(struct page *pg, int *ret_status) {
    hy_req *req = pg->req;
    const char *kind = hy_req_query(req, "kind"), *cat = hy_req_query(req, "category");
    const char *near = hy_req_query(req, "near"), *place = hy_req_query(req, "place");
    if (near && !*near) near = NULL;
    if (place && !*place) place = NULL;
    const char *problem = NULL, *field = NULL;
    long radius;
    double ll[2];
    if (kind && *kind && strcmp(kind, "ask") != 0 && strcmp(kind, "offer") != 0) {
        field = "kind";
        problem = tr(pg, "نوع آگهی باید «پیشنهاد» یا «درخواست» باشد.",
                     "The kind must be offer or ask.");
    } else if (cat && *cat && hy_board_category_index(cat) < 0) {
        field = "category";
        problem = tr(pg, "این دسته در فهرست نیست.", "That category is not in the list.");
    } else if (!int_param(req, "radius_km", 1, (long)(HY_BOARD_REACH_M / 1000), 10, &radius)) {
        field = "radius_km";
        problem = tr(pg, "شعاع باید از ۱ تا ۵۰ کیلومتر باشد.",
                     "The radius must be from 1 to 50 km.");
    } else if (place && !hy_text_ok(place, strlen(place), 0, 100)) {
        field = "place";
        problem = tr(pg, "نام محل باید از ۱ تا ۱۰۰ نویسه باشد.",
                     "A place name has 1 to 100 characters.");
    } else if (near && (!hy_number_list(near, 2, ll) || !hy_geo_valid(ll[0], ll[1]))) {
        field = "near";
        problem = tr(pg, "موقعیت باید عرض و طول جغرافیایی باشد، مانند 35.70,51.40.",
                     "The position must be a latitude and a longitude, like 35.70,51.40.");
    }
    if (problem) {
        *ret_status = 400;
        put_problem(pg, problem, field);
        put_search_form(pg, NULL, NULL, NULL, NULL);
        return;
    }
    put_search_form(pg, place, near, kind, cat);
    if (!near && !place) return;
    if (!near && !resolve_place(pg, place, kind, cat, ll, ret_status)) return;
    struct near_ctx c = {.a = req->arena};
    c.q.lat = ll[0];
    c.q.lon = ll[1];
    c.q.reach_m = (double)radius * 1000;
    c.q.limit = LIST_LIMIT_MAX;
    c.q.kind = kind && *kind ? kind : NULL;
    c.q.category = cat && *cat ? cat : NULL;
    c.q.slot = c.q.kind && c.q.category ? hy_board_slot(c.q.kind, c.q.category) : -1;
    c.q.now = hy_clock_now();
    int r = hy_db_run(hy_req_read_db(req), HY_TX_SINGLE, near_tx, &c);
    if (r < 0) {
        *ret_status = r;
        return;
    }
    pg->switch_href = hy_arena_printf(req->arena, "/board/search?near=%.5f,%.5f%s%s%s%s%s%s&lang=%s",
                                      ll[0], ll[1], c.q.kind ? "&kind=" : "",
                                      c.q.kind ? c.q.kind : "", c.q.category ? "&category=" : "",
                                      c.q.category ? c.q.category : "", place ? "&place=" : "",
                                      place ? query_value(req->arena, place) : "",
                                      pg->fa ? "en" : "fa");
    hy_buf_printf(&pg->b, "<h2 id=\"board-results\">%s", tr(pg, "آگهی‌های باز", "Open posts"));
    if (place) {
        hy_buf_printf(&pg->b, " %s %s<span dir=\"auto\">", tr(pg, "نزدیک", "near"),
                      tr(pg, "«", "“"));
        put_esc(pg, place);
        hy_buf_printf(&pg->b, "</span>%s", tr(pg, "»", "”"));
    } else
        hy_buf_puts(&pg->b, tr(pg, " در این محدوده", " in this area"));
    hy_buf_puts(&pg->b, ": ");
    put_num(pg, c.n);
    hy_buf_puts(&pg->b, "</h2>");
    if (!c.n) {
        /* Nothing here yet: say so, and how to change that. */
        char km[24];
        hy_board_digits(radius, pg->fa, km);
        bool filtered = c.q.kind || c.q.category;
        hy_buf_printf(&pg->b,
                      pg->fa ? "<p class=\"board-empty\">در %s کیلومتری اینجا هنوز آگهی بازی%s "
                               "نیست. <a href=\"/board-mine\">%s</a></p>"
                             : "<p class=\"board-empty\">There are no open posts%s within %s km "
                               "yet. <a href=\"/board-mine\">%s</a></p>",
                      pg->fa ? km : filtered ? " of this kind or category" : "",
                      pg->fa ? (filtered ? " از این نوع یا دسته" : "") : km,
                      tr(pg, "آگهی بگذارید", "Post an offer or an ask"));
        return;
    }
    hy_buf_puts(&pg->b, "<ul class=\"board-list\">");
    for (int i = 0; i < c.n; i++) put_post_item(pg, &c.v[i], true);
    hy_buf_printf(&pg->b,
                  "</ul><p><a href=\"/api/v1/board/asks.txt?near=%.5f,%.5f&amp;radius_km=%ld%s%s"
                  "&amp;lang=%s\">%s</a></p>",
                  c.q.lat, c.q.lon, radius, c.q.category ? "&amp;category=" : "",
                  c.q.category ? c.q.category : "", pg->sh.lang,
                  tr(pg, "فهرست متنی درخواست‌ها برای گروه پیام‌رسان",
                     "The asks as plain text for a messaging group"));
}

hy_result hy_api_show_board(hy_req *req) {
    const char *lang = hy_req_query(req, "lang"), *id = hy_req_query(req, "id");
    bool bad_lang = lang && strcmp(lang, "fa") != 0 && strcmp(lang, "en") != 0;
    struct page pg = {.req = req, .b = HY_BUF_INIT(4 * 1024 * 1024)};
    hy_shell_init(&pg.sh, req, "/board.html", bad_lang ? "fa" : lang);
    pg.fa = pg.sh.fa;
    pg.sh.below = true;
    int status = 200;
    hy_buf body = HY_BUF_INIT(4 * 1024 * 1024);
    hy_buf out = pg.b;
    pg.b = body;
    hy_buf_printf(&pg.b, "<h1>%s</h1><p>%s</p>",
                  tr(&pg, "تابلوی همیاری همسایه‌ها", "Neighbour-help board"),
                  tr(&pg, "همسایه‌ها اینجا کمک پیشنهاد می‌دهند یا درخواست می‌کنند. محل هر آگهی "
                          "فقط در حد حدود ۵۰۰ متر نشان داده می‌شود و نام و شمارهٔ کسی نمایش داده "
                          "نمی‌شود.",
                     "Neighbours offer or ask for help here. Each post shows its area only to "
                     "about 500 m, and nobody's name or number is shown."));
    hy_buf_printf(&pg.b, "<p class=\"board-links\"><a href=\"/board-mine\">%s</a></p>",
                  tr(&pg, "گذاشتن آگهی، آگهی‌ها و گفت‌وگوهای من",
                     "Post an offer or an ask; my posts and conversations"));
    if (bad_lang) {
        status = 400;
        put_problem(&pg, "زبان باید fa یا en باشد. / The language must be fa or en.", "lang");
        put_search_form(&pg, NULL, NULL, NULL, NULL);
    } else if (id)
        put_post_page(&pg, id, &status);
    else
        put_list_page(&pg, &status);
    if (status < 0) {
        hy_buf_free(&pg.b);
        hy_buf_free(&out);
        return hy_reply_store_failed(req, "board: the board page", status);
    }
    body = pg.b;
    pg.b = out;
    /* The same page in the other language: its query with lang swapped. */
    const char *other = pg.fa ? "en" : "fa";
    const char *sw = pg.switch_href   ? pg.switch_href
                     : id && hy_id_valid(id) ? hy_arena_printf(req->arena, "/board/search?id=%s&lang=%s", id, other)
                                         : hy_arena_printf(req->arena, "/board/search?lang=%s", other);
    hy_shell_start(&pg.sh, &pg.b, tr(&pg, "تابلوی همیاری همسایه‌ها", "Neighbour-help board"),
                   "board-page", sw);
    if (body.data) hy_buf_append(&pg.b, body.data, body.len);
    hy_shell_end(&pg.sh, &pg.b);
    bool bad = hy_buf_error(&body) || hy_buf_error(&pg.b);
    hy_buf_free(&body);
    char *html = bad ? NULL : hy_arena_alloc(req->arena, pg.b.len + 1);
    size_t len = pg.b.len;
    if (html) memcpy(html, pg.b.data, len + 1);
    hy_buf_free(&pg.b);
    if (!html) return hy_reply_store_failed(req, "board: writing the board page", 0);
    return hy_reply_bytes(req, (unsigned)status, "text/html; charset=utf-8", html, len);
}
