/* datasets.h — loading an uploaded time series as a dataset's next version, the one way the
 * API, `hamyari import dataset` and the demo load datasets.
 *
 * The file is read twice: first only checked, row by row (a file with any bad row is refused
 * with its errors and nothing is written); then its cells are written in batches, each in a
 * short transaction of its own, under a version that is not yet in force, and finally the
 * version is put in force in one short transaction (store/datasets.h). So readers see the old
 * data or the new, never a mixture, and other writers wait at most one batch. */
#ifndef HY_APP_DATASETS_H
#define HY_APP_DATASETS_H

#include <stdint.h>
#include <stdio.h>

#include "domain/dataset.h"
#include "store/datasets.h"
#include "store/store.h"

/* Called after each batch with the rows written so far and the rows in all. */
typedef void (*hy_ds_progress_fn)(void *ctx, long done, long total);

struct hy_ds_load {
    /* in: the description (id set; the rest replaces what is stored) and who loads it */
    const struct hy_dataset *meta;
    struct hy_ds_read_options options;
    hy_ds_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    /* out */
    struct hy_ds_read_result result; /* the layout, rows and (when refused) the errors */
    int64_t version;                 /* the version loaded */
};

enum {
    HY_DS_LOADED = 0,
    HY_DS_REFUSED = 1,  /* the file has errors (load->result.errors): nothing was written */
    HY_DS_NOMEM = -100, /* out of memory (or a read error of the file) */
};

/* Loads p[0..n) (or the file f, which must be seekable: it is read twice). Returns
 * HY_DS_LOADED, HY_DS_REFUSED, HY_DS_NOMEM or a negative store status (HY_DB_*); after a
 * failure in the middle nothing stays written. The arena holds the result's strings. */
int hy_ds_load_mem(hy_db *db, const char *p, size_t n, hy_arena *a, struct hy_ds_load *load);
int hy_ds_load_file(hy_db *db, FILE *f, hy_arena *a, struct hy_ds_load *load);

#endif
