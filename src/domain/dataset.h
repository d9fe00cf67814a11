/* dataset.h — the open-data portal's datasets: their records and the one reader of an uploaded
 * time series.
 *
 * A dataset is a table of daily values: a date column, one or more numeric columns and, where
 * the figures are per place, an area column. Each upload is checked row by row and, when every
 * row is sound, becomes the dataset's next version; earlier versions stay readable.
 *
 * The reader takes what people export from spreadsheets: UTF-8 with or without a byte-order
 * mark, ',' or ';' between fields, Persian, Arabic-Indic or ASCII digits in dates and numbers
 * (util/numtext.h), dates as YYYY-MM-DD (or YYYY/MM/DD), an empty cell for a missing value, and
 * an optional HXL hashtag row (#date, #adm1+name, #affected+hospitalised …) under the header.
 * It streams (util/csv.h), so a file of any length needs one row's memory plus what the caller
 * keeps. */
#ifndef HY_DOMAIN_DATASET_H
#define HY_DOMAIN_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/arena.h"

#define HY_DS_ID_MAX 64        /* a dataset id: a-z, 0-9 and '-', 1 to 64 characters */
#define HY_DS_COLUMNS_MAX 32   /* numeric columns of one dataset */
#define HY_DS_NAME_MAX 64      /* bytes of a column's name */
#define HY_DS_AREA_MAX 100     /* bytes of an area's name */
#define HY_DS_ERRORS_MAX 100   /* errors listed for a refused file */
#define HY_DS_ROWS_MAX 5000000 /* data rows of one version */

/* A dataset's description, the same for all of its versions. Strings point into an arena (or
 * the caller's memory). */
struct hy_dataset {
    char id[HY_DS_ID_MAX + 1];
    const char *title_fa, *title_en;
    const char *description_fa, *description_en;
    const char *source;  /* who publishes the figures */
    const char *licence; /* an SPDX-like id ("CC-BY-4.0") or a URL */
    const char *contact; /* where to send corrections (an e-mail address or a URL) */
    const char *cutoff;  /* the daily cut-off time, "HH:MM" (local), "" when none */
    int64_t version;     /* the version in force; 0 before the first upload */
    int64_t rows;        /* data rows of that version */
    const char *columns; /* that version's columns: a JSON array of {"name","hxl"} */
    const char *date_column, *area_column; /* their names in the file; area "" when none */
    const char *date_hxl, *area_hxl;       /* their HXL tags, "" when none */
    int32_t min_day, max_day; /* days since 1970-01-01 of the first and last dates */
    const char *created_by;
    int64_t created_at, updated_at; /* updated_at: when the version in force was loaded */
    bool demo; /* loaded by the demo (`serve --demo`); set when the dataset is first stored */
};

/* One version of a dataset (the listing of earlier uploads). */
struct hy_dataset_version {
    int64_t version;
    int64_t rows;
    const char *columns; /* as in struct hy_dataset */
    const char *date_column, *area_column, *date_hxl, *area_hxl;
    int32_t min_day, max_day;
    const char *created_by;
    int64_t created_at;
    bool ready; /* loaded completely (false while it loads, or after a failed load) */
};

/* One stored value: row `seq` (0-based, in file order) of a version, numeric column `col`
 * (0-based). has_value is false for an empty cell. */
struct hy_dataset_cell {
    int64_t seq;
    int32_t day;
    int col;
    const char *area;
    double value;
    bool has_value;
};

/* A daily aggregate of one column: the sum over the areas asked for, how many values were
 * summed, and the mean of the sums of the 7 days ending that day (days without values count
 * as 0, as a 7-day average of cases does). */
struct hy_dataset_day {
    int32_t day;
    int col;
    double total;
    int64_t count;
    double avg7;
};

/* A per-area aggregate of one column over a period: the total, and the latest day with a
 * value and that value. */
struct hy_dataset_area {
    const char *area;
    int col;
    double total;
    int64_t count;
    int32_t latest_day;
    double latest;
};

/* A dataset id is valid: 1 to HY_DS_ID_MAX of a-z, 0-9, '-', not starting or ending with '-'. */
bool hy_ds_id_valid(const char *id);

/* ---- reading an upload ---- */

/* What the reader is told about the file. NULL names choose the defaults: the date column is
 * the one named "date" or «تاریخ», else the first; the area column the one named "area" or
 * «منطقه» if there is one. An area_column of "" says there is none. */
struct hy_ds_read_options {
    const char *date_column;
    const char *area_column;
};

struct hy_ds_error {
    long row;          /* the row a spreadsheet shows (the header is row 1) */
    const char *column; /* the column's name, "" for the whole row */
    const char *message;
};

/* The file's layout, known after its header (and HXL row) are read. */
struct hy_ds_layout {
    size_t ncols;                        /* numeric columns */
    const char *names[HY_DS_COLUMNS_MAX]; /* their names */
    const char *hxl[HY_DS_COLUMNS_MAX];   /* their HXL tags ("" when none) */
    const char *date_column, *area_column; /* area "" when none */
    const char *date_hxl, *area_hxl;
    bool has_hxl;
};

/* One sound data row: its date, its area ("" when the dataset has none) and the value of
 * each numeric column (has[i] false for an empty cell). Valid during the callback only. */
struct hy_ds_row {
    long row;
    int32_t day;
    const char *area;
    const double *values;
    const bool *has;
};

/* Called for every sound row, in file order, until the first error (then only errors are
 * collected). A non-zero return stops the reading (hy_ds_read returns it). */
typedef int (*hy_ds_row_fn)(void *ctx, const struct hy_ds_layout *layout,
                            const struct hy_ds_row *row);

struct hy_ds_read_result {
    struct hy_ds_layout layout;
    long rows;        /* data rows read */
    int32_t min_day, max_day;
    size_t nerrors;   /* errors found in all (only the first HY_DS_ERRORS_MAX are listed) */
    struct hy_ds_error errors[HY_DS_ERRORS_MAX];
};

/* Reads a whole file (p[0..n) or f) into `res`, calling `fn` for each sound row (fn may be
 * NULL to only check). Strings in `res` live in `a`. Returns 0 when the file was read to its
 * end (res->nerrors says whether it is sound), -1 when out of memory, or fn's non-zero
 * return. A file without any data row is an error (row 2). */
int hy_ds_read_mem(const char *p, size_t n, const struct hy_ds_read_options *o, hy_arena *a,
                   hy_ds_row_fn fn, void *ctx, struct hy_ds_read_result *res);
int hy_ds_read_file(FILE *f, const struct hy_ds_read_options *o, hy_arena *a, hy_ds_row_fn fn,
                    void *ctx, struct hy_ds_read_result *res);

/* The layout's columns as the JSON array stored with a version: [{"name":…,"hxl":…},…], in
 * the arena. NULL when the arena is full. */
char *hy_ds_columns_json(const struct hy_ds_layout *layout, hy_arena *a);

#endif
