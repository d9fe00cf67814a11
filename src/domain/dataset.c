/* dataset.c — reading an uploaded time series row by row (domain/dataset.h). */
#include "domain/dataset.h"

#include <string.h>

#include "domain/forecast.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/jsonw.h"
#include "util/numtext.h"
#include "util/utf8.h"

bool hy_ds_id_valid(const char *id) {
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > HY_DS_ID_MAX || id[0] == '-' || id[n - 1] == '-') return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

/* ---- cells ---- */

/* Trims ASCII white space at both ends in place; returns the new start and sets *n. */
static char *trim(char *s, size_t *n) {
    while (*n && (*s == ' ' || *s == '\t')) s++, (*n)--;
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t')) (*n)--;
    s[*n] = '\0';
    return s;
}

/* A date written YYYY-MM-DD or YYYY/MM/DD with ASCII, Persian or Arabic-Indic digits. */
static bool parse_day(const char *s, size_t n, int32_t *ret) {
    char ascii[11];
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (k == sizeof ascii - 1) return false;
        if (c >= '0' && c <= '9') {
            ascii[k++] = (char)c, i++;
        } else if (c == '-' || c == '/') {
            ascii[k++] = '-', i++;
        } else if (i + 1 < n && (c == 0xDB || c == 0xD9)) {
            unsigned char d = (unsigned char)s[i + 1];
            /* U+06F0-06F9 is DB B0-B9; U+0660-0669 is D9 A0-A9 */
            if (c == 0xDB && d >= 0xB0 && d <= 0xB9) ascii[k++] = (char)('0' + d - 0xB0);
            else if (c == 0xD9 && d >= 0xA0 && d <= 0xA9) ascii[k++] = (char)('0' + d - 0xA0);
            else return false;
            i += 2;
        } else {
            return false;
        }
    }
    ascii[k] = '\0';
    return k == 10 && hy_fc_date_parse(ascii, ret);
}

static bool same_name(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* ---- the reader ---- */

struct reader {
    hy_csv_reader *csv;
    hy_arena *a;
    hy_ds_row_fn fn;
    void *ctx;
    struct hy_ds_read_result *res;
    size_t nfields;       /* fields of the header */
    size_t date_i, area_i; /* their positions; area_i == SIZE_MAX when none */
    size_t num_i[HY_DS_COLUMNS_MAX];
    double values[HY_DS_COLUMNS_MAX];
    bool has[HY_DS_COLUMNS_MAX];
};

static void add_error(struct reader *r, long row, const char *column, const char *message) {
    struct hy_ds_read_result *res = r->res;
    if (res->nerrors < HY_DS_ERRORS_MAX) {
        struct hy_ds_error *e = &res->errors[res->nerrors];
        e->row = row;
        e->column = column ? column : "";
        e->message = message;
    }
    res->nerrors++;
}

/* The header: column names, which is the date and which the area. Returns 0, or -1 when out
 * of memory; problems are errors of row 1. */
static int read_header(struct reader *r, const struct hy_ds_read_options *o) {
    struct hy_ds_layout *L = &r->res->layout;
    size_t n = hy_csv_nfields(r->csv);
    long row = hy_csv_row(r->csv);
    const char *names[HY_DS_COLUMNS_MAX + 2] = {0};
    if (n > HY_DS_COLUMNS_MAX + 2) {
        add_error(r, row, "", "The file has too many columns (at most 32 numeric ones).");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *f = hy_csv_field(r->csv, i, &len);
        f = trim(f, &len);
        names[i] = hy_arena_strndup(r->a, f, len);
        if (!names[i]) return -1;
        if (len == 0) add_error(r, row, "", "A column has no name.");
        else if (len > HY_DS_NAME_MAX) add_error(r, row, names[i], "The column's name is too long.");
        for (size_t j = 0; j < i; j++)
            if (len && strcmp(names[j], names[i]) == 0)
                add_error(r, row, names[i], "Two columns have this name.");
    }
    r->nfields = n;
    /* the date column */
    r->date_i = SIZE_MAX;
    const char *want_date = o && o->date_column && *o->date_column ? o->date_column : NULL;
    for (size_t i = 0; i < n; i++)
        if (want_date ? same_name(names[i], want_date)
                      : (same_name(names[i], "date") || same_name(names[i], "تاریخ")))
            r->date_i = i;
    if (r->date_i == SIZE_MAX) {
        if (want_date) {
            add_error(r, row, want_date, "There is no column of this name for the date.");
            return 0;
        }
        r->date_i = 0;
    }
    /* the area column */
    r->area_i = SIZE_MAX;
    const char *want_area = o ? o->area_column : NULL;
    if (!want_area || *want_area) {
        for (size_t i = 0; i < n; i++)
            if (i != r->date_i && (want_area ? same_name(names[i], want_area)
                                             : (same_name(names[i], "area") ||
                                                same_name(names[i], "منطقه"))))
                r->area_i = i;
        if (want_area && r->area_i == SIZE_MAX) {
            add_error(r, row, want_area, "There is no column of this name for the area.");
            return 0;
        }
    }
    L->date_column = names[r->date_i];
    L->area_column = r->area_i == SIZE_MAX ? "" : names[r->area_i];
    L->date_hxl = L->area_hxl = "";
    L->ncols = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == r->date_i || i == r->area_i) continue;
        if (L->ncols == HY_DS_COLUMNS_MAX) {
            add_error(r, row, names[i], "At most 32 numeric columns are taken.");
            return 0;
        }
        r->num_i[L->ncols] = i;
        L->hxl[L->ncols] = "";
        L->names[L->ncols++] = names[i];
    }
    if (L->ncols == 0) add_error(r, row, "", "The file has no numeric column beside the date.");
    return 0;
}

/* An HXL hashtag row: every non-empty cell starts with '#', and at least one is not empty. */
static bool hxl_row(const hy_csv_reader *csv) {
    bool any = false;
    for (size_t i = 0; i < hy_csv_nfields(csv); i++) {
        size_t len;
        const char *f = hy_csv_field(csv, i, &len);
        while (len && *f == ' ') f++, len--;
        if (!len) continue;
        if (*f != '#') return false;
        any = true;
    }
    return any;
}

static int read_hxl(struct reader *r) {
    struct hy_ds_layout *L = &r->res->layout;
    long row = hy_csv_row(r->csv);
    L->has_hxl = true;
    for (size_t i = 0; i < r->nfields; i++) {
        size_t len;
        char *f = hy_csv_field(r->csv, i, &len);
        f = trim(f, &len);
        if (len > HY_DS_NAME_MAX) {
            add_error(r, row, "", "An HXL tag is too long.");
            continue;
        }
        for (size_t k = 0; k < len; k++) {
            char c = f[k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '#' || c == '+' || c == '_')) {
                add_error(r, row, "", "An HXL tag has a character other than letters, digits, _ and +.");
                break;
            }
        }
        const char *tag = hy_arena_strndup(r->a, f, len);
        if (!tag) return -1;
        if (i == r->date_i) L->date_hxl = tag;
        else if (i == r->area_i) L->area_hxl = tag;
        else
            for (size_t c = 0; c < L->ncols; c++)
                if (r->num_i[c] == i) L->hxl[c] = tag;
    }
    return 0;
}

/* One data row. Returns fn's answer (0 to go on). */
static int read_row(struct reader *r) {
    struct hy_ds_layout *L = &r->res->layout;
    struct hy_ds_read_result *res = r->res;
    long row = hy_csv_row(r->csv);
    size_t before = res->nerrors;
    if (hy_csv_nfields(r->csv) != r->nfields) {
        add_error(r, row, "", r->nfields > hy_csv_nfields(r->csv)
                                  ? "The row has fewer fields than the header."
                                  : "The row has more fields than the header.");
        return 0;
    }
    if (res->rows >= HY_DS_ROWS_MAX) {
        add_error(r, row, "", "The file has more data rows than a dataset takes (5,000,000).");
        return 0;
    }
    size_t len;
    char *f = hy_csv_field(r->csv, r->date_i, &len);
    f = trim(f, &len);
    int32_t day = 0;
    if (len == 0) add_error(r, row, L->date_column, "The date is missing.");
    else if (!parse_day(f, len, &day))
        add_error(r, row, L->date_column, "The date is not a date written YYYY-MM-DD.");
    const char *area = "";
    if (r->area_i != SIZE_MAX) {
        char *af = hy_csv_field(r->csv, r->area_i, &len);
        af = trim(af, &len);
        if (len == 0) add_error(r, row, L->area_column, "The area is missing.");
        else if (len > HY_DS_AREA_MAX) add_error(r, row, L->area_column, "The area's name is too long.");
        area = af;
    }
    for (size_t c = 0; c < L->ncols; c++) {
        char *vf = hy_csv_field(r->csv, r->num_i[c], &len);
        vf = trim(vf, &len);
        r->has[c] = len > 0;
        r->values[c] = 0;
        if (len && !hy_number_parse(vf, len, true, &r->values[c]))
            add_error(r, row, L->names[c], "The value is not a number.");
    }
    if (res->nerrors != before) return 0;
    res->rows++;
    if (res->rows == 1 || day < res->min_day) res->min_day = day;
    if (res->rows == 1 || day > res->max_day) res->max_day = day;
    if (!r->fn || res->nerrors) return 0;
    struct hy_ds_row out = {.row = row, .day = day, .area = area, .values = r->values, .has = r->has};
    return r->fn(r->ctx, L, &out);
}

static int read_all(hy_csv_reader *csv, const struct hy_ds_read_options *o, hy_arena *a,
                    hy_ds_row_fn fn, void *ctx, struct hy_ds_read_result *res) {
    memset(res, 0, sizeof *res);
    if (!csv) return -1;
    struct reader r = {.csv = csv, .a = a, .fn = fn, .ctx = ctx, .res = res};
    int state = 0; /* 0 header, 1 maybe the HXL row, 2 data */
    bool header_bad = false;
    for (;;) {
        int k = hy_csv_read(csv);
        if (k == HY_CSV_END) break;
        if (k == HY_CSV_BAD_ROW || k == HY_CSV_FAIL) {
            long row;
            const char *why = hy_csv_error(csv, &row, NULL, NULL);
            add_error(&r, row, "", why ? why : "The row cannot be read.");
            if (state == 0) header_bad = true;
            if (k == HY_CSV_FAIL || header_bad) break;
            state = 2;
            continue;
        }
        int rc = 0;
        if (state == 0) {
            rc = read_header(&r, o);
            if (res->nerrors) {
                header_bad = true;
                break;
            }
            state = 1;
        } else if (state == 1 && hxl_row(csv)) {
            rc = read_hxl(&r);
            state = 2;
        } else {
            state = 2;
            rc = read_row(&r);
        }
        if (rc) {
            hy_csv_reader_free(csv);
            return rc;
        }
    }
    hy_csv_reader_free(csv);
    if (!header_bad && res->layout.ncols == 0 && res->nerrors == 0)
        add_error(&r, 1, "", "The file is empty.");
    else if (!header_bad && res->rows == 0 && res->nerrors == 0)
        add_error(&r, 2, "", "The file has no data rows.");
    return 0;
}

static const struct hy_csv_options csv_options = {.sep = 0, .fields_max = 256};

int hy_ds_read_mem(const char *p, size_t n, const struct hy_ds_read_options *o, hy_arena *a,
                   hy_ds_row_fn fn, void *ctx, struct hy_ds_read_result *res) {
    return read_all(hy_csv_reader_mem(p, n, &csv_options), o, a, fn, ctx, res);
}

int hy_ds_read_file(FILE *f, const struct hy_ds_read_options *o, hy_arena *a, hy_ds_row_fn fn,
                    void *ctx, struct hy_ds_read_result *res) {
    return read_all(hy_csv_reader_file(f, &csv_options), o, a, fn, ctx, res);
}

char *hy_ds_columns_json(const struct hy_ds_layout *L, hy_arena *a) {
    hy_buf b = HY_BUF_INIT(64 * 1024);
    hy_buf_putc(&b, '[');
    for (size_t i = 0; i < L->ncols; i++) {
        if (i) hy_buf_putc(&b, ',');
        hy_buf_puts(&b, "{\"name\":");
        hy_jw_string(&b, L->names[i]);
        hy_buf_puts(&b, ",\"hxl\":");
        hy_jw_string(&b, L->hxl[i] ? L->hxl[i] : "");
        hy_buf_putc(&b, '}');
    }
    hy_buf_putc(&b, ']');
    char *out = hy_buf_error(&b) ? NULL : hy_arena_strndup(a, b.data, b.len);
    hy_buf_free(&b);
    return out;
}
