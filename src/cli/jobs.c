/* jobs.c — `hamyari purge` and `hamyari outbox`: the background work of `serve`
 * (app/workers.h) done by hand. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "app/workers.h"
#include "cli/cli.h"

/* ---- hamyari purge ---- */

int hy_cmd_purge(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    unsigned days = 30;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"days", "HAMYARI_RETENTION_DAYS", HY_OPT_UINT, &days, "N",
         "erase the personal data of requests finished more than N days ago (default 30)"},
    };
    int r = hy_opts_parse("hamyari purge [--days N]",
                          "Erases the personal data of closed, cancelled and unable-to-help "
                          "requests finished more than N days ago (name, phone, address, details, "
                          "exact position, notes, every message to them, delivered or not), "
                          "expired idempotency keys and every message older than N days, "
                          "delivered or not; anonymous statistics remain. On SQLite the "
                          "write-ahead log is then checkpointed and truncated so no copy lingers.",
                          opts, sizeof opts / sizeof opts[0], argc, argv, NULL, NULL);
    if (r) return r > 0 ? 0 : 2;
    hy_db *db = NULL;
    if (hy_cli_open_store(st.db, &db, NULL) < 0) return 1;
    struct hy_purge_counts c = {0};
    r = hy_purge_run(db, days, &c);
    hy_db_close(db);
    if (r < 0) {
        fprintf(stderr, "hamyari purge: the store refused the purge\n");
        return 1;
    }
    printf("purged: %" PRId64 " requests, %" PRId64 " notes, %" PRId64 " outbox messages, %" PRId64
           " idempotency keys\n",
           c.requests, c.notes, c.outbox, c.idempotency);
    return 0;
}

/* ---- hamyari outbox ---- */

int hy_cmd_outbox(int argc, char **argv) {
    struct hy_settings st;
    hy_settings_defaults(&st);
    struct hy_notify_config nc;
    hy_notify_defaults(&nc);
    bool once = false;
    struct hy_opt opts[] = {
        {"db", "HAMYARI_DB", HY_OPT_STRING, &st.db, "URL", "store (default sqlite:hamyari.db)"},
        {"notify-webhook", "HAMYARI_NOTIFY_WEBHOOK", HY_OPT_STRING, &nc.webhook, "URL",
         "deliver by POSTing JSON to this http:// URL"},
        {"notify-command", "HAMYARI_NOTIFY_COMMAND", HY_OPT_STRING, &nc.command, "CMD",
         "deliver by running CMD RECIPIENT with the text on stdin (no shell)"},
        {"notify-max-attempts", "HAMYARI_NOTIFY_MAX_ATTEMPTS", HY_OPT_UINT, &nc.max_attempts, "N",
         "attempts before a message is marked failed (default 8)"},
        {"notify-timeout", "HAMYARI_NOTIFY_TIMEOUT", HY_OPT_UINT, &nc.timeout, "SECONDS",
         "time one delivery may take (default 10)"},
        {"notify-per-recipient", "HAMYARI_NOTIFY_PER_RECIPIENT", HY_OPT_UINT, &nc.per_recipient,
         "N", "batch: queue at most N messages to one recipient in any hour (default 5)"},
        {"once", NULL, HY_OPT_FLAG, &once, NULL, "run: deliver what is due now, then exit"},
    };
    char **args = NULL;
    int nargs = 0;
    int r = hy_opts_parse("hamyari outbox run --once | status | batch",
                          "run: delivers the notification messages that are due (as serve's "
                          "worker does).\nstatus: counts messages by status; \"dropped\" counts those the "
                          "per-recipient cap (serve --notify-per-recipient) refused within the "
                          "retention period.\nbatch: queues the "
                          "\"new requests near you\" notices now.",
                          opts, sizeof opts / sizeof opts[0], argc, argv, &args, &nargs);
    if (r) return r > 0 ? 0 : 2;
    const char *what = nargs ? args[0] : "status";
    if (nargs > 1 || (strcmp(what, "run") && strcmp(what, "status") && strcmp(what, "batch"))) {
        fprintf(stderr, "hamyari outbox: say run --once, status or batch (see --help)\n");
        return 2;
    }
    const char *problem;
    if (!hy_notify_check(&nc, &problem)) {
        fprintf(stderr, "hamyari outbox: %s\n", problem);
        return 2;
    }
    if (!strcmp(what, "run") && !once) {
        fprintf(stderr, "hamyari outbox run: give --once (serve runs the worker continuously)\n");
        return 2;
    }
    if (!strcmp(what, "run") && !(nc.webhook && *nc.webhook) && !(nc.command && *nc.command)) {
        fprintf(stderr, "hamyari outbox run: give --notify-webhook or --notify-command\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    hy_db *db = NULL;
    if (hy_cli_open_store(st.db, &db, NULL) < 0) return 1;
    hy_db_set_outbox_cap(db, nc.per_recipient);
    int rc = 0;
    if (!strcmp(what, "run")) {
        int total_sent = 0, total_failed = 0;
        for (int pass = 0; pass < 1000; pass++) {
            int sent = 0, failed = 0;
            if (hy_outbox_pass(db, &nc, 100, &sent, &failed) < 0) {
                rc = 1;
                break;
            }
            total_sent += sent;
            total_failed += failed;
            if (sent + failed == 0) break;
        }
        printf("delivered %d, failed attempts %d\n", total_sent, total_failed);
    } else if (!strcmp(what, "batch")) {
        int queued = 0;
        rc = hy_nearby_batch(db, 0, true, &queued) < 0 ? 1 : 0;
        printf("queued %d notice(s)\n", queued);
    } else {
        hy_store *s = hy_db_conn(db);
        int64_t c[HY_OUTBOX_STATES] = {0};
        if (!s || s->ops->requests->outbox_counts(s, c) < 0) rc = 1;
        printf("pending %" PRId64 ", sending %" PRId64 ", sent %" PRId64 ", failed %" PRId64
               ", dropped %" PRId64 "\n",
               c[0], c[1], c[2], c[3], c[4]);
    }
    hy_db_close(db);
    return rc;
}
