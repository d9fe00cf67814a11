/* forecast.c — `hamyari forecast --NAME=VALUE…`: the hospital-load forecast on the command line.
 *
 * The same parameters, parser, model and output as GET /api/v1/forecast; names take '_' or '-'
 * (CHIME's own command line used '-'). No store is opened. */
#include "cli/forecast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/forecast.h"

#define SERIES_FILE_MAX ((size_t)1 << 20)

static void usage(FILE *out) {
    fprintf(out,
            "Usage: hamyari forecast --NAME=VALUE… [--format json|csv]\n\n"
            "Forecasts COVID-19 hospital admissions and census with CHIME's SIR model (Penn\n"
            "Medicine's Hospital Impact Model for Epidemics): give current_hospitalized and one\n"
            "of doubling_time, date_first_hospitalized or admissions; the rest have CHIME's\n"
            "defaults. Dates are YYYY-MM-DD, rates are fractions (0.3 = 30 %%); Persian and\n"
            "Arabic digits are accepted. With NAME_min and NAME_max ranges, 1,000 runs give the\n"
            "5th, 50th and 95th percentiles per day. See docs/forecast.md.\n\n"
            "Parameters (--NAME=VALUE or --NAME VALUE; '-' or '_' in names):\n");
    for (size_t i = 0; i < hy_fc_param_count; i++) {
        const struct hy_fc_param_info *in = &hy_fc_param_infos[i];
        char def[64];
        if (in->def[0])
            snprintf(def, sizeof def, " (default %s)", in->def);
        else
            def[0] = '\0';
        fprintf(out, "  --%s\n      %s%s\n", in->name, in->help, def);
        if (!strcmp(in->name, "admissions"))
            fprintf(out, "      on the command line: a JSON array, or a CSV file name ('-' for "
                         "standard input)\n");
    }
    fprintf(out, "\nOutput:\n"
                 "  --format json|csv   JSON (default) or CSV with day,date,hospitalized,icu,\n"
                 "                      ventilated and the census columns\n"
                 "  --help              show this help\n");
}

/* The admissions value: a JSON array as it is, else the contents of a file ('-' = stdin).
 * NULL after printing an error. The caller frees a file's contents. */
static char *series_arg(const char *v, bool *ret_owned) {
    *ret_owned = false;
    const char *q = v;
    while (*q == ' ' || *q == '\t') q++;
    if (*q == '[') return (char *)v;
    FILE *f = strcmp(v, "-") ? fopen(v, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "hamyari forecast: admissions: cannot open '%s'\n", v);
        return NULL;
    }
    char *text = malloc(SERIES_FILE_MAX + 1);
    size_t n = text ? fread(text, 1, SERIES_FILE_MAX + 1, f) : 0;
    bool err = ferror(f) != 0;
    if (f != stdin) fclose(f);
    if (!text || err || n > SERIES_FILE_MAX) {
        fprintf(stderr, "hamyari forecast: admissions: '%s' %s\n", v,
                !text || err ? "cannot be read" : "is larger than 1 MiB");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        fprintf(stderr, "hamyari forecast: admissions: '%s' holds a NUL byte\n", v);
        free(text);
        return NULL;
    }
    *ret_owned = true;
    return text;
}

int hy_cmd_forecast(int argc, char **argv) {
    struct hy_fc_params *p = malloc(sizeof *p);
    if (!p) return 1;
    hy_fc_params_default(p, hy_forecast_today());
    const char *format = "json";
    int status = 2;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            free(p);
            return 0;
        }
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            fprintf(stderr, "hamyari forecast: unexpected argument '%s' (see --help)\n", arg);
            goto out;
        }
        char name[64];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (len >= sizeof name) {
            fprintf(stderr, "hamyari forecast: unknown option '%s' (see --help)\n", arg);
            goto out;
        }
        for (size_t i = 0; i < len; i++) name[i] = arg[2 + i] == '-' ? '_' : arg[2 + i];
        name[len] = '\0';
        const char *value;
        if (eq) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            fprintf(stderr, "hamyari forecast: --%s needs a value\n", name);
            goto out;
        }
        if (!strcmp(name, "format")) {
            if (strcmp(value, "json") && strcmp(value, "csv")) {
                fprintf(stderr, "hamyari forecast: format: must be json or csv\n");
                goto out;
            }
            format = value;
            continue;
        }
        bool owned = false;
        char *v = (char *)value;
        if (!strcmp(name, "admissions") && !(v = series_arg(value, &owned))) goto out;
        struct hy_fc_error err = {0};
        int rc = hy_fc_param_set(p, name, v, &err);
        if (owned) free(v);
        if (rc < 0) {
            if (!err.param)
                fprintf(stderr, "hamyari forecast: unknown option '--%s' (see --help)\n", name);
            else
                fprintf(stderr, "hamyari forecast: %s: %s\n", err.param, err.message);
            goto out;
        }
    }
    struct hy_fc_error err = {0};
    if (hy_fc_params_finish(p, &err) < 0) {
        fprintf(stderr, "hamyari forecast: %s: %s\n", err.param, err.message);
        goto out;
    }
    struct hy_fc_result r;
    int rc = hy_fc_run(p, &r, &err);
    if (rc == -1) {
        fprintf(stderr, "hamyari forecast: %s: %s\n", err.param, err.message);
        goto out;
    }
    if (rc < 0) {
        fprintf(stderr, "hamyari forecast: out of memory\n");
        status = 1;
        goto out;
    }
    hy_buf b = HY_BUF_INIT(0);
    int w = strcmp(format, "csv") ? hy_forecast_write_json(&b, p, &r)
                                  : hy_forecast_write_csv(&b, p, &r);
    hy_fc_result_free(&r);
    if (w != 0 || fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
        fprintf(stderr, "hamyari forecast: cannot write the forecast\n");
        hy_buf_free(&b);
        status = 1;
        goto out;
    }
    hy_buf_free(&b);
    status = 0;
out:
    free(p);
    return status;
}
