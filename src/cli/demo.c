/* demo.c — the demo data: loaded once into an empty store by `serve --demo`.
 *
 * Every demo record is marked as demo where it is shown. Each feature adds a loader to the
 * list below; all run in one transaction, so a store gets all of the demo data or none. */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/geo.h"
#include "store/demo.h"
#include "util/clock.h"

#include "cli/cli.h"
#include "util/log.h"

typedef int (*hy_demo_loader)(hy_store *s);

/* Demo volunteers: no passwords (nobody can sign in as them), e-mail at example.org, marked
 * demo (pages show an "example" badge). Iran keeps no range of mobile numbers for fiction, so
 * Persian volunteers get numbers around the well-known placeholder 0912 345 6789 (0912 345 61NN);
 * British ones the range Ofcom keeps for drama (07700 900100–900199). */
static int demo_volunteers(hy_store *s) {
    static const struct {
        const char *name, *lang, *status, *skills, *langs;
        double lat, lon;
    } v[] = {
        {"سارا احمدی", "fa", "pending", "[\"driving\",\"shopping\"]", "[\"fa\"]", 35.7219, 51.3347},
        {"علی رضایی", "fa", "approved", "[\"medicine\",\"phone_calls\"]", "[\"fa\",\"az\"]", 35.6892, 51.3890},
        {"مریم کریمی", "fa", "pending", "[\"cooking\"]", "[\"fa\"]", 36.2605, 59.6168},
        {"رضا محمدی", "fa", "approved", "[\"driving\"]", "[\"fa\",\"ku\"]", 29.5918, 52.5837},
        {"زهرا حسینی", "fa", "suspended", "[\"shopping\"]", "[\"fa\"]", 32.6546, 51.6680},
        {"حسین نوری", "fa", "pending", "[\"companionship\",\"phone_calls\"]", "[\"fa\",\"az\"]", 38.0962, 46.2738},
        {"نرگس موسوی", "fa", "approved", "[\"medicine\"]", "[\"fa\",\"en\"]", 34.6416, 50.8746},
        {"امیر جعفری", "fa", "pending", "[\"errands\",\"driving\"]", "[\"fa\"]", 31.3183, 48.6706},
        {"Amelia Clarke", "en", "pending", "[\"shopping\",\"driving\"]", "[\"en\"]", 51.5390, -0.1426},
        {"Kwame Mensah", "en", "approved", "[\"phone_calls\"]", "[\"en\",\"tw\"]", 51.4613, -0.1156},
        {"Priya Shah", "en", "pending", "[\"medicine\",\"companionship\"]", "[\"en\",\"gu\"]", 53.4808, -2.2426},
        {"Dafydd Evans", "en", "approved", "[\"driving\"]", "[\"en\",\"cy\"]", 51.4816, -3.1791},
    };
    int64_t now = hy_clock_now();
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct hy_user u = {0};
        struct hy_volunteer vol = {0};
        char phone[32], email[64];
        bool fa = v[i].lang[0] == 'f';
        snprintf(phone, sizeof phone, fa ? "+98912345%04zu" : "+447700900%03zu", i + (fa ? 6100 : 100));
        snprintf(email, sizeof email, "volunteer-%zu@example.org", i + 1);
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
        vol.availability = fa ? "عصرها و آخر هفته" : "Weekday evenings";
        int r = s->ops->user_insert(s, &u, &vol);
        if (r <= 0) return r < 0 ? r : HY_DB_HARD;
        if ((r = hy_demo_mark_user(s, u.id)) < 0) return r;
    }
    return HY_DB_ONE;
}

/* A few hundred demo library documents over every type, level, stage and many countries and
 * years, in Persian and English, of origin "demo" (library_demo.c). */
static int demo_library(hy_store *s) { return hy_library_demo_docs(s, 360, hy_clock_now()); }

/* Official news and fact checks, a few of each in both languages (news_demo.c). */
static int demo_news(hy_store *s) { return hy_news_demo(s, hy_clock_now()); }

/* A challenge in its voting phase with ideas in both languages (challenges_demo.c). */
static int demo_challenges(hy_store *s) { return hy_challenges_demo(s, hy_clock_now()); }

static const struct {
    const char *name;
    hy_demo_loader load;
} loaders[] = {
    {"volunteers", demo_volunteers},
    {"groups", hy_demo_groups},
    {"library", demo_library},
    {"news", demo_news},
    {"challenges", demo_challenges},
    {"requests", hy_demo_requests},
    {"skills", hy_demo_skills},
    {"board", hy_demo_board},
};

/* meta "demo_loaded": "1" once loaded, "removed" after `demo remove` (a server still started
 * with --demo does not bring it back). */
static int load_all(hy_store *s, void *ctx) {
    char *done = NULL;
    int r = s->ops->meta_get(s, "demo_loaded", &done);
    if (r < 0) return r;
    if (r == HY_DB_ONE) {
        *(int *)ctx = strcmp(done, "removed") ? 1 : 2;
        free(done);
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
    if (already == 2) {
        hy_info("demo: the demo data was removed (hamyari demo remove): not loaded again");
        return 1;
    }
    if (already) {
        hy_info("demo: demo data already loaded");
        return 0;
    }
    /* Datasets load in transactions of their own (app/datasets.h). */
    if (hy_demo_datasets(db) < 0) return -1;
    hy_info("demo: demo data loaded (every demo record is marked as demo)");
    return 0;
}

/* ---- hamyari demo remove ---- */

struct remove_ctx {
    bool dry_run, keep_edited;
    struct hy_demo_counts c;
};

static int remove_tx(hy_store *s, void *ctx) {
    struct remove_ctx *rc = ctx;
    if (rc->dry_run) return hy_demo_count(s, rc->keep_edited, &rc->c);
    int64_t now = hy_clock_now();
    int r = hy_demo_remove(s, rc->keep_edited, now, &rc->c);
    if (r < 0) return r;
    char detail[256];
    snprintf(detail, sizeof detail,
             "groups=%" PRId64 " documents=%" PRId64 " volunteers=%" PRId64 " requests=%" PRId64
             " places=%" PRId64 " released=%" PRId64 " datasets=%" PRId64 "%s",
             rc->c.groups, rc->c.documents, rc->c.accounts, rc->c.requests, rc->c.places,
             rc->c.released, rc->c.datasets, rc->keep_edited ? " keep_edited" : "");
    if ((r = s->ops->audit_insert(s, now, NULL, "demo_removed", NULL, detail)) < 0) return r;
    return s->ops->meta_set(s, "demo_loaded", "removed");
}

static int demo_remove(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    bool dry_run = false, keep_edited = false;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"dry-run", NULL, HY_OPT_FLAG, &dry_run, NULL,
         "count what would be removed and change nothing"},
        {"keep-edited", NULL, HY_OPT_FLAG, &keep_edited, NULL,
         "keep the demo groups and library documents someone changed since the demo loaded "
         "them, and demo datasets with a newer version uploaded, as your own (no longer marked "
         "as examples)"},
    };
    int r = hy_opts_parse(
        "hamyari demo remove [--dry-run] [--keep-edited] [--db URL]",
        "Removes the demo data `serve --demo` loaded, in one transaction: the example groups, "
        "library documents, volunteers, help requests, open-data datasets and the demo's place "
        "list (Tehran's neighbourhoods). Only rows marked as demo are touched, whoever created or edited "
        "anything else. A real request a demo volunteer holds goes back to the coordinators' "
        "queue as open. The GeoNames gazetteer stays. An audit entry records the counts, and a "
        "server still started with --demo does not load the demo again.",
        opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    hy_db *db = NULL;
    if (hy_cli_open_store(st.db, &db, NULL) < 0) return 1;
    struct remove_ctx rc = {dry_run, keep_edited, {0}};
    fprintf(stderr, "demo remove: %s the demo rows…\n", dry_run ? "counting" : "removing");
    r = hy_db_run(db, dry_run ? HY_TX_READ : HY_TX_WRITE, remove_tx, &rc);
    hy_db_close(db);
    if (r < 0) {
        fprintf(stderr, "hamyari demo remove: the store refused it; nothing was changed\n");
        return 1;
    }
    const struct hy_demo_counts *c = &rc.c;
    printf("%s: %" PRId64 " groups, %" PRId64 " library documents, %" PRId64 " volunteers, %" PRId64
           " help requests, %" PRId64 " places\n",
           dry_run ? "would remove" : "removed", c->groups, c->documents, c->accounts, c->requests,
           c->places);
    if (c->groups_edited || c->documents_edited)
        printf("%s %" PRId64 " groups and %" PRId64 " documents edited since the demo loaded them%s\n",
               keep_edited ? "kept:" : "among them:", c->groups_edited, c->documents_edited,
               keep_edited ? " (now your own)" : " (--keep-edited keeps them)");
    if (c->released)
        printf("%s %" PRId64 " real requests held by a demo volunteer back to open\n",
               dry_run ? "would return" : "returned", c->released);
    printf("%s: %" PRId64 " open-data datasets\n", dry_run ? "would remove" : "removed",
           c->datasets);
    if (c->datasets_edited)
        printf("%s %" PRId64 " datasets with a version uploaded since the demo loaded them%s\n",
               keep_edited ? "kept:" : "among them:", c->datasets_edited,
               keep_edited ? " (now your own)" : " (--keep-edited keeps them)");
    return 0;
}

int hy_cmd_demo(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "remove")) return demo_remove(argc - 1, argv + 1);
    FILE *out = (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) ? stdout : stderr;
    fprintf(out, "Usage: hamyari demo remove [OPTIONS]\n\n"
                 "  remove   remove the demo data (see 'hamyari demo remove --help')\n");
    return out == stdout ? 0 : 2;
}
