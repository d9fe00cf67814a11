/* challenge.h — the records and rules of challenges, ideas and votes: organisers open a
 * challenge with phases (ideas → voting → results), people submit ideas, comment and vote
 * within a budget. Plain data without HTTP or SQL.
 *
 * Strings point into the arena passed to the store function that filled the record. */
#ifndef HY_DOMAIN_CHALLENGE_H
#define HY_DOMAIN_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/id.h"

/* A challenge's phase at a moment: before ideas open, collecting ideas, voting, results. */
enum hy_phase { HY_PHASE_UPCOMING, HY_PHASE_IDEAS, HY_PHASE_VOTING, HY_PHASE_RESULTS };

struct hy_challenge {
    char id[HY_ID_LEN + 1];
    const char *title_fa, *title_en;     /* at least one is not empty */
    const char *problem_fa, *problem_en; /* the problem statement, "" when not given */
    int64_t ideas_at;   /* ideas open */
    int64_t voting_at;  /* ideas close, voting opens */
    int64_t results_at; /* voting closes, results are shown */
    int64_t votes_per_person; /* the budget per person; 0 = unlimited */
    bool show_votes;    /* totals shown while voting is open (always shown in results) */
    bool random_order;  /* ideas listed in an order of their own per person while voting */
    int64_t threshold;  /* the support threshold (votes an idea needs); 0 = none */
    int64_t ideas;      /* visible ideas */
    const char *created_by;
    int64_t created_at, updated_at;
    bool demo;
};

struct hy_idea {
    char id[HY_ID_LEN + 1];
    char challenge_id[HY_ID_LEN + 1];
    const char *author_id; /* NULL when the account is gone */
    const char *author_name;
    const char *title, *description, *team;
    const char *links; /* a JSON array of strings */
    const char *tags;  /* a JSON array of strings */
    const char *language;
    int64_t votes, comments;
    bool hidden;
    const char *hidden_reason;
    int64_t created_at, activity_at;
    bool demo;
};

struct hy_idea_comment {
    char id[HY_ID_LEN + 1];
    char idea_id[HY_ID_LEN + 1];
    const char *author_id;
    const char *author_name;
    const char *body;
    bool hidden;
    const char *hidden_reason;
    int64_t created_at;
};

/* A report of content, for the moderators (the reporter is not shown). */
struct hy_content_report {
    char id[HY_ID_LEN + 1];
    char idea_id[HY_ID_LEN + 1];
    const char *comment_id; /* NULL: the idea itself was reported */
    const char *reason;
    int64_t created_at;
};

/* The phase of c at `now`. */
enum hy_phase hy_challenge_phase(const struct hy_challenge *c, int64_t now);
const char *hy_phase_name(enum hy_phase p);

/* Whether the vote totals of c may be shown at `now`: in results, or when the organisers
 * chose to show them while voting. */
bool hy_challenge_votes_shown(const struct hy_challenge *c, int64_t now);

/* The key that orders idea `idea_id` for `person` (a user id, or "" for people not signed in)
 * in challenge `challenge_id`: a hash of the three, the same in every process and on every
 * call, different per person. Ideas sorted by it (then by id) are in the person's own order. */
uint64_t hy_idea_order_key(const char *person, const char *challenge_id, const char *idea_id);

#endif
