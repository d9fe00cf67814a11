/* groups.c — the mutual-aid group directory.
 *
 *   GET    /api/v1/groups?near=LAT,LON[&limit=K][&radius_km=R][&bbox=W,S,E,N]
 *                                         nearest approved groups, covering ones first
 *   GET    /api/v1/groups?q=TEXT[&limit=&offset=]   search names, descriptions, tags
 *   GET    /api/v1/groups[?after=ID&limit=]         approved groups by id
 *   GET    /api/v1/groups/{id}            approved: anyone; pending: owners, coordinators, admins
 *   POST   /api/v1/groups                 signed in: submit (pending); the caller owns it
 *   PATCH  /api/v1/groups/{id}            owners, the group's coordinators, admins; an owner's
 *                                         edit of an approved group waits for review (202)
 *   GET    /api/v1/group-changes          coordinators and admins: the changes waiting
 *   POST   /api/v1/groups/{id}/changes/approve|reject   coordinators and admins
 *   POST   /api/v1/groups/{id}/approve    coordinators and admins (?verified=true|false)
 *   POST   /api/v1/groups/{id}/reject     coordinators and admins: a pending group is removed,
 *                                         its submitter told why ({"reason": …})
 *   DELETE /api/v1/groups/{id}            coordinators: a pending group (spam); admins: any
 *   POST   /api/v1/groups/{id}/coordinators            admins: {"user_id": …}
 *   DELETE /api/v1/groups/{id}/coordinators/{user_id}  admins
 *   GET    /api/v1/groups.geojson, /api/v1/groups.csv  approved groups, public fields
 *
 * Status, verified, demo and owners cannot be set through POST or PATCH: the input specs
 * name only the editable fields and the parser refuses any other. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/app.h"
#include "app/grindex.h"
#include "app/libindex.h"
#include "domain/area.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/group.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/groups.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/jsonw.h"
#include "util/numtext.h"

#define NEAR_LIMIT_MAX 100
#define MAP_LIMIT_MAX 500
#define SEARCH_LIMIT_MAX 100
#define LIST_LIMIT_MAX 100
#define EXPORT_LIMIT_MAX 100000
#define EXPORT_PAGE 1000

/* ---- the JSON shape ---- */

static json_t *parse_or(const char *text, json_t *fallback) {
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (v) {
        json_decref(fallback);
        return v;
    }
    return fallback;
}

json_t *hy_group_json(const struct hy_group *g, bool with_distance) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(g->id));
    json_object_set_new(o, "name", json_string(g->name));
    json_object_set_new(o, "description", json_string(g->description ? g->description : ""));
    json_object_set_new(o, "lat", json_real(g->lat));
    json_object_set_new(o, "lon", json_real(g->lon));
    bool polygon = g->area_kind && !strcmp(g->area_kind, "polygon");
    bool radius = g->area_kind && !strcmp(g->area_kind, "radius");
    json_object_set_new(o, "area", polygon ? parse_or(g->area, json_null()) : json_null());
    json_object_set_new(o, "radius_km", radius ? json_real(g->radius_m / 1000.0) : json_null());
    json_object_set_new(o, "contact", parse_or(g->contact, json_object()));
    json_object_set_new(o, "languages", parse_or(g->languages, json_array()));
    json_object_set_new(o, "tags", parse_or(g->tags, json_array()));
    json_object_set_new(o, "verified", json_boolean(g->verified));
    json_object_set_new(o, "demo", json_boolean(g->demo));
    json_object_set_new(o, "status", json_string(g->status));
    json_object_set_new(o, "created_at", json_integer(g->created_at));
    json_object_set_new(o, "updated_at", json_integer(g->updated_at));
    if (with_distance) {
        json_object_set_new(o, "distance_m", json_integer((json_int_t)llround(g->distance_m)));
        json_object_set_new(o, "covers", json_boolean(g->covers));
    }
    return o;
}

/* A stored JSON text as hy_group_json() shows it: parsed and written again as jansson writes
 * it (the bytes stay the same for the compact texts we store), or `fallback` when it does
 * not parse. */
static int write_stored_json(hy_buf *b, const char *text, const char *fallback) {
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (!v) return hy_buf_puts(b, fallback);
    char *t = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
    json_decref(v);
    if (!t) return HY_BUF_NOMEM;
    int r = hy_buf_puts(b, t);
    free(t);
    return r;
}

int hy_group_json_write(hy_buf *b, const struct hy_group *g, bool with_distance) {
    bool polygon = g->area_kind && !strcmp(g->area_kind, "polygon");
    bool radius = g->area_kind && !strcmp(g->area_kind, "radius");
    int r = hy_buf_puts(b, "{\"id\":");
    if (!r) r = hy_jw_string(b, g->id);
    if (!r) r = hy_buf_puts(b, ",\"name\":");
    if (!r) r = hy_jw_string(b, g->name);
    if (!r) r = hy_buf_puts(b, ",\"description\":");
    if (!r) r = hy_jw_string(b, g->description ? g->description : "");
    if (!r) r = hy_buf_puts(b, ",\"lat\":");
    if (!r) r = hy_jw_real(b, g->lat);
    if (!r) r = hy_buf_puts(b, ",\"lon\":");
    if (!r) r = hy_jw_real(b, g->lon);
    if (!r) r = hy_buf_puts(b, ",\"area\":");
    if (!r) r = polygon ? write_stored_json(b, g->area, "null") : hy_buf_puts(b, "null");
    if (!r) r = hy_buf_puts(b, ",\"radius_km\":");
    if (!r) r = radius ? hy_jw_real(b, g->radius_m / 1000.0) : hy_buf_puts(b, "null");
    if (!r) r = hy_buf_puts(b, ",\"contact\":");
    if (!r) r = write_stored_json(b, g->contact, "{}");
    if (!r) r = hy_buf_puts(b, ",\"languages\":");
    if (!r) r = write_stored_json(b, g->languages, "[]");
    if (!r) r = hy_buf_puts(b, ",\"tags\":");
    if (!r) r = write_stored_json(b, g->tags, "[]");
    if (!r) r = hy_buf_puts(b, g->verified ? ",\"verified\":true" : ",\"verified\":false");
    if (!r) r = hy_buf_puts(b, g->demo ? ",\"demo\":true" : ",\"demo\":false");
    if (!r) r = hy_buf_puts(b, ",\"status\":");
    if (!r) r = hy_jw_string(b, g->status);
    if (!r) r = hy_buf_puts(b, ",\"created_at\":");
    if (!r) r = hy_jw_int(b, g->created_at);
    if (!r) r = hy_buf_puts(b, ",\"updated_at\":");
    if (!r) r = hy_jw_int(b, g->updated_at);
    if (with_distance) {
        if (!r) r = hy_buf_puts(b, ",\"distance_m\":");
        if (!r) r = hy_jw_int(b, (int64_t)llround(g->distance_m));
        if (!r) r = hy_buf_puts(b, g->covers ? ",\"covers\":true" : ",\"covers\":false");
    }
    return r ? r : hy_buf_putc(b, '}');
}

/* ---- reading query parameters ---- */

/* A whole number parameter in [min, max], or `def` when absent. False when malformed. Typed
 * digits in any script are read (util/numtext.h). */
static bool int_param(hy_req *req, const char *name, long min, long max, long def, long *ret) {
    const char *v = hy_req_query(req, name);
    if (!v) {
        *ret = def;
        return true;
    }
    double d;
    if (!hy_number_parse(v, strlen(v), false, &d) || d != floor(d) || d < (double)min || d > (double)max)
        return false;
    *ret = (long)d;
    return true;
}

static bool is_staff(const struct hy_principal *who);
static json_t *change_json(hy_arena *a, const struct hy_group *g,
                           const struct hy_group_change *ch);

/* ---- GET /api/v1/groups ---- */

struct near_ctx {
    struct hy_group_near q;
    hy_arena *a;
    struct hy_group *g;
    int n;
};

static int near_tx(hy_store *s, void *ctx) {
    struct near_ctx *c = ctx;
    c->n = s->ops->groups->near(s, &c->q, c->a, &c->g);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* The process's index of the approved groups when it holds them as the store does now: the
 * groups version, read after the request arrived (app/grindex.h), is the one it was built at,
 * so its answer is the store path's and reflects every change committed before the request
 * (a change committed after the read is as if committed after the store path's one-statement
 * read). NULL: the store answers (and a rebuild has started). */
static hy_grindex *near_index(hy_req *req, hy_db *db, int *ret_status) {
    struct hy_app *app = hy_req_app(req);
    *ret_status = HY_DB_ONE;
    if (!app || !app->grindex) return NULL;
    int64_t version = 0;
    *ret_status = hy_grindex_cache_version(app->grindex, db, &version);
    if (*ret_status < 0) return NULL;
    return hy_grindex_cache_get(app->grindex, version, db == app->db);
}

struct search_ctx {
    const char **tokens;
    size_t ntokens, limit, offset, total;
    hy_arena *a;
    struct hy_group *g;
    int n;
};

static int search_tx(hy_store *s, void *ctx) {
    struct search_ctx *c = ctx;
    /* each word with its synonyms (domain/synonyms.h), from the list in force */
    hy_synonyms *syn = NULL;
    int r = hy_libindex_read_synonyms(s, &syn);
    if (r < 0) return r;
    const char **terms = hy_arena_alloc(c->a, (c->ntokens + 1) * sizeof *terms);
    if (!terms) {
        hy_synonyms_free(syn);
        return HY_DB_HARD;
    }
    memcpy(terms, c->tokens, c->ntokens * sizeof *terms);
    hy_synonyms_expand(syn, c->a, terms, c->ntokens);
    hy_synonyms_free(syn);
    c->n = s->ops->groups->search(s, terms, c->ntokens, c->limit, c->offset, c->a, &c->g,
                                  &c->total);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

struct list_ctx {
    const char *status, *after;
    size_t limit, total;
    hy_arena *a;
    struct hy_group *g;
    int n;
    bool count;
};

static int list_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    c->n = s->ops->groups->list(s, c->status, c->after, c->limit, c->a, &c->g);
    if (c->n < 0) return c->n;
    if (c->count) {
        int r = s->ops->groups->count(s, c->status, &c->total);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

static hy_result reply_groups(hy_req *req, struct hy_group *g, int n, size_t total, bool dist) {
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, hy_group_json(&g[i], dist));
    return hy_reply_json(req, 200,
                         json_pack("{s:o,s:I}", "groups", arr, "total", (json_int_t)total));
}

/* Answers from the index ix (its reference is dropped here) or, when NULL and r is not an
 * error, from the store. */
static hy_result near_reply(hy_req *req, hy_db *db, struct near_ctx *c, hy_grindex *ix, int r) {
    if (!ix && r >= 0) r = hy_db_run(db, HY_TX_SINGLE, near_tx, c);
    if (r < 0) return hy_reply_store_error(req, r);
    /* The hottest answer: written straight as text (the same bytes as reply_groups()). */
    hy_buf b = HY_BUF_INIT(0);
    size_t n = 0;
    int w = hy_buf_reserve(&b, 512 + (ix ? c->q.limit : (size_t)c->n) * 400);
    if (!w) w = hy_buf_puts(&b, "{\"groups\":[");
    if (ix) {
        if (!w) w = hy_grindex_near_write(ix, &c->q, &b, &n);
        hy_grindex_release(ix);
    } else {
        n = (size_t)c->n;
        for (int i = 0; i < c->n && !w; i++) {
            if (i) w = hy_buf_putc(&b, ',');
            if (!w) w = hy_group_json_write(&b, &c->g[i], true);
        }
    }
    if (!w) w = hy_buf_puts(&b, "],\"total\":");
    if (!w) w = hy_jw_int(&b, (int64_t)n);
    if (!w) w = hy_buf_putc(&b, '}');
    if (w) {
        hy_buf_free(&b);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    return hy_reply_json_buf(req, 200, &b);
}

/* A nearest request waiting, suspended, for the shared version read. */
struct near_later {
    struct near_ctx c;
    hy_req *req;
    struct hy_grindex_waiter w;
    int status; /* the read's outcome; HY_DB_NONE: nothing was read, read it now */
    int64_t version;
};

static void near_version_read(void *arg, int status, int64_t version) {
    struct near_later *x = arg;
    x->status = status;
    x->version = version;
    hy_req_wake(x->req);
}

static hy_result near_answer_later(hy_req *req, void *ctx) {
    struct near_later *x = ctx;
    struct hy_app *app = hy_req_app(req);
    hy_db *db = app->db;
    hy_grindex *ix = NULL;
    int r = x->status;
    if (r == HY_DB_NONE) ix = near_index(req, db, &r);
    else if (r >= 0) ix = hy_grindex_cache_get(app->grindex, x->version, true);
    return near_reply(req, db, &x->c, ix, r);
}

static hy_result groups_near(hy_req *req, const char *near) {
    struct near_ctx c = {.a = req->arena};
    double ll[2] = {0, 0};
    bool near_ok = hy_number_list(near, 2, ll);
    c.q.lat = ll[0];
    c.q.lon = ll[1];
    if (!near_ok || !hy_geo_valid(c.q.lat, c.q.lon))
        return hy_reply_error(req, HY_E_INVALID_QUERY,
                              "near must be LAT,LON with latitude -90..90 and longitude -180..180.",
                              "near");
    const char *bbox = hy_req_query(req, "bbox");
    if (bbox) {
        double v[4];
        bool ok = hy_number_list(bbox, 4, v);
        /* W,S,E,N as GeoJSON orders a bbox; W > E wraps across longitude 180. */
        if (!ok || v[1] > v[3] || !hy_geo_valid(v[1], v[0]) || !hy_geo_valid(v[3], v[2]))
            return hy_reply_error(req, HY_E_INVALID_QUERY,
                                  "bbox must be WEST,SOUTH,EAST,NORTH in degrees.", "bbox");
        c.q.has_box = true;
        c.q.box = (struct hy_bbox){v[1], v[0], v[3], v[2]};
    }
    long limit;
    long max = bbox ? MAP_LIMIT_MAX : NEAR_LIMIT_MAX;
    if (!int_param(req, "limit", 1, max, 20, &limit))
        return hy_reply_error(
            req, HY_E_INVALID_QUERY,
            bbox ? "limit must be from 1 to 500." : "limit must be from 1 to 100.", "limit");
    c.q.limit = (size_t)limit;
    const char *rk = hy_req_query(req, "radius_km");
    if (rk) {
        double r;
        if (!hy_number_parse(rk, strlen(rk), true, &r) || r <= 0 || r > 20038)
            return hy_reply_error(req, HY_E_INVALID_QUERY,
                                  "radius_km must be a number above 0 and at most 20038.",
                                  "radius_km");
        c.q.radius_m = r * 1000.0;
    }
    /* Reads only: every statement is its own snapshot (a group approved meanwhile may show or
     * not); HY_TX_SINGLE saves BEGIN/COMMIT, two round trips on PostgreSQL. */
    hy_db *db = hy_req_read_db(req);
    struct hy_app *app = hy_req_app(req);
    if (app && db == app->db && hy_grindex_cache_shares_reads(app->grindex)) {
        /* Where the version read is a round trip (PostgreSQL), the request waits for it
         * suspended, holding no server thread: the cache's reader thread wakes it. */
        struct near_later *x = hy_arena_zalloc(req->arena, sizeof *x);
        if (!x) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        x->c = c;
        x->req = req;
        hy_result res = hy_req_defer(req, near_answer_later, x);
        int q = hy_grindex_cache_version_later(app->grindex, &x->w, near_version_read, x);
        if (q == 0) return res;
        /* not queued: answer now, as if woken with nothing read */
        x->status = HY_DB_NONE;
        hy_req_wake(req);
        return res;
    }
    int r;
    hy_grindex *ix = near_index(req, db, &r);
    return near_reply(req, db, &c, ix, r);
}

static hy_result groups_search(hy_req *req, const char *q) {
    struct search_ctx c = {.a = req->arena};
    if (!hy_text_ok(q, strlen(q), 0, 200))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "q must be text of at most 200 characters.",
                              "q");
    char *norm = hy_search_text(req->arena, q);
    if (!norm) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    c.tokens = hy_search_tokens(req->arena, norm, HY_SEARCH_TOKENS_MAX, &c.ntokens);
    if (!c.tokens) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    long limit, offset;
    if (!int_param(req, "limit", 1, SEARCH_LIMIT_MAX, 20, &limit))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 100.", "limit");
    if (!int_param(req, "offset", 0, 10000, 0, &offset))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "offset must be from 0 to 10000.", "offset");
    if (c.ntokens == 0) return reply_groups(req, NULL, 0, 0, false);
    c.limit = (size_t)limit;
    c.offset = (size_t)offset;
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, search_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    return reply_groups(req, c.g, c.n, c.total, false);
}

hy_result hy_api_list_groups(hy_req *req) {
    const char *near = hy_req_query(req, "near"), *q = hy_req_query(req, "q");
    if (near && q) return hy_reply_error(req, HY_E_INVALID_QUERY, "Give near or q, not both.", "q");
    /* A parameter of another mode is refused, not ignored (an offset pager would loop). */
    static const char *const not_near[] = {"offset", "after", "status", NULL};
    static const char *const not_q[] = {"radius_km", "bbox", "after", "status", NULL};
    static const char *const not_list[] = {"radius_km", "bbox", "offset", NULL};
    for (const char *const *p = near ? not_near : q ? not_q : not_list; *p; p++)
        if (hy_req_query(req, *p))
            return hy_reply_error(req, HY_E_INVALID_QUERY,
                                  "near= takes radius_km, bbox and limit; q= takes limit and "
                                  "offset; the list takes after, status and limit.",
                                  *p);
    if (near) return groups_near(req, near);
    if (q) return groups_search(req, q);
    struct list_ctx c = {.a = req->arena, .status = "approved", .count = true};
    const char *status = hy_req_query(req, "status");
    if (status && strcmp(status, "approved") != 0) {
        if (strcmp(status, "pending") != 0)
            return hy_reply_error(req, HY_E_INVALID_QUERY, "status must be approved or pending.",
                                  "status");
        /* The moderation queue: coordinators and admins only. */
        const struct hy_principal *who = hy_req_principal(req);
        if (!who || !who->signed_in) return hy_reply_error(req, HY_E_UNAUTHORIZED, NULL, NULL);
        if (!is_staff(who)) return hy_reply_error(req, HY_E_FORBIDDEN, NULL, NULL);
        c.status = "pending";
    }
    c.after = hy_req_query(req, "after");
    if (c.after && !hy_id_valid(c.after))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "after must be a group id.", "after");
    long limit;
    if (!int_param(req, "limit", 1, LIST_LIMIT_MAX, 50, &limit))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 100.", "limit");
    c.limit = (size_t)limit;
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, list_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    return reply_groups(req, c.g, c.n, c.total, false);
}

/* ---- who may see and change a group ---- */

static bool is_staff(const struct hy_principal *who) {
    return who && who->signed_in && !(who->status && !strcmp(who->status, "suspended")) &&
           (hy_is_role(who, "admin") || hy_is_role(who, "coordinator"));
}

struct get_ctx {
    bool group_coordinator;
    hy_req *req;
    const char *id;
    struct hy_group g;
    bool owner;
    bool has_change; /* its pending change, shown to owners and staff */
    struct hy_group_change change;
};

static int get_tx(hy_store *s, void *ctx) {
    struct get_ctx *c = ctx;
    int r = s->ops->groups->get(s, c->id, c->req->arena, &c->g);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    const struct hy_principal *who = c->req->who;
    if (who && who->signed_in) {
        r = s->ops->groups->is_owner(s, c->id, who->user_id);
        if (r < 0) return r;
        c->owner = r == HY_DB_ONE && !(who->status && !strcmp(who->status, "suspended"));
        if (hy_is_role(who, "coordinator")) {
            r = s->ops->groups->is_coordinator(s, c->id, who->user_id);
            if (r < 0) return r;
            c->group_coordinator = r == HY_DB_ONE;
        }
    }
    if (c->owner || c->group_coordinator || is_staff(who)) {
        r = s->ops->groups->change_get(s, c->id, c->req->arena, &c->change);
        if (r < 0) return r;
        c->has_change = r == HY_DB_ONE;
    }
    return HY_DB_ONE;
}

hy_result hy_api_get_group(hy_req *req) {
    struct get_ctx c = {.req = req, .id = req->args[0]};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    hy_req_principal(req);
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, get_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    bool staff = is_staff(req->who);
    if (strcmp(c.g.status, "approved") != 0 && !c.owner && !staff)
        return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    json_t *o = hy_group_json(&c.g, false);
    json_object_set_new(o, "can_edit", json_boolean(c.owner || c.group_coordinator ||
                                                    hy_is_role(req->who, "admin")));
    json_object_set_new(o, "can_approve", json_boolean(staff));
    json_t *ch = c.has_change ? change_json(req->arena, &c.g, &c.change) : NULL;
    if (ch) json_object_set_new(o, "pending_change", ch);
    return hy_reply_json(req, 200, o);
}

/* ---- POST and PATCH ---- */

/* The editable fields of a group, as read from a request. */
struct group_input {
    const char *name, *description;
    double lat, lon;
    json_t *area, *radius, *contact;
    struct hy_strings languages, tags;
    bool has_name, has_description, has_lat, has_lon, has_area, has_radius, has_contact,
        has_languages, has_tags;
};

static char *strings_json(const struct hy_strings *v) {
    json_t *a = json_array();
    for (size_t i = 0; i < v->count; i++)
        json_array_append_new(a, json_string(v->items[i]));
    char *t = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return t;
}

/* Copies a malloc()ed string into the arena and frees it. */
static const char *to_arena(hy_arena *a, char *s) {
    const char *c = s ? hy_arena_strdup(a, s) : NULL;
    free(s);
    return c;
}

/* Fills *err and returns false. */
static bool input_error(struct hy_parse_error *err, enum hy_error code, const char *message,
                        const char *field) {
    err->code = code;
    err->field = field;
    snprintf(err->message, sizeof err->message, "%s", message ? message : "");
    return false;
}

/* Applies `in` to `g` (all fields for a new group, the given ones for an edit), checking
 * each; on failure fills *err (a 400, or HY_E_INTERNAL) and returns false. */
static bool apply_input(hy_arena *a, const struct group_input *in, struct hy_group *g,
                        struct hy_parse_error *err) {
    if (in->has_name) g->name = in->name;
    if (in->has_description) g->description = in->description;
    if (in->has_lat) g->lat = in->lat;
    if (in->has_lon) g->lon = in->lon;
    if (in->has_area && in->has_radius && !json_is_null(in->area) && !json_is_null(in->radius)) {
        return input_error(err, HY_E_INVALID_FIELD, "Give area or radius_km, not both.", "area");
    }
    if (in->has_area) {
        if (json_is_null(in->area)) {
            if (!strcmp(g->area_kind, "polygon")) g->area_kind = "none", g->area = NULL;
        } else {
            struct hy_polygon p;
            const char *problem;
            if (!hy_polygon_parse(in->area, a, &p, &g->area_box, &problem)) {
                return input_error(err, HY_E_INVALID_FIELD, problem, "area");
            }
            g->area_kind = "polygon";
            g->area = to_arena(a, json_dumps(in->area, JSON_COMPACT));
            g->radius_m = 0;
        }
    }
    if (in->has_radius) {
        if (json_is_null(in->radius)) {
            if (!strcmp(g->area_kind, "radius")) g->area_kind = "none";
        } else {
            /* A number, or the text as typed in any script (util/numtext.h). */
            double km = json_number_value(in->radius);
            bool number = json_is_number(in->radius) ||
                          (json_is_string(in->radius) &&
                           hy_number_parse(json_string_value(in->radius),
                                           json_string_length(in->radius), true, &km));
            if (!number || !(km >= 0.05 && km * 1000 <= HY_AREA_MAX_RADIUS_M)) {
                return input_error(err, HY_E_INVALID_FIELD,
                                      "radius_km must be a number from 0.05 to 500.", "radius_km");
            }
            g->area_kind = "radius";
            g->area = NULL;
            g->radius_m = km * 1000.0;
        }
    }
    /* A radius area's box follows the group's point. */
    if (!strcmp(g->area_kind, "radius")) hy_cap_bbox(g->lat, g->lon, g->radius_m, &g->area_box);
    if (!strcmp(g->area_kind, "polygon") && !in->has_area && (in->has_lat || in->has_lon)) {
        /* the polygon stays where it is */
    }
    if (in->has_contact) {
        const char *field, *problem;
        if (json_is_null(in->contact)) {
            g->contact = "{}";
        } else if (!hy_contact_valid(in->contact, &field, &problem)) {
            return input_error(err, HY_E_INVALID_FIELD, problem, field);
        } else {
            json_t *clean = json_object();
            const char *k;
            json_t *v;
            json_object_foreach(in->contact, k, v) {
                if (json_is_string(v) && json_string_length(v)) json_object_set(clean, k, v);
            }
            g->contact = to_arena(a, json_dumps(clean, JSON_COMPACT | JSON_SORT_KEYS));
            json_decref(clean);
        }
    }
    if (in->has_languages) {
        for (size_t i = 0; i < in->languages.count; i++)
            if (!hy_lang_tag_valid(in->languages.items[i])) {
                return input_error(err, HY_E_INVALID_FIELD,
                                      "Languages are tags like fa, en or ckb.", "languages");
            }
        g->languages = to_arena(a, strings_json(&in->languages));
    }
    if (in->has_tags) g->tags = to_arena(a, strings_json(&in->tags));
    if (!g->contact || !g->languages || !g->tags ||
        (!strcmp(g->area_kind, "polygon") && !g->area)) {
        return input_error(err, HY_E_INTERNAL, NULL, NULL);
    }
    /* The normalised copies both stores search and sort by. */
    json_t *tags = json_loads(g->tags, 0, NULL);
    hy_buf all = HY_BUF_INIT(0);
    hy_buf_puts(&all, g->name);
    hy_buf_putc(&all, ' ');
    hy_buf_puts(&all, g->description ? g->description : "");
    size_t i;
    json_t *t;
    json_array_foreach(tags, i, t) {
        hy_buf_putc(&all, ' ');
        hy_buf_puts(&all, json_string_value(t) ? json_string_value(t) : "");
    }
    json_decref(tags);
    g->search_text = hy_search_text(a, all.data ? all.data : "");
    hy_buf_free(&all);
    g->name_norm = hy_search_text(a, g->name);
    if (!g->search_text || !g->name_norm) {
        return input_error(err, HY_E_INTERNAL, NULL, NULL);
    }
    return true;
}

/* The input spec of a group's editable fields, into `in`. */
#define GROUP_SPEC(in, req_flag)                                                                   \
    {                                                                                              \
        {"name", HY_FT_STRING, req_flag, 1, HY_GROUP_NAME_MAX, &(in)->name, NULL, 0,              \
         &(in)->has_name},                                                                         \
        {"description", HY_FT_STRING, HY_OPTIONAL | HY_MULTILINE, 0, HY_GROUP_DESC_MAX,           \
         &(in)->description, NULL, 0, &(in)->has_description},                                     \
        {"lat", HY_FT_NUMBER, req_flag, -90, 90, &(in)->lat, NULL, 0, &(in)->has_lat},            \
        {"lon", HY_FT_NUMBER, req_flag, -180, 180, &(in)->lon, NULL, 0, &(in)->has_lon},          \
        {"area", HY_FT_ANY, HY_OPTIONAL, 0, 0, &(in)->area, NULL, 0, &(in)->has_area},           \
        {"radius_km", HY_FT_ANY, HY_OPTIONAL, 0, 0, &(in)->radius, NULL, 0, &(in)->has_radius},  \
        {"contact", HY_FT_ANY, HY_OPTIONAL, 0, 0, &(in)->contact, NULL, 0, &(in)->has_contact},  \
        {"languages", HY_FT_STRINGS, HY_OPTIONAL, 0, HY_GROUP_LANGS_MAX, &(in)->languages, NULL, \
         HY_GROUP_LANG_LEN, &(in)->has_languages},                                                 \
        {"tags", HY_FT_STRINGS, HY_OPTIONAL, 0, HY_GROUP_TAGS_MAX, &(in)->tags, NULL,             \
         HY_GROUP_TAG_LEN, &(in)->has_tags},                                                       \
        HY_F_END,                                                                                  \
    }

static bool read_input(hy_req *req, struct group_input *in, bool create, hy_result *res) {
    unsigned req_flag = create ? HY_REQUIRED : HY_OPTIONAL;
    struct hy_field spec[] = GROUP_SPEC(in, req_flag);
    return hy_input_parse(req, spec, res);
}

/* Reads stored edits (a JSON object of PATCH fields; `obj` must outlive `in`). */
static bool input_from_json(json_t *obj, hy_arena *a, struct group_input *in,
                            struct hy_parse_error *err) {
    *in = (struct group_input){0};
    struct hy_field spec[] = GROUP_SPEC(in, HY_OPTIONAL);
    return hy_fields_check(obj, spec, false, a, err);
}

static hy_result reply_input_error(hy_req *req, const struct hy_parse_error *err) {
    return hy_reply_error(req, err->code, err->message[0] ? err->message : NULL, err->field);
}


struct create_ctx {
    hy_req *req;
    struct hy_group g;
};

static int create_tx(hy_store *s, void *ctx) {
    struct create_ctx *c = ctx;
    int r = s->ops->groups->insert(s, &c->g);
    if (r <= 0) return r < 0 ? r : HY_DB_HARD; /* a 128-bit id clash: cannot happen */
    if ((r = s->ops->groups->owner_add(s, c->g.id, c->req->who->user_id)) < 0) return r;
    return hy_audit(s, hy_req_actor(c->req), "group_submitted", c->g.id, "");
}

hy_result hy_api_create_group(hy_req *req) {
    struct group_input in = {0};
    hy_result res;
    if (!read_input(req, &in, true, &res)) return res;
    struct create_ctx c = {.req = req};
    struct hy_group *g = &c.g;
    hy_id_new(g->id);
    g->description = "";
    g->area_kind = "none";
    g->contact = "{}";
    g->languages = "[]";
    g->tags = "[]";
    struct hy_parse_error err = {0};
    if (!apply_input(req->arena, &in, g, &err)) return reply_input_error(req, &err);
    char key[96];
    snprintf(key, sizeof key, "group_submit:user:%s", req->who->user_id);
    if (!hy_rate_allow(req, key, 30, 3600, &res)) return res;
    g->status = "pending";
    g->created_by = req->who->user_id;
    g->created_at = g->updated_at = hy_clock_now();
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, create_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *o = hy_group_json(g, false);
    return hy_reply_json(req, 201, o);
}

/* ---- changes to an approved group's public fields ----
 *
 * An approved group is on the map, in search and in the exports under the name, description,
 * contact and area a coordinator checked. Its owners' edits do not change that at once: they
 * become the group's pending change (later edits laid over earlier ones), which a coordinator
 * approves (applied then, on top of the group as it is by then) or rejects (discarded).
 * Admins and the group's own coordinators edit directly; so do owners while the group is
 * still pending (nobody sees it yet). */

/* Whether two JSON texts hold equal values (NULL as null). */
static bool json_text_equal(const char *a, const char *b) {
    json_t *x = json_loads(a ? a : "null", JSON_DECODE_ANY, NULL);
    json_t *y = json_loads(b ? b : "null", JSON_DECODE_ANY, NULL);
    bool same = x && y ? json_equal(x, y) : (a && b ? !strcmp(a, b) : a == b);
    json_decref(x);
    json_decref(y);
    return same;
}

/* The public fields whose values differ between `was` and `now`, as a JSON array of their API
 * names. */
static json_t *changed_fields(const struct hy_group *was, const struct hy_group *now) {
    bool was_poly = !strcmp(was->area_kind, "polygon"), now_poly = !strcmp(now->area_kind, "polygon");
    bool was_rad = !strcmp(was->area_kind, "radius"), now_rad = !strcmp(now->area_kind, "radius");
    bool diff[] = {
        strcmp(was->name, now->name) != 0,
        strcmp(was->description ? was->description : "", now->description ? now->description : "") != 0,
        was->lat != now->lat,
        was->lon != now->lon,
        was_poly != now_poly || (was_poly && !json_text_equal(was->area, now->area)),
        was_rad != now_rad || (was_rad && was->radius_m != now->radius_m),
        !json_text_equal(was->contact, now->contact),
        !json_text_equal(was->languages, now->languages),
        !json_text_equal(was->tags, now->tags),
    };
    static const char *const names[] = {"name", "description", "lat", "lon", "area",
                                        "radius_km", "contact", "languages", "tags"};
    json_t *out = json_array();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (diff[i]) json_array_append_new(out, json_string(names[i]));
    return out;
}

/* `g` with the stored edits of `ch` applied, into *ret. */
static bool apply_change(hy_arena *a, const struct hy_group *g, const struct hy_group_change *ch,
                         struct hy_group *ret, struct hy_parse_error *err) {
    json_t *obj = json_loads(ch->input, 0, NULL);
    struct group_input in;
    *ret = *g;
    bool ok = json_is_object(obj) && input_from_json(obj, a, &in, err) &&
              apply_input(a, &in, ret, err);
    if (!json_is_object(obj)) input_error(err, HY_E_INTERNAL, NULL, NULL);
    json_decref(obj);
    return ok;
}

/* {fields, proposed, submitted_by, submitted_at} of a pending change of `g`; NULL when it
 * cannot be applied any more. */
static json_t *change_json(hy_arena *a, const struct hy_group *g, const struct hy_group_change *ch) {
    struct hy_group proposed;
    struct hy_parse_error err;
    if (!apply_change(a, g, ch, &proposed, &err)) return NULL;
    return json_pack("{s:o,s:o,s:s?,s:I}", "fields", changed_fields(g, &proposed), "proposed",
                     hy_group_json(&proposed, false), "submitted_by", ch->submitted_by,
                     "submitted_at", (json_int_t)ch->submitted_at);
}

/* The merged edits of an owner: `add` laid over the pending ones (`was`, may be NULL); giving
 * one kind of area drops the other. A new JSON text (malloc), or NULL. */
static char *merge_input(const char *was, json_t *add) {
    json_t *m = was ? json_loads(was, 0, NULL) : NULL;
    if (!json_is_object(m)) {
        json_decref(m);
        m = json_object();
    }
    json_t *area = json_object_get(add, "area"), *radius = json_object_get(add, "radius_km");
    if (area && !json_is_null(area)) json_object_del(m, "radius_km");
    if (radius && !json_is_null(radius)) json_object_del(m, "area");
    json_object_update(m, add);
    char *text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(m);
    return text;
}

/* `fields` (a JSON array, released) as compact JSON text in the arena: the audit detail. */
static const char *fields_text(hy_arena *a, json_t *fields) {
    char *names = json_dumps(fields, JSON_COMPACT);
    json_decref(fields);
    const char *detail = names ? hy_arena_strdup(a, names) : NULL;
    free(names);
    return detail;
}

/* The members of the JSON object `input` named in `fields`, as a JSON text in the arena. */
static const char *keep_changed(hy_arena *a, const char *input, json_t *fields) {
    json_t *all = json_loads(input, 0, NULL), *keep = json_object();
    size_t i;
    json_t *name;
    json_array_foreach(fields, i, name) {
        json_t *v = json_object_get(all, json_string_value(name));
        if (v) json_object_set(keep, json_string_value(name), v);
    }
    char *text = json_dumps(keep, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(all);
    json_decref(keep);
    const char *copy = text ? hy_arena_strdup(a, text) : NULL;
    free(text);
    return copy;
}

struct patch_ctx {
    hy_req *req;
    const char *id;
    struct group_input in;
    struct hy_group g;
    struct hy_parse_error err;
    bool forbidden, invalid;
    /* an owner's edit of an approved group: kept as the pending change */
    bool moderated;
    struct hy_group_change change;
};

static int patch_tx(hy_store *s, void *ctx) {
    struct patch_ctx *c = ctx;
    hy_arena *a = c->req->arena;
    c->forbidden = c->invalid = c->moderated = false; /* a retried transaction starts over */
    int r = s->ops->groups->get(s, c->id, a, &c->g);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    /* Admins, the group's owners and the group's own coordinators edit it; a coordinator of
     * another group does not. */
    const struct hy_principal *who = c->req->who;
    bool direct = hy_is_role(who, "admin");
    if (!direct && hy_is_role(who, "coordinator")) {
        r = s->ops->groups->is_coordinator(s, c->id, who->user_id);
        if (r < 0) return r;
        direct = r == HY_DB_ONE;
    }
    if (!direct) {
        r = s->ops->groups->is_owner(s, c->id, who->user_id);
        if (r < 0) return r;
        if (r != HY_DB_ONE) {
            c->forbidden = true;
            return HY_DB_ABORT;
        }
    }
    struct hy_group edited = c->g;
    if (!apply_input(a, &c->in, &edited, &c->err)) {
        c->invalid = true;
        return HY_DB_ABORT;
    }
    if (direct || strcmp(c->g.status, "approved") != 0) {
        c->g = edited;
        c->g.updated_at = hy_clock_now();
        if ((r = s->ops->groups->update(s, &c->g)) <= 0) return r < 0 ? r : HY_DB_ABORT;
        return hy_audit(s, hy_req_actor(c->req), "group_edited", c->id, "");
    }
    /* An owner's edit of an approved group: laid over the pending change, if any. */
    struct hy_group_change was;
    r = s->ops->groups->change_get(s, c->id, a, &was);
    if (r < 0) return r;
    char *merged = merge_input(r == HY_DB_ONE ? was.input : NULL, c->req->json);
    if (!merged) return HY_DB_HARD;
    c->change = (struct hy_group_change){.input = hy_arena_strdup(a, merged),
                                         .submitted_by = who->user_id,
                                         .submitted_at = hy_clock_now()};
    free(merged);
    if (!c->change.input) return HY_DB_HARD;
    memcpy(c->change.group_id, c->id, HY_ID_LEN + 1);
    struct hy_group proposed;
    if (!apply_change(a, &c->g, &c->change, &proposed, &c->err)) {
        c->invalid = true;
        return HY_DB_ABORT;
    }
    json_t *fields = changed_fields(&c->g, &proposed);
    size_t nfields = json_array_size(fields);
    /* Only what differs from the public version is kept (forms send every field), so that
     * approving it later does not undo a coordinator's edits of other fields meanwhile. */
    const char *kept = keep_changed(a, c->change.input, fields);
    const char *detail = fields_text(a, fields);
    if (!detail || !kept) return HY_DB_HARD;
    c->change.input = kept;
    if (nfields == 0) {
        /* Back to the public version: nothing is left to review. */
        if ((r = s->ops->groups->change_delete(s, c->id)) < 0) return r;
        return HY_DB_ONE;
    }
    c->moderated = true;
    if ((r = s->ops->groups->change_put(s, &c->change)) < 0) return r;
    return hy_audit(s, hy_req_actor(c->req), "group_change_submitted", c->id, detail);
}

hy_result hy_api_update_group(hy_req *req) {
    struct patch_ctx c = {.req = req, .id = req->args[0]};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    hy_result res;
    if (!read_input(req, &c.in, false, &res)) return res;
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, patch_tx, &c);
    if (c.invalid) return reply_input_error(req, &c.err);
    if (c.forbidden)
        return hy_reply_error(req, HY_E_FORBIDDEN, "Only the group's owners can edit it.", NULL);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *o = hy_group_json(&c.g, false);
    if (!c.moderated) return hy_reply_json(req, 200, o);
    /* 202: the public version is unchanged until a coordinator approves the change. */
    json_t *ch = change_json(req->arena, &c.g, &c.change);
    if (!ch) {
        json_decref(o);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    json_object_set_new(o, "pending_change", ch);
    return hy_reply_json(req, 202, o);
}

/* ---- the moderation queue of changes ---- */

#define CHANGES_LIMIT_MAX 100

struct changes_ctx {
    hy_arena *a;
    size_t limit, offset, total;
    struct hy_group_change *ch;
    struct hy_group *g;
    int n;
};

static int changes_tx(hy_store *s, void *ctx) {
    struct changes_ctx *c = ctx;
    c->n = s->ops->groups->change_list(s, c->limit, c->offset, c->a, &c->ch, &c->total);
    if (c->n <= 0) return c->n;
    c->g = hy_arena_alloc(c->a, (size_t)c->n * sizeof *c->g);
    if (!c->g) return HY_DB_HARD;
    for (int i = 0; i < c->n; i++) {
        int r = s->ops->groups->get(s, c->ch[i].group_id, c->a, &c->g[i]);
        if (r <= 0) return r < 0 ? r : HY_DB_HARD; /* the change goes with its group */
    }
    return HY_DB_ONE;
}

hy_result hy_api_list_group_changes(hy_req *req) {
    long limit, offset;
    if (!int_param(req, "limit", 1, CHANGES_LIMIT_MAX, 50, &limit))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 100.", "limit");
    if (!int_param(req, "offset", 0, 1000000, 0, &offset))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "offset must be from 0 to 1000000.", "offset");
    struct changes_ctx c = {.a = req->arena, .limit = (size_t)limit, .offset = (size_t)offset};
    int r = hy_db_run(req->srv->db, HY_TX_READ, changes_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) {
        json_t *ch = change_json(req->arena, &c.g[i], &c.ch[i]);
        if (!ch) continue; /* cannot be applied any more: approve answers why */
        json_array_append_new(items, json_pack("{s:o,s:o}", "group", hy_group_json(&c.g[i], false),
                                               "change", ch));
    }
    return hy_reply_json(req, 200,
                         json_pack("{s:o,s:I}", "changes", items, "total", (json_int_t)c.total));
}

struct decide_ctx {
    hy_req *req;
    const char *id;
    bool approve;
    struct hy_group g;
    struct hy_parse_error err;
    bool no_change, invalid;
};

static int decide_tx(hy_store *s, void *ctx) {
    struct decide_ctx *c = ctx;
    hy_arena *a = c->req->arena;
    c->no_change = c->invalid = false; /* a retried transaction starts over */
    int r = s->ops->groups->get(s, c->id, a, &c->g);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    struct hy_group_change ch;
    if ((r = s->ops->groups->change_get(s, c->id, a, &ch)) < 0) return r;
    if (r == HY_DB_NONE) {
        c->no_change = true;
        return HY_DB_ABORT;
    }
    struct hy_group proposed;
    if (!apply_change(a, &c->g, &ch, &proposed, &c->err)) {
        c->invalid = true;
        return HY_DB_ABORT;
    }
    const char *detail = fields_text(a, changed_fields(&c->g, &proposed));
    if (!detail) return HY_DB_HARD;
    if (c->approve) {
        c->g = proposed;
        c->g.updated_at = hy_clock_now();
        if ((r = s->ops->groups->update(s, &c->g)) <= 0) return r < 0 ? r : HY_DB_ABORT;
    }
    if ((r = s->ops->groups->change_delete(s, c->id)) < 0) return r;
    return hy_audit(s, hy_req_actor(c->req),
                    c->approve ? "group_change_approved" : "group_change_rejected", c->id, detail);
}

static hy_result decide(hy_req *req, bool approve) {
    struct decide_ctx c = {.req = req, .id = req->args[0], .approve = approve};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, decide_tx, &c);
    if (c.invalid) return reply_input_error(req, &c.err);
    if (c.no_change)
        return hy_reply_error(req, HY_E_NOT_FOUND, "The group has no change waiting.", NULL);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, hy_group_json(&c.g, false));
}

hy_result hy_api_approve_group_change(hy_req *req) { return decide(req, true); }

hy_result hy_api_reject_group_change(hy_req *req) { return decide(req, false); }

/* ---- approve ---- */

struct approve_ctx {
    hy_req *req;
    const char *id;
    int verified; /* -1 keep */
    struct hy_group g;
};

static int approve_tx(hy_store *s, void *ctx) {
    struct approve_ctx *c = ctx;
    int r = s->ops->groups->get(s, c->id, c->req->arena, &c->g);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    bool verified = c->verified < 0 ? c->g.verified : c->verified == 1;
    int64_t now = hy_clock_now();
    if ((r = s->ops->groups->set_status(s, c->id, "approved", verified, now)) <= 0)
        return r < 0 ? r : HY_DB_ABORT;
    if ((r = hy_audit(s, hy_req_actor(c->req), "group_approved", c->id, c->g.status)) < 0) return r;
    c->g.status = "approved";
    c->g.verified = verified;
    c->g.updated_at = now;
    return HY_DB_ONE;
}

hy_result hy_api_approve_group(hy_req *req) {
    struct approve_ctx c = {.req = req, .id = req->args[0], .verified = -1};
    if (!hy_id_valid(c.id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    const char *v = hy_req_query(req, "verified");
    if (v) {
        if (!strcmp(v, "true"))
            c.verified = 1;
        else if (!strcmp(v, "false"))
            c.verified = 0;
        else
            return hy_reply_error(req, HY_E_INVALID_QUERY, "verified must be true or false.",
                                  "verified");
    }
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, approve_tx, &c);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, hy_group_json(&c.g, false));
}

/* ---- reject (a pending group, with the reason told to its submitter) and delete ---- */

#define HY_GROUP_REASON_MAX 500

struct remove_ctx {
    hy_req *req;
    const char *id;
    const char *reason; /* reject: told to the submitter; delete: NULL */
    bool only_pending;  /* a coordinator's delete and every reject */
    bool not_pending;
    struct hy_group g;
};

/* The submitter hears of a rejection in the same transaction as it, in their language. */
static int tell_submitter(hy_store *s, struct remove_ctx *c) {
    if (!c->g.created_by) return HY_DB_ONE;
    struct hy_user u;
    int r = s->ops->user_get(s, c->g.created_by, c->req->arena, &u);
    if (r <= 0) return r;
    if (!u.phone && !u.email) return HY_DB_ONE;
    json_t *payload = json_pack("{s:s,s:s}", "name", c->g.name, "reason", c->reason);
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    if (!text) return HY_DB_HARD;
    struct hy_outbox_message m = {
        .created_at = hy_clock_now(),
        .recipient = u.phone ? u.phone : u.email,
        .channel = u.phone ? "sms" : "email",
        .language = u.language,
        .template_name = "group_rejected",
        .payload = text,
    };
    r = s->ops->outbox_insert(s, &m);
    free(text);
    return r < 0 ? r : HY_DB_ONE;
}

static int remove_tx(hy_store *s, void *ctx) {
    struct remove_ctx *c = ctx;
    int r = s->ops->groups->get(s, c->id, c->req->arena, &c->g);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (c->only_pending && strcmp(c->g.status, "pending") != 0) {
        c->not_pending = true;
        return HY_DB_ABORT;
    }
    if ((r = s->ops->groups->remove(s, c->id)) <= 0) return r < 0 ? r : HY_DB_ABORT;
    /* The audit keeps the name (what was removed) and, for a rejection, the reason. */
    char *detail = hy_arena_printf(c->req->arena, "%s%s%s", c->g.name, c->reason ? " — " : "",
                                   c->reason ? c->reason : "");
    if (!detail) return HY_DB_HARD;
    if ((r = hy_audit(s, hy_req_actor(c->req), c->reason ? "group_rejected" : "group_deleted", c->id,
                      detail)) < 0)
        return r;
    return c->reason ? tell_submitter(s, c) : HY_DB_ONE;
}

static hy_result remove_group(hy_req *req, struct remove_ctx *c) {
    if (!hy_id_valid(c->id)) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, remove_tx, c);
    if (c->not_pending)
        return hy_reply_error(req, c->reason ? HY_E_CONFLICT : HY_E_FORBIDDEN,
                              c->reason ? "Only a group waiting for review can be rejected."
                                        : "Only an admin can delete an approved group.",
                              NULL);
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, json_pack("{s:s,s:s}", "id", c->id, "result",
                                             c->reason ? "rejected" : "deleted"));
}

hy_result hy_api_reject_group(hy_req *req) {
    struct remove_ctx c = {.req = req, .id = req->args[0], .only_pending = true};
    struct hy_field spec[] = {
        HY_F_STR("reason", HY_REQUIRED, 1, HY_GROUP_REASON_MAX, &c.reason), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    return remove_group(req, &c);
}

hy_result hy_api_delete_group(hy_req *req) {
    struct remove_ctx c = {.req = req, .id = req->args[0],
                           .only_pending = !hy_is_role(req->who, "admin")};
    return remove_group(req, &c);
}

/* ---- coordinators of a group ---- */

struct coord_ctx {
    hy_req *req;
    const char *group_id, *user_id;
    bool add, no_user, changed;
};

static int coord_tx(hy_store *s, void *ctx) {
    struct coord_ctx *c = ctx;
    struct hy_group g;
    int r = s->ops->groups->get(s, c->group_id, c->req->arena, &g);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    struct hy_user u;
    r = s->ops->user_get(s, c->user_id, c->req->arena, &u);
    if (r < 0) return r;
    if (r == HY_DB_NONE) {
        c->no_user = true;
        return HY_DB_ABORT;
    }
    r = c->add ? s->ops->groups->coordinator_add(s, c->group_id, c->user_id)
               : s->ops->groups->coordinator_remove(s, c->group_id, c->user_id);
    if (r < 0) return r;
    c->changed = r == HY_DB_ONE;
    if (!c->changed) return HY_DB_ONE;
    return hy_audit(s, hy_req_actor(c->req), c->add ? "group_coordinator_added" : "group_coordinator_removed",
                    c->group_id, c->user_id);
}

static hy_result coord(hy_req *req, struct coord_ctx *c) {
    if (!hy_id_valid(c->group_id))
        return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    if (!hy_id_valid(c->user_id))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "user_id must be an account id.", "user_id");
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, coord_tx, c);
    if (c->no_user)
        return hy_reply_error(req, HY_E_INVALID_FIELD, "No account has this id.", "user_id");
    if (r == HY_DB_ABORT) return hy_reply_error(req, HY_E_NOT_FOUND, "No such group.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200,
                         json_pack("{s:s,s:s,s:b}", "group_id", c->group_id, "user_id", c->user_id,
                                   "coordinator", c->add));
}

hy_result hy_api_add_group_coordinator(hy_req *req) {
    struct coord_ctx c = {.req = req, .group_id = req->args[0], .add = true};
    struct hy_field spec[] = {HY_F_STR("user_id", HY_REQUIRED, 1, 64, &c.user_id), HY_F_END};
    hy_result res;
    if (!hy_input_parse(req, spec, &res)) return res;
    return coord(req, &c);
}

hy_result hy_api_remove_group_coordinator(hy_req *req) {
    struct coord_ctx c = {.req = req, .group_id = req->args[0], .user_id = req->args[1]};
    return coord(req, &c);
}

/* ---- exports ---- */

struct export_ctx {
    const char *after;
    size_t limit;
    hy_arena *a;
    struct hy_group *g;
    int n;
};

static int export_tx(hy_store *s, void *ctx) {
    struct export_ctx *c = ctx;
    c->n = s->ops->groups->list(s, "approved", c->after, c->limit, c->a, &c->g);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* Calls emit() for every approved group after `after`, at most `limit`, a page at a time
 * (each page its own read transaction and arena). Sets *ret_last to the last id emitted
 * (in req's arena) and *ret_more when groups are left. Returns a store status. */
static int export_each(hy_req *req, const char *after, size_t limit,
                       int (*emit)(hy_buf *, const struct hy_group *, hy_arena *), hy_buf *out,
                       const char **ret_last, bool *ret_more) {
    char last[HY_ID_LEN + 1] = "";
    if (after) snprintf(last, sizeof last, "%s", after);
    size_t done = 0;
    *ret_more = false;
    while (done < limit) {
        struct export_ctx c = {.after = last, .a = hy_arena_new(0)};
        if (!c.a) return HY_DB_HARD;
        size_t want = limit - done < EXPORT_PAGE ? limit - done : EXPORT_PAGE;
        c.limit = want + 1;
        int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, export_tx, &c);
        if (r < 0) {
            hy_arena_free(c.a);
            return r;
        }
        size_t n = (size_t)c.n < want ? (size_t)c.n : want;
        for (size_t i = 0; i < n; i++)
            if (emit(out, &c.g[i], c.a)) {
                hy_arena_free(c.a);
                return HY_DB_HARD;
            }
        if (n) memcpy(last, c.g[n - 1].id, sizeof last);
        done += n;
        bool page_more = (size_t)c.n > want;
        hy_arena_free(c.a);
        if (!page_more) break;
        if (done >= limit) *ret_more = true;
    }
    *ret_last = hy_arena_strdup(req->arena, last);
    return HY_DB_ONE;
}

/* One group as a GeoJSON Feature. Its geometry is the group's point, or, when it has a service
 * area, a GeometryCollection of the point and the area as a Polygon (a radius as a circle of
 * CIRCLE_VERTICES vertices), wound as RFC 7946 asks. */
#define CIRCLE_VERTICES 64
static int emit_geojson(hy_buf *out, const struct hy_group *g, hy_arena *a) {
    (void)a;
    json_t *props = hy_group_json(g, false);
    json_object_del(props, "lat");
    json_object_del(props, "lon");
    json_object_del(props, "status");
    json_t *area = NULL, *stored = json_object_get(props, "area");
    if (json_is_object(stored) && (area = hy_polygon_rfc7946(stored)) != NULL)
        json_object_set(props, "area", area);
    else if (g->area_kind && !strcmp(g->area_kind, "radius"))
        area = hy_circle_polygon(g->lat, g->lon, g->radius_m, CIRCLE_VERTICES);
    json_t *point = json_pack("{s:s,s:[f,f]}", "type", "Point", "coordinates", g->lon, g->lat);
    json_t *geometry = area ? json_pack("{s:s,s:[o,o]}", "type", "GeometryCollection",
                                        "geometries", point, area)
                            : point;
    json_t *f = json_pack("{s:s,s:s,s:o,s:o}", "type", "Feature", "id", g->id, "geometry",
                          geometry, "properties", props);
    char *t = f ? json_dumps(f, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(f);
    if (!t) return -1;
    int r = hy_buf_puts(out, out->len && out->data[out->len - 1] == '[' ? "" : ",");
    if (!r) r = hy_buf_puts(out, t);
    free(t);
    return r;
}

hy_result hy_api_export_groups_geojson(hy_req *req) {
    const char *after = hy_req_query(req, "after");
    if (after && !hy_id_valid(after))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "after must be a group id.", "after");
    long limit;
    if (!int_param(req, "limit", 1, EXPORT_LIMIT_MAX, EXPORT_LIMIT_MAX, &limit))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 100000.", "limit");
    hy_buf out = HY_BUF_INIT((size_t)1 << 30);
    hy_buf_puts(&out, "{\"type\":\"FeatureCollection\",\"features\":[");
    const char *last;
    bool more;
    int r = export_each(req, after, (size_t)limit, emit_geojson, &out, &last, &more);
    if (r < 0) {
        hy_buf_free(&out);
        return hy_reply_store_error(req, r);
    }
    hy_buf_puts(&out, "],\"attribution\":\"Hamyari group directory\"}\n");
    hy_result res =
        (more && hy_req_add_header(req, "X-Next-After", last) < 0) ||
                hy_req_add_header(req, "Content-Disposition",
                                  "attachment; filename=\"groups.geojson\"") < 0
            ? hy_reply_error(req, HY_E_INTERNAL, NULL, NULL)
            : hy_reply_cached(req, "application/geo+json", out.data, out.len, &(struct hy_cache){0});
    hy_buf_free(&out);
    return res;
}

/* A stored JSON array of strings as "a;b;c"; NULL when out of memory. */
static const char *joined(hy_arena *a, const char *json) {
    json_t *v = json ? json_loads(json, 0, NULL) : NULL;
    const char *r = hy_group_list_text(a, v);
    json_decref(v);
    return r;
}

static const char *contact_field(hy_arena *a, const char *json, const char *key) {
    json_t *v = json ? json_loads(json, 0, NULL) : NULL;
    const char *s = json_string_value(json_object_get(v, key));
    const char *r = hy_arena_strdup(a, s ? s : "");
    json_decref(v);
    return r;
}

static const char *const csv_columns[] = {
    "id",    "name",    "description", "lat",  "lon",       "phone",    "email", "website",
    "messaging", "tags", "languages", "radius_km", "verified", "demo", NULL};

/* One group as a CSV row (util/csv.h): text guarded, positions and radius plain numbers. */
static int emit_csv(hy_buf *out, const struct hy_group *g, hy_arena *a) {
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, out, false);
    const char *contact[] = {contact_field(a, g->contact, "phone"),
                             contact_field(a, g->contact, "email"),
                             contact_field(a, g->contact, "website"),
                             contact_field(a, g->contact, "messaging")};
    const char *tags = joined(a, g->tags), *langs = joined(a, g->languages);
    if (!contact[0] || !contact[1] || !contact[2] || !contact[3] || !tags || !langs) return -1;
    hy_csv_text(&w, g->id);
    hy_csv_text(&w, g->name);
    hy_csv_text(&w, g->description);
    hy_csv_real(&w, g->lat);
    hy_csv_real(&w, g->lon);
    for (size_t i = 0; i < 4; i++) hy_csv_text(&w, contact[i]);
    hy_csv_text(&w, tags);
    hy_csv_text(&w, langs);
    if (g->area_kind && !strcmp(g->area_kind, "radius")) hy_csv_real(&w, g->radius_m / 1000.0);
    else hy_csv_empty(&w);
    hy_csv_text(&w, g->verified ? "true" : "false");
    hy_csv_text(&w, g->demo ? "true" : "false");
    return hy_csv_end_row(&w) ? -1 : 0;
}

hy_result hy_api_export_groups_csv(hy_req *req) {
    const char *after = hy_req_query(req, "after");
    if (after && !hy_id_valid(after))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "after must be a group id.", "after");
    long limit;
    if (!int_param(req, "limit", 1, EXPORT_LIMIT_MAX, EXPORT_LIMIT_MAX, &limit))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 100000.", "limit");
    bool bom;
    if (!hy_csv_bom_option(hy_req_query(req, "bom"), &bom))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "bom must be 0 or 1.", "bom");
    hy_buf out = HY_BUF_INIT((size_t)1 << 30);
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, &out, bom);
    hy_csv_header(&w, csv_columns);
    const char *last;
    bool more;
    int r = hy_csv_writer_error(&w) ? HY_DB_HARD
                                    : export_each(req, after, (size_t)limit, emit_csv, &out, &last, &more);
    if (r < 0) {
        hy_buf_free(&out);
        return hy_reply_store_error(req, r);
    }
    if (more) hy_req_add_header(req, "X-Next-After", last);
    hy_req_add_header(req, "Content-Disposition", "attachment; filename=\"groups.csv\"");
    hy_result res = hy_reply_cached(req, "text/csv; charset=utf-8", out.data ? out.data : "",
                                    out.len, &(struct hy_cache){0});
    hy_buf_free(&out);
    return res;
}

/* ---- GET /api/v1/geocode ---- */

struct geocode_ctx {
    struct hy_geocode_query q;
    hy_arena *a;
    struct hy_place *p;
    int n;
};

static int geocode_tx(hy_store *s, void *ctx) {
    struct geocode_ctx *c = ctx;
    c->n = s->ops->groups->geocode(s, &c->q, c->a, &c->p);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

int hy_api_find_places(hy_req *req, const char *q, size_t limit, const double *near,
                       struct hy_place **ret) {
    struct geocode_ctx c = {.a = req->arena, .q.limit = limit};
    if (near) {
        c.q.near_lat = near[0];
        c.q.near_lon = near[1];
        c.q.has_near = true;
    }
    c.q.country = req->srv->cfg->region_country;
    c.q.prefix = hy_search_text(req->arena, q);
    char key[16];
    if (hy_postcode_key(q, key, sizeof key)) {
        /* A postcode has a digit; a word like "london" is a place. */
        bool digit = strpbrk(key, "0123456789") != NULL;
        if (digit) c.q.postcode_key = key;
    }
    if (!c.q.prefix) return HY_DB_HARD;
    *ret = NULL;
    if (!*c.q.prefix && !c.q.postcode_key) return 0;
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, geocode_tx, &c);
    if (r < 0) return r;
    *ret = c.p;
    return c.n;
}

hy_result hy_api_geocode(hy_req *req) {
    const char *q = hy_req_query(req, "q");
    if (!q || !*q || !hy_text_ok(q, strlen(q), 0, 100))
        return hy_reply_error(req, HY_E_INVALID_QUERY,
                              "q must be a place name or postcode (1 to 100 characters).", "q");
    long limit;
    if (!int_param(req, "limit", 1, 20, 8, &limit))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "limit must be from 1 to 20.", "limit");
    const char *near = hy_req_query(req, "near");
    double ll[2];
    if (near && (!hy_number_list(near, 2, ll) || !hy_geo_valid(ll[0], ll[1])))
        return hy_reply_error(req, HY_E_INVALID_QUERY,
                              "near must be LAT,LON with latitude -90..90 and longitude -180..180.",
                              "near");
    struct hy_place *found;
    int n = hy_api_find_places(req, q, (size_t)limit, near ? ll : NULL, &found);
    if (n < 0) return hy_reply_store_error(req, n);
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        struct hy_place *p = &found[i];
        json_t *o =
            json_pack("{s:s,s:s,s:f,s:f,s:s,s:s,s:I,s:b,s:b}", "kind", p->kind, "name",
                      p->name ? p->name : "", "lat", p->lat, "lon", p->lon, "country",
                      p->country ? p->country : "", "admin1", p->admin1 ? p->admin1 : "",
                      "population", (json_int_t)p->population, "exact", p->exact, "local",
                      p->local);
        if (p->geonameid > 0) json_object_set_new(o, "geonameid", json_integer(p->geonameid));
        if (p->feature && *p->feature)
            json_object_set_new(o, "feature", json_string(p->feature));
        if (p->ascii_name && strcmp(p->ascii_name, p->name ? p->name : ""))
            json_object_set_new(o, "ascii_name", json_string(p->ascii_name));
        json_array_append_new(arr, o);
    }
    return hy_reply_json(req, 200,
                         json_pack("{s:o,s:s}", "places", arr, "attribution",
                                   "Place names: GeoNames (geonames.org), CC BY 4.0"));
}
