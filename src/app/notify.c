/* notify.c — sending the outbox: the webhook and command channels and one delivery pass.
 *
 * The webhook client is a small HTTP/1.1 client over a plain TCP socket, for http:// URLs only
 * (an SMS or messaging gateway on the same host or network; put a local relay in front of an
 * https-only gateway). It POSTs {"id","to","channel","language","template","text"} as JSON
 * and counts any 2xx answer as delivered. The command channel runs a program without a shell:
 * the command is split on spaces, the recipient is appended as the last argument, the text is
 * written to its standard input, and exit status 0 means delivered. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/workers.h"
#include "domain/auth.h"
#include "domain/messages.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"

extern char **environ;

#define LEASE_SECONDS 300
#define BACKOFF_FIRST 30
#define BACKOFF_MAX 3600
#define MAX_ARGS 16

void hy_notify_defaults(struct hy_notify_config *c) {
    memset(c, 0, sizeof *c);
    c->interval = 2;
    c->max_attempts = 8;
    c->batch_minutes = 15;
    c->retention_days = 30;
    c->timeout = 10;
    c->per_recipient = HY_OUTBOX_PER_HOUR_DEFAULT;
}

/* Splits http://host[:port]/path. Host may be a [v6] literal. */
static bool parse_url(const char *url, char *host, size_t hn, char *port, size_t pn,
                      const char **path) {
    if (strncmp(url, "http://", 7) != 0) return false;
    const char *h = url + 7, *end;
    if (*h == '[') {
        end = strchr(h, ']');
        if (!end) return false;
        if ((size_t)(end - h - 1) >= hn) return false;
        memcpy(host, h + 1, (size_t)(end - h - 1));
        host[end - h - 1] = '\0';
        end++;
    } else {
        end = h + strcspn(h, ":/");
        if (end == h || (size_t)(end - h) >= hn) return false;
        memcpy(host, h, (size_t)(end - h));
        host[end - h] = '\0';
    }
    if (*end == ':') {
        const char *p = end + 1;
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n >= pn) return false;
        memcpy(port, p, n);
        port[n] = '\0';
        end = p + n;
    } else {
        snprintf(port, pn, "80");
    }
    if (*end && *end != '/') return false;
    *path = *end ? end : "/";
    for (const char *c = *path; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f) return false;
    return true;
}

bool hy_notify_check(const struct hy_notify_config *c, const char **ret_problem) {
    char host[256], port[8];
    const char *path;
    if (c->webhook && *c->webhook && !parse_url(c->webhook, host, sizeof host, port, sizeof port, &path)) {
        *ret_problem = "--notify-webhook must be an http://host[:port]/path URL (for https, run a "
                       "local relay)";
        return false;
    }
    if (c->command && *c->command && c->command[0] == ' ') {
        *ret_problem = "--notify-command must start with the program to run";
        return false;
    }
    if (c->max_attempts == 0 || c->interval == 0 || c->timeout == 0 || c->per_recipient == 0) {
        *ret_problem = "--notify-interval, --notify-max-attempts, --notify-timeout and "
                       "--notify-per-recipient must be > 0";
        return false;
    }
    return true;
}

static int webhook_send(const char *url, const char *body, unsigned timeout, const char **err) {
    char host[256], port[8];
    const char *path;
    if (!parse_url(url, host, sizeof host, port, sizeof port, &path)) {
        *err = "bad webhook URL";
        return -1;
    }
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai) {
        *err = "webhook host not found";
        return -1;
    }
    int fd = -1;
    struct timeval tv = {(time_t)timeout, 0};
    for (struct addrinfo *p = ai; p; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
        if (fd < 0) continue;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    if (fd < 0) {
        *err = "webhook unreachable";
        return -1;
    }
    size_t blen = strlen(body);
    hy_buf b = HY_BUF_INIT(1024 * 1024);
    int r = hy_buf_printf(&b,
                          "POST %s HTTP/1.1\r\nHost: %s%s%s\r\nUser-Agent: hamyari\r\n"
                          "Content-Type: application/json; charset=utf-8\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                          path, host, strcmp(port, "80") ? ":" : "", strcmp(port, "80") ? port : "",
                          blen);
    if (r == 0) r = hy_buf_append(&b, body, blen);
    if (r < 0) {
        close(fd);
        hy_buf_free(&b);
        *err = "out of memory";
        return -1;
    }
    size_t off = 0;
    while (off < b.len) {
        ssize_t n = send(fd, b.data + off, b.len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += (size_t)n;
    }
    bool sent = off == b.len;
    hy_buf_free(&b);
    char resp[512];
    size_t got = 0;
    while (sent && got < sizeof resp - 1) {
        ssize_t n = recv(fd, resp + got, sizeof resp - 1 - got, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
        resp[got] = '\0';
        if (strstr(resp, "\r\n")) break;
    }
    close(fd);
    resp[got] = '\0';
    if (!sent || got < 12 || strncmp(resp, "HTTP/1.", 7) != 0) {
        *err = "no answer from the webhook";
        return -1;
    }
    if (resp[9] != '2') {
        *err = "the webhook refused the message";
        return -1;
    }
    return 0;
}

/* The program's path: as given when it has a '/', else found on PATH (resolved here, in the
 * parent, so the child only calls async-signal-safe functions before execve). */
static bool find_program(const char *name, char *out, size_t n) {
    if (strchr(name, '/')) {
        snprintf(out, n, "%s", name);
        return access(out, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path) path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t k = strcspn(path, ":");
        if (k && (size_t)snprintf(out, n, "%.*s/%s", (int)k, path, name) < n && access(out, X_OK) == 0)
            return true;
        path += k;
        if (*path == ':') path++;
    }
    return false;
}

static int command_send(const char *command, const char *recipient, const char *text,
                        unsigned timeout, const char **err) {
    char copy[1024];
    if (snprintf(copy, sizeof copy, "%s", command) >= (int)sizeof copy) {
        *err = "command too long";
        return -1;
    }
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < MAX_ARGS;
         t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    if (argc == 0) {
        *err = "empty command";
        return -1;
    }
    argv[argc++] = (char *)recipient;
    argv[argc] = NULL;
    char prog[1024];
    if (!find_program(argv[0], prog, sizeof prog)) {
        *err = "command not found";
        return -1;
    }
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        *err = "cannot make a pipe";
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        *err = "cannot start the command";
        return -1;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        dup2(in[0], 0);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1);
        execve(prog, argv, environ);
        _exit(127);
    }
    close(in[0]);
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t n = write(in[1], text + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += (size_t)n;
    }
    close(in[1]);
    int status = 0;
    struct timespec start, now, nap = {0, 10 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) {
            *err = "lost the command";
            return -1;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= (time_t)timeout) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            *err = "the command took too long";
            return -1;
        }
        nanosleep(&nap, NULL);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *err = "the command failed";
        return -1;
    }
    return 0;
}

/* ---- one pass ---- */

struct take_ctx {
    int64_t now;
    unsigned limit;
    hy_arena *a;
    struct hy_outbox_item *items;
    int n;
};

static int take_tx(hy_store *s, void *ctx) {
    struct take_ctx *t = ctx;
    /* A reset code past its validity is not sent late: its message is given up. */
    int r = s->ops->reset_outbox_expire(s, t->now - HY_RESET_TTL, t->now);
    if (r < 0) return r;
    r = s->ops->requests->outbox_take(s, t->now, t->now + LEASE_SECONDS, t->limit, t->a,
                                          &t->items);
    if (r < 0) return r;
    t->n = r;
    return HY_DB_ONE;
}

struct mark_ctx {
    int64_t id, at;
    bool ok, give_up;
    const char *error;
};

static int mark_tx(hy_store *s, void *ctx) {
    struct mark_ctx *m = ctx;
    int r = m->ok ? s->ops->requests->outbox_sent(s, m->id, m->at)
                  : s->ops->requests->outbox_retry(s, m->id, m->at, m->give_up, m->error);
    return r < 0 ? r : HY_DB_ONE;
}

static int64_t backoff(int64_t attempts) {
    int64_t d = BACKOFF_FIRST;
    for (int64_t i = 1; i < attempts && d < BACKOFF_MAX; i++) d *= 2;
    return d > BACKOFF_MAX ? BACKOFF_MAX : d;
}

int hy_outbox_pass(hy_db *db, const struct hy_notify_config *c, unsigned limit, int *ret_sent,
                   int *ret_failed) {
    *ret_sent = *ret_failed = 0;
    bool webhook = c->webhook && *c->webhook, command = c->command && *c->command;
    if (!webhook && !command) return 0;
    struct take_ctx t = {.now = hy_clock_now(), .limit = limit, .a = hy_arena_new(0)};
    if (!t.a) return HY_DB_HARD;
    int r = hy_db_run(db, HY_TX_WRITE, take_tx, &t);
    if (r < 0) {
        hy_arena_free(t.a);
        return r;
    }
    for (int i = 0; i < t.n; i++) {
        struct hy_outbox_item *m = &t.items[i];
        json_error_t e;
        json_t *params = json_loads(m->payload ? m->payload : "{}", 0, &e);
        json_t *code = params ? json_object_get(params, "code") : NULL;
        if (c->site && json_is_string(code)) {
            /* The tracking page with the code filled in; it works without JavaScript. */
            size_t n = strlen(c->site);
            while (n && c->site[n - 1] == '/') n--;
            char link[512];
            int k = snprintf(link, sizeof link, "%.*s/track?code=%s", (int)n, c->site,
                             json_string_value(code));
            if (k > 0 && (size_t)k < sizeof link) json_object_set_new(params, "link", json_string(link));
        }
        char *text = hy_message_render(m->template_name, m->language, params);
        json_decref(params);
        const char *err = NULL;
        int ok = -1;
        if (!text) {
            err = "unknown template";
        } else if (webhook) {
            json_t *body = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)m->id, "to",
                                     m->recipient, "channel", m->channel, "language", m->language,
                                     "template", m->template_name, "text", text);
            char *bt = body ? json_dumps(body, JSON_COMPACT) : NULL;
            json_decref(body);
            ok = bt ? webhook_send(c->webhook, bt, c->timeout, &err) : -1;
            free(bt);
        } else {
            ok = command_send(c->command, m->recipient, text, c->timeout, &err);
        }
        free(text);
        int64_t now = hy_clock_now();
        struct mark_ctx mk = {.id = m->id, .ok = ok == 0};
        if (ok == 0) {
            mk.at = now;
            (*ret_sent)++;
        } else {
            mk.give_up = !text || m->attempts >= (int64_t)c->max_attempts;
            mk.at = now + backoff(m->attempts);
            mk.error = err ? err : "failed";
            (*ret_failed)++;
            hy_warn("outbox: message %lld (%s) not delivered, attempt %lld: %s%s", (long long)m->id,
                    m->template_name ? m->template_name : "?", (long long)m->attempts, mk.error,
                    mk.give_up ? "; giving up" : "");
        }
        r = hy_db_run(db, HY_TX_WRITE, mark_tx, &mk);
        if (r < 0) hy_warn("outbox: could not record the result for message %lld", (long long)m->id);
    }
    hy_arena_free(t.a);
    return 0;
}
