/* phone.h — phone numbers in E.164 form ("+989121234567").
 *
 * People type numbers in many ways: with spaces, dashes, brackets, Persian (۰–۹) or Arabic
 * (٠–٩) digits, a 00 international prefix, or a national 0 trunk prefix. hy_phone_normalise()
 * accepts all of these and writes the E.164 form, using the default country calling code for
 * national numbers. */
#ifndef HY_PHONE_H
#define HY_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#define HY_PHONE_MAX 17 /* "+" + 15 digits + NUL */

/* Returns true and fills out (HY_PHONE_MAX bytes) when `in` is a plausible phone number. */
bool hy_phone_normalise(const char *in, const char *default_calling_code, char *out);

/* True when `s` looks like an e-mail address we accept (one @, a dot in the domain, no spaces
 * or controls, at most 254 bytes). */
bool hy_email_valid(const char *s);

/* The country (ISO 3166 alpha-2) of a country calling code, for the countries whose code is
 * theirs alone or mostly ("1" is the United States); "" when unknown. */
const char *hy_phone_calling_code_country(const char *calling_code);

/* A message recipient as the outbox status page may show it: a phone number keeps its '+',
 * the first five digits (country and operator) and the last two, the others become "•"
 * ("+98912•••••67"); an e-mail address keeps the first byte of its local part and the domain
 * ("a•••@example.org"); anything else keeps only its last two bytes. Writes at most `cap`
 * bytes with the NUL; the result is cut short, never longer. */
#define HY_RECIPIENT_MASK_MAX 320
void hy_recipient_mask(const char *in, char *out, size_t cap);

/* True for two ASCII capital letters. */
bool hy_country_code_valid(const char *cc);

#endif
