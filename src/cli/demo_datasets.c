/* demo_datasets.c — the demo's open data: synthetic daily hospital admissions, per province and
 * for the whole country, generated here (a smooth epidemic wave, a weekly rhythm and a fixed
 * pseudo-random scatter, so every demo has the same figures), and beds occupied per province
 * with the provinces named in Persian the way files from the field spell them (an «استان»
 * prefix, Arabic yeh and kaf, a joiner in place of a space) and rows of unknown province. Each
 * dataset carries the demo mark (`hamyari demo remove` takes them). */
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

/* Every province, as a Persian file might name it, and its weight in the beds dataset. */
static const struct {
    const char *name;
    double weight;
} beds_provinces[] = {
    {"استان تهران", 13}, {"خراسان رضوی", 6.5}, {"اصفهان", 5.1}, {"فارس", 4.9},
    {"خوزستان", 4.7}, {"آذربایجان شرقی", 3.9}, {"مازندران", 3.3}, {"آذربایجان‌غربی", 3.3},
    {"كرمان", 3.2}, {"سیستان و بلوچستان", 2.8}, {"البرز", 2.7}, {"گیلان", 2.5},
    {"كرمانشاه", 1.9}, {"لرستان", 1.8}, {"همدان", 1.7}, {"گلستان", 1.9},
    {"کردستان", 1.6}, {"هرمزگان", 1.8}, {"مرکزی", 1.5}, {"اردبیل", 1.3},
    {"قزوین", 1.3}, {"قم", 1.3}, {"يزد", 1.1}, {"زنجان", 1.1},
    {"بوشهر", 1.2}, {"چهارمحال و بختیاری", 0.9}, {"خراسان شمالی", 0.9},
    {"کهگیلویه و بویراحمد", 0.7}, {"خراسان جنوبی", 0.8}, {"سمنان", 0.7}, {"ایلام", 0.6},
    {"نامشخص", 0.4},
};
#define NBEDS (sizeof beds_provinces / sizeof beds_provinces[0])
#define BEDS_DAYS 60

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
    hy_buf beds = HY_BUF_INIT(0);
    hy_buf_puts(&beds, "date,area,beds_occupied,icu_beds_occupied\r\n");
    for (int day = 0; day < BEDS_DAYS; day++) {
        char date[11];
        hy_fc_date_format(start + 120 + day, date);
        for (size_t p = 0; p < NBEDS; p++) {
            double v = wave(60 * beds_provinces[p].weight, 20 + (int)(p % 9) * 3, day, &state);
            double icu = floor(v * (0.1 + 0.05 * scatter(&state)));
            hy_buf_printf(&beds, "%s,%s,%.0f,%.0f\r\n", date, beds_provinces[p].name, v, icu);
        }
    }
    int rc = hy_buf_error(&by_area) || hy_buf_error(&national) || hy_buf_error(&beds) ? -1 : 0;
    const struct hy_dataset sets[] = {
        {.id = "demo-admissions",
         .title_fa = "پذیرش روزانهٔ بیمارستان به تفکیک استان",
         .title_en = "Daily hospital admissions by province",
         .description_fa = "داده‌های ساختگی برای نمایش داشبورد: بیماران بستری‌شده و بستری در "
                           "بخش مراقبت‌های ویژه در هر روز و هر استان.",
         .description_en = "Made-up figures to show the dashboard: patients admitted to hospital "
                           "and to intensive care each day in each province.",
         .source = "Hamyari demo (synthetic)", .licence = "CC0-1.0",
         .contact = "data@example.org", .cutoff = "20:00", .demo = true},
        {.id = "demo-admissions-national",
         .title_fa = "پذیرش روزانهٔ بیمارستان در کل کشور",
         .title_en = "Daily hospital admissions, whole country",
         .description_fa = "جمع استان‌ها در دادهٔ نمونهٔ پذیرش روزانه؛ برای برازش پیش‌بینی.",
         .description_en = "The provinces of the demo admissions summed; for fitting the "
                           "forecast.",
         .source = "Hamyari demo (synthetic)", .licence = "CC0-1.0",
         .contact = "data@example.org", .cutoff = "20:00", .demo = true},
        {.id = "demo-beds",
         .title_fa = "تخت‌های اشغال‌شدهٔ بیمارستان در هر استان",
         .title_en = "Hospital beds occupied in each province",
         .description_fa = "داده‌های ساختگی برای نمایش نقشهٔ داشبورد: تخت‌های اشغال‌شده و "
                           "تخت‌های اشغال‌شدهٔ مراقبت‌های ویژه در هر روز، با نام فارسی استان‌ها "
                           "همان‌طور که در فایل‌ها نوشته می‌شوند، و ردیف‌هایی با استان نامشخص.",
         .description_en = "Made-up figures to show the dashboard's map: hospital beds and "
                           "intensive-care beds occupied each day, with the provinces named in "
                           "Persian as files spell them, and rows whose province is unknown.",
         .source = "Hamyari demo (synthetic)", .licence = "CC0-1.0",
         .contact = "data@example.org", .cutoff = "08:00", .demo = true},
    };
    if (rc == 0) rc = load(db, &sets[0], &by_area);
    if (rc == 0) rc = load(db, &sets[1], &national);
    if (rc == 0) rc = load(db, &sets[2], &beds);
    hy_buf_free(&by_area);
    hy_buf_free(&national);
    hy_buf_free(&beds);
    return rc;
}
