/* import_library.c — `hamyari import library FILE`: library documents from JSON or CSV, under
 * the two-pass driver (import.h).
 *
 *   JSON  an array of document objects: the fields of POST /api/v1/library, plus optional
 *         "status" (draft|published, default published), "id" and "translation_group".
 *   CSV   (a name ending in .csv) UTF-8, RFC 4180, ',' or ';' between fields, a header naming
 *         those fields; list columns (themes, tags, organisations, authors, links as URLs) are
 *         separated by ';'; the formula guard of CSV exports is removed again. This is the
 *         shape `hamyari export library --format csv` writes.
 *
 * The check pass turns every row into a checked document (rendering its Markdown, which costs
 * more than reading the file) and keeps them; the write pass stores those. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/library.h"
#include "cli/import.h"
#include "domain/auth.h"
#include "domain/library.h"
#include "http/parse.h"
#include "store/library.h"
#include "util/buf.h"
#include "util/utf8.h"

#define JSON_MAX ((size_t)512 * 1024 * 1024)

/* The columns, in the order the export writes them. */
enum {
    L_ID, L_GROUP, L_TYPE, L_LANGUAGE, L_TITLE, L_SUMMARY, L_BODY, L_COUNTRY, L_LEVEL, L_YEAR,
    L_STAGE, L_THEMES, L_TAGS, L_ORGS, L_AUTHORS, L_LINKS, L_COVID, L_STATUS, L__N
};
static const struct hy_import_column lcols[L__N] = {
    {"id", NULL, false},       {"translation_group", NULL, false}, {"type", NULL, false},
    {"language", NULL, false}, {"title", NULL, false},             {"summary", NULL, false},
    {"body", NULL, false},     {"country", NULL, false},           {"level", NULL, false},
    {"year", NULL, false},     {"stage", NULL, false},             {"themes", NULL, false},
    {"tags", NULL, false},     {"organisations", NULL, false},     {"authors", NULL, false},
    {"links", NULL, false},    {"covid", NULL, false},             {"status", NULL, false},
};

struct given_id {
    char id[HY_ID_LEN + 1];
    long row;
};

struct library_state {
    hy_arena *a;                /* the documents' strings, from the check to the write */
    struct hy_lib_doc *docs;    /* the checked documents */
    long *rows;                 /* each one's row in the file */
    size_t ndocs, cap;
    struct given_id *ids;   /* ids the file gives, to find repeats */
    size_t nids, capids;
    size_t next;                /* write pass: the first document not yet stored */
};

/* Reads a whole file (at most JSON_MAX bytes) into a malloc()ed NUL-terminated buffer. */
static char *slurp(const char *path, size_t *ret_n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    hy_buf b = HY_BUF_INIT(JSON_MAX);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (hy_buf_append(&b, chunk, n) < 0) break;
    bool err = ferror(f) != 0;
    fclose(f);
    if (!err && hy_buf_error(&b) == HY_BUF_TOO_LARGE) errno = EFBIG;
    if (err || hy_buf_putc(&b, '\0') < 0) {
        hy_buf_free(&b);
        return NULL;
    }
    b.len--;
    return hy_buf_steal(&b, ret_n);
}

static bool grow(struct library_state *st) {
    if (st->ndocs < st->cap) return true;
    size_t cap = st->cap ? st->cap * 2 : 256;
    struct hy_lib_doc *d = realloc(st->docs, cap * sizeof *d);
    if (!d) return false;
    st->docs = d;
    long *r = realloc(st->rows, cap * sizeof *r);
    if (!r) return false;
    st->rows = r;
    st->cap = cap;
    return true;
}

/* Checks one document object (from JSON or a CSV row) and keeps it. -1 only when out of
 * memory; a bad document is reported and counted. */
static int take(struct hy_import *im, json_t *o, long row) {
    struct library_state *st = im->state;
    if (!json_is_object(o)) {
        hy_import_bad(im, row, NULL, "not an object");
        return 0;
    }
    json_t *id = json_object_get(o, "id"), *grp = json_object_get(o, "translation_group");
    const char *ids = json_string_value(id), *grps = json_string_value(grp);
    if ((id && !hy_id_valid(ids)) || (grp && !hy_id_valid(grps))) {
        hy_import_bad(im, row, id && !hy_id_valid(ids) ? "id" : "translation_group",
                      "must be 32 lowercase hex digits");
        return 0;
    }
    if (!grow(st)) return -1;
    struct hy_lib_doc *d = &st->docs[st->ndocs];
    memset(d, 0, sizeof *d);
    if (ids) memcpy(d->id, ids, HY_ID_LEN + 1);
    else hy_id_new(d->id);
    d->translation_group = grps ? hy_arena_strdup(st->a, grps) : NULL;
    json_t *copy = json_deep_copy(o);
    if (!copy) return -1;
    json_object_del(copy, "id");
    json_object_del(copy, "translation_group");
    struct hy_parse_error perr = {0};
    d->status = "published";
    bool ok = hy_api_library_input(copy, st->a, true, true, d, NULL, &perr);
    json_decref(copy);
    if (!ok) {
        hy_import_bad(im, row, perr.field, perr.message);
        return 0;
    }
    if (ids) {
        if (st->nids == st->capids) {
            size_t cap = st->capids ? st->capids * 2 : 256;
            struct given_id *p = realloc(st->ids, cap * sizeof *p);
            if (!p) return -1;
            st->ids = p;
            st->capids = cap;
        }
        memcpy(st->ids[st->nids].id, ids, HY_ID_LEN + 1);
        st->ids[st->nids++].row = row;
    }
    d->origin = "import";
    d->created_at = d->updated_at = im->now;
    d->published_at = !strcmp(d->status, "published") ? im->now : 0;
    d->sort_at = im->now;
    st->rows[st->ndocs++] = row;
    return 0;
}

static int check_json(struct hy_import *im) {
    size_t n = 0;
    char *text = slurp(im->path, &n);
    if (!text) {
        fprintf(stderr, "%s: %s\n", im->path, strerror(errno));
        return -1;
    }
    if (!hy_utf8_valid(text, n, HY_UTF8_ALLOW_CONTROLS)) {
        fprintf(stderr, "%s: is not UTF-8 text\n", im->path);
        free(text);
        return -1;
    }
    json_error_t je;
    json_t *items = json_loadb(text, n, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!items) {
        fprintf(stderr, "%s: line %d: %s\n", im->path, je.line, je.text);
        return -1;
    }
    if (!json_is_array(items)) {
        fprintf(stderr, "%s: the JSON file must hold an array of documents\n", im->path);
        json_decref(items);
        return -1;
    }
    size_t i;
    json_t *o;
    int rc = 0;
    json_array_foreach(items, i, o) {
        hy_import_row(im);
        if ((rc = take(im, o, (long)i + 1)) < 0) break;
    }
    json_decref(items);
    return rc;
}

/* A CSV list cell "a; b;c" as a JSON array (links as {"url": …}). */
static json_t *library_list(const char *v, bool links) {
    json_t *list = json_array();
    for (const char *p = v; *p;) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && *p == ' ') p++, n--;
        while (n && p[n - 1] == ' ') n--;
        if (n) {
            json_t *item = json_stringn(p, n);
            if (links) item = json_pack("{s:o}", "url", item);
            json_array_append_new(list, item);
        }
        if (!e) break;
        p = e + 1;
    }
    return list;
}

static int check_csv(struct hy_import *im) {
    int col[L__N];
    struct hy_csv_options o = {.field_max = (size_t)1 << 20, .row_max = (size_t)4 << 20,
                               .fields_max = 64};
    if (hy_import_csv_open(im, &o, lcols, L__N, false, col) < 0) return -1;
    int r, rc = 0;
    while ((r = hy_import_csv_next(im)) > 0) {
        json_t *obj = json_object();
        for (int k = 0; k < L__N; k++) {
            const char *v = hy_import_csv_field(im, col[k]);
            if (!v || !*v) continue;
            const char *name = lcols[k].name;
            json_t *x;
            if (k == L_THEMES || k == L_TAGS || k == L_ORGS || k == L_AUTHORS || k == L_LINKS) {
                x = library_list(v, k == L_LINKS);
            } else if (k == L_YEAR) {
                char *end;
                long y = strtol(v, &end, 10);
                x = *end ? json_string(v) : json_integer(y);
            } else if (k == L_COVID) {
                bool t = !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes");
                bool f = !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no");
                x = t ? json_true() : f ? json_false() : json_string(v);
            } else {
                x = json_string(v);
            }
            json_object_set_new(obj, name, x);
        }
        rc = take(im, obj, hy_import_csv_rowno(im));
        json_decref(obj);
        if (rc < 0) break;
    }
    hy_import_csv_close(im);
    return r < 0 ? -1 : rc;
}

static bool is_csv(const char *path) {
    size_t n = strlen(path);
    return n > 4 && !strcmp(path + n - 4, ".csv");
}

static int cmp_id(const void *a, const void *b) {
    const struct given_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* The check pass: every document, then no id twice in the file. */
static int library_check(struct hy_import *im) {
    struct library_state *st = im->state;
    st->a = hy_arena_new((size_t)1 << 31);
    if (!st->a) return -1;
    int r = is_csv(im->path) ? check_csv(im) : check_json(im);
    if (r == 0 && st->nids > 1) {
        qsort(st->ids, st->nids, sizeof *st->ids, cmp_id);
        for (size_t i = 1; i < st->nids; i++)
            if (!strcmp(st->ids[i].id, st->ids[i - 1].id))
                hy_import_bad(im, st->ids[i].row, "id", "repeated");
    }
    return r;
}

static int library_write(struct hy_import *im) {
    struct library_state *st = im->state;
    st->next = 0;
    for (size_t i = 0; i < st->ndocs; i++) {
        hy_import_row(im);
        if (hy_import_added(im, true) < 0) return -1;
    }
    return 0;
}

static int library_flush(struct hy_import *im) {
    struct library_state *st = im->state;
    for (size_t i = 0; i < im->n; i++, st->next++) {
        int r = hy_lib_create(im->s, im->a, &st->docs[st->next], NULL, "import");
        if (r < 0) return r;
        if (r == HY_DB_NONE) {
            hy_import_bad(im, st->rows[st->next], "id", "a document with this id exists");
            return HY_DB_ABORT;
        }
    }
    return HY_DB_ONE;
}

static void library_cleanup(struct hy_import *im) {
    struct library_state *st = im->state;
    hy_arena_free(st->a);
    free(st->docs);
    free(st->rows);
    free(st->ids);
}

const struct hy_importer hy_import_library = {
    .kind = "library",
    .noun = "library documents",
    .usage = "hamyari import library [--db URL] FILE.json|FILE.csv",
    .summary =
        "Imports library documents: a JSON array of objects with the fields of POST\n"
        "/api/v1/library (plus optional status draft|published (default published), id and\n"
        "translation_group), or CSV with a header naming those columns (lists separated by ';'),\n"
        "as 'hamyari export library' writes them. Every row is checked first and each bad one\n"
        "reported as 'row N: field: problem'; if any is bad nothing is imported.",
    .state_size = sizeof(struct library_state),
    .progress_every = 10000,
    .check = library_check,
    .write = library_write,
    .flush = library_flush,
    .cleanup = library_cleanup,
};
