/* skills.c — the fit of a volunteer to a need and the ranking order (domain/skills.h). */
#include "domain/skills.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const level_names[] = {NULL, "basic", "experienced", "expert"};

void hy_skill_fit(const struct hy_skill_level *want, size_t n_want, const struct hy_skill_level *have,
                  size_t n_have, struct hy_fit *ret) {
    ret->met = 0;
    ret->level_sum = 0;
    for (size_t i = 0; i < n_want; i++)
        for (size_t j = 0; j < n_have; j++)
            if (want[i].skill && have[j].skill && !strcmp(want[i].skill, have[j].skill) &&
                have[j].level >= want[i].level) {
                ret->met++;
                ret->level_sum += have[j].level;
                break;
            }
}

int hy_fit_compare(const struct hy_fit *a, const char *a_id, const struct hy_fit *b,
                   const char *b_id) {
    if (a->met != b->met) return a->met > b->met ? -1 : 1;
    if (a->level_sum != b->level_sum) return a->level_sum > b->level_sum ? -1 : 1;
    if (a->has_dist != b->has_dist) return a->has_dist ? -1 : 1;
    if (a->has_dist && a->dist_m != b->dist_m) return a->dist_m < b->dist_m ? -1 : 1;
    return strcmp(a_id, b_id);
}

bool hy_skill_slug_valid(const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 40 || s[0] < 'a' || s[0] > 'z') return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

const char *hy_skill_level_name(int level) {
    return level >= 1 && level <= HY_SKILL_LEVEL_MAX ? level_names[level] : NULL;
}

int hy_skill_level_parse(const char *name) {
    for (int i = 1; name && i <= HY_SKILL_LEVEL_MAX; i++)
        if (!strcmp(name, level_names[i])) return i;
    return 0;
}

void hy_need_today(int64_t now, char out[11]) {
    time_t t = (time_t)now;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

bool hy_need_ended(const char *ends_on, int64_t now) {
    if (!ends_on || strlen(ends_on) != 10) return false;
    char today[11];
    hy_need_today(now, today);
    /* both YYYY-MM-DD: their byte order is their date order */
    return today[0] && strcmp(ends_on, today) < 0;
}
