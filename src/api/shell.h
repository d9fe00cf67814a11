/* shell.h — the site's shell (header, navigation with the current section marked, footer with
 * the FAQ box, language switch) around a page the server renders, in the language of its
 * address: the decision trees, official news, fact checks. */
#ifndef HY_API_SHELL_H
#define HY_API_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "util/buf.h"

struct hy_shell {
    hy_req *req;
    const char *lang; /* "fa" or "en" */
    bool fa;
    /* A page below its section's own page (one item): the section's navigation link is
     * marked as the current section rather than the current page. */
    bool below;
    /* The built page (e.g. web/news.html) whose <main> the server fills; NULL without a web
     * folder (a plain shell of our own then). */
    const char *tpl;
    size_t tpl_len;
    size_t main_open, main_close; /* end of the <main …> tag; start of </main> */
    /* English pages: web/locales/en.json's strings (a JSON object read once per process), or
     * NULL; the shell's data-i18n words are put in English from it. */
    const struct json_t *en;
};

/* Prepares the shell of the built page `file` ("/news.html") in `lang` (hy_page_lang's rule). */
void hy_shell_init(struct hy_shell *sh, hy_req *req, const char *file, const char *lang);
/* Writes everything before the page's content and opens <div class="`cls`" data-page-lang
 * data-page-switch>, the marker that the script (web/js/server-page.js) uses to ask for the
 * page again when the reader switches language. `title` is plain text; `switch_href` the page
 * in the other language (the switch's address, which also works without scripts). */
void hy_shell_start(struct hy_shell *sh, hy_buf *b, const char *title, const char *cls,
                    const char *switch_href);
/* Closes what hy_shell_start opened and writes the rest of the shell. */
void hy_shell_end(struct hy_shell *sh, hy_buf *b);

/* `s` with its ASCII digits as Persian ones on a Persian page, else `s` itself (in the
 * request's arena; `s` on allocation failure). */
const char *hy_shell_digits(const struct hy_shell *sh, const char *s);
/* A day (days since 1970-01-01) as the page's reader reads it: "15 آذر 1405" with Persian
 * digits on a Persian page (Solar Hijri), "6 December 2026" on an English one. */
const char *hy_shell_day(const struct hy_shell *sh, int32_t day);
/* The day of a Unix time (UTC), as hy_shell_day writes it. */
const char *hy_shell_date(const struct hy_shell *sh, int64_t unix_time);

#endif
