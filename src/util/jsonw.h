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
/* A finite number as the shortest text that reads back as the same double ("1", "0.1",
 * "0.30000000000000004"), for data that must round-trip exactly (open-data downloads); a NaN
 * or infinity is written as null. */
int hy_jw_number(hy_buf *b, double v);
/* `"key":` — the key is written as a JSON string. */
int hy_jw_key(hy_buf *b, const char *key);

#endif
