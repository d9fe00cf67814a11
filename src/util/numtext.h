/* numtext.h — numbers as people type them.
 *
 * Forms in Persian and Arabic get digits and separators from the person's keyboard, not ASCII:
 * «۳۵٫۷۲» (Persian digits, Arabic decimal separator U+066B), «٣٥,٧٢» (Arabic-Indic digits, a
 * comma for the decimal point), «۱۲٬۵۰۰» (Arabic thousands separator U+066C). One parser reads
 * them all, so every numeric field of every form and API body accepts the same things:
 *
 *   - digits: ASCII 0-9, Persian ۰-۹ (U+06F0-06F9), Arabic-Indic ٠-٩ (U+0660-0669), mixed freely;
 *   - sign: one leading '+', '-' or '−' (U+2212);
 *   - a decimal point: '.' or '٫' (U+066B), at most one;
 *   - grouping: '٬' (U+066C), or a comma ',' / '،' (U+060C) used as a thousands separator, only
 *     in the whole part and only between groups of exactly three digits («۱٬۲۵۰», "1,250,000");
 *   - a comma is ambiguous («٣٥,٧٢» against "1,250"). It is the decimal point when the number is
 *     decimal, it is the only separator in the text (no '.', '٫' or '٬', no second comma);
 *     otherwise it groups thousands. So in a decimal field "1,250" is 1.25 — write 1250 or
 *     «۱٬۲۵۰» for twelve hundred and fifty.
 *   - invisible direction marks (LRM, RLM, ALM, embeddings and isolates) anywhere and white
 *     space at either end are ignored: they ride along when text is copied from RTL pages.
 *
 * No exponents, hexadecimal, "inf" or "nan": a person never types them. */
#ifndef HY_NUMTEXT_H
#define HY_NUMTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The longest text accepted, in bytes (a Persian digit is two). */
#define HY_NUMBER_TEXT_MAX 120

/* Reads the `n` bytes at `s` as one number. `decimal` says the field takes fractions (it decides
 * what a lone comma means, see above). True with *ret set to a finite value, or false. */
bool hy_number_parse(const char *s, size_t n, bool decimal, double *ret);

/* Reads `count` decimal numbers separated by ASCII commas ("LAT,LON", "W,S,E,N"): exactly
 * count - 1 commas, each part read by hy_number_parse (so a comma is never a decimal point here;
 * «۳۵٫۷,۵۱٫۴» is two numbers). The text is NUL-terminated. True with ret[0..count) set. */
bool hy_number_list(const char *s, size_t count, double *ret);

#endif
