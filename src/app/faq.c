/* faq.c — the FAQ assistant's answers (faq.h). */
#include "app/faq.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/library.h"

/* Function words that say nothing about the subject of a question (normalised forms). */
static const char *const stop_words[] = {
    "the", "and", "for", "how", "what", "can", "you", "are", "with", "does", "this", "that",
    "who", "where", "when", "why", "have", "has", "our", "your", "get", "from", "about",
    "will", "not", "should", "would", "could", "there", "they", "which", "any", "some", "was",
    "were", "been", "into", "its", "his", "her", "their", "them", "than", "then", "also",
    "please", "want", "need", "who", "whom", "is", "do", "my", "me", "if", "or", "to", "of",
    "in", "on", "at", "by", "an", "it", "we", "be",
    "من", "به", "از", "که", "را", "و", "در", "با", "این", "آن", "چه", "چطور", "چگونه", "آیا",
    "می", "است", "برای", "یک", "کنم", "باید", "هست", "کجا", "چی", "یا", "تا", "هم", "اگر",
    "کنیم", "کند", "شود", "شما", "ما", "او", "چرا", "کی", "چند", "توانم", "میتوانم",
    "میشود", "بکنم", "دارم", "هستم", "بود", "کسی", "لطفا", NULL};

static bool is_stop(const char *w) {
    size_t cps = 0;
    for (const char *p = w; *p; p++) cps += ((unsigned char)*p & 0xC0) != 0x80;
    if (cps < 2 || (cps < 3 && (unsigned char)w[0] < 0x80 && !(w[0] >= '0' && w[0] <= '9')))
        return true;
    for (size_t i = 0; stop_words[i]; i++)
        if (!strcmp(stop_words[i], w)) return true;
    return false;
}

size_t hy_faq_words(hy_arena *a, const char *question, const char **ret_words) {
    const char *all[HY_LIB_MAX_TERMS];
    size_t n = hy_lib_terms(a, question, all), k = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_stop(all[i])) ret_words[k++] = all[i];
    return k;
}

struct tally {
    char id[HY_ID_LEN + 1];
    int matched, score;
    int64_t sort_at;
};

struct find_ctx {
    struct hy_app *app;
    hy_arena *a;
    struct hy_lib_filter filter;
    const char *words[HY_LIB_MAX_TERMS];
    const char **terms; /* the words with their synonyms */
    size_t nwords;
    struct tally *t;
    size_t nt, want;
    /* Where each document's tally is: an open-addressed table of t's indexes + 1 (0: free),
     * nslot a power of two at least twice the most tallies (every word's whole page). */
    uint32_t *slot;
    size_t nslot;
    int64_t version; /* of the index the tally came from */
    bool primary;    /* db is the one the index is built from */
    struct hy_lib_doc *docs;
    int ndocs;
};

#define PER_WORD 500 /* FAQ documents of one word considered */

/* Empties the tally, with room for every word's whole page. -1 when out of memory. */
static int tally_reset(struct find_ctx *c) {
    size_t most = c->nwords * PER_WORD, n = 16;
    while (n < 2 * most) n *= 2;
    if (!c->t) {
        c->t = malloc((most ? most : 1) * sizeof *c->t);
        c->slot = calloc(n, sizeof *c->slot);
        c->nslot = n;
        if (!c->t || !c->slot) return -1;
    } else {
        memset(c->slot, 0, c->nslot * sizeof *c->slot);
    }
    c->nt = 0;
    return 0;
}

/* FNV-1a of a document id. */
static uint32_t id_hash(const char *id) {
    uint32_t h = 2166136261u;
    for (const char *p = id; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    return h;
}

static int tally_add(struct find_ctx *c, const struct hy_lib_result *res) {
    for (size_t i = 0; i < res->npage; i++) {
        const struct hy_lib_row *r = res->page[i];
        size_t s = id_hash(r->id) & (c->nslot - 1);
        while (c->slot[s] && strcmp(c->t[c->slot[s] - 1].id, r->id)) s = (s + 1) & (c->nslot - 1);
        if (!c->slot[s]) {
            if (c->nt >= c->nwords * PER_WORD) return -1; /* more than one page a word */
            size_t k = c->nt++;
            memset(&c->t[k], 0, sizeof c->t[k]);
            memcpy(c->t[k].id, r->id, sizeof c->t[k].id);
            c->t[k].sort_at = r->sort_at;
            c->slot[s] = (uint32_t)k + 1;
        }
        struct tally *t = &c->t[c->slot[s] - 1];
        t->matched++;
        t->score += res->scores[i];
    }
    return 0;
}

static int tally_cmp(const void *x, const void *y) {
    const struct tally *a = x, *b = y;
    if (a->matched != b->matched) return b->matched - a->matched;
    if (a->score != b->score) return b->score - a->score;
    if (a->sort_at != b->sort_at) return a->sort_at > b->sort_at ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* The words with their alternatives from `syn`. */
static int expand(struct find_ctx *c, const hy_synonyms *syn) {
    c->terms = hy_arena_alloc(c->a, (c->nwords + 1) * sizeof *c->terms);
    if (!c->terms) return -1;
    memcpy(c->terms, c->words, c->nwords * sizeof *c->words);
    hy_synonyms_expand(syn, c->a, c->terms, c->nwords);
    return 0;
}

static int tally_index(struct find_ctx *c, const hy_libindex *ix) {
    if (tally_reset(c) < 0 || expand(c, hy_libindex_synonyms(ix)) < 0) return -1;
    for (size_t w = 0; w < c->nwords; w++) {
        struct hy_lib_result res;
        if (hy_libindex_search(ix, c->a, &c->filter, &c->terms[w], 1, HY_LIB_SORT_RELEVANCE, 0,
                               PER_WORD, &res) < 0 ||
            tally_add(c, &res) < 0)
            return -1;
    }
    c->version = hy_libindex_version(ix);
    return 0;
}

static size_t top_ids(struct find_ctx *c, const char **ids) {
    if (c->nt > 1) qsort(c->t, c->nt, sizeof *c->t, tally_cmp); /* c->t is NULL when empty */
    size_t n = c->nt < c->want ? c->nt : c->want;
    for (size_t i = 0; i < n; i++) ids[i] = c->t[i].id;
    return n;
}

static int fast_tx(hy_store *s, void *ctx) {
    struct find_ctx *c = ctx;
    const char *ids[HY_FAQ_MAX_ANSWERS];
    size_t n = top_ids(c, ids);
    int64_t version = 0;
    c->ndocs = s->ops->library->doc_get_many_at(s, ids, n, c->a, &c->docs, &version);
    if (c->ndocs < 0) return c->ndocs;
    if (version != c->version) c->ndocs = -1; /* the documents changed since: read again */
    return HY_DB_ONE;
}

static int find_tx(hy_store *s, void *ctx) {
    struct find_ctx *c = ctx;
    int64_t version = 0;
    int r = s->ops->library->version(s, &version);
    if (r < 0) return r;
    hy_libindex *ix = hy_libindex_cache_get(c->app ? c->app->libindex : NULL, version,
                                            c->primary);
    if (ix) {
        r = tally_index(c, ix);
        hy_libindex_release(ix);
        if (r < 0) return HY_DB_HARD;
    } else {
        hy_synonyms *syn = NULL;
        if ((r = hy_libindex_read_synonyms(s, &syn)) < 0) return r;
        r = expand(c, syn);
        hy_synonyms_free(syn);
        if (r < 0 || tally_reset(c) < 0) return HY_DB_HARD;
        for (size_t w = 0; w < c->nwords; w++) {
            struct hy_lib_scan scan = {.status = "published", .nterms = 1};
            scan.terms[0] = c->terms[w];
            struct hy_lib_row *rows = NULL;
            size_t n = 0;
            if ((r = s->ops->library->scan(s, &scan, c->a, &rows, &n)) < 0) return r;
            struct hy_lib_result res;
            if (hy_lib_search(c->a, rows, n, &c->filter, &c->terms[w], 1, HY_LIB_SORT_RELEVANCE,
                              0, PER_WORD, &res) < 0 ||
                tally_add(c, &res) < 0)
                return HY_DB_HARD;
        }
    }
    const char *ids[HY_FAQ_MAX_ANSWERS];
    size_t n = top_ids(c, ids);
    c->ndocs = n ? s->ops->library->doc_get_many(s, ids, n, c->a, &c->docs) : 0;
    return c->ndocs < 0 ? c->ndocs : HY_DB_ONE;
}

int hy_faq_find(struct hy_app *app, hy_db *db, hy_arena *a, const char *question,
                const char *lang, size_t want, struct hy_faq_answer *ret,
                const char ***ret_terms, size_t *ret_nterms) {
    struct find_ctx c = {.app = app, .a = a, .want = want > HY_FAQ_MAX_ANSWERS ? HY_FAQ_MAX_ANSWERS
                                                                              : want};
    c.primary = app && db == app->db;
    c.filter.covid = -1;
    c.filter.no_facets = true;
    c.filter.language = lang;
    c.filter.values[HY_LIB_F_TYPE][0] = "faq";
    c.filter.nvalues[HY_LIB_F_TYPE] = 1;
    c.nwords = hy_faq_words(a, question, c.words);
    *ret_terms = NULL;
    *ret_nterms = 0;
    if (!c.nwords || !c.want) return 0;
    int r = -1;
    /* Fast: the process's current index, then the documents and the version in one statement;
     * the answer stands when the version is the index's. */
    hy_libindex *ix = app ? hy_libindex_cache_current(app->libindex) : NULL;
    if (ix) {
        r = tally_index(&c, ix);
        hy_libindex_release(ix);
        if (r < 0) {
            free(c.t);
            free(c.slot);
            return HY_DB_HARD;
        }
        r = hy_db_run(db, HY_TX_SINGLE, fast_tx, &c);
        if (r < 0) {
            free(c.t);
            free(c.slot);
            return r;
        }
        r = c.ndocs;
    }
    if (r < 0) {
        r = hy_db_run(db, HY_TX_READ, find_tx, &c);
        if (r < 0) {
            free(c.t);
            free(c.slot);
            return r;
        }
    }
    /* The documents in rank order. */
    size_t n = 0;
    for (size_t i = 0; i < c.nt && n < c.want; i++)
        for (int k = 0; k < c.ndocs; k++)
            if (!strcmp(c.docs[k].id, c.t[i].id)) {
                ret[n++] = (struct hy_faq_answer){c.docs[k], c.t[i].matched, c.t[i].score};
                break;
            }
    free(c.t);
    free(c.slot);
    *ret_terms = c.terms;
    *ret_nterms = c.nwords;
    return (int)n;
}

struct list_ctx {
    hy_arena *a;
    struct hy_lib_filter filter;
    size_t max;
    struct hy_lib_doc *docs;
    int ndocs;
    struct hy_lib_result res;
};

static int list_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    struct hy_lib_scan scan = {.status = "published"};
    struct hy_lib_row *rows = NULL;
    size_t n = 0;
    int r = s->ops->library->scan(s, &scan, c->a, &rows, &n);
    if (r < 0) return r;
    if (hy_lib_search(c->a, rows, n, &c->filter, NULL, 0, HY_LIB_SORT_NEWEST, 0, c->max,
                      &c->res) < 0)
        return HY_DB_HARD;
    const char **ids = hy_arena_alloc(c->a, (c->res.npage + 1) * sizeof *ids);
    if (!ids) return HY_DB_HARD;
    for (size_t i = 0; i < c->res.npage; i++) ids[i] = c->res.page[i]->id;
    c->ndocs = c->res.npage ? s->ops->library->doc_get_many(s, ids, c->res.npage, c->a, &c->docs)
                            : 0;
    return c->ndocs < 0 ? c->ndocs : HY_DB_ONE;
}

int hy_faq_list(hy_db *db, hy_arena *a, const char *lang, size_t max, struct hy_lib_doc **ret) {
    struct list_ctx c = {.a = a, .max = max > HY_FAQ_MAX_LIST ? HY_FAQ_MAX_LIST : max};
    c.filter.covid = -1;
    c.filter.language = lang;
    c.filter.values[HY_LIB_F_TYPE][0] = "faq";
    c.filter.nvalues[HY_LIB_F_TYPE] = 1;
    int r = hy_db_run(db, HY_TX_READ, list_tx, &c);
    if (r < 0) return r;
    /* newest first, as the search ordered them */
    struct hy_lib_doc *out = hy_arena_alloc(a, ((size_t)c.ndocs + 1) * sizeof *out);
    if (!out) return HY_DB_HARD;
    int n = 0;
    for (size_t i = 0; i < c.res.npage; i++)
        for (int k = 0; k < c.ndocs; k++)
            if (!strcmp(c.docs[k].id, c.res.page[i]->id)) {
                out[n++] = c.docs[k];
                break;
            }
    *ret = out;
    return n;
}

/* Words that make a message a request for help even when it is phrased as a question. */
static const char *const need_words[] = {"need", "urgent", "emergency", "نیاز", "فوری",
                                         "اورژانس", "لازم", NULL};

bool hy_faq_is_question(const char *text) {
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\r' ||
                 text[n - 1] == '\t' || text[n - 1] == '.' || text[n - 1] == '!'))
        n--;
    bool ends_q = (n >= 1 && text[n - 1] == '?') ||
                  (n >= 2 && !memcmp(text + n - 2, "\xD8\x9F", 2)); /* ؟ U+061F */
    hy_arena *a = hy_arena_new(0);
    if (!a) return false;
    char *toks = hy_lib_tokens(a, text, strlen(text), false);
    bool keyword = false, need = false;
    if (toks) {
        size_t fl = strcspn(toks, " ");
        keyword = (fl == 3 && !memcmp(toks, "faq", 3)) ||
                  (fl == strlen("سوال") && !memcmp(toks, "سوال", fl)) ||
                  (fl == strlen("سؤال") && !memcmp(toks, "سؤال", fl)) ||
                  (fl == strlen("پرسش") && !memcmp(toks, "پرسش", fl));
        for (const char *p = toks; *p;) {
            size_t wl = strcspn(p, " ");
            for (size_t i = 0; need_words[i] && !need; i++)
                need = wl >= strlen(need_words[i]) && !memcmp(p, need_words[i], strlen(need_words[i]));
            p += wl;
            while (*p == ' ') p++;
        }
    }
    hy_arena_free(a);
    return (ends_q || keyword) && !need;
}
