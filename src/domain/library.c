/* library.c — the knowledge library's rules (see library.h). */
#include "domain/library.h"
#include "domain/news.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/markdown.h"
#include "domain/text.h"
#include "util/buf.h"
#include "util/jsonw.h"

const char *const hy_lib_types[] = {"case_study", "project", "publication", "toolkit", "faq",
                                    "resource",   "guide",   "news",        "factcheck", NULL};
const char *const hy_lib_levels[] = {"international", "national", "regional", "local",
                                     "non_governmental", NULL};
const char *const hy_lib_stages[] = {"problem_identification", "idea_generation",
                                     "proposal_development",   "implementation",
                                     "evaluation",             "diffusion",
                                     NULL};
const char *const hy_lib_statuses[] = {"draft", "in_review", "published", NULL};
const char *const hy_lib_languages[] = {"fa", "en", NULL};
const char *const hy_lib_regions[] = {"africa", "asia", "europe", "latin_america",
                                      "middle_east", "north_america", "oceania", "global", NULL};
const char *const hy_lib_facet_names[HY_LIB_F__COUNT] = {"type", "country", "level",
                                                         "year", "stage",   "theme"};

bool hy_lib_one_of(const char *v, const char *const *list) {
    if (!v) return false;
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(v, list[i])) return true;
    return false;
}

bool hy_lib_theme_valid(const char *s, size_t n) {
    if (n == 0 || n > 40) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

bool hy_lib_country_parse(const char *s, char out[3]) {
    if (!s || strlen(s) != 2) return false;
    for (int i = 0; i < 2; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        if (c < 'A' || c > 'Z') return false;
        out[i] = c;
    }
    out[2] = '\0';
    return true;
}

/* ---------------------------------------------------------------- tokens */

/* True for a folded code point that separates words. */
static inline bool is_separator(uint32_t c) {
    if (c < 0x80)
        return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    if (c <= 0xBF || c == 0xD7 || c == 0xF7) return true;           /* Latin-1 punctuation */
    if (c == 0x060C || c == 0x061B || c == 0x061F || c == 0x06D4) return true; /* ، ؛ ؟ ۔ */
    if (c >= 0x066A && c <= 0x066D) return true;                     /* ٪ ٫ ٬ ٭ */
    if (c >= 0x2000 && c <= 0x206F) return true;                     /* general punctuation */
    if (c >= 0x2190 && c <= 0x2BFF) return true;                     /* arrows, symbols */
    if (c >= 0x3000 && c <= 0x303F) return true;                     /* CJK punctuation */
    if (c >= 0xE000 && c <= 0xF8FF) return true;                     /* private use */
    if (c >= 0xFE00 && c <= 0xFE6F) return true; /* variation selectors, small forms */
    if ((c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
        (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65))
        return true;                                                 /* full-width punctuation */
    if (c >= 0xFFF0) return c <= 0xFFFF;                             /* specials, U+FFFD */
    if (c >= 0x1F000 && c <= 0x1FAFF) return true;                   /* emoji */
    return false;
}

#define TOKEN_MAX 200 /* longer words are left out, in documents and queries alike */

/* Calls fn(token, len, ctx) for every word of s[0..n). Stops early when fn returns false. */
static void each_token(const char *s, size_t n, bool (*fn)(const char *, size_t, void *),
                           void *ctx) {
    char tok[TOKEN_MAX + 4];
    size_t tl = 0;
    bool too_long = false;
    for (size_t i = 0; i <= n;) {
        uint32_t cp = ' ';
        if (i < n) i += hy_text_decode(s + i, n - i, &cp);
        else i++;
        cp = hy_text_fold(cp);
        if (!cp) continue;
        if (is_separator(cp)) {
            if (tl && !too_long && !fn(tok, tl, ctx)) return;
            tl = 0;
            too_long = false;
            continue;
        }
        if (too_long) continue;
        if (tl + 4 > TOKEN_MAX) {
            too_long = true;
            continue;
        }
        tl += hy_text_encode(cp, tok + tl);
    }
}

struct tok_ctx {
    hy_buf out;
    bool unique;
    /* open addressing over (offset, length) in out */
    size_t *slots; /* offset + 1, 0 = empty */
    size_t *lens;
    size_t nslots, used;
    bool failed;
};

static uint64_t fnv_hash(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

static bool tok_grow(struct tok_ctx *c) {
    size_t nn = c->nslots ? c->nslots * 2 : 256;
    size_t *ns = calloc(nn, sizeof *ns), *nl = calloc(nn, sizeof *nl);
    if (!ns || !nl) {
        free(ns);
        free(nl);
        return false;
    }
    for (size_t i = 0; i < c->nslots; i++) {
        if (!c->slots[i]) continue;
        size_t h = (size_t)fnv_hash(c->out.data + c->slots[i] - 1, c->lens[i]) & (nn - 1);
        while (ns[h]) h = (h + 1) & (nn - 1);
        ns[h] = c->slots[i];
        nl[h] = c->lens[i];
    }
    free(c->slots);
    free(c->lens);
    c->slots = ns;
    c->lens = nl;
    c->nslots = nn;
    return true;
}

static bool tok_add(const char *t, size_t n, void *ctx) {
    struct tok_ctx *c = ctx;
    size_t h = 0;
    if (c->unique) {
        if ((c->used + 1) * 2 > c->nslots && !tok_grow(c)) {
            c->failed = true;
            return false;
        }
        h = (size_t)fnv_hash(t, n) & (c->nslots - 1);
        while (c->slots[h]) {
            if (c->lens[h] == n && !memcmp(c->out.data + c->slots[h] - 1, t, n)) return true;
            h = (h + 1) & (c->nslots - 1);
        }
    }
    if (c->out.len && hy_buf_putc(&c->out, ' ') < 0) {
        c->failed = true;
        return false;
    }
    size_t at = c->out.len;
    if (hy_buf_append(&c->out, t, n) < 0) {
        c->failed = true;
        return false;
    }
    if (c->unique) {
        c->slots[h] = at + 1;
        c->lens[h] = n;
        c->used++;
    }
    return true;
}

char *hy_lib_tokens(hy_arena *a, const char *s, size_t n, bool unique) {
    struct tok_ctx c = {.out = HY_BUF_INIT(0), .unique = unique};
    each_token(s ? s : "", s ? n : 0, tok_add, &c);
    char *r = c.failed ? NULL : hy_arena_strndup(a, c.out.data ? c.out.data : "", c.out.len);
    hy_buf_free(&c.out);
    free(c.slots);
    free(c.lens);
    return r;
}

size_t hy_lib_terms(hy_arena *a, const char *q, const char **terms) {
    if (!q) return 0;
    char *toks = hy_lib_tokens(a, q, strlen(q), true);
    if (!toks) return 0;
    size_t n = 0;
    for (char *p = toks; *p && n < HY_LIB_MAX_TERMS;) {
        char *sp = strchr(p, ' ');
        if (sp) *sp = '\0';
        terms[n++] = p;
        if (!sp) break;
        p = sp + 1;
    }
    return n;
}

/* Appends the strings of a JSON array (text) to b, one per line. */
static int json_strings(hy_buf *b, const char *json) {
    if (!json || !*json) return 0;
    json_t *arr = json_loads(json, 0, NULL);
    if (!arr) return -EINVAL;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *str = json_is_string(v) ? json_string_value(v) : NULL;
        if (!str && json_is_object(v)) str = json_string_value(json_object_get(v, "title"));
        if (str && (hy_buf_puts(b, str) < 0 || hy_buf_putc(b, '\n') < 0)) {
            json_decref(arr);
            return -ENOMEM;
        }
    }
    json_decref(arr);
    return 0;
}

int hy_lib_doc_prepare(hy_arena *a, struct hy_lib_doc *d) {
    const char *md = d->body_md ? d->body_md : "";
    char *html, *text;
    int r = hy_md_render(a, md, strlen(md), &html, &text);
    if (r < 0) return r;
    d->body_html = html;
    d->body_text = text;
    hy_buf tags = HY_BUF_INIT(0), all = HY_BUF_INIT(0);
    r = -ENOMEM;
    if (json_strings(&tags, d->tags) < 0) goto out;
    if (d->themes && (hy_buf_puts(&tags, d->themes) < 0 || hy_buf_putc(&tags, '\n') < 0)) goto out;
    const char *title = d->title ? d->title : "", *summary = d->summary ? d->summary : "";
    if (hy_buf_puts(&all, title) < 0 || hy_buf_putc(&all, '\n') < 0 ||
        hy_buf_puts(&all, summary) < 0 || hy_buf_putc(&all, '\n') < 0 ||
        hy_buf_append(&all, tags.data ? tags.data : "", tags.len) < 0 ||
        json_strings(&all, d->organisations) < 0 || hy_buf_puts(&all, text) < 0)
        goto out;
    d->tok_title = hy_lib_tokens(a, title, strlen(title), true);
    d->tok_summary = hy_lib_tokens(a, summary, strlen(summary), true);
    d->tok_tags = hy_lib_tokens(a, tags.data ? tags.data : "", tags.len, true);
    d->tokens = hy_lib_tokens(a, all.data ? all.data : "", all.len, true);
    if (d->tok_title && d->tok_summary && d->tok_tags && d->tokens) r = 0;
out:
    hy_buf_free(&tags);
    hy_buf_free(&all);
    return r;
}

/* ---------------------------------------------------------------- filters */

int hy_lib_filter_add(hy_arena *a, struct hy_lib_filter *flt, enum hy_lib_facet f,
                      const char *csv) {
    if (!csv) return 0;
    const char *p = csv;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && *p == ' ') p++, n--;
        while (n && p[n - 1] == ' ') n--;
        if (n) {
            char *v = hy_arena_strndup(a, p, n);
            if (!v) return -1;
            bool ok = false;
            char cc[3];
            switch (f) {
            case HY_LIB_F_TYPE: ok = hy_lib_one_of(v, hy_lib_types); break;
            case HY_LIB_F_LEVEL: ok = hy_lib_one_of(v, hy_lib_levels); break;
            case HY_LIB_F_STAGE: ok = hy_lib_one_of(v, hy_lib_stages); break;
            case HY_LIB_F_THEME: ok = hy_lib_theme_valid(v, n); break;
            case HY_LIB_F_COUNTRY:
                ok = hy_lib_country_parse(v, cc);
                if (ok) memcpy(v, cc, 3);
                break;
            case HY_LIB_F_YEAR:
                ok = n == 4 && strspn(v, "0123456789") == 4 && v[0] >= '1';
                break;
            default: break;
            }
            if (!ok) return -1;
            bool dup = false;
            for (size_t i = 0; i < flt->nvalues[f]; i++)
                if (!strcmp(flt->values[f][i], v)) dup = true;
            if (!dup) {
                if (flt->nvalues[f] == HY_LIB_MAX_VALUES) return -1;
                flt->values[f][flt->nvalues[f]++] = v;
            }
        }
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* ---------------------------------------------------------------- search */

/* True when one of the alternatives of `term` ("word|alt|…", domain/synonyms.h) starts one of
 * the space-separated words of `toks`. */
static bool starts_word(const char *toks, const char *term) {
    if (!toks || !*term) return false;
    if (!strchr(term, '|')) {
        for (const char *p = toks; (p = strstr(p, term)) != NULL; p++)
            if (p == toks || p[-1] == ' ') return true;
        return false;
    }
    for (const char *t = term;;) {
        size_t tl = strcspn(t, "|");
        for (const char *p = toks; tl && *p; p++) {
            if (!strncmp(p, t, tl)) return true;
            if (!(p = strchr(p, ' '))) break;
        }
        if (!t[tl]) return false;
        t += tl + 1;
    }
}

static int score_row(const struct hy_lib_row *r, const char *const *terms, size_t nterms) {
    int s = 0;
    for (size_t i = 0; i < nterms; i++) {
        if (starts_word(r->tok_title, terms[i])) s += 4;
        if (starts_word(r->tok_tags, terms[i])) s += 2;
        if (starts_word(r->tok_summary, terms[i])) s += 1;
    }
    return s;
}

/* The row's value for a single-valued facet, or NULL (year in buf). */
static const char *facet_value(const struct hy_lib_row *r, enum hy_lib_facet f, char buf[12]) {
    switch (f) {
    case HY_LIB_F_TYPE: return r->type;
    case HY_LIB_F_COUNTRY: return r->country && *r->country ? r->country : NULL;
    case HY_LIB_F_LEVEL: return r->level && *r->level ? r->level : NULL;
    case HY_LIB_F_STAGE: return r->stage && *r->stage ? r->stage : NULL;
    case HY_LIB_F_YEAR:
        if (r->year <= 0) return NULL;
        snprintf(buf, 12, "%d", r->year);
        return buf;
    default: return NULL;
    }
}

/* True when the space-separated list `themes` holds `v`. */
static bool has_theme(const char *themes, const char *v) {
    if (!themes) return false;
    size_t n = strlen(v);
    for (const char *p = themes; (p = strstr(p, v)) != NULL; p++)
        if ((p == themes || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
    return false;
}

static bool facet_ok(const struct hy_lib_row *r, const struct hy_lib_filter *f,
                         enum hy_lib_facet k) {
    size_t nv = f->nvalues[k];
    if (!nv) return true;
    if (k == HY_LIB_F_THEME) {
        for (size_t i = 0; i < nv; i++)
            if (has_theme(r->themes, f->values[k][i])) return true;
        return false;
    }
    char buf[12];
    const char *v = facet_value(r, k, buf);
    if (!v) return false;
    for (size_t i = 0; i < nv; i++)
        if (!strcmp(v, f->values[k][i])) return true;
    return false;
}

struct facet_counts {
    struct hy_lib_count *items;
    size_t n, cap;
};

static int count_value(hy_arena *a, struct facet_counts *c, const char *v, size_t len) {
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->items[i].value) == len && !memcmp(c->items[i].value, v, len)) {
            c->items[i].count++;
            return 0;
        }
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        struct hy_lib_count *ni = hy_arena_alloc(a, nc * sizeof *ni);
        if (!ni) return -ENOMEM;
        if (c->n) memcpy(ni, c->items, c->n * sizeof *ni);
        c->items = ni;
        c->cap = nc;
    }
    char *copy = hy_arena_strndup(a, v, len);
    if (!copy) return -ENOMEM;
    c->items[c->n++] = (struct hy_lib_count){copy, 1};
    return 0;
}

static int count_row(hy_arena *a, struct facet_counts *c, const struct hy_lib_row *r,
                         enum hy_lib_facet k) {
    if (k == HY_LIB_F_THEME) {
        const char *p = r->themes ? r->themes : "";
        while (*p) {
            const char *e = strchr(p, ' ');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n && count_value(a, c, p, n) < 0) return -ENOMEM;
            if (!e) break;
            p = e + 1;
        }
        return 0;
    }
    char buf[12];
    const char *v = facet_value(r, k, buf);
    return v ? count_value(a, c, v, strlen(v)) : 0;
}

static int cmp_count(const void *x, const void *y) {
    return strcmp(((const struct hy_lib_count *)x)->value, ((const struct hy_lib_count *)y)->value);
}

struct hit {
    struct hy_lib_row *row;
    int score;
    enum hy_lib_sort sort;
};

static int cmp_hit(const void *x, const void *y) {
    const struct hit *a = x, *b = y;
    if (a->sort == HY_LIB_SORT_RELEVANCE && a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->sort == HY_LIB_SORT_YEAR && a->row->year != b->row->year)
        return a->row->year > b->row->year ? -1 : 1;
    if (a->row->sort_at != b->row->sort_at) return a->row->sort_at > b->row->sort_at ? -1 : 1;
    return strcmp(a->row->id, b->row->id);
}

int hy_lib_search(hy_arena *a, struct hy_lib_row *rows, size_t n, const struct hy_lib_filter *f,
                  const char *const *terms, size_t nterms, enum hy_lib_sort sort, size_t offset,
                  size_t limit, struct hy_lib_result *ret) {
    struct facet_counts counts[HY_LIB_F__COUNT];
    memset(counts, 0, sizeof counts);
    struct hit *hits = n ? malloc(n * sizeof *hits) : NULL;
    if (n && !hits) return -ENOMEM;
    size_t nhits = 0;
    const unsigned all = (1u << HY_LIB_F__COUNT) - 1;
    if (sort == HY_LIB_SORT_RELEVANCE && nterms == 0) sort = HY_LIB_SORT_NEWEST;
    int r = -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        struct hy_lib_row *row = &rows[i];
        if (f->covid >= 0 && (int)row->covid != f->covid) continue;
        if (f->language && (!row->language || strcmp(row->language, f->language))) continue;
        unsigned ok = 0;
        for (int k = 0; k < HY_LIB_F__COUNT; k++)
            if (facet_ok(row, f, (enum hy_lib_facet)k)) ok |= 1u << k;
        if (ok == all) {
            hits[nhits++] = (struct hit){row, nterms ? score_row(row, terms, nterms) : 0, sort};
            for (int k = 0; k < HY_LIB_F__COUNT; k++)
                if (count_row(a, &counts[k], row, (enum hy_lib_facet)k) < 0) goto out;
        } else {
            unsigned miss = all & ~ok;
            if (miss & (miss - 1)) continue; /* fails two facets: counts nowhere */
            int k = __builtin_ctz(miss);
            if (count_row(a, &counts[k], row, (enum hy_lib_facet)k) < 0) goto out;
        }
    }
    if (nhits) qsort(hits, nhits, sizeof *hits, cmp_hit);
    memset(ret, 0, sizeof *ret);
    ret->total = nhits;
    size_t from = offset < nhits ? offset : nhits;
    size_t take = nhits - from < limit ? nhits - from : limit;
    ret->page = hy_arena_alloc(a, (take ? take : 1) * sizeof *ret->page); /* NOLINT(bugprone-sizeof-expression): an array of pointers */
    ret->scores = hy_arena_alloc(a, (take ? take : 1) * sizeof *ret->scores);
    if (!ret->page || !ret->scores) goto out;
    for (size_t i = 0; i < take; i++) {
        ret->page[i] = hits[from + i].row;
        ret->scores[i] = hits[from + i].score;
    }
    ret->npage = take;
    for (int k = 0; k < HY_LIB_F__COUNT; k++) {
        /* Selected values stay visible with 0. */
        for (size_t i = 0; i < f->nvalues[k]; i++) {
            bool found = false;
            for (size_t j = 0; j < counts[k].n; j++)
                if (!strcmp(counts[k].items[j].value, f->values[k][i])) found = true;
            if (!found) {
                if (count_value(a, &counts[k], f->values[k][i], strlen(f->values[k][i])) < 0)
                    goto out;
                counts[k].items[counts[k].n - 1].count = 0;
            }
        }
        if (counts[k].n) qsort(counts[k].items, counts[k].n, sizeof *counts[k].items, cmp_count);
        ret->facets[k] = counts[k].items;
        ret->nfacets[k] = counts[k].n;
    }
    r = 0;
out:
    free(hits);
    return r;
}

/* ---------------------------------------------------------------- snippets */

struct word {
    size_t start, end; /* bytes */
    size_t cp_start;   /* code points before it */
    bool hit;
};

/* The alternatives of every term ("word|alt|…", domain/synonyms.h), split once per text rather
 * than once per word. */
#define ALTS_MAX 64
struct alts {
    const char *p[ALTS_MAX];
    size_t n[ALTS_MAX];
    size_t count;
    unsigned char first[256 / 8]; /* bit set: some alternative starts with this byte */
};

static void alts_make(struct alts *al, const char *const *terms, size_t nterms) {
    memset(al, 0, sizeof *al);
    for (size_t i = 0; i < nterms; i++)
        for (const char *t = terms[i];;) {
            size_t tl = strcspn(t, "|");
            if (tl && al->count < ALTS_MAX) {
                al->p[al->count] = t;
                al->n[al->count++] = tl;
                al->first[(unsigned char)*t >> 3] |= (unsigned char)(1u << ((unsigned char)*t & 7));
            } else if (tl) { /* more than the table holds: every first byte may start one */
                memset(al->first, 0xFF, sizeof al->first);
                al->count = ALTS_MAX + 1;
            }
            if (!t[tl]) break;
            t += tl + 1;
        }
}

static bool word_hits_slow(const char *w, size_t n, const char *const *terms, size_t nterms) {
    for (size_t i = 0; i < nterms; i++)
        for (const char *t = terms[i];;) { /* each alternative (domain/synonyms.h) */
            size_t tl = strcspn(t, "|");
            if (tl && tl <= n && !memcmp(w, t, tl)) return true;
            if (!t[tl]) break;
            t += tl + 1;
        }
    return false;
}

/* True when one of the alternatives starts the folded word w[0..n). */
static bool word_hits(const char *w, size_t n, const struct alts *al, const char *const *terms,
                      size_t nterms) {
    if (!n || !(al->first[(unsigned char)*w >> 3] & (1u << ((unsigned char)*w & 7)))) return false;
    if (al->count > ALTS_MAX) return word_hits_slow(w, n, terms, nterms);
    for (size_t i = 0; i < al->count; i++)
        if (al->n[i] <= n && !memcmp(w, al->p[i], al->n[i])) return true;
    return false;
}

/* The folded code point at s[*i] (a space past the end, at n), stepping *i over it; ASCII
 * without a call. */
static inline uint32_t next_folded(const char *s, size_t n, size_t *i) {
    if (*i >= n) {
        ++*i;
        return ' ';
    }
    unsigned char c = (unsigned char)s[*i];
    if (c < 0x80) {
        ++*i;
        return c >= 'A' && c <= 'Z' ? c + 32u : c;
    }
    uint32_t cp;
    *i += hy_text_decode(s + *i, n - *i, &cp);
    return hy_text_fold(cp);
}

/* Splits s[0..n) into words (at most max) with their folded forms checked against the terms;
 * the number of words. With max_cp, stops once the words hy_lib_snippet() shows are known:
 * the first hit and every word up to the first starting more than max_cp code points after
 * the window's start (that word included, so the caller sees that the text goes on). *ret_at:
 * the byte where splitting stopped (n when it went through). */
static size_t split_words(const char *s, size_t n, const struct alts *al,
                          const char *const *terms, size_t nterms, struct word *w, size_t max,
                          size_t max_cp, size_t *ret_at) {
    char tok[TOKEN_MAX + 4];
    size_t tl = 0, nw = 0, cps = 0, start = 0, cp_start = 0;
    size_t cp_from = 0; /* the window's start once the first hit is known */
    bool in = false, found = false;
    *ret_at = n;
    for (size_t i = 0; i <= n;) {
        size_t at = i;
        uint32_t f = next_folded(s, n, &i);
        bool sep = f && is_separator(f);
        if (sep || at >= n) {
            if (in) {
                bool hit = tl <= TOKEN_MAX && word_hits(tok, tl, al, terms, nterms);
                w[nw] = (struct word){start, at, cp_start, hit};
                if (max_cp && found && cp_start - cp_from > max_cp) {
                    *ret_at = at;
                    return nw + 1;
                }
                if (hit && !found) { /* the window: from a little before it, at a word start */
                    found = true;
                    size_t wi = nw;
                    while (wi > 0 && cp_start - w[wi - 1].cp_start <= max_cp / 4) wi--;
                    cp_from = w[wi].cp_start;
                }
                if (++nw == max) {
                    *ret_at = at;
                    return nw;
                }
            }
            in = false;
            tl = 0;
        } else {
            if (!in) {
                in = true;
                start = at;
                cp_start = cps;
            }
            if (f && tl + 4 <= TOKEN_MAX) {
                if (f < 0x80) tok[tl++] = (char)f;
                else tl += hy_text_encode(f, tok + tl);
            }
        }
        if (at < n) cps++;
    }
    return nw;
}

static bool text_hits(const char *text, const struct alts *al, const char *const *terms,
                      size_t nterms) {
    size_t n = strlen(text);
    char tok[TOKEN_MAX + 4];
    size_t tl = 0;
    for (size_t i = 0; i <= n;) {
        uint32_t f = next_folded(text, n, &i);
        if (!f) continue;
        if (is_separator(f)) {
            if (tl && tl <= TOKEN_MAX && word_hits(tok, tl, al, terms, nterms)) return true;
            tl = 0;
        } else if (tl + 4 <= TOKEN_MAX) {
            if (f < 0x80) tok[tl++] = (char)f;
            else tl += hy_text_encode(f, tok + tl);
        }
    }
    return false;
}

bool hy_lib_text_hits(const char *text, const char *const *terms, size_t nterms) {
    if (!text || !nterms) return false;
    struct alts al;
    alts_make(&al, terms, nterms);
    return text_hits(text, &al, terms, nterms);
}

/* Appends s[from..to) with line breaks and tabs turned into spaces. */
static int put_flat(hy_buf *b, const char *s, size_t from, size_t to) {
    size_t run = from;
    for (size_t i = from; i < to; i++) {
        char c = s[i];
        if (c != '\n' && c != '\r' && c != '\t' && c != '\x02' && c != '\x03') continue;
        if (hy_buf_append(b, s + run, i - run) < 0) return -1;
        if (c != '\x02' && c != '\x03' && hy_buf_putc(b, ' ') < 0) return -1;
        run = i + 1;
    }
    return hy_buf_append(b, s + run, to - run) < 0 ? -1 : 0;
}

/* The words array of hy_lib_snippet(), one per thread: 128 KiB that a search page would
 * otherwise allocate and free for each of its items. */
#define SNIPPET_WORDS 4096
static pthread_key_t words_key;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static void words_key_make(void) { (void)pthread_key_create(&words_key, free); }

static struct word *words_buffer(void) {
    pthread_once(&words_once, words_key_make);
    struct word *w = pthread_getspecific(words_key);
    if (w) return w;
    w = malloc(SNIPPET_WORDS * sizeof *w);
    if (w && pthread_setspecific(words_key, w) != 0) {
        free(w);
        w = NULL;
    }
    return w;
}

/* hy_lib_snippet() with the terms' alternatives split. With `only_hit`, a text no term hits
 * (anywhere, not only in the words a snippet looks at) gives "" and *ret_hit false: the text
 * is read once to both test and cut it. NULL when the arena is full. */
static char *snippet(hy_arena *a, const char *text, const struct alts *al,
                     const char *const *terms, size_t nterms, size_t max_cp, bool only_hit,
                     bool *ret_hit) {
    size_t n = strlen(text);
    const size_t maxw = SNIPPET_WORDS;
    struct word *w = words_buffer();
    if (!w) return NULL;
    size_t stop = n;
    long nw = (long)split_words(text, n, al, terms, nterms, w, maxw, max_cp, &stop);
    /* The window: from a little before the first hit (at a word start). */
    long first = -1;
    for (long i = 0; i < nw; i++)
        if (w[i].hit) {
            first = i;
            break;
        }
    if (only_hit) {
        *ret_hit = first >= 0 || (stop < n && text_hits(text + stop, al, terms, nterms));
        if (!*ret_hit) return hy_arena_strdup(a, "");
    }
    hy_buf b = HY_BUF_INIT(0);
    char *res = NULL;
    long wi = 0;
    if (first > 0) {
        size_t lead = max_cp / 4;
        wi = first;
        while (wi > 0 && w[first].cp_start - w[wi - 1].cp_start <= lead) wi--;
    }
    size_t from = nw > 0 ? w[wi].start : 0;
    size_t cp_from = nw > 0 ? w[wi].cp_start : 0;
    /* The end: the last word that ends within max_cp code points of the start. */
    size_t to = from;
    long last = wi - 1;
    for (long i = wi; i < nw; i++) {
        /* code points from `from` to the end of word i ≈ cp_start difference + word bytes */
        size_t wcp = w[i].cp_start - cp_from;
        if (wcp > max_cp) break;
        to = w[i].end;
        last = i;
    }
    if (nw == 0) to = 0;
    if (from > 0 && hy_buf_puts(&b, "… ") < 0) goto out;
    size_t at = from;
    for (long i = wi; i <= last; i++) {
        if (!w[i].hit) continue;
        if (put_flat(&b, text, at, w[i].start) < 0 || hy_buf_puts(&b, HY_LIB_MARK_START) < 0 ||
            put_flat(&b, text, w[i].start, w[i].end) < 0 ||
            hy_buf_puts(&b, HY_LIB_MARK_END) < 0)
            goto out;
        at = w[i].end;
    }
    if (put_flat(&b, text, at, to) < 0) goto out;
    if (nw > 0 && (last < nw - 1 || (size_t)nw == maxw) && hy_buf_puts(&b, " …") < 0) goto out;
    res = hy_arena_strndup(a, b.data ? b.data : "", b.len);
out:
    hy_buf_free(&b);
    return res;
}

char *hy_lib_snippet(hy_arena *a, const char *text, const char *const *terms, size_t nterms,
                     size_t max_cp) {
    struct alts al;
    alts_make(&al, terms, nterms);
    return snippet(a, text ? text : "", &al, terms, nterms, max_cp, false, NULL);
}

/* ---------------------------------------------------------------- workflow */

const char *hy_lib_transition(const char *action, const char *from) {
    if (!action || !from) return NULL;
    if (!strcmp(action, "submit") && !strcmp(from, "draft")) return "in_review";
    if (!strcmp(action, "publish") && (!strcmp(from, "in_review") || !strcmp(from, "draft")))
        return "published";
    if (!strcmp(action, "unpublish") && !strcmp(from, "published")) return "draft";
    if (!strcmp(action, "return") && !strcmp(from, "in_review")) return "draft";
    return NULL;
}

static json_t *json_or_empty(const char *text) {
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(j)) {
        json_decref(j);
        j = json_array();
    }
    return j;
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

/* The snippet an item shows (hy_lib_item_write()). An odd score says a term hits the summary
 * (it adds 1 for each term starting a word of it), so the summary is then read once, to cut;
 * otherwise the body is read once to both test and cut it. */
static char *item_snippet(hy_arena *a, const struct hy_lib_doc *d, int score,
                          const char *const *terms, size_t nterms) {
    const char *summary = d->summary ? d->summary : "", *body = d->body_text ? d->body_text : "";
    struct alts al;
    alts_make(&al, terms, nterms);
    if (nterms && !(score & 1) && !text_hits(summary, &al, terms, nterms)) {
        bool hit = false;
        char *s = snippet(a, body, &al, terms, nterms, HY_LIB_SNIPPET_CP, true, &hit);
        if (!s || hit) return s;
    }
    return snippet(a, *summary ? summary : body, &al, terms, nterms, HY_LIB_SNIPPET_CP, false,
                   NULL);
}

static void put_str_or_null(hy_buf *b, const char *key, const char *s) {
    hy_buf_puts(b, key);
    if (s) hy_jw_string(b, s);
    else hy_buf_puts(b, "null");
}

/* `,"key":"s"`, left out without s (as jansson leaves out a member set to a NULL string). */
static void put_str(hy_buf *b, const char *key, const char *s) {
    if (!s) return;
    hy_buf_puts(b, key);
    hy_jw_string(b, s);
}

int hy_lib_item_write(hy_buf *b, hy_arena *a, const struct hy_lib_doc *d, int score,
                      const char *const *terms, size_t nterms) {
    char *snip = item_snippet(a, d, score, terms, nterms);
    hy_buf_puts(b, "{\"id\":");
    hy_jw_string(b, d->id);
    put_str(b, ",\"type\":", d->type);
    put_str(b, ",\"language\":", d->language);
    put_str(b, ",\"title\":", d->title);
    hy_buf_puts(b, ",\"summary\":");
    hy_jw_string(b, d->summary ? d->summary : "");
    hy_buf_puts(b, ",\"snippet\":");
    hy_jw_string(b, snip ? snip : "");
    put_str_or_null(b, ",\"country\":", d->country);
    put_str_or_null(b, ",\"level\":", d->level);
    hy_buf_puts(b, ",\"year\":");
    if (d->year > 0) hy_jw_int(b, d->year);
    else hy_buf_puts(b, "null");
    put_str_or_null(b, ",\"stage\":", d->stage);
    hy_buf_puts(b, ",\"themes\":[");
    bool more = false;
    for (const char *p = d->themes ? d->themes : ""; *p;) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *t = n ? hy_arena_strndup(a, p, n) : NULL;
        if (t) {
            if (more) hy_buf_putc(b, ',');
            hy_jw_string(b, t);
            more = true;
        }
        if (!e) break;
        p = e + 1;
    }
    hy_buf_puts(b, d->covid ? "],\"covid\":true" : "],\"covid\":false");
    put_str(b, ",\"status\":", d->status);
    hy_buf_puts(b, ",\"origin\":");
    hy_jw_string(b, d->origin ? d->origin : "user");
    hy_buf_puts(b, ",\"published_at\":");
    if (d->published_at) hy_jw_int(b, d->published_at);
    else hy_buf_puts(b, "null");
    if (nterms) {
        hy_buf_puts(b, ",\"score\":");
        hy_jw_int(b, score);
    }
    return hy_buf_putc(b, '}');
}

json_t *hy_lib_doc_json(const struct hy_lib_doc *d) {
    json_t *themes = json_array();
    const char *p = d->themes ? d->themes : "";
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) json_array_append_new(themes, json_stringn(p, n));
        if (!e) break;
        p = e + 1;
    }
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(d->id));
    json_object_set_new(o, "type", json_string(d->type));
    json_object_set_new(o, "language", json_string(d->language ? d->language : "fa"));
    json_object_set_new(o, "translation_group",
                        json_string(d->translation_group ? d->translation_group : d->id));
    json_object_set_new(o, "title", json_string(d->title ? d->title : ""));
    json_object_set_new(o, "summary", json_string(d->summary ? d->summary : ""));
    json_object_set_new(o, "body", json_string(d->body_md ? d->body_md : ""));
    json_object_set_new(o, "body_html", json_string(d->body_html ? d->body_html : ""));
    json_object_set_new(o, "country", str_or_null(d->country));
    json_object_set_new(o, "level", str_or_null(d->level));
    json_object_set_new(o, "year", d->year > 0 ? json_integer(d->year) : json_null());
    json_object_set_new(o, "stage", str_or_null(d->stage));
    json_object_set_new(o, "themes", themes);
    json_object_set_new(o, "tags", json_or_empty(d->tags));
    json_object_set_new(o, "organisations", json_or_empty(d->organisations));
    json_object_set_new(o, "authors", json_or_empty(d->authors));
    json_object_set_new(o, "links", json_or_empty(d->links));
    json_object_set_new(o, "covid", json_boolean(d->covid));
    json_object_set_new(o, "status", json_string(d->status ? d->status : "draft"));
    json_object_set_new(o, "origin", json_string(d->origin ? d->origin : "user"));
    json_object_set_new(o, "created_at", json_integer(d->created_at));
    json_object_set_new(o, "updated_at", json_integer(d->updated_at));
    json_object_set_new(o, "published_at",
                        d->published_at ? json_integer(d->published_at) : json_null());
    if (hy_news_kind(d->type)) json_object_set_new(o, d->type, hy_news_extra_json(d->extra));
    return o;
}
