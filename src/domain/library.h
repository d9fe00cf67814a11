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

#include "domain/id.h"
#include "util/arena.h"
#include "util/buf.h"

/* ---- records (strings point into the arena of the store function that filled them) ---- */

/* One library document. */
struct hy_lib_doc {
    char id[HY_ID_LEN + 1];
    const char *type;              /* case_study, project, publication, toolkit, faq, resource, guide */
    const char *language;          /* fa, en */
    const char *translation_group; /* id shared by a document and its translations */
    const char *title;
    const char *summary;
    const char *body_md;   /* the Markdown as written */
    const char *body_html; /* rendered at save time (raw HTML off, links sanitised) */
    const char *body_text; /* plain text of the body, for snippets */
    const char *country;   /* ISO 3166-1 alpha-2 (upper case), or NULL */
    const char *level;     /* international, national, regional, local, non_governmental, or NULL */
    int year;              /* 0 = none */
    const char *stage;     /* problem_identification … diffusion, or NULL */
    const char *themes;    /* theme slugs separated by single spaces ("" = none) */
    const char *tags;      /* JSON array of strings */
    const char *organisations; /* JSON array of strings */
    const char *authors;       /* JSON array of strings */
    const char *links;         /* JSON array of {"url","title"} */
    bool covid;
    const char *status;     /* draft, in_review, published */
    const char *origin;     /* user, seed, demo, import */
    const char *created_by; /* user id, or NULL (seed, demo, import) */
    int64_t created_at, updated_at;
    int64_t published_at; /* 0 = never published */
    int64_t sort_at;      /* "newest" order: published_at once published, else created_at */
    /* Search tokens (domain/library.c): normalised words separated by single spaces. */
    const char *tok_title, *tok_summary, *tok_tags;
    const char *tokens; /* every searchable word: title, summary, tags, organisations, body */
    /* The fields of a news item or a fact check (domain/news.h), a JSON object; "{}" for the
     * other types. */
    const char *extra;
};

/* What the search scan needs of each candidate. */
struct hy_lib_row {
    char id[HY_ID_LEN + 1];
    const char *type, *language, *country, *level, *stage, *themes, *status;
    int year;
    bool covid;
    int64_t sort_at;
    const char *tok_title, *tok_summary, *tok_tags; /* only when the scan has terms, else NULL */
    const char *tokens; /* only from index_rows, else NULL */
    /* What a search result shows, only from index_rows (else NULL and 0). */
    const char *title, *summary, *body_text, *origin;
    int64_t published_at;
};

#define HY_LIB_MAX_TERMS 8

/* The candidates of a search. */
struct hy_lib_scan {
    const char *status; /* only documents with this status; NULL = any */
    /* Normalised query words (domain/library.c): a document matches when every term is the
     * start of one of its tokens. nterms = 0: every document. */
    const char *terms[HY_LIB_MAX_TERMS];
    size_t nterms;
};

struct hy_lib_revision {
    int64_t id, at;
    const char *doc_id;
    const char *author_id; /* NULL for the system */
    const char *action;    /* create, edit, submit, publish, unpublish, import, seed */
    const char *snapshot;  /* JSON object: the document's editable fields after the change */
};

struct hy_lib_attachment {
    char id[HY_ID_LEN + 1];
    char doc_id[HY_ID_LEN + 1];
    const char *filename;
    const char *content_type;
    const void *data; /* NULL in lists */
    size_t size;
    const char *created_by;
    int64_t created_at;
};

struct hy_lib_org {
    const char *slug; /* stable key, e.g. "code-for-japan" */
    const char *name_fa, *name_en;
    const char *region;  /* e.g. "Asia", "Europe" (a fixed list in domain/library.c) */
    const char *country; /* ISO alpha-2 or NULL */
    const char *website; /* https URL or NULL */
    const char *description_fa, *description_en;
    const char *origin; /* seed, demo, import, user */
};

struct hy_lib_project {
    const char *slug;
    const char *org_slug;
    const char *name_fa, *name_en;
    const char *description_fa, *description_en;
    const char *website; /* or NULL */
    int year;            /* 0 = unknown */
    bool covid;
    const char *doc_id; /* the library document about it, or NULL */
};

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
    /* The caller reads no facet counts (the FAQ assistant): the index does not count them and
     * the result's facets are left empty. */
    bool no_facets;
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
    /* From hy_libindex_search() (domain/libindex.h): each page row's document number in that
     * index, for hy_libindex_doc_at(); NULL from hy_lib_search(). */
    const uint32_t *index_docs;
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

/* One item of a search answer, written as JSON into b (util/jsonw.h: the bytes jansson would
 * make): id, type, language, title, summary, a snippet of about HY_LIB_SNIPPET_CP code points
 * (of the summary when a term hits it or there are no terms, else of the body's text when a
 * term hits that, and of the body when the summary is empty), the facet values, covid, status,
 * origin, published_at, and the score when there are terms. `score` is the row's score for
 * these terms as the search gave it (hy_lib_search(), hy_libindex_search()): an odd one tells
 * that a term hits the summary without reading it. Reads d's id, type, language, title,
 * summary, body_text, country, level, year, stage, themes, covid, status, origin and
 * published_at only, so an item built from the process's index (domain/libindex.h) is the same
 * bytes as one built from the store's document. The snippet is made in the arena. Returns
 * hy_buf's status (errors stick in b). */
#define HY_LIB_SNIPPET_CP 220
int hy_lib_item_write(hy_buf *b, hy_arena *a, const struct hy_lib_doc *d, int score,
                      const char *const *terms, size_t nterms);

#endif
