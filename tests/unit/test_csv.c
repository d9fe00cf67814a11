/* test_csv.c — the CSV reader and writer (src/util/csv.c).
 *
 * Reading: RFC 4180 quoting, CRLF/LF/CR, the byte-order mark, the separator found from the
 * first line, row/line/column numbers in errors, caps, strict UTF-8, tab-separated files
 * without quotes, a FILE read across chunk boundaries giving what the buffer gives. Writing:
 * quoting, the formula guard on text cells only, numbers as numbers, the byte-order mark, and
 * the round trip (what the writer writes the reader with `unguard` reads back unchanged). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"

/* ---- helpers ---- */

static hy_csv_reader *mem(const char *s, const struct hy_csv_options *o) {
    hy_csv_reader *r = hy_csv_reader_mem(s, strlen(s), o);
    assert_non_null(r);
    return r;
}

/* Reads one record and checks its fields (NULL-terminated list). */
static void expect_row(hy_csv_reader *r, const char *const *fields) {
    assert_int_equal(hy_csv_read(r), HY_CSV_ROW);
    size_t n = 0;
    while (fields[n]) n++;
    assert_int_equal(hy_csv_nfields(r), n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *f = hy_csv_field(r, i, &len);
        assert_string_equal(f, fields[i]);
        assert_int_equal(len, strlen(fields[i]));
    }
}

#define ROW(r, ...) expect_row((r), (const char *const[]){__VA_ARGS__, NULL})

/* ---- reading ---- */

static void test_basic_and_quoting(void **state) {
    (void)state;
    hy_csv_reader *r = mem("a,b,c\r\n"
                           "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
                           "ab\"c,,\"\"\n"
                           "last,row",
                           NULL);
    ROW(r, "a", "b", "c");
    assert_int_equal(hy_csv_row(r), 1);
    assert_int_equal(hy_csv_line(r), 1);
    ROW(r, "x,y", "say \"hi\"", "two\nlines");
    assert_int_equal(hy_csv_row(r), 2);
    assert_int_equal(hy_csv_line(r), 2);
    ROW(r, "ab\"c", "", ""); /* a quote inside an unquoted field is kept; "" is empty */
    assert_int_equal(hy_csv_line(r), 4); /* the quoted line break counted */
    ROW(r, "last", "row");               /* no line break at the end */
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    assert_null(hy_csv_error(r, NULL, NULL, NULL));
    assert_int_equal(hy_csv_sep(r), ',');
    assert_false(hy_csv_had_bom(r));
    hy_csv_reader_free(r);
}

static void test_line_ends_and_blank_lines(void **state) {
    (void)state;
    /* LF, CRLF and a lone CR end records; blank lines are skipped but counted. */
    hy_csv_reader *r = mem("h1,h2\n\r\n1,2\r3,4\r\n\n\n5,\"a\r\nb\"\r\n6,7", NULL);
    ROW(r, "h1", "h2");
    ROW(r, "1", "2");
    assert_int_equal(hy_csv_row(r), 3);
    assert_int_equal(hy_csv_line(r), 3);
    ROW(r, "3", "4");
    assert_int_equal(hy_csv_row(r), 4);
    ROW(r, "5", "a\r\nb"); /* CRLF inside quotes is data, and one line break */
    assert_int_equal(hy_csv_row(r), 7);
    assert_int_equal(hy_csv_line(r), 7);
    ROW(r, "6", "7");
    assert_int_equal(hy_csv_line(r), 9);
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    hy_csv_reader_free(r);

    r = mem(",\n,,", NULL); /* separators alone: empty fields */
    ROW(r, "", "");
    ROW(r, "", "", "");
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    hy_csv_reader_free(r);

    r = mem("", NULL);
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    assert_int_equal(hy_csv_nfields(r), 1);
    assert_string_equal(hy_csv_field(r, 0, NULL), "");
    assert_string_equal(hy_csv_field(r, 5, NULL), "");
    hy_csv_reader_free(r);
}

static void test_bom_and_utf16(void **state) {
    (void)state;
    hy_csv_reader *r = mem("\xEF\xBB\xBFname,lat\n\xD8\xAA\xD9\x87\xD8\xB1\xD8\xA7\xD9\x86,35.7\n", NULL);
    ROW(r, "name", "lat");
    assert_true(hy_csv_had_bom(r));
    ROW(r, "\xD8\xAA\xD9\x87\xD8\xB1\xD8\xA7\xD9\x86", "35.7");
    hy_csv_reader_free(r);

    r = mem("\xEF\xBB\xBF", NULL); /* only the mark */
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    hy_csv_reader_free(r);

    static const char utf16[] = "\xFF\xFEn\0a\0";
    r = hy_csv_reader_mem(utf16, sizeof utf16 - 1, NULL);
    assert_int_equal(hy_csv_read(r), HY_CSV_FAIL);
    assert_non_null(strstr(hy_csv_error(r, NULL, NULL, NULL), "UTF-16"));
    assert_int_equal(hy_csv_read(r), HY_CSV_FAIL);
    hy_csv_reader_free(r);
}

static void test_separator_detection(void **state) {
    (void)state;
    hy_csv_reader *r = mem("name;lat;lon\n\"a;b, c\";1,5;2\n", NULL);
    ROW(r, "name", "lat", "lon");
    assert_int_equal(hy_csv_sep(r), ';');
    ROW(r, "a;b, c", "1,5", "2");
    hy_csv_reader_free(r);
    /* More commas than semicolons; those inside quotes do not count. */
    r = mem("\"a;b;c;d\",x,y\n", NULL);
    ROW(r, "a;b;c;d", "x", "y");
    assert_int_equal(hy_csv_sep(r), ',');
    hy_csv_reader_free(r);
    r = mem("single\nline\n", NULL); /* a tie: comma */
    ROW(r, "single");
    assert_int_equal(hy_csv_sep(r), ',');
    hy_csv_reader_free(r);
    /* A separator given is used as it is. */
    struct hy_csv_options o = {.sep = ';'};
    r = mem("a,b;c\n", &o);
    ROW(r, "a,b", "c");
    hy_csv_reader_free(r);
}

static void test_tab_separated_without_quotes(void **state) {
    (void)state;
    struct hy_csv_options o = {.sep = '\t', .no_quotes = true};
    hy_csv_reader *r = mem("1\t\"Quoted\" name\tx,y\n2\t\t\"\n", &o);
    ROW(r, "1", "\"Quoted\" name", "x,y");
    ROW(r, "2", "", "\"");
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    hy_csv_reader_free(r);
}

static void test_fatal_errors(void **state) {
    (void)state;
    long row, line;
    size_t col;
    hy_csv_reader *r = mem("a,b\n1,\"open\nstill open\n", NULL);
    ROW(r, "a", "b");
    assert_int_equal(hy_csv_read(r), HY_CSV_FAIL);
    assert_string_equal(hy_csv_error(r, &row, &line, &col), "a quoted field is not closed");
    assert_int_equal(row, 2);
    assert_int_equal(line, 2); /* where the quote opened */
    assert_int_equal(col, 2);
    assert_int_equal(hy_csv_read(r), HY_CSV_FAIL); /* and stays failed */
    hy_csv_reader_free(r);

    r = mem("a,b\n\n1,\"x\"y\n2,3\n", NULL);
    ROW(r, "a", "b");
    assert_int_equal(hy_csv_read(r), HY_CSV_FAIL);
    assert_string_equal(hy_csv_error(r, &row, &line, &col), "text after a closing quote");
    assert_int_equal(row, 3);
    assert_int_equal(line, 3);
    assert_int_equal(col, 2);
    hy_csv_reader_free(r);
}

static void test_bad_rows_are_skipped(void **state) {
    (void)state;
    long row, line;
    size_t col;
    struct hy_csv_options o = {.field_max = 4, .row_max = 10, .fields_max = 3};
    /* ok; the caps exactly; field 2 too long; a quoted field 5 bytes after unquoting; 11
     * bytes in all; four fields; bad UTF-8; a NUL; ok again. */
    static const char in[] = "ok,1\nabcd,efgh\nx,abcde\n\"abc\"\"de\",y\nabcd,efg,hijk\na,b,c,d\n"
                             "\xC3\x28,x\na,b\0c\nfine,2\n";
    hy_csv_reader *r = hy_csv_reader_mem(in, sizeof in - 1, &o);
    ROW(r, "ok", "1");
    ROW(r, "abcd", "efgh");
    assert_int_equal(hy_csv_read(r), HY_CSV_BAD_ROW);
    assert_string_equal(hy_csv_error(r, &row, &line, &col), "a field is too long");
    assert_int_equal(row, 3);
    assert_int_equal(col, 2);
    assert_int_equal(hy_csv_nfields(r), 1); /* nothing of a bad row is handed out */
    assert_string_equal(hy_csv_field(r, 0, NULL), "");
    assert_int_equal(hy_csv_read(r), HY_CSV_BAD_ROW);
    assert_string_equal(hy_csv_error(r, &row, NULL, &col), "a field is too long");
    assert_int_equal(row, 4);
    assert_int_equal(col, 1);
    assert_int_equal(hy_csv_read(r), HY_CSV_BAD_ROW);
    assert_string_equal(hy_csv_error(r, &row, NULL, &col), "a row is too long");
    assert_int_equal(row, 5);
    assert_int_equal(col, 0);
    assert_int_equal(hy_csv_read(r), HY_CSV_BAD_ROW);
    assert_string_equal(hy_csv_error(r, &row, NULL, &col), "a row has too many fields");
    assert_int_equal(row, 6);
    assert_int_equal(col, 4);
    assert_int_equal(hy_csv_read(r), HY_CSV_BAD_ROW);
    assert_string_equal(hy_csv_error(r, &row, &line, &col), "is not valid UTF-8");
    assert_int_equal(row, 7);
    assert_int_equal(line, 7);
    assert_int_equal(col, 1);
    assert_int_equal(hy_csv_read(r), HY_CSV_BAD_ROW);
    assert_string_equal(hy_csv_error(r, &row, NULL, &col), "is not valid UTF-8");
    assert_int_equal(row, 8);
    assert_int_equal(col, 2);
    ROW(r, "fine", "2"); /* reading goes on */
    assert_null(hy_csv_error(r, NULL, NULL, NULL));
    assert_int_equal(hy_csv_row(r), 9);
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    hy_csv_reader_free(r);
}

/* A FILE is read in 64 KiB chunks: records, quotes, "" and CRLF that straddle a chunk's edge
 * read as from a buffer. */
static void test_file_matches_buffer(void **state) {
    (void)state;
    hy_buf in = HY_BUF_INIT(0);
    assert_int_equal(hy_buf_puts(&in, "\xEF\xBB\xBFid;text;n\r\n"), 0);
    unsigned seed = 7;
    for (int i = 0; in.len < 400000; i++) {
        seed = seed * 1103515245u + 12345u;
        int kind = (int)((seed >> 16) % 4);
        if (kind == 0) assert_int_equal(hy_buf_printf(&in, "%d;plain %d;%u\r\n", i, i, seed % 1000), 0);
        else if (kind == 1)
            assert_int_equal(hy_buf_printf(&in, "%d;\"q \"\"%d\"\";\r\nx\";%d\n", i, i, i), 0);
        else if (kind == 2) assert_int_equal(hy_buf_printf(&in, "%d;'=%d;-%d\r", i, i, i), 0);
        else assert_int_equal(hy_buf_printf(&in, "\n%d;\xD9\x81\xD8\xA7;%d\n", i, i), 0);
    }
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(in.data, 1, in.len, f), in.len);
    rewind(f);
    struct hy_csv_options o = {.unguard = true};
    hy_csv_reader *a = hy_csv_reader_mem(in.data, in.len, &o), *b = hy_csv_reader_file(f, &o);
    assert_non_null(a);
    assert_non_null(b);
    long rows = 0;
    for (;;) {
        int ra = hy_csv_read(a), rb = hy_csv_read(b);
        assert_int_equal(ra, rb);
        if (ra != HY_CSV_ROW) break;
        rows++;
        assert_int_equal(hy_csv_row(a), hy_csv_row(b));
        assert_int_equal(hy_csv_line(a), hy_csv_line(b));
        assert_int_equal(hy_csv_nfields(a), 3);
        assert_int_equal(hy_csv_nfields(b), 3);
        for (size_t i = 0; i < 3; i++) {
            size_t la, lb;
            const char *fa = hy_csv_field(a, i, &la), *fb = hy_csv_field(b, i, &lb);
            assert_int_equal(la, lb);
            assert_memory_equal(fa, fb, la);
        }
        const char *text = hy_csv_field(a, 1, NULL);
        if (text[0] == '=') { /* "'=N;-N": the guard removed, the number left alone */
            char want[32];
            snprintf(want, sizeof want, "-%s", text + 1);
            assert_string_equal(hy_csv_field(a, 2, NULL), want);
        }
    }
    assert_int_equal(hy_csv_read(b), HY_CSV_END);
    assert_true(rows > 10000);
    assert_int_equal(hy_csv_sep(b), ';');
    assert_true(hy_csv_had_bom(b));
    hy_csv_reader_free(a);
    hy_csv_reader_free(b);
    fclose(f);
    hy_buf_free(&in);
}

/* A file shorter than the byte-order mark, and one whose first line is longer than a chunk. */
static void test_file_edges(void **state) {
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    fputs("a", f);
    rewind(f);
    hy_csv_reader *r = hy_csv_reader_file(f, NULL);
    ROW(r, "a");
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    hy_csv_reader_free(r);
    fclose(f);

    f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < 30000; i++) fputs("col;", f); /* 120,000 bytes: two chunks */
    fputs("end\n1;2\n", f);
    rewind(f);
    struct hy_csv_options o = {.fields_max = 40000, .row_max = 1 << 20};
    r = hy_csv_reader_file(f, &o);
    assert_int_equal(hy_csv_read(r), HY_CSV_ROW);
    assert_int_equal(hy_csv_sep(r), ';');
    assert_int_equal(hy_csv_nfields(r), 30001);
    assert_string_equal(hy_csv_field(r, 30000, NULL), "end");
    ROW(r, "1", "2");
    hy_csv_reader_free(r);
    fclose(f);
}

/* ---- the guard ---- */

static void test_guard_rules(void **state) {
    (void)state;
    hy_arena *a = hy_arena_new(0);
    static const char *const cases[][2] = {
        {"=SUM(A1)", "'=SUM(A1)"},
        {"+98 21 1234", "'+98 21 1234"},
        {"-0.25", "'-0.25"},
        {"@handle", "'@handle"},
        {"\tTabbed", "'\tTabbed"},
        {"\rCR", "'\rCR"},
        {"plain", "plain"},
        {"", ""},
        {"'quoted'", "'quoted'"},          /* an apostrophe alone is data */
        {"'=x", "''=x"},                   /* kept exact: one more apostrophe */
        {"''-x", "'''-x"},
        {"food;=cmd;-x", "food;'=cmd;'-x"}, /* each piece after ';' */
        {"a; =b", "a; =b"},
        {"a;", "a;"},
        {";@", ";'@"},
        {"x=1+2", "x=1+2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *g = hy_csv_cell_guard(a, cases[i][0]);
        assert_non_null(g);
        assert_string_equal(g, cases[i][1]);
        assert_int_equal(hy_csv_needs_guard(cases[i][0], strlen(cases[i][0])),
                         strcmp(cases[i][0], cases[i][1]) != 0);
        char back[64];
        snprintf(back, sizeof back, "%s", g);
        size_t n = hy_csv_unguard(back, strlen(back));
        assert_string_equal(back, cases[i][0]);
        assert_int_equal(n, strlen(cases[i][0]));
    }
    assert_null(hy_csv_cell_guard(a, NULL));
    hy_arena_free(a);
}

/* ---- writing ---- */

static void test_writer_cells(void **state) {
    (void)state;
    hy_buf out = HY_BUF_INIT(0);
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, &out, false);
    static const char *const head[] = {"id", "name", "lat", "lon", "count", "amount", NULL};
    assert_int_equal(hy_csv_header(&w, head), 0);
    hy_csv_text(&w, "g1");
    hy_csv_text(&w, "Shopping, \"friendly\" calls");
    hy_csv_real(&w, 51.539);
    hy_csv_real(&w, -0.1426);
    hy_csv_int(&w, -3);
    hy_csv_fixed(&w, 12.5, 2);
    hy_csv_end_row(&w);
    hy_csv_text(&w, NULL);
    hy_csv_text(&w, "=cmd");
    hy_csv_real(&w, NAN);
    hy_csv_real(&w, 0.1 + 0.2);
    hy_csv_empty(&w);
    hy_csv_text(&w, " padded");
    hy_csv_end_row(&w);
    hy_csv_text(&w, "+98 912 000 0000");
    hy_csv_text(&w, "line\nbreak");
    hy_csv_text(&w, "\t=tab");
    hy_csv_end_row(&w);
    hy_csv_text(&w, ""); /* one empty cell: "" rather than a blank line, which readers skip */
    hy_csv_end_row(&w);
    hy_csv_text(&w, "\xEF\xBB\xBFmark"); /* quoted: at a file's start it would be taken for one */
    hy_csv_end_row(&w);
    assert_int_equal(hy_csv_writer_error(&w), 0);
    assert_string_equal(out.data, "id,name,lat,lon,count,amount\r\n"
                                  "g1,\"Shopping, \"\"friendly\"\" calls\",51.539,-0.1426,-3,12.50\r\n"
                                  ",'=cmd,,0.30000000000000004,,\" padded\"\r\n"
                                  "'+98 912 000 0000,\"line\nbreak\",\"'\t=tab\"\r\n"
                                  "\"\"\r\n"
                                  "\"\xEF\xBB\xBFmark\"\r\n");
    hy_buf_free(&out);

    /* The byte-order mark; a cap that is hit sticks. */
    hy_buf small = HY_BUF_INIT(12);
    hy_csv_writer_buf(&w, &small, true);
    assert_int_equal(hy_csv_text(&w, "abc"), 0);
    assert_int_equal(hy_csv_text(&w, "defghijk"), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_csv_text(&w, "x"), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_csv_end_row(&w), HY_BUF_TOO_LARGE);
    assert_int_equal(hy_csv_writer_error(&w), HY_BUF_TOO_LARGE);
    assert_memory_equal(small.data, "\xEF\xBB\xBF" "abc", 6);
    hy_buf_free(&small);
}

static void test_writer_file(void **state) {
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    struct hy_csv_writer w;
    hy_csv_writer_file(&w, f, true);
    hy_csv_text(&w, "\xD8\xAA\xD9\x87\xD8\xB1\xD8\xA7\xD9\x86");
    hy_csv_text(&w, "a;-b");
    hy_csv_real(&w, -179.9);
    hy_csv_end_row(&w);
    assert_int_equal(hy_csv_writer_error(&w), 0);
    assert_int_equal(fflush(f), 0);
    rewind(f);
    char text[128];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    assert_string_equal(text, "\xEF\xBB\xBF\xD8\xAA\xD9\x87\xD8\xB1\xD8\xA7\xD9\x86,a;'-b,-179.9\r\n");
    rewind(f);
    struct hy_csv_options o = {.unguard = true};
    hy_csv_reader *r = hy_csv_reader_file(f, &o);
    ROW(r, "\xD8\xAA\xD9\x87\xD8\xB1\xD8\xA7\xD9\x86", "a;-b", "-179.9");
    assert_true(hy_csv_had_bom(r));
    hy_csv_reader_free(r);
    fclose(f);
}

/* Whatever text the writer writes, the reader (with unguard) reads back unchanged: random
 * cells over an alphabet of every character that matters. */
static void test_round_trip(void **state) {
    (void)state;
    static const char *const alphabet[] = {"a", ",", "\"", ";", "'", "=", "+", "-", "@", "\t",
                                           "\r", "\n", " ", "\xD9\x81", "0", "."};
    const size_t na = sizeof alphabet / sizeof alphabet[0];
    unsigned seed = 12345;
    hy_buf out = HY_BUF_INIT(0);
    enum { ROWS = 3000, COLS = 5 };
    static char cells[ROWS][COLS][24];
    double nums[ROWS];
    struct hy_csv_writer w;
    hy_csv_writer_buf(&w, &out, true);
    for (int i = 0; i < ROWS; i++) {
        for (int c = 0; c < COLS; c++) {
            seed = seed * 1103515245u + 12345u;
            size_t len = (seed >> 16) % 8, at = 0;
            for (size_t k = 0; k < len; k++) {
                seed = seed * 1103515245u + 12345u;
                const char *piece = alphabet[(seed >> 16) % na];
                memcpy(cells[i][c] + at, piece, strlen(piece));
                at += strlen(piece);
            }
            cells[i][c][at] = '\0';
            hy_csv_text(&w, cells[i][c]);
        }
        seed = seed * 1103515245u + 12345u;
        nums[i] = ((double)(seed >> 8) / 1e5 - 80.0) * (i % 2 ? 1 : -1);
        hy_csv_real(&w, nums[i]);
        hy_csv_end_row(&w);
    }
    assert_int_equal(hy_csv_writer_error(&w), 0);
    struct hy_csv_options o = {.sep = ',', .unguard = true};
    hy_csv_reader *r = hy_csv_reader_mem(out.data, out.len, &o);
    for (int i = 0; i < ROWS; i++) {
        int rc = hy_csv_read(r);
        /* A row of empty cells written as ",,,,," still reads as its fields. */
        assert_int_equal(rc, HY_CSV_ROW);
        assert_int_equal(hy_csv_nfields(r), COLS + 1);
        for (int c = 0; c < COLS; c++) assert_string_equal(hy_csv_field(r, (size_t)c, NULL), cells[i][c]);
        const char *num = hy_csv_field(r, COLS, NULL);
        assert_true(num[0] != '\'');
        assert_true(strtod(num, NULL) == nums[i]);
    }
    assert_int_equal(hy_csv_read(r), HY_CSV_END);
    hy_csv_reader_free(r);
    hy_buf_free(&out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_and_quoting),
        cmocka_unit_test(test_line_ends_and_blank_lines),
        cmocka_unit_test(test_bom_and_utf16),
        cmocka_unit_test(test_separator_detection),
        cmocka_unit_test(test_tab_separated_without_quotes),
        cmocka_unit_test(test_fatal_errors),
        cmocka_unit_test(test_bad_rows_are_skipped),
        cmocka_unit_test(test_file_matches_buffer),
        cmocka_unit_test(test_file_edges),
        cmocka_unit_test(test_guard_rules),
        cmocka_unit_test(test_writer_cells),
        cmocka_unit_test(test_writer_file),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
