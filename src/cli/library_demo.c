/* library_demo.c — demo library documents, generated deterministically (no randomness: the
 * same index gives the same document on every store and every run). Used by `serve --demo`
 * (a few hundred), by the store conformance test and by bench/ (10,000 and more), of every
 * type but "faq". Every document has origin "demo" (pages show an "example" badge; `hamyari
 * demo remove` takes them), and its country is the country of the place it is about. */
#include <stdio.h>
#include <string.h>

#include "app/library.h"
#include "cli/cli.h"
#include "domain/library.h"
#include "store/library.h"
#include "util/buf.h"

static const char *const themes[] = {
    "health", "food", "housing", "education", "open-data", "volunteering", "mutual-aid",
    "public-services", "data-protection", "transport", "employment", "elderly", "children",
    "misinformation", "digital-identity", "participation"};
#define NTHEMES (sizeof themes / sizeof themes[0])

static const struct {
    const char *en, *fa;
} topics[] = {
    {"food bank", "بانک غذا"},
    {"volunteer network", "شبکهٔ داوطلبان"},
    {"open data portal", "درگاه دادهٔ باز"},
    {"telehealth service", "خدمات سلامت از راه دور"},
    {"citizen budget", "بودجهٔ شهروندی"},
    {"school meals", "غذای مدرسه"},
    {"check-in calls for older people", "تماس‌های احوال‌پرسی با سالمندان"},
    {"rent relief", "کمک‌هزینهٔ اجاره"},
    {"community fridge", "یخچال محله"},
    {"contact tracing", "ردیابی تماس"},
    {"mask distribution", "توزیع ماسک"},
    {"neighbourhood groups", "گروه‌های محله"},
    {"digital skills classes", "کلاس‌های مهارت دیجیتال"},
    {"job matching", "کاریابی"},
    {"bike lanes", "مسیرهای دوچرخه"},
    {"fact-checking desk", "میز راستی‌آزمایی"},
};
#define NTOPICS (sizeof topics / sizeof topics[0])

static const struct {
    const char *en, *fa, *country;
} places[] = {
    {"Tehran", "تهران", "IR"},         {"Tabriz", "تبریز", "IR"},
    {"Shiraz", "شیراز", "IR"},         {"Mashhad", "مشهد", "IR"},
    {"Isfahan", "اصفهان", "IR"},       {"Kerman", "کرمان", "IR"},
    {"Rasht", "رشت", "IR"},            {"Yazd", "یزد", "IR"},
    {"London", "لندن", "GB"},          {"Manchester", "منچستر", "GB"},
    {"Glasgow", "گلاسگو", "GB"},       {"Berlin", "برلین", "DE"},
    {"Lyon", "لیون", "FR"},            {"Nairobi", "نایروبی", "KE"},
    {"Santiago", "سانتیاگو", "CL"},    {"Tokyo", "توکیو", "JP"},
    {"Seoul", "سئول", "KR"},           {"Karachi", "کراچی", "PK"},
    {"Herat", "هرات", "AF"},           {"Istanbul", "استانبول", "TR"},
    {"Erbil", "اربیل", "IQ"},          {"São Paulo", "سائوپائولو", "BR"},
    {"Bucharest", "بخارست", "RO"},     {"Mexico City", "مکزیکوسیتی", "MX"},
    {"Toronto", "تورنتو", "CA"},       {"Melbourne", "ملبورن", "AU"},
    {"Pune", "پونه", "IN"},            {"Accra", "آکرا", "GH"},
    {"Barcelona", "بارسلون", "ES"},     {"Helsinki", "هلسینکی", "FI"},
    {"New York", "نیویورک", "US"},     {"Jakarta", "جاکارتا", "ID"},
};
#define NPLACES (sizeof places / sizeof places[0])

static const struct {
    const char *en, *fa;
} kinds[] = {
    {"Case study", "مطالعهٔ موردی"}, {"Project", "پروژه"},     {"Report", "گزارش"},
    {"Toolkit", "جعبه‌ابزار"},       {"Question", "پرسش"},     {"Resource", "منبع"},
    {"Guide", "راهنما"},
};

/* A positive number in Persian digits (U+06F0…U+06F9), in the arena. */
static const char *fa_number(hy_arena *a, int n) {
    char ascii[16];
    int len = snprintf(ascii, sizeof ascii, "%d", n);
    char *out = hy_arena_alloc(a, (size_t)len * 2 + 1);
    if (!out) return NULL;
    for (int i = 0; i < len; i++) {
        out[2 * i] = (char)0xdb;
        out[2 * i + 1] = (char)(0xb0 + (ascii[i] - '0'));
    }
    out[2 * len] = '\0';
    return out;
}

/* A small deterministic mixer (splitmix64). */
static uint64_t mix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

int hy_library_demo_doc(hy_arena *a, size_t i, int64_t now, struct hy_lib_doc *d) {
    size_t pair = i / 2;
    bool fa = i % 2 == 1;
    uint64_t r = mix(pair + 1);
    memset(d, 0, sizeof *d);
    snprintf(d->id, sizeof d->id, "de%030zx", i);
    char *group = hy_arena_printf(a, "de%030zx", pair * 2);
    /* Every type but "faq": the FAQ page lists the library's real questions and answers
     * (the starter content), with no examples among them. */
    size_t t = (size_t)(r % 6);
    if (t >= 4) t++;
    d->type = hy_lib_types[t];
    d->language = fa ? "fa" : "en";
    d->translation_group = group;
    size_t topic = (size_t)((r >> 8) % NTOPICS), place = (size_t)((r >> 16) % NPLACES);
    d->country = places[place].country;
    d->level = hy_lib_levels[(r >> 32) % 5];
    d->year = 2010 + (int)((r >> 36) % 15);
    d->stage = hy_lib_stages[(r >> 40) % 6];
    size_t th1 = (size_t)((r >> 44) % NTHEMES), th2 = (size_t)((r >> 48) % NTHEMES);
    d->themes = th1 == th2 ? themes[th1]
                           : hy_arena_printf(a, "%s %s", themes[th1], themes[th2]);
    d->covid = d->year >= 2020 && d->year <= 2022 && ((r >> 52) % 2 == 0);
    if (fa) {
        const char *year = fa_number(a, d->year);
        if (!year) return -1;
        d->title = hy_arena_printf(a, "%s: %s در %s", kinds[t].fa, topics[topic].fa,
                                   places[place].fa);
        d->summary = hy_arena_printf(
            a, "نمونه‌ای از %s در %s که در سال %s آغاز شد%s.", topics[topic].fa,
            places[place].fa, year, d->covid ? " و به همه‌گیری کووید-۱۹ پاسخ داد" : "");
        d->body_md = hy_arena_printf(
            a, "## مسئله\n\nساکنان %s به %s نیاز داشتند.\n\n## کاری که شد\n\n"
               "داوطلبان و نهادهای محلی با هم **%s** را راه انداختند و نتیجه را با دیگران "
               "در میان گذاشتند.\n\n## آموخته‌ها\n\n- کار کوچک شروع شد.\n- داده‌ها باز ماند.\n",
            places[place].fa, topics[topic].fa, topics[topic].fa);
        d->tags = hy_arena_printf(a, "[\"%s\",\"%s\"]", topics[topic].fa, places[place].fa);
    } else {
        d->title = hy_arena_printf(a, "%s: %s in %s", kinds[t].en, topics[topic].en,
                                   places[place].en);
        d->summary = hy_arena_printf(a, "An example of a %s in %s, started in %d%s.",
                                     topics[topic].en, places[place].en, d->year,
                                     d->covid ? " as a response to COVID-19" : "");
        d->body_md = hy_arena_printf(
            a, "## The problem\n\nPeople in %s needed a %s.\n\n## What was done\n\n"
               "Volunteers and local institutions set up the **%s** together and shared what "
               "they learnt.\n\n## Lessons\n\n- Start small.\n- Keep the data open.\n",
            places[place].en, topics[topic].en, topics[topic].en);
        d->tags = hy_arena_printf(a, "[\"%s\",\"%s\"]", topics[topic].en, places[place].en);
    }
    d->organisations = "[]";
    d->authors = fa ? "[\"گروه ویراستاران همیاری\"]" : "[\"Hamyari editors\"]";
    d->links = "[]";
    d->status = pair % 40 == 39 ? "draft" : "published";
    d->origin = "demo";
    d->created_at = d->updated_at = now - (int64_t)pair * 3600;
    d->published_at = strcmp(d->status, "published") ? 0 : d->created_at;
    d->sort_at = d->created_at;
    return (d->title && d->summary && d->body_md && d->tags && group && d->themes) ? 0 : -1;
}

int hy_library_demo_docs(hy_store *s, size_t n, int64_t now) {
    for (size_t i = 0; i < n; i++) {
        hy_arena *a = hy_arena_new(0);
        if (!a) return HY_DB_HARD;
        struct hy_lib_doc d;
        int r = hy_library_demo_doc(a, i, now, &d) < 0 ? HY_DB_HARD
                                                       : hy_lib_create(s, a, &d, NULL, "demo");
        hy_arena_free(a);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}
