/* challenges.h — the store's part of challenges, ideas and votes (domain/challenge.h).
 * Written once for both stores (store/challenges.c, store/sql/challenges.def).
 *
 * A secret ballot: the store keeps who voted for what only to count each vote once and to
 * keep each person's budget; the one function that reads it answers a person's own votes. */
#ifndef HY_STORE_CHALLENGES_H
#define HY_STORE_CHALLENGES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/challenge.h"
#include "store/store.h"
#include "util/arena.h"

/* How a list of ideas is ordered. */
enum hy_idea_sort { HY_IDEAS_NEWEST = 0, HY_IDEAS_VOTES = 1, HY_IDEAS_ACTIVITY = 2 };

/* vote_add's answers besides the negative statuses. */
enum { HY_VOTE_ALREADY = 0, HY_VOTE_COUNTED = 1, HY_VOTE_BUDGET_SPENT = 2 };

struct hy_challenge_ops {
    /* Inserts c (its ideas count is ignored). HY_DB_ONE or a negative status. */
    int (*challenge_insert)(hy_store *s, const struct hy_challenge *c);
    /* HY_DB_ONE, HY_DB_NONE when there is no such challenge. */
    int (*challenge_get)(hy_store *s, const char *id, hy_arena *a, struct hy_challenge *ret);
    /* At most `max` challenges, the latest first; returns the count. */
    int (*challenge_list)(hy_store *s, size_t max, hy_arena *a, struct hy_challenge **ret);
    int (*idea_insert)(hy_store *s, const struct hy_idea *i);
    int (*idea_get)(hy_store *s, const char *id, hy_arena *a, struct hy_idea *ret);
    /* The ideas of a challenge (hidden ones only when `hidden`); returns the count. */
    int (*idea_list)(hy_store *s, const char *challenge_id, enum hy_idea_sort sort, bool hidden,
                     size_t max, hy_arena *a, struct hy_idea **ret);
    /* Counts voter's vote for idea (of challenge) once, within `budget` votes per person per
     * challenge (0: unlimited): HY_VOTE_COUNTED, HY_VOTE_ALREADY (nothing written) or
     * HY_VOTE_BUDGET_SPENT (the vote row is written: the caller must roll back). Safe under
     * concurrency on PostgreSQL's READ COMMITTED (HY_TX_INSERT). */
    int (*vote_add)(hy_store *s, const char *challenge_id, const char *idea_id, const char *voter,
                    int64_t budget, int64_t now);
    /* Takes the vote back: HY_DB_ONE, HY_DB_NONE when there was none. */
    int (*vote_remove)(hy_store *s, const char *challenge_id, const char *idea_id,
                       const char *voter, int64_t now);
    /* Votes voter has used in challenge. */
    int (*vote_used)(hy_store *s, const char *challenge_id, const char *voter, int64_t *ret);
    /* The ids of the ideas voter voted for in challenge (their own votes only); the count. */
    int (*vote_mine)(hy_store *s, const char *challenge_id, const char *voter, hy_arena *a,
                     char (**ret)[HY_ID_LEN + 1]);
    int (*comment_insert)(hy_store *s, const struct hy_idea_comment *c);
    int (*comment_list)(hy_store *s, const char *idea_id, bool hidden, size_t max, hy_arena *a,
                        struct hy_idea_comment **ret);
    /* Hides (or shows again) an idea or a comment of challenge: HY_DB_ONE, HY_DB_NONE when
     * it is not one of the challenge's. */
    int (*hide)(hy_store *s, const char *challenge_id, bool comment, const char *id, bool hidden,
                const char *reason);
    /* A report on an idea, or on its comment comment_id: HY_DB_ONE, HY_DB_NONE when they do
     * not exist. */
    int (*report_insert)(hy_store *s, const char *id, const char *idea_id, const char *comment_id,
                         const char *reporter, const char *reason, int64_t now);
    int (*report_list)(hy_store *s, const char *challenge_id, size_t max, hy_arena *a,
                       struct hy_content_report **ret);
    /* Removes the demo's challenges (with their ideas, votes and comments); the count. */
    int (*demo_remove)(hy_store *s);
};
extern const struct hy_challenge_ops hy_st_challenge_ops;

#endif
