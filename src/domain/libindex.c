/* libindex.c — the in-memory search index of the published library documents (libindex.h).
 *
 * Layout. Documents are numbered 0 … ndocs-1 in id order. Each facet (and the language) has an
 * interning table of its distinct values; a document keeps a uint16_t value number per
 * single-valued facet (NONE when it has no value) and a run of theme numbers. The vocabulary
 * is an interning table of every word of tokens, tok_title, tok_tags and tok_summary, with an
 * array of word numbers in byte order of the words (so the words starting with a query word
 * are one range, found by binary search). Each word has a posting list: for each document
 * holding it, in document order, the varint of (gap << 4 | mask), gap = document number + 1
 * minus the previous one's (the first: minus 0), mask = P_ANY | P_TITLE | P_TAGS | P_SUMMARY.
 *
 * A search ORs the postings of each query word's range into a byte per document, then walks
 * the documents once: match (every word has P_ANY), score (4·title + 2·tags + 1·summary per
 * word, as library.c's score_row), the language and covid filters, the facet filters with
 * disjunctive counting exactly as hy_lib_search() (a document failing exactly one facet counts
 * in that facet only), and a bounded heap keeps the best offset+limit hits in library.c's cmp_hit
 * order (relevance: score; year: year; then sort_at newest first, then id).
 *
 * What a result shows. Each document's title, summary and body text, joined by NULs, are
 * deflated (raw deflate) against one dictionary of up to DICT_MAX bytes taken from the first
 * documents added, and kept one after the other in chunks of CHUNK_BYTES: the document's record
 * (rec[d]: a chunk number, an offset and a length) is its plain length as a varint, then the
 * deflated bytes. Short texts deflate poorly alone; with the shared dictionary the common words
 * and phrases of the library are back-references. Its origin (an interned number) and
 * published_at sit in arrays beside. A page inflates only its own documents.
 *
 * A rebuild after a change shares the texts: the chunks are reference-counted, and a document
 * whose record is unchanged points into the previous index's chunk instead of a copy, so the old
 * and the new index hold the texts once between them while the new one is built. A shared chunk
 * that has become mostly records no document uses any more (changed or deleted documents) is
 * not shared but its live records copied, so the waste stays under half a chunk's bytes. */
#include "domain/libindex.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define P_ANY 1u
#define P_TITLE 2u
#define P_TAGS 4u
#define P_SUMMARY 8u

#define NONE 0xFFFFu
#define MAX_VALUES 0xFFFEu
#define NLANG HY_LIB_F__COUNT /* the language's table follows the facets' */
#define NTABLES (HY_LIB_F__COUNT + 1)
#define MAX_DOCS (1u << 27) /* (gap << 4 | mask) stays within 32 bits */
#define DICT_MAX 16384     /* bytes of the texts' shared deflate dictionary */
#define CHUNK_BYTES (1u << 20) /* bytes of a text chunk (a longer record gets its own) */

/* ---------------------------------------------------------------- interning */

struct intern {
    char *text; /* NUL-terminated strings, one after the other */
    size_t text_len, text_cap;
    uint32_t *off; /* value number → offset in text */
    uint32_t n, cap;
    uint32_t *slots; /* open addressing: value number + 1, 0 = empty */
    uint32_t nslots; /* a power of two, or 0 */
};

static uint32_t fnv_hash(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static const char *intern_str(const struct intern *t, uint32_t id) { return t->text + t->off[id]; }

static long intern_find(const struct intern *t, const char *s, size_t n) {
    if (!t->nslots) return -1;
    uint32_t mask = t->nslots - 1;
    for (uint32_t i = fnv_hash(s, n) & mask;; i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v) return -1;
        const char *w = intern_str(t, v - 1);
        if (!memcmp(w, s, n) && w[n] == '\0') return (long)(v - 1);
    }
}

static int intern_grow_slots(struct intern *t) {
    uint32_t ns = t->nslots ? t->nslots * 2 : 64;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots) return -ENOMEM;
    for (uint32_t id = 0; id < t->n; id++) {
        const char *w = intern_str(t, id);
        uint32_t i = fnv_hash(w, strlen(w)) & (ns - 1);
        while (slots[i]) i = (i + 1) & (ns - 1);
        slots[i] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    return 0;
}

/* The number of s[0..n), added when new. -ENOMEM, or -EINVAL past `max` values. */
static long intern_add(struct intern *t, const char *s, size_t n, uint32_t max) {
    long id = intern_find(t, s, n);
    if (id >= 0) return id;
    if (t->n >= max) return -EINVAL;
    if ((size_t)(t->n + 1) * 2 > t->nslots && intern_grow_slots(t) < 0) return -ENOMEM;
    if (t->text_len + n + 1 > t->text_cap) {
        size_t nc = t->text_cap ? t->text_cap * 2 : 4096;
        while (nc < t->text_len + n + 1) nc *= 2;
        if (nc > UINT32_MAX) return -ENOMEM;
        char *nt = realloc(t->text, nc);
        if (!nt) return -ENOMEM;
        t->text = nt;
        t->text_cap = nc;
    }
    if (t->n == t->cap) {
        uint32_t nc = t->cap ? t->cap * 2 : 64;
        uint32_t *no = realloc(t->off, nc * sizeof *no);
        if (!no) return -ENOMEM;
        t->off = no;
        t->cap = nc;
    }
    memcpy(t->text + t->text_len, s, n);
    t->text[t->text_len + n] = '\0';
    t->off[t->n] = (uint32_t)t->text_len;
    t->text_len += n + 1;
    uint32_t mask = t->nslots - 1;
    uint32_t i = fnv_hash(s, n) & mask;
    while (t->slots[i]) i = (i + 1) & mask;
    t->slots[i] = t->n + 1;
    return (long)t->n++;
}

static void intern_free(struct intern *t) {
    free(t->text);
    free(t->off);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static size_t intern_bytes(const struct intern *t) {
    return t->text_cap + (size_t)t->cap * sizeof *t->off + (size_t)t->nslots * sizeof *t->slots;
}

/* ---------------------------------------------------------------- the index */

/* What a search reads of one document, in one place (32 bytes: a search touches one cache
 * line per candidate, not one per field). */
struct ixdoc {
    int64_t sort_at;
    int32_t year;
    uint32_t theme_off;    /* its themes: themes[theme_off … theme_off + nthemes) */
    uint16_t val[NTABLES]; /* value number per single-valued facet and the language, or NONE */
    uint8_t covid, nthemes;
};

/* A piece of the texts, shared by the indexes whose records are in it. */
struct chunk {
    _Atomic unsigned refs;
    uint32_t len, cap; /* bytes written, bytes allocated */
    uint8_t data[];
};

/* Where a document's record is. */
struct recref {
    uint32_t chunk, off, len;
};

struct hy_libindex {
    _Atomic unsigned refs;
    int64_t version;
    size_t ndocs;
    char (*ids)[HY_ID_LEN + 1];
    struct ixdoc *docs;
    uint16_t *themes;
    struct intern values[NTABLES];
    /* vocabulary */
    struct intern words;  /* slots freed once built */
    uint32_t *sorted;     /* word numbers in byte order of the words */
    size_t *post_off;     /* by word number: its postings are post[post_off[w] … post_end[w]) */
    uint32_t *post_len;
    uint8_t *post;
    size_t post_bytes;
    size_t bytes;
    hy_synonyms *synonyms; /* the synonym list at the same version, or NULL */
    /* what a result shows (see the top of the file) */
    struct chunk **chunks; /* one reference each */
    size_t nchunks;
    struct recref *rec; /* by document */
    size_t text_held, text_shared, text_plain; /* chunks' bytes; of them from the index before */
    int64_t *published_at;
    uint8_t *origin;
    struct intern origins;
    size_t text_reused; /* records taken over from the index built before */
    unsigned char dict[DICT_MAX];
    size_t dict_len;
};

struct plist {
    uint8_t *buf;
    uint32_t len, cap;
    uint32_t last; /* number + 1 of the last document appended, 0 = none */
    uint32_t cur;  /* number + 1 of the document being added, 0 = none */
    uint8_t mask;
};

struct hy_libindex_builder {
    hy_libindex *ix;
    size_t cap_docs, cap_themes, nthemes;
    struct plist *pl;
    size_t cap_pl;
    uint32_t *dw; /* the words of the document being added */
    size_t ndw, cap_dw;
    size_t cap_chunks;
    uint32_t own; /* number + 1 of the chunk being filled, 0 = none */
    uint32_t *prev_map; /* the previous index's chunk number → this one's number + 1 (0 = none) */
    char *plain; /* one document's record before deflating */
    size_t cap_plain;
    uint8_t *out; /* … and after */
    size_t cap_out;
    z_stream zs;
    bool zs_ready, dict_done;
    hy_libindex *prev; /* the index this one follows (its dictionary and unchanged records) */
    size_t prev_at;    /* a cursor over its documents (both in id order) */
    char *old;         /* one of its records, inflated to compare */
    size_t cap_old;
    size_t reused;
    bool failed;
};

static void chunk_release(struct chunk *c) {
    if (c && atomic_fetch_sub(&c->refs, 1) == 1) free(c);
}

static void ix_free(hy_libindex *ix) {
    if (!ix) return;
    free(ix->ids);
    free(ix->docs);
    for (int k = 0; k < NTABLES; k++) intern_free(&ix->values[k]);
    free(ix->themes);
    intern_free(&ix->words);
    free(ix->sorted);
    free(ix->post_off);
    free(ix->post_len);
    free(ix->post);
    hy_synonyms_free(ix->synonyms);
    for (size_t i = 0; i < ix->nchunks; i++) chunk_release(ix->chunks[i]);
    free(ix->chunks);
    free(ix->rec);
    free(ix->published_at);
    free(ix->origin);
    intern_free(&ix->origins);
    free(ix);
}

hy_libindex *hy_libindex_retain(hy_libindex *ix) {
    if (ix) atomic_fetch_add(&ix->refs, 1);
    return ix;
}

void hy_libindex_release(hy_libindex *ix) {
    if (ix && atomic_fetch_sub(&ix->refs, 1) == 1) ix_free(ix);
}

int64_t hy_libindex_version(const hy_libindex *ix) { return ix->version; }
size_t hy_libindex_docs(const hy_libindex *ix) { return ix->ndocs; }
size_t hy_libindex_words(const hy_libindex *ix) { return ix->words.n; }
size_t hy_libindex_bytes(const hy_libindex *ix) { return ix->bytes; }
size_t hy_libindex_text_bytes(const hy_libindex *ix) { return ix->text_held + ix->dict_len; }
size_t hy_libindex_text_shared(const hy_libindex *ix) { return ix->text_shared; }
size_t hy_libindex_text_plain(const hy_libindex *ix) { return ix->text_plain; }
size_t hy_libindex_text_reused(const hy_libindex *ix) { return ix->text_reused; }

void hy_libindex_set_synonyms(hy_libindex *ix, hy_synonyms *syn) {
    hy_synonyms_free(ix->synonyms);
    ix->synonyms = syn;
}

const hy_synonyms *hy_libindex_synonyms(const hy_libindex *ix) { return ix->synonyms; }

hy_libindex_builder *hy_libindex_builder_new(void) {
    hy_libindex_builder *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->ix = calloc(1, sizeof *b->ix);
    if (!b->ix) {
        free(b);
        return NULL;
    }
    atomic_init(&b->ix->refs, 1);
    return b;
}

void hy_libindex_builder_follow(hy_libindex_builder *b, hy_libindex *prev) {
    if (!b || !prev || b->dict_done || b->ix->ndocs) return;
    b->prev_map = calloc(prev->nchunks ? prev->nchunks : 1, sizeof *b->prev_map);
    if (!b->prev_map) return; /* then no record is shared: only memory is lost */
    b->prev = hy_libindex_retain(prev);
    memcpy(b->ix->dict, prev->dict, prev->dict_len);
    b->ix->dict_len = prev->dict_len;
    b->dict_done = true;
}


void hy_libindex_builder_free(hy_libindex_builder *b) {
    if (!b) return;
    for (size_t i = 0; b->pl && i < b->cap_pl; i++) free(b->pl[i].buf);
    free(b->pl);
    free(b->dw);
    free(b->plain);
    free(b->out);
    free(b->old);
    free(b->prev_map);
    hy_libindex_release(b->prev);
    if (b->zs_ready) deflateEnd(&b->zs);
    ix_free(b->ix);
    free(b);
}

#define GROW(ptr, need, cap, init)                                                                 \
    do {                                                                                           \
        if ((need) > (cap)) {                                                                      \
            size_t nc_ = (cap) ? (cap) : (init);                                                   \
            while (nc_ < (need)) nc_ *= 2;                                                         \
            void *np_ = realloc((ptr), nc_ * sizeof *(ptr));                                       \
            if (!np_) return -ENOMEM;                                                              \
            (ptr) = np_;                                                                           \
            (cap) = nc_;                                                                           \
        }                                                                                          \
    } while (0)

static int grow_docs(hy_libindex_builder *b, size_t need) {
    if (need <= b->cap_docs) return 0;
    hy_libindex *ix = b->ix;
    size_t nc = b->cap_docs ? b->cap_docs * 2 : 1024;
    while (nc < need) nc *= 2;
#define RE(field)                                                                                  \
    do {                                                                                           \
        void *p_ = realloc(ix->field, nc * sizeof *ix->field);                                     \
        if (!p_) return -ENOMEM;                                                                   \
        ix->field = p_;                                                                            \
    } while (0)
    RE(ids);
    RE(docs);
    RE(rec);
    RE(published_at);
    RE(origin);
#undef RE
    b->cap_docs = nc;
    return 0;
}

/* A facet value's number, NONE for NULL (and for "" where `empty_none`). */
static long value_of(hy_libindex *ix, int k, const char *v, bool empty_none) {
    if (!v || (empty_none && !*v)) return NONE;
    return intern_add(&ix->values[k], v, strlen(v), MAX_VALUES);
}

/* Notes each word of the space-separated `toks` for the document being added. */
static int add_words(hy_libindex_builder *b, const char *toks, uint8_t bit, uint32_t doc1) {
    if (!toks) return 0;
    const char *p = toks;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            long id = intern_add(&b->ix->words, p, n, UINT32_MAX - 1);
            if (id < 0) return (int)id;
            if ((size_t)id >= b->cap_pl) {
                size_t nc = b->cap_pl ? b->cap_pl * 2 : 4096;
                while (nc <= (size_t)id) nc *= 2;
                struct plist *np = realloc(b->pl, nc * sizeof *np);
                if (!np) return -ENOMEM;
                memset(np + b->cap_pl, 0, (nc - b->cap_pl) * sizeof *np);
                b->pl = np;
                b->cap_pl = nc;
            }
            struct plist *pl = &b->pl[id];
            if (pl->cur != doc1) {
                pl->cur = doc1;
                pl->mask = 0;
                GROW(b->dw, b->ndw + 1, b->cap_dw, 256);
                b->dw[b->ndw++] = (uint32_t)id;
            }
            pl->mask |= bit;
        }
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static int put_varint(struct plist *pl, uint32_t v) {
    if (pl->len + 5 > pl->cap) {
        uint32_t nc = pl->cap ? pl->cap * 2 : 8;
        uint8_t *nb = realloc(pl->buf, nc);
        if (!nb) return -ENOMEM;
        pl->buf = nb;
        pl->cap = nc;
    }
    while (v >= 0x80) {
        pl->buf[pl->len++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    pl->buf[pl->len++] = (uint8_t)v;
    return 0;
}

/* Document d's record: its bytes, and their number in *ret_len. */
static const uint8_t *record_bytes(const hy_libindex *ix, size_t d, size_t *ret_len) {
    const struct recref *r = &ix->rec[d];
    *ret_len = r->len;
    return ix->chunks[r->chunk]->data + r->off;
}

/* The plain length of document d's record and where its deflated bytes start. */
static uint32_t record_head(const hy_libindex *ix, size_t d, const uint8_t **ret_p) {
    size_t len;
    const uint8_t *p = record_bytes(ix, d, &len), *end = p + len;
    uint32_t plain = 0;
    for (int shift = 0; p < end && shift < 35; shift += 7) {
        uint8_t c = *p++;
        plain |= (uint32_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) break;
    }
    *ret_p = p;
    return plain;
}

/* Inflates document d's record into out (room for its plain length). 0 or -EIO. */
static int inflate_record(const hy_libindex *ix, size_t d, char *out) {
    const uint8_t *p;
    uint32_t plain = record_head(ix, d, &p);
    size_t len;
    const uint8_t *end = record_bytes(ix, d, &len) + len;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK) return -EIO;
    int zr = ix->dict_len ? inflateSetDictionary(&zs, ix->dict, (uInt)ix->dict_len) : Z_OK;
    if (zr == Z_OK) {
        zs.next_in = (Bytef *)p;
        zs.avail_in = (uInt)(end - p);
        zs.next_out = (Bytef *)out;
        zs.avail_out = plain;
        zr = inflate(&zs, Z_FINISH);
    }
    bool ok = zr == Z_STREAM_END && zs.total_out == plain;
    inflateEnd(&zs);
    return ok ? 0 : -EIO;
}

/* The number of the previous index's document `id` when that document's record is exactly
 * b->plain[0..n); -1 otherwise. */
static long reusable(hy_libindex_builder *b, const char *id, size_t n) {
    const hy_libindex *pv = b->prev;
    if (!pv) return -1;
    while (b->prev_at < pv->ndocs && strcmp(pv->ids[b->prev_at], id) < 0) b->prev_at++;
    if (b->prev_at >= pv->ndocs || strcmp(pv->ids[b->prev_at], id)) return -1;
    size_t d = b->prev_at;
    const uint8_t *p;
    if (record_head(pv, d, &p) != n) return -1;
    if (n + 1 > b->cap_old) {
        char *nb = realloc(b->old, n + 1);
        if (!nb) return -1;
        b->old = nb;
        b->cap_old = n + 1;
    }
    if (inflate_record(pv, d, b->old) < 0 || memcmp(b->old, b->plain, n)) return -1;
    return (long)d;
}

/* Appends chunk c (whose reference the index takes over) to the index's chunks: its number. */
static long add_chunk(hy_libindex_builder *b, struct chunk *c) {
    hy_libindex *ix = b->ix;
    if (ix->nchunks >= UINT32_MAX - 1) return -EINVAL;
    if (ix->nchunks == b->cap_chunks) {
        size_t nc = b->cap_chunks ? b->cap_chunks * 2 : 64;
        struct chunk **np = realloc(ix->chunks, nc * sizeof(struct chunk *));
        if (!np) return -ENOMEM;
        ix->chunks = np;
        b->cap_chunks = nc;
    }
    ix->chunks[ix->nchunks] = c;
    return (long)ix->nchunks++;
}

/* Copies a record of len bytes into the chunk being filled (a new one when it is full): *ret. */
static int store_own(hy_libindex_builder *b, const uint8_t *bytes, size_t len, struct recref *ret) {
    hy_libindex *ix = b->ix;
    struct chunk *c = b->own ? ix->chunks[b->own - 1] : NULL;
    if (!c || c->cap - c->len < len) {
        if (len > UINT32_MAX - sizeof *c) return -EINVAL;
        uint32_t cap = len > CHUNK_BYTES ? (uint32_t)len : CHUNK_BYTES;
        struct chunk *nc = malloc(sizeof *nc + cap);
        if (!nc) return -ENOMEM;
        atomic_init(&nc->refs, 1);
        nc->len = 0;
        nc->cap = cap;
        long no = add_chunk(b, nc);
        if (no < 0) {
            free(nc);
            return (int)no;
        }
        b->own = (uint32_t)no + 1;
        ix->text_held += sizeof *nc + cap;
        c = nc;
    }
    memcpy(c->data + c->len, bytes, len);
    *ret = (struct recref){b->own - 1, c->len, (uint32_t)len};
    c->len += (uint32_t)len;
    return 0;
}

/* Points *ret at the previous index's record of its document pd, sharing its chunk. */
static int share_record(hy_libindex_builder *b, size_t pd, struct recref *ret) {
    const hy_libindex *pv = b->prev;
    const struct recref *r = &pv->rec[pd];
    if (!b->prev_map[r->chunk]) {
        struct chunk *c = pv->chunks[r->chunk];
        atomic_fetch_add(&c->refs, 1);
        long no = add_chunk(b, c);
        if (no < 0) {
            chunk_release(c);
            return (int)no;
        }
        b->prev_map[r->chunk] = (uint32_t)no + 1;
        b->ix->text_held += sizeof *c + c->cap;
        b->ix->text_shared += sizeof *c + c->cap;
    }
    *ret = (struct recref){b->prev_map[r->chunk] - 1, r->off, r->len};
    return 0;
}

/* One document's record: title NUL summary NUL body text (no NUL at the end) in b->plain.
 * Its length, or -ENOMEM. */
static long record(hy_libindex_builder *b, const struct hy_lib_row *r) {
    const char *part[3] = {r->title ? r->title : "", r->summary ? r->summary : "",
                           r->body_text ? r->body_text : ""};
    size_t len[3], n = 2;
    for (int i = 0; i < 3; i++) n += len[i] = strlen(part[i]);
    if (n > (size_t)INT32_MAX) return -EINVAL;
    GROW(b->plain, n + 1, b->cap_plain, 4096);
    size_t at = 0;
    for (int i = 0; i < 3; i++) {
        memcpy(b->plain + at, part[i], len[i]);
        at += len[i];
        if (i < 2) b->plain[at++] = '\0';
    }
    return (long)n;
}

/* The shared dictionary: the records of the first rows added, the last of them nearest its
 * end (deflate finds near matches cheaper). */
static int make_dict(hy_libindex_builder *b, const struct hy_lib_row *rows, size_t n) {
    hy_libindex *ix = b->ix;
    b->dict_done = true;
    for (size_t i = 0; i < n && ix->dict_len < DICT_MAX; i++) {
        long len = record(b, &rows[i]);
        if (len < 0) return (int)len;
        size_t take = (size_t)len < DICT_MAX - ix->dict_len ? (size_t)len : DICT_MAX - ix->dict_len;
        memcpy(ix->dict + ix->dict_len, b->plain, take);
        ix->dict_len += take;
    }
    return 0;
}

static int add_text(hy_libindex_builder *b, const struct hy_lib_row *r, size_t d) {
    hy_libindex *ix = b->ix;
    long n = record(b, r);
    if (n < 0) return (int)n;
    long same = reusable(b, r->id, (size_t)n);
    if (same >= 0) { /* unchanged since the previous index: its deflated bytes, shared */
        b->reused++;
        int rc = share_record(b, (size_t)same, &ix->rec[d]);
        if (rc < 0) return rc;
        goto stored;
    }
    if (!b->zs_ready) {
        memset(&b->zs, 0, sizeof b->zs);
        if (deflateInit2(&b->zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -ENOMEM;
        b->zs_ready = true;
    } else if (deflateReset(&b->zs) != Z_OK) {
        return -ENOMEM;
    }
    if (ix->dict_len && deflateSetDictionary(&b->zs, ix->dict, (uInt)ix->dict_len) != Z_OK)
        return -ENOMEM;
    size_t bound = deflateBound(&b->zs, (uLong)n) + 16;
    GROW(b->out, bound, b->cap_out, 4096);
    size_t at = 0; /* the plain length as a varint */
    for (uint32_t v = (uint32_t)n; ; v >>= 7) {
        b->out[at++] = (uint8_t)(v >= 0x80 ? (v & 0x7F) | 0x80 : v);
        if (v < 0x80) break;
    }
    b->zs.next_in = (Bytef *)b->plain;
    b->zs.avail_in = (uInt)n;
    b->zs.next_out = b->out + at;
    b->zs.avail_out = (uInt)(bound - at);
    if (deflate(&b->zs, Z_FINISH) != Z_STREAM_END) return -ENOMEM;
    int rc = store_own(b, b->out, bound - b->zs.avail_out, &ix->rec[d]);
    if (rc < 0) return rc;
stored:
    ix->text_plain += (size_t)n;
    ix->published_at[d] = r->published_at;
    long o = intern_add(&ix->origins, r->origin ? r->origin : "user",
                        strlen(r->origin ? r->origin : "user"), UINT8_MAX);
    if (o < 0) return (int)o;
    ix->origin[d] = (uint8_t)o;
    return 0;
}

static int add_row(hy_libindex_builder *b, const struct hy_lib_row *r) {
    hy_libindex *ix = b->ix;
    size_t d = ix->ndocs;
    if (d >= MAX_DOCS) return -EINVAL;
    if (d && strcmp(ix->ids[d - 1], r->id) >= 0) return -EINVAL;
    int rc = grow_docs(b, d + 1);
    if (rc < 0) return rc;
    memcpy(ix->ids[d], r->id, sizeof ix->ids[d]);
    struct ixdoc *xd = &ix->docs[d];
    memset(xd, 0, sizeof *xd);
    xd->sort_at = r->sort_at;
    xd->year = r->year;
    xd->covid = r->covid ? 1 : 0;
    xd->val[HY_LIB_F_THEME] = NONE;
    char ybuf[16];
    if (r->year > 0) snprintf(ybuf, sizeof ybuf, "%d", r->year);
    const char *single[NTABLES] = {
        [HY_LIB_F_TYPE] = r->type, [HY_LIB_F_COUNTRY] = r->country,
        [HY_LIB_F_LEVEL] = r->level, [HY_LIB_F_YEAR] = r->year > 0 ? ybuf : NULL,
        [HY_LIB_F_STAGE] = r->stage, [NLANG] = r->language};
    for (int k = 0; k < NTABLES; k++) {
        if (k == HY_LIB_F_THEME) continue;
        /* As library.c's facet_value: country, level and stage "" count as none. */
        bool empty_none = k == HY_LIB_F_COUNTRY || k == HY_LIB_F_LEVEL || k == HY_LIB_F_STAGE;
        long v = value_of(ix, k, single[k], empty_none);
        if (v < 0) return (int)v;
        xd->val[k] = (uint16_t)v;
    }
    if (b->nthemes > UINT32_MAX - 256) return -EINVAL;
    xd->theme_off = (uint32_t)b->nthemes;
    const char *p = r->themes ? r->themes : "";
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            long v = intern_add(&ix->values[HY_LIB_F_THEME], p, n, MAX_VALUES);
            if (v < 0) return (int)v;
            if (xd->nthemes == UINT8_MAX) return -EINVAL; /* the index then stays unused */
            xd->nthemes++;
            GROW(ix->themes, b->nthemes + 1, b->cap_themes, 1024);
            ix->themes[b->nthemes++] = (uint16_t)v;
        }
        if (!e) break;
        p = e + 1;
    }
    uint32_t doc1 = (uint32_t)d + 1;
    b->ndw = 0;
    if ((rc = add_words(b, r->tokens, P_ANY, doc1)) < 0 ||
        (rc = add_words(b, r->tok_title, P_TITLE, doc1)) < 0 ||
        (rc = add_words(b, r->tok_tags, P_TAGS, doc1)) < 0 ||
        (rc = add_words(b, r->tok_summary, P_SUMMARY, doc1)) < 0)
        return rc;
    for (size_t i = 0; i < b->ndw; i++) {
        struct plist *pl = &b->pl[b->dw[i]];
        if (put_varint(pl, (doc1 - pl->last) << 4 | pl->mask) < 0) return -ENOMEM;
        pl->last = doc1;
    }
    if ((rc = add_text(b, r, d)) < 0) return rc;
    ix->ndocs = d + 1;
    return 0;
}

int hy_libindex_builder_add(hy_libindex_builder *b, const struct hy_lib_row *rows, size_t n) {
    if (b->failed) return -EINVAL;
    if (!b->dict_done && n && make_dict(b, rows, n) < 0) {
        b->failed = true;
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = add_row(b, &rows[i]);
        if (rc < 0) {
            b->failed = true;
            return rc;
        }
    }
    return 0;
}

/* After the last add: the records of a shared chunk that holds more bytes no document uses
 * than bytes in use are copied into this index's own chunks and the chunk let go (so repeated
 * changes do not keep dead records alive); the chunk being filled gives back its slack. */
static int compact_texts(hy_libindex_builder *b) {
    hy_libindex *ix = b->ix;
    size_t nc = ix->nchunks;
    uint32_t *live = calloc(nc ? nc : 1, sizeof *live);
    if (!live) return -ENOMEM;
    for (size_t d = 0; d < ix->ndocs; d++) live[ix->rec[d].chunk] += ix->rec[d].len;
    size_t dropped = 0;
    for (size_t c = 0; c < nc; c++) {
        if ((size_t)live[c] * 2 >= ix->chunks[c]->len) {
            live[c] = 0; /* kept */
            continue;
        }
        live[c] = 1; /* let go: its live records are copied */
        dropped++;
    }
    for (size_t d = 0; dropped && d < ix->ndocs; d++) {
        if (ix->rec[d].chunk >= nc || !live[ix->rec[d].chunk]) continue;
        size_t len;
        const uint8_t *bytes = record_bytes(ix, d, &len);
        int rc = store_own(b, bytes, len, &ix->rec[d]);
        if (rc < 0) {
            free(live);
            return rc;
        }
    }
    if (dropped) { /* drop them, renumbering the others */
        uint32_t *to = calloc(ix->nchunks, sizeof *to);
        if (!to) {
            free(live);
            return -ENOMEM;
        }
        size_t at = 0;
        for (size_t c = 0; c < ix->nchunks; c++) {
            struct chunk *ch = ix->chunks[c];
            if (c < nc && live[c]) {
                ix->text_held -= sizeof *ch + ch->cap;
                ix->text_shared -= sizeof *ch + ch->cap; /* only shared chunks are let go */
                chunk_release(ch);
                continue;
            }
            to[c] = (uint32_t)at;
            ix->chunks[at++] = ch;
        }
        ix->nchunks = at;
        for (size_t d = 0; d < ix->ndocs; d++) ix->rec[d].chunk = to[ix->rec[d].chunk];
        if (b->own) b->own = to[b->own - 1] + 1;
        free(to);
    }
    free(live);
    struct chunk *own = b->own ? ix->chunks[b->own - 1] : NULL;
    if (own && own->len < own->cap) {
        struct chunk *fit = realloc(own, sizeof *own + own->len);
        if (fit) {
            ix->text_held -= fit->cap - fit->len;
            fit->cap = fit->len;
            ix->chunks[b->own - 1] = fit;
        }
    }
    return 0;
}

static const struct intern *sort_words;

static int cmp_word(const void *x, const void *y) {
    return strcmp(intern_str(sort_words, *(const uint32_t *)x),
                  intern_str(sort_words, *(const uint32_t *)y));
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

hy_libindex *hy_libindex_builder_finish(hy_libindex_builder *b, int64_t version) {
    if (!b) return NULL;
    hy_libindex *ix = b->ix;
    if (b->failed || grow_docs(b, ix->ndocs + 1) < 0) {
        hy_libindex_builder_free(b);
        return NULL;
    }
    ix->version = version;
    if (compact_texts(b) < 0) {
        hy_libindex_builder_free(b);
        return NULL;
    }
    size_t nw = ix->words.n;
    if (nw && !b->pl) { /* every word has its list */
        hy_libindex_builder_free(b);
        return NULL;
    }
    ix->sorted = malloc((nw ? nw : 1) * sizeof *ix->sorted);
    ix->post_off = malloc((nw ? nw : 1) * sizeof *ix->post_off);
    ix->post_len = malloc((nw ? nw : 1) * sizeof *ix->post_len);
    size_t total = 0;
    for (size_t w = 0; w < nw; w++) total += b->pl[w].len;
    ix->post = malloc(total ? total : 1);
    if (!ix->sorted || !ix->post_off || !ix->post_len || !ix->post) {
        hy_libindex_builder_free(b);
        return NULL;
    }
    size_t at = 0;
    for (size_t w = 0; w < nw; w++) {
        ix->sorted[w] = (uint32_t)w;
        ix->post_off[w] = at;
        ix->post_len[w] = b->pl[w].len;
        if (b->pl[w].len) memcpy(ix->post + at, b->pl[w].buf, b->pl[w].len);
        at += b->pl[w].len;
        free(b->pl[w].buf);
        b->pl[w].buf = NULL;
    }
    ix->post_bytes = total;
    pthread_mutex_lock(&sort_lock);
    sort_words = &ix->words;
    if (nw) qsort(ix->sorted, nw, sizeof *ix->sorted, cmp_word);
    sort_words = NULL;
    pthread_mutex_unlock(&sort_lock);
    /* The vocabulary is only searched by range from now on. */
    free(ix->words.slots);
    ix->words.slots = NULL;
    ix->words.nslots = 0;
    size_t bytes = sizeof *ix + b->cap_docs * (sizeof *ix->ids + sizeof *ix->docs +
                                               sizeof *ix->rec + sizeof *ix->published_at +
                                               sizeof *ix->origin) +
                   b->cap_themes * sizeof *ix->themes + ix->text_held +
                   b->cap_chunks * sizeof(struct chunk *) + intern_bytes(&ix->origins);
    for (int k = 0; k < NTABLES; k++) bytes += intern_bytes(&ix->values[k]);
    bytes += intern_bytes(&ix->words) + nw * (sizeof *ix->sorted + sizeof *ix->post_off +
                                             sizeof *ix->post_len) + total;
    ix->bytes = bytes;
    ix->text_reused = b->reused;
    b->ix = NULL;
    hy_libindex_builder_free(b);
    return ix;
}

/* ---------------------------------------------------------------- searching */

struct hit {
    int64_t key; /* score (relevance), year (year) or 0 (newest) */
    int64_t sort_at;
    uint32_t doc;
    int score;
};

/* library.c's cmp_hit order: a before b. */
static bool hit_before(const struct hit *a, const struct hit *b) {
    if (a->key != b->key) return a->key > b->key;
    if (a->sort_at != b->sort_at) return a->sort_at > b->sort_at;
    return a->doc < b->doc;
}

static int cmp_hits(const void *x, const void *y) {
    const struct hit *a = x, *b = y;
    return hit_before(a, b) ? -1 : hit_before(b, a) ? 1 : 0;
}

/* A heap whose root is the last (worst) of the hits kept. */
static void heap_down(struct hit *h, size_t n, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && hit_before(&h[w], &h[l])) w = l;
        if (r < n && hit_before(&h[w], &h[r])) w = r;
        if (w == i) return;
        struct hit t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static void heap_up(struct hit *h, size_t i) {
    while (i) {
        size_t p = (i - 1) / 2;
        if (!hit_before(&h[p], &h[i])) return;
        struct hit t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* The range of sorted words starting with term: [*lo, *hi). */
static void word_range(const hy_libindex *ix, const char *term, size_t tl, size_t *lo,
                       size_t *hi) {
    size_t a = 0, b = ix->words.n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        const char *w = intern_str(&ix->words, ix->sorted[m]);
        int c = strncmp(w, term, tl);
        if (c < 0 || (c == 0 && strlen(w) < tl)) a = m + 1;
        else b = m;
    }
    *lo = a;
    b = ix->words.n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (strncmp(intern_str(&ix->words, ix->sorted[m]), term, tl) <= 0) a = m + 1;
        else b = m;
    }
    *hi = a;
}

/* ORs word w's postings into m (a byte per document); with `cand`, each document whose byte
 * was 0 is appended there (so the documents of a term are listed once, in no set order). With
 * `zero`, sets each of its documents' bytes back to 0 instead. */
static size_t or_postings(const hy_libindex *ix, uint32_t w, uint8_t *m, uint32_t *cand,
                          size_t ncand, bool zero) {
    const uint8_t *p = ix->post + ix->post_off[w], *end = p + ix->post_len[w];
    uint32_t doc1 = 0;
    while (p < end) {
        uint32_t v = 0;
        int shift = 0;
        while (*p & 0x80) {
            v |= (uint32_t)(*p++ & 0x7f) << shift;
            shift += 7;
        }
        v |= (uint32_t)*p++ << shift;
        doc1 += v >> 4;
        if (zero) {
            m[doc1 - 1] = 0;
            continue;
        }
        if (cand && !m[doc1 - 1]) cand[ncand++] = doc1 - 1;
        m[doc1 - 1] |= (uint8_t)(v & 15);
    }
    return ncand;
}

/* Per-thread scratch space for searches (a search over 100,000 documents needs ~0.5 MB; fresh
 * allocations of that size are mmap()ed and page-faulted on every search). */
struct scratch {
    uint8_t *masks;
    size_t masks_cap;
    uint32_t *cand;
    size_t cand_cap;
    uint32_t *cnt; /* the facet counts of a search, every facet's values one after the other */
    size_t cnt_cap;
    uint8_t *sel; /* the filters' value sets, laid out as cnt */
    size_t sel_cap;
    struct hit *heap; /* the best hits kept */
    size_t heap_cap;
    z_stream zs; /* inflates a page's records: its state and window allocated once a thread */
    bool zs_ready;
};

static pthread_key_t scratch_tls;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p) {
    struct scratch *s = p;
    if (!s) return;
    free(s->masks);
    free(s->cand);
    free(s->cnt);
    free(s->sel);
    free(s->heap);
    if (s->zs_ready) inflateEnd(&s->zs);
    free(s);
}

static void scratch_key(void) { (void)pthread_key_create(&scratch_tls, scratch_free); }

/* The thread's scratch with room for `masks` bytes and `cand` documents, or NULL. */
static struct scratch *scratch_get(size_t masks, size_t cand) {
    pthread_once(&scratch_once, scratch_key);
    struct scratch *s = pthread_getspecific(scratch_tls);
    if (!s) {
        if (!(s = calloc(1, sizeof *s))) return NULL;
        if (pthread_setspecific(scratch_tls, s) != 0) {
            free(s);
            return NULL;
        }
    }
    if (masks > s->masks_cap) {
        free(s->masks);
        s->masks_cap = 0;
        if (!(s->masks = calloc(masks, 1))) return NULL; /* zero between searches */
        s->masks_cap = masks;
    }
    if (cand > s->cand_cap) {
        free(s->cand);
        s->cand_cap = 0;
        if (!(s->cand = malloc(cand * sizeof *s->cand))) return NULL;
        s->cand_cap = cand;
    }
    return s;
}

/* Room for `need` elements of `size` bytes in one of the thread's scratch arrays (grown, never
 * shrunk: a search allocates nothing once its thread has served one as large). NULL when out
 * of memory. */
static void *scratch_room(void *pp, size_t *cap, size_t need, size_t size) {
    void **p = pp;
    if (need <= *cap) return *p;
    size_t n = need < 64 ? 64 : need;
    if (n > SIZE_MAX / size / 2) return NULL;
    n += n / 2;
    void *np = malloc(n * size);
    if (!np) return NULL;
    free(*p);
    *p = np;
    *cap = n;
    return np;
}

static int cmp_count(const void *x, const void *y) {
    return strcmp(((const struct hy_lib_count *)x)->value, ((const struct hy_lib_count *)y)->value);
}

static char *themes_text(const hy_libindex *ix, hy_arena *a, size_t d) {
    size_t len = 0;
    const struct ixdoc *xd = &ix->docs[d];
    for (uint32_t i = xd->theme_off; i < xd->theme_off + xd->nthemes; i++)
        len += strlen(intern_str(&ix->values[HY_LIB_F_THEME], ix->themes[i])) + 1;
    char *s = hy_arena_alloc(a, len + 1);
    if (!s) return NULL;
    size_t at = 0;
    for (uint32_t i = xd->theme_off; i < xd->theme_off + xd->nthemes; i++) {
        const char *t = intern_str(&ix->values[HY_LIB_F_THEME], ix->themes[i]);
        size_t n = strlen(t);
        if (at) s[at++] = ' ';
        memcpy(s + at, t, n);
        at += n;
    }
    s[at] = '\0';
    return s;
}

static const char *value_copy(const hy_libindex *ix, hy_arena *a, int k, size_t d, bool *ok) {
    uint16_t v = ix->docs[d].val[k];
    if (v == NONE) return NULL;
    char *s = hy_arena_strdup(a, intern_str(&ix->values[k], v));
    if (!s) *ok = false;
    return s;
}

/* Document d's facet values and language, copied into the arena: false when it is full. */
struct facet_out {
    const char **type, **language, **country, **level, **stage, **themes;
};

static bool facets_copy(const hy_libindex *ix, hy_arena *a, size_t d, struct facet_out o) {
    bool ok = true;
    *o.type = value_copy(ix, a, HY_LIB_F_TYPE, d, &ok);
    *o.language = value_copy(ix, a, NLANG, d, &ok);
    *o.country = value_copy(ix, a, HY_LIB_F_COUNTRY, d, &ok);
    *o.level = value_copy(ix, a, HY_LIB_F_LEVEL, d, &ok);
    *o.stage = value_copy(ix, a, HY_LIB_F_STAGE, d, &ok);
    *o.themes = themes_text(ix, a, d);
    return ok && *o.themes;
}

int hy_libindex_search(const hy_libindex *ix, hy_arena *a, const struct hy_lib_filter *f,
                       const char *const *terms, size_t nterms, enum hy_lib_sort sort,
                       size_t offset, size_t limit, struct hy_lib_result *ret) {
    if (sort == HY_LIB_SORT_RELEVANCE && nterms == 0) sort = HY_LIB_SORT_NEWEST;
    if (nterms > HY_LIB_MAX_TERMS) nterms = HY_LIB_MAX_TERMS;
    const size_t nd = ix->ndocs;
    int r = -ENOMEM;
    uint8_t *masks = NULL;
    uint8_t *sel[HY_LIB_F__COUNT] = {0};
    uint32_t *cnt[HY_LIB_F__COUNT] = {0};
    struct hit *heap = NULL;
    struct scratch *sc = scratch_get(0, 0);
    if (!sc) return -ENOMEM;
    uint32_t *cand = NULL; /* with terms: the documents of the rarest term, else all */
    size_t ncand = nd;
    size_t lo[HY_LIB_MAX_TERMS][HY_SYN_MAX_ALTS], hi[HY_LIB_MAX_TERMS][HY_SYN_MAX_ALTS];
    size_t nalt[HY_LIB_MAX_TERMS] = {0}, post_bytes = 0;
    if (nterms) {
        if (!scratch_get(nterms * nd + 1, nd + 1)) goto out;
        masks = sc->masks; /* all zero: each search clears what it set (at `out`) */
        cand = sc->cand;
        /* A term's words: those starting any of its alternatives (domain/synonyms.h). */
        size_t rarest = 0, least = SIZE_MAX;
        for (size_t t = 0; t < nterms; t++) {
            size_t bytes = 0;
            nalt[t] = 0;
            for (const char *p = terms[t]; nalt[t] < HY_SYN_MAX_ALTS;) {
                size_t tl = strcspn(p, "|");
                if (tl) {
                    size_t k = nalt[t]++;
                    word_range(ix, p, tl, &lo[t][k], &hi[t][k]);
                    for (size_t i = lo[t][k]; i < hi[t][k]; i++)
                        bytes += ix->post_len[ix->sorted[i]];
                }
                if (!p[tl]) break;
                p += tl + 1;
            }
            if (bytes < least) least = bytes, rarest = t;
            post_bytes += bytes;
        }
        ncand = 0;
        for (size_t t = 0; t < nterms; t++)
            for (size_t k = 0; k < nalt[t]; k++)
                for (size_t i = lo[t][k]; i < hi[t][k]; i++)
                    ncand = or_postings(ix, ix->sorted[i], masks + t * nd,
                                        t == rarest ? cand : NULL, ncand, false);
    }
    /* Filters as value-number sets; the counts, all in the thread's scratch. */
    size_t nvals = 0;
    for (int k = 0; k < HY_LIB_F__COUNT; k++) nvals += ix->values[k].n + 1;
    uint32_t *cnt_all = scratch_room(&sc->cnt, &sc->cnt_cap, nvals, sizeof *sc->cnt);
    uint8_t *sel_all = scratch_room(&sc->sel, &sc->sel_cap, nvals, 1);
    if (!cnt_all || !sel_all) goto out;
    memset(cnt_all, 0, nvals * sizeof *cnt_all);
    unsigned active = 0;
    for (int k = 0, at = 0; k < HY_LIB_F__COUNT; at += (int)ix->values[k].n + 1, k++) {
        cnt[k] = cnt_all + at;
        if (!f->nvalues[k]) continue;
        active |= 1u << k;
        sel[k] = sel_all + at;
        memset(sel[k], 0, ix->values[k].n + 1);
        for (size_t i = 0; i < f->nvalues[k]; i++) {
            long v = intern_find(&ix->values[k], f->values[k][i], strlen(f->values[k][i]));
            if (v >= 0) sel[k][v] = 1;
        }
    }
    long lang = -2; /* no filter */
    if (f->language) {
        lang = intern_find(&ix->values[NLANG], f->language, strlen(f->language));
        if (lang < 0) lang = -1; /* no document has it: nothing matches */
    }
    size_t want = limit > SIZE_MAX - offset ? SIZE_MAX : offset + limit;
    if (want > nd) want = nd;
    heap = scratch_room(&sc->heap, &sc->heap_cap, want ? want : 1, sizeof *heap);
    if (!heap) goto out;
    size_t nheap = 0, total = 0;
    const unsigned all = (1u << HY_LIB_F__COUNT) - 1;
    for (size_t c = 0; c < ncand && lang != -1; c++) {
        size_t d = cand ? cand[c] : c;
        if (cand && c + 8 < ncand) /* candidates are scattered: fetch ahead */
            __builtin_prefetch(&ix->docs[cand[c + 8]]);
        int score = 0;
        bool match = true;
        for (size_t t = 0; t < nterms; t++) {
            uint8_t m = masks[t * nd + d];
            if (!(m & P_ANY)) {
                match = false;
                break;
            }
            score += (m & P_TITLE ? 4 : 0) + (m & P_TAGS ? 2 : 0) + (m & P_SUMMARY ? 1 : 0);
        }
        if (!match) continue;
        const struct ixdoc *xd = &ix->docs[d];
        if (f->covid >= 0 && xd->covid != f->covid) continue;
        if (lang >= 0 && xd->val[NLANG] != (uint16_t)lang) continue;
        unsigned ok = all & ~active;
        for (unsigned act = active; act; act &= act - 1) {
            int k = __builtin_ctz(act);
            if (k == HY_LIB_F_THEME) {
                for (uint32_t i = xd->theme_off; i < xd->theme_off + xd->nthemes; i++)
                    if (sel[k][ix->themes[i]]) {
                        ok |= 1u << k;
                        break;
                    }
            } else {
                uint16_t v = xd->val[k];
                if (v != NONE && sel[k][v]) ok |= 1u << k;
            }
        }
        unsigned countin;
        if (ok == all) {
            countin = all;
            total++;
            struct hit h = {sort == HY_LIB_SORT_RELEVANCE ? score
                            : sort == HY_LIB_SORT_YEAR    ? xd->year
                                                          : 0,
                            xd->sort_at, (uint32_t)d, score};
            if (nheap < want) {
                heap[nheap] = h;
                heap_up(heap, nheap++);
            } else if (want && hit_before(&h, &heap[0])) {
                heap[0] = h;
                heap_down(heap, nheap, 0);
            }
        } else {
            unsigned miss = all & ~ok;
            if (miss & (miss - 1)) continue; /* fails two facets: counts nowhere */
            countin = miss;
        }
        for (unsigned in = f->no_facets ? 0 : countin; in; in &= in - 1) {
            int k = __builtin_ctz(in);
            if (k == HY_LIB_F_THEME) {
                for (uint32_t i = xd->theme_off; i < xd->theme_off + xd->nthemes; i++)
                    cnt[k][ix->themes[i]]++;
            } else if (xd->val[k] != NONE) {
                cnt[k][xd->val[k]]++;
            }
        }
    }
    if (nheap) qsort(heap, nheap, sizeof *heap, cmp_hits);
    memset(ret, 0, sizeof *ret);
    ret->total = total;
    size_t from = offset < nheap ? offset : nheap;
    size_t take = nheap - from < limit ? nheap - from : limit;
    ret->page = hy_arena_alloc(a, (take ? take : 1) * sizeof *ret->page); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
    ret->scores = hy_arena_alloc(a, (take ? take : 1) * sizeof *ret->scores);
    struct hy_lib_row *rows = hy_arena_zalloc(a, (take ? take : 1) * sizeof *rows);
    uint32_t *docs = hy_arena_alloc(a, (take ? take : 1) * sizeof *docs);
    if (!ret->page || !ret->scores || !rows || !docs) goto out;
    ret->index_docs = docs;
    for (size_t i = 0; i < take; i++) {
        const struct hit *h = &heap[from + i];
        size_t d = h->doc;
        docs[i] = h->doc;
        struct hy_lib_row *w = &rows[i];
        memcpy(w->id, ix->ids[d], sizeof w->id);
        bool ok = facets_copy(ix, a, d, (struct facet_out){&w->type, &w->language, &w->country,
                                                           &w->level, &w->stage, &w->themes});
        w->status = "published";
        w->year = ix->docs[d].year;
        w->covid = ix->docs[d].covid != 0;
        w->sort_at = ix->docs[d].sort_at;
        if (!ok) goto out;
        ret->page[i] = w;
        ret->scores[i] = h->score;
    }
    ret->npage = take;
    for (int k = 0; k < HY_LIB_F__COUNT && !f->no_facets; k++) {
        size_t n = 0;
        for (uint32_t v = 0; v < ix->values[k].n; v++)
            if (cnt[k][v]) n++;
        n += f->nvalues[k];
        struct hy_lib_count *items = hy_arena_alloc(a, (n ? n : 1) * sizeof *items);
        if (!items) goto out;
        size_t m = 0;
        for (uint32_t v = 0; v < ix->values[k].n; v++)
            if (cnt[k][v]) {
                char *s = hy_arena_strdup(a, intern_str(&ix->values[k], v));
                if (!s) goto out;
                items[m++] = (struct hy_lib_count){s, cnt[k][v]};
            }
        /* Selected values stay visible with 0. */
        for (size_t i = 0; i < f->nvalues[k]; i++) {
            long v = intern_find(&ix->values[k], f->values[k][i], strlen(f->values[k][i]));
            if (v < 0 || !cnt[k][v]) items[m++] = (struct hy_lib_count){f->values[k][i], 0};
        }
        if (m > 1) qsort(items, m, sizeof *items, cmp_count);
        ret->facets[k] = items;
        ret->nfacets[k] = m;
    }
    r = 0;
out:
    /* The thread's masks back to zero: by the postings that set them when they are few (a
     * search then costs the matches, not the documents), else all at once. */
    if (masks && post_bytes < nterms * nd / 32) {
        for (size_t t = 0; t < nterms; t++)
            for (size_t k = 0; k < nalt[t]; k++)
                for (size_t i = lo[t][k]; i < hi[t][k]; i++)
                    (void)or_postings(ix, ix->sorted[i], masks + t * nd, NULL, 0, true);
    } else if (masks) {
        memset(masks, 0, nterms * nd);
    }
    return r;
}

/* ---------------------------------------------------------------- what a result shows */

#define HEAD_CHUNK 512 /* inflated at a time while looking for the end of the summary */
/* zlib's fast loop runs only while 258 bytes of output room are left, the rest byte by byte
 * (about a tenth of a record's inflating): the rest of a record inflated whole gets that much
 * room past its end, so it ends in the fast loop. */
#define OUT_SLACK 258

/* Inflates document d's record into out (room for its plain length `plain` and OUT_SLACK
 * more) with the thread's stream. All of it with `body`; else until the summary's end, or all
 * when the summary is empty. The bytes inflated, or -ENOMEM / -EIO. */
static long inflate_doc(const hy_libindex *ix, size_t d, char *out, uint32_t plain, bool body) {
    struct scratch *sc = scratch_get(0, 0);
    if (!sc) return -ENOMEM;
    z_stream *zs = &sc->zs;
    if (!sc->zs_ready) {
        memset(zs, 0, sizeof *zs);
        if (inflateInit2(zs, -15) != Z_OK) return -ENOMEM;
        sc->zs_ready = true;
    } else if (inflateReset(zs) != Z_OK) {
        return -EIO;
    }
    const uint8_t *p;
    record_head(ix, d, &p);
    size_t len;
    const uint8_t *end = record_bytes(ix, d, &len) + len;
    if (ix->dict_len && inflateSetDictionary(zs, ix->dict, (uInt)ix->dict_len) != Z_OK) return -EIO;
    zs->next_in = (Bytef *)p;
    zs->avail_in = (uInt)(end - p);
    zs->next_out = (Bytef *)out;
    size_t done = 0, nuls = 0;
    const char *summary = NULL;
    while (done < plain) {
        size_t chunk = plain - done;
        if (!body && chunk > HEAD_CHUNK) chunk = HEAD_CHUNK;
        else chunk += OUT_SLACK; /* the rest, whole */
        zs->avail_out = (uInt)chunk;
        int zr = inflate(zs, Z_NO_FLUSH);
        size_t got = chunk - zs->avail_out;
        if (zr != Z_OK && zr != Z_STREAM_END) return -EIO;
        for (size_t i = done; i < done + got && nuls < 2 && !body; i++)
            if (!out[i] && ++nuls == 1) summary = out + i + 1;
        done += got;
        if (zr == Z_STREAM_END) break;
        if (!got) return -EIO;
        /* The summary is whole: the body is read only when asked for or standing in for it. */
        if (nuls == 2 && summary && *summary) return (long)done;
    }
    return done == plain ? (long)done : -EIO;
}

int hy_libindex_doc(const hy_libindex *ix, hy_arena *a, const char *id, bool body,
                    struct hy_lib_doc *ret) {
    size_t lo = 0, hi = ix->ndocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->ids[mid], id);
        if (c == 0) {
            lo = mid;
            break;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    if (lo >= ix->ndocs || strcmp(ix->ids[lo], id)) return 0;
    return hy_libindex_doc_at(ix, a, (uint32_t)lo, body, ret);
}

int hy_libindex_doc_at(const hy_libindex *ix, hy_arena *a, uint32_t d, bool body,
                       struct hy_lib_doc *ret) {
    if (d >= ix->ndocs) return 0;
    const uint8_t *p;
    uint32_t plain = record_head(ix, d, &p);
    char *buf = hy_arena_alloc(a, (size_t)plain + 1 + OUT_SLACK);
    if (!buf) return -ENOMEM;
    long len = inflate_doc(ix, d, buf, plain, body);
    if (len < 0) return len == -ENOMEM ? -ENOMEM : -EIO;
    buf[len] = '\0';
    memset(ret, 0, sizeof *ret);
    memcpy(ret->id, ix->ids[d], sizeof ret->id);
    if (!facets_copy(ix, a, d, (struct facet_out){&ret->type, &ret->language, &ret->country,
                                                  &ret->level, &ret->stage, &ret->themes}))
        return -ENOMEM;
    ret->title = buf;
    ret->summary = buf + strlen(buf) + 1;
    ret->body_text = (size_t)len == plain ? ret->summary + strlen(ret->summary) + 1 : NULL;
    ret->year = ix->docs[d].year;
    ret->covid = ix->docs[d].covid != 0;
    ret->status = "published";
    ret->origin = intern_str(&ix->origins, ix->origin[d]);
    ret->published_at = ix->published_at[d];
    ret->sort_at = ix->docs[d].sort_at;
    return 1;
}
