/* trees.c — "what should I do?" decision trees over JSON:
 *
 *   GET  /api/v1/trees                       published trees (editors: ?all=true, drafts too)
 *   POST /api/v1/trees                       create one language of a tree (editors)
 *   GET  /api/v1/trees/{id}                  one tree with its document (?lang=)
 *   PUT  /api/v1/trees/{id}                  save a new version (editors; optimistic locking)
 *   POST /api/v1/trees/{id}/publish|unpublish
 *   GET  /api/v1/trees/{id}/revisions[/{version}]
 *   POST /api/v1/trees/{id}/evaluate         {"answers":{…}} → the next question or the result
 *
 * Saving validates the whole document (domain/tree.h) and refuses it with 422 and every
 * problem, naming the nodes; every save is a revision (who, when, the document). Evaluation
 * keeps nothing about the person: the answers travel with each call, and only the count of
 * walks that ended at each result is kept. */
#include "api/trees.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/markdown.h"
#include "http/parse.h"
#include "http/replica.h"
#include "http/session.h"
#include "store/audit.h"
#include "store/trees.h"
#include "util/clock.h"
#include "util/log.h"

#define REVISIONS_MAX 200

static bool is_editor(hy_req *req) {
    return hy_access_decide(HY_ACCESS_EDITOR, hy_req_principal(req)) == 0;
}

bool hy_api_tree_lang_ok(const char *lang) {
    size_t n = lang ? strlen(lang) : 0;
    if (n < 2 || n > 16) return false;
    for (size_t i = 0; i < n; i++) {
        char c = lang[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c == '-') ||
                  (c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

static bool id_ok(const char *id) { return hy_tree_id_valid(id); }

int32_t hy_api_tree_today(void) { return hy_forecast_today(); }

static json_t *text_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *time_or_null(int64_t t) { return t ? json_integer((json_int_t)t) : json_null(); }

/* Days since the tree was last reviewed (negative when the date lies ahead). */
static json_int_t review_age(const char *reviewed_at, int32_t today) {
    int32_t day;
    if (!reviewed_at || !hy_tree_date_parse(reviewed_at, strlen(reviewed_at), &day)) return 0;
    return (json_int_t)(today - day);
}

/* What a list shows of a tree. */
static json_t *summary_json(const struct hy_tree_rec *t, int32_t today) {
    return json_pack("{s:s,s:s,s:s,s:I,s:s,s:I,s:o,s:b,s:o,s:I}", "id", t->id, "language",
                     t->language, "title", t->title, "version", (json_int_t)t->version,
                     "reviewed_at", t->reviewed_at, "review_age_days",
                     review_age(t->reviewed_at, today), "source_url", text_or_null(t->source_url),
                     "published", t->published, "published_at", time_or_null(t->published_at),
                     "updated_at", (json_int_t)t->updated_at);
}

/* ---------------------------------------------------------------- loading */

struct load_ctx {
    hy_req *req;
    const char *id, *lang;
    bool drafts;
    struct hy_tree_rec rec;
};

static int load_tx(hy_store *s, void *ctx) {
    struct load_ctx *c = ctx;
    const struct hy_tree_ops *t = s->ops->trees;
    if (c->lang) {
        int r = t->get(s, c->id, c->lang, c->req->arena, &c->rec);
        if (r != HY_DB_ONE) return r;
        return c->rec.published || c->drafts ? HY_DB_ONE : HY_DB_NONE;
    }
    /* No language asked: Persian, else the first the tree has (in language order). */
    struct hy_tree_rec *all;
    int n = t->list(s, NULL, !c->drafts, c->req->arena, &all);
    if (n < 0) return n;
    const char *pick = NULL;
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].id, c->id) != 0) continue;
        if (!pick || !strcmp(all[i].language, "fa")) pick = all[i].language;
    }
    if (!pick) return HY_DB_NONE;
    return t->get(s, c->id, pick, c->req->arena, &c->rec);
}

int hy_api_tree_load(hy_req *req, const char *id, const char *lang, bool drafts,
                     struct hy_api_tree *ret) {
    if (!id_ok(id) || (lang && !hy_api_tree_lang_ok(lang))) return HY_DB_NONE;
    struct load_ctx c = {.req = req, .id = id, .lang = lang, .drafts = drafts};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, load_tx, &c);
    if (r != HY_DB_ONE) return r;
    struct hy_tree_problems probs;
    const char *doc = c.rec.doc ? c.rec.doc : "";
    ret->tree = NULL;
    int p = hy_tree_parse(req->arena, doc, strlen(doc), &ret->tree, &probs);
    if (p < 0 || !ret->tree) {
        hy_error("trees: the stored document of %s (%s) does not parse", id, c.rec.language);
        return p == -ENOMEM ? HY_DB_HARD : -EINVAL;
    }
    ret->rec = c.rec;
    return HY_DB_ONE;
}

/* One counted walk, as a job of the store's group commit: the answer, ready, is sent once the
 * count is durable (many walks share one commit). */
struct counted {
    hy_req *req;
    const char *id, *lang, *node;
    unsigned status;
    const char *type;
    const char *body;
    size_t len;
    int result;
};

static int count_job(hy_store *s, void *ctx) {
    struct counted *c = ctx;
    return s->ops->trees->outcome_add(s, c->id, c->lang, c->node, 1);
}

/* On the writer thread, once the batch holding the job has committed (or failed). */
static void count_done(void *ctx, int status) {
    struct counted *c = ctx;
    c->result = status;
    hy_req_wake(c->req); /* c and the request are not ours any more */
}

/* On a server thread: the answer, whatever became of the count (the person gets their result
 * either way; a lost count is logged). */
static hy_result count_answer(hy_req *req, void *ctx) {
    struct counted *c = ctx;
    if (c->result < 0) hy_warn("trees: could not count an outcome of %s (status %d)", c->id, c->result);
    return hy_reply_bytes(req, c->status, c->type, c->body, c->len);
}

hy_result hy_api_tree_reply_counted(hy_req *req, const struct hy_api_tree *t, int node,
                                    unsigned status, const char *type, const char *body,
                                    size_t len) {
    if (!t->rec.published) /* previews of drafts are not walks */
        return hy_reply_bytes(req, status, type, body, len);
    struct counted *c = hy_arena_alloc(req->arena, sizeof *c);
    if (!c) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    *c = (struct counted){req, t->rec.id, t->rec.language, t->tree->nodes[node].id, status, type,
                          body, len, 0};
    hy_result res = hy_req_defer(req, count_answer, c);
    if (hy_db_run_batched(req->srv->db, count_job, c, count_done) != HY_DB_ONE) {
        c->result = hy_db_run(req->srv->db, HY_TX_WRITE, count_job, c);
        hy_req_wake(req);
    }
    return res;
}

/* ---------------------------------------------------------------- node JSON */

static json_t *bound_json(const struct hy_tree_bound *b, int32_t today) {
    int32_t day;
    if (b->kind == HY_TREE_BOUND_NONE) return json_null();
    day = b->kind == HY_TREE_BOUND_DAY ? b->days : today + b->days;
    int y, m, d;
    hy_tree_ymd(day, &y, &m, &d);
    char s[16];
    snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
    return json_string(s);
}

json_t *hy_api_tree_node_json(hy_req *req, const struct hy_tree *t, int node, int32_t today) {
    const struct hy_tree_node *n = &t->nodes[node];
    char *html = NULL, *plain = NULL;
    if (hy_md_render(req->arena, n->text, strlen(n->text), &html, &plain) < 0) return NULL;
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "id", n->id, "type", hy_tree_type_names[n->type],
                          "text", plain, "text_html", html);
    if (!o) return NULL;
    if (n->help) {
        char *hh = NULL, *hp = NULL;
        if (hy_md_render(req->arena, n->help, strlen(n->help), &hh, &hp) == 0) {
            json_object_set_new(o, "help", json_string(hp));
            json_object_set_new(o, "help_html", json_string(hh));
        }
    }
    switch (n->type) {
    case HY_TREE_SINGLE_CHOICE:
    case HY_TREE_MULTIPLE_CHOICE: {
        json_t *opts = json_array();
        for (size_t i = 0; i < n->noptions; i++) {
            json_t *op = json_pack("{s:s,s:s}", "label", n->options[i].label, "value",
                                   n->options[i].value);
            if (n->options[i].exclusive) json_object_set_new(op, "exclusive", json_true());
            json_array_append_new(opts, op);
        }
        json_object_set_new(o, "options", opts);
        break;
    }
    case HY_TREE_NUMBER:
        json_object_set_new(o, "min", json_real(n->min));
        json_object_set_new(o, "max", json_real(n->max));
        json_object_set_new(o, "integer", json_boolean(n->integer));
        if (n->unit) json_object_set_new(o, "unit", json_string(n->unit));
        break;
    case HY_TREE_DATE:
        json_object_set_new(o, "min", bound_json(&n->date_min, today));
        json_object_set_new(o, "max", bound_json(&n->date_max, today));
        break;
    case HY_TREE_CONTACT: {
        const struct hy_tree_contact *c = &n->contact;
        json_object_set_new(o, "contact",
                            json_pack("{s:s,s:s,s:s,s:o,s:b}", "name", c->name, "phone", c->phone,
                                      "hours", c->hours, "url", text_or_null(c->url),
                                      "always_open", c->always_open));
    } /* fall through: a contact is a result */
    /* FALLTHROUGH */
    case HY_TREE_RESULT:
        json_object_set_new(o, "title", json_string(n->title));
        json_object_set_new(o, "severity", json_string(hy_tree_severity_names[n->severity]));
        break;
    default:
        break;
    }
    return o;
}

/* ---------------------------------------------------------------- reading */

struct list_ctx {
    hy_req *req;
    const char *lang;
    bool all;
    struct hy_tree_rec *items;
    int n;
};

static int list_tx(hy_store *s, void *ctx) {
    struct list_ctx *c = ctx;
    c->n = s->ops->trees->list(s, c->lang, !c->all, c->req->arena, &c->items);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

int hy_api_tree_list(hy_req *req, const char *lang, bool all, struct hy_tree_rec **ret) {
    struct list_ctx c = {.req = req, .lang = lang, .all = all};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, list_tx, &c);
    if (r < 0) return r;
    *ret = c.items;
    return c.n;
}

hy_result hy_api_list_trees(hy_req *req) {
    struct list_ctx c = {.req = req, .lang = hy_req_query(req, "lang")};
    if (c.lang && !hy_api_tree_lang_ok(c.lang))
        return hy_reply_error(req, HY_E_INVALID_QUERY, "lang is not a language tag.", "lang");
    const char *all = hy_req_query(req, "all");
    if (all && strcmp(all, "true") != 0 && strcmp(all, "false") != 0)
        return hy_reply_error(req, HY_E_INVALID_QUERY, "all is true or false.", "all");
    c.all = all && !strcmp(all, "true");
    if (c.all && !is_editor(req)) {
        const struct hy_principal *w = hy_req_principal(req);
        return hy_reply_error(req, w && w->signed_in ? HY_E_FORBIDDEN : HY_E_UNAUTHORIZED,
                              "Only editors see unpublished trees.", "all");
    }
    c.n = hy_api_tree_list(req, c.lang, c.all, &c.items);
    if (c.n < 0) return hy_reply_store_error(req, c.n);
    int32_t today = hy_api_tree_today();
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) json_array_append_new(items, summary_json(&c.items[i], today));
    return hy_reply_json(req, 200, json_pack("{s:o}", "trees", items));
}

struct full_ctx {
    hy_req *req;
    const char *id, *lang;
    bool editor;
    struct hy_tree_rec rec;
    struct hy_tree_rec *langs;
    int nlangs;
    struct hy_row_count *outcomes;
    int noutcomes;
};

static int full_tx(hy_store *s, void *ctx) {
    struct full_ctx *c = ctx;
    const struct hy_tree_ops *t = s->ops->trees;
    struct load_ctx l = {.req = c->req, .id = c->id, .lang = c->lang, .drafts = c->editor};
    int r = load_tx(s, &l);
    if (r != HY_DB_ONE) return r;
    c->rec = l.rec;
    c->nlangs = t->list(s, NULL, !c->editor, c->req->arena, &c->langs);
    if (c->nlangs < 0) return c->nlangs;
    if (c->editor) {
        c->noutcomes = t->outcome_list(s, c->rec.id, c->rec.language, c->req->arena, &c->outcomes);
        if (c->noutcomes < 0) return c->noutcomes;
    }
    return HY_DB_ONE;
}

/* The whole tree as GET, PUT and publishing answer it. */
static json_t *full_json(const struct full_ctx *c) {
    json_t *o = summary_json(&c->rec, hy_api_tree_today());
    json_t *doc = json_loads(c->rec.doc ? c->rec.doc : "{}", 0, NULL);
    json_object_set_new(o, "document", doc ? doc : json_object());
    json_t *langs = json_array();
    for (int i = 0; i < c->nlangs; i++)
        if (!strcmp(c->langs[i].id, c->rec.id))
            json_array_append_new(langs, json_string(c->langs[i].language));
    json_object_set_new(o, "languages", langs);
    if (c->editor) {
        json_t *oc = json_array();
        for (int i = 0; i < c->noutcomes; i++)
            json_array_append_new(oc, json_pack("{s:s,s:I}", "node", c->outcomes[i].key, "count",
                                                (json_int_t)c->outcomes[i].count));
        json_object_set_new(o, "outcomes", oc);
    }
    return o;
}

static hy_result not_found(hy_req *req) {
    return hy_reply_error(req, HY_E_NOT_FOUND, "No such tree in that language.", NULL);
}

/* Reads ?lang= for a single tree: NULL when absent; false (answered) when malformed. */
static bool lang_param(hy_req *req, const char **ret, hy_result *res) {
    *ret = hy_req_query(req, "lang");
    if (*ret && !hy_api_tree_lang_ok(*ret)) {
        *res = hy_reply_error(req, HY_E_INVALID_QUERY, "lang is not a language tag.", "lang");
        return false;
    }
    return true;
}

static hy_result reply_full(hy_req *req, unsigned status, const char *id, const char *lang) {
    struct full_ctx c = {.req = req, .id = id, .lang = lang, .editor = is_editor(req)};
    int r = hy_db_run(req->srv->db, HY_TX_READ, full_tx, &c);
    if (r == HY_DB_NONE) return not_found(req);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, status, full_json(&c));
}

hy_result hy_api_get_tree(hy_req *req) {
    const char *lang;
    hy_result res;
    if (!lang_param(req, &lang, &res)) return res;
    if (!id_ok(req->args[0])) return not_found(req);
    struct full_ctx c = {.req = req, .id = req->args[0], .lang = lang, .editor = is_editor(req)};
    int r = hy_db_run(hy_req_read_db(req), HY_TX_READ, full_tx, &c);
    if (r == HY_DB_NONE) return not_found(req);
    if (r < 0) return hy_reply_store_error(req, r);
    return hy_reply_json(req, 200, full_json(&c));
}

/* ---------------------------------------------------------------- saving */

struct save_ctx {
    hy_req *req;
    bool create;
    struct hy_tree_rec rec;
    int64_t expected; /* the version the editor started from */
    int64_t current;  /* on a conflict: the version in force */
    bool conflict, missing;
};

static int save_tx(hy_store *s, void *ctx) {
    struct save_ctx *c = ctx;
    const struct hy_tree_ops *t = s->ops->trees;
    int r;
    if (c->create) {
        r = t->insert(s, &c->rec);
        if (r == HY_DB_NONE) c->conflict = true;
    } else {
        r = t->update(s, &c->rec, c->expected);
        if (r == HY_DB_NONE) {
            struct hy_tree_rec now;
            int g = t->get(s, c->rec.id, c->rec.language, c->req->arena, &now);
            if (g < 0) return g;
            if (g == HY_DB_NONE) c->missing = true;
            else {
                c->conflict = true;
                c->current = now.version;
            }
        }
    }
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_ABORT;
    struct hy_tree_revision rev = {.tree_id = c->rec.id,
                                   .language = c->rec.language,
                                   .version = c->rec.version,
                                   .at = c->rec.updated_at,
                                   .author_id = c->rec.updated_by,
                                   .action = c->create ? "create" : "edit",
                                   .doc = c->rec.doc};
    if ((r = t->revision_insert(s, &rev)) < 0) return r;
    char *subject = hy_arena_printf(c->req->arena, "%s/%s", c->rec.id, c->rec.language);
    return hy_audit(s, c->rec.updated_by, c->create ? "tree_created" : "tree_edited",
                    subject ? subject : c->rec.id, "");
}

/* Answers 422 with every problem of a document and the ids of the nodes they concern. */
static hy_result reply_problems(hy_req *req, const struct hy_tree_problems *p) {
    size_t nn = 0;
    const char **ids = hy_tree_problem_nodes(req->arena, p, &nn);
    json_t *nodes = json_array();
    for (size_t i = 0; ids && i < nn; i++) json_array_append_new(nodes, json_string(ids[i]));
    json_t *problems = hy_tree_problems_json(p);
    char *msg = hy_arena_printf(req->arena, "The tree has %zu problem%s%s; the first: %s",
                                p->count, p->count == 1 ? "" : "s",
                                p->truncated ? " (and more)" : "",
                                p->count ? p->items[0].message : "");
    json_t *err = json_pack("{s:s,s:s,s:o,s:o,s:b}", "code", hy_error_code(HY_E_INVALID_TREE),
                            "message", msg ? msg : "The tree is not valid.", "nodes", nodes,
                            "problems", problems ? problems : json_array(), "truncated",
                            p->truncated);
    return hy_reply_json(req, hy_error_status(HY_E_INVALID_TREE), json_pack("{s:o}", "error", err));
}

static hy_result save(hy_req *req, bool create) {
    if (!create && !id_ok(req->args[0])) return not_found(req);
    const char *body = req->body.data ? req->body.data : "";
    size_t len = req->body.len;
    /* Not JSON at all is the usual 400; everything else about the document is a problem of the
     * tree, answered 422 with the nodes concerned. */
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc || !json_is_object(doc)) {
        json_decref(doc);
        return hy_reply_error(req, HY_E_BAD_JSON, "The body is not a JSON object.", NULL);
    }
    struct hy_tree *tree;
    struct hy_tree_problems probs;
    int r = hy_tree_parse(req->arena, body, len, &tree, &probs);
    if (r == -ENOMEM) {
        json_decref(doc);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    if (r < 0) {
        json_decref(doc);
        return reply_problems(req, &probs);
    }
    if (!create && strcmp(tree->id, req->args[0]) != 0) {
        json_decref(doc);
        return hy_reply_error(req, HY_E_INVALID_FIELD,
                              "The document's id is not the tree's in the address.", "id");
    }
    int64_t now = hy_clock_now();
    struct save_ctx c = {.req = req, .create = create, .expected = tree->version};
    /* A new tree keeps the version it was written with; a save raises the version it was
     * edited from by one, so two editors working on one version cannot overwrite each other. */
    int64_t version = create ? tree->version : tree->version + 1;
    if (version > 2147483647) {
        json_decref(doc);
        return hy_reply_error(req, HY_E_INVALID_FIELD, "version is at its largest.", "version");
    }
    json_object_set_new(doc, "version", json_integer((json_int_t)version));
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    char *stored = text ? hy_arena_strdup(req->arena, text) : NULL;
    free(text);
    if (!stored) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    c.rec = (struct hy_tree_rec){.id = tree->id,
                                 .language = tree->language,
                                 .title = tree->title,
                                 .version = version,
                                 .reviewed_at = tree->reviewed_at,
                                 .source_url = tree->source_url,
                                 .published = false,
                                 .doc = stored,
                                 .created_by = hy_req_actor(req),
                                 .created_at = now,
                                 .updated_by = hy_req_actor(req),
                                 .updated_at = now};
    r = hy_db_run(req->srv->db, HY_TX_WRITE, save_tx, &c);
    if (r == HY_DB_ABORT && c.missing) return not_found(req);
    if (r == HY_DB_ABORT && c.conflict && create)
        return hy_reply_error(req, HY_E_CONFLICT,
                              "This tree exists in that language already: save it with PUT.", "id");
    if (r == HY_DB_ABORT && c.conflict) {
        char *msg = hy_arena_printf(req->arena,
                                    "The tree was saved by someone else meanwhile: it is at version "
                                    "%lld, the document edits version %lld. Reload it and edit again.",
                                    (long long)c.current, (long long)c.expected);
        return hy_reply_error(req, HY_E_CONFLICT, msg, "version");
    }
    if (r < 0) return hy_reply_store_error(req, r);
    return reply_full(req, create ? 201 : 200, c.rec.id, c.rec.language);
}

hy_result hy_api_create_tree(hy_req *req) { return save(req, true); }
hy_result hy_api_update_tree(hy_req *req) { return save(req, false); }

struct publish_ctx {
    hy_req *req;
    const char *id, *lang;
    bool on;
};

static int publish_tx(hy_store *s, void *ctx) {
    struct publish_ctx *c = ctx;
    int r = s->ops->trees->set_published(s, c->id, c->lang, c->on, hy_clock_now());
    if (r != HY_DB_ONE) return r < 0 ? r : HY_DB_ABORT;
    char *subject = hy_arena_printf(c->req->arena, "%s/%s", c->id, c->lang);
    return hy_audit(s, hy_req_actor(c->req), c->on ? "tree_published" : "tree_unpublished",
                    subject ? subject : c->id, "");
}

static hy_result publish(hy_req *req, bool on) {
    const char *lang;
    hy_result res;
    if (!lang_param(req, &lang, &res)) return res;
    if (!lang)
        return hy_reply_error(req, HY_E_MISSING_FIELD, "Say which language: ?lang=.", "lang");
    if (req->body.len)
        return hy_reply_error(req, HY_E_BAD_REQUEST, "This action takes no body.", NULL);
    if (!id_ok(req->args[0])) return not_found(req);
    struct publish_ctx c = {req, req->args[0], lang, on};
    int r = hy_db_run(req->srv->db, HY_TX_WRITE, publish_tx, &c);
    if (r == HY_DB_ABORT) return not_found(req);
    if (r < 0) return hy_reply_store_error(req, r);
    return reply_full(req, 200, c.id, lang);
}

hy_result hy_api_publish_tree(hy_req *req) { return publish(req, true); }
hy_result hy_api_unpublish_tree(hy_req *req) { return publish(req, false); }

/* ---------------------------------------------------------------- revisions */

struct rev_ctx {
    hy_req *req;
    const char *id, *lang;
    int64_t version; /* 0: the list */
    struct hy_tree_revision *revs, one;
    int n;
};

static int rev_tx(hy_store *s, void *ctx) {
    struct rev_ctx *c = ctx;
    struct load_ctx l = {.req = c->req, .id = c->id, .lang = c->lang, .drafts = true};
    int r = load_tx(s, &l);
    if (r != HY_DB_ONE) return r;
    c->lang = l.rec.language;
    if (c->version)
        return s->ops->trees->revision_get(s, c->id, c->lang, c->version, c->req->arena, &c->one);
    c->n = s->ops->trees->revision_list(s, c->id, c->lang, REVISIONS_MAX, c->req->arena, &c->revs);
    return c->n < 0 ? c->n : HY_DB_ONE;
}

static json_t *revision_json(const struct hy_tree_revision *v) {
    return json_pack("{s:I,s:I,s:o,s:s}", "version", (json_int_t)v->version, "at",
                     (json_int_t)v->at, "author_id", text_or_null(v->author_id), "action",
                     v->action);
}

hy_result hy_api_list_tree_revisions(hy_req *req) {
    struct rev_ctx c = {.req = req, .id = req->args[0]};
    hy_result res;
    if (!lang_param(req, &c.lang, &res)) return res;
    if (!id_ok(c.id)) return not_found(req);
    int r = hy_db_run(req->srv->db, HY_TX_READ, rev_tx, &c);
    if (r == HY_DB_NONE) return not_found(req);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *items = json_array();
    for (int i = 0; i < c.n; i++) json_array_append_new(items, revision_json(&c.revs[i]));
    return hy_reply_json(req, 200,
                         json_pack("{s:s,s:s,s:o}", "id", c.id, "language", c.lang, "revisions",
                                   items));
}

hy_result hy_api_get_tree_revision(hy_req *req) {
    struct rev_ctx c = {.req = req, .id = req->args[0]};
    hy_result res;
    if (!lang_param(req, &c.lang, &res)) return res;
    if (!id_ok(c.id)) return not_found(req);
    const char *v = req->args[1];
    char *end = NULL;
    long long version = strtoll(v, &end, 10);
    if (!*v || *end || version < 1 || version > 2147483647)
        return hy_reply_error(req, HY_E_NOT_FOUND, "No such revision.", NULL);
    c.version = version;
    int r = hy_db_run(req->srv->db, HY_TX_READ, rev_tx, &c);
    if (r == HY_DB_NONE) return hy_reply_error(req, HY_E_NOT_FOUND, "No such revision.", NULL);
    if (r < 0) return hy_reply_store_error(req, r);
    json_t *o = revision_json(&c.one);
    json_t *doc = json_loads(c.one.doc ? c.one.doc : "{}", 0, NULL);
    json_object_set_new(o, "id", json_string(c.id));
    json_object_set_new(o, "language", json_string(c.lang));
    json_object_set_new(o, "document", doc ? doc : json_object());
    return hy_reply_json(req, 200, o);
}

/* ---------------------------------------------------------------- evaluating */

hy_result hy_api_evaluate_tree(hy_req *req) {
    const char *lang;
    hy_result res;
    if (!lang_param(req, &lang, &res)) return res;
    json_t *answers = NULL;
    struct hy_field spec[] = {HY_F_ANY("answers", HY_REQUIRED, &answers), HY_F_END};
    if (!hy_input_parse(req, spec, &res)) return res;
    if (!json_is_object(answers))
        return hy_reply_error(req, HY_E_INVALID_FIELD, "answers is an object: node id → answer.",
                              "answers");
    struct hy_api_tree t = {0};
    int r = hy_api_tree_load(req, req->args[0], lang, is_editor(req), &t);
    if (r == HY_DB_NONE) return not_found(req);
    if (r == -EINVAL) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    if (r != HY_DB_ONE) return hy_reply_store_error(req, r < 0 ? r : HY_DB_HARD);
    int32_t today = hy_api_tree_today();
    struct hy_tree_step step;
    struct hy_tree_error err;
    r = hy_tree_evaluate(t.tree, answers, today, req->arena, &step, &err);
    if (r == -EINVAL) {
        const char *field = err.node ? hy_arena_printf(req->arena, "answers.%s", err.node)
                                     : "answers";
        return hy_reply_error(req, HY_E_INVALID_ANSWER, err.message, field);
    }
    if (r < 0) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    json_t *node = hy_api_tree_node_json(req, t.tree, step.node, today);
    json_t *canon = hy_tree_answers_json(t.tree, &step, step.npath);
    json_t *path = json_array();
    for (size_t i = 0; i < step.npath; i++)
        json_array_append_new(path, json_string(t.tree->nodes[step.path[i].node].id));
    if (!node || !canon) {
        json_decref(node);
        json_decref(canon);
        json_decref(path);
        return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    }
    json_t *tree = json_pack("{s:s,s:s,s:s,s:I,s:s}", "id", t.rec.id, "language", t.rec.language,
                             "title", t.rec.title, "version", (json_int_t)t.rec.version,
                             "reviewed_at", t.rec.reviewed_at);
    json_t *answer = json_pack("{s:o,s:b,s:o,s:o,s:o}", "tree", tree, "done", step.done, "node",
                               node, "answers", canon, "path", path);
    if (!step.done) return hy_reply_json(req, 200, answer);
    char *text = answer ? json_dumps(answer, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(answer);
    char *copy = text ? hy_arena_strdup(req->arena, text) : NULL;
    free(text);
    if (!copy) return hy_reply_error(req, HY_E_INTERNAL, NULL, NULL);
    return hy_api_tree_reply_counted(req, &t, step.node, 200, "application/json; charset=utf-8",
                                     copy, strlen(copy));
}
