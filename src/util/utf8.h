/* utf8.h — strict UTF-8 checks.
 *
 * Strict means: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, and
 * never U+0000, and (unless allowed) no C0 control characters other than tab, LF and CR. */
#ifndef HY_UTF8_H
#define HY_UTF8_H

#include <stdbool.h>
#include <stddef.h>

enum { HY_UTF8_ALLOW_CONTROLS = 1 };

/* True when `s[0..n)` is valid UTF-8 under the rules above. */
bool hy_utf8_valid(const char *s, size_t n, int flags);

/* Number of code points in valid UTF-8 `s[0..n)`. */
size_t hy_utf8_length(const char *s, size_t n);

#endif
