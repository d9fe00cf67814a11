/* pages.c — the small pages people without JavaScript get after posting the help-request form
 * (a confirmation, or what was wrong and a way back), and the Persian and English texts of
 * the next steps a requester is told. Every value put into a page is escaped. */
#include "api/pages.h"

#include <stdio.h>
#include <string.h>

const char *hy_page_lang(const char *l) { return l && !strcmp(l, "en") ? "en" : "fa"; }

char *hy_html_escape(hy_arena *a, const char *s) {
    size_t n = 0;
    for (const char *p = s; *p; p++) n += (*p == '&') ? 5 : (*p == '<' || *p == '>') ? 4 : (*p == '"' || *p == '\'') ? 6 : 1;
    char *out = hy_arena_alloc(a, n + 1), *w = out;
    if (!out) return NULL;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: *w++ = *p; continue;
        }
        size_t k = strlen(rep);
        memcpy(w, rep, k);
        w += k;
    }
    *w = '\0';
    return out;
}

/* Answers a small, self-contained page in the site's style. `body` is trusted markup; every
 * value in it was escaped by the caller. */
hy_result hy_page_reply(hy_req *req, unsigned status, const char *lang, const char *title,
                            const char *body) {
    bool fa = strcmp(lang, "en") != 0;
    char *page = hy_arena_printf(
        req->arena,
        "<!doctype html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>%s — %s</title>\n<link rel=\"stylesheet\" href=\"/css/app.css\">\n</head>\n"
        "<body>\n<header class=\"site-header\"><div class=\"container header-bar\">"
        "<a class=\"brand\" href=\"/\"><span class=\"brand-text\"><span class=\"brand-name\">%s"
        "</span></span></a></div></header>\n<main id=\"main\" class=\"container\">\n<h1>%s</h1>\n"
        "%s\n</main>\n</body>\n</html>\n",
        fa ? "fa" : "en", fa ? "rtl" : "ltr", title, fa ? "همیاری" : "Hamyari",
        fa ? "همیاری" : "Hamyari", title, body);
    if (!page) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_reply_bytes(req, status, "text/html; charset=utf-8", page, strlen(page));
}

static const char *field_label(const char *field, bool fa) {
    static const struct {
        const char *f, *fa, *en;
    } labels[] = {
        {"name", "نام", "name"},
        {"phone", "شمارهٔ تلفن", "phone number"},
        {"address", "نشانی یا نزدیک‌ترین نشانه", "address or nearest landmark"},
        {"kind", "نوع کمک", "kind of help"},
        {"details", "توضیحات", "details"},
        {"urgency", "فوریت", "urgency"},
        {"for_whom", "برای چه کسی", "for whom"},
        {"consent", "رضایت", "consent"},
        {"place", "محدوده", "area"},
        {"lat", "محدوده روی نقشه", "area on the map"},
        {"lon", "محدوده روی نقشه", "area on the map"},
    };
    for (size_t i = 0; field && i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].f, field)) return fa ? labels[i].fa : labels[i].en;
    return NULL;
}

/* A problem with a submission: JSON for scripts, a page with a way back for form posts. */
hy_result hy_page_problem(hy_req *req, bool form, const char *lang, enum hy_error e,
                               const char *message, const char *field) {
    if (!form) return hy_reply_error(req, e, message, field);
    bool fa = strcmp(lang, "en") != 0;
    const char *label = field_label(field, fa);
    const char *what;
    if (e == HY_E_RATE_LIMITED)
        what = fa ? "درخواست‌های زیادی از این دستگاه فرستاده شده است. کمی بعد دوباره امتحان کنید."
                  : "Too many requests came from this device. Please try again later.";
    else if (e == HY_E_STORE_UNAVAILABLE || e == HY_E_INTERNAL)
        what = fa ? "درخواست شما ثبت نشد. لطفاً چند دقیقهٔ دیگر دوباره بفرستید."
                  : "Your request was not saved. Please send it again in a few minutes.";
    else if (field && !strcmp(field, "consent"))
        what = fa ? "برای ثبت درخواست باید با نحوهٔ استفاده و نگهداری اطلاعات موافقت کنید."
                  : "To send a request you must agree to how your details are used and kept.";
    else if (field && (!strcmp(field, "place") || !strcmp(field, "lat") || !strcmp(field, "lon")))
        what = fa ? "محدودهٔ خود را روی نقشه نشان دهید، یا جای آن را خالی بگذارید تا هماهنگ‌کننده "
                    "هنگام تماس بپرسد."
                  : "Give the area on the map, or leave it empty and the coordinator will ask "
                    "when they call.";
    else
        what = fa ? "بخشی از فرم کامل یا درست نیست." : "Part of the form is missing or not valid.";
    char *body = hy_arena_printf(
        req->arena,
        "<div class=\"notice notice-warning\" role=\"alert\"><p>%s</p>%s%s%s</div>\n"
        "<p><a href=\"/help\">%s</a></p>",
        what, label ? "<p>" : "", label ? hy_html_escape(req->arena, label) : "",
        label ? "</p>" : "", fa ? "بازگشت به فرم" : "Back to the form");
    return hy_page_reply(req, hy_error_status(e), lang, fa ? "درخواست ثبت نشد" : "Request not sent",
                      body ? body : "");
}

json_t *hy_page_next_steps(const char *lang, const char *code, bool open) {
    bool fa = strcmp(lang, "en") != 0;
    json_t *a = json_array();
    char buf[256];
    snprintf(buf, sizeof buf, fa ? "کد پیگیری خود را نگه دارید: %s" : "Keep your tracking code: %s",
             code);
    json_array_append_new(a, json_string(buf));
    json_array_append_new(
        a, json_string(open ? (fa ? "داوطلبان نزدیک شما اکنون درخواست را بدون نام و شماره‌تان "
                                    "می‌بینند؛ کسی که آن را بپذیرد با شما تماس می‌گیرد."
                                  : "Volunteers near you can now see the request, without your "
                                    "name or number; the one who takes it will call you.")
                            : (fa ? "یکی از هماهنگ‌کنندگان با شمارهٔ شما تماس می‌گیرد تا جزئیات را "
                                    "بپرسد."
                                  : "A coordinator will call you on the number you gave to go "
                                    "through the details.")));
    json_array_append_new(a, json_string(fa ? "برای دیدن وضعیت یا لغو، کد و شمارهٔ تلفن را در صفحهٔ "
                                              "«پیگیری درخواست» وارد کنید."
                                            : "To check or cancel, enter the code and your phone "
                                              "number on the Track page."));
    json_array_append_new(a, json_string(fa ? "در موارد اضطراری همین حالا با اورژانس تماس بگیرید."
                                            : "In an emergency, call your local emergency number "
                                              "now."));
    return a;
}

/* The status names are those of web/locales (rqstatus.*), said the same way on both paths. */
static const struct {
    const char *status, *fa, *en, *fa_explain, *en_explain;
} status_words[] = {
    {"new", "دریافت شد: هماهنگ‌کننده با شما تماس می‌گیرد", "Received: a coordinator will call you",
     "یکی از هماهنگ‌کنندگان با شمارهٔ شما تماس می‌گیرد تا جزئیات را بپرسد.",
     "A coordinator will call you on the number you gave to go through the details."},
    {"open", "در انتظار داوطلب", "Waiting for a volunteer",
     "داوطلبان نزدیک شما درخواست را می‌بینند؛ کسی که آن را بپذیرد با شما تماس می‌گیرد.",
     "Volunteers near you can see the request; the one who takes it will call you."},
    {"claimed", "داوطلبی آن را پذیرفته است", "A volunteer has taken it",
     "داوطلب به‌زودی با شما تماس می‌گیرد.", "The volunteer will call you soon."},
    {"in_progress", "در راه", "On the way", "داوطلب در راه است.", "The volunteer is on the way."},
    {"delivered", "تحویل داده شد", "Delivered", "کمک به شما رسید.", "The help has reached you."},
    {"closed", "پایان یافت", "Finished", "این درخواست به پایان رسیده است.",
     "This request is finished."},
    {"cancelled", "لغو شد", "Cancelled", "این درخواست لغو شده است.",
     "This request has been cancelled."},
    {"unable_to_help", "این بار نتوانستیم کمک کنیم", "We could not help this time",
     "متأسفیم. اگر هنوز کمک لازم دارید، درخواست تازه‌ای بفرستید.",
     "We are sorry. If you still need help, please send a new request."},
};

void hy_page_status_words(const char *status, bool fa, const char **ret_name,
                          const char **ret_explain) {
    for (size_t i = 0; i < sizeof status_words / sizeof status_words[0]; i++) {
        if (status && !strcmp(status, status_words[i].status)) {
            *ret_name = fa ? status_words[i].fa : status_words[i].en;
            *ret_explain = fa ? status_words[i].fa_explain : status_words[i].en_explain;
            return;
        }
    }
    *ret_name = fa ? "در حال بررسی" : "Being handled";
    *ret_explain = fa ? "درخواست شما ثبت شده است." : "Your request is on record.";
}

const char *hy_page_kind_name(const char *kind, bool fa) {
    static const char *const names[][3] = {
        {"groceries", "خرید مواد غذایی", "Groceries"},
        {"medicine", "دارو", "Medicine"},
        {"errand", "کاری بیرون از خانه", "An errand"},
        {"companionship", "هم‌صحبتی یا تماس تلفنی", "Company or a phone call"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (kind && !strcmp(kind, names[i][0])) return fa ? names[i][1] : names[i][2];
    return fa ? "چیز دیگری" : "Something else";
}
