/* skills.h — skills matching: the skills list, organisations, their needs, volunteers' offers,
 * and the rule that ranks volunteers for a need (and needs for a volunteer).
 *
 * The ranking rule (docs/skills.md): a volunteer fits a need by the required skills they hold
 * at the need's minimum level or above. Candidates holding none of them are left out. The
 * rest are ordered by
 *   1. more required skills met (at or above the minimum level),
 *   2. then the higher sum of their levels over the skills met,
 *   3. then the shorter distance from their home area to the need's place (needs done
 *      remotely, and volunteers without a home area, count no distance and come after those
 *      with one on a place-bound need),
 *   4. then the id, so that the order is total and stable.
 * A volunteer's list of needs uses the same key, the need's id breaking ties. */
#ifndef HY_DOMAIN_SKILLS_H
#define HY_DOMAIN_SKILLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/id.h"

#define HY_SKILL_LEVEL_MAX 3 /* 1 basic, 2 experienced, 3 expert */
#define HY_NEED_SKILLS_MAX 10
#define HY_VOLUNTEER_SKILLS_MAX 20

struct hy_skill {
    const char *slug, *name_fa, *name_en;
    bool retired;
    int64_t updated_at;
};

/* A skill with a level: a volunteer's, or a need's minimum. */
struct hy_skill_level {
    char owner[HY_ID_LEN + 1]; /* the volunteer's or the need's id */
    const char *skill;
    int level;
};

struct hy_org {
    char id[HY_ID_LEN + 1];
    const char *name, *kind, *area, *contact, *status; /* status: pending, verified */
    double lat, lon;
    bool has_pos;
    char owner_id[HY_ID_LEN + 1];
    int64_t created_at;
    bool demo;
};

struct hy_need {
    char id[HY_ID_LEN + 1];
    char org_id[HY_ID_LEN + 1];
    const char *title, *description, *commitment, *status; /* open, filled, closed */
    int people, accepted;
    bool remote;
    double lat, lon;
    bool has_pos;
    const char *starts_on, *ends_on; /* YYYY-MM-DD or NULL */
    char created_by[HY_ID_LEN + 1];
    int64_t created_at;
    bool demo;
    const char *org_name, *org_status; /* read with the need */
};

/* One volunteer's skill row as the candidate search reads it. */
struct hy_candidate_row {
    char user_id[HY_ID_LEN + 1];
    const char *name;
    double lat, lon;
    bool has_pos;
    const char *skill;
    int level;
};

struct hy_offer {
    char need_id[HY_ID_LEN + 1];
    char user_id[HY_ID_LEN + 1];
    const char *status; /* offered, accepted, declined */
    int64_t created_at, decided_at;
    const char *name, *phone, *email;   /* the volunteer (offers of a need), or the need's poster
                                           (a volunteer's own offers) */
    const char *title, *org_name, *org_contact;
};

/* How well one volunteer fits one need (hy_skill_fit()). */
struct hy_fit {
    int met;          /* required skills held at the minimum level or above */
    int level_sum;    /* the volunteer's levels over those */
    bool has_dist;
    double dist_m;
};

/* The fit of a volunteer holding `have` (n_have skills) to a need requiring `want`. */
void hy_skill_fit(const struct hy_skill_level *want, size_t n_want, const struct hy_skill_level *have,
                  size_t n_have, struct hy_fit *ret);
/* The ranking order: < 0 when a comes first. The ids break ties. */
int hy_fit_compare(const struct hy_fit *a, const char *a_id, const struct hy_fit *b,
                   const char *b_id);

/* The day (YYYY-MM-DD, UTC) that Unix time `now` falls on, into out[11]. */
void hy_need_today(int64_t now, char out[11]);
/* Whether a need that ends on `ends_on` (YYYY-MM-DD; NULL or "" = no end) has ended by `now`:
 * its last day is over once the UTC date is later, so a need is never cut short anywhere. An
 * ended need takes no offers and is no longer listed to volunteers, whatever its status. */
bool hy_need_ended(const char *ends_on, int64_t now);

/* A skill's slug: 2 to 40 of a-z, 0-9 and '-', starting with a letter. */
bool hy_skill_slug_valid(const char *s);
/* The level's name (basic, experienced, expert) or NULL; and back (0 when unknown). */
const char *hy_skill_level_name(int level);
int hy_skill_level_parse(const char *name);

#endif
