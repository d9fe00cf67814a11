/* import_dataset.c — `hamyari import dataset`: a CSV time series of any length loaded as a
 * dataset's next version, the way an upload is (app/datasets.h): every row checked first, then
 * written in short transactions (the server keeps answering, other writers wait at most one
 * batch) and put in force at once, with a progress line on stderr. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/datasets.h"
#include "cli/cli.h"
#include "cli/import.h"

static const char usage[] =
    "dataset [--db URL] --id ID [--title-fa T --title-en T …] FILE";
static const char summary[] =
    "Loads FILE, a CSV time series (a date column, numeric columns, optionally an area column;\n"
    "UTF-8 with or without BOM, ',' or ';', Persian or Latin digits), as the next version of\n"
    "dataset ID. Every row is checked first; with any bad row nothing is loaded. A new dataset\n"
    "needs --title-fa and --title-en; other flags replace the stored description.";

/* Progress: a line at most every 5% (and at the end). */
struct progress {
    uint64_t t0;
    long last;
};

static void show(void *ctx, long done, long total) {
    struct progress *p = ctx;
    if (done != total && done - p->last < total / 20) return;
    p->last = done;
    double secs = (double)(hy_import_ms() - p->t0) / 1000;
    fprintf(stderr, "import: %ld of %ld rows written (%.0f%%, %.1f s)\n", done, total,
            total ? 100.0 * (double)done / (double)total : 100.0, secs);
}

struct existing {
    hy_arena *a;
    struct hy_dataset d;
};

static int existing_tx(hy_store *s, void *ctx) {
    struct existing *e = ctx;
    return s->ops->datasets->get(s, e->d.id, e->a, &e->d);
}

int hy_cmd_import_dataset(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    const char *id = NULL, *title_fa = NULL, *title_en = NULL, *desc_fa = NULL, *desc_en = NULL,
               *source = NULL, *licence = NULL, *contact = NULL, *cutoff = NULL,
               *date_column = NULL, *area_column = NULL;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL",
         "store: sqlite:PATH or postgres://... (default sqlite:hamyari.db)"},
        {"id", NULL, HY_OPT_STRING, &id, "ID", "the dataset (a-z, 0-9 and -)"},
        {"title-fa", NULL, HY_OPT_STRING, &title_fa, "TEXT", "its title in Persian"},
        {"title-en", NULL, HY_OPT_STRING, &title_en, "TEXT", "its title in English"},
        {"description-fa", NULL, HY_OPT_STRING, &desc_fa, "TEXT", "its description in Persian"},
        {"description-en", NULL, HY_OPT_STRING, &desc_en, "TEXT", "its description in English"},
        {"source", NULL, HY_OPT_STRING, &source, "TEXT", "who publishes the figures"},
        {"licence", NULL, HY_OPT_STRING, &licence, "ID", "e.g. CC-BY-4.0, or a URL"},
        {"contact", NULL, HY_OPT_STRING, &contact, "TEXT", "where to send corrections"},
        {"cutoff", NULL, HY_OPT_STRING, &cutoff, "HH:MM", "the daily cut-off time"},
        {"date-column", NULL, HY_OPT_STRING, &date_column, "NAME", "the date column's name"},
        {"area-column", NULL, HY_OPT_STRING, &area_column, "NAME",
         "the area column's name (\"\" for none)"},
    };
    char **args;
    int nargs;
    int r = hy_opts_parse(usage, summary, opts, sizeof opts / sizeof opts[0], argc, argv,
                          &args, &nargs);
    if (r) return r > 0 ? 0 : 2;
    if (nargs != 1) {
        fprintf(stderr, "hamyari import dataset: give one FILE (see --help)\n");
        return 2;
    }
    if (!id || !hy_ds_id_valid(id)) {
        fprintf(stderr, "hamyari import dataset: --id must be 1 to 64 of a-z, 0-9 and '-'\n");
        return 2;
    }
    FILE *f = fopen(args[0], "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", args[0], strerror(errno));
        return 1;
    }
    hy_db *db;
    if (hy_cli_open_store(st.db, &db, NULL) < 0) {
        fclose(f);
        return 1;
    }
    hy_arena *a = hy_arena_new(0);
    struct hy_dataset d = {0};
    memcpy(d.id, id, strlen(id) + 1);
    /* The stored description, if the dataset exists. */
    struct existing old = {.a = a, .d = d};
    int rc = 1;
    int got = a ? hy_db_run(db, HY_TX_READ, existing_tx, &old) : HY_DB_HARD;
    if (got < 0) {
        fprintf(stderr, "import: the store cannot be read\n");
        goto out;
    }
    if (got == HY_DB_ONE) d = old.d;
    else if (!title_fa || !title_en) {
        fprintf(stderr, "hamyari import dataset: a new dataset needs --title-fa and --title-en\n");
        rc = 2;
        goto out;
    }
    if (title_fa) d.title_fa = title_fa;
    if (title_en) d.title_en = title_en;
    if (desc_fa) d.description_fa = desc_fa;
    if (desc_en) d.description_en = desc_en;
    if (source) d.source = source;
    if (licence) d.licence = licence;
    if (contact) d.contact = contact;
    if (cutoff) d.cutoff = cutoff;
    d.created_by = NULL;
    struct progress p = {.t0 = hy_import_ms()};
    struct hy_ds_load ld = {.meta = &d, .progress = show, .progress_ctx = &p};
    ld.options.date_column = date_column ? date_column : (got == HY_DB_ONE ? d.date_column : NULL);
    ld.options.area_column = area_column ? area_column : (got == HY_DB_ONE ? d.area_column : NULL);
    fprintf(stderr, "import: checking %s\n", args[0]);
    r = hy_ds_load_file(db, f, a, &ld);
    if (r == HY_DS_REFUSED) {
        size_t n = ld.result.nerrors < HY_DS_ERRORS_MAX ? ld.result.nerrors : HY_DS_ERRORS_MAX;
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s: row %ld: %s: %s\n", args[0], ld.result.errors[i].row,
                    *ld.result.errors[i].column ? ld.result.errors[i].column : "-",
                    ld.result.errors[i].message);
        if (ld.result.nerrors > n) fprintf(stderr, "… and %zu more\n", ld.result.nerrors - n);
        fprintf(stderr, "import: %zu error%s: nothing was imported\n", ld.result.nerrors,
                ld.result.nerrors == 1 ? "" : "s");
        goto out;
    }
    if (r != HY_DS_LOADED) {
        fprintf(stderr, "import: the store refused the dataset (%d): nothing was imported\n", r);
        goto out;
    }
    double secs = (double)(hy_import_ms() - p.t0) / 1000;
    printf("imported %ld rows as version %lld of dataset %s in %.1f s (%.0f rows/s)\n",
           ld.result.rows, (long long)ld.version, d.id, secs,
           secs > 0 ? (double)ld.result.rows / secs : (double)ld.result.rows);
    rc = 0;
out:
    hy_arena_free(a);
    hy_db_close(db);
    fclose(f);
    return rc;
}
