/* test_mime.c — MIME types of static files by extension (hy_mime_type in src/http/static.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/static.h"

#define OCTET "application/octet-stream"

static void test_common(void **state) {
    (void)state;
    static const struct {
        const char *name, *mime;
    } t[] = {
        {"index.html", "text/html; charset=utf-8"},
        {"/fa/index.html", "text/html; charset=utf-8"},
        {"style.css", "text/css; charset=utf-8"},
        {"app.js", "text/javascript; charset=utf-8"},
        {"mod.mjs", "text/javascript; charset=utf-8"},
        {"locales/fa.json", "application/json; charset=utf-8"},
        {"app.js.map", "application/json; charset=utf-8"},
        {"manifest.webmanifest", "application/manifest+json; charset=utf-8"},
        {"logo.svg", "image/svg+xml"},
        {"a.png", "image/png"},
        {"a.jpg", "image/jpeg"},
        {"a.jpeg", "image/jpeg"},
        {"a.gif", "image/gif"},
        {"a.webp", "image/webp"},
        {"favicon.ico", "image/x-icon"},
        {"vazir.woff2", "font/woff2"},
        {"vazir.woff", "font/woff"},
        {"vazir.ttf", "font/ttf"},
        {"robots.txt", "text/plain; charset=utf-8"},
        {"guide.md", "text/markdown; charset=utf-8"},
        {"sitemap.xml", "application/xml; charset=utf-8"},
        {"export.csv", "text/csv; charset=utf-8"},
        {"leaflet.pdf", "application/pdf"},
        {"openapi.yaml", "application/yaml; charset=utf-8"},
        {"iran.geojson", "application/geo+json; charset=utf-8"},
        {"world.topojson", "application/json; charset=utf-8"},
        /* Extensions compare case-insensitively. */
        {"INDEX.HTML", "text/html; charset=utf-8"},
        {"Photo.JPG", "image/jpeg"},
        {"x.Css", "text/css; charset=utf-8"},
        /* Only the last extension counts. */
        {"archive.tar.png", "image/png"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(hy_mime_type(t[i].name), t[i].mime))
            fail_msg("%s: %s, expected %s", t[i].name, hy_mime_type(t[i].name), t[i].mime);
}

static void test_unknown(void **state) {
    (void)state;
    static const char *const names[] = {
        "", "README", "Makefile", "file.", "a.exe", "a.sh", "a.php", "a.htm", "a.html.gz",
        "a.tar.gz", "a.jsx", "a.js~", "a.html ", "/dir.d/file", "dir.html/file", "a.xhtml",
        "a.jsonp", "a.cssx", "a.h",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(hy_mime_type(names[i]), OCTET))
            fail_msg("'%s': %s, expected %s", names[i], hy_mime_type(names[i]), OCTET);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common),
        cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
