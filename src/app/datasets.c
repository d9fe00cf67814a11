/* datasets.c — loading a dataset version in short batches (app/datasets.h). */
#include "app/datasets.h"

#include <string.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/jsonw.h"

/* Cells written by one statement and transaction. */
#define BATCH_CELLS 8000

struct loader {
    hy_db *db;
    struct hy_ds_load *load;
    hy_arena *a;
    int64_t version;
    long seq;
    size_t cells;
    hy_buf batch;
    int status; /* the first store failure */
    struct hy_dataset_version v;
};


static int values_tx(hy_store *s, void *ctx) {
    struct loader *l = ctx;
    return s->ops->datasets->values_insert(s, l->load->meta->id, l->version, l->batch.data);
}

static int flush(struct loader *l) {
    if (l->cells == 0) return 0;
    if (hy_buf_putc(&l->batch, ']')) return HY_DS_NOMEM;
    int r = hy_db_run(l->db, HY_TX_WRITE, values_tx, l);
    if (r < 0) return r;
    hy_buf_reset(&l->batch);
    l->cells = 0;
    if (l->load->progress) l->load->progress(l->load->progress_ctx, l->seq, l->load->result.rows);
    return 0;
}

static int row_fn(void *ctx, const struct hy_ds_layout *L, const struct hy_ds_row *row) {
    struct loader *l = ctx;
    hy_buf *b = &l->batch;
    for (size_t c = 0; c < L->ncols; c++) {
        hy_buf_putc(b, l->cells ? ',' : '[');
        hy_buf_printf(b, "[%ld,%ld,", l->seq, (long)row->day);
        hy_jw_string(b, row->area);
        hy_buf_printf(b, ",%zu,", c);
        if (row->has[c]) hy_jw_number(b, row->values[c]);
        else hy_buf_puts(b, "null");
        if (hy_buf_putc(b, ']')) return HY_DS_NOMEM;
        l->cells++;
    }
    l->seq++;
    return l->cells >= BATCH_CELLS ? flush(l) : 0;
}

static int begin_tx(hy_store *s, void *ctx) {
    struct loader *l = ctx;
    int r = s->ops->datasets->put(s, l->load->meta, hy_clock_now());
    if (r < 0) return r;
    return s->ops->datasets->version_begin(s, l->load->meta->id, &l->v, &l->version);
}

static int commit_tx(hy_store *s, void *ctx) {
    struct loader *l = ctx;
    return s->ops->datasets->version_commit(s, l->load->meta->id, l->version, hy_clock_now());
}

static int discard_tx(hy_store *s, void *ctx) {
    struct loader *l = ctx;
    return s->ops->datasets->version_discard(s, l->load->meta->id, l->version);
}

/* The second pass: reserve a version, write the cells, put it in force. `reread` reads the
 * input again with row_fn. */
static int load(hy_db *db, hy_arena *a, struct hy_ds_load *ld,
                int (*reread)(void *in, struct loader *l), void *in) {
    const struct hy_ds_layout *L = &ld->result.layout;
    struct loader l = {.db = db, .load = ld, .a = a, .batch = HY_BUF_INIT(0)};
    l.v.rows = ld->result.rows;
    l.v.columns = hy_ds_columns_json(L, a);
    if (!l.v.columns) return HY_DS_NOMEM;
    l.v.date_column = L->date_column;
    l.v.area_column = L->area_column;
    l.v.date_hxl = L->date_hxl;
    l.v.area_hxl = L->area_hxl;
    l.v.min_day = ld->result.min_day;
    l.v.max_day = ld->result.max_day;
    l.v.created_by = ld->meta->created_by;
    l.v.created_at = hy_clock_now();
    int r = hy_db_run(db, HY_TX_WRITE, begin_tx, &l);
    if (r < 0) return r;
    r = reread(in, &l);
    if (r == 0) r = flush(&l);
    if (r == 0 && l.seq != ld->result.rows) r = HY_DS_NOMEM; /* the input changed */
    if (r == 0) r = hy_db_run(db, HY_TX_WRITE, commit_tx, &l);
    hy_buf_free(&l.batch);
    if (r < 0) {
        (void)hy_db_run(db, HY_TX_WRITE, discard_tx, &l);
        return r;
    }
    ld->version = l.version;
    return HY_DS_LOADED;
}

struct mem_in {
    const char *p;
    size_t n;
};

static int reread_mem(void *in, struct loader *l) {
    struct mem_in *m = in;
    struct hy_ds_read_result again;
    int r = hy_ds_read_mem(m->p, m->n, &l->load->options, l->a, row_fn, l, &again);
    if (r == 0 && again.nerrors) r = HY_DS_NOMEM;
    return r == -1 ? HY_DS_NOMEM : r;
}

static int reread_file(void *in, struct loader *l) {
    FILE *f = in;
    if (fseek(f, 0, SEEK_SET) != 0) return HY_DS_NOMEM;
    struct hy_ds_read_result again;
    int r = hy_ds_read_file(f, &l->load->options, l->a, row_fn, l, &again);
    if (r == 0 && again.nerrors) r = HY_DS_NOMEM;
    return r == -1 ? HY_DS_NOMEM : r;
}

int hy_ds_load_mem(hy_db *db, const char *p, size_t n, hy_arena *a, struct hy_ds_load *ld) {
    if (hy_ds_read_mem(p, n, &ld->options, a, NULL, NULL, &ld->result) != 0) return HY_DS_NOMEM;
    if (ld->result.nerrors) return HY_DS_REFUSED;
    struct mem_in m = {p, n};
    return load(db, a, ld, reread_mem, &m);
}

int hy_ds_load_file(hy_db *db, FILE *f, hy_arena *a, struct hy_ds_load *ld) {
    if (hy_ds_read_file(f, &ld->options, a, NULL, NULL, &ld->result) != 0) return HY_DS_NOMEM;
    if (ld->result.nerrors) return HY_DS_REFUSED;
    return load(db, a, ld, reread_file, f);
}
