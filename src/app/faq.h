/* faq.h — the FAQ assistant's answers: the library's published FAQ documents that best match
 * a question a person typed, found by the library's own search (its in-memory index, or the
 * store when the index is not current) with the synonym list. It never writes an answer: it
 * only points at documents editors wrote and published.
 *
 * A question is rarely a list of keywords ("How do I ask for medicine for my mother?"), so
 * each of its words is searched on its own (with its synonyms; words of one or two letters and
 * common function words of Persian and English are left out) and a document's rank is the
 * number of the question's words it holds, then the sum of the library's relevance scores
 * (title 4, tags 2, summary 1 per word), then the newest, then the id. */
#ifndef HY_APP_FAQ_H
#define HY_APP_FAQ_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "domain/library.h"

#define HY_FAQ_MAX_ANSWERS 10

struct hy_faq_answer {
    struct hy_lib_doc doc; /* in the arena */
    int matched;           /* the question's words it holds */
    int score;             /* the sum of their relevance scores */
};

/* The question's searchable words (normalised, at most HY_LIB_MAX_TERMS, arena strings).
 * Returns their count. */
size_t hy_faq_words(hy_arena *a, const char *question, const char **ret_words);

/* At most `want` (≤ HY_FAQ_MAX_ANSWERS) published FAQ documents in `lang` (fa, en; NULL: any)
 * for `question`, best first, read from `db`. *ret_terms / *ret_nterms: the words searched,
 * with their synonyms (for snippets). Returns the count (0 when nothing matches or the
 * question has no searchable word) or a negative store status. */
int hy_faq_find(struct hy_app *app, hy_db *db, hy_arena *a, const char *question,
                const char *lang, size_t want, struct hy_faq_answer *ret,
                const char ***ret_terms, size_t *ret_nterms);

/* Whether an inbound text message is a question for the FAQ rather than a request for help:
 * it ends with a question mark (? or ؟, trailing spaces, dots and exclamation marks aside) or
 * starts with the word FAQ, «سوال», «سؤال» or «پرسش»; and no word of it starts with one that
 * says a need ("need", "urgent", "emergency", «نیاز», «فوری», «اورژانس», «لازم»). A question
 * the FAQ has no answer for is taken as a request after all, so no need is lost. */
bool hy_faq_is_question(const char *text);

#define HY_FAQ_MAX_LIST 200

/* Every published FAQ document in `lang` (NULL: any), newest first, at most `max` (≤
 * HY_FAQ_MAX_LIST): the FAQ page. Returns the count (*ret an arena array) or a negative store
 * status. */
int hy_faq_list(hy_db *db, hy_arena *a, const char *lang, size_t max, struct hy_lib_doc **ret);

#endif
