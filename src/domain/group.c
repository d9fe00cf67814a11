/* group.c — search words, postcodes, contact checks, gazetteer ranking (see group.h). */
#include "domain/group.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo.h"
#include "domain/phone.h"
#include "domain/text.h"
#include "util/buf.h"
#include "util/utf8.h"

bool hy_word_char(unsigned cp) {
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    if (cp == 0xAA || cp == 0xB5 || cp == 0xBA) return true;
    if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;    /* Latin */
    if (cp >= 0x386 && cp <= 0x3FF) return cp != 0x387 && cp != 0x3F6; /* Greek */
    if (cp >= 0x400 && cp <= 0x481) return true;                       /* Cyrillic */
    if (cp >= 0x48A && cp <= 0x52F) return true;
    if (cp >= 0x531 && cp <= 0x556) return true; /* Armenian */
    if (cp >= 0x561 && cp <= 0x587) return true;
    if (cp >= 0x5D0 && cp <= 0x5EA) return true;        /* Hebrew */
    if (cp >= 0x620 && cp <= 0x64A) return cp != 0x640; /* Arabic letters */
    if (cp >= 0x66E && cp <= 0x6D3) return cp != 0x670 && cp != 0x6D4;
    if (cp == 0x6D5 || (cp >= 0x6EE && cp <= 0x6FC) || cp == 0x6FF) return true;
    if (cp >= 0x750 && cp <= 0x77F) return true;
    if (cp >= 0x3041 && cp <= 0x3096) return true; /* kana */
    if (cp >= 0x30A1 && cp <= 0x30FA) return true;
    if (cp >= 0x4E00 && cp <= 0x9FFF) return true; /* CJK */
    if (cp >= 0xAC00 && cp <= 0xD7A3) return true; /* Hangul */
    return false;
}

/* Folds that search needs beyond hy_text_fold(): Latin, Greek and Cyrillic capitals to small
 * letters (both stores would otherwise fold them differently), and Arabic letter variants that
 * Persian writers use interchangeably. */
static unsigned search_fold(unsigned cp) {
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
    if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
        cp != 0x17F) {
        bool odd_lower = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        if (odd_lower ? (cp & 1) : !(cp & 1)) return cp + 1;
        return cp;
    }
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;
    if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
    switch (cp) {
    case 0x0623:
    case 0x0625:
    case 0x0671: return 0x0627; /* أ إ ٱ → ا */
    case 0x0624: return 0x0648; /* ؤ → و */
    case 0x0629:
    case 0x06C0: return 0x0647; /* ة ۀ → ه */
    default: return cp;
    }
}

char *hy_search_text(hy_arena *a, const char *s) {
    if (!s) s = "";
    size_t n = strlen(s);
    char *norm = hy_text_normalise(a, s, n);
    if (!norm) return NULL;
    size_t m = strlen(norm);
    char *out = hy_arena_alloc(a, m * 2 + 1);
    if (!out) return NULL;
    size_t w = 0;
    bool in_word = false;
    for (size_t i = 0; i < m;) {
        uint32_t cp;
        i += hy_text_decode(norm + i, m - i, &cp);
        cp = search_fold(cp);
        if (hy_word_char(cp)) {
            if (!in_word && w) out[w++] = ' ';
            w += hy_text_encode(cp, out + w);
            in_word = true;
        } else {
            in_word = false;
        }
    }
    out[w] = '\0';
    return out;
}

const char **hy_search_tokens(hy_arena *a, const char *norm, size_t max, size_t *ret_n) {
    const char **t = hy_arena_alloc(a, (max ? max : 1) * sizeof *t);
    if (!t) return NULL;
    size_t n = 0;
    for (const char *p = norm; *p && n < max;) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        size_t len = strcspn(p, " ");
        t[n] = hy_arena_strndup(a, p, len);
        if (!t[n]) return NULL;
        n++;
        p += len;
    }
    *ret_n = n;
    return t;
}

bool hy_postcode_key(const char *s, char *out, size_t n) {
    size_t w = 0, len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += hy_text_decode(s + i, len - i, &cp);
        cp = hy_text_fold(cp);
        if (cp == 0 || cp == ' ' || cp == '-' || cp == '\t' || cp == 0xA0) continue;
        if (cp >= 'a' && cp <= 'z') cp -= 32;
        if (!((cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))) return false;
        if (w + 1 >= n || w >= 12) return false;
        out[w++] = (char)cp;
    }
    out[w] = '\0';
    return w >= 2;
}

static bool url_ok(const char *u) {
    if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7)) return false;
    const char *host = strstr(u, "://") + 3;
    if (!*host || *host == '/') return false;
    for (const char *p = u; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\'' || *p == '<' || *p == '>' ||
            *p == '\\' || *p == '`')
            return false;
    return strlen(u) <= 500;
}

bool hy_contact_valid(const json_t *c, const char **ret_field, const char **ret_problem) {
    if (!json_is_object(c)) {
        *ret_field = "contact";
        *ret_problem = "contact must be an object with phone, email, website or messaging.";
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)c, key, v) {
        static const char *const fields[] = {"contact.phone", "contact.email", "contact.website",
                                             "contact.messaging"};
        int which = !strcmp(key, "phone")       ? 0
                    : !strcmp(key, "email")     ? 1
                    : !strcmp(key, "website")   ? 2
                    : !strcmp(key, "messaging") ? 3
                                                : -1;
        if (which < 0) {
            *ret_field = "contact";
            *ret_problem = "contact takes only phone, email, website and messaging.";
            return false;
        }
        *ret_field = fields[which];
        if (json_is_null(v)) continue;
        const char *s = json_string_value(v);
        if (!s || !hy_utf8_valid(s, strlen(s), 0)) {
            *ret_problem = "This must be text.";
            return false;
        }
        if (!*s) continue;
        bool ok = true;
        if (which == 0) {
            size_t digits = 0, len = strlen(s);
            for (size_t i = 0; i < len;) {
                uint32_t cp;
                i += hy_text_decode(s + i, len - i, &cp);
                cp = hy_text_fold(cp);
                if (cp >= '0' && cp <= '9')
                    digits++;
                else if (cp == 0 || cp >= 0x80 || !strchr("+ -()./", (int)cp))
                    ok = false;
            }
            ok = ok && digits >= 3 && digits <= 20 && len <= 40;
            if (!ok) *ret_problem = "This is not a phone number.";
        } else if (which == 1) {
            ok = hy_email_valid(s);
            if (!ok) *ret_problem = "This is not an e-mail address.";
        } else {
            ok = url_ok(s);
            if (!ok) *ret_problem = "This must be a web address starting with https:// or http://.";
        }
        if (!ok) return false;
    }
    return true;
}

bool hy_lang_tag_valid(const char *s) {
    size_t n = strlen(s);
    if (n < 2 || n > HY_GROUP_LANG_LEN) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c == '-' && i > 0 && i + 1 < n)))
            return false;
    }
    return true;
}

const char *hy_group_list_text(hy_arena *a, const json_t *list) {
    hy_buf b = HY_BUF_INIT(0);
    size_t i;
    const json_t *t;
    json_array_foreach(list, i, t) {
        if (i) hy_buf_putc(&b, ';');
        hy_buf_puts(&b, json_is_string(t) ? json_string_value(t) : "");
    }
    /* Checked once: a failed append sticks. */
    const char *r = hy_buf_error(&b) ? NULL : hy_arena_strdup(a, b.data ? b.data : "");
    hy_buf_free(&b);
    return r;
}

/* ---- gazetteer ranking ---- */

struct ranked {
    struct hy_place p;
    double step; /* distance to the hint in 50 km steps; 0 without one */
};

static int ranked_cmp(const void *x, const void *y) {
    const struct ranked *a = x, *b = y;
    if (a->p.exact != b->p.exact) return a->p.exact ? -1 : 1;
    if (a->p.local != b->p.local) return a->p.local ? -1 : 1;
    if (a->step != b->step) return a->step < b->step ? -1 : 1;
    if (a->p.population != b->p.population) return a->p.population > b->p.population ? -1 : 1;
    return (a->p.geonameid > b->p.geonameid) - (a->p.geonameid < b->p.geonameid);
}

static size_t letters(const char *s) {
    size_t n = strlen(s), k = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += hy_text_decode(s + i, n - i, &cp);
        if (hy_word_char(cp)) k++;
    }
    return k;
}

size_t hy_geocode_rank(const struct hy_geocode_query *q, struct hy_place *v, size_t n) {
    if (n == 0) return 0;
    struct ranked *r = calloc(n, sizeof *r);
    if (!r) return 0;
    bool region = q->country && *q->country;
    bool short_q = letters(q->prefix ? q->prefix : "") < HY_GEOCODE_SHORT;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct hy_place p = v[i];
        double d = q->has_near ? hy_geo_distance_m(q->near_lat, q->near_lon, p.lat, p.lon) : 0;
        bool in_region = region && (!p.country || !*p.country || !strcmp(p.country, q->country));
        p.local = in_region || (q->has_near && d <= HY_GEOCODE_NEAR_M);
        bool weak = !p.exact && (short_q || !p.word);
        /* With neither a region nor a hint nothing is far: keep every match. */
        if (weak && !p.local && (region || q->has_near)) continue;
        r[k].p = p;
        r[k].step = q->has_near ? floor(d / 50000.0) : 0;
        k++;
    }
    qsort(r, k, sizeof *r, ranked_cmp);
    for (size_t i = 0; i < k; i++) v[i] = r[i].p;
    free(r);
    return k;
}
