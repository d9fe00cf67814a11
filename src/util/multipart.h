/* multipart.h — a bounded reader of multipart/form-data bodies (RFC 7578) already held in
 * memory: the parts are found in place, nothing is copied but their names.
 *
 * Refused (with a message fit for the client): a Content-Type without a boundary or with one
 * longer than 70 bytes, a body that does not begin with the boundary (after an optional
 * preamble) or ends before the closing one, a part without a Content-Disposition of form-data
 * with a name, a part's headers longer than HY_MP_HEADERS_MAX, more than `max_parts` parts. */
#ifndef HY_MULTIPART_H
#define HY_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define HY_MP_HEADERS_MAX 2048 /* bytes of one part's headers */

struct hy_mp_part {
    const char *name;         /* the form field's name */
    const char *filename;     /* the file's name when the part is a file, else NULL */
    const char *content_type; /* the part's Content-Type, or NULL */
    const char *data;         /* the content, inside the body (not NUL-terminated) */
    size_t len;
};

/* The boundary parameter of a multipart/form-data Content-Type, in the arena; NULL when the
 * type is not multipart/form-data or has no usable boundary. */
const char *hy_mp_boundary(const char *content_type, hy_arena *a);

/* Splits body[0..n) at `boundary` into at most max_parts parts (ret[0..*ret_n)). Returns true,
 * or false with *ret_error set to a sentence saying what is wrong. */
bool hy_mp_parse(const char *body, size_t n, const char *boundary, hy_arena *a,
                 struct hy_mp_part *ret, size_t max_parts, size_t *ret_n,
                 const char **ret_error);

#endif
