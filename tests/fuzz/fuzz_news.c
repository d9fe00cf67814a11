/* fuzz_news.c — the fields of news items and fact checks (hy_news_extra()) on arbitrary JSON,
 * and the feeds' XML escaping (hy_feed_xml_put()) of what it accepts: the CAP and Atom writers
 * put these editor-written strings into XML.
 *
 * The input's first line is the type ("news" or anything else: "factcheck"), the rest the
 * fields' JSON. Invariants: a refusal names a field with a message; an accepted object is
 * canonical (checking it again gives the same bytes); its every string, escaped, has no markup
 * character left and no character XML 1.0 forbids; a claim is as alike to itself as can be. */
#include <jansson.h>

#include "api/feed.h"
#include "domain/news.h"
#include "fuzz.h"

static void check_escaped(const char *s) {
    hy_buf b = HY_BUF_INIT(1 << 20);
    hy_feed_xml_put(&b, s);
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)b.data[i];
        FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
        FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
        if (c == '&') FUZZ_CHECK(memchr(b.data + i, ';', b.len - i) != NULL);
    }
    hy_buf_free(&b);
}

static void walk(const json_t *v) {
    if (json_is_string(v)) {
        check_escaped(json_string_value(v));
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            walk(x);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            walk(x);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_cstr(data, size);
    char *nl = strchr(s, '\n');
    const char *type = "factcheck", *text = s;
    if (nl) {
        *nl = '\0';
        if (!strcmp(s, "news")) type = "news";
        text = nl + 1;
    }
    json_t *in = json_loads(text, JSON_DECODE_ANY, NULL);
    hy_arena *a = hy_arena_new(0);
    if (!a) abort();
    struct hy_news_error err = {0};
    char *out = in ? hy_news_extra(a, type, in, &err) : NULL;
    if (in && !out) {
        FUZZ_CHECK(err.message != NULL && err.message[0] != '\0');
    }
    if (out) {
        json_t *again = json_loads(out, 0, NULL);
        FUZZ_CHECK(again != NULL);
        struct hy_news_error err2 = {0};
        char *out2 = hy_news_extra(a, type, again, &err2);
        FUZZ_CHECK(out2 != NULL && !strcmp(out, out2));
        walk(again);
        const char *claim = json_string_value(json_object_get(again, "claim"));
        if (claim) {
            double sim = hy_fc_similarity(a, claim, claim);
            FUZZ_CHECK(sim == 0.0 || sim == 1.0);
        }
        json_decref(again);
    }
    json_decref(in);
    hy_arena_free(a);
    free(s);
    return 0;
}
