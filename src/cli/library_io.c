/* library_io.c — `hamyari import library FILE` and `hamyari export library`.
 *
 * Import takes a JSON array of document objects (the fields of POST /api/v1/library, plus
 * optional "status" (draft|published, default published), "id" and "translation_group") or a
 * CSV file (UTF-8, RFC 4180 quoting, a header naming those columns; list columns — themes,
 * tags, organisations, authors, links (URLs) — separated by ';'). Every row is checked first
 * and each bad one reported as "row N: field: problem"; only when none is bad is anything
 * written, in one transaction. Export writes the documents (published ones unless
 * --status any) as a JSON array or CSV in exactly the shape import takes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/library.h"
#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/library.h"
#include "http/parse.h"
#include "store/library.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/utf8.h"

#define IMPORT_MAX ((size_t)512 * 1024 * 1024)
#define REPORT_MAX 50

static const char *const list_cols[] = {"themes", "tags", "organisations", "authors", NULL};
static const char *const csv_cols[] = {
    "id",      "translation_group", "type",    "language",      "title",   "summary",
    "body",    "country",           "level",   "year",          "stage",   "themes",
    "tags",    "organisations",     "authors", "links",         "covid",   "status",
    NULL};

/* Reads a whole file (at most IMPORT_MAX bytes) into a malloc()ed NUL-terminated buffer. */
static char *slurp(const char *path, size_t *ret_n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    hy_buf b = HY_BUF_INIT(IMPORT_MAX);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (hy_buf_append(&b, chunk, n) < 0) {
            fclose(f);
            hy_buf_free(&b);
            errno = EFBIG;
            return NULL;
        }
    fclose(f);
    if (hy_buf_putc(&b, '\0') < 0) {
        hy_buf_free(&b);
        return NULL;
    }
    b.len--;
    return hy_buf_steal(&b, ret_n);
}

/* Parses RFC 4180 CSV into a JSON array of arrays of strings; NULL with *ret_err on error. */
static json_t *csv_parse(const char *s, size_t n, long *ret_line, const char **ret_err) {
    json_t *rows = json_array(), *row = json_array();
    hy_buf field = HY_BUF_INIT(1 << 20);
    long line = 1;
    size_t i = 0;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) i = 3; /* a BOM */
    bool quoted = false, any = false;
    for (; i <= n; i++) {
        char c = i < n ? s[i] : '\n';
        if (quoted) {
            if (i == n) {
                *ret_err = "a quoted field is not closed";
                goto fail;
            }
            if (c == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    hy_buf_putc(&field, '"');
                    i++;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') line++;
                if (hy_buf_putc(&field, c) < 0) {
                    *ret_err = "a field is too long";
                    goto fail;
                }
            }
            continue;
        }
        if (c == '"' && field.len == 0) {
            quoted = true;
            any = true;
            continue;
        }
        if (c == ',' || c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < n && s[i + 1] == '\n') i++;
            json_array_append_new(row, json_stringn(field.data ? field.data : "", field.len));
            hy_buf_reset(&field);
            if (c != ',') {
                if (any || json_array_size(row) > 1 ||
                    json_string_length(json_array_get(row, 0)) > 0)
                    json_array_append(rows, row);
                json_decref(row);
                row = json_array();
                any = false;
                line++;
            } else {
                any = true;
            }
            continue;
        }
        any = true;
        if (hy_buf_putc(&field, c) < 0) {
            *ret_err = "a field is too long";
            goto fail;
        }
    }
    json_decref(row);
    hy_buf_free(&field);
    return rows;
fail:
    *ret_line = line;
    json_decref(row);
    json_decref(rows);
    hy_buf_free(&field);
    return NULL;
}

/* Turns CSV rows (the first is the header) into document objects. */
static json_t *csv_objects(json_t *rows, const char **ret_err) {
    json_t *header = json_array_get(rows, 0), *out = json_array();
    if (!header) {
        *ret_err = "the file has no header row";
        json_decref(out);
        return NULL;
    }
    size_t ncols = json_array_size(header);
    for (size_t k = 0; k < ncols; k++)
        if (!hy_lib_one_of(json_string_value(json_array_get(header, k)), csv_cols)) {
            *ret_err = "the header names a column the library does not have";
            json_decref(out);
            return NULL;
        }
    for (size_t r = 1; r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r), *o = json_object();
        for (size_t k = 0; k < ncols && k < json_array_size(row); k++) {
            const char *col = json_string_value(json_array_get(header, k));
            const char *v = json_string_value(json_array_get(row, k));
            if (!*v) continue;
            if (hy_lib_one_of(col, list_cols) || !strcmp(col, "links")) {
                json_t *list = json_array();
                const char *p = v;
                while (*p) {
                    const char *e = strchr(p, ';');
                    size_t n = e ? (size_t)(e - p) : strlen(p);
                    while (n && *p == ' ') p++, n--;
                    while (n && p[n - 1] == ' ') n--;
                    if (n) {
                        json_t *item = json_stringn(p, n);
                        if (!strcmp(col, "links")) item = json_pack("{s:o}", "url", item);
                        json_array_append_new(list, item);
                    }
                    if (!e) break;
                    p = e + 1;
                }
                json_object_set_new(o, col, list);
            } else if (!strcmp(col, "year")) {
                char *end;
                long y = strtol(v, &end, 10);
                json_object_set_new(o, col, *end ? json_string(v) : json_integer(y));
            } else if (!strcmp(col, "covid")) {
                bool t = !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes");
                bool f = !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no");
                json_object_set_new(o, col, t ? json_true() : f ? json_false() : json_string(v));
            } else {
                json_object_set_new(o, col, json_string(v));
            }
        }
        json_array_append_new(out, o);
    }
    return out;
}

struct import_ctx {
    struct hy_lib_doc *docs;
    size_t n;
    hy_arena *a;
    long dup_row;
};

static int import_tx(hy_store *s, void *ctx) {
    struct import_ctx *c = ctx;
    for (size_t i = 0; i < c->n; i++) {
        int r = hy_lib_create(s, c->a, &c->docs[i], NULL, "import");
        if (r < 0) return r;
        if (r == HY_DB_NONE) {
            c->dup_row = (long)i + 1;
            return HY_DB_ABORT;
        }
    }
    return HY_DB_ONE;
}

int hy_import_library(const char *db_url, const char *path) {
    size_t n = 0;
    char *text = slurp(path, &n);
    if (!text) {
        fprintf(stderr, "import: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!hy_utf8_valid(text, n, HY_UTF8_ALLOW_CONTROLS)) {
        fprintf(stderr, "import: %s is not UTF-8 text\n", path);
        free(text);
        return 1;
    }
    json_t *items = NULL;
    const char *err = NULL;
    size_t plen = strlen(path);
    bool csv = plen > 4 && !strcmp(path + plen - 4, ".csv");
    if (csv) {
        long line = 0;
        json_t *rows = csv_parse(text, n, &line, &err);
        if (rows) {
            items = csv_objects(rows, &err);
            json_decref(rows);
        } else {
            fprintf(stderr, "import: line %ld: %s\n", line, err);
            free(text);
            return 1;
        }
    } else {
        json_error_t je;
        items = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
        if (!items) {
            fprintf(stderr, "import: line %d: %s\n", je.line, je.text);
            free(text);
            return 1;
        }
        if (!json_is_array(items)) {
            json_decref(items);
            items = NULL;
            err = "the JSON file must hold an array of documents";
        }
    }
    free(text);
    if (!items) {
        fprintf(stderr, "import: %s\n", err ? err : "unreadable file");
        return 1;
    }
    size_t count = json_array_size(items);
    hy_arena *a = hy_arena_new((size_t)1 << 31);
    struct hy_lib_doc *docs = calloc(count ? count : 1, sizeof *docs);
    size_t bad = 0;
    int64_t now = hy_clock_now();
    for (size_t i = 0; a && docs && i < count; i++) {
        json_t *o = json_array_get(items, i);
        struct hy_lib_doc *d = &docs[i];
        long row = (long)i + 1 + (csv ? 1 : 0); /* CSV rows count the header */
        if (!json_is_object(o)) {
            if (++bad <= REPORT_MAX) fprintf(stderr, "row %ld: -: not an object\n", row);
            continue;
        }
        json_t *id = json_object_get(o, "id"), *grp = json_object_get(o, "translation_group");
        const char *ids = json_string_value(id), *grps = json_string_value(grp);
        if ((id && !hy_id_valid(ids)) || (grp && !hy_id_valid(grps))) {
            if (++bad <= REPORT_MAX)
                fprintf(stderr, "row %ld: %s: must be 32 lowercase hex digits\n", row,
                        id && !hy_id_valid(ids) ? "id" : "translation_group");
            continue;
        }
        if (ids) memcpy(d->id, ids, HY_ID_LEN + 1);
        else hy_id_new(d->id);
        d->translation_group = grps ? hy_arena_strdup(a, grps) : NULL;
        json_t *copy = json_deep_copy(o);
        json_object_del(copy, "id");
        json_object_del(copy, "translation_group");
        struct hy_parse_error perr = {0};
        d->status = "published";
        bool ok = hy_api_library_input(copy, a, true, true, d, NULL, &perr);
        json_decref(copy);
        if (!ok) {
            if (++bad <= REPORT_MAX)
                fprintf(stderr, "row %ld: %s: %s\n", row, perr.field ? perr.field : "-", perr.message);
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(docs[k].id, d->id)) {
                if (++bad <= REPORT_MAX) fprintf(stderr, "row %ld: id: repeated\n", row);
                ok = false;
                break;
            }
        if (!ok) continue;
        d->origin = "import";
        d->created_at = d->updated_at = now;
        d->published_at = !strcmp(d->status, "published") ? now : 0;
        d->sort_at = now;
    }
    json_decref(items);
    if (!a || !docs) {
        fprintf(stderr, "import: out of memory\n");
        hy_arena_free(a);
        free(docs);
        return 1;
    }
    if (bad) {
        fprintf(stderr, "import: %zu of %zu rows are bad%s; nothing was imported\n", bad, count,
                bad > REPORT_MAX ? " (the first 50 are listed)" : "");
        hy_arena_free(a);
        free(docs);
        return 1;
    }
    hy_db *db = NULL;
    if (hy_cli_open_store(db_url, &db, NULL) < 0) {
        hy_arena_free(a);
        free(docs);
        return 1;
    }
    struct import_ctx c = {docs, count, a, 0};
    int r = hy_db_run(db, HY_TX_WRITE, import_tx, &c);
    hy_db_close(db);
    hy_arena_free(a);
    free(docs);
    if (r == HY_DB_ABORT) {
        fprintf(stderr, "row %ld: id: a document with this id exists; nothing was imported\n",
                c.dup_row + (csv ? 1 : 0));
        return 1;
    }
    if (r < 0) {
        fprintf(stderr, "import: the store refused the documents; nothing was imported\n");
        return 1;
    }
    printf("imported %zu library documents\n", count);
    return 0;
}

/* ---- export ---- */

static json_t *export_object(const struct hy_lib_doc *d) {
    json_t *o = hy_lib_doc_json(d);
    /* Only what import takes. */
    static const char *const drop[] = {"body_html", "origin", "created_at", "updated_at",
                                       "published_at", NULL};
    for (size_t i = 0; drop[i]; i++) json_object_del(o, drop[i]);
    if (!strcmp(d->status, "in_review")) json_object_set_new(o, "status", json_string("draft"));
    return o;
}

static void csv_cell(FILE *out, const char *v) {
    if (!strpbrk(v, ",\"\r\n") && v[0] != ' ') {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (const char *p = v; *p; p++) {
        if (*p == '"') fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

static void csv_row(FILE *out, json_t *o) {
    for (size_t k = 0; csv_cols[k]; k++) {
        json_t *v = json_object_get(o, csv_cols[k]);
        if (k) fputc(',', out);
        if (json_is_string(v)) csv_cell(out, json_string_value(v));
        else if (json_is_integer(v)) fprintf(out, "%lld", (long long)json_integer_value(v));
        else if (json_is_boolean(v)) fputs(json_is_true(v) ? "true" : "false", out);
        else if (json_is_array(v)) {
            hy_buf b = HY_BUF_INIT(0);
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) {
                const char *s = json_is_object(item) ? json_string_value(json_object_get(item, "url"))
                                                     : json_string_value(item);
                if (s) hy_buf_printf(&b, "%s%s", b.len ? ";" : "", s);
            }
            csv_cell(out, b.data ? b.data : "");
            hy_buf_free(&b);
        }
    }
    fputc('\n', out);
}

struct export_ctx {
    const char *status;
    bool csv;
    size_t n;
};

static int export_tx(hy_store *s, void *ctx) {
    struct export_ctx *c = ctx;
    const char *after = NULL;
    char last[HY_ID_LEN + 1];
    c->n = 0;
    if (c->csv) {
        for (size_t k = 0; csv_cols[k]; k++) printf("%s%s", k ? "," : "", csv_cols[k]);
        putchar('\n');
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
                csv_row(stdout, o);
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

int hy_export_library(const char *db_url, const char *format, const char *status) {
    struct export_ctx c = {.status = "published", .csv = format && !strcmp(format, "csv")};
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
    fflush(stdout);
    fprintf(stderr, "exported %zu library documents\n", c.n);
    return 0;
}
