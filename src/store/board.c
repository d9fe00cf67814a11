/* board.c — the neighbour-help board's store functions, written once for both backends
 * (store/board.h). The nearest compatible posts: a box around the point (1 km, then four times
 * wider each round, up to the reach) is asked of the backend's spatial index for the posts of
 * the wanted slot; the survivors of the exact filters (time window, distance) are ranked by
 * their haversine distance, ties by id, the same on both backends. */
#include "store/board.h"

#include <math.h>
#include <string.h>

#include "domain/geo.h"
#include "store/engine.h"
#include "store/rows.h"

/* The most candidates one box reads. */
#define BOX_CAP 4000
#define FIRST_RADIUS_M 1000.0
/* Later than any post's window: the query's window when it has none. */
#define ANY_TIME ((int64_t)1 << 50)

static int post_insert(hy_store *s, const struct hy_board_post *p) {
    if (!hy_geo_valid(p->lat, p->lon)) return HY_DB_HARD;
    return hy_st_exec(
        s, HY_Q_BOARD_POST_INSERT,
        HY_ARGS(hy_arg_text(p->id), hy_arg_text(p->author_id), hy_arg_text(p->kind),
                hy_arg_text(p->category), hy_arg_i64(p->slot), hy_arg_text(p->body),
                hy_arg_text_or(p->body_norm, ""), hy_arg_f64(p->lat), hy_arg_f64(p->lon),
                hy_arg_text_or(p->place, ""), hy_arg_text(p->language), hy_arg_i64(p->starts_at),
                hy_arg_i64(p->ends_at), hy_arg_i64(p->expires_at), hy_arg_text(p->status),
                hy_arg_text(p->hidden_reason), hy_arg_bool(p->demo), hy_arg_i64(p->created_at),
                hy_arg_i64(p->updated_at)));
}

static int post_get(hy_store *s, const char *id, int64_t now, hy_arena *a,
                    struct hy_board_post *ret) {
    return hy_st_one(s, HY_Q_BOARD_POST_GET, HY_ARGS(hy_arg_text(id), hy_arg_i64(now)),
                     &hy_row_board_post, a, ret);
}

static int post_update(hy_store *s, const struct hy_board_post *p) {
    if (!hy_geo_valid(p->lat, p->lon)) return HY_DB_HARD;
    return hy_st_exec(
        s, HY_Q_BOARD_POST_UPDATE,
        HY_ARGS(hy_arg_text(p->id), hy_arg_text(p->category), hy_arg_i64(p->slot),
                hy_arg_text(p->body), hy_arg_text_or(p->body_norm, ""), hy_arg_f64(p->lat),
                hy_arg_f64(p->lon), hy_arg_text_or(p->place, ""), hy_arg_text(p->language),
                hy_arg_i64(p->starts_at), hy_arg_i64(p->ends_at), hy_arg_i64(p->expires_at),
                hy_arg_i64(p->updated_at)));
}

static int post_set_status(hy_store *s, const char *id, const char *status, const char *reason,
                           int64_t now) {
    return hy_st_exec(s, HY_Q_BOARD_POST_STATUS,
                      HY_ARGS(hy_arg_text(id), hy_arg_text(status), hy_arg_text(reason),
                              hy_arg_i64(now)));
}

static int post_count_since(hy_store *s, const char *author_id, int64_t since, int64_t *ret) {
    return hy_st_i64(s, HY_Q_BOARD_POST_COUNT_SINCE,
                     HY_ARGS(hy_arg_text(author_id), hy_arg_i64(since)), ret);
}

static int post_mine_open(hy_store *s, const char *author_id, const char *kind,
                          const char *category, int64_t now, size_t limit, hy_arena *a,
                          struct hy_board_post **ret) {
    return hy_st_list(s, HY_Q_BOARD_POST_MINE_OPEN,
                      HY_ARGS(hy_arg_text(author_id), hy_arg_text(kind), hy_arg_text(category),
                              hy_arg_i64(now), hy_arg_size(limit)),
                      &hy_row_board_post, limit, a, ret);
}

static int post_mine(hy_store *s, const char *author_id, int64_t now, size_t limit,
                     hy_arena *a, struct hy_board_post **ret) {
    return hy_st_list(s, HY_Q_BOARD_POST_MINE,
                      HY_ARGS(hy_arg_text(author_id), hy_arg_size(limit), hy_arg_i64(now)),
                      &hy_row_board_post, limit, a, ret);
}

/* Whether candidate p passes q's exact filters; sets its distance. */
static bool wanted(const struct hy_board_query *q, struct hy_board_post *p, double radius) {
    if (q->exclude_id && !strcmp(p->id, q->exclude_id)) return false;
    if (q->author_id && strcmp(p->author_id, q->author_id) != 0) return false;
    if (q->kind && strcmp(p->kind, q->kind) != 0) return false;
    if (q->category && strcmp(p->category, q->category) != 0) return false;
    if ((q->starts_at || q->ends_at) && (p->starts_at >= q->ends_at || p->ends_at <= q->starts_at))
        return false;
    p->distance_m = hy_geo_distance_m(q->lat, q->lon, p->lat, p->lon);
    return p->distance_m <= radius;
}

static int near(hy_store *s, const struct hy_board_query *q, hy_arena *a,
                struct hy_board_post **ret) {
    if (!hy_geo_valid(q->lat, q->lon) || !(q->reach_m > 0) || q->limit == 0 ||
        q->limit > BOX_CAP)
        return HY_DB_HARD;
    int ncat = 0;
    while (hy_board_categories[ncat].key) ncat++;
    int64_t slot_lo = q->slot >= 0 ? q->slot : 0, slot_hi = q->slot >= 0 ? q->slot : 2 * ncat - 1;
    double radius = FIRST_RADIUS_M < q->reach_m ? FIRST_RADIUS_M : q->reach_m;
    /* The window is compared in the query: rows of other times are never sent or decoded. */
    bool window = q->starts_at || q->ends_at;
    struct hy_board_post *v = NULL;
    size_t kept = 0;
    for (;;) {
        double dlat = radius / 111195.0;
        double c = cos(q->lat * M_PI / 180.0);
        double dlon = c > 0.01 ? dlat / c : 360.0;
        double min_lat = fmax(q->lat - dlat, -90), max_lat = fmin(q->lat + dlat, 90);
        double min_lon = fmax(q->lon - dlon, -180), max_lon = fmin(q->lon + dlon, 180);
        int n = hy_st_list(s, HY_Q_BOARD_POST_BOX,
                           HY_ARGS(hy_arg_f64(min_lat), hy_arg_f64(max_lat), hy_arg_f64(min_lon),
                                   hy_arg_f64(max_lon), hy_arg_i64(slot_lo), hy_arg_i64(slot_hi),
                                   hy_arg_i64(q->now), hy_arg_size(BOX_CAP),
                                   hy_arg_i64(window ? q->starts_at : 0),
                                   hy_arg_i64(window ? q->ends_at : ANY_TIME)),
                           &hy_row_board_post, BOX_CAP, a, &v);
        if (n < 0) return n;
        kept = 0;
        for (int i = 0; i < n; i++)
            if (wanted(q, &v[i], radius)) v[kept++] = v[i];
        if (kept >= q->limit || radius >= q->reach_m || n >= BOX_CAP) break;
        radius = fmin(radius * 4, q->reach_m);
    }
    hy_board_sort(v, kept);
    *ret = v;
    return (int)(kept < q->limit ? kept : q->limit);
}

static int archive_expired(hy_store *s, int64_t now) {
    return hy_st_changes(s, HY_Q_BOARD_POST_ARCHIVE, HY_ARGS(hy_arg_i64(now)));
}

static int conv_insert(hy_store *s, const struct hy_board_conv *c) {
    return hy_st_exec(s, HY_Q_BOARD_CONV_INSERT,
                      HY_ARGS(hy_arg_text(c->id), hy_arg_text(c->post_id),
                              hy_arg_text(c->author_id), hy_arg_text(c->responder_id),
                              hy_arg_i64(c->created_at)));
}

static int conv_get(hy_store *s, const char *id, struct hy_board_conv *ret) {
    return hy_st_one(s, HY_Q_BOARD_CONV_GET, HY_ARGS(hy_arg_text(id)), &hy_row_board_conv, NULL,
                     ret);
}

static int conv_by_pair(hy_store *s, const char *post_id, const char *responder_id,
                        struct hy_board_conv *ret) {
    return hy_st_one(s, HY_Q_BOARD_CONV_BY_PAIR,
                     HY_ARGS(hy_arg_text(post_id), hy_arg_text(responder_id)), &hy_row_board_conv,
                     NULL, ret);
}

static int conv_mine(hy_store *s, const char *user_id, size_t limit, hy_arena *a,
                     struct hy_board_conv **ret) {
    return hy_st_list(s, HY_Q_BOARD_CONV_MINE, HY_ARGS(hy_arg_text(user_id), hy_arg_size(limit)),
                      &hy_row_board_conv, limit, a, ret);
}

static int conv_agree(hy_store *s, const char *id, bool author, int64_t at, int64_t now) {
    return hy_st_exec(s, author ? HY_Q_BOARD_CONV_AGREE_AUTHOR : HY_Q_BOARD_CONV_AGREE_RESPONDER,
                      HY_ARGS(hy_arg_text(id), hy_arg_i64_nonzero(at), hy_arg_i64(now)));
}

static int msg_insert(hy_store *s, const struct hy_board_message *m) {
    int r = hy_st_exec(s, HY_Q_BOARD_MSG_INSERT,
                       HY_ARGS(hy_arg_text(m->conv_id), hy_arg_text(m->sender_id),
                               hy_arg_text(m->body), hy_arg_i64(m->created_at)));
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    return hy_st_exec(s, HY_Q_BOARD_CONV_TOUCH,
                      HY_ARGS(hy_arg_text(m->conv_id), hy_arg_i64(m->created_at)));
}

static int msg_list(hy_store *s, const char *conv_id, size_t limit, hy_arena *a,
                    struct hy_board_message **ret) {
    return hy_st_list(s, HY_Q_BOARD_MSG_LIST, HY_ARGS(hy_arg_text(conv_id), hy_arg_size(limit)),
                      &hy_row_board_message, limit, a, ret);
}

static int msg_count_since(hy_store *s, const char *sender_id, int64_t since, int64_t *ret) {
    return hy_st_i64(s, HY_Q_BOARD_MSG_COUNT_SINCE,
                     HY_ARGS(hy_arg_text(sender_id), hy_arg_i64(since)), ret);
}

static int msg_purge(hy_store *s, int64_t before) {
    return hy_st_changes(s, HY_Q_BOARD_MSG_PURGE, HY_ARGS(hy_arg_i64(before)));
}

const struct hy_board_ops hy_st_board_ops = {
    .post_insert = post_insert,
    .post_get = post_get,
    .post_update = post_update,
    .post_set_status = post_set_status,
    .post_count_since = post_count_since,
    .post_mine_open = post_mine_open,
    .post_mine = post_mine,
    .near = near,
    .archive_expired = archive_expired,
    .conv_insert = conv_insert,
    .conv_get = conv_get,
    .conv_by_pair = conv_by_pair,
    .conv_mine = conv_mine,
    .conv_agree = conv_agree,
    .msg_insert = msg_insert,
    .msg_list = msg_list,
    .msg_count_since = msg_count_since,
    .msg_purge = msg_purge,
};
