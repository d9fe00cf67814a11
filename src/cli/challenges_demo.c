/* challenges_demo.c — the demo's challenge: one in its voting phase, with ideas in Persian and
 * English, marked demo so that `hamyari demo remove` takes it with everything under it. */
#include <string.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/challenge.h"
#include "store/challenges.h"

#define DAY 86400

static const struct {
    const char *title, *description, *team, *tags, *language;
} ideas[] = {
    {"صف داروخانه با پیامک", "داروخانه شماره‌ای می‌دهد و وقتی نوبت نزدیک شد پیامک می‌فرستد تا سالمندان بیرون در سرما منتظر نمانند.",
     "دو همسایه از محلهٔ نارمک", "[\"سلامت\",\"پیامک\"]", "fa"},
    {"ساعت خرید ویژهٔ سالمندان", "فروشگاه‌های محله ساعت اول صبح را برای سالمندان و کسانی که بیماری زمینه‌ای دارند نگه می‌دارند.",
     "", "[\"خرید\",\"سالمندان\"]", "fa"},
    {"Phone tree for each building", "One volunteer per building calls every flat once a week and passes needs to the coordinators.",
     "Residents' association, block 4", "[\"phone\",\"neighbours\"]", "en"},
    {"Shared cargo bike for deliveries", "A cargo bike kept at the community centre lets volunteers deliver groceries without a car.",
     "Bike kitchen volunteers", "[\"delivery\",\"transport\"]", "en"},
};

int hy_challenges_demo(hy_store *s, int64_t now) {
    const struct hy_challenge_ops *o = s->ops->challenges;
    struct hy_challenge c = {
        .title_fa = "کاهش تنهایی و انتظار سالمندان در بحران",
        .title_en = "Less waiting and loneliness for older people in a crisis",
        .problem_fa = "سالمندانی که تنها زندگی می‌کنند ساعت‌ها در صف می‌مانند یا کسی را ندارند که به او زنگ بزنند. "
                      "چه کاری در محله از دستمان برمی‌آید؟",
        .problem_en = "Older people who live alone wait for hours in queues, or have nobody to call. "
                      "What can a neighbourhood do about it?",
        .ideas_at = now - 10 * DAY,
        .voting_at = now - DAY,
        .results_at = now + 13 * DAY,
        .votes_per_person = 3,
        .show_votes = false,
        .random_order = true,
        .threshold = 10,
        .created_at = now,
        .updated_at = now,
        .demo = true,
    };
    hy_id_new(c.id);
    int r = o->challenge_insert(s, &c);
    if (r <= 0) return r < 0 ? r : HY_DB_HARD;
    for (size_t i = 0; i < sizeof ideas / sizeof ideas[0]; i++) {
        struct hy_idea d = {
            .title = ideas[i].title,
            .description = ideas[i].description,
            .team = ideas[i].team,
            .links = "[]",
            .tags = ideas[i].tags,
            .language = ideas[i].language,
            .created_at = now - (int64_t)(9 - i) * DAY,
            .demo = true,
        };
        d.activity_at = d.created_at;
        hy_id_new(d.id);
        memcpy(d.challenge_id, c.id, sizeof d.challenge_id);
        if ((r = o->idea_insert(s, &d)) <= 0) return r < 0 ? r : HY_DB_HARD;
    }
    return HY_DB_ONE;
}
