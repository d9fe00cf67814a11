/* demo_requests.c — demo help requests for `serve --demo`: a few open and new requests near
 * the approved demo volunteers, marked demo (pages show an "example" badge). Persian
 * requesters have numbers around the placeholder 0912 345 6789 (0912 345 65NN: Iran keeps no
 * range for fiction), British ones the range Ofcom keeps for drama (07700 900500–900599). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/requests.h"
#include "store/demo.h"
#include "store/requests.h"
#include "util/clock.h"

int hy_demo_requests(hy_store *s) {
    static const struct {
        const char *name, *address, *kind, *urgency, *language, *status, *details;
        double lat, lon;
    } d[] = {
        {"فاطمه صادقی", "ونک، خیابان ملاصدرا، کوچهٔ شیراز، پلاک ۱۲، واحد ۳", "medicine", "high", "fa", "open", "داروی فشار خون از داروخانهٔ نزدیک؛ نسخه آماده است.", 35.7575, 51.4100},
        {"محمود کاظمی", "نارمک، میدان نبوت، خیابان گلبرگ، پلاک ۴۵", "groceries", "normal", "fa", "open", "نان، شیر، تخم‌مرغ و کمی میوه برای یک هفته.", 35.7390, 51.5020},
        {"پروین رحیمی", "شیراز، خیابان زند، کوچهٔ ۱۸، پلاک ۷", "companionship", "low", "fa", "new", "هفته‌ای یک بار تلفنی احوال بپرسید؛ تنها زندگی می‌کنم.", 29.6100, 52.5400},
        {"Gwen Evans", "14 Pontcanna Street, Cardiff CF11 9HQ", "errand", "normal", "en", "open", "Please post a parcel at the Cathedral Road post office.", 51.4870, -3.1960},
    };
    const struct hy_request_ops *q = s->ops->requests;
    int64_t now = hy_clock_now();
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        struct hy_request r = {0};
        struct hy_request_contact c = {0};
        char phone[32];
        bool fa = d[i].language[0] == 'f';
        snprintf(phone, sizeof phone, fa ? "+98912345%04zu" : "+447700900%03zu", i + (fa ? 6500 : 500));
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
        if ((x = hy_demo_mark_request(s, r.id)) < 0) return x;
        struct hy_request_event e = {r.created_at, NULL, "", "new", "demo"};
        if ((x = q->event_insert(s, r.id, &e)) < 0) return x;
        if (r.opened_at) {
            struct hy_request_event o = {r.created_at, NULL, "new", "open", "demo"};
            if ((x = q->event_insert(s, r.id, &o)) < 0) return x;
        }
    }
    return HY_DB_ONE;
}
