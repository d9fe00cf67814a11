/* forecast_time.c — the forecast's time in process (no HTTP): a plain run with CHIME's defaults
 * and the same with the 1,000-run Monte Carlo bands, each repeated, median and slowest printed
 * as one JSON line. bench/run builds it against build/libhycore.a:
 *
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Isrc bench/forecast_time.c build/libhycore.a \
 *      $(pkg-config --libs libmicrohttpd sqlite3 libpq jansson libsodium md4c-html zlib) \
 *      -lpthread -lm -o /tmp/forecast_time && /tmp/forecast_time [REPEATS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/forecast.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times `reps` runs of the parameters in `query` ("name=value&…"); median and max in ms. */
static int time_runs(const char *query, int reps, double *ret_median, double *ret_max) {
    struct hy_fc_params *p = malloc(sizeof *p);
    double *t = malloc(sizeof(double) * (size_t)reps);
    char *copy = strdup(query);
    if (!p || !t || !copy) return -1;
    hy_fc_params_default(p, 18372);
    struct hy_fc_error err;
    char *save = NULL;
    for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) return -1;
        *eq = '\0';
        if (hy_fc_param_set(p, kv, eq + 1, &err) < 0) {
            fprintf(stderr, "forecast_time: %s: %s\n", kv, err.message);
            return -1;
        }
    }
    if (hy_fc_params_finish(p, &err) < 0) {
        fprintf(stderr, "forecast_time: %s: %s\n", err.param, err.message);
        return -1;
    }
    for (int i = 0; i < reps; i++) {
        struct hy_fc_result r;
        double t0 = now_ms();
        if (hy_fc_run(p, &r, &err) != 0) {
            fprintf(stderr, "forecast_time: %s: %s\n", err.param, err.message);
            return -1;
        }
        t[i] = now_ms() - t0;
        hy_fc_result_free(&r);
    }
    qsort(t, (size_t)reps, sizeof *t, cmp);
    *ret_median = t[reps / 2];
    *ret_max = t[reps - 1];
    free(p), free(t), free(copy);
    return 0;
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 20;
    if (reps < 1) reps = 1;
    const char *plain = "doubling_time=4&current_date=2020-04-20";
    const char *bands = "doubling_time=4&current_date=2020-04-20&doubling_time_min=3"
                        "&doubling_time_max=6&relative_contact_rate_min=0.3"
                        "&relative_contact_rate_max=0.6&hospitalized_rate_min=0.02"
                        "&hospitalized_rate_max=0.03&icu_rate_min=0.005&icu_rate_max=0.01"
                        "&ventilated_rate_min=0.003&ventilated_rate_max=0.007";
    const char *past = "doubling_time=4&current_date=2020-04-20&mitigation_date=2020-04-06"
                       "&doubling_time_min=3&doubling_time_max=6"
                       "&relative_contact_rate_min=0.3&relative_contact_rate_max=0.6";
    double pm, px, bm, bx, qm, qx;
    if (time_runs(plain, reps * 10, &pm, &px) < 0 || time_runs(bands, reps, &bm, &bx) < 0 ||
        time_runs(past, reps, &qm, &qx) < 0)
        return 1;
    printf("{\"plain_ms\":%.3f,\"plain_max_ms\":%.3f,\"bands_ms\":%.3f,\"bands_max_ms\":%.3f,"
           "\"bands_mitigation_past_ms\":%.3f,\"bands_mitigation_past_max_ms\":%.3f,"
           "\"repeats\":%d}\n",
           pm, px, bm, bx, qm, qx, reps);
    return 0;
}
