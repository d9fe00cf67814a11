/* fuzz_dataset.c — the dataset reader (domain/dataset.c) on arbitrary uploads.
 *
 * The first byte picks the options (date and area columns found by name, given, or the area
 * said to be absent); the rest is the file. Besides the sanitizers' checks:
 * - a refused file lists 1..100 errors, each on a row >= 1 with a message, and never fewer
 *   listed than counted up to 100; a file that is read without errors has at least one data
 *   row, 1..32 numeric columns, and first date <= last date;
 * - the row callback sees the sound rows in order, each present value finite, and for a sound
 *   file every row, spanning exactly its first to last date;
 * - a FILE (fmemopen) reads exactly as the buffer does;
 * - the columns' JSON is valid JSON text with one object per numeric column. */
#include <jansson.h>
#include <math.h>

#include "domain/dataset.h"
#include "fuzz.h"

struct seen {
    long rows;
    long last_row;
    int32_t min_day, max_day;
};

static int on_row(void *ctx, const struct hy_ds_layout *L, const struct hy_ds_row *row) {
    struct seen *s = ctx;
    FUZZ_CHECK(row->row > s->last_row);
    s->last_row = row->row;
    FUZZ_CHECK(row->area != NULL);
    for (size_t i = 0; i < L->ncols; i++)
        if (row->has[i]) FUZZ_CHECK(isfinite(row->values[i]));
    if (s->rows == 0 || row->day < s->min_day) s->min_day = row->day;
    if (s->rows == 0 || row->day > s->max_day) s->max_day = row->day;
    s->rows++;
    return 0;
}

static void check(const struct hy_ds_read_result *res, const struct seen *s, hy_arena *a) {
    if (res->nerrors) {
        size_t listed = res->nerrors < HY_DS_ERRORS_MAX ? res->nerrors : HY_DS_ERRORS_MAX;
        for (size_t i = 0; i < listed; i++) {
            FUZZ_CHECK(res->errors[i].row >= 1);
            FUZZ_CHECK(res->errors[i].message && res->errors[i].message[0]);
            FUZZ_CHECK(res->errors[i].column != NULL);
        }
        return;
    }
    FUZZ_CHECK(res->rows >= 1);
    FUZZ_CHECK(res->layout.ncols >= 1 && res->layout.ncols <= HY_DS_COLUMNS_MAX);
    FUZZ_CHECK(res->min_day <= res->max_day);
    FUZZ_CHECK(s->rows == res->rows);
    FUZZ_CHECK(s->min_day == res->min_day && s->max_day == res->max_day);
    char *cols = hy_ds_columns_json(&res->layout, a);
    FUZZ_CHECK(cols != NULL);
    json_t *j = json_loads(cols, 0, NULL);
    FUZZ_CHECK(j && json_array_size(j) == res->layout.ncols);
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t mode = data[0];
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    struct hy_ds_read_options o = {0};
    if (mode & 1) o.date_column = "date";
    if (mode & 2) o.area_column = (mode & 4) ? "" : "area";
    hy_arena *a = hy_arena_new(0);
    FUZZ_CHECK(a != NULL);
    struct hy_ds_read_result *res = malloc(sizeof *res), *again = malloc(sizeof *again);
    FUZZ_CHECK(res && again);
    struct seen s = {0};
    FUZZ_CHECK(hy_ds_read_mem(in, n, &o, a, on_row, &s, res) == 0);
    check(res, &s, a);
    /* The same from a FILE. */
    if (n > 0) {
        FILE *f = fmemopen((void *)in, n, "rb");
        FUZZ_CHECK(f != NULL);
        FUZZ_CHECK(hy_ds_read_file(f, &o, a, NULL, NULL, again) == 0);
        fclose(f);
        FUZZ_CHECK(again->nerrors == res->nerrors && again->rows == res->rows);
        if (!res->nerrors) FUZZ_CHECK(again->min_day == res->min_day && again->max_day == res->max_day);
    }
    free(res);
    free(again);
    hy_arena_free(a);
    return 0;
}
