/* spindex_time.c — the in-memory spatial index of the groups (src/domain/spindex.c) on the
 * benchmark data, without HTTP.
 *
 *   bench_spindex scale GROUPS.csv POINTS.tsv [--sizes N,N,…] [--queries N] [--rounds N]
 *       For each size: builds the index over the first N groups of the file (the generator
 *       draws every group alike, so the first N are a sample of the same places), then times
 *       nearest-10 queries at the points of POINTS.tsv (people look near where they live),
 *       nearest-10 within 5 km, and a map view (a box of 0.5° x 0.3° around the point, limit
 *       500). Prints build time, bytes (and per group), the CPU time a query and queries/s of
 *       each round, and the latency percentiles (wall clock) over all rounds, one thread.
 *   bench_spindex answers DBURL POINTS.tsv [--queries N]
 *       Reads every approved group of a loaded store (by id), builds the index, and measures
 *       what the bytes of a nearest-10 answer cost when kept in memory in three forms — the
 *       JSON fragments as they are, each fragment deflated with a shared preset dictionary,
 *       and fields interned (a per-field dictionary for fields with few distinct values, the
 *       id as 16 bytes, numbers as 4-bit digits) — against reading the rows from the store
 *       and writing them as the server does (hy_group_json_write). Every form's answers are
 *       compared byte for byte with the store's.
 *
 * GROUPS.csv and POINTS.tsv are what bench/datasets.mjs writes (no quoted CSV fields).
 * Build: cmake --build build --target bench_spindex (the binary is build/tests/bench_spindex).
 * Progress goes to stderr, the tables to stdout. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "clock.h"
#include "api/api.h"
#include "domain/area.h"
#include "domain/geo.h"
#include "domain/spindex.h"
#include "store/groups.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/jsonw.h"

static double pct(const double *sorted, size_t n, double p) {
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

/* ---- query points ---- */

struct points {
    double *lat, *lon;
    size_t n;
};

static void read_points(const char *path, struct points *p) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 0;
    char line[256];
    memset(p, 0, sizeof *p);
    while (fgets(line, sizeof line, f)) {
        char *end;
        double la = strtod(line, &end), lo;
        if (end == line || *end != '\t') continue;
        lo = strtod(end + 1, NULL);
        if (p->n == cap) {
            cap = cap ? cap * 2 : 4096;
            p->lat = xrealloc(p->lat, cap * sizeof *p->lat);
            p->lon = xrealloc(p->lon, cap * sizeof *p->lon);
        }
        p->lat[p->n] = la;
        p->lon[p->n++] = lo;
    }
    fclose(f);
    if (!p->n) {
        fprintf(stderr, "%s: no points\n", path);
        exit(1);
    }
}

enum qkind { Q_NEAR10, Q_RADIUS, Q_MAP, Q__N };
static const char *const qkind_name[Q__N] = {"nearest 10", "nearest 10 within 5 km",
                                             "map view 0.5°x0.3°, limit 500"};

static void make_query(const struct points *p, size_t i, enum qkind k, struct hy_spindex_query *q) {
    memset(q, 0, sizeof *q);
    q->lat = p->lat[i % p->n];
    q->lon = p->lon[i % p->n];
    q->limit = 10;
    if (k == Q_RADIUS) q->radius_m = 5000;
    if (k == Q_MAP) {
        q->limit = 500;
        q->has_box = true;
        q->box.min_lat = fmax(-90, q->lat - 0.15);
        q->box.max_lat = fmin(90, q->lat + 0.15);
        q->box.min_lon = q->lon - 0.25 < -180 ? q->lon - 0.25 + 360 : q->lon - 0.25;
        q->box.max_lon = q->lon + 0.25 > 180 ? q->lon + 0.25 - 360 : q->lon + 0.25;
    }
}

/* ---- scale ---- */

struct csvgroups {
    struct hy_spindex_rec *r;
    size_t n;
};

/* The bench CSV: a header naming lat, lon and radius_km; no quoted fields. */
static void read_csv(const char *path, size_t max, struct csvgroups *g) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        exit(1);
    }
    char line[4096];
    int clat = -1, clon = -1, crad = -1;
    if (!fgets(line, sizeof line, f)) exit(1);
    line[strcspn(line, "\r\n")] = '\0';
    int col = 0;
    for (char *s = line, *comma;; s = comma + 1, col++) {
        comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == 3 && !strncmp(s, "lat", 3)) clat = col;
        if (len == 3 && !strncmp(s, "lon", 3)) clon = col;
        if (len == 9 && !strncmp(s, "radius_km", 9)) crad = col;
        if (!comma) break;
    }
    if (clat < 0 || clon < 0) {
        fprintf(stderr, "%s: no lat and lon columns\n", path);
        exit(1);
    }
    size_t cap = 0;
    double t0 = now_us();
    memset(g, 0, sizeof *g);
    while (g->n < max && fgets(line, sizeof line, f)) {
        double lat = NAN, lon = NAN, rad = 0;
        col = 0;
        for (char *s = line, *comma;; s = comma + 1, col++) {
            comma = strchr(s, ',');
            if (col == clat) lat = strtod(s, NULL);
            if (col == clon) lon = strtod(s, NULL);
            if (col == crad && *s >= '0' && *s <= '9') rad = strtod(s, NULL);
            if (!comma) break;
        }
        if (!hy_geo_valid(lat, lon)) continue;
        if (g->n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            g->r = xrealloc(g->r, cap * sizeof *g->r);
        }
        struct hy_spindex_rec *r = &g->r[g->n++];
        *r = (struct hy_spindex_rec){.lat = lat, .lon = lon, .area_kind = "none"};
        if (rad > 0) {
            r->area_kind = "radius";
            r->radius_m = rad * 1000;
            hy_cap_bbox(lat, lon, r->radius_m, &r->area_box);
        }
        if (g->n % 1000000 == 0)
            fprintf(stderr, "  read %zu groups (%.0f s)\n", g->n, (now_us() - t0) / 1e6);
    }
    fclose(f);
}

static void time_queries(const hy_spindex *ix, const struct points *p, enum qkind k, size_t nq,
                         int rounds, size_t offset) {
    struct hy_spindex_hit *hits = xmalloc(HY_SPINDEX_LIMIT_MAX * sizeof *hits);
    double *us = xmalloc(nq * (size_t)rounds * sizeof *us);
    double qps[16] = {0}, cpu[16] = {0};
    size_t found = 0;
    for (int r = 0; r < rounds && r < 16; r++) {
        double t0 = now_us(), c0 = cpu_us();
        for (size_t i = 0; i < nq; i++) {
            struct hy_spindex_query q;
            make_query(p, offset + i * 7919, k, &q);
            double s = now_us();
            int n = hy_spindex_near(ix, &q, hits);
            us[(size_t)r * nq + i] = now_us() - s;
            if (n < 0) {
                fprintf(stderr, "query failed: %d\n", n);
                exit(1);
            }
            found += (size_t)n;
        }
        qps[r] = (double)nq / ((now_us() - t0) / 1e6);
        cpu[r] = (cpu_us() - c0) / (double)nq;
    }
    size_t all = nq * (size_t)rounds;
    qsort(us, all, sizeof *us, cmp_double);
    double lo = qps[0], hi = qps[0], clo = cpu[0], chi = cpu[0];
    for (int r = 1; r < rounds; r++) {
        lo = fmin(lo, qps[r]);
        hi = fmax(hi, qps[r]);
        clo = fmin(clo, cpu[r]);
        chi = fmax(chi, cpu[r]);
    }
    printf("| %s | %.2f–%.2f | %.0f–%.0f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", qkind_name[k],
           clo, chi, lo, hi, pct(us, all, 0.5), pct(us, all, 0.9), pct(us, all, 0.99),
           pct(us, all, 0.999), (double)found / (double)all);
    free(us);
    free(hits);
}

static int scale(int argc, char **argv) {
    if (argc < 4) return 2;
    size_t sizes[8] = {10000, 100000, 1000000}, nsizes = 3, nq = 200000;
    int rounds = 3;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
            nsizes = 0;
            for (char *s = argv[++i]; *s && nsizes < 8;) {
                char *end;
                sizes[nsizes++] = (size_t)strtoull(s, &end, 10);
                s = *end == ',' ? end + 1 : end;
            }
        } else if (!strcmp(argv[i], "--queries") && i + 1 < argc) {
            nq = (size_t)strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
            rounds = (int)strtol(argv[++i], NULL, 10);
            if (rounds < 1 || rounds > 16) rounds = 3;
        } else {
            return 2;
        }
    }
    size_t max = 0;
    for (size_t i = 0; i < nsizes; i++)
        max = sizes[i] > max ? sizes[i] : max;
    struct points p;
    read_points(argv[3], &p);
    struct csvgroups g;
    fprintf(stderr, "reading %s …\n", argv[2]);
    read_csv(argv[2], max, &g);
    fprintf(stderr, "%zu groups, %zu query points\n", g.n, p.n);
    printf("| groups | build ms | index bytes | bytes a group | RSS growth MB | areas |\n"
           "|---:|---:|---:|---:|---:|---:|\n");
    hy_spindex **ix = xmalloc(nsizes * sizeof *ix);
    for (size_t s = 0; s < nsizes; s++) {
        size_t n = sizes[s] < g.n ? sizes[s] : g.n;
        fprintf(stderr, "building over %zu groups …\n", n);
        long before = rss_kb();
        double t0 = now_us();
        int e = hy_spindex_build(g.r, n, &ix[s], NULL);
        double ms = (now_us() - t0) / 1e3;
        if (e) {
            fprintf(stderr, "build failed: %d\n", e);
            return 1;
        }
        struct hy_spindex_stats st;
        hy_spindex_stats(ix[s], &st);
        printf("| %zu | %.0f | %zu | %.2f | %.1f | %zu |\n", n, ms, st.bytes,
               (double)st.bytes / (double)n, (double)(rss_kb() - before) / 1024.0, st.areas);
    }
    for (size_t s = 0; s < nsizes; s++) {
        size_t n = sizes[s] < g.n ? sizes[s] : g.n;
        printf("\n%zu groups, %d rounds of %zu queries (map view: %zu), one thread:\n\n"
               "| query | CPU µs a query (rounds) | queries/s (rounds) | p50 µs | p90 µs | p99 µs | "
               "p99.9 µs | hits |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
               n, rounds, nq, nq / 20);
        for (int k = 0; k < Q__N; k++) {
            fprintf(stderr, "%zu groups: %s …\n", n, qkind_name[k]);
            time_queries(ix[s], &p, (enum qkind)k, k == Q_MAP ? nq / 20 : nq, rounds, (size_t)k);
        }
        hy_spindex_free(ix[s]);
    }
    free(ix);
    free(g.r);
    free(p.lat);
    free(p.lon);
    return 0;
}

/* ---- answers: the bytes of an answer ---- */

/* The fields hy_group_json_write() writes, in its order; a fragment is split at these keys
 * (searched in turn, so the split is lossless whatever the values hold). */
static const char *const field_key[] = {
    "{\"id\":",         ",\"name\":",      ",\"description\":", ",\"lat\":",
    ",\"lon\":",        ",\"area\":",      ",\"radius_km\":",   ",\"contact\":",
    ",\"languages\":",  ",\"tags\":",      ",\"verified\":",    ",\"demo\":",
    ",\"status\":",     ",\"created_at\":", ",\"updated_at\":"};
#define NFIELDS (sizeof field_key / sizeof field_key[0])

/* Raw fragments: every group's JSON up to its closing brace, one after another. */
struct raw {
    char *data;
    size_t len, cap;
    uint32_t *off; /* off[i]..off[i+1] */
};

/* Each fragment deflated (raw deflate) with one preset dictionary. */
struct zipped {
    unsigned char *data;
    size_t len, cap;
    uint32_t *off;
    unsigned char dict[4096];
    size_t dict_len;
    z_stream z;
};

/* Fields interned: per field either a dictionary of its distinct values (a varint picks one)
 * or the value itself (a varint length, then the bytes; numbers as 4-bit digits). */
struct field_dict {
    char **v;
    uint32_t *len;
    size_t n, cap;
    uint32_t *slot; /* open addressing: index + 1, 0 = empty */
    size_t nslots;
};

struct interned {
    unsigned char *data;
    size_t len, cap;
    uint32_t *off;
    bool dict_mode[NFIELDS];
    struct field_dict dict[NFIELDS];
};

static void put(unsigned char **data, size_t *len, size_t *cap, const void *p, size_t n) {
    if (*len + n > *cap) {
        *cap = (*len + n) * 2 > ((size_t)1 << 20) ? (*len + n) * 3 / 2 : (size_t)1 << 20;
        *data = xrealloc(*data, *cap);
    }
    memcpy(*data + *len, p, n);
    *len += n;
}

static void put_varint(unsigned char **data, size_t *len, size_t *cap, uint64_t v) {
    unsigned char b[10];
    size_t n = 0;
    do {
        b[n++] = (unsigned char)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        v >>= 7;
    } while (v);
    put(data, len, cap, b, n);
}

static uint64_t get_varint(const unsigned char **p) {
    uint64_t v = 0;
    for (int s = 0;; s += 7) {
        unsigned char b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80)) return v;
    }
}

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static uint32_t dict_intern(struct field_dict *d, const char *s, size_t n) {
    if (d->n * 2 >= d->nslots) {
        size_t ns = d->nslots ? d->nslots * 2 : 1024;
        uint32_t *slot = calloc(ns, sizeof *slot);
        if (!slot) exit(1);
        for (size_t i = 0; i < d->n; i++) {
            size_t h = (size_t)hash_bytes(d->v[i], d->len[i]) & (ns - 1);
            while (slot[h]) h = (h + 1) & (ns - 1);
            slot[h] = (uint32_t)i + 1;
        }
        free(d->slot);
        d->slot = slot;
        d->nslots = ns;
    }
    size_t h = (size_t)hash_bytes(s, n) & (d->nslots - 1);
    for (; d->slot[h]; h = (h + 1) & (d->nslots - 1)) {
        uint32_t i = d->slot[h] - 1;
        if (d->len[i] == n && !memcmp(d->v[i], s, n)) return i;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
        d->len = xrealloc(d->len, d->cap * sizeof *d->len);
    }
    d->v[d->n] = xmalloc(n + 1);
    memcpy(d->v[d->n], s, n);
    d->len[d->n] = (uint32_t)n;
    d->slot[h] = (uint32_t)d->n + 1;
    return (uint32_t)d->n++;
}

static size_t dict_bytes(const struct field_dict *d) {
    size_t b = d->nslots * sizeof *d->slot + d->cap * (sizeof *d->v + sizeof *d->len);
    for (size_t i = 0; i < d->n; i++)
        b += d->len[i] + 1;
    return b;
}

/* Splits fragment f (n bytes) into NFIELDS values: val[i], vlen[i]. False when a key is
 * missing (the fragment is then kept whole). */
static bool split_fields(const char *f, size_t n, const char **val, size_t *vlen) {
    const char *p = f, *end = f + n;
    for (size_t i = 0; i < NFIELDS; i++) {
        size_t kl = strlen(field_key[i]);
        if (i == 0) {
            if (n < kl || memcmp(f, field_key[0], kl)) return false;
            p = f + kl;
        } else {
            const char *k = memmem(p, (size_t)(end - p), field_key[i], kl);
            if (!k) return false;
            vlen[i - 1] = (size_t)(k - val[i - 1]);
            p = k + kl;
        }
        val[i] = p;
    }
    vlen[NFIELDS - 1] = (size_t)(end - val[NFIELDS - 1]);
    return true;
}

static int nibble_of(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    return c == '.' ? 10 : c == '-' ? 11 : c == 'e' ? 12 : c == '+' ? 13 : -1;
}

static const char nibble_char[16] = "0123456789.-e+??";

static bool is_hex_id(const char *v, size_t n) {
    if (n != 34 || v[0] != '"' || v[33] != '"') return false;
    for (size_t i = 1; i < 33; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f'))) return false;
    return true;
}

static void interned_add(struct interned *t, const char *f, size_t n) {
    const char *val[NFIELDS];
    size_t vlen[NFIELDS];
    /* A header byte: 1 when the fragment is kept whole (a key was missing). */
    if (!split_fields(f, n, val, vlen)) {
        unsigned char h = 1;
        put(&t->data, &t->len, &t->cap, &h, 1);
        put_varint(&t->data, &t->len, &t->cap, n);
        put(&t->data, &t->len, &t->cap, f, n);
        return;
    }
    unsigned char h = is_hex_id(val[0], vlen[0]) ? 0 : 2;
    put(&t->data, &t->len, &t->cap, &h, 1);
    for (size_t i = 0; i < NFIELDS; i++) {
        if (i == 0 && h == 0) {
            unsigned char id[16];
            for (int k = 0; k < 16; k++) {
                const char *x = val[0] + 1 + 2 * k;
                int hi = x[0] <= '9' ? x[0] - '0' : x[0] - 'a' + 10;
                int lo = x[1] <= '9' ? x[1] - '0' : x[1] - 'a' + 10;
                id[k] = (unsigned char)(hi << 4 | lo);
            }
            put(&t->data, &t->len, &t->cap, id, 16);
            continue;
        }
        if (t->dict_mode[i]) {
            put_varint(&t->data, &t->len, &t->cap, dict_intern(&t->dict[i], val[i], vlen[i]));
            continue;
        }
        bool nib = vlen[i] > 0 && vlen[i] <= 64;
        for (size_t k = 0; k < vlen[i] && nib; k++)
            nib = nibble_of(val[i][k]) >= 0;
        put_varint(&t->data, &t->len, &t->cap, (uint64_t)vlen[i] << 1 | (nib ? 1 : 0));
        if (!nib) {
            put(&t->data, &t->len, &t->cap, val[i], vlen[i]);
            continue;
        }
        for (size_t k = 0; k < vlen[i]; k += 2) {
            int a = nibble_of(val[i][k]), b = k + 1 < vlen[i] ? nibble_of(val[i][k + 1]) : 15;
            unsigned char c = (unsigned char)(a << 4 | b);
            put(&t->data, &t->len, &t->cap, &c, 1);
        }
    }
}

/* Appends group `rec`'s fragment to b. */
static void interned_get(const struct interned *t, uint32_t rec, hy_buf *b) {
    const unsigned char *p = t->data + t->off[rec];
    unsigned char h = *p++;
    if (h == 1) {
        size_t n = (size_t)get_varint(&p);
        hy_buf_append(b, p, n);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < NFIELDS; i++) {
        hy_buf_puts(b, field_key[i]);
        if (i == 0 && h == 0) {
            char id[34];
            id[0] = id[33] = '"';
            for (int k = 0; k < 16; k++) {
                id[1 + 2 * k] = hex[p[k] >> 4];
                id[2 + 2 * k] = hex[p[k] & 15];
            }
            p += 16;
            hy_buf_append(b, id, 34);
            continue;
        }
        if (t->dict_mode[i]) {
            uint64_t k = get_varint(&p);
            hy_buf_append(b, t->dict[i].v[k], t->dict[i].len[k]);
            continue;
        }
        uint64_t x = get_varint(&p);
        size_t n = (size_t)(x >> 1);
        if (!(x & 1)) {
            hy_buf_append(b, p, n);
            p += n;
            continue;
        }
        char s[64];
        for (size_t k = 0; k < n; k++)
            s[k] = nibble_char[k & 1 ? p[k / 2] & 15 : p[k / 2] >> 4];
        hy_buf_append(b, s, n);
        p += (n + 1) / 2;
    }
}

static void zipped_add(struct zipped *z, const char *f, size_t n) {
    deflateReset(&z->z);
    deflateSetDictionary(&z->z, z->dict, (uInt)z->dict_len);
    unsigned char out[65536];
    z->z.next_in = (unsigned char *)(uintptr_t)f;
    z->z.avail_in = (uInt)n;
    z->z.next_out = out;
    z->z.avail_out = sizeof out;
    if (deflate(&z->z, Z_FINISH) != Z_STREAM_END) {
        fprintf(stderr, "deflate failed\n");
        exit(1);
    }
    put(&z->data, &z->len, &z->cap, out, sizeof out - z->z.avail_out);
}

static void zipped_get(struct zipped *z, z_stream *in, uint32_t rec, hy_buf *b) {
    unsigned char out[65536];
    inflateReset(in);
    inflateSetDictionary(in, z->dict, (uInt)z->dict_len); /* raw deflate: before any input */
    in->next_in = z->data + z->off[rec];
    in->avail_in = z->off[rec + 1] - z->off[rec];
    in->next_out = out;
    in->avail_out = sizeof out;
    int r = inflate(in, Z_FINISH);
    if (r != Z_STREAM_END) {
        fprintf(stderr, "inflate failed: %d\n", r);
        exit(1);
    }
    hy_buf_append(b, out, sizeof out - in->avail_out);
}

struct page_ctx {
    const char *after;
    hy_arena *a;
    struct hy_group *g;
    int n;
};

static int page_tx(hy_store *s, void *p) {
    struct page_ctx *c = p;
    c->n = s->ops->groups->list(s, "approved", c->after, 50000, c->a, &c->g);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

struct get_ctx {
    const struct hy_spindex_hit *hits;
    int n;
    char (*ids)[HY_ID_LEN + 1];
    hy_arena *a;
    struct hy_group *g;
};

static int get_tx(hy_store *s, void *p) {
    struct get_ctx *c = p;
    for (int i = 0; i < c->n; i++) {
        int r = s->ops->groups->get(s, c->ids[c->hits[i].rec], c->a, &c->g[i]);
        if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_HARD;
    }
    return HY_DB_ONE;
}

enum form { F_STORE, F_RAW, F_ZIP, F_INTERN, F__N };
static const char *const form_name[F__N] = {"rows read from the store + hy_group_json_write",
                                            "raw fragments in memory",
                                            "deflated fragments (preset dictionary)",
                                            "interned fields"};

struct forms {
    struct raw raw;
    struct zipped zip;
    struct interned in;
    char (*ids)[HY_ID_LEN + 1];
    hy_db *db;
    z_stream inflater;
};

/* The answer body for hits[0..n) in form f, as the server writes it. */
static void answer(struct forms *fs, enum form f, const struct hy_spindex_query *q,
                   const struct hy_spindex_hit *hits, int n, hy_buf *b) {
    hy_buf_reset(b);
    hy_buf_puts(b, "{\"groups\":[");
    if (f == F_STORE) {
        struct get_ctx c = {hits, n, fs->ids, hy_arena_new(0), NULL};
        c.g = hy_arena_zalloc(c.a, ((size_t)n + 1) * sizeof *c.g);
        if (hy_db_run(fs->db, HY_TX_READ, get_tx, &c) < 0) {
            fprintf(stderr, "store read failed\n");
            exit(1);
        }
        for (int i = 0; i < n; i++) {
            if (i) hy_buf_putc(b, ',');
            c.g[i].distance_m = hits[i].distance_m;
            c.g[i].covers = hits[i].covers;
            hy_group_json_write(b, &c.g[i], true);
        }
        hy_arena_free(c.a);
    } else {
        for (int i = 0; i < n; i++) {
            if (i) hy_buf_putc(b, ',');
            uint32_t r = hits[i].rec;
            if (f == F_RAW)
                hy_buf_append(b, fs->raw.data + fs->raw.off[r], fs->raw.off[r + 1] - fs->raw.off[r]);
            else if (f == F_ZIP)
                zipped_get(&fs->zip, &fs->inflater, r, b);
            else
                interned_get(&fs->in, r, b);
            hy_buf_puts(b, ",\"distance_m\":");
            hy_jw_int(b, (int64_t)llround(hits[i].distance_m));
            hy_buf_puts(b, hits[i].covers ? ",\"covers\":true}" : ",\"covers\":false}");
        }
    }
    hy_buf_puts(b, "],\"total\":");
    hy_jw_int(b, n);
    hy_buf_putc(b, '}');
    (void)q;
}

static int answers(int argc, char **argv) {
    if (argc < 4) return 2;
    size_t nq = 20000;
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--queries") && i + 1 < argc) nq = (size_t)strtoull(argv[++i], NULL, 10);
        else return 2;
    }
    struct points p;
    read_points(argv[3], &p);
    struct forms fs;
    memset(&fs, 0, sizeof fs);
    char *err = NULL;
    if (hy_db_open(argv[2], &fs.db, &err) < 0) {
        fprintf(stderr, "%s\n", err ? err : "cannot open the store");
        return 1;
    }
    /* Every approved group, by id: the records of the index and the three forms. */
    size_t n = 0, cap = 0;
    struct hy_spindex_rec *recs = NULL;
    char after[HY_ID_LEN + 1] = "";
    hy_buf frag = HY_BUF_INIT(0);
    double t0 = now_us(), t_raw = 0, t_zip = 0, t_in = 0;
    deflateInit2(&fs.zip.z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    inflateInit2(&fs.inflater, -15);
    size_t sample_fields = 0, distinct_seen[NFIELDS] = {0};
    for (;;) {
        struct page_ctx c = {after, hy_arena_new((size_t)1 << 30), NULL, 0};
        if (hy_db_run(fs.db, HY_TX_READ, page_tx, &c) < 0) {
            fprintf(stderr, "reading groups failed\n");
            return 1;
        }
        if (c.n == 0) {
            hy_arena_free(c.a);
            break;
        }
        if (n == 0) {
            /* The first page decides: the preset dictionary (the texts of 2,000 fragments
             * spread over the page, the last 4 KiB: a larger one compresses little better and
             * costs its size again for every fragment encoded) and which fields get a
             * dictionary (fewer distinct values than a quarter of the rows). */
            hy_buf s = HY_BUF_INIT(0);
            for (int i = 0; i < c.n; i += c.n / 2000 + 1) {
                hy_group_json_write(&s, &c.g[i], false);
                s.len--; /* the closing brace */
            }
            fs.zip.dict_len = s.len < sizeof fs.zip.dict ? s.len : sizeof fs.zip.dict;
            memcpy(fs.zip.dict, s.data + s.len - fs.zip.dict_len, fs.zip.dict_len);
            hy_buf_free(&s);
            for (size_t f = 0; f < NFIELDS; f++)
                fs.in.dict_mode[f] = true;
            for (int i = 0; i < c.n; i++) {
                hy_buf_reset(&frag);
                hy_group_json_write(&frag, &c.g[i], false);
                const char *val[NFIELDS];
                size_t vlen[NFIELDS];
                if (!split_fields(frag.data, frag.len - 1, val, vlen)) continue;
                sample_fields++;
                for (size_t f = 0; f < NFIELDS; f++)
                    dict_intern(&fs.in.dict[f], val[f], vlen[f]);
            }
            for (size_t f = 0; f < NFIELDS; f++) {
                distinct_seen[f] = fs.in.dict[f].n;
                fs.in.dict_mode[f] = f > 0 && fs.in.dict[f].n * 4 < sample_fields;
                /* Start empty: what is interned is what the groups use. */
                for (size_t k = 0; k < fs.in.dict[f].n; k++)
                    free(fs.in.dict[f].v[k]);
                free(fs.in.dict[f].v);
                free(fs.in.dict[f].len);
                free(fs.in.dict[f].slot);
                memset(&fs.in.dict[f], 0, sizeof fs.in.dict[f]);
            }
        }
        for (int i = 0; i < c.n; i++) {
            const struct hy_group *g = &c.g[i];
            if (n == cap) {
                cap = cap ? cap * 2 : 1 << 16;
                recs = xrealloc(recs, cap * sizeof *recs);
                fs.ids = xrealloc(fs.ids, cap * sizeof *fs.ids);
                fs.raw.off = xrealloc(fs.raw.off, (cap + 1) * sizeof *fs.raw.off);
                fs.zip.off = xrealloc(fs.zip.off, (cap + 1) * sizeof *fs.zip.off);
                fs.in.off = xrealloc(fs.in.off, (cap + 1) * sizeof *fs.in.off);
            }
            memcpy(fs.ids[n], g->id, sizeof fs.ids[n]);
            recs[n] = (struct hy_spindex_rec){.id = NULL, .lat = g->lat, .lon = g->lon,
                                              .area_kind = g->area_kind, .radius_m = g->radius_m,
                                              .area = g->area ? strdup(g->area) : NULL,
                                              .area_box = g->area_box};
            recs[n].area_kind = !strcmp(g->area_kind, "radius")    ? "radius"
                                : !strcmp(g->area_kind, "polygon") ? "polygon"
                                                                   : "none";
            hy_buf_reset(&frag);
            hy_group_json_write(&frag, g, false);
            size_t len = frag.len - 1; /* without the closing brace */
            double s = now_us();
            fs.raw.off[n] = (uint32_t)fs.raw.len;
            put((unsigned char **)&fs.raw.data, &fs.raw.len, &fs.raw.cap, frag.data, len);
            double s2 = now_us();
            fs.zip.off[n] = (uint32_t)fs.zip.len;
            zipped_add(&fs.zip, frag.data, len);
            double s3 = now_us();
            fs.in.off[n] = (uint32_t)fs.in.len;
            interned_add(&fs.in, frag.data, len);
            double s4 = now_us();
            t_raw += s2 - s;
            t_zip += s3 - s2;
            t_in += s4 - s3;
            n++;
        }
        memcpy(after, c.g[c.n - 1].id, sizeof after);
        hy_arena_free(c.a);
        fprintf(stderr, "  %zu groups read and encoded (%.0f s)\n", n, (now_us() - t0) / 1e6);
    }
    hy_buf_free(&frag);
    if (!n) {
        fprintf(stderr, "the store holds no approved group\n");
        return 1;
    }
    fs.raw.off[n] = (uint32_t)fs.raw.len;
    fs.zip.off[n] = (uint32_t)fs.zip.len;
    fs.in.off[n] = (uint32_t)fs.in.len;
    hy_spindex *ix;
    double tb = now_us();
    if (hy_spindex_build(recs, n, &ix, NULL)) {
        fprintf(stderr, "build failed\n");
        return 1;
    }
    double build_ms = (now_us() - tb) / 1e3;
    struct hy_spindex_stats st;
    hy_spindex_stats(ix, &st);
    size_t dicts = 0;
    for (size_t f = 0; f < NFIELDS; f++)
        dicts += dict_bytes(&fs.in.dict[f]);

    printf("%zu approved groups read from %s in %.1f s; index built in %.0f ms: %zu bytes "
           "(%.2f a group; points %zu, tree %zu, areas %zu)\n\n",
           n, hy_db_backend(fs.db), (tb - t0) / 1e6, build_ms, st.bytes,
           (double)st.bytes / (double)n, st.bytes_points, st.bytes_tree, st.bytes_areas);
    printf("Fields interned (distinct values among the first %zu fragments):", sample_fields);
    for (size_t f = 1; f < NFIELDS; f++)
        printf(" %s%s %zu", field_key[f] + 2, fs.in.dict_mode[f] ? " dict" : "",
               distinct_seen[f]);
    printf("\n\n| form | bytes | bytes a group | encode µs a group |\n|---|---:|---:|---:|\n");
    size_t offs = (n + 1) * sizeof(uint32_t);
    printf("| %s | %zu + %zu offsets | %.1f | %.2f |\n", form_name[F_RAW], fs.raw.len, offs,
           (double)(fs.raw.len + offs) / (double)n, t_raw / (double)n);
    printf("| %s | %zu + %zu offsets + 4 KiB | %.1f | %.2f |\n", form_name[F_ZIP], fs.zip.len,
           offs, (double)(fs.zip.len + offs + fs.zip.dict_len) / (double)n, t_zip / (double)n);
    printf("| %s | %zu + %zu offsets + %zu dictionaries | %.1f | %.2f |\n", form_name[F_INTERN],
           fs.in.len, offs, dicts, (double)(fs.in.len + offs + dicts) / (double)n,
           t_in / (double)n);

    /* Every form gives the store's bytes. */
    struct hy_spindex_hit *hits = xmalloc(HY_SPINDEX_LIMIT_MAX * sizeof *hits);
    hy_buf want = HY_BUF_INIT(0), got = HY_BUF_INIT(0);
    size_t checked = nq < 1000 ? nq : 1000, bytes = 0;
    for (size_t i = 0; i < checked; i++) {
        struct hy_spindex_query q;
        make_query(&p, i * 7919, i % 2 ? Q_NEAR10 : Q_MAP, &q);
        int k = hy_spindex_near(ix, &q, hits);
        answer(&fs, F_STORE, &q, hits, k, &want);
        bytes += want.len;
        for (int f = F_RAW; f < F__N; f++) {
            answer(&fs, (enum form)f, &q, hits, k, &got);
            if (got.len != want.len || memcmp(got.data, want.data, got.len)) {
                fprintf(stderr, "query %zu: %s differs from the store's answer\n", i,
                        form_name[f]);
                return 1;
            }
        }
    }
    printf("\n%zu answers (nearest 10 and map views) identical in every form, %.0f bytes on "
           "average.\n\nA nearest-10 answer at %zu points, one thread (index query + answer "
           "body; CPU time, and wall-clock percentiles):\n\n| form | CPU µs an answer | answers/s "
           "| p50 µs | p99 µs | body µs p50 |\n|---|---:|---:|---:|---:|---:|\n",
           checked, (double)bytes / (double)checked, nq);
    double *us = xmalloc(nq * sizeof *us), *body = xmalloc(nq * sizeof *body);
    for (int f = 0; f < F__N; f++) {
        size_t m = f == F_STORE ? nq / 4 : nq;
        double t1 = now_us(), c1 = cpu_us();
        for (size_t i = 0; i < m; i++) {
            struct hy_spindex_query q;
            make_query(&p, i * 7919 + 1, Q_NEAR10, &q);
            double s = now_us();
            int k = hy_spindex_near(ix, &q, hits);
            double s2 = now_us();
            answer(&fs, (enum form)f, &q, hits, k, &got);
            double s3 = now_us();
            us[i] = s3 - s;
            body[i] = s3 - s2;
        }
        double qps = (double)m / ((now_us() - t1) / 1e6), cpu = (cpu_us() - c1) / (double)m;
        qsort(us, m, sizeof *us, cmp_double);
        qsort(body, m, sizeof *body, cmp_double);
        printf("| %s | %.1f | %.0f | %.1f | %.1f | %.1f |\n", form_name[f], cpu, qps,
               pct(us, m, 0.5), pct(us, m, 0.99), pct(body, m, 0.5));
    }
    free(us);
    free(body);
    free(hits);
    hy_buf_free(&want);
    hy_buf_free(&got);
    hy_spindex_free(ix);
    for (size_t i = 0; i < n; i++)
        free((char *)(uintptr_t)recs[i].area);
    free(recs);
    free(fs.ids);
    free(fs.raw.data);
    free(fs.raw.off);
    free(fs.zip.data);
    free(fs.zip.off);
    free(fs.in.data);
    free(fs.in.off);
    for (size_t f = 0; f < NFIELDS; f++) {
        for (size_t k = 0; k < fs.in.dict[f].n; k++)
            free(fs.in.dict[f].v[k]);
        free(fs.in.dict[f].v);
        free(fs.in.dict[f].len);
        free(fs.in.dict[f].slot);
    }
    deflateEnd(&fs.zip.z);
    inflateEnd(&fs.inflater);
    free(p.lat);
    free(p.lon);
    hy_db_close(fs.db);
    return 0;
}

static void usage(FILE *f) {
    fputs("Usage:\n"
          "  bench_spindex scale GROUPS.csv POINTS.tsv [--sizes N,N,…] [--queries N] [--rounds N]\n"
          "      build time, bytes and query latency of the groups' spatial index over the\n"
          "      first N groups of a bench/datasets.mjs file (default sizes 10000,100000,1000000;\n"
          "      200000 queries a round, 3 rounds)\n"
          "  bench_spindex answers DBURL POINTS.tsv [--queries N]\n"
          "      every approved group of a loaded store: the index, and the bytes and time of\n"
          "      nearest-10 answers kept in memory in three forms against reading the store\n"
          "      (default 20000 queries)\n",
          f);
}

int main(int argc, char **argv) {
    int r = 2;
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "scale")) r = scale(argc, argv);
    else if (argc >= 2 && !strcmp(argv[1], "answers")) r = answers(argc, argv);
    if (r == 2) usage(stderr);
    return r;
}
