/* csv.h — CSV read and written one way everywhere: every importer reads with the reader, every
 * CSV export writes with the writer.
 *
 * The reader streams (from a FILE or a buffer, a record at a time, so a file of any size needs
 * only one record's memory) and takes RFC 4180: fields quoted with '"' and '""' for a quote
 * inside, records ended by CRLF, LF or a lone CR, an optional UTF-8 byte-order mark, a comma or
 * a semicolon as separator (or found from the first line), and tab-separated files without
 * quoting (GeoNames). It is strict where it matters: every field must be valid UTF-8 without
 * NUL, and fields, records and the number of fields are capped. Blank lines are skipped but
 * counted, so row numbers are those a spreadsheet shows (the header is row 1).
 *
 * The writer writes RFC 4180 with CRLF, optionally after a UTF-8 byte-order mark (so that
 * spreadsheets show Persian text), and applies the formula guard to text cells and to text
 * cells only: numbers are written as plain numbers.
 *
 * The formula guard: a spreadsheet runs a cell that starts with = + - @, a tab or a carriage
 * return as a formula. The writer puts an apostrophe before such a cell, and also before such
 * a piece after each ';' (a spreadsheet that splits on ';' sees every piece as a cell, and
 * lists such as tags are joined with ';'). To keep the data exact, a cell or piece that
 * already is apostrophes followed by one of those characters gets one more. The reader with
 * `unguard` removes exactly one apostrophe from each such cell or piece again, so whatever the
 * writer writes reads back unchanged. */
#ifndef HY_CSV_H
#define HY_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/arena.h"
#include "util/buf.h"

/* ---- the formula guard ---- */

/* True when s[0..n) needs the guard somewhere (see above). */
bool hy_csv_needs_guard(const char *s, size_t n);
/* Appends s[0..n) to out with the guard applied. Returns hy_buf's status. */
int hy_csv_guard_append(hy_buf *out, const char *s, size_t n);
/* The guarded copy of s in the arena, or s itself when it needs no guard; NULL when s is NULL
 * or the arena is full. */
const char *hy_csv_cell_guard(hy_arena *a, const char *s);
/* Removes the guard from s[0..n) in place (NUL-terminating it) and returns the new length. */
size_t hy_csv_unguard(char *s, size_t n);

/* ---- reading ---- */

/* What hy_csv_read() returns. */
enum {
    HY_CSV_ROW = 1,      /* a record was read */
    HY_CSV_END = 0,      /* no more records */
    HY_CSV_BAD_ROW = -1, /* this record cannot be used (hy_csv_error() says why and where); the
                          * next call reads on with the next record */
    HY_CSV_FAIL = -2,    /* the rest cannot be read (a quote not closed, text after a closing
                          * quote, a read error, out of memory); every later call fails too */
};

struct hy_csv_options {
    char sep;          /* ',', ';' or '\t'; 0: ',' or ';', whichever the first line (outside
                        * quotes) holds more of, ',' on a tie */
    bool no_quotes;    /* '"' is an ordinary character (tab-separated files as GeoNames writes
                        * them) */
    bool unguard;      /* remove the formula guard from every field (hy_csv_unguard) */
    size_t field_max;  /* bytes in one field; 0 = 64 KiB */
    size_t row_max;    /* bytes in one record's fields together; 0 = 1 MiB */
    size_t fields_max; /* fields in one record; 0 = 256 */
};

typedef struct hy_csv_reader hy_csv_reader;

/* A reader of f from its current position (the caller keeps f open while reading and closes
 * it afterwards), or of p[0..n) (which must stay valid while reading). `o` may be NULL for the
 * defaults. NULL when out of memory. */
hy_csv_reader *hy_csv_reader_file(FILE *f, const struct hy_csv_options *o);
hy_csv_reader *hy_csv_reader_mem(const char *p, size_t n, const struct hy_csv_options *o);
/* Frees the reader (not the FILE). Accepts NULL; returns NULL. */
hy_csv_reader *hy_csv_reader_free(hy_csv_reader *r);

/* Reads the next record: HY_CSV_ROW, HY_CSV_END, HY_CSV_BAD_ROW or HY_CSV_FAIL (above). */
int hy_csv_read(hy_csv_reader *r);

/* The record just read: its number of fields (at least 1), and field i (0-based),
 * NUL-terminated, with its length in *ret_len (may be NULL); "" for i past the last field. The
 * text stays valid until the next read and may be changed in place (e.g. trimmed). */
size_t hy_csv_nfields(const hy_csv_reader *r);
char *hy_csv_field(const hy_csv_reader *r, size_t i, size_t *ret_len);
/* Its row (1 = the first line's record, blank lines counted) and the line it starts on. */
long hy_csv_row(const hy_csv_reader *r);
long hy_csv_line(const hy_csv_reader *r);

/* The separator in use (after detection) and whether the input began with a byte-order mark
 * (both known after the first read). */
char hy_csv_sep(const hy_csv_reader *r);
bool hy_csv_had_bom(const hy_csv_reader *r);

/* Why the last read returned HY_CSV_BAD_ROW or HY_CSV_FAIL (static English, NULL when it did
 * not), and where: the row and the line the problem is on, and the field (1-based; 0 when it
 * concerns the whole record). Any of the out-parameters may be NULL. */
const char *hy_csv_error(const hy_csv_reader *r, long *ret_row, long *ret_line, size_t *ret_column);

/* ---- writing ---- */

struct hy_csv_writer {
    hy_buf *buf; /* one of buf and f is set */
    FILE *f;
    size_t cells; /* cells written in the current row */
    size_t row_bytes; /* bytes written in the current row */
    int err;      /* the first failure (HY_BUF_* or -EIO); it sticks */
};

/* A writer appending to `out` (whose cap limits the export) or writing to f; with `bom` it
 * starts with a UTF-8 byte-order mark. */
void hy_csv_writer_buf(struct hy_csv_writer *w, hy_buf *out, bool bom);
void hy_csv_writer_file(struct hy_csv_writer *w, FILE *f, bool bom);

/* One cell each. All return 0 or the writer's (sticky) error, so a caller may check once, at
 * the end, with hy_csv_writer_error(). */
/* Text, formula-guarded and quoted when it holds a comma, a quote, a line break or begins or
 * ends with white space (or U+FEFF); NULL is an empty cell. */
int hy_csv_text(struct hy_csv_writer *w, const char *s);
/* Numbers, never guarded: an integer; a real as the shortest text that reads back as the same
 * double; a real with `decimals` digits after the point. A NaN or infinity is an empty cell. */
int hy_csv_int(struct hy_csv_writer *w, int64_t v);
int hy_csv_real(struct hy_csv_writer *w, double v);
int hy_csv_fixed(struct hy_csv_writer *w, double v, int decimals);
int hy_csv_empty(struct hy_csv_writer *w);
/* Ends the row (CRLF). A row of one empty cell is written as "" so that it is not a blank
 * line (which readers skip). */
int hy_csv_end_row(struct hy_csv_writer *w);
/* A header row: the NULL-terminated names as text cells, then the row's end. */
int hy_csv_header(struct hy_csv_writer *w, const char *const *names);
/* 0, or the first failure. For a FILE writer the caller still flushes and checks the FILE. */
int hy_csv_writer_error(const struct hy_csv_writer *w);

/* The value of the exports' `bom` option (a query parameter or flag): absent or "0" is false,
 * "1" true. False when it is anything else, "" included (the caller refuses it). */
bool hy_csv_bom_option(const char *value, bool *ret);

#endif
