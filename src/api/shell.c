/* shell.c — the site's shell around pages the server renders (see shell.h). The shell is the
 * built page web/NAME.html (scripts/build-web.mjs: header, navigation, footer, FAQ box); the
 * server copies it with the page's language and direction, the page's title, a language
 * switch that points at the page in the other language, and its own content in <main>. */
#include <jansson.h>
#include <pthread.h>
#include <string.h>

#include "api/shell.h"

#include "api/pages.h"
#include "domain/tree.h"
#include "http/static.h"

static const char *tr(const struct hy_shell *sh, const char *fa, const char *en) {
    return sh->fa ? fa : en;
}

static const char *esc(const struct hy_shell *sh, const char *s) {
    const char *e = hy_html_escape(sh->req->arena, s ? s : "");
    return e ? e : "";
}

/* The first `needle` in p[0..n), or NULL (the template is not NUL-terminated). */
static const char *find(const char *p, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (p[i] == needle[0] && !memcmp(p + i, needle, k)) return p + i;
    return NULL;
}

static bool starts(const char *s, size_t left, const char *prefix) {
    size_t k = strlen(prefix);
    return left >= k && !memcmp(s, prefix, k);
}

/* ---- the shell's words in English ----
 * The built pages carry the Persian text (scripts/build-web.mjs fills it in from fa.json);
 * with scripts the page translates itself. A page the server renders in English must say its
 * header, navigation and footer in English without scripts too: each element of the template
 * whose text is a `data-i18n` key gets that key's text from web/locales/en.json, read once. */

static pthread_mutex_t en_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct hy_static *en_from; /* the web folder the strings were read from */
static json_t *en_strings;              /* kept for the life of the process */

static json_t *english(const hy_req *req) {
    const struct hy_static *st = req->srv->statics;
    pthread_mutex_lock(&en_lock);
    if (en_from != st) {
        const char *data;
        size_t len;
        json_t *j = hy_static_get(st, "/locales/en.json", &data, &len)
                        ? json_loadb(data, len, 0, NULL)
                        : NULL;
        json_decref(en_strings);
        en_strings = json_is_object(j) ? j : NULL;
        if (!en_strings) json_decref(j);
        en_from = st;
    }
    json_t *r = en_strings;
    pthread_mutex_unlock(&en_lock);
    return r;
}

/* KEY's English text (a plain one: none with blanks to fill), or NULL. */
static const char *english_word(struct hy_shell *sh, const char *key, size_t klen) {
    const json_t *en = sh->en;
    char name[128];
    if (!en || klen >= sizeof name) return NULL;
    memcpy(name, key, klen);
    name[klen] = '\0';
    const char *word = json_string_value(json_object_get(en, name));
    return word && !strchr(word, '{') ? word : NULL;
}

/* Appends the start tag [s, gt] with the section marked as current below a section's page (as
 * template_copy() does for other tags) and each attribute its data-i18n-attr names
 * ("aria-label:key;content:key2") in English. */
static void english_start_tag(struct hy_shell *sh, hy_buf *b, const char *s, const char *gt) {
    const char *end = gt + 1;
    const char *list = find(s, (size_t)(gt - s), " data-i18n-attr=\"");
    const char *list_end = list ? memchr(list + 17, '"', (size_t)(gt - list - 17)) : NULL;
    const char *p = s;
    while (p < end) {
        const char *next = end, *value = NULL;
        const char *word = NULL;
        size_t skip = 0;
        if (sh->below && starts(s, (size_t)(end - s), "<a ")) {
            const char *cur = find(p, (size_t)(end - p), " aria-current=\"page\"");
            if (cur) next = cur, skip = strlen(" aria-current=\"page\"");
        }
        /* The next attribute the list names, if it comes before `next`. */
        for (const char *q = list_end ? list + 17 : NULL; q && q < list_end;) {
            const char *semi = memchr(q, ';', (size_t)(list_end - q));
            const char *pair_end = semi ? semi : list_end;
            const char *colon = memchr(q, ':', (size_t)(pair_end - q));
            if (colon && colon > q) {
                char needle[64];
                size_t alen = (size_t)(colon - q);
                if (alen + 4 < sizeof needle) {
                    needle[0] = ' ';
                    memcpy(needle + 1, q, alen);
                    memcpy(needle + 1 + alen, "=\"", 3);
                    const char *at = find(p, (size_t)(end - p), needle);
                    const char *w = at ? english_word(sh, colon + 1, (size_t)(pair_end - colon - 1))
                                       : NULL;
                    if (at && w && at < next && at != list) {
                        next = at + alen + 3; /* the value's first byte */
                        value = next;
                        word = w;
                        skip = 0;
                    }
                }
            }
            q = semi ? semi + 1 : list_end;
        }
        hy_buf_append(b, p, (size_t)(next - p));
        if (next == end) break;
        if (value) {
            const char *close = memchr(value, '"', (size_t)(end - value));
            if (!close) { p = value; continue; }
            hy_buf_puts(b, esc(sh, word));
            p = close;
        } else {
            hy_buf_puts(b, " aria-current=\"true\"");
            p = next + skip;
        }
    }
}

/* At `s` (a tag of `left` bytes to the end) with data-i18n or data-i18n-attr: the start tag in
 * English, and for `<… data-i18n="KEY" …>TEXT</` KEY's English text in place of TEXT. The bytes
 * consumed, or 0 for a tag that is none of these. */
static size_t english_text(struct hy_shell *sh, hy_buf *b, const char *s, size_t left) {
    const char *gt = memchr(s, '>', left);
    if (!gt) return 0;
    const char *attr = find(s, (size_t)(gt - s), " data-i18n=\"");
    if (!attr && !find(s, (size_t)(gt - s), " data-i18n-attr=\"")) return 0;
    english_start_tag(sh, b, s, gt);
    if (!attr) return (size_t)(gt + 1 - s);
    const char *key = attr + strlen(" data-i18n=\"");
    const char *kend = memchr(key, '"', (size_t)(gt - key));
    const char *text_end = memchr(gt, '<', left - (size_t)(gt - s));
    const char *word = kend ? english_word(sh, key, (size_t)(kend - key)) : NULL;
    if (!word || !text_end || !starts(text_end, left - (size_t)(text_end - s), "</"))
        return (size_t)(gt + 1 - s);
    hy_buf_puts(b, esc(sh, word));
    return (size_t)(text_end - s);
}

/* Finds where the template's <main> content goes; false when it has no <main>. */
static bool template_find(struct hy_shell *sh) {
    const char *end = sh->tpl + sh->tpl_len;
    const char *open = find(sh->tpl, sh->tpl_len, "<main");
    const char *gt = open ? find(open, (size_t)(end - open), ">") : NULL;
    const char *close = gt ? find(gt, (size_t)(end - gt), "</main>") : NULL;
    if (!close) return false;
    sh->main_open = (size_t)(gt + 1 - sh->tpl);
    sh->main_close = (size_t)(close - sh->tpl);
    return true;
}

void hy_shell_init(struct hy_shell *sh, hy_req *req, const char *file, const char *lang) {
    sh->req = req;
    sh->lang = hy_page_lang(lang);
    sh->fa = !strcmp(sh->lang, "fa");
    sh->below = false;
    sh->tpl = NULL;
    if (hy_static_get(req->srv->statics, file, &sh->tpl, &sh->tpl_len) && !template_find(sh))
        sh->tpl = NULL;
    sh->en = !sh->fa && sh->tpl ? english(req) : NULL;
}

static void put_switch(struct hy_shell *sh, hy_buf *b, const char *href) {
    const char *other = sh->fa ? "en" : "fa";
    hy_buf_printf(b,
                  "<a class=\"lang-switch lang-switch-server\" id=\"lang-switch\" href=\"%s\" "
                  "hreflang=\"%s\" "
                  "data-lang=\"%s\"><span class=\"visually-hidden\" "
                  "data-i18n=\"lang.switch_prefix\">%s</span> <span class=\"lang-switch-name\" "
                  "lang=\"%s\">%s</span></a>",
                  esc(sh, href), other, other, tr(sh, "تغییر زبان به", "Change language to"), other,
                  sh->fa ? "English" : "فارسی");
}

/* Copies template bytes [from, to), with the page's language and direction, title, language
 * switch and (below a section's page) the section marked as current rather than the page. */
static void template_copy(struct hy_shell *sh, hy_buf *b, size_t from, size_t to,
                          const char *title, const char *switch_href) {
    static const char html_tag[] = "<html lang=\"fa\" dir=\"rtl\">";
    const char *s = sh->tpl + from, *end = sh->tpl + to;
    while (s < end) {
        const char *lt = memchr(s, '<', (size_t)(end - s));
        if (!lt) lt = end;
        hy_buf_append(b, s, (size_t)(lt - s));
        s = lt;
        if (s == end) break;
        size_t left = (size_t)(end - s);
        const char *gt = memchr(s, '>', left);
        const char *close;
        if (starts(s, left, html_tag)) {
            hy_buf_printf(b, "<html lang=\"%s\" dir=\"%s\">", sh->lang, sh->fa ? "rtl" : "ltr");
            s += sizeof html_tag - 1;
        } else if (title && (starts(s, left, "<title>") || starts(s, left, "<title ")) &&
                   (close = find(s, left, "</title>"))) {
            /* The page's own title, without the shell's data-i18n (which would put the
             * generic one back). */
            hy_buf_printf(b, "<title>%s — %s</title>", esc(sh, title), tr(sh, "همیاری", "Hamyari"));
            s = close + 8;
        } else if (switch_href && starts(s, left, "<a class=\"lang-switch\"") &&
                   (close = find(s, left, "</a>"))) {
            put_switch(sh, b, switch_href);
            s = close + 4;
        } else if (!sh->fa && gt && find(s, (size_t)(gt - s), " data-i18n") &&
                   (close = s + english_text(sh, b, s, left)) != s) {
            s = close;
        } else if (sh->below && gt && starts(s, left, "<a ") &&
                   (close = find(s, (size_t)(gt - s), " aria-current=\"page\""))) {
            hy_buf_append(b, s, (size_t)(close - s));
            hy_buf_puts(b, " aria-current=\"true\"");
            s = close + strlen(" aria-current=\"page\"");
        } else {
            hy_buf_putc(b, '<');
            s++;
        }
    }
}

void hy_shell_start(struct hy_shell *sh, hy_buf *b, const char *title, const char *cls,
                    const char *switch_href) {
    if (sh->tpl) {
        template_copy(sh, b, 0, sh->main_open, title, switch_href);
        hy_buf_printf(b,
                      "\n<div class=\"%s\" data-page-lang=\"%s\" data-page-switch=\"%s\" "
                      "lang=\"%s\" dir=\"%s\">\n",
                      cls, sh->lang, esc(sh, switch_href ? switch_href : ""), sh->lang,
                      sh->fa ? "rtl" : "ltr");
        return;
    }
    hy_buf_printf(b,
                  "<!doctype html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<title>%s — %s</title>\n<link rel=\"stylesheet\" href=\"/css/app.css\">\n</head>\n"
                  "<body>\n<a class=\"skip-link\" href=\"#main\">%s</a>\n"
                  "<header class=\"site-header\"><div class=\"container header-bar\">"
                  "<a class=\"brand\" href=\"/?lang=%s\"><span class=\"brand-text\"><span "
                  "class=\"brand-name\">%s</span></span></a><div class=\"header-tools\">",
                  sh->lang, sh->fa ? "rtl" : "ltr", esc(sh, title), tr(sh, "همیاری", "Hamyari"),
                  tr(sh, "رفتن به محتوای اصلی", "Skip to the main content"), sh->lang,
                  tr(sh, "همیاری", "Hamyari"));
    put_switch(sh, b, switch_href ? switch_href : "/");
    hy_buf_printf(b,
                  "</div></div></header>\n<main id=\"main\" class=\"container\" tabindex=\"-1\">\n"
                  "<div class=\"%s\" data-page-lang=\"%s\" data-page-switch=\"%s\">\n",
                  cls, sh->lang, esc(sh, switch_href ? switch_href : ""));
}

void hy_shell_end(struct hy_shell *sh, hy_buf *b) {
    hy_buf_puts(b, "</div>\n");
    if (sh->tpl) template_copy(sh, b, sh->main_close, sh->tpl_len, NULL, NULL);
    else hy_buf_puts(b, "</main>\n</body>\n</html>\n");
}

const char *hy_shell_digits(const struct hy_shell *sh, const char *s) {
    if (!sh->fa || !s) return s ? s : "";
    size_t n = strlen(s), k = 0;
    char *out = hy_arena_alloc(sh->req->arena, n * 2 + 1);
    if (!out) return s;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            out[k++] = (char)0xDB; /* U+06F0 … U+06F9 */
            out[k++] = (char)(0xB0 + (s[i] - '0'));
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return out;
}

const char *hy_shell_day(const struct hy_shell *sh, int32_t day) {
    static const char *const months[12] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};
    static const char *const sh_months[12] = {"فروردین", "اردیبهشت", "خرداد", "تیر",
                                              "مرداد",   "شهریور",   "مهر",   "آبان",
                                              "آذر",     "دی",       "بهمن",  "اسفند"};
    int y, m, d;
    char *s;
    if (sh->fa && hy_tree_sh_ymd(day, &y, &m, &d)) {
        s = hy_arena_printf(sh->req->arena, "%d %s %d", d, sh_months[m - 1], y);
    } else {
        hy_tree_ymd(day, &y, &m, &d);
        s = hy_arena_printf(sh->req->arena, "%d %s %d", d, months[m - 1], y);
    }
    return s ? hy_shell_digits(sh, s) : "";
}

const char *hy_shell_date(const struct hy_shell *sh, int64_t unix_time) {
    int64_t day = unix_time >= 0 ? unix_time / 86400 : -((-unix_time + 86399) / 86400);
    return hy_shell_day(sh, (int32_t)day);
}
