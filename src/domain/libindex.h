/* libindex.h — an in-memory search index of the published library documents.
 *
 * hy_lib_search() (domain/library.h) filters, counts and ranks the candidate rows a store scan
 * hands over; over 100,000 documents that scan dominates every search. The index keeps what a
 * search of the published documents needs in compact arrays instead:
 *   - per document (in id order, so the id tie-break is the document's position): its facet
 *     values and language as small interned numbers, covid, year, sort_at, its themes;
 *   - a vocabulary of the distinct words in sorted order, each with a posting list of the
 *     documents holding it and, per document, a mask: the word is in `tokens` (matching), in
 *     tok_title / tok_tags / tok_summary (ranking);
 *   - what a result shows (title, summary, body text for the snippet, origin, published_at),
 *     the texts deflated against a shared dictionary; a page inflates only its documents.
 * A query word matches the words of the vocabulary that start with it (a contiguous range), so
 * prefix matching and ranking give exactly hy_lib_search()'s answer over the store's scan of
 * the published documents: the same total, page, scores and facet counts
 * (tests/store/store_libindex.c compares them on both stores).
 *
 * Freshness: the store keeps a library version that every change to the documents raises
 * (store/library.h `version`). An index remembers the version it was built at; the process's
 * cache (app/libindex.h) hands it out only to a search that read the same version and
 * otherwise rebuilds it in the background.
 *
 * No SQL and no HTTP here: the builder takes the rows the store hands over. */
#ifndef HY_DOMAIN_LIBINDEX_H
#define HY_DOMAIN_LIBINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/library.h"
#include "domain/synonyms.h"
#include "util/arena.h"

typedef struct hy_libindex hy_libindex;
typedef struct hy_libindex_builder hy_libindex_builder;

/* ---- building ---- */

hy_libindex_builder *hy_libindex_builder_new(void);
/* Builds after `prev` (a reference is taken until the builder is finished or freed): its text
 * dictionary, and the deflated record of every document whose title, summary and body text are
 * unchanged (checked by inflating and comparing), shared with `prev` rather than copied, so a
 * rebuild deflates and holds only what changed.
 * Call before the first add; accepts NULL. */
void hy_libindex_builder_follow(hy_libindex_builder *b, hy_libindex *prev);
/* Adds published documents (rows of the store's index_rows, every token field set), in
 * strictly increasing id order across calls. Copies what it keeps. 0, -ENOMEM, or -EINVAL
 * (ids out of order, more than 65,535 distinct values of one facet). */
int hy_libindex_builder_add(hy_libindex_builder *b, const struct hy_lib_row *rows, size_t n);
/* The index of everything added, built at store version `version`; frees the builder. NULL
 * when out of memory or when an earlier add failed. */
hy_libindex *hy_libindex_builder_finish(hy_libindex_builder *b, int64_t version);
void hy_libindex_builder_free(hy_libindex_builder *b);

/* Takes one more reference (e.g. a search's while a cache holds the index); returns ix.
 * Accepts NULL. */
hy_libindex *hy_libindex_retain(hy_libindex *ix);
/* Drops a reference (the builder's, a cache's or a search's); the index is freed with the
 * last one. Accepts NULL. */
void hy_libindex_release(hy_libindex *ix);

int64_t hy_libindex_version(const hy_libindex *ix);
size_t hy_libindex_docs(const hy_libindex *ix);
size_t hy_libindex_words(const hy_libindex *ix);
/* Bytes of memory the index holds. */
size_t hy_libindex_bytes(const hy_libindex *ix);
/* Of those, the deflated texts (titles, summaries, bodies) and their dictionary; and the
 * texts' plain size. */
size_t hy_libindex_text_bytes(const hy_libindex *ix);
size_t hy_libindex_text_plain(const hy_libindex *ix);
/* Documents whose deflated record was taken over from the index built before. */
size_t hy_libindex_text_reused(const hy_libindex *ix);
/* Of hy_libindex_text_bytes(), the bytes held in chunks shared with the index built before
 * (held once for both while both live). */
size_t hy_libindex_text_shared(const hy_libindex *ix);

/* The synonym list read with the documents (same store version), which the index then owns
 * and frees; set once, before the index is shared. */
void hy_libindex_set_synonyms(hy_libindex *ix, hy_synonyms *syn);
/* The index's synonym list, or NULL when none was set. */
const hy_synonyms *hy_libindex_synonyms(const hy_libindex *ix);

/* ---- searching ---- */

/* hy_lib_search() over the index's documents: the same arguments (without the rows) and the
 * same result. Page rows carry id, type, language, country, level, stage, themes, status
 * ("published"), year, covid and sort_at; they and the facet values are copied into the
 * arena, so the result outlives the index reference. 0 or -ENOMEM. Safe from any number of
 * threads at once. */
int hy_libindex_search(const hy_libindex *ix, hy_arena *a, const struct hy_lib_filter *f,
                       const char *const *terms, size_t nterms, enum hy_lib_sort sort,
                       size_t offset, size_t limit, struct hy_lib_result *ret);

/* Document `id` as a search result shows it (hy_lib_item_write(), domain/library.h): id, type,
 * language, title, summary, body_text, country, level, year, stage, themes, covid, status
 * ("published"), origin, published_at and sort_at, from memory, in the arena (the other fields
 * NULL or 0); it outlives the index reference. Without `body`, body_text is read only when the
 * summary is empty (an item then shows the body's snippet) and is NULL otherwise: a page whose
 * snippets come from the summaries inflates no body. 1, 0 when the index does not hold `id`,
 * -ENOMEM, or -EIO when its record does not inflate. Safe from any number of threads. */
int hy_libindex_doc(const hy_libindex *ix, hy_arena *a, const char *id, bool body,
                    struct hy_lib_doc *ret);
/* hy_libindex_doc() of the index's document number d, as a search's result names it
 * (hy_lib_result.index_docs): no look-up of the id. 0 when d is not a document of the index. */
int hy_libindex_doc_at(const hy_libindex *ix, hy_arena *a, uint32_t d, bool body,
                       struct hy_lib_doc *ret);

#endif
