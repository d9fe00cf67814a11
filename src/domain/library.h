/* library.h — the knowledge library's rules: document vocabulary, search tokens, faceted search,
 * snippets. No HTTP, no SQL: the store hands over candidate rows (store/library.h) and this
 * module filters, counts, ranks and pages them, so both stores give the same answer.
 *
 * Tokens: text is normalised (domain/text.h) and split into words. A word is a run of ASCII
 * letters and digits and of non-ASCII characters that are not spaces, punctuation or symbols
 * (the separators are listed in library.c). Tokens are joined with single spaces and handed to
 * both stores as they are (FTS5's "ascii" tokenizer and PostgreSQL's array_to_tsvector() then
 * see exactly these words), so a query matches the same documents in both.
 *
 * Matching: a document matches a query when every query word is the start of one of its words
 * (prefix match, so «گروه» finds «گروه‌ها» and "vol" finds "volunteers").
 *
 * Ranking (sort=relevance): for each query word, 4 if it starts a word of the title, 2 if of the
 * tags/themes, 1 if of the summary (a body-only match scores 0 for that word); higher first, ties
 * by newest, then by id. Computed here from tokens the store keeps, identical on both stores and
 * cheap even when most documents match (no per-match work on the body). */
#ifndef HY_DOMAIN_LIBRARY_H
#define HY_DOMAIN_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store/library.h"
#include "util/arena.h"

extern const char *const hy_lib_types[];    /* NULL-terminated */
extern const char *const hy_lib_levels[];   /* international … non_governmental */
extern const char *const hy_lib_stages[];   /* problem_identification … diffusion */
extern const char *const hy_lib_statuses[]; /* draft, in_review, published */
extern const char *const hy_lib_languages[];
extern const char *const hy_lib_regions[];

bool hy_lib_one_of(const char *v, const char *const *list);
/* A theme is a slug: 1–40 of a–z, 0–9, '_' and '-'. */
bool hy_lib_theme_valid(const char *s, size_t n);
/* ISO 3166-1 alpha-2 as two ASCII letters (upper-cased into out[3]); false otherwise. */
bool hy_lib_country_parse(const char *s, char out[3]);

/* The tokens of s[0..n) joined by single spaces, in the arena ("" for none). With `unique`,
 * each token appears once (first occurrence kept). NULL when the arena is full. */
char *hy_lib_tokens(hy_arena *a, const char *s, size_t n, bool unique);

/* Splits a query into at most HY_LIB_MAX_TERMS distinct tokens (arena strings). Returns the
 * count (0 when the query has no word). */
size_t hy_lib_terms(hy_arena *a, const char *q, const char **terms);

/* Renders the Markdown body, builds the search tokens and fills body_html, body_text,
 * tok_title, tok_summary, tok_tags and tokens of d from title, summary, body_md, tags (JSON
 * array), themes and organisations (JSON array). 0, -ENOMEM or -EINVAL. */
int hy_lib_doc_prepare(hy_arena *a, struct hy_lib_doc *d);

/* ---- faceted search ---- */

enum hy_lib_facet {
    HY_LIB_F_TYPE,
    HY_LIB_F_COUNTRY,
    HY_LIB_F_LEVEL,
    HY_LIB_F_YEAR,
    HY_LIB_F_STAGE,
    HY_LIB_F_THEME,
    HY_LIB_F__COUNT
};
extern const char *const hy_lib_facet_names[HY_LIB_F__COUNT]; /* "type", "country", … */

#define HY_LIB_MAX_VALUES 32

struct hy_lib_filter {
    const char *values[HY_LIB_F__COUNT][HY_LIB_MAX_VALUES]; /* OR within a facet */
    size_t nvalues[HY_LIB_F__COUNT];                       /* 0 = no filter on it */
    int covid;            /* -1 any, 0 only not, 1 only COVID-19 responses */
    const char *language; /* NULL = any */
};

/* Adds the comma-separated values of `csv` to facet f (validated and canonicalised: country
 * upper case, year 4 digits). Returns 0, or -1 when a value is not allowed or there are more
 * than HY_LIB_MAX_VALUES. */
int hy_lib_filter_add(hy_arena *a, struct hy_lib_filter *flt, enum hy_lib_facet f,
                      const char *csv);

enum hy_lib_sort { HY_LIB_SORT_RELEVANCE, HY_LIB_SORT_NEWEST, HY_LIB_SORT_YEAR };

struct hy_lib_count {
    const char *value;
    size_t count;
};

struct hy_lib_result {
    size_t total;
    struct hy_lib_row **page; /* the requested page, in order */
    int *scores;              /* score of each page row (relevance; 0 without terms) */
    size_t npage;
    /* Per facet: each value's count under every active filter except that facet's own, in
     * value order; a selected value is listed even when its count is 0. */
    struct hy_lib_count *facets[HY_LIB_F__COUNT];
    size_t nfacets[HY_LIB_F__COUNT];
};

/* Filters, counts, ranks and pages the candidates (rows from the store's scan with the same
 * terms). Arrays in *ret live in the arena. 0 or -ENOMEM. */
int hy_lib_search(hy_arena *a, struct hy_lib_row *rows, size_t n, const struct hy_lib_filter *f,
                  const char *const *terms, size_t nterms, enum hy_lib_sort sort, size_t offset,
                  size_t limit, struct hy_lib_result *ret);

/* A snippet of `text` of about max_cp code points around the first word matching a term, each
 * matching word wrapped in HY_LIB_MARK_START … HY_LIB_MARK_END (control characters, which
 * stored text never holds: input checks refuse them); "…" where the text was cut; line breaks
 * become spaces. Without terms or hits: the start of the text. NULL when the arena is full. */
#define HY_LIB_MARK_START "\x02"
#define HY_LIB_MARK_END "\x03"
char *hy_lib_snippet(hy_arena *a, const char *text, const char *const *terms, size_t nterms,
                     size_t max_cp);
/* True when some term starts a word of `text`. */
bool hy_lib_text_hits(const char *text, const char *const *terms, size_t nterms);

/* ---- editorial workflow ---- */

/* The status an action leads to from `from`, or NULL when the action is not allowed there:
 * submit: draft → in_review; publish: in_review → published (draft → published too, for
 * admins publishing their own work); unpublish: published → draft; return: in_review → draft. */
const char *hy_lib_transition(const char *action, const char *from);

/* The document as JSON: every field an API reader sees (body_md, body_html; no tokens, no
 * body_text). New reference. */
json_t *hy_lib_doc_json(const struct hy_lib_doc *d);

#endif
