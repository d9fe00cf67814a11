#include "domain/phone.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Returns the ASCII digit for the UTF-8 digit at s (advancing *len), or -1. */
static int digit_at(const unsigned char *s, size_t *len) {
    if (s[0] >= '0' && s[0] <= '9') {
        *len = 1;
        return s[0] - '0';
    }
    /* Persian digits U+06F0..U+06F9 are DB B0..DB B9; Arabic-Indic U+0660..U+0669 are D9 A0..A9. */
    if (s[0] == 0xdb && s[1] >= 0xb0 && s[1] <= 0xb9) {
        *len = 2;
        return s[1] - 0xb0;
    }
    if (s[0] == 0xd9 && s[1] >= 0xa0 && s[1] <= 0xa9) {
        *len = 2;
        return s[1] - 0xa0;
    }
    return -1;
}

bool hy_phone_normalise(const char *in, const char *cc, char *out) {
    const unsigned char *s = (const unsigned char *)in;
    char digits[32];
    size_t nd = 0;
    bool plus = false, seen_digit = false;
    while (*s) {
        size_t len = 1;
        int d = digit_at(s, &len);
        if (d >= 0) {
            if (nd >= sizeof digits - 1) return false;
            digits[nd++] = (char)('0' + d);
            seen_digit = true;
        } else if (*s == '+' && !seen_digit && !plus) {
            plus = true;
        } else if (*s == ' ' || *s == '-' || *s == '.' || *s == '(' || *s == ')' || *s == '/') {
            /* separators */
        } else if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0x8c || s[2] == 0x8e || s[2] == 0x8f)) {
            len = 3; /* ZWNJ and direction marks pasted from right-to-left text */
        } else {
            return false;
        }
        s += len;
    }
    digits[nd] = '\0';
    char full[40];
    if (plus) {
        snprintf(full, sizeof full, "%s", digits);
    } else if (nd > 2 && digits[0] == '0' && digits[1] == '0') {
        snprintf(full, sizeof full, "%s", digits + 2);
    } else if (nd > 1 && digits[0] == '0') {
        snprintf(full, sizeof full, "%s%s", cc, digits + 1); /* without the trunk 0 */
    } else {
        /* No prefix at all: a national number without its trunk 0, or a full international
         * number without '+'. Treat numbers that already start with the default code and are
         * long enough as international. */
        size_t cl = strlen(cc);
        if (strncmp(digits, cc, cl) == 0 && nd >= cl + 8) snprintf(full, sizeof full, "%s", digits);
        else snprintf(full, sizeof full, "%s%s", cc, digits);
    }
    size_t n = strlen(full);
    if (n < 8 || n > 15 || full[0] == '0') return false;
    out[0] = '+';
    memcpy(out + 1, full, n + 1);
    return true;
}

bool hy_email_valid(const char *s) {
    size_t n = strlen(s);
    if (n < 3 || n > 254) return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@')) return false;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0') return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
            *p == ';' || *p == '\\')
            return false;
    return true;
}

/* Appends `s` to out[*n] while it fits with the NUL; after the first that does not, none. */
static void put(char *out, size_t cap, size_t *n, const char *s, size_t len) {
    if (*n + len >= cap) {
        *n = cap;
        return;
    }
    memcpy(out + *n, s, len);
    *n += len;
    out[*n] = '\0';
}

#define BULLET "\xe2\x80\xa2" /* U+2022 */

void hy_recipient_mask(const char *in, char *out, size_t cap) {
    if (!cap) return;
    out[0] = '\0';
    size_t n = 0, len = in ? strlen(in) : 0;
    if (!len) return;
    const char *at = strchr(in, '@');
    if (at && at != in) {
        if ((unsigned char)in[0] < 0x80) put(out, cap, &n, in, 1);
        put(out, cap, &n, BULLET BULLET BULLET, 9);
        put(out, cap, &n, at, strlen(at));
        return;
    }
    size_t digits = 0;
    for (size_t i = in[0] == '+'; i < len; i++) digits += in[i] >= '0' && in[i] <= '9';
    bool phone = in[0] == '+' && digits == len - 1 && digits >= 8;
    size_t keep_head = phone ? (in[0] == '+') + 5 : 0, keep_tail =
        len > 4 && (unsigned char)in[len - 1] < 0x80 && (unsigned char)in[len - 2] < 0x80 ? 2 : 0;
    for (size_t i = 0; i < len; i++) {
        if (i < keep_head || i >= len - keep_tail) put(out, cap, &n, in + i, 1);
        else if (!phone && i > 0 && ((unsigned char)in[i] & 0xc0) == 0x80) continue;
        else put(out, cap, &n, BULLET, 3);
    }
}

const char *hy_phone_calling_code_country(const char *calling_code) {
    static const struct {
        const char *code, *country;
    } map[] = {
        {"1", "US"},   {"7", "RU"},   {"20", "EG"},  {"27", "ZA"},  {"30", "GR"},  {"31", "NL"},
        {"32", "BE"},  {"33", "FR"},  {"34", "ES"},  {"36", "HU"},  {"39", "IT"},  {"40", "RO"},
        {"41", "CH"},  {"43", "AT"},  {"44", "GB"},  {"45", "DK"},  {"46", "SE"},  {"47", "NO"},
        {"48", "PL"},  {"49", "DE"},  {"51", "PE"},  {"52", "MX"},  {"53", "CU"},  {"54", "AR"},
        {"55", "BR"},  {"56", "CL"},  {"57", "CO"},  {"58", "VE"},  {"60", "MY"},  {"61", "AU"},
        {"62", "ID"},  {"63", "PH"},  {"64", "NZ"},  {"65", "SG"},  {"66", "TH"},  {"81", "JP"},
        {"82", "KR"},  {"84", "VN"},  {"86", "CN"},  {"90", "TR"},  {"91", "IN"},  {"92", "PK"},
        {"93", "AF"},  {"94", "LK"},  {"95", "MM"},  {"98", "IR"},  {"212", "MA"}, {"213", "DZ"},
        {"216", "TN"}, {"218", "LY"}, {"234", "NG"}, {"249", "SD"}, {"251", "ET"}, {"254", "KE"},
        {"351", "PT"}, {"353", "IE"}, {"358", "FI"}, {"380", "UA"}, {"880", "BD"}, {"961", "LB"},
        {"962", "JO"}, {"963", "SY"}, {"964", "IQ"}, {"965", "KW"}, {"966", "SA"}, {"967", "YE"},
        {"968", "OM"}, {"971", "AE"}, {"972", "IL"}, {"973", "BH"}, {"974", "QA"}, {"992", "TJ"},
        {"993", "TM"}, {"994", "AZ"}, {"995", "GE"}, {"374", "AM"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (calling_code && !strcmp(map[i].code, calling_code)) return map[i].country;
    return "";
}

bool hy_country_code_valid(const char *cc) {
    return cc && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z' && !cc[2];
}
