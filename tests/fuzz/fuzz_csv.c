/* fuzz_csv.c — the CSV reader (util/csv.c) on arbitrary files, and the writer on what it read.
 *
 * The first byte picks the options (separator given or found, quotes on or off, the guard
 * removed or not, small or default caps); the rest is the file. Besides the sanitizers' checks:
 * - reading ends within one read per input byte (plus the end), and a failure sticks;
 * - every record has 1..fields_max fields, each valid UTF-8 without NUL and within field_max,
 *   all of them within row_max; rows and lines grow, a row never starts before its line;
 * - a FILE (fmemopen) reads exactly as the buffer does;
 * - each field written by the writer (guard, quotes) and read back (unguard) is the same
 *   field, and removing the guard from a guarded field gives the field again. */
#include "fuzz.h"
#include "util/csv.h"
#include "util/utf8.h"

#define MAX_ROWS 4096

struct rec {
    int rc;
    long row, line;
    size_t nf;
};

static void check_record(hy_csv_reader *r, const struct hy_csv_options *o,
                         struct hy_csv_writer *w) {
    size_t nf = hy_csv_nfields(r), total = 0;
    FUZZ_CHECK(nf >= 1 && nf <= o->fields_max);
    for (size_t i = 0; i < nf; i++) {
        size_t len;
        const char *f = hy_csv_field(r, i, &len);
        FUZZ_CHECK(strlen(f) == len);
        FUZZ_CHECK(len <= o->field_max);
        FUZZ_CHECK(hy_utf8_valid(f, len, HY_UTF8_ALLOW_CONTROLS));
        total += len;
        /* unguard(guard(x)) == x */
        hy_buf g = HY_BUF_INIT(0);
        FUZZ_CHECK(hy_csv_guard_append(&g, f, len) == HY_BUF_OK);
        FUZZ_CHECK(g.len >= len);
        FUZZ_CHECK((g.len > len) == hy_csv_needs_guard(f, len));
        size_t back = hy_csv_unguard(g.data, g.len);
        FUZZ_CHECK(back == len && memcmp(g.data, f, len) == 0);
        hy_buf_free(&g);
        hy_csv_text(w, f);
    }
    FUZZ_CHECK(total <= o->row_max);
    FUZZ_CHECK(hy_csv_field(r, nf, NULL)[0] == '\0');
    hy_csv_end_row(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t mode = data[0];
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    static const char seps[] = {0, ',', ';', '\t'};
    struct hy_csv_options o = {
        .sep = seps[mode & 3],
        .no_quotes = (mode & 4) != 0,
        .unguard = (mode & 8) != 0,
        .field_max = (mode & 16) ? 16 : 0,
        .row_max = (mode & 32) ? 40 : 0,
        .fields_max = (mode & 64) ? 4 : 0,
    };
    hy_csv_reader *r = hy_csv_reader_mem(in, n, &o);
    FUZZ_CHECK(r != NULL);
    /* The caps as the reader applies them. */
    struct hy_csv_options eff = o;
    if (!eff.field_max) eff.field_max = 64 * 1024;
    if (!eff.row_max) eff.row_max = 1024 * 1024;
    if (!eff.fields_max) eff.fields_max = 256;
    if (eff.field_max > eff.row_max) eff.field_max = eff.row_max;

    static struct rec recs[MAX_ROWS];
    size_t nrec = 0, reads = 0;
    long last_row = 0, last_line = 0;
    hy_buf written = HY_BUF_INIT(0);
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, &written, false);
    size_t good = 0;
    int rc;
    for (;;) {
        rc = hy_csv_read(r);
        FUZZ_CHECK(++reads <= n + 2);
        if (nrec < MAX_ROWS) {
            recs[nrec].rc = rc;
            recs[nrec].row = hy_csv_row(r);
            recs[nrec].line = hy_csv_line(r);
            recs[nrec].nf = hy_csv_nfields(r);
            nrec++;
        }
        if (rc == HY_CSV_END || rc == HY_CSV_FAIL) break;
        FUZZ_CHECK(hy_csv_row(r) > last_row && hy_csv_line(r) > last_line);
        FUZZ_CHECK(hy_csv_line(r) >= hy_csv_row(r));
        last_row = hy_csv_row(r);
        last_line = hy_csv_line(r);
        if (rc == HY_CSV_BAD_ROW) {
            long row;
            FUZZ_CHECK(hy_csv_error(r, &row, NULL, NULL) != NULL);
            FUZZ_CHECK(hy_csv_nfields(r) == 1);
            continue;
        }
        FUZZ_CHECK(rc == HY_CSV_ROW);
        FUZZ_CHECK(hy_csv_error(r, NULL, NULL, NULL) == NULL);
        check_record(r, &eff, &w);
        good++;
    }
    if (rc == HY_CSV_FAIL) {
        FUZZ_CHECK(hy_csv_error(r, NULL, NULL, NULL) != NULL);
        FUZZ_CHECK(hy_csv_read(r) == HY_CSV_FAIL);
    } else {
        FUZZ_CHECK(hy_csv_read(r) == HY_CSV_END);
    }
    char sep = hy_csv_sep(r);
    FUZZ_CHECK(sep == ',' || sep == ';' || sep == '\t');

    /* A FILE reads exactly as the buffer did. */
    FILE *f = n ? fmemopen((void *)in, n, "rb") : NULL;
    if (f) {
        hy_csv_reader *fr = hy_csv_reader_file(f, &o);
        FUZZ_CHECK(fr != NULL);
        for (size_t i = 0; i < nrec; i++) {
            int frc = hy_csv_read(fr);
            FUZZ_CHECK(frc == recs[i].rc);
            FUZZ_CHECK(hy_csv_row(fr) == recs[i].row && hy_csv_line(fr) == recs[i].line);
            FUZZ_CHECK(hy_csv_nfields(fr) == recs[i].nf);
        }
        hy_csv_reader_free(fr);
        fclose(f);
    }

    /* What the writer wrote reads back, field by field, as what was read. */
    FUZZ_CHECK(hy_csv_writer_error(&w) == 0);
    hy_csv_reader_free(r);
    r = hy_csv_reader_mem(in, n, &o);
    struct hy_csv_options back_o = {.sep = ',', .unguard = true, .field_max = 1 << 20,
                                    .row_max = 1 << 24, .fields_max = eff.fields_max};
    hy_csv_reader *b = hy_csv_reader_mem(written.data ? written.data : "", written.len, &back_o);
    FUZZ_CHECK(b != NULL);
    size_t seen = 0;
    while ((rc = hy_csv_read(r)) != HY_CSV_END && rc != HY_CSV_FAIL) {
        if (rc != HY_CSV_ROW) continue;
        int brc = hy_csv_read(b);
        FUZZ_CHECK(brc == HY_CSV_ROW);
        seen++;
        size_t nf = hy_csv_nfields(r);
        FUZZ_CHECK(hy_csv_nfields(b) == nf);
        for (size_t i = 0; i < nf; i++) {
            size_t la, lb;
            const char *fa = hy_csv_field(r, i, &la), *fb = hy_csv_field(b, i, &lb);
            FUZZ_CHECK(la == lb && memcmp(fa, fb, la) == 0);
        }
    }
    FUZZ_CHECK(seen == good);
    FUZZ_CHECK(hy_csv_read(b) == HY_CSV_END);
    hy_csv_reader_free(b);
    hy_csv_reader_free(r);
    hy_buf_free(&written);
    return 0;
}
