/* csv.c — the one CSV reader and writer (see csv.h). */
#include "util/csv.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

#define CSV_FIELD_MAX ((size_t)64 * 1024)
#define CSV_ROW_MAX ((size_t)1024 * 1024)
#define CSV_FIELDS_MAX 256
#define CSV_CHUNK ((size_t)64 * 1024)

/* ---- the formula guard ---- */

static bool csv_trigger(char c) {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* True when the piece at s[0..n) is zero or more apostrophes and then a trigger. */
static bool csv_piece_guarded(const char *s, size_t n, size_t min_quotes) {
    size_t k = 0;
    while (k < n && s[k] == '\'') k++;
    return k >= min_quotes && k < n && csv_trigger(s[k]);
}

bool hy_csv_needs_guard(const char *s, size_t n) {
    for (size_t p = 0;;) {
        if (csv_piece_guarded(s + p, n - p, 0)) return true;
        const char *semi = memchr(s + p, ';', n - p);
        if (!semi) return false;
        p = (size_t)(semi - s) + 1;
    }
}

int hy_csv_guard_append(hy_buf *out, const char *s, size_t n) {
    for (size_t p = 0;;) {
        if (csv_piece_guarded(s + p, n - p, 0) && hy_buf_putc(out, '\'')) return hy_buf_error(out);
        const char *semi = memchr(s + p, ';', n - p);
        size_t end = semi ? (size_t)(semi - s) + 1 : n;
        if (hy_buf_append(out, s + p, end - p)) return hy_buf_error(out);
        if (!semi) return HY_BUF_OK;
        p = end;
    }
}

const char *hy_csv_cell_guard(hy_arena *a, const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s);
    if (!hy_csv_needs_guard(s, n)) return s;
    hy_buf b = HY_BUF_INIT(0);
    const char *r = hy_csv_guard_append(&b, s, n) ? NULL : hy_arena_strndup(a, b.data, b.len);
    hy_buf_free(&b);
    return r;
}

size_t hy_csv_unguard(char *s, size_t n) {
    size_t w = 0;
    for (size_t p = 0; p <= n;) {
        /* One piece: s[p..end), then the ';' at end (if any). */
        const char *semi = memchr(s + p, ';', n - p);
        size_t end = semi ? (size_t)(semi - s) : n;
        size_t from = csv_piece_guarded(s + p, end - p, 1) ? p + 1 : p;
        memmove(s + w, s + from, end - from);
        w += end - from;
        if (!semi) break;
        s[w++] = ';';
        p = end + 1;
    }
    s[w] = '\0';
    return w;
}

/* ---- reading ---- */

struct hy_csv_reader {
    struct hy_csv_options o;
    FILE *f;                 /* NULL: reading from memory */
    const unsigned char *p;  /* the unread input: p..end */
    const unsigned char *end;
    unsigned char *chunk;    /* FILE input: the buffer p points into */
    bool eof;                /* nothing more after end */
    bool io_error;           /* the FILE reported a read error */
    bool started, bom, failed;
    char *rec;               /* the record's fields, each NUL-terminated */
    size_t rec_len, rec_cap;
    size_t *off, *len;       /* each field's start in rec and length */
    size_t nf;
    long row, line;          /* the record just read */
    long next_row, next_line;
    const char *err;         /* why the last read failed */
    long err_row, err_line;
    size_t err_col;
    char empty[1];           /* what hy_csv_field() returns past the last field */
};

static hy_csv_reader *csv_new(const struct hy_csv_options *o) {
    hy_csv_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    if (o) r->o = *o;
    if (!r->o.field_max) r->o.field_max = CSV_FIELD_MAX;
    if (!r->o.row_max) r->o.row_max = CSV_ROW_MAX;
    if (!r->o.fields_max) r->o.fields_max = CSV_FIELDS_MAX;
    if (r->o.field_max > r->o.row_max) r->o.field_max = r->o.row_max;
    r->off = malloc(r->o.fields_max * sizeof *r->off);
    r->len = malloc(r->o.fields_max * sizeof *r->len);
    r->rec_cap = 4096;
    r->rec = malloc(r->rec_cap);
    r->next_row = r->next_line = 1;
    if (!r->off || !r->len || !r->rec) return hy_csv_reader_free(r);
    return r;
}

hy_csv_reader *hy_csv_reader_file(FILE *f, const struct hy_csv_options *o) {
    hy_csv_reader *r = csv_new(o);
    if (!r) return NULL;
    r->f = f;
    r->chunk = malloc(CSV_CHUNK);
    if (!r->chunk) return hy_csv_reader_free(r);
    r->p = r->end = r->chunk;
    return r;
}

hy_csv_reader *hy_csv_reader_mem(const char *p, size_t n, const struct hy_csv_options *o) {
    hy_csv_reader *r = csv_new(o);
    if (!r) return NULL;
    r->p = (const unsigned char *)(n ? p : "");
    r->end = r->p + n;
    r->eof = true;
    return r;
}

hy_csv_reader *hy_csv_reader_free(hy_csv_reader *r) {
    if (!r) return NULL;
    free(r->chunk);
    free(r->rec);
    free(r->off);
    free(r->len);
    free(r);
    return NULL;
}

/* Reads more of the FILE after the bytes not yet read (moved to the chunk's start). False when
 * nothing more came: the end of the file, or a read error (r->io_error). */
static bool csv_fill(hy_csv_reader *r) {
    if (r->eof) return false;
    size_t keep = (size_t)(r->end - r->p);
    if (keep == CSV_CHUNK) return false;
    memmove(r->chunk, r->p, keep);
    size_t n = fread(r->chunk + keep, 1, CSV_CHUNK - keep, r->f);
    r->p = r->chunk;
    r->end = r->chunk + keep + n;
    if (n == 0) {
        r->eof = true;
        r->io_error = ferror(r->f) != 0;
        return false;
    }
    return true;
}

static int csv_next(hy_csv_reader *r) {
    if (r->p == r->end && !csv_fill(r)) return -1;
    return *r->p++;
}

static int csv_peek(hy_csv_reader *r) {
    if (r->p == r->end && !csv_fill(r)) return -1;
    return *r->p;
}

/* The separator: ',' or ';', whichever the first line holds more of outside quotes, looked at
 * as far as one chunk (64 KiB) reaches. */
static char csv_detect(hy_csv_reader *r) {
    for (;;) {
        bool quoted = false, line_end = false;
        size_t commas = 0, semis = 0;
        for (const unsigned char *q = r->p; q < r->end && !line_end; q++) {
            if (*q == '"' && !r->o.no_quotes) quoted = !quoted;
            else if (!quoted && (*q == '\n' || *q == '\r')) line_end = true;
            else if (!quoted && *q == ',') commas++;
            else if (!quoted && *q == ';') semis++;
        }
        if (line_end || !csv_fill(r)) return semis > commas ? ';' : ',';
    }
}

/* Starts the input: skips a UTF-8 byte-order mark, refuses UTF-16, picks the separator. */
static bool csv_start(hy_csv_reader *r) {
    r->started = true;
    while (r->f && r->end - r->p < 3 && csv_fill(r)) {
    }
    size_t have = (size_t)(r->end - r->p);
    if (have >= 3 && r->p[0] == 0xEF && r->p[1] == 0xBB && r->p[2] == 0xBF) {
        r->bom = true;
        r->p += 3;
    } else if (have >= 2 && ((r->p[0] == 0xFF && r->p[1] == 0xFE) ||
                             (r->p[0] == 0xFE && r->p[1] == 0xFF))) {
        r->err = "the file is UTF-16: save it as UTF-8";
        r->err_row = r->err_line = 1;
        if (!r->o.sep) r->o.sep = ',';
        return false;
    }
    if (!r->o.sep) r->o.sep = csv_detect(r);
    return true;
}

/* Notes the record's problem (the first one counts); the rest of the record is read and
 * dropped. */
static void csv_bad(hy_csv_reader *r, const char *why, size_t col) {
    if (r->err) return;
    r->err = why;
    r->err_row = r->row;
    r->err_line = r->next_line;
    r->err_col = col;
}

/* Room for one more byte in rec (and the NUL that ends the field). False when out of memory. */
static bool csv_room(hy_csv_reader *r) {
    if (r->rec_len + 2 <= r->rec_cap) return true;
    size_t cap = r->rec_cap * 2;
    char *p = realloc(r->rec, cap);
    if (!p) return false;
    r->rec = p;
    r->rec_cap = cap;
    return true;
}

/* Adds a byte to the field that began at rec[start], within the caps. */
static bool csv_put(hy_csv_reader *r, size_t start, int c) {
    if (r->err) return true;
    if (r->rec_len - start >= r->o.field_max) {
        csv_bad(r, "a field is too long", r->nf + 1);
        return true;
    }
    if (r->rec_len - r->nf >= r->o.row_max) { /* rec holds a NUL per field ended */
        csv_bad(r, "a row is too long", 0);
        return true;
    }
    if (!csv_room(r)) return false;
    r->rec[r->rec_len++] = (char)c;
    return true;
}

/* Adds the run p[0..n) (no byte of which ends the field) at once, when it fits within the
 * caps; else byte by byte, so the cap is noted as it would be. */
static bool csv_put_run(hy_csv_reader *r, size_t start, const unsigned char *p, size_t n) {
    if (r->err) return true;
    if (r->rec_len - start + n > r->o.field_max || r->rec_len - r->nf + n > r->o.row_max) {
        for (size_t i = 0; i < n; i++)
            if (!csv_put(r, start, p[i])) return false;
        return true;
    }
    while (r->rec_len + n + 2 > r->rec_cap) {
        char *q = realloc(r->rec, r->rec_cap * 2);
        if (!q) return false;
        r->rec = q;
        r->rec_cap *= 2;
    }
    memcpy(r->rec + r->rec_len, p, n);
    r->rec_len += n;
    return true;
}

/* The length of the run at r->p (within the buffered input) without any of a, b, c. */
static size_t csv_span(const hy_csv_reader *r, int a, int b, int c) {
    const unsigned char *q = r->p;
    while (q < r->end && *q != a && *q != b && *q != c) q++;
    return (size_t)(q - r->p);
}

/* Ends the field that began at rec[start]. */
static bool csv_end_field(hy_csv_reader *r, size_t start) {
    if (r->err) return true;
    if (r->nf == r->o.fields_max) {
        csv_bad(r, "a row has too many fields", r->nf + 1);
        return true;
    }
    if (!csv_room(r)) return false;
    r->off[r->nf] = start;
    r->len[r->nf] = r->rec_len - start;
    r->rec[r->rec_len++] = '\0';
    r->nf++;
    return true;
}

/* Hands out one empty field (after the end or a bad record: nothing of it is handed out). */
static void csv_blank(hy_csv_reader *r) {
    r->nf = 1;
    r->off[0] = r->len[0] = 0;
    r->rec[0] = '\0';
}

static int csv_fail(hy_csv_reader *r, const char *why, long line, size_t col) {
    r->failed = true;
    r->err = why;
    r->err_row = r->row;
    r->err_line = line;
    r->err_col = col;
    csv_blank(r);
    return HY_CSV_FAIL;
}

int hy_csv_read(hy_csv_reader *r) {
    if (r->failed) return HY_CSV_FAIL;
    r->err = NULL;
    r->err_col = 0;
    if (!r->started && !csv_start(r)) {
        r->failed = true;
        csv_blank(r);
        return HY_CSV_FAIL;
    }
    const int sep = (unsigned char)r->o.sep;
    const bool quotes = !r->o.no_quotes;
    static const char nomem[] = "out of memory";
    for (;;) {
        r->rec_len = 0;
        r->nf = 0;
        r->row = r->next_row;
        r->line = r->next_line;
        int c = csv_next(r);
        if (c < 0) {
            if (r->io_error) return csv_fail(r, "the file could not be read", r->line, 0);
            csv_blank(r);
            return HY_CSV_END;
        }
        if (c == '\n' || c == '\r') { /* a blank line: counted, skipped */
            if (c == '\r' && csv_peek(r) == '\n') csv_next(r);
            r->next_row++;
            r->next_line++;
            continue;
        }
        /* One record: fields until a line break outside quotes, or the end of the input. */
        size_t start = 0;
        long field_line = r->line;
        enum { START, PLAIN, QUOTED, CLOSED } st = START;
        for (;; c = csv_next(r)) {
            if (st == START) {
                field_line = r->next_line;
                if (c == '"' && quotes) {
                    st = QUOTED;
                    continue;
                }
                st = PLAIN;
            }
            if (st == QUOTED) {
                if (c < 0) {
                    if (r->io_error) return csv_fail(r, "the file could not be read", r->next_line, 0);
                    return csv_fail(r, "a quoted field is not closed", field_line, r->nf + 1);
                }
                if (c == '"') {
                    if (csv_peek(r) != '"') {
                        st = CLOSED;
                        continue;
                    }
                    csv_next(r); /* "" is one quote */
                } else if (c == '\n' || (c == '\r' && csv_peek(r) != '\n')) {
                    r->next_line++;
                }
                if (!csv_put(r, start, c)) return csv_fail(r, nomem, r->line, 0);
                /* The rest of the run up to the next quote or line break, at once. */
                size_t k = csv_span(r, '"', '\n', '\r');
                if (!csv_put_run(r, start, r->p, k)) return csv_fail(r, nomem, r->line, 0);
                r->p += k;
                continue;
            }
            if (c == sep) {
                if (!csv_end_field(r, start)) return csv_fail(r, nomem, r->line, 0);
                start = r->rec_len;
                st = START;
                continue;
            }
            if (c < 0 || c == '\n' || c == '\r') {
                if (c == '\r' && csv_peek(r) == '\n') csv_next(r);
                if (!csv_end_field(r, start)) return csv_fail(r, nomem, r->line, 0);
                break;
            }
            if (st == CLOSED)
                return csv_fail(r, "text after a closing quote", r->next_line, r->nf + 1);
            if (!csv_put(r, start, c)) return csv_fail(r, nomem, r->line, 0);
            /* The rest of an unquoted field up to the next separator or line break, at once. */
            size_t k = csv_span(r, sep, '\n', '\r');
            if (!csv_put_run(r, start, r->p, k)) return csv_fail(r, nomem, r->line, 0);
            r->p += k;
        }
        r->next_row++;
        r->next_line++;
        if (r->io_error) return csv_fail(r, "the file could not be read", r->line, 0);
        if (r->err) {
            csv_blank(r);
            return HY_CSV_BAD_ROW;
        }
        for (size_t i = 0; i < r->nf; i++) {
            char *s = r->rec + r->off[i];
            if (!hy_utf8_valid(s, r->len[i], HY_UTF8_ALLOW_CONTROLS)) {
                csv_bad(r, "is not valid UTF-8", i + 1);
                r->err_line = r->line;
                csv_blank(r);
                return HY_CSV_BAD_ROW;
            }
            if (r->o.unguard) r->len[i] = hy_csv_unguard(s, r->len[i]);
        }
        return HY_CSV_ROW;
    }
}

size_t hy_csv_nfields(const hy_csv_reader *r) { return r->nf; }

char *hy_csv_field(const hy_csv_reader *r, size_t i, size_t *ret_len) {
    if (i >= r->nf) {
        if (ret_len) *ret_len = 0;
        return (char *)r->empty;
    }
    if (ret_len) *ret_len = r->len[i];
    return r->rec + r->off[i];
}

long hy_csv_row(const hy_csv_reader *r) { return r->row; }
long hy_csv_line(const hy_csv_reader *r) { return r->line; }
char hy_csv_sep(const hy_csv_reader *r) { return r->o.sep; }
bool hy_csv_had_bom(const hy_csv_reader *r) { return r->bom; }

const char *hy_csv_error(const hy_csv_reader *r, long *ret_row, long *ret_line, size_t *ret_column) {
    if (ret_row) *ret_row = r->err ? r->err_row : 0;
    if (ret_line) *ret_line = r->err ? r->err_line : 0;
    if (ret_column) *ret_column = r->err ? r->err_col : 0;
    return r->err;
}

/* ---- writing ---- */

static int csv_out(struct hy_csv_writer *w, const char *s, size_t n) {
    if (w->err) return w->err;
    if (w->buf) {
        if (hy_buf_append(w->buf, s, n)) w->err = hy_buf_error(w->buf);
    } else if (n && fwrite(s, 1, n, w->f) != n) {
        w->err = -EIO;
    }
    w->row_bytes += n;
    return w->err;
}

void hy_csv_writer_buf(struct hy_csv_writer *w, hy_buf *out, bool bom) {
    memset(w, 0, sizeof *w);
    w->buf = out;
    if (bom) csv_out(w, "\xEF\xBB\xBF", 3);
    w->row_bytes = 0;
}

void hy_csv_writer_file(struct hy_csv_writer *w, FILE *f, bool bom) {
    memset(w, 0, sizeof *w);
    w->f = f;
    if (bom) csv_out(w, "\xEF\xBB\xBF", 3);
    w->row_bytes = 0;
}

int hy_csv_writer_error(const struct hy_csv_writer *w) { return w->err; }

/* The separator before every cell but a row's first. */
static int csv_cell(struct hy_csv_writer *w) {
    return w->cells++ ? csv_out(w, ",", 1) : w->err;
}

int hy_csv_empty(struct hy_csv_writer *w) { return csv_cell(w); }

int hy_csv_text(struct hy_csv_writer *w, const char *s) {
    if (csv_cell(w) || !s || !*s) return w->err;
    size_t n = strlen(s);
    /* Quoted also when it begins with U+FEFF, which a reader would take for the byte-order mark
     * if it began the file. */
    bool quote = strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                 s[n - 1] == '\t' || (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3));
    if (!quote && !hy_csv_needs_guard(s, n)) return csv_out(w, s, n);
    /* The guarded text, then quoted; a small buffer of its own keeps the FILE case simple. */
    hy_buf g = HY_BUF_INIT(0);
    int r = hy_csv_guard_append(&g, s, n);
    if (r) {
        hy_buf_free(&g);
        w->err = r;
        return r;
    }
    if (!quote) {
        csv_out(w, g.data, g.len);
    } else {
        csv_out(w, "\"", 1);
        const char *p = g.data, *e = g.data + g.len;
        while (p < e) {
            const char *q = memchr(p, '"', (size_t)(e - p));
            size_t k = q ? (size_t)(q - p) + 1 : (size_t)(e - p);
            csv_out(w, p, k);
            if (q) csv_out(w, "\"", 1); /* a quote doubled */
            p += k;
        }
        csv_out(w, "\"", 1);
    }
    hy_buf_free(&g);
    return w->err;
}

int hy_csv_int(struct hy_csv_writer *w, int64_t v) {
    char t[24];
    int n = snprintf(t, sizeof t, "%lld", (long long)v);
    return csv_cell(w) ? w->err : csv_out(w, t, (size_t)n);
}

int hy_csv_real(struct hy_csv_writer *w, double v) {
    if (csv_cell(w) || !isfinite(v)) return w->err;
    char t[40];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(t, sizeof t, "%.*g", prec, v);
        if (strtod(t, NULL) == v) break;
    }
    return csv_out(w, t, (size_t)n);
}

int hy_csv_fixed(struct hy_csv_writer *w, double v, int decimals) {
    if (csv_cell(w) || !isfinite(v)) return w->err;
    char t[64];
    int n = snprintf(t, sizeof t, "%.*f", decimals < 0 ? 0 : decimals > 17 ? 17 : decimals, v);
    if (n < 0 || (size_t)n >= sizeof t) return csv_out(w, "", 0); /* |v| > 1e45: empty */
    return csv_out(w, t, (size_t)n);
}

int hy_csv_end_row(struct hy_csv_writer *w) {
    if (w->cells == 1 && w->row_bytes == 0) csv_out(w, "\"\"", 2);
    w->cells = 0;
    csv_out(w, "\r\n", 2);
    w->row_bytes = 0;
    return w->err;
}

int hy_csv_header(struct hy_csv_writer *w, const char *const *names) {
    for (size_t i = 0; names[i]; i++) hy_csv_text(w, names[i]);
    return hy_csv_end_row(w);
}

bool hy_csv_bom_option(const char *value, bool *ret) {
    if (!value || !strcmp(value, "0")) {
        *ret = false;
        return true;
    }
    if (!strcmp(value, "1")) {
        *ret = true;
        return true;
    }
    return false;
}
