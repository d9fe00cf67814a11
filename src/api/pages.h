/* pages.h — what the help-request handlers share of pages.c: the pages for form posts (people
 * without JavaScript) and the texts of a request's next steps, in Persian and English. */
#ifndef HY_API_PAGES_H
#define HY_API_PAGES_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"
#include "util/arena.h"

/* "en" for "en", else "fa" (the site's default language). */
const char *hy_page_lang(const char *l);
/* s with & < > " ' escaped for HTML, in the arena; NULL when the arena is full. */
char *hy_html_escape(hy_arena *a, const char *s);
/* Answers a small, self-contained page in the site's style, in `lang`. `body` is trusted
 * markup: every value in it was escaped by the caller. */
hy_result hy_page_reply(hy_req *req, unsigned status, const char *lang, const char *title,
                        const char *body);
/* A problem with a submission: the JSON error for scripts; for a form post (`form`) a page
 * that says what was wrong, in `lang`, with a way back to the form. */
hy_result hy_page_problem(hy_req *req, bool form, const char *lang, enum hy_error e,
                          const char *message, const char *field);
/* The next steps a requester is told after asking for help: a JSON array of sentences in
 * `lang`, with the tracking code; `open`: volunteers can see the request already. */
json_t *hy_page_next_steps(const char *lang, const char *code, bool open);
/* A request status in plain words for its requester (`name`, and a sentence that `explain`s
 * what happens next), in Persian or English; unknown statuses get a neutral text. */
void hy_page_status_words(const char *status, bool fa, const char **ret_name,
                          const char **ret_explain);
/* The name of a kind of help, in Persian or English. */
const char *hy_page_kind_name(const char *kind, bool fa);

#endif
