/* demo_skills.c — demo organisations and their needs for skills matching, in Persian and
 * English: verified, without an owner (nobody signs in as them), marked demo so that
 * `hamyari demo remove` takes them with their needs. Contacts use the placeholder number
 * 021 1234 5678 and the reserved example.org domain. */
#include <string.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/geo.h"
#include "domain/skills.h"
#include "store/skills.h"
#include "util/clock.h"

struct demo_need {
    const char *title, *description, *commitment;
    int people;
    bool remote;
    struct hy_skill_level skills[2];
};

struct demo_org {
    const char *name, *kind, *area, *contact;
    double lat, lon;
    struct demo_need needs[2];
};

static const struct demo_org demo_orgs[] = {
    {"بیمارستان نمونه ونک", "hospital", "ونک، تهران", "پذیرش ۰۲۱ ۱۲۳۴ ۵۶۷۸", 35.7571, 51.4102,
     {{"رانندگان و امدادگران شیفت شب", "جابه‌جایی بیماران بین بخش‌ها و همراهی تا خانه.",
       "دو شب در هفته", 3, false, {{"", "driving", 2}, {"", "medical", 1}}},
      {"ترجمه بروشورهای بیمار به انگلیسی و کردی", "بروشورهای ترخیص و مراقبت در خانه.",
       "چهار ساعت در هفته", 2, true, {{"", "translation", 2}, {"", NULL, 0}}}}},
    {"مدرسه نمونه یوسف‌آباد", "school", "یوسف‌آباد، تهران", "school@example.org", 35.7290, 51.4100,
     {{"راه‌اندازی کلاس‌های برخط", "کمک به معلمان برای کلاس‌های برخط و نگهداری رایانه‌ها.",
       "یک ماه، عصرها", 2, true, {{"", "software", 2}, {"", "teaching", 1}}},
      {"مشاوره برای دانش‌آموزان", "جلسه‌های گروهی پس از زلزله.", "هفته‌ای یک صبح", 1, false,
       {{"", "counselling", 3}, {"", NULL, 0}}}}},
    {"Example Community Clinic", "clinic", "Camden, London", "clinic@example.org", 51.5390, -0.1426,
     {{"Data volunteers for the vaccination list", "Clean and de-duplicate the call list.",
       "3 evenings", 2, true, {{"", "data", 2}, {"", "software", 1}}},
      {"Delivery drivers for housebound patients", "Prescriptions to homes within 5 km.",
       "Saturday mornings", 4, false, {{"", "driving", 1}, {"", "logistics", 1}}}}},
};

int hy_demo_skills(hy_store *s) {
    int64_t now = hy_clock_now();
    for (size_t i = 0; i < sizeof demo_orgs / sizeof demo_orgs[0]; i++) {
        const struct demo_org *d = &demo_orgs[i];
        struct hy_org o = {.name = d->name, .kind = d->kind, .area = d->area, .contact = d->contact,
                           .status = "verified", .has_pos = true, .created_at = now, .demo = true};
        hy_id_new(o.id);
        hy_geo_round(d->lat, d->lon, 500.0, &o.lat, &o.lon);
        int r = s->ops->skills->org_insert(s, &o);
        if (r <= 0) return r < 0 ? r : HY_DB_HARD;
        for (size_t j = 0; j < 2; j++) {
            const struct demo_need *dn = &d->needs[j];
            struct hy_need n = {.title = dn->title, .description = dn->description,
                                .commitment = dn->commitment, .people = dn->people,
                                .remote = dn->remote, .has_pos = !dn->remote, .lat = o.lat,
                                .lon = o.lon, .status = "open",
                                .created_at = now - (int64_t)(i * 2 + j) * 3600, .demo = true};
            hy_id_new(n.id);
            memcpy(n.org_id, o.id, sizeof n.org_id);
            size_t nk = dn->skills[1].skill ? 2 : 1;
            if ((r = s->ops->skills->need_insert(s, &n, dn->skills, nk)) <= 0)
                return r < 0 ? r : HY_DB_HARD;
        }
    }
    return HY_DB_ONE;
}
