/* import.c — `hamyari import KIND FILE`: the command and the two-pass driver every kind of
 * import runs under (see import.h); the kinds are in import_groups.c, import_places.c,
 * import_postcodes.c and import_library.c. */
#include "cli/import.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "util/clock.h"

#define CHECK_PROGRESS 100000 /* check pass: a progress line every so many rows */

uint64_t hy_import_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static double seconds_since(uint64_t t0) { return (double)(hy_import_ms() - t0) / 1000; }

void hy_import_row(struct hy_import *im) {
    im->rows++;
    if (!im->s && im->rows % CHECK_PROGRESS == 0)
        fprintf(stderr, "import: %ld rows checked (%.1f s)\n", im->rows,
                seconds_since(im->started));
}

void hy_import_bad(struct hy_import *im, long row, const char *field, const char *problem) {
    if (im->bad++ < HY_IMPORT_REPORT_MAX)
        fprintf(stderr, "%s: row %ld: %s: %s\n", im->path, row, field ? field : "-", problem);
}

/* Writes the batch, counts it, shows progress, and empties the batch's arena. 0, or -1 with
 * the store's status (or HY_DB_HARD for memory) in im->status. */
static int import_flush(struct hy_import *im) {
    if (!im->n) return 0;
    int r = im->kind->flush(im);
    im->written += (long)im->n;
    long every = im->kind->progress_every > 0 ? im->kind->progress_every : 100000;
    if (im->written % every < (long)im->n)
        fprintf(stderr, "import: %ld %s written (%.1f s)\n", im->written, im->kind->noun,
                seconds_since(im->started));
    im->n = 0;
    hy_arena_free(im->a);
    im->a = hy_arena_new(0);
    if (r >= 0 && im->a) return 0;
    im->status = r < 0 ? r : HY_DB_HARD;
    return -1;
}

int hy_import_added(struct hy_import *im, bool filled) {
    if (!filled) {
        im->status = HY_DB_HARD;
        return -1;
    }
    return ++im->n == HY_IMPORT_BATCH ? import_flush(im) : 0;
}

/* ---- CSV files ---- */

int hy_import_csv_open(struct hy_import *im, const struct hy_csv_options *o,
                       const struct hy_import_column *columns, size_t ncolumns, bool others_ok,
                       int *col) {
    for (size_t k = 0; k < ncolumns; k++) col[k] = -1;
    im->f = fopen(im->path, "rb");
    if (!im->f) {
        fprintf(stderr, "%s: %s\n", im->path, strerror(errno));
        return -1;
    }
    im->csv = hy_csv_reader_file(im->f, o);
    if (!im->csv) {
        fprintf(stderr, "import: out of memory\n");
        return -1;
    }
    int r = hy_csv_read(im->csv);
    if (r != HY_CSV_ROW) {
        long row, line;
        const char *why = hy_csv_error(im->csv, &row, &line, NULL);
        if (why) fprintf(stderr, "%s: row %ld (line %ld): header: %s\n", im->path, row, line, why);
        else fprintf(stderr, "%s: no header row (the columns %s, …)\n", im->path, columns[0].name);
        im->bad++;
        return -1;
    }
    long row = hy_csv_row(im->csv);
    size_t nf = hy_csv_nfields(im->csv);
    im->header = calloc(nf, sizeof *im->header);
    if (!im->header) return -1;
    im->nheader = nf;
    for (size_t i = 0; i < nf; i++) {
        char *h = hy_import_trim(hy_csv_field(im->csv, i, NULL));
        im->header[i] = strdup(h);
        if (!im->header[i]) return -1;
        size_t k = 0;
        while (k < ncolumns && !hy_import_column_is(h, &columns[k])) k++;
        if (k == ncolumns) {
            if (others_ok) continue;
            fprintf(stderr, "%s: row %ld: header: unknown column '%s' (known:", im->path, row, h);
            for (size_t j = 0; j < ncolumns; j++)
                fprintf(stderr, "%s %s", j ? "," : "", columns[j].name);
            fprintf(stderr, ")\n");
            im->bad++;
            continue;
        }
        if (col[k] >= 0) {
            fprintf(stderr, "%s: row %ld: header: column '%s' appears twice\n", im->path, row, h);
            im->bad++;
        }
        col[k] = (int)i;
    }
    for (size_t k = 0; k < ncolumns; k++)
        if (columns[k].required && col[k] < 0) {
            fprintf(stderr, "%s: row %ld: header: the column '%s' is missing\n", im->path, row,
                    columns[k].name);
            im->bad++;
        }
    return im->bad ? -1 : 0;
}

int hy_import_csv_next(struct hy_import *im) {
    for (;;) {
        int r = hy_csv_read(im->csv);
        if (r == HY_CSV_ROW) {
            hy_import_row(im);
            return 1;
        }
        if (r == HY_CSV_END) return 0;
        long row, line;
        size_t column;
        const char *why = hy_csv_error(im->csv, &row, &line, &column);
        if (r == HY_CSV_BAD_ROW) {
            hy_import_row(im);
            const char *field = column > 0 && column <= im->nheader && im->header[column - 1][0]
                                    ? im->header[column - 1]
                                    : NULL;
            char named[32];
            if (!field && column > 0) {
                snprintf(named, sizeof named, "column %zu", column);
                field = named;
            }
            hy_import_bad(im, row, field, why);
            continue;
        }
        /* The rest of the file cannot be trusted. */
        if (column) fprintf(stderr, "%s: line %ld, column %zu: %s\n", im->path, line, column, why);
        else fprintf(stderr, "%s: line %ld: %s\n", im->path, line, why);
        im->bad++;
        return -1;
    }
}

char *hy_import_csv_field(struct hy_import *im, int i) {
    if (i < 0) return NULL;
    char *s = hy_import_trim(hy_csv_field(im->csv, (size_t)i, NULL));
    hy_csv_unguard(s, strlen(s));
    return s;
}

long hy_import_csv_rowno(const struct hy_import *im) { return hy_csv_row(im->csv); }

void hy_import_csv_close(struct hy_import *im) {
    im->csv = hy_csv_reader_free(im->csv);
    if (im->f) fclose(im->f);
    im->f = NULL;
    for (size_t i = 0; i < im->nheader; i++) free(im->header[i]);
    free(im->header);
    im->header = NULL;
    im->nheader = 0;
}

/* ---- the two passes ---- */

static int import_tx(hy_store *s, void *ctx) {
    struct hy_import *im = ctx;
    const struct hy_importer *k = im->kind;
    /* From the start: a retried transaction runs this again. */
    im->s = s;
    im->rows = im->bad = im->written = 0;
    im->n = 0;
    im->status = 0;
    im->started = hy_import_ms();
    hy_arena_free(im->a);
    im->a = hy_arena_new(0);
    if (!im->a) return HY_DB_HARD;
    if (k->begin) {
        int r = k->begin(im);
        if (r < 0) return r;
    }
    int r = k->write(im);
    if (r == 0) r = import_flush(im);
    if (r < 0) return im->status < 0 ? im->status : HY_DB_ABORT; /* ABORT: reported already */
    /* The file changed between the passes, or a row failed now: nothing rather than part. */
    if (im->bad || im->rows != im->checked || im->written != im->rows) {
        fprintf(stderr, "import: the write pass saw %ld rows (%ld bad), the check %ld: "
                        "nothing was imported\n", im->rows, im->bad, im->checked);
        return HY_DB_ABORT;
    }
    return HY_DB_ONE;
}

int hy_import_file(const struct hy_importer *k, const char *db_url, const char *path) {
    struct hy_import im = {.kind = k, .path = path, .now = hy_clock_now()};
    im.state = calloc(1, k->state_size ? k->state_size : 1);
    if (!im.state) {
        fprintf(stderr, "import: out of memory\n");
        return 1;
    }
    int rc = 1;
    uint64_t t0 = im.started = hy_import_ms();
    int r = k->check(&im);
    if (r == 0 && !im.bad && k->checked) r = k->checked(&im);
    if (r < 0 || im.bad) {
        if (im.bad > HY_IMPORT_REPORT_MAX)
            fprintf(stderr, "… and %ld more\n", im.bad - HY_IMPORT_REPORT_MAX);
        if (im.bad)
            fprintf(stderr, "import: %ld bad row%s of %ld: nothing was imported\n", im.bad,
                    im.bad == 1 ? "" : "s", im.rows);
        else fprintf(stderr, "import: nothing was imported\n");
        goto out;
    }
    if (im.rows == 0) {
        fprintf(stderr, "import: %s has no %s: nothing to do\n", path, k->noun);
        rc = 0;
        goto out;
    }
    fprintf(stderr, "import: %ld rows checked in %.1f s; writing\n", im.rows, seconds_since(t0));
    im.checked = im.rows;
    hy_db *db;
    if (hy_cli_open_store(db_url, &db, NULL) < 0) goto out;
    uint64_t t1 = hy_import_ms();
    r = hy_db_run(db, HY_TX_WRITE, import_tx, &im);
    hy_db_close(db);
    if (r < 0) {
        if (im.bad > HY_IMPORT_REPORT_MAX)
            fprintf(stderr, "… and %ld more\n", im.bad - HY_IMPORT_REPORT_MAX);
        if (r == HY_DB_ABORT) fprintf(stderr, "import: nothing was imported\n");
        else fprintf(stderr, "import: the store refused the %s: nothing was imported\n", k->noun);
        goto out;
    }
    double secs = seconds_since(t1);
    printf("imported %ld %s in %.1f s (%.0f rows/s)\n", im.rows, k->noun, secs,
           secs > 0 ? (double)im.rows / secs : (double)im.rows);
    rc = 0;
out:
    hy_import_csv_close(&im);
    if (k->cleanup) k->cleanup(&im);
    hy_arena_free(im.a);
    free(im.state);
    return rc;
}

/* ---- the command ---- */

static const struct hy_importer *const import_kinds[] = {&hy_import_groups, &hy_import_places,
                                                     &hy_import_postcodes, &hy_import_library};
#define NKINDS (sizeof import_kinds / sizeof import_kinds[0])

int hy_cmd_import(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "Usage: hamyari import KIND [--db URL] FILE\n\nKinds:\n");
        for (size_t i = 0; i < NKINDS; i++) fprintf(out, "  %s\n", import_kinds[i]->usage);
        fprintf(out, "  dataset [--db URL] --id ID [--title-fa T --title-en T ...] FILE\n");
        fprintf(out, "\nEvery row is checked first and each bad one reported as\n"
                     "'row N: field: problem'; if any is bad nothing is imported.\n"
                     "Run 'hamyari import KIND --help' for details.\n");
        return argc < 2 ? 2 : 0;
    }
    /* Datasets load in short transactions of their own (app/datasets.h), not the driver's. */
    if (!strcmp(argv[1], "dataset")) return hy_cmd_import_dataset(argc - 1, argv + 1);
    for (size_t i = 0; i < NKINDS; i++) {
        const struct hy_importer *k = import_kinds[i];
        if (strcmp(argv[1], k->kind)) continue;
        struct hy_settings st;
        hy_settings_defaults(&st);
        struct hy_opt opts[] = {
            {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL",
             "store: sqlite:PATH or postgres://... (default sqlite:hamyari.db)"},
        };
        char **args;
        int nargs;
        int r = hy_opts_parse(k->usage, k->summary, opts, 1, argc - 1, argv + 1, &args, &nargs);
        if (r) return r > 0 ? 0 : 2;
        if (nargs != 1) {
            fprintf(stderr, "hamyari import %s: give one FILE (see --help)\n", k->kind);
            return 2;
        }
        if (hy_auth_init(1, NULL) < 0) return 1;
        int rc = hy_import_file(k, st.db, args[0]);
        hy_auth_shutdown();
        return rc;
    }
    fprintf(stderr, "hamyari import: unknown kind '%s' (groups, places, postcodes, library, dataset)\n",
            argv[1]);
    return 2;
}
