/* demo_groups.c — about 300 demo mutual-aid groups around real city centres of Iran and the
 * UK, generated deterministically (the same store content on every run). Every group carries
 * demo = true (pages show an "example" badge; `hamyari demo remove` takes them); contact
 * details use the reserved example.org domain, in Iran numbers around the placeholder
 * 0912 345 6789 (0912 345 60NN), in the UK the range Ofcom keeps for drama. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/area.h"
#include "domain/auth.h"
#include "domain/group.h"
#include "store/groups.h"
#include "util/clock.h"

struct demo_city {
    const char *name; /* Persian for Iran, English for the UK */
    double lat, lon;
    int groups;
    bool fa;
};

static const struct demo_city demo_cities[] = {
    {"تهران", 35.6892, 51.3890, 60, true},       {"مشهد", 36.2605, 59.6168, 18, true},
    {"اصفهان", 32.6546, 51.6680, 16, true},      {"شیراز", 29.5918, 52.5837, 14, true},
    {"تبریز", 38.0962, 46.2738, 14, true},       {"کرج", 35.8400, 50.9391, 10, true},
    {"اهواز", 31.3183, 48.6706, 10, true},       {"قم", 34.6416, 50.8746, 8, true},
    {"کرمانشاه", 34.3142, 47.0650, 8, true},     {"رشت", 37.2808, 49.5832, 8, true},
    {"کرمان", 30.2839, 57.0834, 6, true},        {"یزد", 31.8974, 54.3569, 6, true},
    {"همدان", 34.7992, 48.5146, 6, true},        {"سنندج", 35.3219, 46.9862, 5, true},
    {"بندرعباس", 27.1832, 56.2666, 5, true},     {"زاهدان", 29.4963, 60.8629, 4, true},
    {"London", 51.5074, -0.1278, 40, false},     {"Manchester", 53.4808, -2.2426, 12, false},
    {"Birmingham", 52.4862, -1.8904, 12, false}, {"Glasgow", 55.8642, -4.2518, 8, false},
    {"Leeds", 53.8008, -1.5491, 8, false},       {"Bristol", 51.4545, -2.5879, 8, false},
    {"Edinburgh", 55.9533, -3.1883, 6, false},   {"Cardiff", 51.4816, -3.1791, 6, false},
    {"Belfast", 54.5973, -5.9301, 5, false},     {"Liverpool", 53.4084, -2.9916, 6, false},
    {"Sheffield", 53.3811, -1.4701, 5, false},   {"Newcastle", 54.9783, -1.6178, 4, false},
};

static const char *const fa_areas[] = {"مرکزی", "شمالی",   "جنوبی", "شرقی",    "غربی", "قدیم",
                                       "بازار", "دانشگاه", "پارک",  "ایستگاه", "باغ",  "میدان"};
static const char *const en_areas[] = {"Central", "North",    "South",     "East",
                                       "West",    "Old Town", "Riverside", "Market",
                                       "Park",    "Station",  "Hill",      "Green"};
static const char *const tag_sets[][3] = {
    {"food", "shopping", NULL},      {"medicine", "phone_calls", NULL},
    {"companionship", NULL, NULL},   {"driving", "errands", NULL},
    {"food", "cooking", "medicine"}, {"childcare", "shopping", NULL},
    {"shelter", "clothing", NULL},   {"translation", "phone_calls", NULL},
};

/* A deterministic generator (a 64-bit LCG) so every demo store is the same. */
static double next_unit(unsigned long long *s) {
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / (double)(1ull << 53);
}

int hy_demo_groups(hy_store *s) {
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    unsigned long long seed = 20200317ull;
    int64_t now = hy_clock_now();
    int r = HY_DB_ONE, k = 0;
    for (size_t c = 0; c < sizeof demo_cities / sizeof demo_cities[0] && r >= 0; c++) {
        const struct demo_city *city = &demo_cities[c];
        for (int i = 0; i < city->groups && r >= 0; i++, k++) {
            struct hy_group g = {0};
            hy_id_new(g.id);
            /* Scatter within about 12 km of the centre (more near it), as neighbourhoods are. */
            double dist = 12000.0 * pow(next_unit(&seed), 0.7) * (i == 0 ? 0 : 1);
            double bearing = 2 * 3.14159265358979 * next_unit(&seed);
            g.lat = city->lat + dist * cos(bearing) / 111195.0;
            g.lon =
                city->lon + dist * sin(bearing) / (111195.0 * cos(city->lat * 3.14159265 / 180));
            size_t na = sizeof fa_areas / sizeof fa_areas[0];
            int n = i / (int)na + 1;
            const char *area = city->fa ? fa_areas[i % na] : en_areas[i % na];
            char name[200], desc[400];
            if (city->fa) {
                static const char *const fa_digits[] = {"۰", "۱", "۲", "۳", "۴",
                                                        "۵", "۶", "۷", "۸", "۹"};
                if (n > 1)
                    snprintf(name, sizeof name, "گروه همیاری محلهٔ %s %s %s", area,
                             city->name, fa_digits[n % 10]);
                else
                    snprintf(name, sizeof name, "گروه همیاری محلهٔ %s %s", area, city->name);
                snprintf(desc, sizeof desc,
                         "همسایه‌هایی در %s که برای سالمندان و کسانی که نمی‌توانند از خانه "
                         "بیرون بروند خرید می‌کنند، دارو می‌گیرند و تلفنی احوال می‌پرسند.",
                         city->name);
            } else {
                if (n > 1)
                    snprintf(name, sizeof name, "%s %s Mutual Aid %d", city->name, area, n);
                else
                    snprintf(name, sizeof name, "%s %s Mutual Aid", city->name, area);
                snprintf(desc, sizeof desc,
                         "Neighbours in %s doing the shopping, collecting prescriptions and "
                         "making a friendly phone call for anyone who cannot get out.",
                         city->name);
            }
            g.name = hy_arena_strdup(a, name);
            g.description = hy_arena_strdup(a, desc);
            const char *const *tags = tag_sets[k % 8];
            char tagjson[160] = "[";
            for (int t = 0; t < 3 && tags[t]; t++) {
                size_t len = strlen(tagjson);
                snprintf(tagjson + len, sizeof tagjson - len, "%s\"%s\"", t ? "," : "", tags[t]);
            }
            size_t tl = strlen(tagjson);
            snprintf(tagjson + tl, sizeof tagjson - tl, "]");
            g.tags = hy_arena_strdup(a, tagjson);
            g.languages = city->fa ? (k % 5 == 0   ? "[\"fa\",\"az\"]"
                                      : k % 7 == 0 ? "[\"fa\",\"ku\"]"
                                                   : "[\"fa\"]")
                                   : (k % 6 == 0   ? "[\"en\",\"cy\"]"
                                      : k % 4 == 0 ? "[\"en\",\"ur\"]"
                                                   : "[\"en\"]");
            g.contact = city->fa
                            ? hy_arena_printf(a,
                                              "{\"email\":\"group-%d@example.org\",\"phone\":"
                                              "\"+98 912 345 60%02d\",\"website\":"
                                              "\"https://example.org/groups/%d\"}",
                                              k + 1, k % 100, k + 1)
                            : hy_arena_printf(a,
                                              "{\"email\":\"group-%d@example.org\",\"phone\":"
                                              "\"+44 7700 900%03d\",\"website\":"
                                              "\"https://example.org/groups/%d\"}",
                                              k + 1, k % 1000, k + 1);
            g.area_kind = "none";
            if (k % 3 == 0) {
                g.area_kind = "radius";
                g.radius_m = 1000.0 + 500.0 * (k % 5);
                hy_cap_bbox(g.lat, g.lon, g.radius_m, &g.area_box);
            } else if (k % 3 == 1 && k % 2 == 0) {
                /* A small hexagon around the point, about 1.5 km across. */
                double rr = 750.0, coslat = cos(g.lat * 3.14159265 / 180);
                char poly[600] = "{\"type\":\"Polygon\",\"coordinates\":[[";
                for (int v = 0; v <= 6; v++) {
                    double ang = 2 * 3.14159265358979 * (v % 6) / 6;
                    size_t len = strlen(poly);
                    snprintf(poly + len, sizeof poly - len, "%s[%.6f,%.6f]", v ? "," : "",
                             g.lon + rr * sin(ang) / (111195.0 * coslat),
                             g.lat + rr * cos(ang) / 111195.0);
                }
                size_t pl = strlen(poly);
                snprintf(poly + pl, sizeof poly - pl, "]]}");
                json_t *j = json_loads(poly, 0, NULL);
                struct hy_polygon p;
                const char *problem;
                if (j && hy_polygon_parse(j, a, &p, &g.area_box, &problem)) {
                    g.area_kind = "polygon";
                    g.area = hy_arena_strdup(a, poly);
                }
                json_decref(j);
            }
            g.status = "approved";
            g.verified = k % 4 == 0;
            g.demo = true;
            char all[800];
            snprintf(all, sizeof all, "%s %s %s %s %s", name, desc, tags[0], tags[1] ? tags[1] : "",
                     tags[2] ? tags[2] : "");
            g.search_text = hy_search_text(a, all);
            g.name_norm = hy_search_text(a, name);
            g.created_at = g.updated_at = now - (int64_t)k * 600;
            if (!g.name || !g.description || !g.tags || !g.contact || !g.search_text ||
                !g.name_norm) {
                r = HY_DB_HARD;
                break;
            }
            r = s->ops->groups->insert(s, &g);
        }
    }
    hy_arena_free(a);
    return r < 0 ? r : HY_DB_ONE;
}
