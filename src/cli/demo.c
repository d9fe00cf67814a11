/* demo.c — the demo data: loaded once into an empty store by `serve --demo`.
 *
 * Every demo record is marked as demo where it is shown. Each feature adds a loader to the
 * list below; all run in one transaction, so a store gets all of the demo data or none. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/geo.h"
#include "util/clock.h"

#include "cli/cli.h"
#include "util/log.h"

typedef int (*hy_demo_loader)(hy_store *s);

/* Demo volunteers: no passwords (nobody can sign in as them), phone numbers from the UK range
 * that Ofcom keeps for drama (07700 900000–900999), e-mail at example.org, names marked. */
static int demo_volunteers(hy_store *s) {
    static const struct {
        const char *name, *lang, *status, *skills, *langs;
        double lat, lon;
    } v[] = {
        {"سارا احمدی (نمونه)", "fa", "pending", "[\"driving\",\"shopping\"]", "[\"fa\"]", 35.7219, 51.3347},
        {"علی رضایی (نمونه)", "fa", "approved", "[\"medicine\",\"phone_calls\"]", "[\"fa\",\"az\"]", 35.6892, 51.3890},
        {"مریم کریمی (نمونه)", "fa", "pending", "[\"cooking\"]", "[\"fa\"]", 36.2605, 59.6168},
        {"رضا محمدی (نمونه)", "fa", "approved", "[\"driving\"]", "[\"fa\",\"ku\"]", 29.5918, 52.5837},
        {"زهرا حسینی (نمونه)", "fa", "suspended", "[\"shopping\"]", "[\"fa\"]", 32.6546, 51.6680},
        {"حسین نوری (نمونه)", "fa", "pending", "[\"companionship\",\"phone_calls\"]", "[\"fa\",\"az\"]", 38.0962, 46.2738},
        {"نرگس موسوی (نمونه)", "fa", "approved", "[\"medicine\"]", "[\"fa\",\"en\"]", 34.6416, 50.8746},
        {"امیر جعفری (نمونه)", "fa", "pending", "[\"errands\",\"driving\"]", "[\"fa\"]", 31.3183, 48.6706},
        {"Demo: Amelia Clarke", "en", "pending", "[\"shopping\",\"driving\"]", "[\"en\"]", 51.5390, -0.1426},
        {"Demo: Kwame Mensah", "en", "approved", "[\"phone_calls\"]", "[\"en\",\"tw\"]", 51.4613, -0.1156},
        {"Demo: Priya Shah", "en", "pending", "[\"medicine\",\"companionship\"]", "[\"en\",\"gu\"]", 53.4808, -2.2426},
        {"Demo: Dafydd Evans", "en", "approved", "[\"driving\"]", "[\"en\",\"cy\"]", 51.4816, -3.1791},
    };
    int64_t now = hy_clock_now();
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct hy_user u = {0};
        struct hy_volunteer vol = {0};
        char phone[32], email[64];
        snprintf(phone, sizeof phone, "+447700900%03zu", i + 100);
        snprintf(email, sizeof email, "demo-volunteer-%zu@example.org", i + 1);
        hy_id_new(u.id);
        u.email = email;
        u.phone = phone;
        u.name = v[i].name;
        u.role = "volunteer";
        u.status = v[i].status;
        u.language = v[i].lang;
        u.created_at = u.updated_at = now - (int64_t)(i * 3600);
        memcpy(vol.user_id, u.id, sizeof vol.user_id);
        vol.has_area = true;
        hy_geo_round(v[i].lat, v[i].lon, 500.0, &vol.lat, &vol.lon);
        vol.radius_km = 3 + (double)(i % 4) * 2;
        vol.skills = v[i].skills;
        vol.languages = v[i].langs;
        vol.availability = v[i].lang[0] == 'f' ? "عصرها و آخر هفته" : "Weekday evenings";
        int r = s->ops->user_insert(s, &u, &vol);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}

/* A few hundred demo library documents over every type, level, stage and many countries and
 * years, in Persian and English, titles marked "(demo)"/"(نمونه)" (library_demo.c). */
static int demo_library(hy_store *s) { return hy_library_demo_docs(s, 360, hy_clock_now()); }

/* Official news and fact checks, a few of each in both languages (news_demo.c). */
static int demo_news(hy_store *s) { return hy_news_demo(s, hy_clock_now()); }

static const struct {
    const char *name;
    hy_demo_loader load;
} loaders[] = {
    {"volunteers", demo_volunteers},
    {"groups", hy_demo_groups},
    {"library", demo_library},
    {"news", demo_news},
    {"requests", hy_demo_requests},
};

static int load_all(hy_store *s, void *ctx) {
    char *done = NULL;
    int r = s->ops->meta_get(s, "demo_loaded", &done);
    if (r < 0) return r;
    if (r == HY_DB_ONE) {
        free(done);
        *(int *)ctx = 1;
        return HY_DB_NONE;
    }
    for (size_t i = 0; i < sizeof loaders / sizeof loaders[0]; i++) {
        if (!loaders[i].load) continue;
        r = loaders[i].load(s);
        if (r < 0) {
            hy_error("demo: loading %s failed", loaders[i].name);
            return r;
        }
    }
    return s->ops->meta_set(s, "demo_loaded", "1");
}

int hy_demo_load(hy_db *db) {
    int already = 0;
    int r = hy_db_run(db, HY_TX_WRITE, load_all, &already);
    if (r < 0) {
        hy_error("demo: the demo data could not be loaded");
        return -1;
    }
    if (already) hy_info("demo: demo data already loaded");
    else hy_info("demo: demo data loaded (every demo record is marked as demo)");
    return 0;
}
