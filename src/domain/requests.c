#include "domain/requests.h"

#include <sodium.h>
#include <string.h>

const char *const hy_rq_statuses[] = {"new",       "open",      "claimed",        "in_progress",
                                      "delivered", "closed",    "cancelled",      "unable_to_help",
                                      NULL};
const char *const hy_rq_kinds[] = {"groceries", "medicine", "errand", "companionship", "other",
                                   NULL};
const char *const hy_rq_urgencies[] = {"low", "normal", "high", NULL};
const char *const hy_rq_for_whom[] = {"self", "other", NULL};

static bool in_list(const char *const *list, const char *s) {
    if (!s) return false;
    for (; *list; list++)
        if (!strcmp(*list, s)) return true;
    return false;
}

bool hy_rq_status_valid(const char *status) { return in_list(hy_rq_statuses, status); }

bool hy_rq_status_final(const char *status) {
    return status && (!strcmp(status, "closed") || !strcmp(status, "cancelled") ||
                      !strcmp(status, "unable_to_help"));
}

/* Each legal move and the actors who may make it (a bit per enum hy_rq_actor). */
#define A(x) (1u << (x))
#define REQ A(HY_RQ_REQUESTER)
#define VOL A(HY_RQ_VOLUNTEER)
#define ASG A(HY_RQ_ASSIGNEE)
#define COO A(HY_RQ_COORDINATOR)
#define SYS A(HY_RQ_SYSTEM)

static const struct {
    const char *from, *to;
    unsigned who;
} moves[] = {
    {"new", "open", COO | SYS},               /* after the coordinator's call-back */
    {"new", "cancelled", REQ | COO},
    {"new", "unable_to_help", COO},
    {"open", "claimed", VOL | COO},           /* a volunteer claims; a coordinator assigns */
    {"open", "cancelled", REQ | COO},
    {"open", "unable_to_help", COO},
    {"claimed", "open", ASG | COO},           /* release */
    {"claimed", "in_progress", ASG | COO},
    {"claimed", "cancelled", REQ | COO},
    {"claimed", "unable_to_help", COO},
    {"in_progress", "open", ASG | COO},       /* release */
    {"in_progress", "delivered", ASG | COO},
    {"in_progress", "cancelled", COO},
    {"in_progress", "unable_to_help", COO},
    {"delivered", "closed", COO | SYS},
};

enum hy_rq_verdict hy_rq_transition(const char *from, const char *to, enum hy_rq_actor actor) {
    if (!from || !to || actor < 0 || actor >= HY_RQ__ACTORS) return HY_RQ_ILLEGAL;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to))
            return (moves[i].who & A(actor)) ? HY_RQ_OK : HY_RQ_FORBIDDEN;
    return HY_RQ_ILLEGAL;
}

void hy_rq_code_new(char *out) {
    static const char alphabet[] = HY_RQ_CODE_ALPHABET;
    const uint32_t n = (uint32_t)(sizeof alphabet - 1);
    for (int i = 0; i < HY_RQ_CODE_LEN; i++) out[i] = alphabet[randombytes_uniform(n)];
    out[HY_RQ_CODE_LEN] = '\0';
}

bool hy_rq_code_normalise(const char *in, char *out) {
    if (!in) return false;
    size_t w = 0;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        if (!strchr(HY_RQ_CODE_ALPHABET, c) || c == '\0') return false;
        if (w >= HY_RQ_CODE_LEN) return false;
        out[w++] = c;
    }
    if (w != HY_RQ_CODE_LEN) return false;
    out[w] = '\0';
    return true;
}

bool hy_rq_may_see_contact(enum hy_rq_actor actor) {
    return actor == HY_RQ_COORDINATOR || actor == HY_RQ_ASSIGNEE;
}

double hy_rq_match_score(double distance_km, double radius_km, bool speaks_language,
                         bool has_availability, long load) {
    double score = distance_km;
    if (radius_km > 0 && distance_km > radius_km) score += 10 + (distance_km - radius_km);
    if (!speaks_language) score += 5;
    if (!has_availability) score += 1;
    if (load > 0) score += 3.0 * (double)load;
    return score;
}
