/* test_forecast.c — the hospital-load forecast (src/domain/forecast.c, forecast_params.c).
 *
 * 1. CHIME's own published test cases (its tests/penn_chime/model/test_sir.py and the CSV check
 *    of tests/penn_chime/test_cli.py, v1.1.5), with their expected values.
 * 2. Every day of every series against CHIME's model run on the same parameters
 *    (the CSV files in tests/fixtures/forecast/, see the README there), to 1e-9 relative; the largest
 *    difference found is printed.
 * 3. CHIME's known complaints: the census on day 0 after fitting, ICU and ventilator census with
 *    stays longer than the hospital's, and the doubling time after strong distancing.
 * 4. The parser, the admissions fit and the Monte Carlo bands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/forecast.h"

#define TODAY 18349 /* 2020-03-28 */

/* ---------------------------------------------------------------- helpers */

/* Parses "name=value&name=value…" into *p (defaults first) and finishes it; fails the test on
 * any error. */
static void parse_ok(struct hy_fc_params *p, const char *query) {
    hy_fc_params_default(p, TODAY);
    char *copy = strdup(query);
    char *save = NULL;
    for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        assert_non_null(eq);
        *eq = '\0';
        struct hy_fc_error err = {0};
        if (hy_fc_param_set(p, kv, eq + 1, &err) < 0)
            fail_msg("%s=%s refused: %s", kv, eq + 1, err.message);
    }
    free(copy);
    struct hy_fc_error err = {0};
    if (hy_fc_params_finish(p, &err) < 0) fail_msg("refused (%s): %s", err.param, err.message);
}

/* Expects the query to be refused naming `param`. */
static void parse_bad(const char *query, const char *param) {
    struct hy_fc_params p;
    hy_fc_params_default(&p, TODAY);
    char *copy = strdup(query);
    char *save = NULL;
    struct hy_fc_error err = {0};
    int rc = 0;
    for (char *kv = strtok_r(copy, "&", &save); kv && rc == 0; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        assert_non_null(eq);
        *eq = '\0';
        rc = hy_fc_param_set(&p, kv, eq + 1, &err);
    }
    free(copy);
    if (rc == 0) rc = hy_fc_params_finish(&p, &err);
    if (rc == 0) fail_msg("accepted \"%s\"", query);
    if (!param) {
        assert_null(err.param);
    } else {
        if (!err.param || strcmp(err.param, param) != 0)
            fail_msg("\"%s\": named %s, expected %s (%s)", query, err.param ? err.param : "NULL",
                     param, err.message);
    }
    assert_true(err.message[0] != '\0');
}

static void run_ok(const struct hy_fc_params *p, struct hy_fc_result *r) {
    struct hy_fc_error err = {0};
    int rc = hy_fc_run(p, r, &err);
    if (rc != 0) fail_msg("run failed (%d, %s): %s", rc, err.param, err.message);
}

static double rel(double a, double b) {
    if (a == b) return 0;
    double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) / m;
}

/* CHIME's parameter sets, as query strings. */
#define CHIME_PARAM                                                                          \
    "current_date=2020-03-28&current_hospitalized=100&doubling_time=6.0&hospitalized_rate=0.05" \
    "&hospitalized_days=7&infectious_days=14&icu_rate=0.02&icu_days=9&market_share=0.05"       \
    "&mitigation_date=2020-03-28&n_days=60&population=500000&recovered=0"                      \
    "&relative_contact_rate=0.15&ventilated_rate=0.01&ventilated_days=10"
#define CHIME_FIRST_HOSP                                                                     \
    "current_date=2020-03-28&current_hospitalized=100&date_first_hospitalized=2020-02-14"      \
    "&hospitalized_rate=0.05&hospitalized_days=7&infectious_days=14&icu_rate=0.02&icu_days=9"  \
    "&market_share=0.05&mitigation_date=2020-03-28&n_days=60&population=500000&recovered=0"   \
    "&relative_contact_rate=0.15&ventilated_rate=0.01&ventilated_days=10"
#define CHIME_CLI                                                                            \
    "current_date=2020-03-28&current_hospitalized=1&doubling_time=2.5&hospitalized_days=5"     \
    "&hospitalized_rate=0.01&icu_days=10&icu_rate=0.5&market_share=0.1&infectious_days=5"      \
    "&n_days=5&recovered=10&relative_contact_rate=0.1&population=1000000&ventilated_days=5"   \
    "&ventilated_rate=0.025"

/* ---------------------------------------------------------------- CHIME's published cases */

static void test_chime_sir_step(void **state) {
    (void)state;
    double s = 100, i = 1, r = 0;
    hy_fc_sir_step(&s, &i, &r, 0.2, 0.5, 1);
    /* test_sir(): compared with == in CHIME. */
    assert_true(s == 0.7920792079207921);
    assert_true(i == 0.20297029702970298);
    assert_true(r == 0.0049504950495049506);
}

static void test_chime_sim_sir(void **state) {
    (void)state;
    /* test_sim_sir(): s=5, i=6, r=7, gamma=0.1, beta=0.1 for 40 days. */
    double s = 5, i = 6, r = 7, n = 18;
    for (int d = 0; d < 40; d++) hy_fc_sir_step(&s, &i, &r, 0.1, 0.1, n);
    assert_true(round(s * 100) / 100 == 0);
    assert_true(round(i * 100) / 100 == 0.18);
    assert_true(round(r * 100) / 100 == 17.82);
}

static void test_chime_growth_rate(void **state) {
    (void)state;
    assert_true(round(hy_fc_growth_rate(5) * 100.0 * 1e4) / 1e4 == 14.8698);
    assert_true(hy_fc_growth_rate(0) == 0.0);
    assert_true(round(hy_fc_growth_rate(-4) * 100.0 * 1e4) / 1e4 == -15.9104);
}

static void test_chime_model(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, CHIME_PARAM);
    struct hy_fc_result r;
    run_ok(&p, &r);
    /* test_model(): these are compared with == in CHIME. */
    assert_true(r.intrinsic_growth_rate == 0.12246204830937302);
    assert_true(fabs(r.beta - 4.21501347256401e-07) < 1e-7);
    assert_true(r.r_t == 2.307298374881539);
    assert_true(r.r_naught == 2.7144686763312222);
    assert_true(r.doubling_time_t == 7.764405988534983);
    assert_int_equal(r.i_day, 43);
    /* test_model_raw_start() */
    assert_int_equal(r.ndays, 104);
    assert_true(r.susceptible[0] == 499600.0);
    assert_true(round(r.infected[1]) == 449.0);
    const double ms = 0.05, rates[3] = {0.05, 0.02, 0.01};
    const double day0[3] = {1.0, 0.4, 0.2}, day60[3] = {549, 220, 110};
    for (int k = 0; k < 3; k++) {
        assert_true((r.infected[0] + r.recovered[0]) * rates[k] * ms == day0[k]);
        assert_true(round((r.infected[60] + r.recovered[60]) * rates[k] * ms) == day60[k]);
    }
    assert_true(round(r.recovered[30]) == 7083.0);
    /* test_model_raw_end() */
    assert_true(round(r.susceptible[r.ndays - 1]) == 83391.0);
    /* test_model_conservation(), test_model_monotonicity() */
    for (size_t j = 0; j < r.ndays; j++) {
        assert_true(r.susceptible[j] >= 0 && r.infected[j] >= 0 && r.recovered[j] >= 0);
        assert_true(r.susceptible[j] + r.infected[j] + r.recovered[j] - 500000 < 0.1);
        assert_true(r.susceptible[j] <= 500000 && r.infected[j] <= 500000 &&
                    r.recovered[j] <= 500000);
        if (j) {
            assert_true(r.susceptible[j] - r.susceptible[j - 1] <= 0);
            assert_true(r.recovered[j] - r.recovered[j - 1] >= 0);
        }
    }
    /* test_model_cumulative_census(): admissions add up to the ever-hospitalized, less the
     * first patient. */
    double cum = 0;
    for (size_t j = 1; j + 1 < r.ndays; j++) {
        cum += r.admits[HY_FC_HOSP][j];
        double ever = 0.05 * 0.05 * (r.infected[j] + r.recovered[j]) - 1.0;
        assert_true(fabs(cum - ever) < 0.1);
    }
    assert_true(isnan(r.admits[HY_FC_HOSP][0]));
    hy_fc_result_free(&r);
}

static void test_chime_first_hosp_fit(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, CHIME_FIRST_HOSP);
    struct hy_fc_result r;
    run_ok(&p, &r);
    /* test_model_first_hosp_fit(): CHIME's own tolerances. */
    assert_true(fabs(r.intrinsic_growth_rate - 0.123) / 0.123 < 0.01);
    assert_true(fabs(r.beta - 4.21501347256401e-07) < 1e-7);
    assert_true(fabs(r.r_t - 2.32) / 2.32 < 0.01);
    assert_true(fabs(r.r_naught - 2.72) / 2.72 < 0.01);
    assert_true(fabs(r.doubling_time_t - 7.71) / 7.71 < 0.01);
    assert_int_equal(r.i_day, 43);
    hy_fc_result_free(&r);
}

static void test_chime_cli_csv(void **state) {
    (void)state;
    /* test_main_with_csv_verification(): five days, every value; CHIME checks them to 1e-10
     * relative. Rows are days -2..5. */
    static const double admits[8][3] = {
        {NAN, NAN, NAN},
        {0.5195079107728944, 25.97539553864472, 1.298769776932236},
        {0.6851383215271454, 34.25691607635727, 1.7128458038178636},
        {0.8129161146846768, 40.64580573423383, 2.0322902867116914},
        {1.029120162473117, 51.456008123655835, 2.5728004061827923},
        {1.3021513067257287, 65.10756533628646, 3.255378266814322},
        {1.6465388184586223, 82.32694092293116, 4.116347046146558},
        {2.0802813033400414, 104.01406516700195, 5.200703258350099}};
    static const double census[8][3] = {
        {0.0, 0.0, 0.0},
        {0.5195079107728944, 25.97539553864472, 1.298769776932236},
        {1.2046462323000398, 60.23231161500199, 3.0116155807500995},
        {2.0175623469847164, 100.87811734923582, 5.043905867461791},
        {3.0466825094578334, 152.33412547289166, 7.616706273644583},
        {4.3488338161835625, 217.4416908091781, 10.872084540458905},
        {5.47586472386929, 299.76863173210927, 13.689661809673227},
        {6.871007705682186, 403.7826968991112, 17.17751926420546}};
    static const double sir[8][3] = {{999000.0, 1000.0, 10.0},
                                     {998480.4920892271, 1319.5079107728943, 210.0},
                                     {997795.3537677001, 1740.7446501454608, 473.901582154579},
                                     {996982.4376530153, 2205.5118348010456, 822.0505121836709},
                                     {995953.3174905422, 2793.529630313953, 1263.15287914388},
                                     {994651.1661838164, 3536.9750109768916, 1821.8588052066705},
                                     {993004.6273653577, 4476.118827240136, 2529.2538074020486},
                                     {990924.346062018, 5661.176365132148, 3424.4775728500767}};
    struct hy_fc_params p;
    parse_ok(&p, CHIME_CLI);
    struct hy_fc_result r;
    run_ok(&p, &r);
    assert_int_equal(r.i_day, 2);
    assert_int_equal(r.ndays, 8);
    double worst = 0;
    for (int j = 0; j < 8; j++) {
        for (int k = 0; k < 3; k++) {
            if (j == 0) {
                assert_true(isnan(r.admits[k][0]));
            } else {
                assert_true(rel(r.admits[k][j], admits[j][k]) <= 1e-10);
                if (rel(r.admits[k][j], admits[j][k]) > worst) worst = rel(r.admits[k][j], admits[j][k]);
            }
            assert_true(rel(r.census[k][j], census[j][k]) <= 1e-10);
            if (rel(r.census[k][j], census[j][k]) > worst) worst = rel(r.census[k][j], census[j][k]);
        }
        const double got[3] = {r.susceptible[j], r.infected[j], r.recovered[j]};
        for (int k = 0; k < 3; k++) {
            assert_true(rel(got[k], sir[j][k]) <= 1e-10);
            if (rel(got[k], sir[j][k]) > worst) worst = rel(got[k], sir[j][k]);
        }
    }
    printf("# CHIME test_cli case: largest relative difference %.3g\n", worst);
    hy_fc_result_free(&r);
}

/* ---------------------------------------------------------------- every value, every case */

struct fixture {
    const char *file;
    const char *query;
};

static const struct fixture fixtures[] = {
    {"param.csv", CHIME_PARAM},
    {"first_hosp_fit.csv", CHIME_FIRST_HOSP},
    {"halving.csv",
     "current_date=2020-03-28&current_hospitalized=100&doubling_time=6.0&hospitalized_rate=0.05"
     "&hospitalized_days=7&infectious_days=14&icu_rate=0.02&icu_days=9&market_share=0.05"
     "&mitigation_date=2020-03-28&n_days=60&population=500000&recovered=0"
     "&relative_contact_rate=0.7&ventilated_rate=0.01&ventilated_days=10"},
    {"cli_doubling.csv", CHIME_CLI},
    {"cli_first_date.csv",
     "current_hospitalized=69&current_date=2020-04-14&date_first_hospitalized=2020-04-01"
     "&hospitalized_days=5&hospitalized_rate=0.025&icu_days=9&icu_rate=0.075&market_share=0.1"
     "&infectious_days=14&n_days=30&recovered=0&relative_contact_rate=0.1&population=1000000"
     "&ventilated_days=10&ventilated_rate=0.005"},
    {"mitigation_past.csv",
     "current_date=2020-03-28&current_hospitalized=100&doubling_time=6.0&hospitalized_rate=0.05"
     "&hospitalized_days=7&infectious_days=14&icu_rate=0.02&icu_days=9&market_share=0.05"
     "&mitigation_date=2020-03-14&n_days=60&population=500000&recovered=0"
     "&relative_contact_rate=0.15&ventilated_rate=0.01&ventilated_days=10"},
    {"mitigation_future.csv",
     "current_date=2020-03-28&current_hospitalized=100&doubling_time=6.0&hospitalized_rate=0.05"
     "&hospitalized_days=7&infectious_days=14&icu_rate=0.02&icu_days=9&market_share=0.05"
     "&mitigation_date=2020-04-05&n_days=60&population=500000&recovered=0"
     "&relative_contact_rate=0.15&ventilated_rate=0.01&ventilated_days=10"},
    {"issue504_first_date.csv",
     "population=5026226&market_share=0.32&current_hospitalized=935"
     "&date_first_hospitalized=2020-02-20&mitigation_date=2020-03-21&current_date=2020-04-05"
     "&relative_contact_rate=0.30&hospitalized_rate=0.025&icu_rate=0.0075&ventilated_rate=0.005"
     "&infectious_days=14&hospitalized_days=7&icu_days=9&ventilated_days=10&n_days=120"},
    {"issue563_distancing.csv",
     "population=3600000&market_share=0.15&current_hospitalized=69&doubling_time=5.0"
     "&mitigation_date=2020-04-20&current_date=2020-04-20&relative_contact_rate=0.60"
     "&hospitalized_rate=0.025&icu_rate=0.0075&ventilated_rate=0.005&infectious_days=10"
     "&hospitalized_days=7&icu_days=9&ventilated_days=10&n_days=30"},
    {"issue385_long_stays.csv",
     "current_date=2020-03-28&current_hospitalized=100&doubling_time=6.0&hospitalized_rate=0.05"
     "&hospitalized_days=7&infectious_days=14&icu_rate=0.02&icu_days=20&market_share=0.05"
     "&mitigation_date=2020-03-28&n_days=60&population=500000&recovered=0"
     "&relative_contact_rate=0.15&ventilated_rate=0.015&ventilated_days=30"},
};

static char *fixture_path(const char *name) {
    /* This file is tests/unit/test_forecast.c; the fixtures are in tests/fixtures/forecast/. */
    const char *me = __FILE__;
    const char *slash = strrchr(me, '/');
    size_t dir = slash ? (size_t)(slash - me) : 0;
    size_t n = dir + strlen("/../fixtures/forecast/") + strlen(name) + 1;
    char *path = malloc(n);
    snprintf(path, n, "%.*s/../fixtures/forecast/%s", (int)dir, me, name);
    return path;
}

static double scalar(const char *text, const char *key) {
    char pat[40];
    snprintf(pat, sizeof pat, "# %s=", key);
    const char *at = strstr(text, pat);
    if (!at) return NAN;
    return strtod(at + strlen(pat), NULL);
}

static void compare(double got, double want, double *worst, size_t *exact, size_t *total,
                    const char *file, const char *what, long day) {
    (*total)++;
    if (isnan(want)) {
        if (!isnan(got)) fail_msg("%s %s day %ld: %.17g, CHIME has none", file, what, day, got);
        (*exact)++;
        return;
    }
    double d = rel(got, want);
    if (d == 0) (*exact)++;
    if (d > *worst) *worst = d;
    if (!(d <= 1e-9)) fail_msg("%s %s day %ld: %.17g, CHIME %.17g", file, what, day, got, want);
}

static void test_chime_every_value(void **state) {
    (void)state;
    for (size_t c = 0; c < sizeof fixtures / sizeof fixtures[0]; c++) {
        char *path = fixture_path(fixtures[c].file);
        FILE *f = fopen(path, "rb");
        if (!f) fail_msg("cannot open %s", path);
        static char text[1 << 16];
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        free(path);

        struct hy_fc_params p;
        parse_ok(&p, fixtures[c].query);
        struct hy_fc_result r;
        run_ok(&p, &r);
        double worst = 0;
        size_t exact = 0, total = 0;
        assert_int_equal(r.i_day, (int)scalar(text, "i_day"));
        compare(r.intrinsic_growth_rate, scalar(text, "g"), &worst, &exact, &total,
                fixtures[c].file, "growth", 0);
        compare(r.beta, scalar(text, "beta"), &worst, &exact, &total, fixtures[c].file, "beta",
                0);
        compare(r.beta_t, scalar(text, "beta_t"), &worst, &exact, &total, fixtures[c].file,
                "beta_t", 0);
        compare(r.r_naught, scalar(text, "r_naught"), &worst, &exact, &total, fixtures[c].file,
                "r_naught", 0);
        compare(r.r_t, scalar(text, "r_t"), &worst, &exact, &total, fixtures[c].file, "r_t", 0);
        compare(r.doubling_time_t, scalar(text, "dtt"), &worst, &exact, &total,
                fixtures[c].file, "doubling_time_t", 0);
        double dt = scalar(text, "doubling_time");
        if (!isnan(dt))
            compare(r.doubling_time, dt, &worst, &exact, &total, fixtures[c].file,
                    "doubling_time", 0);

        /* The table: day, then nine columns. */
        const char *line = strstr(text, "\nday,");
        assert_non_null(line);
        line = strchr(line + 1, '\n') + 1;
        size_t rows = 0;
        while (*line) {
            char *end;
            long day = strtol(line, &end, 10);
            const double *cols[9] = {r.susceptible,          r.infected,
                                     r.recovered,            r.admits[HY_FC_HOSP],
                                     r.admits[HY_FC_ICU],    r.admits[HY_FC_VENT],
                                     r.census[HY_FC_HOSP],   r.census[HY_FC_ICU],
                                     r.census[HY_FC_VENT]};
            static const char *names[9] = {"susceptible", "infected", "recovered",
                                           "admits_hospitalized", "admits_icu",
                                           "admits_ventilated", "census_hospitalized",
                                           "census_icu", "census_ventilated"};
            assert_true(rows < r.ndays);
            assert_int_equal(day, (long)rows - r.i_day);
            const char *q = end;
            for (int k = 0; k < 9; k++) {
                assert_true(*q == ',');
                q++;
                double want = NAN;
                if (*q != ',' && *q != '\n') want = strtod(q, &end), q = end;
                compare(cols[k][rows], want, &worst, &exact, &total, fixtures[c].file, names[k],
                        day);
            }
            line = strchr(q, '\n');
            if (!line) break;
            line++;
            rows++;
        }
        assert_int_equal(rows, r.ndays);
        printf("# %-26s %5zu values, %5zu identical, largest relative difference %.3g\n",
               fixtures[c].file, total, exact, worst);
        hy_fc_result_free(&r);
    }
}

/* ---------------------------------------------------------------- CHIME's complaints */

/* The census on day 0 after fitting is the modelled census nearest current_hospitalized among
 * the days before the peak: no other day offset would have put a closer one on current_date. */
static void test_day0_census(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, CHIME_PARAM);
    struct hy_fc_result r;
    run_ok(&p, &r);
    double c0 = r.census[HY_FC_HOSP][r.i_day];
    printf("# day-0 census %.6g for current_hospitalized 100 (admissions that day %.6g)\n", c0,
           r.admits[HY_FC_HOSP][r.i_day]);
    /* The offset is a whole number of days, so day 0 misses current_hospitalized by at most
     * about half a day's growth of the census, and never by a day's admissions. */
    assert_true(fabs(c0 - 100) <= r.admits[HY_FC_HOSP][r.i_day]);
    /* The day before is further away. */
    assert_true(fabs(c0 - 100) <= fabs(r.census[HY_FC_HOSP][r.i_day - 1] - 100));
    hy_fc_result_free(&r);

    /* With a date of first admission the doubling time is fitted to the same end. */
    parse_ok(&p, "population=5026226&market_share=0.32&current_hospitalized=935"
                 "&date_first_hospitalized=2020-02-20&mitigation_date=2020-03-21"
                 "&current_date=2020-04-05&relative_contact_rate=0.30&infectious_days=14"
                 "&n_days=120");
    run_ok(&p, &r);
    assert_true(fabs(r.census[HY_FC_HOSP][r.i_day] - 935) / 935 < 0.01);
    hy_fc_result_free(&r);
}

/* ICU and ventilator census count each patient for that disposition's own length of stay,
 * however much longer than the hospital's: the census of day d is exactly the admissions of
 * the last `days` days. (The complaint that the hospital census does not include the longer
 * ICU tail is CHIME's model, which we keep; docs/forecast.md says so.) */
static void test_long_stays(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, "current_date=2020-03-28&current_hospitalized=100&doubling_time=6.0"
                 "&hospitalized_rate=0.05&hospitalized_days=7&infectious_days=14&icu_rate=0.02"
                 "&icu_days=20&market_share=0.05&n_days=60&population=500000"
                 "&relative_contact_rate=0.15&ventilated_rate=0.015&ventilated_days=30");
    struct hy_fc_result r;
    run_ok(&p, &r);
    const int los[3] = {7, 20, 30};
    for (int k = 0; k < 3; k++)
        for (size_t j = 1; j < r.ndays; j++) {
            double sum = 0;
            for (size_t t = j >= (size_t)los[k] ? j - (size_t)los[k] + 1 : 1; t <= j; t++)
                sum += r.admits[k][t];
            assert_true(fabs(r.census[k][j] - sum) <= 1e-9 * (sum > 1 ? sum : 1));
        }
    /* A 30-day ventilator stay outlasts a 20-day ICU stay: ventilator census passes ICU census
     * although fewer are ventilated than admitted to ICU. */
    size_t last = r.ndays - 1;
    assert_true(r.admits[HY_FC_VENT][last] < r.admits[HY_FC_ICU][last]);
    assert_true(r.census[HY_FC_VENT][last] > r.census[HY_FC_ICU][last] * 1.0);
    hy_fc_result_free(&r);
}

/* CHIME issue 563: doubling time 5 and 60 % distancing gave "1330.9 days". R_t is just under 1,
 * so infections halve: the doubling time after distancing is negative, a halving time. */
static void test_mitigated_doubling_time(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, "current_date=2020-04-20&doubling_time=5&relative_contact_rate=0.6");
    struct hy_fc_result r;
    run_ok(&p, &r);
    assert_true(r.r_t < 1.0);
    assert_true(r.doubling_time_t < 0);
    assert_true(fabs(r.doubling_time_t + 1330.9441456890886) < 1e-6);
    /* The number of infected falls from the day distancing starts. */
    assert_true(r.infected[r.i_day + 2] < r.infected[r.i_day + 1]);
    assert_true(r.infected[r.ndays - 1] < r.infected[r.i_day + 1]);
    hy_fc_result_free(&r);

    /* At R_t = 1 exactly nothing doubles: infinite. Below, R_t > 1 gives a positive time that
     * grows as distancing approaches the threshold. */
    double prev = 0;
    for (int c = 0; c <= 5; c++) {
        char q[128];
        snprintf(q, sizeof q, "current_date=2020-04-20&doubling_time=5&relative_contact_rate=0.%d",
                 c);
        parse_ok(&p, q);
        run_ok(&p, &r);
        assert_true(r.r_t > 1.0 && r.doubling_time_t > prev);
        prev = r.doubling_time_t;
        hy_fc_result_free(&r);
    }
}

/* ---------------------------------------------------------------- parameters */

static void test_params_defaults(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, "doubling_time=4");
    assert_int_equal(p.mode, HY_FC_BY_DOUBLING);
    assert_true(p.current_hospitalized == 69 && p.population == 3600000);
    assert_true(p.relative_contact_rate == 0.45 && p.market_share == 0.15);
    assert_int_equal(p.infectious_days, 10);
    assert_int_equal(p.n_days, 30);
    assert_true(p.rate[HY_FC_HOSP] == 0.025 && p.rate[HY_FC_ICU] == 0.0075 &&
                p.rate[HY_FC_VENT] == 0.005);
    assert_int_equal(p.days[HY_FC_HOSP], 7);
    assert_int_equal(p.days[HY_FC_ICU], 9);
    assert_int_equal(p.days[HY_FC_VENT], 10);
    assert_int_equal(p.current_date, TODAY);
    assert_int_equal(p.mitigation_date, TODAY);
    /* No anchor at all: CHIME's default doubling time. */
    parse_ok(&p, "current_hospitalized=10");
    assert_int_equal(p.mode, HY_FC_BY_DOUBLING);
    assert_true(p.doubling_time == HY_FC_DEFAULT_DOUBLING_TIME);
    /* Every parameter has help, and every one with a default is accepted with it. */
    for (size_t i = 0; i < hy_fc_param_count; i++) {
        assert_true(strlen(hy_fc_param_infos[i].help) > 10);
        const char *d = hy_fc_param_infos[i].def;
        if (!d[0] || !strcmp(d, "today") || !strcmp(d, "current_date")) continue;
        struct hy_fc_params q;
        hy_fc_params_default(&q, TODAY);
        struct hy_fc_error err;
        assert_int_equal(hy_fc_param_set(&q, hy_fc_param_infos[i].name, d, &err), 0);
    }
}

static void test_params_digits_and_dates(void **state) {
    (void)state;
    struct hy_fc_params p;
    /* Persian digits, Arabic-Indic digits and the Arabic decimal separator. */
    parse_ok(&p, "doubling_time=۴٫۵&population=٣٦٠٠٠٠٠&current_date=۲۰۲۰-۰۳-۲۸"
                 "&relative_contact_rate=٠٫٣");
    assert_true(p.doubling_time == 4.5);
    assert_true(p.population == 3600000);
    assert_true(p.relative_contact_rate == 0.3);
    assert_int_equal(p.current_date, TODAY);
    int32_t d;
    assert_true(hy_fc_date_parse("2020-02-29", &d));
    char out[11];
    hy_fc_date_format(d, out);
    assert_string_equal(out, "2020-02-29");
    assert_false(hy_fc_date_parse("2019-02-29", &d));
    assert_false(hy_fc_date_parse("2020-13-01", &d));
    assert_false(hy_fc_date_parse("2020-3-28", &d));
    assert_false(hy_fc_date_parse("28/03/2020", &d));
    assert_true(hy_fc_date_parse("1970-01-01", &d) && d == 0);
    for (int32_t day = -25000; day < 80000; day += 37) {
        hy_fc_date_format(day, out);
        int32_t back;
        assert_true(hy_fc_date_parse(out, &back));
        assert_int_equal(back, day);
    }
}

static void test_params_errors(void **state) {
    (void)state;
    parse_bad("current_hospitalized=-3&doubling_time=4", "current_hospitalized");
    parse_bad("current_hospitalized=2.5&doubling_time=4", "current_hospitalized");
    parse_bad("population=-1&doubling_time=4", "population");
    parse_bad("recovered=-10&doubling_time=4", "recovered");
    parse_bad("doubling_time=0", "doubling_time");
    parse_bad("doubling_time=-2", "doubling_time");
    parse_bad("doubling_time=abc", "doubling_time");
    parse_bad("doubling_time=nan", "doubling_time");
    parse_bad("doubling_time=inf", "doubling_time");
    parse_bad("doubling_time=4.6e-28", "doubling_time"); /* found by fuzz_forecast */
    parse_bad("doubling_time=0.09", "doubling_time");
    parse_bad("doubling_time=4&n_days=1001", "n_days");
    parse_bad("doubling_time=4&n_days=0", "n_days");
    parse_bad("doubling_time=4&relative_contact_rate=1.5", "relative_contact_rate");
    parse_bad("doubling_time=4&relative_contact_rate=-0.1", "relative_contact_rate");
    parse_bad("doubling_time=4&hospitalized_rate=30", "hospitalized_rate");
    parse_bad("doubling_time=4&hospitalized_rate=0", "hospitalized_rate");
    parse_bad("doubling_time=4&market_share=0", "market_share");
    parse_bad("doubling_time=4&icu_rate=2", "icu_rate");
    parse_bad("doubling_time=4&ventilated_rate=-1", "ventilated_rate");
    parse_bad("doubling_time=4&icu_days=0", "icu_days");
    parse_bad("doubling_time=4&infectious_days=0", "infectious_days");
    parse_bad("doubling_time=4&current_date=2020-02-30", "current_date");
    parse_bad("doubling_time=4&mitigation_date=yesterday", "mitigation_date");
    parse_bad("date_first_hospitalized=2020/03/01", "date_first_hospitalized");
    parse_bad("date_first_hospitalized=2020-03-28&current_date=2020-03-28",
              "date_first_hospitalized");
    parse_bad("date_first_hospitalized=2010-03-01&current_date=2020-03-28",
              "date_first_hospitalized");
    /* At most one way to anchor the spread (none: CHIME's default doubling time). */
    parse_bad("doubling_time=4&date_first_hospitalized=2020-03-01", "date_first_hospitalized");
    parse_bad("doubling_time=4&admissions=[1,2,3]", "admissions");
    parse_bad("doubling_time=4&doubling_time=5", "doubling_time");
    parse_bad("doubling_time=4&no_such_thing=1", NULL);
    parse_bad("doubling_time=4&current_hospitalized=", "current_hospitalized");
    /* The first infections must leave someone susceptible. */
    parse_bad("doubling_time=4&population=100", "population");
    parse_bad("doubling_time=4&population=100&current_hospitalized=200", "current_hospitalized");
    /* Ranges. */
    parse_bad("doubling_time=4&doubling_time_min=3", "doubling_time_max");
    parse_bad("doubling_time=4&doubling_time_max=3", "doubling_time_min");
    parse_bad("doubling_time=4&doubling_time_min=5&doubling_time_max=3", "doubling_time_min");
    parse_bad("doubling_time=4&doubling_time_min=5&doubling_time_max=6", "doubling_time_min");
    parse_bad("date_first_hospitalized=2020-03-01&doubling_time_min=3&doubling_time_max=5",
              "doubling_time_min");
    parse_bad("doubling_time=4&icu_rate_min=0.5&icu_rate_max=2", "icu_rate_max");
    parse_bad("doubling_time=4&n_days=400&icu_rate_min=0&icu_rate_max=0.01", "n_days");
    parse_bad("doubling_time=4&hospitalized_rate_min=0&hospitalized_rate_max=0.05",
              "hospitalized_rate_min");
    /* Series. */
    parse_bad("admissions=[1,2]", "admissions");
    parse_bad("admissions=[1,2,x]", "admissions");
    parse_bad("admissions=[1,2,-3]", "admissions");
    parse_bad("admissions=[1,2,3", "admissions");
    parse_bad("admissions=[1,2,3]x", "admissions");
    parse_bad("admissions=2020-03-01,1\n2020-03-03,2\n2020-03-04,3", "admissions");
    parse_bad("admissions=2020-03-25,1\n2020-03-26,2\n2020-03-27,3", "admissions");
    parse_bad("admissions=[1,2,3]&n_days=1&relative_contact_rate_min=0&"
              "relative_contact_rate_max=0.5",
              "relative_contact_rate_min");
}

static void test_params_series(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, "admissions=[1, 2.5 ,۳]");
    assert_int_equal(p.mode, HY_FC_BY_ADMISSIONS);
    assert_int_equal(p.nadmissions, 3);
    assert_true(p.admissions[1] == 2.5 && p.admissions[2] == 3);
    parse_ok(&p, "admissions=\xef\xbb\xbf"
                 "date,admissions\r\n2020-03-26,4\r\n2020-03-27;5\r\n\r\n2020-03-28,6\r\n");
    assert_int_equal(p.nadmissions, 3);
    assert_true(p.admissions[0] == 4 && p.admissions[2] == 6);
    assert_int_equal(p.admissions_last_date, TODAY);
    parse_ok(&p, "admissions=7\n8\n9\n10");
    assert_int_equal(p.nadmissions, 4);
}

/* ---------------------------------------------------------------- beyond CHIME */

/* A series made by the model itself with a known doubling time is fitted back to it. */
static void test_admissions_fit(void **state) {
    (void)state;
    struct hy_fc_params p;
    parse_ok(&p, "doubling_time=4.3&current_date=2020-04-20&mitigation_date=2020-04-10"
                 "&relative_contact_rate=0.3&n_days=30");
    struct hy_fc_result truth;
    run_ok(&p, &truth);
    char q[4096];
    int n = snprintf(q, sizeof q,
                     "current_date=2020-04-20&mitigation_date=2020-04-10"
                     "&relative_contact_rate=0.3&n_days=30&admissions=[");
    size_t L = 20;
    for (size_t t = 0; t < L; t++)
        n += snprintf(q + n, sizeof q - (size_t)n, "%s%.17g", t ? "," : "",
                      truth.admits[HY_FC_HOSP][(size_t)truth.i_day - L + 1 + t]);
    snprintf(q + n, sizeof q - (size_t)n, "]");
    struct hy_fc_params fp;
    parse_ok(&fp, q);
    struct hy_fc_result r;
    run_ok(&fp, &r);
    assert_true(r.has_fit);
    assert_int_equal(r.fit_points, L);
    printf("# admissions fit: doubling time %.6f (made with 4.3), i_day %d (%d), rms %.3g\n",
           r.doubling_time, r.i_day, truth.i_day, r.fit_rms);
    assert_true(fabs(r.doubling_time - 4.3) < 0.01);
    assert_int_equal(r.i_day, truth.i_day);
    assert_true(r.fit_rms < 0.05 * truth.admits[HY_FC_HOSP][truth.i_day]);
    assert_true(r.fit_sse >= 0 && fabs(sqrt(r.fit_sse / (double)L) - r.fit_rms) < 1e-12);

    /* Noise: a worse fit, a larger residual. */
    n = snprintf(q, sizeof q,
                 "current_date=2020-04-20&mitigation_date=2020-04-10&relative_contact_rate=0.3"
                 "&n_days=30&admissions=[");
    for (size_t t = 0; t < L; t++)
        n += snprintf(q + n, sizeof q - (size_t)n, "%s%.17g", t ? "," : "",
                      truth.admits[HY_FC_HOSP][(size_t)truth.i_day - L + 1 + t] *
                          (t % 2 ? 1.2 : 0.8));
    snprintf(q + n, sizeof q - (size_t)n, "]");
    parse_ok(&fp, q);
    struct hy_fc_result noisy;
    run_ok(&fp, &noisy);
    assert_true(noisy.fit_rms > r.fit_rms);
    assert_true(fabs(noisy.doubling_time - 4.3) < 0.5);
    hy_fc_result_free(&noisy);
    hy_fc_result_free(&r);
    hy_fc_result_free(&truth);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The selection gives what sorting gives, with ties and any length. */
static void test_percentiles(void **state) {
    (void)state;
    static const double q[3] = {0.05, 0.5, 0.95};
    uint64_t x = 88172645463325252u;
    for (size_t n = 1; n <= 1200; n += n < 30 ? 1 : 97) {
        double *v = malloc(sizeof(double) * n), *w = malloc(sizeof(double) * n);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            v[i] = (double)(x % (n < 50 ? 5 : 100000)); /* many ties when small */
            w[i] = v[i];
        }
        double got[3];
        hy_fc_percentiles(v, n, q, 3, got);
        qsort(w, n, sizeof *w, cmp_double);
        for (int t = 0; t < 3; t++) {
            double pos = q[t] * (double)(n - 1);
            size_t lo = (size_t)pos;
            double want = lo + 1 < n ? w[lo] + (w[lo + 1] - w[lo]) * (pos - (double)lo) : w[lo];
            assert_true(got[t] == want);
        }
        free(v);
        free(w);
    }
}

static void test_bands(void **state) {
    (void)state;
    /* Ranges of zero width: every run is the central run, so every percentile is it. */
    struct hy_fc_params p;
    parse_ok(&p, "doubling_time=4&current_date=2020-04-20&doubling_time_min=4"
                 "&doubling_time_max=4&icu_rate_min=0.0075&icu_rate_max=0.0075");
    struct hy_fc_result r;
    run_ok(&p, &r);
    assert_true(r.has_bands);
    assert_int_equal(r.band_days, 31);
    assert_int_equal(r.band_runs, HY_FC_RUNS);
    for (size_t d = 0; d < r.band_days; d++)
        for (int t = 0; t < 3; t++) {
            size_t j = (size_t)r.i_day + d;
            for (int k = 0; k < 3; k++) {
                if (d) assert_true(r.band[k][t][d] == r.admits[k][j]);
                assert_true(r.band[3 + k][t][d] == r.census[k][j]);
            }
        }
    hy_fc_result_free(&r);

    /* Real ranges: ordered percentiles around the central run, the same for the same seed and
     * different for another. */
    const char *q = "doubling_time=4&current_date=2020-04-20&doubling_time_min=3"
                    "&doubling_time_max=6&relative_contact_rate_min=0.3"
                    "&relative_contact_rate_max=0.6&hospitalized_rate_min=0.02"
                    "&hospitalized_rate_max=0.03&icu_rate_min=0.005&icu_rate_max=0.01"
                    "&ventilated_rate_min=0.003&ventilated_rate_max=0.007";
    parse_ok(&p, q);
    struct hy_fc_result a, b, c;
    run_ok(&p, &a);
    run_ok(&p, &b);
    char q2[1024];
    snprintf(q2, sizeof q2, "%s&seed=2", q);
    parse_ok(&p, q2);
    run_ok(&p, &c);
    assert_int_equal(a.band_runs + a.band_failed, HY_FC_RUNS);
    bool differs = false;
    for (int s = 0; s < 6; s++)
        for (size_t d = 1; d < a.band_days; d++) {
            assert_true(a.band[s][0][d] <= a.band[s][1][d]);
            assert_true(a.band[s][1][d] <= a.band[s][2][d]);
            for (int t = 0; t < 3; t++) {
                assert_true(a.band[s][t][d] == b.band[s][t][d]);
                differs |= a.band[s][t][d] != c.band[s][t][d];
            }
        }
    assert_true(differs);
    /* The spread is real: at the horizon the 95th percentile of the census is well above the
     * 5th. */
    assert_true(a.band[3][2][30] > 1.2 * a.band[3][0][30]);
    hy_fc_result_free(&a);
    hy_fc_result_free(&b);
    hy_fc_result_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chime_sir_step),
        cmocka_unit_test(test_chime_sim_sir),
        cmocka_unit_test(test_chime_growth_rate),
        cmocka_unit_test(test_chime_model),
        cmocka_unit_test(test_chime_first_hosp_fit),
        cmocka_unit_test(test_chime_cli_csv),
        cmocka_unit_test(test_chime_every_value),
        cmocka_unit_test(test_day0_census),
        cmocka_unit_test(test_long_stays),
        cmocka_unit_test(test_mitigated_doubling_time),
        cmocka_unit_test(test_params_defaults),
        cmocka_unit_test(test_params_digits_and_dates),
        cmocka_unit_test(test_params_errors),
        cmocka_unit_test(test_params_series),
        cmocka_unit_test(test_admissions_fit),
        cmocka_unit_test(test_percentiles),
        cmocka_unit_test(test_bands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
