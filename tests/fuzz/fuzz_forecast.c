/* fuzz_forecast.c — the forecast's parameter parser (hy_fc_param_set, hy_fc_params_finish) on
 * arbitrary text, and the model on what it accepts.
 *
 * The input is lines "name=value" (a line without '=' is a name with an empty value); the
 * admissions series takes the rest of the input after "admissions=", newlines included.
 * Invariants: a refusal names a known parameter (or none, for an unknown name) with a message;
 * an accepted set has exactly one mode and values within their documented ranges; a model run
 * (without bands, which only repeat it) gives a day offset within CHIME's search and finite
 * numbers, or a refusal naming a parameter. */
#include <math.h>
#include <stdbool.h>

#include "domain/forecast.h"
#include "fuzz.h"

static bool known(const char *name) {
    for (size_t i = 0; i < hy_fc_param_count; i++)
        if (!strcmp(hy_fc_param_infos[i].name, name)) return true;
    return false;
}

static void check_error(const struct hy_fc_error *err) {
    FUZZ_CHECK(err->param == NULL || known(err->param));
    FUZZ_CHECK(err->message[0] != '\0');
    FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_cstr(data, size);
    struct hy_fc_params *p = malloc(sizeof *p);
    if (!p) abort();
    hy_fc_params_default(p, 18349);
    struct hy_fc_error err;
    memset(&err, 0, sizeof err);
    int rc = 0;
    char *line = s;
    while (line && *line && rc == 0) {
        char *eq = strchr(line, '=');
        char *nl = strchr(line, '\n');
        char *next = NULL;
        if (eq && (!nl || eq < nl) && !strncmp(line, "admissions=", 11)) {
            *eq = '\0';
            rc = hy_fc_param_set(p, line, eq + 1, &err);
            break;
        }
        if (nl) *nl = '\0', next = nl + 1;
        const char *value = "";
        if (eq && (!nl || eq < nl)) *eq = '\0', value = eq + 1;
        rc = hy_fc_param_set(p, line, value, &err);
        line = next;
    }
    if (rc < 0) {
        check_error(&err);
        goto done;
    }
    if (hy_fc_params_finish(p, &err) < 0) {
        check_error(&err);
        goto done;
    }
    FUZZ_CHECK(p->mode >= HY_FC_BY_DOUBLING && p->mode <= HY_FC_BY_ADMISSIONS);
    FUZZ_CHECK(p->n_days >= 1 && p->n_days <= HY_FC_MAX_DAYS);
    FUZZ_CHECK(p->infectious_days >= 1 && p->infectious_days <= HY_FC_MAX_DAYS);
    FUZZ_CHECK(p->relative_contact_rate >= 0 && p->relative_contact_rate <= 1);
    FUZZ_CHECK(p->market_share > 0 && p->market_share <= 1);
    FUZZ_CHECK(p->current_hospitalized >= 0 && p->current_hospitalized <= p->population);
    bool bands = false;
    for (int k = 0; k < HY_FC_NDISP; k++) {
        FUZZ_CHECK(p->rate[k] >= 0 && p->rate[k] <= 1);
        FUZZ_CHECK(p->days[k] >= 1 && p->days[k] <= HY_FC_MAX_DAYS);
    }
    for (int r = 0; r < HY_FC_NRANGED; r++)
        if (p->range[r].set) {
            bands = true;
            FUZZ_CHECK(p->range[r].min <= p->range[r].max);
        }
    FUZZ_CHECK(p->population - 1.0 / p->market_share / p->rate[HY_FC_HOSP] >= 1);
    if (p->mode == HY_FC_BY_DOUBLING) FUZZ_CHECK(p->doubling_time > 0);
    if (p->mode == HY_FC_BY_ADMISSIONS)
        FUZZ_CHECK(p->nadmissions >= HY_FC_SERIES_MIN && p->nadmissions <= HY_FC_SERIES_MAX);
    /* The model, kept cheap: no bands, short series. */
    if (!bands && p->n_days <= 120 && p->nadmissions <= 60) {
        struct hy_fc_result r;
        int mr = hy_fc_run(p, &r, &err);
        FUZZ_CHECK(mr == 0 || mr == -1);
        if (mr == -1) {
            check_error(&err);
        } else {
            FUZZ_CHECK(r.i_day >= 0);
            FUZZ_CHECK(r.ndays == (size_t)r.i_day + (size_t)p->n_days + 1);
            for (size_t j = 0; j < r.ndays; j++) {
                FUZZ_CHECK(isfinite(r.susceptible[j]) && isfinite(r.infected[j]) &&
                           isfinite(r.recovered[j]));
                for (int k = 0; k < HY_FC_NDISP; k++) FUZZ_CHECK(isfinite(r.census[k][j]));
            }
            hy_fc_result_free(&r);
        }
    }
done:
    free(p);
    free(s);
    return 0;
}
