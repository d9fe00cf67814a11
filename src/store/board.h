/* board.h — the store functions of the neighbour-help board (domain/board.h): posts, the
 * nearest compatible posts, conversations and relayed messages. One table serves both
 * backends (statements written once in store/sql/board.def; only the spatial candidates query
 * is each backend's own: SQLite's R*Tree, PostGIS's GiST). Statuses as in store.h; strings
 * handed back live in the arena passed in. */
#ifndef HY_STORE_BOARD_H
#define HY_STORE_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/board.h"
#include "store/store.h"

struct hy_board_ops {
    int (*post_insert)(hy_store *s, const struct hy_board_post *p);
    /* The post as of `now`: an open post past its expiry reads as archived, whether or not
     * archive_expired() has run. HY_DB_NONE for an unknown id. */
    int (*post_get)(hy_store *s, const char *id, int64_t now, hy_arena *a,
                    struct hy_board_post *ret);
    /* Replaces category … expires_at and updated_at of p->id. */
    int (*post_update)(hy_store *s, const struct hy_board_post *p);
    int (*post_set_status)(hy_store *s, const char *id, const char *status, const char *reason,
                           int64_t now);
    /* Posts `author_id` made at or after `since`. */
    int (*post_count_since)(hy_store *s, const char *author_id, int64_t since, int64_t *ret);
    /* The author's open, unexpired posts of this kind and category, newest first. */
    int (*post_mine_open)(hy_store *s, const char *author_id, const char *kind,
                          const char *category, int64_t now, size_t limit, hy_arena *a,
                          struct hy_board_post **ret);
    /* The author's posts as of `now` (expired ones read as archived, as post_get), newest
     * first. */
    int (*post_mine)(hy_store *s, const char *author_id, int64_t now, size_t limit, hy_arena *a,
                     struct hy_board_post **ret);
    /* Open, unexpired posts nearest to q's point within q->reach_m that have q's slot (or any
     * slot, then q->kind and q->category filter when set), overlap q's time window (when
     * set), are not q->exclude_id and (when set) are q->author_id's: by distance, ties by id,
     * distance_m filled. Index-driven: a box around the point grows until it holds q->limit.
     * Returns the count (<= q->limit). */
    int (*near)(hy_store *s, const struct hy_board_query *q, hy_arena *a,
                struct hy_board_post **ret);
    /* Archives the open posts expired by `now`; returns how many. */
    int (*archive_expired)(hy_store *s, int64_t now);

    /* A conversation per (post, responder): HY_DB_NONE when that pair has one already. */
    int (*conv_insert)(hy_store *s, const struct hy_board_conv *c);
    int (*conv_get)(hy_store *s, const char *id, struct hy_board_conv *ret);
    int (*conv_by_pair)(hy_store *s, const char *post_id, const char *responder_id,
                        struct hy_board_conv *ret);
    /* The conversations `user_id` is in, most recently active first. */
    int (*conv_mine)(hy_store *s, const char *user_id, size_t limit, hy_arena *a,
                     struct hy_board_conv **ret);
    /* Records the author's (or the responder's) agreement at `at`, or withdraws it (at 0):
     * HY_DB_NONE when withdrawing after the other side agreed too. */
    int (*conv_agree)(hy_store *s, const char *id, bool author, int64_t at, int64_t now);
    int (*msg_insert)(hy_store *s, const struct hy_board_message *m);
    /* The conversation's messages, oldest first. */
    int (*msg_list)(hy_store *s, const char *conv_id, size_t limit, hy_arena *a,
                    struct hy_board_message **ret);
    /* Messages `sender_id` sent at or after `since`. */
    int (*msg_count_since)(hy_store *s, const char *sender_id, int64_t since, int64_t *ret);
    /* Erases the messages sent before `before`; returns how many. */
    int (*msg_purge)(hy_store *s, int64_t before);
};

extern const struct hy_board_ops hy_st_board_ops;

#endif
