/* forecast.h — the hospital-load forecast: CHIME's SIR model, its fits, and uncertainty bands.
 *
 * The model is that of CHIME (Penn Medicine's COVID-19 Hospital Impact Model for Epidemics,
 * v1.1.5), computed in the same order of operations so that its results agree with CHIME's to
 * rounding (docs/forecast.md says where and why they may differ in the last bits):
 *
 *   - a discrete daily SIR step, renormalised to the population after every step;
 *   - growth g = 2^(1/doubling_time) - 1, γ = 1/infectious_days, S₀ = population - I₀,
 *     β = (g + γ) / S₀ · (1 - relative_contact_rate), and β before distancing with no reduction;
 *   - I₀ = 1 / market_share / hospitalized_rate: the infections behind the first admission;
 *   - before mitigation_date the first β applies, from it on the reduced one;
 *   - admissions of each disposition = the daily growth of (I + R) · rate · market_share, and
 *     census = the admissions of the last `days` days;
 *   - with doubling_time given, the day offset i_day (how many days before current_date the
 *     first patient came) is the one whose modelled census on current_date is closest to
 *     current_hospitalized without lying past the census peak; with date_first_hospitalized
 *     given, i_day follows from the dates and the doubling time is fitted by CHIME's grid search.
 *
 * Beyond CHIME: with a series of daily admissions the doubling time and the day offset are fitted
 * by least squares to the series (reported with the residual); with ranges (`…_min`/`…_max`) a
 * fixed-seed Monte Carlo gives the 5th, 50th and 95th percentiles per day.
 *
 * Neither HTTP nor SQL: the API and the command line parse the parameters with
 * hy_fc_param_set() (forecast_params.c) and call hy_fc_run(). */
#ifndef HY_FORECAST_H
#define HY_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HY_FC_MAX_DAYS 1000       /* n_days, lengths of stay, infectious days */
#define HY_FC_PREFIT_DAYS 300     /* CHIME's extra days searched for the day offset */
#define HY_FC_BAND_MAX_DAYS 365   /* n_days when bands are asked for */
#define HY_FC_RUNS 1000           /* Monte Carlo runs for the bands */
#define HY_FC_SERIES_MAX 1000     /* points of an admissions series */
#define HY_FC_SERIES_MIN 3
#define HY_FC_POPULATION_MAX 1e10
#define HY_FC_DOUBLING_MIN 0.1       /* days */
#define HY_FC_NO_DATE INT32_MIN

enum hy_fc_disp { HY_FC_HOSP, HY_FC_ICU, HY_FC_VENT, HY_FC_NDISP };

/* How the spread is anchored: exactly one is given. */
enum hy_fc_mode { HY_FC_BY_DOUBLING = 1, HY_FC_BY_FIRST_DATE, HY_FC_BY_ADMISSIONS };

/* A uniform range for the Monte Carlo; `set` when both ends were given. */
struct hy_fc_range {
    double min, max;
    bool set;
};

/* The bands' ranged parameters, in the order of hy_fc_params.range[]. */
enum hy_fc_ranged {
    HY_FC_R_DOUBLING,
    HY_FC_R_CONTACT,
    HY_FC_R_HOSP_RATE,
    HY_FC_R_ICU_RATE,
    HY_FC_R_VENT_RATE,
    HY_FC_NRANGED
};

struct hy_fc_params {
    double current_hospitalized;
    double doubling_time;            /* > 0 in HY_FC_BY_DOUBLING */
    int32_t date_first_hospitalized; /* days since 1970-01-01, or HY_FC_NO_DATE */
    int32_t current_date;            /* days since 1970-01-01 */
    int32_t mitigation_date;         /* days since 1970-01-01 */
    double relative_contact_rate;
    int infectious_days;
    double market_share;
    double population;
    double recovered;
    int n_days;
    double rate[HY_FC_NDISP];
    int days[HY_FC_NDISP];
    struct hy_fc_range range[HY_FC_NRANGED];
    uint64_t seed;
    /* Daily hospital admissions, the last on current_date (HY_FC_BY_ADMISSIONS). */
    double admissions[HY_FC_SERIES_MAX];
    size_t nadmissions;
    int32_t admissions_last_date; /* when the series had dates; else HY_FC_NO_DATE */
    enum hy_fc_mode mode;         /* set by hy_fc_params_finish() */
    uint64_t given;               /* bit per hy_fc_param_info entry: given explicitly */
};

/* What was wrong, naming the parameter. */
struct hy_fc_error {
    const char *param; /* NULL for a name the forecast does not take */
    bool missing;      /* a required parameter is missing (rather than wrong) */
    char message[192];
};

/* The answer. Arrays have `ndays` entries, index 0 is day -i_day and index i_day is
 * current_date; admits[k][0] is NaN (CHIME has no admissions on the first day). */
struct hy_fc_result {
    int i_day;
    double doubling_time; /* given or fitted */
    double intrinsic_growth_rate, gamma, beta, beta_t;
    double r_naught, r_t;
    double doubling_time_t; /* after distancing; negative = a halving time; inf when R_t = 1 */
    size_t ndays;
    double *susceptible, *infected, *recovered;
    double *admits[HY_FC_NDISP], *census[HY_FC_NDISP];
    /* The admissions fit (HY_FC_BY_ADMISSIONS). */
    bool has_fit;
    size_t fit_points;
    double fit_sse, fit_rms;
    /* Bands, for days 0..n_days: band[series][percentile][day], series 0-2 admissions and 3-5
     * census (hospitalized, icu, ventilated), percentiles 5, 50 and 95. */
    bool has_bands;
    size_t band_days;
    int band_runs, band_failed;
    double *band[2 * HY_FC_NDISP][3];
    void *mem_; /* one block behind the arrays */
};

/* ---- the parameters (forecast_params.c) ---- */

enum hy_fc_kind { HY_FC_K_COUNT, HY_FC_K_REAL, HY_FC_K_RATE, HY_FC_K_DAYS, HY_FC_K_DATE,
                  HY_FC_K_SERIES, HY_FC_K_SEED };

/* Every parameter, for --help, the documentation and the parser. */
struct hy_fc_param_info {
    const char *name;
    enum hy_fc_kind kind;
    const char *def;  /* the default as text ("" = none / today) */
    const char *help;
};
extern const struct hy_fc_param_info hy_fc_param_infos[];
extern const size_t hy_fc_param_count;

/* CHIME's defaults (its CLI and web app settings of v1.1.5); `today` for the dates. No mode is
 * chosen: exactly one of doubling_time, date_first_hospitalized or admissions must be set. */
void hy_fc_params_default(struct hy_fc_params *p, int32_t today);
/* The doubling time used when none of doubling_time, date_first_hospitalized and admissions
 * is given (CHIME v1.1.5's default, as the other defaults). */
#define HY_FC_DEFAULT_DOUBLING_TIME 5.0
/* Sets one parameter from its text. Persian (۰–۹) and Arabic-Indic (٠–٩) digits and the Arabic
 * decimal separator (٫) are read as ASCII; dates are ISO 8601 calendar dates (YYYY-MM-DD);
 * rates are fractions (0.3 for 30 %). A parameter given twice, an unknown name or a bad value
 * fill *err and return -1; 0 otherwise. */
int hy_fc_param_set(struct hy_fc_params *p, const char *name, const char *value,
                    struct hy_fc_error *err);
/* The checks that involve several parameters (one way to anchor the spread, ranges around the
 * central values, population above the first infections, dates in order); sets p->mode.
 * 0, or -1 with *err filled. */
int hy_fc_params_finish(struct hy_fc_params *p, struct hy_fc_error *err);

/* Days since 1970-01-01 of an ISO date "YYYY-MM-DD" (ASCII digits), years 1900–2199; false
 * when it is not one. */
bool hy_fc_date_parse(const char *s, int32_t *ret_day);
/* Writes "YYYY-MM-DD" (11 bytes with the NUL) for a day number. */
void hy_fc_date_format(int32_t day, char out[11]);

/* ---- the model (forecast.c) ---- */

/* Runs the model (and the bands when ranges are set). On success fills *ret (free it with
 * hy_fc_result_free()) and returns 0; on a model that cannot be fitted (no day offset before
 * the peak, a fitted doubling time past CHIME's grid) returns -1 with *err naming the
 * parameter to change; -2 when out of memory. */
int hy_fc_run(const struct hy_fc_params *p, struct hy_fc_result *ret, struct hy_fc_error *err);
void hy_fc_result_free(struct hy_fc_result *r);

/* CHIME's building blocks, exposed for the tests. */
double hy_fc_growth_rate(double doubling_time);
double hy_fc_beta(double growth, double gamma, double susceptible, double contact_reduction);
void hy_fc_sir_step(double *s, double *i, double *r, double beta, double gamma, double n);
/* numpy.percentile's default (linear between the closest ranks) of v[0..n-1], n ≥ 1, for the
 * increasing fractions q[0..nq-1] into out[]; reorders v (selection, not a full sort). */
void hy_fc_percentiles(double *v, size_t n, const double *q, int nq, double *out);

#endif
