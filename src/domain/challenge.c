/* challenge.c — phases, when totals are shown, and the per-person order of ideas. */
#include "domain/challenge.h"

#include <sodium.h>
#include <string.h>

enum hy_phase hy_challenge_phase(const struct hy_challenge *c, int64_t now) {
    if (now < c->ideas_at) return HY_PHASE_UPCOMING;
    if (now < c->voting_at) return HY_PHASE_IDEAS;
    if (now < c->results_at) return HY_PHASE_VOTING;
    return HY_PHASE_RESULTS;
}

const char *hy_phase_name(enum hy_phase p) {
    switch (p) {
    case HY_PHASE_UPCOMING: return "upcoming";
    case HY_PHASE_IDEAS: return "ideas";
    case HY_PHASE_VOTING: return "voting";
    case HY_PHASE_RESULTS: return "results";
    }
    return "?";
}

bool hy_challenge_votes_shown(const struct hy_challenge *c, int64_t now) {
    enum hy_phase p = hy_challenge_phase(c, now);
    return p == HY_PHASE_RESULTS || (p == HY_PHASE_VOTING && c->show_votes);
}

uint64_t hy_idea_order_key(const char *person, const char *challenge_id, const char *idea_id) {
    crypto_generichash_state st;
    unsigned char out[8];
    crypto_generichash_init(&st, NULL, 0, sizeof out);
    /* Each part with its terminating NUL, so that ("ab","c") and ("a","bc") differ. */
    crypto_generichash_update(&st, (const unsigned char *)person, strlen(person) + 1);
    crypto_generichash_update(&st, (const unsigned char *)challenge_id, strlen(challenge_id) + 1);
    crypto_generichash_update(&st, (const unsigned char *)idea_id, strlen(idea_id) + 1);
    crypto_generichash_final(&st, out, sizeof out);
    uint64_t k = 0;
    for (size_t i = 0; i < sizeof out; i++) k = (k << 8) | out[i];
    return k;
}
