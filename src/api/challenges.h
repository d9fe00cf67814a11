/* challenges.h — what the challenges' JSON API (challenges.c) and their pages
 * (challenges_page.c) share: reading a challenge with its ideas in the order a person sees
 * them, and an idea with its comments, with the caller's own votes. */
#ifndef HY_API_CHALLENGES_H
#define HY_API_CHALLENGES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/challenge.h"
#include "http/http.h"

/* A challenge as the caller sees it at `now` (all in the request's arena). */
struct hy_api_challenge_view {
    struct hy_challenge c;
    enum hy_phase phase;
    bool shown;                  /* vote totals may be shown */
    bool organiser;              /* the caller sees hidden content */
    const char *who;             /* the signed-in caller's id, or NULL */
    struct hy_idea *ideas;       /* in the order to show */
    bool *mine;                  /* per idea: the caller voted for it */
    int n;
    const char *order;           /* "random", "votes", "recent" or "newest" */
    int64_t used;                /* the caller's votes used (signed in) */
};

/* Reads challenge `id` with its ideas ordered by `sort` (NULL, "random", "votes", "recent",
 * "newest"; votes only when totals are shown, else the default order). HY_DB_ONE, HY_DB_NONE
 * (no such challenge), -EINVAL (a bad `sort`) or a negative store status. */
int hy_api_challenge_view(hy_req *req, const char *id, const char *sort,
                          struct hy_api_challenge_view *ret);

/* An idea as the caller sees it, with its challenge and comments. */
struct hy_api_idea_view {
    struct hy_idea idea;
    struct hy_challenge c;
    enum hy_phase phase;
    bool shown, organiser, my_vote;
    const char *who;
    struct hy_idea_comment *comments;
    int n;
    int64_t used;
};

/* HY_DB_ONE, HY_DB_NONE (no such idea, or hidden from the caller) or a negative status. */
int hy_api_idea_view(hy_req *req, const char *id, struct hy_api_idea_view *ret);

/* The challenges, latest first: the count and an arena array, or a negative store status. */
int hy_api_challenge_list(hy_req *req, struct hy_challenge **ret);

#endif
