/* demo_requests.c — demo help requests for `serve --demo`: a few open and new requests near
 * the approved demo volunteers, every name marked "(نمونه)" / "(demo)", phone numbers from the
 * UK range Ofcom keeps for drama (07700 900500–900599). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/requests.h"
#include "store/requests.h"
#include "util/clock.h"

int hy_demo_requests(hy_store *s) {
    static const struct {
        const char *name, *address, *kind, *urgency, *language, *status, *details;
        double lat, lon;
    } d[] = {
        {"مادربزرگ فاطمه (نمونه)", "خیابان انقلاب، نزدیک داروخانه (نمونه)", "medicine", "high", "fa", "open", "داروی فشار خون (نمونه)", 35.6950, 51.3920},
        {"آقای کاظمی (نمونه)", "میدان ولیعصر، کوچهٔ دوم (نمونه)", "groceries", "normal", "fa", "open", "نان، شیر و میوه (نمونه)", 35.6880, 51.3850},
        {"خانم رحیمی (نمونه)", "شیراز، خیابان زند (نمونه)", "companionship", "low", "fa", "new", "تماس تلفنی هفتگی (نمونه)", 29.5950, 52.5800},
        {"Demo: Mrs Evans", "Demo Street 4, Cardiff", "errand", "normal", "en", "open", "Post a parcel (demo)", 51.4830, -3.1760},
    };
    const struct hy_request_ops *q = s->ops->requests;
    int64_t now = hy_clock_now();
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        struct hy_request r = {0};
        struct hy_request_contact c = {0};
        char phone[32];
        snprintf(phone, sizeof phone, "+447700900%03zu", 500 + i);
        hy_id_new(r.id);
        hy_rq_code_new(r.tracking_code);
        r.status = d[i].status;
        r.kind = d[i].kind;
        r.urgency = d[i].urgency;
        r.for_whom = "self";
        r.language = d[i].language;
        r.source = "web";
        r.has_area = true;
        hy_geo_round(d[i].lat, d[i].lon, 500.0, &r.lat, &r.lon);
        r.created_at = r.updated_at = now - (int64_t)(i + 1) * 5400;
        r.opened_at = strcmp(d[i].status, "open") ? 0 : r.created_at;
        c.name = d[i].name;
        c.phone = phone;
        c.address = d[i].address;
        c.details = d[i].details;
        c.has_exact = true;
        c.lat = d[i].lat;
        c.lon = d[i].lon;
        int x = q->insert(s, &r, &c);
        if (x <= 0) return x < 0 ? x : HY_DB_HARD;
        struct hy_request_event e = {r.created_at, NULL, "", "new", "demo"};
        if ((x = q->event_insert(s, r.id, &e)) < 0) return x;
        if (r.opened_at) {
            struct hy_request_event o = {r.created_at, NULL, "new", "open", "demo"};
            if ((x = q->event_insert(s, r.id, &o)) < 0) return x;
        }
    }
    return HY_DB_ONE;
}
