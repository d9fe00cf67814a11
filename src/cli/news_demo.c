/* news_demo.c — demo official news and fact checks, in Persian and English, written for the
 * demo (marked as demo rows, like the other demo documents, not in their titles): three issuing institutions, news of every category
 * including an alert with its CAP fields, and fact checks of several ratings, each a pair of
 * translations. */
#include <stdio.h>
#include <string.h>

#include "app/library.h"
#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/news.h"
#include "store/news.h"

static const struct hy_news_inst institutions[] = {
    {"health-ministry", "وزارت بهداشت", "Ministry of Health", "#c0392b", NULL, 0},
    {"city-council", "شورای شهر", "City council", "#2471a3", NULL, 0},
    {"red-crescent", "جمعیت هلال احمر", "Red Crescent Society", "#b03a2e", NULL, 0},
};

struct pair {
    const char *type;
    const char *title_fa, *title_en, *summary_fa, *summary_en, *body_fa, *body_en;
    const char *extra_fa, *extra_en; /* the kind fields (domain/news.h) as JSON */
    const char *country;
    int year;
};

static const struct pair pairs[] = {
    {"news", "هشدار سیلاب برای محله‌های کنار رودخانه",
     "Flood alert for the riverside neighbourhoods",
     "تا فردا عصر به طبقه‌های بالاتر یا خانهٔ بستگان در بخش‌های بلندتر شهر بروید.",
     "Until tomorrow evening, move to upper floors or to relatives in higher parts of the city.",
     "آب رودخانه امشب بالا می‌آید.\n\n- داروها و مدارک را همراه داشته باشید.\n- به همسایه‌های "
     "سالمند سر بزنید.\n- برای کمک، در همیاری درخواست کمک ثبت کنید.",
     "The river will rise tonight.\n\n- Take medicines and papers with you.\n- Check on older "
     "neighbours.\n- If you need help, ask for it on Hamyari.",
     "{\"institution\":\"red-crescent\",\"category\":\"alert\",\"alert\":{\"event\":\"سیلاب\","
     "\"urgency\":\"Expected\",\"severity\":\"Severe\",\"certainty\":\"Likely\",\"area\":"
     "\"محله‌های کنار رودخانه\"}}",
     "{\"institution\":\"red-crescent\",\"category\":\"alert\",\"alert\":{\"event\":\"Flood\","
     "\"urgency\":\"Expected\",\"severity\":\"Severe\",\"certainty\":\"Likely\",\"area\":"
     "\"Riverside neighbourhoods\"}}",
     NULL, 0},
    {"news", "درمانگاه‌های محله جمعه هم باز هستند",
     "Neighbourhood clinics open on Fridays too",
     "از این هفته درمانگاه‌های محله جمعه‌ها از ساعت ۸ تا ۱۴ باز هستند.",
     "From this week neighbourhood clinics open on Fridays from 8:00 to 14:00.",
     "برای نوبت با شمارهٔ درمانگاه تماس بگیرید. **کارت بیمه** را همراه داشته باشید.",
     "Call the clinic for an appointment. Bring your **insurance card**.",
     "{\"institution\":\"health-ministry\",\"category\":\"information\"}",
     "{\"institution\":\"health-ministry\",\"category\":\"information\"}", NULL, 0},
    {"news", "شورا: آب‌رسانی با تانکر به محله‌های شرقی",
     "Council decision: water tankers for the eastern neighbourhoods",
     "تا تعمیر لوله‌ها، هر روز ساعت ۱۰ تانکر آب به میدان‌های محله می‌آید.",
     "Until the pipes are repaired, a water tanker comes to each neighbourhood square at 10:00 "
     "daily.",
     "ظرف دربسته همراه بیاورید. آب تانکر را پیش از نوشیدن بجوشانید.",
     "Bring a closed container. Boil tanker water before drinking it.",
     "{\"institution\":\"city-council\",\"category\":\"decision\"}",
     "{\"institution\":\"city-council\",\"category\":\"decision\"}", NULL, 0},
    {"news", "راهنمای نگهداری دارو در گرما", "Keeping medicines safe in the heat",
     "بیشتر داروها باید زیر ۲۵ درجه و دور از آفتاب بمانند.",
     "Most medicines should stay below 25 °C and out of the sun.",
     "انسولین را در یخچال نگه دارید، نه در فریزر. اگر برق رفت، از داروخانه بپرسید.",
     "Keep insulin in the fridge, not the freezer. If the power is out, ask a pharmacy.",
     "{\"institution\":\"health-ministry\",\"category\":\"guidance\"}",
     "{\"institution\":\"health-ministry\",\"category\":\"guidance\"}", NULL, 0},
    {"factcheck", "نه، سیر آنفولانزا را درمان نمی‌کند",
     "No, garlic does not cure the flu", "", "",
     "هیچ پژوهش معتبری نشان نداده است که خوردن سیر آنفولانزا را درمان کند. استراحت، مایعات و "
     "در صورت نیاز مراجعه به پزشک توصیه می‌شود.",
     "No reliable study has shown that eating garlic cures the flu. Rest, fluids and, if "
     "needed, a doctor's visit are advised.",
     "{\"claim\":\"خوردن سیر آنفولانزا را درمان می‌کند\",\"claimant\":\"پیامی در شبکه‌های "
     "اجتماعی\",\"rating\":\"false\",\"organisation\":\"راستی‌آزمای همیاری\","
     "\"first_seen\":\"2024-01-15\"}",
     "{\"claim\":\"Eating garlic cures the flu\",\"claimant\":\"A social-media post\","
     "\"rating\":\"false\",\"organisation\":\"Hamyari fact checks\","
     "\"first_seen\":\"2024-01-15\"}",
     NULL, 2024},
    {"factcheck", "تا حدی درست: همهٔ پناهگاه‌های تهران پر نیستند",
     "Partly true: not every shelter in Tehran is full", "", "",
     "دو پناهگاه از پنج پناهگاه شهر پر شده‌اند؛ سه پناهگاه دیگر هنوز جا دارند.",
     "Two of the city's five shelters are full; the other three still have room.",
     "{\"claim\":\"همهٔ پناهگاه‌های شهر پر شده‌اند\",\"rating\":\"partly_true\",\"organisation\":"
     "\"راستی‌آزمای همیاری\"}",
     "{\"claim\":\"All the city's shelters are full\",\"rating\":\"partly_true\",\"organisation\":"
     "\"Hamyari fact checks\"}",
     "IR", 2025},
};

static int save(hy_store *s, const struct pair *p, bool fa, const char *group, int64_t at,
                char ret_id[HY_ID_LEN + 1]) {
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    struct hy_lib_doc d;
    memset(&d, 0, sizeof d);
    hy_id_new(d.id);
    d.type = p->type;
    d.language = fa ? "fa" : "en";
    d.translation_group = group;
    d.title = fa ? p->title_fa : p->title_en;
    d.summary = fa ? p->summary_fa : p->summary_en;
    d.body_md = fa ? p->body_fa : p->body_en;
    d.country = p->country;
    d.year = p->year;
    d.status = "published";
    d.origin = "demo";
    d.created_at = d.updated_at = d.published_at = d.sort_at = at;
    json_t *in = json_loads(fa ? p->extra_fa : p->extra_en, 0, NULL);
    struct hy_news_error err = {0};
    d.extra = in ? hy_news_extra(a, p->type, in, &err) : NULL;
    json_decref(in);
    int r = d.extra ? hy_lib_create(s, a, &d, NULL, "demo") : HY_DB_HARD;
    if (r >= 0) memcpy(ret_id, d.id, HY_ID_LEN + 1);
    hy_arena_free(a);
    return r;
}

int hy_news_demo(hy_store *s, int64_t now) {
    for (size_t i = 0; i < sizeof institutions / sizeof institutions[0]; i++) {
        struct hy_news_inst in = institutions[i];
        in.updated_at = now;
        int r = s->ops->news->inst_put(s, &in);
        if (r < 0) return r;
    }
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        int64_t at = now - (int64_t)i * 5400;
        char fa_id[HY_ID_LEN + 1], en_id[HY_ID_LEN + 1];
        int r = save(s, &pairs[i], true, NULL, at, fa_id);
        if (r >= 0) r = save(s, &pairs[i], false, fa_id, at, en_id);
        if (r < 0) return r;
    }
    return HY_DB_ONE;
}
