/* datasets.c — the open-data portal's API: uploading a dataset version (editors), the index,
 * a dataset's description, its data as CSV and JSON (filtered by area and period), its
 * Frictionless Data Package descriptor, and the aggregates the dashboard draws (daily sums with
 * 7-day averages, totals and latest values per area), all computed by the store. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "app/app.h"
#include "app/datasets.h"
#include "domain/access.h"
#include "domain/forecast.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/datasets.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/jsonw.h"
#include "util/multipart.h"

static const char json_media[] = "application/json; charset=utf-8";

/* A CSV or JSON download is at most this large. */
#define DOWNLOAD_MAX ((size_t)256 * 1024 * 1024)
/* Cells read from the store at once while writing a download. */
#define CELLS_PAGE 20000

static const char *actor(hy_req *req) {
    const struct hy_principal *w = hy_req_principal(req);
    return w && w->signed_in ? w->user_id : NULL;
}

static void iso_time(int64_t t, char out[32]) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}


/* `before`, s as a JSON string ("" for NULL), `after`. */
static void put_str(hy_buf *b, const char *before, const char *s, const char *after) {
    hy_buf_puts(b, before);
    hy_jw_string(b, s ? s : "");
    hy_buf_puts(b, after);
}

static void put_date(hy_buf *b, int32_t day) {
    char d[11];
    hy_fc_date_format(day, d);
    hy_jw_string(b, d);
}

/* ---- reading ---- */

struct get_ctx {
    const char *id;
    hy_arena *a;
    struct hy_dataset d;
    struct hy_dataset_version *versions;
    struct hy_dataset *all;
    int nversions;
    bool with_versions;
};

static int get_tx(hy_store *s, void *ctx) {
    struct get_ctx *c = ctx;
    int r = s->ops->datasets->get(s, c->id, c->a, &c->d);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    if (c->with_versions) {
        c->nversions = s->ops->datasets->versions(s, c->id, c->a, &c->versions);
        if (c->nversions < 0) return c->nversions;
    }
    return HY_DB_ONE;
}

/* Loads a dataset that has data; answers 404 itself otherwise (then returns false). */
static bool load_dataset(hy_req *req, struct get_ctx *c, hy_result *res) {
    c->a = req->arena;
    if (!hy_ds_id_valid(c->id)) {
        *res = hy_reply_error(req, HY_E_NOT_FOUND, "No such dataset.", NULL);
        return false;
    }
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, get_tx, c);
    if (r == HY_DB_ABORT || (r >= 0 && c->d.version == 0)) {
        *res = hy_reply_error(req, HY_E_NOT_FOUND, "No such dataset.", NULL);
        return false;
    }
    if (r < 0) {
        *res = hy_reply_store_error(req, r);
        return false;
    }
    return true;
}

/* The description of a dataset, as an object's members (without braces). */
static void put_meta(hy_buf *b, const struct hy_dataset *d) {
    char t[32];
    put_str(b, "\"id\":", d->id, ",\"title\":{\"fa\":");
    hy_jw_string(b, d->title_fa ? d->title_fa : "");
    put_str(b, ",\"en\":", d->title_en ? d->title_en : "", "},\"description\":{\"fa\":");
    hy_jw_string(b, d->description_fa ? d->description_fa : "");
    put_str(b, ",\"en\":", d->description_en ? d->description_en : "", "},\"source\":");
    hy_jw_string(b, d->source ? d->source : "");
    put_str(b, ",\"licence\":", d->licence ? d->licence : "", ",\"contact\":");
    hy_jw_string(b, d->contact ? d->contact : "");
    hy_buf_puts(b, ",\"cutoff\":");
    hy_jw_string(b, d->cutoff ? d->cutoff : "");
    hy_buf_printf(b, ",\"version\":%lld,\"rows\":%lld,\"demo\":%s", (long long)d->version,
                  (long long)d->rows, d->demo ? "true" : "false");
    iso_time(d->updated_at, t);
    put_str(b, ",\"updated_at\":", t, ",\"date_column\":");
    hy_jw_string(b, d->date_column ? d->date_column : "");
    put_str(b, ",\"area_column\":", d->area_column ? d->area_column : "", ",\"columns\":");
    hy_buf_puts(b, d->columns ? d->columns : "[]");
    hy_buf_puts(b, ",\"first_date\":");
    put_date(b, d->min_day);
    hy_buf_puts(b, ",\"last_date\":");
    put_date(b, d->max_day);
    hy_buf_printf(b, ",\"links\":{\"csv\":\"/api/v1/datasets/%s.csv\",\"json\":"
                     "\"/api/v1/datasets/%s.json\",\"datapackage\":"
                     "\"/api/v1/datasets/%s/datapackage.json\"}",
                  d->id, d->id, d->id);
}

static int list_tx(hy_store *s, void *ctx) {
    struct get_ctx *c = ctx;
    c->nversions = s->ops->datasets->list(s, c->a, &c->all);
    return c->nversions < 0 ? c->nversions : HY_DB_ONE;
}

hy_result hy_api_list_datasets(hy_req *req) {
    struct get_ctx c = {.a = req->arena};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, list_tx, &c);
    if (r < 0) return hy_reply_store_error(req, r);
    const struct hy_dataset *all = c.all;
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_puts(&b, "{\"datasets\":[");
    bool first = true;
    for (int i = 0; i < c.nversions; i++) {
        if (all[i].version == 0) continue; /* being created: no data yet */
        if (!first) hy_buf_putc(&b, ',');
        first = false;
        hy_buf_putc(&b, '{');
        put_meta(&b, &all[i]);
        hy_buf_putc(&b, '}');
    }
    hy_buf_puts(&b, "]}");
    return hy_reply_json_buf(req, 200, &b);
}

hy_result hy_api_get_dataset(hy_req *req) {
    struct get_ctx c = {.id = req->args[0], .with_versions = true};
    hy_result res;
    if (!load_dataset(req, &c, &res)) return res;
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_putc(&b, '{');
    put_meta(&b, &c.d);
    hy_buf_puts(&b, ",\"versions\":[");
    bool first = true;
    for (int i = 0; i < c.nversions; i++) {
        const struct hy_dataset_version *v = &c.versions[i];
        if (!v->ready) continue;
        char t[32];
        iso_time(v->created_at, t);
        if (!first) hy_buf_putc(&b, ',');
        first = false;
        hy_buf_printf(&b, "{\"version\":%lld,\"rows\":%lld,\"created_at\":", (long long)v->version,
                      (long long)v->rows);
        hy_jw_string(&b, t);
        hy_buf_puts(&b, ",\"first_date\":");
        put_date(&b, v->min_day);
        hy_buf_puts(&b, ",\"last_date\":");
        put_date(&b, v->max_day);
        hy_buf_printf(&b, ",\"csv\":\"/api/v1/datasets/%s.csv?version=%lld\"}", c.d.id,
                      (long long)v->version);
    }
    hy_buf_puts(&b, "]}");
    return hy_reply_json_buf(req, 200, &b);
}

/* ---- the data: CSV and JSON ---- */

struct filter {
    int64_t version;
    const char *area;
    int32_t from, to;
    bool hxl, bom;
    struct hy_dataset_version v; /* the version read */
    const char **names;          /* its numeric columns */
    const char **tags;           /* their HXL tags */
    size_t ncols;
};

static bool date_param(hy_req *req, const char *name, int32_t dflt, int32_t *ret, hy_result *res) {
    const char *q = hy_req_query(req, name);
    if (!q) {
        *ret = dflt;
        return true;
    }
    if (!hy_fc_date_parse(q, ret)) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY,
                              hy_arena_printf(req->arena, "%s must be a date YYYY-MM-DD.", name),
                              name);
        return false;
    }
    return true;
}

/* The columns of a version, from its JSON. */
static bool read_columns(hy_arena *a, const char *json, struct filter *f) {
    json_t *cols = json_loads(json ? json : "[]", 0, NULL);
    size_t n = json_array_size(cols);
    f->names = hy_arena_zalloc(a, (n + 1) * sizeof *f->names);
    f->tags = hy_arena_zalloc(a, (n + 1) * sizeof *f->tags);
    if (!cols || !f->names || !f->tags) {
        json_decref(cols);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_array_get(cols, i);
        f->names[i] = hy_arena_strdup(a, json_string_value(json_object_get(c, "name")));
        const char *tag = json_string_value(json_object_get(c, "hxl"));
        f->tags[i] = hy_arena_strdup(a, tag ? tag : "");
        if (!f->names[i] || !f->tags[i]) {
            json_decref(cols);
            return false;
        }
    }
    f->ncols = n;
    json_decref(cols);
    return true;
}

struct version_ctx {
    const char *id;
    hy_arena *a;
    struct filter *f;
};

static int version_tx(hy_store *s, void *ctx) {
    struct version_ctx *c = ctx;
    int r = s->ops->datasets->version_get(s, c->id, c->f->version, c->a, &c->f->v);
    if (r <= 0) return r < 0 ? r : HY_DB_ABORT;
    return c->f->v.ready ? HY_DB_ONE : HY_DB_ABORT;
}

/* Reads the filters (version, area, from, to, hxl, bom) and the version's columns. */
static bool read_filter(hy_req *req, const struct hy_dataset *d, struct filter *f, hy_result *res) {
    memset(f, 0, sizeof *f);
    f->version = d->version;
    const char *q = hy_req_query(req, "version");
    if (q) {
        char *end;
        long long v = strtoll(q, &end, 10);
        if (!*q || *end || v < 1) {
            *res = hy_reply_error(req, HY_E_INVALID_QUERY, "version must be a number from 1.",
                                  "version");
            return false;
        }
        f->version = v;
    }
    f->area = hy_req_query(req, "area");
    if (f->area && (!*f->area || strlen(f->area) > HY_DS_AREA_MAX)) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "area must be an area's name.", "area");
        return false;
    }
    if (!date_param(req, "from", INT32_MIN / 2, &f->from, res) ||
        !date_param(req, "to", INT32_MAX / 2, &f->to, res))
        return false;
    if (f->from > f->to) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "from must not be after to.", "from");
        return false;
    }
    q = hy_req_query(req, "hxl");
    if (q && strcmp(q, "0") && strcmp(q, "1")) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "hxl must be 0 or 1.", "hxl");
        return false;
    }
    f->hxl = q && !strcmp(q, "1");
    if (!hy_csv_bom_option(hy_req_query(req, "bom"), &f->bom)) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "bom must be 0 or 1.", "bom");
        return false;
    }
    struct version_ctx c = {.id = d->id, .a = req->arena, .f = f};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, version_tx, &c);
    if (r == HY_DB_ABORT) {
        *res = hy_reply_error(req, HY_E_NOT_FOUND, "The dataset has no such version.", NULL);
        return false;
    }
    if (r < 0) {
        *res = hy_reply_store_error(req, r);
        return false;
    }
    if (!read_columns(req->arena, f->v.columns, f)) {
        *res = hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        return false;
    }
    return true;
}

/* Called once per row of the download. */
typedef void (*row_out_fn)(void *out, const struct filter *f, int32_t day, const char *area,
                           const double *values, const bool *has);

struct cells_ctx {
    const char *id;
    const struct filter *f;
    int64_t from_seq;
    hy_arena *a;
    struct hy_dataset_cell *cells;
    int n;
};

static int cells_tx(hy_store *s, void *ctx) {
    struct cells_ctx *c = ctx;
    c->n = s->ops->datasets->cells(s, c->id, c->f->version, c->from_seq, c->f->area, c->f->from,
                                   c->f->to, CELLS_PAGE, c->a, &c->cells);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* Reads the version's rows that pass the filter, in file order, a page at a time (versions
 * never change once ready, so the pages need no common snapshot). */
static int each_row(hy_req *req, const char *id, const struct filter *f, row_out_fn fn, void *out) {
    double values[HY_DS_COLUMNS_MAX];
    bool has[HY_DS_COLUMNS_MAX];
    struct cells_ctx c = {.id = id, .f = f};
    for (;;) {
        c.a = hy_arena_new(4u << 20);
        if (!c.a) return HY_DB_HARD;
        int r = hy_db_run(hy_req_read_db(req), HY_TX_SINGLE, cells_tx, &c);
        if (r < 0) {
            hy_arena_free(c.a);
            return r;
        }
        bool full = c.n == CELLS_PAGE;
        int64_t last_seq = c.n ? c.cells[c.n - 1].seq : 0;
        int i = 0;
        while (i < c.n) {
            int64_t seq = c.cells[i].seq;
            if (full && seq == last_seq) break; /* may continue on the next page */
            memset(has, 0, sizeof has);
            int32_t day = c.cells[i].day;
            const char *area = c.cells[i].area ? c.cells[i].area : "";
            for (; i < c.n && c.cells[i].seq == seq; i++) {
                int col = c.cells[i].col;
                if (col < 0 || (size_t)col >= f->ncols) continue;
                values[col] = c.cells[i].value;
                has[col] = c.cells[i].has_value;
            }
            fn(out, f, day, area, values, has);
        }
        hy_arena_free(c.a);
        if (!full) return HY_DB_ONE;
        c.from_seq = last_seq;
    }
}

static void csv_row(void *out, const struct filter *f, int32_t day, const char *area,
                    const double *values, const bool *has) {
    struct hy_csv_writer *w = out;
    char d[11];
    hy_fc_date_format(day, d);
    hy_csv_text(w, d);
    if (f->v.area_column && *f->v.area_column) hy_csv_text(w, area);
    for (size_t i = 0; i < f->ncols; i++) {
        if (has[i]) hy_csv_real(w, values[i]);
        else hy_csv_empty(w);
    }
    hy_csv_end_row(w);
}

hy_result hy_api_get_dataset_csv(hy_req *req) {
    struct get_ctx c = {.id = req->args[0]};
    hy_result res;
    struct filter f;
    if (!load_dataset(req, &c, &res) || !read_filter(req, &c.d, &f, &res)) return res;
    hy_buf out = HY_BUF_INIT(DOWNLOAD_MAX);
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, &out, f.bom);
    bool area = f.v.area_column && *f.v.area_column;
    hy_csv_text(&w, f.v.date_column);
    if (area) hy_csv_text(&w, f.v.area_column);
    for (size_t i = 0; i < f.ncols; i++) hy_csv_text(&w, f.names[i]);
    hy_csv_end_row(&w);
    if (f.hxl) {
        hy_csv_text(&w, f.v.date_hxl);
        if (area) hy_csv_text(&w, f.v.area_hxl);
        for (size_t i = 0; i < f.ncols; i++) hy_csv_text(&w, f.tags[i]);
        hy_csv_end_row(&w);
    }
    int r = each_row(req, c.d.id, &f, csv_row, &w);
    if (r < 0) {
        hy_buf_free(&out);
        return hy_reply_store_error(req, r);
    }
    if (hy_csv_writer_error(&w)) {
        hy_buf_free(&out);
        return hy_reply_error(req, HY_E_PAYLOAD_TOO_LARGE,
                              "The download is too large; ask for a shorter period or one area.",
                              NULL);
    }
    hy_req_add_header(req, "Content-Disposition",
                      hy_arena_printf(req->arena, "attachment; filename=\"%s.csv\"", c.d.id));
    res = hy_reply_cached(req, "text/csv; charset=utf-8", out.data ? out.data : "", out.len,
                          &(struct hy_cache){.last_modified = c.d.updated_at});
    hy_buf_free(&out);
    return res;
}

struct json_rows {
    hy_buf *b;
    bool first;
};

static void json_row(void *out, const struct filter *f, int32_t day, const char *area,
                     const double *values, const bool *has) {
    struct json_rows *j = out;
    hy_buf_puts(j->b, j->first ? "[" : ",[");
    j->first = false;
    put_date(j->b, day);
    if (f->v.area_column && *f->v.area_column) {
        hy_buf_putc(j->b, ',');
        hy_jw_string(j->b, area);
    }
    for (size_t i = 0; i < f->ncols; i++) {
        hy_buf_putc(j->b, ',');
        if (has[i]) hy_jw_number(j->b, values[i]);
        else hy_buf_puts(j->b, "null");
    }
    hy_buf_putc(j->b, ']');
}

hy_result hy_api_get_dataset_json(hy_req *req) {
    struct get_ctx c = {.id = req->args[0]};
    hy_result res;
    struct filter f;
    if (!load_dataset(req, &c, &res) || !read_filter(req, &c.d, &f, &res)) return res;
    hy_buf b = HY_BUF_INIT(DOWNLOAD_MAX);
    hy_buf_puts(&b, "{\"dataset\":");
    hy_jw_string(&b, c.d.id);
    hy_buf_printf(&b, ",\"version\":%lld,\"fields\":[", (long long)f.version);
    hy_jw_string(&b, f.v.date_column);
    if (f.v.area_column && *f.v.area_column) {
        hy_buf_putc(&b, ',');
        hy_jw_string(&b, f.v.area_column);
    }
    for (size_t i = 0; i < f.ncols; i++) {
        hy_buf_putc(&b, ',');
        hy_jw_string(&b, f.names[i]);
    }
    hy_buf_puts(&b, "],\"rows\":[");
    struct json_rows j = {.b = &b, .first = true};
    int r = each_row(req, c.d.id, &f, json_row, &j);
    if (r < 0) {
        hy_buf_free(&b);
        return hy_reply_store_error(req, r);
    }
    hy_buf_puts(&b, "]}");
    if (hy_buf_error(&b)) {
        hy_buf_free(&b);
        return hy_reply_error(req, HY_E_PAYLOAD_TOO_LARGE,
                              "The download is too large; ask for a shorter period or one area.",
                              NULL);
    }
    res = hy_reply_cached(req, json_media, b.data, b.len,
                          &(struct hy_cache){.last_modified = c.d.updated_at});
    hy_buf_free(&b);
    return res;
}

/* ---- the Frictionless Data Package descriptor ---- */

/* A Frictionless "name": lower-case letters, digits, '-', '.', '_' — a dataset id is one. */
hy_result hy_api_get_datapackage(hy_req *req) {
    struct get_ctx c = {.id = req->args[0]};
    hy_result res;
    if (!load_dataset(req, &c, &res)) return res;
    struct filter f = {0};
    if (!read_columns(req->arena, c.d.columns, &f))
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    const struct hy_dataset *d = &c.d;
    char t[32];
    iso_time(d->updated_at, t);
    hy_buf b = HY_BUF_INIT(0);
    put_str(&b, "{\"profile\":\"tabular-data-package\",\"name\":", d->id, ",\"title\":");
    hy_jw_string(&b, d->title_en && *d->title_en ? d->title_en : d->title_fa);
    hy_buf_puts(&b, ",\"description\":");
    hy_jw_string(&b, d->description_en ? d->description_en : "");
    hy_buf_printf(&b, ",\"version\":\"%lld.0.0\",\"created\":", (long long)d->version);
    hy_jw_string(&b, t);
    if (d->licence && *d->licence) {
        bool url = !strncmp(d->licence, "http://", 7) || !strncmp(d->licence, "https://", 8);
        hy_buf_puts(&b, url ? ",\"licenses\":[{\"path\":" : ",\"licenses\":[{\"name\":");
        hy_jw_string(&b, d->licence);
        hy_buf_puts(&b, "}]");
    }
    if (d->source && *d->source) {
        put_str(&b, ",\"sources\":[{\"title\":", d->source, "}]");
    }
    if (d->contact && *d->contact) {
        put_str(&b, ",\"contributors\":[{\"title\":", d->contact, ",\"role\":\"maintainer\"}]");
    }
    hy_buf_puts(&b, ",\"resources\":[{\"profile\":\"tabular-data-resource\",\"name\":");
    hy_jw_string(&b, d->id);
    hy_buf_puts(&b, ",\"path\":\"data.csv\",\"format\":\"csv\",\"mediatype\":\"text/csv\","
                    "\"encoding\":\"utf-8\",\"dialect\":{\"delimiter\":\",\",\"header\":true},"
                    "\"schema\":{\"fields\":[{\"name\":");
    hy_jw_string(&b, d->date_column);
    hy_buf_puts(&b, ",\"type\":\"date\",\"format\":\"default\"");
    if (d->date_hxl && *d->date_hxl) {
        hy_buf_puts(&b, ",\"rdfType\":");
        hy_jw_string(&b, d->date_hxl);
    }
    hy_buf_puts(&b, ",\"constraints\":{\"required\":true}}");
    if (d->area_column && *d->area_column) {
        put_str(&b, ",{\"name\":", d->area_column, ",\"type\":\"string\",\"constraints\":{\"required\":true}}");
    }
    for (size_t i = 0; i < f.ncols; i++) {
        put_str(&b, ",{\"name\":", f.names[i], ",\"type\":\"number\"}");
    }
    hy_buf_puts(&b, "],\"missingValues\":[\"\"]");
    if (!d->area_column || !*d->area_column) {
        hy_buf_puts(&b, ",\"primaryKey\":");
        hy_jw_string(&b, d->date_column);
    }
    hy_buf_puts(&b, "}}]}");
    return hy_reply_json_buf(req, 200, &b);
}

/* ---- aggregates ---- */

/* Whole aggregate answers are kept (util/anscache.h) under a key holding the dataset, the
 * version asked for or in force — read from the store for every request — and every parameter
 * that shapes the answer. A version's cells never change once it is in force, so a kept answer
 * is exact for as long as its version exists; every process keeps its own. */
static hy_anscache *answers(hy_req *req) {
    const struct hy_app *app = hy_req_app(req);
    return app ? app->dsanswers : NULL;
}

/* The key of an aggregate answer; NULL when there is no cache (or no memory). A version number
 * comes back when a dataset is removed (`demo remove`) and uploaded again: the creation times
 * of the dataset and of the version, and its rows, tell such versions apart. */
static char *answer_key(hy_req *req, const char *kind, const struct hy_dataset *d,
                        const struct filter *f, int col) {
    if (!answers(req)) return NULL;
    return hy_arena_printf(req->arena,
                           "%s\x1f%s\x1f%lld\x1f%lld\x1f%lld\x1f%lld\x1f%ld\x1f%ld\x1f%d\x1f%s%s",
                           kind, d->id, (long long)f->version, (long long)d->created_at,
                           (long long)f->v.created_at, (long long)f->v.rows, (long)f->from,
                           (long)f->to, col, f->area ? "=" : "-", f->area ? f->area : "");
}

/* Answers from the cache when it holds `key` (then returns true). */
static bool answer_kept(hy_req *req, const char *key, hy_result *res) {
    void *gz;
    size_t gzlen, plainlen;
    if (!key || !hy_anscache_get(answers(req), 0, key, &gz, &gzlen, &plainlen)) return false;
    *res = hy_reply_cached(req, json_media, NULL, plainlen, &(struct hy_cache){.gz = gz, .gzlen = gzlen});
    free(gz);
    return true;
}

/* Answers the JSON in b, keeping it under `key` (when not NULL). */
static hy_result answer_keep(hy_req *req, const char *key, hy_buf *b) {
    if (b->err || !b->data) {
        hy_buf_free(b);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    if (key) hy_anscache_put(answers(req), 0, key, b->data, b->len);
    hy_result res = hy_reply_cached(req, json_media, b->data, b->len, &(struct hy_cache){0});
    hy_buf_free(b);
    return res;
}

struct agg_ctx {
    const char *id;
    hy_arena *a;
    const struct filter *f;
    int col;
    struct hy_dataset_day *days;
    struct hy_dataset_area *areas;
    int n;
};

static int daily_tx(hy_store *s, void *ctx) {
    struct agg_ctx *c = ctx;
    c->n = s->ops->datasets->daily(s, c->id, c->f->version, c->f->area, c->col, c->f->from,
                                   c->f->to, c->a, &c->days);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

/* The period of an aggregate: what was asked, within the version's dates. */
static bool clamp_period(hy_req *req, struct filter *f, hy_result *res) {
    if (f->from < f->v.min_day) f->from = f->v.min_day;
    if (f->to > f->v.max_day) f->to = f->v.max_day;
    if (f->to < f->from) f->to = f->from;
    if ((int64_t)f->to - f->from >= 20000) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "Ask for at most 20,000 days at once.", "from");
        return false;
    }
    return true;
}

hy_result hy_api_get_dataset_daily(hy_req *req) {
    struct get_ctx c = {.id = req->args[0]};
    hy_result res;
    struct filter f;
    if (!load_dataset(req, &c, &res) || !read_filter(req, &c.d, &f, &res) ||
        !clamp_period(req, &f, &res))
        return res;
    int col = -1;
    const char *q = hy_req_query(req, "column");
    if (q && (!*q || strlen(q) > HY_DS_NAME_MAX))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "column must be a column's name.", "column");
    if (q) {
        for (size_t i = 0; i < f.ncols; i++)
            if (!strcmp(f.names[i], q)) col = (int)i;
        if (col < 0)
            return hy_reply_error(req, HY_E_NOT_FOUND, "The dataset has no such column.", NULL);
    }
    char *key = answer_key(req, "daily", &c.d, &f, col);
    if (answer_kept(req, key, &res)) return res;
    struct agg_ctx a = {.id = c.d.id, .a = req->arena, .f = &f, .col = col};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_SINGLE, daily_tx, &a);
    if (r < 0) return hy_reply_store_error(req, r);
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_puts(&b, "{\"dataset\":");
    hy_jw_string(&b, c.d.id);
    hy_buf_printf(&b, ",\"version\":%lld,\"area\":", (long long)f.version);
    if (f.area) hy_jw_string(&b, f.area);
    else hy_buf_puts(&b, "null");
    hy_buf_puts(&b, ",\"from\":");
    put_date(&b, f.from);
    hy_buf_puts(&b, ",\"to\":");
    put_date(&b, f.to);
    hy_buf_puts(&b, ",\"columns\":[");
    for (size_t i = 0; i < f.ncols; i++) {
        if (col >= 0 && (size_t)col != i) continue;
        if (col < 0 && i) hy_buf_putc(&b, ',');
        hy_jw_string(&b, f.names[i]);
    }
    hy_buf_puts(&b, "],\"days\":[");
    /* One object per day that has rows: totals and 7-day averages in the columns' order. */
    size_t want = col >= 0 ? 1 : f.ncols;
    int i = 0;
    bool first = true;
    while (i < a.n) {
        int32_t day = a.days[i].day;
        double total[HY_DS_COLUMNS_MAX] = {0}, avg[HY_DS_COLUMNS_MAX] = {0};
        bool has[HY_DS_COLUMNS_MAX] = {0};
        for (; i < a.n && a.days[i].day == day; i++) {
            size_t k = col >= 0 ? 0 : (size_t)a.days[i].col;
            if (k >= want) continue;
            total[k] = a.days[i].total;
            avg[k] = a.days[i].avg7;
            has[k] = a.days[i].count > 0;
        }
        hy_buf_puts(&b, first ? "{\"date\":" : ",{\"date\":");
        first = false;
        put_date(&b, day);
        hy_buf_puts(&b, ",\"total\":[");
        for (size_t k = 0; k < want; k++) {
            if (k) hy_buf_putc(&b, ',');
            if (has[k]) hy_jw_number(&b, total[k]);
            else hy_buf_puts(&b, "null");
        }
        hy_buf_puts(&b, "],\"avg7\":[");
        for (size_t k = 0; k < want; k++) {
            if (k) hy_buf_putc(&b, ',');
            hy_jw_number(&b, avg[k]);
        }
        hy_buf_puts(&b, "]}");
    }
    hy_buf_puts(&b, "]}");
    return answer_keep(req, key, &b);
}

static int areas_tx(hy_store *s, void *ctx) {
    struct agg_ctx *c = ctx;
    c->n = s->ops->datasets->areas(s, c->id, c->f->version, c->f->from, c->f->to, c->a, &c->areas);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

hy_result hy_api_get_dataset_areas(hy_req *req) {
    struct get_ctx c = {.id = req->args[0]};
    hy_result res;
    struct filter f;
    if (!load_dataset(req, &c, &res) || !read_filter(req, &c.d, &f, &res) ||
        !clamp_period(req, &f, &res))
        return res;
    if (f.area)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "The totals per area take no area.", "area");
    char *key = answer_key(req, "areas", &c.d, &f, -1);
    if (answer_kept(req, key, &res)) return res;
    struct agg_ctx a = {.id = c.d.id, .a = req->arena, .f = &f};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_SINGLE, areas_tx, &a);
    if (r < 0) return hy_reply_store_error(req, r);
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_puts(&b, "{\"dataset\":");
    hy_jw_string(&b, c.d.id);
    hy_buf_printf(&b, ",\"version\":%lld,\"from\":", (long long)f.version);
    put_date(&b, f.from);
    hy_buf_puts(&b, ",\"to\":");
    put_date(&b, f.to);
    hy_buf_puts(&b, ",\"columns\":[");
    for (size_t i = 0; i < f.ncols; i++) {
        if (i) hy_buf_putc(&b, ',');
        hy_jw_string(&b, f.names[i]);
    }
    hy_buf_puts(&b, "],\"areas\":[");
    int i = 0;
    bool first = true;
    while (i < a.n) {
        const char *area = a.areas[i].area ? a.areas[i].area : "";
        double total[HY_DS_COLUMNS_MAX] = {0}, latest[HY_DS_COLUMNS_MAX] = {0};
        int32_t latest_day[HY_DS_COLUMNS_MAX] = {0};
        bool has[HY_DS_COLUMNS_MAX] = {0};
        for (; i < a.n && !strcmp(a.areas[i].area ? a.areas[i].area : "", area); i++) {
            size_t k = (size_t)a.areas[i].col;
            if (k >= f.ncols) continue;
            total[k] = a.areas[i].total;
            latest[k] = a.areas[i].latest;
            latest_day[k] = a.areas[i].latest_day;
            has[k] = a.areas[i].count > 0;
        }
        hy_buf_puts(&b, first ? "{\"area\":" : ",{\"area\":");
        first = false;
        hy_jw_string(&b, area);
        hy_buf_puts(&b, ",\"total\":[");
        for (size_t k = 0; k < f.ncols; k++) {
            if (k) hy_buf_putc(&b, ',');
            hy_jw_number(&b, total[k]);
        }
        hy_buf_puts(&b, "],\"latest\":[");
        for (size_t k = 0; k < f.ncols; k++) {
            if (k) hy_buf_putc(&b, ',');
            if (has[k]) hy_jw_number(&b, latest[k]);
            else hy_buf_puts(&b, "null");
        }
        hy_buf_puts(&b, "],\"latest_date\":[");
        for (size_t k = 0; k < f.ncols; k++) {
            if (k) hy_buf_putc(&b, ',');
            if (has[k]) put_date(&b, latest_day[k]);
            else hy_buf_puts(&b, "null");
        }
        hy_buf_puts(&b, "]}");
    }
    hy_buf_puts(&b, "]}");
    return answer_keep(req, key, &b);
}

/* ---- uploading: POST /api/v1/datasets ---- */

/* HH:MM, 00:00 to 23:59. */
static bool cutoff_ok(const char *s) {
    return strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
           (s[0] < '2' || s[1] <= '3') && s[2] == ':' && s[3] >= '0' && s[3] <= '5' &&
           s[4] >= '0' && s[4] <= '9';
}

static int existing_tx(hy_store *s, void *ctx) {
    struct get_ctx *c = ctx;
    return s->ops->datasets->get(s, c->id, c->a, &c->d);
}

static hy_result reply_refused(hy_req *req, const struct hy_ds_read_result *res) {
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_puts(&b, "{\"error\":{\"code\":\"invalid_dataset\",\"message\":");
    hy_jw_string(&b, hy_arena_printf(req->arena,
                                     "The file has %zu error%s; nothing was loaded.", res->nerrors,
                                     res->nerrors == 1 ? "" : "s"));
    hy_buf_printf(&b, ",\"error_count\":%zu,\"errors\":[", res->nerrors);
    size_t n = res->nerrors < HY_DS_ERRORS_MAX ? res->nerrors : HY_DS_ERRORS_MAX;
    for (size_t i = 0; i < n; i++) {
        if (i) hy_buf_putc(&b, ',');
        hy_buf_printf(&b, "{\"row\":%ld,\"column\":", res->errors[i].row);
        hy_jw_string(&b, res->errors[i].column);
        hy_buf_puts(&b, ",\"message\":");
        hy_jw_string(&b, res->errors[i].message);
        hy_buf_putc(&b, '}');
    }
    hy_buf_puts(&b, "]}}");
    return hy_reply_json_buf(req, 422, &b);
}

/* The fields of a multipart form's upload, and its file. */
#define FORM_PARTS_MAX 24
#define FORM_FIELD_MAX 8000

/* Adds the fields of a multipart/form-data body to obj and finds its one file. Answers the
 * error itself (then returns false). */
static bool read_form(hy_req *req, const char *ct, json_t *obj, const char **ret_file,
                      size_t *ret_len, hy_result *res) {
    const char *boundary = hy_mp_boundary(ct, req->arena);
    if (!boundary) {
        *res = hy_reply_error(req, HY_E_BAD_REQUEST,
                              "multipart/form-data needs a boundary of 1 to 70 characters.", NULL);
        return false;
    }
    struct hy_mp_part parts[FORM_PARTS_MAX];
    size_t n;
    const char *problem;
    if (!hy_mp_parse(req->body.data, req->body.len, boundary, req->arena, parts, FORM_PARTS_MAX,
                     &n, &problem)) {
        *res = hy_reply_error(req, HY_E_BAD_REQUEST, problem, NULL);
        return false;
    }
    *ret_file = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct hy_mp_part *p = &parts[i];
        if (p->filename || !strcmp(p->name, "file")) {
            if (*ret_file || strcmp(p->name, "file")) {
                *res = hy_reply_error(req, HY_E_BAD_REQUEST,
                                      "Send one file, in the field named file.", p->name);
                return false;
            }
            *ret_file = p->data;
            *ret_len = p->len;
            continue;
        }
        if (p->len > FORM_FIELD_MAX) {
            *res = hy_reply_error(req, HY_E_INVALID_QUERY,
                                  hy_arena_printf(req->arena, "%s is too long.", p->name), p->name);
            return false;
        }
        if (json_object_get(obj, p->name)) {
            *res = hy_reply_error(req, HY_E_INVALID_QUERY,
                                  hy_arena_printf(req->arena, "%s is given twice.", p->name),
                                  p->name);
            return false;
        }
        json_t *v = memchr(p->data, '\0', p->len) ? NULL : json_stringn(p->data, p->len);
        if (!v) {
            *res = hy_reply_error(req, HY_E_BAD_UTF8, NULL, p->name);
            return false;
        }
        json_object_set_new(obj, p->name, v);
    }
    if (!*ret_file) {
        *res = hy_reply_error(req, HY_E_BAD_REQUEST, "The form holds no file (field file).", "file");
        return false;
    }
    return true;
}

/* A dry run of a sound file: what would be loaded. */
static hy_result reply_dry_run(hy_req *req, const char *id, const struct hy_ds_read_result *res) {
    const struct hy_ds_layout *L = &res->layout;
    hy_buf b = HY_BUF_INIT(0);
    put_str(&b, "{\"dry_run\":true,\"id\":", id, "");
    hy_buf_printf(&b, ",\"rows\":%ld,\"date_column\":", res->rows);
    hy_jw_string(&b, L->date_column ? L->date_column : "");
    put_str(&b, ",\"area_column\":", L->area_column ? L->area_column : "", ",\"columns\":[");
    for (size_t i = 0; i < L->ncols; i++) {
        if (i) hy_buf_putc(&b, ',');
        hy_jw_string(&b, L->names[i]);
    }
    hy_buf_puts(&b, "],\"first_date\":");
    put_date(&b, res->min_day);
    hy_buf_puts(&b, ",\"last_date\":");
    put_date(&b, res->max_day);
    hy_buf_putc(&b, '}');
    return hy_reply_json_buf(req, 200, &b);
}

hy_result hy_api_create_dataset(hy_req *req) {
    static const char *const names[] = {"id", "title_fa", "title_en", "description_fa",
                                        "description_en", "source", "licence", "contact",
                                        "cutoff", "date_column", "area_column", "dry_run", NULL};
    json_t *obj = json_object();
    if (!obj) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    for (size_t i = 0; names[i]; i++) {
        const char *q = hy_req_query(req, names[i]);
        if (!q) continue;
        json_t *v = json_string(q);
        if (!v) {
            json_decref(obj);
            return hy_reply_error(req, HY_E_BAD_UTF8, NULL, names[i]);
        }
        json_object_set_new(obj, names[i], v);
    }
    /* The file: the body (text/csv), or the one file of a multipart form whose other fields
     * are the parameters. */
    const char *ct = hy_req_header(req, "Content-Type");
    const char *file = req->body.data;
    size_t file_len = req->body.len;
    if (hy_media_type_is(ct, "multipart/form-data")) {
        hy_result res;
        if (!read_form(req, ct, obj, &file, &file_len, &res)) {
            json_decref(obj);
            return res;
        }
    } else if (!hy_media_type_is(ct, "text/csv")) {
        json_decref(obj);
        return hy_reply_error(req, HY_E_UNSUPPORTED_MEDIA_TYPE,
                              "Send the file as text/csv or in a multipart/form-data form.", NULL);
    }
    const char *id = NULL, *title_fa = NULL, *title_en = NULL, *desc_fa = NULL, *desc_en = NULL,
               *source = NULL, *licence = NULL, *contact = NULL, *cutoff = NULL,
               *date_column = NULL, *area_column = NULL;
    const char *dry_run = NULL;
    bool has_area = false;
    struct hy_field spec[] = {
        HY_F_STR("dry_run", HY_OPTIONAL, 1, 5, &dry_run),
        HY_F_STR("id", HY_REQUIRED, 1, HY_DS_ID_MAX, &id),
        HY_F_STR("title_fa", HY_OPTIONAL, 1, 200, &title_fa),
        HY_F_STR("title_en", HY_OPTIONAL, 1, 200, &title_en),
        HY_F_STR("description_fa", HY_MULTILINE, 0, 4000, &desc_fa),
        HY_F_STR("description_en", HY_MULTILINE, 0, 4000, &desc_en),
        HY_F_STR("source", HY_OPTIONAL, 0, 300, &source),
        HY_F_STR("licence", HY_OPTIONAL, 0, 200, &licence),
        HY_F_STR("contact", HY_OPTIONAL, 0, 200, &contact),
        HY_F_STR("cutoff", HY_OPTIONAL, 0, 5, &cutoff),
        HY_F_STR("date_column", HY_OPTIONAL, 1, HY_DS_NAME_MAX, &date_column),
        {"area_column", HY_FT_STRING, HY_OPTIONAL, 0, HY_DS_NAME_MAX, &area_column, NULL, 0,
         &has_area},
        HY_F_END,
    };
    struct hy_parse_error perr;
    bool ok = hy_fields_check(obj, spec, true, req->arena, &perr);
    json_decref(obj);
    if (!ok) {
        return hy_reply_error(req, perr.code == HY_E_BAD_UTF8 ? HY_E_BAD_UTF8 : HY_E_INVALID_QUERY,
                              perr.message, perr.field);
    }
    if (!hy_ds_id_valid(id))
        return hy_reply_error(req, HY_E_INVALID_QUERY,
                              "id must be 1 to 64 of a-z, 0-9 and '-', not at either end.", "id");
    if (cutoff && *cutoff && !cutoff_ok(cutoff))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "cutoff must be a time HH:MM.", "cutoff");
    if (dry_run && strcmp(dry_run, "0") && strcmp(dry_run, "1") && strcmp(dry_run, "true") &&
        strcmp(dry_run, "false"))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "dry_run must be 0, 1, true or false.",
                              "dry_run");
    bool dry = dry_run && (!strcmp(dry_run, "1") || !strcmp(dry_run, "true"));
    if (file_len == 0) return hy_reply_error(req, HY_E_BAD_REQUEST, "The file is empty.", "file");

    struct get_ctx old = {.id = id, .a = req->arena};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, existing_tx, &old);
    if (r < 0) return hy_reply_store_error(req, r);
    bool exists = r == HY_DB_ONE;
    struct hy_dataset d = exists ? old.d : (struct hy_dataset){0};
    if (!exists) {
        if (!title_fa) return hy_reply_error(req, HY_E_INVALID_QUERY, "A new dataset needs title_fa.", "title_fa");
        if (!title_en) return hy_reply_error(req, HY_E_INVALID_QUERY, "A new dataset needs title_en.", "title_en");
        memcpy(d.id, id, strlen(id) + 1);
    }
#define KEEP(field, v)                                                                             \
    if (v) d.field = v
    KEEP(title_fa, title_fa);
    KEEP(title_en, title_en);
    KEEP(description_fa, desc_fa);
    KEEP(description_en, desc_en);
    KEEP(source, source);
    KEEP(licence, licence);
    KEEP(contact, contact);
    KEEP(cutoff, cutoff);
#undef KEEP
    d.created_by = actor(req);
    struct hy_ds_load ld = {.meta = &d};
    /* A new version keeps the columns' roles of the one in force unless told otherwise. */
    ld.options.date_column = date_column ? date_column : (exists ? d.date_column : NULL);
    ld.options.area_column = has_area ? area_column : (exists ? d.area_column : NULL);
    if (dry) {
        if (hy_ds_read_mem(file, file_len, &ld.options, req->arena, NULL, NULL, &ld.result) != 0)
            return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
        if (ld.result.nerrors) return reply_refused(req, &ld.result);
        return reply_dry_run(req, id, &ld.result);
    }
    r = hy_ds_load_mem(req->srv->db, file, file_len, req->arena, &ld);
    if (r == HY_DS_REFUSED) return reply_refused(req, &ld.result);
    if (r == HY_DS_NOMEM) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    struct get_ctx now = {.id = id, .a = req->arena};
    r = hy_db_run(req->srv->db, HY_TX_READ, existing_tx, &now);
    if (r <= 0) return r < 0 ? hy_reply_store_error(req, r) : hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    hy_buf b = HY_BUF_INIT(0);
    hy_buf_putc(&b, '{');
    put_meta(&b, &now.d);
    hy_buf_printf(&b, ",\"loaded_version\":%lld}", (long long)ld.version);
    hy_req_add_header(req, "Location", hy_arena_printf(req->arena, "/api/v1/datasets/%s", id));
    return hy_reply_json_buf(req, 201, &b);
}
