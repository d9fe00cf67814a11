/* text.h — Persian/Arabic text normalisation for search and for comparing names.
 *
 * The same folding is applied when text is indexed and when a query is read, so a reader who
 * types Arabic ي/ك, leaves out or adds a zero-width non-joiner, writes diacritics or Persian or
 * Arabic-Indic digits finds what was written the other way:
 *   ي U+064A, ى U+0649 → ی U+06CC;  ك U+0643 → ک U+06A9;
 *   removed: ZWNJ U+200C, ZWJ U+200D, BOM U+FEFF, tatweel U+0640, diacritics U+064B–U+065F
 *            and U+0670 (superscript alef);
 *   digits U+06F0–U+06F9 and U+0660–U+0669 → ASCII 0–9;  ASCII A–Z → a–z.
 * Nothing else changes (no Unicode case folding beyond ASCII). */
#ifndef HY_TEXT_H
#define HY_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* The code point `cp` folded as above; 0 when it is removed. */
uint32_t hy_text_fold(uint32_t cp);

/* Decodes the code point at s[0..n) into *ret_cp and returns its length in bytes (1..4). An
 * invalid or truncated sequence decodes as U+FFFD with length 1. n must be > 0. */
size_t hy_text_decode(const char *s, size_t n, uint32_t *ret_cp);

/* Writes `cp` as UTF-8 into out (at least 4 bytes); returns the number of bytes. */
size_t hy_text_encode(uint32_t cp, char *out);

/* The normalised copy of s[0..n) (UTF-8) in the arena, NUL-terminated, or NULL when the arena
 * is full. Valid UTF-8 never grows; an invalid byte becomes U+FFFD. */
char *hy_text_normalise(hy_arena *a, const char *s, size_t n);

#endif
