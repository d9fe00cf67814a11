/* grindex.c — the approved groups' index of one process (app/grindex.h): loading it from the
 * store with each group's answer bytes, answering from it, keeping the current one and
 * rebuilding it in a background thread. */
#include "app/grindex.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/vcache.h"
#include "domain/spindex.h"
#include "store/groups.h"
#include "util/dictpack.h"
#include "util/jsonw.h"
#include "util/relayout.h"
#include "util/log.h"

#define PAGE_ROWS 10000
/* The answer bytes are kept packed one group at a time against one dictionary (util/dictpack.h):
 * groups taken across the first page, up to this many bytes. Unpacking needs no setup, so an
 * answer costs a few small copies a group (docs/spatial-index.md has the sizes). */
#define DICT_MAX HY_DICTPACK_DICT_MAX
/* The answer bytes move into the spatial index's order in this many rounds: the build holds
 * them 1 + 1/8 times at most instead of twice. */
#define RELAYOUT_ROUNDS 8

struct hy_grindex {
    _Atomic long refs;
    int64_t version;
    hy_spindex *sp;
    size_t n;
    char *text;       /* the groups' answer bytes, packed, record after record */
    uint32_t *off;    /* the bytes of the group at position i of the spatial index's order
                       * (hy_spindex_order) are text[off[i] .. off[i + 1]) */
    size_t text_size; /* bytes allocated for text */
    unsigned char dict[DICT_MAX]; /* the packing dictionary */
    size_t ndict;
};

static void ix_free(hy_grindex *ix) {
    if (!ix) return;
    hy_spindex_free(ix->sp);
    free(ix->text);
    free(ix->off);
    free(ix);
}

hy_grindex *hy_grindex_retain(hy_grindex *ix) {
    if (ix) atomic_fetch_add(&ix->refs, 1);
    return ix;
}

void hy_grindex_release(hy_grindex *ix) {
    if (ix && atomic_fetch_sub(&ix->refs, 1) == 1) ix_free(ix);
}

int64_t hy_grindex_version(const hy_grindex *ix) { return ix->version; }
size_t hy_grindex_groups(const hy_grindex *ix) { return ix->n; }

size_t hy_grindex_bytes_spatial(const hy_grindex *ix) {
    struct hy_spindex_stats st;
    hy_spindex_stats(ix->sp, &st);
    return st.bytes;
}

size_t hy_grindex_bytes(const hy_grindex *ix) {
    return sizeof *ix + hy_grindex_bytes_spatial(ix) + ix->text_size +
           (ix->n + 1) * sizeof *ix->off;
}

/* ---------------------------------------------------------------- loading */

/* What the load gathers before the spatial index is built, kept compact (20 bytes a group and
 * 56 a coverage area, instead of a struct hy_spindex_rec each): the points, the areas apart,
 * the polygon texts (offsets into `polygons`, a buffer that moves while it grows). */
struct point {
    double lat, lon;
};

struct garea {
    double radius_m;
    struct hy_bbox box;
    size_t poly_at; /* polygon areas: the text's offset in `polygons` */
    bool polygon;
};

#define NO_AREA UINT32_MAX

struct gather {
    struct point *pts; /* by record (the store's id order) */
    uint32_t *area_of; /* by record: into areas, or NO_AREA */
    struct garea *areas;
    size_t n, size, nareas, areas_size;
    hy_buf text, polygons;
    uint32_t *off;
    char last_id[HY_ID_LEN + 1];
    hy_buf frag; /* one group's bytes before packing */
    hy_dictpack *pack;
    unsigned char dict[DICT_MAX];
    size_t ndict;
};

/* drops what only the spatial index's build needs */
static void gather_free_records(struct gather *g) {
    free(g->pts);
    free(g->area_of);
    free(g->areas);
    g->pts = NULL;
    g->area_of = NULL;
    g->areas = NULL;
    g->nareas = g->areas_size = 0;
    hy_buf_free(&g->polygons);
}

static void gather_free(struct gather *g) {
    gather_free_records(g);
    free(g->off);
    hy_buf_free(&g->text);
    hy_buf_free(&g->frag);
    hy_dictpack_free(g->pack);
    memset(g, 0, sizeof *g);
}

/* Room for `size` records (the count the store gave; more if it grew meanwhile). */
static int grow(struct gather *g, size_t size) {
    if (size <= g->size) size = g->size ? g->size * 2 : 1024;
    struct point *p = realloc(g->pts, size * sizeof *p);
    if (!p) return -1;
    g->pts = p;
    uint32_t *a = realloc(g->area_of, size * sizeof *a);
    if (!a) return -1;
    g->area_of = a;
    uint32_t *o = realloc(g->off, (size + 1) * sizeof *o);
    if (!o) return -1;
    g->off = o;
    g->size = size;
    return 0;
}

/* The spatial index's build asks for record i (hy_spindex_get_fn). */
static void get_rec(const void *ctx, size_t i, struct hy_spindex_rec *ret) {
    const struct gather *g = ctx;
    *ret = (struct hy_spindex_rec){.lat = g->pts[i].lat, .lon = g->pts[i].lon};
    if (g->area_of[i] == NO_AREA) return;
    const struct garea *a = &g->areas[g->area_of[i]];
    ret->area_kind = a->polygon ? "polygon" : "radius";
    ret->radius_m = a->radius_m;
    ret->area_box = a->box;
    if (a->polygon) ret->area = g->polygons.data + a->poly_at;
}

/* The dictionary: the answer bytes of groups spread over `rows` (the first page). */
static int make_dict(struct gather *g, const struct hy_group *rows, size_t n,
                     hy_grindex_write_fn write) {
    for (size_t k = 0; k < n && g->ndict < DICT_MAX; k++) {
        size_t i = (k * 7919) % n; /* a stride prime to n's usual sizes: spread, no repeats */
        hy_buf_reset(&g->frag);
        if (write(&g->frag, &rows[i], false)) return -1;
        size_t m = g->frag.len < DICT_MAX - g->ndict ? g->frag.len : DICT_MAX - g->ndict;
        memcpy(g->dict + g->ndict, g->frag.data, m);
        g->ndict += m;
    }
    g->pack = hy_dictpack_new(g->dict, g->ndict);
    return g->pack ? 0 : -1;
}

/* Adds one group: its answer bytes (the object without its closing brace) and its record. */
static int gather_add(struct gather *g, const struct hy_group *gr, hy_grindex_write_fn write) {
    /* The store lists by id; the spatial index breaks ties by record number. */
    if (g->n && strcmp(gr->id, g->last_id) <= 0) return -1;
    memcpy(g->last_id, gr->id, sizeof g->last_id);
    if (g->n == g->size && grow(g, 0) < 0) return -1;
    if (g->n >= HY_SPINDEX_MAX_GROUPS) return -1;
    g->off[g->n] = (uint32_t)g->text.len;
    hy_buf_reset(&g->frag);
    if (write(&g->frag, gr, false) || g->frag.len == 0 || g->frag.data[g->frag.len - 1] != '}')
        return -1;
    /* without the closing brace: the answer writes the query's fields first */
    if (hy_dictpack_pack(g->pack, g->frag.data, g->frag.len - 1, &g->text) ||
        g->text.len > UINT32_MAX)
        return -1;
    bool radius = gr->area_kind && !strcmp(gr->area_kind, "radius");
    bool polygon = gr->area_kind && !strcmp(gr->area_kind, "polygon");
    g->pts[g->n] = (struct point){gr->lat, gr->lon};
    g->area_of[g->n] = NO_AREA;
    if (radius || polygon) {
        if (g->nareas == g->areas_size) {
            size_t size = g->areas_size ? g->areas_size * 2 : 256;
            struct garea *a = realloc(g->areas, size * sizeof *a);
            if (!a) return -1;
            g->areas = a;
            g->areas_size = size;
        }
        struct garea *a = &g->areas[g->nareas];
        *a = (struct garea){.radius_m = gr->radius_m, .box = gr->area_box, .polygon = polygon};
        if (polygon) {
            a->poly_at = g->polygons.len;
            if (hy_buf_append(&g->polygons, gr->area ? gr->area : "",
                              gr->area ? strlen(gr->area) + 1 : 1))
                return -1;
        }
        g->area_of[g->n] = (uint32_t)g->nareas++;
    }
    g->n++;
    return 0;
}

struct load_ctx {
    const _Atomic bool *stop;
    hy_grindex_write_fn write;
    struct gather g;
    int64_t version;
};

static int load_tx(hy_store *s, void *ctx) {
    struct load_ctx *c = ctx;
    gather_free(&c->g); /* from an attempt whose commit failed */
    int r = s->ops->groups->version(s, &c->version);
    if (r < 0) return r;
    /* the records sized once, from the count in the same snapshot */
    size_t count = 0;
    r = s->ops->groups->count(s, "approved", &count);
    if (r < 0) return r;
    if (count && grow(&c->g, count) < 0) return HY_DB_HARD;
    char after[HY_ID_LEN + 1] = "";
    for (;;) {
        if (c->stop && atomic_load(c->stop)) return HY_DB_ABORT;
        hy_arena *a = hy_arena_new(0);
        if (!a) return HY_DB_HARD;
        struct hy_group *rows = NULL;
        int n = s->ops->groups->list(s, "approved", after, PAGE_ROWS, a, &rows);
        if (n > 0 && !c->g.pack && make_dict(&c->g, rows, (size_t)n, c->write) < 0)
            n = HY_DB_HARD;
        for (int i = 0; i < n; i++)
            if (gather_add(&c->g, &rows[i], c->write) < 0) n = HY_DB_HARD;
        if (n > 0) memcpy(after, rows[n - 1].id, sizeof after);
        hy_arena_free(a);
        if (n < 0) return n;
        if (n < PAGE_ROWS) break;
    }
    return HY_DB_ONE;
}

/* Builds the index from what the load gathered (and frees that). */
static int finish(struct gather *g, int64_t version, hy_grindex **ret) {
    hy_grindex *ix = calloc(1, sizeof *ix);
    if (!ix) return HY_DB_HARD;
    atomic_init(&ix->refs, 1);
    ix->version = version;
    ix->n = g->n;
    if (!g->off && grow(g, 0) < 0) {
        ix_free(ix);
        return HY_DB_HARD;
    }
    g->off[g->n] = (uint32_t)g->text.len;
    size_t bad = 0;
    int r = hy_spindex_build_with(g->n, get_rec, g, &ix->sp, &bad);
    if (r < 0) {
        if (r == -EINVAL) hy_warn("groups index: approved group #%zu cannot be indexed", bad);
        ix_free(ix);
        return HY_DB_HARD;
    }
    /* The records and polygon texts were for the build only: gone before the bytes are laid
     * out. */
    gather_free_records(g);
    /* Keep exactly what the answers need, in the index's own order (an answer's groups then
     * lie close together in memory): the bytes and their offsets by position, copied in
     * rounds that each drop what they copied, so the bytes are not held twice. */
    uint32_t *order = malloc((g->n ? g->n : 1) * sizeof *order);
    ix->off = malloc((g->n + 1) * sizeof *ix->off);
    size_t len = g->text.len;
    ix->text = malloc(len + 1);
    if (!order || !ix->off || !ix->text) {
        free(order);
        ix_free(ix);
        return HY_DB_HARD;
    }
    char *src = g->text.data; /* hy_relayout() frees it */
    g->text = (hy_buf)HY_BUF_INIT(0);
    hy_spindex_order(ix->sp, order);
    r = hy_relayout(&src, g->off, order, g->n, RELAYOUT_ROUNDS, ix->text, ix->off);
    free(order);
    if (r < 0) {
        ix_free(ix);
        return HY_DB_HARD;
    }
    ix->text[len] = '\0';
    ix->text_size = len + 1;
    memcpy(ix->dict, g->dict, g->ndict);
    ix->ndict = g->ndict;
    gather_free(g);
    *ret = ix;
    return HY_DB_ONE;
}

int hy_grindex_load(hy_db *db, hy_grindex_write_fn write, const _Atomic bool *stop,
                    hy_grindex **ret) {
    struct load_ctx c = {.stop = stop, .write = write};
    int r = hy_db_run(db, HY_TX_READ, load_tx, &c);
    if (r >= 0) r = finish(&c.g, c.version, ret);
    gather_free(&c.g);
    return r;
}

/* ---------------------------------------------------------------- answers */

int hy_grindex_near_write(const hy_grindex *ix, const struct hy_group_near *q, hy_buf *b,
                          size_t *ret_n) {
    const struct hy_spindex_query sq = {.lat = q->lat,
                                        .lon = q->lon,
                                        .limit = q->limit,
                                        .radius_m = q->radius_m,
                                        .has_box = q->has_box,
                                        .box = q->box};
    if (q->limit < 1 || q->limit > HY_SPINDEX_LIMIT_MAX) return -EINVAL;
    /* the usual limits (up to 100) without an allocation */
    struct hy_spindex_hit few[100];
    struct hy_spindex_hit *hits =
        q->limit <= sizeof few / sizeof *few ? few : malloc(q->limit * sizeof *hits);
    if (!hits) return -ENOMEM;
    int n = hy_spindex_near(ix->sp, &sq, hits);
    int w = 0;
    for (int i = 0; i < n && !w; i++) {
        uint32_t pos = hits[i].pos;
        if (i) w = hy_buf_putc(b, ',');
        /* hy_group_json_write()'s tail, after the bytes the group alone decides */
        if (!w)
            w = hy_dictpack_unpack(ix->dict, ix->ndict, ix->text + ix->off[pos],
                                   ix->off[pos + 1] - ix->off[pos], b);
        if (w == -3) w = -EIO;
        if (!w) w = hy_buf_puts(b, ",\"distance_m\":");
        if (!w) w = hy_jw_int(b, (int64_t)llround(hits[i].distance_m));
        if (!w) w = hy_buf_puts(b, hits[i].covers ? ",\"covers\":true}" : ",\"covers\":false}");
    }
    if (hits != few) free(hits);
    if (n < 0) return n;
    if (w) return w;
    *ret_n = (size_t)n;
    return 0;
}

/* ---------------------------------------------------------------- the process's cache */

struct hy_grindex_cache {
    hy_db *db;
    hy_grindex_write_fn write;
    hy_vcache *vc;
    /* shared version reads (hy_grindex_cache_version) */
    bool share_reads;       /* the primary is PostgreSQL: a read is a round trip */
    pthread_mutex_t mu;
    /* A caller waits for read number `need` on read_cv[need % 2]: the end of a read wakes
     * only those it serves, and one caller of the next read to start it (the others sleep
     * on until that one ends instead of waking to find it begun). */
    pthread_cond_t read_cv[2];
    bool reading;           /* a shared read is in flight */
    uint64_t reads_started; /* shared reads begun, the one in flight included */
    uint64_t read_done;     /* the number (1, 2, …) of the newest read that ended, 0 = none */
    int64_t read_version;   /* what that read saw */
    /* SQLite: the change stamp (hy_db_change_stamp) read before the newest version read
     * that followed one; while the stamp stays the same, nothing was committed and that
     * version still holds */
    bool has_stamp;
    unsigned char stamp[HY_CHANGE_STAMP_SIZE];
    int64_t stamp_version;
    /* hy_grindex_cache_version_later(): callers queued for the reader thread's next read */
    struct hy_grindex_waiter *later;
    pthread_cond_t later_cv; /* a caller was queued, or stop */
    pthread_t reader;
    bool reader_started, reader_stop;
};

static int kind_load(hy_db *db, void *arg, void *prev, const _Atomic bool *stop, void **ret) {
    (void)prev; /* a full build: no delta refresh yet */
    const hy_grindex_cache *c = arg;
    hy_grindex *ix = NULL;
    int r = hy_grindex_load(db, c->write, stop, &ix);
    if (r == HY_DB_ONE) *ret = ix;
    return r;
}
static int64_t kind_version(const void *ix) { return hy_grindex_version(ix); }
static void *kind_retain(void *ix) { return hy_grindex_retain(ix); }
static void kind_release(void *ix) { hy_grindex_release(ix); }
static void kind_built(const void *copy, int64_t ms) {
    const hy_grindex *ix = copy;
    hy_info("groups index: %zu approved groups, %zu KiB (spatial %zu KiB), built in %lld ms "
            "(groups version %lld)",
            hy_grindex_groups(ix), hy_grindex_bytes(ix) / 1024,
            hy_grindex_bytes_spatial(ix) / 1024, (long long)ms, (long long)hy_grindex_version(ix));
}

static const struct hy_vcache_kind KIND = {
    .load = kind_load,
    .version = kind_version,
    .retain = kind_retain,
    .release = kind_release,
    .built = kind_built,
    .what = "groups index",
};

hy_grindex_cache *hy_grindex_cache_new(hy_db *db, hy_grindex_write_fn write) {
    hy_grindex_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->db = db;
    c->write = write;
    c->vc = hy_vcache_new(db, &KIND, c);
    if (!c->vc) {
        free(c);
        return NULL;
    }
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        hy_vcache_free(c->vc);
        free(c);
        return NULL;
    }
    if (pthread_cond_init(&c->read_cv[0], NULL) != 0) {
        pthread_mutex_destroy(&c->mu);
        hy_vcache_free(c->vc);
        free(c);
        return NULL;
    }
    if (pthread_cond_init(&c->read_cv[1], NULL) != 0) {
        pthread_cond_destroy(&c->read_cv[0]);
        pthread_mutex_destroy(&c->mu);
        hy_vcache_free(c->vc);
        free(c);
        return NULL;
    }
    if (pthread_cond_init(&c->later_cv, NULL) != 0) {
        pthread_cond_destroy(&c->read_cv[1]);
        pthread_cond_destroy(&c->read_cv[0]);
        pthread_mutex_destroy(&c->mu);
        hy_vcache_free(c->vc);
        free(c);
        return NULL;
    }
    c->share_reads = strcmp(hy_db_backend(db), "sqlite") != 0;
    return c;
}

void hy_grindex_cache_refresh(hy_grindex_cache *c) {
    if (c) hy_vcache_refresh(c->vc);
}

hy_grindex *hy_grindex_cache_get(hy_grindex_cache *c, int64_t version, bool primary) {
    return c ? hy_vcache_get(c->vc, version, primary) : NULL;
}

uint64_t hy_grindex_cache_builds(const hy_grindex_cache *c) {
    return c ? hy_vcache_builds(c->vc) : 0;
}

static int version_tx(hy_store *s, void *ctx) {
    int r = s->ops->groups->version(s, ctx);
    return r < 0 ? r : HY_DB_ONE;
}

/* The version through the store's change stamp: read again only when something was committed
 * since the stamp of the last read. HY_DB_NONE when the store has no stamp. */
static int stamped_version(hy_grindex_cache *c, hy_db *db, int64_t *ret) {
    unsigned char now[HY_CHANGE_STAMP_SIZE];
    if (hy_db_change_stamp(db, now) != HY_DB_ONE) return HY_DB_NONE;
    pthread_mutex_lock(&c->mu);
    bool same = c->has_stamp && memcmp(c->stamp, now, sizeof now) == 0;
    int64_t v = c->stamp_version;
    pthread_mutex_unlock(&c->mu);
    if (same) {
        *ret = v;
        return HY_DB_ONE;
    }
    /* Read after the stamp: if the stamp is still `now` later, no commit came after this
     * read either, so the version it gives still holds. */
    int r = hy_db_run(db, HY_TX_SINGLE, version_tx, &v);
    if (r < 0) return r;
    pthread_mutex_lock(&c->mu);
    memcpy(c->stamp, now, sizeof now);
    c->stamp_version = v;
    c->has_stamp = true;
    pthread_mutex_unlock(&c->mu);
    *ret = v;
    return HY_DB_ONE;
}

int hy_grindex_cache_version(hy_grindex_cache *c, hy_db *db, int64_t *ret) {
    if (c && !c->share_reads && db == c->db) {
        int r = stamped_version(c, db, ret);
        if (r != HY_DB_NONE) return r;
    }
    if (!c || !c->share_reads || db != c->db) return hy_db_run(db, HY_TX_SINGLE, version_tx, ret);
    pthread_mutex_lock(&c->mu);
    /* The read in flight (if any) began before this call: wait for the one after it. */
    uint64_t need = c->reads_started + 1;
    int r = HY_DB_ONE;
    while (c->read_done < need) {
        if (c->reading) {
            pthread_cond_wait(&c->read_cv[need % 2], &c->mu);
            continue;
        }
        c->reading = true;
        uint64_t mine = ++c->reads_started;
        pthread_mutex_unlock(&c->mu);
        int64_t v = 0;
        r = hy_db_run(db, HY_TX_SINGLE, version_tx, &v);
        pthread_mutex_lock(&c->mu);
        c->reading = false;
        if (r >= 0) {
            c->read_done = mine;
            c->read_version = v;
        }
        if (r < 0) {
            /* the waiters start a read of their own */
            pthread_cond_broadcast(&c->read_cv[0]);
            pthread_cond_broadcast(&c->read_cv[1]);
            break;
        }
        pthread_cond_broadcast(&c->read_cv[mine % 2]);
        pthread_cond_signal(&c->read_cv[(mine + 1) % 2]);
    }
    if (r >= 0) *ret = c->read_version;
    pthread_mutex_unlock(&c->mu);
    return r < 0 ? r : HY_DB_ONE;
}

/* Runs each caller's done() with the read's outcome; a caller may be gone after its done(). */
static void serve_waiters(struct hy_grindex_waiter *w, int status, int64_t version) {
    while (w) {
        struct hy_grindex_waiter *next = w->next;
        w->done(w->arg, status, version);
        w = next;
    }
}

static void *reader_main(void *arg) {
    hy_grindex_cache *c = arg;
    pthread_mutex_lock(&c->mu);
    while (!c->reader_stop) {
        if (!c->later) {
            pthread_cond_wait(&c->later_cv, &c->mu);
            continue;
        }
        /* Everyone queued so far was queued before this read begins. */
        struct hy_grindex_waiter *batch = c->later;
        c->later = NULL;
        pthread_mutex_unlock(&c->mu);
        int64_t v = 0;
        int r = hy_db_run(c->db, HY_TX_SINGLE, version_tx, &v);
        serve_waiters(batch, r < 0 ? r : HY_DB_ONE, v);
        pthread_mutex_lock(&c->mu);
    }
    struct hy_grindex_waiter *left = c->later;
    c->later = NULL;
    pthread_mutex_unlock(&c->mu);
    serve_waiters(left, HY_DB_HARD, 0);
    hy_db_release(c->db);
    return NULL;
}

bool hy_grindex_cache_shares_reads(const hy_grindex_cache *c) { return c && c->share_reads; }

int hy_grindex_cache_version_later(hy_grindex_cache *c, struct hy_grindex_waiter *w,
                                   hy_grindex_version_fn done, void *arg) {
    if (!c || !c->share_reads) return -ENOTSUP;
    w->done = done;
    w->arg = arg;
    pthread_mutex_lock(&c->mu);
    if (!c->reader_started) {
        if (c->reader_stop || pthread_create(&c->reader, NULL, reader_main, c) != 0) {
            pthread_mutex_unlock(&c->mu);
            return -ENOMEM;
        }
        c->reader_started = true;
    }
    w->next = c->later;
    c->later = w;
    pthread_cond_signal(&c->later_cv);
    pthread_mutex_unlock(&c->mu);
    return 0;
}

void hy_grindex_cache_free(hy_grindex_cache *c) {
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->reader_stop = true;
    bool joined = c->reader_started;
    pthread_cond_signal(&c->later_cv);
    pthread_mutex_unlock(&c->mu);
    if (joined) pthread_join(c->reader, NULL);
    pthread_cond_destroy(&c->later_cv);
    hy_vcache_free(c->vc);
    pthread_cond_destroy(&c->read_cv[0]);
    pthread_cond_destroy(&c->read_cv[1]);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
