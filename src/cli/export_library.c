/* export_library.c — `hamyari export library`: the library's documents (published ones unless
 * --status says otherwise) to standard output as a JSON array or CSV, in exactly the shape
 * `hamyari import library` takes (import_library.c). CSV goes through the one CSV writer
 * (util/csv.h): RFC 4180, text cells formula-guarded, lists joined with ';', optionally after
 * a UTF-8 byte-order mark. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/library.h"
#include "store/library.h"
#include "util/buf.h"
#include "util/csv.h"

/* The CSV columns, as import_library.c reads them. */
static const char *const csv_cols[] = {
    "id",      "translation_group", "type",    "language",      "title",   "summary",
    "body",    "country",           "level",   "year",          "stage",   "themes",
    "tags",    "organisations",     "authors", "links",         "covid",   "status",
    NULL};

static json_t *export_object(const struct hy_lib_doc *d) {
    json_t *o = hy_lib_doc_json(d);
    /* Only what import takes. */
    static const char *const drop[] = {"body_html", "origin", "created_at", "updated_at",
                                       "published_at", NULL};
    for (size_t i = 0; drop[i]; i++) json_object_del(o, drop[i]);
    if (!strcmp(d->status, "in_review")) json_object_set_new(o, "status", json_string("draft"));
    return o;
}

/* One document as a CSV row: text guarded, the year a number, lists joined with ';'. */
static void csv_row(struct hy_csv_writer *w, json_t *o) {
    for (size_t k = 0; csv_cols[k]; k++) {
        json_t *v = json_object_get(o, csv_cols[k]);
        if (json_is_string(v)) {
            hy_csv_text(w, json_string_value(v));
        } else if (json_is_integer(v)) {
            hy_csv_int(w, (int64_t)json_integer_value(v));
        } else if (json_is_boolean(v)) {
            hy_csv_text(w, json_is_true(v) ? "true" : "false");
        } else if (json_is_array(v)) {
            hy_buf b = HY_BUF_INIT(0);
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) {
                const char *s = json_is_object(item) ? json_string_value(json_object_get(item, "url"))
                                                     : json_string_value(item);
                if (s) hy_buf_printf(&b, "%s%s", b.len ? ";" : "", s);
            }
            /* A failed append stuck: the cell is left empty and the export fails below. */
            if (hy_buf_error(&b)) w->err = hy_buf_error(&b);
            hy_csv_text(w, b.data);
            hy_buf_free(&b);
        } else {
            hy_csv_empty(w);
        }
    }
    hy_csv_end_row(w);
}

struct export_ctx {
    const char *status;
    bool csv, bom;
    size_t n;
    struct hy_csv_writer w;
};

static int export_tx(hy_store *s, void *ctx) {
    struct export_ctx *c = ctx;
    const char *after = NULL;
    char last[HY_ID_LEN + 1];
    c->n = 0;
    if (c->csv) {
        hy_csv_writer_file(&c->w, stdout, c->bom);
        hy_csv_header(&c->w, csv_cols);
    } else {
        putchar('[');
    }
    for (;;) {
        hy_arena *a = hy_arena_new(0);
        if (!a) return HY_DB_HARD;
        struct hy_lib_doc *docs;
        int n = s->ops->library->doc_list(s, c->status, after, 1000, a, &docs);
        if (n < 0) {
            hy_arena_free(a);
            return n;
        }
        for (int i = 0; i < n; i++) {
            json_t *o = export_object(&docs[i]);
            if (c->csv) {
                csv_row(&c->w, o);
            } else {
                char *t = json_dumps(o, JSON_COMPACT);
                printf("%s\n%s", c->n ? "," : "", t ? t : "{}");
                free(t);
            }
            json_decref(o);
            c->n++;
        }
        if (n) memcpy(last, docs[n - 1].id, sizeof last);
        hy_arena_free(a);
        if (n < 1000) break;
        after = last;
    }
    if (!c->csv) printf("\n]\n");
    return HY_DB_ONE;
}

int hy_export_library(const char *db_url, const char *format, const char *status, bool bom) {
    struct export_ctx c = {.status = "published", .csv = format && !strcmp(format, "csv"), .bom = bom};
    if (format && strcmp(format, "csv") && strcmp(format, "json")) {
        fprintf(stderr, "hamyari export library: --format is json or csv\n");
        return 2;
    }
    if (status && *status) {
        if (!strcmp(status, "any")) c.status = NULL;
        else if (hy_lib_one_of(status, hy_lib_statuses)) c.status = status;
        else {
            fprintf(stderr, "hamyari export library: --status is published, draft, in_review or any\n");
            return 2;
        }
    }
    hy_db *db = NULL;
    if (hy_cli_open_store(db_url, &db, NULL) < 0) return 1;
    int r = hy_db_run(db, HY_TX_READ, export_tx, &c);
    hy_db_close(db);
    if (r < 0) {
        fprintf(stderr, "export: reading the library failed\n");
        return 1;
    }
    if (fflush(stdout) != 0 || ferror(stdout) || (c.csv && hy_csv_writer_error(&c.w))) {
        fprintf(stderr, "export: writing failed: %s\n", strerror(errno ? errno : EIO));
        return 1;
    }
    fprintf(stderr, "exported %zu library documents\n", c.n);
    return 0;
}
