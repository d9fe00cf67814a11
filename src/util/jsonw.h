/* jsonw.h — writing JSON text straight into a hy_buf, for the few hot answers where building
 * a jansson tree and dumping it costs more than the query (nearest groups).
 *
 * The output is byte for byte what hy_reply_json() makes of the same values with jansson
 * (compact; reals with 15 significant digits, always with a '.' or an exponent, exponents
 * without '+' or leading zeros; strings with jansson's escapes), so an answer does not change
 * with the way it was built; tests/unit/test_jsonw.c holds the two side by side. Strings must
 * be valid UTF-8 (everything we store is). Each function returns HY_BUF_OK or a negative
 * hy_buf error, and leaves a partial value in the buffer on error: discard it then. */
#ifndef HY_JSONW_H
#define HY_JSONW_H

#include <stdint.h>

#include "util/buf.h"

int hy_jw_string(hy_buf *b, const char *s);
int hy_jw_real(hy_buf *b, double v);
int hy_jw_int(hy_buf *b, int64_t v);
/* `"key":` — the key is written as a JSON string. */
int hy_jw_key(hy_buf *b, const char *key);

#endif
