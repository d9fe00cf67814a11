/* import.h — the driver behind `hamyari import KIND FILE` (import.c) and what each kind of
 * import gives it (import_groups.c, import_places.c, import_postcodes.c, import_library.c).
 *
 * Every import runs in two passes. The check pass reads the whole file and checks every row,
 * reporting each bad one as "FILE: row N: field: problem" (the first 50 are printed, all are
 * counted). Only when no row is bad does the write pass run, inside one write transaction:
 * the kind puts its rows into batches, which the driver hands to the kind's flush() and counts,
 * with progress on stderr. If the write pass sees anything else than the check pass saw (the
 * file changed in between, a row fails now), nothing is written. So a file is imported whole
 * or not at all.
 *
 * Kinds that stream (groups, places, postcodes) read the file again in the write pass, so a
 * file of any size needs memory for one batch; a kind may instead keep what its check pass
 * built and write that (the library, whose documents are few and costly to check). */
#ifndef HY_CLI_IMPORT_H
#define HY_CLI_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app/group_import.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/csv.h"

#define HY_IMPORT_BATCH 1000     /* rows handed to flush() at once */
#define HY_IMPORT_REPORT_MAX 50  /* bad rows printed (all are counted) */

struct hy_import;

struct hy_importer {
    const char *kind;           /* the command's KIND, e.g. "groups" */
    const char *noun;           /* in messages: "imported 10 groups" */
    const char *usage, *summary; /* --help */
    size_t state_size;          /* the kind's own state (im->state), zeroed before the check */
    long progress_every;        /* write pass: a progress line every so many rows */
    /* The check pass (im->s is NULL): checks every row, counting each with hy_import_row() and
     * reporting each bad one with hy_import_bad(). 0, or -1 when the file cannot be read on
     * (reported). */
    int (*check)(struct hy_import *im);
    /* Optional: after a check pass without bad rows (e.g. to plan the storage order). 0 or -1. */
    int (*checked)(struct hy_import *im);
    /* Optional: first thing in the write transaction (e.g. clear what the file replaces). A store
     * status (< 0 ends the transaction). */
    int (*begin)(struct hy_import *im);
    /* The write pass (im->s is the transaction's store): every row again, each counted with
     * hy_import_row() and each good one added to the batch with hy_import_added() (the kind
     * keeps the batch's rows in its state, their strings in im->a). 0, or -1: the kind reported
     * why, or hy_import_added() failed (the store's status is then in im->status). */
    int (*write)(struct hy_import *im);
    /* Writes the im->n rows of the batch. A store status. */
    int (*flush)(struct hy_import *im);
    /* Optional: frees what the kind's state holds. */
    void (*cleanup)(struct hy_import *im);
};

struct hy_import {
    const struct hy_importer *kind;
    const char *path;
    void *state;          /* the kind's state: kind->state_size bytes */
    int64_t now;          /* the import's time stamp */
    hy_store *s;          /* the write pass's store; NULL in the check pass */
    hy_arena *a;          /* strings of the batch's rows; emptied after each flush */
    size_t n;             /* rows in the batch */
    long rows;            /* rows seen in this pass, good and bad */
    long bad;             /* bad rows reported in this pass */
    long written;         /* rows flushed in this pass */
    long checked;         /* rows the check pass saw */
    int status;           /* the store's status when a flush failed (a retry, or a refusal) */
    uint64_t started;     /* when this pass began (ms, monotonic) */
    /* CSV files (hy_import_csv_open): the file, its reader and its header's names. */
    FILE *f;
    hy_csv_reader *csv;
    char **header;
    size_t nheader;
};

/* Milliseconds on a monotonic clock. */
uint64_t hy_import_ms(void);

/* Counts a row of this pass (good or bad); in the check pass shows progress on big files. */
void hy_import_row(struct hy_import *im);
/* Reports a bad row: "FILE: row N: field: problem" (field NULL: "-"). */
void hy_import_bad(struct hy_import *im, long row, const char *field, const char *problem);
/* After the kind put row im->n of its batch in place (`filled` false: it ran out of memory
 * doing so): counts it, and flushes a full batch. 0, or -1 when memory ran out or the store
 * refused the batch (im->status says which). */
int hy_import_added(struct hy_import *im, bool filled);

/* ---- CSV files ---- */

/* struct hy_import_column, hy_import_number() and hy_import_trim(): app/group_import.h. */

/* Opens im->path and a reader with `o` (NULL: separator found from the header, default caps),
 * and reads the header row: col[k] becomes the field of columns[k], or -1. Columns the importer
 * does not know are reported as bad unless `others_ok`; so are one named twice and a required
 * one missing. 0, or -1 (reported; hy_import_csv_close() still to be called). */
int hy_import_csv_open(struct hy_import *im, const struct hy_csv_options *o,
                       const struct hy_import_column *columns, size_t ncolumns, bool others_ok,
                       int *col);
/* The next data row: 1, 0 at the end, -1 when the file cannot be read on (reported). Rows the
 * reader refuses (bad UTF-8, too long…) are counted, reported and skipped. */
int hy_import_csv_next(struct hy_import *im);
/* Field `i` of the row (i < 0: NULL), trimmed of spaces and tabs and with the spreadsheet
 * formula guard removed (the one CSV exports add), in place. */
char *hy_import_csv_field(struct hy_import *im, int i);
/* The row number of the current CSV row (the header is row 1). */
long hy_import_csv_rowno(const struct hy_import *im);
void hy_import_csv_close(struct hy_import *im);

/* Imports the file at `path` into the store at db_url with kind k, both passes, with progress
 * and the summary on stderr/stdout as `hamyari import` prints them. 0, or 1 when nothing was
 * imported. */
int hy_import_file(const struct hy_importer *k, const char *db_url, const char *path);

/* The kinds (import_*.c). */
extern const struct hy_importer hy_import_groups;
extern const struct hy_importer hy_import_places;
extern const struct hy_importer hy_import_postcodes;
extern const struct hy_importer hy_import_library;

/* `hamyari import dataset …` (import_dataset.c); argv[0] is "dataset". */
int hy_cmd_import_dataset(int argc, char **argv);

#endif
