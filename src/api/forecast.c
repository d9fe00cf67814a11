/* forecast.c — GET /api/v1/forecast: the hospital-load forecast (CHIME's model).
 *
 *   GET /api/v1/forecast?doubling_time=4&current_hospitalized=69…[&format=csv]
 *
 * Public and stateless: the query holds CHIME's parameter names (domain/forecast.h lists them
 * with their defaults); a bad or unknown one is a 400 naming it. The JSON and CSV writers are
 * also what `hamyari forecast` prints, so both give the same bytes. */
#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "domain/dataset.h"
#include "domain/forecast.h"
#include "http/replica.h"
#include "store/datasets.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/jsonw.h"

static const char *const series_names[2 * HY_FC_NDISP] = {
    "admits_hospitalized", "admits_icu",    "admits_ventilated",
    "census_hospitalized", "census_icu",    "census_ventilated"};

int32_t hy_forecast_today(void) {
    time_t now = (time_t)hy_clock_now();
    struct tm tm;
    if (!localtime_r(&now, &tm)) return (int32_t)(now / 86400);
    /* The local calendar day, counted as UTC days. */
    struct tm day = {.tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday,
                     .tm_hour = 12};
    return (int32_t)(timegm(&day) / 86400);
}

/* A number, or null where there is none (NaN, or an infinite doubling time at R_t = 1). */
static int real(hy_buf *b, double v) {
    return isfinite(v) ? hy_jw_real(b, v) : hy_buf_puts(b, "null");
}

static int key_real(hy_buf *b, const char *key, double v) {
    int rc = hy_buf_putc(b, ',');
    if (rc == 0) rc = hy_jw_key(b, key);
    if (rc == 0) rc = real(b, v);
    return rc;
}

static int key_date(hy_buf *b, const char *key, int32_t day) {
    char d[11];
    hy_fc_date_format(day, d);
    int rc = hy_buf_putc(b, ',');
    if (rc == 0) rc = hy_jw_key(b, key);
    if (rc == 0) rc = hy_jw_string(b, d);
    return rc;
}

int hy_forecast_write_json(hy_buf *b, const struct hy_fc_params *p,
                           const struct hy_fc_result *r) {
    int rc = hy_buf_puts(b, "{\"i_day\":");
    if (rc == 0) rc = hy_jw_int(b, r->i_day);
    if (rc == 0) rc = key_real(b, "doubling_time", r->doubling_time);
    if (rc == 0) rc = key_real(b, "intrinsic_growth_rate", r->intrinsic_growth_rate);
    if (rc == 0) rc = key_real(b, "beta", r->beta);
    if (rc == 0) rc = key_real(b, "beta_t", r->beta_t);
    if (rc == 0) rc = key_real(b, "gamma", r->gamma);
    if (rc == 0) rc = key_real(b, "r_naught", r->r_naught);
    if (rc == 0) rc = key_real(b, "r_t", r->r_t);
    if (rc == 0) rc = key_real(b, "doubling_time_t", r->doubling_time_t);
    if (rc == 0) rc = key_date(b, "current_date", p->current_date);
    if (rc == 0) rc = key_date(b, "mitigation_date", p->mitigation_date);
    if (rc == 0) rc = key_date(b, "date_first_hospitalized", p->current_date - r->i_day);
    if (rc == 0 && r->has_fit) {
        rc = hy_buf_puts(b, ",\"fit\":{\"points\":");
        if (rc == 0) rc = hy_jw_int(b, (int64_t)r->fit_points);
        if (rc == 0) rc = key_real(b, "sum_squared_residuals", r->fit_sse);
        if (rc == 0) rc = key_real(b, "rms_residual", r->fit_rms);
        if (rc == 0) rc = hy_buf_putc(b, '}');
    }
    if (rc == 0) rc = hy_buf_puts(b, ",\"days\":[");
    for (size_t j = 0; rc == 0 && j < r->ndays; j++) {
        int32_t day = (int32_t)j - r->i_day;
        rc = hy_buf_puts(b, j ? ",{\"day\":" : "{\"day\":");
        if (rc == 0) rc = hy_jw_int(b, day);
        if (rc == 0) rc = key_date(b, "date", p->current_date + day);
        if (rc == 0) rc = key_real(b, "susceptible", r->susceptible[j]);
        if (rc == 0) rc = key_real(b, "infected", r->infected[j]);
        if (rc == 0) rc = key_real(b, "recovered", r->recovered[j]);
        for (int k = 0; rc == 0 && k < HY_FC_NDISP; k++)
            rc = key_real(b, series_names[k], r->admits[k][j]);
        for (int k = 0; rc == 0 && k < HY_FC_NDISP; k++)
            rc = key_real(b, series_names[HY_FC_NDISP + k], r->census[k][j]);
        if (rc == 0) rc = hy_buf_putc(b, '}');
    }
    if (rc == 0) rc = hy_buf_putc(b, ']');
    if (rc == 0 && r->has_bands) {
        rc = hy_buf_puts(b, ",\"bands\":{\"runs\":");
        if (rc == 0) rc = hy_jw_int(b, r->band_runs);
        if (rc == 0) rc = hy_buf_puts(b, ",\"failed_runs\":");
        if (rc == 0) rc = hy_jw_int(b, r->band_failed);
        if (rc == 0) rc = hy_buf_puts(b, ",\"seed\":");
        if (rc == 0) rc = hy_jw_int(b, (int64_t)p->seed);
        if (rc == 0) rc = hy_buf_puts(b, ",\"percentiles\":[5,50,95],\"days\":[");
        for (size_t d = 0; rc == 0 && d < r->band_days; d++) {
            rc = hy_buf_puts(b, d ? ",{\"day\":" : "{\"day\":");
            if (rc == 0) rc = hy_jw_int(b, (int64_t)d);
            if (rc == 0) rc = key_date(b, "date", p->current_date + (int32_t)d);
            for (int s = 0; rc == 0 && s < 2 * HY_FC_NDISP; s++) {
                rc = hy_buf_putc(b, ',');
                if (rc == 0) rc = hy_jw_key(b, series_names[s]);
                if (rc == 0) rc = hy_buf_putc(b, '[');
                for (int t = 0; rc == 0 && t < 3; t++) {
                    if (t) rc = hy_buf_putc(b, ',');
                    if (rc == 0) rc = real(b, r->band[s][t][d]);
                }
                if (rc == 0) rc = hy_buf_putc(b, ']');
            }
            if (rc == 0) rc = hy_buf_putc(b, '}');
        }
        if (rc == 0) rc = hy_buf_puts(b, "]}");
    }
    if (rc == 0) rc = hy_buf_puts(b, "}\n");
    return rc;
}

/* Through the one CSV writer (util/csv.h): numbers as the shortest text that reads back as
 * the same value, the date as text. */
int hy_forecast_write_csv(hy_buf *b, const struct hy_fc_params *p,
                          const struct hy_fc_result *r) {
    static const char *const pct[3] = {"p5", "p50", "p95"};
    static const char *const plain[2 * HY_FC_NDISP] = {
        "hospitalized", "icu", "ventilated", "census_hospitalized", "census_icu",
        "census_ventilated"};
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, b, false);
    hy_csv_text(&w, "day");
    hy_csv_text(&w, "date");
    for (int s = 0; s < 2 * HY_FC_NDISP; s++) hy_csv_text(&w, plain[s]);
    for (int s = 0; r->has_bands && s < 2 * HY_FC_NDISP; s++)
        for (int t = 0; t < 3; t++) {
            char name[48];
            snprintf(name, sizeof name, "%s_%s", plain[s], pct[t]);
            hy_csv_text(&w, name);
        }
    hy_csv_end_row(&w);
    for (size_t j = 0; j < r->ndays && !hy_csv_writer_error(&w); j++) {
        int32_t day = (int32_t)j - r->i_day;
        char d[11];
        hy_fc_date_format(p->current_date + day, d);
        hy_csv_int(&w, day);
        hy_csv_text(&w, d);
        for (int k = 0; k < HY_FC_NDISP; k++) hy_csv_real(&w, r->admits[k][j]);
        for (int k = 0; k < HY_FC_NDISP; k++) hy_csv_real(&w, r->census[k][j]);
        for (int s = 0; r->has_bands && s < 2 * HY_FC_NDISP; s++)
            for (int t = 0; t < 3; t++) hy_csv_real(&w, day >= 0 ? r->band[s][t][day] : NAN);
        hy_csv_end_row(&w);
    }
    return hy_csv_writer_error(&w);
}

/* ---------------------------------------------------------------- the handler */

struct scan {
    struct hy_fc_params *p;
    struct hy_fc_error err;
    const char *bad_name; /* the first name that failed, for the answer */
    const char *format;
    /* Fitting to a dataset of the open-data portal: its id, the column and area. */
    const char *fit[3];
    bool current_date;  /* given */
    const char *anchor; /* doubling_time, date_first_hospitalized or admissions, if given */
    int rc;
};

static const char *const fit_names[3] = {"fit_dataset", "fit_column", "fit_area"};

static enum MHD_Result each(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value) {
    (void)kind;
    struct scan *sc = cls;
    if (sc->rc < 0) return MHD_NO;
    if (!strcmp(key, "format")) {
        if (sc->format) {
            sc->rc = -1;
            sc->err.param = "format";
            snprintf(sc->err.message, sizeof sc->err.message, "format is given more than once.");
            return MHD_NO;
        }
        sc->format = value ? value : "";
        return MHD_YES;
    }
    for (int i = 0; i < 3; i++) {
        if (strcmp(key, fit_names[i]) != 0) continue;
        if (sc->fit[i]) {
            sc->rc = -1;
            sc->err.param = fit_names[i];
            snprintf(sc->err.message, sizeof sc->err.message, "%s is given more than once.", key);
            return MHD_NO;
        }
        sc->fit[i] = value ? value : "";
        return MHD_YES;
    }
    if (!strcmp(key, "current_date")) sc->current_date = true;
    if (!strcmp(key, "doubling_time") || !strcmp(key, "date_first_hospitalized") ||
        !strcmp(key, "admissions"))
        sc->anchor = key;
    if (hy_fc_param_set(sc->p, key, value ? value : "", &sc->err) < 0) {
        sc->rc = -1;
        sc->bad_name = key;
        return MHD_NO;
    }
    return MHD_YES;
}

/* ---------------------------------------------------------------- fitting to a dataset */

struct fit_ctx {
    const char *id, *column, *area;
    hy_arena *a;
    struct hy_dataset d;
    int col;
    int32_t from, to;
    struct hy_dataset_day *days;
    int n;
    const char *why, *param; /* a refusal: its message and parameter */
};

static int fit_dataset_tx(hy_store *s, void *ctx) {
    struct fit_ctx *c = ctx;
    int r = s->ops->datasets->get(s, c->id, c->a, &c->d);
    if (r < 0) return r;
    if (r == HY_DB_NONE || c->d.version == 0) {
        c->why = "There is no dataset of this id.";
        c->param = "fit_dataset";
        return HY_DB_ABORT;
    }
    return HY_DB_ONE;
}

static int fit_days_tx(hy_store *s, void *ctx) {
    struct fit_ctx *c = ctx;
    c->n = s->ops->datasets->daily(s, c->d.id, c->d.version, c->area, c->col, c->from, c->to,
                                   c->a, &c->days);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* Finds column `name` in a version's columns JSON ([{"name":…},…]); -1 when absent. With
 * name NULL: "admissions" if there is one, else the first. */
static int find_column(const char *columns, const char *name) {
    json_t *cols = json_loads(columns ? columns : "[]", 0, NULL);
    int found = -1;
    for (size_t i = 0; i < json_array_size(cols) && found < 0; i++) {
        const char *n = json_string_value(json_object_get(json_array_get(cols, i), "name"));
        if (n && !strcmp(n, name ? name : "admissions")) found = (int)i;
    }
    if (found < 0 && !name && json_array_size(cols) > 0) found = 0;
    json_decref(cols);
    return found;
}

/* Reads the daily values of the dataset's column (summed over the areas, or of one) into the
 * parameters' admissions series: the days with values up to current_date (the dataset's last
 * date unless current_date is given), the last run without a gap. 0, or -1 with the answer
 * given (*res). */
static int fit_from_dataset(hy_req *req, struct scan *sc, hy_result *res) {
    struct fit_ctx c = {.id = sc->fit[0], .column = sc->fit[1], .area = sc->fit[2],
                        .a = req->arena};
    const char *why = NULL, *param = NULL;
    if (!sc->fit[0]) why = "fit_column and fit_area go with fit_dataset.", param = sc->fit[1] ? "fit_column" : "fit_area";
    else if (!hy_ds_id_valid(c.id)) why = "fit_dataset must be a dataset's id.", param = "fit_dataset";
    else if (sc->anchor) why = "fit_dataset fits the doubling time: give no doubling_time, date_first_hospitalized or admissions with it.", param = "fit_dataset";
    else if (c.column && (!*c.column || strlen(c.column) > HY_DS_NAME_MAX)) why = "fit_column must be a column's name.", param = "fit_column";
    else if (c.area && (!*c.area || strlen(c.area) > HY_DS_AREA_MAX)) why = "fit_area must be an area's name.", param = "fit_area";
    if (why) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, why, param);
        return -1;
    }
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, fit_dataset_tx, &c);
    if (r == HY_DB_ABORT) {
        *res = hy_reply_error(req, HY_E_NOT_FOUND, c.why, c.param);
        return -1;
    }
    if (r < 0) {
        *res = hy_reply_store_error(req, r);
        return -1;
    }
    c.col = find_column(c.d.columns, c.column);
    if (c.col < 0) {
        *res = hy_reply_error(req, HY_E_NOT_FOUND, "The dataset has no column of this name.",
                              "fit_column");
        return -1;
    }
    struct hy_fc_params *p = sc->p;
    if (!sc->current_date) {
        char d[11];
        hy_fc_date_format(c.d.max_day, d);
        if (hy_fc_param_set(p, "current_date", d, &sc->err) < 0) {
            *res = hy_reply_error(req, HY_E_INVALID_QUERY, sc->err.message, "fit_dataset");
            return -1;
        }
    }
    /* At most the series the model takes: HY_FC_SERIES_MAX, and under n_days + the offsets. */
    int64_t max = (int64_t)p->n_days + HY_FC_PREFIT_DAYS - 1;
    if (max > HY_FC_SERIES_MAX) max = HY_FC_SERIES_MAX;
    c.to = p->current_date;
    c.from = (int32_t)(c.to - max + 1);
    r = hy_db_run(hy_req_read_db(req), HY_TX_SINGLE, fit_days_tx, &c);
    if (r < 0) {
        *res = hy_reply_store_error(req, r);
        return -1;
    }
    /* The last run of consecutive days with values, ending on current_date. */
    int end = c.n - 1;
    while (end >= 0 && c.days[end].count == 0) end--;
    if (end < 0 || c.days[end].day != c.to) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY,
                              "The dataset has no value of this column on current_date.",
                              "fit_dataset");
        return -1;
    }
    int start = end;
    while (start > 0 && c.days[start - 1].count > 0 && c.days[start - 1].day == c.days[start].day - 1)
        start--;
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_putc(&b, '[');
    for (int i = start; i <= end; i++) {
        if (i > start) hy_buf_putc(&b, ',');
        hy_jw_number(&b, c.days[i].total < 0 ? 0 : c.days[i].total);
    }
    hy_buf_putc(&b, ']');
    int set = hy_buf_error(&b) ? -1 : hy_fc_param_set(p, "admissions", b.data, &sc->err);
    hy_buf_free(&b);
    if (set < 0) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, sc->err.message, "fit_dataset");
        return -1;
    }
    return 0;
}

hy_result hy_api_get_forecast(hy_req *req) {
    struct hy_fc_params *p = hy_arena_alloc(req->arena, sizeof *p);
    if (!p) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    hy_fc_params_default(p, hy_forecast_today());
    struct scan sc = {.p = p};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, each, &sc);
    if (sc.rc < 0) {
        if (!sc.err.param) {
            const char *name = sc.bad_name ? hy_arena_strdup(req->arena, sc.bad_name) : NULL;
            return hy_reply_error(req, HY_E_UNKNOWN_FIELD,
                                  "The forecast does not take this parameter.", name);
        }
        return hy_reply_error(req, HY_E_INVALID_QUERY, sc.err.message, sc.err.param);
    }
    bool csv = false;
    if (sc.format) {
        if (!strcmp(sc.format, "csv"))
            csv = true;
        else if (strcmp(sc.format, "json") != 0)
            return hy_reply_error(req, HY_E_INVALID_QUERY, "format must be json or csv.",
                                  "format");
    }
    if (sc.fit[0] || sc.fit[1] || sc.fit[2]) {
        hy_result res;
        if (fit_from_dataset(req, &sc, &res) < 0) return res;
    }
    if (hy_fc_params_finish(p, &sc.err) < 0)
        return hy_reply_error(req, sc.err.missing ? HY_E_MISSING_FIELD : HY_E_INVALID_QUERY,
                              sc.err.message, sc.err.param);
    struct hy_fc_result r;
    int rc = hy_fc_run(p, &r, &sc.err);
    if (rc == -1) return hy_reply_error(req, HY_E_INVALID_QUERY, sc.err.message, sc.err.param);
    if (rc < 0) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    hy_buf out = HY_BUF_INIT((size_t)256 << 20);
    int w = csv ? hy_forecast_write_csv(&out, p, &r) : hy_forecast_write_json(&out, p, &r);
    hy_fc_result_free(&r);
    if (w != 0) {
        hy_buf_free(&out);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    hy_result res;
    if (csv) {
        hy_req_add_header(req, "Content-Disposition", "attachment; filename=\"forecast.csv\"");
        res = hy_reply_bytes(req, 200, "text/csv; charset=utf-8", out.data, out.len);
        hy_buf_free(&out);
    } else {
        res = hy_reply_json_buf(req, 200, &out);
        hy_buf_free(&out);
    }
    return res;
}
