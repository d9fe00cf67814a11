/* demo_datasets.c — the demo's open data: synthetic daily hospital admissions, per province and
 * for the whole country, generated here (a smooth epidemic wave, a weekly rhythm and a fixed
 * pseudo-random scatter, so every demo has the same figures). Marked as demo in both titles. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "app/datasets.h"
#include "cli/cli.h"
#include "domain/forecast.h"
#include "util/buf.h"
#include "util/log.h"

#define DEMO_DAYS 180

static const struct {
    const char *name;
    double scale; /* people admitted at the wave's peak */
    int peak;     /* day of the peak */
} provinces[] = {
    {"Tehran", 420, 95},        {"Razavi Khorasan", 190, 105}, {"Isfahan", 160, 100},
    {"Fars", 140, 110},         {"Khuzestan", 130, 88},        {"East Azerbaijan", 110, 118},
    {"Mazandaran", 90, 99},     {"Kerman", 70, 125},
};
#define NPROVINCES (sizeof provinces / sizeof provinces[0])

/* A fixed pseudo-random number in [0, 1). */
static double scatter(uint32_t *state) {
    *state = *state * 1664525u + 1013904223u;
    return (double)(*state >> 8) / (double)(1u << 24);
}

/* The day's admissions of a wave peaking at `peak` with `scale`, weekends lower. */
static double wave(double scale, int peak, int day, uint32_t *state) {
    double x = (day - peak) / 22.0;
    double v = scale / (1 + x * x) + scale * 0.04;
    int weekday = day % 7; /* the series starts on a Monday */
    if (weekday == 4) v *= 0.85; /* Friday */
    return floor(v * (0.9 + 0.2 * scatter(state)));
}

static int load(hy_db *db, const struct hy_dataset *meta, const hy_buf *csv) {
    hy_arena *a = hy_arena_new(0);
    if (!a) return -1;
    struct hy_ds_load ld = {.meta = meta};
    int r = hy_ds_load_mem(db, csv->data, csv->len, a, &ld);
    hy_arena_free(a);
    if (r != HY_DS_LOADED) hy_error("demo: the dataset %s could not be loaded (%d)", meta->id, r);
    return r == HY_DS_LOADED ? 0 : -1;
}

int hy_demo_datasets(hy_db *db) {
    int32_t start;
    if (!hy_fc_date_parse("2024-01-01", &start)) return -1;
    hy_buf by_area = HY_BUF_INIT(0), national = HY_BUF_INIT(0);
    hy_buf_puts(&by_area, "date,area,admissions,icu_admissions\r\n");
    hy_buf_puts(&national, "date,admissions,icu_admissions\r\n");
    uint32_t state = 20240101u;
    for (int day = 0; day < DEMO_DAYS; day++) {
        char date[11];
        hy_fc_date_format(start + day, date);
        double all = 0, all_icu = 0;
        for (size_t p = 0; p < NPROVINCES; p++) {
            double v = wave(provinces[p].scale, provinces[p].peak, day, &state);
            double icu = floor(v * (0.08 + 0.04 * scatter(&state)));
            all += v;
            all_icu += icu;
            hy_buf_printf(&by_area, "%s,%s,%.0f,%.0f\r\n", date, provinces[p].name, v, icu);
        }
        hy_buf_printf(&national, "%s,%.0f,%.0f\r\n", date, all, all_icu);
    }
    int rc = hy_buf_error(&by_area) || hy_buf_error(&national) ? -1 : 0;
    const struct hy_dataset sets[] = {
        {.id = "demo-admissions",
         .title_fa = "پذیرش روزانهٔ بیمارستان به تفکیک استان (نمونه)",
         .title_en = "Daily hospital admissions by province (demo)",
         .description_fa = "داده‌های ساختگی برای نمایش داشبورد: بیماران بستری‌شده و بستری در "
                           "بخش مراقبت‌های ویژه در هر روز و هر استان.",
         .description_en = "Made-up figures to show the dashboard: patients admitted to hospital "
                           "and to intensive care each day in each province.",
         .source = "Hamyari demo (synthetic)", .licence = "CC0-1.0",
         .contact = "data@example.org", .cutoff = "20:00"},
        {.id = "demo-admissions-national",
         .title_fa = "پذیرش روزانهٔ بیمارستان در کل کشور (نمونه)",
         .title_en = "Daily hospital admissions, whole country (demo)",
         .description_fa = "جمع استان‌ها در دادهٔ نمونهٔ پذیرش روزانه؛ برای برازش پیش‌بینی.",
         .description_en = "The provinces of the demo admissions summed; for fitting the "
                           "forecast.",
         .source = "Hamyari demo (synthetic)", .licence = "CC0-1.0",
         .contact = "data@example.org", .cutoff = "20:00"},
    };
    if (rc == 0) rc = load(db, &sets[0], &by_area);
    if (rc == 0) rc = load(db, &sets[1], &national);
    hy_buf_free(&by_area);
    hy_buf_free(&national);
    return rc;
}
