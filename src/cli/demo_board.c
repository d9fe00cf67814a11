/* demo_board.c — demo posts of the neighbour-help board for `serve --demo`: offers and asks in
 * Tehran, Shiraz and Cardiff, in Persian and English, by two demo neighbours; every row is
 * marked demo and written by demo volunteers, so `hamyari demo remove` takes them away with
 * their authors. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth.h"
#include "domain/board.h"
#include "domain/geo.h"
#include "domain/text.h"
#include "store/board.h"
#include "util/clock.h"

int hy_demo_board(hy_store *s) {
    static const struct {
        int who;
        const char *kind, *category, *place, *language, *body;
        double lat, lon;
        int days;
    } d[] = {
        {0, "offer", "food", "یوسف‌آباد", "fa", "هر روز عصر می‌توانم برای دو خانوادهٔ همسایه نان و شیر بخرم.", 35.7290, 51.4050, 7},
        {0, "ask", "medicine", "یوسف‌آباد", "fa", "برای مادرم داروی دیابت از داروخانهٔ شبانه‌روزی لازم است؛ نسخه آماده است.", 35.7310, 51.4110, 3},
        {1, "offer", "medicine", "ونک", "fa", "با ماشین به داروخانه می‌روم و داروهای همسایه‌ها را هم می‌آورم.", 35.7570, 51.4090, 5},
        {1, "ask", "company", "شیراز، خیابان زند", "fa", "پدربزرگم تنهاست؛ کسی هفته‌ای یک بار با او چای بنوشد و گپ بزند؟", 29.6100, 52.5400, 14},
        {1, "offer", "repairs", "Pontcanna, Cardiff", "en", "I can fix leaking taps, loose shelves and bikes at weekends, free of charge.", 51.4870, -3.1960, 10},
        {0, "ask", "transport", "Canton, Cardiff", "en", "A lift to the hospital on Thursday morning for a check-up, back by noon.", 51.4790, -3.2050, 4},
    };
    /* Two of the demo volunteers (cli/demo.c) write them. */
    static const char *const logins[] = {"volunteer-1@example.org", "volunteer-9@example.org"};
    char ids[2][HY_ID_LEN + 1];
    int64_t now = hy_clock_now();
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    for (int i = 0; i < 2; i++) {
        struct hy_user u;
        int r = s->ops->user_by_login(s, logins[i], a, &u);
        if (r <= 0) {
            hy_arena_free(a);
            return r < 0 ? r : HY_DB_HARD;
        }
        memcpy(ids[i], u.id, sizeof ids[i]);
    }
    int r = HY_DB_ONE;
    for (size_t i = 0; i < sizeof d / sizeof d[0] && r >= 0; i++) {
        struct hy_board_post p = {0};
        hy_id_new(p.id);
        memcpy(p.author_id, ids[d[i].who], sizeof p.author_id);
        p.kind = d[i].kind;
        p.category = d[i].category;
        p.slot = hy_board_slot(p.kind, p.category);
        p.body = d[i].body;
        p.body_norm = hy_text_normalise(a, p.body, strlen(p.body));
        hy_geo_round(d[i].lat, d[i].lon, HY_BOARD_CELL_M, &p.lat, &p.lon);
        p.place = d[i].place;
        p.language = d[i].language;
        p.starts_at = now;
        p.ends_at = now + (int64_t)d[i].days * 86400;
        p.expires_at = p.ends_at;
        p.status = "open";
        p.demo = true;
        p.created_at = p.updated_at = now - (int64_t)i * 600;
        r = p.body_norm ? s->ops->board->post_insert(s, &p) : HY_DB_HARD;
    }
    hy_arena_free(a);
    return r < 0 ? r : HY_DB_ONE;
}
