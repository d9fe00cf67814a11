/* challenges.c — challenges, ideas, votes, comments and reports in the store (challenges.h),
 * once for both backends. */
#include "store/challenges.h"

#include "store/shared.h"

static int challenge_insert(hy_store *s, const struct hy_challenge *c) {
    return hy_st_write(s, HY_Q_CH_INSERT,
                       HY_ARGS(hy_arg_text(c->id), hy_arg_text_or(c->title_fa, ""),
                               hy_arg_text_or(c->title_en, ""), hy_arg_text_or(c->problem_fa, ""),
                               hy_arg_text_or(c->problem_en, ""), hy_arg_i64(c->ideas_at),
                               hy_arg_i64(c->voting_at), hy_arg_i64(c->results_at),
                               hy_arg_i64(c->votes_per_person), hy_arg_bool(c->show_votes),
                               hy_arg_bool(c->random_order), hy_arg_i64(c->threshold),
                               hy_arg_text(c->created_by), hy_arg_i64(c->created_at),
                               hy_arg_bool(c->demo)));
}

static int challenge_get(hy_store *s, const char *id, hy_arena *a, struct hy_challenge *ret) {
    return hy_st_one(s, HY_Q_CH_GET, HY_ARGS(hy_arg_text(id)), &hy_row_challenge, a, ret);
}

static int challenge_list(hy_store *s, size_t max, hy_arena *a, struct hy_challenge **ret) {
    return hy_st_list(s, HY_Q_CH_LIST, HY_ARGS(hy_arg_size(max)), &hy_row_challenge, max, a, ret);
}

static int idea_insert(hy_store *s, const struct hy_idea *i) {
    return hy_st_write(s, HY_Q_IDEA_INSERT,
                       HY_ARGS(hy_arg_text(i->id), hy_arg_text(i->challenge_id),
                               hy_arg_text(i->author_id), hy_arg_text(i->title),
                               hy_arg_text(i->description), hy_arg_text_or(i->team, ""),
                               hy_arg_text_or(i->links, "[]"), hy_arg_text_or(i->tags, "[]"),
                               hy_arg_text(i->language), hy_arg_i64(i->created_at),
                               hy_arg_bool(i->demo)));
}

static int idea_get(hy_store *s, const char *id, hy_arena *a, struct hy_idea *ret) {
    return hy_st_one(s, HY_Q_IDEA_GET, HY_ARGS(hy_arg_text(id)), &hy_row_idea, a, ret);
}

static int idea_list(hy_store *s, const char *challenge_id, enum hy_idea_sort sort, bool hidden,
                     size_t max, hy_arena *a, struct hy_idea **ret) {
    return hy_st_list(s, HY_Q_IDEA_LIST,
                      HY_ARGS(hy_arg_text(challenge_id), hy_arg_i64(sort), hy_arg_bool(hidden),
                              hy_arg_size(max)),
                      &hy_row_idea, max, a, ret);
}

static int vote_add(hy_store *s, const char *challenge_id, const char *idea_id, const char *voter,
                    int64_t budget, int64_t now) {
    /* The key counts the vote once: a second insert (also a concurrent one, which waits for
     * the first to commit) writes nothing. */
    int n = hy_st_changes(s, HY_Q_VOTE_INSERT, HY_ARGS(hy_arg_text(idea_id), hy_arg_text(voter)));
    if (n <= 0) return n < 0 ? n : HY_VOTE_ALREADY;
    int r = hy_st_exec(s, HY_Q_BALLOT_ENSURE, HY_ARGS(hy_arg_text(challenge_id), hy_arg_text(voter)));
    if (r < 0) return r;
    /* The budget: the ballot row's lock orders one person's concurrent votes, and each
     * re-checks `used` after the one before it committed. */
    n = hy_st_changes(s, HY_Q_BALLOT_USE,
                      HY_ARGS(hy_arg_text(challenge_id), hy_arg_text(voter), hy_arg_i64(budget)));
    if (n <= 0) return n < 0 ? n : HY_VOTE_BUDGET_SPENT;
    n = hy_st_changes(s, HY_Q_IDEA_VOTES_ADD,
                      HY_ARGS(hy_arg_text(idea_id), hy_arg_i64(1), hy_arg_i64(now)));
    if (n < 0) return n;
    return n ? HY_VOTE_COUNTED : HY_DB_HARD;
}

static int vote_remove(hy_store *s, const char *challenge_id, const char *idea_id,
                       const char *voter, int64_t now) {
    int n = hy_st_changes(s, HY_Q_VOTE_DELETE, HY_ARGS(hy_arg_text(idea_id), hy_arg_text(voter)));
    if (n <= 0) return n;
    int r = hy_st_exec(s, HY_Q_BALLOT_RETURN, HY_ARGS(hy_arg_text(challenge_id), hy_arg_text(voter)));
    if (r < 0) return r;
    n = hy_st_changes(s, HY_Q_IDEA_VOTES_ADD,
                      HY_ARGS(hy_arg_text(idea_id), hy_arg_i64(-1), hy_arg_i64(now)));
    return n < 0 ? n : HY_DB_ONE;
}

static int vote_used(hy_store *s, const char *challenge_id, const char *voter, int64_t *ret) {
    *ret = 0;
    int r = hy_st_i64(s, HY_Q_BALLOT_USED, HY_ARGS(hy_arg_text(challenge_id), hy_arg_text(voter)), ret);
    return r < 0 ? r : HY_DB_ONE;
}

static int vote_mine(hy_store *s, const char *challenge_id, const char *voter, hy_arena *a,
                     char (**ret)[HY_ID_LEN + 1]) {
    return hy_st_list(s, HY_Q_VOTE_MINE, HY_ARGS(hy_arg_text(challenge_id), hy_arg_text(voter)),
                      &hy_row_id, 10000, a, ret);
}

static int comment_insert(hy_store *s, const struct hy_idea_comment *c) {
    int r = hy_st_write(s, HY_Q_COMMENT_INSERT,
                        HY_ARGS(hy_arg_text(c->id), hy_arg_text(c->idea_id),
                                hy_arg_text(c->author_id), hy_arg_text(c->body),
                                hy_arg_i64(c->created_at)));
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    int n = hy_st_changes(s, HY_Q_IDEA_COMMENTS_ADD, HY_ARGS(hy_arg_text(c->idea_id), hy_arg_i64(c->created_at)));
    return n < 0 ? n : HY_DB_ONE;
}

static int comment_list(hy_store *s, const char *idea_id, bool hidden, size_t max, hy_arena *a,
                        struct hy_idea_comment **ret) {
    return hy_st_list(s, HY_Q_COMMENT_LIST,
                      HY_ARGS(hy_arg_text(idea_id), hy_arg_bool(hidden), hy_arg_size(max)),
                      &hy_row_idea_comment, max, a, ret);
}

static int hide(hy_store *s, const char *challenge_id, bool comment, const char *id, bool hidden,
                const char *reason) {
    int n = hy_st_changes(s, comment ? HY_Q_COMMENT_HIDE : HY_Q_IDEA_HIDE,
                          HY_ARGS(hy_arg_text(id), hy_arg_bool(hidden),
                                  hy_arg_text(hidden ? reason : NULL), hy_arg_text(challenge_id)));
    if (n < 0) return n;
    return n ? HY_DB_ONE : HY_DB_NONE;
}

static int report_insert(hy_store *s, const char *id, const char *idea_id, const char *comment_id,
                         const char *reporter, const char *reason, int64_t now) {
    int n = hy_st_changes(s, HY_Q_REPORT_INSERT,
                          HY_ARGS(hy_arg_text(id), hy_arg_text(idea_id), hy_arg_text(comment_id),
                                  hy_arg_text(reporter), hy_arg_text(reason), hy_arg_i64(now)));
    if (n < 0) return n;
    return n ? HY_DB_ONE : HY_DB_NONE;
}

static int report_list(hy_store *s, const char *challenge_id, size_t max, hy_arena *a,
                       struct hy_content_report **ret) {
    return hy_st_list(s, HY_Q_REPORT_LIST, HY_ARGS(hy_arg_text(challenge_id), hy_arg_size(max)),
                      &hy_row_report, max, a, ret);
}

static int demo_remove(hy_store *s) { return hy_st_changes(s, HY_Q_CH_DEMO_DELETE, HY_NO_ARGS); }

const struct hy_challenge_ops hy_st_challenge_ops = {
    .challenge_insert = challenge_insert,
    .challenge_get = challenge_get,
    .challenge_list = challenge_list,
    .idea_insert = idea_insert,
    .idea_get = idea_get,
    .idea_list = idea_list,
    .vote_add = vote_add,
    .vote_remove = vote_remove,
    .vote_used = vote_used,
    .vote_mine = vote_mine,
    .comment_insert = comment_insert,
    .comment_list = comment_list,
    .hide = hide,
    .report_insert = report_insert,
    .report_list = report_list,
    .demo_remove = demo_remove,
};
