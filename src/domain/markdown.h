/* markdown.h — Markdown to safe HTML and to plain text (md4c).
 *
 * Raw HTML is off (MD_FLAG_NOHTML): a <script> in the source comes out as text. Link targets
 * (a href, img src) are kept only when they are http(s), mailto or relative (no scheme);
 * anything else (javascript:, data:, vbscript:, file: …) becomes "#" so the link is inert.
 * External links get rel="nofollow noopener noreferrer". Tables, strikethrough and bare-URL
 * autolinks are on. */
#ifndef HY_MARKDOWN_H
#define HY_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* Renders md[0..n) (UTF-8). On success returns 0 and sets *ret_html and *ret_text (plain text,
 * blocks separated by newlines) to NUL-terminated strings in the arena; -ENOMEM or -EINVAL
 * (md4c refused the input) otherwise. */
int hy_md_render(hy_arena *a, const char *md, size_t n, char **ret_html, char **ret_text);

/* True when `url` may stand in an href: http:, https:, mailto: or no scheme at all. */
bool hy_md_url_safe(const char *url, size_t n);

#endif
