#include "domain/messages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static const struct {
    const char *name, *fa, *en;
} templates[] = {
    {"request_received",
     "همیاری: درخواست شما رسید. کد پیگیری: {code}. یکی از هماهنگ‌کنندگان به‌زودی با شما تماس "
     "می‌گیرد. برای دیدن وضعیت یا لغو، کد و شمارهٔ تلفن خود را در صفحهٔ «پیگیری» وارد کنید.",
     "Hamyari: we received your request. Tracking code: {code}. A coordinator will call you "
     "soon. To check it or cancel, enter the code and your phone number on the Track page."},
    {"request_claimed",
     "همیاری: یک داوطلب درخواست {code} را پذیرفت و به‌زودی با شما تماس می‌گیرد. "
     "داوطلبان هرگز پیش از تحویل از شما پول نمی‌خواهند.",
     "Hamyari: a volunteer has taken request {code} and will call you soon. Volunteers never "
     "ask you for money before delivery."},
    {"request_delivered",
     "همیاری: درخواست {code} تحویل داده شد. اگر چیزی درست نیست، با ما تماس بگیرید.",
     "Hamyari: request {code} has been delivered. If anything is wrong, get in touch with us."},
    {"request_cancelled", "همیاری: درخواست {code} لغو شد.",
     "Hamyari: request {code} has been cancelled."},
    {"nearby_requests",
     "همیاری: {count} درخواست کمک تازه نزدیک شماست. برای دیدنشان وارد سایت شوید.",
     "Hamyari: {count} new help requests near you. Sign in to see them."},
    {"volunteer_approved",
     "همیاری: {name} عزیز، حساب داوطلبی شما تأیید شد. اکنون می‌توانید وارد شوید و در صفحهٔ "
     "«کارهای من» درخواست‌های نزدیک خود را ببینید. سپاس از همراهی شما.",
     "Hamyari: {name}, your volunteer account has been approved. You can now sign in and see "
     "requests near you on the My tasks page. Thank you for helping."},
    {"group_rejected",
     "همیاری: گروه «{name}» که ثبت کرده بودید پذیرفته نشد. دلیل: {reason} "
     "می‌توانید با درستی‌های لازم دوباره آن را ثبت کنید.",
     "Hamyari: the group \"{name}\" you submitted was not accepted. Reason: {reason} "
     "You are welcome to submit it again with the changes needed."},
    {"password_reset",
     "همیاری: کد تعیین گذرواژهٔ تازه: {token} (تا {valid_minutes} دقیقه معتبر است). اگر شما "
     "درخواست نکرده‌اید، این پیام را نادیده بگیرید.",
     "Hamyari: your password reset code is {token} (valid for {valid_minutes} minutes). If you "
     "did not ask for it, ignore this message."},
    {"faq_answer", "همیاری: {question} {answer} پاسخ کامل: {url}",
     "Hamyari: {question} {answer} Full answer: {url}"},
};

bool hy_message_known(const char *name) {
    if (!name) return false;
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
        if (!strcmp(templates[i].name, name)) return true;
    return false;
}

/* Appends an integer in Persian digits (UTF-8, two bytes each). */
static int put_persian_int(hy_buf *b, json_int_t v) {
    char ascii[32];
    snprintf(ascii, sizeof ascii, "%" JSON_INTEGER_FORMAT, v);
    for (const char *p = ascii; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            /* U+06F0 … U+06F9 */
            char u[2] = {(char)0xDB, (char)(0xB0 + (*p - '0'))};
            if (hy_buf_append(b, u, 2) < 0) return -1;
        } else if (hy_buf_putc(b, *p) < 0) {
            return -1;
        }
    }
    return 0;
}

char *hy_message_render(const char *name, const char *language, json_t *params) {
    const char *text = NULL;
    bool fa = !language || strcmp(language, "en") != 0;
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
        if (name && !strcmp(templates[i].name, name)) text = fa ? templates[i].fa : templates[i].en;
    if (!text) return NULL;
    hy_buf b = HY_BUF_INIT(64 * 1024);
    int r = 0;
    for (const char *p = text; *p && r == 0;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            r = hy_buf_puts(&b, p);
            break;
        }
        r = hy_buf_append(&b, p, (size_t)(open - p));
        char key[64];
        size_t kl = (size_t)(close - open - 1);
        if (kl >= sizeof key) kl = sizeof key - 1;
        memcpy(key, open + 1, kl);
        key[kl] = '\0';
        json_t *v = params ? json_object_get(params, key) : NULL;
        if (r == 0 && json_is_string(v)) r = hy_buf_puts(&b, json_string_value(v));
        else if (r == 0 && json_is_integer(v)) {
            if (fa) r = put_persian_int(&b, json_integer_value(v));
            else r = hy_buf_printf(&b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        }
        p = close + 1;
    }
    /* A link to the page that goes with the message (the tracking page, which works without
     * JavaScript on any phone's browser), when the sender knows the site's address. */
    json_t *link = params ? json_object_get(params, "link") : NULL;
    if (r == 0 && json_is_string(link) && *json_string_value(link))
        r = hy_buf_printf(&b, " %s", json_string_value(link));
    if (r < 0) {
        hy_buf_free(&b);
        return NULL;
    }
    if (!b.data && hy_buf_puts(&b, "") < 0) return NULL;
    return hy_buf_steal(&b, NULL);
}
