/* requests_reports.c — figures about help requests, without personal data.
 *
 *   GET  /api/v1/requests/stats  coordinators: counts by status, kind, day, area
 *   GET  /api/v1/requests.csv    coordinators: export without personal data
 *   GET  /api/v1/coverage        public: volunteers per ~1 km cell, cells < 3 hidden */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/requests.h"
#include "domain/geo.h"
#include "http/replica.h"
#include "util/csv.h"

#define COVERAGE_CELL_M 1000.0
#define COVERAGE_MIN 3        /* cells with fewer volunteers are not shown */
#define STATS_CELL_M 5000.0
#define CSV_MAX 50000

/* ---- statistics and export ---- */

struct stats_ctx {
    hy_req *req;
    struct hy_request_stat_row *rows;
    int n;
};

static int stats_tx(hy_store *s, void *ctx) {
    struct stats_ctx *c = ctx;
    int r = s->ops->requests->stats(s, c->req->arena, &c->rows);
    if (r < 0) return r;
    c->n = r;
    return HY_DB_ONE;
}

static void day_string(int64_t day, char out[11]) {
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void bump(json_t *obj, const char *key, json_int_t n) {
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer((v ? json_integer_value(v) : 0) + n));
}

hy_result hy_api_get_request_stats(hy_req *req) {
    struct stats_ctx c = {.req = req};
    int r = hy_db_run(req->srv->db, HY_TX_READ, stats_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *by_status = json_object(), *by_kind = json_object(), *days = json_object(),
           *cells = json_object();
    for (int i = 0; hy_rq_statuses[i]; i++) json_object_set_new(by_status, hy_rq_statuses[i], json_integer(0));
    for (int i = 0; hy_rq_kinds[i]; i++) json_object_set_new(by_kind, hy_rq_kinds[i], json_integer(0));
    json_int_t total = 0, no_area = 0;
    for (int i = 0; i < c.n; i++) {
        struct hy_request_stat_row *x = &c.rows[i];
        total += x->count;
        bump(by_status, x->status, x->count);
        bump(by_kind, x->kind, x->count);
        char d[11];
        day_string(x->day, d);
        bump(days, d, x->count);
        if (!x->has_area) {
            no_area += x->count;
            continue;
        }
        double la, lo;
        hy_geo_round(x->lat, x->lon, STATS_CELL_M, &la, &lo);
        char key[64];
        snprintf(key, sizeof key, "%.6f,%.6f", la, lo);
        bump(cells, key, x->count);
    }
    json_t *by_day = json_array(), *by_area = json_array();
    const char *k;
    json_t *v;
    /* Days in order (an object's keys come in insertion order). */
    size_t nd = json_object_size(days), w = 0;
    const char **keys = hy_arena_alloc(req->arena, sizeof *keys * (nd ? nd : 1));
    if (!keys) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    json_object_foreach(days, k, v) keys[w++] = k;
    for (size_t i = 1; i < w; i++)
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    for (size_t i = 0; i < w; i++)
        json_array_append_new(by_day, json_pack("{s:s,s:O}", "day", keys[i], "count", json_object_get(days, keys[i])));
    json_object_foreach(cells, k, v) {
        char *comma;
        double la = strtod(k, &comma), lo = *comma == ',' ? strtod(comma + 1, NULL) : 0;
        json_array_append_new(by_area, json_pack("{s:f,s:f,s:O}", "lat", la, "lon", lo, "count", v));
    }
    json_decref(days);
    json_decref(cells);
    return hy_reply_json(req, 200,
                         json_pack("{s:I,s:o,s:o,s:o,s:o,s:I,s:f}", "total", total, "by_status",
                                   by_status, "by_kind", by_kind, "by_day", by_day, "by_area",
                                   by_area, "without_area", no_area, "area_cell_km",
                                   STATS_CELL_M / 1000));
}

hy_result hy_api_export_requests_csv(hy_req *req) {
    bool bom;
    if (!hy_csv_bom_option(hy_req_query(req, "bom"), &bom))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "bom must be 0 or 1.", "bom");
    struct hy_api_rq_list c = {.req = req};
    c.f.limit = CSV_MAX;
    int r = hy_db_run(req->srv->db, HY_TX_READ, hy_api_rq_list_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    static const char *const columns[] = {
        "id",        "created_at", "status",     "kind",      "urgency",        "for_whom",
        "language",  "source",     "lat",        "lon",       "opened_at",      "claimed_at",
        "closed_at", "receipt_amount", "reimbursement", NULL};
    hy_buf b = HY_BUF_INIT(64u * 1024 * 1024);
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, &b, bom);
    hy_csv_header(&w, columns);
    for (int i = 0; i < c.n; i++) {
        const struct hy_request *x = &c.rows[i];
        hy_csv_text(&w, x->id);
        hy_csv_int(&w, x->created_at);
        hy_csv_text(&w, x->status);
        hy_csv_text(&w, x->kind);
        hy_csv_text(&w, x->urgency);
        hy_csv_text(&w, x->for_whom);
        hy_csv_text(&w, x->language);
        hy_csv_text(&w, x->source);
        if (x->has_area) { /* positions rounded to about 500 m */
            hy_csv_fixed(&w, x->lat, 6);
            hy_csv_fixed(&w, x->lon, 6);
        } else {
            hy_csv_empty(&w);
            hy_csv_empty(&w);
        }
        const int64_t times[] = {x->opened_at, x->claimed_at, x->closed_at};
        for (size_t k = 0; k < 3; k++) {
            if (times[k]) hy_csv_int(&w, times[k]);
            else hy_csv_empty(&w);
        }
        if (x->has_receipt) hy_csv_fixed(&w, x->receipt_amount, 2);
        else hy_csv_empty(&w);
        hy_csv_text(&w, x->reimbursement);
        hy_csv_end_row(&w);
    }
    return hy_api_reply_csv(req, &w, &b, "requests.csv");
}

/* ---- the public coverage map ---- */

struct cov_ctx {
    hy_req *req;
    struct hy_request_volunteer *v;
    int n;
};

static int cov_tx(hy_store *s, void *ctx) {
    struct cov_ctx *c = ctx;
    int r = s->ops->requests->volunteers(s, NULL, 200000, c->req->arena, &c->v);
    if (r < 0) return r;
    c->n = r;
    return HY_DB_ONE;
}

struct cell {
    double lat, lon;
    long count;
};

static int by_cell(const void *x, const void *y) {
    const struct cell *a = x, *b = y;
    if (a->lat != b->lat) return a->lat < b->lat ? -1 : 1;
    if (a->lon != b->lon) return a->lon < b->lon ? -1 : 1;
    return 0;
}

hy_result hy_api_get_coverage(hy_req *req) {
    struct cov_ctx c = {.req = req};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, cov_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    struct cell *cells = hy_arena_alloc(req->arena, sizeof *cells * (size_t)(c.n ? c.n : 1));
    if (!cells) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    for (int i = 0; i < c.n; i++) {
        cells[i].count = 1;
        hy_geo_round(c.v[i].lat, c.v[i].lon, COVERAGE_CELL_M, &cells[i].lat, &cells[i].lon);
    }
    qsort(cells, (size_t)c.n, sizeof *cells, by_cell);
    json_t *arr = json_array();
    for (int i = 0; i < c.n;) {
        int j = i;
        while (j < c.n && by_cell(&cells[i], &cells[j]) == 0) j++;
        if (j - i >= COVERAGE_MIN)
            json_array_append_new(arr, json_pack("{s:f,s:f,s:i}", "lat", hy_api_round6(cells[i].lat), "lon",
                                                 hy_api_round6(cells[i].lon), "count", j - i));
        i = j;
    }
    return hy_reply_json(req, 200, json_pack("{s:o,s:f,s:i}", "cells", arr, "cell_km",
                                             COVERAGE_CELL_M / 1000, "min_count", COVERAGE_MIN));
}
